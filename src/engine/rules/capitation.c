/* capitation.c: a pot split by listed population weighted by need.
 *
 * Weight of centre i: base_i x ((1 - s) + s x cni_i), s = cni_share
 * (default 0).  base "auto" (the default) is the age-weighted listed
 * sum_b listed_by_age[b] x age_weight[b] when the scenario has age data,
 * else listed; "listed", "age" or an attribute choose.  The pot is given,
 * or per_capita x the drawn listed of the eligible centres (every centre
 * without a filter; rounded to öre once).  Centres that are not eligible
 * or have no base get nothing; if none has any the pot stays
 * unallocated. */
#include "common.h"

#include <math.h>
#include <string.h>

#include "engine/vecmath.h"

/* The weights of a capitation by listed without a filter, four centres
 * at a time: w = listed x ((1 - s) + s x cni), the loop's expression lane
 * by lane; their sum W in index order (a chain, as in the loop) and *ok as
 * vs_rule_weight_ok over them.  Returns how many it did. */
VS_SIMD_CLONES
static size_t listed_weights4(const double *listed, const double *cni, double s,
                              size_t n, double *w, double *W_io, int *ok)
{
    const vs_v4d one = {1, 1, 1, 1}, s4 = {s, s, s, s};
    const vs_v4d zero = {0, 0, 0, 0}, wmax = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
    vs_v4i good = {-1, -1, -1, -1};
    double W = *W_io;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vs_v4d p, c;
        memcpy(&p, listed + i, sizeof p);
        memcpy(&c, cni + i, sizeof c);
        vs_v4d wv = p * ((one - s4) + s4 * c);
        good &= (vs_v4i)(wv >= zero) & (vs_v4i)(wv <= wmax);
        memcpy(w + i, &wv, sizeof wv);
        W += wv[0];
        W += wv[1];
        W += wv[2];
        W += wv[3];
    }
    *ok &= (good[0] & good[1] & good[2] & good[3]) != 0;
    *W_io = W;
    return i;
}

int vs_rule_capitation(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                       vs_books *books, vs_err *err)
{
    const vs_scenario *sc = ctx->sc;
    const vs_draw *in = ctx->in;
    vs_ws *ws = ctx->ws;
    size_t n = sc->n_centres, nb = sc->n_age_bands;
    int filtered = vs_rule_filtered(r);
    size_t k = filtered ? vs_rule_eligible(ctx, r, ws->flag) : n;
    double listed = in->total_listed;
    if (filtered) {
        listed = 0;
        for (size_t i = 0; i < n; i++)
            listed += ws->flag[i] ? in->listed[i] : 0.0;
    }

    vs_ore pot;
    int st;
    if (r->pot != VS_NONE)
        st = vs_rule_money(ctx, r, r->pot, &pot, err);
    else if (r->per_capita != VS_NONE) {
        double pc;
        st = vs_rule_number(ctx, r, r->per_capita, 0.0, 0.0, INFINITY, &pc, err);
        if (st == VS_OK)
            st = vs_rule_money_of(ctx, r, pc * listed,
                                  "per_capita x total listed", &pot, err);
    } else
        st = vs_rule_fail(ctx, r, err, "needs pot or per_capita");
    if (st != VS_OK)
        return st;
    double s;
    if ((st = vs_rule_number(ctx, r, r->cni_share, 0.0, 0.0, 1.0, &s, err)) != VS_OK)
        return st;

    for (size_t b = 0; b < nb; b++) {
        double aw = in->vals[sc->age_weights[b]];
        if (!(aw >= 0) || !isfinite(aw))
            return vs_rule_fail(ctx, r, err, "age weight %s is %g; it must be finite and >= 0",
                                sc->age_bands[b], aw);
    }
    int ok = 1;
    double W = 0; /* in index order, for vs_money_apportion_summed */
    int base = r->base == VS_ATTR_AUTO ? (nb > 0 ? VS_ATTR_AGE : VS_ATTR_LISTED)
                                       : r->base;
    size_t i0 = 0;
    if (!filtered && base == VS_ATTR_LISTED)
        i0 = listed_weights4(in->listed, in->cni, s, n, ws->w, &W, &ok);
    for (size_t i = i0; i < n; i++) {
        double people = base == VS_ATTR_LISTED ? in->listed[i]
                        : base == VS_ATTR_AGE  ? vs_draw_age(sc, in, i)
                                               : vs_draw_value(sc, in, i, base);
        if (filtered && !ws->flag[i])
            people = 0;
        ws->w[i] = people * ((1.0 - s) + s * in->cni[i]);
        ok &= vs_rule_weight_ok(ws->w[i]);
        W += ws->w[i];
    }
    if (!ok)
        return vs_rule_check_weights(ctx, r, ws->w, err);
    vs_ore placed = vs_money_apportion_summed(pot, ws->w, W, n, ws->part,
                                              ws->rem, ws->idx);
    if (k == 0)
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, pot);
    else if (placed != pot) /* nobody listed: the pot has nowhere to go */
        vs_rule_shortfall(ctx, VS_SHORT_POT, pot - placed);
    if ((st = vs_rule_book(ctx, r, &books->pots, pot, err)) != VS_OK)
        return st;
    return vs_rule_add(ctx, r, alloc, ws->part, err);
}
