/* test_sensitivity.c: the scenario side of `vardsim sensitivity`: input
 * discovery (a shared stream is one input), the tornado against values
 * computed by hand, an input that affects nothing, noise groups' stream
 * keys, Sobol indices of a total known in closed form, thread-count
 * invariance, interruption and the CSV it writes. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/dist.h"
#include "engine/draw.h"
#include "out/sensitivity_write.h"
#include "vardsim/load.h"
#include "engine/quantile.h"
#include "analysis/sensitivity.h"
#include "engine/sim.h"

/* One uncertain pot (triangular), one uncertain cut share on a stream
 * shared by two variants, a threshold that no centre can reach (it moves
 * nothing), and CNI noise. */
static const char *scenario_text =
    "scenario = { name = \"sens test\"; seed = 7; baseline = \"base\"; };\n"
    "region = { deficit = 1.0e7; };\n"
    "centres = (\n"
    "  { id = \"c1\"; name = \"One\"; listed = 1000; cni = 0.8; },\n"
    "  { id = \"c2\"; name = \"Two\"; listed = 3000; cni = 1.3; },\n"
    "  { id = \"c3\"; name = \"Three\"; listed = 2000; cni = 1.05; }\n"
    ");\n"
    "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.05; }; };\n"
    "variants = (\n"
    "  { id = \"base\"; name = \"Base\";\n"
    "    rules = ( { type = \"capitation\"; cni_share = 0.1;\n"
    "                pot = { dist = \"triangular\"; min = 9.0e7; mode = 1.0e8; max = 1.2e8; }; } ); },\n"
    "  { id = \"cut\"; name = \"Cut\"; extends = \"base\";\n"
    "    rules = ( { type = \"cut\"; deficit_share = { dist = \"uniform\"; min = 0.1; max = 0.3;\n"
    "                stream = \"share\"; }; } ); },\n"
    "  { id = \"cut2\"; name = \"Cut per capita\"; extends = \"base\";\n"
    "    rules = ( { type = \"cut\"; method = \"per_capita\";\n"
    "                deficit_share = { dist = \"uniform\"; min = 0.1; max = 0.3; stream = \"share\"; }; } ); },\n"
    "  { id = \"idle\"; name = \"Idle's \\\"top-up\\\"\"; extends = \"base\";\n"
    "    rules = ( { type = \"cni_threshold\"; pot = 1.0e6;\n"
    "                threshold = { dist = \"uniform\"; min = 2.0; max = 3.0; }; } ); }\n"
    ");\n";

enum { V_BASE, V_CUT, V_CUT2, V_IDLE };
enum { I_POT, I_SHARE, I_THRESHOLD, I_CNI, N_INPUTS };

static vs_scenario *load(const char *text)
{
    return vs_test_load(text, "sens.cfg");
}

static vs_sensitivity_result *run(const vs_scenario *sc, long n, int threads)
{
    vs_sensitivity_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 7;
    o.n = n;
    o.bootstrap = 50;
    o.threads = threads;
    vs_err err;
    vs_err_init(&err);
    vs_sensitivity_result *r = NULL;
    int st = vs_sensitivity_run(sc, &o, &r, &err);
    if (st != VS_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, VS_OK);
    vs_err_free(&err);
    return r;
}

static const vs_sensitivity_cell *cell(const vs_sensitivity_result *r,
                                       size_t v, int stat, size_t input)
{
    return &r->cells[(v * VS_STAT_COUNT + (size_t)stat) * r->n_inputs + input];
}

static void test_inputs(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sensitivity_input *in = NULL;
    size_t n = 0;
    assert_int_equal(vs_sensitivity_inputs(sc, &in, &n), VS_OK);
    /* region.deficit, cni_share and the idle pot are fixed: not inputs.
     * The two deficit_share params share stream "share": one input. */
    assert_int_equal(n, N_INPUTS);
    assert_string_equal(in[I_POT].name, "base.capitation.pot");
    assert_int_equal(in[I_POT].kind, VS_SENSITIVITY_PARAM);
    assert_int_equal(in[I_POT].n_params, 1);
    assert_string_equal(in[I_SHARE].name, "share");
    assert_int_equal(in[I_SHARE].n_params, 2);
    assert_string_equal(in[I_THRESHOLD].name, "idle.cni_threshold.threshold");
    assert_string_equal(in[I_CNI].name, "uncertainty.cni");
    assert_int_equal(in[I_CNI].kind, VS_SENSITIVITY_NOISE);
    assert_int_equal(in[I_CNI].index, 0);
    free(in);

    /* Nothing uncertain: no inputs, and run refuses with VS_EINPUT. */
    const char *fixed =
        "scenario = { name = \"fixed\"; };\n"
        "centres = ( { id = \"a\"; name = \"A\"; listed = 10; cni = 1.0; } );\n"
        "variants = ( { id = \"v\"; name = \"V\";\n"
        "  rules = ( { type = \"capitation\"; pot = 100.0; } ); } );\n";
    vs_scenario *sf = load(fixed);
    assert_int_equal(vs_sensitivity_inputs(sf, &in, &n), VS_OK);
    assert_int_equal(n, 0);
    assert_null(in);
    vs_sensitivity_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    vs_err err;
    vs_err_init(&err);
    vs_sensitivity_result *r = (vs_sensitivity_result *)&o;
    assert_int_equal(vs_sensitivity_run(sf, &o, &r, &err), VS_EINPUT);
    assert_null(r);
    vs_err_free(&err);
    vs_scenario_free(sf);
    vs_scenario_free(sc);
}

/* The pot is triangular(9e7, 1e8, 1.2e8) SEK, mode at F = 1/3:
 *   q(0.05) = 9e7 + sqrt(0.05 * 3e7 * 1e7)   = 93 872 983.346 SEK
 *   q(0.95) = 1.2e8 - sqrt(0.05 * 3e7 * 2e7) = 114 522 774.425 SEK
 * Capitation places the whole pot, so base's total is the pot in öre:
 * 9 387 298 335 and 11 452 277 442, swing 2 064 979 107 öre.
 * The share is uniform(0.1, 0.3) at 0.11 and 0.29 of a 1e7 deficit: cuts
 * of 1.1 and 2.9 MSEK from the point pot of 1e8, so cut's total is
 * 98.9 and 97.1 MSEK, swing -1.8 MSEK; cut2 moves with it (same stream). */
static void test_tornado_by_hand(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sensitivity_result *r = run(sc, 0, 2);
    const vs_sensitivity_cell *x = cell(r, V_BASE, VS_STAT_TOTAL, I_POT);
    assert_true(x->point == 10000000000.0); /* 1e8 SEK */
    assert_true(x->low == 9387298335.0);
    assert_true(x->high == 11452277442.0);
    assert_true(x->swing == 2064979107.0);
    /* also through the library's own quantile and rounding */
    const vs_dist *pot = &sc->params[vs_scenario_find_param(sc, "base.capitation.pot")].dist;
    vs_ore lo, hi;
    assert_int_equal(vs_money_from_sek(vs_dist_quantile(pot, 0.05), &lo), VS_OK);
    assert_int_equal(vs_money_from_sek(vs_dist_quantile(pot, 0.95), &hi), VS_OK);
    assert_true(x->swing == (double)(hi - lo));

    for (size_t v = V_CUT; v <= V_CUT2; v++) {
        x = cell(r, v, VS_STAT_TOTAL, I_SHARE);
        assert_true(x->point == 9800000000.0); /* 1e8 - 0.2 * 1e7 */
        assert_true(x->low == 9890000000.0);
        assert_true(x->high == 9710000000.0);
        assert_true(x->swing == -180000000.0);
    }
    /* the share moves nothing in base; CNI noise moves no total */
    assert_true(cell(r, V_BASE, VS_STAT_TOTAL, I_SHARE)->swing == 0.0);
    assert_true(cell(r, V_CUT, VS_STAT_TOTAL, I_CNI)->swing == 0.0);
    /* N = 0: tornado only */
    assert_true(isnan(cell(r, V_CUT, VS_STAT_TOTAL, I_POT)->sobol.s1));
    assert_int_equal(r->evaluations, 1 + 2 * 3 + VS_SENSITIVITY_TORNADO_REPS);
    vs_sensitivity_free(r);
    vs_scenario_free(sc);
}

/* A noise group's low and high are the p05 and p95 (type 7) of the
 * statistic over 200 draws of that group alone, draw k keyed by
 * vs_stream_key(seed, k, path): recomputed here evaluation by evaluation. */
static void test_tornado_noise(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sensitivity_result *r = run(sc, 0, 3);
    vs_draw *d = vs_draw_alloc(sc);
    vs_ws *ws = vs_ws_alloc(sc->n_centres);
    vs_outcome *out = vs_outcome_alloc(sc);
    vs_metric_ws *mws = vs_metric_ws_alloc(sc->n_centres);
    double row[4 * VS_STAT_COUNT], gini[VS_SENSITIVITY_TORNADO_REPS];
    unsigned char on[1] = {1};
    uint64_t key[1];
    vs_err err;
    vs_err_init(&err);
    for (int k = 0; k < VS_SENSITIVITY_TORNADO_REPS; k++) {
        key[0] = vs_stream_key(7, (uint64_t)k, "uncertainty.cni");
        vs_draw_fill_with(sc, NULL, on, key, d);
        assert_int_equal(vs_sim_eval_row(sc, d, ws, out, mws, row, &err), VS_OK);
        gini[k] = row[V_BASE * VS_STAT_COUNT + VS_M_GINI];
    }
    const vs_sensitivity_cell *x = cell(r, V_BASE, VS_M_GINI, I_CNI);
    double lo = vs_quantile_double(gini, VS_SENSITIVITY_TORNADO_REPS, 0.05);
    double hi = vs_quantile_double(gini, VS_SENSITIVITY_TORNADO_REPS, 0.95);
    assert_true(x->low == lo && x->high == hi);
    assert_true(x->swing > 0); /* CNI noise does move the Gini */
    assert_true(x->low < x->point && x->point < x->high);
    vs_err_free(&err);
    vs_metric_ws_free(mws);
    vs_outcome_free(out);
    vs_ws_free(ws);
    vs_draw_free(d);
    vs_sensitivity_free(r);
    vs_scenario_free(sc);
}

/* The threshold (2..3) is above every drawn CNI (at most 1.3 e^{5 sigma}
 * in practice), so nothing depends on it: swing 0 everywhere, and S1 = ST
 * = 0 wherever the statistic varies at all (f(AB_i) equals f(A)).
 * Sobol for the totals in closed form: cut's total = pot - share x 1e7,
 * the two independent, so with Var(pot) = (a^2 + b^2 + c^2 - ab - ac -
 * bc) / 18 = 3.8889e13 SEK^2 and Var(cut) = (2e6)^2 / 12 = 3.3333e11:
 * S_pot = ST_pot = 0.99150, S_share = ST_share = 0.00850, noise 0. */
static void test_sobol_and_idle_input(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sensitivity_result *r = run(sc, 512, 2);
    assert_int_equal(r->quasi_random, 1);
    for (size_t v = 0; v < 4; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            const vs_sensitivity_cell *x = cell(r, v, m, I_THRESHOLD);
            assert_true(x->swing == 0.0 || (isnan(x->swing) && isnan(x->point)));
            assert_true(isnan(x->sobol.s1) || fabs(x->sobol.s1) < 1e-12);
            assert_true(isnan(x->sobol.st) || fabs(x->sobol.st) < 1e-12);
        }
    /* ... and where the statistic varies the indices are defined */
    assert_false(isnan(cell(r, V_IDLE, VS_M_GINI, I_THRESHOLD)->sobol.s1));
    /* base's total is the pot: S = ST = 1 for it, 0 for the rest */
    const vs_sensitivity_cell *x = cell(r, V_BASE, VS_STAT_TOTAL, I_POT);
    assert_close(x->sobol.s1, 1.0, 0, 0.02);
    assert_close(x->sobol.st, 1.0, 0, 0.02);
    x = cell(r, V_CUT, VS_STAT_TOTAL, I_POT);
    assert_close(x->sobol.s1, 0.99150, 0, 0.02);
    assert_close(x->sobol.st, 0.99150, 0, 0.02);
    assert_true(x->sobol.s1_lo <= x->sobol.s1 && x->sobol.s1 <= x->sobol.s1_hi);
    x = cell(r, V_CUT, VS_STAT_TOTAL, I_SHARE);
    assert_close(x->sobol.st, 0.00850, 0, 0.002);
    assert_close(x->sobol.s1, 0.00850, 0, 0.01);
    x = cell(r, V_CUT, VS_STAT_TOTAL, I_CNI);
    assert_true(x->sobol.s1 == 0.0 && x->sobol.st == 0.0);
    /* base's max_loss is 0 in every evaluation: V = 0, empty cells */
    x = cell(r, V_BASE, VS_M_MAX_LOSS, I_POT);
    assert_true(isnan(x->sobol.s1) && isnan(x->sobol.st) && isnan(x->sobol.st_hi));
    /* CNI noise dominates the Gini of the base (the pot only scales) */
    assert_close(cell(r, V_BASE, VS_M_GINI, I_CNI)->sobol.st, 1.0, 0, 0.1);
    assert_close(cell(r, V_BASE, VS_M_GINI, I_POT)->sobol.st, 0.0, 0, 1e-6);
    assert_int_equal(r->evaluations, 1 + 2 * 3 + 200 + 512 * (N_INPUTS + 2));
    vs_sensitivity_free(r);
    vs_scenario_free(sc);
}

static void test_thread_invariance(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sensitivity_result *r1 = run(sc, 200, 1);
    vs_sensitivity_result *r4 = run(sc, 200, 4);
    size_t n = r1->n_variants * VS_STAT_COUNT * r1->n_inputs;
    assert_int_equal(r4->n_inputs, r1->n_inputs);
    assert_int_equal(memcmp(r1->cells, r4->cells, n * sizeof *r1->cells), 0);
    vs_sensitivity_free(r1);
    vs_sensitivity_free(r4);
    vs_scenario_free(sc);
}

static void test_interrupt(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    volatile sig_atomic_t stop = 1;
    vs_sensitivity_opts o;
    memset(&o, 0, sizeof o);
    o.n = 100;
    o.threads = 2;
    o.stop = &stop;
    vs_err err;
    vs_err_init(&err);
    vs_sensitivity_result *r = NULL;
    assert_int_equal(vs_sensitivity_run(sc, &o, &r, &err), VS_EINTR);
    assert_null(r);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* sensitivity.csv: header, money in SEK with two decimals, %.10g indices,
 * empty cells; tornado.gp: scenario text only in single quotes. */
static void test_write(void **state)
{
    (void)state;
    vs_scenario *sc = load(scenario_text);
    vs_sensitivity_result *r = run(sc, 0, 1);
    char dir[] = "/tmp/vs_test_sensitivity.XXXXXX";
    assert_non_null(mkdtemp(dir));
    vs_outset set;
    vs_outset_init(&set);
    vs_err err;
    vs_err_init(&err);
    vs_sensitivity_write_opts wo = {.dir = dir};
    assert_int_equal(vs_sensitivity_write(sc, r, &wo, &set, NULL, &err), VS_OK);
    assert_int_equal(vs_outset_commit(&set, &err), VS_OK);
    vs_outset_free(&set);

    char path[128];
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    const char *csv = slurp(path);
    const char *head = "variant,metric,input,point,low,high,swing,s1,s1_lo,s1_hi,st,st_lo,st_hi\n";
    assert_int_equal(strncmp(csv, head, strlen(head)), 0);
    assert_non_null(strstr(csv, "\nbase,total,base.capitation.pot,100000000.00,"
                                "93872983.35,114522774.42,20649791.07,,,,,,\n"));
    assert_non_null(strstr(csv, "\ncut2,total,share,98000000.00,98900000.00,"
                                "97100000.00,-1800000.00,,,,,,\n"));
    /* 4 variants x 10 statistics x 4 inputs, and the header */
    size_t lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 4 * VS_STAT_COUNT * N_INPUTS);

    snprintf(path, sizeof path, "%s/tornado.gp", dir);
    const char *gp = slurp(path);
    /* A ' is spliced in as "\047" (doubling it breaks gnuplot 5.4). */
    assert_non_null(strstr(gp, "'Idle' . \"\\047\" . 's \"top-up\"'"));
    assert_non_null(strstr(gp, "noenhanced"));
    const char *names[] = {"manifest.txt", "tornado.dat", "tornado.gp", "sensitivity.csv",
                           "warnings.txt"};
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
    vs_err_free(&err);
    vs_sensitivity_free(r);
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_tornado_by_hand),
        cmocka_unit_test(test_tornado_noise),
        cmocka_unit_test(test_sobol_and_idle_input),
        cmocka_unit_test(test_thread_invariance),
        cmocka_unit_test(test_interrupt),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
