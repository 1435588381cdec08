/* gp.h: the one gnuplot writer (internal to vardsim).
 *
 * Every chart script vardsim writes (the run's charts, the sweep's, the
 * sensitivity tornado, and any chart still to come) is made with this
 * module: how scenario text is quoted, how numbers and units read in
 * Swedish and English, the house style, how a script starts, where things
 * sit on the page, how big a page may be, and how gnuplot is run.  No other
 * file writes gnuplot quoting.  docs/gnuplot-notes.md explains the traps
 * these rules avoid.
 *
 * Text from a scenario is data, never code:
 * - It appears only inside single-quoted string literals, where gnuplot
 *   expands neither backquotes nor @macros and takes \ and " literally.
 *   A ' in the text is not doubled but spliced in as "\047":
 *   it's -> 'it' . "\047" . 's' (vs_gp_quote).
 * - Never in a comment, a file name, a plot source or a double-quoted
 *   string; every text element is noenhanced.
 * - In an explicit tic list (`set ytics ('label' 1, ...)`) gnuplot reads
 *   the label as a format, so a % is written %% there (vs_gp_put_tic).
 * - Chart data files hold numbers and ids only (vs_gp_put_id). */
#ifndef VS_OUT_GP_H
#define VS_OUT_GP_H

#include <stddef.h>
#include <stdio.h>

#include "vardsim/error.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"

/* ---- quoting and numbers (no state) ---------------------------------- */

/* `text` as a gnuplot string expression of single-quoted literals, each '
 * spliced in as "\047": it's -> 'it' . "\047" . 's', and "" -> ''.
 * (Doubling, 'it''s', trips gnuplot 5.4's scanner when quotes are
 * adjacent, and its macro expander counts every ' on a line.)
 * Returns a malloc'd string (the caller frees it), or NULL with err:
 * VS_EINPUT when text holds a byte below 0x20 (a newline would end the
 * command), VS_ENOMEM. */
char *vs_gp_quote(const char *text, vs_err *err);

/* Write vs_gp_quote(text) to f.  Returns VS_OK or its error. */
int vs_gp_put_quoted(FILE *f, const char *text, vs_err *err);

/* A number for a script or data file: %.10g, '.' as decimal mark whatever
 * the locale, NaN for an undefined value (gnuplot skips it). */
void vs_gp_put_num(FILE *f, double v);

/* A cell of a chart data file (chart_*.csv): vs_gp_put_num, but nothing
 * (an empty cell) for an undefined value, as in every other table.
 * gnuplot reads an empty field as missing and drops the row; a line drawn
 * through the rows is not broken there (a NaN broke it), so a line chart
 * that must not join across an undefined point puts a blank line before
 * that row (chart_sweep.csv does). */
void vs_gp_put_cell(FILE *f, double v);

/* Unit for amounts whose largest magnitude is max_abs_sek: below 10 000
 * "kr" (English "SEK"), below 1 000 000 "tkr" ("kSEK"), else "MSEK".
 * Sets *divisor to 1, 1e3 or 1e6.  NaN counts as 0. */
const char *vs_gp_money_unit(double max_abs_sek, int swedish,
                             double *divisor);

/* `v` rounded to `decimals` (0..9) as a chart label.  Swedish: decimal
 * comma and a space between thousands ("1 234 567,89"); English: "." and
 * "," ("1,234,567.89"); thousands are grouped from four integer digits on.
 * A negative number starts with U+2212 (the typographic minus); a value
 * that rounds to zero never prints as minus zero.  NaN and infinities
 * give "".  A 64-byte buf always suffices.  Returns buf. */
char *vs_gp_format_number(double v, int decimals, int swedish, char *buf,
                          size_t n);

/* Fewest decimals (up to 6) that show v exactly: 1.1 -> 1, 1.125 -> 3. */
int vs_gp_short_decimals(double v);

/* Copy of UTF-8 `text` in buf, shortened to at most max_chars characters
 * (the last one "…" when something was cut); never splits a character.
 * max_chars >= 2; buf needs 4 * max_chars + 1 bytes.  Returns buf. */
char *vs_gp_shorten(const char *text, size_t max_chars, char *buf, size_t n);

/* Copy of UTF-8 `text` in buf with its first letter in capitals (a-z
 * and the Latin-1 letters à..þ, such as å, ä, ö): "hälsocentraler som"
 * -> "Hälsocentraler som", for a scenario's centre term at the start of
 * a title.  Cut to fit n.  Returns buf. */
char *vs_gp_capital(const char *text, char *buf, size_t n);

/* tmpl with its first "%s" replaced by arg; no other % is special, so
 * fixed text can say "(%)".  Cut to fit n. */
void vs_gp_fill(char *buf, size_t n, const char *tmpl, const char *arg);

/* A tidy tick step for `span` in about `target` steps (1, 2 or 5 times a
 * power of ten), and the decimals its labels need. */
double vs_gp_nice_step(double span, int target, int *decimals);

/* The number of characters of UTF-8 `text`. */
size_t vs_gp_chars(const char *text);

/* Width of `text` in cm at `pt` points, estimated on the generous side
 * for DejaVu Sans as cairo draws it; and how many characters of ordinary
 * text fit in `cm`. */
double vs_gp_text_cm(const char *text, double pt);
size_t vs_gp_chars_in(double cm, double pt);

/* ---- words every chart shares (no state) -------------------------------- */

/* Metric m's name in words for a chart title or axis ("Andel till CNI
 * över 1,1 (%)" with the scenario's high_need_cni; losers counted in the
 * scenario's centre term: "Hälsocentraler som förlorar mer än 1 %").
 * A share metric says "(%)".  Cut to fit n. */
void vs_gp_metric_words(const vs_scenario *sc, int m, int swedish,
                        char *buf, size_t n);

/* "lower is better" / "lägre är bättre" for vs_metric_better(m). */
const char *vs_gp_better_words(int m, int swedish);

/* 1 for the metrics that are shares (shown in per cent, "(%)" in their
 * words): dissimilarity, high_need_share, max_loss. */
int vs_gp_metric_share(int m);

/* A rule type's name in words, lower case ("fasta belopp", "fixed
 * amounts"): the one word for it in charts, the report's rules and its
 * explanations; "" for a type it does not know. */
const char *vs_gp_rule_words(int type, int swedish);

/* A --set / --over path or a sensitivity input in words: VARIANT.RULE.KEY
 * as "CNI-gräns, CNI-tillägg: <variant name>" (the key, the rule's type,
 * the variant's name; an index as "nr I"), region.KEY as "underskott,
 * regionen", uncertainty.GROUP[.KEY] as "osäkerhet i CNI" (the noise of
 * that input), a shared stream by the key of its first number and "(gemensam
 * för N regler)"; the path itself when it names nothing known.
 * Cut to fit n. */
void vs_gp_path_words(const vs_scenario *sc, const char *path, int swedish,
                      char *buf, size_t n);

/* Metric m's value v as a chart shows it: 0 when |v| is below
 * VS_GP_METRIC_ROUNDING, which only rounding gives (a variant that pays
 * exactly by need: one öre per centre of a 980 MSEK region makes a
 * dissimilarity of 5e-11, a double's sums a Theil of -5e-17, which would
 * print as "-0,0000" or a tick of 1e-17); `losers` (a count) and NaN as
 * they are.  Every metric but losers is a share or an index of order
 * 0.001 to 1 where it means something (docs/outputs.md, "Charts"). */
#define VS_GP_METRIC_ROUNDING 1e-9
double vs_gp_metric_shown(int m, double v);

/* The power of ten metric m is shown in when `most` is the largest
 * magnitude it takes (shown values): a metric that is no share and all of
 * whose values are below 0.001 (a Theil index near the declared need is
 * 1e-5) is shown in units of 10^power, so that an axis reads 0, 1, 2 and a
 * table 1,5615 rather than 0,00002 and 0,0000; 0 for none.  The charts
 * and the report ask the same (docs/outputs.md, "Charts"). */
int vs_gp_metric_power(int m, double most);

/* " (× 10⁻⁵)" for power -5, in superscript digits; "" for 0. */
void vs_gp_power_words(int power, char *buf, size_t n);

/* The house style (plots/vardsim.gp, byte for byte). */
const char *vs_gp_style(void);

/* ---- page geometry (no state) ------------------------------------------ */

/* " at screen X, screen Y" for a point given in cm from the bottom left of
 * a w x h cm page. */
void vs_gp_put_at(FILE *f, double w, double h, double x, double y);

/* set lmargin/rmargin/bmargin/tmargin at screen, from centimetres. */
void vs_gp_put_margins(FILE *f, double w, double h, double x0, double x1,
                       double y0, double y1);

/* The chart title (variable t_title) and the scenario name (t_scenario)
 * centred at the top of the page, as labels 101 and 102: gnuplot would
 * centre `set title` over the plot area instead.  A multiplot unsets them
 * after its first plot so they are drawn once. */
void vs_gp_put_titles(FILE *f, double w, double h);

/* The end of a multiplot page: a key with no plot (NaN draws nothing, the
 * key entries remain) in the strip [y0, y1] cm, `rows` entries high. */
void vs_gp_key_strip(FILE *f, double w, double h, double y0, double y1,
                     size_t rows);

/* The tallest page vardsim asks gnuplot for, in cm.  Cairo draws at most
 * 32 767 pixels a side (409 cm at the 200 dpi of a PNG) and a PDF page is
 * at most 200 inches (508 cm); no printed paper wants more. */
#define VS_GP_MAX_PAGE_CM 400.0

/* ---- a set of chart scripts --------------------------------------------- */

#define VS_GP_MAX_CHARTS 16

/* The scripts one command wrote, which vs_gp_render renders, and the
 * charts it could not draw (with the first reason). */
typedef struct vs_gp_list {
    char names[VS_GP_MAX_CHARTS][64]; /* script names without .gp */
    size_t n;
    size_t n_refused;
    char refused[400]; /* why the first refused chart was not drawn */
} vs_gp_list;

void vs_gp_list_init(vs_gp_list *l);
/* What follows l->refused where it is shown (a run's warning, the render
 * error): "" for one refused chart, a pointer to the others' scripts for
 * more. */
const char *vs_gp_list_more(const vs_gp_list *l);

/* ---- the writer: one output set, one language, the first failure ------- */

typedef struct vs_gp {
    const char *dir;
    vs_outset *set;
    vs_err *err;
    int sv;        /* Swedish labels and numbers */
    int st;        /* first failure; the writers do nothing after one */
    vs_gp_list *list; /* may be NULL: scripts are recorded here */
} vs_gp;

void vs_gp_init(vs_gp *g, const char *dir, vs_outset *set, int swedish,
                vs_gp_list *list, vs_err *err);

/* Keep the first failure. */
void vs_gp_fail(vs_gp *g, int st);

/* Refuse a control byte in `text` (it would end a gnuplot command):
 * VS_EINPUT naming what (`what` 'id': ...), else VS_OK.  And the same for
 * every name of a scenario (its own, its variants', its centres'). */
int vs_gp_check_text(vs_err *err, const char *what, const char *id,
                     const char *text);
int vs_gp_check_names(const vs_scenario *sc, vs_err *err);

/* Open `name` in the output set (NULL after a failure, recorded). */
FILE *vs_gp_open(vs_gp *g, const char *name);

/* Open the script `chart`.gp and record it in the list, or, when its page
 * of w x h cm is taller than VS_GP_MAX_PAGE_CM, write in its place a
 * script that only stops with the reason (so no stale chart remains and
 * gnuplot by hand says why), record the refusal, and return NULL.  `what`
 * names what makes the page tall ("1001 variants"). */
FILE *vs_gp_open_script(vs_gp *g, const char *chart, double w, double h,
                        const char *what);

/* Whether the script at `path` is one vs_gp_open_script wrote in place of
 * a refused chart: 1, its reason in why (n bytes) and the page height it
 * would have needed in *page_cm (either may be NULL), else 0 (also when it
 * cannot be read).  The one reader of the format vs_gp_open_script writes. */
int vs_gp_script_refused(const char *path, char *why, size_t n, double *page_cm);

/* Scenario text: quoted, assigned, and wrapped. */
void vs_gp_put_q(vs_gp *g, FILE *f, const char *text);
/* name = 'text' */
void vs_gp_assign(vs_gp *g, FILE *f, const char *name, const char *text);
/* name = 'line 1' . "\n" . 'line 2' from fixed text with '|' between
 * lines (never scenario text: a '|' in a name is a character). */
void vs_gp_assign_lines(vs_gp *g, FILE *f, const char *name,
                        const char *text);
/* name = text broken at spaces into at most max_lines lines of at most
 * max_chars characters; what does not fit ends in "…". */
void vs_gp_assign_wrapped(vs_gp *g, FILE *f, const char *name,
                          const char *text, size_t max_chars, int max_lines);
/* Lines vs_gp_assign_wrapped needs for `text` at max_chars a line, with
 * no limit on the lines (at least 1). */
size_t vs_gp_wrap_lines(const char *text, size_t max_chars);
/* t_v<index> = each variant's name; the baseline's followed by
 * base_suffix (may be NULL), each shortened to max_chars in all (0: no
 * limit). */
void vs_gp_assign_variants(vs_gp *g, FILE *f, const vs_scenario *sc,
                           const char *base_suffix, size_t max_chars);
/* One entry of an explicit tic list: 'label' value, % written %%. */
void vs_gp_put_tic(vs_gp *g, FILE *f, const char *label, double value);

/* An id in a data file: the loader allows [a-z0-9_-]; anything else is
 * replaced by '_', and an id that a spreadsheet would read as a formula
 * (a leading '-') gets a ' as in the main tables (vs_csv_text). */
void vs_gp_put_id(FILE *f, const char *id);

/* The opening every standard chart script shares: what it is, how to
 * render it, its size, the style, the decimal mark.  `by` completes
 * "Written by vardsim" (e.g. " sweep"); with embed_style the style is
 * copied into the script, else it loads style.gp from its folder. */
typedef struct vs_gp_script {
    const char *chart, *what, *data, *by;
    double w_cm, h_cm;
    int embed_style;
} vs_gp_script;
void vs_gp_script_begin(vs_gp *g, FILE *f, const vs_gp_script *s);

/* ---- axes with explicit, localised tick labels ---------------------------- */

typedef struct vs_gp_axis {
    double lo, hi, step;
    long first, count; /* ticks at (first + i) * step, i < count */
    int decimals;
} vs_gp_axis;

/* A nice axis over [lo, hi]: about `target` ticks (at least min_step). */
void vs_gp_axis_fit(vs_gp_axis *a, double lo, double hi, int target,
                    double min_step);
/* The axis with the most ticks (up to 8) whose labels, at `pt` points,
 * centred on their ticks over room_cm, keep 0.2 cm apart and reach at
 * most 0.8 cm past its ends (into the margin an axis has). */
void vs_gp_axis_fit_room(int swedish, vs_gp_axis *a, double lo, double hi,
                         double room_cm, double pt, double min_step);
/* set <ax>range [lo:hi] and set <ax>tics ('label' value, ...) */
void vs_gp_put_axis(vs_gp *g, FILE *f, const char *ax, const vs_gp_axis *a);

/* ---- rendering --------------------------------------------------------- */

/* Check a --render list such as "png,svg,pdf".  VS_OK or VS_EINPUT. */
int vs_gp_check_formats(const char *formats, vs_err *err);

/* Render every script of `list` in `dir` to each format of `formats` with
 * the gnuplot found on PATH (absolute entries only).  Images appear
 * atomically (temporary name, then rename).  Returns VS_OK; VS_EINPUT for
 * a bad format list; VS_ERUN before anything runs when gnuplot is
 * missing, naming the script and quoting gnuplot's first error when it
 * fails, or, after the others are drawn, when the list holds a refused
 * chart (its reason). */
int vs_gp_render(const char *dir, const vs_gp_list *list, const char *formats,
                 vs_err *err);

/* Remove dir/NAME.EXT for every name and the image formats (and .gp when
 * with_scripts) at the set's commit (vs_outset_remove): images of an
 * earlier run would show old numbers, but a run that fails keeps them. */
int vs_gp_remove_old(vs_outset *set, const char *dir,
                     const char *const *names, size_t n,
                     int with_scripts, vs_err *err);

#endif
