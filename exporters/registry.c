/*
 * registry.c - the table of exporters. MUST be sorted by name.
 */
#include <string.h>

#include "exporter.h"

extern const struct ftl_exporter ftl_exporter_csv, ftl_exporter_jsonl;

const struct ftl_exporter *const ftl_exporters[] = {
    &ftl_exporter_csv,
    &ftl_exporter_jsonl,
    NULL,
};

const struct ftl_exporter *ftl_exporter_find(const char *name)
{
    size_t i;

    for (i = 0; ftl_exporters[i]; i++)
        if (strcmp(ftl_exporters[i]->name, name) == 0)
            return ftl_exporters[i];
    return NULL;
}
