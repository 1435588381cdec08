/* engine/money.h: the engine's side of money.h: overflow-checked
 * addition and the apportionments every rule places money with.  Not
 * installed: the public half (vs_ore, conversion, formatting) is
 * include/vardsim/money.h. */
#ifndef VARDSIM_ENGINE_MONEY_H
#define VARDSIM_ENGINE_MONEY_H

#include <stddef.h>

#include "vardsim/error.h"
#include "vardsim/money.h"

/* Overflow-checked a + b.  Returns VS_OK or VS_ERUN (out untouched).
 * Inline: rules and the books add once per centre in every iteration. */
static inline int vs_money_add(vs_ore a, vs_ore b, vs_ore *out)
{
    vs_ore s;
    if (__builtin_add_overflow(a, b, &s))
        return VS_ERUN;
    *out = s;
    return VS_OK;
}

/* Largest remainder apportionment.
 *
 * Writes out[i] (overwriting) so that sum(out) == amount exactly, with
 * out[i] = floor(q_i) or floor(q_i)+1, q_i = amount * w[i] / W computed in
 * double in that order, W = sum of w.  Leftover öre go one each to the
 * largest remainders, ties to the lower index.  A negative amount is
 * apportioned as its absolute value and negated.  Weights must be >= 0 and
 * finite; weight 0 gets 0.
 *
 * Returns the amount placed: `amount`, or 0 (all out[i] = 0) when W == 0 or
 * n == 0.  `rem` and `idx` are scratch arrays of n elements. */
vs_ore vs_money_apportion(vs_ore amount, const double *w, size_t n,
                          vs_ore *out, double *rem, size_t *idx);

/* vs_money_apportion for a caller that has W already: W must be the sum
 * of w[0..n) added in index order (a rule adds it up as it computes the
 * weights), which saves a pass; the result is the same. */
vs_ore vs_money_apportion_summed(vs_ore amount, const double *w, double W,
                                 size_t n, vs_ore *out, double *rem,
                                 size_t *idx);

/* Water-filling apportionment with per-item bounds (docs/methods.md, "Water-filling").
 *
 * In real numbers each item gets x_i = clamp(t * w_i, lo_i, hi_i) with t
 * chosen so that sum x_i == amount (amount >= 0 here).  Then in öre, once:
 * clamped items get their bound (lo rounded up, hi rounded down) and the
 * free items share what remains by largest remainder on w.  When the
 * bounds cannot hold with the amount (every item clamped), the bounds win
 * and the function places less (or more) than `amount`.
 *
 * `lo` and `hi` are in öre as doubles, may be NULL (no bound on that
 * side) and may hold -INFINITY / INFINITY.  Requires lo_i <= hi_i.
 * Writes out[i]; returns the total placed (== amount when feasible).
 * Scratch: x and rem of n doubles, idx of n size_t, clamped of n bytes. */
vs_ore vs_money_waterfill(vs_ore amount, const double *w, const double *lo,
                          const double *hi, size_t n, vs_ore *out,
                          double *x, double *rem, size_t *idx,
                          unsigned char *clamped);

/* The water level in real numbers, upper bounds only: section 3's first
 * step without its rounding, for callers whose amounts are not yet öre
 * (the plan's yearly step shares real money before it becomes öre).
 *
 * Writes y[i] = min(t w_i, hi_i) with the one t >= 0 at which the y sum to
 * `amount` (>= 0): clamp the items that pass their bound, hand the excess
 * to the rest by their weights, repeat.  hi_i >= 0, INFINITY for none;
 * w_i >= 0 and finite, weight 0 gets 0.  clamped[i] = 1 where y_i is held
 * at hi_i.  Returns the amount placed: `amount`, or less (the sum of the
 * bounds of the items with weight) when every such item is clamped.
 * Scratch: idx of n. */
double vs_money_waterlevel(double amount, const double *w, const double *hi,
                           size_t n, double *y, size_t *idx,
                           unsigned char *clamped);

/* Partial ranking for largest remainders and top-k selections.
 *
 * Rearranges idx[0..m) (item numbers, keys looked up as key[idx[j]]) so
 * that its first k entries are the k items that rank first: larger key
 * first, equal keys to the lower item number.  The first k are in no
 * particular order.  Average O(m) (quickselect; a heap sort takes over if
 * the partitioning goes badly).  Keys must not be NaN.  Allocates nothing. */
void vs_money_rank_top(const double *key, size_t *idx, size_t m, size_t k);

#endif
