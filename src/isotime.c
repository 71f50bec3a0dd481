/*
 * isotime.c - ISO 8601 UTC packet times.  Every flow record carries two
 * and every alert several, so the date and time of day are kept per
 * second (per thread: the daemon's workers each write their own) instead
 * of calling gmtime_r() and printf for each.
 */
#include <string.h>
#include <time.h>

#include "isotime.h"

/* Zero-padded decimal of width digits. */
static void
pad(char *p, unsigned v, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

char *
isotime_fmt(uint64_t ts, char *buf, size_t len)
{
	static _Thread_local time_t csec = (time_t)-1;
	static _Thread_local char cday[20];
	time_t sec = (time_t)(ts / 1000000);
	char out[ISOTIME_LEN];
	struct tm tm;

	if (len == 0)
		return buf;
	if (sec != csec) {
		gmtime_r(&sec, &tm);
		pad(cday, (unsigned)tm.tm_year + 1900, 4);
		cday[4] = '-';
		pad(cday + 5, (unsigned)tm.tm_mon + 1, 2);
		cday[7] = '-';
		pad(cday + 8, (unsigned)tm.tm_mday, 2);
		cday[10] = 'T';
		pad(cday + 11, (unsigned)tm.tm_hour, 2);
		cday[13] = ':';
		pad(cday + 14, (unsigned)tm.tm_min, 2);
		cday[16] = ':';
		pad(cday + 17, (unsigned)tm.tm_sec, 2);
		csec = sec;
	}
	memcpy(out, cday, 19);
	out[19] = '.';
	pad(out + 20, (unsigned)(ts % 1000000), 6);
	out[26] = 'Z';
	out[27] = '\0';
	if (len > sizeof(out))
		len = sizeof(out);
	memcpy(buf, out, len - 1);
	buf[len - 1] = '\0';
	return buf;
}
