/* warnings.c: the warning lines of a run (see warnings.h). */
#include "out/warnings.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "analysis/sensitivity.h"
#include "analysis/sweep.h"
#include "engine/eval.h"
#include "out/gp.h"

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

/* The reason's words are the ones reason() writes. */
void vs_warnings_read(const vs_scenario *sc, const char *text,
                      vs_shortfall_sum *sf)
{
    static const struct { const char *words; unsigned kind; } why[] = {
        {"nobody eligible", VS_SHORT_NOBODY}, {"pot not placed", VS_SHORT_POT},
        {"cut not taken", VS_SHORT_CUT}, {"the limit cannot restore", VS_SHORT_LIMIT},
        {"top asks for", VS_SHORT_TOP}, {"a tie at the cut-off", VS_SHORT_TIE}};
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        p += len + (e != NULL);
        char vid[256], rid[256];
        int n = 0;
        if (sscanf(line, "warning: variant '%255[^']': rule '%255[^']': %n", vid,
                   rid, &n) != 2 || n == 0)
            continue;
        int v = vs_scenario_find_variant(sc, vid);
        if (v < 0)
            continue;
        const vs_variant *var = &sc->variants[v];
        size_t k = 0;
        while (k < var->n_rules &&
               strcmp(var->rules[k].id ? var->rules[k].id
                                       : vs_rule_type_name(var->rules[k].type),
                      rid) != 0)
            k++;
        if (k == var->n_rules)
            continue;
        size_t base = 0;
        for (int u = 0; u < v; u++)
            base += sc->variants[u].n_rules;
        vs_shortfall_sum *s = &sf[base + k];
        for (size_t w = 0; w < sizeof why / sizeof why[0]; w++)
            if (strstr(line + n, why[w].words))
                s->kinds |= why[w].kind;
        const char *at = strstr(line + n, " kr at the point estimate");
        if (at) {
            const char *b = at;
            while (b > line + n && (isdigit((unsigned char)b[-1]) ||
                                    b[-1] == ' ' || b[-1] == '-'))
                b--;
            long long kr = 0;
            for (const char *d = b; d < at; d++)
                if (isdigit((unsigned char)*d))
                    kr = kr * 10 + (*d - '0');
            s->point = (vs_ore)kr * 100;
            s->point_kinds = kr > 0 ? s->kinds : 0;
        }
        const char *in = strstr(line + n, ", in ");
        double share;
        if (in && sscanf(in, ", in %lf %% of draws", &share) == 1)
            s->draws = (long)llround(share * 10);
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

char *vs_warnings_mark(const vs_warn_src *w, size_t v, int swedish,
                       char *buf, size_t n)
{
    /* Short reasons, in the order of the VS_SHORT_* bits. */
    static const char *const why_sv[VS_SHORT_KINDS] = {
        "ingen behörig", "potten fördelades inte fullt ut",
        "besparingen togs inte fullt ut", "gränsen kan inte återställa totalen",
        "färre behöriga än top begär", "lika poäng vid gränsen, filordningen avgör"};
    static const char *const why_en[VS_SHORT_KINDS] = {
        "nobody eligible", "pot not placed in full", "cut not taken in full",
        "the limit cannot restore the total", "fewer eligible than top asks for",
        "a tie at the cut-off, decided by file order"};
    const unsigned money = VS_SHORT_NOBODY | VS_SHORT_POT | VS_SHORT_CUT |
                           VS_SHORT_LIMIT;
    const vs_scenario *sc = w->sc;
    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (!w->sf || !sc)
        return buf; /* results built without shortfall records */
    unsigned kinds = 0;
    vs_ore point = 0;
    long draws = 0;
    /* The chain from v up through extends (each variant at most once:
     * the loader refuses cycles, the bound only guards the walk). */
    size_t hops = 0;
    for (long u = (long)v; u >= 0 && (size_t)u < sc->n_variants &&
                           hops <= sc->n_variants;
         u = sc->variants[u].extends, hops++) {
        size_t ri = 0;
        for (long t = 0; t < u; t++)
            ri += sc->variants[t].n_rules;
        for (size_t k = 0; k < sc->variants[u].n_rules; k++) {
            const vs_shortfall_sum *s = &w->sf[ri + k];
            if (!s->kinds)
                continue;
            kinds |= s->kinds;
            if ((s->point_kinds & money) && s->point > 0 &&
                __builtin_add_overflow(point, s->point, &point))
                point = INT64_MAX; /* beyond any budget: shown as huge */
            if ((s->kinds & money) && s->draws > draws)
                draws = s->draws;
        }
        if (sc->variants[u].extends == VS_NONE)
            break;
    }
    if (!kinds)
        return buf;
    const char *const *why = swedish ? why_sv : why_en;
    size_t k = (size_t)snprintf(buf, n, "\xe2\x9a\xa0 %s: ",
                                swedish ? "Varning" : "Warning");
    int first = 1;
    for (int b = 0; b < VS_SHORT_KINDS; b++)
        if (kinds & (1u << b)) {
            k += (size_t)snprintf(buf + (k < n ? k : n), k < n ? n - k : 0,
                                  "%s%s", first ? "" : ", ", why[b]);
            first = 0;
        }
    char amount[96] = "", share[96] = "";
    if (point > 0) {
        double sek = (double)point / 100.0, div;
        const char *unit = vs_gp_money_unit(sek, swedish, &div);
        char num[64];
        vs_gp_format_number(sek / div, sek / div < 10 && div > 1 ? 1 : 0,
                            swedish, num, sizeof num);
        snprintf(amount, sizeof amount, "%s %s %s", num, unit,
                 swedish ? "vid punktskattningen" : "at the point estimate");
    }
    if (!w->point_only && draws > 0 && w->draws > 0) {
        /* tenths of a per cent, half up, in integers (as the lines) */
        long long t = ((long long)draws * 2000 + w->draws) /
                      (2 * (long long)w->draws);
        snprintf(share, sizeof share, "%s %lld%c%lld %% %s",
                 swedish ? "i" : "in", t / 10, swedish ? ',' : '.', t % 10,
                 swedish ? "av dragningarna" : "of draws");
    }
    if (amount[0] || share[0])
        snprintf(buf + (k < n ? k : n), k < n ? n - k : 0, " (%s%s%s)",
                 amount, amount[0] && share[0] ? "; " : "", share);
    return buf;
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

char *vs_warnings_other_mark(const vs_scenario *sc, const char *text, char kind,
                             int swedish, char *buf, size_t n)
{
    const char *start = kind == 'p' ? "warning: plan:" : "warning: --precision";
    size_t len = strlen(start);
    int found = 0;
    for (const char *p = text; p && *p && !found;) {
        found = strncmp(p, start, len) == 0;
        const char *e = strchr(p, '\n');
        p = e ? e + 1 : NULL;
    }
    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (!found)
        return buf;
    if (kind == 'p')
        snprintf(buf, n, swedish ? "⚠ Varning: planens golv eller tak binder vissa år, "
                                   "så några %s följer inte planens regel"
                                 : "⚠ Warning: the plan's floors or caps bind in some "
                                   "years, so some %s do not follow the plan's rule",
                 vs_scenario_centre_term(sc, 1));
    else
        snprintf(buf, n, "%s", swedish ? "⚠ Varning: den begärda precisionen nåddes inte "
                                         "inom dragningarna; intervallen är osäkrare "
                                         "än begärt"
                                       : "⚠ Warning: the precision asked for was not "
                                         "reached within the draws; the intervals are "
                                         "less sure than asked");
    return buf;
}
