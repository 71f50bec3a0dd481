/*
 * fuzz_format.c - libFuzzer target for the alert formatters (src/format.c,
 * src/escape.c).  The input fills a struct alert: every string field
 * (those from the wire, such as the SNI, and those from site files, such
 * as host and rule names, which an operator may have spelt with any
 * bytes), the numbers, addresses and flags.  Each format renders it, and
 * the target checks the line, not only that nothing crashed:
 *
 *	json	one object that parses as JSON (RFC 8259, checked by the
 *		small validating scanner below, strings must be UTF-8),
 *		then exactly one newline, at the end;
 *	text	no control character, exactly one newline, at the end;
 *	rfc5424, cef, leef (a tab as its delimiter half the time)
 *		the same, but for leef's delimiting tabs.
 *
 * No line of any format holds a raw C1 control (U+0080..U+009F).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, consumed from the front; zeros once it runs out. */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t
take(struct in *in, size_t bytes)
{
	uint64_t v = 0;

	while (bytes-- > 0) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* A string field: a length byte, then that many bytes (NUL allowed). */
static void
take_str(struct in *in, char *dst, size_t len)
{
	size_t n = (size_t)take(in, 1), i;

	memset(dst, 0, len);
	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)take(in, 1);

		if (i + 1 < len)
			dst[i] = (char)c;
	}
}

static void
take_end(struct in *in, struct alert_end *e)
{
	size_t i;

	for (i = 0; i < 16; i++)
		e->addr.b[i] = (uint8_t)take(in, 1);
	/* Half the time an IPv4-mapped address, as the decoder stores v4. */
	if (take(in, 1) & 1) {
		memset(e->addr.b, 0, 10);
		e->addr.b[10] = e->addr.b[11] = 0xff;
	}
	e->port = (uint16_t)take(in, 2);
	for (i = 0; i < 6; i++)
		e->mac[i] = (uint8_t)take(in, 1);
	e->has_mac = (uint8_t)(take(in, 1) & 1);
	e->internet = (uint8_t)(take(in, 1) & 1);
	e->roles = take(in, 8);
	take_str(in, e->host, sizeof(e->host));
	take_str(in, e->zone, sizeof(e->zone));
}

/*
 * A validating JSON scanner (RFC 8259): each function consumes one value
 * from *s (up to e) and returns 0, or -1 if the text is not JSON.
 */
static int json_value(const char **s, const char *e, int depth);

static void
json_ws(const char **s, const char *e)
{
	while (*s < e && (**s == ' ' || **s == '\t' || **s == '\n' ||
	    **s == '\r'))
		(*s)++;
}

/* One UTF-8 sequence (RFC 3629: shortest form, no surrogates). */
static int
json_utf8(const char **s, const char *e)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n, i;

	if (p[0] < 0x80)
		n = 0, cp = p[0];
	else if ((p[0] & 0xe0) == 0xc0)
		n = 1, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 2, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 3, cp = p[0] & 0x07;
	else
		return -1;
	if (e - *s < n + 1)
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*s += n + 1;
	return 0;
}

static int
json_string(const char **s, const char *e)
{
	int i;

	if (*s >= e || **s != '"')
		return -1;
	(*s)++;
	while (*s < e) {
		unsigned char c = (unsigned char)**s;

		if (c == '"') {
			(*s)++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++(*s) >= e)
				return -1;
			switch (**s) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				(*s)++;
				break;
			case 'u':
				for (i = 1; i <= 4; i++)
					if (*s + i >= e ||
					    strchr("0123456789abcdefABCDEF",
					    (*s)[i]) == NULL || (*s)[i] == '\0')
						return -1;
				*s += 5;
				break;
			default:
				return -1;
			}
			continue;
		}
		if (json_utf8(s, e) == -1)
			return -1;
	}
	return -1;
}

static int
json_digits(const char **s, const char *e)
{
	const char *b = *s;

	while (*s < e && **s >= '0' && **s <= '9')
		(*s)++;
	return *s > b ? 0 : -1;
}

static int
json_number(const char **s, const char *e)
{
	if (*s < e && **s == '-')
		(*s)++;
	if (*s < e && **s == '0')
		(*s)++;
	else if (json_digits(s, e) == -1)
		return -1;
	if (*s < e && **s == '.') {
		(*s)++;
		if (json_digits(s, e) == -1)
			return -1;
	}
	if (*s < e && (**s == 'e' || **s == 'E')) {
		(*s)++;
		if (*s < e && (**s == '+' || **s == '-'))
			(*s)++;
		if (json_digits(s, e) == -1)
			return -1;
	}
	return 0;
}

static int
json_word(const char **s, const char *e, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(e - *s) < n || memcmp(*s, w, n) != 0)
		return -1;
	*s += n;
	return 0;
}

/* An object or array: members separated by commas, keys for objects. */
static int
json_aggregate(const char **s, const char *e, int depth, char close)
{
	(*s)++;
	json_ws(s, e);
	if (*s < e && **s == close) {
		(*s)++;
		return 0;
	}
	for (;;) {
		json_ws(s, e);
		if (close == '}') {
			if (json_string(s, e) == -1)
				return -1;
			json_ws(s, e);
			if (*s >= e || **s != ':')
				return -1;
			(*s)++;
		}
		if (json_value(s, e, depth + 1) == -1)
			return -1;
		json_ws(s, e);
		if (*s >= e)
			return -1;
		if (**s == close) {
			(*s)++;
			return 0;
		}
		if (**s != ',')
			return -1;
		(*s)++;
	}
}

static int
json_value(const char **s, const char *e, int depth)
{
	if (depth > 32)
		return -1;
	json_ws(s, e);
	if (*s >= e)
		return -1;
	switch (**s) {
	case '{':
		return json_aggregate(s, e, depth, '}');
	case '[':
		return json_aggregate(s, e, depth, ']');
	case '"':
		return json_string(s, e);
	case 't':
		return json_word(s, e, "true");
	case 'f':
		return json_word(s, e, "false");
	case 'n':
		return json_word(s, e, "null");
	}
	return json_number(s, e);
}

/* The line ends with its only newline; n > 0; no C1 control in it. */
static void
check_one_line(const char *buf, int n)
{
	int i;

	if (n <= 0 || buf[n - 1] != '\n' || memchr(buf, '\n', (size_t)n - 1))
		abort();
	if (memchr(buf, '\0', (size_t)n) != NULL)
		abort();
	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)buf[i] == 0xc2 &&
		    (unsigned char)buf[i + 1] >= 0x80 &&
		    (unsigned char)buf[i + 1] <= 0x9f)
			abort();
}

/* One line without controls, but for tab (LEEF's delimiter) if tab. */
static void
check_plain(const char *buf, int n, int tab)
{
	int i;

	check_one_line(buf, n);
	for (i = 0; i < n - 1; i++)
		if (((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) &&
		    !(tab && buf[i] == '\t'))
			abort();
}

static void
check_json(const char *buf, int n)
{
	const char *s = buf, *e = buf + n - 1;

	check_one_line(buf, n);
	if (*s != '{' || json_value(&s, e, 0) == -1 || s != e)
		abort();
}

static void
check_text(const char *buf, int n)
{
	int i;

	check_one_line(buf, n);
	for (i = 0; i < n - 1; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* As large as the output buffers of main.c and the sinks. */
	static char buf[FORMAT_LINE_MAX];
	struct in in = { data, size };
	struct format_opts o;
	struct alert a;
	int n, f;

	memset(&a, 0, sizeof(a));
	a.kind = (enum policy_kind)(take(&in, 1) % POLICY_KIND_MAX);
	a.severity = (int)(int8_t)take(&in, 1);
	take_str(&in, a.rule_id, sizeof(a.rule_id));
	take_str(&in, a.rule_name, sizeof(a.rule_name));
	take_str(&in, a.section, sizeof(a.section));
	take_str(&in, a.nist, sizeof(a.nist));
	/* Packet times up to the year 2^64 microseconds allows. */
	a.ts = take(&in, 8);
	take_end(&in, &a.client);
	take_end(&in, &a.server);
	a.transport = (uint8_t)take(&in, 1);
	a.vlan = (uint16_t)take(&in, 2);
	take_str(&in, a.protocol, sizeof(a.protocol));
	a.state = (uint8_t)take(&in, 1);
	a.direction = (uint8_t)take(&in, 1);
	a.risk = take(&in, 8);
	take_str(&in, a.host_name, sizeof(a.host_name));
	take_str(&in, a.reason, sizeof(a.reason));
	a.count = take(&in, 8);
	a.first_seen = take(&in, 8);
	a.last_seen = take(&in, 8);
	a.repeat = (int)(take(&in, 1) & 1);

	a.flow_start = take(&in, 8);
	a.instance = take(&in, 8);
	a.seq = take(&in, 8);

	n = format_alert(buf, sizeof(buf), FORMAT_JSON, &a);
	check_json(buf, n);
	n = format_alert(buf, sizeof(buf), FORMAT_TEXT, &a);
	check_text(buf, n);
	format_opts_defaults(&o);
	o.header = 1;
	o.leef_delim = take(&in, 1) & 1 ? '\t' : '^';
	for (f = FORMAT_RFC5424; f <= FORMAT_LEEF; f++) {
		n = format_alert_opts(buf, sizeof(buf), f, &a, &o);
		check_plain(buf, n, f == FORMAT_LEEF && o.leef_delim == '\t');
	}
	return 0;
}
