/*
 * testmain.h - the one runner every CUnit test file shares.
 *
 * A test file defines its cases in a table and ends with
 *     FTL_TEST_MAIN("time", tests)
 * The runner exits 0 when every assertion held and 1 otherwise, never a
 * count (a count wraps at 256). FTL_FIXTURES is the absolute path of the
 * repository's fixtures/ folder, FTL_BUILD_DIR the build tree; CMake passes
 * both.
 */
#ifndef FTL_TESTMAIN_H
#define FTL_TESTMAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>

struct ftl_test {
    const char *name;
    void (*fn)(void);
};

static inline int ftl_test_run(const char *suite_name, const struct ftl_test *t)
{
    CU_pSuite suite;
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    suite = CU_add_suite(suite_name, NULL, NULL);
    if (!suite)
        goto fail;
    for (; t->name; t++)
        if (!CU_add_test(suite, t->name, t->fn))
            goto fail;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        goto fail;
    failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    if (CU_get_number_of_tests_run() == 0)
        failed = 1;
    CU_cleanup_registry();
    return failed ? 1 : 0;
fail:
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 1;
}

#define FTL_TEST_MAIN(suite_name, table) \
    int main(void) { return ftl_test_run(suite_name, table); }

#endif
