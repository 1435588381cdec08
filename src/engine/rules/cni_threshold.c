/* cni_threshold.c: a pot for the centres with CNI strictly above a
 * threshold (and eligible by the rule's where / except).
 *
 * Weights by split: equal 1, listed, listed_cni (listed x cni) or
 * listed_excess (listed x (cni - threshold)).  A centre takes part when it
 * is above the threshold and its weight is positive (a centre with nobody
 * listed has no share of a per-person split, and no floor either).
 *
 * Optional cap and floor are SEK per centre on this rule's part, solved by
 * water-filling.  When the floors alone exceed the pot they are scaled
 * down in proportion to fit it (the pot apportioned with the floors as
 * weights).  A cap below the floor lowers the floor to the cap.  Nobody
 * taking part, or every centre capped, leaves money unallocated; the whole
 * pot is booked either way. */
#include "common.h"

#include <math.h>
#include <string.h>

#include "engine/vecmath.h"

/* The weights of an unfiltered rule four centres at a time: the loop's
 * expression of the split in every lane, kept where cni > thr and 0
 * elsewhere (a select, not a branch: which centres pass the threshold
 * moves with the CNI noise, a poor guess for the predictor); *k_io counts
 * the positive ones and *ok is vs_rule_weight_ok over them.  Returns how
 * many centres it did, from 0, for the loop to go on from. */
VS_SIMD_CLONES
static size_t threshold_weights4(const double *listed, const double *cni,
                                 double thr, vs_split split, size_t n,
                                 double *w, size_t *k_io, int *ok)
{
    const vs_v4d zero = {0, 0, 0, 0}, one = {1, 1, 1, 1};
    const vs_v4d wmax = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    const vs_v4d t4 = {thr, thr, thr, thr};
    vs_v4i good = {-1, -1, -1, -1}, k4 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4d c, p, wv;
        memcpy(&c, cni + i, sizeof c);
        memcpy(&p, listed + i, sizeof p);
        switch (split) {
        case VS_SPLIT_EQUAL: wv = one; break;
        case VS_SPLIT_LISTED_CNI: wv = p * c; break;
        case VS_SPLIT_LISTED_EXCESS: wv = p * (c - t4); break;
        case VS_SPLIT_LISTED:
        default: wv = p; break;
        }
        wv = (vs_v4d)((vs_v4i)(c > t4) & (vs_v4i)wv);
        good &= (vs_v4i)(wv >= zero) & (vs_v4i)(wv <= wmax);
        k4 -= (vs_v4i)(wv > zero); /* true is -1 */
        memcpy(w + i, &wv, sizeof wv);
    }
    *ok &= (good[0] & good[1] & good[2] & good[3]) != 0;
    *k_io += (size_t)(k4[0] + k4[1] + k4[2] + k4[3]);
    return i;
}

/* The rule's shortfall: nobody taking part (k == 0), or part of the pot
 * not placed (every centre taking part is capped). */
static void report(const vs_rule_ctx *ctx, vs_ore pot, vs_ore placed, size_t k)
{
    if (k == 0)
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, pot);
    else if (placed != pot)
        vs_rule_shortfall(ctx, VS_SHORT_POT, pot - placed);
}

int vs_rule_cni_threshold(const vs_rule_ctx *ctx, const vs_rule *r,
                          vs_ore *alloc, vs_books *books, vs_err *err)
{
    const vs_scenario *sc = ctx->sc;
    const vs_draw *in = ctx->in;
    vs_ws *ws = ctx->ws;
    size_t n = sc->n_centres;
    int st;

    vs_ore pot, cap = -1, floor_ = -1; /* -1: not given */
    double thr;
    if (r->threshold == VS_NONE)
        return vs_rule_fail(ctx, r, err, "needs a threshold");
    if ((st = vs_rule_money(ctx, r, r->pot, &pot, err)) != VS_OK ||
        (st = vs_rule_number(ctx, r, r->threshold, 0.0, -INFINITY, INFINITY,
                             &thr, err)) != VS_OK ||
        (r->cap != VS_NONE &&
         (st = vs_rule_money(ctx, r, r->cap, &cap, err)) != VS_OK) ||
        (r->floor != VS_NONE &&
         (st = vs_rule_money(ctx, r, r->floor, &floor_, err)) != VS_OK))
        return st;
    if (cap >= 0 && floor_ > cap) /* drawn apart: the cap wins */
        floor_ = cap;

    size_t k = 0; /* centres taking part */
    int ok = 1, filtered = vs_rule_filtered(r);
    size_t i0 = 0;
    if (filtered)
        vs_rule_eligible(ctx, r, ws->flag);
    else
        i0 = threshold_weights4(in->listed, in->cni, thr, r->split, n, ws->w, &k, &ok);
    for (size_t i = i0; i < n; i++) {
        double c = in->cni[i], w = 0;
        if (c > thr && (!filtered || ws->flag[i])) {
            switch (r->split) {
            case VS_SPLIT_EQUAL: w = 1; break;
            case VS_SPLIT_LISTED_CNI: w = in->listed[i] * c; break;
            case VS_SPLIT_LISTED_EXCESS: w = in->listed[i] * (c - thr); break;
            case VS_SPLIT_LISTED:
            default: w = in->listed[i]; break;
            }
        }
        ws->w[i] = w;
        ok &= vs_rule_weight_ok(w);
        k += w > 0;
    }
    if (!ok)
        return vs_rule_check_weights(ctx, r, ws->w, err);
    if ((st = vs_rule_book(ctx, r, &books->pots, pot, err)) != VS_OK)
        return st;

    vs_ore fsum, placed;
    if (floor_ > 0 && (__builtin_mul_overflow(floor_, (vs_ore)k, &fsum) || fsum > pot)) {
        /* The floors alone exceed the pot: every centre taking part gets
         * its floor scaled down to fit, which with one floor for all is
         * an equal split of the pot. */
        for (size_t i = 0; i < n; i++)
            ws->w[i] = ws->w[i] > 0 ? (double)floor_ : 0.0;
        placed = vs_money_apportion(pot, ws->w, n, ws->part, ws->rem, ws->idx);
    } else if (cap >= 0 && floor_ <= 0 && k < n) {
        /* A cap and no floor, some centres not taking part: the
         * water-filling of the k centres with weight alone, packed in
         * index order.  In the call below over all n, a centre of weight
         * 0 has bounds [0, 0]: it sits at 0, fixed from the start, adds
         * nothing to what is fixed, and no sum, list or ranking of the
         * free ones (all in index order, ties to the lower index) sees
         * it; so the packed call does the same operations on the same
         * values in the same order, and its parts are theirs.  It reads
         * a third of the items, in vector lanes where all are free. */
        double top = (double)cap;
        size_t c = 0;
        for (size_t i = 0; i < n; i++) {
            ws->pack_w[c] = ws->w[i];
            ws->pack_hi[c] = top;
            ws->pack_idx[c] = i;
            c += ws->w[i] > 0;
        }
        placed = vs_money_waterfill(pot, ws->pack_w, NULL, ws->pack_hi, c,
                                    ws->pack_part, ws->x, ws->rem, ws->idx,
                                    ws->clamped);
        report(ctx, pot, placed, k);
        return vs_rule_add_packed(ctx, r, alloc, ws->pack_part, ws->pack_idx,
                                  c, err);
    } else if (cap >= 0 || floor_ > 0) {
        /* Bounds only for the centres taking part; the rest have weight 0
         * and bounds [0, 0], so they stay at 0.  Without a floor the lower
         * bounds are all 0, which the water-filling implies anyway (no
         * centre with weight goes below 0, and one without sits at
         * min(hi, 0) = 0): it then gets none, and takes its faster path. */
        double top = cap >= 0 ? (double)cap : INFINITY;
        for (size_t i = 0; i < n; i++)
            ws->hi[i] = ws->w[i] > 0 ? top : 0.0;
        for (size_t i = 0; floor_ > 0 && i < n; i++)
            ws->lo[i] = ws->w[i] > 0 ? (double)floor_ : 0.0;
        placed = vs_money_waterfill(pot, ws->w, floor_ > 0 ? ws->lo : NULL, ws->hi, n,
                           ws->part, ws->x, ws->rem, ws->idx, ws->clamped);
    } else {
        placed = vs_money_apportion(pot, ws->w, n, ws->part, ws->rem, ws->idx);
    }
    report(ctx, pot, placed, k);
    return vs_rule_add(ctx, r, alloc, ws->part, err);
}
