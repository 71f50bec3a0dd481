/*
 * fuzz_loader_struct.c - fuzz_loader (the configuration, inventory and
 * rules loaders) with a libconfig-aware mutator.  Byte mutations of a
 * libconfig file mostly break its syntax, so the loaders' own checks see
 * few of them; this mutator parses one of the input's three files with
 * libconfig, changes one setting (its value, its name, its type; removes
 * it, copies it, or adds a key of the dictionary) and writes the file
 * back with config_write(), so the result still parses and reaches the
 * validation in conf.c, sink_conf.c, inventory.c and rules.c.  One
 * mutation in four, and whenever the file does not parse, is libFuzzer's
 * own on the bytes.  Names and string values come from fuzz/loader.dict
 * (tools/mkdict.sh).  The input format and the checks are fuzz_loader's,
 * whose source this one includes; a crash found here is kept under
 * fuzz/regress/loader/ and replayed by make check like fuzz_loader's.
 */
#include "fuzz_loader.c"

#include <ctype.h>
#include <libconfig.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
    unsigned int seed);

#define MAX_WORDS	1024
#define MAX_SETTINGS	4096

static char *words[MAX_WORDS];
static size_t nwords;

/* A small xorshift generator seeded by libFuzzer, so runs replay. */
static unsigned rnd_state;

static unsigned
rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return n == 0 ? 0 : rnd_state % n;
}

/*
 * The words of fuzz/loader.dict: its quoted entries without escapes
 * (key names, enum values, roles, rule ids, addresses).
 */
static void
load_words(void)
{
	char path[4096], line[512], *q, *e;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fuzz/loader.dict", fuzz_srcdir());
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (nwords < MAX_WORDS && fgets(line, sizeof(line), f) != NULL) {
		if (line[0] != '"' || (q = strchr(line + 1, '"')) == NULL ||
		    q == line + 1 || memchr(line, '\\', (size_t)(q - line)))
			continue;
		*q = '\0';
		if ((e = strdup(line + 1)) == NULL)
			break;
		words[nwords++] = e;
	}
	fclose(f);
}

static const char *
word(void)
{
	static const char *const fallback[] = { "name", "roles", "id" };

	if (nwords == 0)
		return fallback[rnd(3)];
	return words[rnd((unsigned)nwords)];
}

/* A name libconfig accepts for a setting: [A-Za-z*][-A-Za-z0-9_*]*. */
static int
valid_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '*')
		return 0;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_*", *s) == NULL)
			return 0;
	return 1;
}

static const char *
name_word(void)
{
	const char *w;
	int i;

	for (i = 0; i < 16; i++)
		if (valid_name(w = word()))
			return w;
	return "name";
}

/* Every setting of the tree but the root, in document order. */
static void
collect(config_setting_t *s, config_setting_t **all, size_t *n)
{
	config_setting_t *e;
	int i;

	if (*n < MAX_SETTINGS && config_setting_parent(s) != NULL)
		all[(*n)++] = s;
	if (!config_setting_is_aggregate(s))
		return;
	for (i = 0; (e = config_setting_get_elem(s, (unsigned)i)) != NULL;
	    i++)
		collect(e, all, n);
}

static long long
interesting_int(void)
{
	static const long long v[] = { 0, 1, -1, 2, 15, 16, 17, 63, 64, 255,
		256, 1023, 1024, 4095, 4096, 65535, 65536, 86400, 86401,
		262144, 2147483647LL, -2147483647LL - 1, 4294967295LL,
		4294967296LL, 9223372036854775807LL };

	if (rnd(4) == 0)
		return (long long)rnd(100000) - 50000;
	return v[rnd(sizeof(v) / sizeof(v[0]))];
}

/* Gives a scalar setting a new value of its own type. */
static void
set_value(config_setting_t *s)
{
	char buf[256];
	const char *old;
	size_t n;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		config_setting_set_int(s, (int)interesting_int());
		break;
	case CONFIG_TYPE_INT64:
		config_setting_set_int64(s, interesting_int());
		break;
	case CONFIG_TYPE_FLOAT:
		config_setting_set_float(s, (double)interesting_int() / 7);
		break;
	case CONFIG_TYPE_BOOL:
		config_setting_set_bool(s, !config_setting_get_bool(s));
		break;
	case CONFIG_TYPE_STRING:
		if (rnd(3) != 0) {
			config_setting_set_string(s, word());
			break;
		}
		/* Or its own bytes mutated: control bytes, UTF-8, length. */
		old = config_setting_get_string(s);
		n = old != NULL ? strlen(old) : 0;
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, old != NULL ? old : "", n);
		n = LLVMFuzzerMutate((uint8_t *)buf, n, sizeof(buf) - 1);
		buf[n] = '\0';
		config_setting_set_string(s, buf);
		break;
	default:
		break;
	}
}

/* Adds a scalar of a random type to an aggregate; NULL if refused. */
static config_setting_t *
add_scalar(config_setting_t *parent, const char *name)
{
	static const int types[] = { CONFIG_TYPE_INT, CONFIG_TYPE_INT64,
		CONFIG_TYPE_FLOAT, CONFIG_TYPE_STRING, CONFIG_TYPE_BOOL,
		CONFIG_TYPE_GROUP, CONFIG_TYPE_ARRAY, CONFIG_TYPE_LIST };
	config_setting_t *s, *e;
	int t = types[rnd(sizeof(types) / sizeof(types[0]))];

	if (config_setting_is_array(parent)) {
		/* An array holds scalars of its first element's type. */
		s = config_setting_get_elem(parent, 0);
		t = s != NULL ? config_setting_type(s) : CONFIG_TYPE_STRING;
	}
	if ((s = config_setting_add(parent, name, t)) == NULL)
		return NULL;
	if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST)
		config_setting_set_string_elem(s, -1, word());
	else if (t == CONFIG_TYPE_GROUP) {
		if ((e = config_setting_add(s, name_word(),
		    CONFIG_TYPE_STRING)) != NULL)
			config_setting_set_string(e, word());
	} else
		set_value(s);
	return s;
}

/* One structural change to one setting of the tree. */
static void
mutate_tree(config_t *cf)
{
	static config_setting_t *all[MAX_SETTINGS];
	config_setting_t *s, *parent, *root = config_root_setting(cf);
	char name[128];
	size_t n = 0;
	int idx;

	collect(root, all, &n);
	if (n == 0) {
		add_scalar(root, name_word());
		return;
	}
	s = all[rnd((unsigned)n)];
	parent = config_setting_parent(s);
	idx = config_setting_index(s);
	switch (rnd(6)) {
	case 0:		/* a new value of the same type */
	case 1:
		if (config_setting_is_scalar(s))
			set_value(s);
		else
			add_scalar(s, name_word());
		break;
	case 2:		/* another name (libconfig keeps it as given) */
		if (s->name != NULL && config_setting_is_group(parent)) {
			const char *w = name_word();

			if (config_setting_get_member(parent, w) == NULL) {
				free(s->name);
				s->name = strdup(w);
			}
		}
		break;
	case 3:		/* another type under the same name */
		if (s->name != NULL)
			snprintf(name, sizeof(name), "%s", s->name);
		else
			name[0] = '\0';
		if (config_setting_remove_elem(parent, (unsigned)idx) ==
		    CONFIG_TRUE)
			add_scalar(parent, name[0] ? name : NULL);
		break;
	case 4:		/* removed */
		config_setting_remove_elem(parent, (unsigned)idx);
		break;
	default:	/* a key of the dictionary added beside it */
		add_scalar(parent, config_setting_is_group(parent) ?
		    name_word() : NULL);
		break;
	}
}

/*
 * Parses text (n bytes) with libconfig, mutates it and writes it into
 * out (at most max bytes).  Returns the new length, or (size_t)-1 when
 * the text does not parse or the result does not fit.
 */
static size_t
mutate_file(const uint8_t *text, size_t n, uint8_t *out, size_t max)
{
	config_t cf;
	char *src, *buf = NULL;
	size_t len = 0, r = (size_t)-1;
	FILE *f;
	int i, k;

	/* An @include would read files named by the input: not here. */
	if (memmem(text, n, "@include", 8) != NULL ||
	    (src = malloc(n + 1)) == NULL)
		return r;
	memcpy(src, text, n);
	src[n] = '\0';
	config_init(&cf);
	if (config_read_string(&cf, src) == CONFIG_TRUE) {
		k = 1 + (int)rnd(3);
		for (i = 0; i < k; i++)
			mutate_tree(&cf);
		if ((f = open_memstream(&buf, &len)) != NULL) {
			config_write(&cf, f);
			fclose(f);
			if (len <= max) {
				memcpy(out, buf, len);
				r = len;
			}
		}
		free(buf);
	}
	config_destroy(&cf);
	free(src);
	return r;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
    unsigned int seed)
{
	static int loaded;
	const uint8_t *part[3], *end = data + size, *p = data, *s;
	size_t plen[3], mlen, total, o;
	uint8_t *tmp, *mut;
	int i, pick;

	if (!loaded) {
		load_words();
		loaded = 1;
	}
	rnd_state = seed != 0 ? seed : 1;
	if (rnd(4) == 0)
		return LLVMFuzzerMutate(data, size, max);

	/* The three files, as LLVMFuzzerTestOneInput splits them. */
	for (i = 0; i < 3; i++) {
		s = p < end ? memmem(p, (size_t)(end - p), SEP,
		    sizeof(SEP) - 1) : NULL;
		if (i == 2 || s == NULL)
			s = end;
		part[i] = p;
		plen[i] = (size_t)(s - p);
		p = s < end ? s + sizeof(SEP) - 1 : end;
	}
	pick = (int)rnd(3);
	if ((tmp = malloc(max)) == NULL || (mut = malloc(max)) == NULL) {
		free(tmp);
		return LLVMFuzzerMutate(data, size, max);
	}
	mlen = mutate_file(part[pick], plen[pick], mut, max);
	total = 0;
	if (mlen != (size_t)-1) {
		total = 2 * (sizeof(SEP) - 1) + mlen;
		for (i = 0; i < 3; i++)
			if (i != pick)
				total += plen[i];
	}
	if (mlen == (size_t)-1 || total > max) {
		free(tmp);
		free(mut);
		return LLVMFuzzerMutate(data, size, max);
	}
	for (o = 0, i = 0; i < 3; i++) {
		if (i > 0) {
			memcpy(tmp + o, SEP, sizeof(SEP) - 1);
			o += sizeof(SEP) - 1;
		}
		if (i == pick) {
			memcpy(tmp + o, mut, mlen);
			o += mlen;
		} else {
			memcpy(tmp + o, part[i], plen[i]);
			o += plen[i];
		}
	}
	memcpy(data, tmp, o);
	free(tmp);
	free(mut);
	return o;
}
