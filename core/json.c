/*
 * json.c - cJSON helpers and the JSON text writer (see json.h).
 */
#include "json.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- keysets (see json.h) ---- */

static pthread_mutex_t keyset_mu = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hash_lower(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static void keyset_build(struct ftl_json_keyset *ks)
{
    size_t i, j;

    pthread_mutex_lock(&keyset_mu);
    if (!atomic_load_explicit(&ks->ready, memory_order_relaxed)) {
        for (i = 0; i < ks->n && i < 100; i++) {
            uint32_t h = hash_lower(ks->names[i]);

            for (j = h & 255; ks->slot[j]; j = (j + 1) & 255)
                ;
            ks->slot[j] = (uint16_t)(i + 1);
            ks->hash[j] = h;
        }
        atomic_store_explicit(&ks->ready, 1, memory_order_release);
    }
    pthread_mutex_unlock(&keyset_mu);
}

void ftl_json_pick(struct ftl_json_keyset *ks, const cJSON *obj, const cJSON **out)
{
    const cJSON *c;
    size_t j;

    if (!atomic_load_explicit(&ks->ready, memory_order_acquire))
        keyset_build(ks);
    memset(out, 0, ks->n * sizeof *out);
    if (!cJSON_IsObject(obj))
        return;
    for (c = obj->child; c; c = c->next) {
        uint32_t h;

        if (!c->string)
            continue;
        h = hash_lower(c->string);
        for (j = h & 255; ks->slot[j]; j = (j + 1) & 255) {
            size_t k = ks->slot[j] - 1u;

            if (ks->hash[j] == h && strcasecmp(ks->names[k], c->string) == 0) {
                if (!out[k])
                    out[k] = c;
                break;
            }
        }
    }
}

const char *ftl_json_sval(const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0])
        return NULL;
    return v->valuestring;
}

/* ---- arena (see json.h) ---- */

#define CHUNK_BYTES (256u << 10)

struct chunk {
    struct chunk *next;
    size_t cap, used;
    max_align_t data[];
};

static _Thread_local struct {
    struct chunk *head;
    int active;
} arena;

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *hook_malloc(size_t n)
{
    struct chunk *c = arena.head;
    void *p;

    if (!arena.active)
        return malloc(n);
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;

        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = arena.head;
        arena.head = c;
    }
    p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

static int in_arena(const void *p)
{
    const struct chunk *c;

    for (c = arena.head; c; c = c->next)
        if ((const char *)p >= (const char *)c->data &&
            (const char *)p < (const char *)c->data + c->cap)
            return 1;
    return 0;
}

static void hook_free(void *p)
{
    if (p && !(arena.active && in_arena(p)))
        free(p);
}

static void install_hooks(void)
{
    cJSON_Hooks h = { hook_malloc, hook_free };

    cJSON_InitHooks(&h);
}

void ftl_json_arena_begin(void)
{
    pthread_once(&hooks_once, install_hooks);
    arena.active = 1;
}

void ftl_json_arena_reset(void)
{
    struct chunk *c = arena.head, *next;

    if (!c)
        return;
    /* keep one ordinary chunk; give back what a large record needed */
    while (c->next) {
        next = c->next;
        free(c);
        c = next;
    }
    if (c->cap > CHUNK_BYTES) {
        free(c);
        c = NULL;
    } else {
        c->used = 0;
    }
    arena.head = c;
}

void ftl_json_delete(cJSON *tree)
{
    if (tree && !(arena.active && in_arena(tree)))
        cJSON_Delete(tree);
}

void ftl_json_arena_end(void)
{
    ftl_json_arena_reset();
    free(arena.head);
    arena.head = NULL;
    arena.active = 0;
}

cJSON *ftl_json_parse(const char *p, size_t len, size_t *bad_at)
{
    const char *end = NULL;
    cJSON *root;

    root = cJSON_ParseWithLengthOpts(p, len, &end, 0);
    if (!root) {
        end = cJSON_GetErrorPtr();
        if (bad_at)
            *bad_at = (end && end >= p && end <= p + len) ? (size_t)(end - p) : 0;
        return NULL;
    }
    while (end < p + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
        end++;
    if (end != p + len) {
        if (bad_at)
            *bad_at = (size_t)(end - p);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

const char *ftl_json_str(const cJSON *obj, const char *key)
{
    return ftl_json_sval(cJSON_GetObjectItem(obj, key));
}

const char *ftl_json_str_any(const cJSON *obj, const char *const *keys)
{
    const char *s;

    for (; *keys; keys++)
        if ((s = ftl_json_str(obj, *keys)) != NULL)
            return s;
    return NULL;
}

const char *ftl_json_scalar(const cJSON *v, char *buf)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;

        if (isfinite(d) && d == floor(d) && fabs(d) < 9.007199254740992e15) {
            snprintf(buf, 32, "%lld", (long long)d);
        } else {
            /* shortest of 15 or 17 digits that reads back the same (as cJSON prints) */
            snprintf(buf, 32, "%.15g", d);
            if (strtod(buf, NULL) != d)
                snprintf(buf, 32, "%.17g", d);
        }
        return buf;
    }
    return NULL;
}

const cJSON *ftl_json_namevalue(const cJSON *arr, const char *name)
{
    const cJSON *el;

    if (!cJSON_IsArray(arr))
        return NULL;
    cJSON_ArrayForEach(el, arr) {
        const cJSON *n = cJSON_GetObjectItem(el, "Name");

        if (cJSON_IsString(n) && n->valuestring && strcasecmp(n->valuestring, name) == 0)
            return cJSON_GetObjectItem(el, "Value");
    }
    return NULL;
}

void ftl_json_escape(struct ftl_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    ftl_buf_grow(b, len + 2);
    ftl_buf_addch(b, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ftl_buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': ftl_buf_add(b, "\\\"", 2); break;
        case '\\': ftl_buf_add(b, "\\\\", 2); break;
        case '\n': ftl_buf_add(b, "\\n", 2); break;
        case '\r': ftl_buf_add(b, "\\r", 2); break;
        case '\t': ftl_buf_add(b, "\\t", 2); break;
        default: {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

            ftl_buf_add(b, u, 6);
        }
        }
    }
    ftl_buf_add(b, s + run, len - run);
    ftl_buf_addch(b, '"');
}

void ftl_jw_begin(struct ftl_jw *w, struct ftl_buf *b)
{
    w->b = b;
    w->n = 0;
    ftl_buf_addch(b, '{');
}

static void key(struct ftl_jw *w, const char *k)
{
    if (w->n++)
        ftl_buf_addch(w->b, ',');
    ftl_json_escape(w->b, k, strlen(k));
    ftl_buf_addch(w->b, ':');
}

void ftl_jw_str(struct ftl_jw *w, const char *k, const char *v)
{
    if (!v)
        return;
    key(w, k);
    ftl_json_escape(w->b, v, strlen(v));
}

void ftl_jw_int(struct ftl_jw *w, const char *k, int64_t v)
{
    key(w, k);
    ftl_buf_addf(w->b, "%lld", (long long)v);
}

void ftl_jw_bool(struct ftl_jw *w, const char *k, int v)
{
    key(w, k);
    ftl_buf_addstr(w->b, v ? "true" : "false");
}

void ftl_jw_raw(struct ftl_jw *w, const char *k, const char *v, size_t len)
{
    key(w, k);
    ftl_buf_add(w->b, v, len);
}

void ftl_jw_key(struct ftl_jw *w, const char *k)
{
    key(w, k);
}

void ftl_jw_end(struct ftl_jw *w)
{
    ftl_buf_addch(w->b, '}');
}
