/*
 * correlate.h - link events into sessions: the activity one credential
 * produced (DESIGN.md, "Correlation"; docs/correlation.md).
 *
 * Every event ends in one link state:
 *   signin              a successful sign-in: a credential was issued here
 *   failed_signin       a failed sign-in: nothing was issued
 *   linked              in a session, by token, entra_session, native or
 *                       heuristic (the link method)
 *   no_issuance_record  carries a token or Entra session id, the imported
 *                       sign-in logs cover its time, and no sign-in matches:
 *                       the forged-token pattern (a lead, not proof)
 *   unlinkable          nothing to link by, or its time lies outside the
 *                       imported sign-in logs (the reason says which)
 *
 * ftl_correlate() replaces all sessions and links in one transaction, so a
 * killed run leaves the previous result. The same events give the same
 * session ids and membership.
 */
#ifndef FTL_CORRELATE_H
#define FTL_CORRELATE_H

#include <stdint.h>

#include "error.h"
#include "store.h"

#define FTL_CORRELATE_WINDOW_US (60LL * 60 * 1000000)          /* 60 min */
#define FTL_CORRELATE_COVERAGE_GAP_US (48LL * 3600 * 1000000)  /* 48 h */

struct ftl_correlate_opts {
    /* heuristic link: an event at most this long after a successful
     * sign-in by the same actor from the same address */
    int64_t window_us;
    /* sign-in log files of one tenant and kind whose time ranges are at
     * most this far apart count as one covered period */
    int64_t coverage_gap_us;
};

enum ftl_link_state {
    FTL_LS_SIGNIN,
    FTL_LS_FAILED_SIGNIN,
    FTL_LS_LINKED,
    FTL_LS_NO_ISSUANCE,
    FTL_LS_UNLINKABLE,
    FTL_LS_COUNT
};

/* In order of strength: a higher value is a stronger link. */
enum ftl_link_method {
    FTL_LM_NONE,
    FTL_LM_HEURISTIC,
    FTL_LM_NATIVE,
    FTL_LM_ENTRA_SESSION,
    FTL_LM_TOKEN,
    FTL_LM_COUNT
};

struct ftl_correlate_report {
    int64_t events;
    int64_t state[FTL_LS_COUNT];       /* events per link state */
    int64_t method[FTL_LM_COUNT];      /* linked events per method */
    int64_t sessions;
    int64_t session_state[FTL_LS_COUNT];   /* linked, no_issuance, unlinkable */
    int64_t identifiers;               /* distinct ids and sign-ins linked on */
    int64_t coverage_periods;          /* rows written to signin_coverage */
};

void ftl_correlate_defaults(struct ftl_correlate_opts *o);

ftl_rc ftl_correlate(struct ftl_store *s, const struct ftl_correlate_opts *o,
                     struct ftl_correlate_report *r, struct ftl_error *err);

const char *ftl_link_state_name(int state);     /* "no_issuance_record" */
const char *ftl_link_method_name(int method);   /* "entra_session", NULL for none */

/* Whether the case's sessions are current. Returns FTL_CORR_NEVER,
 * FTL_CORR_CURRENT, or FTL_CORR_STALE with *events_since set to the events
 * imported after the last run; -1 on error. */
enum { FTL_CORR_NEVER, FTL_CORR_CURRENT, FTL_CORR_STALE };
int ftl_correlate_current(struct ftl_store *s, int64_t *events_since,
                          struct ftl_error *err);

#endif
