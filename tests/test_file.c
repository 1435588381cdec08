/* test_file.c: util/file.c, reading a whole file (sizes around the cap,
 * an empty file, a missing one, a folder) and finding a program on PATH
 * (absolute entries only, regular executables only, a default PATH). */
#include "helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

/* A fresh folder under /tmp for one test. */
static void make_dir(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/vs-test-file-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void write_bytes(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc('a' + (int)(i % 26), f);
    assert_int_equal(fclose(f), 0);
}

static void test_read_sizes(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/f", dir);
    /* below, at and above the cap, and past the first 64 KiB buffer */
    static const size_t sizes[] = {0, 1, 99, 100, 101, 70000, 200000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        write_bytes(path, n);
        size_t max = n >= 1000 ? 150000 : 100;
        char *text;
        size_t len;
        assert_int_equal(vs_file_read(path, max, &text, &len), 0);
        size_t want = n > max ? max + 1 : n;
        assert_int_equal(len, want);
        assert_int_equal(text[len], '\0');
        for (size_t i = 0; i < len; i++)
            if (text[i] != 'a' + (int)(i % 26))
                fail_msg("byte %zu of a %zu-byte file", i, n);
        free(text);
    }
    unlink(path);
    /* max 0: an empty file fits, one byte does not */
    write_bytes(path, 1);
    char *text;
    size_t len;
    assert_int_equal(vs_file_read(path, 0, &text, &len), 0);
    assert_int_equal(len, 1);
    free(text);
    unlink(path);
    rmdir(dir);
}

static void test_read_failures(void **state)
{
    (void)state;
    char *text = (char *)"untouched";
    size_t len = 7;
    errno = 0;
    assert_int_equal(vs_file_read("/nonexistent/vs-file", 100, &text, &len), -1);
    assert_int_equal(errno, ENOENT);
    assert_null(text);
    assert_int_equal(len, 0);
    /* a folder opens but cannot be read */
    errno = 0;
    assert_int_equal(vs_file_read("/tmp", 100, &text, &len), -1);
    assert_int_equal(errno, EISDIR);
    assert_null(text);
}

static void put_program(const char *dir, const char *name, mode_t mode)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_bytes(path, 10);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_find_program(void **state)
{
    (void)state;
    char a[64], b[64], buf[4096], want[256];
    make_dir(a, sizeof a);
    make_dir(b, sizeof b);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/prog-dir", a);
    assert_int_equal(mkdir(sub, 0755), 0);
    put_program(a, "vs-not-exec", 0644);
    put_program(b, "vs-not-exec", 0755);
    put_program(b, "vs-prog", 0755);
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;

    /* relative and empty entries are skipped even when they hold it;
     * a file we may not run and a folder are passed over */
    char path[512];
    assert_int_equal(chdir(b), 0);
    snprintf(path, sizeof path, ".::%s:%s", a, b);
    setenv("PATH", path, 1);
    assert_int_equal(vs_file_find_program("vs-not-exec", buf, sizeof buf), 1);
    snprintf(want, sizeof want, "%s/vs-not-exec", b);
    assert_string_equal(buf, want);
    assert_int_equal(vs_file_find_program("prog-dir", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    setenv("PATH", ".:prog", 1);
    assert_int_equal(vs_file_find_program("vs-prog", buf, sizeof buf), 0);
    /* the first match wins */
    snprintf(path, sizeof path, "%s:%s", b, a);
    setenv("PATH", path, 1);
    assert_int_equal(vs_file_find_program("vs-prog", buf, sizeof buf), 1);
    snprintf(want, sizeof want, "%s/vs-prog", b);
    assert_string_equal(buf, want);
    /* a buffer too small for the path is no match */
    assert_int_equal(vs_file_find_program("vs-prog", buf, 8), 0);
    /* unset PATH: the default, where sh lives */
    unsetenv("PATH");
    assert_int_equal(vs_file_find_program("sh", buf, sizeof buf), 1);
    assert_true(strcmp(buf, "/usr/bin/sh") == 0 || strcmp(buf, "/bin/sh") == 0);
    assert_int_equal(vs_file_find_program("vs-prog", buf, sizeof buf), 0);

    if (saved)
        setenv("PATH", saved, 1);
    free(saved);
    assert_int_equal(chdir("/"), 0);
    char rm[256];
    snprintf(rm, sizeof rm, "rm -rf '%s' '%s'", a, b);
    assert_int_equal(system(rm), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_sizes),
        cmocka_unit_test(test_read_failures),
        cmocka_unit_test(test_find_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
