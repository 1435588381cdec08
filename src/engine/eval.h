/* eval.h: one iteration's allocations for every variant.
 *
 * vs_eval_run walks the variants in sc->order.  A variant starts from zero,
 * or from the allocation and books of the variant it extends, then applies
 * its rules in order.  Each rule type is one function in src/rules/ named
 * in one table (src/rules/table.c). */
#ifndef VARDSIM_EVAL_H
#define VARDSIM_EVAL_H

#include <stddef.h>

#include "engine/draw.h"
#include "vardsim/error.h"
#include "engine/money.h"
#include "vardsim/scenario.h"

/* Scratch arrays for rules, n_centres long each; allocated once per worker. */
typedef struct vs_ws {
    size_t n;
    double *w, *lo, *hi, *x, *rem, *score;
    size_t *idx, *idx2;
    unsigned char *clamped, *flag;
    vs_ore *part;
} vs_ws;

vs_ws *vs_ws_alloc(size_t n);
void vs_ws_free(vs_ws *ws);

/* One iteration's result. */
typedef struct vs_outcome {
    size_t n_variants, n_centres;
    vs_ore *alloc;   /* n_variants * n_centres, row per variant (file order) */
    vs_ore *pots;    /* per variant: sum of pots, inherited ones included */
    vs_ore *cuts;    /* per variant: sum of cuts asked for */
    vs_ore *total;   /* per variant: sum of allocations */
    vs_ore *unalloc; /* per variant: pots - cuts - total */
} vs_outcome;

vs_outcome *vs_outcome_alloc(const vs_scenario *sc);
void vs_outcome_free(vs_outcome *o);

/* The books a rule keeps for its variant. */
typedef struct vs_books {
    vs_ore pots; /* money the variant was given to place */
    vs_ore cuts; /* money the variant was asked to give up */
} vs_books;

/* What a rule sees. */
typedef struct vs_rule_ctx {
    const vs_scenario *sc;
    const vs_draw *in;
    const vs_outcome *out; /* allocations of variants already evaluated */
    vs_ws *ws;
    size_t variant;        /* the variant being evaluated, for messages */
} vs_rule_ctx;

/* A rule adds to (or takes from) `alloc` (n_centres) and updates `books`.
 * Returns VS_OK, or VS_ERUN on overflow (with a message naming the rule). */
typedef int (*vs_rule_fn)(const vs_rule_ctx *ctx, const vs_rule *r,
                          vs_ore *alloc, vs_books *books, vs_err *err);

/* The rule function of a type. */
vs_rule_fn vs_rule_fn_of(vs_rule_type t);

/* Evaluate every variant for the inputs `in`.  Returns VS_OK or VS_ERUN. */
int vs_eval_run(const vs_scenario *sc, const vs_draw *in, vs_ws *ws,
                vs_outcome *out, vs_err *err);

/* Rule functions, one per file in src/rules/. */
int vs_rule_capitation(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);
int vs_rule_cni_threshold(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);
int vs_rule_tiered(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);
int vs_rule_grant(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);
int vs_rule_targeted(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);
int vs_rule_cut(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);
int vs_rule_limit(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);

#endif
