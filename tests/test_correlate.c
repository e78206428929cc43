/*
 * test_correlate.c - every link rule with positive and negative cases,
 * sign-in coverage, and deterministic rebuilds (core/correlate.c,
 * docs/correlation.md).
 *
 * Events go into the case file as the importers normalise them (actor
 * lower-cased, the fields in docs/mapping.md), so each test states exactly
 * what correlation is given.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "correlate.h"
#include "ftltime.h"
#include "store.h"
#include "caseutil.h"
#include "testmain.h"

static void correlate(struct ftl_store *s, int64_t window_us, struct ftl_correlate_report *r)
{
    struct ftl_correlate_opts o;
    struct ftl_correlate_report dummy;
    struct ftl_error err = { 0 };
    ftl_rc rc;

    ftl_correlate_defaults(&o);
    if (window_us)
        o.window_us = window_us;
    rc = ftl_correlate(s, &o, r ? r : &dummy, &err);
    if (rc != FTL_OK)
        fprintf(stderr, "correlate: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, FTL_OK);
}

struct link {
    char state[32], method[32], reason[512];
    int64_t session;
};

/* The link of the event with that native id. */
static struct link link_of(struct ftl_store *s, const char *native)
{
    struct link l;
    sqlite3_stmt *st = NULL;

    memset(&l, 0, sizeof l);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(ftl_store_db(s),
                                             "SELECT l.state, coalesce(l.method, ''),"
                                             " coalesce(l.session_id, 0), coalesce(l.reason, '')"
                                             " FROM events e JOIN event_links l ON l.event_id = e.id"
                                             " WHERE e.native_id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, native, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(l.state, sizeof l.state, "%s", sqlite3_column_text(st, 0));
        snprintf(l.method, sizeof l.method, "%s", sqlite3_column_text(st, 1));
        l.session = sqlite3_column_int64(st, 2);
        snprintf(l.reason, sizeof l.reason, "%s", sqlite3_column_text(st, 3));
    } else {
        snprintf(l.state, sizeof l.state, "(no link row for %s)", native);
    }
    sqlite3_finalize(st);
    return l;
}

#define ASSERT_LINK(s, native, want_state, want_method)                                  \
    do {                                                                                 \
        struct link l_ = link_of(s, native);                                             \
        if (strcmp(l_.state, want_state) != 0 || strcmp(l_.method, want_method) != 0)    \
            fprintf(stderr, "\n%s: got %s/%s (%s), want %s/%s\n", native, l_.state,      \
                    l_.method, l_.reason, want_state, want_method);                      \
        CU_ASSERT_STRING_EQUAL(l_.state, want_state);                                    \
        CU_ASSERT_STRING_EQUAL(l_.method, want_method);                                  \
    } while (0)

/* Interactive and non-interactive sign-in logs of TENANT covering
 * 2023-06-18T00:00 to 2023-06-18T23:59, with alice's sign-in (token
 * "mcQCg9l8PIBeqN9jQ3GqhA", Entra session 722d...) at 10:00 from
 * 2001:db8::1. */
static const struct tev signins[] = {
    { "2023-06-18T00:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "bobtoken0001",
      "{\"resource_tenant_id\":\"" TENANT "\"}", "si-bob-1" },
    { "2023-06-18T00:00:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn", "success",
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "bobtoken0002",
      "{\"resource_tenant_id\":\"" TENANT "\"}", "si-bob-2" },
    { "2023-06-18T10:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
      "alice@example.org", "2001:db8::1", "722d9af2-73aa-43b9-aaa3-d3b8d0ee1918",
      "mcQCg9l8PIBeqN9jQ3GqhA", "{\"resource_tenant_id\":\"" TENANT "\"}", "si-alice" },
    { "2023-06-18T10:30:00Z", "entra_signin", "signin", "UserSignIn", "failure",
      "carol@example.org", "203.0.113.7", NULL, "failedtoken01",
      "{\"resource_tenant_id\":\"" TENANT "\"}", "si-carol-failed" },
    { "2023-06-18T23:59:00Z", "entra_signin", "signin", "UserSignIn", "success",
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "bobtoken0003",
      "{\"resource_tenant_id\":\"" TENANT "\"}", "si-bob-3" },
    { "2023-06-18T23:59:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn", "success",
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "bobtoken0004",
      "{\"resource_tenant_id\":\"" TENANT "\"}", "si-bob-4" },
    { 0 },
};

#define UAL_ATTRS(aad, issued) \
    "{\"organization_id\":\"" TENANT "\",\"aad_session_id\":\"" aad "\"" issued "}"

static void test_token_link_is_exact(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ual[] = {
        /* the token alice's sign-in issued: linked by token */
        { "2023-06-18T10:20:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:db8::1", "exo-1", "mcQCg9l8PIBeqN9jQ3GqhA",
          "{\"organization_id\":\"" TENANT "\"}", "ual-token" },
        /* the same token but for case: base64url is case-sensitive, so it is
         * another token, which no sign-in issued */
        { "2023-06-18T10:21:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:db8::1", "exo-2", "MCQCG9L8PIBEQN9JQ3GQHA",
          "{\"organization_id\":\"" TENANT "\"}", "ual-token-case" },
        /* the failed sign-in's token issued nothing */
        { "2023-06-18T10:40:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "carol@example.org", "203.0.113.7", "exo-3", "failedtoken01",
          "{\"organization_id\":\"" TENANT "\"}", "ual-failed-token" },
        { 0 },
    };
    struct link a, b;

    add_file(s, "signins.json", signins);
    add_file(s, "ual.jsonl", ual);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "ual-token", "linked", "token");
    ASSERT_LINK(s, "ual-token-case", "no_issuance_record", "");
    ASSERT_LINK(s, "ual-failed-token", "no_issuance_record", "");
    ASSERT_LINK(s, "si-alice", "signin", "");
    ASSERT_LINK(s, "si-carol-failed", "failed_signin", "");
    /* the token-linked access is in the sign-in's session */
    a = link_of(s, "ual-token");
    b = link_of(s, "si-alice");
    CU_ASSERT(a.session > 0);
    CU_ASSERT_EQUAL(a.session, b.session);
    CU_ASSERT_PTR_NOT_NULL(strstr(link_of(s, "ual-token-case").reason, "cover"));
    CU_ASSERT_EQUAL(sql_int(s, "SELECT anchor_event_id = (SELECT id FROM events WHERE"
                               " native_id = 'si-alice') FROM sessions WHERE id = (SELECT"
                               " session_id FROM event_links l JOIN events e ON e.id = l.event_id"
                               " WHERE e.native_id = 'ual-token')"), 1);
    ftl_store_close(s);
}

static void test_entra_session_link(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ual[] = {
        /* AADSessionId in upper case: a GUID, compared case-insensitively */
        { "2023-06-18T11:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "198.51.100.4", "exo-1", "refreshedtoken",
          UAL_ATTRS("722D9AF2-73AA-43B9-AAA3-D3B8D0EE1918", ""), "ual-session" },
        /* a session id no sign-in has */
        { "2023-06-18T11:05:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "198.51.100.4", "exo-2", NULL,
          UAL_ATTRS("99999999-73aa-43b9-aaa3-d3b8d0ee1918", ""), "ual-session-unknown" },
        { 0 },
    };

    add_file(s, "signins.json", signins);
    add_file(s, "ual.jsonl", ual);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "ual-session", "linked", "entra_session");
    CU_ASSERT_EQUAL(link_of(s, "ual-session").session, link_of(s, "si-alice").session);
    ASSERT_LINK(s, "ual-session-unknown", "no_issuance_record", "");
    ftl_store_close(s);
}

static void test_coverage_decides_no_issuance(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev interactive_only[] = {
        { "2023-06-25T00:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
          "bob@example.org", "192.0.2.10", NULL, "t-int-1",
          "{\"resource_tenant_id\":\"" TENANT "\"}", "si-int-1" },
        { "2023-06-25T23:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
          "bob@example.org", "192.0.2.10", NULL, "t-int-2",
          "{\"resource_tenant_id\":\"" TENANT "\"}", "si-int-2" },
        { 0 },
    };
    static const struct tev ual[] = {
        /* inside the covered 18 June */
        { "2023-06-18T12:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "203.0.113.91", "exo-1", "forged-1", UAL_ATTRS("f-1", ""),
          "ual-covered" },
        /* after the logs end (21 June, nothing imported) */
        { "2023-06-21T12:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "203.0.113.91", "exo-2", "forged-2", UAL_ATTRS("f-2", ""),
          "ual-after" },
        /* 25 June: interactive logs only, non-interactive missing */
        { "2023-06-25T12:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "203.0.113.91", "exo-3", "forged-3", UAL_ATTRS("f-3", ""),
          "ual-interactive-only" },
        /* used on the 19th... with a token issued on the 18th: covered */
        { "2023-06-19T00:30:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "203.0.113.91", "exo-4", "forged-4",
          UAL_ATTRS("f-4", ",\"token_issued_at\":\"2023-06-18T23:30:00\""), "ual-issued-covered" },
        { 0 },
    };
    static const struct tev other_tenant[] = {
        { "2023-06-18T12:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "eve@example.net", "203.0.113.91", "exo-9", "forged-9",
          "{\"organization_id\":\"00000000-0000-0000-0000-000000000001\"}", "ual-other-tenant" },
        { 0 },
    };

    add_file(s, "signins.json", signins);
    add_file(s, "interactive.json", interactive_only);
    add_file(s, "ual.jsonl", ual);
    add_file(s, "other.jsonl", other_tenant);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "ual-covered", "no_issuance_record", "");
    ASSERT_LINK(s, "ual-after", "unlinkable", "");
    CU_ASSERT_PTR_NOT_NULL(strstr(link_of(s, "ual-after").reason,
                                  "do not cover (no interactive or non-interactive sign-ins)"));
    ASSERT_LINK(s, "ual-interactive-only", "unlinkable", "");
    CU_ASSERT_PTR_NOT_NULL(strstr(link_of(s, "ual-interactive-only").reason,
                                  "no non-interactive sign-ins"));
    ASSERT_LINK(s, "ual-issued-covered", "no_issuance_record", "");
    CU_ASSERT_PTR_NOT_NULL(strstr(link_of(s, "ual-issued-covered").reason, "token issue time"));
    ASSERT_LINK(s, "ual-other-tenant", "unlinkable", "");
    CU_ASSERT_PTR_NOT_NULL(strstr(link_of(s, "ual-other-tenant").reason, "were not imported"));
    /* the coverage table: the 18th and the 25th are more than 48 h apart */
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM signin_coverage WHERE kind = 'interactive'"),
                    2);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM signin_coverage"
                               " WHERE kind = 'non_interactive'"), 1);
    ftl_store_close(s);
}

/* A quiet stretch between two files (a Sunday with no interactive
 * sign-ins) is not a hole in the logs; days apart is. */
static void test_coverage_gap_between_files(void)
{
    static const struct tev friday[] = {
        { "2023-06-16T07:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
          "bob@example.org", "192.0.2.10", NULL, "a1", NULL, "g-1" },
        { "2023-06-16T07:00:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn",
          "success", "bob@example.org", "192.0.2.10", NULL, "a2", NULL, "g-2" },
        { "2023-06-16T18:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
          "bob@example.org", "192.0.2.10", NULL, "a3", NULL, "g-3" },
        { "2023-06-16T18:00:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn",
          "success", "bob@example.org", "192.0.2.10", NULL, "a4", NULL, "g-4" },
        { 0 },
    };
    static const struct tev monday[] = {
        /* 37 h after Friday's last sign-in */
        { "2023-06-18T07:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
          "bob@example.org", "192.0.2.10", NULL, "b1", NULL, "g-5" },
        { "2023-06-18T07:00:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn",
          "success", "bob@example.org", "192.0.2.10", NULL, "b2", NULL, "g-6" },
        { 0 },
    };
    static const struct tev later[] = {
        /* four days after that */
        { "2023-06-22T07:00:00Z", "entra_signin", "signin", "UserSignIn", "success",
          "bob@example.org", "192.0.2.10", NULL, "c1", NULL, "g-7" },
        { "2023-06-22T07:00:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn",
          "success", "bob@example.org", "192.0.2.10", NULL, "c2", NULL, "g-8" },
        { 0 },
    };
    static const struct tev ual[] = {
        { "2023-06-17T20:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "203.0.113.91", "exo-1", "forged-1", NULL, "ual-weekend" },
        { "2023-06-20T12:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "203.0.113.91", "exo-2", "forged-2", NULL, "ual-hole" },
        { 0 },
    };
    struct ftl_store *s = new_case("correlate");
    struct ftl_correlate_opts o;
    struct ftl_correlate_report r;

    add_file(s, "friday.json", friday);
    add_file(s, "monday.json", monday);
    add_file(s, "later.json", later);
    add_file(s, "ual.jsonl", ual);
    correlate(s, 0, NULL);
    /* sign-in logs that name no tenant cover every tenant's events */
    ASSERT_LINK(s, "ual-weekend", "no_issuance_record", "");
    ASSERT_LINK(s, "ual-hole", "unlinkable", "");
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM signin_coverage"), 4);
    /* a stricter gap makes the weekend a hole too */
    ftl_correlate_defaults(&o);
    o.coverage_gap_us = 24LL * 3600 * 1000000;
    CU_ASSERT_EQUAL_FATAL(ftl_correlate(s, &o, &r, NULL), FTL_OK);
    ASSERT_LINK(s, "ual-weekend", "unlinkable", "");
    CU_ASSERT_EQUAL(r.coverage_periods, 6);
    ftl_store_close(s);
}

static void test_native_exchange_session(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ual[] = {
        { "2023-06-18T03:00:00Z", "m365_ual", "mail_admin", "New-InboxRule", "success",
          "dave@example.org", "198.51.100.20", "b5e5bb2c-0000-4000-8000-000000000001", NULL,
          NULL, "x-1" },
        { "2023-06-18T03:01:00Z", "m365_ual", "mail_admin", "Set-InboxRule", "success",
          "dave@example.org", "198.51.100.20", "B5E5BB2C-0000-4000-8000-000000000001", NULL,
          NULL, "x-2" },
        { "2023-06-18T03:02:00Z", "m365_ual", "mail_admin", "Set-InboxRule", "success",
          "dave@example.org", "198.51.100.20", "b5e5bb2c-0000-4000-8000-000000000002", NULL,
          NULL, "x-3" },
        { 0 },
    };

    add_file(s, "ual.jsonl", ual);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "x-1", "linked", "native");
    ASSERT_LINK(s, "x-2", "linked", "native");
    CU_ASSERT_EQUAL(link_of(s, "x-1").session, link_of(s, "x-2").session);
    /* a session id no other event carries links nothing */
    ASSERT_LINK(s, "x-3", "unlinkable", "");
    CU_ASSERT_EQUAL(link_of(s, "x-3").session, 0);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM sessions"), 1);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT state = 'linked' AND link_method = 'native'"
                               " AND anchor_event_id IS NULL FROM sessions"), 1);
    ftl_store_close(s);
}

static void test_native_aws_keys(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ct[] = {
        { "2023-06-22T13:02:11Z", "aws_cloudtrail", "cloud", "sts.amazonaws.com:GetCallerIdentity",
          "success", "arn:aws:iam::111122223333:user/finance", "203.0.113.66",
          "AKIADRB7F55HZSRJXDXI", NULL, NULL, "aws-1" },
        { "2023-06-22T13:05:02Z", "aws_cloudtrail", "cloud", "iam.amazonaws.com:CreateAccessKey",
          "success", "arn:aws:iam::111122223333:user/finance", "203.0.113.66",
          "AKIADRB7F55HZSRJXDXI", NULL, "{\"issued_access_key\":\"AKIAJHNWP4HN2K45Q6YO\"}",
          "aws-2" },
        /* hours later, another address: only the issued key ties it */
        { "2023-06-22T19:07:15Z", "aws_cloudtrail", "cloud", "cloudtrail.amazonaws.com:StopLogging",
          "success", "arn:aws:iam::111122223333:user/deploy-bot", "198.51.100.99",
          "AKIAJHNWP4HN2K45Q6YO", NULL, NULL, "aws-3" },
        /* assumed-role credentials handed out by AssumeRole */
        { "2023-06-22T19:10:00Z", "aws_cloudtrail", "cloud", "sts.amazonaws.com:AssumeRole",
          "success", "arn:aws:iam::111122223333:user/deploy-bot", "198.51.100.99",
          "AKIAJHNWP4HN2K45Q6YO", NULL, "{\"issued_access_key\":\"ASIA2EXAMPLEROLEKEY1\"}",
          "aws-4" },
        { "2023-06-22T19:11:00Z", "aws_cloudtrail", "cloud", "s3.amazonaws.com:ListBuckets",
          "success", "arn:aws:sts::111122223333:assumed-role/admin/x", "198.51.100.99",
          "ASIA2EXAMPLEROLEKEY1", NULL, NULL, "aws-5" },
        /* an unrelated key used once */
        { "2023-06-22T19:12:00Z", "aws_cloudtrail", "cloud", "s3.amazonaws.com:ListBuckets",
          "success", "arn:aws:iam::111122223333:user/other", "198.51.100.99",
          "AKIAOTHERKEY00000001", NULL, NULL, "aws-6" },
        { 0 },
    };
    int64_t sid;

    add_file(s, "ct.json", ct);
    correlate(s, 0, NULL);
    sid = link_of(s, "aws-1").session;
    CU_ASSERT(sid > 0);
    ASSERT_LINK(s, "aws-1", "linked", "native");
    ASSERT_LINK(s, "aws-3", "linked", "native");
    ASSERT_LINK(s, "aws-5", "linked", "native");
    CU_ASSERT_EQUAL(link_of(s, "aws-2").session, sid);
    CU_ASSERT_EQUAL(link_of(s, "aws-3").session, sid);
    CU_ASSERT_EQUAL(link_of(s, "aws-5").session, sid);
    ASSERT_LINK(s, "aws-6", "unlinkable", "");
    /* the session is named by the key that started it */
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM sessions"
                               " WHERE credential = 'aws_access_key:AKIADRB7F55HZSRJXDXI'"
                               " AND events = 5 AND ips = 2"), 1);
    ftl_store_close(s);
}

static void test_native_gcp_and_windows(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev gcp[] = {
        { "2023-06-22T14:02:31Z", "gcp_audit", "cloud", "GetIamPolicy", "success",
          "sa@p.iam.gserviceaccount.com", "203.0.113.66", "//iam/keys/k1", NULL, NULL, "g-1" },
        { "2023-06-22T14:03:10Z", "gcp_audit", "cloud", "SetIamPolicy", "success",
          "sa@p.iam.gserviceaccount.com", "203.0.113.66", "//iam/keys/k1", NULL, NULL, "g-2" },
        /* same principal, another address: another credential use */
        { "2023-06-22T14:04:00Z", "gcp_audit", "cloud", "SetIamPolicy", "success",
          "sa@p.iam.gserviceaccount.com", "192.0.2.50", "//iam/keys/k1", NULL, NULL, "g-3" },
        { 0 },
    };
    static const struct tev win[] = {
        { "2023-06-21T09:00:00Z", "windows_event_xml", "signin",
          "Microsoft-Windows-Security-Auditing:4624", "success", "corp\\admin", "192.0.2.77",
          "ADM01.corp.example.org/0x590b1ae", NULL, NULL, "w-logon" },
        { "2023-06-21T09:05:00Z", "windows_event_xml", "host",
          "Microsoft-Windows-Security-Auditing:4688", "success", "corp\\admin", NULL,
          "ADM01.corp.example.org/0x590b1ae", NULL, NULL, "w-process" },
        { "2023-06-21T09:30:00Z", "windows_event_xml", "signin",
          "Microsoft-Windows-Security-Auditing:4634", "success", "corp\\admin", NULL,
          "ADM01.corp.example.org/0x590b1ae", NULL, NULL, "w-logoff" },
        /* the same logon id on another host is another logon */
        { "2023-06-21T09:06:00Z", "windows_event_xml", "host",
          "Microsoft-Windows-Security-Auditing:4688", "success", "corp\\admin", NULL,
          "FS01.corp.example.org/0x590b1ae", NULL, NULL, "w-otherhost" },
        /* SYSTEM's logon id is shared by everything the system does */
        { "2023-06-21T09:07:00Z", "windows_event_xml", "host",
          "Microsoft-Windows-Security-Auditing:4688", "success", "nt authority\\system", NULL,
          "ADM01.corp.example.org/0x3e7", NULL, NULL, "w-system-1" },
        { "2023-06-21T09:08:00Z", "windows_event_xml", "host",
          "Microsoft-Windows-Security-Auditing:4688", "success", "nt authority\\system", NULL,
          "ADM01.corp.example.org/0x3e7", NULL, NULL, "w-system-2" },
        { 0 },
    };

    add_file(s, "gcp.jsonl", gcp);
    add_file(s, "win.xml", win);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "g-1", "linked", "native");
    CU_ASSERT_EQUAL(link_of(s, "g-1").session, link_of(s, "g-2").session);
    ASSERT_LINK(s, "g-3", "unlinkable", "");
    ASSERT_LINK(s, "w-logon", "signin", "");
    ASSERT_LINK(s, "w-process", "linked", "native");
    /* a logoff closes the logon session: linked, never an anchor */
    ASSERT_LINK(s, "w-logoff", "linked", "native");
    CU_ASSERT_EQUAL(link_of(s, "w-process").session, link_of(s, "w-logon").session);
    CU_ASSERT_EQUAL(link_of(s, "w-logoff").session, link_of(s, "w-logon").session);
    ASSERT_LINK(s, "w-otherhost", "unlinkable", "");
    ASSERT_LINK(s, "w-system-1", "unlinkable", "");
    ASSERT_LINK(s, "w-system-2", "unlinkable", "");
    ftl_store_close(s);
}

static void test_heuristic_window(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ual[] = {
        /* 59:59 after alice's sign-in, from the same IPv6 address written
         * long-hand: the heuristic link */
        { "2023-06-18T10:59:59Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:DB8:0:0::1", NULL, NULL, NULL, "h-in" },
        /* one second past the 60 min window */
        { "2023-06-18T11:00:01Z", "m365_ual", "file", "FileDownloaded", "success",
          "alice@example.org", "2001:db8::1", NULL, NULL, NULL, "h-late" },
        /* before the sign-in */
        { "2023-06-18T09:59:59Z", "m365_ual", "file", "FileDownloaded", "success",
          "alice@example.org", "2001:db8::1", NULL, NULL, NULL, "h-before" },
        /* another address, another actor */
        { "2023-06-18T10:10:00Z", "m365_ual", "file", "FileDownloaded", "success",
          "alice@example.org", "2001:db8::2", NULL, NULL, NULL, "h-otherip" },
        { "2023-06-18T10:10:00Z", "m365_ual", "file", "FileDownloaded", "success",
          "mallory@example.org", "2001:db8::1", NULL, NULL, NULL, "h-otheractor" },
        /* a failed sign-in anchors nothing */
        { "2023-06-18T10:35:00Z", "m365_ual", "file", "FileDownloaded", "success",
          "carol@example.org", "203.0.113.7", NULL, NULL, NULL, "h-after-failure" },
        /* a token nobody issued is judged on its token, not on the address */
        { "2023-06-18T10:15:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:db8::1", NULL, "forgedtoken", NULL, "h-forged" },
        { 0 },
    };
    static const struct tev gcp[] = {
        /* Google activity of a same-named user is not vouched for by an
         * Entra sign-in */
        { "2023-06-18T10:05:00Z", "gcp_audit", "cloud", "storage.objects.get", "success",
          "alice@example.org", "2001:db8::1", NULL, NULL, NULL, "h-gcp" },
        { 0 },
    };

    add_file(s, "signins.json", signins);
    add_file(s, "ual.jsonl", ual);
    add_file(s, "gcp.jsonl", gcp);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "h-in", "linked", "heuristic");
    CU_ASSERT_EQUAL(link_of(s, "h-in").session, link_of(s, "si-alice").session);
    CU_ASSERT_PTR_NOT_NULL(strstr(link_of(s, "h-in").reason, "3599 s after"));
    ASSERT_LINK(s, "h-late", "unlinkable", "");
    ASSERT_LINK(s, "h-before", "unlinkable", "");
    ASSERT_LINK(s, "h-otherip", "unlinkable", "");
    ASSERT_LINK(s, "h-otheractor", "unlinkable", "");
    ASSERT_LINK(s, "h-after-failure", "unlinkable", "");
    ASSERT_LINK(s, "h-forged", "no_issuance_record", "");
    ASSERT_LINK(s, "h-gcp", "unlinkable", "");
    /* a longer window takes the late one in */
    correlate(s, 2LL * 3600 * 1000000, NULL);
    ASSERT_LINK(s, "h-late", "linked", "heuristic");
    ftl_store_close(s);
}

/* A component (an Exchange session) joins the sign-in its earliest matching
 * event follows; its other events are linked natively through it. */
static void test_heuristic_component(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ual[] = {
        { "2023-06-18T10:05:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:db8::1", "exo-imap", NULL, NULL, "c-1" },
        { "2023-06-18T13:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "198.51.100.4", "exo-imap", NULL, NULL, "c-2" },
        { 0 },
    };

    add_file(s, "signins.json", signins);
    add_file(s, "ual.jsonl", ual);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "c-1", "linked", "heuristic");
    ASSERT_LINK(s, "c-2", "linked", "native");
    CU_ASSERT_EQUAL(link_of(s, "c-2").session, link_of(s, "si-alice").session);
    ftl_store_close(s);
}

/* An address match must not hide a token no sign-in issued: a component
 * that holds one is never joined to a sign-in by the heuristic (found in
 * review). */
static void test_heuristic_never_hides_a_forged_token(void)
{
    struct ftl_store *s = new_case("correlate");
    static const struct tev ual[] = {
        { "2023-06-18T10:10:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:db8::1", "exo-mix", "nobody-issued-this", NULL, "m-1" },
        { "2023-06-18T10:12:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
          "alice@example.org", "2001:db8::1", "exo-mix", NULL, NULL, "m-2" },
        { 0 },
    };

    add_file(s, "signins.json", signins);
    add_file(s, "ual.jsonl", ual);
    correlate(s, 0, NULL);
    ASSERT_LINK(s, "m-1", "no_issuance_record", "");
    ASSERT_LINK(s, "m-2", "linked", "native");
    CU_ASSERT(link_of(s, "m-2").session > 0);
    CU_ASSERT_NOT_EQUAL(link_of(s, "m-2").session, link_of(s, "si-alice").session);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM sessions WHERE state = 'no_issuance_record'"), 1);
    ftl_store_close(s);
}

/* Every event, its session and state, by native id: what must not change. */
static void dump(struct ftl_store *s, struct ftl_buf *out)
{
    sqlite3_stmt *st = NULL;

    ftl_buf_reset(out);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(
        ftl_store_db(s),
        "SELECT e.native_id, coalesce(l.session_id, 0), l.state, coalesce(l.method, ''),"
        " l.reason FROM events e JOIN event_links l ON l.event_id = e.id"
        " ORDER BY e.native_id", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        ftl_buf_addf(out, "%s %lld %s %s\n", sqlite3_column_text(st, 0),
                     (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 2),
                     sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(
        ftl_store_db(s),
        "SELECT id, state, link_method, credential, actor, first_ts, last_ts, events, ips,"
        " apps, user_agents, ip_list, app_list, user_agent_list FROM sessions ORDER BY id",
        -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int i;

        for (i = 0; i < 14; i++)
            ftl_buf_addf(out, "%s|", sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "");
        ftl_buf_addch(out, '\n');
    }
    sqlite3_finalize(st);
}

static const struct tev more_ual[] = {
    { "2023-06-18T10:20:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
      "alice@example.org", "2001:db8::1", "exo-1", "mcQCg9l8PIBeqN9jQ3GqhA",
      "{\"organization_id\":\"" TENANT "\"}", "d-token" },
    { "2023-06-18T10:25:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
      "alice@example.org", "2001:db8::1", "exo-1", NULL, NULL, "d-native" },
    { "2023-06-18T21:14:09Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
      "alice@example.org", "203.0.113.91", "exo-f", "forged", UAL_ATTRS("f-s", ""), "d-forged" },
    { "2023-06-18T21:16:47Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
      "alice@example.org", "203.0.113.91", "exo-f2", "forged", UAL_ATTRS("f-s", ""), "d-forged2" },
    { 0 },
};

/* The same events give the same sessions: run twice, import in another
 * order, or correlate before and after more evidence came in. */
static void test_deterministic_rebuild(void)
{
    struct ftl_store *a = new_case("correlate"), *b = new_case("correlate"),
                     *c = new_case("correlate");
    struct ftl_buf da = { 0 }, db = { 0 };
    struct ftl_correlate_report r;

    add_file(a, "signins.json", signins);
    add_file(a, "ual.jsonl", more_ual);
    correlate(a, 0, &r);
    CU_ASSERT_EQUAL(r.events, 10);
    CU_ASSERT_EQUAL(r.sessions, sql_int(a, "SELECT count(*) FROM sessions"));
    dump(a, &da);
    correlate(a, 0, NULL);
    dump(a, &db);
    CU_ASSERT_STRING_EQUAL(da.data, db.data);

    /* b: the UAL first, correlated before the sign-ins arrive */
    add_file(b, "ual.jsonl", more_ual);
    correlate(b, 0, NULL);
    ASSERT_LINK(b, "d-token", "unlinkable", "");
    {
        int64_t since = -1;

        add_file(b, "signins.json", signins);
        CU_ASSERT_EQUAL(ftl_correlate_current(b, &since, NULL), FTL_CORR_STALE);
        CU_ASSERT_EQUAL(since, 6);
    }
    correlate(b, 0, NULL);
    dump(b, &db);
    CU_ASSERT_STRING_EQUAL(da.data, db.data);
    ASSERT_LINK(b, "d-forged", "no_issuance_record", "");
    CU_ASSERT(link_of(b, "d-forged").session > 0);
    CU_ASSERT_EQUAL(link_of(b, "d-forged").session, link_of(b, "d-forged2").session);

    /* c: never correlated */
    {
        int64_t since = -1;

        CU_ASSERT_EQUAL(ftl_correlate_current(c, &since, NULL), FTL_CORR_NEVER);
    }
    ftl_buf_free(&da);
    ftl_buf_free(&db);
    ftl_store_close(a);
    ftl_store_close(b);
    ftl_store_close(c);
}

/* A failed run (here: the case is read-only underneath) keeps the previous
 * sessions: everything happens in one transaction. */
static void test_failure_keeps_previous(void)
{
    struct ftl_store *s = new_case("correlate");
    struct ftl_correlate_report r;
    struct ftl_error err = { 0 };
    int64_t before;

    add_file(s, "signins.json", signins);
    add_file(s, "ual.jsonl", more_ual);
    correlate(s, 0, NULL);
    before = sql_int(s, "SELECT count(*) FROM event_links");
    CU_ASSERT_EQUAL(before, 10);
    CU_ASSERT_EQUAL(ftl_store_exec(s, "PRAGMA query_only = 1", NULL), FTL_OK);
    CU_ASSERT_NOT_EQUAL(ftl_correlate(s, NULL, &r, &err), FTL_OK);
    CU_ASSERT(err.msg[0] != '\0');
    CU_ASSERT_EQUAL(ftl_store_exec(s, "PRAGMA query_only = 0", NULL), FTL_OK);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM event_links"), before);
    ftl_store_close(s);
}

static void test_duration_parse(void)
{
    int64_t us = 0;

    CU_ASSERT_EQUAL(ftl_duration_parse("90s", &us), 0);
    CU_ASSERT_EQUAL(us, 90LL * 1000000);
    CU_ASSERT_EQUAL(ftl_duration_parse("60m", &us), 0);
    CU_ASSERT_EQUAL(us, 3600LL * 1000000);
    CU_ASSERT_EQUAL(ftl_duration_parse("12h", &us), 0);
    CU_ASSERT_EQUAL(ftl_duration_parse("1d", &us), 0);
    CU_ASSERT_EQUAL(us, 86400LL * 1000000);
    CU_ASSERT_EQUAL(ftl_duration_parse("60", &us), -1);
    CU_ASSERT_EQUAL(ftl_duration_parse("-5m", &us), -1);
    CU_ASSERT_EQUAL(ftl_duration_parse("5 m", &us), -1);
    CU_ASSERT_EQUAL(ftl_duration_parse("5mm", &us), -1);
    CU_ASSERT_EQUAL(ftl_duration_parse("99999999999d", &us), -1);
    CU_ASSERT_EQUAL(ftl_duration_parse("", &us), -1);
}

static const struct ftl_test tests[] = {
    { "token_link_is_exact", test_token_link_is_exact },
    { "entra_session_link", test_entra_session_link },
    { "coverage_decides_no_issuance", test_coverage_decides_no_issuance },
    { "coverage_gap_between_files", test_coverage_gap_between_files },
    { "native_exchange_session", test_native_exchange_session },
    { "native_aws_keys", test_native_aws_keys },
    { "native_gcp_and_windows", test_native_gcp_and_windows },
    { "heuristic_window", test_heuristic_window },
    { "heuristic_component", test_heuristic_component },
    { "heuristic_never_hides_a_forged_token", test_heuristic_never_hides_a_forged_token },
    { "deterministic_rebuild", test_deterministic_rebuild },
    { "failure_keeps_previous", test_failure_keeps_previous },
    { "duration_parse", test_duration_parse },
    { NULL, NULL },
};

FTL_TEST_MAIN("correlate", tests)
