/*
 * formats.c - `ftl formats`: the importer and exporter tables.
 */
#include <stdio.h>

#include "../core/importer.h"
#include "../exporters/exporter.h"
#include "cli.h"

static const struct ftl_opt opts[] = { { 0 } };

static int run(const struct ftl_args *a)
{
    size_t i;

    (void)a;
    printf("evidence formats (ftl import --format NAME):\n");
    for (i = 0; ftl_importers[i]; i++)
        printf("  %-23s %s\n  %-23s   reads: %s\n", ftl_importers[i]->name,
               ftl_importers[i]->summary, "", ftl_importers[i]->variants);
    printf("\noutput formats (ftl export --format NAME):\n");
    for (i = 0; ftl_exporters[i]; i++)
        printf("  %-23s %s\n", ftl_exporters[i]->name, ftl_exporters[i]->summary);
    return EXIT_OK;
}

const struct ftl_cmd ftl_cmd_formats = {
    .name = "formats",
    .synopsis = "",
    .summary = "list the evidence formats ftl reads and the formats it writes",
    .min_pos = 0,
    .max_pos = 0,
    .opts = opts,
    .run = run,
};
