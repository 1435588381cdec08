/* grant.c: named amounts to named centres, a decision taken by hand.
 * Each amount is rounded to öre once and added to its centre; the sum is
 * the rule's pot, so a grant never leaves anything unallocated. */
#include "common.h"

int vs_rule_grant(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                  vs_books *books, vs_err *err)
{
    vs_ore sum = 0;
    for (size_t g = 0; g < r->n_grants; g++) {
        vs_ore a;
        int st = vs_rule_money(ctx, r, r->grant_amount[g], &a, err);
        if (st != VS_OK)
            return st;
        size_t c = (size_t)r->grant_centre[g];
        if (vs_money_add(alloc[c], a, &alloc[c]) != VS_OK ||
            vs_money_add(sum, a, &sum) != VS_OK)
            return vs_rule_fail(ctx, r, err, "the grant to centre %s overflows",
                                ctx->sc->centres[c].id);
    }
    return vs_rule_book(ctx, r, &books->pots, sum, err);
}
