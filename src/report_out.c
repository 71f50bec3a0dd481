/*
 * report_out.c - the coverage report's writers (see report.h): report.json,
 * report.html (one self-contained page: inline CSS, the role matrix as
 * SVG, tables sorted by a small inline script; nothing fetched, so it
 * opens the same on an air-gapped laptop) and report.md for tickets.
 * Every name from the site files or the wire is escaped for its syntax.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "report_priv.h"
#include "role.h"

/* ----- JSON ----- */

static void
jstr(FILE *f, const char *s)
{
	char buf[2048];

	escape_json(buf, sizeof(buf), s, strlen(s));
	fprintf(f, "\"%s\"", buf);
}

static void
jkinds(FILE *f, uint16_t kinds)
{
	int k, n = 0;

	fputc('[', f);
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (kinds & (1u << k)) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, policy_kind_name((enum policy_kind)k));
		}
	fputc(']', f);
}

static void
jhosts(FILE *f, const struct report *rep, const struct idxset *s)
{
	char a[ADDR_STRLEN];
	uint32_t i;

	fputc('[', f);
	for (i = 0; i < s->n; i++) {
		const struct rhost *h = &rep->hosts[s->v[i]];

		fprintf(f, "%s", i ? "," : "");
		jstr(f, h->host != NULL ? h->host->name :
		    addr_fmt(&h->addr, a, sizeof(a)));
	}
	fputc(']', f);
}

void
report_out_json(FILE *f, const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	const struct decode_stats *ds = decode_stats(pipeline_decoder(pl));
	const struct flowtab_stats *fs = flowtab_stats(pipeline_flowtab(pl));
	char a[ADDR_STRLEN], t1[32], t2[32], rl[512], rl2[512], mac[18];
	uint64_t derr = 0;
	size_t i, n;
	uint32_t p;
	int k, first;

	fprintf(f, "{\"documented\":[");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = report_rule_at(rep, i);
		const struct rrule *rr = &rep->rules[i];

		fprintf(f, "%s\n{\"rule\":", i ? "," : "");
		jstr(f, r->id);
		fprintf(f, ",\"name\":");
		jstr(f, r->purpose != NULL ? r->purpose : "");
		fprintf(f, ",\"section\":");
		jstr(f, r->section != NULL ? r->section : "");
		fprintf(f, ",\"nist\":");
		jstr(f, r->nist != NULL ? r->nist : "");
		fprintf(f, ",\"port\":\"%s\",\"flows\":%llu,"
		    "\"violating\":%llu,\"packets\":%llu,\"bytes\":%llu,"
		    "\"clients\":", report_rule_port(r, rl, sizeof(rl)),
		    (unsigned long long)rr->flows,
		    (unsigned long long)rr->violating,
		    (unsigned long long)rr->packets,
		    (unsigned long long)rr->bytes);
		jhosts(f, rep, &rr->clients);
		fprintf(f, ",\"servers\":");
		jhosts(f, rep, &rr->servers);
		fputc('}', f);
	}
	fprintf(f, "],\n\"never_seen\":[");
	for (i = 0, n = 0; i < rep->nrules; i++)
		if (rep->rules[i].flows == 0) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, report_rule_at(rep, i)->id);
		}
	fprintf(f, "],\n\"undocumented\":[");
	for (p = 0, n = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];

		if (!report_pair_reported(q))
			continue;
		fprintf(f, "%s\n{\"client_role\":", n++ ? "," : "");
		jstr(f, report_roles_label(q->croles, rl, sizeof(rl)));
		fprintf(f, ",\"server_role\":");
		jstr(f, report_roles_label(q->sroles, rl2, sizeof(rl2)));
		fprintf(f, ",\"server_port\":%u,\"transport\":", q->port);
		jstr(f, decode_transport_name(q->transport));
		fprintf(f, ",\"rule\":");
		if (q->rule != NULL)
			jstr(f, q->rule->id);
		else
			fprintf(f, "null");
		fprintf(f, ",\"kinds\":");
		jkinds(f, q->kinds);
		fprintf(f, ",\"flows\":%llu,\"undocumented_flows\":%llu,"
		    "\"violating_flows\":%llu,\"examples\":[",
		    (unsigned long long)q->flows,
		    (unsigned long long)(q->flows - q->documented),
		    (unsigned long long)q->violating);
		for (k = 0; k < q->nex; k++) {
			fprintf(f, "%s", k ? "," : "");
			jstr(f, q->ex[k]);
		}
		fprintf(f, "],\"first_seen\":\"%s\",\"last_seen\":\"%s\"}",
		    report_fmt_ts(q->first, t1, sizeof(t1)),
		    report_fmt_ts(q->last, t2, sizeof(t2)));
	}
	fprintf(f, "],\n\"hosts\":[");
	for (p = 0; p < rep->nhosts; p++) {
		const struct rhost *h = &rep->hosts[p];

		fprintf(f, "%s\n{\"address\":", p ? "," : "");
		jstr(f, addr_fmt(&h->addr, a, sizeof(a)));
		fprintf(f, ",\"name\":");
		jstr(f, h->host != NULL ? h->host->name : "unknown");
		fprintf(f, ",\"roles\":[");
		first = 1;
		for (k = 0; h->host != NULL && k < ROLE_COUNT; k++)
			if (h->host->roles & ROLE_BIT(k)) {
				fprintf(f, "%s", first ? "" : ",");
				jstr(f, role_name((enum role)k));
				first = 0;
			}
		if (first)
			jstr(f, "unknown");
		fprintf(f, "],\"macs\":[");
		for (k = 0; k < h->nmacs; k++) {
			fprintf(f, "%s", k ? "," : "");
			jstr(f, addr_fmt_mac(h->macs[k], mac, sizeof(mac)));
		}
		fprintf(f, "],\"zone\":");
		if (h->zone != NULL)
			jstr(f, h->zone->name);
		else
			jstr(f, h->internet ? "internet" : "-");
		fprintf(f, ",\"in_inventory\":%s,\"flows\":%llu,"
		    "\"packets_sent\":%llu,\"packets_received\":%llu,"
		    "\"alerts\":%llu}", h->host != NULL ? "true" : "false",
		    (unsigned long long)h->flows, (unsigned long long)h->sent,
		    (unsigned long long)h->received,
		    (unsigned long long)h->alerts);
	}
	fprintf(f, "],\n\"alerts\":{\"total\":%llu,\"by_kind\":{",
	    (unsigned long long)rep->alerts);
	for (k = 0, n = 0; k < POLICY_KIND_MAX; k++)
		if (rep->kinds[k] > 0) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, policy_kind_name((enum policy_kind)k));
			fprintf(f, ":%llu", (unsigned long long)rep->kinds[k]);
		}
	fprintf(f, "},\"by_rule\":{");
	for (k = 0; k < rep->nby_rule; k++) {
		fprintf(f, "%s", k ? "," : "");
		jstr(f, rep->by_rule[k].key);
		fprintf(f, ":%llu", (unsigned long long)rep->by_rule[k].n);
	}
	if (rep->other_rule > 0)
		fprintf(f, "%s\"other\":%llu", rep->nby_rule ? "," : "",
		    (unsigned long long)rep->other_rule);
	fprintf(f, "}},\n\"sections\":[");
	for (i = 0; i < nsec; i++) {
		fprintf(f, "%s\n{\"section\":", i ? "," : "");
		jstr(f, sec[i].name);
		fprintf(f, ",\"rules\":%d,\"rules_used\":%d,\"flows\":%llu,"
		    "\"violating_flows\":%llu,\"alerts\":%llu,\"verdict\":",
		    sec[i].rules, sec[i].used,
		    (unsigned long long)sec[i].flows,
		    (unsigned long long)sec[i].violating,
		    (unsigned long long)sec[i].alerts);
		jstr(f, report_section_verdict(&sec[i]));
		fputc('}', f);
	}
	fprintf(f, "],\n\"matrix\":{\"clients\":[");
	for (i = 0; i < m->cl.n; i++) {
		fprintf(f, "%s", i ? "," : "");
		jstr(f, report_roles_label(m->cl.set[i], rl, sizeof(rl)));
	}
	fprintf(f, "],\"servers\":[");
	for (i = 0; i < m->sv.n; i++) {
		fprintf(f, "%s", i ? "," : "");
		jstr(f, report_roles_label(m->sv.set[i], rl, sizeof(rl)));
	}
	fprintf(f, "],\"cells\":[");
	for (i = 0, n = 0; i < m->cl.n * m->sv.n; i++) {
		const struct cell *c = &m->cells[i];

		if (c->state == CELL_EMPTY)
			continue;
		fprintf(f, "%s\n{\"client\":", n++ ? "," : "");
		jstr(f, report_roles_label(m->cl.set[i / m->sv.n], rl, sizeof(rl)));
		fprintf(f, ",\"server\":");
		jstr(f, report_roles_label(m->sv.set[i % m->sv.n], rl, sizeof(rl)));
		fprintf(f, ",\"state\":\"%s\",\"flows\":%llu,"
		    "\"violating_flows\":%llu,\"ports\":",
		    report_cell_names[c->state], (unsigned long long)c->flows,
		    (unsigned long long)c->violating);
		jstr(f, report_cell_ports(c, rl2, sizeof(rl2)));
		fputc('}', f);
	}
	for (k = 1; k < DR_MAX; k++)
		derr += ds->reason[k];
	fprintf(f, "]},\n\"capture\":{\"files\":[");
	for (k = 0; k < rep->nfiles; k++) {
		fprintf(f, "%s", k ? "," : "");
		jstr(f, rep->files[k]);
	}
	fprintf(f, "],\"more_files\":%d,\"first\":\"%s\",\"last\":\"%s\","
	    "\"span_seconds\":%.3f,\"packets\":%llu,\"bytes\":%llu,"
	    "\"flows\":%llu,\"media_streams_covered\":%llu,"
	    "\"decode_errors\":%llu,\"decode_errors_by_reason\":{",
	    rep->more_files, report_fmt_ts(st->packets ? st->first_ts : 0, t1,
	    sizeof(t1)), report_fmt_ts(st->packets ? st->last_ts : 0, t2, sizeof(t2)),
	    st->packets ? (double)(st->last_ts - st->first_ts) / 1e6 : 0.0,
	    (unsigned long long)st->packets, (unsigned long long)st->bytes,
	    (unsigned long long)rep->flows, (unsigned long long)rep->covered,
	    (unsigned long long)derr);
	for (k = 1, n = 0; k < DR_MAX; k++)
		if (ds->reason[k] > 0) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, decode_reason_name((enum decode_reason)k));
			fprintf(f, ":%llu", (unsigned long long)ds->reason[k]);
		}
	/*
	 * Files lose nothing to a capture buffer; what the run could not
	 * keep is the flow table's evictions.
	 */
	fprintf(f, "},\"drops\":0,\"flows_evicted\":%llu}}\n",
	    (unsigned long long)fs->ended[FLOW_END_EVICTED]);
}

/* ----- HTML ----- */

static void
hstr(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* Control characters have no business in a page. */
			if ((unsigned char)*s < 0x20)
				fputc(' ', f);
			else
				fputc(*s, f);
		}
}

static const char html_head[] =
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<title>vmswatch coverage report</title>\n<style>\n"
"body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\n"
"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;"
"border-bottom:1px solid #ccc}\n"
"table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
"th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;"
"vertical-align:top}\n"
"th{background:#eef;cursor:pointer;user-select:none}\n"
"th:after{content:' \\2195';color:#99a}\n"
"td.n{text-align:right}\n"
".violations{background:#f8c8c8}.inuse{background:#c8ecc8}"
".notseen{background:#eee}\n"
".legend span{display:inline-block;padding:.1em .6em;margin-right:.5em;"
"border:1px solid #999}\n"
"svg text{font-family:sans-serif}\n"
"</style></head><body>\n";

/*
 * Click a column's head to sort by it (again: the other way).  Numbers
 * sort as numbers.  Inline, so that nothing is fetched.  The body's
 * data-sortable says the script ran (the browser test looks for it).
 */
static const char html_script[] =
"<script>\n"
"document.querySelectorAll('table.sortable').forEach(function(t){\n"
" t.querySelectorAll('th').forEach(function(th,i){\n"
"  th.addEventListener('click',function(){\n"
"   var b=t.tBodies[0],r=Array.prototype.slice.call(b.rows);\n"
"   var d=th.dataset.dir==='a'?-1:1;th.dataset.dir=d>0?'a':'d';\n"
"   r.sort(function(x,y){var p=x.cells[i].textContent,"
"q=y.cells[i].textContent,m=parseFloat(p),n=parseFloat(q);\n"
"    if(!isNaN(m)&&!isNaN(n)&&String(m)===p.trim()&&"
"String(n)===q.trim())return d*(m-n);\n"
"    return d*p.localeCompare(q);});\n"
"   r.forEach(function(e){b.appendChild(e);});});});});\n"
"document.body.dataset.sortable='ready';\n"
"</script>\n";

static const char *const cell_fill[] = {
	"#ffffff", "#fff2b3", "#d9d9d9", "#8fd18f", "#f08080"
};

/* The role matrix as an SVG picture. */
static void
write_svg(FILE *f, const struct matrix *m)
{
	const int cw = 84, ch = 26, left = 260, top = 240;
	char rl[512], ports[128];
	size_t i, j;
	int w = left + (int)m->sv.n * cw + 10;
	int h = top + (int)m->cl.n * ch + 10;

	fprintf(f, "<svg id=\"matrix\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
	    "<title>Role matrix: clients' roles down, servers' roles "
	    "across</title>\n", w, h, w, h);
	for (j = 0; j < m->sv.n; j++) {
		int x = left + (int)j * cw + cw / 2;

		fprintf(f, "<text class=\"col\" x=\"%d\" y=\"%d\" "
		    "font-size=\"11\" transform=\"rotate(-55 %d %d)\">", x,
		    top - 6, x, top - 6);
		hstr(f, report_roles_label(m->sv.set[j], rl, sizeof(rl)));
		fprintf(f, "</text>\n");
	}
	for (i = 0; i < m->cl.n; i++) {
		int y = top + (int)i * ch;

		fprintf(f, "<text class=\"row\" x=\"%d\" y=\"%d\" "
		    "font-size=\"11\" text-anchor=\"end\">", left - 6,
		    y + ch / 2 + 4);
		hstr(f, report_roles_label(m->cl.set[i], rl, sizeof(rl)));
		fprintf(f, "</text>\n");
		for (j = 0; j < m->sv.n; j++) {
			const struct cell *c = &m->cells[i * m->sv.n + j];
			int x = left + (int)j * cw;
			char sl[512];

			if (c->state == CELL_EMPTY) {
				fprintf(f, "<rect x=\"%d\" y=\"%d\" "
				    "width=\"%d\" height=\"%d\" fill=\"%s\" "
				    "stroke=\"#ddd\"/>\n", x, y, cw, ch,
				    cell_fill[0]);
				continue;
			}
			report_cell_ports(c, ports, sizeof(ports));
			fprintf(f, "<g class=\"cell\" data-client=\"");
			hstr(f, report_roles_label(m->cl.set[i], rl, sizeof(rl)));
			fprintf(f, "\" data-server=\"");
			hstr(f, report_roles_label(m->sv.set[j], sl, sizeof(sl)));
			fprintf(f, "\" data-state=\"%s\" data-flows=\"%llu\" "
			    "data-violating=\"%llu\"><title>",
			    report_cell_names[c->state],
			    (unsigned long long)c->flows,
			    (unsigned long long)c->violating);
			hstr(f, rl);
			fprintf(f, " to ");
			hstr(f, sl);
			fprintf(f, ": %s, %llu flows (%llu violating), "
			    "ports %s</title><rect x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\" fill=\"%s\" "
			    "stroke=\"#666\"/><text x=\"%d\" y=\"%d\" "
			    "font-size=\"9\" text-anchor=\"middle\">%s</text>"
			    "</g>\n", report_cell_names[c->state],
			    (unsigned long long)c->flows,
			    (unsigned long long)c->violating, ports, x, y, cw,
			    ch, cell_fill[c->state], x + cw / 2, y + ch / 2 + 3,
			    ports);
		}
	}
	fprintf(f, "</svg>\n");
}

void
report_out_html(FILE *f, const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	char a[ADDR_STRLEN], t1[32], t2[32], rl[512], rl2[512], mac[18];
	size_t i, nn = 0, nd = 0;
	uint32_t p;
	int k;

	for (i = 0; i < rep->nrules; i++) {
		nn += rep->rules[i].flows == 0;
		nd += rep->rules[i].flows > 0;
	}
	fputs(html_head, f);
	fprintf(f, "<h1>vmswatch coverage report</h1>\n<p id=\"summary\">"
	    "<span id=\"n-packets\">%llu</span> packets, "
	    "<span id=\"n-flows\">%llu</span> flows from %s to %s; "
	    "<span id=\"n-used\">%zu</span> documented flows of the guide "
	    "used, <span id=\"n-never\">%zu</span> never seen; "
	    "<span id=\"n-alerts\">%llu</span> alerts.</p>\n",
	    (unsigned long long)st->packets, (unsigned long long)rep->flows,
	    report_fmt_ts(st->packets ? st->first_ts : 0, t1, sizeof(t1)),
	    report_fmt_ts(st->packets ? st->last_ts : 0, t2, sizeof(t2)), nd, nn,
	    (unsigned long long)rep->alerts);
	fprintf(f, "<h2>Role matrix</h2>\n"
	    "<p class=\"legend\">");
	for (k = CELL_UNUSED; k <= CELL_VIOLATING; k++)
		fprintf(f, "<span style=\"background:%s\">%s</span>",
		    cell_fill[k], report_cell_names[k]);
	fprintf(f, " (clients' roles down, servers' roles across; hover a "
	    "cell for its counts)</p>\n");
	write_svg(f, m);
	fprintf(f, "<h2>Sections of the guide</h2>\n<table id=\"sections\" "
	    "class=\"sortable\"><thead><tr><th>section</th><th>verdict</th>"
	    "<th>rules</th><th>used</th><th>flows</th><th>violating</th>"
	    "<th>alerts</th></tr></thead><tbody>\n");
	for (i = 0; i < nsec; i++) {
		const char *v = report_section_verdict(&sec[i]);

		fprintf(f, "<tr class=\"%s\"><td>", v[0] == 'v' ?
		    "violations" : v[0] == 'i' ? "inuse" : "notseen");
		hstr(f, sec[i].name);
		fprintf(f, "</td><td>%s</td><td class=\"n\">%d</td>"
		    "<td class=\"n\">%d</td><td class=\"n\">%llu</td>"
		    "<td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
		    v, sec[i].rules, sec[i].used,
		    (unsigned long long)sec[i].flows,
		    (unsigned long long)sec[i].violating,
		    (unsigned long long)sec[i].alerts);
	}
	fprintf(f, "</tbody></table>\n");

	fprintf(f, "<h2>Documented flows</h2>\n<table id=\"documented\" "
	    "class=\"sortable\"><thead><tr><th>rule</th><th>port</th>"
	    "<th>name</th><th>section</th><th>NIST</th><th>flows</th>"
	    "<th>violating</th><th>packets</th><th>bytes</th>"
	    "<th>clients</th><th>servers</th></tr></thead><tbody>\n");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = report_rule_at(rep, i);
		const struct rrule *rr = &rep->rules[i];
		uint32_t h;

		if (rr->flows == 0)
			continue;
		fprintf(f, "<tr><td>");
		hstr(f, r->id);
		fprintf(f, "</td><td>%s</td><td>", report_rule_port(r, rl,
		    sizeof(rl)));
		hstr(f, r->purpose != NULL ? r->purpose : "");
		fprintf(f, "</td><td>");
		hstr(f, r->section != NULL ? r->section : "");
		fprintf(f, "</td><td>");
		hstr(f, r->nist != NULL ? r->nist : "");
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu"
		    "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "<td>", (unsigned long long)rr->flows,
		    (unsigned long long)rr->violating,
		    (unsigned long long)rr->packets,
		    (unsigned long long)rr->bytes);
		for (h = 0; h < rr->clients.n; h++) {
			const struct rhost *x = &rep->hosts[rr->clients.v[h]];

			fprintf(f, "%s", h ? " " : "");
			hstr(f, x->host ? x->host->name :
			    addr_fmt(&x->addr, a, sizeof(a)));
		}
		fprintf(f, "</td><td>");
		for (h = 0; h < rr->servers.n; h++) {
			const struct rhost *x = &rep->hosts[rr->servers.v[h]];

			fprintf(f, "%s", h ? " " : "");
			hstr(f, x->host ? x->host->name :
			    addr_fmt(&x->addr, a, sizeof(a)));
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>\n<h2>Documented, never seen</h2>\n"
	    "<p>Candidates to close in the firewall.</p>\n"
	    "<table id=\"never_seen\" class=\"sortable\"><thead><tr>"
	    "<th>rule</th><th>port</th><th>name</th><th>section</th></tr>"
	    "</thead><tbody>\n");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = report_rule_at(rep, i);

		if (rep->rules[i].flows > 0)
			continue;
		fprintf(f, "<tr><td>");
		hstr(f, r->id);
		fprintf(f, "</td><td>%s</td><td>", report_rule_port(r, rl,
		    sizeof(rl)));
		hstr(f, r->purpose != NULL ? r->purpose : "");
		fprintf(f, "</td><td>");
		hstr(f, r->section != NULL ? r->section : "");
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>\n<h2>Undocumented or violating flows"
	    "</h2>\n<table id=\"undocumented\" class=\"sortable\"><thead><tr>"
	    "<th>client role</th><th>server role</th><th>port</th>"
	    "<th>rule</th><th>kinds</th><th>flows</th><th>examples</th>"
	    "<th>first seen</th><th>last seen</th></tr></thead><tbody>\n");
	for (p = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];

		if (!report_pair_reported(q))
			continue;
		fprintf(f, "<tr><td>");
		hstr(f, report_roles_label(q->croles, rl, sizeof(rl)));
		fprintf(f, "</td><td>");
		hstr(f, report_roles_label(q->sroles, rl2, sizeof(rl2)));
		fprintf(f, "</td><td>%u/%s</td><td>%s</td><td>", q->port,
		    decode_transport_name(q->transport), q->rule ? "" : "-");
		if (q->rule != NULL)
			hstr(f, q->rule->id);
		fprintf(f, "</td><td>");
		for (k = 0; k < POLICY_KIND_MAX; k++)
			if (q->kinds & (1u << k))
				fprintf(f, "%s ",
				    policy_kind_name((enum policy_kind)k));
		fprintf(f, "</td><td class=\"n\">%llu</td><td>",
		    (unsigned long long)q->flows);
		for (k = 0; k < q->nex; k++) {
			fprintf(f, "%s", k ? "<br>" : "");
			hstr(f, q->ex[k]);
		}
		fprintf(f, "</td><td>%s</td><td>%s</td></tr>\n",
		    report_fmt_ts(q->first, t1, sizeof(t1)),
		    report_fmt_ts(q->last, t2, sizeof(t2)));
	}
	fprintf(f, "</tbody></table>\n<h2>Hosts</h2>\n<table id=\"hosts\" "
	    "class=\"sortable\"><thead><tr><th>address</th><th>name</th>"
	    "<th>roles</th><th>zone</th><th>MACs</th><th>flows</th>"
	    "<th>sent</th><th>received</th><th>alerts</th></tr></thead>"
	    "<tbody>\n");
	for (p = 0; p < rep->nhosts; p++) {
		const struct rhost *h = &rep->hosts[p];

		fprintf(f, "<tr%s><td>", h->alerts ? " class=\"violations\"" :
		    "");
		hstr(f, addr_fmt(&h->addr, a, sizeof(a)));
		fprintf(f, "</td><td>");
		hstr(f, h->host ? h->host->name : "unknown");
		fprintf(f, "</td><td>");
		hstr(f, report_roles_label(h->host ? h->host->roles : 0, rl,
		    sizeof(rl)));
		fprintf(f, "</td><td>");
		hstr(f, h->zone ? h->zone->name : h->internet ? "internet" :
		    "-");
		fprintf(f, "</td><td>");
		for (k = 0; k < h->nmacs; k++)
			fprintf(f, "%s%s", k ? " " : "",
			    addr_fmt_mac(h->macs[k], mac, sizeof(mac)));
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu"
		    "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "</tr>\n", (unsigned long long)h->flows,
		    (unsigned long long)h->sent,
		    (unsigned long long)h->received,
		    (unsigned long long)h->alerts);
	}
	fprintf(f, "</tbody></table>\n<h2>Alerts</h2>\n<table id=\"alerts\" "
	    "class=\"sortable\"><thead><tr><th>kind</th><th>alerts</th></tr>"
	    "</thead><tbody>\n");
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (rep->kinds[k] > 0)
			fprintf(f, "<tr><td>%s</td><td class=\"n\">%llu</td>"
			    "</tr>\n", policy_kind_name((enum policy_kind)k),
			    (unsigned long long)rep->kinds[k]);
	fprintf(f, "</tbody></table>\n<table id=\"alerts_by_rule\" "
	    "class=\"sortable\"><thead><tr><th>rule</th><th>alerts</th></tr>"
	    "</thead><tbody>\n");
	for (k = 0; k < rep->nby_rule; k++) {
		fprintf(f, "<tr><td>");
		hstr(f, rep->by_rule[k].key);
		fprintf(f, "</td><td class=\"n\">%llu</td></tr>\n",
		    (unsigned long long)rep->by_rule[k].n);
	}
	fprintf(f, "</tbody></table>\n<h2>Capture</h2>\n<p>");
	for (k = 0; k < rep->nfiles; k++) {
		fprintf(f, "%s", k ? ", " : "");
		hstr(f, rep->files[k]);
	}
	fprintf(f, "; %llu bytes; %.3f s of traffic.</p>\n",
	    (unsigned long long)st->bytes,
	    st->packets ? (double)(st->last_ts - st->first_ts) / 1e6 : 0.0);
	fputs(html_script, f);
	fputs("</body></html>\n", f);
}

/* ----- Markdown ----- */

static void
mstr(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' ||
		    *s == '`')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
}

void
report_out_md(FILE *f, const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	char a[ADDR_STRLEN], t1[32], t2[32], rl[512], ports[128];
	size_t i, j;
	uint32_t p;
	int k;

	fprintf(f, "# vmswatch coverage report\n\n%llu packets, %llu flows "
	    "from %s to %s; %llu alerts.\n\n## Sections of the guide\n\n"
	    "| section | verdict | rules | used | flows | violating | alerts "
	    "|\n|---|---|--:|--:|--:|--:|--:|\n",
	    (unsigned long long)st->packets, (unsigned long long)rep->flows,
	    report_fmt_ts(st->packets ? st->first_ts : 0, t1, sizeof(t1)),
	    report_fmt_ts(st->packets ? st->last_ts : 0, t2, sizeof(t2)),
	    (unsigned long long)rep->alerts);
	for (i = 0; i < nsec; i++) {
		fprintf(f, "| ");
		mstr(f, sec[i].name);
		fprintf(f, " | %s | %d | %d | %llu | %llu | %llu |\n",
		    report_section_verdict(&sec[i]), sec[i].rules, sec[i].used,
		    (unsigned long long)sec[i].flows,
		    (unsigned long long)sec[i].violating,
		    (unsigned long long)sec[i].alerts);
	}
	fprintf(f, "\n## Role matrix\n\nClients' roles down, servers' roles "
	    "across: **D** documented, **V** violating, **U** undocumented, "
	    "*u* documented but unused; then the ports.\n\n| client \\\\ "
	    "server |");
	for (j = 0; j < m->sv.n; j++) {
		fprintf(f, " ");
		mstr(f, report_roles_label(m->sv.set[j], rl, sizeof(rl)));
		fprintf(f, " |");
	}
	fprintf(f, "\n|---|");
	for (j = 0; j < m->sv.n; j++)
		fprintf(f, "---|");
	fprintf(f, "\n");
	for (i = 0; i < m->cl.n; i++) {
		fprintf(f, "| ");
		mstr(f, report_roles_label(m->cl.set[i], rl, sizeof(rl)));
		fprintf(f, " |");
		for (j = 0; j < m->sv.n; j++) {
			const struct cell *c = &m->cells[i * m->sv.n + j];
			static const char *const mark[] = {
				"", "*u*", "**U**", "**D**", "**V**"
			};

			if (c->state == CELL_EMPTY)
				fprintf(f, " |");
			else
				fprintf(f, " %s %s |", mark[c->state],
				    report_cell_ports(c, ports, sizeof(ports)));
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Documented flows\n\n| rule | port | flows | "
	    "violating | packets | bytes |\n|---|---|--:|--:|--:|--:|\n");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = report_rule_at(rep, i);
		const struct rrule *rr = &rep->rules[i];

		if (rr->flows == 0)
			continue;
		fprintf(f, "| ");
		mstr(f, r->id);
		fprintf(f, " | %s | %llu | %llu | %llu | %llu |\n",
		    report_rule_port(r, rl, sizeof(rl)),
		    (unsigned long long)rr->flows,
		    (unsigned long long)rr->violating,
		    (unsigned long long)rr->packets,
		    (unsigned long long)rr->bytes);
	}
	fprintf(f, "\n## Documented, never seen\n\n");
	for (i = 0; i < rep->nrules; i++)
		if (rep->rules[i].flows == 0) {
			const struct rule *r = report_rule_at(rep, i);

			fprintf(f, "- ");
			mstr(f, r->id);
			fprintf(f, " (%s): ", report_rule_port(r, rl, sizeof(rl)));
			mstr(f, r->purpose != NULL ? r->purpose : "");
			fprintf(f, "\n");
		}
	fprintf(f, "\n## Undocumented or violating flows\n\n| client role | "
	    "server role | port | kinds | flows | example |\n"
	    "|---|---|---|---|--:|---|\n");
	for (p = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];

		if (!report_pair_reported(q))
			continue;
		fprintf(f, "| ");
		mstr(f, report_roles_label(q->croles, rl, sizeof(rl)));
		fprintf(f, " | ");
		mstr(f, report_roles_label(q->sroles, rl, sizeof(rl)));
		fprintf(f, " | %u/%s | ", q->port,
		    decode_transport_name(q->transport));
		for (k = 0; k < POLICY_KIND_MAX; k++)
			if (q->kinds & (1u << k))
				fprintf(f, "%s ",
				    policy_kind_name((enum policy_kind)k));
		fprintf(f, "| %llu | ", (unsigned long long)q->flows);
		if (q->nex > 0)
			mstr(f, q->ex[0]);
		fprintf(f, " |\n");
	}
	fprintf(f, "\n## Hosts\n\n| address | name | roles | zone | flows | "
	    "sent | received | alerts |\n|---|---|---|---|--:|--:|--:|--:|\n");
	for (p = 0; p < rep->nhosts; p++) {
		const struct rhost *h = &rep->hosts[p];

		fprintf(f, "| %s | ", addr_fmt(&h->addr, a, sizeof(a)));
		mstr(f, h->host ? h->host->name : "unknown");
		fprintf(f, " | ");
		mstr(f, report_roles_label(h->host ? h->host->roles : 0, rl,
		    sizeof(rl)));
		fprintf(f, " | ");
		mstr(f, h->zone ? h->zone->name : h->internet ? "internet" :
		    "-");
		fprintf(f, " | %llu | %llu | %llu | %llu |\n",
		    (unsigned long long)h->flows, (unsigned long long)h->sent,
		    (unsigned long long)h->received,
		    (unsigned long long)h->alerts);
	}
	fprintf(f, "\n## Alerts\n\n| kind | alerts |\n|---|--:|\n");
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (rep->kinds[k] > 0)
			fprintf(f, "| %s | %llu |\n",
			    policy_kind_name((enum policy_kind)k),
			    (unsigned long long)rep->kinds[k]);
}

