/* cut.c: take an amount away from the variant's allocation.
 *
 * C = amount, or deficit_share x the region's deficit (rounded once).  It
 * is spread by weight: proportional to the allocation, per_capita by
 * listed, or need_protected by allocation / cni^alpha (alpha default 1),
 * all taken at the moment the cut applies.  No centre gives more than it
 * has, nor more than max_cut_share of it; what the others cannot absorb
 * either (water-filling) is not taken, and shows as negative unallocated,
 * because the cut is booked in full. */
#include "common.h"

#include <assert.h>
#include <math.h>

int vs_rule_cut(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                vs_books *books, vs_err *err)
{
    const vs_draw *in = ctx->in;
    vs_ws *ws = ctx->ws;
    size_t n = ctx->sc->n_centres;

    vs_ore C;
    int st;
    if (r->amount != VS_NONE) {
        st = vs_rule_money(ctx, r, r->amount, &C, err);
    } else if (r->deficit_share != VS_NONE) {
        double share;
        if (ctx->sc->deficit == VS_NONE)
            return vs_rule_fail(ctx, r, err, "deficit_share needs region.deficit");
        st = vs_rule_number(ctx, r, r->deficit_share, 0, 0, INFINITY, &share, err);
        if (st == VS_OK)
            st = vs_rule_money_of(ctx, r, share * in->vals[ctx->sc->deficit],
                                  "deficit_share x region.deficit", &C, err);
    } else {
        st = vs_rule_fail(ctx, r, err, "needs amount or deficit_share");
    }
    if (st != VS_OK)
        return st;

    double alpha, mcs;
    if ((st = vs_rule_number(ctx, r, r->alpha, 1.0, -INFINITY, INFINITY, &alpha, err)) != VS_OK ||
        (st = vs_rule_number(ctx, r, r->max_cut_share, 1.0, 0.0, INFINITY, &mcs, err)) != VS_OK ||
        (st = vs_rule_book(ctx, r, &books->cuts, C, err)) != VS_OK)
        return st;

    /* Only from the eligible centres: the others are protected. */
    int ok = 1, filtered = vs_rule_filtered(r);
    size_t k = filtered ? vs_rule_eligible(ctx, r, ws->flag) : n;
    for (size_t i = 0; i < n; i++) {
        double a = (double)alloc[i];
        switch (r->method) {
        case VS_CUT_PER_CAPITA: ws->w[i] = in->listed[i]; break;
        case VS_CUT_NEED_PROTECTED:
            /* alpha 1 is the common case: skip pow in the hot loop */
            ws->w[i] = alpha == 1.0 ? a / in->cni[i] : a / pow(in->cni[i], alpha);
            break;
        case VS_CUT_PROPORTIONAL:
        default: ws->w[i] = a; break;
        }
        /* Upper bound: what the centre has, and at most max_cut_share of
         * it (computed in double, rounded down to öre by the fill). */
        ws->hi[i] = mcs < 1.0 ? mcs * a : a;
        if (filtered && !ws->flag[i])
            ws->w[i] = ws->hi[i] = 0;
        ok &= vs_rule_weight_ok(ws->w[i]);
    }
    if (!ok)
        return vs_rule_check_weights(ctx, r, ws->w, err);
    vs_ore taken = vs_money_waterfill(C, ws->w, NULL, ws->hi, n, ws->part,
                                      ws->x, ws->rem, ws->idx, ws->clamped);
    /* Past 2^53 öre (a few maximal amounts in one centre) doubles no
     * longer hold every öre: a bound, and the water-filling's quotas, may
     * round up by a few öre.  What a centre does not have is not taken
     * (and reported), so nobody goes below zero and the books stay exact. */
    for (size_t i = 0; i < n; i++) {
        if (ws->part[i] > alloc[i]) {
            taken -= ws->part[i] - alloc[i];
            ws->part[i] = alloc[i];
        }
        alloc[i] -= ws->part[i];
        assert(alloc[i] >= 0);
    }
    if (k == 0)
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, C);
    else if (taken != C) /* every centre at max_cut_share or at zero */
        vs_rule_shortfall(ctx, VS_SHORT_CUT, C - taken);
    return VS_OK;
}
