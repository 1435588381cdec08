/* test_override.c: --set PATH=VALUE (override.h): every kind of path, the
 * loader's bounds, distributions, unknown paths with their nearest valid
 * paths, and the reach of a change to an inherited rule. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/load.h"
#include "vardsim/override.h"
#include "vardsim/sim.h"

static const char *scenario_text =
    "scenario = { name = \"override test\"; seed = 3; iterations = 10; baseline = \"a\"; };\n"
    "region = { deficit = 1.0e6; age_bands = [\"young\", \"old\"]; age_weights = [1.0, 2.0]; };\n"
    "centres = (\n"
    "  { id = \"c1\"; name = \"One\"; listed = 1000; cni = 0.8; listed_by_age = [600, 400];\n"
    "    attrs = { kids = 100.0; }; },\n"
    "  { id = \"c2\"; name = \"Two\"; listed = 3000; cni = 1.3; listed_by_age = [1000, 2000];\n"
    "    attrs = { kids = 500.0; }; },\n"
    "  { id = \"c3\"; name = \"Three\"; listed = 2000; cni = 1.05; listed_by_age = [1500, 500];\n"
    "    attrs = { kids = 300.0; }; }\n"
    ");\n"
    "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.05; };\n"
    "                listed = { dist = \"normal\"; sd = 0.01; relative = true; }; };\n"
    "variants = (\n"
    "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\"; pot = 1.0e6; } ); },\n"
    "  { id = \"top\"; name = \"Top\"; extends = \"a\";\n"
    "    rules = ( { type = \"cni_threshold\"; threshold = 1.1; floor = 1000.0;\n"
    "                pot = { dist = \"uniform\"; min = 1.0e5; max = 3.0e5; stream = \"shared\"; }; } ); },\n"
    "  { id = \"g\"; name = \"G\"; extends = \"a\";\n"
    "    rules = ( { type = \"grant\"; to = [\"c1\", \"c2\"]; amounts = [100.0, 200.0]; } ); },\n"
    "  { id = \"t\"; name = \"T\";\n"
    "    rules = ( { type = \"tiered\"; tiers = ( { above = 0.0; amount = 10.0; },\n"
    "                                          { above = 1.1; per_listed = 2.0; } ); } ); },\n"
    "  { id = \"tg\"; name = \"TG\";\n"
    "    rules = ( { type = \"targeted\"; pot = 1.0e5; score = [\"kids\"]; top = 2; } ); },\n"
    "  { id = \"cut\"; name = \"Cut\"; extends = \"a\";\n"
    "    rules = ( { type = \"cut\"; deficit_share = 0.1; method = \"need_protected\"; } ); },\n"
    "  { id = \"pcut\"; name = \"Proportional cut\"; extends = \"a\";\n"
    "    rules = ( { type = \"cut\"; amount = 5.0e4; } ); },\n"
    "  { id = \"lim\"; name = \"Lim\"; extends = \"a\";\n"
    "    rules = ( { type = \"limit\"; relative_to = \"g\"; max_loss = 0.1; } ); }\n"
    ");\n";

static vs_scenario *load(void)
{
    return vs_test_load(scenario_text, "ov.cfg");
}

/* Apply and expect success. */
static void set_ok(vs_scenario *sc, const char *assignment)
{
    vs_err err;
    vs_err_init(&err);
    int st = vs_override_apply(sc, assignment, &err);
    if (st != VS_OK)
        fprintf(stderr, "%s: %s\n", assignment, err.msg);
    assert_int_equal(st, VS_OK);
    assert_int_equal(err.count, 0);
    vs_err_free(&err);
}

/* Apply, expect VS_EINPUT and a message holding every `want` (NULL-ended). */
static void set_bad(vs_scenario *sc, const char *assignment, ...)
{
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, assignment, &err), VS_EINPUT);
    va_list ap;
    va_start(ap, assignment);
    for (const char *want; (want = va_arg(ap, const char *));)
        if (!strstr(err.msg, want)) {
            fprintf(stderr, "message '%s' lacks '%s'\n", err.msg, want);
            fail();
        }
    va_end(ap);
    vs_err_free(&err);
}

static const vs_param *param(const vs_scenario *sc, const char *path)
{
    int p = vs_scenario_find_param(sc, path);
    assert_true(p >= 0);
    return &sc->params[p];
}

/* Iteration 0 (the point estimate) of statistic `stat` for every
 * variant (totals in öre). */
static void point_stat(const vs_scenario *sc, int stat, double *out)
{
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 3;
    o.iterations = 0;
    o.threads = 1;
    vs_err err;
    vs_err_init(&err);
    vs_results *r = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r, &err), VS_OK);
    for (size_t v = 0; v < sc->n_variants; v++)
        out[v] = r->stats[v * VS_STAT_COUNT + (size_t)stat].point;
    vs_results_free(r);
    vs_err_free(&err);
}

/* region.deficit, region.age_weights[I], VARIANT.RULE.amounts[I],
 * tiers[I].KEY and a plain rule key all reach their param. */
static void test_every_param_path(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    set_ok(sc, "region.deficit=2.5e6");
    assert_true(param(sc, "region.deficit")->dist.kind == VS_DIST_FIXED);
    assert_close(param(sc, "region.deficit")->dist.p[0], 2.5e6, 0, 0);
    set_ok(sc, "region.age_weights[1]=1.75");
    assert_close(param(sc, "region.age_weights[1]")->dist.p[0], 1.75, 0, 0);
    assert_close(param(sc, "region.age_weights[0]")->dist.p[0], 1.0, 0, 0);
    set_ok(sc, "g.grant.amounts[1]=250.5");
    assert_close(param(sc, "g.grant.amounts[1]")->dist.p[0], 250.5, 0, 0);
    assert_close(param(sc, "g.grant.amounts[0]")->dist.p[0], 100.0, 0, 0);
    set_ok(sc, "t.tiered.tiers[0].amount=12");
    set_ok(sc, "t.tiered.tiers[1].above=1.2");
    set_ok(sc, "t.tiered.tiers[1].per_listed=3");
    assert_close(param(sc, "t.tiered.tiers[0].amount")->dist.p[0], 12, 0, 0);
    assert_close(param(sc, "t.tiered.tiers[1].above")->dist.p[0], 1.2, 0, 0);
    assert_close(param(sc, "t.tiered.tiers[1].per_listed")->dist.p[0], 3, 0, 0);
    /* tiers[0] has amount, not per_listed: they exclude each other */
    set_bad(sc, "t.tiered.tiers[0].per_listed=3", "unknown path", NULL);
    set_ok(sc, "top.cni_threshold.threshold=1.25");
    assert_close(param(sc, "top.cni_threshold.threshold")->dist.p[0], 1.25, 0, 0);
    set_ok(sc, "tg.targeted.pot=2e5");
    set_ok(sc, "lim.limit.max_loss=0.05");
    set_ok(sc, "cut.cut.deficit_share=0.25");
    assert_close(param(sc, "cut.cut.deficit_share")->dist.p[0], 0.25, 0, 0);
    /* set_number is the same for a plain number */
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_set_number(sc, "region.deficit", 7e5, &err), VS_OK);
    assert_close(param(sc, "region.deficit")->dist.p[0], 7e5, 0, 0);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* A distribution value makes a fixed number uncertain on its own stream;
 * a number makes a distribution fixed. */
static void test_distribution_values(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    set_ok(sc, "a.capitation.pot=triangular(9e5, 1e6, 1.2e6)");
    const vs_param *p = param(sc, "a.capitation.pot");
    assert_int_equal(p->dist.kind, VS_DIST_TRIANGULAR);
    assert_close(p->dist.p[0], 9e5, 0, 0);
    assert_close(p->dist.p[1], 1e6, 0, 0);
    assert_close(p->dist.p[2], 1.2e6, 0, 0);
    assert_null(p->stream); /* its own stream: its path */

    /* A normal without bounds is truncated to the key's range and bound,
     * as the loader does: a threshold to [0, 1000]; a pot to [0, 1e15]. */
    set_ok(sc, "top.cni_threshold.threshold=normal(1.1, 0.5)");
    p = param(sc, "top.cni_threshold.threshold");
    assert_int_equal(p->dist.kind, VS_DIST_NORMAL);
    assert_close(p->dist.lo, 0, 0, 0);
    assert_close(p->dist.hi, 1000, 0, 0);
    set_ok(sc, "tg.targeted.pot=normal(1e5, 5e4)");
    p = param(sc, "tg.targeted.pot");
    assert_close(p->dist.lo, 0, 0, 0);
    assert_close(p->dist.hi, 1e15, 0, 0);

    /* The shared-stream uniform: another distribution keeps the shared
     * stream (it still moves with its partners); a number drops it. */
    p = param(sc, "top.cni_threshold.pot");
    assert_string_equal(p->stream, "shared");
    set_ok(sc, "top.cni_threshold.pot=pert(1e5,2e5,4e5)");
    p = param(sc, "top.cni_threshold.pot");
    assert_int_equal(p->dist.kind, VS_DIST_PERT);
    assert_string_equal(p->stream, "shared");
    set_ok(sc, "top.cni_threshold.pot=250000");
    p = param(sc, "top.cni_threshold.pot");
    assert_int_equal(p->dist.kind, VS_DIST_FIXED);
    assert_close(p->dist.p[0], 250000, 0, 0);
    assert_null(p->stream);
    vs_scenario_free(sc);
}

/* The loader's bounds, with the path and the allowed range named; a
 * refused value leaves the scenario as it was. */
static void test_bounds(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    set_bad(sc, "top.cni_threshold.threshold=-1",
            "'top.cni_threshold.threshold' must be > 0, got -1", NULL);
    set_bad(sc, "top.cni_threshold.threshold=0", "must be > 0", NULL);
    set_bad(sc, "cut.cut.deficit_share=1.5",
            "'cut.cut.deficit_share' must be between 0 and 1, got 1.5", NULL);
    set_bad(sc, "region.deficit=-5", "'region.deficit' must be >= 0", NULL);
    set_bad(sc, "region.deficit=2e15", "amount too large", "region.deficit", NULL);
    set_bad(sc, "top.cni_threshold.threshold=1e305",
            "number too large: 'top.cni_threshold.threshold' is 1e+305; the limit is 1000", NULL);
    set_bad(sc, "lim.limit.max_gain=uniform(0, 2000)", "can reach 2000; the limit is 1000", NULL);
    set_bad(sc, "tg.targeted.top=2e9", "number too large", NULL);
    set_bad(sc, "region.age_weights[0]=-0.5", "'region.age_weights[0]' must be >= 0", NULL);
    set_bad(sc, "cut.cut.deficit_share=uniform(-0.1, 0.2)", "goes down to -0.1", NULL);
    set_bad(sc, "cut.cut.deficit_share=triangular(0.1, 0.5, 1.2)", "goes up to 1.2", NULL);
    set_bad(sc, "cut.cut.deficit_share=lognormal(0.1, 0.2)",
            "must be between 0 and 1", "lognormal", NULL);
    set_bad(sc, "region.deficit=normal(-1, 1)", "'region.deficit' must be >= 0",
            "normal distribution with mean -1", NULL);
    /* invalid distributions and junk: vs_dist_parse's message, with the path */
    set_bad(sc, "region.deficit=uniform(5, 1)", "bad value for 'region.deficit'", NULL);
    set_bad(sc, "region.deficit=abc", "bad value for 'region.deficit'", NULL);
    set_bad(sc, "region.deficit=12kr", "bad value for 'region.deficit'", NULL);
    set_bad(sc, "region.deficit=", "bad value for 'region.deficit'", NULL);
    set_bad(sc, "region.deficit=nan", "region.deficit", NULL);
    set_bad(sc, "region.deficit", "expected PATH=VALUE", NULL);
    set_bad(sc, "=5", "expected PATH=VALUE", NULL);
    /* cap below floor, as the loader refuses it (floor is 1000) */
    set_bad(sc, "top.cni_threshold.cap=500", "cap (500) would be below floor (1000)", NULL);
    set_ok(sc, "top.cni_threshold.cap=1500");
    set_bad(sc, "top.cni_threshold.floor=2000", "below floor", NULL);

    /* Nothing refused above changed anything. */
    assert_close(param(sc, "region.deficit")->dist.p[0], 1.0e6, 0, 0);
    assert_close(param(sc, "cut.cut.deficit_share")->dist.p[0], 0.1, 0, 0);
    assert_close(param(sc, "top.cni_threshold.threshold")->dist.p[0], 1.1, 0, 0);
    assert_close(param(sc, "top.cni_threshold.floor")->dist.p[0], 1000, 0, 0);
    vs_scenario_free(sc);
}

/* uncertainty.GROUP.sigma / .sd: a number >= 0, never a distribution;
 * the key follows the group's kind. */
static void test_noise_scale(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    set_ok(sc, "uncertainty.cni.sigma=0.2");
    assert_close(sc->noise[0].scale, 0.2, 0, 0);
    set_ok(sc, "uncertainty.listed.sd=0");
    assert_close(sc->noise[1].scale, 0, 0, 0);
    set_bad(sc, "uncertainty.cni.sigma=-0.1",
            "'uncertainty.cni.sigma' must be >= 0, got -0.1", NULL);
    set_bad(sc, "uncertainty.cni.sigma=normal(0.1,0.01)",
            "'uncertainty.cni.sigma' takes a number, not a distribution", NULL);
    /* cni is lognormal: sd is not its key, and sigma is the nearest path */
    set_bad(sc, "uncertainty.cni.sd=0.1",
            "unknown path 'uncertainty.cni.sd'; nearest: uncertainty.cni.sigma", NULL);
    assert_close(sc->noise[0].scale, 0.2, 0, 0);
    /* The file's bounds: a relative sd is a share (at most 10), sigma at
     * most 5 (docs/scenario-format.md, Bounds). */
    set_bad(sc, "uncertainty.listed.sd=1e300",
            "number too large: 'uncertainty.listed.sd' is 1e+300; the limit is 10", NULL);
    set_ok(sc, "uncertainty.listed.sd=10");
    set_bad(sc, "uncertainty.cni.sigma=5.5", "the limit is 5", NULL);
    assert_close(sc->noise[1].scale, 10, 0, 0);
    vs_scenario_free(sc);
}

/* Unknown paths list the three nearest valid paths, nearest first. */
static void test_unknown_path(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    /* "treshold" is one edit from "threshold"; the next nearest are the
     * rule's other keys ("top.cni_threshold.floor": distance 8 by
     * substituting 'trshd' / inserting; both cap and pot are candidates
     * too).  Only the first one is pinned; three are listed. */
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, "top.cni_threshold.treshold=1.2", &err),
                     VS_EINPUT);
    assert_non_null(strstr(err.msg, "unknown path 'top.cni_threshold.treshold'; "
                                    "nearest: top.cni_threshold.threshold, "));
    const char *list = strstr(err.msg, "nearest: ");
    int commas = 0;
    for (const char *p = list; *p; p++)
        commas += *p == ',';
    assert_int_equal(commas, 2);
    vs_err_free(&err);

    set_bad(sc, "region.deficti=1", "nearest: region.deficit", NULL);
    set_bad(sc, "g.grant.amounts[2]=1", "nearest: g.grant.amounts[0]",
            "g.grant.amounts[1]", NULL);
    set_bad(sc, "nosuch.capitation.pot=1", "unknown path 'nosuch.capitation.pot'",
            NULL);
    /* alpha is the need_protected cut's only: the proportional cut has none */
    set_bad(sc, "pcut.cut.alpha=2", "unknown path 'pcut.cut.alpha'", NULL);
    /* per_capita would turn the capitation into another kind of rule */
    set_bad(sc, "a.capitation.per_capita=100", "unknown path", NULL);
    /* top_share: the targeted rule uses a count instead */
    set_bad(sc, "tg.targeted.top_share=0.5", "unknown path", NULL);
    /* The last part right, the start missing (RULE.KEY) or the rule
     * missing (VARIANT.KEY): the full path is the nearest */
    set_bad(sc, "cni_threshold.threshold=1.2",
            "unknown path 'cni_threshold.threshold'; nearest: top.cni_threshold.threshold", NULL);
    set_bad(sc, "top.threshold=1.2",
            "unknown path 'top.threshold'; nearest: top.cni_threshold.threshold", NULL);
    /* An inherited rule through an extending variant: the defining path
     * comes first, with the reason. */
    set_bad(sc, "top.capitation.pot=2e6",
            "unknown path 'top.capitation.pot'; nearest: a.capitation.pot, ",
            "inherited from 'a'", NULL);
    vs_scenario_free(sc);
}

/* Keys a rule leaves out (a default or no bound) can be set: they become
 * params with the loader's path, and change the numbers. */
static void test_added_keys(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    size_t n0 = sc->n_params;
    double before[8], after[8], ci0[8], ci1[8];
    point_stat(sc, VS_STAT_TOTAL, before);
    point_stat(sc, VS_M_CI_NEED, ci0);
    /* alpha of the need_protected cut (default 1), max_cut_share, the
     * capitation's cni_share (default 0), a cap and max_gain */
    set_ok(sc, "cut.cut.alpha=2");
    set_ok(sc, "cut.cut.max_cut_share=0.5");
    set_ok(sc, "a.capitation.cni_share=0.5");
    set_ok(sc, "lim.limit.max_gain=0.2");
    assert_int_equal(sc->n_params, n0 + 4);
    const vs_param *p = param(sc, "a.capitation.cni_share");
    assert_int_equal(p->dist.kind, VS_DIST_FIXED);
    assert_close(p->dist.p[0], 0.5, 0, 0);
    assert_int_equal(sc->variants[0].rules[0].cni_share, vs_scenario_find_param(sc, "a.capitation.cni_share"));
    /* setting it again changes the same param */
    set_ok(sc, "a.capitation.cni_share=0.25");
    assert_int_equal(sc->n_params, n0 + 4);
    assert_close(param(sc, "a.capitation.cni_share")->dist.p[0], 0.25, 0, 0);
    set_bad(sc, "a.capitation.cni_share=2", "between 0 and 1", NULL);
    /* A capitation re-weighted by cni_share still hands out its whole
     * pot (1e6 SEK = 1e8 öre for a), and these keys move no totals... */
    point_stat(sc, VS_STAT_TOTAL, after);
    assert_close(after[0], 1e8, 0, 0);
    for (size_t v = 0; v < sc->n_variants; v++)
        assert_close(after[v], before[v], 0, 0);
    /* ...but a quarter of a's pot now follows CNI: a's funding per person
     * rises with need, so its concentration index by need goes up (c2,
     * CNI 1.3, gains against c1, CNI 0.8). */
    point_stat(sc, VS_M_CI_NEED, ci1);
    assert_true(ci1[0] > ci0[0] + 0.01);
    vs_scenario_free(sc);
}

/* targeted `top`: a whole number >= 1, never a distribution. */
static void test_top(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    set_ok(sc, "tg.targeted.top=1");
    assert_int_equal(sc->variants[4].rules[0].top, 1);
    set_bad(sc, "tg.targeted.top=0", "'tg.targeted.top' must be >= 1", NULL);
    set_bad(sc, "tg.targeted.top=1.5", "'tg.targeted.top' must be a whole number", NULL);
    set_bad(sc, "tg.targeted.top=uniform(1,3)", "takes a number, not a distribution", NULL);
    assert_int_equal(sc->variants[4].rules[0].top, 1);
    vs_scenario_free(sc);
}

/* scenario.lang is the one string --set takes: "sv" or "en", quoted or
 * not; anything else is refused and leaves the language as it was. */
static void test_lang(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    assert_string_equal(sc->lang, "en");
    set_ok(sc, "scenario.lang=sv");
    assert_string_equal(sc->lang, "sv");
    set_ok(sc, "scenario.lang=\"en\"");
    assert_string_equal(sc->lang, "en");
    set_bad(sc, "scenario.lang=de", "'scenario.lang': it must be sv or en, got 'de'", NULL);
    set_bad(sc, "scenario.lang=", "must be sv or en", NULL);
    set_bad(sc, "scenario.lang=svenska", "must be sv or en", NULL);
    assert_string_equal(sc->lang, "en");
    vs_scenario_free(sc);
}

/* A change to a rule reached through the variant that defines it reaches
 * every variant that extends it.  Point totals in öre, by hand:
 *   a   = pot                                 1e6 -> 2e6 SEK
 *   top = a + uniform(1e5, 3e5) at its midpoint 2e5 (c2 alone is above
 *         1.1 and takes it all; the floor of 1000 only binds c2)
 *   g   = a + 100 + 200
 *   cut = a - 0.1 * deficit (1e6) = a - 1e5
 *   pcut = a - 5e4
 *   lim = a (a limit keeps its own total)
 * and t, tg do not extend a: unchanged. */
static void test_inherited_rule_reaches_extending(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    double before[8], after[8];
    point_stat(sc, VS_STAT_TOTAL, before);
    set_ok(sc, "a.capitation.pot=2e6");
    point_stat(sc, VS_STAT_TOTAL, after);
    double want_before[8] = {1e8, 1.2e8, 1.0003e8, -1, -1, 9e7, 9.5e7, 1e8};
    double want_after[8] = {2e8, 2.2e8, 2.0003e8, -1, -1, 1.9e8, 1.95e8, 2e8};
    assert_int_equal(sc->n_variants, 8);
    for (size_t v = 0; v < 8; v++) {
        if (want_before[v] < 0) {
            assert_close(after[v], before[v], 0, 0); /* t, tg: unaffected */
            continue;
        }
        assert_close(before[v], want_before[v], 0, 0);
        assert_close(after[v], want_after[v], 0, 0);
    }
    vs_scenario_free(sc);
}

/* Changing one number leaves every other input's draws alone: the
 * streams are per path (docs/methods.md, "Monte Carlo").  cut's total depends only on
 * the deficit, which is fixed; the shared-stream uniform pot of `top`
 * draws the same values whatever threshold is set. */
static void test_other_draws_unchanged(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 11;
    o.iterations = 50;
    o.threads = 1;
    vs_err err;
    vs_err_init(&err);
    vs_results *r1 = NULL, *r2 = NULL;
    assert_int_equal(vs_sim_run(sc, &o, &r1, &err), VS_OK);
    set_ok(sc, "top.cni_threshold.threshold=1.0");
    set_ok(sc, "region.deficit=uniform(5e5, 1.5e6)");
    assert_int_equal(vs_sim_run(sc, &o, &r2, &err), VS_OK);
    size_t stride = sc->n_variants * VS_STAT_COUNT;
    int moved = 0;
    for (long k = 0; k < 50; k++) {
        /* top's total is a's pot plus its own drawn pot: same draws */
        double t1 = r1->draws[(size_t)k * stride + 1 * VS_STAT_COUNT + VS_STAT_TOTAL];
        double t2 = r2->draws[(size_t)k * stride + 1 * VS_STAT_COUNT + VS_STAT_TOTAL];
        assert_close(t1, t2, 0, 0);
        /* cut's total now varies with the drawn deficit */
        double c1 = r1->draws[(size_t)k * stride + 5 * VS_STAT_COUNT + VS_STAT_TOTAL];
        double c2 = r2->draws[(size_t)k * stride + 5 * VS_STAT_COUNT + VS_STAT_TOTAL];
        moved += c1 != c2;
    }
    assert_true(moved > 40);
    vs_results_free(r1);
    vs_results_free(r2);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_param_path),
        cmocka_unit_test(test_distribution_values),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_noise_scale),
        cmocka_unit_test(test_unknown_path),
        cmocka_unit_test(test_added_keys),
        cmocka_unit_test(test_top),
        cmocka_unit_test(test_lang),
        cmocka_unit_test(test_inherited_rule_reaches_extending),
        cmocka_unit_test(test_other_draws_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
