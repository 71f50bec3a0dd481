/*
 * firewall.c - writes the documented flows as a firewall (see firewall.h).
 * Beside the policy stage: it reads the ruleset and the inventory once,
 * works out sets of addresses (one per role, the camera and DMZ zones,
 * the non-public ranges) and which rules allow anything; firewall_nft.c
 * and firewall_win.c print them as nftables or as PowerShell for the
 * Windows servers.
 *
 * Addresses are kept as prefixes in sets of one family.  The inventory
 * gives hosts exact addresses today (/32, /128); a role given to a whole
 * range would be added to its set as its prefix, and every set is
 * written as an nftables interval set, so nothing else has to change.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlist.h"
#include "firewall_priv.h"

/*
 * The ranges addr_is_public() does not call public, by family: with the
 * site's zones they make the set nonpublic_v4/_v6, whose complement is
 * the Internet.  tests/check_firewall.c checks that both agree.  The
 * IPv4-mapped block ::ffff:0:0/96 is in the IPv6 list because such an
 * address is judged as the IPv4 address it carries, never as an Internet
 * host of its own; it is written "0.0.0.0/0", which addr_parse_prefix()
 * reads as exactly that block of the 128-bit form.
 */
static const struct {
	int fam;
	const char *prefix;
} nonpublic_ranges[] = {
	{ FW_V4, "0.0.0.0/8" },		/* "this network" */
	{ FW_V4, "10.0.0.0/8" },	/* RFC 1918 */
	{ FW_V4, "100.64.0.0/10" },	/* RFC 6598 shared */
	{ FW_V4, "127.0.0.0/8" },	/* loopback */
	{ FW_V4, "169.254.0.0/16" },	/* link-local */
	{ FW_V4, "172.16.0.0/12" },	/* RFC 1918 */
	{ FW_V4, "192.168.0.0/16" },	/* RFC 1918 */
	{ FW_V4, "224.0.0.0/4" },	/* multicast */
	{ FW_V4, "240.0.0.0/4" },	/* reserved, limited broadcast */
	{ FW_V6, "::/120" },		/* unspecified, loopback */
	{ FW_V6, "0.0.0.0/0" },		/* IPv4-mapped, ::ffff:0:0/96 */
	{ FW_V6, "fc00::/7" },		/* unique local */
	{ FW_V6, "fe80::/10" },		/* link-local */
	{ FW_V6, "ff00::/8" },		/* multicast */
};

static const char *const kind_names[] = {
	[FIREWALL_NFTABLES] = "nftables",
	[FIREWALL_WINDOWS] = "windows",
};

int
firewall_kind_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(kind_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* --- sets of addresses ------------------------------------------------ */

static int
fam_of(const struct addr *net, unsigned plen)
{
	return addr_is_v4(net) && plen >= 96 ? FW_V4 : FW_V6;
}

static int
fw_set_add(struct fw_set *s, const struct addr *net, unsigned plen,
    const char *label)
{
	struct fw_pfx *n;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;

		if ((n = realloc(s->p, cap * sizeof(*n))) == NULL)
			return -1;
		s->p = n;
		s->cap = cap;
	}
	s->p[s->n].net = *net;
	s->p[s->n].plen = plen;
	s->p[s->n].label = label;
	s->n++;
	return 0;
}

/*
 * Every address and every prefix of host h (a group's ranges, as the
 * inventory cut them into prefixes) into the set of its family in a.
 */
int
firewall_addrs_add_host(struct fw_addrs *a, const struct inventory_host *h)
{
	size_t i;

	for (i = 0; i < h->naddrs; i++)
		if (fw_set_add(&a->fam[fam_of(&h->addrs[i], 128)],
		    &h->addrs[i], 128, h->name) == -1)
			return -1;
	for (i = 0; i < h->nnets; i++)
		if (fw_set_add(&a->fam[fam_of(&h->nets[i].net, 128)],
		    &h->nets[i].net, h->nets[i].plen, h->name) == -1)
			return -1;
	return 0;
}

static int
pfx_cmp(const void *x, const void *y)
{
	const struct fw_pfx *a = x, *b = y;
	int c;

	if ((c = addr_cmp(&a->net, &b->net)) != 0)
		return c;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	/* Same prefix twice: the label decides, so the output is stable. */
	if (a->label == NULL || b->label == NULL)
		return (a->label != NULL) - (b->label != NULL);
	return strcmp(a->label, b->label);
}

/*
 * Sorts s and drops every prefix inside another (duplicates too).  Two
 * prefixes either nest or are disjoint; sorted by address then length,
 * one that contains another comes right before the run it contains, so
 * comparing with the last one kept is enough.
 */
static void
fw_set_normalise(struct fw_set *s)
{
	size_t i, k = 0;

	if (s->n == 0)
		return;
	qsort(s->p, s->n, sizeof(*s->p), pfx_cmp);
	for (i = 1; i < s->n; i++)
		if (!addr_in_prefix(&s->p[i].net, &s->p[k].net, s->p[k].plen))
			s->p[++k] = s->p[i];
	s->n = k + 1;
}

void
firewall_addrs_normalise(struct fw_addrs *a)
{
	int f;

	for (f = 0; f < FW_NFAM; f++)
		fw_set_normalise(&a->fam[f]);
}

static int
fw_set_contains(const struct fw_set *s, const struct addr *a)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (addr_in_prefix(a, &s->p[i].net, s->p[i].plen))
			return 1;
	return 0;
}

void
firewall_addrs_free(struct fw_addrs *a)
{
	int f;

	for (f = 0; f < FW_NFAM; f++)
		free(a->fam[f].p);
}

/* The last address of a prefix: its host bits all set. */
static struct addr
pfx_last(const struct fw_pfx *p)
{
	struct addr a = p->net;
	unsigned b;

	for (b = p->plen; b < 128; b++)
		a.b[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	return a;
}

/* a + delta (1 or -1) over the 128 bits; wraps, which callers avoid. */
static struct addr
addr_step(struct addr a, int delta)
{
	int i;

	for (i = 15; i >= 0; i--) {
		if (delta > 0) {
			if (++a.b[i] != 0)
				break;
		} else if (a.b[i]-- != 0)
			break;
	}
	return a;
}

/*
 * The complement of the normalised set s within the family's addresses:
 * the Internet of the Windows script, as ranges.  Returns the number of
 * ranges written to a new array *out (freed by the caller), or -1.
 */
static long
fw_set_complement(const struct fw_set *s, int fam, struct fw_range **out)
{
	struct addr cur, end;
	struct fw_range *r;
	size_t i, n = 0;
	int open = 1;

	memset(&cur, 0, sizeof(cur));
	memset(&end, 0xff, sizeof(end));
	if (fam == FW_V4) {
		/* The IPv4 addresses are ::ffff:0.0.0.0/96 of the 128 bits. */
		cur.b[10] = cur.b[11] = 0xff;
		memset(end.b, 0, 10);
	}
	/* At most one range before each prefix, and one after the last. */
	if ((r = calloc(s->n + 1, sizeof(*r))) == NULL)
		return -1;
	for (i = 0; i < s->n && open; i++) {
		struct addr last = pfx_last(&s->p[i]);

		if (addr_cmp(&s->p[i].net, &cur) > 0) {
			r[n].lo = cur;
			r[n++].hi = addr_step(s->p[i].net, -1);
		}
		if (addr_cmp(&last, &end) >= 0)
			open = 0;
		else if (addr_cmp(&last, &cur) >= 0)
			cur = addr_step(last, 1);
	}
	if (open) {
		r[n].lo = cur;
		r[n++].hi = end;
	}
	*out = r;
	return (long)n;
}

/* The text of an address in family fam (an IPv4-mapped one as IPv6). */
const char *
firewall_fam_fmt(int fam, const struct addr *a, char *buf, size_t len)
{
	if (fam == FW_V4)
		return inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len);
	return inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
}

/* "192.168.10.10", or "192.168.10.0/24" for a range. */
const char *
firewall_pfx_fmt(int fam, const struct fw_pfx *p, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	unsigned plen = fam == FW_V4 ? p->plen - 96 : p->plen;

	if (firewall_fam_fmt(fam, &p->net, a, sizeof(a)) == NULL)
		a[0] = '\0';
	if (p->plen == 128)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, plen);
	return buf;
}

/* --- text from files ---------------------------------------------------- */

/*
 * Copies src to dst (len bytes) keeping printable ASCII only: anything
 * else, and the characters of bad, becomes '?', so that a name or a
 * section from a file can neither end a quoted string nor break a line.
 * A text cut short ends with "...".
 */
char *
firewall_clean(char *dst, size_t len, const char *src, const char *bad)
{
	size_t i, n = strlen(src);

	if (len == 0)
		return dst;
	for (i = 0; i < n && i + 1 < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c > 0x7e || strchr(bad, c) != NULL ?
		    '?' : (char)c;
	}
	dst[i] = '\0';
	if (i < n && len > 4)
		memcpy(dst + len - 4, "...", 4);
	return dst;
}

/* --- building ----------------------------------------------------------- */

static int
rule_cmp(const void *x, const void *y)
{
	const struct rule *a = *(const struct rule *const *)x;
	const struct rule *b = *(const struct rule *const *)y;

	if (a->port_lo != b->port_lo)
		return a->port_lo < b->port_lo ? -1 : 1;
	if (a->port_hi != b->port_hi)
		return a->port_hi < b->port_hi ? -1 : 1;
	if (a->transport != b->transport)
		return a->transport < b->transport ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int
host_cmp(const void *x, const void *y)
{
	const struct inventory_host *a =
	    *(const struct inventory_host *const *)x;
	const struct inventory_host *b =
	    *(const struct inventory_host *const *)y;

	return strcmp(a->name, b->name);
}

static int
role_cmp(const void *x, const void *y)
{
	return strcmp(role_name((enum role)*(const int *)x),
	    role_name((enum role)*(const int *)y));
}

int
firewall_in_zone(const struct inventory *inv, const struct addr *a,
    enum inventory_purpose purpose)
{
	const struct inventory_zone *z = inventory_zone(inv, a);

	return z != NULL && z->purpose == purpose;
}

/* Adds to a every host whose roles meet roles. */
static int
add_hosts_of(struct firewall *fw, struct fw_addrs *a, uint64_t roles)
{
	size_t i;

	for (i = 0; i < fw->nhosts; i++)
		if ((fw->hosts[i]->roles & roles) &&
		    firewall_addrs_add_host(a, fw->hosts[i]) == -1)
			return -1;
	return 0;
}

/*
 * The camera statement's peers: the roles it names (the recorders), and
 * whoever an allowed rule pairs with a camera-side role (a site's own
 * rule for its cameras' NTP server), as the policy lets such a rule
 * document the flow.
 */
static int
build_camera_peers(struct firewall *fw)
{
	uint64_t cam = fw->camera_roles;
	size_t i;

	if (add_hosts_of(fw, &fw->camera_peers, fw->t_camera->peers) == -1)
		return -1;
	for (i = 0; i < fw->nrules; i++) {
		const struct rule *r = fw->rules[i];

		if (fw->verdict[i] != FW_ALLOW)
			continue;
		if ((r->clients & cam) && add_hosts_of(fw, &fw->camera_peers,
		    r->server & ~cam) == -1)
			return -1;
		if ((r->server & cam) && add_hosts_of(fw, &fw->camera_peers,
		    r->clients & ~cam) == -1)
			return -1;
	}
	firewall_addrs_normalise(&fw->camera_peers);
	return 0;
}

static int
build_sets(struct firewall *fw)
{
	size_t i, j, k;
	int r, f;

	for (i = 0; i < fw->nhosts; i++) {
		const struct inventory_host *h = fw->hosts[i];

		for (r = 0; r < ROLE_COUNT; r++) {
			if (!(h->roles & ROLE_BIT(r)))
				continue;
			if (firewall_addrs_add_host(&fw->role[r], h) == -1)
				return -1;
			for (j = 0; j < h->naddrs; j++)
				if (firewall_in_zone(fw->inv, &h->addrs[j],
				    INV_PURPOSE_DMZ))
					fw->role_dmz[r][fam_of(&h->addrs[j],
					    128)] = 1;
			for (j = 0; j < h->nnets; j++)
				if (firewall_in_zone(fw->inv, &h->nets[j].net,
				    INV_PURPOSE_DMZ))
					fw->role_dmz[r][fam_of(&h->nets[j].net,
					    128)] = 1;
		}
	}
	for (r = 0; r < ROLE_COUNT; r++)
		firewall_addrs_normalise(&fw->role[r]);
	for (k = 0; k < sizeof(nonpublic_ranges) / sizeof(nonpublic_ranges[0]);
	    k++) {
		struct addr net;
		unsigned plen;

		/* A table of constants: a failure is a bug, caught by tests. */
		if (addr_parse_prefix(nonpublic_ranges[k].prefix, &net,
		    &plen) == -1 ||
		    fw_set_add(&fw->nonpublic.fam[nonpublic_ranges[k].fam],
		    &net, plen, NULL) == -1)
			return -1;
	}
	for (i = 0; i < inventory_zone_count(fw->inv); i++) {
		const struct inventory_zone *z = inventory_zone_get(fw->inv, i);

		for (j = 0; j < z->nnets; j++) {
			const struct inventory_prefix *p = &z->nets[j];

			f = fam_of(&p->net, p->plen);
			if (fw_set_add(&fw->nonpublic.fam[f], &p->net, p->plen,
			    NULL) == -1)
				return -1;
			if (z->purpose == INV_PURPOSE_CAMERA &&
			    fw_set_add(&fw->camera_zones.fam[f], &p->net,
			    p->plen, z->name) == -1)
				return -1;
			if (z->purpose == INV_PURPOSE_DMZ &&
			    fw_set_add(&fw->dmz_zones.fam[f], &p->net, p->plen,
			    z->name) == -1)
				return -1;
		}
	}
	firewall_addrs_normalise(&fw->nonpublic);
	firewall_addrs_normalise(&fw->camera_zones);
	firewall_addrs_normalise(&fw->dmz_zones);
	for (f = 0; f < FW_NFAM; f++) {
		long n = fw_set_complement(&fw->nonpublic.fam[f], f,
		    &fw->internet[f]);

		if (n < 0)
			return -1;
		fw->ninternet[f] = (size_t)n;
	}
	if (fw->t_camera != NULL && build_camera_peers(fw) == -1)
		return -1;
	return 0;
}

static int
build_rules(struct firewall *fw, const struct firewall_conf *fc)
{
	size_t i, n = rules_count(fw->rs);
	int k;

	if ((fw->rules = calloc(n + 1, sizeof(*fw->rules))) == NULL ||
	    (fw->verdict = calloc(n + 1, sizeof(*fw->verdict))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fw->rules[i] = rules_get(fw->rs, i);
	fw->nrules = n;
	qsort(fw->rules, n, sizeof(*fw->rules), rule_cmp);
	for (i = 0; i < n; i++) {
		const struct rule *r = fw->rules[i];

		if (r->flags & RULES_F_LOCAL_ONLY)
			fw->verdict[i] = FW_LOCAL;
		else if (r->flags & RULES_F_DISABLED) {
			fw->verdict[i] = FW_DISABLED;
			for (k = 0; fc != NULL && k < fc->nenabled; k++)
				if (strcmp(fc->enabled[k], r->id) == 0)
					fw->verdict[i] = FW_ALLOW;
		}
	}
	return 0;
}

/*
 * A host with an address in a camera zone that is neither a camera-side
 * device nor a peer of the camera statement would lose every flow to
 * the statement's drop: a problem of the site, reported at its line.
 */
static void
check_camera_zone(const struct firewall *fw, struct errlist *e)
{
	char a[ADDR_STRLEN], name[FW_TEXT_MAX];
	size_t i, j;

	for (i = 0; i < fw->nhosts; i++) {
		const struct inventory_host *h = fw->hosts[i];

		if (h->router || (h->roles & fw->camera_roles))
			continue;
		for (j = 0; j < h->naddrs; j++) {
			const struct addr *ad = &h->addrs[j];
			int f = fam_of(ad, 128);

			if (!fw_set_contains(&fw->camera_zones.fam[f], ad) ||
			    fw_set_contains(&fw->camera_peers.fam[f], ad))
				continue;
			errlist_add(e, h->file, h->line, "host %s: address %s "
			    "is in a camera zone, but the host is neither a "
			    "camera-side device nor a peer of %s: the "
			    "firewall would drop all its traffic",
			    firewall_clean(name, sizeof(name), h->name, ""),
			    addr_fmt(ad, a, sizeof(a)), fw->t_camera->id);
			break;
		}
		/*
		 * A group's range is checked by its first address: ranges
		 * of other roles than cameras' inside a camera zone are the
		 * same mistake.
		 */
		for (j = 0; j < h->nnets; j++) {
			const struct addr *ad = &h->nets[j].net;
			int f = fam_of(ad, 128);

			if (!fw_set_contains(&fw->camera_zones.fam[f], ad) ||
			    fw_set_contains(&fw->camera_peers.fam[f], ad))
				continue;
			errlist_add(e, h->file, h->line, "host %s: range %s/%u "
			    "is in a camera zone, but the host is neither a "
			    "camera-side device nor a peer of %s: the "
			    "firewall would drop all its traffic",
			    firewall_clean(name, sizeof(name), h->name, ""),
			    addr_fmt(ad, a, sizeof(a)), addr_is_v4(ad) ?
			    h->nets[j].plen - 96 : h->nets[j].plen,
			    fw->t_camera->id);
			break;
		}
	}
}

static int
check_log_prefix(const char *p)
{
	/* Characters nftables takes in a quoted string as they are. */
	static const char ok[] = " _-.:,;/()[]=+@!?";
	size_t i;

	if (strlen(p) > FIREWALL_LOG_PREFIX_MAX)
		return -1;
	for (i = 0; p[i] != '\0'; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || strchr(ok, p[i]) != NULL))
			return -1;
	return 0;
}

struct firewall *
firewall_new(const struct inventory *inv, const struct ruleset *rs,
    const struct firewall_conf *fc, char *err, size_t errlen)
{
	struct firewall *fw;
	struct errlist e;
	const char *src = fc != NULL && fc->source != NULL ? fc->source :
	    "vmswatch";
	char text[FW_TEXT_MAX];
	size_t i;
	int r;

	errlist_init(&e, err, errlen);
	if (rs == NULL)
		errlist_add(&e, src, 0, "no rules file: the firewall allows "
		    "the documented flows of the rules (rules = [ ... ])");
	if (inv == NULL || inventory_host_count(inv) == 0)
		errlist_add(&e, src, 0, "no host in the inventory: the "
		    "firewall allows flows between the inventory's hosts "
		    "(inventory = \"...\")");
	if (fc != NULL && fc->log_prefix != NULL &&
	    check_log_prefix(fc->log_prefix) == -1)
		errlist_add(&e, src, 0, "log prefix \"%s\": at most %d "
		    "letters, digits, spaces and _-.:,;/()[]=+@!?",
		    firewall_clean(text, sizeof(text), fc->log_prefix, "\"\\"),
		    FIREWALL_LOG_PREFIX_MAX);
	if (e.n > 0)
		return NULL;
	if ((fw = calloc(1, sizeof(*fw))) == NULL) {
		errlist_add(&e, src, 0, "out of memory");
		return NULL;
	}
	fw->inv = inv;
	fw->rs = rs;
	firewall_clean(fw->source, sizeof(fw->source), src, "");
	if (fc != NULL && fc->log_prefix != NULL)
		snprintf(fw->log_prefix, sizeof(fw->log_prefix), "%s",
		    fc->log_prefix);
	fw->t_camera = rules_topology_find(rs, "XP-TOPO-CAMERA");
	fw->t_internet = rules_topology_find(rs, "XP-TOPO-INTERNET");
	fw->camera_roles = fw->t_camera != NULL ? fw->t_camera->roles : 0;
	for (r = 0; r < ROLE_COUNT; r++)
		fw->role_order[r] = r;
	qsort(fw->role_order, ROLE_COUNT, sizeof(fw->role_order[0]),
	    role_cmp);
	fw->nhosts = inventory_host_count(inv);
	if ((fw->hosts = calloc(fw->nhosts, sizeof(*fw->hosts))) == NULL)
		goto nomem;
	for (i = 0; i < fw->nhosts; i++)
		fw->hosts[i] = inventory_host_get(inv, i);
	qsort(fw->hosts, fw->nhosts, sizeof(*fw->hosts), host_cmp);
	if (build_rules(fw, fc) == -1 || build_sets(fw) == -1)
		goto nomem;
	if (fw->t_camera != NULL)
		check_camera_zone(fw, &e);
	if (e.n > 0) {
		firewall_free(fw);
		return NULL;
	}
	return fw;
nomem:
	errlist_add(&e, src, 0, "out of memory building the firewall");
	firewall_free(fw);
	return NULL;
}

void
firewall_free(struct firewall *fw)
{
	int r, f;

	if (fw == NULL)
		return;
	for (r = 0; r < ROLE_COUNT; r++)
		firewall_addrs_free(&fw->role[r]);
	firewall_addrs_free(&fw->camera_zones);
	firewall_addrs_free(&fw->dmz_zones);
	firewall_addrs_free(&fw->camera_peers);
	firewall_addrs_free(&fw->nonpublic);
	for (f = 0; f < FW_NFAM; f++)
		free(fw->internet[f]);
	free(fw->rules);
	free(fw->verdict);
	free(fw->hosts);
	free(fw);
}

int
firewall_is_internet(const struct firewall *fw, const struct addr *a)
{
	return !fw_set_contains(&fw->nonpublic.fam[fam_of(a, 128)], a);
}

/* --- shared by both outputs ------------------------------------------- */

/* "443/tcp", "40001-40099/tcp", "any/udp" */
const char *
firewall_ports_fmt(const struct rule *r, char *buf, size_t len)
{
	const char *t = rules_transport_name(r->transport);

	if (r->port_lo == 1 && r->port_hi == 65535)
		snprintf(buf, len, "any/%s", t);
	else if (r->port_lo == r->port_hi)
		snprintf(buf, len, "%u/%s", r->port_lo, t);
	else
		snprintf(buf, len, "%u-%u/%s", r->port_lo, r->port_hi, t);
	return buf;
}

const char *
firewall_verdict_reason(enum fw_verdict v)
{
	switch (v) {
	case FW_LOCAL:
		return "local connections only";
	case FW_DISABLED:
		return "disabled by default, not named by policy.enabled";
	default:
		return "no server or no client of it in the inventory";
	}
}

/* 1 when rule r is one that statement t names. */
int
firewall_topo_names(const struct rules_topology *t, const struct rule *r)
{
	size_t i;

	for (i = 0; t != NULL && i < t->nrules; i++)
		if (t->rules[i] == r)
			return 1;
	return 0;
}

int
firewall_write(const struct firewall *fw, enum firewall_kind kind,
    FILE *out)
{
	switch (kind) {
	case FIREWALL_NFTABLES:
		if (firewall_nft_write(fw, out) == -1)
			return -1;
		break;
	case FIREWALL_WINDOWS:
		if (firewall_win_write(fw, out) == -1)
			return -1;
		break;
	default:
		return -1;
	}
	if (fflush(out) == EOF || ferror(out))
		return -1;
	return 0;
}
