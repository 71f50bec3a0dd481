/*
 * firewall_nft.c - the firewall as an nftables ruleset (see firewall.h):
 * table inet vmswatch with a set of addresses per role, the camera and
 * DMZ zones and the non-public ranges, and a forward chain that accepts
 * replies, drops what the camera statement forbids, accepts the
 * documented flows one line per rule and role pair, and drops and counts
 * the rest.
 */
#include <stdio.h>

#include "config.h"
#include "firewall_priv.h"

static const char *const fam_suffix[FW_NFAM] = { "v4", "v6" };
static const char *const fam_nft[FW_NFAM] = { "ip", "ip6" };
static const char *const fam_type[FW_NFAM] = { "ipv4_addr", "ipv6_addr" };

/* comment "ID: TEXT", cleaned and cut to what nftables keeps. */
static void
nft_comment(FILE *out, const char *id, const char *text)
{
	char raw[FW_TEXT_MAX * 2], buf[FW_COMMENT_MAX + 1];

	snprintf(raw, sizeof(raw), "%s: %s", id, text);
	fprintf(out, " comment \"%s\"\n", firewall_clean(buf, sizeof(buf), raw,
	    "\"\\"));
}

static void
nft_set(FILE *out, const char *name, int fam, const struct fw_set *s,
    const char *what)
{
	char a[ADDR_STRLEN + 8], label[FW_COMMENT_MAX + 1];
	size_t i;

	fprintf(out, "\t# %s\n\tset %s_%s {\n\t\ttype %s\n"
	    "\t\tflags interval\n", what, name, fam_suffix[fam],
	    fam_type[fam]);
	if (s->n > 0)
		fprintf(out, "\t\telements = {\n");
	for (i = 0; i < s->n; i++) {
		fprintf(out, "\t\t\t%s", firewall_pfx_fmt(fam, &s->p[i], a,
		    sizeof(a)));
		if (s->p[i].label != NULL)
			fprintf(out, " comment \"%s\"", firewall_clean(label,
			    sizeof(label), s->p[i].label, "\"\\"));
		fprintf(out, "%s\n", i + 1 < s->n ? "," : "");
	}
	if (s->n > 0)
		fprintf(out, "\t\t}\n");
	fprintf(out, "\t}\n");
}

/* Whether the chain has the camera statement's drops for family f. */
static int
nft_camera_guard(const struct firewall *fw, int f)
{
	return fw->t_camera != NULL && fw->camera_zones.fam[f].n > 0;
}

static void
nft_drop(const struct firewall *fw, FILE *out, const char *counter)
{
	fprintf(out, "counter name \"%s\" ", counter);
	if (fw->log_prefix[0] != '\0')
		fprintf(out, "log prefix \"%s\" ", fw->log_prefix);
	fprintf(out, "drop");
}

/* "tcp dport 443", "meta l4proto udp" (any port) */
static void
nft_ports(FILE *out, const struct rule *r)
{
	const char *t = rules_transport_name(r->transport);

	if (r->port_lo == 1 && r->port_hi == 65535)
		fprintf(out, "meta l4proto %s", t);
	else if (r->port_lo == r->port_hi)
		fprintf(out, "%s dport %u", t, r->port_lo);
	else
		fprintf(out, "%s dport %u-%u", t, r->port_lo, r->port_hi);
}

/*
 * The lines of rule r: one per family, server role and client role that
 * have addresses.  Returns how many there are; with out NULL, only
 * counts them.
 */
static int
nft_rule(const struct firewall *fw, FILE *out, const struct rule *r)
{
	int f, i, j, n = 0;

	for (f = 0; f < FW_NFAM; f++)
		for (i = 0; i < ROLE_COUNT; i++) {
			int s = fw->role_order[i];

			if (!(r->server & ROLE_BIT(s)) ||
			    fw->role[s].fam[f].n == 0)
				continue;
			for (j = 0; j < ROLE_COUNT; j++) {
				int c = fw->role_order[j];

				if (!(r->clients & ROLE_BIT(c)) ||
				    fw->role[c].fam[f].n == 0)
					continue;
				if (out == NULL) {
					n++;
					continue;
				}
				fprintf(out, "\t\t%s saddr @%s_%s %s daddr "
				    "@%s_%s ", fam_nft[f], role_name(c),
				    fam_suffix[f], fam_nft[f], role_name(s),
				    fam_suffix[f]);
				nft_ports(out, r);
				fprintf(out, " accept");
				nft_comment(out, r->id, r->section);
				n++;
			}
		}
	return n;
}

/*
 * Internet clients of the DMZ hosts on the ports XP-TOPO-INTERNET names.
 * Returns the number of lines; with out NULL, only counts them.
 */
static int
nft_internet(const struct firewall *fw, FILE *out, const struct rule *r)
{
	char id[FW_TEXT_MAX];
	int f, i, n = 0;

	if (!firewall_topo_names(fw->t_internet, r))
		return 0;

	snprintf(id, sizeof(id), "%s %s", fw->t_internet->id, r->id);
	for (f = 0; f < FW_NFAM; f++)
		for (i = 0; i < ROLE_COUNT; i++) {
			int s = fw->role_order[i];

			if (!(r->server & ROLE_BIT(s)) || !fw->role_dmz[s][f])
				continue;
			if (out == NULL) {
				n++;
				continue;
			}
			fprintf(out, "\t\t%s saddr != @nonpublic_%s %s daddr "
			    "@%s_%s %s daddr @dmz_zones_%s ", fam_nft[f],
			    fam_suffix[f], fam_nft[f], role_name(s),
			    fam_suffix[f], fam_nft[f], fam_suffix[f]);
			nft_ports(out, r);
			fprintf(out, " accept");
			nft_comment(out, id, fw->t_internet->section);
			n++;
		}
	return n;
}

static void
nft_header(const struct firewall *fw, FILE *out)
{
	char ports[32], id[FW_TEXT_MAX];
	size_t i;

	fprintf(out, "#!/usr/sbin/nft -f\n"
	    "# vmswatch %s: the documented flows of %s as an nftables "
	    "ruleset\n"
	    "# for a router (or a bridge with br_netfilter) between the "
	    "site's zones.\n"
	    "# Load with \"nft -f FILE\": it replaces table inet vmswatch "
	    "at once.\n"
	    "# Allowed: each rule's client roles to its server roles on "
	    "its ports, and\n"
	    "# the replies (ct state established,related); everything "
	    "else is dropped\n"
	    "# and counted (counter undocumented; camera: the camera "
	    "subnet statement).\n"
	    "#\n"
	    "# Rules that allow nothing here:\n", PACKAGE_VERSION,
	    fw->source);
	for (i = 0; i < fw->nrules; i++) {
		if (fw->verdict[i] == FW_ALLOW &&
		    nft_rule(fw, NULL, fw->rules[i]) +
		    nft_internet(fw, NULL, fw->rules[i]) > 0)
			continue;
		firewall_clean(id, sizeof(id), fw->rules[i]->id, "");
		firewall_ports_fmt(fw->rules[i], ports, sizeof(ports));
		fprintf(out, "#   %s %s: %s\n", id, ports,
		    firewall_verdict_reason((enum fw_verdict)fw->verdict[i]));
	}
}

int
firewall_nft_write(const struct firewall *fw, FILE *out)
{
	char what[FW_TEXT_MAX];
	size_t i;
	int f, r, camera = 0;

	nft_header(fw, out);
	/*
	 * "add" then "delete" then the table: loading twice replaces the
	 * table instead of failing on the second, and the file is one
	 * transaction, so a broken file changes nothing.
	 */
	fprintf(out, "\ntable inet vmswatch\ndelete table inet vmswatch\n\n"
	    "table inet vmswatch {\n");
	for (f = 0; f < FW_NFAM; f++)
		camera |= nft_camera_guard(fw, f);
	fprintf(out, "\tcounter undocumented {\n\t\tcomment \"dropped: "
	    "flows the documented flows do not allow\"\n\t}\n");
	if (camera)
		fprintf(out, "\tcounter camera {\n\t\tcomment \"dropped: "
		    "camera subnet traffic with others than its peers\"\n"
		    "\t}\n");
	for (i = 0; i < ROLE_COUNT; i++) {
		r = fw->role_order[i];
		for (f = 0; f < FW_NFAM; f++)
			if (fw->role[r].fam[f].n > 0) {
				snprintf(what, sizeof(what), "role %s",
				    role_name((enum role)r));
				nft_set(out, role_name((enum role)r), f,
				    &fw->role[r].fam[f], what);
			}
	}
	for (f = 0; f < FW_NFAM; f++) {
		if (nft_camera_guard(fw, f)) {
			nft_set(out, "camera_zones", f,
			    &fw->camera_zones.fam[f], "zones of purpose "
			    "camera");
			snprintf(what, sizeof(what), "peers of the camera "
			    "zones (%s)", fw->t_camera->id);
			nft_set(out, "camera_peers", f,
			    &fw->camera_peers.fam[f], what);
		}
		nft_set(out, "dmz_zones", f, &fw->dmz_zones.fam[f],
		    "zones of purpose dmz");
		nft_set(out, "nonpublic", f, &fw->nonpublic.fam[f],
		    "private, special and the site's ranges: not the "
		    "Internet");
	}
	fprintf(out, "\n\tchain forward {\n\t\ttype filter hook forward "
	    "priority filter; policy drop;\n"
	    "\t\tct state established,related accept comment \"replies of "
	    "allowed flows\"\n");
	for (f = 0; f < FW_NFAM; f++) {
		if (!nft_camera_guard(fw, f))
			continue;
		fprintf(out, "\t\t%s saddr @camera_zones_%s %s daddr != "
		    "@camera_peers_%s ", fam_nft[f], fam_suffix[f], fam_nft[f],
		    fam_suffix[f]);
		nft_drop(fw, out, "camera");
		nft_comment(out, fw->t_camera->id, fw->t_camera->section);
		fprintf(out, "\t\t%s daddr @camera_zones_%s %s saddr != "
		    "@camera_peers_%s ", fam_nft[f], fam_suffix[f], fam_nft[f],
		    fam_suffix[f]);
		nft_drop(fw, out, "camera");
		nft_comment(out, fw->t_camera->id, fw->t_camera->section);
	}
	for (i = 0; i < fw->nrules; i++)
		if (fw->verdict[i] == FW_ALLOW) {
			nft_rule(fw, out, fw->rules[i]);
			nft_internet(fw, out, fw->rules[i]);
		}
	fprintf(out, "\t\t");
	nft_drop(fw, out, "undocumented");
	fprintf(out, " comment \"default: not a documented flow\"\n"
	    "\t}\n}\n");
	return 0;
}
