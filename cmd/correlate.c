/*
 * correlate.c - `ftl correlate CASE`: link events into sessions
 * (core/correlate.c, docs/correlation.md).
 */
#include <stdio.h>
#include <string.h>

#include "../core/correlate.h"
#include "../core/ftltime.h"
#include "../core/store.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "window", 0, "DURATION",
      "heuristic link: at most this long after a sign-in by the same actor from the same "
      "address (default 60m; units s, m, h, d)" },
    { "coverage-gap", 0, "DURATION",
      "sign-in log files of one tenant at most this far apart cover the time between "
      "them (default 48h: a quiet weekend is not a hole in the logs)" },
    { "quiet", 'q', NULL, "print nothing but errors" },
    { 0 }
};

int ftl_cli_duration(const char *opt, const char *v, int64_t *us)
{
    if (ftl_duration_parse(v, us) == 0)
        return 0;
    ftl_say("--%s: cannot read duration '%s' (a whole number with a unit: 90s, 60m, 12h, 1d)",
            opt, v);
    return -1;
}

static void print_coverage(struct ftl_store *s)
{
    sqlite3_stmt *st = NULL;
    char a[FTL_TIME_ISO_LEN + 1], b[FTL_TIME_ISO_LEN + 1];
    int n = 0;

    if (sqlite3_prepare_v2(ftl_store_db(s),
                           "SELECT tenant, kind, first_ts, last_ts, events FROM signin_coverage"
                           " ORDER BY tenant, kind, first_ts", -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *tenant = (const char *)sqlite3_column_text(st, 0);

        ftl_time_format(sqlite3_column_int64(st, 2), a);
        ftl_time_format(sqlite3_column_int64(st, 3), b);
        printf("%s tenant %s, %s sign-ins: %s to %s (%lld)\n",
               n++ ? "                 " : "sign-in coverage:", tenant && *tenant ? tenant : "(unnamed)",
               (const char *)sqlite3_column_text(st, 1), a, b,
               (long long)sqlite3_column_int64(st, 4));
    }
    if (!n)
        printf("sign-in coverage: no Entra ID sign-in logs imported: no access can be judged "
               "no_issuance_record\n");
    sqlite3_finalize(st);
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_correlate;
    struct ftl_correlate_opts o;
    struct ftl_correlate_report r;
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    const char *v;

    ftl_correlate_defaults(&o);
    if ((v = ftl_arg(me, a, "window")) && ftl_cli_duration("window", v, &o.window_us) != 0)
        return EXIT_USAGE;
    if ((v = ftl_arg(me, a, "coverage-gap")) &&
        ftl_cli_duration("coverage-gap", v, &o.coverage_gap_us) != 0)
        return EXIT_USAGE;
    if (ftl_store_open(a->pos[0], FTL_OPEN_WRITE, &store, &err) != FTL_OK ||
        ftl_correlate(store, &o, &r, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    if (!ftl_arg(me, a, "quiet")) {
        printf("%lld events: %lld sign-ins (%lld failed), %lld linked (%lld token, "
               "%lld entra_session, %lld native, %lld heuristic), %lld no_issuance_record, "
               "%lld unlinkable\n",
               (long long)r.events,
               (long long)(r.state[FTL_LS_SIGNIN] + r.state[FTL_LS_FAILED_SIGNIN]),
               (long long)r.state[FTL_LS_FAILED_SIGNIN], (long long)r.state[FTL_LS_LINKED],
               (long long)r.method[FTL_LM_TOKEN], (long long)r.method[FTL_LM_ENTRA_SESSION],
               (long long)r.method[FTL_LM_NATIVE], (long long)r.method[FTL_LM_HEURISTIC],
               (long long)r.state[FTL_LS_NO_ISSUANCE], (long long)r.state[FTL_LS_UNLINKABLE]);
        printf("%lld sessions: %lld linked, %lld no_issuance_record, %lld unlinkable\n",
               (long long)r.sessions, (long long)r.session_state[FTL_LS_LINKED],
               (long long)r.session_state[FTL_LS_NO_ISSUANCE],
               (long long)r.session_state[FTL_LS_UNLINKABLE]);
        print_coverage(store);
    }
    ftl_store_close(store);
    return EXIT_OK;
}

const struct ftl_cmd ftl_cmd_correlate = {
    .name = "correlate",
    .synopsis = "CASE",
    .summary = "link the events of CASE into sessions and judge every mail access",
    .details =
        "Links, strongest first: token (UAL UniqueTokenId = sign-in uniqueTokenIdentifier),\n"
        "entra_session (AADSessionId = sign-in sessionId), native (Exchange SessionId, AWS\n"
        "access key and the keys it issued, Google principal + address + key, Windows\n"
        "logon id), heuristic (same actor and address within --window after a sign-in).\n"
        "An access that carries a token or Entra session id matching no sign-in, at a time\n"
        "the imported interactive and non-interactive sign-in logs both cover, is\n"
        "no_issuance_record: the forged-token pattern, a lead for a person to check.\n"
        "Running it again replaces all sessions; the same events give the same sessions.",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
