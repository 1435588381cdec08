/* test_partial.c: the partial-result format (docs/partial-format.md):
 * a written accumulator reads back to the same bytes of results, and the
 * reader refuses corrupt input (a cut head or payload, a changed byte,
 * counts that do not fit the scenario) without crashing: every byte of a
 * head cut or changed, and many payload bytes changed with the checksum
 * made right again, so only the bounds checks stand between them and the
 * reader. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/sim.h"
#include "out/partial.h"
#include "util/sha256.h"

static const char *text =
    "scenario = { name = \"partial\"; seed = 2; iterations = 600; baseline = \"a\"; };\n"
    "centres = (\n"
    "  { id = \"c1\"; name = \"One\"; listed = 1000; cni = 0.8; },\n"
    "  { id = \"c2\"; name = \"Two\"; listed = 3000; cni = 1.3; },\n"
    "  { id = \"c3\"; name = \"Three\"; listed = 2000; cni = 1.05; }\n"
    ");\n"
    "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; }; };\n"
    "variants = (\n"
    "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.1; } ); },\n"
    "  { id = \"b\"; name = \"B\"; extends = \"a\";\n"
    "    rules = ( { type = \"cni_threshold\"; pot = 1.0e6; threshold = 1.1; } ); }\n"
    ");\n";

static char path[64];

/* One partial of blocks [b0, b1) of 600 iterations, in the given modes,
 * written to `path`; returns its bytes (free them) and length. */
static unsigned char *make_partial(const vs_scenario *sc, long b0, long b1,
                                   int streamed, size_t *len)
{
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 2;
    o.iterations = 600;
    o.threads = 1;
    if (streamed)
        o.exact_limit = o.region_exact_limit = 10;
    vs_err err;
    vs_err_init(&err);
    vs_sim_acc *a = NULL;
    assert_int_equal(vs_sim_compute(sc, &o, b0, b1, &a, &err), VS_OK);
    vs_pbuf pb = {0};
    vs_partial_put_acc(&pb, a);
    char *args[] = {"x.cfg", "-n", "600"};
    vs_partial_head h = {VS_PARTIAL_FORMAT, "9.9", "run", "", 1, 1, 3, 3, args, 0};
    memset(h.sha256, 'a', 64);
    h.sha256[64] = '\0';
    unsigned char *bytes = NULL;
    assert_int_equal(vs_partial_encode(&h, &pb, &bytes, len), VS_OK);
    vs_pbuf_free(&pb);
    vs_sim_acc_free(a);
    vs_err_free(&err);
    return bytes;
}

static void put_file(const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Read `path` as a partial of blocks [b0, b1): VS_OK or the status. */
static int read_back(const vs_scenario *sc, long b0, long b1, vs_sim_acc **out)
{
    vs_err err;
    vs_err_init(&err);
    vs_partial_head h;
    *out = NULL;
    int st = vs_partial_read_head(path, &h, &err);
    if (st == VS_OK) {
        unsigned char *buf = NULL;
        st = vs_partial_read_payload(path, &h, vs_partial_acc_bound(sc, 600, b0, b1),
                                     &buf, &err);
        if (st == VS_OK) {
            vs_pcur c = {buf, (size_t)h.payload, 0, 0};
            st = vs_partial_get_acc(&c, sc, 600, b0, b1, out);
        }
        free(buf);
        vs_partial_head_free(&h);
    }
    if (st != VS_OK)
        assert_true(err.code != 0 || st == VS_EINPUT);
    vs_err_free(&err);
    return st;
}

/* The payload's offset: just after the "payload N\n" line. */
static size_t payload_at(const unsigned char *b, size_t n)
{
    const char *p = strstr((const char *)b, "\npayload ");
    assert_non_null(p);
    const char *nl = memchr(p + 1, '\n', n - (size_t)(p + 1 - (const char *)b));
    assert_non_null(nl);
    return (size_t)(nl + 1 - (const char *)b);
}

/* Make the checksum line right again after changing the payload. */
static void fix_checksum(unsigned char *b, size_t n)
{
    size_t tail = strlen("\nsha256 ") + 64 + 1;
    vs_sha256 s;
    vs_sha256_init(&s);
    vs_sha256_update(&s, b, n - tail);
    char hex[65];
    vs_sha256_hex(&s, hex);
    memcpy(b + n - 65, hex, 64);
}

static void test_round_trip(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(text, "p.cfg");
    for (int streamed = 0; streamed < 2; streamed++) {
        size_t n1, n2;
        unsigned char *p1 = make_partial(sc, 0, 1, streamed, &n1);
        unsigned char *p2 = make_partial(sc, 1, 3, streamed, &n2);
        vs_sim_acc *a = NULL, *b = NULL;
        put_file(p1, n1);
        assert_int_equal(read_back(sc, 0, 1, &a), VS_OK);
        put_file(p2, n2);
        assert_int_equal(read_back(sc, 1, 3, &b), VS_OK);
        vs_err err;
        vs_err_init(&err);
        assert_int_equal(vs_sim_acc_append(a, b, &err), VS_OK);
        vs_results *merged = NULL, *whole = NULL;
        assert_int_equal(vs_sim_finish(sc, a, 1, &merged, &err), VS_OK);
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 2;
        o.iterations = 600;
        o.threads = 2;
        if (streamed)
            o.exact_limit = o.region_exact_limit = 10;
        assert_int_equal(vs_sim_run(sc, &o, &whole, &err), VS_OK);
        assert_memory_equal(whole->stats, merged->stats,
                            sc->n_variants * VS_STAT_COUNT * sizeof *whole->stats);
        assert_memory_equal(whole->centres, merged->centres,
                            sc->n_variants * sc->n_centres * sizeof *whole->centres);
        assert_int_equal(whole->exact_centre_quantiles, !streamed);
        vs_results_free(whole);
        vs_results_free(merged);
        vs_sim_acc_free(a);
        vs_sim_acc_free(b);
        vs_err_free(&err);
        /* read as the wrong blocks: refused */
        put_file(p2, n2);
        assert_int_equal(read_back(sc, 0, 2, &a), VS_EINPUT);
        assert_null(a);
        free(p1);
        free(p2);
    }
    vs_scenario_free(sc);
}

/* Every cut of the file, and every byte of the head changed, is refused
 * or (rarely: a changed digit of an arg) still reads; never a crash. */
static void test_cut_and_changed_head(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(text, "p.cfg");
    size_t n;
    unsigned char *p = make_partial(sc, 0, 1, 0, &n);
    size_t at = payload_at(p, n);
    vs_sim_acc *a = NULL;
    for (size_t cut = 0; cut < n; cut += cut < at + 64 ? 1 : 997) {
        put_file(p, cut);
        assert_int_equal(read_back(sc, 0, 1, &a), VS_EINPUT);
    }
    unsigned char *q = malloc(n);
    assert_non_null(q);
    for (size_t i = 0; i < at; i++) {
        static const unsigned char subs[] = {'9', '\n', '%', 0};
        for (size_t s = 0; s < sizeof subs; s++) {
            memcpy(q, p, n);
            if (q[i] == subs[s])
                continue;
            q[i] = subs[s];
            put_file(q, n);
            int st = read_back(sc, 0, 1, &a);
            assert_true(st == VS_EINPUT || st == VS_OK);
            vs_sim_acc_free(a);
            a = NULL;
        }
    }
    /* bytes after the checksum line */
    memcpy(q, p, n);
    put_file(q, n);
    FILE *f = fopen(path, "ab");
    fputs("x", f);
    fclose(f);
    assert_int_equal(read_back(sc, 0, 1, &a), VS_EINPUT);
    free(q);
    free(p);
    vs_scenario_free(sc);
}

/* Payload bytes changed with the checksum made right: the reader's
 * bounds and count checks alone; refused or read, never a crash (the
 * sanitizer build runs this too). */
static void test_changed_payload(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(text, "p.cfg");
    for (int streamed = 0; streamed < 2; streamed++) {
        size_t n;
        unsigned char *p = make_partial(sc, 0, 2, streamed, &n);
        size_t at = payload_at(p, n), end = n - (strlen("\nsha256 ") + 65);
        unsigned char *q = malloc(n);
        assert_non_null(q);
        uint64_t rs = 12345;
        int refused = 0;
        vs_sim_acc *a = NULL;
        /* the first 200 bytes (counts, flags, the point) one by one, then
         * random ones */
        for (int t = 0; t < (streamed ? 300 : 600); t++) {
            size_t i = t < 200 ? at + (size_t)t
                               : at + (size_t)(vs_test_rnd_u64(&rs) % (end - at));
            if (i >= end)
                continue;
            memcpy(q, p, n);
            q[i] ^= (unsigned char)(1u << (vs_test_rnd_u64(&rs) % 8));
            if (t % 3 == 0)
                q[i] = 0xff;
            fix_checksum(q, n);
            put_file(q, n);
            int st = read_back(sc, 0, 2, &a);
            assert_true(st == VS_EINPUT || st == VS_OK);
            refused += st == VS_EINPUT;
            vs_sim_acc_free(a);
            a = NULL;
        }
        assert_true(refused > 50); /* the counts really are checked */
        free(q);
        free(p);
    }
    vs_scenario_free(sc);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/vs-test-partial-%ld.vsp", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_cut_and_changed_head),
        cmocka_unit_test(test_changed_payload),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
