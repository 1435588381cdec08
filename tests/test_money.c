/* test_money.c: öre conversion, formatting, largest remainder, water-filling.
 *
 * Expected values are worked out by hand in the comments; the random tests
 * compare against a plain reference written here (a full sort instead of a
 * selection, a bisection instead of variable fixing), so a bug must be made
 * twice, in two different ways, to pass. */
#include "helpers.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/error.h"
#include "engine/money.h"

#define N_MAX 64
#define N_BIG 3000 /* test_apportion_large */

/* A small local PRNG (xorshift64*) so the random tests are reproducible
 * without GSL. */
static uint64_t rng_state;
static uint64_t rnd_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static double rnd_unif(void) { return (double)(rnd_u64() >> 11) * 0x1.0p-53; }
static size_t rnd_int(size_t n) { return (size_t)(rnd_u64() % n); }

/* ------------------------------------------------------------------ */
/* Conversion                                                          */

static vs_ore sek(double v)
{
    vs_ore o = -999;
    assert_int_equal(vs_money_from_sek(v, &o), VS_OK);
    return o;
}

static void test_from_sek_rounding(void **state)
{
    (void)state;
    assert_int_equal(sek(0), 0);
    assert_int_equal(sek(1), 100);
    assert_int_equal(sek(-1234.5), -123450);
    /* 0.125 SEK is exactly 12.5 öre in binary: a half, away from zero. */
    assert_int_equal(sek(0.125), 13);
    assert_int_equal(sek(-0.125), -13);
    assert_int_equal(sek(0.375), 38);  /* 37.5 -> 38 */
    assert_int_equal(sek(0.124), 12);  /* 12.4 -> 12 */
    /* 0.005 is 0.00500000000000000010 in binary; x 100 rounds to 0.5
     * exactly in double, a half: 1 öre, and -1 for the negative. */
    assert_int_equal(sek(0.005), 1);
    assert_int_equal(sek(-0.005), -1);
    /* The documented rule rounds the double product: 2.675 SEK is
     * 2.67499999999999982 in binary, but 2.675 * 100 rounds to 267.5 in
     * double, so 268; 1.005 * 100 is 100.49999999999999 in double, so 100. */
    assert_int_equal(sek(2.675), 268);
    assert_int_equal(sek(1.005), 100);
    /* Whole SEK amounts of a region are exact. */
    assert_int_equal(sek(980000000.0), 98000000000LL);
    assert_int_equal(sek(1e15), 100000000000000000LL);
    assert_int_equal(sek(-1e15), -100000000000000000LL);
}

static void test_from_sek_errors(void **state)
{
    (void)state;
    vs_ore o = 42;
    assert_int_equal(vs_money_from_sek(1.0000001e15, &o), VS_ERUN);
    assert_int_equal(vs_money_from_sek(-2e15, &o), VS_ERUN);
    assert_int_equal(vs_money_from_sek(INFINITY, &o), VS_ERUN);
    assert_int_equal(vs_money_from_sek(-INFINITY, &o), VS_ERUN);
    assert_int_equal(vs_money_from_sek(NAN, &o), VS_ERUN);
    assert_int_equal(o, 42); /* untouched on error */

    assert_int_equal(vs_money_from_ore_double(12.5, &o), VS_OK);
    assert_int_equal(o, 13);
    assert_int_equal(vs_money_from_ore_double(-12.5, &o), VS_OK);
    assert_int_equal(o, -13);
    assert_int_equal(vs_money_from_ore_double(99.49, &o), VS_OK);
    assert_int_equal(o, 99);
    o = 7;
    assert_int_equal(vs_money_from_ore_double(1.1e17, &o), VS_ERUN);
    assert_int_equal(vs_money_from_ore_double(NAN, &o), VS_ERUN);
    assert_int_equal(o, 7);
}

static void test_add(void **state)
{
    (void)state;
    vs_ore o = 5;
    assert_int_equal(vs_money_add(2, 3, &o), VS_OK);
    assert_int_equal(o, 5);
    assert_int_equal(vs_money_add(INT64_MAX, 1, &o), VS_ERUN);
    assert_int_equal(o, 5);
    assert_int_equal(vs_money_add(INT64_MIN, -1, &o), VS_ERUN);
    assert_int_equal(vs_money_add(INT64_MAX, INT64_MIN, &o), VS_OK);
    assert_int_equal(o, -1);
}

static void test_format(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(vs_money_format(0, '.', buf, sizeof buf), "0.00");
    assert_string_equal(vs_money_format(5, '.', buf, sizeof buf), "0.05");
    assert_string_equal(vs_money_format(-5, '.', buf, sizeof buf), "-0.05");
    assert_string_equal(vs_money_format(-50, '.', buf, sizeof buf), "-0.50");
    assert_string_equal(vs_money_format(123450, ',', buf, sizeof buf), "1234,50");
    assert_string_equal(vs_money_format(-123456, '.', buf, sizeof buf), "-1234.56");
    assert_string_equal(vs_money_format(98000000000LL, '.', buf, sizeof buf),
                        "980000000.00");
    assert_string_equal(vs_money_format(INT64_MAX, '.', buf, sizeof buf),
                        "92233720368547758.07");
    assert_string_equal(vs_money_format(INT64_MIN, '.', buf, sizeof buf),
                        "-92233720368547758.08");

    /* Doubles: halves away from zero, NaN empty. */
    assert_string_equal(vs_money_format_double(12.5, '.', buf, sizeof buf), "0.13");
    assert_string_equal(vs_money_format_double(-12.5, '.', buf, sizeof buf), "-0.13");
    assert_string_equal(vs_money_format_double(-0.4, '.', buf, sizeof buf), "0.00");
    assert_string_equal(vs_money_format_double(123456.49, ',', buf, sizeof buf), "1234,56");
    assert_string_equal(vs_money_format_double(NAN, '.', buf, sizeof buf), "");
}

/* ------------------------------------------------------------------ */
/* Apportionment                                                       */

static void apportion(vs_ore amount, const double *w, size_t n, vs_ore *out,
                      vs_ore expect_placed)
{
    double rem[N_BIG];
    size_t idx[N_BIG];
    assert_int_equal(vs_money_apportion(amount, w, n, out, rem, idx), expect_placed);
}

static void assert_parts(const vs_ore *got, const vs_ore *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

static void test_apportion_hand(void **state)
{
    (void)state;
    vs_ore out[8];

    /* 1000 by 1:2:3:4: quotas 100, 200, 300, 400 exactly. */
    double w1[] = {1, 2, 3, 4};
    apportion(1000, w1, 4, out, 1000);
    assert_parts(out, (vs_ore[]){100, 200, 300, 400}, 4);

    /* 1001 by 1:1:1:1:2 (W = 6): quotas 166.833 x4 and 333.667; floors
     * sum to 997, the 4 öre left go to the four .833 remainders. */
    double w2[] = {1, 1, 1, 1, 2};
    apportion(1001, w2, 5, out, 1001);
    assert_parts(out, (vs_ore[]){167, 167, 167, 167, 333}, 5);

    /* 7 by 3:1:1: quotas 4.2, 1.4, 1.4; floors 6, one öre left, equal
     * remainders .4 at items 1 and 2: the lower index wins. */
    double w3[] = {3, 1, 1};
    apportion(7, w3, 3, out, 7);
    assert_parts(out, (vs_ore[]){4, 2, 1}, 3);

    /* Equal weights: 100 by 1:1:1 -> 33.33 each, the extra öre to item 0;
     * 2 by 1:1:1 -> 0.67 each, items 0 and 1. */
    double w4[] = {1, 1, 1};
    apportion(100, w4, 3, out, 100);
    assert_parts(out, (vs_ore[]){34, 33, 33}, 3);
    apportion(2, w4, 3, out, 2);
    assert_parts(out, (vs_ore[]){1, 1, 0}, 3);

    /* Negative amounts: |−7| by 3:1:1 as above, negated. */
    apportion(-7, w3, 3, out, -7);
    assert_parts(out, (vs_ore[]){-4, -2, -1}, 3);

    /* Zero weights get 0 and never a leftover öre: 5 by 0:1:0:1 -> 2.5
     * and 2.5, the extra öre to item 1. */
    double w5[] = {0, 1, 0, 1};
    apportion(5, w5, 4, out, 5);
    assert_parts(out, (vs_ore[]){0, 3, 0, 2}, 4);

    /* A weight so small its quota is 0.0...: still a candidate for the
     * leftover, unlike a zero weight (1 öre by 0 : 1e-300 : 0). */
    double w6[] = {0, 1e-300, 0};
    apportion(1, w6, 3, out, 1);
    assert_parts(out, (vs_ore[]){0, 1, 0}, 3);

    /* W = 0: nothing placed, everything 0 (out overwritten). */
    double w7[] = {0, 0, 0};
    out[0] = out[1] = out[2] = 99;
    apportion(500, w7, 3, out, 0);
    assert_parts(out, (vs_ore[]){0, 0, 0}, 3);

    /* n = 1 takes everything; n = 0 places nothing. */
    double w8[] = {0.3};
    apportion(12345, w8, 1, out, 12345);
    assert_int_equal(out[0], 12345);
    apportion(12345, w8, 0, out, 0);

    /* Amount 0. */
    apportion(0, w1, 4, out, 0);
    assert_parts(out, (vs_ore[]){0, 0, 0, 0}, 4);
}

/* When the quotas are rounded up, the floors can exceed the amount.  With
 * amounts near 2^53 öre the double cannot hold the amount itself:
 * 2^53 + 3 becomes 2^53 + 4 (ties to even), so one item's quota is one öre
 * too many, and two equal items get 2^52 + 2 each (floors 2^53 + 4).  One
 * öre is taken back from the smallest remainder (both 0), ties from the
 * higher index. */
static void test_apportion_floors_exceed(void **state)
{
    (void)state;
    vs_ore out[2];
    const vs_ore big = ((vs_ore)1 << 53) + 3;
    double one[] = {1.0};
    apportion(big, one, 1, out, big);
    assert_int_equal(out[0], big);
    double two[] = {1.0, 1.0};
    apportion(big, two, 2, out, big);
    assert_int_equal(out[0], ((vs_ore)1 << 52) + 2);
    assert_int_equal(out[1], ((vs_ore)1 << 52) + 1);
    apportion(-big, two, 2, out, -big);
    assert_int_equal(out[0], -(((vs_ore)1 << 52) + 2));
    assert_int_equal(out[1], -(((vs_ore)1 << 52) + 1));

    /* Two öre too many: 2^54 + 6 becomes 2^54 + 8 in double, so 1:1 gives
     * quotas 2^53 + 4 each.  The first öre comes back from item 1 (equal
     * remainders, higher index); that raises its remainder by one, so the
     * second comes from item 0. */
    const vs_ore bigger = ((vs_ore)1 << 54) + 6;
    apportion(bigger, two, 2, out, bigger);
    assert_int_equal(out[0], ((vs_ore)1 << 53) + 3);
    assert_int_equal(out[1], ((vs_ore)1 << 53) + 3);
}

/* The reference: the same quotas, remainders ranked by a full sort. */
static const double *ref_rem;
static int ref_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (ref_rem[a] != ref_rem[b])
        return ref_rem[a] > ref_rem[b] ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void ref_apportion(vs_ore amount, const double *w, size_t n, vs_ore *out)
{
    double W = 0, rem[N_BIG];
    size_t idx[N_BIG], m = 0;
    for (size_t i = 0; i < n; i++)
        W += w[i];
    vs_ore a = amount < 0 ? -amount : amount, sum = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        rem[i] = 0;
        if (W > 0 && w[i] > 0) {
            double q = (double)a * w[i] / W;
            out[i] = (vs_ore)floor(q);
            rem[i] = q - floor(q);
            sum += out[i];
            idx[m++] = i;
        }
    }
    ref_rem = rem;
    qsort(idx, m, sizeof *idx, ref_cmp);
    for (vs_ore j = 0; W > 0 && j < a - sum; j++)
        out[idx[j]]++;
    if (amount < 0)
        for (size_t i = 0; i < n; i++)
            out[i] = -out[i];
}

/* 10^5 random cases: the sum is exact, every part is the floor or the
 * ceiling of its quota, and the parts equal the sorted reference. */
static void test_apportion_random(void **state)
{
    (void)state;
    rng_state = 0x9E3779B97F4A7C15ULL;
    double w[N_MAX];
    vs_ore out[N_MAX], ref[N_MAX];
    for (int c = 0; c < 100000; c++) {
        size_t n = 1 + rnd_int(N_MAX);
        int kind = (int)rnd_int(4);
        for (size_t i = 0; i < n; i++) {
            double u = rnd_unif();
            if (rnd_int(5) == 0)
                w[i] = 0;
            else if (kind == 0)
                w[i] = (double)(1 + rnd_int(4)); /* many ties */
            else if (kind == 1)
                w[i] = u * 1e6;
            else
                w[i] = floor(u * 50000) * (0.5 + rnd_unif());
        }
        vs_ore amount = (vs_ore)(rnd_u64() % 2000000000000ULL);
        if (rnd_int(3) == 0)
            amount = (vs_ore)rnd_int(3 * n); /* fewer öre than items */
        if (rnd_int(4) == 0)
            amount = -amount;
        double W = 0;
        for (size_t i = 0; i < n; i++)
            W += w[i];
        vs_ore want = W > 0 ? amount : 0;
        apportion(amount, w, n, out, want);
        ref_apportion(amount, w, n, ref);
        vs_ore sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += out[i];
            assert_int_equal(out[i], ref[i]);
            if (W > 0) {
                double q = fabs((double)amount) * w[i] / W;
                vs_ore mag = out[i] < 0 ? -out[i] : out[i];
                assert_true(mag == (vs_ore)floor(q) || mag == (vs_ore)floor(q) + 1);
                if (w[i] == 0)
                    assert_int_equal(out[i], 0);
            } else {
                assert_int_equal(out[i], 0);
            }
        }
        assert_int_equal(sum, want);
    }
}

/* Hundreds to thousands of items, as in a region or the country: the
 * leftover öre's boundary bin (see give_top) then holds a handful of items
 * (listed on the stack) or, with equal or few distinct weights, hundreds
 * (ranked in place).  Both against the sorted reference. */
static void test_apportion_large(void **state)
{
    (void)state;
    rng_state = 0x2545F4914F6CDD1DULL;
    static double w[N_BIG];
    static vs_ore out[N_BIG], ref[N_BIG];
    for (int c = 0; c < 600; c++) {
        size_t n = 65 + rnd_int(N_BIG - 64);
        int kind = c % 4;
        for (size_t i = 0; i < n; i++) {
            double u = rnd_unif();
            if (kind == 0)
                w[i] = 1; /* one remainder for all: one bin */
            else if (kind == 1)
                w[i] = (double)(1 + rnd_int(3)); /* three remainders */
            else if (kind == 2)
                w[i] = 1000 + u * 30000; /* listed-like: spread */
            else
                w[i] = rnd_int(7) == 0 ? 0 : u * u * 1e7;
        }
        vs_ore amount = (vs_ore)(rnd_u64() % 4000000000000ULL);
        if (c % 5 == 0)
            amount = (vs_ore)rnd_int(2 * n); /* fewer öre than items */
        double W = 0;
        for (size_t i = 0; i < n; i++)
            W += w[i];
        apportion(amount, w, n, out, W > 0 ? amount : 0);
        ref_apportion(amount, w, n, ref);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], ref[i]);
        /* the same with the weights' sum handed in */
        static double rem[N_BIG];
        static size_t idx[N_BIG];
        assert_int_equal(vs_money_apportion_summed(amount, w, W, n, ref, rem, idx),
                         W > 0 ? amount : 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], ref[i]);
    }
}

/* vs_money_rank_top on adversarial orders: sorted, reversed, all equal
 * (the index decides), checked against the sorted reference. */
/* Weights of any finite size (a listed of 1e305, a sum that overflows to
 * infinity, subnormal ones) are scaled by a power of two: the same parts
 * as the same weights at a sane scale, never an infinite quota. */
static void test_apportion_extreme_weights(void **state)
{
    (void)state;
    double sane[3] = {1, 2, 5}, w[3];
    vs_ore want[3], got[3], a = 100000000007LL;
    double rem[3], x[3], hi[3];
    size_t idx[3];
    unsigned char cl[3];
    assert_int_equal(vs_money_apportion(a, sane, 3, want, rem, idx), a);
    const double scales[] = {0x1p1000, 0x1p1020, 0x1p-1060, 0x1p-600, 0x1p600};
    for (size_t s = 0; s < sizeof scales / sizeof *scales; s++) {
        for (int i = 0; i < 3; i++)
            w[i] = sane[i] * scales[s];
        assert_int_equal(vs_money_apportion(a, w, 3, got, rem, idx), a);
        for (int i = 0; i < 3; i++)
            assert_int_equal(got[i], want[i]);
        /* summed by the caller: an overflowed sum is infinite */
        double W = w[0] + w[1] + w[2];
        assert_int_equal(vs_money_apportion_summed(a, w, W, 3, got, rem, idx), a);
        for (int i = 0; i < 3; i++)
            assert_int_equal(got[i], want[i]);
        /* water-filling: a cap that binds on the first item */
        hi[0] = 1000, hi[1] = INFINITY, hi[2] = INFINITY;
        assert_int_equal(vs_money_waterfill(a, w, NULL, hi, 3, got, x, rem, idx, cl), a);
        assert_int_equal(got[0], 1000);
        assert_int_equal(got[1] + got[2], a - 1000);
        assert_true(got[2] > 2 * got[1] && got[2] < 3 * got[1]);
    }
    /* 1e305 twice: the sum is infinite, the split even */
    w[0] = w[1] = 1e305;
    assert_int_equal(vs_money_apportion(101, w, 2, got, rem, idx), 101);
    assert_int_equal(got[0], 51);
    assert_int_equal(got[1], 50);
}

static void test_rank_top(void **state)
{
    (void)state;
    enum { M = 2000 };
    static double key[M];
    static size_t idx[M], sorted[M];
    rng_state = 12345;
    for (int pattern = 0; pattern < 5; pattern++) {
        for (size_t i = 0; i < M; i++) {
            switch (pattern) {
            case 0: key[i] = (double)i; break;
            case 1: key[i] = (double)(M - i); break;
            case 2: key[i] = 1.0; break;
            case 3: key[i] = (double)(i % 7); break;
            default: key[i] = rnd_unif(); break;
            }
            sorted[i] = i;
        }
        ref_rem = key;
        qsort(sorted, M, sizeof *sorted, ref_cmp);
        size_t ks[] = {0, 1, 2, 17, M / 2, M - 1, M};
        for (size_t t = 0; t < sizeof ks / sizeof ks[0]; t++) {
            for (size_t i = 0; i < M; i++)
                idx[i] = pattern == 1 ? M - 1 - i : i;
            vs_money_rank_top(key, idx, M, ks[t]);
            /* The first k hold exactly the reference's first k. */
            static unsigned char top[M];
            memset(top, 0, sizeof top);
            for (size_t j = 0; j < ks[t]; j++)
                top[sorted[j]] = 1;
            for (size_t j = 0; j < ks[t]; j++)
                assert_true(top[idx[j]]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Water-filling                                                       */

static vs_ore fill(vs_ore amount, const double *w, const double *lo,
                   const double *hi, size_t n, vs_ore *out)
{
    double x[N_MAX], rem[N_MAX];
    size_t idx[N_MAX];
    unsigned char cl[N_MAX];
    return vs_money_waterfill(amount, w, lo, hi, n, out, x, rem, idx, cl);
}

static void test_waterfill_hand(void **state)
{
    (void)state;
    vs_ore out[8];
    const double I = INFINITY;

    /* One cap: 1000 by 1:1:1:1, item 0 capped at 100 -> the other three
     * share 900: 300 each. */
    double w1[] = {1, 1, 1, 1}, hi1[] = {100, I, I, I};
    assert_int_equal(fill(1000, w1, NULL, hi1, 4, out), 1000);
    assert_parts(out, (vs_ore[]){100, 300, 300, 300}, 4);

    /* Caps that cascade: 1000 by 1:1:8 is 100, 100, 800; caps 50 and 60
     * bind, item 2 takes the remaining 890. */
    double w2[] = {1, 1, 8}, hi2[] = {50, 60, I};
    assert_int_equal(fill(1000, w2, NULL, hi2, 3, out), 1000);
    assert_parts(out, (vs_ore[]){50, 60, 890}, 3);

    /* A floor: 1000 by 1:2:7 is 100, 200, 700; item 0's floor 200 binds,
     * 800 left by 2:7 = 177.78, 622.22: floors 799, the öre to item 1. */
    double w3[] = {1, 2, 7}, lo3[] = {200, 0, 0};
    assert_int_equal(fill(1000, w3, lo3, NULL, 3, out), 1000);
    assert_parts(out, (vs_ore[]){200, 178, 622}, 3);

    /* Mixed: 1000 by 1:1:1:1 (250 each), item 0 capped at 100 (150 over),
     * item 3 floored at 400 (150 under): both bind and items 1 and 2
     * keep 250 each. */
    double lo4[] = {0, 0, 0, 400}, hi4[] = {100, I, I, I};
    assert_int_equal(fill(1000, w1, lo4, hi4, 4, out), 1000);
    assert_parts(out, (vs_ore[]){100, 250, 250, 400}, 4);

    /* Mixed where the first level misleads: 1000 by 1:1:1:1 with a floor
     * of 500 on item 0 and caps of 200 on items 1 and 2.  Level 250:
     * item 0 is 250 under, items 1, 2 are 50 over each (100 < 250), so
     * the floor is fixed first: 500 left for 1, 2, 3 at 166.67 each,
     * no cap binds any more: 500, 167, 167, 166. */
    double lo5[] = {500, 0, 0, 0}, hi5[] = {I, 200, 200, I};
    assert_int_equal(fill(1000, w1, lo5, hi5, 4, out), 1000);
    assert_parts(out, (vs_ore[]){500, 167, 167, 166}, 4);

    /* Infeasible high: caps 100 and 200 cannot hold 1000: the caps win
     * and 300 is placed. */
    double w6[] = {1, 1}, hi6[] = {100, 200};
    assert_int_equal(fill(1000, w6, NULL, hi6, 2, out), 300);
    assert_parts(out, (vs_ore[]){100, 200}, 2);

    /* Infeasible low: floors 80 and 70 exceed 100: the floors win and
     * 150 is placed. */
    double lo7[] = {80, 70};
    assert_int_equal(fill(100, w6, lo7, NULL, 2, out), 150);
    assert_parts(out, (vs_ore[]){80, 70}, 2);

    /* Zero weight: item 0 sits at clamp(0, 30, inf) = 30, the others share
     * 70; with only a cap of 5 it sits at clamp(0, -inf, 5) = 0. */
    double w8[] = {0, 1, 1}, lo8[] = {30, 0, 0}, hi8[] = {5, I, I};
    assert_int_equal(fill(100, w8, lo8, NULL, 3, out), 100);
    assert_parts(out, (vs_ore[]){30, 35, 35}, 3);
    assert_int_equal(fill(100, w8, NULL, hi8, 3, out), 100);
    assert_parts(out, (vs_ore[]){0, 50, 50}, 3);

    /* Bounds in fractions of an öre: an upper bound rounds down (100.7 ->
     * 100, 900 left: 450 each), a lower bound rounds up (340.1 -> 341,
     * 659 left: 329.5 each, the odd öre to the lower index). */
    double w9[] = {1, 1, 1}, hi9[] = {100.7, I, I}, lo9[] = {340.1, 0, 0};
    assert_int_equal(fill(1000, w9, NULL, hi9, 3, out), 1000);
    assert_parts(out, (vs_ore[]){100, 450, 450}, 3);
    assert_int_equal(fill(1000, w9, lo9, NULL, 3, out), 1000);
    assert_parts(out, (vs_ore[]){341, 330, 329}, 3);

    /* Every weight zero: everyone at clamp(0, lo, hi); nothing else. */
    double w10[] = {0, 0}, lo10[] = {10, 0};
    assert_int_equal(fill(100, w10, lo10, NULL, 2, out), 10);
    assert_parts(out, (vs_ore[]){10, 0}, 2);

    /* Amount 0 with floors: the floors win. */
    assert_int_equal(fill(0, w6, lo7, NULL, 2, out), 150);
    assert_parts(out, (vs_ore[]){80, 70}, 2);
}

/* No bound binds: exactly vs_money_apportion, bit for bit. */
static void test_waterfill_fast_path(void **state)
{
    (void)state;
    rng_state = 777;
    double w[N_MAX], lo[N_MAX], hi[N_MAX];
    vs_ore a[N_MAX], b[N_MAX];
    for (int c = 0; c < 20000; c++) {
        size_t n = 1 + rnd_int(N_MAX);
        for (size_t i = 0; i < n; i++)
            w[i] = rnd_int(6) == 0 ? 0 : rnd_unif() * 1000;
        vs_ore amount = (vs_ore)(rnd_u64() % 100000000);
        double W = 0;
        for (size_t i = 0; i < n; i++)
            W += w[i];
        for (size_t i = 0; i < n; i++) {
            double q = W > 0 ? (double)amount * w[i] / W : 0;
            lo[i] = floor(q * 0.9) - 2;
            hi[i] = ceil(q * 1.1) + 2;
        }
        vs_ore pa = vs_money_apportion(amount, w, n, a, (double[N_MAX]){0},
                                       (size_t[N_MAX]){0});
        assert_int_equal(fill(amount, w, lo, hi, n, b), pa);
        assert_parts(b, a, n);
        assert_int_equal(fill(amount, w, NULL, NULL, n, b), pa);
        assert_parts(b, a, n);
    }
}

/* Upper bounds only (the cuts' path, whose set-up takes blocks of four
 * with bounds in [0, 2^51) öre in vector lanes) against the same bounds
 * with every lower bound -inf (the general set-up): the same parts, to
 * the öre, and the same return.  The bounds mix what the centres hold
 * with negative caps, -0, fractions, 2^51 and beyond, huge and NaN ones
 * (absent), at every position of a block. */
static void test_waterfill_caps_only(void **state)
{
    (void)state;
    rng_state = 4242;
    double w[N_MAX], lo[N_MAX], hi[N_MAX];
    vs_ore a[N_MAX], b[N_MAX];
    for (int c = 0; c < 20000; c++) {
        size_t n = 1 + rnd_int(N_MAX);
        int odd = c % 3 == 0; /* a third with odd bounds here and there */
        for (size_t i = 0; i < n; i++) {
            w[i] = rnd_int(6) == 0 ? 0 : rnd_unif() * 1e6;
            hi[i] = floor(rnd_unif() * 2e6) + (rnd_int(4) == 0 ? 0.5 : 0);
            lo[i] = -INFINITY;
            if (odd && rnd_int(8) == 0) {
                static const double strange[] = {-3.0, -0.0, 0x1p51, 0x1p51 - 1,
                                                 1e17, 1e19, INFINITY, NAN};
                hi[i] = strange[rnd_int(8)];
            }
        }
        vs_ore amount = (vs_ore)(rnd_u64() % 400000000);
        vs_ore pa = fill(amount, w, NULL, hi, n, a);
        assert_int_equal(fill(amount, w, lo, hi, n, b), pa);
        assert_parts(b, a, n);
    }
}

/* Random bounds against a reference level found by bisection (long
 * double) on the same whole-öre bounds.  Checks: the sum is the amount
 * whenever the bounds allow it and otherwise the bounds win; every item
 * is within its whole-öre bounds; items the reference puts at a bound are
 * there, free items are within one öre of the reference level. */
static void test_waterfill_random(void **state)
{
    (void)state;
    rng_state = 4242;
    double w[N_MAX], lo[N_MAX], hi[N_MAX], L[N_MAX], H[N_MAX];
    vs_ore out[N_MAX];
    for (int c = 0; c < 20000; c++) {
        size_t n = 1 + rnd_int(20);
        int has_lo = rnd_int(3) != 0, has_hi = rnd_int(3) != 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = rnd_int(8) == 0 ? 0 : rnd_unif() * 100;
            double base = rnd_unif() * 10000;
            lo[i] = rnd_int(3) ? base * rnd_unif() : 0;
            hi[i] = rnd_int(4) ? base + rnd_unif() * 5000 : INFINITY;
            if (rnd_int(12) == 0) /* a negative cap binds from t = 0 on */
                hi[i] = -rnd_unif() * 300;
            L[i] = has_lo ? ceil(lo[i]) : -INFINITY;
            H[i] = has_hi ? floor(hi[i]) : INFINITY;
            if (L[i] > H[i])
                L[i] = H[i];
        }
        vs_ore amount = (vs_ore)rnd_int(80000);
        vs_ore placed = fill(amount, w, has_lo ? lo : NULL, has_hi ? hi : NULL, n, out);

        /* Reference: S(t) = sum clamp(t w_i, max(L_i, 0) or L_i, H_i). */
        long double eff_lo[N_MAX], s0 = 0, sinf = 0;
        for (size_t i = 0; i < n; i++) {
            eff_lo[i] = w[i] > 0 ? fmaxl(L[i], 0) : L[i];
            if (eff_lo[i] > H[i])
                eff_lo[i] = H[i];
            long double z = w[i] > 0 ? eff_lo[i] : fminl(fmaxl(0, L[i]), H[i]);
            s0 += z;
            sinf += w[i] > 0 ? H[i] : z;
        }
        vs_ore sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += out[i];
            assert_true((double)out[i] >= (w[i] > 0 ? fmax(L[i], 0) : L[i]) ||
                        (double)out[i] == H[i]);
            assert_true((double)out[i] <= H[i]);
        }
        assert_int_equal(sum, placed);
        if ((long double)amount < s0) {
            assert_int_equal(placed, (vs_ore)s0); /* every item at t = 0 */
            continue;
        }
        if ((long double)amount > sinf) {
            assert_int_equal(placed, (vs_ore)sinf); /* every item at its cap */
            continue;
        }
        assert_int_equal(placed, amount);
        long double a = 0, b = 1;
        for (;;) { /* find b with S(b) >= amount */
            long double s = 0;
            for (size_t i = 0; i < n; i++)
                s += w[i] > 0 ? fminl(fmaxl(b * w[i], eff_lo[i]), H[i])
                              : fminl(fmaxl(0, L[i]), H[i]);
            if (s >= amount || b > 1e30L)
                break;
            b *= 2;
        }
        for (int it = 0; it < 200; it++) {
            long double t = (a + b) / 2, s = 0;
            for (size_t i = 0; i < n; i++)
                s += w[i] > 0 ? fminl(fmaxl(t * w[i], eff_lo[i]), H[i])
                              : fminl(fmaxl(0, L[i]), H[i]);
            if (s < amount)
                a = t;
            else
                b = t;
        }
        for (size_t i = 0; i < n; i++) {
            if (w[i] == 0)
                continue;
            long double v = b * w[i];
            if (v < eff_lo[i] - 1e-6L)
                assert_int_equal(out[i], (vs_ore)eff_lo[i]);
            else if (v > H[i] + 1e-6L)
                assert_int_equal(out[i], (vs_ore)H[i]);
            else
                assert_true(fabsl((long double)out[i] - v) < 1.0L + 1e-6L);
        }
    }
}

/* The real-number water level: 10 by weights 1, 1, 2 with the first
 * capped at 1: level 2.5 passes it, so it holds 1 and the other 9 go 1:2
 * (level 3): 1, 3, 6.  Every weighted item capped: what fits is placed
 * (4 of 10) and the weight-0 item gets nothing. */
static void test_waterlevel_hand(void **state)
{
    (void)state;
    double y[3];
    size_t idx[3];
    unsigned char cl[3];
    const double w[3] = {1, 1, 2}, hi[3] = {1, INFINITY, INFINITY};
    assert_true(vs_money_waterlevel(10, w, hi, 3, y, idx, cl) == 10);
    assert_close(y[0], 1, 0, 0);
    assert_close(y[1], 3, 1e-15, 0);
    assert_close(y[2], 6, 1e-15, 0);
    assert_int_equal(cl[0], 1);
    assert_int_equal(cl[1] | cl[2], 0);
    const double w2[2] = {1, 0}, hi2[2] = {4, INFINITY};
    assert_true(vs_money_waterlevel(10, w2, hi2, 2, y, idx, cl) == 4);
    assert_close(y[0], 4, 0, 0);
    assert_close(y[1], 0, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_sek_rounding),
        cmocka_unit_test(test_from_sek_errors),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_apportion_hand),
        cmocka_unit_test(test_apportion_floors_exceed),
        cmocka_unit_test(test_apportion_random),
        cmocka_unit_test(test_apportion_large),
        cmocka_unit_test(test_apportion_extreme_weights),
        cmocka_unit_test(test_rank_top),
        cmocka_unit_test(test_waterfill_hand),
        cmocka_unit_test(test_waterfill_fast_path),
        cmocka_unit_test(test_waterfill_random),
        cmocka_unit_test(test_waterfill_caps_only),
        cmocka_unit_test(test_waterlevel_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
