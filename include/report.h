/*
 * report.h - the auditor's coverage report, after the alert stage.  Fed
 * by the pipeline's flow verdicts (policy_verdict at each flow's end) and
 * by the alerts the alert stage emits, it tells which documented flows of
 * the guide the site uses, which it never uses, which undocumented or
 * violating flows exist, which hosts were seen against the inventory, and
 * who talks to whom by role.  At the end of an offline run it writes
 * report.json with report.html (self-contained) or report.md.
 *
 * Memory grows with what is distinct (hosts, role pairs and ports, rule
 * ids), never with packets: one entry is added at a flow's end at most.
 */
#ifndef VW_REPORT_H
#define VW_REPORT_H

#include <stdint.h>

#include "alert.h"
#include "inventory.h"
#include "pipeline.h"
#include "policy.h"
#include "rules.h"

enum report_format {
	REPORT_HTML = 0,	/* report.json and report.html */
	REPORT_MD,		/* report.json and report.md */
};

struct report;

/*
 * A report on the site of inv against the rules rs (borrowed: they must
 * outlive the report; rs may be NULL).  NULL on allocation failure.
 */
struct report *report_new(const struct inventory *inv,
    const struct ruleset *rs);
void report_free(struct report *);

/* A flow's verdict (a policy_verdict_cb; arg is the report). */
void report_verdict(const struct policy_verdict *pv, void *arg);
/* An alert the alert stage emitted. */
void report_alert(struct report *, const struct alert *a);
/* A capture file read (path borrowed until report_write()). */
int report_file(struct report *, const char *path);

/* "html" or "md" -> the format, or -1. */
int report_format_lookup(const char *name);

/*
 * Writes the report to folder dir (made if missing): report.json and
 * report.html or report.md, each complete or not at all (written beside
 * and renamed).  The capture's counters come from pl.  Returns 0, or -1
 * with the reason in err.
 */
int report_write(const struct report *, const char *dir,
    enum report_format fmt, const struct pipeline *pl, char *err,
    size_t errlen);

#endif
