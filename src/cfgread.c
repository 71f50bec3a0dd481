/*
 * cfgread.c - reads a libconfig file and the files it @includes into
 * memory, checked, for libconfig to parse (see cfgread.h for why libconfig
 * never opens a file itself).  Used by every loader before validation.
 *
 * The text is scanned as libconfig 1.5's scanner does (lib/scanner.l):
 * strings, comments, and "@include" at the start of a line outside them.
 * Each @include is replaced by the text of its file, which is scanned the
 * same way; a table of spans maps each line of the result back to a file
 * and line, and the parsed settings are given those.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgread.h"
#include "errlist.h"

/* A file being read: for the loop check and its folder. */
struct cfgread_frame {
	dev_t dev;
	ino_t ino;
};

/* One load in progress. */
struct cfgread_ctx {
	struct cfgread *r;
	struct errlist *e;
	char *out;		/* the text for libconfig */
	size_t len, cap;
	unsigned outline;	/* line of out being written, from 1 */
	size_t total;		/* bytes read from files */
	struct cfgread_frame stack[CFGREAD_DEPTH_MAX + 1];
	int depth;
	int failed;
};

static int
cfgread_put(struct cfgread_ctx *x, const char *s, size_t n)
{
	size_t cap, i;
	char *p;

	if (x->len + n + 1 > x->cap) {
		cap = x->cap ? x->cap : 4096;
		while (cap < x->len + n + 1)
			cap *= 2;
		if ((p = realloc(x->out, cap)) == NULL)
			return -1;
		x->out = p;
		x->cap = cap;
	}
	memcpy(x->out + x->len, s, n);
	x->len += n;
	x->out[x->len] = '\0';
	for (i = 0; i < n; i++)
		x->outline += s[i] == '\n';
	return 0;
}

/* From this line of the text on, lines are file's from line on. */
static int
cfgread_span(struct cfgread_ctx *x, const char *file, unsigned line)
{
	struct cfgread *r = x->r;
	struct cfgread_span *p;
	size_t cap;

	if (r->nspans > 0 && r->spans[r->nspans - 1].first == x->outline)
		r->nspans--;	/* an empty run: replaced */
	if (r->nspans == r->capspans) {
		cap = r->capspans ? r->capspans * 2 : 16;
		if ((p = realloc(r->spans, cap * sizeof(*p))) == NULL)
			return -1;
		r->spans = p;
		r->capspans = cap;
	}
	r->spans[r->nspans].first = x->outline;
	r->spans[r->nspans].line = line;
	r->spans[r->nspans].file = file;
	r->nspans++;
	return 0;
}

/* Keeps a copy of a file name for the settings; NULL on ENOMEM. */
static const char *
cfgread_name(struct cfgread *r, const char *name)
{
	char **p;

	if ((p = realloc(r->files, (r->nfiles + 1) * sizeof(*p))) == NULL)
		return NULL;
	r->files = p;
	if ((p[r->nfiles] = strdup(name)) == NULL)
		return NULL;
	return p[r->nfiles++];
}

static const char *
cfgread_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/*
 * Reads the regular file path whole into a new string (*len bytes, NUL
 * added) and its identity into fr.  NULL with the reason in why: anything
 * but a regular file is refused before it is opened (a FIFO would block,
 * a device would never end), and checked again on the open descriptor in
 * case it was replaced in between.  errno is taken where a call failed,
 * never from an earlier one.
 */
static char *
cfgread_slurp(struct cfgread_ctx *x, const char *path, size_t *len,
    struct cfgread_frame *fr, char *why, size_t whylen)
{
	struct stat sb, fsb;
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;
	int fd;

	if (stat(path, &sb) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, whylen, "%s, not a regular file",
		    cfgread_kind(sb.st_mode));
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY)) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &fsb) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(fsb.st_mode) || fsb.st_dev != sb.st_dev ||
	    fsb.st_ino != sb.st_ino) {
		snprintf(why, whylen, "replaced while being opened");
		goto fail;
	}
	if ((unsigned long long)fsb.st_size + CFGREAD_OPEN_COST >
	    CFGREAD_SIZE_MAX - x->total) {
		snprintf(why, whylen, "more than %u bytes of configuration "
		    "(each file read counting %u more)", CFGREAD_SIZE_MAX,
		    CFGREAD_OPEN_COST);
		goto fail;
	}
	if ((buf = malloc((size_t)fsb.st_size + 2)) == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		goto fail;
	}
	/* One byte more than its size is asked for: a file that grew. */
	for (;;) {
		got = read(fd, buf + n, (size_t)fsb.st_size + 1 - n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			snprintf(why, whylen, "%s", strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > (size_t)fsb.st_size) {
			snprintf(why, whylen, "grew while being read");
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	x->total += n + CFGREAD_OPEN_COST;
	fr->dev = fsb.st_dev;
	fr->ino = fsb.st_ino;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static int
cfgread_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static int
cfgread_isxdigit(char c)
{
	return cfgread_isdigit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/*
 * Length of the number token at p (end: the text's end), as libconfig's
 * scanner cuts it: the longest of integer, integer64 (suffix L or LL), hex,
 * hex64 and float.  *bad is set for an integer libconfig 1.5 would read
 * wrong: without L one outside the 32-bit int range (it keeps the low 32
 * bits: 4294967297 reads 1), with L one outside 64 bits.
 */
static size_t
cfgread_number(const char *p, const char *end, int *bad)
{
	const char *q = p, *d;
	unsigned long long v = 0, lim;
	int neg = 0, hex = 0, over = 0, wide = 0;

	*bad = 0;
	if (q < end && (*q == '-' || *q == '+'))
		neg = *q++ == '-';
	/* libconfig's hex has no sign: "-0x1" is "-0" then a name. */
	if (q == p && end - q > 2 && q[0] == '0' &&
	    (q[1] == 'x' || q[1] == 'X') && cfgread_isxdigit(q[2])) {
		hex = 1;
		q += 2;
	}
	d = q;
	while (q < end && (hex ? cfgread_isxdigit(*q) : cfgread_isdigit(*q))) {
		unsigned c = cfgread_isdigit(*q) ? (unsigned)(*q - '0') :
		    (unsigned)((*q | 0x20) - 'a' + 10);
		unsigned base = hex ? 16 : 10;

		if (v > (ULLONG_MAX - c) / base)
			over = 1;
		else
			v = v * base + c;
		q++;
	}
	if (!hex) {
		/* A float: digits then '.', or an exponent; not checked. */
		const char *f = q;

		if (f < end && *f == '.') {
			for (f++; f < end && cfgread_isdigit(*f); f++)
				;
		}
		if (f < end && (*f == 'e' || *f == 'E')) {
			const char *g = f + 1;

			if (g < end && (*g == '-' || *g == '+'))
				g++;
			if (g < end && cfgread_isdigit(*g)) {
				for (; g < end && cfgread_isdigit(*g); g++)
					;
				f = g;
			}
		}
		if (f != q)
			return (size_t)(f - p);
	}
	if (q == d)
		return (size_t)(q - p);	/* a lone sign: not a number */
	if (q < end && *q == 'L') {
		wide = 1;
		q += q + 1 < end && q[1] == 'L' ? 2 : 1;
	}
	lim = wide ? (unsigned long long)LLONG_MAX :
	    (unsigned long long)INT_MAX;
	if (over || v > lim + (unsigned long long)(neg && !hex))
		*bad = 1;
	return (size_t)(q - p);
}

/*
 * If an @include starts at p (a line's start), returns the length of the
 * line up to its end (not the newline) and the file name in name; 0 if
 * there is none.  -1 for a malformed one, with the reason in why.
 */
static long
cfgread_directive(const char *p, const char *end, char *name, size_t namelen,
    char *why, size_t whylen)
{
	static const char kw[] = "@include";
	const char *q = p;
	size_t n = 0;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if ((size_t)(end - q) < sizeof(kw) - 1 ||
	    memcmp(q, kw, sizeof(kw) - 1) != 0)
		return 0;
	q += sizeof(kw) - 1;
	if (q >= end || (*q != ' ' && *q != '\t'))
		return 0;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q >= end || *q != '"')
		return 0;
	/* As libconfig reads the name: only \\ and \" are escapes. */
	for (q++; q < end && *q != '"'; q++) {
		char c = *q;

		if (c == '\n') {
			snprintf(why, whylen, "the file name does not end on "
			    "its line");
			return -1;
		}
		if (c == '\\') {
			if (q + 1 >= end || (q[1] != '\\' && q[1] != '"')) {
				snprintf(why, whylen, "only \\\\ and \\\" are "
				    "escapes in a file name");
				return -1;
			}
			c = *++q;
		}
		if (n + 1 >= namelen) {
			snprintf(why, whylen, "the file name is too long");
			return -1;
		}
		name[n++] = c;
	}
	if (q >= end) {
		snprintf(why, whylen, "the file name does not end on its "
		    "line");
		return -1;
	}
	name[n] = '\0';
	if (n == 0) {
		snprintf(why, whylen, "no file name");
		return -1;
	}
	/* Only a comment may follow: the line is replaced by the file. */
	for (q++; q < end && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
		;
	if (q < end && *q != '\n' && *q != '#' &&
	    !(*q == '/' && q + 1 < end && q[1] == '/')) {
		snprintf(why, whylen, "text after the file name (an @include "
		    "is alone on its line)");
		return -1;
	}
	while (q < end && *q != '\n')
		q++;
	return (long)(q - p);
}

static void cfgread_text(struct cfgread_ctx *, const char *, const char *,
    size_t);

/*
 * The @include of name at file:line: resolved against file's folder,
 * read, and its text put in place of the line.
 */
static void
cfgread_include(struct cfgread_ctx *x, const char *file, unsigned line,
    const char *name)
{
	char path[PATH_MAX], why[256];
	struct cfgread_frame fr;
	const char *slash, *kept;
	size_t len;
	char *text;
	int i;

	slash = strrchr(file, '/');
	if (name[0] == '/' || slash == NULL)
		i = snprintf(path, sizeof(path), "%s", name);
	else
		i = snprintf(path, sizeof(path), "%.*s/%s",
		    (int)(slash - file), file, name);
	if (i < 0 || (size_t)i >= sizeof(path)) {
		errlist_add(x->e, file, (int)line, "@include \"%s\": the "
		    "path is too long", name);
		x->failed = 1;
		return;
	}
	/* Once the budget is spent, no more files are even looked at. */
	if (x->total > CFGREAD_SIZE_MAX - CFGREAD_OPEN_COST) {
		errlist_add(x->e, file, (int)line, "@include \"%s\": more "
		    "than %u bytes of configuration (each file read counting "
		    "%u more)", path, CFGREAD_SIZE_MAX, CFGREAD_OPEN_COST);
		x->failed = 1;
		return;
	}
	if (x->depth >= CFGREAD_DEPTH_MAX) {
		errlist_add(x->e, file, (int)line, "@include \"%s\": nested "
		    "more than %d deep", path, CFGREAD_DEPTH_MAX);
		x->failed = 1;
		return;
	}
	if ((text = cfgread_slurp(x, path, &len, &fr, why, sizeof(why))) ==
	    NULL) {
		errlist_add(x->e, file, (int)line, "@include \"%s\": %s", path,
		    why);
		x->failed = 1;
		return;
	}
	for (i = 0; i <= x->depth; i++)
		if (x->stack[i].dev == fr.dev && x->stack[i].ino == fr.ino) {
			errlist_add(x->e, file, (int)line, "@include \"%s\": "
			    "an include loop (the file is already being "
			    "read)", path);
			x->failed = 1;
			free(text);
			return;
		}
	if ((kept = cfgread_name(x->r, path)) == NULL) {
		errlist_add(x->e, file, (int)line, "%s", strerror(ENOMEM));
		x->failed = 1;
		free(text);
		return;
	}
	x->stack[++x->depth] = fr;
	cfgread_text(x, kept, text, len);
	x->depth--;
	free(text);
}

/*
 * Scans text (len bytes) of file into the output: copied as it is but for
 * @include lines.  States as libconfig's scanner: in a string, in a block
 * comment, or neither; an @include is seen only in the last, at a line's
 * start.
 */
static void
cfgread_text(struct cfgread_ctx *x, const char *file, const char *text,
    size_t len)
{
	enum { TEXT, STRING, COMMENT } st = TEXT;
	const char *p = text, *end = text + len, *from = text;
	char name[PATH_MAX], why[256];
	unsigned line = 1, stline = 1;
	int bol = 1, bad;
	size_t n;
	long d;

	if (memchr(text, '\0', len) != NULL) {
		const char *z = memchr(text, '\0', len), *c;

		for (c = text; c < z; c++)
			line += *c == '\n';
		errlist_add(x->e, file, (int)line, "a NUL byte: not a text "
		    "file");
		x->failed = 1;
		return;
	}
	if (cfgread_span(x, file, 1) == -1)
		goto nomem;
	while (p < end) {
		if (st == TEXT && bol && (d = cfgread_directive(p, end, name,
		    sizeof(name), why, sizeof(why))) != 0) {
			if (cfgread_put(x, from, (size_t)(p - from)) == -1)
				goto nomem;
			if (d == -1) {
				errlist_add(x->e, file, (int)line,
				    "@include: %s", why);
				x->failed = 1;
				for (d = 0; p + d < end && p[d] != '\n'; d++)
					;
			} else
				cfgread_include(x, file, line, name);
			/* What follows starts on a line of its own. */
			if (x->len > 0 && x->out[x->len - 1] != '\n' &&
			    cfgread_put(x, "\n", 1) == -1)
				goto nomem;
			p += d;
			if (p < end)
				p++;	/* the line's newline */
			from = p;
			line++;
			if (cfgread_span(x, file, line) == -1)
				goto nomem;
			continue;
		}
		bol = 0;
		switch (st) {
		case STRING:
			if (*p == '\\' && p + 1 < end &&
			    (p[1] == '"' || p[1] == '\\'))
				p++;
			else if (*p == '"')
				st = TEXT;
			break;
		case COMMENT:
			if (*p == '*' && p + 1 < end && p[1] == '/') {
				p++;
				st = TEXT;
			}
			break;
		case TEXT:
			if (*p == '"') {
				st = STRING;
				stline = line;
			} else if (*p == '/' && p + 1 < end && p[1] == '*') {
				st = COMMENT;
				stline = line;
				p++;
			} else if (*p == '#' || (*p == '/' && p + 1 < end &&
			    p[1] == '/')) {
				while (p + 1 < end && p[1] != '\n')
					p++;
			} else if ((*p >= 'A' && *p <= 'Z') ||
			    (*p >= 'a' && *p <= 'z') || *p == '*') {
				/* A name: digits in it are no number. */
				while (p + 1 < end && ((p[1] >= 'A' &&
				    p[1] <= 'Z') || (p[1] >= 'a' &&
				    p[1] <= 'z') || cfgread_isdigit(p[1]) ||
				    p[1] == '-' || p[1] == '_' || p[1] == '*'))
					p++;
			} else if (cfgread_isdigit(*p) || ((*p == '-' ||
			    *p == '+' || *p == '.') && p + 1 < end &&
			    (cfgread_isdigit(p[1]) || p[1] == '.'))) {
				n = cfgread_number(p, end, &bad);
				if (bad) {
					errlist_add(x->e, file, (int)line,
					    "%.*s is out of range: libconfig "
					    "reads an integer past 32 bits "
					    "wrapped (write it with L for 64 "
					    "bits)", (int)(n < 64 ? n : 64),
					    p);
					x->failed = 1;
				}
				if (n > 0)
					p += n - 1;
			}
			break;
		}
		if (*p == '\n') {
			line++;
			bol = st == TEXT;
		}
		p++;
	}
	if (cfgread_put(x, from, (size_t)(p - from)) == -1)
		goto nomem;
	/* libconfig would carry the state into the including file. */
	if (st != TEXT && x->depth > 0) {
		errlist_add(x->e, file, (int)stline, "%s does not end in "
		    "this file", st == STRING ? "the string" : "the comment");
		x->failed = 1;
	}
	/*
	 * An included file's last line ends here, as its buffer would in
	 * libconfig; the top file's is left as it is, so that an error at
	 * its end is on the line libconfig would give.
	 */
	if (x->depth > 0 && x->len > 0 && x->out[x->len - 1] != '\n' &&
	    cfgread_put(x, "\n", 1) == -1)
		goto nomem;
	return;
nomem:
	errlist_add(x->e, file, (int)line, "%s", strerror(ENOMEM));
	x->failed = 1;
}

/* The span of line n of the text (the last that starts at or before it). */
static const struct cfgread_span *
cfgread_where(const struct cfgread *r, unsigned n)
{
	size_t lo = 0, hi = r->nspans, mid;

	if (r->nspans == 0)
		return NULL;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (r->spans[mid].first <= n)
			lo = mid;
		else
			hi = mid;
	}
	return &r->spans[lo];
}

/*
 * Gives every setting below s the file and line it came from.  libconfig
 * 1.5 has no setter for them; the fields are public in libconfig.h and
 * read back by config_setting_source_file() and _line().
 */
static void
cfgread_relocate(const struct cfgread *r, config_setting_t *s)
{
	const struct cfgread_span *sp;
	config_setting_t *m;
	unsigned i;

	if ((sp = cfgread_where(r, s->line)) != NULL && s->line >= sp->first) {
		s->line = sp->line + (s->line - sp->first);
		s->file = sp->file;
	}
	if (!config_setting_is_aggregate(s))
		return;
	for (i = 0; (m = config_setting_get_elem(s, i)) != NULL; i++)
		cfgread_relocate(r, m);
}

int
cfgread_load(struct cfgread *r, const char *path, struct errlist *e)
{
	struct cfgread_ctx x;
	const struct cfgread_span *sp;
	const char *top;
	char why[256];
	size_t len;
	char *text;
	int line;

	memset(r, 0, sizeof(*r));
	config_init(&r->cf);
	/*
	 * Should an @include reach libconfig after all, it opens nothing:
	 * every path under a character device fails (ENOTDIR).
	 */
	config_set_include_dir(&r->cf, "/dev/null");
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.e = e;
	x.outline = 1;
	if ((top = cfgread_name(r, path)) == NULL) {
		errlist_add(e, path, 0, "%s", strerror(ENOMEM));
		return -1;
	}
	if ((text = cfgread_slurp(&x, path, &len, &x.stack[0], why,
	    sizeof(why))) == NULL) {
		errlist_add(e, path, 0, "cannot read the file: %s", why);
		return -1;
	}
	cfgread_text(&x, top, text, len);
	free(text);
	if (x.failed) {
		free(x.out);
		return -1;
	}
	if (config_read_string(&r->cf, x.out != NULL ? x.out : "") !=
	    CONFIG_TRUE) {
		line = config_error_line(&r->cf);
		sp = cfgread_where(r, (unsigned)line);
		if (sp != NULL && line > 0 && (unsigned)line >= sp->first)
			errlist_add(e, sp->file, (int)(sp->line +
			    ((unsigned)line - sp->first)), "%s",
			    config_error_text(&r->cf));
		else
			errlist_add(e, path, line, "%s",
			    config_error_text(&r->cf));
		free(x.out);
		return -1;
	}
	free(x.out);
	cfgread_relocate(r, config_root_setting(&r->cf));
	return 0;
}

void
cfgread_free(struct cfgread *r)
{
	size_t i;

	config_destroy(&r->cf);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->spans);
	memset(r, 0, sizeof(*r));
}
