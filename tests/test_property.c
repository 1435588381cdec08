/* test_property.c: random scenarios against independently computed
 * expectations.
 *
 * 3000 scenarios from a fixed seed: random centres (some with nobody
 * listed, CNIs on a 0.01 grid so thresholds hit them exactly), optional
 * age bands, random pipelines of every rule type, random extends and
 * limits.  Each variant is replayed here rule by rule through
 * vs_rule_fn_of; after every rule the test recomputes, by its own simple
 * means, what the rule must have booked and placed:
 *   - a pot rule books its pot and places all of it when it is feasible
 *     (someone eligible with positive weight and no cap in the way), the
 *     capped amount when caps bind, and nothing otherwise; the change in
 *     total is what it placed; centres outside the rule get nothing;
 *   - a cut books its amount and takes min(amount, what the centres can
 *     give under max_cut_share); nobody gives more than allowed;
 *   - a limit keeps the books, holds every centre within its bounds in
 *     öre, and restores the total whenever the bounds allow it.
 * Every rule's shortfall record must match the money it left undone:
 * a pot rule's booked pot minus what it placed, a cut's amount minus
 * what it took, a limit's gap to the total; no record without a reason.
 * Then vs_eval_run must produce the same rows and records, allocations
 * >= 0, total + unallocated == pots - cuts exactly, and each variant's
 * explain steps (its extends chain's rules, root first) must add up to
 * its allocation, to the öre, at every centre.  One scenario in four uses
 * only feasible pot rules: its unallocated must be exactly 0.  A second
 * run adds random filters (where, except) to every rule type but grant
 * and per_unit rules of every unit: a filtered rule must leave every
 * centre it does not see as it was, with the same shortfall and books
 * checks. */
#include "helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rule_bench.h"
#include "engine/eval.h"
#include "vardsim/money.h"

#define N_SCEN 3000
#define MAX_C 40

static uint64_t rng_state = 0x243F6A8885A308D3ULL;
static uint64_t rnd_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static double rnd_unif(void) { return (double)(rnd_u64() >> 11) * 0x1.0p-53; }
static size_t rnd_int(size_t n) { return (size_t)(rnd_u64() % n); }
static int chance(double p) { return rnd_unif() < p; }
/* A SEK amount with at most two decimals, like a typed one. */
static double rnd_sek(double max) { return round(rnd_unif() * max * 100) / 100; }

static vs_ore ore(double sek)
{
    vs_ore o;
    assert_int_equal(vs_money_from_sek(sek, &o), VS_OK);
    return o;
}

/* ------------------------------------------------------------------ */
/* Generation                                                          */

typedef struct gen {
    int feasible; /* only pot rules that must place all their money */
    int a_count, a_share; /* attribute indices: a count (may be 0), a factor > 0 */
} gen;

static void gen_rule(vs_scenario *sc, const gen *g, size_t v)
{
    size_t n = sc->n_centres;
    int type = g->feasible ? (int)rnd_int(5) : (int)rnd_int(v > 0 ? 7 : 6);
    static const vs_rule_type types[] = {
        VS_RULE_CAPITATION, VS_RULE_CNI_THRESHOLD, VS_RULE_TIERED,
        VS_RULE_GRANT, VS_RULE_TARGETED, VS_RULE_CUT, VS_RULE_LIMIT};
    vs_rule *r = bench_rule(sc, v, types[type]);
    switch (r->type) {
    case VS_RULE_CAPITATION:
        if (chance(0.7))
            r->pot = bench_param(sc, rnd_sek(1e7));
        else
            r->per_capita = bench_param(sc, rnd_sek(3000));
        if (chance(0.7))
            r->cni_share = bench_param(sc, round(rnd_unif() * 100) / 100);
        break;
    case VS_RULE_CNI_THRESHOLD: {
        double pot = rnd_sek(1e6);
        r->pot = bench_param(sc, pot);
        if (g->feasible)
            r->threshold = bench_param(sc, 0.1);
        else if (chance(0.5)) /* exactly some centre's cni */
            r->threshold = bench_param(sc, sc->centres[rnd_int(n)].cni);
        else
            r->threshold = bench_param(sc, 0.5 + rnd_unif() * 2);
        r->split = (vs_split)rnd_int(4);
        if (!g->feasible && chance(0.4))
            r->cap = bench_param(sc, rnd_sek(2 * pot / (double)n + 1));
        if (chance(0.4))
            r->floor = bench_param(sc, rnd_sek(1.5 * pot / (double)n + 1));
        break;
    }
    case VS_RULE_TIERED: {
        size_t nt = g->feasible ? 1 : 1 + rnd_int(3);
        r->n_tiers = nt;
        r->tiers = malloc(nt * sizeof *r->tiers);
        int per = chance(0.5);
        for (size_t t = 0; t < nt; t++) {
            double above = g->feasible ? 0.1 : round((0.4 + rnd_unif() * 1.6) * 100) / 100;
            r->tiers[t].above = bench_param(sc, above);
            r->tiers[t].amount = per ? VS_NONE : bench_param(sc, rnd_sek(5e5));
            r->tiers[t].per_listed = per ? bench_param(sc, rnd_sek(50)) : VS_NONE;
        }
        if (chance(0.5))
            r->pot = bench_param(sc, rnd_sek(1e6));
        /* A feasible tiered rule needs positive amounts. */
        if (g->feasible)
            sc->params[per ? r->tiers[0].per_listed : r->tiers[0].amount].dist.p[0] += 1;
        break;
    }
    case VS_RULE_GRANT: {
        size_t ng = 1 + rnd_int(4);
        int to[4];
        double amt[4];
        for (size_t k = 0; k < ng; k++)
            to[k] = (int)rnd_int(n), amt[k] = rnd_sek(5e5);
        bench_grant(sc, r, ng, to, amt);
        break;
    }
    case VS_RULE_TARGETED: {
        static const int pool[] = {VS_ATTR_LISTED, VS_ATTR_CNI, 0, 1};
        r->pot = bench_param(sc, rnd_sek(1e6));
        r->n_score = 1 + rnd_int(2);
        r->score = malloc(r->n_score * sizeof *r->score);
        for (size_t j = 0; j < r->n_score; j++) {
            int a = pool[rnd_int(4)];
            if (a == 0)
                a = g->feasible ? g->a_share : g->a_count;
            else if (a == 1)
                a = g->a_share;
            r->score[j] = a;
        }
        if (chance(0.5))
            r->top = g->feasible ? 1 + (long)rnd_int(n) : (long)rnd_int(n + 3);
        else
            r->top_share = bench_param(sc, g->feasible ? 1.0 - round(rnd_unif() * 90) / 100
                                                        : round(rnd_unif() * 100) / 100);
        switch (rnd_int(4)) {
        case 0: r->split = VS_SPLIT_SCORE; break;
        case 1: r->split = VS_SPLIT_EQUAL; break;
        case 2: r->split = VS_SPLIT_LISTED; break;
        default:
            r->split = VS_SPLIT_ATTR;
            r->split_attr = g->feasible || chance(0.5) ? g->a_share : g->a_count;
            break;
        }
        break;
    }
    case VS_RULE_CUT:
        if (sc->deficit != VS_NONE && chance(0.5))
            r->deficit_share = bench_param(sc, rnd_unif() * 0.05);
        else
            r->amount = bench_param(sc, rnd_sek(chance(0.2) ? 3e7 : 1e6));
        r->method = (vs_cut_method)rnd_int(3);
        if (chance(0.5))
            r->alpha = bench_param(sc, round((rnd_unif() * 4 - 1) * 10) / 10);
        if (chance(0.5))
            r->max_cut_share = bench_param(sc, round(rnd_unif() * 100) / 100);
        break;
    case VS_RULE_LIMIT:
    default:
        r->relative_to = (int)rnd_int(v); /* an earlier variant */
        if (chance(0.7))
            r->max_loss = bench_param(sc, round(rnd_unif() * 50) / 100);
        if (chance(0.7))
            r->max_gain = bench_param(sc, round(rnd_unif() * 50) / 100);
        break;
    }
}

static vs_scenario *gen_scenario(int feasible)
{
    size_t n = 1 + rnd_int(MAX_C);
    double listed[MAX_C], cni[MAX_C], count[MAX_C], factor[MAX_C];
    for (size_t i = 0; i < n; i++) {
        listed[i] = !feasible && chance(0.15) ? 0 : (double)(1 + rnd_int(20000));
        cni[i] = round((0.5 + rnd_unif() * 1.5) * 100) / 100;
        count[i] = chance(0.2) ? 0 : (double)rnd_int(500);
        factor[i] = 0.5 + rnd_unif() * 1.5;
    }
    vs_scenario *sc = bench_scenario(n, listed, cni);
    gen g = {.feasible = feasible};
    g.a_count = bench_attr(sc, "children", count);
    g.a_share = bench_attr(sc, "care_burden", factor);
    if (chance(0.3)) {
        size_t nb = 2 + rnd_int(2);
        double w[3] = {0.5 + rnd_unif(), 1 + rnd_unif(), 2 + rnd_unif()};
        bench_age_bands(sc, nb, w);
        for (size_t i = 0; i < n; i++) {
            if (chance(0.3))
                continue; /* no split given: plain listed */
            double row[3] = {0, 0, 0}, left = listed[i];
            for (size_t b = 0; b + 1 < nb; b++) {
                row[b] = floor(left * rnd_unif());
                left -= row[b];
            }
            row[nb - 1] = left;
            bench_listed_by_age(sc, i, row);
        }
    }
    if (chance(0.5))
        sc->deficit = bench_param(sc, rnd_sek(4e8));
    size_t nv = 1 + rnd_int(5);
    for (size_t v = 0; v < nv; v++) {
        char id[32];
        snprintf(id, sizeof id, "v%zu", v);
        int ext = v > 0 && chance(0.5) ? (int)rnd_int(v) : VS_NONE;
        bench_variant(sc, id, ext);
        size_t nr = 1 + rnd_int(4);
        for (size_t k = 0; k < nr; k++)
            gen_rule(sc, &g, v);
    }
    return sc;
}

/* ------------------------------------------------------------------ */
/* Expectations, computed without the library's rule code               */

/* How often the interesting branches came up: the test asserts each did,
 * so a change to the generator cannot quietly stop covering them. */
static struct {
    int thr_nobody, thr_scaled, thr_capped, cut_short, cut_full, limit_low,
        limit_high, limit_clamped, tie_at_k, age_rows, shortfalls, top_short, tie_warned;
} seen;

typedef struct step {
    const vs_rule_ctx *ctx;
    const vs_rule *r;
    const vs_ore *before, *after;
    vs_books b0, b1;
} step;

static double val(const step *s, int p) { return s->ctx->in->vals[p]; }

static vs_ore sum_of(const vs_ore *a, size_t n)
{
    vs_ore t = 0;
    for (size_t i = 0; i < n; i++)
        t += a[i];
    return t;
}

/* The checks shared by every pot rule: books, placed amount, no centre
 * loses, and centres with weight 0 get nothing. */
static void check_pot_rule(const step *s, vs_ore booked, vs_ore placed,
                           const double *w)
{
    size_t n = s->ctx->sc->n_centres;
    assert_int_equal(s->b1.pots - s->b0.pots, booked);
    assert_int_equal(s->b1.cuts, s->b0.cuts);
    assert_int_equal(sum_of(s->after, n) - sum_of(s->before, n), placed);
    for (size_t i = 0; i < n; i++) {
        assert_true(s->after[i] >= s->before[i]);
        if (w && w[i] == 0)
            assert_int_equal(s->after[i], s->before[i]);
    }
}

/* Parts within one öre of their quota pot x w_i / W. */
static void check_quotas(const step *s, vs_ore pot, const double *w)
{
    size_t n = s->ctx->sc->n_centres;
    double W = 0;
    for (size_t i = 0; i < n; i++)
        W += w[i];
    for (size_t i = 0; W > 0 && i < n; i++) {
        double q = (double)pot * w[i] / W;
        assert_true(fabs((double)(s->after[i] - s->before[i]) - q) < 1.0 + 1e-6 * q);
    }
}

static void expect_capitation(const step *s)
{
    const vs_scenario *sc = s->ctx->sc;
    const vs_draw *in = s->ctx->in;
    const vs_rule *r = s->r;
    size_t n = sc->n_centres, nb = sc->n_age_bands;
    vs_ore pot = r->pot != VS_NONE ? ore(val(s, r->pot))
                                   : ore(val(s, r->per_capita) * in->total_listed);
    double cs = r->cni_share != VS_NONE ? val(s, r->cni_share) : 0, w[MAX_C], W = 0;
    for (size_t i = 0; i < n; i++) {
        double people = in->listed[i];
        if (nb && sc->centres[i].listed_by_age) {
            seen.age_rows++;
            people = 0;
            for (size_t b = 0; b < nb; b++)
                people += in->listed_by_age[i * nb + b] * val(s, sc->age_weights[b]);
        }
        w[i] = people * (1 - cs + cs * in->cni[i]);
        W += w[i];
    }
    check_pot_rule(s, pot, W > 0 ? pot : 0, w);
    check_quotas(s, pot, w);
}

static void expect_threshold(const step *s)
{
    const vs_draw *in = s->ctx->in;
    const vs_rule *r = s->r;
    size_t n = s->ctx->sc->n_centres, k = 0;
    vs_ore pot = ore(val(s, r->pot));
    double thr = val(s, r->threshold), w[MAX_C];
    for (size_t i = 0; i < n; i++) {
        double c = in->cni[i], L = in->listed[i];
        w[i] = !(c > thr) ? 0
               : r->split == VS_SPLIT_EQUAL ? 1
               : r->split == VS_SPLIT_LISTED_CNI ? L * c
               : r->split == VS_SPLIT_LISTED_EXCESS ? L * (c - thr)
               : L;
        k += w[i] > 0;
    }
    vs_ore cap = r->cap != VS_NONE ? ore(val(s, r->cap)) : -1;
    vs_ore fl = r->floor != VS_NONE ? ore(val(s, r->floor)) : 0;
    if (cap >= 0 && fl > cap)
        fl = cap;
    vs_ore placed;
    if (k == 0) {
        placed = 0;
        seen.thr_nobody++;
    } else if (fl > 0 && fl * (vs_ore)k > pot) {
        seen.thr_scaled++;
        /* floors scaled down: equal parts of the pot */
        placed = pot;
        for (size_t i = 0; i < n; i++)
            if (w[i] > 0) {
                vs_ore part = s->after[i] - s->before[i];
                assert_true(part == pot / (vs_ore)k || part == pot / (vs_ore)k + 1);
                assert_true(part <= fl);
            }
    } else {
        placed = cap >= 0 && cap * (vs_ore)k < pot ? cap * (vs_ore)k : pot;
        seen.thr_capped += placed < pot;
        for (size_t i = 0; i < n; i++)
            if (w[i] > 0) {
                vs_ore part = s->after[i] - s->before[i];
                assert_true(part >= fl);
                assert_true(cap < 0 || part <= cap);
            }
        if (cap < 0 && fl == 0)
            check_quotas(s, pot, w);
    }
    check_pot_rule(s, pot, placed, w);
}

static void expect_tiered(const step *s)
{
    const vs_draw *in = s->ctx->in;
    const vs_rule *r = s->r;
    size_t n = s->ctx->sc->n_centres;
    double w[MAX_C], W = 0;
    vs_ore sum = 0;
    for (size_t i = 0; i < n; i++) {
        /* the largest `above` that cni exceeds; the first such tier wins */
        const vs_tier *best = NULL;
        for (size_t t = 0; t < r->n_tiers; t++) {
            double above = val(s, r->tiers[t].above);
            if (in->cni[i] > above && (!best || above > val(s, best->above)))
                best = &r->tiers[t];
        }
        w[i] = !best ? 0
               : best->amount != VS_NONE ? val(s, best->amount)
               : val(s, best->per_listed) * in->listed[i];
        W += w[i];
        if (r->pot == VS_NONE) {
            assert_int_equal(s->after[i] - s->before[i], ore(w[i]));
            sum += ore(w[i]);
        }
    }
    if (r->pot == VS_NONE) {
        check_pot_rule(s, sum, sum, NULL);
    } else {
        vs_ore pot = ore(val(s, r->pot));
        check_pot_rule(s, pot, W > 0 ? pot : 0, w);
        check_quotas(s, pot, w);
    }
}

static void expect_grant(const step *s)
{
    const vs_rule *r = s->r;
    size_t n = s->ctx->sc->n_centres;
    vs_ore part[MAX_C] = {0}, sum = 0;
    for (size_t g = 0; g < r->n_grants; g++) {
        vs_ore a = ore(val(s, r->grant_amount[g]));
        part[r->grant_centre[g]] += a;
        sum += a;
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(s->after[i] - s->before[i], part[i]);
    check_pot_rule(s, sum, sum, NULL);
}

static const double *cmp_score;
static int by_score(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (cmp_score[a] != cmp_score[b])
        return cmp_score[a] > cmp_score[b] ? -1 : 1;
    return a < b ? -1 : 1;
}

static void expect_targeted(const step *s)
{
    const vs_scenario *sc = s->ctx->sc;
    const vs_draw *in = s->ctx->in;
    const vs_rule *r = s->r;
    size_t n = sc->n_centres, order[MAX_C];
    double score[MAX_C], w[MAX_C] = {0}, W = 0;
    for (size_t i = 0; i < n; i++) {
        score[i] = 1;
        for (size_t j = 0; j < r->n_score; j++)
            score[i] *= vs_draw_attr(sc, in, i, r->score[j]);
        order[i] = i;
    }
    cmp_score = score;
    qsort(order, n, sizeof *order, by_score);
    size_t k = r->top >= 0 ? (size_t)r->top
                           : (size_t)ceil(val(s, r->top_share) * (double)n - 1e-9);
    if (k > n)
        k = n;
    seen.tie_at_k += k > 0 && k < n && score[order[k - 1]] == score[order[k]];
    for (size_t j = 0; j < k; j++) {
        size_t i = order[j];
        w[i] = r->split == VS_SPLIT_EQUAL ? 1
               : r->split == VS_SPLIT_LISTED ? in->listed[i]
               : r->split == VS_SPLIT_ATTR ? vs_draw_attr(sc, in, i, r->split_attr)
               : score[i];
        W += w[i];
    }
    vs_ore pot = ore(val(s, r->pot));
    check_pot_rule(s, pot, W > 0 ? pot : 0, w);
    check_quotas(s, pot, w);
}

static void expect_cut(const step *s)
{
    const vs_scenario *sc = s->ctx->sc;
    const vs_draw *in = s->ctx->in;
    const vs_rule *r = s->r;
    size_t n = sc->n_centres;
    vs_ore C = r->amount != VS_NONE ? ore(val(s, r->amount))
                                    : ore(val(s, r->deficit_share) * val(s, sc->deficit));
    double mcs = r->max_cut_share != VS_NONE ? val(s, r->max_cut_share) : 1;
    double alpha = r->alpha != VS_NONE ? val(s, r->alpha) : 1;
    vs_ore capacity = 0;
    double w[MAX_C], W = 0;
    int binds = 0;
    for (size_t i = 0; i < n; i++) {
        double a = (double)s->before[i];
        w[i] = r->method == VS_CUT_PER_CAPITA ? in->listed[i]
               : r->method == VS_CUT_NEED_PROTECTED ? a / pow(in->cni[i], alpha)
               : a;
        W += w[i];
    }
    for (size_t i = 0; i < n; i++) {
        double a = (double)s->before[i];
        vs_ore most = (vs_ore)floor(fmin(a, mcs * a));
        if (W > 0 && (double)C * w[i] / W > (double)most - 1)
            binds = 1;
    }
    /* No bound anywhere near: the cut is split by the method's weights. */
    if (!binds && W > 0)
        for (size_t i = 0; i < n; i++) {
            double q = (double)C * w[i] / W;
            assert_true(fabs((double)(s->before[i] - s->after[i]) - q) < 1.0 + 1e-6 * q);
        }
    for (size_t i = 0; i < n; i++) {
        double a = (double)s->before[i];
        vs_ore most = (vs_ore)floor(fmin(a, mcs * a));
        vs_ore taken = s->before[i] - s->after[i];
        assert_true(taken >= 0);
        assert_true(taken <= most); /* max_cut_share holds in öre */
        if (w[i] > 0)
            capacity += most;
        else
            assert_int_equal(taken, 0);
    }
    assert_int_equal(s->b1.cuts - s->b0.cuts, C);
    assert_int_equal(s->b1.pots, s->b0.pots);
    vs_ore taken = sum_of(s->before, n) - sum_of(s->after, n);
    assert_int_equal(taken, C < capacity ? C : capacity);
    seen.cut_short += C > capacity;
    seen.cut_full += C <= capacity && C > 0;
}

static void expect_limit(const step *s)
{
    const vs_rule *r = s->r;
    size_t n = s->ctx->sc->n_centres;
    const vs_ore *b = s->ctx->out->alloc + (size_t)r->relative_to * n;
    vs_ore T = sum_of(s->before, n), s0 = 0, sinf = 0;
    int sinf_finite = 1;
    for (size_t i = 0; i < n; i++) {
        double L = r->max_loss != VS_NONE ? ceil((double)b[i] * (1 - val(s, r->max_loss))) : 0;
        double H = r->max_gain != VS_NONE ? floor((double)b[i] * (1 + val(s, r->max_gain)))
                                          : INFINITY;
        if (L < 0)
            L = 0;
        double got = (double)s->after[i];
        assert_true(got >= L && got <= H); /* the bounds hold in öre */
        if (s->before[i] == 0) {           /* weight 0: at clamp(0, L, H) */
            assert_true(got == L);
            s0 += (vs_ore)L;
            sinf += (vs_ore)L;
        } else {
            s0 += (vs_ore)L;
            if (isinf(H))
                sinf_finite = 0;
            else
                sinf += (vs_ore)H;
        }
    }
    vs_ore want = T < s0 ? s0 : sinf_finite && T > sinf ? sinf : T;
    seen.limit_low += T < s0;
    seen.limit_high += sinf_finite && T > sinf;
    for (size_t i = 0; want == T && i < n; i++)
        if (s->after[i] != s->before[i]) {
            seen.limit_clamped++;
            break;
        }
    assert_int_equal(sum_of(s->after, n), want);
    assert_int_equal(s->b1.pots, s->b0.pots);
    assert_int_equal(s->b1.cuts, s->b0.cuts);
}

/* The rule's shortfall record against the money it left undone. */
static void expect_shortfall(const step *s, const vs_shortfall *sf, size_t n)
{
    vs_ore placed = sum_of(s->after, n) - sum_of(s->before, n), undone;
    switch (s->r->type) {
    case VS_RULE_CUT: undone = (s->b1.cuts - s->b0.cuts) + placed; break;
    case VS_RULE_LIMIT: undone = placed < 0 ? -placed : placed; break;
    default: undone = (s->b1.pots - s->b0.pots) - placed; break;
    }
    assert_true(undone >= 0);
    unsigned money = VS_SHORT_NOBODY | VS_SHORT_POT | VS_SHORT_CUT | VS_SHORT_LIMIT;
    if (undone > 0)
        assert_true(sf->kinds & money);
    if (sf->kinds & (VS_SHORT_TOP | VS_SHORT_TIE)) {
        assert_int_equal(s->r->type, VS_RULE_TARGETED);
        assert_true(sf->amount >= undone);
        if (sf->kinds & VS_SHORT_TOP)
            seen.top_short++;
        else
            seen.tie_warned++;
    } else {
        assert_int_equal(sf->amount, undone);
    }
    if (sf->kinds == 0)
        assert_int_equal(sf->amount, 0);
    if (sf->kinds & (VS_SHORT_POT | VS_SHORT_CUT | VS_SHORT_LIMIT))
        assert_true(undone > 0);
    seen.shortfalls += sf->kinds != 0;
}

/* Each variant's steps, root of its chain first, add up to its row. */
static void expect_steps_add_up(const bench *b)
{
    const vs_scenario *sc = b->sc;
    size_t n = sc->n_centres;
    for (size_t v = 0; v < sc->n_variants; v++)
        for (size_t i = 0; i < n; i++) {
            vs_ore sum = 0;
            for (long u = (long)v; u != VS_NONE; u = sc->variants[u].extends)
                for (size_t k = 0; k < sc->variants[u].n_rules; k++)
                    sum += b->out->steps[(b->out->rule_base[u] + k) * n + i];
            assert_int_equal(sum, bench_row(b, v)[i]);
        }
}

/* ------------------------------------------------------------------ */
/* Random filters (where, except) and per_unit rules                    */

/* The value a condition tests, read here from the draw directly. */
static double cond_value(const vs_scenario *sc, const vs_draw *in, size_t i,
                         int ref)
{
    if (ref == VS_ATTR_LISTED)
        return in->listed[i];
    if (ref == VS_ATTR_CNI)
        return in->cni[i];
    return in->attrs[i * sc->n_attrs + (size_t)ref];
}

/* Whether rule r sees centre i, by the definition: every bound of every
 * condition holds (min >=, max <=, above >, below <) and i is not in
 * except. */
static int sees(const step *s, size_t i)
{
    const vs_scenario *sc = s->ctx->sc;
    const vs_rule *r = s->r;
    for (size_t e = 0; e < r->n_except; e++)
        if ((size_t)r->except[e] == i)
            return 0;
    for (size_t q = 0; q < r->n_where; q++) {
        const vs_cond *c = &r->where[q];
        double x = cond_value(sc, s->ctx->in, i, c->ref);
        if ((c->min != VS_NONE && !(x >= val(s, c->min))) ||
            (c->max != VS_NONE && !(x <= val(s, c->max))) ||
            (c->above != VS_NONE && !(x > val(s, c->above))) ||
            (c->below != VS_NONE && !(x < val(s, c->below))))
            return 0;
    }
    return 1;
}

static struct {
    int unseen, per_unit, nobody;
} fseen;

/* A rule with a filter leaves every centre it does not see as it was: a
 * pot goes only to those it sees, a cut takes only from them, a limit
 * bounds and restores only among them. */
static void expect_filter(const step *s)
{
    size_t n = s->ctx->sc->n_centres, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (sees(s, i)) {
            k++;
            continue;
        }
        fseen.unseen++;
        assert_int_equal(s->after[i], s->before[i]);
    }
    fseen.nobody += k == 0;
    if (s->r->type == VS_RULE_PER_UNIT)
        fseen.per_unit++;
}

/* A random `where` (one or two conditions on listed, cni or an
 * attribute, their bounds often a centre's own value, so strict and
 * inclusive bounds both meet it) and a random `except`. */
static void gen_filter(vs_scenario *sc, vs_rule *r)
{
    size_t n = sc->n_centres;
    if (chance(0.7)) {
        size_t nw = 1 + rnd_int(2);
        r->where = calloc(nw, sizeof *r->where);
        assert_non_null(r->where);
        r->n_where = nw;
        for (size_t q = 0; q < nw; q++) {
            static const int pool[] = {VS_ATTR_LISTED, VS_ATTR_CNI, 0, 1};
            vs_cond *c = &r->where[q];
            c->ref = pool[rnd_int(4)];
            c->min = c->max = c->above = c->below = VS_NONE;
            for (int b = 0, nb = 1 + (int)rnd_int(2); b < nb; b++) {
                const vs_centre *ce = &sc->centres[rnd_int(n)];
                double v = c->ref == VS_ATTR_LISTED ? ce->listed
                           : c->ref == VS_ATTR_CNI  ? ce->cni
                                                    : ce->attrs[c->ref];
                int *bound[] = {&c->min, &c->max, &c->above, &c->below};
                *bound[rnd_int(4)] = bench_param(sc, chance(0.7) ? v : v * 1.1);
            }
        }
    }
    if (chance(0.4)) {
        r->except = malloc(n * sizeof *r->except);
        assert_non_null(r->except);
        for (size_t i = 0; i < n; i++)
            if (chance(0.3))
                r->except[r->n_except++] = (int)i;
    }
}

/* A per_unit rule on variant v: any unit, with or without a pot. */
static void gen_per_unit(vs_scenario *sc, size_t v)
{
    static const int units[] = {VS_ATTR_CENTRE, VS_ATTR_LISTED, VS_ATTR_AGE,
                                VS_ATTR_CNI, 0, 1};
    vs_rule *r = bench_rule(sc, v, VS_RULE_PER_UNIT);
    r->unit = units[rnd_int(6)];
    if (r->unit == VS_ATTR_AGE && sc->n_age_bands == 0)
        r->unit = VS_ATTR_LISTED;
    r->amount = bench_param(sc, rnd_sek(r->unit == VS_ATTR_CENTRE ? 5e5 : 500));
    if (chance(0.5))
        r->pot = bench_param(sc, rnd_sek(1e6));
}

/* ------------------------------------------------------------------ */

static void replay_and_compare(bench *b, int feasible)
{
    const vs_scenario *sc = b->sc;
    size_t n = sc->n_centres;
    vs_outcome *mine = vs_outcome_alloc(sc);
    vs_ws *ws = vs_ws_alloc(n);
    vs_err err;
    vs_err_init(&err);
    vs_rule_ctx ctx = {.sc = sc, .in = &b->in, .out = mine, .ws = ws};
    vs_ore before[MAX_C];
    vs_shortfall sf;
    ctx.sf = &sf;

    for (size_t o = 0; o < sc->n_variants; o++) {
        size_t v = sc->order[o];
        const vs_variant *var = &sc->variants[v];
        vs_ore *row = mine->alloc + v * n;
        vs_books bk = {0, 0};
        if (var->extends != VS_NONE) {
            memcpy(row, mine->alloc + (size_t)var->extends * n, n * sizeof *row);
            bk.pots = mine->pots[var->extends];
            bk.cuts = mine->cuts[var->extends];
        } else {
            memset(row, 0, n * sizeof *row);
        }
        ctx.variant = v;
        for (size_t k = 0; k < var->n_rules; k++) {
            const vs_rule *r = &var->rules[k];
            memcpy(before, row, n * sizeof *row);
            step s = {.ctx = &ctx, .r = r, .before = before, .after = row, .b0 = bk};
            sf = (vs_shortfall){0, 0, 0};
            int st = vs_rule_fn_of(r->type)(&ctx, r, row, &bk, &err);
            if (st != VS_OK)
                fail_msg("rule failed: %s", err.msg);
            s.b1 = bk;
            for (size_t i = 0; i < n; i++)
                assert_true(row[i] >= 0);
            switch (r->n_where || r->n_except || r->type == VS_RULE_PER_UNIT
                        ? VS_RULE_COUNT : r->type) {
            case VS_RULE_COUNT: expect_filter(&s); break;
            case VS_RULE_CAPITATION: expect_capitation(&s); break;
            case VS_RULE_CNI_THRESHOLD: expect_threshold(&s); break;
            case VS_RULE_TIERED: expect_tiered(&s); break;
            case VS_RULE_GRANT: expect_grant(&s); break;
            case VS_RULE_TARGETED: expect_targeted(&s); break;
            case VS_RULE_CUT: expect_cut(&s); break;
            case VS_RULE_LIMIT: expect_limit(&s); break;
            default: fail();
            }
            expect_shortfall(&s, &sf, n);
            mine->shortfalls[mine->rule_base[v] + k] = sf;
        }
        mine->pots[v] = bk.pots;
        mine->cuts[v] = bk.cuts;
    }

    /* The whole evaluation: the same rows, books and shortfalls, the
     * identity, and the explain steps. */
    assert_int_equal(vs_outcome_keep_steps(b->out), VS_OK);
    if (bench_run(b) != VS_OK)
        fail_msg("vs_eval_run: %s", b->err.msg);
    expect_steps_add_up(b);
    for (size_t r = 0; r < mine->n_rules; r++) {
        assert_int_equal(b->out->shortfalls[r].amount, mine->shortfalls[r].amount);
        assert_int_equal(b->out->shortfalls[r].kinds, mine->shortfalls[r].kinds);
    }
    for (size_t v = 0; v < sc->n_variants; v++) {
        const vs_ore *row = bench_row(b, v);
        vs_ore total = 0;
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(row[i], mine->alloc[v * n + i]);
            assert_true(row[i] >= 0);
            total += row[i];
        }
        assert_int_equal(b->out->total[v], total);
        assert_int_equal(b->out->pots[v], mine->pots[v]);
        assert_int_equal(b->out->cuts[v], mine->cuts[v]);
        assert_int_equal(b->out->total[v] + b->out->unalloc[v],
                         b->out->pots[v] - b->out->cuts[v]);
        if (feasible) {
            assert_int_equal(b->out->unalloc[v], 0);
            assert_int_equal(b->out->total[v], b->out->pots[v]);
        }
    }
    vs_outcome_free(mine);
    vs_ws_free(ws);
    vs_err_free(&err);
}

static void test_random_scenarios(void **state)
{
    (void)state;
    for (int k = 0; k < N_SCEN; k++) {
        int feasible = k % 4 == 3;
        vs_scenario *sc = gen_scenario(feasible);
        bench b;
        bench_ready(&b, sc);
        replay_and_compare(&b, feasible);
        bench_free(&b);
    }
    print_message("seen: %d nobody eligible, %d floors scaled, %d caps binding, "
                  "%d cuts short, %d cuts in full, %d limits below floors, "
                  "%d above caps, %d restored with clamping, %d ties at k, "
                  "%d age rows; %d shortfalls (%d top, %d ties)\n",
                  seen.thr_nobody, seen.thr_scaled,
                  seen.thr_capped, seen.cut_short, seen.cut_full, seen.limit_low,
                  seen.limit_high, seen.limit_clamped, seen.tie_at_k, seen.age_rows,
                  seen.shortfalls, seen.top_short, seen.tie_warned);
    assert_true(seen.thr_nobody > 0 && seen.thr_scaled > 0 && seen.thr_capped > 0);
    assert_true(seen.cut_short > 0 && seen.cut_full > 0);
    assert_true(seen.limit_low > 0 && seen.limit_high > 0 && seen.limit_clamped > 0);
    assert_true(seen.tie_at_k > 0 && seen.age_rows > 0);
    assert_true(seen.shortfalls > 0 && seen.tie_warned > 0);
}

/* Random scenarios with random filters on every rule type but grant and
 * per_unit rules of every unit: each rule leaves the centres it does not
 * see as they were, its shortfall record is the money it left undone, and
 * the books are exact to the öre (the checks of replay_and_compare). */
static void test_random_filters(void **state)
{
    (void)state;
    for (int k = 0; k < N_SCEN / 2; k++) {
        vs_scenario *sc = gen_scenario(0);
        for (size_t v = 0; v < sc->n_variants; v++) {
            if (chance(0.5))
                gen_per_unit(sc, v);
            for (size_t q = 0; q < sc->variants[v].n_rules; q++) {
                vs_rule *r = &sc->variants[v].rules[q];
                if (r->type != VS_RULE_GRANT && chance(0.6))
                    gen_filter(sc, r);
            }
        }
        bench b;
        bench_ready(&b, sc);
        replay_and_compare(&b, 0);
        bench_free(&b);
    }
    print_message("filters: %d centres unseen, %d per_unit rules, %d rules "
                  "seeing nobody\n", fseen.unseen, fseen.per_unit, fseen.nobody);
    assert_true(fseen.unseen > 0 && fseen.per_unit > 0 && fseen.nobody > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_scenarios),
        cmocka_unit_test(test_random_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
