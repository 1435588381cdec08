/* per_unit.c: an amount per unit to each eligible centre.
 *
 * u_i is the centre's unit: 1 ("centre": a fixed amount per centre, a
 * base payment), its listed, its age-weighted listed ("age"), its CNI or
 * an attribute (children, nursing-home places, ACG points; a value drawn
 * below zero counts as 0).  Without a pot each eligible centre gets
 * round_öre(amount x u_i), computed in double from the unrounded amount,
 * and the sum is the rule's pot.  With a pot, amount x u_i (unrounded)
 * are the weights the pot is apportioned by; when they are all 0 the pot
 * stays unallocated. */
#include "common.h"

#include <math.h>

int vs_rule_per_unit(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                     vs_books *books, vs_err *err)
{
    const vs_draw *in = ctx->in;
    vs_ws *ws = ctx->ws;
    size_t n = ctx->sc->n_centres;

    double amount;
    int st = vs_rule_number(ctx, r, r->amount, 0, 0, VS_MONEY_MAX_SEK, &amount, err);
    if (st != VS_OK)
        return st;
    if (r->amount == VS_NONE)
        return vs_rule_fail(ctx, r, err, "needs an amount");
    size_t k = vs_rule_eligible(ctx, r, ws->flag);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        double u = ws->flag[i] ? vs_draw_value(ctx->sc, in, i, r->unit) : 0.0;
        ws->w[i] = amount * (u > 0 ? u : 0.0);
        ok &= vs_rule_weight_ok(ws->w[i]);
    }
    if (!ok)
        return vs_rule_check_weights(ctx, r, ws->w, err);

    if (r->pot != VS_NONE) {
        vs_ore pot;
        if ((st = vs_rule_money(ctx, r, r->pot, &pot, err)) != VS_OK ||
            (st = vs_rule_book(ctx, r, &books->pots, pot, err)) != VS_OK)
            return st;
        vs_ore placed = vs_money_apportion(pot, ws->w, n, ws->part, ws->rem,
                                           ws->idx);
        if (k == 0)
            vs_rule_shortfall(ctx, VS_SHORT_NOBODY, pot);
        else if (placed != pot) /* every eligible centre has no units */
            vs_rule_shortfall(ctx, VS_SHORT_POT, pot - placed);
        return vs_rule_add(ctx, r, alloc, ws->part, err);
    }

    vs_ore sum = 0;
    for (size_t i = 0; i < n; i++) {
        if ((st = vs_rule_money_of(ctx, r, ws->w[i], "amount x unit",
                                   &ws->part[i], err)) != VS_OK)
            return st;
        if (vs_money_add(sum, ws->part[i], &sum) != VS_OK)
            return vs_rule_fail(ctx, r, err, "the sum of the amounts overflows");
    }
    if (k == 0)
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, 0);
    if ((st = vs_rule_book(ctx, r, &books->pots, sum, err)) != VS_OK)
        return st;
    return vs_rule_add(ctx, r, alloc, ws->part, err);
}
