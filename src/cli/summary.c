/* summary.c: the short tables `vardsim run` prints, so an analyst sees the
 * variants side by side without opening the CSV files. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "out/gp.h"
#include "vardsim/sim.h"

#define COLW 14

/* Width-limited copy of an id for a column head. */
static void head(FILE *f, const char *s)
{
    fprintf(f, " %*.*s", COLW, COLW, s);
}

/* Whole kronor with a space every three digits: "-1 234 567". */
static void kronor(FILE *f, double ore)
{
    char digits[32], out[48];
    if (!isfinite(ore)) { /* undefined: an empty cell */
        fprintf(f, " %*s", COLW, "");
        return;
    }
    double kr = round(ore / 100.0);
    snprintf(digits, sizeof digits, "%.0f", fabs(kr));
    size_t n = strlen(digits), k = 0;
    if (kr < 0)
        out[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ' ';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    fprintf(f, " %*s", COLW, out);
}

/* `text` cut to `chars` characters (UTF-8, "…" when cut) and padded with
 * spaces to that many: printf's widths count bytes, not letters. */
static void cell(FILE *f, const char *text, size_t chars)
{
    char buf[4 * 64 + 4];
    if (chars > 64)
        chars = 64;
    vs_gp_shorten(text, chars, buf, sizeof buf);
    size_t n = 0;
    for (const char *p = buf; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    fputs(buf, f);
    for (; n < chars; n++)
        fputc(' ', f);
}

/* A number printed with '.' in the scenario's decimal mark.  A value that
 * prints as zero prints without a sign: "-0,0000" (a Theil of -5e-17, or a
 * tiny negative rounded away) would read as a loss that is not there. */
static void number(FILE *f, const char *fmt, double x, int sv)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, COLW, x);
    char *minus = strchr(buf, '-');
    if (minus && strspn(minus + 1, "0.") == strlen(minus + 1))
        *minus = ' ';
    for (char *p = buf; sv && *p; p++)
        if (*p == '.')
            *p = ',';
    fputs(buf, f);
}

/* A metric's row head in words, short enough for the column. */
static const char *metric_words(int m, int sv)
{
    static const char *const w_sv[VS_M_COUNT] = {
        "Gini", "konc.index behov", "HI", "felplacerad andel", "Theil T",
        "andel h\xc3\xb6g CNI", "st\xc3\xb6rsta f\xc3\xb6rlust",
        "f\xc3\xb6rlorar > 1 %"};
    static const char *const w_en[VS_M_COUNT] = {
        "Gini", "conc. index need", "HI", "misplaced share", "Theil T",
        "high-CNI share", "largest loss", "losing > 1 %"};
    return (sv ? w_sv : w_en)[m];
}

/* The tables follow the scenario's language (lang) and show the centres'
 * names; variants are columns headed by their ids (names would not fit). */
void vs_cli_print_summary(FILE *f, const vs_scenario *sc, const vs_results *res)
{
    size_t nv = sc->n_variants, nc = sc->n_centres, b = (size_t)sc->baseline;
    int sv = strcmp(sc->lang, "sv") == 0;
    fprintf(f, "\n%s\n", sc->name);
    fprintf(f, sv ? "Punktskattningar; j\xc3\xa4mf\xc3\xb6relsealternativ %s; "
                    "intervall fr\xc3\xa5n %ld dragningar finns i metrics.csv "
                    "och centres.csv\n"
                  : "Point estimates; baseline %s; intervals from %ld draws "
                    "are in metrics.csv and centres.csv\n",
            sc->variants[b].id, res->iterations);
    cell(f, sv ? "M\xc3\xa5tt" : "Metric", 18);
    for (size_t v = 0; v < nv; v++)
        head(f, sc->variants[v].id);
    fputc('\n', f);
    for (int m = 0; m < VS_STAT_COUNT; m++) {
        const char *name = m == VS_STAT_TOTAL
                               ? (sv ? "totalt (kr)" : "total (SEK)")
                           : m == VS_STAT_UNALLOC
                               ? (sv ? "ej f\xc3\xb6rdelat" : "unallocated")
                               : metric_words(m, sv);
        /* a tiny metric in units of a power of ten, as the charts and
         * the report show it ("Theil T (× 10⁻⁵)"), not a row of 0,0000 */
        double most = 0;
        for (size_t v = 0; m < VS_M_COUNT && v < nv; v++) {
            double y = fabs(vs_gp_metric_shown(m, res->stats[v * VS_STAT_COUNT + (size_t)m].point));
            if (isfinite(y))
                most = fmax(most, y);
        }
        int power = m < VS_M_COUNT ? vs_gp_metric_power(m, most) : 0;
        double k = power ? pow(10, -power) : 1;
        char label[64];
        snprintf(label, sizeof label, "%s", name);
        vs_gp_power_words(power, label + strlen(label), sizeof label - strlen(label));
        cell(f, label, 18);
        for (size_t v = 0; v < nv; v++) {
            double x = res->stats[v * VS_STAT_COUNT + (size_t)m].point;
            if (m >= VS_M_COUNT)
                kronor(f, x);
            else if (!isfinite(x))
                fprintf(f, " %*s", COLW, "");
            else
                number(f, m == VS_M_LOSERS ? " %*.0f" : " %*.4f",
                       k * vs_gp_metric_shown(m, x), sv);
        }
        fputc('\n', f);
    }
    const char *term = vs_scenario_centre_term(sc, 0);
    fprintf(f, sv ? "\nF\xc3\xb6r\xc3\xa4ndring mot %s per %s "
                    "(kr, punktskattning)\n"
                  : "\nChange against %s per %s (SEK, point estimate)\n",
            sc->variants[b].id, term);
    /* The names column as wide as the longest name (up to 40
     * characters), so that names sharing a beginning stay apart. */
    size_t namew = 12;
    for (size_t c = 0; c < nc; c++) {
        size_t n = 0;
        for (const char *p = sc->centres[c].name; *p; p++)
            n += ((unsigned char)*p & 0xC0) != 0x80;
        namew = n > namew ? n : namew;
    }
    namew = namew > 40 ? 40 : namew;
    char cap[4 * 40 + 8];
    cell(f, vs_gp_capital(term, cap, sizeof cap), namew);
    fprintf(f, " %6s", "CNI");
    for (size_t v = 0; v < nv; v++)
        if (v != b)
            head(f, sc->variants[v].id);
    fputc('\n', f);
    for (size_t c = 0; c < nc; c++) {
        char cni[32];
        snprintf(cni, sizeof cni, "%s", sc->centres[c].cni_text);
        for (char *p = cni; sv && *p; p++)
            if (*p == '.')
                *p = ',';
        cell(f, sc->centres[c].name, namew);
        fprintf(f, " %6s", cni);
        for (size_t v = 0; v < nv; v++)
            if (v != b)
                kronor(f, (double)(res->centres[v * nc + c].point -
                                   res->centres[b * nc + c].point));
        fputc('\n', f);
    }
}
