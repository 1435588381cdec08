/* test_sim.c: the Monte Carlo loop: common random numbers, determinism
 * across thread counts, -n 0, --precision, interruption, and the streaming
 * per-centre quantiles against the exact ones. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/load.h"
#include "engine/sim.h"

static const char *scenario_text =
    "scenario = { name = \"sim test\"; seed = 5; iterations = 400; baseline = \"a\"; };\n"
    "region = { deficit = { dist = \"triangular\"; min = 1.0e6; mode = 2.0e6; max = 4.0e6; }; };\n"
    "centres = (\n"
    "  { id = \"c1\"; name = \"One\"; listed = 1000; cni = 0.8; attrs = { kids = 100.0; }; },\n"
    "  { id = \"c2\"; name = \"Two\"; listed = 3000; cni = 1.3; attrs = { kids = 500.0; }; },\n"
    "  { id = \"c3\"; name = \"Three\"; listed = 2000; cni = 1.05; attrs = { kids = 300.0; }; },\n"
    "  { id = \"c4\"; name = \"Four\"; listed = 0; cni = 1.0; attrs = { kids = 0.0; }; }\n"
    ");\n"
    "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; };\n"
    "                listed = { dist = \"normal\"; sd = 0.05; relative = true; }; };\n"
    "variants = (\n"
    "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.1; } ); },\n"
    "  { id = \"a_twin\"; name = \"A again\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.1; } ); },\n"
    "  { id = \"top\"; name = \"Top-up\"; extends = \"a\";\n"
    "    rules = ( { type = \"cni_threshold\"; pot = { dist = \"uniform\"; min = 1.0e6; max = 3.0e6; };\n"
    "                threshold = 1.1; } ); },\n"
    "  { id = \"cut\"; name = \"Cut\"; extends = \"a\";\n"
    "    rules = ( { type = \"cut\"; deficit_share = 0.5; method = \"need_protected\"; } ); }\n"
    ");\n";

static vs_scenario *load(const char *text)
{
    return vs_test_load(text, "sim.cfg");
}

static vs_results *run(const vs_scenario *sc, long n, int threads)
{
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 5;
    o.iterations = n;
    o.threads = threads;
    vs_err err;
    vs_err_init(&err);
    vs_results *r = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
    vs_err_free(&err);
    return r;
}

/* Two identical variants see the same draws: identical values in every
 * iteration, so p_better is exactly 0 and diff_mean exactly 0. */
static void test_common_random_numbers(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_results *r = run(sc, 400, 2);
    size_t stride = sc->n_variants * VS_STAT_COUNT;
    for (long k = 0; k < r->iterations; k++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            double a = r->draws[(size_t)k * stride + 0 * VS_STAT_COUNT + (size_t)m];
            double b = r->draws[(size_t)k * stride + 1 * VS_STAT_COUNT + (size_t)m];
            assert_true((isnan(a) && isnan(b)) || a == b);
        }
    for (int m = 0; m < VS_M_COUNT; m++) {
        const vs_stat *s = &r->stats[1 * VS_STAT_COUNT + (size_t)m];
        if (m == VS_M_MAX_LOSS || m == VS_M_LOSERS || !isnan(s->p_better))
            assert_true(s->p_better == 0.0);
        assert_true(s->diff_mean == 0.0 || isnan(s->diff_mean));
    }
    for (size_t c = 0; c < sc->n_centres; c++) {
        assert_true(r->centres[sc->n_centres + c].p_loss == 0.0);
        assert_true(r->centres[sc->n_centres + c].mean == r->centres[c].mean);
    }
    /* The draws really vary (the test above is not vacuous). */
    const vs_stat *g = &r->stats[0 * VS_STAT_COUNT + VS_M_GINI];
    assert_true(g->sd > 0);
    vs_results_free(r);
    vs_scenario_free(sc);
}

static int same_results(const vs_results *a, const vs_results *b, size_t nv, size_t nc)
{
    return a->iterations == b->iterations &&
           memcmp(a->stats, b->stats, nv * VS_STAT_COUNT * sizeof *a->stats) == 0 &&
           memcmp(a->centres, b->centres, nv * nc * sizeof *a->centres) == 0 &&
           memcmp(a->draws, b->draws,
                  (size_t)a->iterations * nv * VS_STAT_COUNT * sizeof(double)) == 0;
}

/* Byte-identical results for 1, 2, 3 and 7 threads and across runs. */
static void test_thread_count_invariance(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_results *one = run(sc, 333, 1);
    int counts[] = {2, 3, 7, 1};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        vs_results *r = run(sc, 333, counts[i]);
        assert_true(same_results(one, r, sc->n_variants, sc->n_centres));
        vs_results_free(r);
    }
    vs_results_free(one);
    vs_scenario_free(sc);
}

/* Iteration k depends only on (seed, k): the first 100 iterations of a
 * 300-iteration run equal a 100-iteration run. */
static void test_prefix_stability(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_results *a = run(sc, 100, 2), *b = run(sc, 300, 3);
    size_t stride = sc->n_variants * VS_STAT_COUNT;
    assert_memory_equal(a->draws, b->draws, 100 * stride * sizeof(double));
    vs_results_free(a);
    vs_results_free(b);
    vs_scenario_free(sc);
}

/* -n 0: every summary repeats the point, sd and mcse are 0. */
static void test_zero_iterations(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_results *r = run(sc, 0, 4);
    assert_int_equal(r->iterations, 0);
    for (size_t v = 0; v < sc->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            const vs_stat *s = &r->stats[v * VS_STAT_COUNT + (size_t)m];
            if (isnan(s->point))
                continue;
            assert_true(s->mean == s->point && s->p05 == s->point && s->p95 == s->point);
            assert_true(s->sd == 0.0 && s->mcse == 0.0);
        }
    for (size_t j = 0; j < sc->n_variants * sc->n_centres; j++)
        assert_true(r->centres[j].mean == (double)r->centres[j].point);
    /* the cut variant takes half of a 2 MSEK deficit (triangular mode) */
    assert_int_equal(r->stats[3 * VS_STAT_COUNT + VS_STAT_TOTAL].point, 99000000.0 * 100);
    vs_results_free(r);
    vs_scenario_free(sc);
}

/* The summary arithmetic on a hand-made series. */
static void test_summarise_by_hand(void **state)
{
    (void)state;
    /* values 1..5 with one undefined; baseline 2 everywhere.
     * mean 3, sd sqrt(2.5), mcse sqrt(2.5)/2, p05: h = 3 * .05 = .15 -> 1.15,
     * diff_mean over the 4 defined = 1, p_better (gini: lower) = 1/4. */
    double v[] = {1, NAN, 2, 4, 5}, b[] = {2, 2, 2, 2, 2}, scratch[5];
    vs_stat s;
    vs_sim_summarise(v, b, 5, 3.0, 2.0, VS_M_GINI, scratch, &s);
    assert_int_equal(s.n, 4);
    assert_close(s.mean, 3.0, 1e-15, 0);
    assert_close(s.sd, sqrt(10.0 / 3.0), 1e-15, 0);
    assert_close(s.mcse, sqrt(10.0 / 3.0) / 2.0, 1e-15, 0);
    assert_close(s.p05, 1.15, 1e-14, 0);
    assert_close(s.p50, 3.0, 1e-15, 0);
    assert_close(s.diff_mean, 1.0, 1e-15, 0);
    assert_close(s.p_better, 0.25, 0, 0);
    /* a value that never changes: exactly its value, sd and mcse exactly 0
     * (summing 0.1 five times would leave a residue) */
    double c[] = {0.1, 0.1, 0.1, 0.1, 0.1};
    vs_sim_summarise(c, NULL, 5, 0.1, NAN, VS_M_GINI, scratch, &s);
    assert_true(s.mean == 0.1 && s.sd == 0.0 && s.mcse == 0.0);
    /* quantiles follow GSL's formula, (1 - d) x + d x: within an ulp */
    assert_close(s.p05, 0.1, 1e-15, 0);
    /* money rows have no p_better */
    vs_sim_summarise(v, b, 5, 3.0, 2.0, VS_STAT_TOTAL, scratch, &s);
    assert_true(isnan(s.p_better));
    assert_close(s.diff_mean, 1.0, 1e-15, 0);
}

/* --precision stops at a block end once every mcse is small enough. */
static void test_precision(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 5;
    o.iterations = 20000;
    o.threads = 2;
    o.precision = 0.05;
    vs_err err;
    vs_err_init(&err);
    vs_results *r = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
    assert_true(r->iterations >= 1000 && r->iterations < 20000);
    assert_int_equal(r->iterations % 1000, 0);
    for (size_t v = 0; v < sc->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            const vs_stat *s = &r->stats[v * VS_STAT_COUNT + (size_t)m];
            if (!isnan(s->mean) && s->mean != 0)
                assert_true(s->mcse < 0.05 * fabs(s->mean));
        }
    /* same answer on one thread */
    o.threads = 1;
    vs_results *r1 = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r1, &err), VS_OK);
    assert_true(same_results(r, r1, sc->n_variants, sc->n_centres));
    vs_results_free(r);
    vs_results_free(r1);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* Shortfalls over draws: "top" (rule 3) has someone above 1.1 at the
 * point (c2, 1.3) but in some draws nobody (c2 drawn below, c3 not
 * above); the counts are the same for any thread count.  And the point
 * steps of every variant's chain add up to its point allocation. */
static void test_shortfalls_over_draws(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_results *r1 = run(sc, 400, 1), *r3 = run(sc, 400, 3);
    assert_int_equal(r1->n_rules, 4);
    const vs_shortfall_sum *t = &r1->shortfalls[r1->rule_base[2]];
    assert_int_equal(t->point_kinds, 0);
    assert_int_equal(t->point, 0);
    assert_int_equal(t->kinds, VS_SHORT_NOBODY);
    print_message("top: %ld draws short\n", t->draws);
    assert_true(t->draws > 0 && t->draws < 100);
    for (size_t k = 0; k < r1->n_rules; k++) {
        assert_int_equal(r1->shortfalls[k].draws, r3->shortfalls[k].draws);
        assert_int_equal(r1->shortfalls[k].kinds, r3->shortfalls[k].kinds);
        assert_int_equal(r1->shortfalls[k].point, r3->shortfalls[k].point);
        if (k != r1->rule_base[2])
            assert_int_equal(r1->shortfalls[k].kinds, 0);
    }
    size_t nc = sc->n_centres;
    for (size_t v = 0; v < sc->n_variants; v++)
        for (size_t i = 0; i < nc; i++) {
            vs_ore sum = 0;
            for (long u = (long)v; u != VS_NONE; u = sc->variants[u].extends)
                for (size_t k = 0; k < sc->variants[u].n_rules; k++)
                    sum += r1->steps[(r1->rule_base[u] + k) * nc + i];
            assert_int_equal(sum, r1->centres[v * nc + i].point);
        }
    vs_results_free(r1);
    vs_results_free(r3);
    vs_scenario_free(sc);
}

static void test_stop_flag(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    volatile sig_atomic_t stop = 1;
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.iterations = 1000;
    o.threads = 2;
    o.stop = &stop;
    vs_err err;
    vs_err_init(&err);
    vs_results *r = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_EINTR);
    assert_null(r);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* Streaming per-centre quantiles stay within the documented bound (one
 * bucket, 2 x pilot range / 512; checked here as 1 % of the spread between
 * p05 and p95 or 1 öre); means and p_loss do not depend on the mode. */
static void test_streaming_centre_quantiles(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 9;
    o.iterations = 3000;
    o.threads = 2;
    vs_err err;
    vs_err_init(&err);
    vs_results *exact = NULL, *sketch = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &exact, &err), VS_OK);
    o.exact_limit = 10;
    assert_int_equal(vs_sim_run(sc, &o, &sketch, &err), VS_OK);
    assert_true(exact->exact_centre_quantiles);
    assert_false(sketch->exact_centre_quantiles);
    /* the histograms, too, do not depend on the thread count */
    vs_results *sketch3 = NULL;
    o.threads = 3;
    assert_int_equal(vs_sim_run(sc, &o, &sketch3, &err), VS_OK);
    assert_true(same_results(sketch, sketch3, sc->n_variants, sc->n_centres));
    vs_results_free(sketch3);
    for (size_t j = 0; j < sc->n_variants * sc->n_centres; j++) {
        const vs_centre_stat *a = &exact->centres[j], *b = &sketch->centres[j];
        assert_true(a->mean == b->mean);
        assert_true((isnan(a->p_loss) && isnan(b->p_loss)) || a->p_loss == b->p_loss);
        double tol = fmax(1.0, 0.01 * (a->p95 - a->p05));
        assert_close(b->p05, a->p05, 0, tol);
        assert_close(b->p95, a->p95, 0, tol);
        if (isnan(a->change_p05)) {
            assert_true(isnan(b->change_p05));
        } else {
            double ctol = fmax(1.0, 0.01 * (a->change_p95 - a->change_p05));
            assert_close(b->change_p05, a->change_p05, 0, ctol);
            assert_close(b->change_p95, a->change_p95, 0, ctol);
        }
    }
    vs_results_free(exact);
    vs_results_free(sketch);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* The histogram path with several slot tiles, the last one partial (23
 * centres x 4 variants = 92 columns), and a run that ends inside a block
 * (777 = pilot 250 + 250 + 250 + 27): byte-identical for 1, 2, 3 and 7
 * threads, with the exact means. */
static void test_streaming_tiles_and_threads(void **state)
{
    (void)state;
    char *text = malloc(16384);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, 16384, "%s",
        "scenario = { name = \"tiles\"; seed = 3; iterations = 10; baseline = \"a\"; };\n"
        "region = { deficit = 5.0e6; };\n"
        "centres = (\n");
    for (int i = 0; i < 23; i++)
        len += (size_t)snprintf(text + len, 16384 - len,
            "  { id = \"c%d\"; name = \"C%d\"; listed = %d; cni = %.2f; },\n",
            i, i, 500 + 137 * i, 0.7 + 0.03 * i);
    snprintf(text + len - 2, 16384 - len + 2, "%s",
        "\n);\n"
        "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; };\n"
        "                listed = { dist = \"normal\"; sd = 0.05; relative = true; }; };\n"
        "variants = (\n"
        "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.1; } ); },\n"
        "  { id = \"b\"; name = \"B\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.3; } ); },\n"
        "  { id = \"top\"; name = \"Top-up\"; extends = \"a\";\n"
        "    rules = ( { type = \"cni_threshold\"; pot = 2.0e6; threshold = 1.1; } ); },\n"
        "  { id = \"cut\"; name = \"Cut\"; extends = \"a\";\n"
        "    rules = ( { type = \"cut\"; deficit_share = 0.5; method = \"proportional\"; } ); }\n"
        ");\n");
    vs_scenario *sc = load(text);
    free(text);
    assert_int_equal(sc->n_centres * sc->n_variants, 92);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 11;
    o.iterations = 777;
    o.exact_limit = 10;
    vs_err err;
    vs_err_init(&err);
    vs_results *exact = NULL, *ref = NULL;
    o.threads = 1;
    assert_int_equal(vs_sim_run(sc, &o, &ref, &err), VS_OK);
    assert_false(ref->exact_centre_quantiles);
    int counts[] = {2, 3, 7};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        vs_results *r = NULL;
        o.threads = counts[i];
        assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
        assert_true(same_results(ref, r, sc->n_variants, sc->n_centres));
        vs_results_free(r);
    }
    o.exact_limit = 0; /* the default: 777 x 92 values are kept exactly */
    assert_int_equal(vs_sim_run(sc, &o, &exact, &err), VS_OK);
    assert_true(exact->exact_centre_quantiles);
    for (size_t j = 0; j < sc->n_variants * sc->n_centres; j++) {
        const vs_centre_stat *a = &exact->centres[j], *b = &ref->centres[j];
        assert_true(a->mean == b->mean);
        assert_true((isnan(a->p_loss) && isnan(b->p_loss)) || a->p_loss == b->p_loss);
        double tol = fmax(1.0, 0.01 * (a->p95 - a->p05));
        assert_close(b->p05, a->p05, 0, tol);
        assert_close(b->p95, a->p95, 0, tol);
    }
    vs_results_free(exact);
    vs_results_free(ref);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* Allocations on both sides of record's fast path (below 2^51 öre, 2.25e13
 * SEK: vector lanes and int64 block sums) and its scalar path: a pot drawn
 * between 1.5e13 and 3e13 SEK sends about half the iterations of every
 * block each way.  Means and loss shares must equal those of the exact
 * run (128-bit sums throughout) and the thread count must not matter; 23
 * centres leave a tail of 3 after the blocks of four. */
static void test_record_fast_and_scalar_paths(void **state)
{
    (void)state;
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "%s",
        "scenario = { name = \"big\"; baseline = \"a\"; };\n"
        "region = { deficit = 1.0e12; };\n"
        "centres = (\n");
    for (int i = 0; i < 23; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
            "  { id = \"c%d\"; name = \"C%d\"; listed = %d; cni = %.2f; },\n",
            i, i, 800 + 211 * i, 0.6 + 0.04 * i);
    snprintf(text + len - 2, sizeof text - len + 2, "%s",
        "\n);\n"
        "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; }; };\n"
        "variants = (\n"
        "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\";\n"
        "      pot = { dist = \"uniform\"; min = 1.5e13; max = 3.0e13; }; cni_share = 0.2; } ); },\n"
        "  { id = \"cut\"; name = \"Cut\"; extends = \"a\";\n"
        "    rules = ( { type = \"cut\"; deficit_share = 1.0; method = \"need_protected\"; } ); }\n"
        ");\n");
    vs_scenario *sc = load(text);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 5;
    o.iterations = 1100;
    vs_err err;
    vs_err_init(&err);
    vs_results *exact = NULL, *ref = NULL;
    o.threads = 1;
    assert_int_equal(vs_sim_run(sc, &o, &exact, &err), VS_OK);
    assert_true(exact->exact_centre_quantiles);
    o.exact_limit = 10; /* histograms from iteration 251 on */
    assert_int_equal(vs_sim_run(sc, &o, &ref, &err), VS_OK);
    assert_false(ref->exact_centre_quantiles);
    /* both paths ran: totals on each side of 2^51 öre */
    int below = 0, above = 0;
    for (long k = 251; k < o.iterations; k++) {
        double total = ref->draws[(size_t)k * sc->n_variants * VS_STAT_COUNT + VS_STAT_TOTAL];
        below += total < 0x1p51;
        above += total >= 0x1p51;
    }
    assert_true(below > 100 && above > 100);
    for (size_t j = 0; j < sc->n_variants * sc->n_centres; j++) {
        const vs_centre_stat *a = &exact->centres[j], *b = &ref->centres[j];
        assert_true(a->mean == b->mean);
        assert_true((isnan(a->p_loss) && isnan(b->p_loss)) || a->p_loss == b->p_loss);
        double tol = fmax(1.0, 0.01 * (a->p95 - a->p05));
        assert_close(b->p05, a->p05, 0, tol);
        assert_close(b->p95, a->p95, 0, tol);
        assert_int_equal(isnan(a->change_p05), j < sc->n_centres); /* baseline */
        if (j >= sc->n_centres) {
            tol = fmax(1.0, 0.01 * (a->change_p95 - a->change_p05));
            assert_close(b->change_p05, a->change_p05, 0, tol);
            assert_close(b->change_p95, a->change_p95, 0, tol);
        }
    }
    int counts[] = {2, 3};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        vs_results *r = NULL;
        o.threads = counts[i];
        assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
        assert_true(same_results(ref, r, sc->n_variants, sc->n_centres));
        vs_results_free(r);
    }
    vs_results_free(exact);
    vs_results_free(ref);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* An iteration that fails in the first histogram block (its worker stops
 * there, leaving later rows without slots) ends the run with the error and
 * folds nothing: under AddressSanitizer a fold of the unwritten rows was
 * an out-of-bounds write.  One centre, 100 capitation pots of up to 1e15
 * SEK: the books overflow int64 öre now and then, first (seed 2) in
 * iteration 257. */
static void test_failure_in_histogram_block(void **state)
{
    (void)state;
    size_t cap = 20000, len;
    char *text = malloc(cap);
    assert_non_null(text);
    len = (size_t)snprintf(text, cap, "%s",
        "scenario = { name = \"heavy\"; baseline = \"base\"; };\n"
        "region = { name = \"R\"; };\n"
        "centres = ( { id = \"a\"; name = \"A\"; listed = 1000; cni = 1.0; } );\n"
        "variants = ( { id = \"base\"; name = \"B\"; rules = (\n");
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(text + len, cap - len,
            "  { id = \"r%d\"; type = \"capitation\"; pot = { dist = \"uniform\"; "
            "min = 8.14e14; max = 1.0e15; }; }%s\n", i, i < 99 ? "," : "");
    snprintf(text + len, cap - len, "%s", "); } );\n");
    vs_scenario *sc = load(text);
    free(text);
    int counts[] = {1, 2, 7};
    for (size_t t = 0; t < sizeof counts / sizeof *counts; t++) {
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 2;
        o.iterations = 100000;
        o.threads = counts[t];
        o.exact_limit = 10; /* histograms from iteration 251 on */
        vs_err err;
        vs_err_init(&err);
        vs_results *r = NULL;
        assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_ERUN);
        assert_null(r);
        assert_non_null(strstr(err.log, "books overflow"));
        assert_non_null(strstr(err.log, "in Monte Carlo iteration 257"));
        vs_err_free(&err);
    }
    vs_scenario_free(sc);
}

/* More iterations than VS_SIM_MAX_ITERATIONS (as a library caller could
 * ask) is an error, not a run until killed. */
static void test_iterations_capped(void **state)
{
    (void)state;
    vs_scenario *sc = load("scenario = { name = \"c\"; };\n"
        "centres = ( { id = \"a\"; name = \"A\"; listed = 10; cni = 1.0; } );\n"
        "variants = ( { id = \"v\"; name = \"V\"; rules = ( { type = \"capitation\"; pot = 1.0; } ); } );\n");
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.iterations = VS_SIM_MAX_ITERATIONS + 1;
    o.threads = 1;
    vs_err err;
    vs_err_init(&err);
    vs_results *r = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_EINPUT);
    assert_null(r);
    assert_non_null(strstr(err.log, "100000001 iterations asked for; at most 100000000"));
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* Nobody listed at the point: fair shares are undefined (empty cells). */
static void test_fair_share_undefined(void **state)
{
    (void)state;
    vs_scenario *sc = load(
        "scenario = { name = \"empty\"; };\n"
        "centres = ( { id = \"a\"; name = \"A\"; listed = 0; cni = 1.0; },\n"
        "            { id = \"b\"; name = \"B\"; listed = 0; cni = 2.0; } );\n"
        "variants = ( { id = \"v\"; name = \"V\";\n"
        "  rules = ( { type = \"grant\"; to = [\"a\"]; amounts = [5.0]; } ); } );\n");
    vs_results *r = run(sc, 0, 1);
    assert_false(r->fair_share_defined);
    vs_results_free(r);
    vs_scenario_free(sc);
    sc = load(scenario_text);
    r = run(sc, 0, 1);
    assert_true(r->fair_share_defined);
    vs_results_free(r);
    vs_scenario_free(sc);
}

/* region_only (sweeps): the same region-level statistics, no per-centre
 * draw statistics. */
static void test_region_only(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_results *full = run(sc, 300, 2);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 5;
    o.iterations = 300;
    o.threads = 2;
    o.region_only = 1;
    vs_err err;
    vs_err_init(&err);
    vs_results *r = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
    assert_memory_equal(full->stats, r->stats,
                        sc->n_variants * VS_STAT_COUNT * sizeof *r->stats);
    for (size_t j = 0; j < sc->n_variants * sc->n_centres; j++) {
        assert_true(r->centres[j].point == full->centres[j].point);
        assert_true(isnan(r->centres[j].mean) && isnan(r->centres[j].p95));
    }
    vs_results_free(full);
    vs_results_free(r);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* no_difference: 1 for the baseline and for a variant within 1 öre of
 * it everywhere (a twin; a pot larger by one öre), 0 for a variant that
 * differs, even if only in the draws (nobody passes the threshold at the
 * point estimate), the same for any thread count. */
static void test_no_difference(void **state)
{
    (void)state;
    static const char *text =
        "scenario = { name = \"nodiff\"; seed = 5; iterations = 300; baseline = \"a\"; };\n"
        "centres = (\n"
        "  { id = \"c1\"; name = \"c1\"; listed = 1000; cni = 0.8; },\n"
        "  { id = \"c2\"; name = \"c2\"; listed = 3000; cni = 1.3; },\n"
        "  { id = \"c3\"; name = \"c3\"; listed = 2000; cni = 1.05; }\n"
        ");\n"
        "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; }; };\n"
        "variants = (\n"
        "  { id = \"a\"; name = \"a\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.1; } ); },\n"
        "  { id = \"twin\"; name = \"twin\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.1; } ); },\n"
        "  { id = \"ore\"; name = \"ore\"; rules = ( { type = \"capitation\"; pot = 100000000.01; cni_share = 0.1; } ); },\n"
        "  { id = \"draws\"; name = \"draws\"; extends = \"a\";\n"
        "    rules = ( { type = \"cni_threshold\"; pot = 1.0e6; threshold = 1.35; } ); },\n"
        "  { id = \"more\"; name = \"more\"; rules = ( { type = \"capitation\"; pot = 1.0e8; cni_share = 0.5; } ); }\n"
        ");\n";
    vs_scenario *sc = load(text);
    static const int want[5] = {1, 1, 1, 0, 0};
    for (int t = 1; t <= 3; t++) {
        vs_results *r = run(sc, 300, t);
        for (size_t v = 0; v < 5; v++)
            assert_int_equal(r->no_difference[v], want[v]);
        vs_results_free(r);
    }
    /* At the point estimate alone, "draws" is the baseline's allocation. */
    vs_results *r0 = run(sc, 0, 1);
    assert_int_equal(r0->no_difference[3], 1);
    assert_int_equal(r0->no_difference[4], 0);
    vs_results_free(r0);
    vs_scenario_free(sc);
}

/* Every byte a writer reads from a vs_results (draws when both kept). */
static int same_summaries(const vs_results *a, const vs_results *b)
{
    size_t nv = a->n_variants, nc = a->n_centres;
    if (a->iterations != b->iterations || a->n_rules != b->n_rules ||
        memcmp(a->stats, b->stats, nv * VS_STAT_COUNT * sizeof *a->stats) ||
        memcmp(a->centres, b->centres, nv * nc * sizeof *a->centres) ||
        memcmp(a->no_difference, b->no_difference, nv * sizeof(int)) ||
        memcmp(a->shortfalls, b->shortfalls, a->n_rules * sizeof *a->shortfalls) ||
        (!a->draws) != (!b->draws))
        return 0;
    return !a->draws || !memcmp(a->draws, b->draws, (size_t)a->iterations * nv *
                                                    VS_STAT_COUNT * sizeof(double));
}

/* Shard K of N's blocks, as docs/partial-format.md says. */
static void shard_range(long M, long K, long N, long *b0, long *b1)
{
    *b0 = (K - 1) * M / N;
    *b1 = K * M / N;
}

/* Blocks computed apart (shards of 1..7, some with no block) and joined
 * in block order give the same bytes as the whole run, in every mode:
 * per-centre values kept or histograms, region-level values kept or
 * streamed; and parts joined out of order are refused. */
static void test_blocks_joined(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    /* exact limit, region limit, work limit: the last two modes take a
     * work limit of 200 bytes, below the pilot's 16 columns x 250 x 8
     * bytes (computed twice) and a block's slots (folded 8 iterations at
     * a time), and must give the bytes of the default run */
    static const long modes[6][3] = {{0, 0, 0},  {10, 0, 0},  {0, 10, 0},
                                      {10, 10, 0}, {10, 0, 200}, {10, 10, 200}};
    vs_results *ref[2] = {NULL, NULL}; /* modes 1 and 3 */
    for (int mode = 0; mode < 6; mode++) {
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 11;
        o.iterations = 1337;
        o.threads = 2;
        o.exact_limit = modes[mode][0];
        o.region_exact_limit = modes[mode][1];
        o.work_limit = modes[mode][2];
        vs_err err;
        vs_err_init(&err);
        vs_results *whole = NULL;
        assert_int_equal(vs_sim_run(sc, &o, &whole, &err), VS_OK);
        assert_int_equal(whole->exact_centre_quantiles, modes[mode][0] == 0);
        assert_int_equal(whole->draws != NULL, modes[mode][1] == 0);
        if (mode == 1 || mode == 3)
            ref[mode / 2] = whole;
        if (mode >= 4) {
            assert_true(same_summaries(ref[mode - 4], whole));
            for (int t = 1; t <= 3; t += 2) { /* and on 1 and 3 threads */
                vs_results *r = NULL;
                o.threads = t;
                assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
                assert_true(same_summaries(whole, r));
                vs_results_free(r);
            }
            o.threads = 2;
        }
        long M = vs_sim_blocks(o.iterations);
        assert_int_equal(M, 6);
        for (long N = 1; N <= 7; N++) {
            vs_sim_acc *all = NULL;
            for (long K = 1; K <= N; K++) {
                long b0, b1;
                shard_range(M, K, N, &b0, &b1);
                o.threads = (int)(K % 3) + 1;
                vs_sim_acc *part = NULL;
                assert_int_equal(vs_sim_compute(sc, &o, b0, b1, &part, &err), VS_OK);
                if (!all) {
                    all = part;
                    continue;
                }
                assert_int_equal(vs_sim_acc_append(all, part, &err), VS_OK);
                vs_sim_acc_free(part);
            }
            vs_results *r = NULL;
            assert_int_equal(vs_sim_finish(sc, all, 2, &r, &err), VS_OK);
            assert_true(same_summaries(whole, r));
            vs_results_free(r);
            vs_sim_acc_free(all);
        }
        /* out of order, and a run that is not whole */
        vs_sim_acc *p1 = NULL, *p2 = NULL;
        assert_int_equal(vs_sim_compute(sc, &o, 2, 4, &p1, &err), VS_OK);
        assert_int_equal(vs_sim_compute(sc, &o, 0, 2, &p2, &err), VS_OK);
        assert_int_equal(vs_sim_acc_append(p1, p2, &err), VS_EINPUT);
        vs_results *r = NULL;
        assert_int_equal(vs_sim_finish(sc, p2, 1, &r, &err), VS_EINPUT);
        assert_null(r);
        vs_sim_acc_free(p1);
        vs_sim_acc_free(p2);
        if (mode != 1 && mode != 3)
            vs_results_free(whole);
        vs_err_free(&err);
    }
    vs_results_free(ref[0]);
    vs_results_free(ref[1]);
    vs_scenario_free(sc);
}

/* Histogram counts are 16 bits while a range has at most 65,535
 * iterations, else 32 (engine/sim.h): 65,536 iterations, whole (32 bits
 * from the start) and as two ranges of 16 bits joined (widened by the
 * join), give the same bytes; and centre c4 (listed 0: an allocation of 0
 * and a change of 0 in every iteration) has all 65,536 values in one
 * count, which 16 bits would wrap to 0 (its quantiles NAN). */
static void test_counts_past_16_bits(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 3;
    o.iterations = 65536;
    o.threads = 2;
    o.exact_limit = 10;
    vs_err err;
    vs_err_init(&err);
    vs_results *whole = NULL, *joined = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &whole, &err), VS_OK);
    assert_false(whole->exact_centre_quantiles);
    long M = vs_sim_blocks(o.iterations);
    vs_sim_acc *a = NULL, *b = NULL;
    assert_int_equal(vs_sim_compute(sc, &o, 0, M / 2, &a, &err), VS_OK);
    assert_int_equal(vs_sim_compute(sc, &o, M / 2, M, &b, &err), VS_OK);
    assert_false(a->hist.wide);
    assert_false(b->hist.wide);
    assert_int_equal(vs_sim_acc_append(a, b, &err), VS_OK);
    assert_true(a->hist.wide);
    assert_int_equal(vs_sim_finish(sc, a, 1, &joined, &err), VS_OK);
    assert_true(same_summaries(whole, joined));
    size_t nc = sc->n_centres;
    for (size_t v = 0; v < sc->n_variants; v++) {
        const vs_centre_stat *c4 = &whole->centres[v * nc + 3];
        assert_true(c4->point == 0);
        assert_true(fabs(c4->p05) < 1 && fabs(c4->p95) < 1);
        if (v != (size_t)sc->baseline)
            assert_true(fabs(c4->change_p05) < 1 && fabs(c4->change_p95) < 1);
    }
    /* one iteration fewer: 16 bits whole */
    vs_sim_acc_free(b);
    b = NULL;
    o.iterations = 65535;
    assert_int_equal(vs_sim_compute(sc, &o, 0, -1, &b, &err), VS_OK);
    assert_false(b->hist.wide);
    vs_sim_acc_free(a);
    vs_sim_acc_free(b);
    vs_results_free(whole);
    vs_results_free(joined);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* Region-level values streamed past the documented size: the same means
 * (exact sums, to rounding), p_better and diff_mean, and quantiles within
 * the histogram's bound (one bucket: 2 x pilot range / 4096); n counts
 * the defined values. */
static void test_region_streamed(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 4;
    o.iterations = 2000;
    o.threads = 2;
    vs_err err;
    vs_err_init(&err);
    vs_results *exact = NULL, *st = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &exact, &err), VS_OK);
    o.region_exact_limit = 1;
    assert_int_equal(vs_sim_run(sc, &o, &st, &err), VS_OK);
    assert_non_null(exact->draws);
    assert_null(st->draws);
    size_t nv = sc->n_variants, stride = nv * VS_STAT_COUNT;
    int checked = 0;
    for (size_t it = 0; it < stride; it++) {
        const vs_stat *a = &exact->stats[it], *b = &st->stats[it];
        assert_int_equal(a->n, b->n);
        assert_true(a->point == b->point || (isnan(a->point) && isnan(b->point)));
        if (a->n == 0) {
            assert_true(isnan(b->mean) && isnan(b->p50));
            continue;
        }
        double scale = fmax(fabs(a->mean), 1e-300);
        assert_close(b->mean, a->mean, 1e-9 * scale, 0);
        if (a->n > 1)
            assert_close(b->sd, a->sd, 1e-6 * fmax(a->sd, 1e-12 * scale), 0);
        /* the pilot's range bounds the quantile error */
        double lo = INFINITY, hi = -INFINITY;
        for (long k = 0; k < 250; k++) {
            double v = exact->draws[(size_t)k * stride + it];
            if (!isnan(v))
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
        double bucket = 2.0 * fmax(hi - lo, fmax(1.0, 1e-6 * fabs(lo))) / 4096.0;
        assert_close(b->p05, a->p05, 0, bucket + 1e-9 * scale);
        assert_close(b->p50, a->p50, 0, bucket + 1e-9 * scale);
        assert_close(b->p95, a->p95, 0, bucket + 1e-9 * scale);
        if (!isnan(a->p_better))
            assert_true(a->p_better == b->p_better);
        if (!isnan(a->diff_mean))
            assert_close(b->diff_mean, a->diff_mean, 1e-9 * fmax(fabs(a->diff_mean), scale), 0);
        checked += hi > lo;
    }
    assert_true(checked > 10); /* the values really vary */
    /* the per-centre summaries do not depend on the region's mode */
    assert_memory_equal(exact->centres, st->centres,
                        nv * sc->n_centres * sizeof *st->centres);
    vs_results_free(exact);
    vs_results_free(st);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_thread_count_invariance),
        cmocka_unit_test(test_prefix_stability),
        cmocka_unit_test(test_zero_iterations),
        cmocka_unit_test(test_summarise_by_hand),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_stop_flag),
        cmocka_unit_test(test_streaming_centre_quantiles),
        cmocka_unit_test(test_streaming_tiles_and_threads),
        cmocka_unit_test(test_record_fast_and_scalar_paths),
        cmocka_unit_test(test_failure_in_histogram_block),
        cmocka_unit_test(test_iterations_capped),
        cmocka_unit_test(test_fair_share_undefined),
        cmocka_unit_test(test_region_only),
        cmocka_unit_test(test_no_difference),
        cmocka_unit_test(test_blocks_joined),
        cmocka_unit_test(test_counts_past_16_bits),
        cmocka_unit_test(test_region_streamed),
        cmocka_unit_test(test_shortfalls_over_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
