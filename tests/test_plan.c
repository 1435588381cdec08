/* test_plan.c: the yearly step of a plan (src/analysis/plan.c), on cases
 * worked out by hand (in öre, in the comments), and a property test.
 *
 * Cases A-E use three centres that start at 1 000, 2 000 and 7 000 öre
 * (B_0 = 10 000) and move towards target shares 0.2, 0.3 and 0.5: the
 * third centre starts over its target, the first two under it. */
#include "helpers.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plan.h"
#include "engine/money.h"
#include "engine/dist.h"
#include "vardsim/load.h"
#include "vardsim/override.h"

#define N_MAX 40

static const double SHARE3[3] = {0.2, 0.3, 0.5};

typedef struct year {
    vs_ore next[N_MAX];
    double target[N_MAX];
    unsigned char bind[N_MAX];
    unsigned flags;
} year;

static void step_ok(size_t n, const vs_ore *prev, const double *share,
                    vs_ore budget, double min_g, double max_g, year *y)
{
    vs_plan_ws *ws = vs_plan_ws_alloc(n);
    assert_non_null(ws);
    vs_err err;
    vs_err_init(&err);
    int st = vs_plan_step(n, prev, share, budget, min_g, max_g, ws, y->next,
                          y->target, y->bind, &y->flags, &err);
    if (st != VS_OK)
        fail_msg("vs_plan_step: %s", err.msg);
    vs_err_free(&err);
    vs_plan_ws_free(ws);
}

static void expect3(const year *y, vs_ore a, vs_ore b, vs_ore c)
{
    assert_int_equal(y->next[0], a);
    assert_int_equal(y->next[1], b);
    assert_int_equal(y->next[2], c);
}

/* A. No cash cuts (min_growth 0), growth 10 % a year, no cap.
 * Year 1: B = 11 000, T = 2 200, 3 300, 5 500; floors = last year; R =
 * 1 000; gaps G = 1 200, 1 300, 0 (sum 2 500): 1 000 + 1 000 x 1 200 /
 * 2 500 = 1 480, 2 000 + 520 = 2 520, and 7 000 held (its floor, above its
 * target 5 500: the floor binds).
 * Year 2: B = round(10 000 x 1.1 x 1.1) = 12 100, T = 2 420, 3 630, 6 050;
 * R = 1 100, G = 940, 1 110 (sum 2 050): 1 480 + 504.39.. = 1 984.39..,
 * 2 520 + 595.60.. = 3 115.60.., 7 000: floors 1 984 + 3 115, the one öre
 * left to the larger remainder (.60..): 1 984, 3 116, 7 000. */
static void test_no_cash_cuts(void **state)
{
    (void)state;
    const vs_ore y0[3] = {1000, 2000, 7000};
    const double g[2] = {0.1, 0.1};
    vs_ore B1, B2;
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_plan_budget(10000, g, 1, &B1, &err), VS_OK);
    assert_int_equal(vs_plan_budget(10000, g, 2, &B2, &err), VS_OK);
    assert_int_equal(B1, 11000);
    assert_int_equal(B2, 12100);
    year y1, y2;
    step_ok(3, y0, SHARE3, B1, 0.0, INFINITY, &y1);
    expect3(&y1, 1480, 2520, 7000);
    assert_int_equal(y1.flags, 0);
    assert_int_equal(y1.bind[0], 0);
    assert_int_equal(y1.bind[1], 0);
    assert_int_equal(y1.bind[2], VS_PLAN_AT_FLOOR);
    assert_close(y1.target[0], 2200, 1e-12, 0);
    assert_close(y1.target[2], 5500, 1e-12, 0);
    step_ok(3, y1.next, SHARE3, B2, 0.0, INFINITY, &y2);
    expect3(&y2, 1984, 3116, 7000);
    vs_err_free(&err);
}

/* B. Floors exceeding the budget: the budget falls 10 % (B_0 = 10 001,
 * B_1 = round(9 000.9) = 9 001) and nobody may lose: the floors 1 000,
 * 2 000, 7 001 are scaled down to fit, 9 001 x F / 10 001 = 900.01,
 * 1 800.02, 6 300.97; floors 9 000, the öre left to .97: 900, 1 800, 6 301. */
static void test_floors_exceed_budget(void **state)
{
    (void)state;
    const vs_ore y0[3] = {1000, 2000, 7001};
    const double g = -0.1;
    vs_ore B1;
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_plan_budget(10001, &g, 1, &B1, &err), VS_OK);
    assert_int_equal(B1, 9001);
    year y;
    step_ok(3, y0, SHARE3, B1, 0.0, INFINITY, &y);
    expect3(&y, 900, 1800, 6301);
    assert_int_equal(y.flags, VS_PLAN_FLOORS_SCALED);
    vs_err_free(&err);
}

/* C. A cap that binds: as year 1 of A with max_growth 0.4, caps 1 400,
 * 2 800, 9 800.  The water level on the gaps: t = 1 000 / 2 500 gives the
 * first 480 > its room 400, so it is held at its cap and the other 600 go
 * to the second (the only other centre with a gap): 1 400, 2 600, 7 000.
 * With max_growth 0.3 (caps 1 300, 2 600, 9 100) both centres below
 * target are capped and 100 öre are left: they go by target share to the
 * only centre not at its cap: 1 300, 2 600, 7 100. */
static void test_cap_binds(void **state)
{
    (void)state;
    const vs_ore y0[3] = {1000, 2000, 7000};
    year y;
    step_ok(3, y0, SHARE3, 11000, 0.0, 0.4, &y);
    expect3(&y, 1400, 2600, 7000);
    assert_int_equal(y.flags, 0);
    assert_int_equal(y.bind[0], VS_PLAN_AT_CAP);
    assert_int_equal(y.bind[1], 0);
    assert_int_equal(y.bind[2], VS_PLAN_AT_FLOOR);
    step_ok(3, y0, SHARE3, 11000, 0.0, 0.3, &y);
    expect3(&y, 1300, 2600, 7100);
    assert_int_equal(y.bind[0], VS_PLAN_AT_CAP);
    assert_int_equal(y.bind[1], VS_PLAN_AT_CAP);
    /* Caps that cannot hold the budget (sum 10 500 < 11 000 at 5 %) are
     * scaled up to reach it: 11 000 x cap / 10 500 = 1 100, 2 200, 7 700. */
    step_ok(3, y0, SHARE3, 11000, 0.0, 0.05, &y);
    expect3(&y, 1100, 2200, 7700);
    assert_int_equal(y.flags, VS_PLAN_CAPS_SCALED);
}

/* D. A centre already over target, with a floor that is not whole öre
 * (min_growth 0.005) and growth 1 %: start 1 001, 2 000, 6 999, B_1 =
 * 10 100, T = 2 020, 3 030, 5 050, F = 1 006.005, 2 010, 7 033.995 (sum
 * 10 050), R = 50, G = 1 013.995, 1 020, 0.  Real amounts 1 030.931..,
 * 2 035.073.., and the third held at its floor 7 033.995, which becomes
 * 7 034 (a floor rounds up); the other two share 3 066 by largest
 * remainder on their real amounts: 1 030.929.., 2 035.070..: 1 031, 2 035. */
static void test_over_target(void **state)
{
    (void)state;
    const vs_ore y0[3] = {1001, 2000, 6999};
    year y;
    step_ok(3, y0, SHARE3, 10100, 0.005, INFINITY, &y);
    expect3(&y, 1031, 2035, 7034);
    assert_int_equal(y.bind[2], VS_PLAN_AT_FLOOR);
    /* R = sum G = 0 (no growth, shares as today): each keeps its floor */
    const double share_now[3] = {0.1, 0.2, 0.7};
    const vs_ore z0[3] = {1000, 2000, 7000};
    step_ok(3, z0, share_now, 10000, 0.0, INFINITY, &y);
    expect3(&y, 1000, 2000, 7000);
    assert_int_equal(y.bind[0] | y.bind[1] | y.bind[2], 0);
}

/* A binding cap's excess follows the gaps (as water-filling hands on an
 * excess, docs/methods.md), so it can carry a centre past its target:
 * start 1 000, 1 000, 8 000, shares 0.2, 0.1, 0.7, B_1 = 11 000: T = 2 200, 1 100, 7 700, R = 1 000,
 * G = 1 200, 100, 0.  With max_growth 0.5 (caps 1 500, 1 500, 12 000) the
 * first passes its cap (1 923.08 > 1 500), and its 423.08 excess goes by
 * gap to the only other centre with one, which ends at its cap 1 500:
 * 400 above its target after being 100 below it, while the third stays at
 * its floor 8 000.  Documented in docs/methods.md. */
static void test_cap_overshoot(void **state)
{
    (void)state;
    const vs_ore y0[3] = {1000, 1000, 8000};
    const double share[3] = {0.2, 0.1, 0.7};
    year y;
    step_ok(3, y0, share, 11000, 0.0, 0.5, &y);
    expect3(&y, 1500, 1500, 8000);
    assert_int_equal(y.bind[0], VS_PLAN_AT_CAP);
    assert_int_equal(y.bind[1], VS_PLAN_AT_CAP);
    assert_int_equal(y.bind[2], VS_PLAN_AT_FLOOR);
}

/* E. Growth as a list: B_t multiplies in year order from B_0: 1 MSEK
 * (10^8 öre) x 1.03 x 1.02 x 0.99 = 104 009 400 öre; and an amount past
 * what vardsim holds is an error, not a wrapped number. */
static void test_budget_list(void **state)
{
    (void)state;
    const double g[3] = {0.03, 0.02, -0.01};
    vs_ore B;
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_plan_budget(100000000, g, 0, &B, &err), VS_OK);
    assert_int_equal(B, 100000000);
    assert_int_equal(vs_plan_budget(100000000, g, 1, &B, &err), VS_OK);
    assert_int_equal(B, 103000000);
    assert_int_equal(vs_plan_budget(100000000, g, 3, &B, &err), VS_OK);
    assert_int_equal(B, 104009400);
    const double huge[2] = {1e9, 1e9};
    assert_int_equal(vs_plan_budget(100000000, huge, 2, &B, &err), VS_ERUN);
    assert_non_null(strstr(err.msg, "year 2"));
    vs_err_free(&err);
}

/* ------------------------------------------------------------------ */
/* Property test                                                       */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd_u64(void) { return vs_test_rnd_u64(&rng_state); }
static double rnd_unif(void) { return vs_test_rnd_unif(&rng_state); }

/* Random plans of 2-40 centres over 6 years: every year adds up to B_t to
 * the öre; when the bounds fit the budget in whole öre, nobody is below
 * ceil(F) or above floor(cap); with min_growth 0 (no cash cuts) nobody
 * loses, and in a year no cap binds a centre below target never moves past
 * this year's target (+-1 öre of rounding), so its distance shrinks, and
 * with no growth its distance (A - T) / T never grows from one year to the
 * next.  (With a binding cap it can: see test_cap_overshoot.) */
static void test_property(void **state)
{
    (void)state;
    for (int round = 0; round < 3000; round++) {
        size_t n = 2 + (size_t)(rnd_u64() % (N_MAX - 1));
        vs_ore prev[N_MAX];
        double share[N_MAX], sw = 0;
        vs_ore B = 0;
        for (size_t i = 0; i < n; i++) {
            prev[i] = rnd_u64() % 5 == 0 ? (vs_ore)(rnd_u64() % 100)
                                         : (vs_ore)(rnd_u64() % 100000000);
            B += prev[i];
            share[i] = rnd_u64() % 7 == 0 ? 0 : rnd_unif();
            sw += share[i];
        }
        for (size_t i = 0; i < n; i++)
            share[i] = sw > 0 ? share[i] / sw : 0;
        int kind = round % 3; /* 0: no cash cuts, 1: no growth, 2: any */
        double min_g = kind == 2 ? -0.05 + 0.1 * rnd_unif() : 0.0;
        double max_g = rnd_u64() % 2 ? INFINITY : min_g + 0.3 * rnd_unif();
        double g = kind == 1 ? 0.0 : -0.05 + 0.2 * rnd_unif();
        double dist[N_MAX];
        for (int t = 1; t <= 6; t++) {
            vs_ore Bt;
            vs_err err;
            vs_err_init(&err);
            assert_int_equal(vs_plan_budget(B, &g, 1, &Bt, &err), VS_OK);
            vs_err_free(&err);
            year y;
            step_ok(n, prev, share, Bt, min_g, max_g, &y);
            vs_ore sum = 0;
            double sf = 0, sc = 0;
            for (size_t i = 0; i < n; i++) {
                sum += y.next[i];
                double lo = ceil((double)prev[i] * (1 + min_g));
                double hi = floor((double)prev[i] * (1 + max_g));
                sf += lo < hi ? lo : hi;
                sc += hi;
            }
            assert_int_equal(sum, Bt);
            int feasible = sf <= (double)Bt && (isinf(max_g) || sc >= (double)Bt);
            /* A binding cap hands its excess to the uncapped centres by
             * their gaps, which may carry them past their targets: the
             * distance properties hold in the years no cap binds. */
            int capped = 0;
            for (size_t i = 0; i < n; i++)
                capped |= (y.bind[i] & VS_PLAN_AT_CAP) != 0;
            for (size_t i = 0; i < n; i++) {
                double F = (double)prev[i] * (1 + min_g);
                double cap = (double)prev[i] * (1 + max_g);
                double a = (double)y.next[i], T = y.target[i];
                if (feasible) {
                    /* no whole öre between floor and cap: the cap wins
                     * (money.c's water-filling) */
                    if (ceil(F) > floor(cap))
                        assert_true(a == floor(cap));
                    else
                        assert_true(a >= ceil(F));
                    assert_true(a <= floor(cap));
                }
                if (kind != 2 && feasible)
                    assert_true(a >= (double)prev[i]);
                if (kind != 2 && feasible && !capped && (double)prev[i] < T)
                    assert_true(a <= ceil(T) + 1);
                double d = T > 0 ? (a - T) / T : 0;
                if (kind == 1 && feasible && !capped && t > 1 && dist[i] < 0 && T > 0)
                    assert_true(d >= dist[i] - 1.0 / T);
                dist[i] = d;
            }
            memcpy(prev, y.next, n * sizeof *prev);
            B = Bt;
        }
    }
}

/* ------------------------------------------------------------------ */
/* The plan group: loading, validation, --set                          */

/* Three centres, today's model and a target with more CNI, then the
 * plan group (from line 9 on). */
#define PLAN_HEAD                                                          \
    "scenario = { name = \"P\"; };\n"                               /* 1 */ \
    "centres = (\n"                                                 /* 2 */ \
    "  { id = \"a\"; name = \"A\"; listed = 1000; cni = 0.8; },\n"  /* 3 */ \
    "  { id = \"b\"; name = \"B\"; listed = 2000; cni = 1.0; },\n"  /* 4 */ \
    "  { id = \"c\"; name = \"C\"; listed = 1500; cni = 1.4; } );\n" /* 5 */ \
    "variants = (\n"                                                /* 6 */ \
    "  { id = \"idag\"; name = \"I\"; rules = ( { type = \"capitation\"; pot = 1e6; cni_share = 0.1; } ); },\n" /* 7 */ \
    "  { id = \"modell\"; name = \"M\"; rules = ( { type = \"capitation\"; pot = 1e6; cni_share = 0.15; } ); } );\n" /* 8 */

static void test_plan_load(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(PLAN_HEAD
        "plan = { first_year = 2024; years = 4; from = \"idag\";\n"
        "  target = \"modell\"; growth = 0.03; };\n", "t.cfg");
    const vs_plan *p = sc->plan;
    assert_non_null(p);
    assert_int_equal(p->first_year, 2024);
    assert_int_equal(p->years, 4);
    assert_int_equal(p->from, 0);
    assert_int_equal(p->target, 1);
    assert_int_equal(p->line, 9);
    assert_null(p->growth_list);
    assert_true(p->growth >= 0);
    assert_string_equal(sc->params[p->growth].path, "plan.growth");
    assert_close(sc->params[p->growth].dist.p[0], 0.03, 0, 0);
    /* defaults: no cash cuts, no cap, 1 % tolerance */
    assert_close(p->min_growth, 0.0, 0, 0);
    assert_true(isinf(p->max_growth));
    assert_close(p->tolerance, 0.01, 0, 0);
    /* --set: growth, the bounds, and their cross-check */
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, "plan.growth=uniform(0.01,0.05)", &err), VS_OK);
    assert_int_equal(sc->params[p->growth].dist.kind, VS_DIST_UNIFORM);
    assert_int_equal(vs_override_apply(sc, "plan.max_growth=0.08", &err), VS_OK);
    assert_close(p->max_growth, 0.08, 0, 0);
    assert_int_equal(vs_override_apply(sc, "plan.years=6", &err), VS_OK);
    assert_int_equal(p->years, 6);
    assert_int_equal(vs_override_apply(sc, "plan.min_growth=0.09", &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "above max_growth"));
    vs_err_free(&err);
    assert_int_equal(vs_override_apply(sc, "plan.tolerance=2", &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "between 0 and 1"));
    vs_err_free(&err);
    assert_int_equal(vs_override_apply(sc, "plan.growht=0.02", &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "plan.growth"));
    vs_err_free(&err);
    vs_scenario_free(sc);

    /* without growth: 0, and --set may add it */
    sc = vs_test_load(PLAN_HEAD
        "plan = { first_year = 2024; years = 2; from = \"idag\"; target = \"modell\"; };\n",
        "t.cfg");
    assert_int_equal(sc->plan->growth, VS_NONE);
    assert_int_equal(vs_override_apply(sc, "plan.growth=0.02", &err), VS_OK);
    assert_true(sc->plan->growth >= 0);
    vs_scenario_free(sc);
}

/* A list: one value per year, each its own param (and stream) plan.growth.T */
static void test_plan_growth_list(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(PLAN_HEAD
        "plan = { first_year = 2024; years = 3; from = \"idag\"; target = \"modell\";\n"
        "  growth = ( 0.03, { dist = \"normal\"; mean = 0.02; sd = 0.01; }, 0.01 );\n"
        "  min_growth = 0.005; max_growth = 0.1; tolerance = 0.02; };\n", "t.cfg");
    const vs_plan *p = sc->plan;
    assert_non_null(p->growth_list);
    assert_int_equal(p->growth, VS_NONE);
    const char *want[3] = {"plan.growth.1", "plan.growth.2", "plan.growth.3"};
    for (int t = 0; t < 3; t++)
        assert_string_equal(sc->params[p->growth_list[t]].path, want[t]);
    assert_int_equal(sc->params[p->growth_list[1]].dist.kind, VS_DIST_NORMAL);
    /* the normal is truncated to the key's range, above -1 */
    assert_close(sc->params[p->growth_list[1]].dist.lo, -1, 0, 0);
    assert_close(p->min_growth, 0.005, 0, 0);
    assert_close(p->max_growth, 0.1, 0, 0);
    assert_close(p->tolerance, 0.02, 0, 0);
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, "plan.growth.2=0.04", &err), VS_OK);
    assert_int_equal(sc->params[p->growth_list[1]].dist.kind, VS_DIST_FIXED);
    /* the list fixes the years */
    assert_int_equal(vs_override_apply(sc, "plan.years=5", &err), VS_EINPUT);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

static void expect_problem(const char *text, const char *expected)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_load_string(text, "t.cfg", &sc, &err);
    if (st != VS_EINPUT || !err.log || !strstr(err.log, expected))
        print_message("expected: %s\nlog:\n%s", expected,
                      err.log ? err.log : "(none)\n");
    assert_int_equal(st, VS_EINPUT);
    assert_null(sc);
    assert_non_null(strstr(err.log, expected));
    vs_err_free(&err);
}

/* Every problem with its line, all in one go. */
static void test_plan_errors(void **state)
{
    (void)state;
    const char *bad = PLAN_HEAD
        "plan = { first_year = 2024; years = 3;\n"                  /* 9 */
        "  from = \"idga\";\n"                                       /* 10 */
        "  target = \"nope\";\n"                                     /* 11 */
        "  growth = ( 0.03, 0.02 );\n"                               /* 12 */
        "  min_growth = 0.2; max_growth = 0.1;\n"                    /* 13 */
        "  tolerance = 1.5; treshold = 1; };\n";                     /* 14 */
    expect_problem(bad, "t.cfg:10: unknown variant 'idga' in plan 'from' (did you mean 'idag'?)");
    expect_problem(bad, "t.cfg:11: unknown variant 'nope' in plan 'target'");
    expect_problem(bad, "t.cfg:12: plan 'growth' has 2 values but 'years' is 3");
    expect_problem(bad, "t.cfg:13: plan 'min_growth' (0.2) is above 'max_growth' (0.1)");
    expect_problem(bad, "t.cfg:14: 'tolerance' must be between 0 and 1, got 1.5");
    expect_problem(bad, "t.cfg:14: unknown key 'treshold' in plan");
    expect_problem(PLAN_HEAD "plan = { years = 0; from = \"idag\"; target = \"modell\"; };\n",
                   "t.cfg:9: missing required key 'first_year' in plan");
    expect_problem(PLAN_HEAD "plan = { first_year = 2024; years = 0; from = \"idag\"; target = \"modell\"; };\n",
                   "t.cfg:9: 'years' must be between 1 and 100, got 0");
    expect_problem(PLAN_HEAD "plan = { first_year = 2024; years = 2; from = \"idag\"; target = \"modell\";\n"
                   "  growth = { dist = \"uniform\"; min = -1.5; max = 0.1; }; };\n",
                   "t.cfg:10: 'growth' must be > -1 and <= 10, but its uniform distribution goes down to -1.5");
    expect_problem(PLAN_HEAD "plan = { first_year = 2024; years = 2; from = \"idag\"; target = \"modell\";\n"
                   "  growth = \"fast\"; };\n",
                   "t.cfg:10: 'growth' must be a number, a distribution group");
    /* a variant may not be called plan: plan.growth is a path */
    expect_problem("scenario = { name = \"P\"; };\n"
                   "centres = ( { id = \"a\"; name = \"A\"; listed = 1; cni = 1.0; } );\n"
                   "variants = ( { id = \"plan\"; name = \"P\"; rules = ( { type = \"capitation\"; pot = 1.0; } ); } );\n",
                   "t.cfg:3: variant id 'plan' is reserved");
}

/* ------------------------------------------------------------------ */
/* The plan in every iteration                                         */

static vs_plan_results *run_plan_limit(const vs_scenario *sc, long n,
                                       int threads, long limit)
{
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.exact_limit = limit;
    o.seed = 11;
    o.iterations = n;
    o.threads = threads;
    vs_err err;
    vs_err_init(&err);
    vs_plan_results *r = NULL;
    int st = vs_plan_run(sc, &o, &r, &err);
    if (st != VS_OK)
        fail_msg("vs_plan_run: %s", err.msg);
    vs_err_free(&err);
    return r;
}

static vs_plan_results *run_plan(const vs_scenario *sc, long n, int threads)
{
    return run_plan_limit(sc, n, threads, 0);
}

/* u of iteration k's stream `path`, as every param draws it. */
static double stream_u(uint64_t seed, uint64_t k, const char *path)
{
    gsl_rng *r = gsl_rng_alloc(vs_stream_type());
    vs_stream_seed(r, seed, k, path);
    double u = gsl_rng_uniform_pos(r);
    gsl_rng_free(r);
    return u;
}

/* Growth as a distribution: drawn once per iteration from its own stream
 * "plan.growth" and used every year: B_t = round(B_0 x (1 + g)^t), in
 * year order; as a list, year t draws from "plan.growth.T".  The pot is
 * fixed and nobody is uncertain, so B_0 is 10^8 öre in every iteration
 * and iteration 1's budgets are the means of a one-draw run. */
static void test_plan_growth_draws(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(PLAN_HEAD
        "plan = { first_year = 2024; years = 3; from = \"idag\"; target = \"modell\";\n"
        "  growth = { dist = \"uniform\"; min = 0.0; max = 0.1; }; };\n", "t.cfg");
    vs_plan_results *r = run_plan(sc, 1, 1);
    double g = 0.1 * stream_u(11, 1, "plan.growth"), v = 1e8;
    assert_int_equal(r->budget[0], 100000000);
    /* the point: the midpoint 0.05 */
    assert_int_equal(r->budget[1], 105000000);
    for (size_t t = 1; t <= 3; t++) {
        v *= 1 + g;
        assert_close(r->metrics[t * VS_STAT_COUNT + VS_STAT_TOTAL].mean, round(v), 0, 0);
    }
    vs_plan_results_free(r);
    vs_scenario_free(sc);

    sc = vs_test_load(PLAN_HEAD
        "plan = { first_year = 2024; years = 3; from = \"idag\"; target = \"modell\";\n"
        "  growth = ( 0.02, { dist = \"uniform\"; min = 0.0; max = 0.1; },\n"
        "             { dist = \"uniform\"; min = 0.0; max = 0.1; } ); };\n", "t.cfg");
    r = run_plan(sc, 1, 1);
    double g2 = 0.1 * stream_u(11, 1, "plan.growth.2");
    double g3 = 0.1 * stream_u(11, 1, "plan.growth.3");
    assert_true(g2 != g3);
    v = 1e8 * 1.02;
    assert_close(r->metrics[1 * VS_STAT_COUNT + VS_STAT_TOTAL].mean, round(v), 0, 0);
    v *= 1 + g2;
    assert_close(r->metrics[2 * VS_STAT_COUNT + VS_STAT_TOTAL].mean, round(v), 0, 0);
    v *= 1 + g3;
    assert_close(r->metrics[3 * VS_STAT_COUNT + VS_STAT_TOTAL].mean, round(v), 0, 0);
    vs_plan_results_free(r);
    vs_scenario_free(sc);
}

/* The same bytes for any thread count, exact quantiles or histograms. */
static void test_plan_threads(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(PLAN_HEAD
        "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; }; };\n"
        "plan = { first_year = 2024; years = 2; from = \"idag\"; target = \"modell\";\n"
        "  growth = { dist = \"triangular\"; min = 0.0; mode = 0.01; max = 0.03; };\n"
        "  max_growth = 0.02; };\n", "t.cfg");
    for (int mode = 0; mode < 2; mode++) {
    /* mode 1: past a lowered exact limit, histograms after a pilot */
    long limit = mode ? 1000 : 0;
    vs_plan_results *a = run_plan_limit(sc, 700, 1, limit);
    vs_plan_results *b = run_plan_limit(sc, 700, 3, limit);
    size_t ncol = 3 * 3;
    assert_memory_equal(a->point, b->point, ncol * sizeof *a->point);
    assert_memory_equal(a->mean, b->mean, ncol * sizeof *a->mean);
    assert_memory_equal(a->p05, b->p05, ncol * sizeof *a->p05);
    assert_memory_equal(a->p95, b->p95, ncol * sizeof *a->p95);
    assert_memory_equal(a->share_at_target, b->share_at_target, 3 * sizeof(double));
    assert_memory_equal(a->draws_cap, b->draws_cap, 3 * sizeof(long));
    for (size_t j = 0; j < 3 * VS_STAT_COUNT; j++) {
        assert_memory_equal(&a->metrics[j].mean, &b->metrics[j].mean, sizeof(double));
        assert_memory_equal(&a->metrics[j].p95, &b->metrics[j].p95, sizeof(double));
    }
    assert_int_equal(a->exact, !mode);
    /* the histograms' quantiles are near the exact ones */
    if (mode)
        for (size_t j = 0; j < ncol; j++)
            assert_close(a->p05[j], a->mean[j], 0.05, 0);
    vs_plan_results_free(a);
    vs_plan_results_free(b);
    }
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_cash_cuts),
        cmocka_unit_test(test_floors_exceed_budget),
        cmocka_unit_test(test_cap_binds),
        cmocka_unit_test(test_over_target),
        cmocka_unit_test(test_cap_overshoot),
        cmocka_unit_test(test_budget_list),
        cmocka_unit_test(test_property),
        cmocka_unit_test(test_plan_load),
        cmocka_unit_test(test_plan_growth_list),
        cmocka_unit_test(test_plan_errors),
        cmocka_unit_test(test_plan_growth_draws),
        cmocka_unit_test(test_plan_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
