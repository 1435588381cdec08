/* charts.c: gnuplot charts for committee material (see charts.h).
 *
 * A run folder gets four standalone scripts (allocation.gp,
 * concentration.gp, metrics.gp, per_capita.gp), one data file per chart
 * (chart_*.csv), and style.gp, a copy of plots/vardsim.gp.  `gnuplot
 * allocation.gp` inside the folder renders allocation.png; vardsim renders
 * with `-e "vs_format='svg'; vs_output='...'"`.
 *
 * A gnuplot script is a program (PITFALLS, gnuplot), so text from the
 * scenario (scenario, variant and centre names) is handled as data:
 * - It appears only inside single-quoted string literals, where gnuplot
 *   expands neither backquotes nor @macros and takes \ and " literally.
 *   A ' in the text is not doubled but spliced in as "\047":
 *   it's -> 'it' . "\047" . 's' (vs_charts_quote).  gnuplot 5.4's scanner
 *   misreads adjacent doubled quotes ('''a' and 'a''''b' are syntax
 *   errors), and its macro expander finds literals by counting every ' on
 *   the line, so every ' written must be a literal's own delimiter.  A
 *   byte below 0x20 (a newline ends the command) is refused before
 *   anything is written.
 * - Never in a comment, a file name, a plot source or a double-quoted
 *   string.  Titles and key entries are assigned once near the top of each
 *   script (t_scenario = '...'); only the allocation chart's centre names
 *   sit further down, in its `set ytics` list.
 * - Every text element is noenhanced (and so is the terminal), so
 *   _ ^ @ & ~ { } print verbatim instead of being markup.
 * - The data files hold numbers and ids only.  Names are not put there:
 *   gnuplot's data reader treats " as a quote in any column, so a name with
 *   a " would shift or swallow fields.  Ids are [a-z0-9_-] by the loader
 *   and are re-checked here.
 *
 * Numbers: the data files use '.' decimals (C locale, checked).  Axis tick
 * labels are written by this file as explicit (label, position) lists, so
 * Swedish charts get decimal commas and spaces between thousands exactly
 * (gnuplot's own formats cannot group thousands without a locale).
 *
 * The style is kept here as a string (style_text) and must equal
 * plots/vardsim.gp byte for byte; tests/cli/charts.sh compares them.  That
 * keeps the binary self-contained (no install path to find at run time)
 * without a generated header in the build. */
#include "out/charts.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vardsim/metrics.h"

/* ------------------------------------------------------------------ */
/* The shared style: identical to plots/vardsim.gp                     */

static const char style_text[] =
    "# vardsim chart style.  The source is plots/vardsim.gp; vardsim writes an\n"
    "# identical copy as style.gp beside the chart scripts of every run, and\n"
    "# each script loads it, so an output folder renders on its own.\n"
    "#\n"
    "# A chart script sets, before loading this file:\n"
    "#   vs_format     'png' (pngcairo, 200 dpi), 'svg' or 'pdf' (pdfcairo)\n"
    "#   vs_output     the file to write\n"
    "#   vs_width_cm   and vs_height_cm: the size on paper (A4 text is 16 cm wide)\n"
    "#\n"
    "# Fonts: DejaVu Sans (fonts-dejavu-core, installed with gnuplot-nox).\n"
    "# Enhanced text is off everywhere: names from scenarios print verbatim.\n"
    "\n"
    "set encoding utf8\n"
    "vs_font = 'DejaVu Sans,8'\n"
    "vs_dpi = 200.0\n"
    "# Text at its true size on paper: pdfcairo halves fonts unless told\n"
    "# fontscale 1; pngcairo draws a point as one pixel, so scale by vs_dpi / 72.\n"
    "\n"
    "if (vs_format eq 'svg') {\n"
    "    set terminal svg size int(vs_width_cm / 2.54 * 72 + 0.5), int(vs_height_cm / 2.54 * 72 + 0.5) font vs_font noenhanced background '#ffffff'\n"
    "} else {\n"
    "    if (vs_format eq 'pdf') {\n"
    "        set terminal pdfcairo size vs_width_cm cm, vs_height_cm cm font vs_font fontscale 1 noenhanced\n"
    "    } else {\n"
    "        if (vs_format eq 'png') {\n"
    "            set terminal pngcairo size int(vs_width_cm / 2.54 * vs_dpi + 0.5), int(vs_height_cm / 2.54 * vs_dpi + 0.5) font vs_font fontscale vs_dpi / 72 linewidth vs_dpi / 72 noenhanced background '#ffffff'\n"
    "        } else {\n"
    "            exit error 'unknown vs_format: use png, svg or pdf'\n"
    "        }\n"
    "    }\n"
    "}\n"
    "set output vs_output\n"
    "set termoption noenhanced\n"
    "\n"
    "# Okabe-Ito palette (colour-blind safe).  Linetype 1 is the baseline\n"
    "# (black); 2-8 are the other variants in file order.  Yellow comes last:\n"
    "# it is the weakest on white paper.\n"
    "set linetype 1 lc rgb '#000000' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 2 lc rgb '#E69F00' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 3 lc rgb '#56B4E9' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 4 lc rgb '#009E73' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 5 lc rgb '#0072B2' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 6 lc rgb '#D55E00' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 7 lc rgb '#CC79A7' lw 1.5 pt 7 ps 0.8\n"
    "set linetype 8 lc rgb '#F0E442' lw 1.5 pt 7 ps 0.8\n"
    "\n"
    "# Reference lines (diagonal, need, zero) and quiet furniture.\n"
    "vs_grey = '#767676'\n"
    "vs_light = '#DDDDDD'\n"
    "vs_ink = '#333333'\n"
    "set border 3 lc rgb vs_ink lw 0.8\n"
    "set tics nomirror out scale 0.6 textcolor rgb vs_ink\n"
    "set grid back lc rgb vs_light lw 0.6 dt 1\n"
    "set key noenhanced nobox textcolor rgb vs_ink samplen 2 spacing 1.1\n"
    "set title noenhanced textcolor rgb vs_ink\n"
    "set style fill solid 0.9 noborder\n"
    "set datafile separator ','\n";

/* ------------------------------------------------------------------ */
/* Fixed text in both languages                                        */

typedef struct lang {
    const char *only_baseline;
    /* allocation */
    const char *alloc_title, *alloc_axis, *alloc_note, *baseline_is, *cni,
        *above, *below; /* %s: the high-need threshold */
    /* concentration */
    const char *conc_title, *conc_x, *conc_y, *conc_equal, *conc_need,
        *conc_shift_y, *conc_shift_note, *base_suffix;
    /* metrics */
    const char *met_title, *met_note, *met_name[VS_M_COUNT], *better[3],
        *met_base;
    /* per capita */
    const char *pc_title, *pc_y, *pc_base, *pc_variant, *pc_need, *pc_size;
} lang;

/* better[] is indexed by vs_better: lower, higher, closer to zero. */
static const lang lang_sv = {
    "Scenariot har bara jämförelsealternativet: inget att jämföra.",
    "Förändring per hälsocentral mot jämförelsealternativet",
    "Förändring mot jämförelsealternativet",
    "Stapel: punktskattning.  Streck: 90 % osäkerhetsintervall (5:e till 95:e percentilen).",
    "Jämförelsealternativ: ",
    "CNI",
    "\xe2\x86\x91 CNI > %s",
    "\xe2\x86\x93 CNI \xe2\x89\xa4 %s",
    "Koncentrationskurvor: följer pengarna behovet?",
    "Kumulativ andel av listade (%), ordnade efter CNI, lägst först",
    "Kumulativ andel av pengarna (%)",
    "Lika mycket per listad (diagonalen)",
    "Behov: listade × CNI",
    "Förskjutning mot högre CNI|(procentenheter)",
    "Över 0: större andel till hälsocentraler med högre CNI än i jämförelsealternativet",
    " (jämförelsealternativ)",
    "Rättvisemått per alternativ",
    "Punkt: punktskattning.  Stapel: 90 % osäkerhetsintervall.  Streckat: jämförelsealternativet.|Procent till höger: andel av simuleringarna där alternativet slår jämförelsealternativet.",
    {"Gini för finansiering per listad", "Koncentrationsindex efter behov",
     "Horisontell ojämlikhet (HI)", "Felplacerad andel av budgeten (%)",
     "Theil T för pengar per behovsenhet", "Andel till CNI över %s (%)",
     "Största förlust mot jämförelsealt. (%)",
     "Antal som förlorar mer än 1 %"},
    {"lägre är bättre", "högre är bättre", "närmare 0 är bättre"},
    "jämf.",
    "Finansiering per listad och vårdbehov (CNI)",
    "Finansiering per listad (kr)",
    "Jämförelsealternativet: ",
    "Alternativet i rutans rubrik",
    "Behovsproportionell nivå: samma summa fördelad efter listade × CNI",
    "Punktens yta visar antalet listade.",
};

static const lang lang_en = {
    "The scenario has only the baseline: nothing to compare.",
    "Change per centre against the baseline",
    "Change against the baseline",
    "Bar: point estimate.  Whisker: 90 % uncertainty interval (5th to 95th percentile).",
    "Baseline: ",
    "CNI",
    "\xe2\x86\x91 CNI > %s",
    "\xe2\x86\x93 CNI \xe2\x89\xa4 %s",
    "Concentration curves: does the money follow need?",
    "Cumulative share of listed persons (%), by CNI, lowest first",
    "Cumulative share of the money (%)",
    "Same amount per person (diagonal)",
    "Need: listed × CNI",
    "Shift towards higher CNI|(percentage points)",
    "Above 0: a larger share to centres with higher CNI than under the baseline",
    " (baseline)",
    "Equity metrics per variant",
    "Dot: point estimate.  Bar: 90 % uncertainty interval.  Dashed: the baseline.|Percentage on the right: share of simulations in which the variant beats the baseline.",
    {"Gini of funding per person", "Concentration index by need",
     "Horizontal inequity (HI)", "Share of the budget misplaced (%)",
     "Theil T of money per need unit", "Share to CNI above %s (%)",
     "Largest loss against baseline (%)",
     "Centres losing more than 1 %"},
    {"lower is better", "higher is better", "closer to 0 is better"},
    "base",
    "Funding per person and care need (CNI)",
    "Funding per listed person (SEK)",
    "Baseline: ",
    "The variant named above the panel",
    "Need-proportional level: the same total split by listed × CNI",
    "The area of a dot shows the number of listed persons.",
};

/* ------------------------------------------------------------------ */
/* Public helpers                                                      */

char *vs_charts_quote(const char *text, vs_err *err)
{
    /* Pieces between quotes become 'piece'; each quote becomes "\047";
     * all joined by " . ".  Worst case (every byte a quote) is 9 bytes
     * per input byte. */
    static const char q_expr[] = "\"\\047\"", join[] = " . ";
    size_t n = 3;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20) {
            vs_err_set(err, VS_EINPUT, NULL, 0,
                       "text for a chart holds a control character "
                       "(byte 0x%02x): refused", *p);
            return NULL;
        }
        n += *p == '\'' ? sizeof q_expr + 2 * sizeof join : 1 + 2 + sizeof join;
    }
    char *out = malloc(n), *o = out;
    if (!out) {
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    if (!*text) {
        strcpy(out, "''");
        return out;
    }
    for (const char *p = text; *p;) {
        if (o != out) {
            memcpy(o, join, sizeof join - 1);
            o += sizeof join - 1;
        }
        if (*p == '\'') {
            memcpy(o, q_expr, sizeof q_expr - 1);
            o += sizeof q_expr - 1;
            p++;
        } else {
            size_t len = strcspn(p, "'");
            *o++ = '\'';
            memcpy(o, p, len);
            o += len;
            *o++ = '\'';
            p += len;
        }
    }
    *o = '\0';
    return out;
}

const char *vs_charts_money_unit(double max_abs_sek, int swedish,
                                 double *divisor)
{
    double m = isnan(max_abs_sek) ? 0 : fabs(max_abs_sek);
    if (m < 1e4) {
        *divisor = 1;
        return swedish ? "kr" : "SEK";
    }
    if (m < 1e6) {
        *divisor = 1e3;
        return swedish ? "tkr" : "kSEK";
    }
    *divisor = 1e6;
    return "MSEK";
}

char *vs_charts_format_number(double v, int decimals, int swedish, char *buf,
                              size_t n)
{
    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (!isfinite(v))
        return buf;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    char digits[48];
    if (fabs(v) >= 1e15) {
        /* Never a chart amount; keep the buffer bound honest. */
        snprintf(buf, n, "%.3e", v);
        return buf;
    }
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
    /* The integer digits end at the first non-digit: '.' in the C locale,
     * whatever mark another locale would have put there. */
    size_t int_len = strspn(digits, "0123456789");
    int zero = strspn(digits, "0.,") == strlen(digits);
    char sep = swedish ? ' ' : ',';
    char *o = buf, *end = buf + n - 1;
#define PUT(ch) do { if (o < end) *o++ = (ch); } while (0)
    if (v < 0 && !zero && end - o >= 3) {
        PUT('\xe2'); PUT('\x88'); PUT('\x92'); /* U+2212 minus sign */
    }
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && int_len >= 4 && (int_len - i) % 3 == 0)
            PUT(sep);
        PUT(digits[i]);
    }
    if (decimals > 0) {
        PUT(swedish ? ',' : '.');
        for (const char *p = digits + int_len + 1; *p; p++)
            PUT(*p);
    }
#undef PUT
    *o = '\0';
    return buf;
}

char *vs_charts_shorten(const char *text, size_t max_chars, char *buf,
                        size_t n)
{
#define STARTS_CHAR(b) (((unsigned char)(b) & 0xC0) != 0x80)
    if (n == 0)
        return buf;
    size_t chars = 0;
    for (const char *p = text; *p; p++)
        chars += STARTS_CHAR(*p);
    int cut = chars > max_chars;
    size_t keep = cut ? (max_chars > 0 ? max_chars - 1 : 0) : chars;
    /* Bytes of the first `keep` characters. */
    size_t len = 0, seen = 0;
    for (; text[len]; len++)
        if (STARTS_CHAR(text[len]) && seen++ == keep)
            break;
    const char *tail = cut ? "\xe2\x80\xa6" : ""; /* … */
    /* A buffer too small for that: drop whole characters until it fits,
     * and the ellipsis too if even it does not fit. */
    size_t full = len;
    for (int pass = 0; pass < 2; pass++) {
        while (len > 0 && len + strlen(tail) + 1 > n)
            do
                len--;
            while (len > 0 && !STARTS_CHAR(text[len]));
        if (len + strlen(tail) + 1 <= n)
            break;
        tail = "";
        len = full;
    }
    memcpy(buf, text, len);
    strcpy(buf + len, tail);
    return buf;
#undef STARTS_CHAR
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */

enum { FMT_PNG = 1, FMT_SVG = 2, FMT_PDF = 4 };
static const char *const fmt_names[] = {"png", "svg", "pdf"};

static int parse_formats(const char *formats, unsigned *mask, vs_err *err)
{
    *mask = 0;
    if (!formats || !*formats)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "no chart format given: use png, svg or pdf");
    const char *p = formats;
    for (;;) {
        size_t len = strcspn(p, ",");
        int found = -1;
        for (int i = 0; i < 3; i++)
            if (len == 3 && memcmp(p, fmt_names[i], 3) == 0)
                found = i;
        if (len == 0)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "empty chart format in '%.64s': use png, svg "
                              "or pdf", formats);
        if (found < 0)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "unknown chart format '%.*s': use png, svg or "
                              "pdf", (int)(len < 32 ? len : 32), p);
        *mask |= 1u << found;
        if (p[len] == '\0')
            return VS_OK;
        p += len + 1;
    }
}

int vs_charts_check_formats(const char *formats, vs_err *err)
{
    unsigned mask;
    return parse_formats(formats, &mask, err);
}

/* ------------------------------------------------------------------ */
/* Writing scripts                                                     */

typedef struct ctx {
    const vs_scenario *sc;
    const vs_results *res;
    const lang *L;
    int sv;             /* Swedish labels and numbers */
    size_t V, C, base;  /* variants, centres, baseline index */
    size_t K;           /* variants other than the baseline */
    size_t *order;      /* centres by point CNI ascending, ties by index */
    int *slot;          /* linetype per variant (style.gp) */
    const char *dir;
    vs_outset *set;
    vs_err *err;
    int st;             /* first failure; writers do nothing after one */
} ctx;

static void fail(ctx *c, int st)
{
    if (c->st == VS_OK)
        c->st = st;
}

void vs_charts_put_num(FILE *f, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs("NaN", f);
        return;
    }
    snprintf(buf, sizeof buf, "%.10g", v);
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    fputs(buf, f);
}

int vs_charts_put_quoted(FILE *f, const char *text, vs_err *err)
{
    char *q = vs_charts_quote(text, err);
    if (!q)
        return err->code != VS_OK ? err->code : VS_ENOMEM;
    fputs(q, f);
    free(q);
    return VS_OK;
}

/* Text as a single-quoted literal (see the top of this file). */
static void put_q(ctx *c, FILE *f, const char *text)
{
    if (c->st == VS_OK)
        fail(c, vs_charts_put_quoted(f, text, c->err));
}

/* name = 'text' */
static void put_assign(ctx *c, FILE *f, const char *name, const char *text)
{
    fprintf(f, "%s = ", name);
    put_q(c, f, text);
    fputc('\n', f);
}

/* An id in a data file: the loader allows [a-z0-9_-] only; anything else
 * would be a loader bug, and is replaced rather than trusted. */
static void put_id(FILE *f, const char *id)
{
    for (const char *p = id; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 *p == '_' || *p == '-';
        fputc(ok ? *p : '_', f);
    }
}

static FILE *open_file(ctx *c, const char *name)
{
    if (c->st != VS_OK)
        return NULL;
    FILE *f = vs_outset_open(c->set, c->dir, name, c->err);
    if (!f)
        fail(c, c->err->code != VS_OK ? c->err->code : VS_EIO);
    return f;
}

static const char *fmt_num(const ctx *c, double v, int decimals, char *buf,
                           size_t n)
{
    return vs_charts_format_number(v, decimals, c->sv, buf, n);
}

/* Width of `text` in cm at `pt` points, estimated on the generous side.
 * DejaVu Sans advances are about 0.3 em for narrow marks and letters,
 * 0.6 for most letters and digits, 0.7-1.0 for capitals and wide signs;
 * cairo draws the font about 1.25 times its nominal size (measured on
 * pngcairo and pdfcairo alike). */
static double text_cm(const char *text, double pt)
{
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue; /* inside a UTF-8 character */
        if (strchr(" .,:;'`!|iljtfr()[]{}-\"", *p))
            em += 0.33;
        else if ((*p >= 'A' && *p <= 'Z') || strchr("mwMW@%&<>=~_#", *p))
            em += 0.78;
        else
            em += 0.64; /* including Å Ä Ö å ä ö */
    }
    return em * 1.25 * 1.05 * pt / 72 * 2.54;
}

/* Characters of ordinary text (Swedish names average 0.56 em) that fit
 * in `cm` at `pt` points. */
static size_t chars_in(double cm, double pt)
{
    double per_char = 0.56 * 1.25 * pt / 72 * 2.54;
    return cm > per_char ? (size_t)(cm / per_char) : 1;
}

/* ------------------------------------------------------------------ */
/* Axes with explicit tick labels                                      */

typedef struct axis {
    double lo, hi, step;
    long first, count; /* ticks at (first + i) * step, i < count */
    int decimals;
} axis;

/* A nice axis over [lo, hi]: about `target` ticks (the step rounded to
 * the nearest 1, 2 or 5 times a power of ten, at least min_step). */
static void axis_fit(axis *a, double lo, double hi, int target,
                     double min_step)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (!(hi > lo)) {
        double m = lo != 0 ? fabs(lo) * 0.1 : 1;
        lo -= m;
        hi += m;
    }
    double raw = (hi - lo) / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    if (step < min_step)
        step = min_step;
    a->step = step;
    /* Widen the range to the next tick when that costs little (a tidy
     * end), else keep it and put the first/last tick inside. */
    long first = (long)floor(lo / step + 1e-9);
    long last = (long)ceil(hi / step - 1e-9);
    double slack = 0.15 * (hi - lo);
    if (lo - (double)first * step <= slack)
        lo = (double)first * step;
    else
        first++;
    if ((double)last * step - hi <= slack)
        hi = (double)last * step;
    else
        last--;
    a->first = first;
    a->count = last - first + 1;
    a->lo = lo;
    a->hi = hi;
    a->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
}

/* The axis with the most ticks (up to 8) whose labels, at `pt` points,
 * fit side by side in room_cm. */
static void axis_fit_room(const ctx *c, axis *a, double lo, double hi,
                          double room_cm, double pt, double min_step)
{
    char buf[64];
    for (int target = 8;; target--) {
        axis_fit(a, lo, hi, target, min_step);
        double need = 0;
        for (long i = 0; i < a->count; i++)
            need += text_cm(vs_charts_format_number(
                                (double)(a->first + i) * a->step, a->decimals,
                                c->sv, buf, sizeof buf),
                            pt) + 0.3;
        if (need <= room_cm || target <= 2)
            return;
    }
}

/* set <ax>range [lo:hi] and set <ax>tics ('label' value, ...) */
static void put_axis(ctx *c, FILE *f, const char *ax, const axis *a)
{
    char buf[64];
    fprintf(f, "set %srange [", ax);
    vs_charts_put_num(f, a->lo);
    fputc(':', f);
    vs_charts_put_num(f, a->hi);
    fprintf(f, "]\nset %stics (", ax);
    for (long i = 0; i < a->count; i++) {
        double v = (double)(a->first + i) * a->step;
        if (i)
            fputs(", ", f);
        put_q(c, f, fmt_num(c, v, a->decimals, buf, sizeof buf));
        fputc(' ', f);
        vs_charts_put_num(f, v);
    }
    fputs(")\n", f);
}

/* Widen [lo, hi] by `share` of its width on each side that is not 0. */
static void pad(double *lo, double *hi, double share)
{
    double w = *hi - *lo;
    if (!(w > 0))
        return;
    if (*lo != 0)
        *lo -= w * share;
    if (*hi != 0)
        *hi += w * share;
}

static double ore_to_sek(double ore)
{
    return ore / 100.0;
}

static const vs_centre_stat *cstat(const ctx *c, size_t v, size_t i)
{
    return &c->res->centres[v * c->C + i];
}

/* tmpl with its first "%s" replaced by arg (no other % is special, so
 * the tables can say "(%)"). */
static void fill(char *buf, size_t n, const char *tmpl, const char *arg)
{
    const char *at = strstr(tmpl, "%s");
    if (at)
        snprintf(buf, n, "%.*s%s%s", (int)(at - tmpl), tmpl, arg, at + 2);
    else
        snprintf(buf, n, "%s", tmpl);
}

/* Fixed multi-line text: lines separated by '|' in the tables above
 * become 'line 1' . "\n" . 'line 2'.  (Scenario text never comes here.) */
static void put_lines(ctx *c, FILE *f, const char *text)
{
    char part[512];
    const char *p = text;
    for (int first = 1;; first = 0) {
        size_t len = strcspn(p, "|");
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        if (!first)
            fputs(" . \"\\n\" . ", f);
        put_q(c, f, part);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
}

static void put_assign_lines(ctx *c, FILE *f, const char *name,
                             const char *text)
{
    fprintf(f, "%s = ", name);
    put_lines(c, f, text);
    fputc('\n', f);
}

/* name = text broken at spaces into at most max_lines lines of at most
 * max_chars characters ('line 1' . "\n" . 'line 2'); what does not fit
 * ends in "…".  For scenario text: each line is quoted on its own. */
static void put_assign_wrapped(ctx *c, FILE *f, const char *name,
                               const char *text, size_t max_chars,
                               int max_lines)
{
    char line[4 * 120 + 4];
    if (max_chars > 120)
        max_chars = 120;
    fprintf(f, "%s = ", name);
    const char *p = text;
    for (int n_line = 1;; n_line++) {
        while (*p == ' ')
            p++;
        /* Walk up to max_chars characters, remembering the last space. */
        const char *q = p, *space = NULL;
        size_t chars = 0;
        while (*q) {
            if (*q == ' ')
                space = q;
            if (++chars > max_chars)
                break;
            q++;
            while (((unsigned char)*q & 0xC0) == 0x80)
                q++;
        }
        const char *end = !*q ? q : space && space > p ? space : q;
        if (n_line == max_lines && *end) {
            vs_charts_shorten(p, max_chars, line, sizeof line);
            end = p + strlen(p);
        } else {
            snprintf(line, sizeof line, "%.*s", (int)(end - p), p);
        }
        if (n_line > 1)
            fputs(" . \"\\n\" . ", f);
        put_q(c, f, line);
        p = end;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
    }
    fputc('\n', f);
}

/* set lmargin/rmargin/bmargin/tmargin at screen, from centimetres. */
static void put_margins(FILE *f, double w, double h, double x0, double x1,
                        double y0, double y1)
{
    fputs("set lmargin at screen ", f);
    vs_charts_put_num(f, x0 / w);
    fputs("; set rmargin at screen ", f);
    vs_charts_put_num(f, x1 / w);
    fputs("; set bmargin at screen ", f);
    vs_charts_put_num(f, y0 / h);
    fputs("; set tmargin at screen ", f);
    vs_charts_put_num(f, y1 / h);
    fputc('\n', f);
}

/* The end of a multiplot page: a key with no plot (NaN draws nothing, the
 * key entries remain) in the strip [y0, y1] cm. */
static void key_strip_begin(FILE *f, double w, double h, double y0,
                            double y1, size_t rows)
{
    put_margins(f, w, h, 0.6, w - 0.6, y0, y1);
    fprintf(f, "unset border; unset xtics; unset ytics; unset grid; "
               "unset xlabel; unset ylabel; unset title; unset arrow\n"
               "unset xzeroaxis; unset yzeroaxis\n"
               "set xrange [0:1]; set yrange [0:1]\n"
               "set key inside left top Left reverse vertical maxrows %zu "
               "noenhanced samplen 2\n", rows);
}

void vs_charts_put_at(FILE *f, double w, double h, double x, double y)
{
    fputs(" at screen ", f);
    vs_charts_put_num(f, x / w);
    fputs(", screen ", f);
    vs_charts_put_num(f, y / h);
}

void vs_charts_put_titles(FILE *f, double w, double h)
{
    fputs("set label 101 t_title", f);
    vs_charts_put_at(f, w, h, w / 2, h - 0.5);
    fputs(" center font ',10' noenhanced\nset label 102 t_scenario", f);
    vs_charts_put_at(f, w, h, w / 2, h - 0.95);
    fputs(" center noenhanced\n", f);
}

/* Fewest decimals (up to 6) that show v exactly: 1.1 -> 1, 1.125 -> 3. */
static int short_decimals(double v)
{
    for (int d = 0; d < 6; d++) {
        double x = v * pow(10, d);
        if (fabs(x - round(x)) < 1e-6 * fmax(1, fabs(x)))
            return d;
    }
    return 6;
}

/* Decimals that show every centre's CNI as typed (at most 3), so the
 * CNI column of the allocation chart lines up: 0.9 next to 1.12 prints
 * as 0,90. */
static int cni_decimals(const ctx *c)
{
    int d = 0;
    for (size_t i = 0; i < c->C; i++) {
        int k = short_decimals(c->res->point_cni[i]);
        d = k > d ? k : d;
    }
    return d < 3 ? d : 3;
}

/* The opening every chart script shares: how to render it, the size, the
 * style, the decimal mark. */
static void script_begin(ctx *c, FILE *f, const char *chart,
                         const char *what, const char *data, double w_cm,
                         double h_cm)
{
    fprintf(f,
            "# %s.gp: %s.\n"
            "# Written by vardsim; reads style.gp and %s in this folder.\n"
            "# Render inside this folder:  gnuplot %s.gp      (writes %s.png)\n"
            "#   other formats:  gnuplot -e \"vs_format='svg'\" %s.gp   (or 'pdf')\n"
            "if (!exists('vs_format')) vs_format = 'png'\n"
            "if (!exists('vs_output')) vs_output = '%s.' . vs_format\n",
            chart, what, data, chart, chart, chart, chart);
    fputs("vs_width_cm = ", f);
    vs_charts_put_num(f, w_cm);
    fputs("\nvs_height_cm = ", f);
    vs_charts_put_num(f, h_cm);
    fputs("\nload 'style.gp'\n", f);
    if (c->sv)
        fputs("set decimalsign ','\n", f);
    fputs("\n# Text from the scenario and labels: single-quoted strings, "
          "which gnuplot\n# prints as they are (no backquote or macro "
          "expansion inside them).\n", f);
    put_assign_wrapped(c, f, "t_scenario", c->sc->name ? c->sc->name : "",
                       chars_in(15, 8), 2);
    put_assign(c, f, "t_baseline", c->sc->variants[c->base].name);
}

/* Variant names as t_v<index> = '...', used for keys and panel titles. */
static void put_variant_names(ctx *c, FILE *f)
{
    char var[32];
    for (size_t v = 0; v < c->V; v++) {
        snprintf(var, sizeof var, "t_v%zu", v);
        put_assign(c, f, var, c->sc->variants[v].name);
    }
}

/* ------------------------------------------------------------------ */
/* 1. allocation: change per centre against the baseline               */

static void write_allocation(ctx *c)
{
    const vs_scenario *sc = c->sc;
    size_t C = c->C, K = c->K;
    char buf[160], num[64];

    /* The data: one row per non-baseline variant and centre, at height y
     * (centre rank by CNI, 1 = lowest, so the highest need is on top),
     * bars of half-height `half`; money in SEK. */
    FILE *d = open_file(c, "chart_allocation.csv");
    if (!d)
        return;
    fputs("variant,centre,v,slot,y,half,change,change_p05,change_p95\n", d);
    double lo = 0, hi = 0;
    double band = 0.8 / (double)(K ? K : 1);
    size_t j = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        for (size_t r = 0; r < C; r++) {
            size_t i = c->order[r];
            const vs_centre_stat *s = cstat(c, v, i), *b = cstat(c, c->base, i);
            vs_ore change = s->point - b->point;
            double y = (double)(r + 1) + 0.4 - ((double)j + 0.5) * band;
            double vals[3] = {(double)change / 100.0, ore_to_sek(s->change_p05),
                              ore_to_sek(s->change_p95)};
            for (int k = 0; k < 3; k++)
                if (isfinite(vals[k])) {
                    lo = fmin(lo, vals[k]);
                    hi = fmax(hi, vals[k]);
                }
            put_id(d, sc->variants[v].id);
            fputc(',', d);
            put_id(d, sc->centres[i].id);
            fprintf(d, ",%zu,%d,", v, c->slot[v]);
            vs_charts_put_num(d, y);
            fputc(',', d);
            vs_charts_put_num(d, band * 0.45);
            fprintf(d, ",%s,", vs_money_format(change, '.', buf, sizeof buf));
            vs_charts_put_num(d, vals[1]);
            fputc(',', d);
            vs_charts_put_num(d, vals[2]);
            fputc('\n', d);
        }
        j++;
    }

    /* Tick labels "name  CNI", and the room they need on the left. */
    const double tick_pt = 7, W = 16;
    int cni_d = cni_decimals(c);
    double label_w = 0;
    char **labels = calloc(C, sizeof *labels);
    if (!labels) {
        fail(c, vs_err_set(c->err, VS_ENOMEM, NULL, 0, "out of memory"));
        return;
    }
    for (size_t r = 0; r < C; r++) {
        size_t i = c->order[r];
        char name[4 * 40 + 1], label[sizeof name + 80];
        vs_charts_shorten(sc->centres[i].name, 40, name, sizeof name);
        fmt_num(c, c->res->point_cni[i], cni_d, num, sizeof num);
        snprintf(label, sizeof label, "%s  %s", name, num);
        labels[r] = strdup(label);
        if (!labels[r]) {
            fail(c, vs_err_set(c->err, VS_ENOMEM, NULL, 0, "out of memory"));
            goto done;
        }
        label_w = fmax(label_w, text_cm(label, tick_pt));
    }

    /* Centres above the high-need threshold: rows n_low+1 .. C. */
    size_t n_low = 0;
    for (size_t r = 0; r < C; r++)
        n_low += !(c->res->point_cni[c->order[r]] > sc->high_need_cni);
    int split = n_low > 0 && n_low < C;

    char above[96], below[96], thr[64];
    fmt_num(c, sc->high_need_cni, short_decimals(sc->high_need_cni), thr,
            sizeof thr);
    fill(above, sizeof above, c->L->above, thr);
    fill(below, sizeof below, c->L->below, thr);

    /* Layout in cm.  Rows of at most 0.6 cm; the chart fits an A4 page. */
    double left = fmin(fmax(label_w + 0.5, 2.5), 8.0);
    double right = W - 0.5;
    double key_h = 0.48 * (double)K + 0.3, notes_h = 0.95;
    double bottom = 0.3 + notes_h + key_h + 0.4 + 0.5 + 0.7;
    double top_h = 2.3;
    double row = fmin(0.16 + 0.11 * (double)(K ? K : 1),
                      (25.0 - bottom - top_h) / (double)C);
    if (row < 0.25)
        row = 0.25;
    double H = bottom + top_h + row * (double)C;
    if (split)
        right -= fmax(text_cm(above, 7), text_cm(below, 7)) + 0.2;

    double div;
    const char *unit =
        vs_charts_money_unit(fmax(fabs(lo), fabs(hi)), c->sv, &div);
    lo /= div;
    hi /= div;
    pad(&lo, &hi, 0.03);
    axis ax;
    axis_fit_room(c, &ax, lo, hi, right - left, 8, 0);

    FILE *f = open_file(c, "allocation.gp");
    if (!f)
        goto done;
    script_begin(c, f, "allocation",
                 "change in allocation per centre against the baseline",
                 "chart_allocation.csv", W, H);
    put_variant_names(c, f);
    put_assign(c, f, "t_title", c->L->alloc_title);
    snprintf(buf, sizeof buf, "%s (%s)", c->L->alloc_axis, unit);
    put_assign(c, f, "t_axis", buf);
    put_assign(c, f, "t_note", c->L->alloc_note);
    put_assign(c, f, "t_baseline_is", c->L->baseline_is);
    put_assign(c, f, "t_cni", c->L->cni);

    fputs("\n# Columns of chart_allocation.csv: 3 variant number, 4 colour, "
          "5 bar centre,\n# 6 bar half-height, 7 change (SEK), 8-9 its 5th "
          "and 95th percentiles.\nU = ", f);
    vs_charts_put_num(f, div);
    fputs("  # SEK per axis unit\n", f);
    put_margins(f, W, H, left, right, bottom, H - top_h);
    /* Titles as labels on the page: gnuplot centres `set title` over the
     * plot, which the long tick labels push to the right. */
    vs_charts_put_titles(f, W, H);
    fputs("set label 103 t_baseline_is . t_baseline", f);
    vs_charts_put_at(f, W, H, 0.5, 0.3 + notes_h - 0.35);
    fputs(" left font ',7' noenhanced\nset label 104 t_note", f);
    vs_charts_put_at(f, W, H, 0.5, 0.3 + 0.1);
    fputs(" left font ',7' noenhanced\n", f);
    fputs("set xlabel t_axis noenhanced\n", f);
    put_axis(c, f, "x", &ax);
    fputs("unset grid\nset grid xtics back lc rgb vs_light\n"
          "set yzeroaxis lt -1 lc rgb vs_ink lw 1\n", f);
    fprintf(f, "set yrange [0.5:%zu.5]\n", C);
    fputs("set ytics scale 0 font ',7' noenhanced (", f);
    for (size_t r = 0; r < C; r++) {
        if (r)
            fputs(", \\\n  ", f);
        put_q(c, f, labels[r]);
        fprintf(f, " %zu", r + 1);
    }
    fputs(")\n", f);
    /* "CNI" over the CNI column of the tick labels. */
    fputs("set label 1 t_cni at graph 0, graph 1 offset -0.9, 0.8 right "
          "font ',7' noenhanced\n", f);

    /* A dashed line between the centres above the high-need threshold
     * and the rest, named in the right margin. */
    if (split) {
        fprintf(f, "set arrow 1 from graph 0, first %zu.5 to graph 1, first "
                   "%zu.5 nohead dt 2 lc rgb vs_grey\n", n_low, n_low);
        fputs("set label 2 ", f);
        put_q(c, f, above);
        fprintf(f, " at graph 1, first %zu.5 offset 0.6, 0.55 left font ',7' "
                   "textcolor rgb vs_grey noenhanced\n", n_low);
        fputs("set label 3 ", f);
        put_q(c, f, below);
        fprintf(f, " at graph 1, first %zu.5 offset 0.6, -0.55 left font ',7' "
                   "textcolor rgb vs_grey noenhanced\n", n_low);
    }

    if (K == 0) {
        fputs("set label 4 ", f);
        put_q(c, f, c->L->only_baseline);
        fputs(" at graph 0.5, graph 0.5 center noenhanced\n"
              "plot NaN notitle\n", f);
        goto done;
    }
    fputs("set key", f);
    vs_charts_put_at(f, W, H, 0.5, 0.3 + notes_h + key_h);
    fprintf(f, " left top Left reverse vertical maxrows %zu noenhanced\n", K);
    fputs("set errorbars 0.6\nplot \\\n", f);
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        fprintf(f, "  'chart_allocation.csv' skip 1 using ($3 == %zu ? $7 / U : "
                   "NaN):5:($7 < 0 ? $7 / U : 0):($7 < 0 ? 0 : $7 / U):"
                   "($5 - $6):($5 + $6) with boxxyerror lt %d title t_v%zu, \\\n",
                v, c->slot[v], v);
    }
    fputs("  'chart_allocation.csv' skip 1 using ($7 / U):5:($8 / U):($9 / U) "
          "with xerrorbars lc rgb vs_ink lw 0.7 pt 7 ps 0 notitle\n", f);
done:
    for (size_t r = 0; r < C; r++)
        free(labels[r]);
    free(labels);
}

/* ------------------------------------------------------------------ */
/* 2. concentration: cumulative money against cumulative population    */

static void write_concentration(ctx *c)
{
    const vs_scenario *sc = c->sc;
    const vs_results *res = c->res;
    size_t C = c->C, V = c->V;
    double P = 0, N = 0, *A = calloc(V, sizeof *A), *cum = calloc(V, sizeof *cum);
    if (!A || !cum) {
        free(A), free(cum);
        fail(c, vs_err_set(c->err, VS_ENOMEM, NULL, 0, "out of memory"));
        return;
    }
    for (size_t i = 0; i < C; i++) {
        P += res->point_listed[i];
        N += vs_results_need(res, i);
        for (size_t v = 0; v < V; v++)
            A[v] += (double)cstat(c, v, i)->point;
    }

    /* Columns: 1 rank, 2 centre, 3 cni, 4 cum. listed %, 5 cum. need %,
     * 6.. cum. money % per variant (file order), then per non-baseline
     * variant the shift: baseline curve minus its curve, in points. */
    FILE *d = open_file(c, "chart_curves.csv");
    if (!d)
        goto done;
    fputs("rank,centre,cni,cum_listed,cum_need", d);
    for (size_t v = 0; v < V; v++) {
        fputs(",cum_", d);
        put_id(d, sc->variants[v].id);
    }
    for (size_t v = 0; v < V; v++)
        if (v != c->base) {
            fputs(",shift_", d);
            put_id(d, sc->variants[v].id);
        }
    fputs("\n0,,NaN,0,0", d);
    for (size_t v = 0; v < V; v++)
        fputs(",0", d);
    for (size_t v = 0; v < c->K; v++)
        fputs(",0", d);
    fputc('\n', d);
    double lo = 0, hi = 0, cl = 0, cn = 0;
    for (size_t r = 0; r < C; r++) {
        size_t i = c->order[r];
        cl += res->point_listed[i];
        cn += vs_results_need(res, i);
        for (size_t v = 0; v < V; v++)
            cum[v] += (double)cstat(c, v, i)->point;
        fprintf(d, "%zu,", r + 1);
        put_id(d, sc->centres[i].id);
        fputc(',', d);
        vs_charts_put_num(d, res->point_cni[i]);
        fputc(',', d);
        vs_charts_put_num(d, P > 0 ? 100 * cl / P : NAN);
        fputc(',', d);
        vs_charts_put_num(d, N > 0 ? 100 * cn / N : NAN);
        for (size_t v = 0; v < V; v++) {
            fputc(',', d);
            vs_charts_put_num(d, A[v] != 0 ? 100 * cum[v] / A[v] : NAN);
        }
        double b = A[c->base] != 0 ? 100 * cum[c->base] / A[c->base] : NAN;
        for (size_t v = 0; v < V; v++) {
            if (v == c->base)
                continue;
            double s = b - (A[v] != 0 ? 100 * cum[v] / A[v] : NAN);
            fputc(',', d);
            vs_charts_put_num(d, s);
            if (isfinite(s)) {
                lo = fmin(lo, s);
                hi = fmax(hi, s);
            }
        }
        fputc('\n', d);
    }

    /* Layout in cm, from the bottom: the key, the shift panel (with its
     * axis title), the curves, the titles. */
    const double W = 16, left = 2.7, right = W - 0.5;
    double key_h = 0.48 * (double)(V + 2) + 0.2;
    double shift_y0 = 0.3 + key_h + 1.6, shift_y1 = shift_y0 + 5.5;
    double curve_y0 = shift_y1 + 1.2, curve_y1 = curve_y0 + 8.5;
    double H = curve_y1 + 2.0;
    FILE *f = open_file(c, "concentration.gp");
    if (!f)
        goto done;
    script_begin(c, f, "concentration",
                 "concentration curves of money and need by CNI rank",
                 "chart_curves.csv", W, H);
    put_variant_names(c, f);
    put_assign(c, f, "t_title", c->L->conc_title);
    put_assign(c, f, "t_x", c->L->conc_x);
    put_assign(c, f, "t_y", c->L->conc_y);
    put_assign(c, f, "t_equal", c->L->conc_equal);
    put_assign(c, f, "t_need", c->L->conc_need);
    put_assign_lines(c, f, "t_shift", c->L->conc_shift_y);
    put_assign(c, f, "t_shift_note", c->L->conc_shift_note);
    put_assign(c, f, "t_base_suffix", c->L->base_suffix);
    fputs("\n# Columns of chart_curves.csv: 4 cumulative share of listed (%), "
          "5 of need,\n# 6 onwards of money per variant, then the shifts "
          "(percentage points).\n", f);
    fputs("set multiplot\n", f);
    vs_charts_put_titles(f, W, H);

    /* Top panel: the curves. */
    axis pct;
    axis_fit(&pct, 0, 100, 5, 0);
    put_margins(f, W, H, left, right, curve_y0, curve_y1);
    put_axis(c, f, "x", &pct);
    put_axis(c, f, "y", &pct);
    fputs("set ylabel t_y\nset key", f);
    vs_charts_put_at(f, W, H, 0.5, 0.3 + key_h);
    fprintf(f, " left top Left reverse vertical maxrows %zu noenhanced\n", V + 2);
    fputs("plot x with lines dt 3 lw 1.2 lc rgb vs_grey title t_equal, \\\n"
          "  'chart_curves.csv' skip 1 using 4:5 with lines dt 2 lw 2.5 "
          "lc rgb vs_ink title t_need", f);
    for (size_t v = 0; v < V; v++) {
        if (v == c->base)
            continue;
        fprintf(f, ", \\\n  'chart_curves.csv' skip 1 using 4:%zu with lines "
                   "lt %d lw 2 title t_v%zu", 6 + v, c->slot[v], v);
    }
    /* The baseline last, thinner, so it stays visible on top. */
    fprintf(f, ", \\\n  'chart_curves.csv' skip 1 using 4:%zu with lines lt 1 "
               "lw 1 title t_v%zu . t_base_suffix\n", 6 + c->base, c->base);

    /* Bottom panel: the shift of each variant against the baseline. */
    pad(&lo, &hi, 0.08);
    axis sh;
    axis_fit(&sh, lo, hi, 4, 0);
    put_margins(f, W, H, left, right, shift_y0, shift_y1);
    fputs("unset key; unset label 101; unset label 102\n"
          "set ylabel t_shift font ',7'\nset xlabel t_x\n", f);
    put_axis(c, f, "y", &sh);
    fputs("set xzeroaxis lt -1 lc rgb vs_ink lw 1\n"
          "set label 1 t_shift_note", f);
    vs_charts_put_at(f, W, H, left, shift_y1 + 0.2);
    fputs(" left font ',7' textcolor rgb vs_ink noenhanced\n", f);
    if (c->K == 0) {
        fputs("set label 2 ", f);
        put_q(c, f, c->L->only_baseline);
        fputs(" at graph 0.5, graph 0.5 center noenhanced\nplot NaN notitle\n",
              f);
    } else {
        fputs("plot ", f);
        size_t j = 0;
        for (size_t v = 0; v < V; v++) {
            if (v == c->base)
                continue;
            fprintf(f, "%s'chart_curves.csv' skip 1 using 4:%zu with lines "
                       "lt %d lw 2 notitle", j ? ", \\\n  " : "",
                    6 + V + j, c->slot[v]);
            j++;
        }
        fputc('\n', f);
    }
    fputs("unset multiplot\n", f);
done:
    free(A);
    free(cum);
}

/* ------------------------------------------------------------------ */
/* 3. metrics: each equity metric per variant, point and interval      */

/* Metrics that are shares are shown in per cent. */
static double metric_scale(int m)
{
    return m == VS_M_DISSIMILARITY || m == VS_M_HIGH_NEED_SHARE ||
                   m == VS_M_MAX_LOSS
               ? 100
               : 1;
}

/* P(better than baseline) as a short label: "97 %", ">99 %", "<1 %". */
static void p_label(const ctx *c, double p, char *buf, size_t n)
{
    const char *pc = c->sv ? " %" : "%";
    if (!isfinite(p))
        snprintf(buf, n, "\xe2\x80\x93"); /* – */
    else if (p > 0.995 && p < 1)
        snprintf(buf, n, ">99%s", pc);
    else if (p > 0 && p < 0.005)
        snprintf(buf, n, "<1%s", pc);
    else
        snprintf(buf, n, "%.0f%s", 100 * p, pc);
}

static void write_metrics(ctx *c)
{
    const vs_scenario *sc = c->sc;
    size_t V = c->V;
    char buf[128], num[64];

    FILE *d = open_file(c, "chart_metrics.csv");
    if (!d)
        return;
    /* Values as shown: shares in per cent. */
    fputs("metric,variant,m,v,slot,row,point,p05,p95,p_better\n", d);
    for (int m = 0; m < VS_M_COUNT; m++)
        for (size_t v = 0; v < V; v++) {
            const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
            double k = metric_scale(m);
            fprintf(d, "%s,", vs_metric_name((vs_metric)m));
            put_id(d, sc->variants[v].id);
            fprintf(d, ",%d,%zu,%d,%zu,", m, v, c->slot[v], V - v);
            vs_charts_put_num(d, k * s->point);
            fputc(',', d);
            vs_charts_put_num(d, k * s->p05);
            fputc(',', d);
            vs_charts_put_num(d, k * s->p95);
            fputc(',', d);
            vs_charts_put_num(d, s->p_better);
            fputc('\n', d);
        }

    /* Layout in cm: titles, 4 rows of 2 panels (each with a two-line
     * header and its tick labels), the key, a two-line note. */
    const double W = 16, title_h = 1.9;
    double ph = 0.4 * (double)V + 0.2;
    double head_h = 0.8, ticks_h = 0.65, cell = head_h + ph + ticks_h;
    double key_h = 0.48 * (double)V + 0.4, note_h = 0.9;
    double H = title_h + 4 * cell + 0.35 + key_h + note_h;

    FILE *f = open_file(c, "metrics.gp");
    if (!f)
        return;
    script_begin(c, f, "metrics",
                 "equity metrics per variant with 90 % intervals",
                 "chart_metrics.csv", W, H);
    put_variant_names(c, f);
    put_assign(c, f, "t_title", c->L->met_title);
    put_assign_lines(c, f, "t_note", c->L->met_note);
    put_assign(c, f, "t_base_suffix", c->L->base_suffix);
    for (int m = 0; m < VS_M_COUNT; m++) {
        char var[24];
        snprintf(var, sizeof var, "t_m%d", m);
        fill(buf, sizeof buf, c->L->met_name[m],
                 fmt_num(c, sc->high_need_cni,
                         short_decimals(sc->high_need_cni), num, sizeof num));
        put_assign(c, f, var, buf);
    }
    for (int k = 0; k < 3; k++) {
        char var[24];
        snprintf(var, sizeof var, "t_better%d", k);
        put_assign(c, f, var, c->L->better[k]);
    }
    fputs("\n# Columns of chart_metrics.csv: 3 metric number, 4 variant "
          "number, 5 colour,\n# 6 row, 7 point, 8-9 5th and 95th "
          "percentiles (shares in per cent).\n", f);
    fputs("set multiplot\n", f);
    vs_charts_put_titles(f, W, H);
    fputs("unset grid\nset grid xtics back lc rgb vs_light\nunset ytics\n", f);
    fprintf(f, "set yrange [0.4:%zu.6]\n", V);

    for (int m = 0; m < VS_M_COUNT; m++) {
        double lo = INFINITY, hi = -INFINITY, k = metric_scale(m);
        for (size_t v = 0; v < V; v++) {
            const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
            double x[3] = {s->point, s->p05, s->p95};
            for (int q = 0; q < 3; q++)
                if (isfinite(x[q])) {
                    lo = fmin(lo, k * x[q]);
                    hi = fmax(hi, k * x[q]);
                }
        }
        int defined = lo <= hi;
        if (!defined)
            lo = 0, hi = 1;
        else if (hi > lo)
            pad(&lo, &hi, 0.06);
        double col = (double)(m % 2), row = (double)(m / 2);
        double x0 = col * W / 2 + 0.8, x1 = (col + 1) * W / 2 - 1.4;
        axis ax;
        axis_fit_room(c, &ax, lo, hi, fmin(x1 - x0, 4.5), 8,
                      m == VS_M_LOSERS ? 1 : 0);
        double top = H - title_h - row * cell - head_h;
        fprintf(f, "\n# Panel %d: %s\n", m + 1, vs_metric_name((vs_metric)m));
        put_margins(f, W, H, x0, x1, top - ph, top);
        fprintf(f, "unset label 3; unset arrow 1\nset label 1 t_m%d", m);
        vs_charts_put_at(f, W, H, x0, top + 0.5);
        fprintf(f, " left noenhanced\nset label 2 t_better%d",
                (int)vs_metric_better((vs_metric)m));
        vs_charts_put_at(f, W, H, x0, top + 0.15);
        fputs(" left font ',7' textcolor rgb vs_grey noenhanced\n", f);
        put_axis(c, f, "x", &ax);
        const vs_stat *bs = &c->res->stats[c->base * VS_STAT_COUNT + (size_t)m];
        if (isfinite(bs->point)) {
            fputs("set arrow 1 from ", f);
            vs_charts_put_num(f, k * bs->point);
            fputs(", graph 0 to ", f);
            vs_charts_put_num(f, k * bs->point);
            fputs(", graph 1 nohead dt 2 lc rgb vs_grey\n", f);
        }
        for (size_t v = 0; v < V; v++) {
            const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
            if (v == c->base)
                snprintf(buf, sizeof buf, "%s", c->L->met_base);
            else
                p_label(c, s->p_better, buf, sizeof buf);
            fprintf(f, "set label %zu ", 10 + v);
            put_q(c, f, buf);
            fprintf(f, " at graph 1, first %zu offset 0.8, 0 left font ',7.5' "
                       "noenhanced\n", V - v);
        }
        if (!defined) {
            fputs("set label 3 ", f);
            put_q(c, f, "\xe2\x80\x93"); /* – */
            fputs(" at graph 0.5, graph 0.5 center\n", f);
        }
        fprintf(f, "plot 'chart_metrics.csv' skip 1 using ($3 == %d ? $7 : "
                   "NaN):6:8:9:($6 - 0.14):($6 + 0.14):5 with boxxyerror "
                   "fs solid 0.35 lc variable notitle, \\\n"
                   "  'chart_metrics.csv' skip 1 using ($3 == %d ? $7 : NaN):"
                   "6:5 with points pt 7 ps 1.0 lc variable notitle, \\\n"
                   "  'chart_metrics.csv' skip 1 using ($3 == %d ? $7 : NaN):"
                   "6 with points pt 6 ps 1.0 lc rgb vs_ink lw 0.6 notitle\n",
                m, m, m);
        if (m == 0)
            fputs("unset label 101; unset label 102\n", f);
    }

    fputs("\n# The key: one entry per variant, in the panels' order.\n", f);
    key_strip_begin(f, W, H, note_h, note_h + key_h, V);
    fputs("unset label\nset label 1 t_note", f);
    vs_charts_put_at(f, W, H, 0.5, note_h - 0.3);
    fputs(" left font ',7' textcolor rgb vs_ink noenhanced\nplot ", f);
    for (size_t v = 0; v < V; v++)
        fprintf(f, "%sNaN with points pt 7 ps 1.2 lt %d title t_v%zu%s",
                v ? ", \\\n  " : "", c->slot[v], v,
                v == c->base ? " . t_base_suffix" : "");
    fputs("\nunset multiplot\n", f);
}

/* ------------------------------------------------------------------ */
/* 4. per_capita: funding per listed person against CNI                */

static void write_per_capita(ctx *c)
{
    const vs_scenario *sc = c->sc;
    const vs_results *res = c->res;
    size_t C = c->C, V = c->V;

    double maxl = 0, N = 0, clo = INFINITY, chi = -INFINITY;
    for (size_t i = 0; i < C; i++) {
        maxl = fmax(maxl, res->point_listed[i]);
        N += vs_results_need(res, i);
        clo = fmin(clo, res->point_cni[i]);
        chi = fmax(chi, res->point_cni[i]);
    }
    if (!(clo <= chi))
        clo = 0, chi = 2;
    double cpad = chi > clo ? 0.04 * (chi - clo) : 0.1;
    clo -= cpad;
    chi += cpad;

    /* Columns: 3 variant number, 4 colour, 5 cni, 6 listed, 7 SEK per
     * listed person, 8 point size (area in proportion to listed). */
    FILE *d = open_file(c, "chart_per_capita.csv");
    if (!d)
        return;
    fputs("variant,centre,v,slot,cni,listed,per_capita,size\n", d);
    double lo = INFINITY, hi = -INFINITY;
    double *slope = calloc(V, sizeof *slope);
    if (!slope) {
        fail(c, vs_err_set(c->err, VS_ENOMEM, NULL, 0, "out of memory"));
        return;
    }
    for (size_t v = 0; v < V; v++) {
        double A = 0;
        for (size_t i = 0; i < C; i++) {
            double l = res->point_listed[i];
            double pc = l > 0 ? (double)cstat(c, v, i)->point / 100.0 / l : NAN;
            A += (double)cstat(c, v, i)->point / 100.0;
            if (isfinite(pc)) {
                lo = fmin(lo, pc);
                hi = fmax(hi, pc);
            }
            put_id(d, sc->variants[v].id);
            fputc(',', d);
            put_id(d, sc->centres[i].id);
            fprintf(d, ",%zu,%d,", v, c->slot[v]);
            vs_charts_put_num(d, res->point_cni[i]);
            fputc(',', d);
            vs_charts_put_num(d, l);
            fputc(',', d);
            vs_charts_put_num(d, pc);
            fputc(',', d);
            vs_charts_put_num(d, maxl > 0 ? 0.2 + 1.5 * sqrt(l / maxl) : 1);
            fputc('\n', d);
        }
        /* Need-proportional funding per person at CNI x is A / N * x: the
         * line spans the chart, so the axis covers it too (how far the
         * centres are from it is the point of the chart). */
        slope[v] = N > 0 ? A / N : NAN;
        if (isfinite(slope[v])) {
            lo = fmin(lo, slope[v] * clo);
            hi = fmax(hi, slope[v] * chi);
        }
    }

    /* One panel per variant other than the baseline (or the baseline
     * alone), 1 to 3 columns. */
    size_t panels = c->K ? c->K : 1;
    size_t cols = panels == 1 ? 1 : panels <= 4 ? 2 : 3;
    size_t rows = (panels + cols - 1) / cols;
    const double W = 16, left = 1.0, title_h = 1.9;
    double cw = (W - left) / (double)cols;
    double ph = cols == 1 ? 8.0 : cols == 2 ? 5.0 : 3.8;
    double head_h = 1.15, ticks_h = 0.7, cell = head_h + ph + ticks_h;
    double xlab_h = 0.6, key_h = 4 * 0.48 + 0.4;
    double H = title_h + (double)rows * cell + xlab_h + key_h;

    if (lo > hi)
        lo = 0, hi = 1;
    pad(&lo, &hi, 0.03);
    axis ay, ax;
    axis_fit(&ay, lo, hi, 5, 0);
    axis_fit_room(c, &ax, clo, chi, cw - 1.45, 7, 0);

    FILE *f = open_file(c, "per_capita.gp");
    if (!f)
        goto done;
    script_begin(c, f, "per_capita",
                 "funding per listed person against CNI, one panel per variant",
                 "chart_per_capita.csv", W, H);
    put_variant_names(c, f);
    put_assign(c, f, "t_title", c->L->pc_title);
    put_assign(c, f, "t_y", c->L->pc_y);
    put_assign(c, f, "t_x", c->L->cni);
    put_assign(c, f, "t_base_is", c->L->pc_base);
    put_assign(c, f, "t_variant", c->L->pc_variant);
    put_assign(c, f, "t_need", c->L->pc_need);
    put_assign(c, f, "t_size", c->L->pc_size);
    /* Panel titles: the variant names on up to two lines that fit. */
    size_t max_chars = chars_in(cw - 1.2, 7.5);
    if (max_chars < 8)
        max_chars = 8;
    for (size_t v = 0; v < V; v++) {
        char var[32];
        snprintf(var, sizeof var, "t_panel%zu", v);
        put_assign_wrapped(c, f, var, sc->variants[v].name, max_chars, 2);
    }
    fputs("\n# Columns of chart_per_capita.csv: 3 variant number, 4 colour, "
          "5 cni,\n# 6 listed, 7 SEK per listed person, 8 point size.\n", f);
    fputs("set multiplot\n", f);
    vs_charts_put_titles(f, W, H);
    put_axis(c, f, "x", &ax);
    put_axis(c, f, "y", &ay);
    fputs("set tics font ',7'\n", f);
    /* Axis titles once for the page, as labels in the margins; they are
     * unset after the first panel so they are drawn once. */
    double panels_bottom = H - title_h - (double)rows * cell;
    fputs("set label 1 t_y", f);
    vs_charts_put_at(f, W, H, 0.45, (H - title_h + panels_bottom) / 2);
    fputs(" center rotate by 90 noenhanced\nset label 2 t_x", f);
    vs_charts_put_at(f, W, H, (left + W) / 2, panels_bottom - 0.3);
    fputs(" center noenhanced\n", f);

    size_t p = 0;
    for (size_t v = 0; v < V; v++) {
        if (c->K > 0 && v == c->base)
            continue;
        double col = (double)(p % cols), row = (double)(p / cols);
        double x0 = left + col * cw + 1.0, x1 = left + (col + 1) * cw - 0.45;
        double top = H - title_h - row * cell - head_h;
        fprintf(f, "\n# Panel %zu\n", p + 1);
        put_margins(f, W, H, x0, x1, top - ph, top);
        fprintf(f, "set label 3 t_panel%zu", v);
        vs_charts_put_at(f, W, H, x0, top + head_h - 0.3);
        fputs(" left font ',7.5' noenhanced\nplot ", f);
        if (isfinite(slope[v])) {
            vs_charts_put_num(f, slope[v]);
            fputs(" * x with lines dt 2 lw 1.2 lc rgb vs_ink notitle, \\\n  ",
                  f);
        }
        if (v != c->base)
            fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $5 : "
                       "NaN):7:8 with points pt 7 ps variable lt %d notitle, "
                       "\\\n  ", v, c->slot[v]);
        fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $5 : "
                   "NaN):7:8 with points pt 6 ps variable lw 0.8 lc rgb "
                   "vs_grey notitle\n", c->base);
        if (p == 0)
            fputs("unset label 1; unset label 2; unset label 101; "
                  "unset label 102\n", f);
        p++;
    }

    fputs("\n# The key.\n", f);
    key_strip_begin(f, W, H, 0.2, key_h, 4);
    fputs("unset label\nplot NaN with points pt 6 ps 1.4 lw 1 lc rgb vs_grey "
          "title t_base_is . t_baseline, \\\n", f);
    if (c->K > 0)
        fputs("  NaN with points pt 7 ps 1.4 lc rgb vs_ink title t_variant, \\\n",
              f);
    fputs("  NaN with lines dt 2 lw 1.2 lc rgb vs_ink title t_need, \\\n"
          "  NaN with points pt 6 ps 0.5 lc rgb vs_grey title t_size\n"
          "unset multiplot\n", f);
done:
    free(slope);
}

/* ------------------------------------------------------------------ */
/* The output set                                                      */

static const char *const chart_names[] = {"allocation", "concentration",
                                          "metrics", "per_capita"};
#define N_CHARTS (sizeof chart_names / sizeof chart_names[0])

/* Refuse a control byte in text that goes into a script, naming it. */
static int check_text(vs_err *err, const char *what, const char *id,
                      const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
        if (*p < 0x20)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "%s '%s': the name holds a control character "
                              "(byte 0x%02x), which a chart cannot carry",
                              what, id, *p);
    return VS_OK;
}

typedef struct ranked {
    double cni;
    size_t i;
} ranked;

static int by_cni(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->cni != y->cni)
        return x->cni < y->cni ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int vs_charts_write(const vs_scenario *sc, const vs_results *res,
                    const char *dir, vs_outset *set, vs_err *err)
{
    int st = check_text(err, "scenario", "name", sc->name);
    for (size_t v = 0; st == VS_OK && v < sc->n_variants; v++)
        st = check_text(err, "variant", sc->variants[v].id, sc->variants[v].name);
    for (size_t i = 0; st == VS_OK && i < sc->n_centres; i++)
        st = check_text(err, "centre", sc->centres[i].id, sc->centres[i].name);
    if (st != VS_OK)
        return st;
    if (res->n_centres == 0 || res->n_variants == 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "no centres or variants to chart");

    ctx c;
    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.res = res;
    c.sv = strcmp(sc->lang, "sv") == 0;
    c.L = c.sv ? &lang_sv : &lang_en;
    c.V = res->n_variants;
    c.C = res->n_centres;
    c.base = (size_t)sc->baseline;
    c.K = c.V - 1;
    c.dir = dir;
    c.set = set;
    c.err = err;
    c.order = malloc(c.C * sizeof *c.order);
    c.slot = malloc(c.V * sizeof *c.slot);
    ranked *rk = malloc(c.C * sizeof *rk);
    if (!c.order || !c.slot || !rk) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c.C; i++)
        rk[i] = (ranked){res->point_cni[i], i};
    qsort(rk, c.C, sizeof *rk, by_cni);
    for (size_t i = 0; i < c.C; i++)
        c.order[i] = rk[i].i;
    /* The baseline is black (linetype 1); the others take the palette in
     * file order, the same colour in every chart. */
    for (size_t v = 0, j = 0; v < c.V; v++)
        c.slot[v] = v == c.base ? 1 : 2 + (int)(j++ % 7);

    FILE *f = open_file(&c, "style.gp");
    if (f)
        fputs(style_text, f);
    write_allocation(&c);
    write_concentration(&c);
    write_metrics(&c);
    write_per_capita(&c);
    st = c.st;

    /* Images from an earlier run into this folder would show old numbers
     * beside the new tables: remove ours (and only ours). */
    for (size_t k = 0; st == VS_OK && k < N_CHARTS; k++)
        for (int i = 0; i < 3; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.%s", dir, chart_names[k],
                     fmt_names[i]);
            if (unlink(path) != 0 && errno != ENOENT)
                st = vs_err_set(err, VS_EIO, path, 0,
                                "cannot remove the old chart: %s",
                                strerror(errno));
        }
done:
    free(rk);
    free(c.order);
    free(c.slot);
    return st;
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

/* The gnuplot on PATH, as an absolute path in buf.  Relative and empty
 * PATH entries are skipped: gnuplot runs inside the output folder, and a
 * program found there is not one to run.  Returns 1 when found. */
static int find_gnuplot(char *buf, size_t n)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && p[0] == '/' &&
            snprintf(buf, n, "%.*s/gnuplot", (int)len, p) < (int)n) {
            struct stat st;
            if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
                access(buf, X_OK) == 0)
                return 1;
        }
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

/* gnuplot's first error line in its stderr `text`: the line naming the
 * script and a line number that is not a warning, else the first line
 * that is not a warning, else "".  Control bytes become '?' so the
 * message is safe to print on a terminal. */
static void first_error(const char *text, char *out, size_t n)
{
    const char *pick = NULL, *fallback = NULL;
    size_t pick_len = 0, fallback_len = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        int blank = strspn(p, " \t^") >= len;
        int warning = 0;
        for (size_t i = 0; i + 8 <= len; i++)
            if (strncmp(p + i, "warning:", 8) == 0)
                warning = 1;
        int located = 0;
        for (size_t i = 0; i + 7 <= len; i++)
            if (strncmp(p + i, "\" line ", 7) == 0)
                located = 1;
        if (!blank && !warning) {
            if (located && !pick) {
                pick = p;
                pick_len = len;
            }
            if (!fallback) {
                fallback = p;
                fallback_len = len;
            }
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    if (!pick) {
        pick = fallback;
        pick_len = fallback_len;
    }
    if (!pick) {
        pick = "";
        pick_len = 0;
    }
    snprintf(out, n, "%.*s", (int)pick_len, pick);
    for (char *q = out; *q; q++)
        if ((unsigned char)*q < 0x20)
            *q = '?';
}

/* Run `gnuplot -d -e "vs_format='F'; vs_output='TMP'" CHART.gp` inside dir
 * (no shell: nothing is interpreted), then rename TMP to CHART.F. */
static int render_one(const char *gnuplot, const char *dir,
                      const char *chart, const char *fmt, vs_err *err)
{
    char script[64], tmp[96], cmd[256], tmp_path[4096], final_path[4096];
    snprintf(script, sizeof script, "%s.gp", chart);
    snprintf(tmp, sizeof tmp, ".%s.%s.%ld.tmp", chart, fmt, (long)getpid());
    snprintf(cmd, sizeof cmd, "vs_format='%s'; vs_output='%s'", fmt, tmp);
    if (snprintf(tmp_path, sizeof tmp_path, "%s/%s", dir, tmp) >=
            (int)sizeof tmp_path ||
        snprintf(final_path, sizeof final_path, "%s/%s.%s", dir, chart, fmt) >=
            (int)sizeof final_path)
        return vs_err_set(err, VS_ERUN, dir, 0, "output folder name is too long");
    {
        char sp[4096];
        snprintf(sp, sizeof sp, "%s/%s", dir, script);
        if (access(sp, R_OK) != 0)
            return vs_err_set(err, VS_ERUN, sp, 0,
                              "chart script missing: %s", strerror(errno));
    }

    int pipefd[2];
    if (pipe(pipefd) != 0)
        return vs_err_set(err, VS_ERUN, NULL, 0, "cannot run gnuplot: %s",
                          strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return vs_err_set(err, VS_ERUN, NULL, 0, "cannot run gnuplot: %s",
                          strerror(e));
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || chdir(dir) != 0 || dup2(null, 0) < 0 ||
            dup2(null, 1) < 0 || dup2(pipefd[1], 2) < 0)
            _exit(127);
        close(pipefd[0]);
        close(pipefd[1]);
        close(null);
        char *const argv[] = {"gnuplot", "-d", "-e", cmd, script, NULL};
        execv(gnuplot, argv);
        _exit(127);
    }
    close(pipefd[1]);

    /* Keep the start of gnuplot's stderr; drain the rest so it never
     * blocks on a full pipe. */
    char text[8192];
    size_t used = 0;
    for (;;) {
        char chunk[4096];
        ssize_t got = read(pipefd[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t room = sizeof text - 1 - used;
        size_t take = (size_t)got < room ? (size_t)got : room;
        memcpy(text + used, chunk, take);
        used += take;
    }
    text[used] = '\0';
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            unlink(tmp_path);
            return vs_err_set(err, VS_ERUN, NULL, 0, "cannot wait for gnuplot: %s",
                              strerror(errno));
        }

    char line[512];
    struct stat st;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        stat(tmp_path, &st) == 0 && st.st_size > 0) {
        if (rename(tmp_path, final_path) == 0)
            return VS_OK;
        int e = errno;
        unlink(tmp_path);
        return vs_err_set(err, VS_ERUN, final_path, 0, "cannot write: %s",
                          strerror(e));
    }
    unlink(tmp_path);
    first_error(text, line, sizeof line);
    if (WIFSIGNALED(status))
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "gnuplot was stopped by signal %d while rendering "
                          "%s/%s to %s", WTERMSIG(status), dir, script, fmt);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && used == 0)
        return vs_err_set(err, VS_ERUN, NULL, 0, "cannot run %s", gnuplot);
    return vs_err_set(err, VS_ERUN, NULL, 0,
                      "gnuplot failed on %s/%s (%s): %s", dir, script, fmt,
                      *line ? line : "no image written");
}

int vs_charts_render_named(const char *dir, const char *const *charts,
                           size_t n, const char *formats, vs_err *err)
{
    unsigned mask;
    int st = parse_formats(formats, &mask, err);
    if (st != VS_OK)
        return st;
    char gnuplot[4096];
    if (!find_gnuplot(gnuplot, sizeof gnuplot))
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "gnuplot not found on PATH: install gnuplot-nox, "
                          "or run without --render");
    for (size_t k = 0; k < n; k++)
        for (int i = 0; i < 3; i++)
            if (mask & (1u << i)) {
                st = render_one(gnuplot, dir, charts[k], fmt_names[i], err);
                if (st != VS_OK)
                    return st;
            }
    return VS_OK;
}

int vs_charts_render(const char *dir, const char *formats, vs_err *err)
{
    return vs_charts_render_named(dir, chart_names, N_CHARTS, formats, err);
}

const char *vs_charts_style(void)
{
    return style_text;
}
