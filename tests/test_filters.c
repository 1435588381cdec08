/* test_filters.c: eligibility (where, except) on every rule type but
 * grant, the per_unit rule, tiered `on`, capitation `base` and the need
 * measure, each hand-computed; and the loader's errors for them.
 *
 * Each case loads a scenario text, evaluates the point estimate
 * (iteration 0: typed values, no noise) through the real draw and rule
 * code, and checks every centre to the öre. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/draw.h"
#include "engine/eval.h"
#include "vardsim/metrics.h"
#include "model/need.h"
#include "vardsim/load.h"
#include "vardsim/override.h"

/* Four centres (point values):
 *       listed  cni   kids rural acg   listed_by_age  age-weighted (1, 2)
 *   a   1000    0.8   100  1     2000  600, 400       1400
 *   b   3000    1.3   500  0     4500  1000, 2000     5000
 *   c   2000    1.05  300  1     2500  1500, 500      2500
 *   d   5000    1.5   0    1     6000  2500, 2500     7500 */
#define HEAD(need)                                                             \
    "scenario = { name = \"filters\"; " need " };\n"                          \
    "region = { age_bands = [\"young\", \"old\"]; age_weights = [1.0, 2.0]; };\n" \
    "centres = (\n"                                                            \
    "  { id = \"a\"; name = \"A\"; listed = 1000; cni = 0.8; listed_by_age = [600, 400];\n" \
    "    attrs = { kids = 100.0; rural = 1.0; acg = 2000.0; }; },\n"            \
    "  { id = \"b\"; name = \"B\"; listed = 3000; cni = 1.3; listed_by_age = [1000, 2000];\n" \
    "    attrs = { kids = 500.0; rural = 0.0; acg = 4500.0; }; },\n"            \
    "  { id = \"c\"; name = \"C\"; listed = 2000; cni = 1.05; listed_by_age = [1500, 500];\n" \
    "    attrs = { kids = 300.0; rural = 1.0; acg = 2500.0; }; },\n"            \
    "  { id = \"d\"; name = \"D\"; listed = 5000; cni = 1.5; listed_by_age = [2500, 2500];\n" \
    "    attrs = { kids = 0.0; rural = 1.0; acg = 6000.0; }; }\n"               \
    ");\n"
/* One variant "v" holding the rules `x`, with a need measure or not. */
#define ONE_NEED(need, x) HEAD(need) "variants = ( { id = \"v\"; name = \"V\"; rules = ( " x " ); } );\n"
#define ONE(x) ONE_NEED("", x)

typedef struct point {
    vs_scenario *sc;
    vs_draw *in;
    vs_ws *ws;
    vs_outcome *out;
} point;

/* Load and evaluate the point estimate. */
static void point_run(point *p, const char *text)
{
    p->sc = vs_test_load(text, "f.cfg");
    p->in = vs_draw_alloc(p->sc);
    p->ws = vs_ws_alloc(p->sc->n_centres);
    p->out = vs_outcome_alloc(p->sc);
    assert_non_null(p->in);
    assert_non_null(p->ws);
    assert_non_null(p->out);
    vs_draw_fill(p->sc, 1, 0, p->in);
    vs_err err;
    vs_err_init(&err);
    int st = vs_eval_run(p->sc, p->in, p->ws, p->out, &err);
    if (st != VS_OK)
        fail_msg("vs_eval_run: %s", err.msg);
    vs_err_free(&err);
}

static void point_free(point *p)
{
    vs_outcome_free(p->out);
    vs_ws_free(p->ws);
    vs_draw_free(p->in);
    vs_scenario_free(p->sc);
}

/* Variant `id`'s row in öre, and its books. */
static void expect(const point *p, const char *id, const vs_ore *want,
                   vs_ore pots, vs_ore cuts, vs_ore unalloc)
{
    int v = vs_scenario_find_variant(p->sc, id);
    assert_true(v >= 0);
    size_t nc = p->sc->n_centres;
    for (size_t i = 0; i < nc; i++) {
        if (p->out->alloc[(size_t)v * nc + i] != want[i])
            print_message("%s: centre %s has %lld, want %lld\n", id,
                          p->sc->centres[i].id,
                          (long long)p->out->alloc[(size_t)v * nc + i],
                          (long long)want[i]);
        assert_int_equal(p->out->alloc[(size_t)v * nc + i], want[i]);
    }
    assert_int_equal(p->out->pots[v], pots);
    assert_int_equal(p->out->cuts[v], cuts);
    assert_int_equal(p->out->unalloc[v], unalloc);
}

/* The shortfall of rule k of variant `id`. */
static const vs_shortfall *shortfall(const point *p, const char *id, size_t k)
{
    int v = vs_scenario_find_variant(p->sc, id);
    assert_true(v >= 0);
    return &p->out->shortfalls[p->out->rule_base[v] + k];
}

#define ROW(...) ((const vs_ore[]){__VA_ARGS__})

static void expect_error(const char *text, const char *expected)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_load_string(text, "f.cfg", &sc, &err);
    if (st != VS_EINPUT || !err.log || !strstr(err.log, expected))
        print_message("expected: %s\nlog:\n%s", expected,
                      err.log ? err.log : "(none)\n");
    assert_int_equal(st, VS_EINPUT);
    assert_null(sc);
    assert_non_null(strstr(err.log, expected));
    vs_err_free(&err);
}

/* ------------------------------------------------------------------ */
/* per_unit                                                            */

/* unit = centre: 500 000 SEK to each eligible centre.  where listed < 4000
 * and rural >= 1: a and c (b is not rural, d too big); except c: a only. */
static void test_per_unit_centre(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"v\"; name = \"V\"; rules = ( { type = \"per_unit\"; unit = \"centre\";\n"
              "      amount = 500000.0; where = { listed = { below = 4000; }; rural = { min = 1; }; }; } ); },\n"
              "  { id = \"x\"; name = \"X\"; rules = ( { type = \"per_unit\"; unit = \"centre\";\n"
              "      amount = 500000.0; where = { listed = { below = 4000; }; rural = { min = 1; }; };\n"
              "      except = [\"c\"]; } ); },\n"
              "  { id = \"all\"; name = \"All\"; rules = ( { type = \"per_unit\"; unit = \"centre\"; amount = 1.0; } ); }\n"
              ");\n");
    expect(&p, "v", ROW(50000000, 0, 50000000, 0), 100000000, 0, 0);
    expect(&p, "x", ROW(50000000, 0, 0, 0), 50000000, 0, 0);
    expect(&p, "all", ROW(100, 100, 100, 100), 400, 0, 0);
    assert_int_equal(shortfall(&p, "v", 0)->kinds, 0);
    point_free(&p);
}

/* unit = listed 10.5 SEK, age (age-weighted listed) 2 SEK, cni 333.333
 * SEK (each rounded to the öre once: 266.6664 -> 266.67, 433.3329 ->
 * 433.33, 349.99965 -> 350.00, 499.9995 -> 500.00), acg 12.5 SEK. */
static void test_per_unit_units(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"l\"; name = \"L\"; rules = ( { type = \"per_unit\"; unit = \"listed\"; amount = 10.5; } ); },\n"
              "  { id = \"g\"; name = \"G\"; rules = ( { type = \"per_unit\"; unit = \"age\"; amount = 2.0; } ); },\n"
              "  { id = \"c\"; name = \"C\"; rules = ( { type = \"per_unit\"; unit = \"cni\"; amount = 333.333; } ); },\n"
              "  { id = \"p\"; name = \"P\"; rules = ( { type = \"per_unit\"; unit = \"acg\"; amount = 12.5; } ); }\n"
              ");\n");
    expect(&p, "l", ROW(1050000, 3150000, 2100000, 5250000), 11550000, 0, 0);
    expect(&p, "g", ROW(280000, 1000000, 500000, 1500000), 3280000, 0, 0);
    expect(&p, "c", ROW(26667, 43333, 35000, 50000), 155000, 0, 0);
    expect(&p, "p", ROW(2500000, 5625000, 3125000, 7500000), 18750000, 0, 0);
    point_free(&p);
}

/* With a pot: 1 000 000 SEK by 100 x kids = 10000 : 50000 : 30000 : 0;
 * quotas 11111111.1, 55555555.6, 33333333.3 öre: the odd öre to b.
 * Nobody eligible (listed above 10^6): the pot stays unallocated. */
static void test_per_unit_pot(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"k\"; name = \"K\"; rules = ( { type = \"per_unit\"; unit = \"kids\"; amount = 100.0;\n"
              "      pot = 1000000.0; } ); },\n"
              "  { id = \"none\"; name = \"None\"; rules = ( { type = \"per_unit\"; unit = \"kids\"; amount = 100.0;\n"
              "      pot = 1000000.0; where = { listed = { above = 1000000; }; }; } ); },\n"
              "  { id = \"zero\"; name = \"Zero\"; rules = ( { type = \"per_unit\"; unit = \"kids\"; amount = 100.0;\n"
              "      pot = 1000000.0; except = [\"a\", \"b\", \"c\"]; } ); }\n"
              ");\n");
    expect(&p, "k", ROW(11111111, 55555556, 33333333, 0), 100000000, 0, 0);
    expect(&p, "none", ROW(0, 0, 0, 0), 100000000, 0, 100000000);
    assert_int_equal(shortfall(&p, "none", 0)->kinds, VS_SHORT_NOBODY);
    assert_int_equal(shortfall(&p, "none", 0)->amount, 100000000);
    /* d is eligible but has no kids: the pot is not placed */
    expect(&p, "zero", ROW(0, 0, 0, 0), 100000000, 0, 100000000);
    assert_int_equal(shortfall(&p, "zero", 0)->kinds, VS_SHORT_POT);
    point_free(&p);
}

/* Every unit with a pot of 1000 SEK (100 000 öre), the unrounded
 * amount x unit as weights.  centre: 4 equal weights, 25 000 each.
 * listed x 10.5: quotas 9090.91, 27272.73, 18181.82, 45454.55 (floors
 * 99 997), the 3 öre to a, c, b.  age x 2 (2800 : 10000 : 5000 : 15000):
 * 8536.59, 30487.80, 15243.90, 45731.71 (floors 99 997), the 3 öre to
 * c (.90), b (.80) and d (.71).
 * cni x 333.333 (0.8 : 1.3 : 1.05 : 1.5 of 4.65): 17204.30, 27956.99,
 * 22580.65, 32258.06 -> the 2 öre to b (.99) and c (.65).  acg x 12.5
 * (2000 : 4500 : 2500 : 6000 of 15000): 13333.3, 30000, 16666.7, 40000 ->
 * the odd öre to c. */
static void test_per_unit_units_with_pot(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"e\"; name = \"E\"; rules = ( { type = \"per_unit\"; unit = \"centre\"; amount = 500000.0; pot = 1000.0; } ); },\n"
              "  { id = \"l\"; name = \"L\"; rules = ( { type = \"per_unit\"; unit = \"listed\"; amount = 10.5; pot = 1000.0; } ); },\n"
              "  { id = \"g\"; name = \"G\"; rules = ( { type = \"per_unit\"; unit = \"age\"; amount = 2.0; pot = 1000.0; } ); },\n"
              "  { id = \"c\"; name = \"C\"; rules = ( { type = \"per_unit\"; unit = \"cni\"; amount = 333.333; pot = 1000.0; } ); },\n"
              "  { id = \"p\"; name = \"P\"; rules = ( { type = \"per_unit\"; unit = \"acg\"; amount = 12.5; pot = 1000.0; } ); }\n"
              ");\n");
    expect(&p, "e", ROW(25000, 25000, 25000, 25000), 100000, 0, 0);
    expect(&p, "l", ROW(9091, 27273, 18182, 45454), 100000, 0, 0);
    expect(&p, "g", ROW(8536, 30488, 15244, 45732), 100000, 0, 0);
    expect(&p, "c", ROW(17204, 27957, 22581, 32258), 100000, 0, 0);
    expect(&p, "p", ROW(13333, 30000, 16667, 40000), 100000, 0, 0);
    point_free(&p);
}

/* ------------------------------------------------------------------ */
/* tiered on, capitation base                                          */

/* on = listed, tiers in any order: the tier taken has the largest `above`
 * the value exceeds: a 1000 -> above 0 (100), b 3000 -> above 2500 (300),
 * c 2000 -> above 1500 (200), d 5000 -> 300.  on = kids: d (0) exceeds no
 * tier.  Default on = cni with where cni >= 1.1 ... */
static void test_tiered_on(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"l\"; name = \"L\"; rules = ( { type = \"tiered\"; on = \"listed\";\n"
              "      tiers = ( { above = 0.0; amount = 100.0; }, { above = 2500.0; amount = 300.0; },\n"
              "                { above = 1500.0; amount = 200.0; } ); } ); },\n"
              "  { id = \"k\"; name = \"K\"; rules = ( { type = \"tiered\"; on = \"kids\";\n"
              "      tiers = ( { above = 0.0; per_listed = 1.0; } ); } ); },\n"
              "  { id = \"c\"; name = \"C\"; rules = ( { type = \"tiered\"; except = [\"d\"];\n"
              "      tiers = ( { above = 1.0; amount = 7.0; } ); } ); }\n"
              ");\n");
    expect(&p, "l", ROW(10000, 30000, 20000, 30000), 90000, 0, 0);
    expect(&p, "k", ROW(100000, 300000, 200000, 0), 600000, 0, 0);
    expect(&p, "c", ROW(0, 700, 700, 0), 1400, 0, 0);
    point_free(&p);
}

/* capitation base: 1 000 000 SEK, cni_share 0.5.  base = acg: weights
 * acg x (0.5 + 0.5 cni) = 1800, 5175, 2562.5, 7500 (sum 17037.5);
 * base = listed ignores the age data: 1000 x 0.9, 3000 x 1.15, 2000 x
 * 1.025, 5000 x 1.25; base = age (here also auto): 1400 x 0.9, ... */
static void test_capitation_base(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"acg\"; name = \"ACG\"; rules = ( { type = \"capitation\"; base = \"acg\"; pot = 1000000.0; cni_share = 0.5; } ); },\n"
              "  { id = \"lst\"; name = \"L\"; rules = ( { type = \"capitation\"; base = \"listed\"; pot = 1000000.0; cni_share = 0.5; } ); },\n"
              "  { id = \"age\"; name = \"A\"; rules = ( { type = \"capitation\"; base = \"age\"; pot = 1000000.0; cni_share = 0.5; } ); },\n"
              "  { id = \"auto\"; name = \"Auto\"; rules = ( { type = \"capitation\"; pot = 1000000.0; cni_share = 0.5; } ); },\n"
              "  { id = \"pc\"; name = \"PC\"; rules = ( { type = \"capitation\"; base = \"acg\"; per_capita = 10.0;\n"
              "      where = { cni = { min = 1.05; max = 1.3; }; }; } ); }\n"
              ");\n");
    /* 1e8 öre x w / 17037.5: 10564930.3, 30374174.6, 15040352.1, 44020542.9
     * -> floors sum 99999999, the odd öre to the largest remainder (b .6...) */
    expect(&p, "acg", ROW(10564930, 30374175, 15040352, 44020543), 100000000, 0, 0);
    /* listed weights 900, 3450, 2050, 6250 (sum 12650) */
    expect(&p, "lst", ROW(7114624, 27272727, 16205534, 49407115), 100000000, 0, 0);
    /* age weights 1260, 5750, 2562.5, 9375 (sum 18947.5) */
    expect(&p, "age", ROW(6649954, 30347011, 13524212, 49478823), 100000000, 0, 0);
    expect(&p, "auto", ROW(6649954, 30347011, 13524212, 49478823), 100000000, 0, 0);
    /* per_capita x the eligible centres' listed (b, c: 5000 persons) =
     * 50 000 SEK, by acg x 1 (cni_share 0): 4500 : 2500 */
    expect(&p, "pc", ROW(0, 3214286, 1785714, 0), 5000000, 0, 0);
    point_free(&p);
}

/* ------------------------------------------------------------------ */
/* where / except on the first version's rules                         */

/* cni_threshold: eligible = cni > 1.1 and listed < 4000: b alone (d is
 * above the threshold but too big); nobody when listed < 1000. */
static void test_cni_threshold_filter(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"v\"; name = \"V\"; rules = ( { type = \"cni_threshold\"; pot = 1000000.0; threshold = 1.1;\n"
              "      where = { listed = { below = 4000; }; }; } ); },\n"
              "  { id = \"n\"; name = \"N\"; rules = ( { type = \"cni_threshold\"; pot = 1000000.0; threshold = 1.1;\n"
              "      where = { listed = { below = 1000; }; }; } ); }\n"
              ");\n");
    expect(&p, "v", ROW(0, 100000000, 0, 0), 100000000, 0, 0);
    expect(&p, "n", ROW(0, 0, 0, 0), 100000000, 0, 100000000);
    assert_int_equal(shortfall(&p, "n", 0)->kinds, VS_SHORT_NOBODY);
    point_free(&p);
}

/* targeted, score kids, among the rural centres a (100), c (300), d (0):
 * top 1 -> c; top_share 0.5 of the 3 eligible -> 2: c, a (300 : 100);
 * top 4 asks for more than the 3 eligible. */
static void test_targeted_filter(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"one\"; name = \"One\"; rules = ( { type = \"targeted\"; score = [\"kids\"]; top = 1;\n"
              "      pot = 1000.0; where = { rural = { min = 1; }; }; } ); },\n"
              "  { id = \"half\"; name = \"Half\"; rules = ( { type = \"targeted\"; score = [\"kids\"]; top_share = 0.5;\n"
              "      pot = 1000.0; where = { rural = { min = 1; }; }; } ); },\n"
              "  { id = \"four\"; name = \"Four\"; rules = ( { type = \"targeted\"; score = [\"kids\"]; top = 4;\n"
              "      pot = 1000.0; where = { rural = { min = 1; }; }; } ); }\n"
              ");\n");
    expect(&p, "one", ROW(0, 0, 100000, 0), 100000, 0, 0);
    expect(&p, "half", ROW(25000, 0, 75000, 0), 100000, 0, 0);
    expect(&p, "four", ROW(25000, 0, 75000, 0), 100000, 0, 0);
    assert_int_equal(shortfall(&p, "four", 0)->kinds & VS_SHORT_TOP, VS_SHORT_TOP);
    assert_int_equal(shortfall(&p, "four", 0)->eligible, 3);
    point_free(&p);
}

/* The base: 1 100 000 SEK by listed: 100k, 300k, 200k, 500k.  A cut of
 * 60 000 proportional except d: 10k, 30k, 20k from a, b, c.  A need-
 * protected cut only among cni > 1.0 (a protected): b, c, d by a / cni.
 * A cut of 700 000 from listed < 2500 (a, c hold 300 000): the rest is
 * not taken, and never from the others. */
static void test_cut_filter(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"base\"; name = \"Base\"; rules = ( { type = \"capitation\"; base = \"listed\"; pot = 1100000.0; } ); },\n"
              "  { id = \"ex\"; name = \"Ex\"; extends = \"base\"; rules = ( { type = \"cut\"; amount = 60000.0;\n"
              "      except = [\"d\"]; } ); },\n"
              "  { id = \"np\"; name = \"NP\"; extends = \"base\"; rules = ( { type = \"cut\"; amount = 60000.0;\n"
              "      method = \"need_protected\"; where = { cni = { above = 1.0; }; }; } ); },\n"
              "  { id = \"big\"; name = \"Big\"; extends = \"base\"; rules = ( { type = \"cut\"; amount = 700000.0;\n"
              "      where = { listed = { below = 2500; }; }; } ); }\n"
              ");\n");
    expect(&p, "base", ROW(10000000, 30000000, 20000000, 50000000), 110000000, 0, 0);
    expect(&p, "ex", ROW(9000000, 27000000, 18000000, 50000000), 110000000, 6000000, 0);
    /* weights 300000/1.3, 200000/1.05, 500000/1.5 */
    expect(&p, "np", ROW(10000000, 28165048, 18485437, 47349515), 110000000, 6000000, 0);
    expect(&p, "big", ROW(0, 30000000, 0, 50000000), 110000000, 70000000, -40000000);
    assert_int_equal(shortfall(&p, "big", 0)->kinds, VS_SHORT_CUT);
    assert_int_equal(shortfall(&p, "big", 0)->amount, 40000000);
    point_free(&p);
}

/* limit among b, c, d only (except a): 10% gain at most against the
 * base.  d's grant of 110 000 makes b, c, d 300k, 200k, 610k = 1110k;
 * their caps 330k, 220k, 550k hold only 1100k: the bounds win, 10 000 SEK
 * unallocated; a keeps its 100k untouched. */
static void test_limit_filter(void **state)
{
    (void)state;
    point p;
    point_run(&p, HEAD("") "variants = (\n"
              "  { id = \"base\"; name = \"Base\"; rules = ( { type = \"capitation\"; base = \"listed\"; pot = 1100000.0; } ); },\n"
              "  { id = \"lim\"; name = \"Lim\"; extends = \"base\"; rules = (\n"
              "      { type = \"grant\"; to = [\"d\"]; amounts = [110000.0]; },\n"
              "      { type = \"limit\"; relative_to = \"base\"; max_gain = 0.1; except = [\"a\"]; } ); }\n"
              ");\n");
    expect(&p, "lim", ROW(10000000, 33000000, 22000000, 55000000), 121000000, 0, 1000000);
    assert_int_equal(shortfall(&p, "lim", 1)->kinds, VS_SHORT_LIMIT);
    point_free(&p);
}

/* Eligibility is decided on each iteration's drawn values, bounds
 * included: listed with 50 % relative noise and a `below` bound drawn
 * uniformly in 2000..3000; in every draw a centre gets its 1 SEK exactly
 * when its drawn listed is below the drawn bound, and `age` works as a
 * key (b and d have age-weighted listed above 3000). */
static void test_filter_on_draws(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(
        HEAD("") "uncertainty = { listed = { dist = \"normal\"; sd = 0.5; relative = true; }; };\n"
        "variants = (\n"
        "  { id = \"v\"; name = \"V\"; rules = ( { type = \"per_unit\"; unit = \"centre\"; amount = 1.0;\n"
        "      where = { listed = { below = { dist = \"uniform\"; min = 2000.0; max = 3000.0; }; }; }; } ); },\n"
        "  { id = \"g\"; name = \"G\"; rules = ( { type = \"per_unit\"; unit = \"centre\"; amount = 1.0;\n"
        "      where = { age = { above = 3000; }; }; } ); }\n"
        ");\n", "f.cfg");
    vs_draw *in = vs_draw_alloc(sc);
    vs_ws *ws = vs_ws_alloc(sc->n_centres);
    vs_outcome *out = vs_outcome_alloc(sc);
    int bound = vs_scenario_find_param(sc, "v.per_unit.where.listed.below");
    assert_true(bound >= 0);
    vs_err err;
    vs_err_init(&err);
    int in_some = 0, out_some = 0;
    for (uint64_t k = 0; k < 40; k++) {
        vs_draw_fill(sc, 7, k, in);
        assert_int_equal(vs_eval_run(sc, in, ws, out, &err), VS_OK);
        for (size_t i = 0; i < sc->n_centres; i++) {
            int want = in->listed[i] < in->vals[bound];
            in_some += want;
            out_some += !want;
            assert_int_equal(out->alloc[i], want ? 100 : 0);
        }
        if (k == 0) /* the point: typed listed, the uniform's midpoint 2500 */
            assert_int_equal(out->alloc[2], 100);
        /* age: the drawn listed_by_age (following the drawn listed) x the
         * weights; at the point a 1400, b 5000, c 2500, d 7500 */
        const vs_ore *g = out->alloc + sc->n_centres;
        for (size_t i = 0; i < sc->n_centres; i++)
            assert_int_equal(g[i], vs_draw_age(sc, in, i) > 3000 ? 100 : 0);
        if (k == 0)
            assert_true(g[0] == 0 && g[1] == 100 && g[2] == 0 && g[3] == 100);
    }
    assert_true(in_some > 0 && out_some > 0);
    vs_err_free(&err);
    vs_outcome_free(out);
    vs_ws_free(ws);
    vs_draw_free(in);
    vs_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* need                                                                */

/* need = age-weighted listed x (0.97 + 0.03 cni): drawn per centre;
 * in words in both languages; the default listed x CNI. */
static void test_need_values_and_words(void **state)
{
    (void)state;
    point p;
    point_run(&p, ONE_NEED("need = { base = \"age\"; cni_share = 0.03; };",
                           "{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; }"));
    assert_close(p.in->need[0], 1400 * (0.97 + 0.03 * 0.8), 1e-15, 0);
    assert_close(p.in->need[3], 7500 * (0.97 + 0.03 * 1.5), 1e-15, 0);
    char buf[160];
    assert_string_equal(vs_need_describe(p.sc, "sv", buf, sizeof buf),
                        "behov = åldersviktade listade × (0,97 + 0,03 × CNI)");
    assert_string_equal(vs_need_describe(p.sc, "en", buf, sizeof buf),
                        "need = age-weighted listed × (0.97 + 0.03 × CNI)");
    point_free(&p);
    point_run(&p, ONE("{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; }"));
    assert_close(p.in->need[1], 3000 * 1.3, 0, 0); /* bit for bit listed x cni */
    assert_string_equal(vs_need_describe(p.sc, "sv", buf, sizeof buf), "behov = listade × CNI");
    assert_string_equal(vs_need_describe(p.sc, "en", buf, sizeof buf), "need = listed × CNI");
    point_free(&p);
    point_run(&p, ONE_NEED("need = { base = \"acg\"; cni_share = 0.0; };",
                           "{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; }"));
    assert_close(p.in->need[2], 2500, 0, 0);
    assert_string_equal(vs_need_describe(p.sc, "en", buf, sizeof buf), "need = acg");
    point_free(&p);
}

/* The metrics use the declared need: money exactly by need gives
 * dissimilarity 0 and theil 0; theil leaves out a centre with no need
 * (d has no kids) instead of one with nobody listed; with no need at all
 * the need-based metrics are undefined. */
static void test_need_metrics(void **state)
{
    (void)state;
    double p[4] = {1000, 3000, 2000, 5000}, c[4] = {0.8, 1.3, 1.05, 1.5};
    double kids[4] = {100, 500, 300, 0}, none[4] = {0, 0, 0, 0};
    vs_ore a[4] = {100, 500, 300, 0}, b[4] = {100, 500, 300, 7};
    double out[VS_M_COUNT];
    vs_metric_ws *ws = vs_metric_ws_alloc(4);
    assert_non_null(ws);
    vs_metrics_prepare(ws, 4, p, c, kids, 1.1);
    vs_metrics_compute(ws, a, NULL, out);
    assert_close(out[VS_M_DISSIMILARITY], 0, 0, 1e-15);
    assert_close(out[VS_M_THEIL], 0, 0, 1e-15);
    /* 7 öre to d, which has no need: 7 of 907 in the wrong place; theil
     * over a, b, c only, whose shares are still exactly by need */
    vs_metrics_compute(ws, b, NULL, out);
    assert_close(out[VS_M_DISSIMILARITY], 7.0 / 907, 1e-12, 0);
    assert_close(out[VS_M_THEIL], 0, 0, 1e-15);
    vs_metrics_prepare(ws, 4, p, c, none, 1.1);
    vs_metrics_compute(ws, b, NULL, out);
    assert_true(isnan(out[VS_M_DISSIMILARITY]));
    assert_true(isnan(out[VS_M_THEIL]));
    assert_false(isnan(out[VS_M_GINI])); /* per listed person, as before */
    vs_metric_ws_free(ws);
}

/* ------------------------------------------------------------------ */
/* Bad input                                                           */

#define NO_AGE                                                                 \
    "scenario = { name = \"t\"; };\n"                                         \
    "centres = ( { id = \"a\"; name = \"A\"; listed = 10; cni = 1.0; attrs = { k = 1.0; }; },\n" \
    "            { id = \"b\"; name = \"B\"; listed = 20; cni = 1.2; } );\n"
#define RULE3(x) "variants = ( { id = \"v\"; name = \"V\"; rules = ( { " x " } ); } );\n"

static void test_errors(void **state)
{
    (void)state;
    expect_error(ONE("{ type = \"per_unit\"; unit = \"kidz\"; amount = 1.0; }"),
                 "f.cfg:13: unknown unit 'kidz' in per_unit rule (did you mean 'kids'?)");
    expect_error(ONE("{ type = \"per_unit\"; unit = \"weight\"; amount = 1.0; }"),
                 "unknown unit 'weight' in per_unit rule (expected centre, listed, age, cni or an attribute)");
    expect_error(ONE("{ type = \"per_unit\"; unit = \"kids\"; }"),
                 "f.cfg:13: missing required key 'amount' in per_unit rule");
    expect_error(ONE("{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; where = { rurl = { min = 1; }; }; }"),
                 "f.cfg:13: unknown attribute 'rurl' in 'where' (did you mean 'rural'?)");
    expect_error(ONE("{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; where = { listed = { bellow = 1; }; }; }"),
                 "f.cfg:13: unknown key 'bellow' in 'where' condition (did you mean 'below'?)");
    expect_error(ONE("{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; where = { listed = { }; }; }"),
                 "f.cfg:13: condition on 'listed' in 'where' needs min, max, above or below");
    expect_error(ONE("{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0; where = { listed = 5; }; }"),
                 "f.cfg:13: 'where.listed' must be a group such as { below = 4000; }");
    expect_error(ONE("{ type = \"cut\"; amount = 1.0; except = [\"a\", \"x\"]; }"),
                 "f.cfg:13: unknown centre 'x' in 'except'");
    expect_error(ONE("{ type = \"cut\"; amount = 1.0; except = [\"a\", \"a\"]; }"),
                 "f.cfg:13: centre 'a' appears twice in 'except'");
    expect_error(ONE("{ type = \"grant\"; to = [\"a\"]; amounts = [1.0]; except = [\"b\"]; }"),
                 "f.cfg:13: 'except' does not apply to a grant: it names its centres in 'to'");
    expect_error(ONE("{ type = \"tiered\"; on = \"age\"; tiers = ( { above = 0.0; amount = 1.0; } ); }"),
                 "f.cfg:13: 'on' cannot be 'age' (expected listed, cni or an attribute)");
    expect_error(ONE("{ type = \"capitation\"; base = \"cni\"; pot = 1.0; }"),
                 "f.cfg:13: 'base' cannot be 'cni' (expected auto, listed, age or an attribute)");
    expect_error(HEAD("need = { base = \"acgg\"; };") RULE3("type = \"capitation\"; pot = 1.0;"),
                 "f.cfg:1: unknown need base 'acgg' (did you mean 'acg'?)");
    expect_error(HEAD("need = { base = \"acg\"; cni_share = 1.5; };") RULE3("type = \"capitation\"; pot = 1.0;"),
                 "f.cfg:1: 'cni_share' must be between 0 and 1, got 1.5");
    expect_error(HEAD("need = { bas = \"acg\"; };") RULE3("type = \"capitation\"; pot = 1.0;"),
                 "f.cfg:1: unknown key 'bas' in scenario.need (did you mean 'base'?)");
    /* age without age data; an attribute missing on a centre; negative */
    expect_error(NO_AGE RULE3("type = \"capitation\"; base = \"age\"; pot = 1.0;"),
                 "f.cfg:4: 'age' needs age data: region.age_bands and region.age_weights, and listed_by_age on every centre");
    expect_error(NO_AGE RULE3("type = \"per_unit\"; unit = \"age\"; amount = 1.0;"), "'age' needs age data");
    expect_error("scenario = { name = \"t\"; need = { base = \"age\"; }; };\n"
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 10; cni = 1.0; } );\n"
                 RULE3("type = \"capitation\"; pot = 1.0;"), "f.cfg:1: 'age' needs age data");
    expect_error(NO_AGE RULE3("type = \"per_unit\"; unit = \"k\"; amount = 1.0;"),
                 "f.cfg:4: attribute 'k' is missing on centre 'b'");
    expect_error(NO_AGE RULE3("type = \"cut\"; amount = 1.0; where = { k = { min = 0; }; };"),
                 "f.cfg:4: attribute 'k' is missing on centre 'b'");
    expect_error(NO_AGE RULE3("type = \"tiered\"; on = \"k\"; tiers = ( { above = 0.0; amount = 1.0; } );"),
                 "f.cfg:4: attribute 'k' is missing on centre 'b'");
    expect_error("scenario = { name = \"t\"; need = { base = \"k\"; }; };\n"
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 10; cni = 1.0; attrs = { k = -1.0; }; } );\n"
                 RULE3("type = \"capitation\"; pot = 1.0;"),
                 "f.cfg:1: attribute 'k' is negative on centre 'a' but is used as a need base");
}

/* --set reaches where bounds and the need's cni_share. */
static void test_set_paths(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(ONE("{ type = \"per_unit\"; unit = \"centre\"; amount = 1.0;\n"
                                       "  where = { listed = { below = 4000; }; }; }"), "f.cfg");
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, "v.per_unit.where.listed.below=2500", &err), VS_OK);
    assert_int_equal(vs_override_apply(sc, "scenario.need.cni_share=0.2", &err), VS_OK);
    assert_int_equal(vs_override_apply(sc, "v.per_unit.where.listed.below=1e10", &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "number too large: 'v.per_unit.where.listed.below' is 1e+10"));
    vs_err_free(&err);
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, "v.per_unit.where.listed.belw=1", &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "nearest: v.per_unit.where.listed.below"));
    int p = vs_scenario_find_param(sc, "v.per_unit.where.listed.below");
    assert_true(p >= 0);
    assert_close(sc->params[p].dist.p[0], 2500, 0, 0);
    assert_int_equal(sc->need.cni_share, vs_scenario_find_param(sc, "scenario.need.cni_share"));
    vs_err_free(&err);
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_unit_centre),
        cmocka_unit_test(test_per_unit_units),
        cmocka_unit_test(test_per_unit_pot),
        cmocka_unit_test(test_per_unit_units_with_pot),
        cmocka_unit_test(test_tiered_on),
        cmocka_unit_test(test_capitation_base),
        cmocka_unit_test(test_cni_threshold_filter),
        cmocka_unit_test(test_targeted_filter),
        cmocka_unit_test(test_cut_filter),
        cmocka_unit_test(test_limit_filter),
        cmocka_unit_test(test_filter_on_draws),
        cmocka_unit_test(test_need_values_and_words),
        cmocka_unit_test(test_need_metrics),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_set_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
