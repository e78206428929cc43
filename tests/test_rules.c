/*
 * test_rules.c - every built-in rule fires on a positive case and stays quiet
 * on a negative one; rule files are parsed strictly; a broken user rule is
 * reported and skipped while the others run; rules without their evidence
 * say so (core/rules.c, core/detect.c, rules/, docs/rules.md).
 *
 * The events are what the importers store (docs/mapping.md): the fields a
 * rule reads, with attrs as the importer writes them.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "caseutil.h"
#include "correlate.h"
#include "detect.h"
#include "rules.h"
#include "testmain.h"

/* ---- event makers: one line per event in the tables below ---- */

#define SIGNIN(t, actor, ip, outcome, attrs, id) \
    { t, "entra_signin", "signin", "UserSignIn", outcome, actor, ip, NULL, NULL, attrs, id }
#define UAL(t, cat, action, actor, ip, attrs, id) \
    { t, "m365_ual", cat, action, "success", actor, ip, NULL, NULL, attrs, id }
#define MIA(t, mailbox, ip, attrs, id) \
    { t, "m365_ual", "mailbox", "MailItemsAccessed", "success", mailbox, ip, NULL, NULL, attrs, id }
#define CT(t, action, actor, ip, attrs, id) \
    { t, "aws_cloudtrail", "cloud", action, "success", actor, ip, "AKIAEXAMPLEKEY000001", NULL, attrs, id }
#define GCP(t, action, actor, attrs, id) \
    { t, "gcp_audit", "cloud", action, "success", actor, "203.0.113.66", NULL, NULL, attrs, id }
#define END { 0 }

struct rcase {
    const char *rule;
    const struct tev *pos, *neg;
    const char *want_severity;   /* of the positive finding, or NULL for the rule's own */
};

/* ---- the cases ---- */

/* sign-in logs of TENANT covering 18 June, both kinds */
#define COVER_18_JUNE                                                                        \
    { "2023-06-18T00:00:00Z", "entra_signin", "signin", "UserSignIn", "success",             \
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "tok-a",      \
      "{\"resource_tenant_id\":\"" TENANT "\"}", "cov-1" },                                 \
    { "2023-06-18T00:00:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn", "success", \
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "tok-b",      \
      "{\"resource_tenant_id\":\"" TENANT "\"}", "cov-2" },                                 \
    { "2023-06-18T23:59:00Z", "entra_signin", "signin", "UserSignIn", "success",             \
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "tok-c",      \
      "{\"resource_tenant_id\":\"" TENANT "\"}", "cov-3" },                                 \
    { "2023-06-18T23:59:00Z", "entra_signin", "signin", "NonInteractiveUserSignIn", "success", \
      "bob@example.org", "192.0.2.10", "11111111-1111-4111-8111-111111111111", "tok-d",      \
      "{\"resource_tenant_id\":\"" TENANT "\"}", "cov-4" }

static const struct tev issuance_pos[] = {
    COVER_18_JUNE,
    { "2023-06-18T21:14:09Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
      "permanent.secretary@example.org", "203.0.113.91", "exo-1", "2AeWONqMmUxDVyUuc3xD_A",
      "{\"organization_id\":\"" TENANT "\",\"mail_access_type\":\"Bind\"}", "p-1" },
    END,
};
static const struct tev issuance_neg[] = {
    COVER_18_JUNE,
    /* the token bob's sign-in issued */
    { "2023-06-18T09:14:09Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",
      "bob@example.org", "192.0.2.10", "exo-1", "tok-a",
      "{\"organization_id\":\"" TENANT "\",\"mail_access_type\":\"Bind\"}", "n-1" },
    END,
};

/* MailItemsAccessed with an app id: the table has no slot for it, so the
 * maker puts it where session_key goes and load() moves it. */
#define MIA_APP(t, app, kind, ip, id)                                                         \
    { t, "m365_ual", "mailbox", "MailItemsAccessed", "success", "alice@example.org", ip, app,  \
      NULL, "{\"mail_access_type\":\"" kind "\",\"items\":3,\"folder_paths\":[\"\\\\Inbox\"]}", id }
#define OUTLOOK "5d661950-3475-41cd-a2c3-d671a3162bc1"
#define STRANGER "da43d749-7038-4765-824d-aa702f09c78d"

static const struct tev app_pos[] = {
    MIA_APP("2023-06-01T09:00:00Z", OUTLOOK, "Bind", "192.0.2.10", "a-1"),
    MIA_APP("2023-06-05T09:00:00Z", OUTLOOK, "Bind", "192.0.2.10", "a-2"),
    MIA_APP("2023-06-09T09:00:00Z", OUTLOOK, "Bind", "192.0.2.10", "a-3"),
    MIA_APP("2023-06-10T21:00:00Z", STRANGER, "Bind", "203.0.113.91", "p-1"),
    END,
};
static const struct tev app_neg[] = {
    MIA_APP("2023-06-01T09:00:00Z", OUTLOOK, "Bind", "192.0.2.10", "a-1"),
    /* a second app inside the first seven days of the mailbox's history */
    MIA_APP("2023-06-03T09:00:00Z", STRANGER, "Bind", "192.0.2.10", "a-2"),
    MIA_APP("2023-06-10T21:00:00Z", STRANGER, "Bind", "192.0.2.10", "a-3"),
    MIA_APP("2023-06-10T22:00:00Z", OUTLOOK, "Bind", "192.0.2.10", "a-4"),
    END,
};

static const struct tev sync_pos[] = {
    MIA_APP("2023-06-01T09:00:00Z", OUTLOOK, "Sync", "192.0.2.10", "a-1"),
    MIA_APP("2023-06-09T09:00:00Z", OUTLOOK, "Bind", "192.0.2.10", "a-2"),
    /* IMAP from a new address, two days after its first appearance */
    MIA_APP("2023-06-10T02:27:41Z", "", "Bind", "203.0.113.66", "a-3"),
    MIA_APP("2023-06-12T02:27:41Z", "", "Sync", "203.0.113.66", "p-1"),
    END,
};
static const struct tev sync_neg[] = {
    MIA_APP("2023-06-01T09:00:00Z", OUTLOOK, "Sync", "192.0.2.10", "a-1"),
    MIA_APP("2023-06-09T09:00:00Z", OUTLOOK, "Sync", "192.0.2.10", "a-2"),
    /* a new client, but only reading (Bind) */
    MIA_APP("2023-06-10T02:27:41Z", "", "Bind", "203.0.113.66", "a-3"),
    /* a Sync by a client first seen weeks ago */
    MIA_APP("2023-06-30T02:27:41Z", "", "Sync", "203.0.113.66", "a-4"),
    END,
};

static const struct tev throttled_pos[] = {
    MIA("2023-06-18T10:00:00Z", "alice@example.org", "192.0.2.10",
        "{\"mail_access_type\":\"Bind\",\"throttled\":true}", "p-1"),
    END,
};
static const struct tev throttled_neg[] = {
    MIA("2023-06-18T10:00:00Z", "alice@example.org", "192.0.2.10",
        "{\"mail_access_type\":\"Bind\",\"throttled\":false}", "n-1"),
    END,
};

#define MIA_ITEMS(day, n, id)                                                                 \
    { "2023-06-" day "T10:00:00Z", "m365_ual", "mailbox", "MailItemsAccessed", "success",      \
      "alice@example.org", "192.0.2.10", NULL, NULL, "{\"mail_access_type\":\"Bind\",\"items\":" n "}", id }
static const struct tev volume_pos[] = {
    MIA_ITEMS("01", "10", "v-1"), MIA_ITEMS("02", "12", "v-2"), MIA_ITEMS("03", "9", "v-3"),
    MIA_ITEMS("04", "11", "v-4"), MIA_ITEMS("05", "10", "v-5"), MIA_ITEMS("06", "8", "v-6"),
    MIA_ITEMS("07", "640", "p-1"),
    END,
};
static const struct tev volume_neg[] = {
    MIA_ITEMS("01", "10", "v-1"), MIA_ITEMS("02", "12", "v-2"), MIA_ITEMS("03", "9", "v-3"),
    MIA_ITEMS("04", "11", "v-4"), MIA_ITEMS("05", "10", "v-5"), MIA_ITEMS("06", "8", "v-6"),
    /* five times the usual, but under the 100-item floor */
    MIA_ITEMS("07", "90", "n-1"),
    END,
};

#define CMDLET(action, params, id)                                                            \
    { "2023-06-20T07:54:31Z", "m365_ual", "mail_admin", action, "success",                    \
      "d.okafor@example.org", "203.0.113.66", NULL, NULL, "{\"parameters\":" params "}", id }
#define XCMDLET(action, params, id)                                                           \
    { "2023-06-20T07:54:31Z", "exchange_admin_audit", "mail_admin", action, "success",        \
      "d.okafor@example.org", NULL, NULL, NULL, "{\"parameters\":" params "}", id }

static const struct tev fwd_rule_pos[] = {
    CMDLET("New-InboxRule", "{\"Mailbox\":\"d.okafor@example.org\",\"Name\":\".\","
                            "\"ForwardTo\":\"archive-sync@example.com\"}", "p-1"),
    XCMDLET("New-InboxRule", "{\"Mailbox\":\"d.okafor@example.org\",\"Name\":\".\","
                             "\"ForwardTo\":\"archive-sync@example.com\"}", "p-2"),
    END,
};
static const struct tev fwd_rule_neg[] = {
    CMDLET("New-InboxRule", "{\"Mailbox\":\"d.okafor@example.org\",\"Name\":\"News\","
                            "\"From\":\"news@example.com\",\"MoveToFolder\":\"Newsletters\"}", "n-1"),
    END,
};

static const struct tev sus_rule_pos[] = {
    CMDLET("New-InboxRule", "{\"Mailbox\":\"d.okafor@example.org\",\"Name\":\".\","
                            "\"SubjectOrBodyContainsWords\":\"Invoice;payment\","
                            "\"MoveToFolder\":\"RSS Feeds\",\"MarkAsRead\":\"True\"}", "p-1"),
    END,
};
static const struct tev sus_rule_neg[] = {
    CMDLET("New-InboxRule", "{\"Mailbox\":\"d.okafor@example.org\",\"Name\":\"News\","
                            "\"From\":\"news@example.com\",\"MoveToFolder\":\"Newsletters\"}", "n-1"),
    END,
};

static const struct tev mbx_fwd_pos[] = {
    CMDLET("Set-Mailbox", "{\"Identity\":\"d.okafor@example.org\","
                          "\"ForwardingSmtpAddress\":\"smtp:archive-sync@example.com\","
                          "\"DeliverToMailboxAndForward\":\"True\"}", "p-1"),
    END,
};
static const struct tev mbx_fwd_neg[] = {
    /* forwarding removed, and an unrelated setting */
    CMDLET("Set-Mailbox", "{\"Identity\":\"d.okafor@example.org\",\"ForwardingSmtpAddress\":\"$null\"}", "n-1"),
    CMDLET("Set-Mailbox", "{\"Identity\":\"d.okafor@example.org\",\"RetainDeletedItemsFor\":\"30\"}", "n-2"),
    END,
};

static const struct tev perm_pos[] = {
    XCMDLET("Add-MailboxPermission", "{\"Identity\":\"g.obrien@example.org\","
                                     "\"User\":\"m.rossi@example.org\",\"AccessRights\":\"FullAccess\"}", "p-1"),
    END,
};
static const struct tev perm_neg[] = {
    XCMDLET("Remove-MailboxPermission", "{\"Identity\":\"g.obrien@example.org\","
                                        "\"User\":\"m.rossi@example.org\",\"AccessRights\":\"FullAccess\"}", "n-1"),
    END,
};

static const struct tev sendas_pos[] = {
    CMDLET("Add-RecipientPermission", "{\"Identity\":\"cfo@example.org\",\"Trustee\":\"d.okafor@example.org\","
                                      "\"AccessRights\":\"SendAs\"}", "p-1"),
    END,
};
static const struct tev sendas_neg[] = {
    CMDLET("Set-Mailbox", "{\"Identity\":\"cfo@example.org\",\"GrantSendOnBehalfTo\":\"$null\"}", "n-1"),
    CMDLET("Add-ADPermission", "{\"Identity\":\"cfo@example.org\",\"User\":\"x@example.org\","
                               "\"ExtendedRights\":\"Receive-As\"}", "n-2"),
    END,
};

static const struct tev audit_pos[] = {
    CMDLET("Set-MailboxAuditBypassAssociation", "{\"Identity\":\"svc-mailarchive@example.org\","
                                                "\"AuditBypassEnabled\":\"True\"}", "p-1"),
    END,
};
static const struct tev audit_neg[] = {
    CMDLET("Set-MailboxAuditBypassAssociation", "{\"Identity\":\"svc-mailarchive@example.org\","
                                                "\"AuditBypassEnabled\":\"False\"}", "n-1"),
    CMDLET("Set-Mailbox", "{\"Identity\":\"d.okafor@example.org\",\"AuditEnabled\":\"True\"}", "n-2"),
    END,
};

#define DIRECTORY(action, id)                                                      \
    { "2023-06-21T03:05:40Z", "m365_ual", "directory", action, "success",                    \
      "svc-mailarchive@example.org", NULL, NULL, NULL, NULL, id }
static const struct tev consent_pos[] = { DIRECTORY("Consent to application.", "p-1"), END };
static const struct tev consent_neg[] = { DIRECTORY("Add service principal.", "n-1"), END };
static const struct tev spcred_pos[] = { DIRECTORY("Add service principal credentials.", "p-1"), END };
static const struct tev spcred_neg[] = { DIRECTORY("Remove service principal credentials.", "n-1"), END };
static const struct tev mfa_pos[] = { DIRECTORY("User registered security info", "p-1"), END };
static const struct tev mfa_neg[] = { DIRECTORY("User started security info registration", "n-1"),
                                      DIRECTORY("Update user.", "n-2"), END };

#define LEGACY(t, outcome, client, proto, id) \
    SIGNIN(t, "d.okafor@example.org", "203.0.113.66", outcome, \
           "{\"client_app_used\":\"" client "\",\"authentication_protocol\":\"" proto "\"}", id)
static const struct tev legacy_pos[] = {
    LEGACY("2023-06-20T02:14:34Z", "success", "IMAP4", "ROPC", "p-1"),
    END,
};
static const struct tev legacy_neg[] = {
    LEGACY("2023-06-20T02:14:34Z", "success", "Browser", "none", "n-1"),
    /* a failed legacy attempt is the spray's business, not this rule's */
    LEGACY("2023-06-20T02:15:34Z", "failure", "IMAP4", "ROPC", "n-2"),
    END,
};

#define FAIL_FROM(t, who, ip, id) SIGNIN(t, who, ip, "failure", "{\"error_code\":\"50126\"}", id)
static const struct tev spray_pos[] = {
    FAIL_FROM("2023-06-20T02:10:09Z", "u01@example.org", "203.0.113.66", "s-01"),
    FAIL_FROM("2023-06-20T02:12:09Z", "u02@example.org", "203.0.113.66", "s-02"),
    FAIL_FROM("2023-06-20T02:14:09Z", "u03@example.org", "203.0.113.66", "s-03"),
    FAIL_FROM("2023-06-20T02:16:09Z", "u04@example.org", "203.0.113.66", "s-04"),
    FAIL_FROM("2023-06-20T02:18:09Z", "u05@example.org", "203.0.113.66", "s-05"),
    FAIL_FROM("2023-06-20T02:20:09Z", "u06@example.org", "203.0.113.66", "s-06"),
    FAIL_FROM("2023-06-20T02:22:09Z", "u07@example.org", "203.0.113.66", "s-07"),
    FAIL_FROM("2023-06-20T02:24:09Z", "u08@example.org", "203.0.113.66", "s-08"),
    FAIL_FROM("2023-06-20T02:26:09Z", "u09@example.org", "203.0.113.66", "s-09"),
    FAIL_FROM("2023-06-20T02:28:09Z", "u10@example.org", "203.0.113.66", "s-10"),
    SIGNIN("2023-06-20T02:30:09Z", "u11@example.org", "203.0.113.66", "success", NULL, "p-1"),
    END,
};
static const struct tev spray_neg[] = {
    /* ten accounts, but one an hour: no burst */
    FAIL_FROM("2023-06-20T01:00:00Z", "u01@example.org", "203.0.113.66", "s-01"),
    FAIL_FROM("2023-06-20T02:00:01Z", "u02@example.org", "203.0.113.66", "s-02"),
    FAIL_FROM("2023-06-20T03:00:02Z", "u03@example.org", "203.0.113.66", "s-03"),
    FAIL_FROM("2023-06-20T04:00:03Z", "u04@example.org", "203.0.113.66", "s-04"),
    FAIL_FROM("2023-06-20T05:00:04Z", "u05@example.org", "203.0.113.66", "s-05"),
    FAIL_FROM("2023-06-20T06:00:05Z", "u06@example.org", "203.0.113.66", "s-06"),
    FAIL_FROM("2023-06-20T07:00:06Z", "u07@example.org", "203.0.113.66", "s-07"),
    FAIL_FROM("2023-06-20T08:00:07Z", "u08@example.org", "203.0.113.66", "s-08"),
    FAIL_FROM("2023-06-20T09:00:08Z", "u09@example.org", "203.0.113.66", "s-09"),
    FAIL_FROM("2023-06-20T10:00:09Z", "u10@example.org", "203.0.113.66", "s-10"),
    /* nine accounts in minutes */
    FAIL_FROM("2023-06-21T02:10:09Z", "u01@example.org", "198.51.100.9", "t-01"),
    FAIL_FROM("2023-06-21T02:11:09Z", "u02@example.org", "198.51.100.9", "t-02"),
    FAIL_FROM("2023-06-21T02:12:09Z", "u03@example.org", "198.51.100.9", "t-03"),
    FAIL_FROM("2023-06-21T02:13:09Z", "u04@example.org", "198.51.100.9", "t-04"),
    FAIL_FROM("2023-06-21T02:14:09Z", "u05@example.org", "198.51.100.9", "t-05"),
    FAIL_FROM("2023-06-21T02:15:09Z", "u06@example.org", "198.51.100.9", "t-06"),
    FAIL_FROM("2023-06-21T02:16:09Z", "u07@example.org", "198.51.100.9", "t-07"),
    FAIL_FROM("2023-06-21T02:17:09Z", "u08@example.org", "198.51.100.9", "t-08"),
    FAIL_FROM("2023-06-21T02:18:09Z", "u09@example.org", "198.51.100.9", "t-09"),
    END,
};

#define FAIL_ON(t, ip, id) FAIL_FROM(t, "cfo@example.org", ip, id)
static const struct tev brute_pos[] = {
    FAIL_ON("2023-06-20T02:10:00Z", "203.0.113.1", "b-01"), FAIL_ON("2023-06-20T02:11:00Z", "203.0.113.2", "b-02"),
    FAIL_ON("2023-06-20T02:12:00Z", "203.0.113.3", "b-03"), FAIL_ON("2023-06-20T02:13:00Z", "203.0.113.4", "b-04"),
    FAIL_ON("2023-06-20T02:14:00Z", "203.0.113.5", "b-05"), FAIL_ON("2023-06-20T02:15:00Z", "203.0.113.6", "b-06"),
    FAIL_ON("2023-06-20T02:16:00Z", "203.0.113.7", "b-07"), FAIL_ON("2023-06-20T02:17:00Z", "203.0.113.8", "b-08"),
    FAIL_ON("2023-06-20T02:18:00Z", "203.0.113.9", "b-09"), FAIL_ON("2023-06-20T02:19:00Z", "203.0.113.10", "p-1"),
    END,
};
static const struct tev brute_neg[] = {
    FAIL_ON("2023-06-20T02:10:00Z", "203.0.113.1", "b-01"), FAIL_ON("2023-06-20T02:11:00Z", "203.0.113.2", "b-02"),
    FAIL_ON("2023-06-20T02:12:00Z", "203.0.113.3", "b-03"), FAIL_ON("2023-06-20T02:13:00Z", "203.0.113.4", "b-04"),
    FAIL_ON("2023-06-20T02:14:00Z", "203.0.113.5", "b-05"), FAIL_ON("2023-06-20T02:15:00Z", "203.0.113.6", "b-06"),
    FAIL_ON("2023-06-20T02:16:00Z", "203.0.113.7", "b-07"), FAIL_ON("2023-06-20T02:17:00Z", "203.0.113.8", "b-08"),
    FAIL_ON("2023-06-20T02:18:00Z", "203.0.113.9", "b-09"),
    END,
};

#define AT(t, city, lat, lon, ip, id) \
    SIGNIN(t, "alice@example.org", ip, "success", \
           "{\"city\":\"" city "\",\"latitude\":" lat ",\"longitude\":" lon "}", id)
static const struct tev travel_pos[] = {
    AT("2023-06-18T10:00:00Z", "London", "51.5072", "-0.1276", "198.51.100.4", "t-1"),
    AT("2023-06-18T11:00:00Z", "Sydney", "-33.8688", "151.2093", "203.0.113.50", "p-1"),
    END,
};
static const struct tev travel_neg[] = {
    AT("2023-06-18T10:00:00Z", "London", "51.5072", "-0.1276", "198.51.100.4", "t-1"),
    /* near: Paris, 340 km */
    AT("2023-06-18T11:00:00Z", "Paris", "48.8566", "2.3522", "198.51.100.7", "t-2"),
    /* far, but a flight's time later: New York, 5,800 km in 10 h */
    AT("2023-06-18T21:00:00Z", "New York", "40.7128", "-74.0060", "198.51.100.8", "t-3"),
    END,
};

#define FROM_AS(t, asn, ip, id) SIGNIN(t, "alice@example.org", ip, "success", "{\"asn\":\"" asn "\"}", id)
static const struct tev newloc_pos[] = {
    FROM_AS("2023-06-01T09:00:00Z", "64496", "198.51.100.4", "l-1"),
    FROM_AS("2023-06-09T09:00:00Z", "64496", "198.51.100.4", "l-2"),
    FROM_AS("2023-06-10T09:00:00Z", "64510", "203.0.113.50", "p-1"),
    END,
};
static const struct tev newloc_neg[] = {
    FROM_AS("2023-06-01T09:00:00Z", "64496", "198.51.100.4", "l-1"),
    FROM_AS("2023-06-01T19:00:00Z", "64510", "203.0.113.50", "l-2"),
    FROM_AS("2023-06-10T09:00:00Z", "64510", "203.0.113.51", "l-3"),
    END,
};

#define ARN "arn:aws:iam::111122223333:user/deploy-bot"
static const struct tev ct_stop_pos[] = {
    CT("2023-06-22T13:10:02Z", "cloudtrail.amazonaws.com:StopLogging", ARN, "203.0.113.66", NULL, "p-1"),
    END,
};
static const struct tev ct_stop_neg[] = {
    CT("2023-06-22T13:10:02Z", "cloudtrail.amazonaws.com:StartLogging", ARN, "203.0.113.66", NULL, "n-1"),
    CT("2023-06-22T13:11:02Z", "cloudtrail.amazonaws.com:DescribeTrails", ARN, "203.0.113.66", NULL, "n-2"),
    END,
};
static const struct tev key_pos[] = {
    CT("2023-06-22T13:05:02Z", "iam.amazonaws.com:CreateAccessKey", ARN, "203.0.113.66",
       "{\"issued_access_key\":\"AKIAJHNWP4HN2K45Q6YO\"}", "p-1"),
    END,
};
static const struct tev key_neg[] = {
    CT("2023-06-22T13:05:02Z", "iam.amazonaws.com:ListAccessKeys", ARN, "203.0.113.66", NULL, "n-1"),
    END,
};
static const struct tev console_pos[] = {
    { "2023-06-22T08:00:00Z", "aws_cloudtrail", "signin", "signin.amazonaws.com:ConsoleLogin", "success",
      ARN, "203.0.113.66", NULL, NULL, "{\"identity_type\":\"IAMUser\",\"mfa_authenticated\":\"No\"}", "p-1" },
    END,
};
static const struct tev console_neg[] = {
    { "2023-06-22T08:00:00Z", "aws_cloudtrail", "signin", "signin.amazonaws.com:ConsoleLogin", "success",
      ARN, "192.0.2.31", NULL, NULL, "{\"identity_type\":\"IAMUser\",\"mfa_authenticated\":\"Yes\"}", "n-1" },
    { "2023-06-22T08:05:00Z", "aws_cloudtrail", "signin", "signin.amazonaws.com:ConsoleLogin", "success",
      "arn:aws:sts::111122223333:assumed-role/sso-admin/alice", "192.0.2.31", NULL, NULL,
      "{\"identity_type\":\"AssumedRole\"}", "n-2" },
    END,
};
static const struct tev root_pos[] = {
    CT("2023-06-22T08:00:00Z", "iam.amazonaws.com:CreateUser", "arn:aws:iam::111122223333:root",
       "203.0.113.66", "{\"identity_type\":\"Root\",\"account\":\"111122223333\"}", "p-1"),
    END,
};
static const struct tev root_neg[] = {
    CT("2023-06-22T08:00:00Z", "iam.amazonaws.com:CreateUser", ARN, "203.0.113.66",
       "{\"identity_type\":\"IAMUser\"}", "n-1"),
    END,
};

/* security group rules live in the raw record: the loader puts the attrs
 * text there too */
static const struct tev sg_pos[] = {
    CT("2023-06-22T08:00:00Z", "ec2.amazonaws.com:AuthorizeSecurityGroupIngress", ARN, "203.0.113.66",
       "{\"requestParameters\":{\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,"
       "\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}]}}}", "p-1"),
    END,
};
static const struct tev sg_neg[] = {
    CT("2023-06-22T08:00:00Z", "ec2.amazonaws.com:AuthorizeSecurityGroupIngress", ARN, "192.0.2.31",
       "{\"requestParameters\":{\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,"
       "\"ipRanges\":{\"items\":[{\"cidrIp\":\"10.0.0.0/8\"}]}}]}}}", "n-1"),
    END,
};
static const struct tev policy_pos[] = {
    CT("2023-06-22T08:00:00Z", "iam.amazonaws.com:AttachUserPolicy", ARN, "203.0.113.66",
       "{\"requestParameters\":{\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}}", "p-1"),
    END,
};
static const struct tev policy_neg[] = {
    CT("2023-06-22T08:00:00Z", "iam.amazonaws.com:ListAttachedUserPolicies", ARN, "203.0.113.66", NULL, "n-1"),
    END,
};

#define SA "finance-export@example-ministry-prod.iam.gserviceaccount.com"
static const struct tev owner_pos[] = {
    GCP("2023-06-22T14:03:10Z", "SetIamPolicy", SA,
        "{\"binding_deltas\":\"ADD roles/owner user:archive-sync@example.com\"}", "p-1"),
    END,
};
static const struct tev owner_neg[] = {
    GCP("2023-06-22T14:03:10Z", "SetIamPolicy", SA,
        "{\"binding_deltas\":\"ADD roles/viewer user:auditor@example.org\"}", "n-1"),
    END,
};
static const struct tev gpolicy_pos[] = {
    GCP("2023-06-22T14:03:10Z", "SetIamPolicy", SA,
        "{\"binding_deltas\":\"ADD roles/iam.serviceAccountTokenCreator user:x@example.com\"}", "p-1"),
    END,
};
static const struct tev gpolicy_neg[] = {
    GCP("2023-06-22T14:02:31Z", "GetIamPolicy", SA, NULL, "n-1"),
    END,
};
static const struct tev sakey_pos[] = {
    GCP("2023-06-22T14:05:00Z", "google.iam.admin.v1.CreateServiceAccountKey", SA, NULL, "p-1"),
    END,
};
static const struct tev sakey_neg[] = {
    GCP("2023-06-22T14:05:00Z", "google.iam.admin.v1.DeleteServiceAccountKey", SA, NULL, "n-1"),
    END,
};
static const struct tev role_pos[] = {
    { "2023-06-22T15:00:00Z", "azure_activity", "cloud", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE",
      "success", "alice@example.org", "203.0.113.66", NULL, NULL, NULL, "p-1" },
    END,
};
static const struct tev role_neg[] = {
    { "2023-06-22T15:00:00Z", "azure_activity", "cloud", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/READ",
      "success", "alice@example.org", "203.0.113.66", NULL, NULL, NULL, "n-1" },
    END,
};

#define F4625(t, who, id)                                                                    \
    { t, "windows_event_xml", "signin", "Microsoft-Windows-Security-Auditing:4625", "failure", \
      who, "192.0.2.99", NULL, NULL, NULL, id }
static const struct tev burst_pos[] = {
    F4625("2023-06-21T09:00:00Z", "corp\\admin", "w-01"), F4625("2023-06-21T09:00:30Z", "corp\\admin", "w-02"),
    F4625("2023-06-21T09:01:00Z", "corp\\sql", "w-03"), F4625("2023-06-21T09:01:30Z", "corp\\sql", "w-04"),
    F4625("2023-06-21T09:02:00Z", "corp\\backup", "w-05"), F4625("2023-06-21T09:02:30Z", "corp\\backup", "w-06"),
    F4625("2023-06-21T09:03:00Z", "corp\\admin", "w-07"), F4625("2023-06-21T09:03:30Z", "corp\\web", "w-08"),
    F4625("2023-06-21T09:04:00Z", "corp\\web", "w-09"), F4625("2023-06-21T09:04:30Z", "corp\\admin", "p-1"),
    END,
};
static const struct tev burst_neg[] = {
    F4625("2023-06-21T09:00:00Z", "corp\\admin", "w-01"), F4625("2023-06-21T09:12:00Z", "corp\\admin", "w-02"),
    F4625("2023-06-21T09:24:00Z", "corp\\admin", "w-03"), F4625("2023-06-21T09:36:00Z", "corp\\admin", "w-04"),
    F4625("2023-06-21T09:48:00Z", "corp\\admin", "w-05"), F4625("2023-06-21T10:00:00Z", "corp\\admin", "w-06"),
    F4625("2023-06-21T10:12:00Z", "corp\\admin", "w-07"), F4625("2023-06-21T10:24:00Z", "corp\\admin", "w-08"),
    F4625("2023-06-21T10:36:00Z", "corp\\admin", "w-09"), F4625("2023-06-21T10:48:00Z", "corp\\admin", "w-10"),
    END,
};

#define X4648(t, server, id)                                                                  \
    { t, "windows_event_xml", "signin", "Microsoft-Windows-Security-Auditing:4648", "success",  \
      "corp\\svc-backup", NULL, "WS01.corp.example.org/0x1234", NULL,                          \
      "{\"data\":{\"SubjectUserName\":\"helpdesk\",\"SubjectDomainName\":\"CORP\","            \
      "\"TargetServerName\":\"" server "\"}}", id }
static const struct tev explicit_pos[] = {
    X4648("2023-06-21T09:00:00Z", "SRV1.corp.example.org", "x-1"),
    X4648("2023-06-21T09:05:00Z", "SRV2.corp.example.org", "x-2"),
    X4648("2023-06-21T09:10:00Z", "SRV3.corp.example.org", "p-1"),
    END,
};
static const struct tev explicit_neg[] = {
    X4648("2023-06-21T09:00:00Z", "SRV1.corp.example.org", "x-1"),
    X4648("2023-06-21T09:05:00Z", "SRV1.corp.example.org", "x-2"),
    X4648("2023-06-21T09:10:00Z", "SRV1.corp.example.org", "x-3"),
    END,
};

static const struct rcase cases[] = {
    { "mailbox.no_issuance_record", issuance_pos, issuance_neg, NULL },
    { "mailbox.app_first_seen", app_pos, app_neg, NULL },
    { "mailbox.sync_new_client", sync_pos, sync_neg, NULL },
    { "mailbox.throttled", throttled_pos, throttled_neg, NULL },
    { "mailbox.volume_spike", volume_pos, volume_neg, NULL },
    { "mail_admin.inbox_rule_forward", fwd_rule_pos, fwd_rule_neg, NULL },
    { "mail_admin.inbox_rule_suspicious", sus_rule_pos, sus_rule_neg, NULL },
    { "mail_admin.mailbox_forwarding", mbx_fwd_pos, mbx_fwd_neg, NULL },
    { "mail_admin.permission_grant", perm_pos, perm_neg, NULL },
    { "mail_admin.send_as_grant", sendas_pos, sendas_neg, NULL },
    { "mail_admin.audit_config_changed", audit_pos, audit_neg, NULL },
    { "identity.oauth_consent", consent_pos, consent_neg, NULL },
    { "identity.sp_credential_added", spcred_pos, spcred_neg, NULL },
    { "identity.mfa_change", mfa_pos, mfa_neg, NULL },
    { "identity.legacy_protocol_signin", legacy_pos, legacy_neg, NULL },
    { "identity.password_spray", spray_pos, spray_neg, "critical" },
    { "identity.brute_force", brute_pos, brute_neg, NULL },
    { "identity.impossible_travel", travel_pos, travel_neg, NULL },
    { "identity.new_signin_location", newloc_pos, newloc_neg, NULL },
    { "cloud.cloudtrail_stopped", ct_stop_pos, ct_stop_neg, NULL },
    { "cloud.aws_access_key_created", key_pos, key_neg, NULL },
    { "cloud.aws_console_no_mfa", console_pos, console_neg, NULL },
    { "cloud.aws_root_use", root_pos, root_neg, NULL },
    { "cloud.aws_sg_open_world", sg_pos, sg_neg, NULL },
    { "cloud.aws_iam_policy_attached", policy_pos, policy_neg, "high" },
    { "cloud.gcp_iam_owner_grant", owner_pos, owner_neg, NULL },
    { "cloud.gcp_iam_policy_change", gpolicy_pos, gpolicy_neg, NULL },
    { "cloud.gcp_sa_key_created", sakey_pos, sakey_neg, NULL },
    { "cloud.azure_role_assignment", role_pos, role_neg, NULL },
    { "host.logon_failure_burst", burst_pos, burst_neg, NULL },
    { "host.explicit_credentials", explicit_pos, explicit_neg, NULL },
    { NULL, NULL, NULL, NULL },
};

/* ---- running them ---- */

static void bad_rule(void *ctx, const char *origin, const char *why)
{
    struct ftl_buf *b = ctx;

    if (b)
        ftl_buf_addf(b, "%s: %s\n", origin, why);
    else
        fprintf(stderr, "\nbuilt-in rule %s: %s\n", origin, why);
}

/* The MailItemsAccessed makers carry the app id in session_key's slot, a
 * mailbox event's target is its mailbox (the actor here), and every maker's
 * attrs also serve as the raw record (rules that read raw). */
static void load(struct ftl_store *s, const struct tev *t)
{
    struct tev copy[64];
    const char *sources[8];
    size_t n, k, nsrc = 0, i;

    /* one evidence file per source, as an import would make */
    for (i = 0; t[i].time; i++) {
        for (k = 0; k < nsrc && strcmp(sources[k], t[i].source) != 0; k++)
            ;
        if (k == nsrc && nsrc < 8)
            sources[nsrc++] = t[i].source;
    }
    for (k = 0; k < nsrc; k++) {
        char name[64];

        for (n = 0, i = 0; t[i].time; i++)
            if (strcmp(t[i].source, sources[k]) == 0) {
                CU_ASSERT_FATAL(n < 63);
                copy[n++] = t[i];
            }
        memset(&copy[n], 0, sizeof copy[n]);
        snprintf(name, sizeof name, "%s.json", sources[k]);
        add_file(s, name, copy);
    }
    /* app ids and raw records the importers would have stored */
    CU_ASSERT_EQUAL(ftl_store_exec(s,
                                   "UPDATE events SET app_id = nullif(session_key, ''), session_key = NULL"
                                   " WHERE action = 'MailItemsAccessed' AND token_id IS NULL;"
                                   "UPDATE events SET target = actor WHERE category = 'mailbox';"
                                   "UPDATE events SET raw = coalesce(attrs, raw);", NULL), FTL_OK);
}

/* Findings of rule in a fresh case holding t; *severity gets the first's. */
static int64_t findings_of(const char *rule, const struct tev *t, char *severity, size_t n)
{
    struct ftl_store *s = new_case("rules");
    struct ftl_ruleset rs = { 0 };
    struct ftl_detect_report r;
    struct ftl_correlate_report cr;
    sqlite3_stmt *st = NULL;
    int64_t count;
    size_t i;

    load(s, t);
    CU_ASSERT_EQUAL_FATAL(ftl_correlate(s, NULL, &cr, NULL), FTL_OK);
    ftl_rules_builtin(&rs, bad_rule, NULL);
    CU_ASSERT_EQUAL_FATAL(ftl_detect(s, &rs, NULL, &r, NULL), FTL_OK);
    for (i = 0; i < r.n; i++)
        if (strcmp(r.results[i].rule->id, rule) == 0 && r.results[i].status != FTL_RULE_RAN) {
            fprintf(stderr, "\n%s did not run: %s\n", rule, r.results[i].message);
            CU_FAIL("rule did not run");
        }
    CU_ASSERT_EQUAL(r.failed, 0);
    count = -1;
    sqlite3_prepare_v2(ftl_store_db(s), "SELECT count(*), min(severity) FROM findings WHERE rule_id = ?",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, rule, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        count = sqlite3_column_int64(st, 0);
        snprintf(severity, n, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
    }
    sqlite3_finalize(st);
    /* every positive case's own event (native id "p-1") supports a finding */
    ftl_detect_report_free(&r);
    ftl_ruleset_free(&rs);
    ftl_store_close(s);
    return count;
}

static void test_each_rule_positive_and_negative(void)
{
    const struct rcase *c;
    struct ftl_ruleset rs = { 0 };
    size_t covered = 0, i;

    for (c = cases; c->rule; c++) {
        char sev[16] = "";
        int64_t pos = findings_of(c->rule, c->pos, sev, sizeof sev);
        int64_t neg;
        char nsev[16] = "";

        if (pos < 1)
            fprintf(stderr, "\n%s: no finding on its positive case\n", c->rule);
        CU_ASSERT(pos >= 1);
        if (c->want_severity) {
            if (strcmp(sev, c->want_severity) != 0)
                fprintf(stderr, "\n%s: severity %s, want %s\n", c->rule, sev, c->want_severity);
            CU_ASSERT_STRING_EQUAL(sev, c->want_severity);
        }
        neg = findings_of(c->rule, c->neg, nsev, sizeof nsev);
        if (neg != 0)
            fprintf(stderr, "\n%s: %lld findings on its negative case\n", c->rule, (long long)neg);
        CU_ASSERT_EQUAL(neg, 0);
    }
    /* every built-in rule has its pair of cases */
    ftl_rules_builtin(&rs, bad_rule, NULL);
    for (i = 0; i < rs.n; i++) {
        int found = 0;

        for (c = cases; c->rule; c++)
            found |= strcmp(c->rule, rs.r[i].id) == 0;
        if (!found)
            fprintf(stderr, "\nrule %s has no test case\n", rs.r[i].id);
        covered += found;
    }
    CU_ASSERT_EQUAL(covered, rs.n);
    CU_ASSERT(rs.n >= 31);
    CU_ASSERT_EQUAL(ftl_rules_check(&rs, bad_rule, NULL), 0);
    ftl_ruleset_free(&rs);
}

/* The positive case's key event is among the finding's events. */
static void test_findings_carry_their_events(void)
{
    struct ftl_store *s = new_case("rules");
    struct ftl_ruleset rs = { 0 };
    struct ftl_detect_report r;

    load(s, spray_pos);
    ftl_rules_builtin(&rs, bad_rule, NULL);
    CU_ASSERT_EQUAL_FATAL(ftl_detect(s, &rs, NULL, &r, NULL), FTL_OK);
    /* ten failures and the success that followed, in one finding */
    CU_ASSERT_EQUAL(sql_int(s, "SELECT events FROM findings WHERE rule_id = 'identity.password_spray'"), 11);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM finding_events fe JOIN findings f ON f.id = fe.finding_id"
                               " JOIN events e ON e.id = fe.event_id"
                               " WHERE f.rule_id = 'identity.password_spray' AND e.native_id = 'p-1'"), 1);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM findings WHERE rule_id = 'identity.password_spray'"
                               " AND actor = 'u11@example.org' AND reason LIKE '10 failed sign-ins to 10 accounts%'"), 1);
    ftl_detect_report_free(&r);
    ftl_ruleset_free(&rs);
    ftl_store_close(s);
}

/* Without the evidence a rule needs, it says so instead of finding nothing. */
static void test_missing_evidence_is_said(void)
{
    struct ftl_store *s = new_case("rules");
    struct ftl_ruleset rs = { 0 };
    struct ftl_detect_report r;
    size_t i, skipped_spray = 0, ran_ct = 0;

    load(s, ct_stop_pos);
    ftl_rules_builtin(&rs, bad_rule, NULL);
    CU_ASSERT_EQUAL_FATAL(ftl_detect(s, &rs, NULL, &r, NULL), FTL_OK);
    for (i = 0; i < r.n; i++) {
        if (strcmp(r.results[i].rule->id, "identity.password_spray") == 0) {
            skipped_spray = r.results[i].status == FTL_RULE_SKIPPED;
            CU_ASSERT_PTR_NOT_NULL(strstr(r.results[i].message, "entra_signin|m365_ual"));
        }
        if (strcmp(r.results[i].rule->id, "mailbox.no_issuance_record") == 0)
            CU_ASSERT_PTR_NOT_NULL(strstr(r.results[i].message, "no m365_ual evidence"));
        if (strcmp(r.results[i].rule->id, "cloud.cloudtrail_stopped") == 0)
            ran_ct = r.results[i].status == FTL_RULE_RAN && r.results[i].findings == 1;
    }
    CU_ASSERT(skipped_spray);
    CU_ASSERT(ran_ct);
    CU_ASSERT(r.skipped > 20);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM rule_runs WHERE status = 'skipped'"), (int64_t)r.skipped);
    ftl_detect_report_free(&r);
    ftl_ruleset_free(&rs);
    ftl_store_close(s);
}

static void write_rule(const char *dir, const char *name, const char *text)
{
    char path[700];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    test_write_file(path, text, strlen(text));
}

#define HEAD(id) "-- id: " id "\n-- title: test rule\n-- severity: low\n"

/* A broken user rule is named and skipped; the good ones, and the built-in
 * rules, still run; a user rule with a built-in's id replaces it. */
static void test_user_rules(void)
{
    const char *dir = test_tmpdir("userrules");
    struct ftl_store *s = new_case("rules");
    struct ftl_ruleset rs = { 0 };
    struct ftl_detect_report r;
    struct ftl_buf bad = { 0 };
    struct ftl_error err = { 0 };
    char sub[600];
    size_t i;
    int failed_runtime = 0;

    snprintf(sub, sizeof sub, "%s/more", dir);
    mkdir(sub, 0755);
    write_rule(dir, "good.sql", HEAD("local.stop_any")
               "-- needs: aws_cloudtrail\n"
               "-- param: word = Stop | the word\n"
               "SELECT ts, actor, 'saw ' || action AS reason, id AS event_id FROM events\n"
               "WHERE action LIKE '%' || :word || '%';\n");
    write_rule(sub, "override.sql", "-- id: cloud.cloudtrail_stopped\n-- title: replaced\n"
               "-- severity: info\n-- needs: aws_cloudtrail\n"
               "SELECT ts, 'replaced' AS reason, json_array(id) AS event_ids FROM events\n");
    write_rule(dir, "no_id.sql", "-- title: x\n-- severity: low\nSELECT 1\n");
    write_rule(dir, "bad_severity.sql", "-- id: local.sev\n-- title: x\n-- severity: urgent\nSELECT 1\n");
    write_rule(dir, "typo_key.sql", HEAD("local.typo") "-- neds: aws_cloudtrail\nSELECT 1\n");
    write_rule(dir, "bad_sql.sql", HEAD("local.badsql") "SELEC ts FROM events\n");
    write_rule(dir, "writes.sql", HEAD("local.writes") "DELETE FROM events RETURNING ts, 'x' AS reason, id AS event_id\n");
    /* an attempt to step out of the wrapping SELECT */
    write_rule(dir, "two.sql", HEAD("local.two") "SELECT ts, 'x' AS reason, id AS event_id FROM events)"
               " ORDER BY ts; DROP TABLE events; SELECT (1\n");
    write_rule(dir, "columns.sql", HEAD("local.columns") "SELECT ts, actor FROM events\n");
    write_rule(dir, "noparam.sql", HEAD("local.noparam") "SELECT ts, 'x' AS reason, id AS event_id FROM events WHERE actor = :who\n");
    write_rule(dir, "runtime.sql", HEAD("local.runtime")
               "SELECT ts, json_extract('not json', '$.x') AS reason, id AS event_id FROM events\n");
    write_rule(dir, "notes.txt", "not a rule, not read\n");
    write_rule(dir, "latin1.sql", HEAD("local.latin1") "-- description: caf\xe9\nSELECT 1\n");

    load(s, ct_stop_pos);
    ftl_rules_builtin(&rs, bad_rule, NULL);
    CU_ASSERT_EQUAL_FATAL(ftl_rules_load_dir(&rs, dir, bad_rule, &bad, &err), FTL_OK);
    /* parse errors name the file */
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "no_id.sql: no '-- id:' line"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "bad_severity.sql: rule local.sev: severity 'urgent'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "typo_key.sql: unknown or repeated header key 'neds'"));
    CU_ASSERT_PTR_NULL(strstr(ftl_buf_str(&bad), "notes.txt"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "latin1.sql: not UTF-8 text (byte "));
    /* SQL errors are found before running, by ftl_rules_check */
    ftl_buf_reset(&bad);
    CU_ASSERT_EQUAL(ftl_rules_check(&rs, bad_rule, &bad), 5);
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "bad_sql.sql: SQL error"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "writes.sql: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "two.sql: more than one SQL statement"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "columns.sql: the SELECT must return"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ftl_buf_str(&bad), "noparam.sql: parameter :who has no value"));

    CU_ASSERT_EQUAL_FATAL(ftl_detect(s, &rs, "word=StopLogging", &r, NULL), FTL_OK);
    for (i = 0; i < r.n; i++)
        if (strcmp(r.results[i].rule->id, "local.runtime") == 0)
            failed_runtime = r.results[i].status == FTL_RULE_FAILED;
    CU_ASSERT(failed_runtime);
    CU_ASSERT_EQUAL(r.failed, 6);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM findings WHERE rule_id = 'local.stop_any'"), 1);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM findings WHERE rule_id = 'cloud.cloudtrail_stopped'"
                               " AND reason = 'replaced' AND severity = 'info'"), 1);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM findings WHERE rule_id = 'local.runtime'"), 0);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM events"), 1);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM rule_runs WHERE status = 'failed'"), 6);
    /* the same case and rules give the same findings */
    {
        int64_t before = sql_int(s, "SELECT count(*) FROM findings");

        ftl_detect_report_free(&r);
        CU_ASSERT_EQUAL_FATAL(ftl_detect(s, &rs, "word=StopLogging", &r, NULL), FTL_OK);
        CU_ASSERT_EQUAL(sql_int(s, "SELECT count(*) FROM findings"), before);
    }
    /* a missing folder is an error */
    CU_ASSERT_EQUAL(ftl_rules_load_dir(&rs, "/nonexistent/rules", bad_rule, &bad, &err), FTL_EIO);
    ftl_detect_report_free(&r);
    ftl_ruleset_free(&rs);
    ftl_buf_free(&bad);
    ftl_store_close(s);
}

/* Event ids are whole runs of digits (a 19-digit run is no event, not
 * event 3), and a rules folder with symlinks to itself is read once. */
static void test_event_ids_and_symlinks(void)
{
    const char *dir = test_tmpdir("linkrules");
    struct ftl_store *s = new_case("rules");
    struct ftl_ruleset rs = { 0 };
    struct ftl_detect_report r;
    struct ftl_buf bad = { 0 };
    char link[700];

    write_rule(dir, "ids.sql", HEAD("local.ids")
               "SELECT min(ts) AS ts, 'x' AS reason, '1000000000000000003, ' || min(id) AS event_ids"
               " FROM events\n");
    snprintf(link, sizeof link, "%s/loop", dir);
    CU_ASSERT_EQUAL(symlink(".", link), 0);
    snprintf(link, sizeof link, "%s/loop2", dir);
    CU_ASSERT_EQUAL(symlink(".", link), 0);
    load(s, spray_neg);   /* 19 events: an event 3 exists */
    CU_ASSERT_EQUAL_FATAL(ftl_rules_load_dir(&rs, dir, bad_rule, &bad, NULL), FTL_OK);
    CU_ASSERT_EQUAL(rs.n, 1);
    CU_ASSERT_EQUAL_FATAL(ftl_detect(s, &rs, NULL, &r, NULL), FTL_OK);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT events FROM findings WHERE rule_id = 'local.ids'"), 1);
    CU_ASSERT_EQUAL(sql_int(s, "SELECT min(event_id) FROM finding_events"), 1);
    ftl_detect_report_free(&r);
    ftl_ruleset_free(&rs);
    ftl_buf_free(&bad);
    ftl_store_close(s);
}

static void test_rule_header(void)
{
    static const char text[] =
        "-- id: x.y_z\n"
        "-- title: A title\n"
        "-- severity: critical\n"
        "-- description: first line\n"
        "--   continued\n"
        "--\n"
        "-- needs: a|b\n"
        "-- needs: correlation\n"
        "-- param: n = 10 | how many\n"
        "SELECT 1 ;  \n\n";
    struct ftl_rule r;
    char why[256];

    CU_ASSERT_EQUAL_FATAL(ftl_rule_parse(text, sizeof text - 1, "t.sql", &r, why, sizeof why), 0);
    CU_ASSERT_STRING_EQUAL(r.id, "x.y_z");
    CU_ASSERT_EQUAL(r.severity, FTL_SEV_CRITICAL);
    CU_ASSERT_STRING_EQUAL(r.description, "first line continued");
    CU_ASSERT_EQUAL(r.nneeds, 2);
    CU_ASSERT_STRING_EQUAL(r.needs[0], "a|b");
    CU_ASSERT_EQUAL(r.nparams, 1);
    CU_ASSERT_STRING_EQUAL(r.params[0].name, "n");
    CU_ASSERT_STRING_EQUAL(r.params[0].value, "10");
    CU_ASSERT_STRING_EQUAL(r.params[0].help, "how many");
    CU_ASSERT_STRING_EQUAL(r.sql, "SELECT 1");
    ftl_rule_free(&r);
    CU_ASSERT_EQUAL(ftl_rule_parse("-- id: Bad Id\n-- title: t\n-- severity: low\nSELECT 1", 47, "t.sql",
                                   &r, why, sizeof why), -1);
    CU_ASSERT_EQUAL(ftl_rule_parse("-- id: a\n-- title: t\n-- severity: low\n", 37, "t.sql", &r, why,
                                   sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "no SQL"));
    CU_ASSERT_EQUAL(ftl_rule_parse("-- id: a\n-- id: b\n-- title: t\n-- severity: low\nSELECT 1", 50,
                                   "t.sql", &r, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "repeated"));
    CU_ASSERT_EQUAL(ftl_severity_parse("high"), FTL_SEV_HIGH);
    CU_ASSERT_EQUAL(ftl_severity_parse("High"), -1);
}

static const struct ftl_test tests[] = {
    { "each_rule_positive_and_negative", test_each_rule_positive_and_negative },
    { "findings_carry_their_events", test_findings_carry_their_events },
    { "missing_evidence_is_said", test_missing_evidence_is_said },
    { "user_rules", test_user_rules },
    { "event_ids_and_symlinks", test_event_ids_and_symlinks },
    { "rule_header", test_rule_header },
    { NULL, NULL },
};

FTL_TEST_MAIN("rules", tests)
