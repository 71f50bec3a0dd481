/*
 * firewall_win.c - the firewall as a PowerShell script for the Windows
 * servers (see firewall.h): a block per server host of the inventory, and
 * in it one New-NetFirewallRule per documented inbound port and
 * transport, open to the documented clients of that port in the
 * inventory (and the Internet, for the DMZ exception), all in group
 * "vmswatch" so that a rerun replaces them.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "firewall_priv.h"

/* A PowerShell single-quoted string: ' doubled, the rest cleaned. */
static void
ps_string(FILE *out, const char *s)
{
	char buf[FW_TEXT_MAX * 2];
	size_t i;

	firewall_clean(buf, sizeof(buf), s, "");
	fputc('\'', out);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '\'')
			fputc('\'', out);
		fputc(buf[i], out);
	}
	fputc('\'', out);
}

/* Windows servers: hosts with a VMS server role. */
static int
win_host(const struct inventory_host *h)
{
	return (h->roles & role_set_with(ROLE_F_VMS | ROLE_F_SERVER)) != 0;
}

static int
win_in_dmz(const struct firewall *fw, const struct inventory_host *h)
{
	size_t i;

	for (i = 0; i < h->naddrs; i++)
		if (firewall_in_zone(fw->inv, &h->addrs[i], INV_PURPOSE_DMZ))
			return 1;
	for (i = 0; i < h->nnets; i++)
		if (firewall_in_zone(fw->inv, &h->nets[i].net,
		    INV_PURPOSE_DMZ))
			return 1;
	return 0;
}

/*
 * The remote addresses of rule r on host h: every other host with a
 * client role of r.  Returns 1 when any was added.
 */
static int
win_clients(const struct firewall *fw, const struct inventory_host *h,
    const struct rule *r, struct fw_addrs *remote, int *nomem)
{
	size_t i;
	int any = 0;

	for (i = 0; i < fw->nhosts; i++) {
		const struct inventory_host *c = fw->hosts[i];

		if (c == h || !(c->roles & r->clients) ||
		    c->naddrs + c->nnets == 0)
			continue;
		if (firewall_addrs_add_host(remote, c) == -1)
			*nomem = 1;
		any = 1;
	}
	return any;
}

static void
win_remote(const struct firewall *fw, FILE *out, struct fw_addrs *remote,
    int internet)
{
	char a[ADDR_STRLEN + 8], b[ADDR_STRLEN];
	const char *sep = "";
	size_t i;
	int f;

	fprintf(out, " -RemoteAddress @(");
	firewall_addrs_normalise(remote);
	for (f = 0; f < FW_NFAM; f++)
		for (i = 0; i < remote->fam[f].n; i++) {
			fprintf(out, "%s'%s'", sep, firewall_pfx_fmt(f,
			    &remote->fam[f].p[i], a, sizeof(a)));
			sep = ", ";
		}
	for (f = 0; internet && f < FW_NFAM; f++)
		for (i = 0; i < fw->ninternet[f]; i++) {
			fprintf(out, "%s'%s-", sep, firewall_fam_fmt(f,
			    &fw->internet[f][i].lo, a, sizeof(a)));
			fprintf(out, "%s'", firewall_fam_fmt(f,
			    &fw->internet[f][i].hi, b, sizeof(b)));
			sep = ", ";
		}
	fprintf(out, ")");
}

/* "443", "40001-40099", "Any": -LocalPort of r. */
static const char *
win_local_port(const struct rule *r, char *buf, size_t len)
{
	if (r->port_lo == 1 && r->port_hi == 65535)
		snprintf(buf, len, "Any");
	else if (r->port_lo == r->port_hi)
		snprintf(buf, len, "%u", r->port_lo);
	else
		snprintf(buf, len, "%u-%u", r->port_lo, r->port_hi);
	return buf;
}

/* Appends "SEPtext" to buf (len bytes; sep only after text), cut if full. */
static void
append(char *buf, size_t len, const char *sep, const char *text)
{
	size_t k = strlen(buf);

	if (k > 0 && strlen(sep) < len - k) {
		memcpy(buf + k, sep, strlen(sep) + 1);
		k += strlen(sep);
	}
	while (*text != '\0' && k + 1 < len)
		buf[k++] = *text++;
	buf[k] = '\0';
}

/*
 * The rules of host h among rules [from, to), which share one port range
 * and transport: one New-NetFirewallRule for all that have clients (their
 * remote addresses together), a comment for each that opens nothing.
 * Returns -1 when out of memory.
 */
static int
win_port(const struct firewall *fw, FILE *out, const struct inventory_host *h,
    size_t from, size_t to)
{
	struct fw_addrs remote;
	char ports[32], id[FW_TEXT_MAX], ids[FW_TEXT_MAX];
	char sections[FW_TEXT_MAX], lp[16], text[FW_TEXT_MAX * 2];
	const struct rule *first = NULL;
	const char *proto;
	size_t i;
	int nomem = 0, internet = 0, dmz = win_in_dmz(fw, h);

	memset(&remote, 0, sizeof(remote));
	ids[0] = sections[0] = '\0';
	for (i = from; i < to; i++) {
		const struct rule *r = fw->rules[i];
		int any;

		if (!(r->server & h->roles))
			continue;
		firewall_clean(id, sizeof(id), r->id, "");
		firewall_ports_fmt(r, ports, sizeof(ports));
		if (fw->verdict[i] != FW_ALLOW) {
			fprintf(out, "# %s %s: %s: no rule\n", id, ports,
			    firewall_verdict_reason(
			    (enum fw_verdict)fw->verdict[i]));
			continue;
		}
		any = win_clients(fw, h, r, &remote, &nomem);
		if (dmz && firewall_topo_names(fw->t_internet, r))
			any = internet = 1;
		if (!any) {
			fprintf(out, "# %s %s: no documented client in the "
			    "inventory: no rule\n", id, ports);
			continue;
		}
		if (first == NULL)
			first = r;
		append(ids, sizeof(ids), ", ", r->id);
		if (strstr(sections, r->section) == NULL)
			append(sections, sizeof(sections), "; ", r->section);
	}
	if (first == NULL || nomem) {
		firewall_addrs_free(&remote);
		return nomem ? -1 : 0;
	}
	if (internet) {
		snprintf(text, sizeof(text), "%s (Internet clients)",
		    fw->t_internet->id);
		append(ids, sizeof(ids), ", ", text);
	}
	proto = first->transport == IPPROTO_UDP ? "UDP" : "TCP";
	win_local_port(first, lp, sizeof(lp));
	fprintf(out, "New-NetFirewallRule -DisplayName ");
	snprintf(text, sizeof(text), "vmswatch %s/%s %s", lp, proto, ids);
	ps_string(out, text);
	fprintf(out, " -Group 'vmswatch' -Direction Inbound -Action Allow "
	    "-Protocol %s -LocalPort %s", proto, lp);
	win_remote(fw, out, &remote, internet);
	fprintf(out, " -Description ");
	snprintf(text, sizeof(text), "%s: %s", ids, sections);
	ps_string(out, text);
	fprintf(out, " | Out-Null\n");
	firewall_addrs_free(&remote);
	return 0;
}

/* The block of one server: the rules of its roles, port by port. */
static int
win_block(const struct firewall *fw, FILE *out, const struct inventory_host *h)
{
	char roles[1024], a[ADDR_STRLEN], name[FW_TEXT_MAX];
	size_t i, j;

	firewall_clean(name, sizeof(name), h->name, "");
	role_set_fmt(h->roles, roles, sizeof(roles));
	fprintf(out, "\n# ---- host %s (%s):", name, roles);
	for (i = 0; i < h->naddrs; i++)
		fprintf(out, " %s", addr_fmt(&h->addrs[i], a, sizeof(a)));
	for (i = 0; i < h->nnets; i++)
		fprintf(out, " %s/%u", addr_fmt(&h->nets[i].net, a, sizeof(a)),
		    addr_is_v4(&h->nets[i].net) ? h->nets[i].plen - 96 :
		    h->nets[i].plen);
	fprintf(out, "\n");
	ps_string(out, h->name);
	fprintf(out, " {\nRemove-NetFirewallRule -Group 'vmswatch' "
	    "-ErrorAction SilentlyContinue\n");
	/* The rules are sorted by port range and transport: one run each. */
	for (i = 0; i < fw->nrules; i = j) {
		const struct rule *r = fw->rules[i];

		for (j = i + 1; j < fw->nrules &&
		    fw->rules[j]->port_lo == r->port_lo &&
		    fw->rules[j]->port_hi == r->port_hi &&
		    fw->rules[j]->transport == r->transport; j++)
			;
		if (win_port(fw, out, h, i, j) == -1)
			return -1;
	}
	fprintf(out, "break\n}\n");
	return 0;
}

int
firewall_win_write(const struct firewall *fw, FILE *out)
{
	size_t i;

	fprintf(out, "# vmswatch %s: Windows Firewall rules for the servers "
	    "of %s.\n"
	    "# Each documented inbound port of a server is opened to the "
	    "inventory's\n"
	    "# documented clients of that port only; local-only ports and "
	    "ports disabled\n"
	    "# by default (unless policy.enabled names them) get no rule.  "
	    "Run it as an\n"
	    "# administrator on each server:\n"
	    "#   powershell -ExecutionPolicy Bypass -File vmswatch-fw.ps1 "
	    "[-Computer NAME]\n"
	    "# It applies the block of this computer (default: "
	    "$env:COMPUTERNAME) after\n"
	    "# removing the rules of group \"vmswatch\" an earlier run "
	    "made.  Rules of\n"
	    "# other groups that allow the same ports to anyone (the "
	    "installer's) must\n"
	    "# be disabled for these to restrict anything.\n"
	    "param([string]$Computer = $env:COMPUTERNAME)\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "switch ($Computer) {\n", PACKAGE_VERSION, fw->source);
	for (i = 0; i < fw->nhosts; i++)
		if (win_host(fw->hosts[i]) &&
		    win_block(fw, out, fw->hosts[i]) == -1)
			return -1;
	fprintf(out, "\ndefault { throw \"vmswatch: no rules for computer "
	    "'$Computer' in this script\" }\n}\n");
	return 0;
}
