/*
 * correlate.c - sessions and link states (see correlate.h,
 * docs/correlation.md).
 *
 * Every identifier that ties events to one credential becomes a node of a
 * union-find forest: Entra tokens ("t:") and sessions ("s:"), Exchange
 * sessions ("x:"), AWS access keys ("k:"), Google principal + address + key
 * ("g:"), Windows logon sessions ("w:"), and every successful sign-in
 * ("e:"). An event joins the nodes of all its identifiers, so linking is one
 * pass with hash lookups: no pairwise comparison of events. A session is a
 * component that holds two or more events.
 *
 * The events table is read once, in id order; what later passes need of an
 * event (ids, times, interned fields) goes to a spill file next to the case,
 * so memory grows with distinct identifiers, not with events:
 *   1. read events: intern identifiers, union them, note sign-ins and the
 *      time each sign-in log file covers;
 *   2. heuristic: an event with no Entra identifier and no link to a sign-in
 *      joins the latest successful sign-in by the same actor from the same
 *      address, at most the window before it;
 *   3. classify every event and gather per-session figures;
 *   4. number sessions by (first time, first event id), write event_links
 *      and sessions.
 */
#include "correlate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ftltime.h"
#include "json.h"
#include "text.h"

static const char *const state_names[FTL_LS_COUNT] = {
    "signin", "failed_signin", "linked", "no_issuance_record", "unlinkable",
};
static const char *const method_names[FTL_LM_COUNT] = {
    NULL, "heuristic", "native", "entra_session", "token",
};

const char *ftl_link_state_name(int state)
{
    return state >= 0 && state < FTL_LS_COUNT ? state_names[state] : "?";
}

const char *ftl_link_method_name(int method)
{
    return method > 0 && method < FTL_LM_COUNT ? method_names[method] : NULL;
}

void ftl_correlate_defaults(struct ftl_correlate_opts *o)
{
    o->window_us = FTL_CORRELATE_WINDOW_US;
    o->coverage_gap_us = FTL_CORRELATE_COVERAGE_GAP_US;
}

/* ---- interned strings: text -> dense id ---- */

struct smap {
    uint64_t *slot;        /* 0 empty, else hash << 32 | (id + 1): a probe
                            * compares hashes without touching the text */
    uint32_t cap;          /* power of two */
    uint32_t n;
    size_t *off;           /* id -> offset in text */
    uint32_t idcap;
    struct ftl_buf text;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static void smap_free(struct smap *m)
{
    free(m->slot);
    free(m->off);
    ftl_buf_free(&m->text);
}

static const char *smap_str(const struct smap *m, int32_t id)
{
    return m->text.data + m->off[id];
}

/* Doubles the table. The hashes are computed again from the text rather
 * than kept, so the old table can go first: no peak of both. */
static void smap_rehash(struct smap *m)
{
    uint32_t cap = m->cap ? m->cap * 2 : 1024, i, j, h;

    free(m->slot);
    m->slot = ftl_xmalloc(cap * sizeof *m->slot);
    memset(m->slot, 0, cap * sizeof *m->slot);
    m->cap = cap;
    for (i = 0; i < m->n; i++) {
        const char *t = smap_str(m, (int32_t)i);

        h = hash_bytes(t, strlen(t));
        for (j = h & (cap - 1); m->slot[j]; j = (j + 1) & (cap - 1))
            ;
        m->slot[j] = (uint64_t)h << 32 | (i + 1);
    }
}

/* The id of s (len bytes), added when add is set; -1 when absent. */
static int32_t smap_id(struct smap *m, const char *s, size_t len, int add)
{
    uint32_t h = hash_bytes(s, len), j;

    if (m->cap) {
        for (j = h & (m->cap - 1); m->slot[j]; j = (j + 1) & (m->cap - 1)) {
            uint32_t id;
            const char *t;

            if ((uint32_t)(m->slot[j] >> 32) != h)
                continue;
            id = (uint32_t)m->slot[j] - 1;
            t = smap_str(m, (int32_t)id);
            if (strncmp(t, s, len) == 0 && t[len] == '\0')
                return (int32_t)id;
        }
    }
    if (!add)
        return -1;
    if (m->n == m->idcap) {
        m->idcap = m->idcap ? m->idcap * 2 : 1024;
        m->off = ftl_xrealloc(m->off, m->idcap * sizeof *m->off);
    }
    m->off[m->n] = m->text.len;
    ftl_buf_add(&m->text, s, len);
    ftl_buf_addch(&m->text, '\0');
    m->n++;
    if ((uint64_t)m->n * 2 > m->cap) {
        smap_rehash(m);   /* places the new string too */
        return (int32_t)(m->n - 1);
    }
    for (j = h & (m->cap - 1); m->slot[j]; j = (j + 1) & (m->cap - 1))
        ;
    m->slot[j] = (uint64_t)h << 32 | m->n;
    return (int32_t)(m->n - 1);
}

static int32_t smap_idz(struct smap *m, const char *s)
{
    return s && *s ? smap_id(m, s, strlen(s), 1) : -1;
}

/* ---- the identifier forest ---- */

/* Key namespaces, by how well they name a session's credential. */
enum { NS_EVENT, NS_HEUR, NS_WIN, NS_GCP, NS_EXO, NS_AWS, NS_TOKEN, NS_ENTRA };
static const struct {
    char prefix;
    const char *label;    /* credential label in sessions.credential */
    const char *shared;   /* reason text for a native link */
} ns_info[] = {
    [NS_EVENT] = { 'e', "signin_event", NULL },
    [NS_HEUR] = { 'h', "event", NULL },
    [NS_WIN] = { 'w', "windows_logon", "same Windows logon session as other events" },
    [NS_GCP] = { 'g', "gcp_principal", "same Google Cloud principal, address and key as other events" },
    [NS_EXO] = { 'x', "exchange_session", "same Exchange session as other events" },
    [NS_AWS] = { 'k', "aws_access_key", "same AWS access key as other events, or one it issued" },
    [NS_TOKEN] = { 't', "token", NULL },
    [NS_ENTRA] = { 's', "entra_session", NULL },
};

enum {
    NF_ON_SIGNIN = 1,   /* key carried by a successful Entra sign-in */
    NF_ANCHORED = 2,    /* (root) the component holds a successful sign-in */
    NF_UNISSUED = 4,    /* (root) it holds a token or Entra session no sign-in carries */
};

struct forest {
    struct smap keys;
    int32_t *parent;
    uint8_t *flags, *count, *ns;   /* count: events carrying the key, saturating */
    int64_t *ref;                  /* first sign-in (t:, s:) or event with the key */
    uint32_t cap;
};

static int32_t key_node(struct forest *f, int ns, const char *v, struct ftl_buf *tmp, int add)
{
    int32_t id;
    uint32_t n0 = f->keys.n;

    ftl_buf_reset(tmp);
    ftl_buf_addch(tmp, ns_info[ns].prefix);
    ftl_buf_addch(tmp, ':');
    ftl_buf_addstr(tmp, v);
    id = smap_id(&f->keys, tmp->data, tmp->len, add);
    if (id >= 0 && f->keys.n != n0) {
        if (f->keys.n > f->cap) {
            f->cap = f->cap ? f->cap * 2 : 1024;
            f->parent = ftl_xrealloc(f->parent, f->cap * sizeof *f->parent);
            f->flags = ftl_xrealloc(f->flags, f->cap);
            f->count = ftl_xrealloc(f->count, f->cap);
            f->ns = ftl_xrealloc(f->ns, f->cap);
            f->ref = ftl_xrealloc(f->ref, f->cap * sizeof *f->ref);
        }
        f->parent[id] = id;
        f->flags[id] = 0;
        f->count[id] = 0;
        f->ns[id] = (uint8_t)ns;
        f->ref[id] = 0;
    }
    return id;
}

static int32_t find(struct forest *f, int32_t x)
{
    while (f->parent[x] != x) {
        f->parent[x] = f->parent[f->parent[x]];
        x = f->parent[x];
    }
    return x;
}

/* The smaller root wins, so the forest depends only on the input order. */
static void unite(struct forest *f, int32_t a, int32_t b)
{
    if (a < 0 || b < 0)
        return;
    a = find(f, a);
    b = find(f, b);
    if (a == b)
        return;
    if (b < a) {
        int32_t t = a;
        a = b;
        b = t;
    }
    f->parent[b] = a;
    f->flags[a] |= f->flags[b] & (NF_ANCHORED | NF_UNISSUED);
}

static void forest_free(struct forest *f)
{
    smap_free(&f->keys);
    free(f->parent);
    free(f->flags);
    free(f->count);
    free(f->ns);
    free(f->ref);
}

/* ---- one event, as the later passes need it ---- */

enum {
    K_SIGNIN = 1,     /* category signin (not a logoff) */
    K_SUCCESS = 2,    /* outcome success */
    K_ENTRA = 4,      /* source entra_signin: an issuance record */
    K_HEUR = 8,       /* joined a sign-in by the heuristic (pass 2) */
    K_FAILURE = 16,   /* outcome failure (else unknown, when not success) */
};

struct crec {
    int64_t id, ts, check_ts;   /* check_ts: the time sign-in logs must cover */
    int32_t tkey, skey, nkey, xkey, self;
    int32_t actor, ip, app, ua, pair, tenant;
    uint32_t kind;
};

/* a successful sign-in, for the heuristic */
struct sref {
    int32_t pair, self;
    int64_t ts, id;
};

/* time covered by one sign-in log file, for one tenant and kind */
struct cov {
    int64_t evidence;
    int32_t tenant;     /* -1: the logs name no tenant */
    int kind;           /* 0 interactive, 1 non-interactive, 2 other */
    int64_t first, last, events;
};

static const char *const cov_kinds[] = { "interactive", "non_interactive", "other" };

struct ctx {
    struct ftl_store *s;
    struct ftl_correlate_opts o;
    struct ftl_correlate_report *r;
    struct ftl_error *err;
    struct forest f;
    struct smap actors, ips, apps, uas, pairs, tenants;
    struct sref *si;
    size_t nsi, capsi;
    int32_t *pair_start;          /* sign-ins of pair p: si[pair_start[p] .. pair_start[p+1]) */
    struct cov *cov, *merged;
    size_t ncov, capcov, nmerged;
    FILE *spill;
    int64_t nrec;
    struct ftl_buf tmp, reason;
};

/* Windows logon ids that every boot reuses for the system's own sessions. */
static int wellknown_logon(const char *key)
{
    const char *id = strrchr(key, '/');

    if (!id)
        return 1;
    id++;
    return strcasecmp(id, "0x3e7") == 0 || strcasecmp(id, "0x3e4") == 0 ||
           strcasecmp(id, "0x3e5") == 0 || strcasecmp(id, "0x0") == 0 || !*id;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char realm(const char *source)
{
    static const struct {
        const char *source;
        char realm;
    } realms[] = {
        { "entra_signin", 'm' }, { "m365_ual", 'm' }, { "azure_activity", 'm' },
        { "exchange_mailbox_audit", 'm' }, { "exchange_admin_audit", 'm' },
        { "aws_cloudtrail", 'a' }, { "gcp_audit", 'g' }, { "windows_event_xml", 'w' },
    };
    size_t i;

    for (i = 0; source && i < sizeof realms / sizeof realms[0]; i++)
        if (strcmp(source, realms[i].source) == 0)
            return realms[i].realm;
    return '?';
}

static int cov_kind(const char *action)
{
    if (action && strcmp(action, "UserSignIn") == 0)
        return 0;
    if (action && strcmp(action, "NonInteractiveUserSignIn") == 0)
        return 1;
    return 2;
}

static void note_coverage(struct ctx *c, int64_t evidence, int32_t tenant, int kind, int64_t ts)
{
    struct cov *v = NULL;
    size_t i;

    /* events arrive file by file: the last entries are the likely ones */
    for (i = c->ncov; i-- > 0 && c->cov[i].evidence == evidence;)
        if (c->cov[i].tenant == tenant && c->cov[i].kind == kind) {
            v = &c->cov[i];
            break;
        }
    if (!v) {
        for (i = 0; i < c->ncov; i++)
            if (c->cov[i].evidence == evidence && c->cov[i].tenant == tenant &&
                c->cov[i].kind == kind) {
                v = &c->cov[i];
                break;
            }
    }
    if (!v) {
        if (c->ncov == c->capcov) {
            c->capcov = c->capcov ? c->capcov * 2 : 64;
            c->cov = ftl_xrealloc(c->cov, c->capcov * sizeof *c->cov);
        }
        v = &c->cov[c->ncov++];
        v->evidence = evidence;
        v->tenant = tenant;
        v->kind = kind;
        v->first = v->last = ts;
        v->events = 0;
    }
    if (ts < v->first)
        v->first = ts;
    if (ts > v->last)
        v->last = ts;
    v->events++;
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);

    return v && *v ? v : NULL;
}

static const char read_sql[] =
    "SELECT id, ts, evidence_id, source, category, action, outcome, actor, src_ip,"
    " app_id, user_agent, session_key, token_id,"
    " CASE source WHEN 'm365_ual' THEN json_extract(attrs, '$.aad_session_id') END,"
    " CASE source WHEN 'm365_ual' THEN json_extract(attrs, '$.token_issued_at') END,"
    " CASE source WHEN 'm365_ual' THEN json_extract(attrs, '$.organization_id')"
    "  WHEN 'entra_signin' THEN coalesce(json_extract(attrs, '$.resource_tenant_id'),"
    "   json_extract(attrs, '$.tenant_id'), json_extract(attrs, '$.home_tenant_id'))"
    "  WHEN 'azure_activity' THEN json_extract(attrs, '$.tenant') END,"
    " CASE source WHEN 'aws_cloudtrail' THEN json_extract(attrs, '$.issued_access_key') END"
    " FROM events ORDER BY id";

/* Lower-cased copy of s in c->reason (reused as scratch here). */
static const char *lower(struct ctx *c, const char *s)
{
    ftl_buf_reset(&c->reason);
    ftl_lower_trim(&c->reason, s);
    return c->reason.data;
}

static void read_event(struct ctx *c, sqlite3_stmt *st, struct crec *e)
{
    const char *source = col(st, 3), *category = col(st, 4), *action = col(st, 5);
    const char *outcome = col(st, 6), *actor = col(st, 7), *ip = col(st, 8);
    const char *skey = col(st, 11), *token = col(st, 12), *aad = col(st, 13);
    const char *issued_at = col(st, 14), *tenant = col(st, 15), *issued_key = col(st, 16);
    char ipbuf[FTL_IP_MAX];
    int64_t t;
    int entra = source && strcmp(source, "entra_signin") == 0;
    int32_t keys[5], first;
    int i;

    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
    e->ts = e->check_ts = sqlite3_column_int64(st, 1);
    e->tkey = e->skey = e->nkey = e->xkey = e->self = -1;
    e->actor = smap_idz(&c->actors, actor);
    ip = ip ? ftl_ip_normalize(ip, ipbuf) : NULL;
    e->ip = smap_idz(&c->ips, ip);
    e->app = smap_idz(&c->apps, col(st, 9));
    e->ua = smap_idz(&c->uas, col(st, 10));
    e->tenant = tenant ? smap_idz(&c->tenants, lower(c, tenant)) : -1;
    if (actor && ip) {
        /* heuristic links stay within one identity provider: an Entra sign-in
         * does not vouch for Google or AWS activity of a same-named user */
        ftl_buf_reset(&c->tmp);
        ftl_buf_addf(&c->tmp, "%c\x1f%s\x1f%s", realm(source), actor, ip);
        e->pair = smap_id(&c->pairs, c->tmp.data, c->tmp.len, 1);
    } else
        e->pair = -1;
    if (category && strcmp(category, "signin") == 0 && action &&
        !ends_with(action, ":4634") && !ends_with(action, ":4647"))
        e->kind |= K_SIGNIN;
    if (outcome && strcmp(outcome, "success") == 0)
        e->kind |= K_SUCCESS;
    else if (outcome && strcmp(outcome, "failure") == 0)
        e->kind |= K_FAILURE;
    if (entra) {
        e->kind |= K_ENTRA;
        note_coverage(c, sqlite3_column_int64(st, 2), e->tenant, cov_kind(action), e->ts);
    }
    if ((e->kind & K_SIGNIN) && !(e->kind & K_SUCCESS))
        return;   /* a failed sign-in issued nothing: no identifiers */

    if (entra) {
        if (token)
            e->tkey = key_node(&c->f, NS_TOKEN, token, &c->tmp, 1);
        if (skey)
            e->skey = key_node(&c->f, NS_ENTRA, lower(c, skey), &c->tmp, 1);
    } else if (source && strcmp(source, "m365_ual") == 0) {
        if (token)
            e->tkey = key_node(&c->f, NS_TOKEN, token, &c->tmp, 1);
        if (aad)
            e->skey = key_node(&c->f, NS_ENTRA, lower(c, aad), &c->tmp, 1);
        if (skey)
            e->nkey = key_node(&c->f, NS_EXO, lower(c, skey), &c->tmp, 1);
        /* the token's issue time is what sign-in logs must cover */
        if (issued_at && ftl_time_parse_any(issued_at, strlen(issued_at), &t) == 0 &&
            t <= e->ts)
            e->check_ts = t;
    } else if (source && strcmp(source, "azure_activity") == 0) {
        if (token)
            e->tkey = key_node(&c->f, NS_TOKEN, token, &c->tmp, 1);
    } else if (source && strcmp(source, "aws_cloudtrail") == 0) {
        if (skey)
            e->nkey = key_node(&c->f, NS_AWS, skey, &c->tmp, 1);
        if (issued_key)
            e->xkey = key_node(&c->f, NS_AWS, issued_key, &c->tmp, 1);
    } else if (source && strcmp(source, "gcp_audit") == 0) {
        if (actor && ip) {
            struct ftl_buf *b = &c->reason;

            ftl_buf_reset(b);
            ftl_buf_addf(b, "%s|%s|%s", actor, ip, skey ? skey : "");
            e->nkey = key_node(&c->f, NS_GCP, b->data, &c->tmp, 1);
        }
    } else if (source && strcmp(source, "windows_event_xml") == 0) {
        if (skey && !wellknown_logon(skey))
            e->nkey = key_node(&c->f, NS_WIN, lower(c, skey), &c->tmp, 1);
    }
    if ((e->kind & (K_SIGNIN | K_SUCCESS)) == (K_SIGNIN | K_SUCCESS)) {
        char idtext[24];

        snprintf(idtext, sizeof idtext, "%lld", (long long)e->id);
        e->self = key_node(&c->f, NS_EVENT, idtext, &c->tmp, 1);
        c->f.flags[e->self] |= NF_ANCHORED;
        c->f.ref[e->self] = e->id;
        if (e->pair >= 0) {
            if (c->nsi == c->capsi) {
                c->capsi = c->capsi ? c->capsi * 2 : 1024;
                c->si = ftl_xrealloc(c->si, c->capsi * sizeof *c->si);
            }
            c->si[c->nsi].pair = e->pair;
            c->si[c->nsi].self = e->self;
            c->si[c->nsi].ts = e->ts;
            c->si[c->nsi].id = e->id;
            c->nsi++;
        }
    }
    keys[0] = e->tkey;
    keys[1] = e->skey;
    keys[2] = e->nkey;
    keys[3] = e->xkey;
    keys[4] = e->self;
    for (i = 0; i < 5; i++) {
        int32_t k = keys[i];

        if (k < 0)
            continue;
        if (c->f.count[k] < 255)
            c->f.count[k]++;
        if (entra && (e->kind & K_SUCCESS) && (i == 0 || i == 1)) {
            if (!(c->f.flags[k] & NF_ON_SIGNIN))
                c->f.ref[k] = e->id;
            c->f.flags[k] |= NF_ON_SIGNIN;
        } else if (!c->f.ref[k])
            c->f.ref[k] = e->id;
    }
    for (i = 0, first = -1; i < 5; i++) {
        if (keys[i] < 0)
            continue;
        if (first < 0)
            first = keys[i];
        else
            unite(&c->f, first, keys[i]);
    }
}

static ftl_rc io_error(struct ctx *c, const char *what)
{
    return ftl_error_set(c->err, FTL_EIO, "correlate: %s the scratch file beside %s: %s",
                         what, ftl_store_path(c->s), strerror(errno));
}

static ftl_rc sql_fail(struct ctx *c, const char *what)
{
    sqlite3 *db = ftl_store_db(c->s);

    if (sqlite3_errcode(db) == SQLITE_FULL)
        return ftl_error_set(c->err, FTL_EIO, "disk full writing %s (%s)",
                             ftl_store_path(c->s), what);
    return ftl_error_set(c->err, FTL_ESQL, "%s: %s: %s", ftl_store_path(c->s), what,
                         sqlite3_errmsg(db));
}

static ftl_rc pass_read(struct ctx *c)
{
    sqlite3_stmt *st = NULL;
    struct crec e;
    int rc;

    if (sqlite3_prepare_v2(ftl_store_db(c->s), read_sql, -1, &st, NULL) != SQLITE_OK)
        return sql_fail(c, "reading events");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_event(c, st, &e);
        if (fwrite(&e, sizeof e, 1, c->spill) != 1) {
            sqlite3_finalize(st);
            return io_error(c, "cannot write");
        }
        c->nrec++;
    }
    if (rc != SQLITE_DONE) {
        ftl_rc out = sql_fail(c, "reading events");

        sqlite3_finalize(st);
        return out;
    }
    sqlite3_finalize(st);
    return FTL_OK;
}

/* -1, 0 or 1, for qsort comparators */
static int cmp64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_sref(const void *a, const void *b)
{
    const struct sref *x = a, *y = b;
    int d = cmp64(x->pair, y->pair);

    if (!d)
        d = cmp64(x->ts, y->ts);
    return d ? d : cmp64(x->id, y->id);
}

static void index_signins(struct ctx *c)
{
    size_t i;
    uint32_t p;

    if (c->nsi)
        qsort(c->si, c->nsi, sizeof *c->si, cmp_sref);
    c->pair_start = ftl_xmalloc((c->pairs.n + 1) * sizeof *c->pair_start);
    for (p = 0, i = 0; p <= c->pairs.n; p++) {
        while (i < c->nsi && (uint32_t)c->si[i].pair < p)
            i++;
        c->pair_start[p] = (int32_t)i;
    }
}

/* The latest successful sign-in of e's actor and address at most the window
 * before e, or NULL. */
static const struct sref *heuristic_signin(const struct ctx *c, const struct crec *e)
{
    int32_t lo, hi;

    if (e->pair < 0)
        return NULL;
    lo = c->pair_start[e->pair];
    hi = c->pair_start[e->pair + 1];
    /* first sign-in after e->ts */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;

        if (c->si[mid].ts <= e->ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == c->pair_start[e->pair])
        return NULL;
    if (e->ts - c->si[lo - 1].ts > c->o.window_us)
        return NULL;
    return &c->si[lo - 1];
}

static int32_t first_key(const struct crec *e)
{
    return e->tkey >= 0 ? e->tkey : e->skey >= 0 ? e->skey : e->nkey >= 0 ? e->nkey
         : e->xkey >= 0 ? e->xkey : e->self;
}

static int is_signin(const struct crec *e)
{
    return (e->kind & K_SIGNIN) != 0;
}

static int rewind_spill(struct ctx *c)
{
    return fflush(c->spill) == 0 && fseek(c->spill, 0, SEEK_SET) == 0;
}

/* A heuristic candidate: no Entra identifier (those must match or stand
 * unlinked), not a sign-in, and no sign-in in its component yet. Sets *root
 * (-1 for an event with no identifier) and returns the sign-in it follows. */
static const struct sref *candidate(struct ctx *c, const struct crec *e, int32_t *root)
{
    int32_t node = first_key(e);

    *root = -1;
    if (is_signin(e) || e->tkey >= 0 || e->skey >= 0)
        return NULL;
    if (node >= 0) {
        *root = find(&c->f, node);
        /* a component that holds a token no sign-in issued must not be
         * tied to a sign-in by an address: that would hide it */
        if (c->f.flags[*root] & (NF_ANCHORED | NF_UNISSUED))
            return NULL;
    }
    return heuristic_signin(c, e);
}

static int earlier(const struct sref *a, int64_t a_ev_ts, const struct sref *b, int64_t b_ev_ts)
{
    if (a_ev_ts != b_ev_ts)
        return a_ev_ts < b_ev_ts;
    if (a->ts != b->ts)
        return a->ts < b->ts;
    return a->id < b->id;
}

/*
 * Pass 2: the heuristic. A component (say an Exchange session) joins the
 * sign-in that its earliest matching event follows; an event with no
 * identifier joins the sign-in it follows. Matches are chosen against the
 * components as pass 1 left them and joined afterwards, so the result does
 * not depend on the order events were imported in.
 */
static ftl_rc pass_heuristic(struct ctx *c)
{
    uint32_t n = c->f.keys.n, k;
    int32_t *best = ftl_xmalloc((n ? n : 1) * sizeof *best);
    int64_t *best_ts = ftl_xmalloc((n ? n : 1) * sizeof *best_ts);
    int32_t *loose = NULL;   /* h: node, sign-in index pairs */
    size_t nloose = 0, caploose = 0, j;
    struct crec e;
    int64_t i;
    int round;
    ftl_rc out = FTL_OK;

    for (k = 0; k < n; k++) {
        best[k] = -1;
        /* pass 1 is over, so "carried by a sign-in" is final */
        if ((c->f.ns[k] == NS_TOKEN || c->f.ns[k] == NS_ENTRA) && !(c->f.flags[k] & NF_ON_SIGNIN))
            c->f.flags[find(&c->f, (int32_t)k)] |= NF_UNISSUED;
    }
    /* round 0 picks each component's sign-in; round 1 marks the events */
    for (round = 0; round < 2 && out == FTL_OK; round++) {
        if (!rewind_spill(c)) {
            out = io_error(c, "cannot rewind");
            break;
        }
        for (i = 0; i < c->nrec; i++) {
            const struct sref *sr;
            int32_t root, node;

            if (fread(&e, sizeof e, 1, c->spill) != 1) {
                out = io_error(c, "cannot read");
                break;
            }
            sr = candidate(c, &e, &root);
            if (!sr)
                continue;
            if (round == 0) {
                if (root >= 0 && (best[root] < 0 ||
                                  earlier(sr, e.ts, &c->si[best[root]], best_ts[root]))) {
                    best[root] = (int32_t)(sr - c->si);
                    best_ts[root] = e.ts;
                }
                continue;
            }
            if (root >= 0 && best[root] != (int32_t)(sr - c->si))
                continue;   /* its component follows another sign-in: native */
            if (root < 0) {
                char idtext[24];

                snprintf(idtext, sizeof idtext, "%lld", (long long)e.id);
                node = key_node(&c->f, NS_HEUR, idtext, &c->tmp, 1);
                c->f.count[node] = 1;
                c->f.ref[node] = e.id;
                if (nloose + 2 > caploose) {
                    caploose = caploose ? caploose * 2 : 256;
                    loose = ftl_xrealloc(loose, caploose * sizeof *loose);
                }
                loose[nloose++] = node;
                loose[nloose++] = sr->self;
            }
            e.kind |= K_HEUR;
            if (fseek(c->spill, -(long)sizeof e, SEEK_CUR) != 0 ||
                fwrite(&e, sizeof e, 1, c->spill) != 1 || fseek(c->spill, 0, SEEK_CUR) != 0) {
                out = io_error(c, "cannot update");
                break;
            }
        }
    }
    if (out == FTL_OK) {
        for (k = 0; k < n; k++)
            if (best[k] >= 0)
                unite(&c->f, (int32_t)k, c->si[best[k]].self);
        for (j = 0; j < nloose; j += 2)
            unite(&c->f, loose[j], loose[j + 1]);
    }
    free(best);
    free(best_ts);
    free(loose);
    return out;
}

/* ---- sign-in coverage ---- */

static int cmp_cov(const void *a, const void *b)
{
    const struct cov *x = a, *y = b;
    int d = cmp64(x->tenant, y->tenant);

    if (!d)
        d = cmp64(x->kind, y->kind);
    if (!d)
        d = cmp64(x->first, y->first);
    return d ? d : cmp64(x->last, y->last);
}

/* Files of one tenant and kind whose ranges overlap or lie within the gap
 * of each other make one covered period. */
static void merge_coverage(struct ctx *c)
{
    size_t i;

    if (c->ncov)
        qsort(c->cov, c->ncov, sizeof *c->cov, cmp_cov);
    c->merged = ftl_xmalloc((c->ncov ? c->ncov : 1) * sizeof *c->merged);
    for (i = 0; i < c->ncov; i++) {
        struct cov *m = c->nmerged ? &c->merged[c->nmerged - 1] : NULL;

        if (m && m->tenant == c->cov[i].tenant && m->kind == c->cov[i].kind &&
            c->cov[i].first - m->last <= c->o.coverage_gap_us) {
            if (c->cov[i].last > m->last)
                m->last = c->cov[i].last;
            m->events += c->cov[i].events;
        } else
            c->merged[c->nmerged++] = c->cov[i];
    }
}

/* Is t covered for kind, by the logs of tenant (or logs naming no tenant;
 * an event naming no tenant takes any)? */
static int covered(const struct ctx *c, int32_t tenant, int kind, int64_t t)
{
    size_t i;

    for (i = 0; i < c->nmerged; i++) {
        const struct cov *m = &c->merged[i];

        if (m->kind == kind && (tenant < 0 || m->tenant < 0 || m->tenant == tenant) &&
            m->first <= t && t <= m->last)
            return 1;
    }
    return 0;
}

static int tenant_has_logs(const struct ctx *c, int32_t tenant)
{
    size_t i;

    for (i = 0; i < c->nmerged; i++)
        if (tenant < 0 || c->merged[i].tenant < 0 || c->merged[i].tenant == tenant)
            return 1;
    return 0;
}

/* ---- pass 3 and 4: classify ---- */

struct verdict {
    int state, method;
    int32_t root;    /* component, or -1 */
};

static void say_time(struct ftl_buf *b, int64_t ts)
{
    char t[FTL_TIME_ISO_LEN + 1];

    ftl_time_format(ts, t);
    ftl_buf_addstr(b, t);
}

/* The event's state and method; with why != NULL, also the reason. */
static void classify(struct ctx *c, const struct crec *e, struct verdict *v, struct ftl_buf *why)
{
    int32_t node = first_key(e);

    if (node < 0 && (e->kind & K_HEUR)) {
        char idtext[24];

        snprintf(idtext, sizeof idtext, "%lld", (long long)e->id);
        node = key_node(&c->f, NS_HEUR, idtext, &c->tmp, 0);
    }
    v->root = node >= 0 ? find(&c->f, node) : -1;
    v->method = FTL_LM_NONE;
    if (why)
        ftl_buf_reset(why);
    if (is_signin(e) && !(e->kind & K_SUCCESS)) {
        v->state = FTL_LS_FAILED_SIGNIN;
        if (why)
            ftl_buf_addstr(why, (e->kind & K_FAILURE)
                                    ? "failed sign-in: nothing was issued"
                                    : "sign-in with no success status: counted as issuing nothing");
        return;
    }
    if (is_signin(e)) {
        v->state = FTL_LS_SIGNIN;
        if (why)
            ftl_buf_addstr(why, "successful sign-in: a credential was issued");
        return;
    }
    v->state = FTL_LS_LINKED;
    if (e->tkey >= 0 && (c->f.flags[e->tkey] & NF_ON_SIGNIN)) {
        v->method = FTL_LM_TOKEN;
        if (why)
            ftl_buf_addf(why, "token issued by sign-in event %lld", (long long)c->f.ref[e->tkey]);
        return;
    }
    if (e->skey >= 0 && (c->f.flags[e->skey] & NF_ON_SIGNIN)) {
        v->method = FTL_LM_ENTRA_SESSION;
        if (why)
            ftl_buf_addf(why, "Entra session of sign-in event %lld", (long long)c->f.ref[e->skey]);
        return;
    }
    if (e->tkey >= 0 || e->skey >= 0) {
        int ci = covered(c, e->tenant, 0, e->check_ts);
        int cn = covered(c, e->tenant, 1, e->check_ts);

        v->state = ci && cn ? FTL_LS_NO_ISSUANCE : FTL_LS_UNLINKABLE;
        if (!why)
            return;
        ftl_buf_addstr(why, e->tkey >= 0 && e->skey >= 0
                                ? "neither its token nor its Entra session matches a sign-in"
                            : e->tkey >= 0 ? "its token matches no sign-in"
                                           : "its Entra session matches no sign-in");
        ftl_buf_addstr(why, v->state == FTL_LS_NO_ISSUANCE ? ", and the sign-in logs"
                                                           : "; the sign-in logs");
        if (e->tenant >= 0)
            ftl_buf_addf(why, " of tenant %s", smap_str(&c->tenants, e->tenant));
        if (v->state == FTL_LS_NO_ISSUANCE)
            ftl_buf_addstr(why, " cover ");
        else if (!tenant_has_logs(c, e->tenant))
            ftl_buf_addstr(why, " were not imported, so nothing can be said about ");
        else
            ftl_buf_addf(why, " do not cover (%s) ",
                         !ci && !cn ? "no interactive or non-interactive sign-ins"
                         : !ci ? "no interactive sign-ins" : "no non-interactive sign-ins");
        say_time(why, e->check_ts);
        if (e->check_ts != e->ts)
            ftl_buf_addstr(why, " (token issue time)");
        return;
    }
    if (e->kind & K_HEUR) {
        const struct sref *sr = heuristic_signin(c, e);

        v->method = FTL_LM_HEURISTIC;
        if (why && sr)
            ftl_buf_addf(why, "same actor and address %lld s after sign-in event %lld "
                              "(heuristic)",
                         (long long)((e->ts - sr->ts) / 1000000), (long long)sr->id);
        return;
    }
    if ((e->nkey >= 0 && c->f.count[e->nkey] > 1) || (e->xkey >= 0 && c->f.count[e->xkey] > 1) ||
        (v->root >= 0 && (c->f.flags[v->root] & NF_ANCHORED))) {
        int32_t k = e->nkey >= 0 && c->f.count[e->nkey] > 1 ? e->nkey
                  : e->xkey >= 0 ? e->xkey : e->nkey;

        v->method = FTL_LM_NATIVE;
        if (why)
            ftl_buf_addstr(why, ns_info[c->f.ns[k]].shared);
        return;
    }
    v->state = FTL_LS_UNLINKABLE;
    if (!why)
        return;
    if (node >= 0)
        ftl_buf_addf(why, "its %s appears on no other event; ", ns_info[c->f.ns[node]].label);
    if (e->actor < 0 && e->ip < 0)
        ftl_buf_addstr(why, "no identifier, actor or address to link by");
    else if (e->pair < 0)
        ftl_buf_addf(why, "no identifier, and no %s to link by", e->ip < 0 ? "address" : "actor");
    else
        ftl_buf_addf(why, "no successful sign-in by this actor from this address in the "
                          "%lld min before",
                     (long long)(c->o.window_us / 60000000));
}

/* per-component figures (indexed by root node) */
struct comp {
    int64_t first_ts, last_ts, min_id, anchor_id, anchor_ts;
    int64_t cred_ts;
    int32_t count, first_actor, anchor_actor, cred, sid;
    uint8_t best, noiss, unl, cred_rank;
    int32_t nval[3];
};

/* distinct (session slot, kind, value), with the first time each was seen */
struct dval {
    int32_t root, value;
    int kind;
    int64_t ts;
};

struct vset {
    uint64_t *key;      /* 0 empty, else packed (root, kind, value) + 1 */
    uint32_t *idx;      /* slot -> list index */
    size_t cap, n;
    struct dval *list;
    size_t caplist;
    const struct smap *maps[3];   /* for ordering ties by text */
};

static void vset_place(struct vset *s, uint64_t k, uint32_t idx)
{
    size_t j;

    for (j = hash_bytes((const char *)&k, 8) & (s->cap - 1); s->key[j]; j = (j + 1) & (s->cap - 1))
        ;
    s->key[j] = k;
    s->idx[j] = idx;
}

/* Adds the value; returns 1 when it is new for the component. */
static int vset_add(struct vset *s, int32_t root, int kind, int32_t value, int64_t ts)
{
    uint64_t k = ((uint64_t)(uint32_t)root << 34 | (uint64_t)kind << 32 | (uint32_t)value) + 1;
    size_t j;

    if ((s->n + 1) * 2 > s->cap) {
        uint64_t *oldk = s->key;
        uint32_t *oldi = s->idx;
        size_t oldcap = s->cap, i;

        s->cap = s->cap ? s->cap * 2 : 4096;
        s->key = ftl_xmalloc(s->cap * sizeof *s->key);
        s->idx = ftl_xmalloc(s->cap * sizeof *s->idx);
        memset(s->key, 0, s->cap * sizeof *s->key);
        for (i = 0; i < oldcap; i++)
            if (oldk[i])
                vset_place(s, oldk[i], oldi[i]);
        free(oldk);
        free(oldi);
    }
    for (j = hash_bytes((const char *)&k, 8) & (s->cap - 1); s->key[j]; j = (j + 1) & (s->cap - 1))
        if (s->key[j] == k) {
            struct dval *d = &s->list[s->idx[j]];

            if (ts < d->ts)
                d->ts = ts;
            return 0;
        }
    if (s->n == s->caplist) {
        s->caplist = s->caplist ? s->caplist * 2 : 1024;
        s->list = ftl_xrealloc(s->list, s->caplist * sizeof *s->list);
    }
    s->list[s->n].root = root;
    s->list[s->n].kind = kind;
    s->list[s->n].value = value;
    s->list[s->n].ts = ts;
    vset_place(s, k, (uint32_t)s->n);
    s->n++;
    return 1;
}

static void vset_free(struct vset *s)
{
    free(s->key);
    free(s->idx);
    free(s->list);
}

static const struct vset *sort_vset;   /* qsort has no context argument */

/* by component, kind, first seen, then text: independent of import order */
static int cmp_dval(const void *a, const void *b)
{
    const struct dval *x = a, *y = b;
    int d = cmp64(x->root, y->root);

    if (!d)
        d = cmp64(x->kind, y->kind);
    if (!d)
        d = cmp64(x->ts, y->ts);
    if (d)
        return d;
    return strcmp(smap_str(sort_vset->maps[x->kind], x->value),
                  smap_str(sort_vset->maps[y->kind], y->value));
}

static int cred_rank(int ns)
{
    return ns == NS_EVENT || ns == NS_HEUR ? 1 : ns + 2;
}

/* Adds e to session slot k's figures. */
static void tally(struct ctx *c, struct comp *m, int32_t k, struct vset *vs, const struct crec *e,
                  const struct verdict *v)
{
    int32_t keys[5] = { e->tkey, e->skey, e->nkey, e->xkey, e->self };
    int i;

    if (m->count == 0 || e->ts < m->first_ts) {
        m->first_ts = e->ts;
        m->first_actor = e->actor;
    }
    if (m->count == 0) {
        m->min_id = e->id;   /* events come in id order */
        m->last_ts = e->ts;
    }
    if (e->ts > m->last_ts)
        m->last_ts = e->ts;
    m->count++;
    if (v->state == FTL_LS_SIGNIN && (m->anchor_id == 0 || e->ts < m->anchor_ts)) {
        m->anchor_id = e->id;
        m->anchor_ts = e->ts;
        m->anchor_actor = e->actor;
    }
    if (v->state == FTL_LS_LINKED && v->method > m->best)
        m->best = (uint8_t)v->method;
    if (v->state == FTL_LS_NO_ISSUANCE)
        m->noiss = 1;
    if (v->state == FTL_LS_UNLINKABLE)
        m->unl = 1;
    for (i = 0; i < 5; i++)
        if (keys[i] >= 0 && (cred_rank(c->f.ns[keys[i]]) > m->cred_rank ||
                             (cred_rank(c->f.ns[keys[i]]) == m->cred_rank && e->ts < m->cred_ts))) {
            m->cred_rank = (uint8_t)cred_rank(c->f.ns[keys[i]]);
            m->cred = keys[i];
            m->cred_ts = e->ts;
        }
    if (e->ip >= 0 && vset_add(vs, k, 0, e->ip, e->ts))
        m->nval[0]++;
    if (e->app >= 0 && vset_add(vs, k, 1, e->app, e->ts))
        m->nval[1]++;
    if (e->ua >= 0 && vset_add(vs, k, 2, e->ua, e->ts))
        m->nval[2]++;
}

struct sorted_root {
    int64_t first_ts, min_id;
    int32_t slot;
    const char *cred;
};

/* Session ids: by first time, then credential text, then first event id,
 * so importing the same evidence in another order gives the same ids
 * unless two sessions start in the same microsecond with the same
 * credential. */
static int cmp_root(const void *a, const void *b)
{
    const struct sorted_root *x = a, *y = b;
    int d = cmp64(x->first_ts, y->first_ts);

    if (!d)
        d = strcmp(x->cred, y->cred);
    return d ? d : cmp64(x->min_id, y->min_id);
}

/* Session state and method from its members. */
static int comp_state(const struct comp *m)
{
    if (m->anchor_id)
        return FTL_LS_LINKED;
    if (m->noiss)
        return FTL_LS_NO_ISSUANCE;
    if (m->unl && !m->best)
        return FTL_LS_UNLINKABLE;
    return FTL_LS_LINKED;
}

static const char *comp_method(const struct comp *m)
{
    int state = comp_state(m);

    if (state != FTL_LS_LINKED)
        return "none";
    if (m->best)
        return method_names[m->best];
    return "signin";
}

#define LIST_MAX 32   /* values kept in sessions.*_list */

static void write_list(struct ftl_buf *b, const struct dval *d, size_t n, const struct smap *m)
{
    size_t i;

    ftl_buf_reset(b);
    ftl_buf_addch(b, '[');
    for (i = 0; i < n && i < LIST_MAX; i++) {
        const char *s = smap_str(m, d[i].value);

        if (i)
            ftl_buf_addch(b, ',');
        ftl_json_escape(b, s, strlen(s));
    }
    ftl_buf_addch(b, ']');
}

static ftl_rc write_sessions(struct ctx *c, struct comp *cp, struct sorted_root *sr, size_t nsr,
                             struct vset *vs)
{
    static const char sql[] =
        "INSERT INTO sessions (id, state, link_method, credential, actor, first_ts, last_ts,"
        " anchor_event_id, events, ips, apps, user_agents, ip_list, app_list, user_agent_list)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    const struct smap *maps[3] = { &c->ips, &c->apps, &c->uas };
    sqlite3_stmt *st = NULL;
    struct ftl_buf lists[3] = { { 0 } }, cred = { 0 };
    size_t i;
    ftl_rc out = FTL_OK;
    int k;

    if (sqlite3_prepare_v2(ftl_store_db(c->s), sql, -1, &st, NULL) != SQLITE_OK)
        return sql_fail(c, "writing sessions");
    sort_vset = vs;
    if (vs->n)
        qsort(vs->list, vs->n, sizeof *vs->list, cmp_dval);
    for (i = 0; i < nsr && out == FTL_OK; i++) {
        const struct comp *m = &cp[sr[i].slot];
        int state = comp_state(m);
        int32_t actor;

        for (k = 0; k < 3; k++) {
            size_t a, b;

            /* vs->list is sorted by root; find this root's values of kind k */
            for (a = 0, b = vs->n; a < b;) {
                size_t mid = a + (b - a) / 2;
                const struct dval *x = &vs->list[mid];

                if (x->root < sr[i].slot || (x->root == sr[i].slot && x->kind < k))
                    a = mid + 1;
                else
                    b = mid;
            }
            for (b = a; b < vs->n && vs->list[b].root == sr[i].slot && vs->list[b].kind == k;)
                b++;
            write_list(&lists[k], vs->list + a, b - a, maps[k]);
        }
        ftl_buf_reset(&cred);
        if (m->cred >= 0) {
            const char *key = smap_str(&c->f.keys, m->cred);

            ftl_buf_addf(&cred, "%s:%s", ns_info[c->f.ns[m->cred]].label, key + 2);
        }
        sqlite3_bind_int64(st, 1, (int64_t)i + 1);
        sqlite3_bind_text(st, 2, state_names[state], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, comp_method(m), -1, SQLITE_STATIC);
        if (cred.len)
            sqlite3_bind_text(st, 4, cred.data, (int)cred.len, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 4);
        actor = m->anchor_id ? m->anchor_actor : m->first_actor;
        if (actor >= 0)
            sqlite3_bind_text(st, 5, smap_str(&c->actors, actor), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 5);
        sqlite3_bind_int64(st, 6, m->first_ts);
        sqlite3_bind_int64(st, 7, m->last_ts);
        if (m->anchor_id)
            sqlite3_bind_int64(st, 8, m->anchor_id);
        else
            sqlite3_bind_null(st, 8);
        sqlite3_bind_int64(st, 9, m->count);
        for (k = 0; k < 3; k++) {
            sqlite3_bind_int64(st, 10 + k, m->nval[k]);
            sqlite3_bind_text(st, 13 + k, lists[k].data, (int)lists[k].len, SQLITE_STATIC);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            out = sql_fail(c, "writing sessions");
        sqlite3_reset(st);
        c->r->sessions++;
        c->r->session_state[state]++;
    }
    sqlite3_finalize(st);
    for (k = 0; k < 3; k++)
        ftl_buf_free(&lists[k]);
    ftl_buf_free(&cred);
    return out;
}

static ftl_rc write_coverage(struct ctx *c)
{
    sqlite3_stmt *st = NULL;
    size_t i;
    ftl_rc out = FTL_OK;

    if (sqlite3_prepare_v2(ftl_store_db(c->s),
                           "INSERT INTO signin_coverage (tenant, kind, first_ts, last_ts, events)"
                           " VALUES (?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
        return sql_fail(c, "writing sign-in coverage");
    for (i = 0; i < c->nmerged && out == FTL_OK; i++) {
        const struct cov *m = &c->merged[i];

        sqlite3_bind_text(st, 1, m->tenant >= 0 ? smap_str(&c->tenants, m->tenant) : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 2, cov_kinds[m->kind], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, m->first);
        sqlite3_bind_int64(st, 4, m->last);
        sqlite3_bind_int64(st, 5, m->events);
        if (sqlite3_step(st) != SQLITE_DONE)
            out = sql_fail(c, "writing sign-in coverage");
        sqlite3_reset(st);
        c->r->coverage_periods++;
    }
    sqlite3_finalize(st);
    return out;
}

static ftl_rc write_links(struct ctx *c, const struct comp *cp, const int32_t *slot)
{
    sqlite3_stmt *st = NULL;
    struct crec e;
    struct verdict v;
    int64_t i;
    ftl_rc out = FTL_OK;

    if (!rewind_spill(c))
        return io_error(c, "cannot rewind");
    if (sqlite3_prepare_v2(ftl_store_db(c->s),
                           "INSERT INTO event_links (event_id, session_id, state, method, reason)"
                           " VALUES (?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
        return sql_fail(c, "writing event links");
    for (i = 0; i < c->nrec && out == FTL_OK; i++) {
        if (fread(&e, sizeof e, 1, c->spill) != 1) {
            out = io_error(c, "cannot read");
            break;
        }
        classify(c, &e, &v, &c->reason);
        sqlite3_bind_int64(st, 1, e.id);
        if (v.root >= 0 && slot[v.root] >= 0)
            sqlite3_bind_int64(st, 2, cp[slot[v.root]].sid);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_text(st, 3, state_names[v.state], -1, SQLITE_STATIC);
        if (v.method)
            sqlite3_bind_text(st, 4, method_names[v.method], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, c->reason.data, (int)c->reason.len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            out = sql_fail(c, "writing event links");
        sqlite3_reset(st);
        c->r->state[v.state]++;
        if (v.state == FTL_LS_LINKED)
            c->r->method[v.method]++;
    }
    sqlite3_finalize(st);
    return out;
}

/*
 * Pass 3: count each component's events, then gather figures for those with
 * two or more (the sessions) only, so singletons cost 4 bytes a node.
 */
static ftl_rc pass_sessions(struct ctx *c)
{
    struct comp *cp = NULL;
    struct vset vs = { 0 };
    struct sorted_root *sr = NULL;
    struct crec e;
    struct verdict v;
    size_t nsr = 0, n = c->f.keys.n, k;
    int32_t *slot = ftl_xmalloc((n ? n : 1) * sizeof *slot);   /* count, then session slot */
    int64_t i;
    int round;
    ftl_rc out = FTL_OK;

    vs.maps[0] = &c->ips;
    vs.maps[1] = &c->apps;
    vs.maps[2] = &c->uas;
    memset(slot, 0, (n ? n : 1) * sizeof *slot);
    for (round = 0; round < 2 && out == FTL_OK; round++) {
        if (!rewind_spill(c)) {
            out = io_error(c, "cannot rewind");
            break;
        }
        for (i = 0; i < c->nrec; i++) {
            if (fread(&e, sizeof e, 1, c->spill) != 1) {
                out = io_error(c, "cannot read");
                break;
            }
            classify(c, &e, &v, NULL);
            if (v.root < 0)
                continue;
            if (round == 0) {
                if (slot[v.root] < 2)
                    slot[v.root]++;
            } else if (slot[v.root] >= 0) {
                tally(c, &cp[slot[v.root]], slot[v.root], &vs, &e, &v);
            }
        }
        if (round == 0) {
            for (k = 0; k < n; k++)
                slot[k] = slot[k] >= 2 ? (int32_t)nsr++ : -1;
            cp = ftl_xmalloc((nsr ? nsr : 1) * sizeof *cp);
            memset(cp, 0, (nsr ? nsr : 1) * sizeof *cp);
            for (k = 0; k < nsr; k++) {
                cp[k].first_actor = cp[k].anchor_actor = -1;
                cp[k].cred = -1;
            }
        }
    }
    if (out == FTL_OK) {
        sr = ftl_xmalloc((nsr ? nsr : 1) * sizeof *sr);
        for (k = 0; k < nsr; k++) {
            sr[k].first_ts = cp[k].first_ts;
            sr[k].min_id = cp[k].min_id;
            sr[k].slot = (int32_t)k;
            sr[k].cred = cp[k].cred >= 0 ? smap_str(&c->f.keys, cp[k].cred) : "";
        }
        qsort(sr, nsr, sizeof *sr, cmp_root);
        for (k = 0; k < nsr; k++)
            cp[sr[k].slot].sid = (int32_t)(k + 1);
        out = write_sessions(c, cp, sr, nsr, &vs);
    }
    if (out == FTL_OK)
        out = write_links(c, cp, slot);
    free(sr);
    free(cp);
    free(slot);
    vset_free(&vs);
    return out;
}

/* The spill file lives beside the case (evidence-sized scratch does not
 * belong in a RAM-backed /tmp) and is unlinked at once. */
static FILE *open_spill(const char *case_path)
{
    struct ftl_buf p = { 0 };
    const char *slash = strrchr(case_path, '/');
    FILE *f = NULL;
    int fd;

    if (slash)
        ftl_buf_add(&p, case_path, (size_t)(slash - case_path) + 1);
    ftl_buf_addstr(&p, ".ftl-correlate-XXXXXX");
    fd = mkstemp(p.data);
    if (fd >= 0) {
        unlink(p.data);
        f = fdopen(fd, "w+b");
        if (!f)
            close(fd);
    }
    ftl_buf_free(&p);
    if (f)
        setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static ftl_rc write_meta(struct ctx *c)
{
    struct ftl_buf sql = { 0 };
    ftl_rc rc;

    ftl_buf_addf(&sql,
                 "INSERT OR REPLACE INTO meta VALUES ('correlated_max_event_id',"
                 " (SELECT coalesce(max(id), 0) FROM events));"
                 "INSERT OR REPLACE INTO meta VALUES ('correlated_events', '%lld');"
                 "INSERT OR REPLACE INTO meta VALUES ('correlate_window_s', '%lld');"
                 "INSERT OR REPLACE INTO meta VALUES ('correlate_coverage_gap_s', '%lld');",
                 (long long)c->nrec, (long long)(c->o.window_us / 1000000),
                 (long long)(c->o.coverage_gap_us / 1000000));
    rc = ftl_store_exec(c->s, sql.data, c->err);
    ftl_buf_free(&sql);
    return rc;
}

ftl_rc ftl_correlate(struct ftl_store *s, const struct ftl_correlate_opts *o,
                     struct ftl_correlate_report *r, struct ftl_error *err)
{
    struct ctx c;
    ftl_rc rc;

    memset(&c, 0, sizeof c);
    memset(r, 0, sizeof *r);
    c.s = s;
    c.r = r;
    c.err = err;
    if (o)
        c.o = *o;
    else
        ftl_correlate_defaults(&c.o);
    if (c.o.window_us < 0 || c.o.coverage_gap_us < 0)
        return ftl_error_set(err, FTL_EUSAGE, "correlate: window and coverage gap must not be negative");
    c.spill = open_spill(ftl_store_path(s));
    if (!c.spill)
        return ftl_error_set(err, FTL_EIO, "correlate: cannot create a scratch file beside %s: %s",
                             ftl_store_path(s), strerror(errno));
    /* one transaction: a killed run leaves the previous sessions */
    rc = ftl_store_begin(s, err);
    if (rc == FTL_OK)
        rc = ftl_store_exec(s, "DELETE FROM event_links; DELETE FROM sessions;"
                               " DELETE FROM signin_coverage;"
                               " DROP INDEX IF EXISTS event_links_session;", err);
    if (rc == FTL_OK)
        rc = pass_read(&c);
    if (rc == FTL_OK) {
        r->events = c.nrec;
        index_signins(&c);
        merge_coverage(&c);
        rc = pass_heuristic(&c);
    }
    if (rc == FTL_OK)
        rc = pass_sessions(&c);
    ftl_fault_point("correlate.written");   /* every row written, nothing committed */
    if (rc == FTL_OK)
        rc = write_coverage(&c);
    if (rc == FTL_OK)
        rc = ftl_store_exec(s, "CREATE INDEX event_links_session ON event_links(session_id)"
                               " WHERE session_id IS NOT NULL;", err);
    if (rc == FTL_OK)
        rc = write_meta(&c);
    if (rc == FTL_OK)
        rc = ftl_store_commit(s, err);
    else
        ftl_store_rollback(s);
    r->identifiers = c.f.keys.n;
    fclose(c.spill);
    forest_free(&c.f);
    smap_free(&c.actors);
    smap_free(&c.ips);
    smap_free(&c.apps);
    smap_free(&c.uas);
    smap_free(&c.pairs);
    smap_free(&c.tenants);
    free(c.si);
    free(c.pair_start);
    free(c.cov);
    free(c.merged);
    ftl_buf_free(&c.tmp);
    ftl_buf_free(&c.reason);
    return rc;
}

int ftl_correlate_current(struct ftl_store *s, int64_t *events_since, struct ftl_error *err)
{
    sqlite3_stmt *st = NULL;
    sqlite3 *db = ftl_store_db(s);
    int out = -1;

    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT CAST(value AS INTEGER) FROM meta"
                           "        WHERE key = 'correlated_max_event_id'),"
                           " (SELECT count(*) FROM events WHERE id > coalesce("
                           "   (SELECT CAST(value AS INTEGER) FROM meta"
                           "    WHERE key = 'correlated_max_event_id'), -1))",
                           -1, &st, NULL) != SQLITE_OK) {
        ftl_error_set(err, FTL_ESQL, "%s: %s", ftl_store_path(s), sqlite3_errmsg(db));
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *events_since = sqlite3_column_int64(st, 1);
        out = sqlite3_column_type(st, 0) == SQLITE_NULL ? FTL_CORR_NEVER
            : *events_since ? FTL_CORR_STALE : FTL_CORR_CURRENT;
    } else
        ftl_error_set(err, FTL_ESQL, "%s: %s", ftl_store_path(s), sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}
