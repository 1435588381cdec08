/* common.h: helpers shared by the rule functions (private to src/rules/).
 *
 * Every rule reads its numbers from the iteration's draw (SEK or plain
 * numbers), turns money into öre once, keeps overflow-checked books and
 * reports a problem as "variant V, rule R: ..." at the rule's line. */
#ifndef VARDSIM_RULES_COMMON_H
#define VARDSIM_RULES_COMMON_H

#include <float.h>

#include "engine/eval.h"

/* Record a run error for rule r of the variant being evaluated, at the
 * rule's line in the scenario file.  Returns VS_ERUN. */
int vs_rule_fail(const vs_rule_ctx *ctx, const vs_rule *r, vs_err *err,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The iteration's value of a money param (SEK) in öre.  A negative or
 * non-finite value, or one beyond VS_MONEY_MAX_SEK, is an error. */
int vs_rule_money(const vs_rule_ctx *ctx, const vs_rule *r, int param,
                  vs_ore *out, vs_err *err);

/* A derived SEK amount (per_capita x listed, ...) in öre, rounded once;
 * `what` names it in the error message. */
int vs_rule_money_of(const vs_rule_ctx *ctx, const vs_rule *r, double sek,
                     const char *what, vs_ore *out, vs_err *err);

/* The iteration's value of a plain number param: `def` when param is
 * VS_NONE; an error when it is not finite or outside [min, max]. */
int vs_rule_number(const vs_rule_ctx *ctx, const vs_rule *r, int param,
                   double def, double min, double max, double *out,
                   vs_err *err);

/* books field += add, overflow-checked. */
int vs_rule_book(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *field,
                 vs_ore add, vs_err *err);

/* alloc[i] += part[i] for every centre, overflow-checked. */
int vs_rule_add(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                const vs_ore *part, vs_err *err);

/* alloc[idx[j]] += part[j] for j < c, idx increasing: vs_rule_add of
 * a part that is 0 at every other centre (adding 0 changes nothing and
 * cannot overflow), overflow-checked in the same centre order. */
int vs_rule_add_packed(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                       const vs_ore *part, const size_t *idx, size_t c,
                       vs_err *err);

/* Whether one weight is usable (finite, >= 0; NaN is not).  Rules test
 * each weight as they compute it, and call vs_rule_check_weights for the
 * message only when one fails: a separate pass cost more than the test. */
static inline int vs_rule_weight_ok(double w)
{
    return (w >= 0) & (w <= DBL_MAX);
}

/* Whether rule r has an eligibility filter (where, except). */
static inline int vs_rule_filtered(const vs_rule *r)
{
    return r->n_where > 0 || r->n_except > 0;
}

/* Mark in ok[0..n_centres) the centres rule r sees in this iteration:
 * every condition of its `where` holds on the drawn values and the centre
 * is not in `except` (every centre when the rule has no filter).  Returns
 * how many.  A rule sees only these, as if the others were not there. */
size_t vs_rule_eligible(const vs_rule_ctx *ctx, const vs_rule *r,
                        unsigned char *ok);

/* Check that w[0..n) are usable weights (finite, >= 0); an error naming
 * the first centre that is not. */
int vs_rule_check_weights(const vs_rule_ctx *ctx, const vs_rule *r,
                          const double *w, vs_err *err);

#endif
