/* schema.c: the key tables of a scenario file and the checks of their
 * values (see schema.h).
 *
 * Every number has an upper bound in magnitude (`limit`, the last column),
 * so that no product or sum the engine forms from them can overflow a
 * double: docs/scenario-format.md ("Bounds") lists them and says why each
 * is what it is.  Money is bounded by VS_MONEY_MAX_SEK, where a double
 * still holds every whole öre. */
#include "schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vardsim/money.h"
#include "vardsim/sim.h"

/* ------------------------------------------------------------------ */
/* Ranges and bounds                                                    */

#define ANY {-INFINITY, INFINITY, 0, 0}
#define GE0 {0, INFINITY, 0, 0}
#define GT0 {0, INFINITY, 1, 0}
#define GE1 {1, INFINITY, 0, 0}
#define SHARE {0, 1, 0, 0}
#define SHARE_GT0 {0, 1, 1, 0}

/* Bounds in magnitude (see docs/scenario-format.md, "Bounds"). */
#define LIM_MONEY VS_MONEY_MAX_SEK
#define LIM_PERSONS 1e8 /* listed: ten times Sweden */
#define LIM_CNI 1e3     /* CNI and thresholds on it, any scale in use */
#define LIM_VALUE 1e9   /* attributes, tier and where bounds on them */
#define LIM_AGE_WEIGHT 1e6
#define LIM_ALPHA 10.0  /* cni^alpha stays finite for any CNI allowed */
#define LIM_GAIN 1e3    /* a limit's max_gain: +100 000 % */
#define LIM_SIGMA 5.0   /* lognormal noise: exp(5 Z) */
#define LIM_REL_SD 10.0 /* relative normal noise */
#define LIM_COUNT 1e9   /* targeted.top, seed and iterations have their own */

#define NO_FIELD -1
#define RULE_FIELD(f) ((int)offsetof(vs_rule, f))

/* A key that is not a number, and one that is. */
#define KEY(name, kind, flags) {name, kind, flags, ANY, -1, NO_FIELD, NULL, 0}
#define NUM(name, kind, flags, r, lim) {name, kind, flags, r, -1, NO_FIELD, NULL, lim}
/* A param living in field f of the table's struct. */
#define PARAM(name, flags, r, lim, off) {name, VS_K_PARAM, flags, r, -1, off, NULL, lim}
#define RULE_PARAM(name, flags, r, lim, f) \
    {name, VS_K_PARAM, flags, r, -1, RULE_FIELD(f), NULL, lim}
#define END {NULL, VS_K_STR, 0, ANY, -1, NO_FIELD, NULL, 0}

#define MONEY VS_KEY_MONEY
#define REQ VS_KEY_REQ
#define ADD VS_KEY_ADDABLE

static const vs_key top_keys[] = {
    KEY("scenario", VS_K_GROUP, REQ),
    KEY("region", VS_K_GROUP, 0),
    KEY("centres", VS_K_GROUPS, REQ),
    KEY("uncertainty", VS_K_GROUP, 0),
    KEY("variants", VS_K_GROUPS, REQ),
    KEY("plan", VS_K_GROUP, 0),
    END,
};

static const vs_key scenario_keys[] = {
    KEY("name", VS_K_STR, REQ),
    NUM("seed", VS_K_INT, 0, GE0, 0),
    NUM("iterations", VS_K_INT, 0, GE0, VS_SIM_MAX_ITERATIONS),
    KEY("baseline", VS_K_STR, 0),
    KEY("lang", VS_K_STR, 0),
    KEY("centre_term", VS_K_STR, 0),
    KEY("centre_term_plural", VS_K_STR, 0),
    NUM("high_need_cni", VS_K_NUM, 0, GT0, LIM_CNI),
    KEY("need", VS_K_GROUP, 0),
    END,
};

/* scenario.need = { base = ...; cni_share = ...; } */
static const vs_key need_keys[] = {
    KEY("base", VS_K_STR, 0),
    PARAM("cni_share", ADD, SHARE, 1, (int)offsetof(vs_need, cni_share)),
    END,
};

/* One condition of `where`: its bounds are rule numbers. */
#define COND_FIELD(f) ((int)offsetof(vs_cond, f))
static const vs_key bound_keys[] = {
    PARAM("min", 0, ANY, LIM_VALUE, COND_FIELD(min)),
    PARAM("max", 0, ANY, LIM_VALUE, COND_FIELD(max)),
    PARAM("above", 0, ANY, LIM_VALUE, COND_FIELD(above)),
    PARAM("below", 0, ANY, LIM_VALUE, COND_FIELD(below)),
    END,
};

static const vs_key region_keys[] = {
    KEY("name", VS_K_STR, 0),
    PARAM("deficit", MONEY, GE0, LIM_MONEY, (int)offsetof(vs_scenario, deficit)),
    KEY("age_bands", VS_K_STRS, 0),
    NUM("age_weights", VS_K_PARAMS, 0, GE0, LIM_AGE_WEIGHT),
    END,
};

static const vs_key centre_keys[] = {
    KEY("id", VS_K_STR, REQ),
    KEY("name", VS_K_STR, REQ),
    NUM("listed", VS_K_NUM, REQ | VS_KEY_WHOLE, GE0, LIM_PERSONS),
    NUM("cni", VS_K_NUM, REQ, GT0, LIM_CNI),
    KEY("attrs", VS_K_GROUP, 0),
    NUM("listed_by_age", VS_K_NUMS, VS_KEY_WHOLE, GE0, LIM_PERSONS),
    END,
};

/* attrs = { X = ...; }: any name, so a table of one key the loader
 * checks every attribute against. */
static const vs_key attr_keys[] = {
    NUM("attribute", VS_K_NUM, 0, ANY, LIM_VALUE),
    END,
};

static const vs_key noise_lognormal_keys[] = {
    KEY("dist", VS_K_STR, REQ),
    NUM("sigma", VS_K_NUM, REQ, GE0, LIM_SIGMA),
    END,
};

/* sd is absolute (in the value's own unit) or, with relative = true, a
 * share of the value: the same keys with another bound on sd. */
static const vs_key noise_normal_keys[] = {
    KEY("dist", VS_K_STR, REQ),
    NUM("sd", VS_K_NUM, REQ, GE0, LIM_VALUE),
    KEY("relative", VS_K_BOOL, 0),
    END,
};

static const vs_key noise_relative_keys[] = {
    KEY("dist", VS_K_STR, REQ),
    NUM("sd", VS_K_NUM, REQ, GE0, LIM_REL_SD),
    KEY("relative", VS_K_BOOL, 0),
    END,
};

static const vs_key variant_keys[] = {
    KEY("id", VS_K_STR, REQ),
    KEY("name", VS_K_STR, REQ),
    KEY("extends", VS_K_STR, 0),
    KEY("rules", VS_K_GROUPS, 0),
    END,
};

/* Every rule table starts with these two, and every one but grant's has
 * the eligibility filter (grant's lists it to say why it does not apply). */
#define RULE_HEAD KEY("type", VS_K_STR, REQ), KEY("id", VS_K_STR, 0)
#define FILTER KEY("where", VS_K_GROUP, 0), KEY("except", VS_K_STRS, 0)

static const vs_key capitation_keys[] = {
    RULE_HEAD,
    FILTER,
    KEY("base", VS_K_STR, 0),
    RULE_PARAM("pot", MONEY, GE0, LIM_MONEY, pot),
    RULE_PARAM("per_capita", MONEY, GE0, LIM_MONEY, per_capita),
    RULE_PARAM("cni_share", ADD, SHARE, 1, cni_share),
    END,
};

static const vs_key cni_threshold_keys[] = {
    RULE_HEAD,
    FILTER,
    RULE_PARAM("pot", REQ | MONEY, GE0, LIM_MONEY, pot),
    RULE_PARAM("threshold", REQ, GT0, LIM_CNI, threshold),
    KEY("split", VS_K_STR, 0),
    RULE_PARAM("cap", MONEY | ADD, GE0, LIM_MONEY, cap),
    RULE_PARAM("floor", MONEY | ADD, GE0, LIM_MONEY, floor),
    END,
};

static const vs_key tiered_keys[] = {
    RULE_HEAD,
    FILTER,
    KEY("on", VS_K_STR, 0),
    KEY("tiers", VS_K_GROUPS, REQ),
    RULE_PARAM("pot", MONEY, GE0, LIM_MONEY, pot),
    END,
};

#define TIER_FIELD(f) ((int)offsetof(vs_tier, f))
static const vs_key tier_keys[] = {
    PARAM("above", REQ, GE0, LIM_VALUE, TIER_FIELD(above)),
    PARAM("amount", MONEY, GE0, LIM_MONEY, TIER_FIELD(amount)),
    PARAM("per_listed", MONEY, GE0, LIM_MONEY, TIER_FIELD(per_listed)),
    END,
};

static const vs_key grant_keys[] = {
    RULE_HEAD,
    FILTER,
    KEY("to", VS_K_STRS, REQ),
    NUM("amounts", VS_K_PARAMS, REQ | MONEY, GE0, LIM_MONEY),
    END,
};

/* pot before top_share: params are made in table order, and the first
 * version made them in this one (sensitivity lists them so). */
static const vs_key targeted_keys[] = {
    RULE_HEAD,
    FILTER,
    KEY("score", VS_K_STRS, REQ),
    {"top", VS_K_INT, 0, GE1, -1, RULE_FIELD(top), NULL, LIM_COUNT},
    RULE_PARAM("pot", REQ | MONEY, GE0, LIM_MONEY, pot),
    RULE_PARAM("top_share", 0, SHARE_GT0, 1, top_share),
    KEY("split", VS_K_STR, 0),
    END,
};

static int need_protected(const vs_rule *r)
{
    return r->method == VS_CUT_NEED_PROTECTED;
}

static const vs_key cut_keys[] = {
    RULE_HEAD,
    FILTER,
    RULE_PARAM("amount", MONEY, GE0, LIM_MONEY, amount),
    RULE_PARAM("deficit_share", 0, SHARE, 1, deficit_share),
    KEY("method", VS_K_STR, 0),
    {"alpha", VS_K_PARAM, ADD, GE0, -1, RULE_FIELD(alpha), need_protected,
     LIM_ALPHA},
    RULE_PARAM("max_cut_share", ADD, SHARE, 1, max_cut_share),
    END,
};

static const vs_key limit_keys[] = {
    RULE_HEAD,
    FILTER,
    KEY("relative_to", VS_K_STR, REQ),
    RULE_PARAM("max_loss", ADD, SHARE, 1, max_loss),
    RULE_PARAM("max_gain", ADD, GE0, LIM_GAIN, max_gain),
    END,
};

/* plan = { ... }: growth rates are shares of a year's money (-1 would be
 * no money at all); ten times the money in a year is far past any plan. */
#define PLAN_FIELD(f) ((int)offsetof(vs_plan, f))
#define GROWTH {-1, 10, 1, 0}
static const vs_key plan_keys[] = {
    {"first_year", VS_K_INT, REQ, {1000, 9999, 0, 0}, -1, PLAN_FIELD(first_year), NULL, 9999},
    {"years", VS_K_INT, REQ, {1, 100, 0, 0}, -1, PLAN_FIELD(years), NULL, 100},
    KEY("from", VS_K_STR, REQ),
    KEY("target", VS_K_STR, REQ),
    {"growth", VS_K_PARAM_OR_LIST, ADD, GROWTH, -1, PLAN_FIELD(growth), NULL, 10},
    {"min_growth", VS_K_NUM, 0, {-1, 1, 0, 0}, -1, PLAN_FIELD(min_growth), NULL, 1},
    {"max_growth", VS_K_NUM, ADD, {-1, 10, 0, 0}, -1, PLAN_FIELD(max_growth), NULL, 10},
    {"tolerance", VS_K_NUM, 0, SHARE, -1, PLAN_FIELD(tolerance), NULL, 1},
    END,
};

static const vs_key per_unit_keys[] = {
    RULE_HEAD,
    FILTER,
    KEY("unit", VS_K_STR, REQ),
    RULE_PARAM("amount", REQ | MONEY, GE0, LIM_MONEY, amount),
    RULE_PARAM("pot", MONEY, GE0, LIM_MONEY, pot),
    END,
};

static const vs_key *const rule_keys[VS_RULE_COUNT] = {
    [VS_RULE_CAPITATION] = capitation_keys,
    [VS_RULE_CNI_THRESHOLD] = cni_threshold_keys,
    [VS_RULE_TIERED] = tiered_keys,
    [VS_RULE_GRANT] = grant_keys,
    [VS_RULE_TARGETED] = targeted_keys,
    [VS_RULE_CUT] = cut_keys,
    [VS_RULE_LIMIT] = limit_keys,
    [VS_RULE_PER_UNIT] = per_unit_keys,
};

/* Distribution groups: which key fills which slot of vs_dist (-1: not a
 * number).  `stream` names a random stream shared with other
 * distributions (see vs_param.stream).  Their numbers are checked as the
 * distribution of the key they stand for (vs_schema_check_dist). */
#define DIST_HEAD KEY("dist", VS_K_STR, REQ), KEY("stream", VS_K_STR, 0)
#define SLOT(name, flags, slot) {name, VS_K_NUM, flags, ANY, slot, NO_FIELD, NULL, 0}
static const vs_key normal_keys[] = {
    DIST_HEAD,
    SLOT("mean", REQ, 0), SLOT("sd", REQ, 1),
    SLOT("min", 0, 3), SLOT("max", 0, 4),
    END,
};
static const vs_key lognormal_keys[] = {
    DIST_HEAD,
    SLOT("median", REQ, 0), SLOT("sigma", REQ, 1),
    END,
};
static const vs_key uniform_keys[] = {
    DIST_HEAD,
    SLOT("min", REQ, 0), SLOT("max", REQ, 1),
    END,
};
static const vs_key three_point_keys[] = { /* triangular, pert */
    DIST_HEAD,
    SLOT("min", REQ, 0), SLOT("mode", REQ, 1), SLOT("max", REQ, 2),
    END,
};

const vs_key *vs_schema_dist_table(vs_dist_kind k)
{
    switch (k) {
    case VS_DIST_NORMAL: return normal_keys;
    case VS_DIST_LOGNORMAL: return lognormal_keys;
    case VS_DIST_UNIFORM: return uniform_keys;
    case VS_DIST_TRIANGULAR:
    case VS_DIST_PERT: return three_point_keys;
    default: return NULL;
    }
}

const vs_key *vs_schema_table(int table)
{
    switch (table) {
    case VS_SCHEMA_REGION: return region_keys;
    case VS_SCHEMA_TIER: return tier_keys;
    case VS_SCHEMA_NOISE_LOGNORMAL: return noise_lognormal_keys;
    case VS_SCHEMA_NOISE_NORMAL: return noise_normal_keys;
    case VS_SCHEMA_TOP: return top_keys;
    case VS_SCHEMA_SCENARIO: return scenario_keys;
    case VS_SCHEMA_CENTRE: return centre_keys;
    case VS_SCHEMA_VARIANT: return variant_keys;
    case VS_SCHEMA_ATTR: return attr_keys;
    case VS_SCHEMA_NOISE_RELATIVE: return noise_relative_keys;
    case VS_SCHEMA_PLAN: return plan_keys;
    case VS_SCHEMA_NEED: return need_keys;
    case VS_SCHEMA_BOUND: return bound_keys;
    default:
        return table >= 0 && table < VS_RULE_COUNT ? rule_keys[table] : NULL;
    }
}

int vs_schema_index(const vs_key *keys, const char *name)
{
    for (int k = 0; keys && keys[k].name; k++)
        if (strcmp(keys[k].name, name) == 0)
            return k;
    return -1;
}

const vs_key *vs_schema_find(int table, const char *name)
{
    const vs_key *keys = vs_schema_table(table);
    int k = vs_schema_index(keys, name);
    return k >= 0 ? &keys[k] : NULL;
}

int *vs_schema_param(void *base, const vs_key *k)
{
    return (int *)(void *)((char *)base + k->field);
}

long *vs_schema_long(void *base, const vs_key *k)
{
    return (long *)(void *)((char *)base + k->field);
}

const char *vs_schema_kind_text(vs_key_kind k)
{
    switch (k) {
    case VS_K_STR: return "a string";
    case VS_K_INT: return "an integer";
    case VS_K_NUM: return "a number";
    case VS_K_PARAM: return "a number or a distribution group { dist = ...; }";
    case VS_K_BOOL: return "true or false";
    case VS_K_STRS: return "a list of strings";
    case VS_K_NUMS: return "a list of numbers";
    case VS_K_PARAMS: return "a list of numbers";
    case VS_K_GROUP: return "a group { ... }";
    case VS_K_GROUPS: return "a list of groups ( { ... }, ... )";
    case VS_K_PARAM_OR_LIST:
        return "a number, a distribution group { dist = ...; } or a list of "
               "them";
    }
    return "?";
}

/* ------------------------------------------------------------------ */
/* Checks                                                               */

static int below_lo(const vs_range *r, double v)
{
    return r->lo_open ? v <= r->lo : v < r->lo;
}

static int above_hi(const vs_range *r, double v)
{
    return r->hi_open ? v >= r->hi : v > r->hi;
}

void vs_schema_range_text(const vs_range *r, char *buf, size_t n)
{
    int has_lo = isfinite(r->lo), has_hi = isfinite(r->hi);
    if (has_lo && has_hi && !r->lo_open && !r->hi_open)
        snprintf(buf, n, "between %g and %g", r->lo, r->hi);
    else if (has_lo && has_hi)
        snprintf(buf, n, "%s %g and %s %g", r->lo_open ? ">" : ">=", r->lo,
                 r->hi_open ? "<" : "<=", r->hi);
    else if (has_lo)
        snprintf(buf, n, "%s %g", r->lo_open ? ">" : ">=", r->lo);
    else if (has_hi)
        snprintf(buf, n, "%s %g", r->hi_open ? "<" : "<=", r->hi);
    else
        snprintf(buf, n, "a number");
}

/* A key's bound in magnitude: INFINITY when it has none. */
static double limit_of(const vs_key *k)
{
    return k->limit > 0 ? k->limit : INFINITY;
}

int vs_schema_check_value(const vs_key *k, const char *name, double v,
                          char *msg, size_t n)
{
    if (below_lo(&k->r, v) || above_hi(&k->r, v)) {
        char want[64];
        vs_schema_range_text(&k->r, want, sizeof want);
        snprintf(msg, n, "'%s' must be %s, got %.15g", name, want, v);
        return 0;
    }
    if ((k->flags & VS_KEY_WHOLE) && v != floor(v)) {
        snprintf(msg, n, "'%s' must be a whole number of persons, got %.15g",
                 name, v);
        return 0;
    }
    if ((k->flags & VS_KEY_MONEY) && fabs(v) > VS_MONEY_MAX_SEK) {
        snprintf(msg, n, "amount too large: '%s' is %g SEK; the limit is %g "
                 "SEK", name, v, VS_MONEY_MAX_SEK);
        return 0;
    }
    double lim = limit_of(k);
    if (fabs(v) > lim) {
        snprintf(msg, n, "number too large: '%s' is %g; the limit is %s%g "
                 "(see docs/scenario-format.md, Bounds)", name, v,
                 v < 0 ? "-" : "", lim);
        return 0;
    }
    return 1;
}

/* The message for a distribution that can pass the key's bound in
 * magnitude (not its range): reaching `v`. */
static void limit_text(const vs_key *k, const char *name, double v, char *msg,
                       size_t n)
{
    if (k->flags & VS_KEY_MONEY)
        snprintf(msg, n, "amount too large: '%s' can reach %g SEK; the limit "
                 "is %g SEK", name, v, VS_MONEY_MAX_SEK);
    else
        snprintf(msg, n, "number too large: '%s' can reach %g; the limit is "
                 "%s%g (see docs/scenario-format.md, Bounds)", name, v,
                 v < 0 ? "-" : "", limit_of(k));
}

/* Check a distribution against the range of its key: every value it can
 * draw must be allowed.
 *
 * - uniform, triangular, pert, and a normal's explicit min / max: the
 *   bounds of the support must lie in the range;
 * - a normal without min / max is truncated to the key's range and bound
 *   (for money VS_MONEY_MAX_SEK): "pot = normal(2e6, 1e5)" means a pot
 *   that is never negative, which is what the analyst meant; its mean,
 *   the value she typed, must itself be allowed;
 * - a lognormal is > 0, fine for any key whose range starts at 0, wrong
 *   for a key with an upper bound in its range; its 1e-23 upper tail
 *   (median * exp(10 sigma)) must stay within the key's bound. */
int vs_schema_check_dist(const vs_key *k, const char *name, vs_dist *d,
                         char *msg, size_t n)
{
    const vs_range *spec_r = &k->r;
    vs_range r = *spec_r;
    int money = (k->flags & VS_KEY_MONEY) != 0;
    double lim = limit_of(k);
    if (r.hi > lim) {
        r.hi = lim;
        r.hi_open = 0;
    }
    if (r.lo < -lim) {
        r.lo = -lim;
        r.lo_open = 0;
    }
    char want[64];
    vs_schema_range_text(spec_r, want, sizeof want);
    const char *kname = vs_dist_kind_name(d->kind);
    double lo, hi; /* support to check */

    switch (d->kind) {
    case VS_DIST_NORMAL:
        if (isinf(d->lo) && isinf(d->hi) &&
            (below_lo(spec_r, d->p[0]) || above_hi(spec_r, d->p[0]))) {
            snprintf(msg, n, "'%s' must be %s, got a normal distribution with "
                     "mean %.15g", name, want, d->p[0]);
            return 0;
        }
        if (fabs(d->p[0]) > lim) {
            if (money)
                snprintf(msg, n, "amount too large: '%s' has mean %g SEK; the "
                         "limit is %g SEK", name, d->p[0], VS_MONEY_MAX_SEK);
            else
                snprintf(msg, n, "number too large: '%s' has mean %g; the "
                         "limit is %g (see docs/scenario-format.md, Bounds)",
                         name, d->p[0], lim);
            return 0;
        }
        lo = d->lo;
        hi = d->hi;
        break;
    case VS_DIST_LOGNORMAL:
        if (r.lo > 0 || isfinite(spec_r->hi)) {
            snprintf(msg, n, "'%s' must be %s, but a lognormal distribution "
                     "takes any value above 0", name, want);
            return 0;
        }
        if (d->p[0] * exp(10 * d->p[1]) > lim) {
            if (money)
                snprintf(msg, n, "amount too large: '%s' is lognormal with "
                         "median %g and sigma %g, which can exceed %g SEK",
                         name, d->p[0], d->p[1], VS_MONEY_MAX_SEK);
            else
                snprintf(msg, n, "number too large: '%s' is lognormal with "
                         "median %g and sigma %g, which can exceed %g (see "
                         "docs/scenario-format.md, Bounds)", name, d->p[0],
                         d->p[1], lim);
            return 0;
        }
        return 1;
    case VS_DIST_UNIFORM:
        lo = d->p[0];
        hi = d->p[1];
        break;
    default: /* triangular, pert */
        lo = d->p[0];
        hi = d->p[2];
        break;
    }
    if (isfinite(lo) && below_lo(&r, lo)) {
        if (!below_lo(spec_r, lo))
            limit_text(k, name, lo, msg, n);
        else
            snprintf(msg, n, "'%s' must be %s, but its %s distribution goes "
                     "down to %.15g", name, want, kname, lo);
        return 0;
    }
    if (isfinite(hi) && above_hi(&r, hi)) {
        if (!above_hi(spec_r, hi))
            limit_text(k, name, hi, msg, n);
        else
            snprintf(msg, n, "'%s' must be %s, but its %s distribution goes up "
                     "to %.15g", name, want, kname, hi);
        return 0;
    }
    if (d->kind == VS_DIST_NORMAL) { /* implicit truncation, see above */
        if (isinf(d->lo))
            d->lo = r.lo;
        if (isinf(d->hi))
            d->hi = r.hi;
    }
    return 1;
}

int vs_schema_check(const vs_key *k, const char *name, vs_dist *d, char *msg,
                    size_t n)
{
    int dist_ok = k->kind == VS_K_PARAM || k->kind == VS_K_PARAMS ||
                  k->kind == VS_K_PARAM_OR_LIST;
    if (d->kind != VS_DIST_FIXED) {
        if (!dist_ok) {
            snprintf(msg, n, "'%s' takes a number, not a distribution", name);
            return VS_EINPUT;
        }
        return vs_schema_check_dist(k, name, d, msg, n) ? VS_OK : VS_EINPUT;
    }
    double v = d->p[0];
    if (!isfinite(v)) {
        snprintf(msg, n, "number is not finite in '%s'", name);
        return VS_EINPUT;
    }
    if (!vs_schema_check_value(k, name, v, msg, n))
        return VS_EINPUT;
    /* A count (targeted.top): libconfig gives integers; from text, a
     * fraction is an error. */
    if (k->kind == VS_K_INT && v != floor(v)) {
        snprintf(msg, n, "'%s' must be a whole number, got %.15g", name, v);
        return VS_EINPUT;
    }
    return VS_OK;
}

int vs_schema_lang_ok(const char *lang)
{
    return lang && (strcmp(lang, "sv") == 0 || strcmp(lang, "en") == 0);
}
