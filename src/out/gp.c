/* gp.c: the one gnuplot writer (see gp.h and docs/gnuplot-notes.md).
 *
 * The style is kept here as a string (style_text) and must equal
 * plots/vardsim.gp byte for byte; tests/cli/charts.sh compares them.  That
 * keeps the binary self-contained (no install path to find at run time)
 * without a generated header in the build.
 *
 * Numbers: data files use '.' decimals whatever the locale.  Axis tick
 * labels are written as explicit (label, position) lists, so Swedish
 * charts get decimal commas and spaces between thousands exactly
 * (gnuplot's own formats cannot group thousands without a locale). */
#include "out/gp.h"

#include "vardsim/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "util/file.h"

/* ------------------------------------------------------------------ */
/* Words every chart shares                                            */

/* Words for the last part of a path (the key), by language. */
static const char *key_words(const char *key, int sv)
{
    static const struct { const char *key, *sv, *en; } words[] = {
        {"threshold", "CNI-gr\xc3\xa4ns", "CNI threshold"},
        {"pot", "pott", "pot"},
        {"amount", "belopp", "amount"},
        {"cap", "tak per enhet", "cap per centre"},
        {"floor", "golv per enhet", "floor per centre"},
        {"per_capita", "belopp per listad", "amount per listed person"},
        {"per_listed", "belopp per listad", "amount per listed person"},
        {"per_unit", "belopp per enhet", "amount per unit"},
        {"cni_share", "CNI-andel", "CNI share"},
        {"deficit", "underskott", "deficit"},
        {"deficit_share", "andel av underskottet", "share of the deficit"},
        {"max_cut_share", "st\xc3\xb6rsta neddragning (andel)",
         "largest cut (share)"},
        {"alpha", "behovsskydd (alfa)", "need protection (alpha)"},
        {"top", "antal mottagare", "number of recipients"},
        {"above", "tr\xc3\xb6skel", "threshold"},
        {"sigma", "os\xc3\xa4kerhet (sigma)", "uncertainty (sigma)"},
        {"sd", "os\xc3\xa4kerhet (sd)", "uncertainty (sd)"},
        {"age_weights", "\xc3\xa5ldersvikt", "age weight"},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(key, words[i].key) == 0)
            return sv ? words[i].sv : words[i].en;
    return key;
}

const char *vs_gp_rule_words(int type, int sv)
{
    static const char *const w_sv[VS_RULE_COUNT] = {
        "kapitering", "CNI-till\xc3\xa4gg", "belopp efter niv\xc3\xa5",
        "fasta belopp", "riktade medel", "besparing",
        "f\xc3\xb6r\xc3\xa4ndringstakt", "belopp per enhet"};
    static const char *const w_en[VS_RULE_COUNT] = {
        "capitation", "CNI top-up", "amounts by band", "fixed amounts",
        "targeted money", "cut", "pace of change", "amount per unit"};
    return type >= 0 && type < VS_RULE_COUNT ? (sv ? w_sv : w_en)[type] : "";
}

/* The words of a noise group's target: "CNI", "antal listade", an
 * attribute's name. */
static const char *noise_words(const char *group, int sv)
{
    if (strcmp(group, "cni") == 0)
        return "CNI";
    if (strcmp(group, "listed") == 0)
        return sv ? "antal listade" : "listed persons";
    return group;
}

void vs_gp_path_words(const vs_scenario *sc, const char *path, int sv,
                      char *buf, size_t n)
{
    char head[256], mid[256], key[128], idx[32] = "";
    const char *d1 = strchr(path, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    const char *last = strrchr(path, '.');
    if (!d1) { /* a shared stream: the number it draws, said once */
        size_t uses = 0;
        const char *first = NULL;
        for (size_t p = 0; p < sc->n_params; p++)
            if (sc->params[p].stream && strcmp(sc->params[p].stream, path) == 0) {
                first = first ? first : sc->params[p].path;
                uses++;
            }
        if (!first) {
            snprintf(buf, n, "%s", path);
            return;
        }
        const char *k = strrchr(first, '.');
        snprintf(key, sizeof key, "%s", k ? k + 1 : first);
        char *kb = strchr(key, '[');
        if (kb)
            *kb = '\0';
        if (uses > 1)
            snprintf(buf, n, sv ? "%s (gemensam f\xc3\xb6r %zu regler)"
                                : "%s (one draw for %zu rules)",
                     key_words(key, sv), uses);
        else
            snprintf(buf, n, "%s", key_words(key, sv));
        return;
    }
    snprintf(key, sizeof key, "%s", last + 1);
    /* amounts[2], tiers[1].above, age_weights[0]: the index in words */
    const char *br = strchr(d2 ? d2 : d1, '[');
    if (br)
        snprintf(idx, sizeof idx, " %s %ld", sv ? "nr" : "no.",
                 strtol(br + 1, NULL, 10) + 1);
    char *kbr = strchr(key, '[');
    if (kbr)
        *kbr = '\0';
    snprintf(head, sizeof head, "%.*s", (int)(d1 - path), path);
    snprintf(mid, sizeof mid, "%.*s", d2 ? (int)(d2 - d1 - 1) : 0, d1 + 1);
    char *mbr = strchr(mid, '[');
    if (mbr)
        *mbr = '\0';
    if (strcmp(head, "region") == 0) {
        snprintf(buf, n, "%s%s, %s", key_words(key, sv), idx,
                 sv ? "regionen" : "region");
        return;
    }
    if (strcmp(head, "uncertainty") == 0) {
        if (!d2) /* a noise group as a sensitivity input */
            snprintf(buf, n, sv ? "os\xc3\xa4kerhet i %s" : "uncertainty in %s",
                     noise_words(key, sv));
        else
            snprintf(buf, n, "%s: %s", key_words(key, sv), mid);
        return;
    }
    int v = vs_scenario_find_variant(sc, head);
    if (v >= 0 && *mid) {
        const vs_variant *var = &sc->variants[v];
        int type = vs_rule_type_from_name(mid);
        for (size_t k = 0; k < var->n_rules; k++)
            if (var->rules[k].id && strcmp(var->rules[k].id, mid) == 0)
                type = (int)var->rules[k].type;
        snprintf(buf, n, "%s%s, %s: %s", key_words(key, sv), idx,
                 vs_gp_rule_words(type, sv), var->name);
        return;
    }
    snprintf(buf, n, "%s", path);
}

/* Metric names; high_need_share: %s = the threshold, losers: %s = the
 * centre term in the plural, with a capital. */
static const char *const metric_sv[VS_M_COUNT] = {
    "Gini f\xc3\xb6r finansiering per listad",
    "Koncentrationsindex efter behov", "Horisontell oj\xc3\xa4mlikhet (HI)",
    "Felplacerad andel av budgeten (%)",
    "Theil T f\xc3\xb6r pengar per behovsenhet",
    "Andel till CNI \xc3\xb6ver %s (%)",
    "St\xc3\xb6rsta f\xc3\xb6rlust mot j\xc3\xa4mf\xc3\xb6relsealternativet (%)",
    "%s som f\xc3\xb6rlorar mer \xc3\xa4n 1 %"};
static const char *const metric_en[VS_M_COUNT] = {
    "Gini of funding per person", "Concentration index by need",
    "Horizontal inequity (HI)", "Share of the budget misplaced (%)",
    "Theil T of money per need unit", "Share to CNI above %s (%)",
    "Largest loss against the baseline (%)", "%s losing more than 1 %"};

void vs_gp_metric_words(const vs_scenario *sc, int m, int sv, char *buf,
                        size_t n)
{
    char arg[4 * 40 + 8];
    if (m < 0 || m >= VS_M_COUNT) {
        snprintf(buf, n, "%s", "");
        return;
    }
    if (m == VS_M_LOSERS)
        vs_gp_capital(vs_scenario_centre_term(sc, 1), arg, sizeof arg);
    else
        vs_gp_format_number(sc->high_need_cni,
                            vs_gp_short_decimals(sc->high_need_cni), sv, arg,
                            sizeof arg);
    vs_gp_fill(buf, n, (sv ? metric_sv : metric_en)[m], arg);
}

int vs_gp_metric_share(int m)
{
    return m == VS_M_DISSIMILARITY || m == VS_M_HIGH_NEED_SHARE ||
           m == VS_M_MAX_LOSS;
}

const char *vs_gp_better_words(int m, int sv)
{
    static const char *const w_sv[3] = {"l\xc3\xa4gre \xc3\xa4r b\xc3\xa4ttre",
                                        "h\xc3\xb6gre \xc3\xa4r b\xc3\xa4ttre",
                                        "n\xc3\xa4rmare 0 \xc3\xa4r b\xc3\xa4ttre"};
    static const char *const w_en[3] = {"lower is better", "higher is better",
                                        "closer to 0 is better"};
    int b = m >= 0 && m < VS_M_COUNT ? (int)vs_metric_better((vs_metric)m) : 0;
    return (sv ? w_sv : w_en)[b];
}

double vs_gp_metric_shown(int m, double v)
{
    if (m == VS_M_LOSERS || !isfinite(v))
        return v;
    return fabs(v) < VS_GP_METRIC_ROUNDING ? 0 : v;
}

int vs_gp_metric_power(int m, double most)
{
    if (vs_gp_metric_share(m) || m == VS_M_LOSERS || !(most > 0 && most < 1e-3))
        return 0;
    return (int)floor(log10(most));
}

void vs_gp_power_words(int power, char *buf, size_t n)
{
    static const char *const sup[10] = {"\u2070", "\u00b9", "\u00b2", "\u00b3",
                                        "\u2074", "\u2075", "\u2076", "\u2077",
                                        "\u2078", "\u2079"};
    if (n == 0)
        return;
    buf[0] = '\0';
    if (power == 0)
        return;
    char dec[16], digits[64] = "";
    snprintf(dec, sizeof dec, "%d", power < 0 ? -power : power);
    for (const char *q = dec; *q; q++)
        strcat(digits, sup[*q - '0']);
    snprintf(buf, n, " (\u00d7 10%s%s)", power < 0 ? "\u207b" : "", digits);
}

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

const char *vs_gp_style(void)
{
    return style_text;
}

/* ------------------------------------------------------------------ */
/* Quoting and numbers                                                 */

char *vs_gp_quote(const char *text, vs_err *err)
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

int vs_gp_put_quoted(FILE *f, const char *text, vs_err *err)
{
    char *q = vs_gp_quote(text, err);
    if (!q)
        return err->code != VS_OK ? err->code : VS_ENOMEM;
    fputs(q, f);
    free(q);
    return VS_OK;
}

void vs_gp_put_num(FILE *f, double v)
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

void vs_gp_put_cell(FILE *f, double v)
{
    if (isfinite(v))
        vs_gp_put_num(f, v);
}

const char *vs_gp_money_unit(double max_abs_sek, int swedish, double *divisor)
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

char *vs_gp_format_number(double v, int decimals, int swedish, char *buf,
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

int vs_gp_short_decimals(double v)
{
    for (int d = 0; d < 6; d++) {
        double x = v * pow(10, d);
        if (fabs(x - round(x)) < 1e-6 * fmax(1, fabs(x)))
            return d;
    }
    return 6;
}

char *vs_gp_shorten(const char *text, size_t max_chars, char *buf, size_t n)
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

char *vs_gp_capital(const char *text, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    snprintf(buf, n, "%s", text);
    unsigned char *p = (unsigned char *)buf;
    if (p[0] >= 'a' && p[0] <= 'z')
        p[0] = (unsigned char)(p[0] - 'a' + 'A');
    else if (p[0] == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBE && p[1] != 0xB7)
        p[1] = (unsigned char)(p[1] - 0x20); /* U+00E0..U+00FE but ÷ */
    return buf;
}

void vs_gp_fill(char *buf, size_t n, const char *tmpl, const char *arg)
{
    const char *at = strstr(tmpl, "%s");
    if (at)
        snprintf(buf, n, "%.*s%s%s", (int)(at - tmpl), tmpl, arg, at + 2);
    else
        snprintf(buf, n, "%s", tmpl);
}

double vs_gp_nice_step(double span, int target, int *decimals)
{
    if (!(span > 0) || !isfinite(span))
        span = 1;
    double raw = span / target, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    *decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    return step;
}

/* DejaVu Sans advances are about 0.3 em for narrow marks and letters,
 * 0.6 for most letters and digits, 0.7-1.0 for capitals and wide signs;
 * cairo draws the font about 1.25 times its nominal size (measured on
 * pngcairo and pdfcairo alike). */
size_t vs_gp_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

double vs_gp_text_cm(const char *text, double pt)
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

/* Swedish names average 0.56 em a character. */
size_t vs_gp_chars_in(double cm, double pt)
{
    double per_char = 0.56 * 1.25 * pt / 72 * 2.54;
    return cm > per_char ? (size_t)(cm / per_char) : 1;
}

/* ------------------------------------------------------------------ */
/* Page geometry                                                       */

void vs_gp_put_at(FILE *f, double w, double h, double x, double y)
{
    fputs(" at screen ", f);
    vs_gp_put_num(f, x / w);
    fputs(", screen ", f);
    vs_gp_put_num(f, y / h);
}

void vs_gp_put_margins(FILE *f, double w, double h, double x0, double x1,
                       double y0, double y1)
{
    fputs("set lmargin at screen ", f);
    vs_gp_put_num(f, x0 / w);
    fputs("; set rmargin at screen ", f);
    vs_gp_put_num(f, x1 / w);
    fputs("; set bmargin at screen ", f);
    vs_gp_put_num(f, y0 / h);
    fputs("; set tmargin at screen ", f);
    vs_gp_put_num(f, y1 / h);
    fputc('\n', f);
}

void vs_gp_put_titles(FILE *f, double w, double h)
{
    fputs("set label 101 t_title", f);
    vs_gp_put_at(f, w, h, w / 2, h - 0.5);
    fputs(" center font ',10' noenhanced\nset label 102 t_scenario", f);
    vs_gp_put_at(f, w, h, w / 2, h - 0.95);
    fputs(" center noenhanced\n", f);
}

void vs_gp_key_strip(FILE *f, double w, double h, double y0, double y1,
                     size_t rows)
{
    vs_gp_put_margins(f, w, h, 0.6, w - 0.6, y0, y1);
    fprintf(f, "unset border; unset xtics; unset ytics; unset grid; "
               "unset xlabel; unset ylabel; unset title; unset arrow\n"
               "unset xzeroaxis; unset yzeroaxis\n"
               "set xrange [0:1]; set yrange [0:1]\n"
               "set key inside left top Left reverse vertical maxrows %zu "
               "noenhanced samplen 2\n", rows);
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */

void vs_gp_list_init(vs_gp_list *l)
{
    memset(l, 0, sizeof *l);
}

const char *vs_gp_list_more(const vs_gp_list *l)
{
    return l->n_refused > 1 ? " (and more charts: see their .gp)" : "";
}

void vs_gp_init(vs_gp *g, const char *dir, vs_outset *set, int swedish,
                vs_gp_list *list, vs_err *err)
{
    memset(g, 0, sizeof *g);
    g->dir = dir;
    g->set = set;
    g->sv = swedish;
    g->list = list;
    g->err = err;
}

void vs_gp_fail(vs_gp *g, int st)
{
    if (g->st == VS_OK)
        g->st = st;
}

int vs_gp_check_text(vs_err *err, const char *what, const char *id,
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

int vs_gp_check_names(const vs_scenario *sc, vs_err *err)
{
    int st = vs_gp_check_text(err, "scenario", "name", sc->name);
    if (st == VS_OK && sc->centre_term)
        st = vs_gp_check_text(err, "scenario", "centre_term", sc->centre_term);
    if (st == VS_OK && sc->centre_term_plural)
        st = vs_gp_check_text(err, "scenario", "centre_term_plural",
                              sc->centre_term_plural);
    for (size_t v = 0; st == VS_OK && v < sc->n_variants; v++)
        st = vs_gp_check_text(err, "variant", sc->variants[v].id,
                              sc->variants[v].name);
    for (size_t i = 0; st == VS_OK && i < sc->n_centres; i++)
        st = vs_gp_check_text(err, "centre", sc->centres[i].id,
                              sc->centres[i].name);
    return st;
}

FILE *vs_gp_open(vs_gp *g, const char *name)
{
    if (g->st != VS_OK)
        return NULL;
    FILE *f = vs_outset_open(g->set, g->dir, name, g->err);
    if (!f)
        vs_gp_fail(g, g->err->code != VS_OK ? g->err->code : VS_EIO);
    return f;
}

FILE *vs_gp_open_script(vs_gp *g, const char *chart, double w, double h,
                        const char *what)
{
    char name[80];
    snprintf(name, sizeof name, "%s.gp", chart);
    FILE *f = vs_gp_open(g, name);
    if (!f)
        return NULL;
    vs_gp_list *l = g->list;
    if (h <= VS_GP_MAX_PAGE_CM && w <= VS_GP_MAX_PAGE_CM) {
        if (l && l->n < VS_GP_MAX_CHARTS)
            snprintf(l->names[l->n++], sizeof l->names[0], "%s", chart);
        return f;
    }
    /* The reason holds no scenario text (only counts), so it can go in a
     * double-quoted string and a comment as it is. */
    char why[300];
    snprintf(why, sizeof why,
             "%s.gp not drawn: %s would need a page %.0f cm tall; charts "
             "are drawn up to %.0f cm (the tables hold every number)",
             chart, what, fmax(w, h), VS_GP_MAX_PAGE_CM);
    fprintf(f, "# %s\nexit error \"%s\"\n", why, why);
    if (l) {
        if (l->n_refused++ == 0)
            snprintf(l->refused, sizeof l->refused, "%s", why);
    }
    return NULL;
}

int vs_gp_script_refused(const char *path, char *why, size_t n, double *page_cm)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[400];
    int refused = fgets(line, sizeof line, f) && strncmp(line, "# ", 2) == 0 &&
                  strstr(line, ".gp not drawn: ") != NULL;
    fclose(f);
    if (refused && why && n > 0) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(why, n, "%s", line + 2);
    }
    if (refused && page_cm) {
        const char *at = strstr(line, "would need a page ");
        *page_cm = at ? atof(at + strlen("would need a page ")) : 0;
    }
    return refused;
}

void vs_gp_put_q(vs_gp *g, FILE *f, const char *text)
{
    if (g->st == VS_OK)
        vs_gp_fail(g, vs_gp_put_quoted(f, text, g->err));
}

void vs_gp_assign(vs_gp *g, FILE *f, const char *name, const char *text)
{
    fprintf(f, "%s = ", name);
    vs_gp_put_q(g, f, text);
    fputc('\n', f);
}

void vs_gp_assign_lines(vs_gp *g, FILE *f, const char *name, const char *text)
{
    char part[512];
    fprintf(f, "%s = ", name);
    const char *p = text;
    for (int first = 1;; first = 0) {
        size_t len = strcspn(p, "|");
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        if (!first)
            fputs(" . \"\\n\" . ", f);
        vs_gp_put_q(g, f, part);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    fputc('\n', f);
}

/* The end of the next line of at most max_chars characters from p: at
 * the end of the text, else at its last space, else after max_chars. */
static const char *line_end(const char *p, size_t max_chars)
{
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
    return !*q ? q : space && space > p ? space : q;
}

size_t vs_gp_wrap_lines(const char *text, size_t max_chars)
{
    if (max_chars > 120)
        max_chars = 120;
    size_t lines = 0;
    const char *p = text;
    do {
        while (*p == ' ')
            p++;
        p = line_end(p, max_chars);
        while (*p == ' ')
            p++;
        lines++;
    } while (*p);
    return lines;
}

void vs_gp_assign_wrapped(vs_gp *g, FILE *f, const char *name,
                          const char *text, size_t max_chars, int max_lines)
{
    char line[4 * 120 + 4];
    if (max_chars > 120)
        max_chars = 120;
    fprintf(f, "%s = ", name);
    const char *p = text;
    for (int n_line = 1;; n_line++) {
        while (*p == ' ')
            p++;
        const char *end = line_end(p, max_chars);
        if (n_line == max_lines && *end) {
            vs_gp_shorten(p, max_chars, line, sizeof line);
            end = p + strlen(p);
        } else {
            snprintf(line, sizeof line, "%.*s", (int)(end - p), p);
        }
        if (n_line > 1)
            fputs(" . \"\\n\" . ", f);
        vs_gp_put_q(g, f, line);
        p = end;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
    }
    fputc('\n', f);
}

void vs_gp_assign_variants(vs_gp *g, FILE *f, const vs_scenario *sc,
                           const char *base_suffix, size_t max_chars)
{
    for (size_t v = 0; v < sc->n_variants; v++) {
        char var[32], text[4 * 120 + 64], name[4 * 120 + 1];
        const char *suffix =
            base_suffix && v == (size_t)sc->baseline ? base_suffix : "";
        const char *shown = sc->variants[v].name;
        if (max_chars > 0) {
            /* suffixes are short and ASCII-counted */
            size_t room = max_chars > strlen(suffix) + 2
                              ? max_chars - strlen(suffix) : 2;
            shown = vs_gp_shorten(shown, room < 120 ? room : 120, name,
                                  sizeof name);
        }
        snprintf(var, sizeof var, "t_v%zu", v);
        if (*suffix) {
            snprintf(text, sizeof text, "%s%s", shown, suffix);
            shown = text;
        }
        vs_gp_assign(g, f, var, shown);
    }
}

void vs_gp_put_tic(vs_gp *g, FILE *f, const char *label, double value)
{
    /* gnuplot reads an explicit tic label as a format: % must be %%. */
    size_t n = strlen(label), pct = 0;
    for (const char *p = label; *p; p++)
        pct += *p == '%';
    if (pct == 0) {
        vs_gp_put_q(g, f, label);
    } else {
        char *esc = malloc(n + pct + 1), *o = esc;
        if (!esc) {
            vs_gp_fail(g, vs_err_set(g->err, VS_ENOMEM, NULL, 0,
                                     "out of memory"));
            return;
        }
        for (const char *p = label; *p; p++) {
            *o++ = *p;
            if (*p == '%')
                *o++ = '%';
        }
        *o = '\0';
        vs_gp_put_q(g, f, esc);
        free(esc);
    }
    fputc(' ', f);
    vs_gp_put_num(f, value);
}

void vs_gp_put_id(FILE *f, const char *id)
{
    if (id[0] == '-')
        fputc('\'', f);
    /* putc_unlocked: a table of 100,000 centres writes millions of these
     * characters, and the writers are single-threaded */
    for (const char *p = id; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 *p == '_' || *p == '-';
        putc_unlocked(ok ? *p : '_', f);
    }
}

void vs_gp_script_begin(vs_gp *g, FILE *f, const vs_gp_script *s)
{
    fprintf(f,
            "# %s.gp: %s.\n"
            "# Written by vardsim%s; reads %s%s in this folder.\n"
            "# Render inside this folder:  gnuplot %s.gp      (writes %s.png)\n"
            "#   other formats:  gnuplot -e \"vs_format='svg'\" %s.gp   (or 'pdf')\n"
            "if (!exists('vs_format')) vs_format = 'png'\n"
            "if (!exists('vs_output')) vs_output = '%s.' . vs_format\n",
            s->chart, s->what, s->by ? s->by : "",
            s->embed_style ? "" : "style.gp and ", s->data, s->chart, s->chart,
            s->chart, s->chart);
    fputs("vs_width_cm = ", f);
    vs_gp_put_num(f, s->w_cm);
    fputs("\nvs_height_cm = ", f);
    vs_gp_put_num(f, s->h_cm);
    if (s->embed_style) {
        fputs("\n\n# House style (plots/vardsim.gp)\n", f);
        fputs(style_text, f);
    } else {
        fputs("\nload 'style.gp'\n", f);
    }
    if (g->sv)
        fputs("set decimalsign ','\n", f);
    fputs("\n# Text from the scenario and labels: single-quoted strings, "
          "which gnuplot\n# prints as they are (no backquote or macro "
          "expansion inside them).\n", f);
}

/* ------------------------------------------------------------------ */
/* Axes with explicit tick labels                                      */

void vs_gp_axis_fit(vs_gp_axis *a, double lo, double hi, int target,
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
    int decimals;
    double step = vs_gp_nice_step(hi - lo, target, &decimals);
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

/* Axis a's tick labels at pt points, centred on their ticks over
 * room_cm, keep 0.2 cm apart and reach at most 0.8 cm past either end
 * (The sum of their widths, which this replaced, left a narrow panel two
 * ticks where three fitted: "−4 000" and "0" over 3 cm.) */
static int labels_fit(const vs_gp_axis *a, int swedish, double pt,
                      double room_cm)
{
    char buf[64];
    double prev_x = 0, prev_half = 0, span = a->hi - a->lo;
    for (long i = 0; i < a->count; i++) {
        double v = (double)(a->first + i) * a->step;
        double x = span > 0 ? (v - a->lo) / span * room_cm : room_cm / 2;
        double half = vs_gp_text_cm(vs_gp_format_number(v, a->decimals,
                                                        swedish, buf,
                                                        sizeof buf),
                                    pt) / 2;
        if (x - half < -0.8 || x + half > room_cm + 0.8)
            return 0;
        if (i > 0 && x - half - (prev_x + prev_half) < 0.2)
            return 0;
        prev_x = x, prev_half = half;
    }
    return 1;
}

void vs_gp_axis_fit_room(int swedish, vs_gp_axis *a, double lo, double hi,
                         double room_cm, double pt, double min_step)
{
    for (int target = 8; target >= 3; target--) {
        vs_gp_axis_fit(a, lo, hi, target, min_step);
        if (a->count >= 3 && labels_fit(a, swedish, pt, room_cm))
            return;
    }
    /* Fewer than three ticks fit (a narrow panel: "−1 000" and "0"):
     * widen the range to whole steps, which gives a third tick
     * ("−2 000", "−1 000", "0") at the cost of some of the room. */
    for (int target = 3; target >= 1 && hi > lo; target--) {
        vs_gp_axis w;
        int d;
        w.step = fmax(vs_gp_nice_step(hi - lo, target, &d), min_step);
        w.decimals = w.step >= 1 ? 0 : (int)ceil(-log10(w.step) - 1e-9);
        w.first = (long)floor(lo / w.step + 1e-9);
        long last = (long)ceil(hi / w.step - 1e-9);
        w.count = last - w.first + 1;
        w.lo = (double)w.first * w.step;
        w.hi = (double)last * w.step;
        if (w.count >= 3 && labels_fit(&w, swedish, pt, room_cm)) {
            *a = w;
            return;
        }
    }
    /* Then two ticks, or fewer, if they fit; else every second tick,
     * then every fifth, keeping the range (long labels). */
    for (int target = 3; target >= 2; target--) {
        vs_gp_axis_fit(a, lo, hi, target, min_step);
        if (labels_fit(a, swedish, pt, room_cm))
            return;
    }
    vs_gp_axis base = *a;
    static const int thin[] = {2, 5, 10};
    for (int k = 0; k < 3; k++) {
        double step = base.step * thin[k];
        long first = (long)ceil(base.lo / step - 1e-9);
        long last = (long)floor(base.hi / step + 1e-9);
        if (last - first + 1 < 2)
            return;
        a->step = step, a->first = first, a->count = last - first + 1;
        if (labels_fit(a, swedish, pt, room_cm))
            return;
    }
}

void vs_gp_put_axis(vs_gp *g, FILE *f, const char *ax, const vs_gp_axis *a)
{
    char buf[64];
    fprintf(f, "set %srange [", ax);
    vs_gp_put_num(f, a->lo);
    fputc(':', f);
    vs_gp_put_num(f, a->hi);
    fprintf(f, "]\nset %stics (", ax);
    for (long i = 0; i < a->count; i++) {
        double v = (double)(a->first + i) * a->step;
        if (i)
            fputs(", ", f);
        vs_gp_put_tic(g, f, vs_gp_format_number(v, a->decimals, g->sv, buf,
                                                sizeof buf), v);
    }
    fputs(")\n", f);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

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

int vs_gp_check_formats(const char *formats, vs_err *err)
{
    unsigned mask;
    return parse_formats(formats, &mask, err);
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
    char script[64], cmd[256], tmp_path[4096], final_path[4096];
    snprintf(script, sizeof script, "%s.gp", chart);
    /* The output set's temporary pattern (vs_output_render_tmp), so an
     * interrupted render is removed by the signal handler, or by the next
     * run into the folder if this one is killed. */
    if (vs_output_render_tmp(dir, tmp_path, sizeof tmp_path) != 0 ||
        snprintf(final_path, sizeof final_path, "%s/%s.%s", dir, chart, fmt) >=
            (int)sizeof final_path)
        return vs_err_set(err, VS_ERUN, dir, 0, "output folder name is too long");
    /* gnuplot writes the image through descriptor 3, a file made here
     * under the temporary name: a signal handler that removes the name
     * (vs_outset_abandon) leaves gnuplot writing into a file nobody can
     * see, however late gnuplot gets to its `set output`.  Left to open
     * the name itself, a gnuplot slow to start made it again after the
     * handler had removed it, and a killed run left it behind. */
    snprintf(cmd, sizeof cmd, "vs_format='%s'; vs_output='/dev/fd/3'", fmt);
    {
        char sp[4096];
        snprintf(sp, sizeof sp, "%s/%s", dir, script);
        if (access(sp, R_OK) != 0)
            return vs_err_set(err, VS_ERUN, sp, 0,
                              "chart script missing: %s", strerror(errno));
    }

    int out = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (out < 0)
        return vs_err_set(err, VS_ERUN, tmp_path, 0, "cannot write: %s",
                          strerror(errno));
    int pipefd[2];
    if (pipe(pipefd) != 0 || fcntl(pipefd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC) != 0) {
        int e = errno;
        close(out);
        unlink(tmp_path);
        return vs_err_set(err, VS_ERUN, NULL, 0, "cannot run gnuplot: %s",
                          strerror(e));
    }
    pid_t parent = getpid(), pid = fork();
    (void)parent;
    if (pid < 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        close(out);
        unlink(tmp_path);
        return vs_err_set(err, VS_ERUN, NULL, 0, "cannot run gnuplot: %s",
                          strerror(e));
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
#ifdef __linux__
        /* A vardsim killed by a signal takes its gnuplot with it. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
            _exit(127);
#endif
        /* Every descriptor here closes on exec but for 0, 1, 2 and 3,
         * so none needs closing (and 3 may be any of them). */
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0 || chdir(dir) != 0 || dup2(null, 0) < 0 ||
            dup2(null, 1) < 0 || dup2(pipefd[1], 2) < 0)
            _exit(127);
        if (out == 3 ? fcntl(3, F_SETFD, 0) != 0 : dup2(out, 3) < 0)
            _exit(127);
        char *const argv[] = {"gnuplot", "-d", "-e", cmd, script, NULL};
        execv(gnuplot, argv);
        _exit(127);
    }
    close(pipefd[1]);
    close(out);

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

int vs_gp_render(const char *dir, const vs_gp_list *list, const char *formats,
                 vs_err *err)
{
    unsigned mask;
    int st = parse_formats(formats, &mask, err);
    if (st != VS_OK)
        return st;
    char gnuplot[4096];
    /* an absolute path only: gnuplot runs inside the output folder */
    if (list->n > 0 && !vs_file_find_program("gnuplot", gnuplot, sizeof gnuplot))
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "gnuplot not found on PATH: install gnuplot-nox, "
                          "or run without --render");
    for (size_t k = 0; k < list->n; k++)
        for (int i = 0; i < 3; i++)
            if (mask & (1u << i)) {
                st = render_one(gnuplot, dir, list->names[k], fmt_names[i],
                                err);
                if (st != VS_OK)
                    return st;
            }
    /* The charts that fit are drawn first: a national run asked for
     * images gets all but the refused one, then fails naming it. */
    if (list->n_refused > 0)
        return vs_err_set(err, VS_ERUN, NULL, 0, "%s%s", list->refused,
                          vs_gp_list_more(list));
    return VS_OK;
}

int vs_gp_remove_old(vs_outset *set, const char *dir,
                     const char *const *names, size_t n,
                     int with_scripts, vs_err *err)
{
    static const char *const ext[] = {"png", "svg", "pdf", "gp"};
    for (size_t k = 0; k < n; k++)
        for (int i = 0; i < (with_scripts ? 4 : 3); i++) {
            char name[256];
            snprintf(name, sizeof name, "%s.%s", names[k], ext[i]);
            int st = vs_outset_remove(set, dir, name, err);
            if (st != VS_OK)
                return st;
        }
    return VS_OK;
}
