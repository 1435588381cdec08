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
#include <string.h>

#include "engine/vecmath.h"

/* The weights and bounds of the usual cut (no filter; proportional, or
 * need_protected with alpha 1) four centres at a time, as long as every
 * amount of the block is in [0, VS_V4_I2D_MAX) öre; returns how many
 * centres it did, from 0, for the loop in vs_rule_cut to go on from.
 * The same expressions as that loop: a = (double)alloc[i] (exact,
 * vs_v4_i2d), w = a or a / cni, hi = mcs < 1 ? mcs a : a; *ok as
 * vs_rule_weight_ok over the weights. */
VS_SIMD_CLONES
static size_t cut_weights4(const vs_ore *alloc, const double *cni, int by_need,
                           double mcs, size_t n, double *w, double *hi, int *ok)
{
    const vs_v4i izero = {0, 0, 0, 0};
    const vs_v4i top = {VS_V4_I2D_MAX, VS_V4_I2D_MAX, VS_V4_I2D_MAX, VS_V4_I2D_MAX};
    const vs_v4d zero = {0, 0, 0, 0}, wmax = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    const vs_v4d m4 = {mcs, mcs, mcs, mcs};
    vs_v4i good = {-1, -1, -1, -1};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4i a;
        memcpy(&a, alloc + i, sizeof a);
        vs_v4i in = (a >= izero) & (a < top);
        if ((in[0] & in[1] & in[2] & in[3]) == 0)
            break; /* an amount out of the fast range: the loop */
        vs_v4d av, wv, c;
        vs_v4_i2d(&a, &av);
        if (by_need) {
            memcpy(&c, cni + i, sizeof c);
            wv = av / c;
        } else {
            wv = av;
        }
        vs_v4d hv = mcs < 1.0 ? m4 * av : av;
        good &= (vs_v4i)(wv >= zero) & (vs_v4i)(wv <= wmax);
        memcpy(w + i, &wv, sizeof wv);
        memcpy(hi + i, &hv, sizeof hv);
    }
    *ok &= (good[0] & good[1] & good[2] & good[3]) != 0;
    return i;
}

/* alloc[i] -= part[i] four at a time where no part exceeds its
 * allocation (the usual case, checked a block at a time); returns how many
 * it did, from 0, for the loop in vs_rule_cut to go on from. */
VS_SIMD_CLONES
static size_t take_parts4(vs_ore *alloc, const vs_ore *part, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4i a, p;
        memcpy(&a, alloc + i, sizeof a);
        memcpy(&p, part + i, sizeof p);
        vs_v4i over = p > a;
        if ((over[0] | over[1] | over[2] | over[3]) != 0)
            break;
        a -= p;
        memcpy(alloc + i, &a, sizeof a);
    }
    return i;
}

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
    size_t i0 = 0;
    if (!filtered && (r->method == VS_CUT_PROPORTIONAL ||
                      (r->method == VS_CUT_NEED_PROTECTED && alpha == 1.0)))
        i0 = cut_weights4(alloc, in->cni, r->method == VS_CUT_NEED_PROTECTED,
                          mcs, n, ws->w, ws->hi, &ok);
    for (size_t i = i0; i < n; i++) {
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
    for (size_t i = take_parts4(alloc, ws->part, n); i < n; i++) {
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
