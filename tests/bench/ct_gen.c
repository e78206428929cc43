/*
 * ct_gen.c - synthetic AWS CloudTrail logs for the import benchmark
 * (tests/bench/README.md): many small S3 objects, and the same records as
 * one big file, so the two can be compared per record.
 *
 *   ct_gen [-d DIR] [-1 FILE] [-l FILE] FILES RECORDS SEED
 *
 *   -d DIR   the S3 layout CloudTrail delivers: FILES objects of RECORDS
 *            records each, DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
 *            <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 letters>.json.gz,
 *            each a gzip of one line {"Records":[...]} (no newline, as
 *            CloudTrail writes them)
 *   -1 FILE  all FILES x RECORDS records as one {"Records":[...]} object on
 *            one line: gzip if FILE ends in .gz, plain otherwise
 *   -l FILE  the same records as JSON Lines, gzip if FILE ends in .gz
 *
 * Every output holds the same records, byte for byte, in the same order (the
 * tree's order is the generation order; ftl walks it by name). The stream of
 * choices does not depend on which outputs are asked for, the same FILES,
 * RECORDS and SEED give the same bytes on every machine (gen.h), and a
 * smaller FILES gives a prefix of a larger one.
 *
 * Each object belongs to one account and one region (40% us-east-1), as
 * CloudTrail writes them; its records carry that awsRegion and
 * recipientAccountId. The mix of calls:
 *   22%  S3 data events: GetObject, PutObject, HeadObject, DeleteObject with
 *        resources and additionalEventData (eventCategory Data)
 *   22%  EC2: DescribeInstances, DescribeSecurityGroups, RunInstances,
 *        AuthorizeSecurityGroupIngress, CreateTags, StopInstances
 *   18%  STS: AssumeRole (credentials and assumedRoleUser in
 *        responseElements), GetCallerIdentity
 *   15%  KMS: Decrypt, GenerateDataKey, Encrypt with an encryption context
 *   10%  IAM (us-east-1 only, EC2 elsewhere): List/Get calls, CreateUser,
 *        CreateAccessKey, AttachUserPolicy, PutRolePolicy, DeleteAccessKey
 *    5%  ConsoleLogin (us-east-1 only), 15% failed, MFAUsed
 *    8%  CloudTrail and Secrets Manager calls
 * Identities: 55% AssumedRole (ASIA key, sessionContext with sessionIssuer,
 * creationDate and mfaAuthenticated), 35% IAMUser (AKIA key, or an ASIA
 * console session with sessionContext), 8% AWSService (invokedBy), 2% Root.
 * About 4% of calls fail with AccessDenied. eventIDs are random version-4
 * GUIDs (no duplicates), eventTime whole seconds with Z, addresses from the
 * documentation ranges (RFC 5737, RFC 3849), accounts and names fictional.
 * Records average about 1.45 KB (500,000 are ~730 MB of JSON, ~10 x less gzipped).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/buf.h"
#include "gen.h"

#define REC_CAP ((size_t)64 << 10)   /* one record is below 4 KiB */
#define T_START_S 1685577600         /* 2023-06-01T00:00:00 UTC */
#define N_USERS 60
#define N_SESSIONS 400

/* ---------------------------------------------------------------- world */

/* Key and principal ids: AKIA/ASIA + 16 and AIDA/AROA + 17 letters of the
 * base32 alphabet AWS ids use. */
static const char id_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static const char *const accounts[] = { "111122223333", "444455556666", "123456789012" };
static const unsigned account_weight[] = { 60, 30, 10 };   /* percent */

static const char *const regions[] = {
    "us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2",
};
static const unsigned region_weight[] = { 40, 25, 15, 10, 10 };

static const char *const first_names[] = {
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
    "yasmin",
};
static const char *const last_names[] = { "nguyen", "kim", "garcia", "okafor", "larsen", "silva" };
static const char *const svc_users[] = {
    "svc-backup", "svc-ci", "svc-monitoring", "support-temp", "terraform", "etl-loader",
};

struct user {
    char name[40];
    char principal[24];     /* AIDA... */
    char key[24];           /* AKIA..., its long-term access key */
    int human;              /* signs in to the console */
};

struct role {
    const char *name;
    const char *session_kind;   /* how its session names look */
};

static const struct role roles[] = {
    { "OpsAdmin", "user" },
    { "web-app-instance-role", "instance" },
    { "ReadOnly", "user" },
    { "AWSReservedSSO_AdministratorAccess_5f3c2a1b9e8d7c60", "email" },
    { "AWSReservedSSO_ViewOnlyAccess_0a1b2c3d4e5f6a7b", "email" },
    { "ci-deploy", "ci" },
    { "lambda-etl-exec", "lambda" },
    { "OrganizationAccountAccessRole", "user" },
    { "eks-node-group-role", "instance" },
    { "PartnerReadOnly", "user" },
};

struct session {
    unsigned role;
    char role_principal[24];    /* AROA... */
    char name[64];              /* role session name */
    char key[24];               /* ASIA... */
    int mfa;
};

struct svc {
    const char *host;       /* eventSource */
    const char *name;       /* for the CLI user agent: iam.create-user */
};

static const char *const user_agents[] = {
    "aws-cli/2.11.20 Python/3.11.3 Linux/5.15.0-1036-aws exe/x86_64.ubuntu.22 prompt/off",
    "Boto3/1.26.150 Python/3.10.6 Linux/5.19.0-45-generic Botocore/1.29.150",
    "aws-sdk-go/1.44.280 (go1.20.5; linux; amd64)",
    "aws-sdk-java/1.12.488 Linux/5.10.184 OpenJDK_64-Bit_Server_VM/17.0.7+7-LTS java/17.0.7",
    "APN/1.0 HashiCorp/1.0 Terraform/1.5.0 (+https://www.terraform.io) terraform-provider-aws/5.3.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.281 (go1.20.5; linux; amd64)",
    "AWS Internal",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/114.0.0.0 Safari/537.36",
};

static const char *const browser_agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/114.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/114.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.5 Safari/605.1.15",
};

static const char *const buckets[] = {
    "examplecorp-finance-reports", "examplecorp-app-assets", "examplecorp-backups",
    "examplecorp-data-lake", "examplecorp-logs-archive",
};
static const char *const object_keys[] = {
    "2023/Q2/payroll-summary.csv", "2023/Q2/vendors.xlsx", "exports/customers-2023-06.parquet",
    "static/js/app.3f9c2a7e.js", "db/nightly/pg_dump-2023-06-18.sql.gz",
    "raw/events/dt=2023-06-19/part-00017.json.gz", "images/logo@2x.png", "reports/board/minutes.pdf",
};
static const char *const ciphers[] = {
    "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_128_GCM_SHA256",
};
static const char *const instance_types[] = { "t3.micro", "t3.large", "m6i.xlarge", "c6g.2xlarge" };
static const char *const policies[] = {
    "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/IAMFullAccess",
};
static const char *const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* ---------------------------------------------------------------- state */

struct gen {
    uint64_t s;
    struct out o;                /* the record being written */
    struct day day;
    struct user users[N_USERS];
    struct session sessions[N_SESSIONS];
    int64_t t_s;                 /* current record time, seconds since epoch */
    unsigned account, region;    /* of the object being written */
};

/* index into a table by percent weights that sum to 100 */
static unsigned weighted(uint64_t *s, const unsigned *w, unsigned n)
{
    uint32_t r = below(s, 100);
    unsigned i;

    for (i = 0; i + 1 < n && r >= w[i]; i++)
        r -= w[i];
    return i;
}

static void letters_to(char *dst, size_t cap, const char *prefix, uint64_t *s, int n)
{
    char tmp[64];
    struct out o = { tmp, 0, NULL, 0 };

    put_letters(&o, s, n, id_alpha, 32);
    snprintf(dst, cap, "%s%.*s", prefix, (int)o.len, tmp);
}

static void make_world(struct gen *g, uint64_t seed)
{
    uint64_t s = seed ^ 0xc10dd7a11ULL;
    unsigned i;

    for (i = 0; i < N_USERS; i++) {
        struct user *u = &g->users[i];

        if (i < NELEM(svc_users) * 2) {
            snprintf(u->name, sizeof u->name, "%s%s", svc_users[i % NELEM(svc_users)],
                     i < NELEM(svc_users) ? "" : "-2");
            u->human = 0;
        } else {
            snprintf(u->name, sizeof u->name, "%s.%s", first_names[i % NELEM(first_names)],
                     last_names[(i / NELEM(first_names)) % NELEM(last_names)]);
            u->human = 1;
        }
        letters_to(u->principal, sizeof u->principal, "AIDA", &s, 17);
        letters_to(u->key, sizeof u->key, "AKIA", &s, 16);
    }
    for (i = 0; i < N_SESSIONS; i++) {
        struct session *x = &g->sessions[i];
        const struct role *r;
        uint64_t seed_role;

        x->role = below(&s, NELEM(roles));
        r = &roles[x->role];
        /* a role's principal id is the same in every session of it */
        seed_role = seed ^ ((uint64_t)x->role * 0x9e3779b97f4a7c15ULL);
        letters_to(x->role_principal, sizeof x->role_principal, "AROA", &seed_role, 17);
        letters_to(x->key, sizeof x->key, "ASIA", &s, 16);
        if (strcmp(r->session_kind, "instance") == 0)
            snprintf(x->name, sizeof x->name, "i-0%016llx",
                     (unsigned long long)(mix(&s) & 0xffffffffffffffULL));
        else if (strcmp(r->session_kind, "email") == 0)
            snprintf(x->name, sizeof x->name, "%s.%s@example.com",
                     PICK(&s, first_names), PICK(&s, last_names));
        else if (strcmp(r->session_kind, "ci") == 0)
            snprintf(x->name, sizeof x->name, "gitlab-ci-job-%u", 4000000 + below(&s, 900000));
        else if (strcmp(r->session_kind, "lambda") == 0)
            snprintf(x->name, sizeof x->name, "etl-nightly-loader");
        else
            snprintf(x->name, sizeof x->name, "%s-%u", PICK(&s, first_names), below(&s, 100));
        x->mfa = pct(&s, 40);
    }
}

/* ---------------------------------------------------------------- pieces */

static void put_time_z(struct gen *g, int64_t t_s)
{
    put_iso(&g->o, &g->day, t_s);
    putc_(&g->o, 'Z');
}

/* "Jun 19, 2023, 3:24:31 PM", as STS writes credential expirations */
static void put_us_time(struct gen *g, int64_t t_s, int comma)
{
    struct day dy = g->day;   /* a copy: t_s may be another day */
    int64_t sod = day_of(&dy, t_s);
    unsigned h = (unsigned)(sod / 3600);

    puts_(&g->o, months[dy.m - 1]);
    putc_(&g->o, ' ');
    put_u64(&g->o, (uint64_t)dy.d);
    LIT(&g->o, ", ");
    put_u64(&g->o, (uint64_t)dy.y);
    if (comma)
        putc_(&g->o, ',');
    putc_(&g->o, ' ');
    put_u64(&g->o, h % 12 ? h % 12 : 12);
    putc_(&g->o, ':');
    put_dec(&g->o, (unsigned)(sod / 60 % 60), 2);
    putc_(&g->o, ':');
    put_dec(&g->o, (unsigned)(sod % 60), 2);
    puts_(&g->o, h < 12 ? " AM" : " PM");
}

static const char *acct_of(const struct gen *g)
{
    return accounts[g->account];
}

static const char *region_of(const struct gen *g)
{
    return regions[g->region];
}

static void put_ip(struct gen *g)
{
    static const char *const nets[] = { "192.0.2.", "198.51.100.", "203.0.113." };
    uint32_t r = below(&g->s, 100);

    if (r < 92) {
        puts_(&g->o, PICK(&g->s, nets));
        put_u64(&g->o, 1 + below(&g->s, 254));
    } else {
        LIT(&g->o, "2001:db8:");
        put_hex(&g->o, below(&g->s, 0x10000), 4, hexdig);
        LIT(&g->o, "::");
        put_hex(&g->o, 1 + below(&g->s, 0xfff), 3, hexdig);
    }
}

enum who { W_ROLE, W_USER, W_SERVICE, W_ROOT };

struct caller {
    enum who who;
    const struct user *u;
    const struct session *x;
    int console;            /* an IAM user's console session (ASIA key) */
    const char *service;    /* invokedBy of AWSService callers */
};

static void pick_caller(struct gen *g, struct caller *c, const char *service)
{
    uint32_t r = below(&g->s, 100);

    memset(c, 0, sizeof *c);
    if (r < 55) {
        c->who = W_ROLE;
        c->x = &g->sessions[below(&g->s, N_SESSIONS)];
    } else if (r < 90) {
        c->who = W_USER;
        c->u = &g->users[below(&g->s, N_USERS)];
        c->console = c->u->human && pct(&g->s, 40);
    } else if (r < 98 && service) {
        c->who = W_SERVICE;
        c->service = service;
    } else if (r < 98) {
        c->who = W_ROLE;
        c->x = &g->sessions[below(&g->s, N_SESSIONS)];
    } else {
        c->who = W_ROOT;
    }
}

/* "userIdentity":{...} */
static void put_identity(struct gen *g, const struct caller *c)
{
    struct out *o = &g->o;

    switch (c->who) {
    case W_ROLE: {
        const struct session *x = c->x;
        const char *role = roles[x->role].name;

        LIT(o, "\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"");
        puts_(o, x->role_principal);
        putc_(o, ':');
        puts_(o, x->name);
        LIT(o, "\",\"arn\":\"arn:aws:sts::");
        puts_(o, acct_of(g));
        LIT(o, ":assumed-role/");
        puts_(o, role);
        putc_(o, '/');
        puts_(o, x->name);
        LIT(o, "\",\"accountId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"accessKeyId\":\"");
        puts_(o, x->key);
        LIT(o, "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"");
        puts_(o, x->role_principal);
        LIT(o, "\",\"arn\":\"arn:aws:iam::");
        puts_(o, acct_of(g));
        LIT(o, ":role/");
        puts_(o, role);
        LIT(o, "\",\"accountId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"userName\":\"");
        puts_(o, role);
        LIT(o, "\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"");
        put_time_z(g, g->t_s - 30 - below(&g->s, 3500));
        LIT(o, "\",\"mfaAuthenticated\":\"");
        puts_(o, x->mfa ? "true" : "false");
        LIT(o, "\"}");
        if (strcmp(roles[x->role].session_kind, "instance") == 0)
            LIT(o, ",\"ec2RoleDelivery\":\"2.0\"");
        LIT(o, "}}");
        break;
    }
    case W_USER: {
        const struct user *u = c->u;

        LIT(o, "\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"");
        puts_(o, u->principal);
        LIT(o, "\",\"arn\":\"arn:aws:iam::");
        puts_(o, acct_of(g));
        LIT(o, ":user/");
        puts_(o, u->name);
        LIT(o, "\",\"accountId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"accessKeyId\":\"");
        if (c->console) {
            LIT(o, "ASIA");
            put_letters(o, &g->s, 16, id_alpha, 32);
        } else {
            puts_(o, u->key);
        }
        LIT(o, "\",\"userName\":\"");
        puts_(o, u->name);
        putc_(o, '"');
        if (c->console) {
            LIT(o, ",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},"
                   "\"attributes\":{\"creationDate\":\"");
            put_time_z(g, g->t_s - 30 - below(&g->s, 7000));
            LIT(o, "\",\"mfaAuthenticated\":\"");
            puts_(o, pct(&g->s, 70) ? "true" : "false");
            LIT(o, "\"}}");
        }
        putc_(o, '}');
        break;
    }
    case W_SERVICE:
        LIT(o, "\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"");
        puts_(o, c->service);
        LIT(o, "\"}");
        break;
    case W_ROOT:
        LIT(o, "\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"arn\":\"arn:aws:iam::");
        puts_(o, acct_of(g));
        LIT(o, ":root\",\"accountId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"accessKeyId\":\"");
        if (pct(&g->s, 50)) {
            LIT(o, "ASIA");
            put_letters(o, &g->s, 16, id_alpha, 32);
        }
        LIT(o, "\"}");
        break;
    }
}

/*
 * {"eventVersion":..,"userIdentity":..,"eventTime":..,"eventSource":..,
 * "eventName":..,"awsRegion":..,"sourceIPAddress":..,"userAgent":..
 * [,"errorCode":..,"errorMessage":..]  -- the caller goes on with
 * requestParameters. denied: the call fails with AccessDenied.
 */
static void put_head(struct gen *g, const struct caller *c, const char *version,
                     const struct svc *svc, const char *name, int denied)
{
    struct out *o = &g->o;

    LIT(o, "{\"eventVersion\":\"");
    puts_(o, version);
    LIT(o, "\",");
    put_identity(g, c);
    LIT(o, ",\"eventTime\":\"");
    put_time_z(g, g->t_s);
    LIT(o, "\",\"eventSource\":\"");
    puts_(o, svc->host);
    LIT(o, "\",\"eventName\":\"");
    puts_(o, name);
    LIT(o, "\",\"awsRegion\":\"");
    puts_(o, region_of(g));
    LIT(o, "\",\"sourceIPAddress\":\"");
    if (c->who == W_SERVICE)
        puts_(o, c->service);
    else if (c->console && pct(&g->s, 30))
        LIT(o, "AWS Internal");
    else
        put_ip(g);
    LIT(o, "\",\"userAgent\":\"");
    if (c->who == W_SERVICE) {
        puts_(o, c->service);
    } else {
        const char *ua = c->console ? "AWS Internal" : PICK(&g->s, user_agents);

        puts_(o, ua);
        if (strncmp(ua, "aws-cli/", 8) == 0) {
            LIT(o, " command/");
            puts_(o, svc->name);
            putc_(o, '.');
            /* the CLI names the command in kebab case: DescribeInstances
             * -> describe-instances */
            for (; *name; name++) {
                if (*name >= 'A' && *name <= 'Z') {
                    if (o->buf[o->len - 1] != '.')
                        putc_(o, '-');
                    putc_(o, (char)(*name - 'A' + 'a'));
                } else {
                    putc_(o, *name);
                }
            }
        }
    }
    putc_(o, '"');
    if (denied) {
        LIT(o, ",\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User: ");
        if (c->who == W_ROLE) {
            LIT(o, "arn:aws:sts::");
            puts_(o, acct_of(g));
            LIT(o, ":assumed-role/");
            puts_(o, roles[c->x->role].name);
            putc_(o, '/');
            puts_(o, c->x->name);
        } else if (c->who == W_USER) {
            LIT(o, "arn:aws:iam::");
            puts_(o, acct_of(g));
            LIT(o, ":user/");
            puts_(o, c->u->name);
        } else {
            LIT(o, "arn:aws:iam::");
            puts_(o, acct_of(g));
            LIT(o, ":root");
        }
        LIT(o, " is not authorized to perform: ");
        puts_(o, svc->name);
        putc_(o, ':');
        puts_(o, name);
        LIT(o, " because no identity-based policy allows the ");
        puts_(o, svc->name);
        putc_(o, ':');
        puts_(o, name);
        LIT(o, " action\"");
    }
}

/* "requestID":..,"eventID":..,"readOnly":.. */
static void put_ids(struct gen *g, int s3_style, int read_only)
{
    struct out *o = &g->o;

    LIT(o, ",\"requestID\":\"");
    if (s3_style)
        put_hex(o, mix(&g->s), 16, hexup);
    else
        put_guid(o, &g->s);
    LIT(o, "\",\"eventID\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"readOnly\":");
    puts_(o, read_only ? "true" : "false");
}

/* "eventType":..,"managementEvent":..,"recipientAccountId":..,
 * "eventCategory":..,"tlsDetails":{..}} -- ends the record */
static void put_tail(struct gen *g, const struct caller *c, const struct svc *svc,
                     const char *event_type, int data_event)
{
    struct out *o = &g->o;

    LIT(o, ",\"eventType\":\"");
    puts_(o, event_type);
    LIT(o, "\",\"managementEvent\":");
    puts_(o, data_event ? "false" : "true");
    LIT(o, ",\"recipientAccountId\":\"");
    puts_(o, acct_of(g));
    LIT(o, "\",\"eventCategory\":\"");
    puts_(o, data_event ? "Data" : "Management");
    putc_(o, '"');
    if (c->who != W_SERVICE) {
        LIT(o, ",\"tlsDetails\":{\"tlsVersion\":\"");
        puts_(o, pct(&g->s, 80) ? "TLSv1.2" : "TLSv1.3");
        LIT(o, "\",\"cipherSuite\":\"");
        puts_(o, PICK(&g->s, ciphers));
        LIT(o, "\",\"clientProvidedHostHeader\":\"");
        if (strcmp(event_type, "AwsConsoleSignIn") == 0) {
            LIT(o, "signin.aws.amazon.com");
        } else {
            size_t n = strcspn(svc->host, ".");

            put(o, svc->host, n);
            if (strcmp(svc->name, "iam") != 0) {
                putc_(o, '.');
                puts_(o, region_of(g));
            }
            LIT(o, ".amazonaws.com");
        }
        LIT(o, "\"}");
    }
    if (c->console)
        LIT(o, ",\"sessionCredentialFromConsole\":\"true\"");
    putc_(o, '}');
}

/* ---------------------------------------------------------------- records */

static const struct svc svc_s3 = { "s3.amazonaws.com", "s3" };
static const struct svc svc_ec2 = { "ec2.amazonaws.com", "ec2" };
static const struct svc svc_sts = { "sts.amazonaws.com", "sts" };
static const struct svc svc_kms = { "kms.amazonaws.com", "kms" };
static const struct svc svc_iam = { "iam.amazonaws.com", "iam" };
static const struct svc svc_signin = { "signin.amazonaws.com", "signin" };
static const struct svc svc_ct = { "cloudtrail.amazonaws.com", "cloudtrail" };
static const struct svc svc_sm = { "secretsmanager.amazonaws.com", "secretsmanager" };

static void rec_s3(struct gen *g)
{
    static const char *const ops[] = {
        "GetObject", "GetObject", "GetObject", "PutObject", "PutObject", "HeadObject",
        "DeleteObject",
    };
    struct out *o = &g->o;
    struct caller c;
    const char *op = PICK(&g->s, ops);
    const char *bucket = PICK(&g->s, buckets);
    const char *key = PICK(&g->s, object_keys);
    int get = strcmp(op, "GetObject") == 0, put_ = strcmp(op, "PutObject") == 0;
    int denied = pct(&g->s, 3);

    pick_caller(g, &c, NULL);
    put_head(g, &c, "1.09", &svc_s3, op, denied);
    LIT(o, ",\"requestParameters\":{\"bucketName\":\"");
    puts_(o, bucket);
    LIT(o, "\",\"Host\":\"");
    puts_(o, bucket);
    LIT(o, ".s3.");
    puts_(o, region_of(g));
    LIT(o, ".amazonaws.com\",\"key\":\"");
    puts_(o, key);
    LIT(o, "\"},\"responseElements\":");
    if (put_ && !denied) {
        LIT(o, "{\"x-amz-server-side-encryption\":\"aws:kms\",\"x-amz-version-id\":\"");
        put_letters(o, &g->s, 32, alnum, 62);
        LIT(o, "\"}");
    } else {
        LIT(o, "null");
    }
    LIT(o, ",\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"");
    puts_(o, PICK(&g->s, ciphers));
    LIT(o, "\",\"bytesTransferredIn\":");
    put_u64(o, put_ && !denied ? 1000 + below(&g->s, 8000000) : 0);
    LIT(o, ",\"AuthenticationMethod\":\"AuthHeader\",\"x-amz-id-2\":\"");
    put_letters(o, &g->s, 76, b64std, 64);
    LIT(o, "\",\"bytesTransferredOut\":");
    put_u64(o, get && !denied ? 200 + below(&g->s, 4000000) : 0);
    putc_(o, '}');
    put_ids(g, 1, !put_ && strcmp(op, "DeleteObject") != 0);
    LIT(o, ",\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::");
    puts_(o, bucket);
    putc_(o, '/');
    puts_(o, key);
    LIT(o, "\"},{\"accountId\":\"");
    puts_(o, acct_of(g));
    LIT(o, "\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::");
    puts_(o, bucket);
    LIT(o, "\"}]");
    put_tail(g, &c, &svc_s3, "AwsApiCall", 1);
}

static void put_instance_id(struct gen *g)
{
    LIT(&g->o, "i-0");
    put_hex(&g->o, mix(&g->s), 16, hexdig);
}

static void rec_ec2(struct gen *g)
{
    static const char *const ops[] = {
        "DescribeInstances", "DescribeInstances", "DescribeInstances", "DescribeSecurityGroups",
        "DescribeSecurityGroups", "RunInstances", "AuthorizeSecurityGroupIngress", "CreateTags",
        "StopInstances",
    };
    struct out *o = &g->o;
    struct caller c;
    const char *op = PICK(&g->s, ops);
    int ro = strncmp(op, "Describe", 8) == 0;
    int denied = !ro && pct(&g->s, 5);

    pick_caller(g, &c, "autoscaling.amazonaws.com");
    put_head(g, &c, "1.08", &svc_ec2, op, denied);
    LIT(o, ",\"requestParameters\":");
    if (strcmp(op, "DescribeInstances") == 0) {
        if (pct(&g->s, 50)) {
            LIT(o, "{\"instancesSet\":{\"items\":[{\"instanceId\":\"");
            put_instance_id(g);
            LIT(o, "\"}]},\"filterSet\":{}}");
        } else {
            LIT(o, "{\"instancesSet\":{},\"filterSet\":{}}");
        }
        LIT(o, ",\"responseElements\":null");
    } else if (strcmp(op, "DescribeSecurityGroups") == 0) {
        LIT(o, "{\"securityGroupSet\":{},\"securityGroupIdSet\":{},\"filterSet\":{\"items\":"
               "[{\"name\":\"vpc-id\",\"valueSet\":{\"items\":[{\"value\":\"vpc-0");
        put_hex(o, mix(&g->s), 16, hexdig);
        LIT(o, "\"}]}}]}},\"responseElements\":null");
    } else if (strcmp(op, "RunInstances") == 0) {
        const char *type = PICK(&g->s, instance_types);

        LIT(o, "{\"instancesSet\":{\"items\":[{\"imageId\":\"ami-0");
        put_hex(o, mix(&g->s), 16, hexdig);
        LIT(o, "\",\"minCount\":1,\"maxCount\":1}]},\"instanceType\":\"");
        puts_(o, type);
        LIT(o, "\",\"blockDeviceMapping\":{},\"monitoring\":{\"enabled\":false},"
               "\"disableApiTermination\":false,\"clientToken\":\"");
        put_guid(o, &g->s);
        LIT(o, "\"},\"responseElements\":");
        if (denied) {
            LIT(o, "null");
        } else {
            LIT(o, "{\"requestId\":\"");
            put_guid(o, &g->s);
            LIT(o, "\",\"reservationId\":\"r-0");
            put_hex(o, mix(&g->s), 16, hexdig);
            LIT(o, "\",\"ownerId\":\"");
            puts_(o, acct_of(g));
            LIT(o, "\",\"instancesSet\":{\"items\":[{\"instanceId\":\"");
            put_instance_id(g);
            LIT(o, "\",\"instanceState\":{\"code\":0,\"name\":\"pending\"},\"instanceType\":\"");
            puts_(o, type);
            LIT(o, "\",\"privateIpAddress\":\"10.0.");
            put_u64(o, below(&g->s, 256));
            putc_(o, '.');
            put_u64(o, 1 + below(&g->s, 254));
            LIT(o, "\"}]}}");
        }
    } else if (strcmp(op, "AuthorizeSecurityGroupIngress") == 0) {
        unsigned port = pct(&g->s, 50) ? 22 : 443;

        LIT(o, "{\"groupId\":\"sg-0");
        put_hex(o, mix(&g->s), 16, hexdig);
        LIT(o, "\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":");
        put_u64(o, port);
        LIT(o, ",\"toPort\":");
        put_u64(o, port);
        LIT(o, ",\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]},"
               "\"ipv6Ranges\":{},\"prefixListIds\":{}}]}},\"responseElements\":");
        if (denied) {
            LIT(o, "null");
        } else {
            LIT(o, "{\"requestId\":\"");
            put_guid(o, &g->s);
            LIT(o, "\",\"_return\":true}");
        }
    } else if (strcmp(op, "CreateTags") == 0) {
        LIT(o, "{\"resourcesSet\":{\"items\":[{\"resourceId\":\"");
        put_instance_id(g);
        LIT(o, "\"}]},\"tagSet\":{\"items\":[{\"key\":\"Owner\",\"value\":\"");
        puts_(o, PICK(&g->s, first_names));
        LIT(o, "\"}]}},\"responseElements\":");
        LIT(o, "{\"requestId\":\"");
        put_guid(o, &g->s);
        LIT(o, "\",\"_return\":true}");
    } else {
        LIT(o, "{\"instancesSet\":{\"items\":[{\"instanceId\":\"");
        put_instance_id(g);
        LIT(o, "\"}]},\"force\":false},\"responseElements\":null");
    }
    put_ids(g, 0, ro);
    put_tail(g, &c, &svc_ec2, "AwsApiCall", 0);
}

static void rec_sts(struct gen *g)
{
    struct out *o = &g->o;
    struct caller c;
    const struct session *x = &g->sessions[below(&g->s, N_SESSIONS)];

    if (pct(&g->s, 40)) {
        pick_caller(g, &c, NULL);
        put_head(g, &c, "1.08", &svc_sts, "GetCallerIdentity", 0);
        LIT(o, ",\"requestParameters\":null,\"responseElements\":null");
        put_ids(g, 0, 1);
        put_tail(g, &c, &svc_sts, "AwsApiCall", 0);
        return;
    }
    pick_caller(g, &c, strcmp(roles[x->role].session_kind, "instance") == 0
                           ? "ec2.amazonaws.com" : "lambda.amazonaws.com");
    put_head(g, &c, "1.08", &svc_sts, "AssumeRole", 0);
    LIT(o, ",\"requestParameters\":{\"roleArn\":\"arn:aws:iam::");
    puts_(o, acct_of(g));
    LIT(o, ":role/");
    puts_(o, roles[x->role].name);
    LIT(o, "\",\"roleSessionName\":\"");
    puts_(o, x->name);
    LIT(o, "\",\"durationSeconds\":3600},\"responseElements\":{\"credentials\":{\"accessKeyId\":\"");
    puts_(o, x->key);
    LIT(o, "\",\"sessionToken\":\"IQoJb3JpZ2luX2VjE");
    put_letters(o, &g->s, 180, b64std, 64);
    LIT(o, "\",\"expiration\":\"");
    put_us_time(g, g->t_s + 3600, 1);
    LIT(o, "\"},\"assumedRoleUser\":{\"assumedRoleId\":\"");
    puts_(o, x->role_principal);
    putc_(o, ':');
    puts_(o, x->name);
    LIT(o, "\",\"arn\":\"arn:aws:sts::");
    puts_(o, acct_of(g));
    LIT(o, ":assumed-role/");
    puts_(o, roles[x->role].name);
    putc_(o, '/');
    puts_(o, x->name);
    LIT(o, "\"}}");
    put_ids(g, 0, 1);
    LIT(o, ",\"resources\":[{\"accountId\":\"");
    puts_(o, acct_of(g));
    LIT(o, "\",\"type\":\"AWS::IAM::Role\",\"ARN\":\"arn:aws:iam::");
    puts_(o, acct_of(g));
    LIT(o, ":role/");
    puts_(o, roles[x->role].name);
    LIT(o, "\"}]");
    if (c.who == W_SERVICE) {
        LIT(o, ",\"sharedEventID\":\"");
        put_guid(o, &g->s);
        putc_(o, '"');
    }
    put_tail(g, &c, &svc_sts, "AwsApiCall", 0);
}

static void rec_kms(struct gen *g)
{
    static const char *const ops[] = {
        "Decrypt", "Decrypt", "Decrypt", "GenerateDataKey", "GenerateDataKey", "Encrypt",
    };
    struct out *o = &g->o;
    struct caller c;
    const char *op = PICK(&g->s, ops);
    int denied = pct(&g->s, 4);
    uint64_t k = mix(&g->s) & 7;   /* eight keys per account and region */
    size_t key_start, key_len;

    pick_caller(g, &c, "s3.amazonaws.com");
    put_head(g, &c, "1.08", &svc_kms, op, denied);
    LIT(o, ",\"requestParameters\":{\"keyId\":\"");
    key_start = o->len;
    LIT(o, "arn:aws:kms:");
    puts_(o, region_of(g));
    putc_(o, ':');
    puts_(o, acct_of(g));
    LIT(o, ":key/");
    put_guid_from(o, 0x6b6579ULL * (k + 1) * 0x9e3779b97f4a7c15ULL ^ g->account,
                  (uint64_t)g->region * 0xbf58476d1ce4e5b9ULL + k);
    key_len = o->len - key_start;
    LIT(o, "\",\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\",\"encryptionContext\":"
           "{\"aws:s3:arn\":\"arn:aws:s3:::");
    puts_(o, PICK(&g->s, buckets));
    putc_(o, '/');
    puts_(o, PICK(&g->s, object_keys));
    LIT(o, "\"}");
    if (strcmp(op, "GenerateDataKey") == 0)
        LIT(o, ",\"keySpec\":\"AES_256\"");
    LIT(o, "},\"responseElements\":null");
    put_ids(g, 0, 1);
    LIT(o, ",\"resources\":[{\"accountId\":\"");
    puts_(o, acct_of(g));
    LIT(o, "\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"");
    /* the same ARN again: copy it from the record (put() may not overlap,
     * so through a small buffer) */
    {
        char arn[128];

        memcpy(arn, o->buf + key_start, key_len < sizeof arn ? key_len : sizeof arn);
        put(o, arn, key_len < sizeof arn ? key_len : sizeof arn);
    }
    LIT(o, "\"}]");
    if (c.who == W_SERVICE) {
        LIT(o, ",\"sharedEventID\":\"");
        put_guid(o, &g->s);
        putc_(o, '"');
    }
    put_tail(g, &c, &svc_kms, "AwsApiCall", 0);
}

static void rec_iam(struct gen *g)
{
    static const char *const ops[] = {
        "ListUsers", "GetUser", "ListRoles", "GetRole", "ListAttachedRolePolicies",
        "ListAccessKeys", "CreateUser", "CreateAccessKey", "AttachUserPolicy", "PutRolePolicy",
        "DeleteAccessKey",
    };
    struct out *o = &g->o;
    struct caller c;
    unsigned which = below(&g->s, NELEM(ops));
    const char *op = ops[which];
    const struct user *t = &g->users[below(&g->s, N_USERS)];
    const char *role = PICK(&g->s, roles).name;
    int ro = which < 6;
    int denied = !ro && pct(&g->s, 12);

    pick_caller(g, &c, NULL);
    put_head(g, &c, "1.08", &svc_iam, op, denied);
    LIT(o, ",\"requestParameters\":");
    switch (which) {
    case 0:
    case 2:
        LIT(o, "{\"maxItems\":100}");
        break;
    case 3:
    case 4:
        LIT(o, "{\"roleName\":\"");
        puts_(o, role);
        LIT(o, "\"}");
        break;
    case 9:
        LIT(o, "{\"roleName\":\"");
        puts_(o, role);
        LIT(o, "\",\"policyName\":\"inline-s3-access\",\"policyDocument\":\"{\\n  \\\"Version\\\": "
               "\\\"2012-10-17\\\",\\n  \\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\", "
               "\\\"Action\\\": \\\"s3:*\\\", \\\"Resource\\\": \\\"*\\\"}]\\n}\"}");
        break;
    case 8:
        LIT(o, "{\"userName\":\"");
        puts_(o, t->name);
        LIT(o, "\",\"policyArn\":\"");
        puts_(o, PICK(&g->s, policies));
        LIT(o, "\"}");
        break;
    case 10:
        LIT(o, "{\"userName\":\"");
        puts_(o, t->name);
        LIT(o, "\",\"accessKeyId\":\"");
        puts_(o, t->key);
        LIT(o, "\"}");
        break;
    default:
        LIT(o, "{\"userName\":\"");
        puts_(o, t->name);
        LIT(o, "\"}");
        break;
    }
    LIT(o, ",\"responseElements\":");
    if (denied || ro || which == 8 || which == 9 || which == 10) {
        LIT(o, "null");
    } else if (which == 6) {
        LIT(o, "{\"user\":{\"path\":\"/\",\"userName\":\"");
        puts_(o, t->name);
        LIT(o, "\",\"userId\":\"");
        puts_(o, t->principal);
        LIT(o, "\",\"arn\":\"arn:aws:iam::");
        puts_(o, acct_of(g));
        LIT(o, ":user/");
        puts_(o, t->name);
        LIT(o, "\",\"createDate\":\"");
        put_us_time(g, g->t_s, 0);
        LIT(o, "\"}}");
    } else {
        LIT(o, "{\"accessKey\":{\"userName\":\"");
        puts_(o, t->name);
        LIT(o, "\",\"accessKeyId\":\"AKIA");
        put_letters(o, &g->s, 16, id_alpha, 32);
        LIT(o, "\",\"status\":\"Active\",\"createDate\":\"");
        put_us_time(g, g->t_s, 0);
        LIT(o, "\"}}");
    }
    put_ids(g, 0, ro);
    put_tail(g, &c, &svc_iam, "AwsApiCall", 0);
}

static void rec_console(struct gen *g)
{
    struct out *o = &g->o;
    struct caller c;
    int failed = pct(&g->s, 15);
    int mfa = !failed && pct(&g->s, 70);

    memset(&c, 0, sizeof c);
    if (pct(&g->s, 10)) {
        c.who = W_ROOT;
    } else {
        c.who = W_USER;
        c.u = &g->users[below(&g->s, N_USERS)];
    }
    LIT(o, "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"");
    if (c.who == W_ROOT) {
        LIT(o, "Root\",\"principalId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"arn\":\"arn:aws:iam::");
        puts_(o, acct_of(g));
        LIT(o, ":root\",\"accountId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"accessKeyId\":\"\"}");
    } else {
        LIT(o, "IAMUser\",\"principalId\":\"");
        puts_(o, c.u->principal);
        LIT(o, "\",\"arn\":\"arn:aws:iam::");
        puts_(o, acct_of(g));
        LIT(o, ":user/");
        puts_(o, c.u->name);
        LIT(o, "\",\"accountId\":\"");
        puts_(o, acct_of(g));
        LIT(o, "\",\"accessKeyId\":\"\",\"userName\":\"");
        puts_(o, c.u->name);
        LIT(o, "\"}");
    }
    LIT(o, ",\"eventTime\":\"");
    put_time_z(g, g->t_s);
    LIT(o, "\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
           "\"awsRegion\":\"");
    puts_(o, region_of(g));
    LIT(o, "\",\"sourceIPAddress\":\"");
    put_ip(g);
    LIT(o, "\",\"userAgent\":\"");
    puts_(o, PICK(&g->s, browser_agents));
    putc_(o, '"');
    if (failed)
        LIT(o, ",\"errorMessage\":\"Failed authentication\"");
    LIT(o, ",\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":\"");
    puts_(o, failed ? "Failure" : "Success");
    LIT(o, "\"},\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/"
           "home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_");
    puts_(o, region_of(g));
    putc_(o, '_');
    put_hex(o, mix(&g->s), 16, hexdig);
    LIT(o, "\",\"MobileVersion\":\"No\",\"MFAUsed\":\"");
    puts_(o, mfa ? "Yes" : "No");
    LIT(o, "\"},\"eventID\":\"");
    put_guid(o, &g->s);
    LIT(o, "\",\"readOnly\":false");
    put_tail(g, &c, &svc_signin, "AwsConsoleSignIn", 0);
}

static void rec_other(struct gen *g)
{
    static const char *const ct_ops[] = {
        "DescribeTrails", "GetTrailStatus", "LookupEvents", "LookupEvents", "StopLogging",
    };
    struct out *o = &g->o;
    struct caller c;

    pick_caller(g, &c, NULL);
    if (pct(&g->s, 50)) {
        const char *op = PICK(&g->s, ct_ops);
        int stop = strcmp(op, "StopLogging") == 0;

        put_head(g, &c, "1.08", &svc_ct, op, stop && pct(&g->s, 50));
        if (strcmp(op, "LookupEvents") == 0)
            LIT(o, ",\"requestParameters\":{\"maxResults\":50,\"lookupAttributes\":"
                   "[{\"attributeKey\":\"EventName\",\"attributeValue\":\"ConsoleLogin\"}]}");
        else if (strcmp(op, "DescribeTrails") == 0)
            LIT(o, ",\"requestParameters\":{\"includeShadowTrails\":true}");
        else
            LIT(o, ",\"requestParameters\":{\"name\":\"examplecorp-audit\"}");
        LIT(o, ",\"responseElements\":null");
        put_ids(g, 0, !stop);
        put_tail(g, &c, &svc_ct, "AwsApiCall", 0);
    } else {
        put_head(g, &c, "1.08", &svc_sm, "GetSecretValue", pct(&g->s, 8));
        LIT(o, ",\"requestParameters\":{\"secretId\":\"arn:aws:secretsmanager:");
        puts_(o, region_of(g));
        putc_(o, ':');
        puts_(o, acct_of(g));
        LIT(o, ":secret:prod/db/");
        puts_(o, pct(&g->s, 50) ? "postgres-" : "api-key-");
        put_letters(o, &g->s, 6, alnum, 62);
        LIT(o, "\"},\"responseElements\":null");
        put_ids(g, 0, 1);
        put_tail(g, &c, &svc_sm, "AwsApiCall", 0);
    }
}

static void one_record(struct gen *g)
{
    uint32_t r = below(&g->s, 100);
    int global = strcmp(region_of(g), "us-east-1") == 0;

    g->t_s += below(&g->s, 3);   /* 0-2 s apart: ~1 day per 86,000 records */
    if (r < 22)
        rec_s3(g);
    else if (r < 44)
        rec_ec2(g);
    else if (r < 62)
        rec_sts(g);
    else if (r < 77)
        rec_kms(g);
    else if (r < 87)
        global ? rec_iam(g) : rec_ec2(g);   /* IAM logs in us-east-1 */
    else if (r < 92)
        global ? rec_console(g) : rec_ec2(g);
    else
        rec_other(g);
}

/* ---------------------------------------------------------------- output */

/* One gzip (or, mode "wbT", plain) output and whether it is still good. */
struct sinkf {
    gzFile gz;
    const char *path;
    int failed;
    int64_t items;            /* records written since the last open */
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int sink_open(struct sinkf *f, const char *path)
{
    f->path = path;
    f->items = 0;
    /* level 6, zlib's default, as S3 objects are written; "T": no gzip */
    f->gz = gzopen(path, ends_with(path, ".gz") ? "wb6" : "wbT");
    if (!f->gz) {
        fprintf(stderr, "ct_gen: cannot create %s: %s\n", path, strerror(errno));
        f->failed = 1;
        return -1;
    }
    return 0;
}

static void sink_put(struct sinkf *f, const char *p, size_t n)
{
    if (!f->gz || f->failed || n == 0)
        return;
    if (gzwrite(f->gz, p, (unsigned)n) != (int)n) {
        int zerr;

        fprintf(stderr, "ct_gen: cannot write %s: %s\n", f->path, gzerror(f->gz, &zerr));
        f->failed = 1;
    }
}

static int sink_close(struct sinkf *f)
{
    int rc;

    if (!f->gz)
        return f->failed ? -1 : 0;
    rc = gzclose(f->gz);
    f->gz = NULL;
    if (rc != Z_OK && !f->failed) {
        fprintf(stderr, "ct_gen: cannot write %s: %s\n", f->path,
                rc == Z_ERRNO ? strerror(errno) : "zlib error");
        f->failed = 1;
    }
    return f->failed ? -1 : 0;
}

/* Writes one record of a {"Records":[...]} object: the opening or a comma first. */
static void sink_record(struct sinkf *f, const char *p, size_t n)
{
    if (f->items++ == 0)
        sink_put(f, "{\"Records\":[", 12);
    else
        sink_put(f, ",", 1);
    sink_put(f, p, n);
}

static void sink_end_records(struct sinkf *f)
{
    if (f->items == 0)
        sink_put(f, "{\"Records\":[", 12);
    sink_put(f, "]}", 2);
}

/* mkdir -p of path's directories, path included. */
static int make_dirs(char *path)
{
    char *p;

    for (p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                fprintf(stderr, "ct_gen: cannot create %s: %s\n", path, strerror(errno));
                *p = c;
                return -1;
            }
            *p = c;
            if (!c)
                return 0;
        }
    }
}

/*
 * The path of the next object under dir, into path: its account and region
 * are g's, its delivery time the next five-minute mark after the last record
 * (t_last_s), its 16 letters drawn from the stream (always, so the stream
 * does not depend on the outputs). Creates its folder when dir is given.
 */
static int object_path(struct gen *g, const char *dir, int64_t t_last_s, char *path, size_t cap,
                       char *madedir, size_t madecap)
{
    char name[17], folder[512];
    struct out o = { name, 0, NULL, 0 };
    struct day dy = g->day;
    int64_t t = (t_last_s / 300 + 1) * 300;
    int64_t sod = day_of(&dy, t);
    int n;

    put_letters(&o, &g->s, 16, alnum, 62);
    name[16] = '\0';
    if (!dir)
        return 0;
    n = snprintf(folder, sizeof folder, "%s/AWSLogs/%s/CloudTrail/%s/%04d/%02d/%02d", dir,
                 acct_of(g), region_of(g), dy.y, dy.m, dy.d);
    if (n < 0 || (size_t)n >= sizeof folder)
        goto too_long;
    n = snprintf(path, cap, "%s/%s_CloudTrail_%s_%04d%02d%02dT%02d%02dZ_%s.json.gz", folder,
                 acct_of(g), region_of(g), dy.y, dy.m, dy.d, (int)(sod / 3600), (int)(sod / 60 % 60),
                 name);
    if (n < 0 || (size_t)n >= cap)
        goto too_long;
    if (strcmp(folder, madedir) != 0) {
        if (make_dirs(folder) != 0)
            return -1;
        snprintf(madedir, madecap, "%s", folder);
    }
    return 0;
too_long:
    fprintf(stderr, "ct_gen: the path under %s is too long\n", dir);
    return -1;
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
    fputs("usage: ct_gen [-d DIR] [-1 FILE] [-l FILE] FILES RECORDS SEED\n"
          "  writes FILES x RECORDS synthetic CloudTrail records:\n"
          "  -d DIR   as FILES S3 objects of RECORDS records each (.json.gz) under\n"
          "           DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/\n"
          "  -1 FILE  as one {\"Records\":[...]} file (gzip if FILE ends in .gz)\n"
          "  -l FILE  as JSON Lines (gzip if FILE ends in .gz)\n"
          "  every output holds the same records; the same arguments give the same bytes\n",
          stderr);
}

int main(int argc, char **argv)
{
    static struct gen g;   /* static: the world tables are large for a stack */
    struct sinkf tree = { 0 }, one = { 0 }, lines = { 0 };
    const char *dir = NULL, *one_path = NULL, *lines_path = NULL;
    const char *pos[3];
    struct ftl_buf obj = { 0 };
    size_t *ends = NULL;
    char path[1024], madedir[512] = "";
    uint64_t nfiles = 0, nrec = 0, seed = 0, f, i;
    int npos = 0, a, rc = 1;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-d") == 0 && a + 1 < argc) {
            dir = argv[++a];
        } else if (strcmp(argv[a], "-1") == 0 && a + 1 < argc) {
            one_path = argv[++a];
        } else if (strcmp(argv[a], "-l") == 0 && a + 1 < argc) {
            lines_path = argv[++a];
        } else if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
            usage();
            return 0;
        } else if (npos < 3) {
            pos[npos++] = argv[a];
        } else {
            usage();
            return 2;
        }
    }
    if (npos != 3 || parse_u64(pos[0], &nfiles) != 0 || parse_u64(pos[1], &nrec) != 0 ||
        parse_u64(pos[2], &seed) != 0 || (!dir && !one_path && !lines_path)) {
        usage();
        return 2;
    }
    g.s = seed;
    g.t_s = T_START_S;
    g.day.day_s = INT64_MIN / 2;
    g.o.buf = malloc(REC_CAP);
    if (!g.o.buf) {
        fputs("ct_gen: out of memory\n", stderr);
        goto out;
    }
    make_world(&g, seed);
    if (dir && make_dirs((char *)dir) != 0)
        goto out;
    if ((one_path && sink_open(&one, one_path) != 0) ||
        (lines_path && sink_open(&lines, lines_path) != 0))
        goto out;

    /* An object's name needs the time of its last record, known only after
     * them: its records go to obj first (RECORDS x ~1.45 KB), their ends to
     * ends. */
    ends = ftl_xmalloc((size_t)(nrec ? nrec : 1) * sizeof *ends);
    for (f = 0; f < nfiles && !tree.failed && !one.failed && !lines.failed; f++) {
        g.account = weighted(&g.s, account_weight, NELEM(accounts));
        g.region = weighted(&g.s, region_weight, NELEM(regions));
        ftl_buf_reset(&obj);
        for (i = 0; i < nrec; i++) {
            g.o.len = 0;
            one_record(&g);
            ftl_buf_add(&obj, g.o.buf, g.o.len);
            ends[i] = obj.len;
        }
        if (object_path(&g, dir, g.t_s, path, sizeof path, madedir, sizeof madedir) != 0 ||
            (dir && sink_open(&tree, path) != 0))
            goto out;
        for (i = 0; i < nrec; i++) {
            size_t b = i ? ends[i - 1] : 0;

            sink_record(&tree, obj.data + b, ends[i] - b);
            sink_record(&one, obj.data + b, ends[i] - b);
            sink_put(&lines, obj.data + b, ends[i] - b);
            sink_put(&lines, "\n", 1);
        }
        if (dir) {
            sink_end_records(&tree);
            sink_close(&tree);
        }
    }
    if (one_path)
        sink_end_records(&one);
    if (sink_close(&one) != 0 || sink_close(&lines) != 0 || tree.failed)
        goto out;
    rc = 0;
out:
    sink_close(&tree);
    sink_close(&one);
    sink_close(&lines);
    ftl_buf_free(&obj);
    free(ends);
    free(g.o.buf);
    return rc;
}
