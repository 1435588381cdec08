/* test_output.c: CSV dialects and escaping, atomic output sets, SHA-256. */
#include "helpers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vardsim/output.h"
#include "vardsim/report.h"
#include "util/sha256.h"

/* Write one row through a memory stream and return the text. */
static char *row(int swedish, void (*fill)(vs_csv *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vs_csv c;
    vs_csv_begin(&c, f, swedish);
    fill(&c);
    vs_csv_end_row(&c);
    fclose(f);
    return buf;
}

static void fill_texts(vs_csv *c)
{
    vs_csv_text(c, "plain");
    vs_csv_text(c, "with,comma");
    vs_csv_text(c, "say \"hi\"");
    vs_csv_text(c, "=SUM(A1)");
    vs_csv_text(c, "-1");
    vs_csv_text(c, "two\nlines");
    vs_csv_text(c, "semi;colon");
}

static void test_text_escaping(void **state)
{
    (void)state;
    char *s = row(0, fill_texts);
    assert_string_equal(s, "plain,\"with,comma\",\"say \"\"hi\"\"\",'=SUM(A1),'-1,"
                           "\"two\nlines\",semi;colon\n");
    free(s);
    s = row(1, fill_texts);
    assert_string_equal(s, "\xEF\xBB\xBFplain;with,comma;\"say \"\"hi\"\"\";'=SUM(A1);'-1;"
                           "\"two\nlines\";\"semi;colon\"\r\n");
    free(s);
}

static void fill_numbers(vs_csv *c)
{
    vs_csv_num(c, 0.1234567891234);
    vs_csv_num(c, NAN);
    vs_csv_money(c, -123456789);
    vs_csv_money(c, 5);
    vs_csv_money_d(c, 12.5);  /* half an öre rounds away from zero */
    vs_csv_money_d(c, -12.5);
    vs_csv_num(c, -2.5);      /* negative numbers are numbers, not formulas */
    /* undefined or non-finite: empty cells, never inf or nan */
    vs_csv_num(c, INFINITY);
    vs_csv_num(c, -INFINITY);
    vs_csv_money_d(c, INFINITY);
    vs_csv_money_d(c, NAN);
}

static void test_numbers(void **state)
{
    (void)state;
    char *s = row(0, fill_numbers);
    assert_string_equal(s, "0.1234567891,,-1234567.89,0.05,0.13,-0.13,-2.5,,,,\n");
    free(s);
    s = row(1, fill_numbers);
    assert_string_equal(s, "\xEF\xBB\xBF" "0,1234567891;;-1234567,89;0,05;0,13;-0,13;-2,5;;;;\r\n");
    free(s);
}

static void test_change_pct(void **state)
{
    (void)state;
    int64_t p;
    assert_int_equal(vs_report_change_pct(1, 8, &p), 1);
    assert_int_equal(p, 1250); /* 12.50 % */
    assert_int_equal(vs_report_change_pct(-1, 8, &p), 1);
    assert_int_equal(p, -1250);
    assert_int_equal(vs_report_change_pct(1, 3, &p), 1);
    assert_int_equal(p, 3333); /* 33.333.. -> 33.33 */
    assert_int_equal(vs_report_change_pct(1, 40000, &p), 1);
    assert_int_equal(p, 0);    /* 0.0025 % rounds to 0.00 */
    assert_int_equal(vs_report_change_pct(1, 20000, &p), 1);
    assert_int_equal(p, 1);    /* 0.005 % rounds half away to 0.01 */
    assert_int_equal(vs_report_change_pct(5, 0, &p), 0);
}

static int count_entries(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_outset_commit_and_abort(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_outXXXXXX";
    assert_non_null(mkdtemp(dir));
    vs_err err;
    vs_err_init(&err);

    /* Abandoned set: nothing appears, no temporary file stays. */
    vs_outset s;
    vs_outset_init(&s);
    FILE *f = vs_outset_open(&s, dir, "a.csv", &err);
    assert_non_null(f);
    fputs("half", f);
    assert_int_equal(count_entries(dir), 1); /* the temporary */
    vs_outset_free(&s);
    assert_int_equal(count_entries(dir), 0);

    /* Committed set: both files appear at once. */
    vs_outset_init(&s);
    fputs("one\n", vs_outset_open(&s, dir, "a.csv", &err));
    fputs("two\n", vs_outset_open(&s, dir, "b.csv", &err));
    assert_int_equal(vs_outset_commit(&s, &err), VS_OK);
    vs_outset_free(&s);
    assert_int_equal(count_entries(dir), 2);

    /* A folder that cannot be written is an error naming the file. */
    vs_outset_init(&s);
    assert_null(vs_outset_open(&s, "/nonexistent/dir", "a.csv", &err));
    assert_int_equal(err.code, VS_EIO);
    assert_non_null(strstr(err.log, "/nonexistent/dir/a.csv"));
    vs_outset_free(&s);
    vs_err_free(&err);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static int exists(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return lstat(path, &st) == 0;
}

static void touch(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A new folder in /tmp as top, dir = top/out (not made), err ready. */
static void out_below_tmp(char top[64], char dir[256], vs_err *err)
{
    snprintf(top, 64, "/tmp/vs_test_outXXXXXX");
    assert_non_null(mkdtemp(top));
    snprintf(dir, 256, "%s/out", top);
    vs_err_init(err);
}

/* begin locks: a second set on the same folder is refused, naming the
 * first; the lock file goes with the set; a folder begin made and nothing
 * was committed to is removed again. */
static void test_outset_lock(void **state)
{
    (void)state;
    char top[64], dir[256];
    vs_err err;
    out_below_tmp(top, dir, &err);
    vs_outset a, b;
    vs_outset_init(&a);
    vs_outset_init(&b);
    assert_int_equal(vs_outset_begin(&a, dir, "run x.cfg -o out", &err), VS_OK);
    assert_true(exists(dir, VS_OUTPUT_LOCK_NAME));
    /* flock belongs to the open file, so this process conflicts with itself */
    assert_int_equal(vs_outset_begin(&b, dir, "other", &err), VS_EIO);
    assert_non_null(strstr(err.msg, "in use by another vardsim process (pid "));
    assert_non_null(strstr(err.msg, ": run x.cfg -o out)"));
    /* the library names the holder; what to do is the command's to say */
    assert_null(strstr(err.msg, "with -o"));
    assert_true(b.busy);
    assert_false(a.busy);
    vs_outset_free(&b);
    assert_true(exists(dir, VS_OUTPUT_LOCK_NAME)); /* b did not take a's lock away */
    fputs("x\n", vs_outset_open(&a, dir, "a.csv", &err));
    vs_outset_free(&a); /* never committed: the folder it made goes */
    assert_false(exists(top, "out"));

    /* committed: the folder stays, the lock file goes, the next begin works */
    vs_outset_init(&a);
    assert_int_equal(vs_outset_begin(&a, dir, NULL, &err), VS_OK);
    fputs("x\n", vs_outset_open(&a, dir, "a.csv", &err));
    assert_int_equal(vs_outset_commit(&a, &err), VS_OK);
    vs_outset_free(&a);
    assert_true(exists(dir, "a.csv"));
    assert_false(exists(dir, VS_OUTPUT_LOCK_NAME));
    vs_outset_init(&a);
    assert_int_equal(vs_outset_begin(&a, dir, NULL, &err), VS_OK);
    vs_outset_free(&a);
    assert_true(exists(dir, "a.csv")); /* a folder it did not make stays */
    /* one set, one folder */
    vs_outset_init(&a);
    assert_int_equal(vs_outset_begin(&a, dir, NULL, &err), VS_OK);
    assert_null(vs_outset_open(&a, top, "a.csv", &err));
    vs_outset_free(&a);
    vs_err_free(&err);
    rm_rf(top);
}

/* Stale temporaries (our prefix, regular files, this folder) go at begin;
 * everything else stays. */
static void test_outset_stale(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_staleXXXXXX";
    assert_non_null(mkdtemp(dir));
    touch(dir, VS_OUTPUT_TMP_PREFIX "4711.0", "stale");
    touch(dir, VS_OUTPUT_TMP_PREFIX "4711.render", "stale");
    touch(dir, ".metrics.csv.AbCdEf", "not ours");
    touch(dir, "metrics.csv", "kept");
    char sub[300];
    snprintf(sub, sizeof sub, "%s/" VS_OUTPUT_TMP_PREFIX "dir", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    vs_err err;
    vs_err_init(&err);
    vs_outset s;
    vs_outset_init(&s);
    assert_int_equal(vs_outset_begin(&s, dir, NULL, &err), VS_OK);
    assert_false(exists(dir, VS_OUTPUT_TMP_PREFIX "4711.0"));
    assert_false(exists(dir, VS_OUTPUT_TMP_PREFIX "4711.render"));
    assert_true(exists(dir, ".metrics.csv.AbCdEf"));
    assert_true(exists(dir, "metrics.csv"));
    assert_true(exists(dir, VS_OUTPUT_TMP_PREFIX "dir"));
    vs_outset_free(&s);
    vs_err_free(&err);
    rm_rf(dir);
}

/* Removals wait for the commit: a failed set keeps the earlier files, a
 * committed one removes them, but never a file it has just written. */
static void test_outset_removals(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_rmXXXXXX";
    assert_non_null(mkdtemp(dir));
    touch(dir, "old.png", "old");
    touch(dir, "same.gp", "old");
    vs_err err;
    vs_err_init(&err);
    vs_outset s;
    vs_outset_init(&s);
    assert_int_equal(vs_outset_remove(&s, dir, "old.png", &err), VS_OK);
    fputs("x", vs_outset_open(&s, dir, "new.csv", &err));
    vs_outset_free(&s); /* abandoned */
    assert_true(exists(dir, "old.png"));
    vs_outset_init(&s);
    assert_int_equal(vs_outset_remove(&s, dir, "old.png", &err), VS_OK);
    assert_int_equal(vs_outset_remove(&s, dir, "same.gp", &err), VS_OK);
    assert_int_equal(vs_outset_remove(&s, dir, "never.svg", &err), VS_OK);
    fputs("new", vs_outset_open(&s, dir, "same.gp", &err));
    assert_int_equal(vs_outset_commit(&s, &err), VS_OK);
    vs_outset_free(&s);
    assert_false(exists(dir, "old.png"));
    assert_true(exists(dir, "same.gp"));
    assert_int_equal(count_entries(dir), 1);
    vs_err_free(&err);
    rm_rf(dir);
}

/* A write past the file-size limit is reported with its own errno (the
 * first version reported whatever errno a later call had left), and the
 * earlier file stays. */
static void test_outset_real_errno(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_fszXXXXXX";
    assert_non_null(mkdtemp(dir));
    touch(dir, "a.csv", "earlier");
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    small = old;
    small.rlim_cur = 4096;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    vs_err err;
    vs_err_init(&err);
    vs_outset s;
    vs_outset_init(&s);
    FILE *f = vs_outset_open(&s, dir, "a.csv", &err);
    assert_non_null(f);
    for (int i = 0; i < 10000; i++)
        fputs("0123456789", f);
    errno = ENOENT; /* what a later unlink might leave */
    int st = vs_outset_commit(&s, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    assert_int_equal(st, VS_EIO);
    assert_non_null(strstr(err.msg, "write failed: File too large"));
    vs_outset_free(&s);
    assert_int_equal(count_entries(dir), 1);
    char path[300];
    snprintf(path, sizeof path, "%s/a.csv", dir);
    FILE *g = fopen(path, "r");
    char text[16] = "";
    assert_non_null(fgets(text, sizeof text, g));
    fclose(g);
    assert_string_equal(text, "earlier");
    vs_err_free(&err);
    rm_rf(dir);
}

/* What a signal handler does: every temporary named so far, the lock, and
 * the folder begin made go. */
static void test_outset_abandon(void **state)
{
    (void)state;
    char top[64], dir[256];
    vs_err err;
    out_below_tmp(top, dir, &err);
    vs_outset s;
    vs_outset_init(&s);
    assert_int_equal(vs_outset_begin(&s, dir, NULL, &err), VS_OK);
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        FILE *f = vs_outset_open(&s, dir, name, &err);
        assert_non_null(f);
        fputs("x", f);
        fflush(f);
    }
    char render[512];
    assert_int_equal(vs_output_render_tmp(dir, render, sizeof render), 0);
    FILE *r = fopen(render, "w");
    assert_non_null(r);
    fclose(r);
    assert_int_equal(count_entries(dir), 22);
    vs_outset_abandon(&s);
    assert_false(exists(top, "out"));
    vs_outset_abandon(NULL);
    vs_outset_free(&s);
    vs_err_free(&err);
    rm_rf(top);
}

static void test_mkdir_parents(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_mkXXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256];
    snprintf(sub, sizeof sub, "%s/a/b/c", dir);
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_output_mkdir(sub, &err), VS_OK);
    assert_int_equal(vs_output_mkdir(sub, &err), VS_OK); /* exists: fine */
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    vs_err_free(&err);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* FIPS 180-4 examples. */
static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    vs_sha256 s;
    vs_sha256_init(&s);
    vs_sha256_hex(&s, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    vs_sha256_init(&s);
    vs_sha256_update(&s, "abc", 3);
    vs_sha256_hex(&s, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    vs_sha256_init(&s);
    vs_sha256_update(&s, two, strlen(two));
    vs_sha256_hex(&s, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a million 'a', fed in uneven pieces */
    vs_sha256_init(&s);
    char a[997];
    memset(a, 'a', sizeof a);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof a ? left : sizeof a;
        vs_sha256_update(&s, a, n);
        left -= n;
    }
    vs_sha256_hex(&s, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_change_pct),
        cmocka_unit_test(test_outset_commit_and_abort),
        cmocka_unit_test(test_outset_lock),
        cmocka_unit_test(test_outset_stale),
        cmocka_unit_test(test_outset_removals),
        cmocka_unit_test(test_outset_real_errno),
        cmocka_unit_test(test_outset_abandon),
        cmocka_unit_test(test_mkdir_parents),
        cmocka_unit_test(test_sha256_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
