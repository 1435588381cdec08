/* plan_write.c: plan.csv, plan_metrics.csv, plan_summary.csv, the plan's
 * warnings and the lines `vardsim run` prints (see plan_write.h). */
#include "plan_write.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/report.h"

/* Calendar year of row t. */
static long year_of(const vs_plan_results *pr, size_t t)
{
    return pr->first_year - 1 + (long)t;
}

static void put_year(vs_csv *c, long year)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", year);
    vs_csv_num_text(c, buf);
}

static void write_plan(const vs_scenario *sc, const vs_plan_results *pr,
                       vs_csv *c)
{
    static const char *const head[] = {"year", "centre", "name", "point",
                                       "mean", "p05", "p95", "target",
                                       "distance"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        vs_csv_num_text(c, head[i]);
    vs_csv_end_row(c);
    size_t nc = pr->n_centres;
    for (size_t t = 0; t <= pr->years; t++)
        for (size_t i = 0; i < nc; i++) {
            size_t j = t * nc + i;
            double T = pr->target[j];
            put_year(c, year_of(pr, t));
            vs_csv_text(c, sc->centres[i].id);
            vs_csv_text(c, sc->centres[i].name);
            vs_csv_money(c, pr->point[j]);
            vs_csv_money_d(c, pr->mean[j]);
            vs_csv_money_d(c, pr->p05[j]);
            vs_csv_money_d(c, pr->p95[j]);
            vs_csv_money(c, pr->target_ore[j]);
            vs_csv_num(c, T > 0 ? ((double)pr->point[j] - T) / T : NAN);
            vs_csv_end_row(c);
        }
}

static void write_metrics(const vs_plan_results *pr, vs_csv *c)
{
    vs_report_metrics_header_as(c, "year");
    vs_csv_end_row(c);
    for (size_t t = 0; t <= pr->years; t++) {
        char year[24];
        snprintf(year, sizeof year, "%ld", year_of(pr, t));
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            vs_report_metrics_cells(c, year, m,
                                    &pr->metrics[t * VS_STAT_COUNT + (size_t)m]);
            vs_csv_end_row(c);
        }
    }
}

static void write_summary(const vs_scenario *sc, const vs_plan_results *pr,
                          vs_csv *c)
{
    static const char *const head[] = {"centre", "name", "first_year_at_target",
                                       "share_at_target", "largest_fall",
                                       "largest_fall_pct"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        vs_csv_num_text(c, head[i]);
    vs_csv_end_row(c);
    for (size_t i = 0; i < pr->n_centres; i++) {
        vs_csv_text(c, sc->centres[i].id);
        vs_csv_text(c, sc->centres[i].name);
        if (pr->first_at_target[i] >= 0)
            put_year(c, year_of(pr, (size_t)pr->first_at_target[i]));
        else
            vs_csv_num_text(c, "");
        vs_csv_num(c, pr->share_at_target[i]);
        vs_csv_money(c, pr->largest_fall[i]);
        int64_t pct = 0;
        vs_report_change_pct(pr->largest_fall[i], pr->largest_fall_from[i], &pct);
        vs_csv_money(c, pct); /* hundredths: same layout as öre */
        vs_csv_end_row(c);
    }
}

int vs_plan_write(const vs_scenario *sc, const vs_plan_results *pr,
                  const char *dir, int swedish, vs_outset *set, vs_err *err)
{
    static const char *const names[] = {"plan.csv", "plan_metrics.csv",
                                        "plan_summary.csv"};
    for (int k = 0; k < 3; k++) {
        FILE *f = vs_outset_open(set, dir, names[k], err);
        if (!f)
            return err->code != VS_OK ? err->code : VS_EIO;
        vs_csv c;
        vs_csv_begin(&c, f, swedish);
        if (k == 0)
            write_plan(sc, pr, &c);
        else if (k == 1)
            write_metrics(pr, &c);
        else
            write_summary(sc, pr, &c);
    }
    return VS_OK;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

typedef struct buf {
    char *s;
    size_t len, cap;
    int oom;
} buf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add(buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = (b->cap ? 2 * b->cap : 256) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static char *done(buf *b)
{
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        return calloc(1, 1);
    return b->s;
}

/* The names of the centres with bit `bit` at the point in year t:
 * "Åsele, Ersboda" (at most 6, then "and N more"); their count. */
static size_t bound_names(const vs_scenario *sc, const vs_plan_results *pr,
                          size_t t, unsigned bit, buf *b)
{
    size_t n = 0, nc = pr->n_centres;
    for (size_t i = 0; i < nc; i++)
        if (pr->point_bind[t * nc + i] & bit)
            n++;
    size_t shown = 0;
    for (size_t i = 0; i < nc && shown < 6; i++)
        if (pr->point_bind[t * nc + i] & bit)
            add(b, "%s%s", shown++ ? ", " : "", sc->centres[i].name);
    if (n > shown)
        add(b, " and %zu more", n - shown);
    return n;
}

static double pct_of(long count, long n)
{
    return n > 0 ? 100.0 * (double)count / (double)n : 0.0;
}

char *vs_plan_warnings(const vs_scenario *sc, const vs_plan_results *pr)
{
    buf b = {0};
    long n = pr->iterations;
    for (size_t t = 1; t <= pr->years; t++) {
        long y = year_of(pr, t);
        if ((pr->point_flags[t] & VS_PLAN_FLOORS_SCALED) || pr->draws_fscaled[t])
            add(&b, "warning: plan: %ld: the floors exceed the budget and are "
                "scaled down to fit it %s; in %.1f %% of %ld draws\n", y,
                pr->point_flags[t] & VS_PLAN_FLOORS_SCALED
                    ? "at the point estimate" : "(not at the point estimate)",
                pct_of(pr->draws_fscaled[t], n), n);
        if ((pr->point_flags[t] & VS_PLAN_CAPS_SCALED) || pr->draws_cscaled[t])
            add(&b, "warning: plan: %ld: the caps cannot hold the budget and "
                "are scaled up to reach it %s; in %.1f %% of %ld draws\n", y,
                pr->point_flags[t] & VS_PLAN_CAPS_SCALED
                    ? "at the point estimate" : "(not at the point estimate)",
                pct_of(pr->draws_cscaled[t], n), n);
        static const struct {
            unsigned bit;
            const char *what;
        } kinds[2] = {{VS_PLAN_AT_FLOOR, "the floor keeps %zu centre%s above "
                                         "target"},
                      {VS_PLAN_AT_CAP, "the cap holds back %zu centre%s"}};
        for (int q = 0; q < 2; q++) {
            const long *draws = q == 0 ? pr->draws_floor : pr->draws_cap;
            size_t count = 0, nc = pr->n_centres;
            for (size_t i = 0; i < nc; i++)
                count += (pr->point_bind[t * nc + i] & kinds[q].bit) != 0;
            if (count == 0 && draws[t] == 0)
                continue;
            add(&b, "warning: plan: %ld: ", y);
            if (count > 0) {
                add(&b, kinds[q].what, count, count == 1 ? "" : "s");
                add(&b, " at the point estimate (");
                bound_names(sc, pr, t, kinds[q].bit, &b);
                add(&b, ")");
            } else {
                add(&b, "no %s binds at the point estimate", q == 0 ? "floor" : "cap");
            }
            if (n > 0)
                add(&b, "; %s binds in %.1f %% of draws\n",
                    q == 0 ? "a floor" : "a cap", pct_of(draws[t], n));
            else
                add(&b, " (no draws)\n");
        }
    }
    return done(&b);
}

/* Characters of UTF-8 text (the loader checked it is UTF-8). */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

char *vs_plan_summary_text(const vs_scenario *sc, const vs_plan_results *pr)
{
    int sv = strcmp(sc->lang, "sv") == 0;
    buf b = {0};
    long last = year_of(pr, pr->years);
    size_t w = 0;
    for (size_t i = 0; i < pr->n_centres; i++) {
        size_t len = chars(sc->centres[i].name);
        w = len > w ? len : w;
    }
    char tol[32];
    snprintf(tol, sizeof tol, "%g", 100 * sc->plan->tolerance);
    for (char *q = tol; sv && *q; q++)
        if (*q == '.')
            *q = ',';
    add(&b, sv ? "Plan %ld-%ld: när varje %s når sitt mål (inom %s %%)\n"
               : "Plan %ld-%ld: when each %s reaches its target (within %s %%)\n",
        pr->first_year, last, vs_scenario_centre_term(sc, 0), tol);
    for (size_t i = 0; i < pr->n_centres; i++) {
        char year[64], share[32];
        if (pr->first_at_target[i] == 0)
            snprintf(year, sizeof year, sv ? "vid målet redan %ld" : "at target in %ld",
                     year_of(pr, 0));
        else if (pr->first_at_target[i] > 0)
            snprintf(year, sizeof year, sv ? "når målet %ld" : "reaches it in %ld",
                     year_of(pr, (size_t)pr->first_at_target[i]));
        else
            snprintf(year, sizeof year, sv ? "inte till och med %ld"
                                           : "not by %ld", last);
        snprintf(share, sizeof share, "%.1f", 100 * pr->share_at_target[i]);
        if (sv)
            for (char *p = share; *p; p++)
                if (*p == '.')
                    *p = ',';
        /* pad by characters, not bytes: names hold å, ä, ö */
        add(&b, "  %s%*s", sc->centres[i].name,
            (int)(w - chars(sc->centres[i].name)), "");
        size_t yw = chars(year);
        add(&b, "  %s%*s", year, (int)(yw < 22 ? 22 - yw : 0), "");
        add(&b, sv ? "  vid målet %ld i %s %% av dragningarna\n"
                   : "  at target in %ld in %s %% of draws\n", last, share);
    }
    return done(&b);
}
