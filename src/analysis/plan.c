/* plan.c: the yearly step of a plan (see plan.h and docs/methods.md).
 *
 * A year is solved in real numbers first (floors, the remainder shared by
 * the gaps below target, the caps by water-filling), then turned into öre
 * once by the water-filling of money.c with the real amounts as weights,
 * the floors as lower and the caps as upper bounds: a centre at its floor
 * gets it rounded up, one at its cap gets it rounded down, and the rest
 * share what remains by largest remainder, so the year adds up to B_t. */
#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

vs_plan_ws *vs_plan_ws_alloc(size_t n)
{
    vs_plan_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t m = n ? n : 1;
    ws->n = n;
    double **d[] = {&ws->F, &ws->T, &ws->cap, &ws->x, &ws->w, &ws->hi, &ws->y,
                    &ws->rem};
    int ok = 1;
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        ok &= (*d[k] = malloc(m * sizeof(double))) != NULL;
    ws->idx = malloc(m * sizeof *ws->idx);
    ws->clamped = malloc(m);
    if (!ok || !ws->idx || !ws->clamped) {
        vs_plan_ws_free(ws);
        return NULL;
    }
    return ws;
}

void vs_plan_ws_free(vs_plan_ws *ws)
{
    if (!ws)
        return;
    free(ws->F), free(ws->T), free(ws->cap), free(ws->x), free(ws->w);
    free(ws->hi), free(ws->y), free(ws->rem), free(ws->idx), free(ws->clamped);
    free(ws);
}

int vs_plan_budget(vs_ore b0, const double *growth, size_t t, vs_ore *out,
                   vs_err *err)
{
    double v = (double)b0;
    for (size_t s = 0; s < t; s++)
        v *= 1.0 + growth[s];
    if (vs_money_from_ore_double(v, out) != VS_OK || *out < 0)
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "plan: the budget of year %zu (%g SEK) is not an "
                          "amount vardsim can hold (at most %g SEK)",
                          t, v / 100.0, VS_MONEY_MAX_SEK);
    return VS_OK;
}

/* Share `amount` (real öre) among the centres on top of x by the weights w,
 * none above its cap (hi = room left, INFINITY without caps): the water
 * level of money.c.  Returns what could not be placed (every centre with
 * weight at its cap). */
static double share_out(vs_plan_ws *ws, size_t n, double amount)
{
    if (!(amount > 0))
        return 0;
    double placed = vs_money_waterlevel(amount, ws->w, ws->hi, n, ws->y,
                                        ws->idx, ws->clamped);
    for (size_t i = 0; i < n; i++) {
        ws->x[i] += ws->y[i];
        ws->hi[i] = isinf(ws->hi[i]) ? INFINITY : ws->hi[i] - ws->y[i];
        if (ws->hi[i] < 0)
            ws->hi[i] = 0;
    }
    return amount - placed;
}

/* The real amounts of a year whose floors fit and whose caps can hold
 * the budget: into ws->x. */
static void solve_real(vs_plan_ws *ws, size_t n, double R, int capped)
{
    double SG = 0;
    for (size_t i = 0; i < n; i++) {
        double G = ws->T[i] > ws->F[i] ? ws->T[i] - ws->F[i] : 0;
        SG += G;
        ws->rem[i] = G;
    }
    /* R <= sum G: each gets F_i + R G_i / sum G; else max(F_i, T_i) and the
     * rest, R - sum G, by T_i.  The caps' excess goes by the same weights. */
    int by_gap = R <= SG;
    double amount = by_gap ? R : R - SG;
    for (size_t i = 0; i < n; i++) {
        ws->x[i] = by_gap ? ws->F[i] : ws->F[i] + ws->rem[i];
        ws->w[i] = by_gap ? ws->rem[i] : ws->T[i];
        ws->hi[i] = INFINITY;
        if (capped) {
            /* max(F, T) above the cap: held there, the excess shared */
            if (ws->x[i] > ws->cap[i]) {
                amount += ws->x[i] - ws->cap[i];
                ws->x[i] = ws->cap[i];
            }
            ws->hi[i] = ws->cap[i] - ws->x[i];
        }
    }
    double left = share_out(ws, n, amount);
    /* Money that the weighted centres cannot take below their caps (every
     * centre short of target is capped): by target share to the others,
     * then, when those are capped too, by the room left under each cap
     * (the caps hold the budget, so it fits), or without caps and without
     * target money, by what each has. */
    if (left > 0 && by_gap) {
        memcpy(ws->w, ws->T, n * sizeof *ws->w);
        left = share_out(ws, n, left);
    }
    if (left > 0) {
        double W = 0;
        for (size_t i = 0; i < n; i++) {
            ws->w[i] = capped ? ws->hi[i] : ws->x[i];
            W += ws->w[i];
        }
        if (!(W > 0))
            for (size_t i = 0; i < n; i++)
                ws->w[i] = 1.0;
        share_out(ws, n, left);
    }
}

int vs_plan_step(size_t n, const vs_ore *prev, const double *share,
                 vs_ore budget, double min_growth, double max_growth,
                 vs_plan_ws *ws, vs_ore *next, double *target,
                 unsigned char *bind, unsigned *flags, vs_err *err)
{
    int capped = !isinf(max_growth);
    double B = (double)budget, SF = 0, SC = 0;
    for (size_t i = 0; i < n; i++) {
        double a = (double)prev[i];
        ws->F[i] = a * (1.0 + min_growth);
        ws->cap[i] = capped ? a * (1.0 + max_growth) : INFINITY;
        ws->T[i] = B * share[i];
        SF += ws->F[i];
        SC += ws->cap[i];
        if (target)
            target[i] = ws->T[i];
        if (bind)
            bind[i] = 0;
    }
    *flags = 0;
    vs_ore placed;
    if (SF > B || (capped && SC < B)) {
        /* The floors alone exceed the budget: scaled down in proportion to
         * fit; the caps alone fall short: scaled up to reach it. */
        int floors = SF > B;
        *flags = floors ? VS_PLAN_FLOORS_SCALED : VS_PLAN_CAPS_SCALED;
        placed = vs_money_apportion(budget, floors ? ws->F : ws->cap, n, next,
                                    ws->rem, ws->idx);
        for (size_t i = 0; bind && !floors && i < n; i++)
            bind[i] = VS_PLAN_AT_CAP;
    } else {
        solve_real(ws, n, B - SF, capped);
        for (size_t i = 0; bind && i < n; i++) {
            if (ws->T[i] < ws->F[i] && ws->x[i] <= ws->F[i])
                bind[i] |= VS_PLAN_AT_FLOOR;
            if (capped && ws->x[i] >= ws->cap[i] && ws->cap[i] > ws->F[i])
                bind[i] |= VS_PLAN_AT_CAP;
        }
        /* Öre: at a floor ceil(F), at a cap floor(cap), the rest by largest
         * remainder on the real amounts.  When rounding the floors up
         * leaves too little for the budget (a few öre), the budget wins:
         * largest remainder on the real amounts alone. */
        placed = vs_money_waterfill(budget, ws->x, ws->F, capped ? ws->cap : NULL,
                                    n, next, ws->y, ws->rem, ws->idx,
                                    ws->clamped);
        if (placed != budget)
            placed = vs_money_apportion(budget, ws->x, n, next, ws->rem,
                                        ws->idx);
    }
    if (placed != budget)
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "plan: a year's amounts do not add up to its budget "
                          "(%lld of %lld öre placed)", (long long)placed,
                          (long long)budget);
    return VS_OK;
}
