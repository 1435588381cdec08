/* limit.c: pace-of-change damping against another variant.
 *
 * b_i = centre i's allocation under variant relative_to in this iteration
 * (evaluated earlier: sc->order puts it first).  Each centre is held to
 * [b_i (1 - max_loss), b_i (1 + max_gain)] (an absent side is unbounded,
 * and nobody goes below zero), and the variant's own total before the
 * limit is restored over the free centres, weighted by their allocation
 * before the limit (water-filling).  When the bounds cannot hold with that
 * total, the bounds win and the difference shows as unallocated. */
#include "common.h"

#include <math.h>

int vs_rule_limit(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                  vs_books *books, vs_err *err)
{
    const vs_scenario *sc = ctx->sc;
    vs_ws *ws = ctx->ws;
    size_t n = sc->n_centres;
    int st;
    (void)books; /* a limit moves money; it neither adds nor cuts any */

    if (r->relative_to < 0 || (size_t)r->relative_to >= sc->n_variants)
        return vs_rule_fail(ctx, r, err, "relative_to names no variant");
    const vs_ore *b = ctx->out->alloc + (size_t)r->relative_to * n;

    double loss, gain;
    if ((st = vs_rule_number(ctx, r, r->max_loss, 0, 0, INFINITY, &loss, err)) != VS_OK ||
        (st = vs_rule_number(ctx, r, r->max_gain, 0, 0, INFINITY, &gain, err)) != VS_OK)
        return st;

    /* Only among the eligible centres: the others keep what they have and
     * the total restored is the eligible centres' own. */
    int filtered = vs_rule_filtered(r);
    size_t k = filtered ? vs_rule_eligible(ctx, r, ws->flag) : n;
    vs_ore T = 0;
    for (size_t i = 0; i < n; i++) {
        if (filtered && !ws->flag[i]) {
            ws->w[i] = ws->lo[i] = ws->hi[i] = 0;
            continue;
        }
        double bi = (double)b[i];
        ws->w[i] = (double)alloc[i];
        ws->lo[i] = r->max_loss != VS_NONE ? bi * (1.0 - loss) : 0.0;
        ws->hi[i] = r->max_gain != VS_NONE ? bi * (1.0 + gain) : INFINITY;
        if (vs_money_add(T, alloc[i], &T) != VS_OK)
            return vs_rule_fail(ctx, r, err, "the variant's total overflows");
    }
    vs_ore placed = vs_money_waterfill(T, ws->w, ws->lo, ws->hi, n, ws->part,
                                       ws->x, ws->rem, ws->idx, ws->clamped);
    if (k == 0)
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, 0);
    else if (placed != T) /* the bounds bind everywhere: they win */
        vs_rule_shortfall(ctx, VS_SHORT_LIMIT, placed < T ? T - placed : placed - T);
    for (size_t i = 0; i < n; i++)
        if (!filtered || ws->flag[i])
            alloc[i] = ws->part[i];
    return VS_OK;
}
