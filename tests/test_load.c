/* test_load.c: the scenario loader (load.h).
 *
 * One full scenario that uses every rule type, attributes, age bands,
 * uncertainty, distributions and an extends chain, checked field by field
 * against the text (line numbers are counted in the comments beside each
 * line).  Then one test per kind of bad input, each checking the status,
 * that no scenario comes out, and the exact "t.cfg:LINE: message" text. */
#include "helpers.h"

#include <stdarg.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vardsim/load.h"
#include "vardsim/sim.h"
#include "vardsim/money.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static vs_scenario *load_ok(const char *text)
{
    return vs_test_load(text, "t.cfg");
}

/* Load `text`, expect VS_EINPUT, no scenario, and `expected` (a whole
 * "t.cfg:LINE: message" or a part of one) in the log.  Returns the number
 * of problems reported.  SHOWLOG=1 in the environment prints every log, to
 * review the messages as a user would see them. */
static int expect_error(const char *text, const char *expected)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = (vs_scenario *)&err; /* must be reset to NULL */
    int st = vs_load_string(text, "t.cfg", &sc, &err);
    if (st != VS_EINPUT || !err.log || !strstr(err.log, expected))
        print_message("expected: %s\nlog:\n%s", expected,
                      err.log ? err.log : "(none)\n");
    assert_int_equal(st, VS_EINPUT);
    assert_null(sc);
    assert_non_null(err.log);
    assert_non_null(strstr(err.log, expected));
    int n = err.count;
    if (getenv("SHOWLOG")) print_message("----\n%s", err.log);
    vs_err_free(&err);
    return n;
}

static const vs_param *param(const vs_scenario *sc, const char *path)
{
    int p = vs_scenario_find_param(sc, path);
    if (p < 0)
        print_message("no param %s\n", path);
    assert_true(p >= 0);
    return &sc->params[p];
}

/* ------------------------------------------------------------------ */
/* A full valid scenario                                                */

static const char full[] =
    "# every rule type\n"                                               /* 1 */
    "scenario = { name = \"Test region\"; seed = 42L; iterations = 500;\n" /* 2 */
    "  baseline = \"base\"; lang = \"sv\"; high_need_cni = 1.2; };\n"   /* 3 */
    "region = { name = \"Region X\"; deficit = 350000000.0;\n"          /* 4 */
    "  age_bands = [ \"0-17\", \"18-64\", \"65+\" ];\n"                 /* 5 */
    "  age_weights = ( 1.0, { dist = \"uniform\"; min = 0.8; max = 1.2; }, 2 ); };\n" /* 6 */
    "centres = (\n"                                                     /* 7 */
    "  { id = \"a\"; name = \"\xC3\x85sele hc\"; listed = 100; cni = 1.32;\n" /* 8 */
    "    attrs = { children = 10; burden = 1.5; };\n"                   /* 9 */
    "    listed_by_age = [ 20, 50, 30 ]; },\n"                          /* 10 */
    "  { id = \"b\"; name = \"B\"; listed = 200L; cni = 0.9;\n"         /* 11 */
    "    attrs = { burden = 0.5; children = 40; rural = 1.0; }; listed_by_age = [ 50, 100, 50 ]; },\n" /* 12 */
    "  { id = \"c-2\"; name = \"C\"; listed = 0; cni = 1; attrs = { children = 0; burden = 2.0; }; listed_by_age = [ 0, 0, 0 ]; }\n" /* 13 */
    ");\n"                                                              /* 14 */
    "uncertainty = {\n"                                                 /* 15 */
    "  cni = { dist = \"lognormal\"; sigma = 0.05; };\n"                /* 16 */
    "  listed = { dist = \"normal\"; sd = 0.01; relative = true; };\n"  /* 17 */
    "  children = { dist = \"normal\"; sd = 2.5; };\n"                  /* 18 */
    "};\n"                                                              /* 19 */
    "variants = (\n"                                                    /* 20 */
    "  { id = \"top\"; name = \"Top up\"; extends = \"base\";\n"        /* 21 */
    "    rules = (\n"                                                   /* 22 */
    "      { type = \"cni_threshold\"; pot = { dist = \"triangular\"; min = 1.5e6; mode = 2.0e6; max = 2.5e6; };\n" /* 23 */
    "        threshold = 1.1; split = \"listed_excess\"; cap = 900000.0; floor = 1000; },\n" /* 24 */
    "      { type = \"tiered\"; tiers = ( { above = 1.0; amount = 5000; }, { above = 1.2; per_listed = 12.5; } ); },\n" /* 25 */
    "      { type = \"grant\"; to = [ \"b\", \"a\" ]; amounts = ( 250000.0, { dist = \"pert\"; min = 1e5; mode = 2e5; max = 4e5; } ); }\n" /* 26 */
    "    ); },\n"                                                       /* 27 */
    "  { id = \"base\"; name = \"Base\";\n"                             /* 28 */
    "    rules = ( { type = \"capitation\"; pot = 980000000.0; cni_share = { dist = \"normal\"; mean = 0.05; sd = 0.01; }; } ); },\n" /* 29 */
    "  { id = \"damped\"; name = \"Damped\"; extends = \"top\";\n"      /* 30 */
    "    rules = (\n"                                                   /* 31 */
    "      { type = \"targeted\"; score = [ \"cni\", \"children\" ]; top_share = 0.5; split = \"burden\"; pot = 6.25e6; },\n" /* 32 */
    "      { type = \"targeted\"; id = \"t2\"; score = ( \"listed\" ); top = 1; split = \"equal\"; pot = 1000; },\n" /* 33 */
    "      { type = \"cut\"; deficit_share = 0.01; method = \"need_protected\"; alpha = 2; max_cut_share = 0.2; },\n" /* 34 */
    "      { type = \"cut\"; id = \"cut2\"; amount = 5e5; method = \"per_capita\"; },\n" /* 35 */
    "      { type = \"limit\"; relative_to = \"base\"; max_loss = 0.05; }\n" /* 36 */
    "    ); },\n"                                                       /* 37 */
    "  { id = \"percap\"; name = \"Per capita\"; rules = ( { type = \"capitation\"; per_capita = 3000; } ); },\n" /* 38 */
    "  { id = \"lim\"; name = \"Limit vs later\"; rules = ( { type = \"limit\"; relative_to = \"late\"; max_gain = 0.1; } ); },\n" /* 39 */
    "  { id = \"late\"; name = \"Late\"; rules = (); }\n"               /* 40 */
    ");\n";                                                             /* 41 */

static void test_full_header_region_centres(void **state)
{
    (void)state;
    vs_scenario *sc = load_ok(full);
    assert_string_equal(sc->file, "t.cfg");
    assert_string_equal(sc->name, "Test region");
    assert_true(sc->seed == 42);
    assert_int_equal(sc->iterations, 500);
    assert_string_equal(sc->lang, "sv");
    assert_close(sc->high_need_cni, 1.2, 0, 0);
    assert_int_equal(sc->baseline, 1); /* "base" is the second variant */

    assert_string_equal(sc->region_name, "Region X");
    assert_int_equal(sc->deficit, 0); /* the first param */
    assert_string_equal(sc->params[0].path, "region.deficit");
    assert_int_equal(sc->params[0].line, 4);
    assert_int_equal(sc->params[0].dist.kind, VS_DIST_FIXED);
    assert_close(sc->params[0].dist.p[0], 350000000.0, 0, 0);
    assert_null(sc->params[0].stream);

    assert_int_equal(sc->n_age_bands, 3);
    assert_string_equal(sc->age_bands[0], "0-17");
    assert_string_equal(sc->age_bands[2], "65+");
    assert_int_equal(sc->age_weights[0], 1);
    assert_int_equal(sc->age_weights[1], 2);
    assert_int_equal(sc->age_weights[2], 3);
    assert_string_equal(sc->params[2].path, "region.age_weights[1]");
    assert_int_equal(sc->params[2].line, 6);
    assert_int_equal(sc->params[2].dist.kind, VS_DIST_UNIFORM);
    assert_close(sc->params[2].dist.p[0], 0.8, 0, 0);
    assert_close(sc->params[2].dist.p[1], 1.2, 0, 0);
    assert_close(sc->params[3].dist.p[0], 2.0, 0, 0); /* int 2 accepted */

    /* Attribute names in order of first appearance: a gives children,
     * burden; b adds rural. */
    assert_int_equal(sc->n_attrs, 3);
    assert_string_equal(sc->attr_names[0], "children");
    assert_string_equal(sc->attr_names[1], "burden");
    assert_string_equal(sc->attr_names[2], "rural");

    assert_int_equal(sc->n_centres, 3);
    const vs_centre *a = &sc->centres[0], *b = &sc->centres[1],
                    *c = &sc->centres[2];
    assert_string_equal(a->id, "a");
    assert_string_equal(a->name, "\xC3\x85sele hc");
    assert_int_equal(a->line, 8);
    assert_close(a->listed, 100, 0, 0);
    assert_close(a->cni, 1.32, 0, 0);
    assert_string_equal(a->cni_text, "1.32");
    assert_close(a->attrs[0], 10, 0, 0);
    assert_close(a->attrs[1], 1.5, 0, 0);
    assert_true(isnan(a->attrs[2])); /* a has no rural */
    assert_non_null(a->listed_by_age);
    assert_close(a->listed_by_age[0], 20, 0, 0);
    assert_close(a->listed_by_age[2], 30, 0, 0);

    assert_close(b->listed, 200, 0, 0); /* 200L: int64 */
    assert_string_equal(b->cni_text, "0.9");
    assert_close(b->attrs[0], 40, 0, 0); /* children, given second in b */
    assert_close(b->attrs[1], 0.5, 0, 0);
    assert_close(b->attrs[2], 1.0, 0, 0);
    assert_non_null(b->listed_by_age);
    assert_close(b->listed_by_age[1], 100, 0, 0);

    assert_string_equal(c->id, "c-2");
    assert_close(c->listed, 0, 0, 0);
    assert_string_equal(c->cni_text, "1");

    assert_int_equal(sc->n_noise, 3);
    assert_string_equal(sc->noise[0].path, "uncertainty.cni");
    assert_int_equal(sc->noise[0].target, VS_ATTR_CNI);
    assert_int_equal(sc->noise[0].kind, VS_NOISE_LOGNORMAL);
    assert_close(sc->noise[0].scale, 0.05, 0, 0);
    assert_int_equal(sc->noise[0].line, 16);
    assert_int_equal(sc->noise[1].target, VS_ATTR_LISTED);
    assert_int_equal(sc->noise[1].kind, VS_NOISE_NORMAL);
    assert_int_equal(sc->noise[1].relative, 1);
    assert_string_equal(sc->noise[2].path, "uncertainty.children");
    assert_int_equal(sc->noise[2].target, 0);
    assert_int_equal(sc->noise[2].relative, 0);
    assert_close(sc->noise[2].scale, 2.5, 0, 0);
    vs_scenario_free(sc);
}

static void test_full_rules(void **state)
{
    (void)state;
    vs_scenario *sc = load_ok(full);
    assert_int_equal(sc->n_variants, 6);
    /* Params are numbered in file order: region (0..3), then each rule's
     * keys in the order of its key table. */
    assert_int_equal(sc->n_params, 26);

    const vs_variant *top = &sc->variants[0];
    assert_string_equal(top->id, "top");
    assert_string_equal(top->name, "Top up");
    assert_int_equal(top->extends, 1);
    assert_int_equal(top->line, 21);
    assert_int_equal(top->n_rules, 3);

    const vs_rule *r = &top->rules[0];
    assert_int_equal(r->type, VS_RULE_CNI_THRESHOLD);
    assert_string_equal(r->id, "cni_threshold"); /* default: the type */
    assert_int_equal(r->line, 23);
    assert_int_equal(r->split, VS_SPLIT_LISTED_EXCESS);
    assert_int_equal(r->pot, 4);
    const vs_param *p = param(sc, "top.cni_threshold.pot");
    assert_int_equal(p - sc->params, 4);
    assert_int_equal(p->dist.kind, VS_DIST_TRIANGULAR);
    assert_close(p->dist.p[0], 1.5e6, 0, 0);
    assert_close(p->dist.p[1], 2.0e6, 0, 0);
    assert_close(p->dist.p[2], 2.5e6, 0, 0);
    assert_int_equal(p->line, 23);
    assert_int_equal(r->threshold, 5);
    assert_int_equal(r->cap, 6);
    assert_int_equal(r->floor, 7);
    assert_close(sc->params[r->cap].dist.p[0], 900000.0, 0, 0);
    assert_close(sc->params[r->floor].dist.p[0], 1000.0, 0, 0);
    assert_int_equal(param(sc, "top.cni_threshold.floor")->line, 24);

    r = &top->rules[1];
    assert_int_equal(r->type, VS_RULE_TIERED);
    assert_int_equal(r->pot, VS_NONE);
    assert_int_equal(r->n_tiers, 2);
    assert_int_equal(r->tiers[0].above, 8);
    assert_int_equal(r->tiers[0].amount, 9);
    assert_int_equal(r->tiers[0].per_listed, VS_NONE);
    assert_int_equal(r->tiers[1].above, 10);
    assert_int_equal(r->tiers[1].amount, VS_NONE);
    assert_int_equal(r->tiers[1].per_listed, 11);
    assert_string_equal(sc->params[11].path, "top.tiered.tiers[1].per_listed");
    assert_close(sc->params[11].dist.p[0], 12.5, 0, 0);

    r = &top->rules[2];
    assert_int_equal(r->type, VS_RULE_GRANT);
    assert_int_equal(r->n_grants, 2);
    assert_int_equal(r->grant_centre[0], 1); /* "b" */
    assert_int_equal(r->grant_centre[1], 0); /* "a" */
    assert_int_equal(r->grant_amount[0], 12);
    assert_int_equal(r->grant_amount[1], 13);
    assert_string_equal(sc->params[13].path, "top.grant.amounts[1]");
    assert_int_equal(sc->params[13].dist.kind, VS_DIST_PERT);

    const vs_variant *base = &sc->variants[1];
    assert_int_equal(base->extends, VS_NONE);
    r = &base->rules[0];
    assert_int_equal(r->type, VS_RULE_CAPITATION);
    assert_int_equal(r->pot, 14);
    assert_int_equal(r->per_capita, VS_NONE);
    assert_int_equal(r->cni_share, 15);
    /* An unbounded normal on a share is truncated to the share's range. */
    p = &sc->params[15];
    assert_string_equal(p->path, "base.capitation.cni_share");
    assert_int_equal(p->dist.kind, VS_DIST_NORMAL);
    assert_close(p->dist.p[0], 0.05, 0, 0);
    assert_close(p->dist.p[1], 0.01, 0, 0);
    assert_close(p->dist.lo, 0, 0, 0);
    assert_close(p->dist.hi, 1, 0, 0);

    const vs_variant *damped = &sc->variants[2];
    assert_int_equal(damped->extends, 0);
    assert_int_equal(damped->n_rules, 5);
    r = &damped->rules[0];
    assert_int_equal(r->type, VS_RULE_TARGETED);
    assert_int_equal(r->n_score, 2);
    assert_int_equal(r->score[0], VS_ATTR_CNI);
    assert_int_equal(r->score[1], 0); /* children */
    assert_int_equal(r->top, -1);
    assert_int_equal(r->pot, 16);
    assert_int_equal(r->top_share, 17);
    assert_int_equal(r->split, VS_SPLIT_ATTR);
    assert_int_equal(r->split_attr, 1); /* burden */
    r = &damped->rules[1];
    assert_string_equal(r->id, "t2");
    assert_int_equal(r->n_score, 1);
    assert_int_equal(r->score[0], VS_ATTR_LISTED);
    assert_int_equal(r->top, 1);
    assert_int_equal(r->top_share, VS_NONE);
    assert_int_equal(r->split, VS_SPLIT_EQUAL);
    assert_int_equal(r->pot, 18);
    assert_string_equal(sc->params[18].path, "damped.t2.pot");
    r = &damped->rules[2];
    assert_int_equal(r->type, VS_RULE_CUT);
    assert_int_equal(r->amount, VS_NONE);
    assert_int_equal(r->deficit_share, 19);
    assert_int_equal(r->method, VS_CUT_NEED_PROTECTED);
    assert_int_equal(r->alpha, 20);
    assert_int_equal(r->max_cut_share, 21);
    r = &damped->rules[3];
    assert_string_equal(r->id, "cut2");
    assert_int_equal(r->amount, 22);
    assert_int_equal(r->method, VS_CUT_PER_CAPITA);
    assert_int_equal(r->alpha, VS_NONE);
    assert_int_equal(param(sc, "damped.cut2.amount")->line, 35);
    r = &damped->rules[4];
    assert_int_equal(r->type, VS_RULE_LIMIT);
    assert_int_equal(r->relative_to, 1);
    assert_int_equal(r->max_loss, 23);
    assert_int_equal(r->max_gain, VS_NONE);

    r = &sc->variants[3].rules[0];
    assert_int_equal(r->per_capita, 24);
    assert_int_equal(r->pot, VS_NONE);
    assert_int_equal(r->cni_share, VS_NONE);
    r = &sc->variants[4].rules[0];
    assert_int_equal(r->relative_to, 5); /* a variant later in the file */
    assert_int_equal(r->max_gain, 25);
    assert_int_equal(sc->variants[5].n_rules, 0);

    /* Order: base before top (extends), top before damped, late before
     * lim (relative_to); otherwise file order.  Worked by hand: ready in
     * turn are base(1), top(0), damped(2), percap(3), late(5), lim(4). */
    static const size_t order[] = {1, 0, 2, 3, 5, 4};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(sc->order[i], order[i]);
    vs_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Defaults and accepted forms                                          */

/* Three lines every error test starts from. */
#define L1 "scenario = { name = \"t\"; };\n"
#define L2 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2; } );\n"
#define L3 "variants = ( { id = \"v\"; name = \"V\"; rules = ( { type = \"capitation\"; pot = 1000.0; } ); } );\n"
/* A variant on line 3 holding one rule written as `x`. */
#define RULE(x) "variants = ( { id = \"v\"; name = \"V\"; rules = ( { " x " } ); } );\n"

static void test_defaults(void **state)
{
    (void)state;
    vs_scenario *sc = load_ok(
        L1 L2
        "variants = ( { id = \"v\"; name = \"V\"; rules = (\n"
        "  { type = \"capitation\"; pot = 1.0; },\n"
        "  { type = \"cni_threshold\"; pot = 1.0; threshold = 1.1; },\n"
        "  { type = \"targeted\"; score = [\"cni\"]; top = 2; pot = 1.0; },\n"
        "  { type = \"cut\"; amount = 1.0; } ); },\n"
        "  { id = \"w\"; name = \"W\"; } );\n");
    assert_true(sc->seed == 1);
    assert_int_equal(sc->iterations, 10000);
    assert_string_equal(sc->lang, "en");
    assert_close(sc->high_need_cni, 1.1, 0, 0);
    assert_int_equal(sc->baseline, 0);
    assert_null(sc->region_name);
    assert_int_equal(sc->deficit, VS_NONE);
    assert_int_equal(sc->n_age_bands, 0);
    assert_int_equal(sc->n_noise, 0);
    assert_int_equal(sc->n_attrs, 0);
    const vs_rule *r = sc->variants[0].rules;
    assert_string_equal(r[0].id, "capitation");
    assert_int_equal(r[0].cni_share, VS_NONE);
    assert_int_equal(r[1].split, VS_SPLIT_LISTED);
    assert_int_equal(r[1].cap, VS_NONE);
    assert_int_equal(r[1].floor, VS_NONE);
    assert_int_equal(r[2].split, VS_SPLIT_SCORE);
    assert_int_equal(r[3].method, VS_CUT_PROPORTIONAL);
    assert_int_equal(r[3].alpha, VS_NONE);
    assert_int_equal(r[3].max_cut_share, VS_NONE);
    assert_int_equal(sc->variants[1].n_rules, 0); /* rules may be left out */
    assert_int_equal(sc->order[0], 0);
    assert_int_equal(sc->order[1], 1);
    vs_scenario_free(sc);
}

/* Big numbers in strings and comments are not integer literals; `L` and
 * a float are the two ways to write one; names may hold digits. */
static void test_integer_scan_accepts(void **state)
{
    (void)state;
    vs_scenario *sc = load_ok(
        "scenario = { name = \"pot 5000000000 and 0700\"; }; # pot = 5000000000;\n"
        "// 9999999999 and 0700\n"
        "/* 5000000000\n"
        "   0700 */\n"
        "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2;\n"
        "  attrs = { age_0700 = 0; x5000000000 = 1; }; } );\n"
        "variants = ( { id = \"v\"; name = \"V\"; rules = (\n"
        "  { type = \"capitation\"; pot = 5000000000.0; },\n"
        "  { type = \"cut\"; amount = 5000000000L; },\n"
        "  { type = \"cut\"; id = \"c2\"; amount = -0.0; },\n"
        "  { type = \"cni_threshold\"; pot = 2147483647; threshold = 0.5; } ); } );\n");
    assert_close(param(sc, "v.capitation.pot")->dist.p[0], 5e9, 0, 0);
    assert_close(param(sc, "v.cut.amount")->dist.p[0], 5e9, 0, 0);
    assert_close(param(sc, "v.cni_threshold.pot")->dist.p[0], 2147483647.0, 0, 0);
    assert_string_equal(sc->name, "pot 5000000000 and 0700");
    assert_string_equal(sc->attr_names[0], "age_0700");
    vs_scenario_free(sc);
}

static void test_stream_and_bounds(void **state)
{
    (void)state;
    vs_scenario *sc = load_ok(
        L1 "region = { deficit = { dist = \"lognormal\"; median = 3.5e8; sigma = 0.1; }; };\n" L2
        RULE("type = \"cut\"; deficit_share = { dist = \"normal\"; mean = 0.5; sd = 0.2; min = 0.1; stream = \"share\"; };"));
    const vs_param *p = param(sc, "v.cut.deficit_share");
    assert_string_equal(p->stream, "share");
    /* Explicit min kept; the missing max comes from the share's range. */
    assert_close(p->dist.lo, 0.1, 0, 0);
    assert_close(p->dist.hi, 1.0, 0, 0);
    assert_int_equal(sc->params[sc->deficit].dist.kind, VS_DIST_LOGNORMAL);
    vs_scenario_free(sc);

    /* An unbounded normal on money is capped at VS_MONEY_MAX_SEK. */
    sc = load_ok(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"normal\"; mean = 1e6; sd = 1e5; };"));
    p = param(sc, "v.capitation.pot");
    assert_close(p->dist.lo, 0, 0, 0);
    assert_close(p->dist.hi, VS_MONEY_MAX_SEK, 0, 0);
    vs_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Syntax and structure                                                 */

static void test_syntax_error(void **state)
{
    (void)state;
    expect_error(L1 "centres = ( { id = \"a\" name } );\n" L3,
                 "t.cfg:2: syntax error");
    expect_error(L1 "a = 1; a = 2;\n", "t.cfg:2: syntax error: duplicate setting name");
}

static void test_missing_and_wrong_type(void **state)
{
    (void)state;
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; } );\n" L3,
                 "t.cfg:2: missing required key 'cni' in centre");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = \"100\"; cni = 1.2; } );\n" L3,
                 "t.cfg:2: 'listed' must be a number");
    expect_error("scenario = { name = 5; };\n" L2 L3, "t.cfg:1: 'name' must be a string");
    expect_error("scenario = { name = \"t\"; seed = 1.5; };\n" L2 L3,
                 "t.cfg:1: 'seed' must be an integer");
    expect_error(L1 "centres = { a = 1; };\n" L3,
                 "t.cfg:2: 'centres' must be a list of groups");
    expect_error(L1 L2 RULE("type = \"grant\"; to = \"a\"; amounts = [1.0];"),
                 "t.cfg:3: 'to' must be a list of strings");
    expect_error(L1 L2 RULE("type = 7;"), "t.cfg:3: 'type' must be a string");
    expect_error(L1 L2 RULE("pot = 1.0;"), "t.cfg:3: missing required key 'type' in rule");
    expect_error(L1 L2, "t.cfg: missing required key 'variants' at top level");
    expect_error(L1 "centres = ();\n" L3, "t.cfg:2: 'centres' must not be empty");
}

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_error(L1 "centers = ();\n" L2 L3,
                 "t.cfg:2: unknown key 'centers' at top level (did you mean 'centres'?)");
    expect_error("scenario = { name = \"t\"; iteration = 5; };\n" L2 L3,
                 "t.cfg:1: unknown key 'iteration' in scenario (did you mean 'iterations'?)");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2; colour = 1; } );\n" L3,
                 "t.cfg:2: unknown key 'colour' in centre");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; threshold = 1.1; treshold = 1.2;"),
                 "t.cfg:3: unknown key 'treshold' in cni_threshold rule (did you mean 'threshold'?)");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"normal\"; mean = 5.0; sd = 1.0; mn = 0.0; };"),
                 "t.cfg:3: unknown key 'mn' in normal distribution (did you mean 'min'?)");
    expect_error(L1 "region = { deficit = 5.0; ages = 1; };\n" L2 L3,
                 "t.cfg:2: unknown key 'ages' in region");
    expect_error(L1 L2 "uncertainty = { cnii = { dist = \"lognormal\"; sigma = 0.1; }; };\n" L3,
                 "t.cfg:3: unknown key 'cnii' in uncertainty (did you mean 'cni'?)\n");
    expect_error(L1 L2 "uncertainty = { weight = { dist = \"lognormal\"; sigma = 0.1; }; };\n" L3,
                 "t.cfg:3: unknown key 'weight' in uncertainty (expected cni, listed or an attribute name)");
    expect_error(L1 L2 "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.1; relative = true; }; };\n" L3,
                 "t.cfg:3: unknown key 'relative' in uncertainty.cni");
    expect_error(L1 L2 RULE("type = \"tiered\"; tiers = ( { above = 1.0; amont = 5.0; } );"),
                 "t.cfg:3: unknown key 'amont' in tier (did you mean 'amount'?)");
}

/* ------------------------------------------------------------------ */
/* Ids and references                                                   */

static void test_ids(void **state)
{
    (void)state;
    expect_error(L1
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 1; cni = 1.0; },\n"
                 "  { id = \"a\"; name = \"B\"; listed = 1; cni = 1.0; } );\n" L3,
                 "t.cfg:3: duplicate centre id 'a' (first on line 2)");
    expect_error(L1 L2
                 "variants = ( { id = \"v\"; name = \"V\"; },\n"
                 "  { id = \"v\"; name = \"W\"; } );\n",
                 "t.cfg:4: duplicate variant id 'v' (first on line 3)");
    expect_error(L1 "centres = ( { id = \"Ersboda\"; name = \"A\"; listed = 1; cni = 1.0; } );\n" L3,
                 "t.cfg:2: invalid centre id 'Ersboda': use only a-z, 0-9, '_' and '-'");
    expect_error(L1 L2 "variants = ( { id = \"my.variant\"; name = \"V\"; } );\n",
                 "t.cfg:3: invalid variant id 'my.variant'");
    expect_error(L1 L2 RULE("type = \"capitation\"; id = \"\"; pot = 1.0;"),
                 "t.cfg:3: invalid rule id ''");
    expect_error(L1 "centres = ( { id = \"a1234567890123456789012345678901234567890123456789012345678901234\"; name = \"A\"; listed = 1; cni = 1.0; } );\n" L3,
                 "t.cfg:2: centre id 'a1234567890123456789...' is longer than 64 characters");
    expect_error(L1 L2 "variants = ( { id = \"region\"; name = \"V\"; } );\n",
                 "t.cfg:3: variant id 'region' is reserved");
    expect_error(L1 L2
                 "variants = ( { id = \"v\"; name = \"V\"; rules = ( { type = \"cut\"; amount = 1.0; },\n"
                 "  { type = \"cut\"; amount = 2.0; } ); } );\n",
                 "t.cfg:4: duplicate rule id 'cut' in variant 'v': give each rule its own 'id'");
}

static void test_extends_and_cycles(void **state)
{
    (void)state;
    expect_error(L1 L2 "variants = ( { id = \"v\"; name = \"V\"; extends = \"bas\"; },\n"
                 "  { id = \"base\"; name = \"B\"; } );\n",
                 "t.cfg:3: unknown variant 'bas' in 'extends' (did you mean 'base'?)");
    expect_error(L1 L2 "variants = ( { id = \"v\"; name = \"V\"; extends = \"v\"; } );\n",
                 "t.cfg:3: variant 'v' extends itself");
    expect_error(L1 L2
                 "variants = ( { id = \"a\"; name = \"A\"; extends = \"b\"; },\n"
                 "  { id = \"b\"; name = \"B\"; extends = \"a\"; } );\n",
                 "t.cfg:3: variant cycle: 'a' extends 'b', 'b' extends 'a'");
    /* Through limits, and a longer cycle mixing both; c only waits on the
     * cycle and is not reported as part of it. */
    expect_error(L1 L2
                 "variants = ( { id = \"a\"; name = \"A\"; rules = ( { type = \"limit\"; relative_to = \"b\"; max_loss = 0.1; } ); },\n"
                 "  { id = \"b\"; name = \"B\"; rules = ( { type = \"limit\"; relative_to = \"a\"; max_gain = 0.1; } ); } );\n",
                 "t.cfg:3: variant cycle: 'a' has a limit relative to 'b', 'b' has a limit relative to 'a'");
    int n = expect_error(L1 L2
                 "variants = ( { id = \"c\"; name = \"C\"; extends = \"a\"; },\n"
                 "  { id = \"a\"; name = \"A\"; extends = \"b\"; },\n"
                 "  { id = \"b\"; name = \"B\"; rules = ( { type = \"limit\"; relative_to = \"d\"; max_loss = 0.1; } ); },\n"
                 "  { id = \"d\"; name = \"D\"; extends = \"a\"; } );\n",
                 "t.cfg:4: variant cycle: 'a' extends 'b', 'b' has a limit relative to 'd', 'd' extends 'a'");
    assert_int_equal(n, 1);
    expect_error(L1 L2 RULE("type = \"limit\"; relative_to = \"v\"; max_loss = 0.1;"),
                 "t.cfg:3: limit rule is relative to its own variant 'v'");
    expect_error(L1 L2 RULE("type = \"limit\"; relative_to = \"w\"; max_loss = 0.1;"),
                 "t.cfg:3: unknown variant 'w' in 'relative_to'");
    expect_error(L1 L2 RULE("type = \"limit\"; relative_to = \"v\";"),
                 "t.cfg:3: limit rule needs 'max_loss' or 'max_gain'");
    expect_error("scenario = { name = \"t\"; baseline = \"w\"; };\n" L2 L3,
                 "t.cfg:1: unknown baseline variant 'w'");
}

static void test_grant_references(void **state)
{
    (void)state;
    expect_error(L1 L2 RULE("type = \"grant\"; to = [\"a\", \"x\"]; amounts = [1.0, 2.0];"),
                 "t.cfg:3: unknown centre 'x' in 'to'");
    expect_error(L1 L2 RULE("type = \"grant\"; to = [\"a\"]; amounts = [1.0, 2.0];"),
                 "t.cfg:3: 'to' has 1 centres but 'amounts' has 2 amounts");
    expect_error(L1 L2 RULE("type = \"grant\"; to = [\"a\", \"a\"]; amounts = [1.0, 2.0];"),
                 "t.cfg:3: centre 'a' appears twice in 'to'");
    expect_error(L1 L2 RULE("type = \"grant\"; to = []; amounts = [];"),
                 "t.cfg:3: 'to' must not be empty");
}

/* ------------------------------------------------------------------ */
/* Values                                                               */

static void test_ranges(void **state)
{
    (void)state;
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = -5; cni = 1.2; } );\n" L3,
                 "t.cfg:2: 'listed' must be >= 0, got -5");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 10.5; cni = 1.2; } );\n" L3,
                 "t.cfg:2: 'listed' must be a whole number of persons, got 10.5");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = -1000.0;"),
                 "t.cfg:3: 'pot' must be >= 0, got -1000");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 5; cni = 0; } );\n" L3,
                 "t.cfg:2: 'cni' must be > 0, got 0");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 5; cni = -1.2; } );\n" L3,
                 "t.cfg:2: 'cni' must be > 0, got -1.2");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 1.0; cni_share = 1.5;"),
                 "t.cfg:3: 'cni_share' must be between 0 and 1, got 1.5");
    expect_error(L1 L2 RULE("type = \"targeted\"; score = [\"cni\"]; top_share = 0; pot = 1.0;"),
                 "t.cfg:3: 'top_share' must be > 0 and <= 1, got 0");
    expect_error(L1 L2 RULE("type = \"targeted\"; score = [\"cni\"]; top = 0; pot = 1.0;"),
                 "t.cfg:3: 'top' must be >= 1, got 0");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 2e15;"),
                 "t.cfg:3: amount too large: 'pot' is 2e+15 SEK; the limit is 1e+15 SEK");
    expect_error(L1 L2 RULE("type = \"grant\"; to = [\"a\"]; amounts = [2e15];"),
                 "t.cfg:3: amount too large: 'amounts[0]' is 2e+15 SEK");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; threshold = 1.1; cap = 5.0; floor = 10.0;"),
                 "t.cfg:3: 'cap' (5) is below 'floor' (10)");
    expect_error("scenario = { name = \"t\"; lang = \"de\"; };\n" L2 L3,
                 "t.cfg:1: 'lang' must be \"sv\" or \"en\", got 'de'");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: 'name' must not be empty");
}

/* Every number has a bound in magnitude (docs/scenario-format.md,
 * Bounds), so nothing the engine computes from them overflows; each bound
 * accepts its limit and refuses past it. */
static void test_bounds(void **state)
{
    (void)state;
#define CENTRE(x) "centres = ( { id = \"a\"; name = \"A\"; " x " } );\n"
    expect_error(L1 CENTRE("listed = 1e305; cni = 1.2;") L3,
                 "t.cfg:2: number too large: 'listed' is 1e+305; the limit is 1e+08");
    vs_scenario_free(load_ok(L1 CENTRE("listed = 100000000; cni = 1000.0;") L3));
    expect_error(L1 CENTRE("listed = 5; cni = 1e305;") L3,
                 "t.cfg:2: number too large: 'cni' is 1e+305; the limit is 1000");
    expect_error(L1 CENTRE("listed = 5; cni = 1.0; attrs = { kids = -1e305; };") L3,
                 "t.cfg:2: number too large: 'kids' is -1e+305; the limit is -1e+09");
    vs_scenario_free(load_ok(L1 CENTRE("listed = 5; cni = 1.0; attrs = { kids = 1e9; };") L3));
    expect_error("scenario = { name = \"t\"; high_need_cni = 2000.0; };\n" L2 L3,
                 "t.cfg:1: number too large: 'high_need_cni' is 2000");
    expect_error(L1 "region = { age_bands = [\"x\"]; age_weights = [2e6]; };\n"
                 CENTRE("listed = 5; cni = 1.0; listed_by_age = [5];") L3,
                 "t.cfg:2: number too large: 'age_weights[0]' is 2e+06; the limit is 1e+06");
    expect_error(L1 L2 "uncertainty = { cni = { dist = \"lognormal\"; sigma = 6.0; }; };\n" L3,
                 "t.cfg:3: number too large: 'sigma' is 6; the limit is 5");
    expect_error(L1 L2 "uncertainty = { listed = { dist = \"normal\"; sd = 1e300; relative = true; }; };\n" L3,
                 "t.cfg:3: number too large: 'sd' is 1e+300; the limit is 10");
    expect_error(L1 L2 "uncertainty = { listed = { dist = \"normal\"; sd = 2e9; }; };\n" L3,
                 "t.cfg:3: number too large: 'sd' is 2e+09; the limit is 1e+09");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; threshold = 1e4;"),
                 "t.cfg:3: number too large: 'threshold' is 10000; the limit is 1000");
    expect_error(L1 L2 RULE("type = \"cut\"; amount = 1.0; method = \"need_protected\"; alpha = 11.0;"),
                 "t.cfg:3: number too large: 'alpha' is 11; the limit is 10");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; "
                            "threshold = { dist = \"uniform\"; min = 1.0; max = 1e4; };"),
                 "t.cfg:3: number too large: 'threshold' can reach 10000; the limit is 1000");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; "
                            "threshold = { dist = \"normal\"; mean = 1e4; sd = 1.0; };"),
                 "t.cfg:3: number too large: 'threshold' has mean 10000; the limit is 1000");
    expect_error(L1 L2 RULE("type = \"limit\"; relative_to = \"w\"; "
                            "max_gain = { dist = \"lognormal\"; median = 1.0; sigma = 1.0; };"),
                 "t.cfg:3: number too large: 'max_gain' is lognormal with median 1 and sigma 1, which can exceed 1000");
    expect_error(L1 L2 RULE("type = \"targeted\"; top = 2000000000L; score = [\"cni\"]; pot = 1.0;"),
                 "t.cfg:3: number too large: 'top' is 2e+09; the limit is 1e+09");
    expect_error(L1 L2 RULE("type = \"targeted\"; top = 1; pot = 1.0; score = [\"cni\", \"cni\", "
                            "\"cni\", \"cni\", \"cni\", \"cni\", \"cni\", \"cni\", \"listed\"];"),
                 "t.cfg:3: 'score' multiplies at most 8 names, got 9");
    /* An unbounded normal is truncated to the bound as well. */
    vs_scenario *sc = load_ok(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; "
                                         "threshold = { dist = \"normal\"; mean = 1.1; sd = 0.1; };"));
    assert_close(param(sc, "v.cni_threshold.threshold")->dist.hi, 1000, 0, 0);
    vs_scenario_free(sc);
#undef CENTRE
}

static void test_distributions(void **state)
{
    (void)state;
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"uniform\"; min = 5.0; max = 1.0; };"),
                 "t.cfg:3: invalid distribution for 'pot': ");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"normal\"; mean = 5.0; sd = -1.0; };"),
                 "t.cfg:3: invalid distribution for 'pot': ");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"gauss\"; mean = 5.0; sd = 1.0; };"),
                 "t.cfg:3: unknown distribution 'gauss'");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { mean = 5.0; sd = 1.0; };"),
                 "t.cfg:3: missing required key 'dist' in distribution for 'pot'");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"triangular\"; min = 1.0; max = 3.0; };"),
                 "t.cfg:3: missing required key 'mode' in triangular distribution");
    /* Support outside the key's range. */
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"uniform\"; min = -1.0; max = 3.0; };"),
                 "t.cfg:3: 'pot' must be >= 0, but its uniform distribution goes down to -1");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 1.0; cni_share = { dist = \"pert\"; min = 0.0; mode = 0.5; max = 1.5; };"),
                 "t.cfg:3: 'cni_share' must be between 0 and 1, but its pert distribution goes up to 1.5");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 1.0; cni_share = { dist = \"lognormal\"; median = 0.1; sigma = 0.1; };"),
                 "t.cfg:3: 'cni_share' must be between 0 and 1, but a lognormal distribution takes any value above 0");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 1.0; cni_share = { dist = \"normal\"; mean = 1.2; sd = 0.1; };"),
                 "t.cfg:3: 'cni_share' must be between 0 and 1, got a normal distribution with mean 1.2");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; threshold = { dist = \"uniform\"; min = 0.0; max = 2.0; };"),
                 "t.cfg:3: 'threshold' must be > 0, but its uniform distribution goes down to 0");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"uniform\"; min = 1.0; max = 2e15; };"),
                 "t.cfg:3: amount too large: 'pot' can reach 2e+15 SEK");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"lognormal\"; median = 1e12; sigma = 1.0; };"),
                 "t.cfg:3: amount too large: 'pot' is lognormal with median 1e+12 and sigma 1");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = { dist = \"uniform\"; min = 1.0; max = 2.0; stream = \"a.b\"; };"),
                 "t.cfg:3: invalid stream id 'a.b'");
}

static void test_rule_specific(void **state)
{
    (void)state;
    expect_error(L1 L2 RULE("type = \"capitaton\"; pot = 1.0;"),
                 "t.cfg:3: unknown rule type 'capitaton' (did you mean 'capitation'?)");
    expect_error(L1 L2 RULE("type = \"cni_threshold\"; pot = 1.0; threshold = 1.1; split = \"listed_need\";"),
                 "t.cfg:3: unknown split 'listed_need' in cni_threshold rule (expected equal, listed, listed_cni or listed_excess)");
    expect_error(L1 L2 RULE("type = \"cut\"; amount = 1.0; method = \"proportionate\";"),
                 "t.cfg:3: unknown method 'proportionate' in cut rule (did you mean 'proportional'?)\n");
    expect_error(L1 L2 RULE("type = \"cut\"; amount = 1.0; method = \"flat\";"),
                 "t.cfg:3: unknown method 'flat' in cut rule (expected proportional, per_capita or need_protected)");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 1.0; per_capita = 2.0;"),
                 "t.cfg:3: capitation rule takes 'pot' or 'per_capita', not both");
    expect_error(L1 L2 RULE("type = \"capitation\"; cni_share = 0.1;"),
                 "t.cfg:3: capitation rule needs 'pot' or 'per_capita'");
    expect_error(L1 L2 RULE("type = \"cut\"; deficit_share = 0.1;"),
                 "t.cfg:3: 'deficit_share' needs region.deficit");
    expect_error(L1 L2 RULE("type = \"cut\"; amount = 1.0; alpha = 2.0;"),
                 "t.cfg:3: 'alpha' applies only to method need_protected");
    expect_error(L1 L2 RULE("type = \"tiered\"; tiers = ( { above = 1.0; } );"),
                 "t.cfg:3: tier needs 'amount' or 'per_listed'");
    expect_error(L1 L2 RULE("type = \"targeted\"; score = [\"children\"]; top = 1; pot = 1.0;"),
                 "t.cfg:3: unknown attribute 'children' in 'score'");
    expect_error(L1 L2 RULE("type = \"targeted\"; score = [\"cni\"]; pot = 1.0;"),
                 "t.cfg:3: targeted rule needs 'top' or 'top_share'");
    /* An attribute used by a rule must be on every centre. */
    expect_error(L1
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 1; cni = 1.0; attrs = { kids = 2; }; },\n"
                 "  { id = \"b\"; name = \"B\"; listed = 1; cni = 1.0; } );\n"
                 "variants = ( { id = \"v\"; name = \"V\"; rules = ( { type = \"targeted\"; score = [\"kids\"]; top = 1; pot = 1.0; } ); } );\n",
                 "t.cfg:4: attribute 'kids' is missing on centre 'b'");
    expect_error(L1
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 1; cni = 1.0; attrs = { kids = -2; }; } );\n"
                 "variants = ( { id = \"v\"; name = \"V\"; rules = ( { type = \"targeted\"; score = [\"cni\"]; top = 1; split = \"kids\"; pot = 1.0; } ); } );\n",
                 "t.cfg:3: attribute 'kids' is negative on centre 'a' but is used as a split weight");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 1; cni = 1.0; attrs = { cni = 2; }; } );\n" L3,
                 "t.cfg:2: attribute name 'cni' is reserved");
}

static void test_age_bands(void **state)
{
    (void)state;
    expect_error(L1 "region = { age_bands = [\"young\", \"old\"]; age_weights = [1.0, 2.0]; };\n"
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2; listed_by_age = [40, 50]; } );\n" L3,
                 "t.cfg:3: 'listed_by_age' sums to 90 but 'listed' is 100");
    expect_error(L1 "region = { age_bands = [\"young\", \"old\"]; age_weights = [1.0, 2.0]; };\n"
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2; listed_by_age = [100]; } );\n" L3,
                 "t.cfg:3: 'listed_by_age' has 1 counts but region.age_bands has 2 bands");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2; listed_by_age = [100]; } );\n" L3,
                 "t.cfg:2: 'listed_by_age' needs region.age_bands");
    /* with age weights, every centre gives its split (all or none) */
    expect_error(L1 "region = { age_bands = [\"young\", \"old\"]; age_weights = [1.0, 2.0]; };\n"
                 "centres = ( { id = \"a\"; name = \"A\"; listed = 100; cni = 1.2; listed_by_age = [40, 60]; },\n"
                 "  { id = \"b\"; name = \"B\"; listed = 10; cni = 1.0; } );\n" L3,
                 "t.cfg:4: centre 'b' has no 'listed_by_age', but region.age_weights is given");
    expect_error(L1 "region = { age_bands = [\"young\", \"old\"]; age_weights = [1.0]; };\n" L2 L3,
                 "t.cfg:2: 'age_bands' has 2 labels but 'age_weights' has 1 weights");
    expect_error(L1 "region = { age_bands = [\"young\", \"old\"]; };\n" L2 L3,
                 "t.cfg:2: 'age_bands' needs 'age_weights'");
}

static void test_uncertainty(void **state)
{
    (void)state;
    expect_error(L1 L2 "uncertainty = { cni = { dist = \"lognormal\"; sigma = -0.1; }; };\n" L3,
                 "t.cfg:3: 'sigma' must be >= 0, got -0.1");
    expect_error(L1 L2 "uncertainty = { cni = { dist = \"uniform\"; sigma = 0.1; }; };\n" L3,
                 "t.cfg:3: unknown distribution 'uniform' in uncertainty.cni (expected lognormal or normal)");
    expect_error(L1 L2 "uncertainty = { listed = { dist = \"normal\"; relative = true; }; };\n" L3,
                 "t.cfg:3: missing required key 'sd' in uncertainty.listed");
}

/* ------------------------------------------------------------------ */
/* Raw text                                                             */

static void test_wrapped_integer(void **state)
{
    (void)state;
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 5000000000;"),
                 "t.cfg:3: integer 5000000000 does not fit 32 bits: libconfig 1.5 "
                 "would silently wrap it; write it as a float (5000000000.0) or add L "
                 "(5000000000L)");
    /* 2^31 exactly wraps; -2^31 does not; below it does again. */
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 2147483648;"),
                 "t.cfg:3: integer 2147483648 does not fit 32 bits");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = -2147483649;"),
                 "t.cfg:3: integer -2147483649 does not fit 32 bits");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = -2147483648;"),
                 "t.cfg:3: 'pot' must be >= 0, got -2147483648");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 0x80000000;"),
                 "t.cfg:3: integer 0x80000000 does not fit 32 bits");
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 99999999999999999999L;"),
                 "t.cfg:3: integer 99999999999999999999L does not fit 64 bits");
}

static void test_leading_zero(void **state)
{
    (void)state;
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 0700; cni = 1.2; } );\n" L3,
                 "t.cfg:2: integer 0700 has a leading zero: libconfig versions disagree "
                 "on whether it is octal; write 700");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 007L; cni = 1.2; } );\n" L3,
                 "t.cfg:2: integer 007L has a leading zero");
}

static void test_not_finite(void **state)
{
    (void)state;
    expect_error(L1 L2 RULE("type = \"capitation\"; pot = 1e999;"),
                 "t.cfg:3: number is not finite in 'pot'");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 5; cni = 1.0; attrs = { x = -1e999; }; } );\n" L3,
                 "t.cfg:2: number is not finite in 'x'");
}

static void test_encoding(void **state)
{
    (void)state;
    /* A UTF-8 byte order mark is skipped; lines still count from it. */
    vs_scenario_free(load_ok("\xEF\xBB\xBF" L1 L2 L3));
    expect_error("\xEF\xBB\xBF" L1 L2 RULE("type = \"capitation\"; pot = -1;"),
                 "t.cfg:3: ");
    /* Two of them are not: the second is text libconfig cannot read. */
    expect_error("\xEF\xBB\xBF\xEF\xBB\xBF" L1 L2 L3, "t.cfg:1: syntax error");
    expect_error("\xFF\xFE" L1 L2 L3,
                 "t.cfg:1: UTF-16 byte order mark: save the file as UTF-8");
    /* Windows-1252 text: the byte is named as the character it is there. */
    expect_error(L1 "centres = ( { id = \"a\"; name = \"\xE5sele\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: byte 0xE5 is '\xC3\xA5' in Windows-1252: save the file as UTF-8");
    expect_error(L1 "# V\xE4sterbotten\n" L2 L3,
                 "t.cfg:2: byte 0xE4 is '\xC3\xA4' in Windows-1252: save the file as UTF-8");
    expect_error(L1 "# 2023\x96" "2024\n" L2 L3,
                 "t.cfg:2: byte 0x96 is '\xE2\x80\x93' in Windows-1252");
    expect_error(L1 "# 12\xA0" "400\n" L2 L3,
                 "t.cfg:2: byte 0xA0 is a no-break space in Windows-1252");
    /* A byte Windows-1252 leaves undefined. */
    expect_error(L1 "# \x81\n" L2 L3,
                 "t.cfg:2: invalid UTF-8 (byte 0x81): save the file as UTF-8");
    /* Overlong "/" and a surrogate are invalid too. */
    expect_error(L1 "# \xC0\xAF\n" L2 L3, "t.cfg:2: byte 0xC0 is");
    expect_error(L1 "# \xED\xA0\x80\n" L2 L3, "t.cfg:2: byte 0xED is");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\x01\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: control character U+0001: only tab, line feed and carriage return");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\xC2\x85\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: control character U+0085");
    /* Escapes make control characters and bad UTF-8 after parsing. */
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\\x01B\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: control character in 'name'");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\\nB\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: control character in 'name'");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"\\xe5sele\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: invalid UTF-8 in 'name' (byte 0xE5)");
    expect_error(L1 "centres = ( { id = \"a\"; name = \"A\\x00B\"; listed = 5; cni = 1.0; } );\n" L3,
                 "t.cfg:2: \\x00 in a string: libconfig would drop it silently");
    /* CRLF line ends are fine. */
    vs_scenario_free(load_ok("scenario = { name = \"t\"; };\r\n" L2 L3));
}

/* Latin-1 text: one message per line, at most 10 lines, then a count. */
static void test_many_encoding_errors_are_summed_up(void **state)
{
    (void)state;
    char text[2000] = "";
    for (int i = 0; i < 15; i++)
        strcat(text, "# \xE5\xE4\xF6\n");
    strcat(text, L1 L2 L3);
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc;
    assert_int_equal(vs_load_string(text, "t.cfg", &sc, &err), VS_EINPUT);
    assert_int_equal(err.count, 11);
    assert_non_null(strstr(err.log, "t.cfg:10: byte 0xE5 is"));
    assert_null(strstr(err.log, "t.cfg:11: byte"));
    assert_non_null(strstr(err.log, "t.cfg: 5 more lines with invalid UTF-8\n"));
    vs_err_free(&err);
}

static void test_include_refused(void **state)
{
    (void)state;
    expect_error("@include \"other.cfg\"\n" L1 L2 L3,
                 "t.cfg:1: @include is not allowed: a scenario is one self-contained file");
    /* ... but only outside strings and comments. */
    vs_scenario_free(load_ok("# @include \"x\"\nscenario = { name = \"@include\"; };\n" L2 L3));
}

static void test_oversize(void **state)
{
    (void)state;
    size_t n = (size_t)VS_LOAD_MAX_BYTES + 1;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, ' ', n);
    text[n] = '\0';
    expect_error(text, "t.cfg: file is 33554433 bytes; the limit is 32 MiB");
    /* Exactly the limit is fine as far as size goes (and parses empty). */
    text[n - 1] = '\0';
    expect_error(text, "missing required key 'scenario' at top level");
    free(text);
}

/* Every size a file can ask for is bounded with a message (issue 12
 * class 4): iterations, centres, variants, their product, any list; and
 * past VS_LOAD_MAX_PROBLEMS problems the rest are only counted (their
 * did-you-mean searches made 20,000 bad references take 20 s). */
static char *grow_text(char *text, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int w = vsnprintf(text + *len, *cap - *len, fmt, ap);
        va_end(ap);
        assert_true(w >= 0);
        if ((size_t)w < *cap - *len) {
            *len += (size_t)w;
            return text;
        }
        *cap *= 2;
        text = realloc(text, *cap);
        assert_non_null(text);
    }
}

/* A file with nc centres and nv variants (each extending the first, or an
 * unknown variant when `unknown`). */
static char *sized_text(size_t nc, size_t nv, int unknown)
{
    size_t len = 0, cap = 1 << 16;
    char *t = malloc(cap);
    assert_non_null(t);
    t = grow_text(t, &len, &cap, "scenario = { name = \"t\"; };\ncentres = (\n");
    for (size_t i = 0; i < nc; i++)
        t = grow_text(t, &len, &cap, "{ id = \"c%zu\"; name = \"C\"; listed = 10; cni = 1.0; }%s\n",
                      i, i + 1 < nc ? "," : "");
    t = grow_text(t, &len, &cap, ");\nvariants = (\n{ id = \"v0\"; name = \"V\"; rules = "
                  "( { type = \"capitation\"; pot = 1000.0; } ); }%s\n", nv > 1 ? "," : "");
    for (size_t v = 1; v < nv; v++)
        t = grow_text(t, &len, &cap, "{ id = \"v%zu\"; name = \"V\"; extends = \"%s%zu\"; }%s\n",
                      v, unknown ? "zz" : "v", unknown ? v : (size_t)0,
                      v + 1 < nv ? "," : "");
    return grow_text(t, &len, &cap, ");\n");
}

static void test_sizes_bounded(void **state)
{
    (void)state;
    expect_error("scenario = { name = \"t\"; iterations = 1000000000000L; };\n" L2 L3,
                 "t.cfg:1: number too large: 'iterations' is 1e+12; the limit is 1e+08");
    vs_scenario *sc = load_ok("scenario = { name = \"t\"; iterations = 100000000; };\n" L2 L3);
    assert_int_equal(sc->iterations, VS_SIM_MAX_ITERATIONS);
    vs_scenario_free(sc);

    char *t = sized_text(1, VS_LOAD_MAX_VARIANTS + 1, 0);
    expect_error(t, "t.cfg:5: 'variants' has 10001 entries; at most 10000 are allowed");
    free(t);
    t = sized_text(201, VS_LOAD_MAX_VARIANTS, 0);
    expect_error(t, "10000 variants x 201 centres is 2010000 rows of centres.csv; at most 2000000");
    free(t);
    /* at the bounds: loads (10,000 variants in a chain of extends too) */
    t = sized_text(200, VS_LOAD_MAX_VARIANTS, 0);
    sc = load_ok(t);
    assert_int_equal(sc->n_variants, VS_LOAD_MAX_VARIANTS);
    assert_int_equal(sc->order[0], 0);
    vs_scenario_free(sc);
    free(t);

    /* a list past VS_LOAD_MAX_ITEMS, named by its path */
    size_t len = 0, cap = 1 << 20;
    t = malloc(cap);
    assert_non_null(t);
    t = grow_text(t, &len, &cap, L1 L2 "variants = ( { id = \"v\"; name = \"V\"; rules = ( "
                  "{ type = \"grant\"; to = [\"a\"]; amounts = [");
    for (long i = 0; i <= VS_LOAD_MAX_ITEMS; i++)
        t = grow_text(t, &len, &cap, "%s1.0", i ? "," : "");
    t = grow_text(t, &len, &cap, "]; } ); } );\n");
    expect_error(t, "t.cfg:3: 'variants[0].rules[0].amounts' has 200001 entries; at most 200000");
    free(t);

    /* 65 attribute names over the centres: one too many */
    len = 0;
    t = malloc(cap);
    assert_non_null(t);
    t = grow_text(t, &len, &cap, L1 "centres = (\n");
    for (int i = 0; i <= VS_LOAD_MAX_ATTRS; i++)
        t = grow_text(t, &len, &cap, "{ id = \"c%d\"; name = \"C\"; listed = 10; cni = 1.0; "
                      "attrs = { a%d = 1.0; }; }%s\n", i, i, i < VS_LOAD_MAX_ATTRS ? "," : "");
    t = grow_text(t, &len, &cap, ");\n" L3);
    expect_error(t, "t.cfg:67: more than 64 attribute names in the centres' 'attrs' ('a64' is one too many");
    free(t);

    /* 10,000 unknown `extends`: 50 listed, the rest counted */
    t = sized_text(1, VS_LOAD_MAX_VARIANTS, 1);
    expect_error(t, "t.cfg:56: unknown variant 'zz50' in 'extends'");
    expect_error(t, "t.cfg: more problems not listed (only the first 50 are)");
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_load_string(t, "t.cfg", &sc, &err), VS_EINPUT);
    assert_null(strstr(err.log, "'zz51'"));
    assert_int_equal(err.count, VS_LOAD_MAX_PROBLEMS + 1);
    vs_err_free(&err);
    free(t);
}

/* A message too long for its buffer says it was cut (an unknown key of
 * 600 letters, say). */
static void test_long_message_cut(void **state)
{
    (void)state;
    char key[601];
    memset(key, 'k', 600);
    key[600] = '\0';
    char *text = malloc(2000);
    assert_non_null(text);
    snprintf(text, 2000, "scenario = { name = \"t\"; %s = 1; };\n" L2 L3, key);
    expect_error(text, "t.cfg:1: unknown key 'kkkk");
    expect_error(text, "[... message cut]");
    free(text);
}

static void test_two_problems_reported(void **state)
{
    (void)state;
    const char *text =
        L1 "centres = ( { id = \"a\"; name = \"A\"; listed = -1; cni = 1.2; } );\n"
        RULE("type = \"capitaton\"; pot = 1.0;");
    int n = expect_error(text, "t.cfg:2: 'listed' must be >= 0, got -1\n"
                               "t.cfg:3: unknown rule type 'capitaton'");
    assert_int_equal(n, 2);
    /* And two text problems on different lines. */
    n = expect_error(L1 "centres = ( { id = \"a\"; name = \"A\"; listed = 0700; cni = 1.2; } );\n"
                     RULE("type = \"capitation\"; pot = 5000000000;"),
                     "t.cfg:2: integer 0700 has a leading zero");
    assert_int_equal(n, 2);
}

/* ------------------------------------------------------------------ */
/* Files                                                                */

static char *write_temp(const char *data, size_t len)
{
    char *path = strdup("/tmp/vardsim_test_load_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_files(void **state)
{
    (void)state;
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = (vs_scenario *)&err;
    assert_int_equal(vs_load_file("/nonexistent/x.cfg", &sc, &err), VS_EIO);
    assert_null(sc);
    assert_string_equal(err.log, "cannot read /nonexistent/x.cfg: No such file or directory\n");
    vs_err_free(&err);

    static const char good[] = L1 L2 L3;
    char *path = write_temp(good, sizeof good - 1);
    assert_int_equal(vs_load_file(path, &sc, &err), VS_OK);
    assert_string_equal(sc->file, path);
    assert_int_equal(sc->n_centres, 1);
    vs_scenario_free(sc);
    unlink(path);
    free(path);

    /* A NUL byte only a file can hold. */
    static const char nul[] = L1 "# a\0b\n" L2 L3;
    path = write_temp(nul, sizeof nul - 1);
    assert_int_equal(vs_load_file(path, &sc, &err), VS_EINPUT);
    assert_null(sc);
    char want[300];
    snprintf(want, sizeof want, "%s:2: NUL byte", path);
    assert_non_null(strstr(err.log, want));
    vs_err_free(&err);
    unlink(path);
    free(path);

    /* Too big: read no further than the limit, report the real size. */
    size_t n = (size_t)VS_LOAD_MAX_BYTES + 100;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    path = write_temp(big, n);
    free(big);
    assert_int_equal(vs_load_file(path, &sc, &err), VS_EINPUT);
    snprintf(want, sizeof want, "%s: file is 33554532 bytes; the limit is 32 MiB", path);
    assert_non_null(strstr(err.log, want));
    vs_err_free(&err);
    unlink(path);
    free(path);
}

/* cni prints as typed (docs/outputs.md): the literal from the file,
 * trailing zeros and all; the shortest exact form when the literal is not
 * on the setting's line. */
static void test_cni_as_typed(void **state)
{
    (void)state;
    vs_scenario *sc = load_ok(
        "scenario = { name = \"t\"; };\n"
        "centres = (\n"
        "  { id = \"a\"; name = \"A\"; listed = 10; cni = 0.90; },\n"
        "  { id = \"b\"; name = \"B\"; listed = 10; cni=1.5e0; },\n"
        "  { id = \"c\"; name = \"C\"; listed = 10; attrs = { xcni = 1.0; }; cni = 2; },\n"
        "  { id = \"d\"; name = \"D\"; listed = 10;\n"
        "    cni =\n"
        "      1.250; }\n"
        ");\n"
        "variants = ( { id = \"v\"; name = \"V\"; } );\n");
    if (!sc)
        return; /* load_ok failed the test already */
    assert_string_equal(sc->centres[0].cni_text, "0.90");
    assert_string_equal(sc->centres[1].cni_text, "1.5e0");
    assert_string_equal(sc->centres[2].cni_text, "2");
    assert_string_equal(sc->centres[3].cni_text, "1.25");
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_header_region_centres),
        cmocka_unit_test(test_cni_as_typed),
        cmocka_unit_test(test_full_rules),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_integer_scan_accepts),
        cmocka_unit_test(test_stream_and_bounds),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_missing_and_wrong_type),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_extends_and_cycles),
        cmocka_unit_test(test_grant_references),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_rule_specific),
        cmocka_unit_test(test_age_bands),
        cmocka_unit_test(test_uncertainty),
        cmocka_unit_test(test_wrapped_integer),
        cmocka_unit_test(test_leading_zero),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_many_encoding_errors_are_summed_up),
        cmocka_unit_test(test_include_refused),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_sizes_bounded),
        cmocka_unit_test(test_long_message_cut),
        cmocka_unit_test(test_two_problems_reported),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
