/* schema.h: every key of a scenario file, once (private to the library).
 *
 * A key is a name, a kind, flags, a range and, for numbers that live in
 * the model, the offset of the int (a param index) or long that holds
 * them.  The loader (load.c) reads each group through its table: unknown
 * keys, wrong kinds, missing required keys and ranges are all checked
 * here.  --set (override.c) finds what it may change and where it lives
 * through the same tables, and checks a new value with the same
 * functions, so the two can never disagree.
 *
 * Adding a numeric key to a rule: a line in its table below (with the
 * field of vs_rule that holds it), the field itself, and the rule's use
 * of it.  The loader reads it, --set offers it and vs_rule_init defaults
 * it to VS_NONE without further code. */
#ifndef VARDSIM_SCHEMA_H
#define VARDSIM_SCHEMA_H

#include <stddef.h>

#include "vardsim/dist.h"
#include "vardsim/scenario.h"

typedef enum vs_key_kind {
    VS_K_STR,    /* string */
    VS_K_INT,    /* int or int64 */
    VS_K_NUM,    /* int, int64 or float */
    VS_K_PARAM,  /* a number or a distribution group */
    VS_K_BOOL,   /* true / false */
    VS_K_STRS,   /* list or array of strings */
    VS_K_NUMS,   /* list or array of numbers */
    VS_K_PARAMS, /* list or array of numbers or distribution groups */
    VS_K_GROUP,  /* { ... } */
    VS_K_GROUPS, /* ( { ... }, ... ) */
    VS_K_PARAM_OR_LIST /* a number, a distribution group, or a list of
                          them (plan.growth) */
} vs_key_kind;

/* targeted.score multiplies at most this many values (each bounded by
 * its key), so the product stays far inside a double. */
#define VS_SCORE_MAX 8

#define VS_KEY_REQ 1u     /* required */
#define VS_KEY_MONEY 2u   /* SEK: magnitude at most VS_MONEY_MAX_SEK */
#define VS_KEY_WHOLE 4u   /* a whole number (persons) */
#define VS_KEY_ADDABLE 8u /* --set may add it when the file leaves it out:
                             its absence means a default or no bound */

/* Allowed values: lo..hi, each end open or closed. */
typedef struct vs_range {
    double lo, hi;
    unsigned char lo_open, hi_open;
} vs_range;

typedef struct vs_key {
    const char *name;
    vs_key_kind kind;
    unsigned flags;
    vs_range r; /* numbers; for lists, each element */
    int slot;   /* distribution tables: p[0..2], 3 = lo, 4 = hi; -1 none */
    /* Where the value lives: the byte offset of its int (VS_K_PARAM: a
     * param index) or long (VS_K_INT) in the struct the table describes
     * (vs_rule, vs_tier, vs_scenario, vs_need, vs_bound), or -1. */
    int field; /* (plan: the field of vs_plan, a double for VS_K_NUM) */
    /* VS_KEY_ADDABLE keys that make sense only for some rules (alpha:
     * need_protected cuts); NULL when always. */
    int (*applies)(const vs_rule *r);
    /* Bound in magnitude for numbers (see docs/scenario-format.md,
     * "Bounds"); 0 for keys that are not numbers. */
    double limit;
} vs_key;

/* Tables that are not a rule's (a rule's table is its vs_rule_type). */
enum {
    VS_SCHEMA_REGION = -1,          /* region = { ... } */
    VS_SCHEMA_TIER = -2,            /* one of a tiered rule's tiers */
    VS_SCHEMA_NOISE_LOGNORMAL = -3, /* uncertainty.X = { dist = "lognormal" } */
    VS_SCHEMA_NOISE_NORMAL = -4,    /* uncertainty.X = { dist = "normal" } */
    VS_SCHEMA_TOP = -5,             /* the file's top level */
    VS_SCHEMA_SCENARIO = -6,        /* scenario = { ... } */
    VS_SCHEMA_CENTRE = -7,          /* one centre */
    VS_SCHEMA_VARIANT = -8,         /* one variant */
    VS_SCHEMA_NEED = -9,            /* scenario.need = { ... } (vs_need) */
    VS_SCHEMA_BOUND = -10,          /* where = { KEY = { min = ...; } }
                                       (vs_cond) */
    VS_SCHEMA_ATTR = -11,           /* one centre attribute (attrs.X) */
    VS_SCHEMA_NOISE_RELATIVE = -12, /* uncertainty.X = { dist = "normal";
                                       relative = true; } */
    VS_SCHEMA_PLAN = -13            /* plan = { ... } */
};

/* The key table `table` (a vs_rule_type or a VS_SCHEMA_ value), ended by
 * a key with a NULL name; NULL for an unknown table. */
const vs_key *vs_schema_table(int table);

/* The keys of a distribution group of kind k (NULL for fixed). */
const vs_key *vs_schema_dist_table(vs_dist_kind k);

/* Key `name` of `table`, or NULL. */
const vs_key *vs_schema_find(int table, const char *name);

/* Position of `name` in `keys`, or -1. */
int vs_schema_index(const vs_key *keys, const char *name);

/* The int a VS_K_PARAM key with a field lives in, inside `base` (the
 * struct its table describes). */
int *vs_schema_param(void *base, const vs_key *k);

/* The long a VS_K_INT key with a field lives in. */
long *vs_schema_long(void *base, const vs_key *k);

/* How a key's kind is written in messages ("a number", ...). */
const char *vs_schema_kind_text(vs_key_kind k);

/* ">= 0", "> 0", "between 0 and 1", "> 0 and <= 1" */
void vs_schema_range_text(const vs_range *r, char *buf, size_t n);

/* Check the fixed value v of key k (named `name` in the message): 1 when
 * allowed, else 0 with the message in msg. */
int vs_schema_check_value(const vs_key *k, const char *name, double v,
                          char *msg, size_t n);

/* Check a valid distribution against key k's range (every value it can
 * draw must be allowed) and truncate an unbounded normal to that range:
 * 1 when allowed, else 0 with the message in msg. */
int vs_schema_check_dist(const vs_key *k, const char *name, vs_dist *d,
                         char *msg, size_t n);

/* Check a value from outside the file (--set, a sweep): fixed or a
 * distribution, exactly as the loader checks one in a file.  Returns
 * VS_OK, or VS_EINPUT with the message in msg. */
int vs_schema_check(const vs_key *k, const char *name, vs_dist *d, char *msg,
                    size_t n);

/* The languages a scenario may ask for (scenario.lang): 1 for "sv" or
 * "en", else 0.  The loader and --set scenario.lang both ask here. */
int vs_schema_lang_ok(const char *lang);

#endif
