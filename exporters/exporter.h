/*
 * exporter.h - output formats. One file per format exports one
 * `const struct ftl_exporter ftl_exporter_<name>`; exporters/registry.c
 * lists them sorted by name. An exporter reads the case file only.
 */
#ifndef FTL_EXPORTER_H
#define FTL_EXPORTER_H

#include <stdio.h>

#include "../core/error.h"
#include "../core/query.h"
#include "../core/store.h"

struct ftl_exporter {
    const char *name;
    const char *summary;
    /* Writes every event that passes f to out; the caller opens and closes out. */
    ftl_rc (*write)(struct ftl_store *s, const struct ftl_filter *f, FILE *out,
                    struct ftl_error *err);
};

extern const struct ftl_exporter *const ftl_exporters[];   /* NULL-terminated */
const struct ftl_exporter *ftl_exporter_find(const char *name);

#endif
