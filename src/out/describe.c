/* describe.c: rules and numbers in plain words (see describe.h).
 *
 * Every sentence is built from the model, never from the file's text, so
 * what the report says a variant does is what the engine did. */
#include "out/describe.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


int vs_describe_swedish(const vs_scenario *sc)
{
    return strcmp(sc->lang, "sv") == 0;
}

void vs_describe_number(double v, int decimals, int swedish, char *buf,
                        size_t n)
{
    char digits[64];
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", "");
        return;
    }
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
    char *dot = strchr(digits, '.');
    size_t whole = dot ? (size_t)(dot - digits) : strlen(digits);
    char out[96];
    size_t k = 0;
    /* -0.0 and values that round to zero print without a sign. */
    int zero = 1;
    for (const char *p = digits; *p; p++)
        if (*p >= '1' && *p <= '9')
            zero = 0;
    if (v < 0 && !zero)
        out[k++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i > 0 && (whole - i) % 3 == 0)
            out[k++] = ' ';
        out[k++] = digits[i];
    }
    if (dot) {
        out[k++] = swedish ? ',' : '.';
        for (const char *p = dot + 1; *p; p++)
            out[k++] = *p;
    }
    out[k] = '\0';
    snprintf(buf, n, "%s", out);
}

/* Trailing zeros of a decimal part dropped: "1,50" -> "1,5", "2,00" -> "2". */
static void trim_zeros(char *s)
{
    char *mark = strpbrk(s, ".,");
    if (!mark)
        return;
    char *end = s + strlen(s);
    while (end > mark + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == mark + 1)
        *mark = '\0';
}

void vs_describe_sek(double sek, int swedish, char *buf, size_t n)
{
    char num[64];
    if (fabs(sek) >= 1e6) {
        vs_describe_number(sek / 1e6, 2, swedish, num, sizeof num);
        trim_zeros(num);
        snprintf(buf, n, "%s MSEK", num);
    } else {
        vs_describe_number(sek, fabs(sek - round(sek)) > 0.004 ? 2 : 0,
                           swedish, num, sizeof num);
        snprintf(buf, n, "%s kr", num);
    }
}

static void fmt_value(double v, char kind, int sv, char *buf, size_t n)
{
    if (kind == 's') {
        vs_describe_sek(v, sv, buf, n);
    } else if (kind == 'p') {
        char num[48];
        vs_describe_number(100.0 * v, 2, sv, num, sizeof num);
        trim_zeros(num);
        snprintf(buf, n, "%s %%", num);
    } else {
        vs_describe_number(v, 4, sv, buf, n);
        trim_zeros(buf);
    }
}

static const char *dist_word(vs_dist_kind k, int sv)
{
    switch (k) {
    case VS_DIST_NORMAL: return sv ? "normalfördelat" : "normal";
    case VS_DIST_LOGNORMAL: return sv ? "lognormalfördelat" : "lognormal";
    case VS_DIST_UNIFORM: return sv ? "likformigt" : "uniform";
    case VS_DIST_TRIANGULAR: return sv ? "triangulärt" : "triangular";
    case VS_DIST_PERT: return "PERT";
    default: return "";
    }
}

void vs_describe_param(const vs_scenario *sc, int param, char kind,
                       char *buf, size_t n)
{
    int sv = vs_describe_swedish(sc);
    if (param < 0 || (size_t)param >= sc->n_params) {
        snprintf(buf, n, "%s", "");
        return;
    }
    const vs_dist *d = &sc->params[param].dist;
    char point[64];
    fmt_value(vs_dist_point(d), kind, sv, point, sizeof point);
    if (d->kind == VS_DIST_FIXED) {
        snprintf(buf, n, "%s", point);
        return;
    }
    char a[64], b[64];
    switch (d->kind) {
    case VS_DIST_NORMAL:
        fmt_value(d->p[1], kind == 'p' ? 'p' : kind, sv, a, sizeof a);
        snprintf(buf, n, sv ? "%s (osäkert: %s, standardavvikelse %s)"
                            : "%s (uncertain: %s, standard deviation %s)",
                 point, dist_word(d->kind, sv), a);
        return;
    case VS_DIST_LOGNORMAL:
        vs_describe_number(d->p[1], 3, sv, a, sizeof a);
        trim_zeros(a);
        snprintf(buf, n, sv ? "%s (osäkert: %s, sigma %s)"
                            : "%s (uncertain: %s, sigma %s)",
                 point, dist_word(d->kind, sv), a);
        return;
    case VS_DIST_UNIFORM:
        fmt_value(d->p[0], kind, sv, a, sizeof a);
        fmt_value(d->p[1], kind, sv, b, sizeof b);
        break;
    default:
        fmt_value(d->p[0], kind, sv, a, sizeof a);
        fmt_value(d->p[2], kind, sv, b, sizeof b);
        break;
    }
    snprintf(buf, n, sv ? "%s (osäkert: %s, %s till %s)"
                        : "%s (uncertain: %s, %s to %s)",
             point, dist_word(d->kind, sv), a, b);
}

/* The pieces of one sentence go through `put`; say() formats one piece. */
typedef struct sentence {
    void (*put)(void *ctx, const char *text);
    void *ctx;
    const vs_scenario *sc;
    int sv;
} sentence;

static void say(sentence *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void say(sentence *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    s->put(s->ctx, buf);
}

static void say_param(sentence *s, int param, char kind)
{
    char buf[256];
    vs_describe_param(s->sc, param, kind, buf, sizeof buf);
    s->put(s->ctx, buf);
}

static const char *attr_word(const vs_scenario *sc, int ref, int sv)
{
    if (ref == VS_ATTR_LISTED)
        return sv ? "listade" : "listed persons";
    if (ref == VS_ATTR_CNI)
        return "CNI";
    if (ref >= 0 && (size_t)ref < sc->n_attrs)
        return sc->attr_names[ref];
    return "?";
}

static const char *split_words(const vs_rule *r, const vs_scenario *sc, int sv)
{
    switch (r->split) {
    case VS_SPLIT_EQUAL: return sv ? "lika mycket var" : "equally";
    case VS_SPLIT_LISTED: return sv ? "efter antal listade" : "by listed persons";
    case VS_SPLIT_LISTED_CNI: return sv ? "efter listade × CNI" : "by listed × CNI";
    case VS_SPLIT_LISTED_EXCESS:
        return sv ? "efter listade × (CNI − gränsen)"
                  : "by listed × (CNI − the threshold)";
    case VS_SPLIT_SCORE: return sv ? "efter poängen" : "by the score";
    case VS_SPLIT_ATTR: return attr_word(sc, r->split_attr, sv);
    }
    return "";
}

static void describe_capitation(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say(s, "%s", sv ? "Kapitering: " : "Capitation: ");
    if (r->pot != VS_NONE) {
        say_param(s, r->pot, 's');
    } else {
        say_param(s, r->per_capita, 's');
        say(s, "%s", sv ? " per listad" : " per listed person");
    }
    int age = s->sc->n_age_bands > 0;
    say(s, "%s", sv ? (age ? " fördelas efter åldersviktade listade"
                           : " fördelas efter listade")
                    : (age ? " shared by age-weighted listed persons"
                           : " shared by listed persons"));
    if (r->cni_share != VS_NONE) {
        say(s, "%s", sv ? ", varav en andel " : ", with a share of ");
        say_param(s, r->cni_share, 'p');
        say(s, "%s", sv ? " viktad med CNI" : " weighted by CNI");
    }
    say(s, ".");
}

static void describe_cni_threshold(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_param(s, r->pot, 's');
    say(s, "%s", sv ? " till enheter med CNI över " : " to centres with CNI above ");
    say_param(s, r->threshold, 'n');
    say(s, ", %s", split_words(r, s->sc, sv));
    if (r->cap != VS_NONE) {
        say(s, "%s", sv ? "; högst " : "; at most ");
        say_param(s, r->cap, 's');
        say(s, "%s", sv ? " per enhet" : " per centre");
    }
    if (r->floor != VS_NONE) {
        say(s, "%s", sv ? "; minst " : "; at least ");
        say_param(s, r->floor, 's');
        say(s, "%s", sv ? " per enhet" : " per centre");
    }
    say(s, ".");
}

static void describe_tiered(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say(s, "%s", sv ? "Belopp efter CNI-nivå: " : "Amounts by CNI band: ");
    for (size_t t = 0; t < r->n_tiers; t++) {
        if (t)
            say(s, "; ");
        say(s, "%s", sv ? "över " : "above ");
        say_param(s, r->tiers[t].above, 'n');
        say(s, " ");
        if (r->tiers[t].amount != VS_NONE) {
            say_param(s, r->tiers[t].amount, 's');
        } else {
            say_param(s, r->tiers[t].per_listed, 's');
            say(s, "%s", sv ? " per listad" : " per listed person");
        }
    }
    if (r->pot != VS_NONE) {
        say(s, "%s", sv ? "; beloppen skalas till " : "; the amounts are scaled to ");
        say_param(s, r->pot, 's');
    }
    say(s, ".");
}

static void describe_grant(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say(s, "%s", sv ? "Fasta belopp: " : "Fixed amounts: ");
    for (size_t g = 0; g < r->n_grants; g++) {
        if (g)
            say(s, ", ");
        int c = r->grant_centre[g];
        say(s, "%s ", s->sc->centres[c].name);
        say_param(s, r->grant_amount[g], 's');
    }
    say(s, ".");
}

static void describe_targeted(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_param(s, r->pot, 's');
    if (r->top >= 0)
        say(s, sv ? " till de %ld enheter som har högst " : " to the %ld centres with the highest ",
            r->top);
    else {
        say(s, "%s", sv ? " till den andel " : " to the share ");
        say_param(s, r->top_share, 'p');
        say(s, "%s", sv ? " av enheterna som har högst " : " of centres with the highest ");
    }
    for (size_t k = 0; k < r->n_score; k++)
        say(s, "%s%s", k ? " × " : "", attr_word(s->sc, r->score[k], sv));
    say(s, ", %s%s.", sv ? "fördelat " : "shared ", split_words(r, s->sc, sv));
}

static void describe_cut(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say(s, "%s", sv ? "Besparing: " : "Cut: ");
    if (r->amount != VS_NONE) {
        say_param(s, r->amount, 's');
    } else {
        say_param(s, r->deficit_share, 'p');
        say(s, "%s", sv ? " av regionens underskott" : " of the region's deficit");
        if (s->sc->deficit != VS_NONE) {
            say(s, " (");
            say_param(s, s->sc->deficit, 's');
            say(s, ")");
        }
    }
    switch (r->method) {
    case VS_CUT_PROPORTIONAL:
        say(s, "%s", sv ? ", lika stor andel av varje enhets ersättning"
                        : ", the same share of every centre's allocation");
        break;
    case VS_CUT_PER_CAPITA:
        say(s, "%s", sv ? ", lika mycket per listad" : ", the same per listed person");
        break;
    case VS_CUT_NEED_PROTECTED:
        say(s, "%s", sv ? ", mindre där CNI är högt (ersättning / CNI"
                        : ", less where CNI is high (allocation / CNI");
        if (r->alpha != VS_NONE) {
            say(s, "^");
            say_param(s, r->alpha, 'n');
        }
        say(s, ")");
        break;
    }
    if (r->max_cut_share != VS_NONE) {
        say(s, "%s", sv ? "; ingen enhet förlorar mer än " : "; no centre loses more than ");
        say_param(s, r->max_cut_share, 'p');
    }
    say(s, ".");
}

static void describe_limit(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say(s, "%s", sv ? "Förändringstakt mot " : "Pace of change against ");
    say(s, "%s", s->sc->variants[r->relative_to].name);
    say(s, ":");
    if (r->max_loss != VS_NONE) {
        say(s, "%s", sv ? " högst " : " at most ");
        say_param(s, r->max_loss, 'p');
        say(s, "%s", sv ? " förlust" : " loss");
    }
    if (r->max_gain != VS_NONE) {
        say(s, "%s", r->max_loss != VS_NONE ? (sv ? " och" : " and") : "");
        say(s, "%s", sv ? " högst " : " at most ");
        say_param(s, r->max_gain, 'p');
        say(s, "%s", sv ? " ökning" : " gain");
    }
    say(s, "%s", sv ? " per enhet; summan behålls." : " per centre; the total is kept.");
}

void vs_describe_rule(const vs_scenario *sc, size_t v, size_t ri,
                      void (*put)(void *ctx, const char *text), void *ctx)
{
    sentence s = {put, ctx, sc, vs_describe_swedish(sc)};
    const vs_rule *r = &sc->variants[v].rules[ri];
    switch (r->type) {
    case VS_RULE_CAPITATION: describe_capitation(&s, r); break;
    case VS_RULE_CNI_THRESHOLD: describe_cni_threshold(&s, r); break;
    case VS_RULE_TIERED: describe_tiered(&s, r); break;
    case VS_RULE_GRANT: describe_grant(&s, r); break;
    case VS_RULE_TARGETED: describe_targeted(&s, r); break;
    case VS_RULE_CUT: describe_cut(&s, r); break;
    case VS_RULE_LIMIT: describe_limit(&s, r); break;
    default:
        say(&s, "%s %s.", s.sv ? "Regel av typen" : "A rule of type",
            vs_rule_type_name(r->type));
        break;
    }
}
