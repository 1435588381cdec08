/* targeted.c: rank centres by a score and fund the top ones.
 *
 * score_i = the product of the named attributes (listed, cni or any attr).
 * Centres rank by descending score, equal scores to the lower centre index;
 * a centre whose score is missing (NaN: it lacks one of the attributes) is
 * not ranked.  k = top, or ceil(top_share x n - 1e-9) of all n centres (the
 * 1e-9 keeps 0.3 x 10 from becoming 4), at most the ranked centres.  The
 * pot is split among the k by score, equally, or by another attribute.
 * The ranking is a selection of the top k, not a sort. */
#include "common.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The rule's shortfalls: nobody ranked, a pot not placed (top 0, or the
 * funded centres' split weights are all 0), top above the ranked count
 * m, and a tie at the cut-off: the k funded are ws->idx2[0..k), and when
 * an unfunded centre has the lowest funded score, file order decided
 * between them (the money concerned is what the funded ones with that
 * score got). */
static void report(const vs_rule_ctx *ctx, vs_ore pot, vs_ore placed,
                   size_t asked, size_t k, size_t m)
{
    const vs_ws *ws = ctx->ws;
    if (m == 0) {
        vs_rule_shortfall(ctx, VS_SHORT_NOBODY, pot);
        return;
    }
    if (placed != pot)
        vs_rule_shortfall(ctx, VS_SHORT_POT, pot - placed);
    if (asked > m) {
        vs_rule_shortfall(ctx, VS_SHORT_TOP, placed);
        ctx->sf->eligible = (long)m;
        return;
    }
    if (k == 0 || k == m)
        return;
    double cut = ws->score[ws->idx2[0]];
    for (size_t j = 1; j < k; j++)
        if (ws->score[ws->idx2[j]] < cut)
            cut = ws->score[ws->idx2[j]];
    int tie = 0;
    for (size_t j = k; j < m && !tie; j++)
        tie = ws->score[ws->idx2[j]] == cut;
    if (!tie)
        return;
    vs_ore decided = 0;
    for (size_t j = 0; j < k; j++)
        if (ws->score[ws->idx2[j]] == cut)
            decided += ws->part[ws->idx2[j]];
    vs_rule_shortfall(ctx, VS_SHORT_TIE, decided);
}

/* vs_money_rank_top of the m scored centres listed in ws->idx2 (in index
 * order), or the order it gave last time when the scores, m and k are
 * the same to the bit: the ranking is a function of exactly those, so the
 * result is the same either way.  Scores drawn from attributes without
 * noise (children x care burden, say) stay the same every iteration, and
 * the selection, a tenth of an iteration's evaluation, is then one
 * comparison of n scores. */
/* same_scores: ws->score[0..n) equals ws->rank_score to the bit and
 * ws->rank_m == m (see same_as_ranked). */
static void rank(vs_ws *ws, size_t n, size_t m, size_t k, int same_scores)
{
    if (same_scores && ws->rank_k == k) {
        memcpy(ws->idx2, ws->rank_idx, m * sizeof *ws->idx2);
        return;
    }
    vs_money_rank_top(ws->score, ws->idx2, m, k);
    memcpy(ws->rank_score, ws->score, n * sizeof *ws->score);
    memcpy(ws->rank_idx, ws->idx2, m * sizeof *ws->idx2);
    ws->rank_m = m;
    ws->rank_k = k;
}

/* Whether the m scores just computed are those of the last ranking, to
 * the bit (rank_score is not read before a ranking was made). */
static int same_as_ranked(const vs_ws *ws, size_t n, size_t m)
{
    return ws->rank_m == m &&
           memcmp(ws->rank_score, ws->score, n * sizeof *ws->score) == 0;
}

/* vs_money_apportion of the pot by ws->w into ws->part, or the parts it
 * gave last time when the pot and every weight are the same to the bit:
 * the apportionment is a function of exactly those.  With a score and a
 * split from attributes without noise and a fixed pot (a targeted pot for
 * children x care burden, say), the parts are the same every iteration,
 * and the apportionment is then one comparison of n weights. */
static vs_ore split(vs_ws *ws, size_t n, vs_ore pot)
{
    if (ws->split_ok && ws->split_pot == pot &&
        memcmp(ws->split_w, ws->w, n * sizeof *ws->w) == 0) {
        memcpy(ws->part, ws->split_part, n * sizeof *ws->part);
        return ws->split_placed;
    }
    vs_ore placed = vs_money_apportion(pot, ws->w, n, ws->part, ws->rem, ws->idx);
    memcpy(ws->split_w, ws->w, n * sizeof *ws->w);
    memcpy(ws->split_part, ws->part, n * sizeof *ws->part);
    ws->split_pot = pot;
    ws->split_placed = placed;
    ws->split_ok = 1;
    return placed;
}

/* Column j of the score, for the loop's vs_draw_attr: its values at
 * col[i x step].  0 for a reference vs_draw_attr does not read so. */
static int score_column(const vs_scenario *sc, const vs_draw *in, int ref,
                        const double **col, size_t *step)
{
    if (ref == VS_ATTR_LISTED)
        *col = in->listed, *step = 1;
    else if (ref == VS_ATTR_CNI)
        *col = in->cni, *step = 1;
    else if (ref >= 0)
        *col = in->attrs + ref, *step = sc->n_attrs;
    else
        return 0;
    return 1;
}

/* The scores of an unfiltered rule of one or two references, as the loop
 * in vs_rule_targeted computes them (s = 1, times each value in order),
 * with the references resolved once rather than per centre, and the
 * scored centres listed without a branch; returns m, or SIZE_MAX when the
 * rule is not of that kind (the loop then runs). */
static size_t scores_plain(const vs_scenario *sc, const vs_draw *in,
                           const vs_rule *r, double *score, size_t *idx2)
{
    size_t n = sc->n_centres, m = 0, s0 = 0, s1 = 0;
    const double *c0 = NULL, *c1 = NULL;
    if (r->n_score < 1 || r->n_score > 2 ||
        !score_column(sc, in, r->score[0], &c0, &s0) ||
        (r->n_score == 2 && !score_column(sc, in, r->score[1], &c1, &s1)))
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        double s = 1;
        s *= c0[i * s0];
        if (r->n_score == 2)
            s *= c1[i * s1];
        score[i] = s;
        idx2[m] = i;
        m += (size_t)!isnan(s);
    }
    return m;
}

int vs_rule_targeted(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                     vs_books *books, vs_err *err)
{
    const vs_draw *in = ctx->in;
    vs_ws *ws = ctx->ws;
    size_t n = ctx->sc->n_centres;

    vs_ore pot;
    int st;
    if ((st = vs_rule_money(ctx, r, r->pot, &pot, err)) != VS_OK ||
        (st = vs_rule_book(ctx, r, &books->pots, pot, err)) != VS_OK)
        return st;

    /* Only the eligible centres are ranked, and top_share counts among
     * them. */
    int filtered = vs_rule_filtered(r);
    size_t ne = filtered ? vs_rule_eligible(ctx, r, ws->flag) : n;
    /* centres with a score, listed in ws->idx2 */
    size_t m = filtered ? SIZE_MAX : scores_plain(ctx->sc, in, r, ws->score, ws->idx2);
    if (m == SIZE_MAX) {
        m = 0;
        for (size_t i = 0; i < n; i++) {
            if (filtered && !ws->flag[i]) {
                ws->score[i] = NAN;
                continue;
            }
            double s = 1;
            for (size_t j = 0; j < r->n_score; j++)
                s *= vs_draw_attr(ctx->sc, in, i, r->score[j]);
            ws->score[i] = s;
            if (!isnan(s))
                ws->idx2[m++] = i;
        }
    }

    size_t k, asked;
    if (r->top >= 0) {
        k = (size_t)r->top;
    } else {
        double share;
        if (r->top_share == VS_NONE)
            return vs_rule_fail(ctx, r, err, "needs top or top_share");
        if ((st = vs_rule_number(ctx, r, r->top_share, 0, 0, 1, &share, err)) != VS_OK)
            return st;
        double kd = ceil(share * (double)ne - 1e-9);
        k = kd > 0 ? (size_t)kd : 0;
    }
    /* Only `top` can ask for more than are ranked: top_share counts
     * among them. */
    asked = r->top >= 0 || k <= m ? k : m;
    if (k > m)
        k = m;
    /* A split by score or equal is a function of the scores, m, k and
     * the pot alone, and so is what report() finds: when they are the
     * same to the bit as last time, so are the parts and the shortfall,
     * and the rule is the add (in place of the ranking's copy, the
     * weights, the split's compare and copy, and the tie scan). */
    int same = same_as_ranked(ws, n, m);
    int by_score = r->split != VS_SPLIT_ATTR && r->split != VS_SPLIT_LISTED &&
                   r->split != VS_SPLIT_LISTED_CNI;
    if (ws->tgt_ok && by_score && same && ws->rank_k == k &&
        ws->tgt_pot == pot && ws->tgt_asked == asked &&
        ws->tgt_split == (int)r->split) {
        /* the shortfall record is zero before a rule runs (eval.h) */
        ctx->sf->amount = ws->tgt_sf_amount;
        ctx->sf->kinds = ws->tgt_sf_kinds;
        ctx->sf->eligible = ws->tgt_sf_eligible;
        return vs_rule_add(ctx, r, alloc, ws->split_part, err);
    }
    ws->tgt_ok = 0; /* the caches below change */
    rank(ws, n, m, k, same);

    for (size_t i = 0; i < n; i++)
        ws->w[i] = 0;
    int ok = 1;
    for (size_t j = 0; j < k; j++) {
        size_t i = ws->idx2[j];
        switch (r->split) {
        case VS_SPLIT_EQUAL: ws->w[i] = 1; break;
        case VS_SPLIT_ATTR: ws->w[i] = vs_draw_attr(ctx->sc, in, i, r->split_attr); break;
        case VS_SPLIT_LISTED: ws->w[i] = in->listed[i]; break;
        case VS_SPLIT_LISTED_CNI: ws->w[i] = in->listed[i] * in->cni[i]; break;
        case VS_SPLIT_SCORE:
        default: ws->w[i] = ws->score[i]; break;
        }
        ok &= vs_rule_weight_ok(ws->w[i]);
    }
    if (!ok)
        return vs_rule_check_weights(ctx, r, ws->w, err);
    vs_ore placed = split(ws, n, pot);
    report(ctx, pot, placed, asked, k, m);
    if (by_score) { /* what the test above reuses */
        ws->tgt_pot = pot;
        ws->tgt_asked = asked;
        ws->tgt_split = (int)r->split;
        ws->tgt_sf_amount = ctx->sf->amount;
        ws->tgt_sf_kinds = ctx->sf->kinds;
        ws->tgt_sf_eligible = ctx->sf->eligible;
        ws->tgt_ok = 1;
    }
    return vs_rule_add(ctx, r, alloc, ws->part, err);
}
