/* eval.c: one iteration's allocations for every variant (see eval.h).
 *
 * Each variant's row in the outcome is its working allocation: it starts
 * as zero or as a copy of the row of the variant it extends (with that
 * variant's books), every rule updates it in place, and at the end the
 * books close: unallocated = pots - cuts - total, exactly, in öre.  The
 * buffers come from the caller, allocated once per worker. */
#include "engine/eval.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vecmath.h"

vs_ws *vs_ws_alloc(size_t n)
{
    vs_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t m = n ? n : 1; /* a scenario without centres still evaluates */
    ws->n = n;
    ws->w = malloc(m * sizeof *ws->w);
    ws->lo = malloc(m * sizeof *ws->lo);
    ws->hi = malloc(m * sizeof *ws->hi);
    ws->x = malloc(m * sizeof *ws->x);
    ws->rem = malloc(m * sizeof *ws->rem);
    ws->score = malloc(m * sizeof *ws->score);
    ws->idx = malloc(m * sizeof *ws->idx);
    ws->idx2 = malloc(m * sizeof *ws->idx2);
    ws->clamped = malloc(m);
    ws->flag = malloc(m);
    ws->part = malloc(m * sizeof *ws->part);
    ws->pack_w = malloc(m * sizeof *ws->pack_w);
    ws->pack_hi = malloc(m * sizeof *ws->pack_hi);
    ws->pack_part = malloc(m * sizeof *ws->pack_part);
    ws->pack_idx = malloc(m * sizeof *ws->pack_idx);
    ws->rank_score = malloc(m * sizeof *ws->rank_score);
    ws->rank_idx = malloc(m * sizeof *ws->rank_idx);
    ws->rank_m = SIZE_MAX;
    ws->split_w = malloc(m * sizeof *ws->split_w);
    ws->split_part = malloc(m * sizeof *ws->split_part);
    if (!ws->split_w || !ws->split_part || !ws->rank_score || !ws->rank_idx || !ws->w || !ws->lo || !ws->hi || !ws->x || !ws->rem || !ws->score ||
        !ws->idx || !ws->idx2 || !ws->clamped || !ws->flag || !ws->part ||
        !ws->pack_w || !ws->pack_hi || !ws->pack_part || !ws->pack_idx) {
        vs_ws_free(ws);
        return NULL;
    }
    return ws;
}

void vs_ws_free(vs_ws *ws)
{
    if (!ws)
        return;
    free(ws->w);
    free(ws->lo);
    free(ws->hi);
    free(ws->x);
    free(ws->rem);
    free(ws->score);
    free(ws->idx);
    free(ws->idx2);
    free(ws->clamped);
    free(ws->flag);
    free(ws->part);
    free(ws->pack_w);
    free(ws->pack_hi);
    free(ws->pack_part);
    free(ws->pack_idx);
    free(ws->rank_score);
    free(ws->rank_idx);
    free(ws->split_w);
    free(ws->split_part);
    free(ws);
}

vs_outcome *vs_outcome_alloc(const vs_scenario *sc)
{
    vs_outcome *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    size_t nv = sc->n_variants ? sc->n_variants : 1;
    size_t cells = nv * (sc->n_centres ? sc->n_centres : 1);
    o->n_variants = sc->n_variants;
    o->n_centres = sc->n_centres;
    o->alloc = calloc(cells, sizeof *o->alloc);
    o->pots = calloc(nv, sizeof *o->pots);
    o->cuts = calloc(nv, sizeof *o->cuts);
    o->total = calloc(nv, sizeof *o->total);
    o->unalloc = calloc(nv, sizeof *o->unalloc);
    o->rule_base = calloc(nv, sizeof *o->rule_base);
    for (size_t v = 0; o->rule_base && v < sc->n_variants; v++) {
        o->rule_base[v] = o->n_rules;
        o->n_rules += sc->variants[v].n_rules;
    }
    o->shortfalls = calloc(o->n_rules ? o->n_rules : 1, sizeof *o->shortfalls);
    if (!o->alloc || !o->pots || !o->cuts || !o->total || !o->unalloc ||
        !o->rule_base || !o->shortfalls) {
        vs_outcome_free(o);
        return NULL;
    }
    return o;
}

void vs_outcome_free(vs_outcome *o)
{
    if (!o)
        return;
    free(o->alloc);
    free(o->pots);
    free(o->cuts);
    free(o->total);
    free(o->unalloc);
    free(o->rule_base);
    free(o->shortfalls);
    free(o->steps);
    free(o);
}

int vs_outcome_keep_steps(vs_outcome *o)
{
    if (o->steps)
        return VS_OK;
    size_t cells = o->n_rules * o->n_centres;
    o->steps = calloc(cells ? cells : 1, sizeof *o->steps);
    return o->steps ? VS_OK : VS_ENOMEM;
}

/* The OR and the wrapping sum of row[0..n) as uint64, four lanes at a
 * time: both are the same in any order (the sum modulo 2^64), so the
 * lanes give close_books's loop exactly. */
VS_SIMD_CLONES
static void or_sum4(const vs_ore *row, size_t n, uint64_t *used_out, uint64_t *sum_out)
{
    typedef uint64_t v4u __attribute__((vector_size(32)));
    v4u u4 = {0, 0, 0, 0}, s4 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4u x;
        memcpy(&x, row + i, sizeof x);
        u4 |= x;
        s4 += x;
    }
    uint64_t used = u4[0] | u4[1] | u4[2] | u4[3];
    uint64_t sum = s4[0] + s4[1] + s4[2] + s4[3];
    for (; i < n; i++) {
        used |= (uint64_t)row[i];
        sum += (uint64_t)row[i];
    }
    *used_out = used;
    *sum_out = sum;
}

/* Close one variant's books.  Only a scenario near the int64 limit can
 * overflow here, and then the run stops with the variant named. */
static int close_books(const vs_scenario *sc, size_t v, const vs_ore *row,
                       const vs_books *bk, vs_outcome *out, vs_err *err)
{
    vs_ore total = 0, net, un;
    /* The sum without a test per centre when every amount is below
     * 2^63 / n (then n of them cannot overflow; a negative one sets the
     * top bit and fails too), else again with the tests. */
    size_t n = sc->n_centres;
    int shift = 63;
    for (size_t m = n; m; m >>= 1)
        shift--;
    uint64_t used, sum;
    or_sum4(row, n, &used, &sum);
    if (shift > 0 && used >> shift == 0) {
        total = (vs_ore)sum;
    } else {
        for (size_t i = 0; i < n; i++) {
            assert(row[i] >= 0);
            if (vs_money_add(total, row[i], &total) != VS_OK)
                goto overflow;
        }
    }
    if (__builtin_sub_overflow(bk->pots, bk->cuts, &net) ||
        __builtin_sub_overflow(net, total, &un))
        goto overflow;
    out->pots[v] = bk->pots;
    out->cuts[v] = bk->cuts;
    out->total[v] = total;
    out->unalloc[v] = un;
    return VS_OK;
overflow:
    return vs_err_set(err, VS_ERUN, sc->file, sc->variants[v].line,
                      "variant %s: its books overflow", sc->variants[v].id);
}

int vs_eval_run(const vs_scenario *sc, const vs_draw *in, vs_ws *ws,
                vs_outcome *out, vs_err *err)
{
    size_t nc = sc->n_centres;
    vs_rule_ctx ctx = {.sc = sc, .in = in, .out = out, .ws = ws};
    for (size_t o = 0; o < sc->n_variants; o++) {
        size_t v = sc->order[o];
        const vs_variant *var = &sc->variants[v];
        vs_ore *row = out->alloc + v * nc;
        vs_books bk = {0, 0};
        if (var->extends != VS_NONE) {
            /* Inherit allocation and books; the extended variant came
             * earlier in sc->order. */
            size_t e = (size_t)var->extends;
            memcpy(row, out->alloc + e * nc, nc * sizeof *row);
            bk.pots = out->pots[e];
            bk.cuts = out->cuts[e];
        } else {
            memset(row, 0, nc * sizeof *row);
        }
        ctx.variant = v;
        for (size_t k = 0; k < var->n_rules; k++) {
            const vs_rule *r = &var->rules[k];
            size_t ri = out->rule_base[v] + k;
            vs_rule_fn fn = vs_rule_fn_of(r->type);
            vs_ore *step = out->steps ? out->steps + ri * nc : NULL;
            if (step) /* the row before the rule; its change after */
                memcpy(step, row, nc * sizeof *step);
            out->shortfalls[ri] = (vs_shortfall){0, 0, 0};
            ctx.sf = &out->shortfalls[ri];
            int st = fn ? fn(&ctx, r, row, &bk, err)
                        : vs_err_set(err, VS_ERUN, sc->file, r->line,
                                     "variant %s: unknown rule type %d",
                                     var->id, (int)r->type);
            if (st != VS_OK)
                return st;
            for (size_t i = 0; step && i < nc; i++)
                step[i] = row[i] - step[i];
        }
        int st = close_books(sc, v, row, &bk, out, err);
        if (st != VS_OK)
            return st;
    }
    return VS_OK;
}
