/*
 * registry.c - the table of importers. MUST be sorted by name: `ftl
 * formats` prints it in this order, and sniffing breaks ties by it.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"

#include "../core/importer.h"

extern const struct ftl_importer ftl_importer_aws_cloudtrail;
extern const struct ftl_importer ftl_importer_azure_activity;
extern const struct ftl_importer ftl_importer_entra_signin;
extern const struct ftl_importer ftl_importer_exchange_admin_audit;
extern const struct ftl_importer ftl_importer_exchange_mailbox_audit;
extern const struct ftl_importer ftl_importer_gcp_audit;
extern const struct ftl_importer ftl_importer_m365_ual;
extern const struct ftl_importer ftl_importer_windows_event_xml;

const struct ftl_importer *const ftl_importers[] = {
    &ftl_importer_aws_cloudtrail,
    &ftl_importer_azure_activity,
    &ftl_importer_entra_signin,
    &ftl_importer_exchange_admin_audit,
    &ftl_importer_exchange_mailbox_audit,
    &ftl_importer_gcp_audit,
    &ftl_importer_m365_ual,
    &ftl_importer_windows_event_xml,
    NULL,
};

const struct ftl_importer *ftl_importer_find(const char *name)
{
    size_t i;

    for (i = 0; ftl_importers[i]; i++)
        if (strcmp(ftl_importers[i]->name, name) == 0)
            return ftl_importers[i];
    return NULL;
}

const struct ftl_importer *ftl_importer_by_source(const char *source)
{
    size_t i;

    for (i = 0; ftl_importers[i]; i++)
        if (strcmp(ftl_importers[i]->source, source) == 0)
            return ftl_importers[i];
    return NULL;
}

const struct ftl_importer *ftl_importer_sniff(const char *head, size_t len)
{
    const struct ftl_importer *best = NULL;
    struct ftl_head h;
    char *lower = ftl_xmalloc(len + 1);
    int best_score = 0, score;
    size_t i;

    for (i = 0; i < len; i++)
        lower[i] = head[i] >= 'A' && head[i] <= 'Z' ? (char)(head[i] | 0x20) : head[i];
    lower[len] = '\0';
    h.data = head;
    h.lower = lower;
    h.len = len;
    for (h.start = 0; h.start < len; h.start++)
        if (head[h.start] != ' ' && head[h.start] != '\t' && head[h.start] != '\r' &&
            head[h.start] != '\n')
            break;
    for (i = 0; ftl_importers[i]; i++) {
        score = ftl_importers[i]->sniff(&h);
        if (score > FTL_SNIFF_SURE)
            score = FTL_SNIFF_SURE;
        if (score > best_score) {
            best_score = score;
            best = ftl_importers[i];
        }
        if (score == FTL_SNIFF_SURE)
            break;   /* nothing can beat it, and sniffing runs for every file */
    }
    free(lower);
    return best;
}
