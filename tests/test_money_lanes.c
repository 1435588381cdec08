/* test_money_lanes.c: the vector-lane helpers of src/engine/money.c
 * against the one-by-one tests they stand for.
 *
 * The water-filling and the largest remainder check, four items at a
 * time, what the scalar loops check item by item; when a lane test says
 * "nothing to do" the scalar loop is skipped, so a lane test that misses
 * a case would skip a correction that happens only with floating-point
 * noise at a bound, which the tests through vs_money_waterfill seldom
 * reach.  Here each helper meets the scalar definition directly, on
 * values put on the boundaries.  The file includes money.c, so these are
 * the library's functions as built (the test defines every symbol of
 * money.o, which the archive then does not add). */
#include "helpers.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../src/engine/money.c"

enum { MAXN = 70 };

static uint64_t rng = 12345;
static uint64_t rnd(uint64_t n)
{
    return vs_test_rnd_u64(&rng) % n;
}

/* level_violated4 says an item is out of [x, rem] at t w exactly when
 * step 1's loop would find one (v < x or v > rem). */
static void test_level_violated(void **state)
{
    (void)state;
    double w[MAXN], x[MAXN], rem[MAXN];
    int seen[2] = {0, 0};
    for (int rep = 0; rep < 20000; rep++) {
        size_t n = rnd(MAXN);
        double t = (double)(1 + rnd(1000)) / 64.0;
        for (size_t i = 0; i < n; i++) {
            w[i] = (double)(1 + rnd(4000));
            x[i] = rnd(3) ? 0.0 : rnd(2) ? -INFINITY : t * w[i];
            rem[i] = rnd(4) ? t * w[i] + (double)rnd(50) : t * w[i];
        }
        if (n && rep % 2) { /* one item just past a bound */
            size_t i = rnd(n);
            if (rnd(2))
                rem[i] = nextafter(t * w[i], -INFINITY);
            else
                x[i] = nextafter(t * w[i], INFINITY);
        }
        int want = 0;
        for (size_t i = 0; i < n; i++) {
            double v = t * w[i];
            want |= v < x[i] || v > rem[i];
        }
        assert_int_equal(level_violated4(t, w, x, rem, n), want);
        seen[want]++;
    }
    assert_true(seen[0] > 1000 && seen[1] > 1000);
}

/* placed_outside4 never says "inside" when an item is below x or above
 * hi (the scalar check would move it), and says "inside" for parts in
 * range that are within their bounds. */
static void test_placed_outside(void **state)
{
    (void)state;
    vs_ore out[MAXN];
    double x[MAXN], hi[MAXN];
    int seen[2] = {0, 0};
    for (int rep = 0; rep < 20000; rep++) {
        size_t n = rnd(MAXN);
        int with_hi = rep % 4 != 0, odd_part = rep % 7 == 3;
        for (size_t i = 0; i < n; i++) {
            out[i] = (vs_ore)rnd(1000000);
            x[i] = rnd(2) ? 0.0 : (double)out[i] - (double)rnd(3);
            hi[i] = (double)out[i] + (rnd(2) ? 0.5 * (double)rnd(3) : 0.0);
        }
        if (n && rep % 2) { /* one item just outside */
            size_t i = rnd(n);
            if (rnd(2) || !with_hi)
                x[i] = (double)out[i] + 0.5;
            else
                hi[i] = nextafter((double)out[i], -INFINITY);
        }
        if (n && odd_part) /* past the lanes' range, or negative */
            out[rnd(n)] = rnd(2) ? VS_V4_I2D_MAX + 7 : -3;
        int outside = 0, odd = 0;
        for (size_t i = 0; i < n; i++) {
            double o = (double)out[i];
            outside |= o < x[i] || (with_hi && !(o <= hi[i]));
            odd |= out[i] < 0 || out[i] >= VS_V4_I2D_MAX;
        }
        int got = placed_outside4(out, x, with_hi ? hi : NULL, n);
        if (outside)
            assert_int_equal(got, 1);
        else if (!odd)
            assert_int_equal(got, 0);
        seen[got]++;
    }
    assert_true(seen[0] > 1000 && seen[1] > 1000);
}

/* give_top4 over 0..m-1: the same öre above the boundary bin and the
 * same list of the boundary bin's items, in the same order, as the loop
 * in give_top; remainders on the bins' edges (b / BINS exactly, and the
 * doubles either side) and in the last bin, whose clamp has no bin above. */
static void test_give_top_lanes(void **state)
{
    (void)state;
    double rem[MAXN];
    vs_ore got[MAXN], want[MAXN];
    size_t few_got[MAXN + 1], few_want[MAXN + 1];
    int some_few = 0, some_above = 0;
    for (int rep = 0; rep < 20000; rep++) {
        size_t m = rnd(MAXN);
        size_t b = rep % 5 == 0 ? BINS - 1 : rnd(BINS);
        for (size_t i = 0; i < m; i++) {
            size_t bin = rnd(3) ? b : rnd(BINS);
            double r = (double)bin / BINS;
            switch (rnd(4)) {
            case 0: break;
            case 1: r = nextafter(r, -INFINITY); break;
            case 2: r = nextafter(r, INFINITY); break;
            default: r += (double)rnd(1000) / (1000.0 * BINS); break;
            }
            rem[i] = r < 0 ? 0 : r >= 1 ? nextafter(1.0, 0.0) : r;
            got[i] = want[i] = (vs_ore)rnd(100);
        }
        size_t cw = 0, cg = 0;
        for (size_t i = 0; i < m; i++) { /* give_top's loop, idx[j] == j */
            size_t bi = bin_of(rem[i]);
            want[i] += bi > b;
            some_above |= bi > b;
            if (bi == b)
                few_want[cw++] = i;
        }
        size_t j = give_top4(rem, m, b, got, few_got, &cg);
        for (; j < m; j++) { /* the caller's tail */
            size_t bi = bin_of(rem[j]);
            got[j] += bi > b;
            few_got[cg] = j;
            cg += bi == b;
        }
        assert_memory_equal(got, want, m * sizeof *got);
        assert_int_equal(cg, cw);
        assert_memory_equal(few_got, few_want, cw * sizeof *few_got);
        some_few |= cw > 0;
    }
    assert_true(some_few && some_above);
}

/* caps_outside4, both tests, against their one-by-one definitions: at
 * the level, t w_i below 0 or above rem_i; placed, out_i below 0, not
 * below 2^51, or above hi_i (bounds put on the parts and either side). */
static void test_caps_outside(void **state)
{
    (void)state;
    double w[MAXN], rem[MAXN], hi[MAXN];
    vs_ore out[MAXN];
    int seen[2][2] = {{0, 0}, {0, 0}};
    for (int rep = 0; rep < 40000; rep++) {
        size_t n = rnd(MAXN);
        int placed = rep % 2;
        double t = (double)(1 + rnd(1000)) / 64.0;
        for (size_t i = 0; i < n; i++) {
            w[i] = (double)(1 + rnd(4000));
            double v = t * w[i];
            rem[i] = v + (rnd(2) ? 0.0 : (double)rnd(3));
            out[i] = (vs_ore)rnd(1000000);
            hi[i] = (double)out[i] + (rnd(2) ? 0.5 * (double)rnd(3) : 0.0);
        }
        if (n && rep % 4 >= 2) { /* one item just outside */
            size_t i = rnd(n);
            switch (rnd(4)) {
            case 0: rem[i] = nextafter(t * w[i], -INFINITY); break;
            case 1: hi[i] = nextafter((double)out[i], -INFINITY); break;
            case 2: out[i] = -1; break;
            default: out[i] = VS_V4_I2D_MAX + (vs_ore)rnd(3); break;
            }
        }
        int want = 0;
        for (size_t i = 0; i < n; i++) {
            if (placed)
                want |= out[i] < 0 || out[i] >= VS_V4_I2D_MAX ||
                        !((double)out[i] <= hi[i]);
            else
                want |= t * w[i] < 0 || t * w[i] > rem[i];
        }
        int got = caps_outside4(placed, t, w, rem, out, hi, n);
        assert_int_equal(got, want);
        seen[placed][got]++;
    }
    assert_true(seen[0][0] > 1000 && seen[0][1] > 1000 &&
                seen[1][0] > 1000 && seen[1][1] > 1000);
}

/* caps_all_free, the water-filling with upper bounds only when every
 * item stays free: where it says it placed the amount, the general path
 * (the same call with lower bounds of -inf, which sets up every item
 * one by one and runs both steps) gives the same parts; and
 * vs_money_waterfill with and without it agree in every case.  Cases:
 * caps that never bind, caps near the water level t w_i (at its floor or
 * ceiling, so that one binds at the level or the öre step), a weight of
 * 0, a bound out of the lanes' range (negative, past 2^51, infinite), and
 * tails of 0-3 items. */
static void test_caps_all_free(void **state)
{
    (void)state;
    double w[MAXN], hi[MAXN], lo[MAXN], x[MAXN], rem[MAXN];
    vs_ore got[MAXN], want[MAXN];
    size_t idx[MAXN];
    unsigned char clamped[MAXN];
    int fast = 0, declined = 0, near = 0;
    for (int rep = 0; rep < 20000; rep++) {
        size_t n = rnd(MAXN);
        vs_ore amount = (vs_ore)rnd(rep % 3 ? 100000000 : 1000);
        double W = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = (double)(1 + rnd(4000)) * (rnd(2) ? 1.0 : 0.37);
            W += w[i];
            lo[i] = -INFINITY;
        }
        double t = (double)amount / W;
        for (size_t i = 0; i < n; i++) {
            double v = t * w[i];
            switch (rep % 4 == 0 ? rnd(8) : 7) {
            case 0: hi[i] = floor(v); break;
            case 1: hi[i] = ceil(v); break;
            case 2: hi[i] = floor(v) + 0.5; break;
            default: hi[i] = v * 2 + 10; break;
            }
        }
        if (n && rep % 9 == 1)
            w[rnd(n)] = 0;
        if (n && rep % 11 == 2) {
            static const double odd[] = {-1.0, 0x1p51, INFINITY, 0x1p60};
            hi[rnd(n)] = odd[rnd(4)];
        }
        vs_ore placed = caps_all_free(amount, w, hi, n, got, rem, idx) ? amount : -1;
        vs_ore general = vs_money_waterfill(amount, w, lo, hi, n, want, x, rem,
                                            idx, clamped);
        if (placed >= 0) {
            assert_int_equal(general, amount);
            assert_memory_equal(got, want, n * sizeof *got);
            fast++;
            near += rep % 4 == 0;
        } else {
            declined++;
        }
        vs_ore via = vs_money_waterfill(amount, w, NULL, hi, n, got, x, rem,
                                        idx, clamped);
        assert_int_equal(via, general);
        assert_memory_equal(got, want, n * sizeof *got);
    }
    assert_true(fast > 5000 && declined > 2000 && near > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_violated),
        cmocka_unit_test(test_placed_outside),
        cmocka_unit_test(test_give_top_lanes),
        cmocka_unit_test(test_caps_outside),
        cmocka_unit_test(test_caps_all_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
