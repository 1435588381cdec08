/* test_metrics_order.c: the orders the metrics try before sorting
 * (src/engine/metrics.c, sort_per_capita) against the sort itself.
 *
 * The per-capita order decides the order in which Gini's sum adds its
 * terms, so a candidate order may be used only when it is exactly the
 * order a stable sort by key gives.  The metrics' own tests compare
 * workspaces, which take the same paths; here the static helpers are
 * compared with sort_items directly, so a repaired order that is not the
 * sort's fails even where the metrics would agree to many digits.  The
 * file includes metrics.c, so these are the library's functions as
 * built (the test defines every symbol of metrics.o, which the archive
 * then does not add). */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "../src/engine/metrics.c"

enum { MAXN = 1200 };

static unsigned long next(unsigned long *s)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return *s >> 33;
}

/* The stable sort of keys 0..m by sort_items, as positions. */
static void sorted_by_sort(const uint64_t *key, size_t m, uint32_t *out)
{
    static sort_item it[MAXN], tmp[MAXN];
    for (size_t j = 0; j < m; j++)
        it[j] = (sort_item){key[j], (uint32_t)j, 0};
    sort_items(it, tmp, m);
    for (size_t j = 0; j < m; j++)
        out[j] = it[j].idx;
}

/* Keys nearly in a known order (a capitation by need rounded to the
 * öre: neighbours swapped, runs of equal keys), and random keys: the
 * repair gives the sort's order whenever it finishes, it finishes on the
 * nearly ordered ones, and in_order accepts an order exactly when it is
 * the sort's. */
static void test_repair_is_the_sort(void **state)
{
    (void)state;
    static uint64_t key[MAXN];
    static uint32_t start[MAXN], want[MAXN], got[MAXN];
    unsigned long s = 17;
    int repaired = 0, refused = 0;
    for (int rep = 0; rep < 600; rep++) {
        size_t m = rep % 100 == 99 ? 1150 : 1 + next(&s) % 80;
        int kind = rep % 3;
        for (size_t j = 0; j < m; j++)
            start[j] = (uint32_t)j;
        /* a start order: a random permutation, or for the runs of ties
         * positions ascending but for a few neighbours swapped (the
         * stable sort orders ties by position, so a run in random order
         * is far from sorted) */
        for (size_t j = m; kind == 1 && j > 1; j--)
            if (next(&s) % 8 == 0) {
                uint32_t t = start[j - 1];
                start[j - 1] = start[j - 2];
                start[j - 2] = t;
            }
        for (size_t j = m; kind != 1 && j > 1; j--) {
            size_t r = next(&s) % j;
            uint32_t t = start[j - 1];
            start[j - 1] = start[r];
            start[r] = t;
        }
        for (size_t t = 0; t < m; t++) {
            uint32_t j = start[t];
            if (kind == 0) /* rising along start, a few steps back, ties */
                key[j] = 1000000 + 100 * t - (next(&s) % 7 == 0 ? 150 : 0) +
                         (next(&s) % 5 == 0 ? 0 : next(&s) % 3);
            else if (kind == 1) /* long runs of ties, a step back now and then */
                key[j] = 5 + t / 16 - (next(&s) % 11 == 0);
            else /* no relation to start */
                key[j] = next(&s);
        }
        sorted_by_sort(key, m, want);
        if (repair_order(key, start, m, got)) {
            assert_memory_equal(got, want, m * sizeof *got);
            repaired++;
        } else {
            refused++;
            assert_int_equal(kind, 2); /* only the unrelated ones */
        }
        assert_int_equal(in_order(key, want, m), 1);
        int same = memcmp(start, want, m * sizeof *start) == 0;
        assert_int_equal(in_order(key, start, m), same);
    }
    assert_true(repaired > 300);
    assert_true(refused > 100);
}

/* An earlier order with some keys changed (a fifth, half, more than
 * half; to values among the others', equal ones included): the merge
 * gives the sort's order of the new keys, or declines past half. */
static void test_merge_changed_is_the_sort(void **state)
{
    (void)state;
    static uint64_t prev_key[MAXN], key[MAXN];
    static uint32_t prev[MAXN], want[MAXN], got[MAXN];
    static sort_item items[MAXN], tmp[MAXN];
    unsigned long s = 99;
    int merged = 0, declined = 0;
    for (int rep = 0; rep < 600; rep++) {
        size_t m = rep % 100 == 99 ? 1150 : 1 + next(&s) % 90;
        unsigned long spread = rep % 2 ? 50 : 1000000; /* ties or not */
        for (size_t j = 0; j < m; j++)
            prev_key[j] = next(&s) % spread;
        sorted_by_sort(prev_key, m, prev);
        unsigned long every = 2 + (unsigned long)(rep % 4); /* 1/2 .. 1/5 */
        if (rep % 7 == 0)
            every = 1; /* all of them */
        for (size_t j = 0; j < m; j++)
            key[j] = next(&s) % every == 0 ? next(&s) % spread : prev_key[j];
        size_t changed = 0;
        for (size_t j = 0; j < m; j++)
            changed += key[j] != prev_key[j];
        sorted_by_sort(key, m, want);
        if (merge_changed(key, prev_key, prev, m, items, tmp, got)) {
            assert_true(changed <= m / 2);
            assert_memory_equal(got, want, m * sizeof *got);
            merged++;
        } else {
            assert_true(changed > m / 2);
            declined++;
        }
    }
    assert_true(merged > 300);
    assert_true(declined > 30);
}

/* dense_chains with a candidate order (src/engine/metrics.c): it must
 * accept the candidate exactly when in_order does (the stable sort's
 * order: keys ascending, ties by position), and then give the sums of
 * the unchecked loop over the sort's order, to the bit.  Candidates:
 * the sort's order, it with two neighbours swapped (a tie among them put
 * the wrong way round, or a step back), and an unrelated permutation. */
static void test_checked_chains(void **state)
{
    (void)state;
    vs_metric_ws *ws = vs_metric_ws_alloc(MAXN);
    assert_non_null(ws);
    static uint32_t want[MAXN], cand[MAXN];
    unsigned long s = 5;
    int accepted = 0, refused = 0, tie_refused = 0;
    for (int rep = 0; rep < 600; rep++) {
        size_t m = rep % 100 == 99 ? 1150 : 1 + next(&s) % 70;
        unsigned long spread = rep % 2 ? 6 : 1000000; /* ties or not */
        ws->m = m;
        for (size_t j = 0; j < m; j++) {
            ws->fkey[j] = 0x8000000000000000u + next(&s) % spread;
            ws->kp[j] = (double)(1 + next(&s) % 9000);
            ws->f[j] = (double)(ws->fkey[j] & 0xffffff) / 7.0;
            ws->ad[j] = ws->f[j] * ws->kp[j];
            ws->ratio[j] = (double)next(&s) / 3.0;
            ws->cov_term[j] = (double)next(&s) / 5.0 - 1e9;
            ws->dis_term[j] = (double)next(&s) / 11.0;
        }
        sorted_by_sort(ws->fkey, m, want);
        memcpy(cand, want, m * sizeof *cand);
        int kind = rep % 3;
        if (kind == 1 && m > 1) {
            size_t t = next(&s) % (m - 1);
            uint32_t x = cand[t];
            cand[t] = cand[t + 1];
            cand[t + 1] = x;
            tie_refused += ws->fkey[cand[t]] == ws->fkey[cand[t + 1]];
        }
        for (size_t j = m; kind == 2 && j > 1; j--) {
            size_t r = next(&s) % j;
            uint32_t x = cand[j - 1];
            cand[j - 1] = cand[r];
            cand[r] = x;
        }
        chains got, ref;
        int ok = dense_chains(ws, cand, 1, 0.5, &got);
        assert_int_equal(ok, in_order(ws->fkey, cand, m));
        assert_int_equal(dense_chains(ws, want, 0, 0.5, &ref), 1);
        if (ok) {
            assert_memory_equal(&got, &ref, sizeof got);
            accepted++;
        } else {
            refused++;
        }
        /* the unchecked loop: the general loop of vs_metrics_compute */
        double W = 0, S = 0, g = 0, t = 0, cov = 0.5, d = 0;
        for (size_t k = 0; k < m; k++) {
            uint32_t j = want[k];
            g += ws->kp[j] * (ws->f[j] * W - S);
            W += ws->kp[j];
            S += ws->ad[j];
            t += ws->ratio[k];
            cov += ws->cov_term[k];
            d += ws->dis_term[k];
        }
        chains by_hand = {g, t, cov, d};
        assert_memory_equal(&ref, &by_hand, sizeof ref);
    }
    assert_true(accepted > 200);
    assert_true(refused > 200);
    assert_true(tie_refused > 20);
    vs_metric_ws_free(ws);
}

/* vs_metrics_prepare against its definition written out here (the loop
 * over groups of equal CNI for every centre, kept[] looked up for every
 * centre): every array and total it sets, to the bit.  Centres all kept
 * (the dense version of prepare_ranks) and some with nobody listed;
 * CNIs all different, and many equal. */
static void test_prepare_as_defined(void **state)
{
    (void)state;
    vs_metric_ws *ws = vs_metric_ws_alloc(MAXN);
    assert_non_null(ws);
    static double p[MAXN], c[MAXN], need[MAXN], dev[MAXN];
    static uint32_t kept[MAXN];
    static sort_item it[MAXN], tmp[MAXN];
    unsigned long s = 31;
    for (int rep = 0; rep < 400; rep++) {
        size_t n = rep % 50 == 49 ? 1150 : 1 + next(&s) % 80;
        int some_empty = rep % 3 == 1, ties = rep % 2;
        for (size_t i = 0; i < n; i++) {
            p[i] = some_empty && next(&s) % 5 == 0 ? 0 : (double)(1 + next(&s) % 20000);
            c[i] = ties ? 0.5 + 0.25 * (double)(next(&s) % 5)
                        : 0.5 + (double)(next(&s) % 1000000) / 1e6;
            need[i] = p[i] * c[i];
        }
        const double *nd = rep % 4 == 3 ? NULL : need;
        vs_metrics_prepare(ws, n, p, c, nd, 1.1);
        /* the definition */
        size_t m = 0;
        double P = 0, N = 0, Npc = 0;
        for (size_t i = 0; i < n; i++) {
            N += nd ? nd[i] : p[i] * c[i];
            Npc += p[i] * c[i];
            if (p[i] > 0) {
                kept[m++] = (uint32_t)i;
                P += p[i];
            }
        }
        assert_int_equal(ws->m, m);
        assert_memory_equal(ws->kept, kept, m * sizeof *kept);
        assert_memory_equal(&ws->P, &P, sizeof P);
        assert_memory_equal(&ws->N, &N, sizeof N);
        for (size_t i = 0; i < n; i++) {
            double want = (nd ? nd[i] : p[i] * c[i]) * (N > 0 ? 1 / N : 0);
            assert_memory_equal(&ws->need_share[i], &want, sizeof want);
        }
        for (size_t j = 0; j < m; j++) {
            double nj = nd ? nd[kept[j]] : p[kept[j]] * c[kept[j]];
            double want = nj > 0 ? N / nj : 0;
            assert_memory_equal(&ws->inv_need_share[j], &want, sizeof want);
        }
        for (size_t j = 0; j < m; j++)
            it[j] = (sort_item){double_key(c[kept[j]]), (uint32_t)j, 0};
        sort_items(it, tmp, m);
        double below = 0;
        for (size_t j = 0; j < m;) {
            size_t g = j;
            double group = 0;
            while (g < m && it[g].key == it[j].key)
                group += p[kept[it[g++].idx]];
            for (size_t t = j; t < g; t++)
                dev[it[t].idx] = (below + group / 2) / P;
            below += group;
            j = g;
        }
        double rbar = 0, cov = 0;
        for (size_t j = 0; j < m; j++)
            rbar += p[kept[j]] * dev[j];
        rbar = m ? rbar / P : 0;
        for (size_t j = 0; j < m; j++) {
            dev[j] -= rbar;
            cov += p[kept[j]] * c[kept[j]] * dev[j];
            assert_int_equal(ws->need_order[j], it[j].idx);
        }
        assert_memory_equal(ws->dev, dev, m * sizeof *dev);
        double ci = Npc > 0 ? 2 * cov / Npc : NAN;
        assert_memory_equal(&ws->ci_cni, &ci, sizeof ci);
    }
    vs_metric_ws_free(ws);
}

/* max_loss divides only where a centre can raise the maximum (dense_pass
 * in vector lanes, general_pass one by one): x = b - a against fl(m b),
 * m the maximum so far.  The edge case is a loss whose x equals fl(m b)
 * while fl(x / b) > m: a test with > instead of >= would skip it.  Such a
 * centre is searched for (amounts near 2^45, where fl(m b) is an integer
 * about one time in a hundred and fifty), put in lane 0 four centres after the one
 * that sets m, and both paths must give the loss of dividing at every
 * centre, to the bit. */
static void test_max_loss_edge(void **state)
{
    (void)state;
    enum { N = 8 };
    double p[N + 1], c[N + 1];
    vs_ore a[N + 1], b[N + 1];
    vs_metric_ws *ws = vs_metric_ws_alloc(N + 1);
    assert_non_null(ws);
    unsigned long s = 5;
    int found = 0;
    for (int rep = 0; rep < 20000 && found < 8; rep++) {
        /* m near 1 and b just above 2^45: m b falls in the binade of
         * 2^45, whose spacing is twice m's times b, so a quotient can
         * land above m with x = fl(m b) */
        vs_ore y0 = (INT64_C(1) << 45) + (vs_ore)next(&s);
        vs_ore x0 = y0 - y0 / 100 - (vs_ore)(next(&s) % 1000);
        double m = (double)x0 / (double)y0;
        vs_ore y = (INT64_C(1) << 45) + (vs_ore)(next(&s) << 9) + (vs_ore)next(&s);
        double xm = m * (double)y;
        vs_ore x = (vs_ore)xm;
        if ((double)x != xm || !((double)x / (double)y > m))
            continue; /* not the edge */
        found++;
        for (size_t i = 0; i < N; i++) {
            p[i] = 1000.0 + (double)i;
            c[i] = 1.0 + 0.01 * (double)i;
            b[i] = (INT64_C(1) << 40) + (vs_ore)i;
            a[i] = b[i] - (vs_ore)(i % 4); /* small losses in the other lanes */
        }
        b[0] = y0, a[0] = y0 - x0;
        b[4] = y, a[4] = y - x;
        p[N] = 0, c[N] = 1.0, a[N] = 0, b[N] = 0;
        double want = 0;
        for (size_t i = 0; i < N; i++) {
            double loss = (double)(b[i] - a[i]) / (double)b[i];
            want = loss > want ? loss : want;
        }
        assert_true(want > m);
        for (size_t n = N; n <= N + 1; n++) { /* dense, then general */
            double out[VS_M_COUNT];
            vs_metrics_prepare(ws, n, p, c, NULL, 1.1);
            vs_metrics_compute(ws, a, b, out);
            if (memcmp(&out[VS_M_MAX_LOSS], &want, sizeof want) != 0)
                fail_msg("n %zu: max_loss %.17g, dividing everywhere %.17g", n,
                         out[VS_M_MAX_LOSS], want);
        }
    }
    assert_true(found >= 8);
    vs_metric_ws_free(ws);
}

/* sort_items on more than LSD_MANY keys (digits of 11 bits) and on fewer (bytes)
 * against qsort by (key, position), the one order a stable sort gives:
 * doubles crowded around 1 as the CNIs of 100,000 centres are (the case
 * the wider digits are for), the same with many exact ties, and unrelated
 * 64-bit keys. */
static int by_key_then_idx(const void *x, const void *y)
{
    const sort_item *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void test_sort_items_many(void **state)
{
    (void)state;
    enum { BIG = 3 * LSD_MANY };
    static sort_item it[BIG], tmp[BIG], want[BIG];
    unsigned long s = 23;
    for (int rep = 0; rep < 9; rep++) {
        size_t n = rep % 3 == 2 ? LSD_MANY : BIG - (size_t)rep;
        for (size_t j = 0; j < n; j++) {
            uint64_t key;
            if (rep / 3 == 0) { /* about 1, a few spread far */
                double c = 1.0 + (double)(next(&s) % 100000) * 1e-9 +
                           (next(&s) % 50 == 0 ? (double)(next(&s) % 1000) : 0);
                key = double_key(c);
            } else if (rep / 3 == 1) { /* a few hundred values, each many times */
                key = double_key(0.5 + (double)(next(&s) % 300) * 1e-7);
            } else {
                key = ((uint64_t)next(&s) << 33) ^ next(&s);
            }
            it[j] = want[j] = (sort_item){key, (uint32_t)j, 0};
        }
        qsort(want, n, sizeof *want, by_key_then_idx);
        sort_items(it, tmp, n);
        for (size_t j = 0; j < n; j++)
            if (it[j].idx != want[j].idx)
                fail_msg("rep %d, n %zu: position %zu holds %u, the stable sort %u",
                         rep, n, j, it[j].idx, want[j].idx);
    }
}

/* More than CANDIDATES_MAX centres: dense_sums then takes the order from
 * sort_per_capita without checking the candidates first.  Every metric
 * must be the general path's (one more centre, with nobody listed, so
 * that the candidates are checked as usual), to the bit, for a baseline
 * funding nearly in need order, a cut of it (nearly the baseline's
 * order), a pot moving a fifth of the centres (the merge) and amounts
 * without relation to either (the full sort). */
static void test_many_centres_as_general(void **state)
{
    (void)state;
    /* not a multiple of four or of DENSE_BLOCK: a last block with a tail */
    enum { N = CANDIDATES_MAX + 1003, NV = 4 };
    static double p[N + 1], c[N + 1];
    static vs_ore a[NV][N + 1];
    unsigned long s = 41;
    for (size_t i = 0; i < N; i++) {
        p[i] = (double)(2000 + next(&s) % 20000);
        c[i] = 0.6 + (double)(next(&s) % 140000) * 1e-5;
        a[0][i] = (vs_ore)(p[i] * c[i] * 4000.0) + (vs_ore)(next(&s) % 3);
        a[1][i] = a[0][i] - a[0][i] / 7 + (vs_ore)(next(&s) % 2);
        a[2][i] = a[0][i] + (next(&s) % 5 == 0 ? (vs_ore)(next(&s) % 900000) : 0);
        a[3][i] = (vs_ore)(next(&s) % 100000000);
    }
    p[N] = 0, c[N] = 1.0;
    for (int v = 0; v < NV; v++)
        a[v][N] = 0;
    vs_metric_ws *dense = vs_metric_ws_alloc(N + 1), *general = vs_metric_ws_alloc(N + 1);
    assert_non_null(dense);
    assert_non_null(general);
    vs_metrics_prepare(dense, N, p, c, NULL, 1.1);
    vs_metrics_prepare(general, N + 1, p, c, NULL, 1.1);
    /* Each variant three ways: without a total, with its total (the
     * terms added a block at a time, dense_blocks) and with a wrong one
     * (dense_blocks declines, the passes run as usual). */
    for (int v = 0; v < NV; v++) {
        double want[VS_M_COUNT], got[3][VS_M_COUNT];
        const vs_ore *base = v ? a[0] : NULL;
        vs_ore sum = 0;
        for (size_t i = 0; i < N; i++)
            sum += a[v][i];
        vs_metrics_compute(general, a[v], base, want);
        vs_metrics_compute(dense, a[v], base, got[0]);
        vs_metrics_compute_total(dense, a[v], base, sum, got[1]);
        vs_metrics_compute_total(dense, a[v], base, sum + 1, got[2]);
        for (int w = 0; w < 3; w++)
            for (int k = 0; k < VS_M_COUNT; k++)
                if (memcmp(&want[k], &got[w][k], sizeof want[k]) != 0)
                    fail_msg("variant %d (way %d), %s: %.17g, the general path %.17g", v,
                             w, vs_metric_name((vs_metric)k), got[w][k], want[k]);
    }
    vs_metric_ws_free(dense);
    vs_metric_ws_free(general);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repair_is_the_sort),
        cmocka_unit_test(test_merge_changed_is_the_sort),
        cmocka_unit_test(test_checked_chains),
        cmocka_unit_test(test_prepare_as_defined),
        cmocka_unit_test(test_max_loss_edge),
        cmocka_unit_test(test_sort_items_many),
        cmocka_unit_test(test_many_centres_as_general),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
