/*
 * ual_gen.c - synthetic Microsoft 365 Unified Audit Log records for the
 * import benchmark (tests/bench/README.md).
 *
 *   ual_gen [-o FILE] N SEED
 *
 * Writes N Management Activity API records as JSON Lines (one AuditData
 * object per line, the shape of fixtures/ual/mgmt_api.jsonl) to FILE or to
 * standard output. The same N and SEED give the same bytes on every machine:
 * all choices come from one splitmix64 stream (never rand()), times from a
 * fixed start, and nothing reads the clock or the locale.
 *
 * The mix follows what a mail-intrusion export holds (DESIGN.md):
 *   55%  MailItemsAccessed (RecordType 50): Bind with 1-12 FolderItems over
 *        1-3 folders, some Sync (folders without items), a few throttled
 *   15%  UserLoggedIn / UserLoginFailed (15) with ExtendedProperties and
 *        DeviceProperties
 *   10%  SharePoint FileAccessed (6)
 *   10%  Exchange item operations: Send, Create, Update (2); MoveToDeletedItems,
 *        SoftDelete, HardDelete, Move (3)
 *    5%  Exchange admin cmdlets with Parameters (1): New-InboxRule, Set-Mailbox...
 *    5%  Azure AD directory operations (8) with ModifiedProperties
 * Ids are random version-4 GUIDs; CreationTime has whole seconds and no 'Z'
 * (as the API writes it); ClientIP comes as IPv4, IPv4:port, IPv6,
 * [IPv6]:port and IPv4-mapped IPv6. Users are in example.org, addresses in
 * the documentation ranges (RFC 5737, RFC 3849). Subjects carry quotes,
 * commas, backslashes and non-ASCII text, so a loader that mangles them shows.
 * Records average about 1.7 KB (DESIGN.md: 500,000 records are ~860 MB).
 *
 * Records are formatted by hand into one large buffer: printf per field
 * would make the generator, not the importer, the slow part of a run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define OUT_CAP ((size_t)4 << 20)
#define OUT_FLUSH ((size_t)3 << 20)   /* a record is far below 1 MiB */
#define N_USERS 480
#define T_START_S 1685577600          /* 2023-06-01T00:00:00 UTC */

/* ---------------------------------------------------------------- output */

static void flush_out(struct out *o)
{
    if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->fp) != o->len)
        o->failed = 1;
    o->len = 0;
}

/* URL-safe base64 letters, as Exchange folder ids and token ids use */
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_b64(struct out *o, uint64_t *s, int n)
{
    put_letters(o, s, n, b64, 64);
}

/* ---------------------------------------------------------------- world */

static const char *const first_names[] = {
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
    "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent",
    "victor", "walter", "yasmin", "zoe", "amir", "beatriz", "chen", "dmitri",
    "elif", "fatima", "goran", "hana", "ines", "jonas", "kofi", "lena", "mateo",
    "noor", "oskar", "priya", "quentin", "rosa", "sven",
};
static const char *const last_names[] = {
    "smith", "jones", "garcia", "muller", "rossi", "novak", "tanaka", "silva",
    "kowalski", "nielsen", "dubois", "okafor", "haddad", "petrov", "larsen",
    "moreau", "fischer", "romero", "yilmaz", "andersen",
};

struct user {
    char upn[48];        /* first.last@example.org */
    char mixed[48];      /* the same with capitals, as some records write it */
    uint64_t key[2];     /* Entra object id (UserKey of sign-ins) */
    uint64_t mbx[2];     /* MailboxGuid */
    uint64_t puid;       /* Exchange UserKey, 16 hex digits */
    unsigned sid;        /* last SID component */
    uint64_t folder_seed;
};

/* the tenant */
#define ORG_ID "1eb8d9ef-10c6-4d31-b9bb-e09854b6b0b4"
#define ORG_ID_FIELD "\"OrganizationId\":\"" ORG_ID "\""
#define SID_PREFIX "S-1-5-21-3719442857-1468712035-2284657917-"

static void make_users(struct user *u, uint64_t seed)
{
    uint64_t s = seed ^ 0x5eed0f05e75ULL;
    size_t nf = sizeof first_names / sizeof first_names[0];
    size_t i, k;

    for (i = 0; i < N_USERS; i++) {
        const char *f = first_names[i % nf];
        const char *l = last_names[(i / nf + i) % (sizeof last_names / sizeof last_names[0])];
        unsigned gen = (unsigned)(i / (nf * 4));   /* keeps names unique */

        if (gen)
            snprintf(u[i].upn, sizeof u[i].upn, "%s.%s%u@example.org", f, l, gen + 1);
        else
            snprintf(u[i].upn, sizeof u[i].upn, "%s.%s@example.org", f, l);
        memcpy(u[i].mixed, u[i].upn, sizeof u[i].mixed);
        u[i].mixed[0] = (char)(u[i].mixed[0] - 'a' + 'A');
        for (k = 0; u[i].mixed[k] && u[i].mixed[k] != '@'; k++)
            if (u[i].mixed[k] == '.' && u[i].mixed[k + 1] >= 'a' && u[i].mixed[k + 1] <= 'z')
                u[i].mixed[k + 1] = (char)(u[i].mixed[k + 1] - 'a' + 'A');
        if (u[i].mixed[k] == '@')
            u[i].mixed[k + 1] = 'E';   /* @Example.org */
        u[i].key[0] = mix(&s);
        u[i].key[1] = mix(&s);
        u[i].mbx[0] = mix(&s);
        u[i].mbx[1] = mix(&s);
        u[i].puid = 0x1003200000000000ULL | (mix(&s) & 0xfffffffffffULL);
        u[i].sid = 4200000 + (unsigned)i * 37 + below(&s, 37);
        u[i].folder_seed = mix(&s);
    }
}

struct app {
    const char *id, *name;
};

/* first-party apps and one third-party app that reads mail */
static const struct app mail_apps[] = {
    { "9199bf20-a13f-4107-85dc-02114787ef48", "One Outlook Web" },
    { "27922004-5251-4030-b22d-91ecd9a37ea4", "Outlook Mobile" },
    { "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office" },
    { "5d661950-3475-41cd-a2c3-d671a3162bc1", "Microsoft Outlook" },
    { "00000003-0000-0000-c000-000000000000", "Microsoft Graph" },
    { "90fed190-1624-4993-a5ec-8a7e5d787abf", "Mail Archive Sync" },
};

static const char *const client_infos[] = {
    "Client=OWA;Action=ViaProxy;Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/114.0;",
    "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 Edg/114.0.1823.43;",
    "Client=MSExchangeRPC",
    "Client=REST;Client=RESTSystem;;",
    "Client=OutlookService;Outlook-Android/2.0;",
    "Client=Microsoft.Exchange.Mapi.Http;Microsoft Outlook 16.0.16529.20154;",
    "Client=WebServices;Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.5 Safari/605.1.15;",
};

static const char *const user_agents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/114.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 Edg/114.0.1823.43",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.5 Safari/605.1.15",
    "Outlook-Android/2.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "python-requests/2.31.0",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.16529; Pro)",
};

static const char *const device_os[] = { "Windows10", "Linux", "MacOs", "Android", "Ios", "" };
static const char *const browsers[] = { "Edge", "Firefox", "Chrome", "Safari", "" };
static const char *const request_types[] = {
    "Login:login", "OAuth2:Authorize", "OAuth2:Token", "Cmsi:Cmsi", "SAS:ProcessAuth",
    "Kmsi:kmsi",
};
static const struct {
    const char *number, *name;
} logon_errors[] = {
    { "50126", "InvalidUserNameOrPassword" },
    { "50074", "UserStrongAuthClientAuthNRequiredInterrupt" },
    { "50053", "IdsLocked" },
    { "50140", "KmsiInterrupt" },
    { "53003", "BlockedByConditionalAccess" },
    { "50076", "UserStrongAuthClientAuthNRequired" },
};

static const char *const folder_paths[] = {
    "\\\\Inbox", "\\\\Inbox", "\\\\Inbox", "\\\\Sent Items", "\\\\Archive",
    "\\\\Drafts", "\\\\Deleted Items", "\\\\Inbox\\\\Finance", "\\\\Inbox\\\\Projects",
    "\\\\Notes", "\\\\Conversation History",
};

/* Subjects with the characters loaders get wrong: quotes, commas,
 * backslashes, non-ASCII (UTF-8) and a JSON \u escape. */
static const char *const subjects[] = {
    "Q2 payments, final",
    "RE: Invoice 4471 \\\"urgent\\\"",
    "Board minutes - draft v3",
    "FW: wire transfer details",
    "R\xc3\xa9union budget 2023",
    "\xe4\xbb\x98\xe6\xac\xbe\xe9\x80\x9a\xe7\x9f\xa5 (payment notice)",
    "Lunch on Friday?",
    "Password expiry notice",
    "Contract \\\\ annex B",
    "Travel plan \\u2013 Lisbon",
    "Salary review; confidential",
    "Re: \\\"Project Falcon\\\", next steps",
};

static const char *const msgid_hosts[] = {
    "DB8P190MB0642", "AS8P189MB1410", "MW4PR11MB5871", "VI1PR07MB3311",
    "BL1PR12MB5111", "PH0PR11MB4965", "AM6PR02MB4821", "CAF3x7Qm1pr0",
};
static const char *const mail_domains[] = {
    "example.org", "example.org", "mail.example.org", "example.com", "example.net",
};
static const char *const servers[] = {
    "DB9PR05MB7730 (15.20.6500.020)", "AM6PR02MB4821 (15.20.6477.031)",
    "VI1PR07MB3311 (15.20.6521.024)", "PAXPR02MB7263 (15.20.6500.029)",
};

static const char *const sites[] = { "Finance", "Legal", "HR", "Engineering", "Sales", "Board" };
static const char *const file_names[] = {
    "Q2 payments.xlsx", "Budget 2023.xlsx", "Contract draft v2.docx", "Org chart.pdf",
    "Roadmap.pptx", "Passwords (old).txt", "Vendor list.csv", "Minutes 2023-06-12.docx",
};

/* ---------------------------------------------------------------- state */

struct gen {
    uint64_t s;
    struct out o;
    struct user *users;
    int64_t t_s;              /* current record time, seconds since epoch */
    struct day day;           /* the day of the last time written */
};

static void put_time(struct gen *g, int64_t t_s)
{
    put_iso(&g->o, &g->day, t_s);
}

static void put_ipv4(struct gen *g)
{
    static const char *const nets[] = { "192.0.2.", "198.51.100.", "203.0.113." };

    puts_(&g->o, PICK(&g->s, nets));
    put_u64(&g->o, 1 + below(&g->s, 254));
}

static void put_ipv6(struct gen *g)
{
    LIT(&g->o, "2001:db8:");
    put_hex(&g->o, below(&g->s, 0x10000), 4, hexdig);
    LIT(&g->o, "::");
    put_hex(&g->o, 1 + below(&g->s, 0xfff), 3, hexdig);
}

/* A ClientIP value in one of the shapes the UAL uses; with_port 0 keeps
 * to the address alone (ClientIPAddress, ActorIpAddress). */
static void put_client_ip(struct gen *g, int with_port)
{
    uint32_t r = below(&g->s, 100);

    if (!with_port)
        r = r < 80 ? 0 : 40;
    if (r < 55) {
        put_ipv4(g);
    } else if (r < 75) {
        put_ipv4(g);
        putc_(&g->o, ':');
        put_u64(&g->o, 49152 + below(&g->s, 16000));
    } else if (r < 90) {
        put_ipv6(g);
    } else if (r < 97) {
        putc_(&g->o, '[');
        put_ipv6(g);
        LIT(&g->o, "]:");
        put_u64(&g->o, r & 1 ? 443 : 49152 + below(&g->s, 16000));
    } else {
        LIT(&g->o, "::ffff:");
        put_ipv4(g);
    }
}

static void put_user_guid(struct out *o, const uint64_t k[2])
{
    put_guid_from(o, k[0], k[1]);
}

/* "CreationTime":...,"Id":...,"Operation":"op","OrganizationId":...,"RecordType":rt */
static void put_head(struct gen *g, const char *op, unsigned rt)
{
    LIT(&g->o, "\"CreationTime\":\"");
    put_time(g, g->t_s);
    LIT(&g->o, "\",\"Id\":\"");
    put_guid(&g->o, &g->s);
    LIT(&g->o, "\",\"Operation\":\"");
    puts_(&g->o, op);
    LIT(&g->o, "\"," ORG_ID_FIELD ",\"RecordType\":");
    put_u64(&g->o, rt);
}

static void put_folder_id(struct gen *g, const struct user *u, unsigned folder)
{
    uint64_t fs = u->folder_seed ^ ((uint64_t)folder * 0x9e3779b97f4a7c15ULL);

    LIT(&g->o, "LgAAAAD");
    put_b64(&g->o, &fs, 40);
    LIT(&g->o, "AQ");
}

static void put_msgid(struct gen *g)
{
    putc_(&g->o, '<');
    puts_(&g->o, PICK(&g->s, msgid_hosts));
    putc_(&g->o, '.');
    put_hex(&g->o, mix(&g->s), 12, hexup);
    putc_(&g->o, '@');
    puts_(&g->o, PICK(&g->s, mail_domains));
    putc_(&g->o, '>');
}

/* The mailbox fields every Exchange mailbox record carries. */
static void put_mailbox_tail(struct gen *g, const struct user *actor, const struct user *owner,
                             int logon_type)
{
    struct out *o = &g->o;

    LIT(o, ",\"ExternalAccess\":false,\"InternalLogonType\":0,\"LogonType\":");
    put_u64(o, (uint64_t)logon_type);
    LIT(o, ",\"LogonUserSid\":\"" SID_PREFIX);
    put_u64(o, actor->sid);
    LIT(o, "\",\"MailboxGuid\":\"");
    put_user_guid(o, owner->mbx);
    LIT(o, "\",\"MailboxOwnerSid\":\"" SID_PREFIX);
    put_u64(o, owner->sid);
    LIT(o, "\",\"MailboxOwnerUPN\":\"");
    puts_(o, owner->upn);
    LIT(o, "\"");
}

/* ---------------------------------------------------------------- records */

static void rec_mail_items_accessed(struct gen *g)
{
    struct out *o = &g->o;
    const struct user *u = &g->users[below(&g->s, N_USERS)];
    const struct user *owner = u;
    const struct app *app = &PICK(&g->s, mail_apps);
    int sync = pct(&g->s, 15), delegate = pct(&g->s, 4), ctx = pct(&g->s, 60);
    unsigned nfolders, f, k, items = 0, per;
    unsigned first_folder = below(&g->s, sizeof folder_paths / sizeof folder_paths[0]);

    if (delegate)
        owner = &g->users[below(&g->s, N_USERS)];
    putc_(o, '{');
    if (ctx) {
        LIT(o, "\"AppAccessContext\":{\"AADSessionId\":\"");
        put_guid(o, &g->s);
        LIT(o, "\",\"APIId\":\"00000002-0000-0ff1-ce00-000000000000\",\"ClientAppId\":\"");
        puts_(o, app->id);
        LIT(o, "\",\"ClientAppName\":\"");
        puts_(o, app->name);
        LIT(o, "\",\"CorrelationId\":\"");
        put_guid(o, &g->s);
        LIT(o, "\",\"IssuedAtTime\":\"");
        put_time(g, g->t_s - 60 - below(&g->s, 3000));
        LIT(o, "\",\"UniqueTokenId\":\"");
        put_b64(o, &g->s, 20);
        LIT(o, "AA\"},");
    }
    put_head(g, "MailItemsAccessed", 50);
    LIT(o, ",\"ResultStatus\":\"Succeeded\",\"UserKey\":\"");
    put_hex(o, u->puid, 16, hexup);
    LIT(o, "\",\"UserType\":0,\"Version\":1,\"Workload\":\"Exchange\",\"ClientIP\":\"");
    put_client_ip(g, 1);
    LIT(o, "\",\"UserId\":\"");
    puts_(o, pct(&g->s, 5) ? u->mixed : u->upn);
    LIT(o, "\",\"AppId\":\"");
    puts_(o, app->id);
    LIT(o, "\",\"ClientAppId\":\"");
    puts_(o, app->id);
    LIT(o, "\",\"ClientIPAddress\":\"");
    put_client_ip(g, 0);
    LIT(o, "\",\"ClientInfoString\":\"");
    puts_(o, PICK(&g->s, client_infos));
    putc_(o, '"');
    put_mailbox_tail(g, u, owner, delegate ? 1 : 0);
    LIT(o, ",\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"");
    puts_(o, sync ? "Sync" : "Bind");
    LIT(o, "\"},{\"Name\":\"IsThrottled\",\"Value\":\"");
    puts_(o, pct(&g->s, 1) ? "True" : "False");
    LIT(o, "\"}],\"OrganizationName\":\"example.org\",\"OriginatingServer\":\"");
    puts_(o, PICK(&g->s, servers));
    LIT(o, "\\r\\n\",\"SessionId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"TokenObjectId\":\"");
    put_user_guid(o, u->key);
    LIT(o, "\",\"TokenTenantId\":\"" ORG_ID "\",\"Folders\":[");
    if (sync) {
        nfolders = 1 + below(&g->s, 2);
        for (f = 0; f < nfolders; f++) {
            unsigned fi = (first_folder + f) % (sizeof folder_paths / sizeof folder_paths[0]);

            if (f)
                putc_(o, ',');
            LIT(o, "{\"Id\":\"");
            put_folder_id(g, owner, fi);
            LIT(o, "\",\"Path\":\"");
            puts_(o, folder_paths[fi]);
            LIT(o, "\"}");
        }
        items = nfolders;
    } else {
        /* 1-12 items, small binds more common than large ones */
        unsigned a = below(&g->s, 12), b = below(&g->s, 12);
        unsigned total = 1 + (a < b ? a : b);

        nfolders = total < 3 ? 1 : 1 + below(&g->s, 3);
        for (f = 0; f < nfolders; f++) {
            unsigned fi = (first_folder + f) % (sizeof folder_paths / sizeof folder_paths[0]);

            per = f + 1 == nfolders ? total - items : 1 + below(&g->s, total - items - (nfolders - f - 1));
            if (f)
                putc_(o, ',');
            LIT(o, "{\"Id\":\"");
            put_folder_id(g, owner, fi);
            LIT(o, "\",\"Path\":\"");
            puts_(o, folder_paths[fi]);
            LIT(o, "\",\"FolderItems\":[");
            for (k = 0; k < per; k++) {
                if (k)
                    putc_(o, ',');
                LIT(o, "{\"InternetMessageId\":\"");
                put_msgid(g);
                LIT(o, "\",\"SizeInBytes\":");
                put_u64(o, 2000 + below(&g->s, 400000));
                putc_(o, '}');
            }
            LIT(o, "]}");
            items += per;
        }
    }
    LIT(o, "],\"OperationCount\":");
    put_u64(o, items);
    putc_(o, '}');
}

/* Actor / Target arrays of Azure AD records: {"ID":..,"Type":n} */
static void put_actor_list(struct gen *g, const struct user *u)
{
    struct out *o = &g->o;

    LIT(o, "[{\"ID\":\"");
    puts_(o, u->upn);
    LIT(o, "\",\"Type\":5},{\"ID\":\"");
    put_hex(o, u->puid, 16, hexup);
    LIT(o, "\",\"Type\":3},{\"ID\":\"User_");
    put_user_guid(o, u->key);
    LIT(o, "\",\"Type\":2},{\"ID\":\"");
    put_user_guid(o, u->key);
    LIT(o, "\",\"Type\":2},{\"ID\":\"User\",\"Type\":2}]");
}

static void rec_signin(struct gen *g)
{
    struct out *o = &g->o;
    const struct user *u = &g->users[below(&g->s, N_USERS)];
    const struct app *app = &PICK(&g->s, mail_apps);
    int failed = pct(&g->s, 25);
    unsigned le = below(&g->s, sizeof logon_errors / sizeof logon_errors[0]);
    size_t ip_start, ip_len;
    char ip[64];

    putc_(o, '{');
    put_head(g, failed ? "UserLoginFailed" : "UserLoggedIn", 15);
    LIT(o, ",\"ResultStatus\":\"Success\",\"UserKey\":\"");
    put_user_guid(o, u->key);
    LIT(o, "\",\"UserType\":0,\"Version\":1,\"Workload\":\"AzureActiveDirectory\",\"ClientIP\":\"");
    ip_start = o->len;
    put_client_ip(g, 0);
    ip_len = o->len - ip_start;
    memcpy(ip, o->buf + ip_start, ip_len < sizeof ip ? ip_len : sizeof ip - 1);
    ip[ip_len < sizeof ip ? ip_len : sizeof ip - 1] = '\0';
    LIT(o, "\",\"ObjectId\":\"00000002-0000-0ff1-ce00-000000000000\",\"UserId\":\"");
    puts_(o, pct(&g->s, 5) ? u->mixed : u->upn);
    LIT(o, "\",\"AzureActiveDirectoryEventType\":1,\"ExtendedProperties\":["
           "{\"Name\":\"ResultStatusDetail\",\"Value\":\"");
    puts_(o, failed ? "Success" : (pct(&g->s, 30) ? "Redirect" : "Success"));
    LIT(o, "\"},{\"Name\":\"UserAgent\",\"Value\":\"");
    puts_(o, PICK(&g->s, user_agents));
    LIT(o, "\"},{\"Name\":\"RequestType\",\"Value\":\"");
    puts_(o, PICK(&g->s, request_types));
    LIT(o, "\"}],\"ModifiedProperties\":[],\"Actor\":[{\"ID\":\"");
    put_user_guid(o, u->key);
    LIT(o, "\",\"Type\":0},{\"ID\":\"");
    puts_(o, u->upn);
    LIT(o, "\",\"Type\":5}],\"ActorContextId\":\"" ORG_ID "\",\"ActorIpAddress\":\"");
    puts_(o, ip);
    LIT(o, "\",\"InterSystemsId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"IntraSystemId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"SupportTicketId\":\"\",\"Target\":[{\"ID\":\"00000002-0000-0ff1-ce00-000000000000\","
           "\"Type\":0}],\"TargetContextId\":\"" ORG_ID "\",\"ApplicationId\":\"");
    puts_(o, app->id);
    LIT(o, "\",\"DeviceProperties\":[{\"Name\":\"OS\",\"Value\":\"");
    puts_(o, PICK(&g->s, device_os));
    LIT(o, "\"},{\"Name\":\"BrowserType\",\"Value\":\"");
    puts_(o, PICK(&g->s, browsers));
    LIT(o, "\"},{\"Name\":\"IsCompliantAndManaged\",\"Value\":\"");
    puts_(o, pct(&g->s, 40) ? "True" : "False");
    LIT(o, "\"},{\"Name\":\"SessionId\",\"Value\":\"");
    put_guid(o, &g->s);
    LIT(o, "\"}],\"ErrorNumber\":\"");
    if (failed) {
        puts_(o, logon_errors[le].number);
        LIT(o, "\",\"LogonError\":\"");
        puts_(o, logon_errors[le].name);
    } else {
        putc_(o, '0');
    }
    LIT(o, "\"}");
}

static void rec_file_accessed(struct gen *g)
{
    struct out *o = &g->o;
    const struct user *u = &g->users[below(&g->s, N_USERS)];
    const char *site = PICK(&g->s, sites);
    const char *file = PICK(&g->s, file_names);
    const char *ext = strrchr(file, '.') + 1;

    putc_(o, '{');
    put_head(g, "FileAccessed", 6);
    LIT(o, ",\"UserKey\":\"i:0h.f|membership|");
    put_hex(o, u->puid, 16, hexdig);
    LIT(o, "@live.com\",\"UserType\":0,\"Version\":1,\"Workload\":\"SharePoint\",\"ClientIP\":\"");
    put_client_ip(g, 1);
    LIT(o, "\",\"ObjectId\":\"https://sharepoint.example.org/sites/");
    puts_(o, site);
    LIT(o, "/Shared Documents/");
    puts_(o, file);
    LIT(o, "\",\"UserId\":\"");
    puts_(o, u->upn);
    LIT(o, "\",\"CorrelationId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"AppAccessContext\":{\"ClientAppId\":\"");
    puts_(o, mail_apps[0].id);
    LIT(o, "\",\"ClientAppName\":\"Office 365 SharePoint Online\",\"CorrelationId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"UniqueTokenId\":\"");
    put_b64(o, &g->s, 20);
    LIT(o, "AA\"},\"EventSource\":\"SharePoint\",\"ItemType\":\"File\",\"ListId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"ListItemUniqueId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"Site\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"UserAgent\":\"");
    puts_(o, PICK(&g->s, user_agents));
    LIT(o, "\",\"WebId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"DeviceDisplayName\":\"");
    put_client_ip(g, 0);
    LIT(o, "\",\"FileSizeBytes\":");
    put_u64(o, 1000 + below(&g->s, 4000000));
    LIT(o, ",\"GeoLocation\":\"EUR\",\"IsManagedDevice\":");
    puts_(o, pct(&g->s, 50) ? "true" : "false");
    LIT(o, ",\"SourceFileExtension\":\"");
    puts_(o, ext);
    LIT(o, "\",\"SiteUrl\":\"https://sharepoint.example.org/sites/");
    puts_(o, site);
    LIT(o, "/\",\"SourceFileName\":\"");
    puts_(o, file);
    LIT(o, "\",\"SourceRelativeUrl\":\"Shared Documents\"}");
}

static void put_item_ref(struct gen *g, const struct user *owner, int with_size)
{
    struct out *o = &g->o;
    unsigned fi = below(&g->s, sizeof folder_paths / sizeof folder_paths[0]);

    LIT(o, "{\"Id\":\"RgAAAAD");
    put_b64(o, &g->s, 60);
    LIT(o, "AAAJ\",\"InternetMessageId\":\"");
    put_msgid(g);
    LIT(o, "\",\"ParentFolder\":{\"Id\":\"");
    put_folder_id(g, owner, fi);
    LIT(o, "\",\"Path\":\"");
    puts_(o, folder_paths[fi]);
    LIT(o, "\"}");
    if (with_size) {
        LIT(o, ",\"SizeInBytes\":");
        put_u64(o, 2000 + below(&g->s, 200000));
    }
    LIT(o, ",\"Subject\":\"");
    puts_(o, PICK(&g->s, subjects));
    LIT(o, "\"}");
}

static void rec_exchange_item(struct gen *g)
{
    static const char *const single_ops[] = { "Send", "Send", "Create", "Update" };
    static const char *const group_ops[] = {
        "MoveToDeletedItems", "SoftDelete", "HardDelete", "Move",
    };
    struct out *o = &g->o;
    const struct user *u = &g->users[below(&g->s, N_USERS)];
    const struct app *app = &PICK(&g->s, mail_apps);
    int group = pct(&g->s, 50);
    unsigned n, k;

    putc_(o, '{');
    put_head(g, group ? PICK(&g->s, group_ops) : PICK(&g->s, single_ops), group ? 3 : 2);
    LIT(o, ",\"ResultStatus\":\"Succeeded\",\"UserKey\":\"");
    put_hex(o, u->puid, 16, hexup);
    LIT(o, "\",\"UserType\":0,\"Version\":1,\"Workload\":\"Exchange\",\"ClientIP\":\"");
    put_client_ip(g, 1);
    LIT(o, "\",\"UserId\":\"");
    puts_(o, u->upn);
    LIT(o, "\",\"AppId\":\"");
    puts_(o, app->id);
    LIT(o, "\",\"ClientAppId\":\"");
    puts_(o, app->id);
    LIT(o, "\",\"ClientIPAddress\":\"");
    put_client_ip(g, 0);
    LIT(o, "\",\"ClientInfoString\":\"");
    puts_(o, PICK(&g->s, client_infos));
    LIT(o, "\",\"ClientProcessName\":\"\",\"ClientVersion\":\"15.20.6500.20\"");
    put_mailbox_tail(g, u, u, 0);
    LIT(o, ",\"OrganizationName\":\"example.org\",\"OriginatingServer\":\"");
    puts_(o, PICK(&g->s, servers));
    LIT(o, "\\r\\n\",\"SessionId\":\"");
    put_guid(o, &g->s);
    putc_(o, '"');
    if (group) {
        unsigned src = below(&g->s, sizeof folder_paths / sizeof folder_paths[0]);

        LIT(o, ",\"AffectedItems\":[");
        n = 1 + below(&g->s, 3);
        for (k = 0; k < n; k++) {
            if (k)
                putc_(o, ',');
            put_item_ref(g, u, 0);
        }
        LIT(o, "],\"CrossMailboxOperation\":false,\"DestFolder\":{\"Id\":\"");
        put_folder_id(g, u, 6);
        LIT(o, "\",\"Path\":\"\\\\Deleted Items\"},\"Folder\":{\"Id\":\"");
        put_folder_id(g, u, src);
        LIT(o, "\",\"Path\":\"");
        puts_(o, folder_paths[src]);
        LIT(o, "\"}");
    } else {
        LIT(o, ",\"Item\":");
        put_item_ref(g, u, 1);
    }
    putc_(o, '}');
}

/* one Parameters entry */
static void put_param(struct out *o, int first, const char *name, const char *value)
{
    if (!first)
        putc_(o, ',');
    LIT(o, "{\"Name\":\"");
    puts_(o, name);
    LIT(o, "\",\"Value\":\"");
    puts_(o, value);
    LIT(o, "\"}");
}

static void rec_exchange_admin(struct gen *g)
{
    static const char *const ops[] = {
        "New-InboxRule", "Set-InboxRule", "Set-Mailbox", "Add-MailboxPermission",
        "Set-MailboxFolderPermission", "Set-OwaMailboxPolicy",
    };
    struct out *o = &g->o;
    const struct user *u = &g->users[below(&g->s, N_USERS)];
    const struct user *target = pct(&g->s, 70) ? u : &g->users[below(&g->s, N_USERS)];
    const char *op = PICK(&g->s, ops);
    char alias[48];
    size_t i;

    for (i = 0; i + 1 < sizeof alias && target->upn[i] && target->upn[i] != '@'; i++)
        alias[i] = target->upn[i];
    alias[i] = '\0';
    putc_(o, '{');
    if (pct(&g->s, 50)) {
        LIT(o, "\"AppAccessContext\":{\"IssuedAtTime\":\"");
        put_time(g, g->t_s - 60 - below(&g->s, 3000));
        LIT(o, "\",\"UniqueTokenId\":\"");
        put_b64(o, &g->s, 20);
        LIT(o, "AA\"},");
    }
    put_head(g, op, 1);
    LIT(o, ",\"ResultStatus\":\"");
    puts_(o, pct(&g->s, 95) ? "True" : "False");
    LIT(o, "\",\"UserKey\":\"");
    put_hex(o, u->puid, 16, hexup);
    LIT(o, "\",\"UserType\":");
    puts_(o, u == target ? "0" : "2");
    LIT(o, ",\"Version\":1,\"Workload\":\"Exchange\",\"ClientIP\":\"");
    put_client_ip(g, 1);
    LIT(o, "\",\"ObjectId\":\"EURPR05A003.PROD.OUTLOOK.COM/Microsoft Exchange Hosted "
           "Organizations/example.org/");
    puts_(o, alias);
    if (strstr(op, "InboxRule"))
        LIT(o, "\\\\RSS Sync");
    LIT(o, "\",\"UserId\":\"");
    puts_(o, u->upn);
    LIT(o, "\",\"AppId\":\"00000002-0000-0ff1-ce00-000000000000\",\"ClientAppId\":\"\","
           "\"ExternalAccess\":false,\"OrganizationName\":\"example.org\","
           "\"OriginatingServer\":\"");
    puts_(o, PICK(&g->s, servers));
    LIT(o, "\\r\\n\",\"Parameters\":[");
    if (strstr(op, "InboxRule")) {
        put_param(o, 1, "AlwaysDeleteOutlookRulesBlob", "False");
        put_param(o, 0, "Force", "False");
        put_param(o, 0, pct(&g->s, 50) ? "ForwardTo" : "RedirectTo", "ext.collector@example.com");
        put_param(o, 0, "MoveToFolder", "RSS Feeds");
        put_param(o, 0, "SubjectContainsWords", "invoice;payment;wire transfer");
        put_param(o, 0, "Name", "RSS Sync");
        put_param(o, 0, "StopProcessingRules", "True");
    } else if (strcmp(op, "Set-Mailbox") == 0) {
        put_param(o, 1, "Identity", target->upn);
        put_param(o, 0, "ForwardingSmtpAddress", "smtp:ext.collector@example.com");
        put_param(o, 0, "DeliverToMailboxAndForward", "True");
    } else if (strcmp(op, "Add-MailboxPermission") == 0) {
        put_param(o, 1, "Identity", target->upn);
        put_param(o, 0, "User", u->upn);
        put_param(o, 0, "AccessRights", "FullAccess");
        put_param(o, 0, "InheritanceType", "All");
    } else if (strcmp(op, "Set-MailboxFolderPermission") == 0) {
        put_param(o, 1, "Identity", alias);
        put_param(o, 0, "User", "Default");
        put_param(o, 0, "AccessRights", "Reviewer");
    } else {
        put_param(o, 1, "Identity", "OwaMailboxPolicy-Default");
        put_param(o, 0, "AdditionalStorageProvidersAvailable", "False");
    }
    LIT(o, "],\"SessionId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\"}");
}

static void rec_directory(struct gen *g)
{
    static const char *const ops[] = {
        "Update user.", "Add member to role.", "Consent to application.",
        "Add service principal credentials.", "Reset user password.",
        "Add app role assignment to service principal.",
    };
    struct out *o = &g->o;
    const struct user *u = &g->users[below(&g->s, N_USERS)];
    const struct user *t = &g->users[below(&g->s, N_USERS)];
    unsigned which = below(&g->s, sizeof ops / sizeof ops[0]);

    putc_(o, '{');
    put_head(g, ops[which], 8);
    LIT(o, ",\"ResultStatus\":\"Success\",\"UserKey\":\"");
    put_hex(o, u->puid, 16, hexup);
    LIT(o, "@example.org\",\"UserType\":0,\"Version\":1,\"Workload\":\"AzureActiveDirectory\"");
    if (pct(&g->s, 30)) {
        LIT(o, ",\"ClientIP\":\"");
        put_client_ip(g, 0);
        putc_(o, '"');
    }
    LIT(o, ",\"ObjectId\":\"");
    puts_(o, t->upn);
    LIT(o, "\",\"UserId\":\"");
    puts_(o, u->upn);
    LIT(o, "\",\"AzureActiveDirectoryEventType\":1,\"ExtendedProperties\":["
           "{\"Name\":\"additionalDetails\",\"Value\":\"{\\\"User-Agent\\\":\\\"");
    puts_(o, PICK(&g->s, user_agents));
    LIT(o, "\\\",\\\"AppId\\\":\\\"");
    puts_(o, PICK(&g->s, mail_apps).id);
    LIT(o, "\\\"}\"},{\"Name\":\"extendedAuditEventCategory\",\"Value\":\"");
    puts_(o, which == 2 || which == 3 || which == 5 ? "ServicePrincipal" : "User");
    LIT(o, "\"}],\"ModifiedProperties\":[");
    switch (which) {
    case 0:
        LIT(o, "{\"Name\":\"StrongAuthenticationMethod\",\"NewValue\":\"[\\r\\n  {\\r\\n    "
               "\\\"MethodType\\\": 6,\\r\\n    \\\"Default\\\": true\\r\\n  }\\r\\n]\","
               "\"OldValue\":\"[\\r\\n  {\\r\\n    \\\"MethodType\\\": 7,\\r\\n    "
               "\\\"Default\\\": true\\r\\n  }\\r\\n]\"},");
        break;
    case 1:
        LIT(o, "{\"Name\":\"Role.DisplayName\",\"NewValue\":\"Exchange Administrator\","
               "\"OldValue\":\"\"},{\"Name\":\"Role.TemplateId\",\"NewValue\":"
               "\"29232cdf-9323-42fd-ade2-1d097af3e4de\",\"OldValue\":\"\"},");
        break;
    case 2:
        LIT(o, "{\"Name\":\"ConsentContext.IsAdminConsent\",\"NewValue\":\"False\",\"OldValue\":\"\"},"
               "{\"Name\":\"ConsentAction.Permissions\",\"NewValue\":\"[] => [[ConsentType: Principal, "
               "Scope:  Mail.Read Mail.ReadWrite offline_access User.Read]]; \",\"OldValue\":\"\"},");
        break;
    case 3:
        LIT(o, "{\"Name\":\"KeyDescription\",\"NewValue\":\"[\\\"[KeyIdentifier=");
        put_guid(o, &g->s);
        LIT(o, ",KeyType=Password,KeyUsage=Verify,DisplayName=sync]\\\"]\",\"OldValue\":\"[]\"},");
        break;
    default:
        break;
    }
    LIT(o, "{\"Name\":\"Included Updated Properties\",\"NewValue\":\"");
    puts_(o, which == 0 ? "StrongAuthenticationMethod" : which == 3 ? "KeyDescription" : "");
    LIT(o, "\",\"OldValue\":\"\"}],\"Actor\":");
    put_actor_list(g, u);
    LIT(o, ",\"ActorContextId\":\"" ORG_ID "\",\"InterSystemsId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"IntraSystemId\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"SupportTicketId\":\"\",\"Target\":");
    put_actor_list(g, t);
    LIT(o, ",\"TargetContextId\":\"" ORG_ID "\"}");
}

static void one_record(struct gen *g)
{
    uint32_t r = below(&g->s, 100);

    g->t_s += below(&g->s, 3);   /* 0-2 s apart: ~1 day per 86,000 records */
    if (r < 55)
        rec_mail_items_accessed(g);
    else if (r < 70)
        rec_signin(g);
    else if (r < 80)
        rec_file_accessed(g);
    else if (r < 90)
        rec_exchange_item(g);
    else if (r < 95)
        rec_exchange_admin(g);
    else
        rec_directory(g);
    putc_(&g->o, '\n');
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
    fputs("usage: ual_gen [-o FILE] N SEED\n"
          "  writes N synthetic Management API UAL records (JSON Lines) to FILE or\n"
          "  standard output; the same N and SEED always give the same bytes\n",
          stderr);
}

int main(int argc, char **argv)
{
    struct gen g;
    const char *path = NULL;
    const char *pos[2];
    uint64_t n = 0, seed = 0, i;
    int npos = 0, a, rc = 1;

    memset(&g, 0, sizeof g);
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-o") == 0 && a + 1 < argc) {
            path = argv[++a];
        } else if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
            usage();
            return 0;
        } else if (npos < 2) {
            pos[npos++] = argv[a];
        } else {
            usage();
            return 2;
        }
    }
    if (npos != 2 || parse_u64(pos[0], &n) != 0 || parse_u64(pos[1], &seed) != 0) {
        usage();
        return 2;
    }
    g.s = seed;
    g.t_s = T_START_S;
    g.day.day_s = INT64_MIN / 2;
    g.users = calloc(N_USERS, sizeof *g.users);
    g.o.buf = malloc(OUT_CAP);
    if (!g.users || !g.o.buf) {
        fputs("ual_gen: out of memory\n", stderr);
        goto out;
    }
    make_users(g.users, seed);
    g.o.fp = path ? fopen(path, "wb") : stdout;
    if (!g.o.fp) {
        fprintf(stderr, "ual_gen: cannot create %s: %s\n", path, strerror(errno));
        goto out;
    }
    for (i = 0; i < n && !g.o.failed; i++) {
        one_record(&g);
        if (g.o.len >= OUT_FLUSH)
            flush_out(&g.o);
    }
    flush_out(&g.o);
    if (fflush(g.o.fp) != 0)
        g.o.failed = 1;
    if (g.o.failed) {
        fprintf(stderr, "ual_gen: cannot write %s: %s\n", path ? path : "standard output",
                strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (g.o.fp && g.o.fp != stdout && fclose(g.o.fp) != 0 && rc == 0) {
        fprintf(stderr, "ual_gen: cannot write %s: %s\n", path, strerror(errno));
        rc = 1;
    }
    free(g.o.buf);
    free(g.users);
    return rc;
}
