/* describe.c: rules and numbers in plain words (see describe.h).
 *
 * Every sentence is built from the model, never from the file's text, so
 * what the report says a variant does is what the engine did. */
#include "out/describe.h"

#include "out/gp.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


int vs_describe_swedish(const vs_scenario *sc)
{
    return strcmp(sc->lang, "sv") == 0;
}

/* Trailing zeros of a decimal part dropped: "1,50" -> "1,5", "2,00" -> "2"
 * (the decimal mark is the language's: English groups thousands with
 * ',', vs_gp_format_number). */
static void trim_zeros(char *s, int swedish)
{
    char *mark = strrchr(s, swedish ? ',' : '.');
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
        vs_gp_format_number(sek / 1e6, 2, swedish, num, sizeof num);
        trim_zeros(num, swedish);
        snprintf(buf, n, "%s MSEK", num);
    } else {
        vs_gp_format_number(sek, fabs(sek - round(sek)) > 0.004 ? 2 : 0,
                           swedish, num, sizeof num);
        snprintf(buf, n, swedish ? "%s kr" : "%s SEK", num);
    }
}

static void fmt_value(double v, char kind, int sv, char *buf, size_t n)
{
    if (kind == 's') {
        vs_describe_sek(v, sv, buf, n);
    } else if (kind == 'p') {
        char num[48];
        vs_gp_format_number(100.0 * v, 2, sv, num, sizeof num);
        trim_zeros(num, sv);
        snprintf(buf, n, "%s %%", num);
    } else {
        vs_gp_format_number(v, 4, sv, buf, n);
        trim_zeros(buf, sv);
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
        vs_gp_format_number(d->p[1], 3, sv, a, sizeof a);
        trim_zeros(a, sv);
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
    const char *term, *terms; /* the scenario's centre term (scenario.h) */
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
    if (ref == VS_ATTR_AGE)
        return sv ? "åldersviktade listade" : "age-weighted listed persons";
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

/* "Fasta belopp: ": the rule type's words (gp.h), so the rules, the
 * explanations of the gains and losses and the charts name it alike. */
static void say_kind(sentence *s, const vs_rule *r)
{
    char cap[128];
    say(s, "%s: ", vs_gp_capital(vs_gp_rule_words((int)r->type, s->sv), cap,
                                 sizeof cap));
}

static void describe_capitation(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_kind(s, r);
    if (r->pot != VS_NONE) {
        say_param(s, r->pot, 's');
    } else {
        say_param(s, r->per_capita, 's');
        say(s, "%s", sv ? " per listad" : " per listed person");
    }
    /* base "auto" is age-weighted listed with age data, else listed */
    int base = r->base;
    if (base == VS_ATTR_AUTO)
        base = s->sc->n_age_bands > 0 ? VS_ATTR_AGE : VS_ATTR_LISTED;
    say(s, "%s%s", sv ? " fördelas efter " : " shared by ",
        attr_word(s->sc, base, sv));
    if (r->cni_share != VS_NONE) {
        say(s, "%s", sv ? ", varav en andel " : ", with a share of ");
        say_param(s, r->cni_share, 'p');
        say(s, "%s", sv ? " viktad med CNI" : " weighted by CNI");
    }
}

static void describe_cni_threshold(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_kind(s, r);
    say_param(s, r->pot, 's');
    say(s, sv ? " till %s med CNI över " : " to %s with CNI above ", s->terms);
    say_param(s, r->threshold, 'n');
    say(s, ", %s", split_words(r, s->sc, sv));
    if (r->cap != VS_NONE) {
        say(s, "%s", sv ? "; högst " : "; at most ");
        say_param(s, r->cap, 's');
        say(s, " per %s", s->term);
    }
    if (r->floor != VS_NONE) {
        say(s, "%s", sv ? "; minst " : "; at least ");
        say_param(s, r->floor, 's');
        say(s, " per %s", s->term);
    }
}

static void describe_tiered(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    char cap[128];
    /* the value the tiers compare: CNI unless `on` names another */
    say(s, "%s (%s): ", vs_gp_capital(vs_gp_rule_words((int)r->type, sv), cap,
                                      sizeof cap),
        attr_word(s->sc, r->on, sv));
    for (size_t t = 0; t < r->n_tiers; t++) {
        if (t)
            say(s, "; ");
        say(s, "%s", sv ? "över " : "above ");
        say_param(s, r->tiers[t].above, 'n');
        say(s, ": ");
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
}

static void describe_grant(sentence *s, const vs_rule *r)
{
    say_kind(s, r);
    for (size_t g = 0; g < r->n_grants; g++) {
        if (g)
            say(s, ", ");
        int c = r->grant_centre[g];
        say(s, "%s ", s->sc->centres[c].name);
        say_param(s, r->grant_amount[g], 's');
    }
}

static void describe_targeted(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_kind(s, r);
    say_param(s, r->pot, 's');
    if (r->top >= 0)
        say(s, sv ? " till de %ld %s som har högst " : " to the %ld %s with the highest ",
            r->top, s->terms);
    else {
        say(s, "%s", sv ? " till den andel " : " to the share ");
        say_param(s, r->top_share, 'p');
        say(s, sv ? " av alla %s som har högst " : " of all %s with the highest ",
            s->terms);
    }
    for (size_t k = 0; k < r->n_score; k++)
        say(s, "%s%s", k ? " × " : "", attr_word(s->sc, r->score[k], sv));
    say(s, ", %s%s", sv ? "fördelat " : "shared ", split_words(r, s->sc, sv));
}

/* per_unit: an amount per unit of a value, or weights for a pot. */
static void describe_per_unit(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_kind(s, r);
    say_param(s, r->amount, 's');
    if (r->unit == VS_ATTR_CENTRE)
        say(s, " per %s", s->term);
    else if (r->unit == VS_ATTR_LISTED)
        say(s, "%s", sv ? " per listad" : " per listed person");
    else if (r->unit == VS_ATTR_AGE)
        say(s, "%s", sv ? " per åldersviktad listad" : " per age-weighted listed person");
    else if (r->unit == VS_ATTR_CNI)
        say(s, "%s", sv ? " per CNI-poäng" : " per CNI point");
    else
        say(s, " × %s", attr_word(s->sc, r->unit, sv));
    if (r->pot != VS_NONE) {
        say(s, "%s", sv ? "; beloppen blir vikter när " : "; the amounts weigh the sharing of ");
        say_param(s, r->pot, 's');
        say(s, "%s", sv ? " fördelas" : "");
    }
}

/* Swedish genitive: "hälsocentrals", but "hus" for a word ending in s. */
static const char *genitive_s(const char *word)
{
    size_t n = strlen(word);
    return n > 0 && strchr("sxz", word[n - 1]) ? "" : "s";
}

static void describe_cut(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    say_kind(s, r);
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
        /* Swedish genitive: an s, unless the word ends in one */
        say(s, sv ? ", lika stor andel av varje %s%s ersättning"
                  : ", the same share of every %s%s allocation",
            s->term, !sv ? "'s" : genitive_s(s->term));
        break;
    case VS_CUT_PER_CAPITA:
        say(s, "%s", sv ? ", lika mycket per listad" : ", the same per listed person");
        break;
    case VS_CUT_NEED_PROTECTED:
        say(s, "%s", sv ? ", mindre där CNI är högt (ersättning / CNI"
                        : ", less where CNI is high (allocation / CNI");
        if (r->alpha != VS_NONE) {
            /* CNI for 1, CNI² for 2 as a reader writes them ("CNI^1"
             * read as code); any other exponent, or an uncertain one, as
             * "CNI^1,5" */
            char a[256];
            vs_describe_param(s->sc, r->alpha, 'n', a, sizeof a);
            if (strcmp(a, "2") == 0)
                say(s, "\u00b2");
            else if (strcmp(a, "3") == 0)
                say(s, "\u00b3");
            else if (strcmp(a, "1") != 0)
                say(s, "^%s", a);
        }
        say(s, ")");
        break;
    }
    if (r->max_cut_share != VS_NONE) {
        say(s, sv ? "; ingen %s förlorar mer än " : "; no %s loses more than ", s->term);
        say_param(s, r->max_cut_share, 'p');
    }
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
    say(s, sv ? " per %s; summan behålls" : " per %s; the total is kept", s->term);
}

/* Who the rule is for: its `where` conditions and its `except` list
 * ("; bara hälsocentraler där lage ≥ 2; utom Storvik"). */
static void describe_eligible(sentence *s, const vs_rule *r)
{
    int sv = s->sv;
    if (r->n_where > 0) {
        say(s, sv ? "; bara %s där " : "; only %s where ", s->terms);
        for (size_t k = 0; k < r->n_where; k++) {
            const vs_cond *c = &r->where[k];
            const int bound[4] = {c->min, c->max, c->above, c->below};
            static const char *const sign[4] = {"≥", "≤", ">", "<"};
            int first = 1;
            /* min = max, drawn or typed alike, reads as "= v" */
            int same = c->min != VS_NONE && c->max != VS_NONE &&
                       s->sc->params[c->min].dist.kind == VS_DIST_FIXED &&
                       s->sc->params[c->max].dist.kind == VS_DIST_FIXED &&
                       vs_dist_point(&s->sc->params[c->min].dist) ==
                           vs_dist_point(&s->sc->params[c->max].dist);
            say(s, "%s%s", k ? (sv ? " och " : " and ") : "",
                attr_word(s->sc, c->ref, sv));
            for (int b = 0; b < 4; b++) {
                if (bound[b] == VS_NONE || (same && b == 1))
                    continue;
                say(s, "%s %s ", first ? "" : (sv ? " och" : " and"),
                    same ? "=" : sign[b]);
                say_param(s, bound[b], 'n');
                first = 0;
            }
        }
    }
    if (r->n_except > 0) {
        say(s, "%s", sv ? "; utom " : "; except ");
        for (size_t k = 0; k < r->n_except; k++)
            say(s, "%s%s", k ? ", " : "", s->sc->centres[r->except[k]].name);
    }
}

void vs_describe_rule(const vs_scenario *sc, size_t v, size_t ri,
                      void (*put)(void *ctx, const char *text), void *ctx)
{
    sentence s = {put, ctx, sc, vs_describe_swedish(sc),
                  vs_scenario_centre_term(sc, 0), vs_scenario_centre_term(sc, 1)};
    const vs_rule *r = &sc->variants[v].rules[ri];
    switch (r->type) {
    case VS_RULE_CAPITATION: describe_capitation(&s, r); break;
    case VS_RULE_CNI_THRESHOLD: describe_cni_threshold(&s, r); break;
    case VS_RULE_TIERED: describe_tiered(&s, r); break;
    case VS_RULE_GRANT: describe_grant(&s, r); break;
    case VS_RULE_TARGETED: describe_targeted(&s, r); break;
    case VS_RULE_PER_UNIT: describe_per_unit(&s, r); break;
    case VS_RULE_CUT: describe_cut(&s, r); break;
    case VS_RULE_LIMIT: describe_limit(&s, r); break;
    default:
        say(&s, "%s %s", s.sv ? "Regel av typen" : "A rule of type",
            vs_rule_type_name(r->type));
        break;
    }
    describe_eligible(&s, r);
    say(&s, ".");
}
