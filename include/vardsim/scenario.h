/* scenario.h: a scenario as data (no I/O).
 *
 * The loader (load.h) builds a vs_scenario from a libconfig file; the
 * simulator reads it and never changes it.  Every number that may be
 * uncertain (anything in `region` or in a rule) lives once in `params`
 * with its path ("region.deficit", "cni_topup.cni_threshold.pot") and is
 * referred to by index; -1 means "not given".  Each iteration draws a
 * value per param (see draw.h), so rules read vals[index]. */
#ifndef VARDSIM_SCENARIO_H
#define VARDSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "vardsim/dist.h"
#include "vardsim/error.h"

#define VS_NONE (-1)

/* Attribute references (rule score/split, uncertainty targets): an index
 * into vs_scenario.attr_names, or one of these. */
#define VS_ATTR_LISTED (-2)
#define VS_ATTR_CNI (-3)
/* Value references that name more than an attribute (need base, where
 * keys, per_unit unit, capitation base): */
#define VS_ATTR_AGE (-4)    /* age-weighted listed: sum_b listed_by_age[b] x
                               age_weights[b] */
#define VS_ATTR_CENTRE (-5) /* 1 for every centre (per_unit unit "centre") */
#define VS_ATTR_AUTO (-6)   /* capitation base "auto": age when the scenario
                               has age data, else listed */

typedef struct vs_param {
    char *path;   /* "region.deficit", "VARIANT.RULE.PARAM", "VARIANT.grant.amounts[2]" */
    int line;     /* line in the scenario file */
    vs_dist dist; /* VS_DIST_FIXED for a plain number */
    char *stream; /* shared stream name (`stream = "..."` in the file), or
                     NULL: the param then draws from its own stream, named
                     by its path */
} vs_param;

typedef enum vs_noise_kind { VS_NOISE_LOGNORMAL, VS_NOISE_NORMAL } vs_noise_kind;

/* Per-centre noise on one quantity: lognormal multiplies by exp(sigma Z);
 * normal adds sd * value (relative) or sd (absolute) times Z. */
typedef struct vs_noise {
    char *path;         /* "uncertainty.cni": also the stream name */
    int target;         /* VS_ATTR_LISTED, VS_ATTR_CNI or an attr index */
    vs_noise_kind kind;
    double scale;       /* sigma (lognormal) or sd (normal) */
    int relative;       /* normal only */
    int line;
} vs_noise;

typedef struct vs_centre {
    char *id, *name;
    double listed;        /* whole persons */
    double cni;
    char cni_text[32];    /* cni as typed (shortest round-trip form) */
    double *attrs;        /* n_attrs values; NAN where the centre has none */
    double *listed_by_age;/* n_age_bands counts, or NULL */
    int line;
} vs_centre;

typedef enum vs_rule_type {
    VS_RULE_CAPITATION = 0,
    VS_RULE_CNI_THRESHOLD,
    VS_RULE_TIERED,
    VS_RULE_GRANT,
    VS_RULE_TARGETED,
    VS_RULE_CUT,
    VS_RULE_LIMIT,
    VS_RULE_PER_UNIT,
    VS_RULE_COUNT
} vs_rule_type;

typedef enum vs_split {
    VS_SPLIT_EQUAL = 0,
    VS_SPLIT_LISTED,
    VS_SPLIT_LISTED_CNI,
    VS_SPLIT_LISTED_EXCESS, /* listed * (cni - threshold) */
    VS_SPLIT_SCORE,         /* targeted: the score itself */
    VS_SPLIT_ATTR           /* targeted: the attribute in split_attr */
} vs_split;

typedef enum vs_cut_method {
    VS_CUT_PROPORTIONAL = 0,
    VS_CUT_PER_CAPITA,
    VS_CUT_NEED_PROTECTED
} vs_cut_method;

typedef struct vs_tier {
    int above;      /* param */
    int amount;     /* param, or VS_NONE */
    int per_listed; /* param, or VS_NONE (exactly one of amount/per_listed) */
} vs_tier;

/* One condition of a rule's `where`: the value `ref` (VS_ATTR_LISTED,
 * VS_ATTR_CNI, VS_ATTR_AGE or an attribute) must be >= min, <= max,
 * > above and < below, each a param or VS_NONE. */
typedef struct vs_cond {
    int ref;
    int min, max, above, below;
} vs_cond;

typedef struct vs_rule {
    vs_rule_type type;
    char *id; /* default: the type name */
    int line;

    /* eligibility (every type but grant): a centre takes part when it
     * meets every condition and is not listed in except */
    vs_cond *where;
    size_t n_where;
    int *except;    /* centre indices */
    size_t n_except;

    /* money: SEK params */
    int pot;        /* capitation, cni_threshold, tiered (optional), targeted,
                       per_unit (optional) */
    int per_capita; /* capitation (instead of pot) */
    int cni_share;  /* capitation, 0..1, default VS_NONE = 0 */
    int base;       /* capitation: VS_ATTR_AUTO (default), _LISTED, _AGE or
                       an attribute */

    /* cni_threshold */
    int threshold;
    int cap, floor; /* SEK per centre, VS_NONE if not given */
    vs_split split;
    int split_attr; /* VS_SPLIT_ATTR: attribute reference */

    /* tiered */
    int on;         /* the value tiers test: VS_ATTR_CNI (default),
                       VS_ATTR_LISTED or an attribute */
    vs_tier *tiers;
    size_t n_tiers;

    /* grant */
    size_t n_grants;
    int *grant_centre; /* centre indices */
    int *grant_amount; /* params (SEK) */

    /* targeted */
    int *score; /* attribute references, multiplied */
    size_t n_score;
    long top;      /* count, or -1 when top_share is used */
    int top_share; /* param */

    /* per_unit: amount (SEK per unit, the field below) x unit */
    int unit;       /* VS_ATTR_CENTRE, _LISTED, _AGE, _CNI or an attribute */

    /* cut */
    int amount, deficit_share; /* exactly one given (per_unit: amount) */
    vs_cut_method method;
    int alpha;          /* param, VS_NONE = 1 */
    int max_cut_share;  /* param, VS_NONE = no limit */

    /* limit */
    int relative_to;    /* variant index */
    int max_loss, max_gain; /* params, VS_NONE = unbounded */
} vs_rule;

typedef struct vs_variant {
    char *id, *name;
    int extends; /* variant index or VS_NONE */
    vs_rule *rules;
    size_t n_rules;
    int line;
} vs_variant;

/* A plan: years from one variant's allocation towards another's shares
 * (`plan = { ... }`, docs/methods.md "Years").  Its growth values are
 * params (drawn once per iteration like any other) with paths
 * "plan.growth" (one value, every year) or "plan.growth.T" (a list, one
 * per year T = 1..years, each its own stream). */
typedef struct vs_plan {
    long first_year;   /* the calendar year of t = 1 */
    long years;        /* >= 1 */
    int from, target;  /* variant indices */
    int growth;        /* param, or VS_NONE (no growth, or a list) */
    int *growth_list;  /* `years` params, or NULL */
    double min_growth; /* default 0: no cash cuts */
    double max_growth; /* INFINITY: no cap (the default) */
    double tolerance;  /* default 0.01 */
    int line;
} vs_plan;

/* The need the metrics compare money with: n_i = base_i x ((1 - s) + s x
 * cni_i), base VS_ATTR_LISTED (default), VS_ATTR_AGE or an attribute, s
 * the param cni_share (VS_NONE: 1).  The default is listed x CNI. */
typedef struct vs_need {
    int base;
    int cni_share;
} vs_need;

typedef struct vs_scenario {
    char *file;          /* path as given to the loader */
    char *name;
    uint64_t seed;       /* default 1 */
    long iterations;     /* default 10000 */
    int baseline;        /* variant index (default: the first variant) */
    char lang[3];        /* "sv" or "en" (default "en") */
    char *centre_term;   /* what the region calls a centre; NULL: the
                            language's default (vs_scenario_centre_term) */
    char *centre_term_plural; /* NULL: see vs_scenario_centre_term */
    double high_need_cni;/* default 1.1 */
    vs_need need;

    char *region_name;
    int deficit;         /* param or VS_NONE */
    size_t n_age_bands;
    char **age_bands;
    int *age_weights;    /* params, n_age_bands */

    size_t n_centres;
    vs_centre *centres;
    size_t n_attrs;
    char **attr_names;

    size_t n_noise;
    vs_noise *noise;

    size_t n_params;
    vs_param *params;

    size_t n_variants;
    vs_variant *variants;
    vs_plan *plan; /* NULL without a plan group */

    size_t *order; /* evaluation order: each variant after those it extends
                      or limits against */
} vs_scenario;

/* Free everything a scenario owns.  Accepts NULL. */
void vs_scenario_free(vs_scenario *sc);

/* Rule type names ("capitation", ...) and the reverse (-1 if unknown). */
const char *vs_rule_type_name(vs_rule_type t);
int vs_rule_type_from_name(const char *name);

/* Names of splits and cut methods, and the reverse (-1 if unknown). */
const char *vs_split_name(vs_split s);
int vs_split_from_name(const char *name);
const char *vs_cut_method_name(vs_cut_method m);
int vs_cut_method_from_name(const char *name);

/* Index of a centre / variant / param by id or path, or -1. */
int vs_scenario_find_centre(const vs_scenario *sc, const char *id);
int vs_scenario_find_variant(const vs_scenario *sc, const char *id);

/* What the scenario calls a centre in its titles and report, singular
 * (plural = 0) or plural: scenario.centre_term / centre_term_plural, by
 * default "hälsocentral" / "hälsocentraler" (lang "sv") or "health
 * centre" / "health centres" (lang "en").  A centre_term without a
 * plural gets the term + "er" (Swedish) or + "s" (English).  The
 * returned text lives as long as sc (the derived plural is stored in the
 * scenario by the loader).  Never NULL. */
const char *vs_scenario_centre_term(const vs_scenario *sc, int plural);
int vs_scenario_find_param(const vs_scenario *sc, const char *path);

/* The name of a value reference in a file: "listed", "cni", "age",
 * "centre", "auto" or the attribute's name. */
const char *vs_scenario_value_name(const vs_scenario *sc, int ref);

/* A rule with every param set to VS_NONE and defaults applied. */
void vs_rule_init(vs_rule *r, vs_rule_type t);

#endif
