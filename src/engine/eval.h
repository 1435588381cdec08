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
    /* A rule's items with weight, packed in index order (cni_threshold):
     * their weights, upper bounds, parts, and centre numbers. */
    double *pack_w, *pack_hi;
    vs_ore *pack_part;
    size_t *pack_idx;
    /* The last ranking targeted made (see there): its scores, how many it
     * ranked and took, and the order it left; rank_m == SIZE_MAX: none. */
    double *rank_score;
    size_t *rank_idx, rank_m, rank_k;
    /* The last split targeted apportioned (see there): its weights, pot,
     * parts and the amount placed; split_ok == 0: none. */
    double *split_w;
    vs_ore *split_part, split_pot, split_placed;
    int split_ok;
    /* The whole result of the last targeted evaluation whose split came
     * from its scores (see there): the pot, the centres asked for, the
     * split, and the shortfall it reported; the ranking and the parts are
     * those cached above.  tgt_ok == 0: none. */
    vs_ore tgt_pot, tgt_sf_amount;
    size_t tgt_asked;
    long tgt_sf_eligible;
    unsigned tgt_sf_kinds;
    int tgt_split, tgt_ok;
} vs_ws;

vs_ws *vs_ws_alloc(size_t n);
void vs_ws_free(vs_ws *ws);

/* Why a rule could not do what it says (bits of vs_shortfall.kinds).  A
 * rule reports each problem it meets in an evaluation; several may hold
 * at once.  New rules and filters report through vs_rule_shortfall. */
enum {
    VS_SHORT_NOBODY = 1u << 0, /* no centre is eligible: the money has
                                  nowhere to go (or nobody to take from) */
    VS_SHORT_POT = 1u << 1,    /* part of the pot is not placed (every
                                  eligible centre capped or of weight 0) */
    VS_SHORT_CUT = 1u << 2,    /* part of the cut is not taken (every
                                  centre at max_cut_share or at zero) */
    VS_SHORT_LIMIT = 1u << 3,  /* a limit cannot restore the variant's
                                  total: its bounds bind at every centre */
    VS_SHORT_TOP = 1u << 4,    /* targeted's top asks for more centres
                                  than are eligible */
    VS_SHORT_TIE = 1u << 5,    /* a tie at targeted's cut-off: file order
                                  decided who is funded */
    VS_SHORT_KINDS = 6         /* number of bits above */
};

/* One rule's shortfall in one evaluation: zero when it did what it says.
 * `amount` is the money concerned, in öre, never negative: what was not
 * placed or not taken (for a limit, the gap to the total in either
 * direction); for VS_SHORT_TOP the pot shared among fewer centres than
 * asked, for VS_SHORT_TIE the money that file order gave.  With several
 * kinds it is the largest amount reported (they describe the same money). */
typedef struct vs_shortfall {
    vs_ore amount;
    unsigned kinds;   /* VS_SHORT_* bits; 0: no shortfall */
    long eligible;    /* eligible centres, when VS_SHORT_TOP is set */
} vs_shortfall;

/* One iteration's result. */
typedef struct vs_outcome {
    size_t n_variants, n_centres;
    vs_ore *alloc;   /* n_variants * n_centres, row per variant (file order) */
    vs_ore *pots;    /* per variant: sum of pots, inherited ones included */
    vs_ore *cuts;    /* per variant: sum of cuts asked for */
    vs_ore *total;   /* per variant: sum of allocations */
    vs_ore *unalloc; /* per variant: pots - cuts - total */
    size_t n_rules;  /* every variant's own rules, in file order */
    size_t *rule_base;        /* per variant: index of its first rule */
    vs_shortfall *shortfalls; /* n_rules: each rule's shortfall */
    vs_ore *steps;   /* NULL, or n_rules * n_centres: what each rule added
                        to each centre (after minus before; see
                        vs_outcome_keep_steps) */
} vs_outcome;

vs_outcome *vs_outcome_alloc(const vs_scenario *sc);
void vs_outcome_free(vs_outcome *o);

/* Make later evaluations into `o` record every rule's change per centre
 * in o->steps (row rule_base[v] + k, for rule k of variant v): the
 * explain table of the point estimate.  Returns VS_OK or VS_ENOMEM. */
int vs_outcome_keep_steps(vs_outcome *o);

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
    vs_shortfall *sf;      /* the rule's shortfall record, zeroed before
                              the rule runs (report with
                              vs_rule_shortfall) */
} vs_rule_ctx;

/* Report that the rule being evaluated met problem `kind` (a VS_SHORT_*
 * bit) concerning `amount` öre (>= 0; 0 when no money is lost, e.g. a
 * rule without a pot that finds nobody eligible). */
static inline void vs_rule_shortfall(const vs_rule_ctx *ctx, unsigned kind,
                                     vs_ore amount)
{
    ctx->sf->kinds |= kind;
    if (amount > ctx->sf->amount)
        ctx->sf->amount = amount;
}

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
int vs_rule_per_unit(const vs_rule_ctx *, const vs_rule *, vs_ore *, vs_books *, vs_err *);

#endif
