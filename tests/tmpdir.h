/*
 * tmpdir.h - a fresh scratch folder per test program, under the build tree.
 */
#ifndef FTL_TEST_TMPDIR_H
#define FTL_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Returns a new empty folder path like <build>/unit-tmp/<name>-XXXXXX. */
static inline const char *test_tmpdir(const char *name)
{
    static char path[512];

    mkdir(FTL_BUILD_DIR "/unit-tmp", 0755);
    snprintf(path, sizeof path, "%s/unit-tmp/%s-XXXXXX", FTL_BUILD_DIR, name);
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        abort();
    }
    return path;
}

static inline void test_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

#endif
