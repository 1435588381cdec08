/* tiered.c: an amount per centre by CNI band.
 *
 * A centre's tier is the one with the largest `above` among the tiers it
 * exceeds (cni > above, strictly); tiers need not be listed in order, and
 * of two tiers with the same `above` the first listed counts.  A tier pays
 * a fixed `amount` or `per_listed` x listed.  Without a pot those amounts
 * are paid (each rounded to öre once) and booked as the rule's pot.  With
 * a pot they are only weights (unrounded) for apportioning the pot. */
#include "common.h"

#include <math.h>

/* The tier of a centre whose tested value (`on`: CNI by default) is
 * `cni`: the largest `above` it exceeds, whatever the file order; -1
 * when it exceeds none. */
static long tier_of(const vs_rule *r, const double *vals, double cni)
{
    long best = -1;
    double best_above = 0;
    for (size_t t = 0; t < r->n_tiers; t++) {
        double above = vals[r->tiers[t].above];
        if (cni > above && (best < 0 || above > best_above)) {
            best = (long)t;
            best_above = above;
        }
    }
    return best;
}

int vs_rule_tiered(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                   vs_books *books, vs_err *err)
{
    const vs_draw *in = ctx->in;
    vs_ws *ws = ctx->ws;
    size_t n = ctx->sc->n_centres;
    int st;

    /* Check every tier's numbers once, so the loop below cannot fail on
     * them (a negative amount would otherwise slip in as a weight). */
    for (size_t t = 0; t < r->n_tiers; t++) {
        const vs_tier *tr = &r->tiers[t];
        double v;
        if ((st = vs_rule_number(ctx, r, tr->above, 0, -INFINITY, INFINITY, &v, err)) != VS_OK)
            return st;
        int p = tr->amount != VS_NONE ? tr->amount : tr->per_listed;
        if (p == VS_NONE)
            return vs_rule_fail(ctx, r, err, "tier %zu needs amount or per_listed", t + 1);
        if ((st = vs_rule_number(ctx, r, p, 0, 0, VS_MONEY_MAX_SEK, &v, err)) != VS_OK)
            return st;
    }

    /* Each centre's amount in SEK, unrounded. */
    size_t eligible = 0; /* centres in some tier */
    int filtered = vs_rule_filtered(r);
    if (filtered)
        vs_rule_eligible(ctx, r, ws->flag);
    for (size_t i = 0; i < n; i++) {
        double on = r->on == VS_ATTR_CNI ? in->cni[i] : vs_draw_value(ctx->sc, in, i, r->on);
        long t = filtered && !ws->flag[i] ? -1 : tier_of(r, in->vals, on);
        double sek = 0;
        if (t >= 0) {
            eligible++;
            const vs_tier *tr = &r->tiers[t];
            sek = tr->amount != VS_NONE ? in->vals[tr->amount]
                                        : in->vals[tr->per_listed] * in->listed[i];
        }
        ws->w[i] = sek;
    }

    if (r->pot != VS_NONE) {
        vs_ore pot;
        if ((st = vs_rule_money(ctx, r, r->pot, &pot, err)) != VS_OK ||
            (st = vs_rule_check_weights(ctx, r, ws->w, err)) != VS_OK ||
            (st = vs_rule_book(ctx, r, &books->pots, pot, err)) != VS_OK)
            return st;
        vs_ore placed = vs_money_apportion(pot, ws->w, n, ws->part, ws->rem, ws->idx);
        if (eligible == 0)
            vs_rule_shortfall(ctx, VS_SHORT_NOBODY, pot);
        else if (placed != pot) /* the centres in a tier have weight 0 */
            vs_rule_shortfall(ctx, VS_SHORT_POT, pot - placed);
        return vs_rule_add(ctx, r, alloc, ws->part, err);
    }

    if (eligible == 0) /* nothing is lost, but the rule does nothing */
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, 0);
    vs_ore sum = 0;
    for (size_t i = 0; i < n; i++) {
        if ((st = vs_rule_money_of(ctx, r, ws->w[i], "a tier's amount", &ws->part[i], err)) != VS_OK)
            return st;
        if (vs_money_add(sum, ws->part[i], &sum) != VS_OK)
            return vs_rule_fail(ctx, r, err, "the sum of the tier amounts overflows");
    }
    if ((st = vs_rule_book(ctx, r, &books->pots, sum, err)) != VS_OK)
        return st;
    return vs_rule_add(ctx, r, alloc, ws->part, err);
}
