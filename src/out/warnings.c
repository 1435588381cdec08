/* warnings.c: the warning lines of a run (see warnings.h). */
#include "out/warnings.h"

#include <math.h>
#include <string.h>

#include "analysis/sensitivity.h"
#include "analysis/sweep.h"
#include "engine/eval.h"

vs_warn_src vs_warn_src_of(const vs_scenario *sc, const vs_results *res)
{
    vs_warn_src w = {sc, res->shortfalls, res->stats, res->iterations, 0};
    return w;
}

vs_warn_src vs_warn_src_of_sensitivity(const vs_scenario *sc,
                                       const vs_sensitivity_result *r)
{
    vs_warn_src w = {sc, r->shortfalls, r->point_stats, r->evaluations - 1, 0};
    return w;
}

char *vs_warnings_kronor(vs_ore ore, char *buf, size_t n)
{
    /* In integers: a double would lose öre above 2^53. */
    uint64_t mag = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
    uint64_t kr = mag / 100 + (mag % 100 >= 50);
    char digits[24], out[40];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)kr);
    size_t len = strlen(digits), k = 0;
    if (ore < 0 && kr > 0)
        out[k++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ' ';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, n, "%s", out);
    return buf;
}

/* The reason words of the kinds seen, in a fixed order, joined by
 * " and ". */
static void reason(const vs_rule *r, const vs_shortfall_sum *s, char *buf,
                   size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int b = 0; b < VS_SHORT_KINDS; b++) {
        unsigned bit = 1u << b;
        if (!(s->kinds & bit))
            continue;
        char one[160];
        switch (bit) {
        case VS_SHORT_NOBODY: snprintf(one, sizeof one, "nobody eligible"); break;
        case VS_SHORT_POT:
            snprintf(one, sizeof one, "pot not placed in full (every eligible "
                                      "centre capped or without weight)");
            break;
        case VS_SHORT_CUT:
            snprintf(one, sizeof one, "cut not taken in full (%s)",
                     r->max_cut_share != VS_NONE
                         ? "max_cut_share binds at every centre"
                         : "the centres have nothing left to give");
            break;
        case VS_SHORT_LIMIT:
            snprintf(one, sizeof one, "the limit cannot restore the variant's "
                                      "total (its bounds bind at every centre)");
            break;
        case VS_SHORT_TOP:
            if (s->point_kinds & VS_SHORT_TOP)
                snprintf(one, sizeof one, "top asks for %ld centres, %ld %s eligible",
                         r->top, s->point_eligible,
                         s->point_eligible == 1 ? "is" : "are");
            else
                snprintf(one, sizeof one, "top asks for %ld centres, more than "
                                          "are eligible", r->top);
            break;
        case VS_SHORT_TIE:
        default:
            snprintf(one, sizeof one, "a tie at the cut-off is decided by file order");
            break;
        }
        k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s",
                              k ? " and " : "", one);
    }
}

size_t vs_warnings_of_variant(const vs_warn_src *w, size_t v)
{
    size_t ri = 0, n = 0;
    for (size_t u = 0; u < v && u < w->sc->n_variants; u++)
        ri += w->sc->variants[u].n_rules;
    for (size_t k = 0; v < w->sc->n_variants && k < w->sc->variants[v].n_rules; k++)
        n += w->sf[ri + k].kinds != 0;
    return n;
}

size_t vs_warnings_print(FILE *f, const char *prefix, const vs_warn_src *w)
{
    const vs_scenario *sc = w->sc;
    size_t count = 0, ri = 0;
    for (size_t v = 0; v < sc->n_variants; v++) {
        const vs_variant *var = &sc->variants[v];
        for (size_t k = 0; k < var->n_rules; k++, ri++) {
            const vs_shortfall_sum *s = &w->sf[ri];
            if (!s->kinds)
                continue;
            count++;
            if (!f)
                continue;
            const vs_rule *r = &var->rules[k];
            char why[640], x[40], y[40];
            reason(r, s, why, sizeof why);
            /* Point totals are whole öre held exactly in a double. */
            double tot = w->stats[v * VS_STAT_COUNT + VS_STAT_TOTAL].point;
            vs_warnings_kronor(s->point, x, sizeof x);
            vs_warnings_kronor(isnan(tot) ? 0 : (vs_ore)llround(tot), y, sizeof y);
            fprintf(f, "%swarning: variant '%s': rule '%s': %s: %s kr at the "
                       "point estimate",
                    prefix ? prefix : "", var->id,
                    r->id ? r->id : vs_rule_type_name(r->type), why, x);
            if (!w->point_only) {
                /* tenths of a per cent, half up, in integers */
                long long t = w->draws > 0
                    ? ((long long)s->draws * 2000 + w->draws) / (2 * (long long)w->draws)
                    : 0;
                fprintf(f, ", in %lld.%lld %% of draws", t / 10, t % 10);
            }
            fprintf(f, "; total %s kr\n", y);
        }
    }
    return count;
}

size_t vs_warnings_sweep(FILE *f, const vs_scenario *sc,
                         const vs_sweep_result *r)
{
    size_t n = 0, per_point = r->n_variants * VS_STAT_COUNT;
    for (size_t p = 0; p < r->n_points; p++) {
        char prefix[1024];
        size_t k = 0;
        prefix[0] = '\0';
        for (size_t a = 0; a < r->n_axes && k < sizeof prefix; a++)
            /* 15 digits: the value as typed, as in sweep.csv */
            k += (size_t)snprintf(prefix + k, sizeof prefix - k, "%s%s=%.15g",
                                  a ? ", " : "", r->axes[a].path,
                                  r->x[p * r->n_axes + a]);
        if (k < sizeof prefix)
            snprintf(prefix + k, sizeof prefix - k, ": ");
        vs_warn_src w = {sc, r->shortfalls + p * r->n_rules,
                         r->stats + p * per_point, r->iterations, 0};
        n += vs_warnings_print(f, prefix, &w);
    }
    return n;
}

void vs_warnings_precision(FILE *f, const char *prefix, double precision,
                           long iterations)
{
    fprintf(f, "%swarning: --precision %g not reached within %ld iterations\n",
            prefix ? prefix : "", precision, iterations);
}
