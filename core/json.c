/*
 * json.c - cJSON helpers and the JSON text writer (see json.h).
 */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
    const cJSON *v = cJSON_GetObjectItem(obj, key);

    if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0])
        return NULL;
    return v->valuestring;
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

        if (isfinite(d) && d == floor(d) && fabs(d) < 9.007199254740992e15)
            snprintf(buf, 32, "%lld", (long long)d);
        else
            snprintf(buf, 32, "%.17g", d);
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

void ftl_jw_end(struct ftl_jw *w)
{
    ftl_buf_addch(w->b, '}');
}
