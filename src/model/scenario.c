/* scenario.c: names and lifetime of the scenario model (no I/O). */
#include "vardsim/scenario.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "model/centre_index.h"

static const char *const rule_names[VS_RULE_COUNT] = {
    "capitation", "cni_threshold", "tiered", "grant", "targeted", "cut", "limit",
    "per_unit",
};

static const char *const split_names[] = {
    "equal", "listed", "listed_cni", "listed_excess", "score", "attr",
};

static const char *const cut_names[] = {
    "proportional", "per_capita", "need_protected",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *vs_rule_type_name(vs_rule_type t)
{
    return (unsigned)t < VS_RULE_COUNT ? rule_names[t] : "?";
}

int vs_rule_type_from_name(const char *name)
{
    return name_index(rule_names, COUNT(rule_names), name);
}

const char *vs_split_name(vs_split s)
{
    return (unsigned)s < COUNT(split_names) ? split_names[s] : "?";
}

int vs_split_from_name(const char *name)
{
    return name_index(split_names, COUNT(split_names), name);
}

const char *vs_cut_method_name(vs_cut_method m)
{
    return (unsigned)m < COUNT(cut_names) ? cut_names[m] : "?";
}

int vs_cut_method_from_name(const char *name)
{
    return name_index(cut_names, COUNT(cut_names), name);
}

int vs_scenario_find_centre(const vs_scenario *sc, const char *id)
{
    for (size_t i = 0; i < sc->n_centres; i++)
        if (strcmp(sc->centres[i].id, id) == 0)
            return (int)i;
    return -1;
}

int vs_centre_index_build(const vs_scenario *sc, vs_idmap *m, vs_err *err)
{
    for (size_t i = 0; i < sc->n_centres; i++)
        if (vs_idmap_put(m, sc->centres[i].id, (int)i) == -2)
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    return VS_OK;
}

int vs_scenario_find_variant(const vs_scenario *sc, const char *id)
{
    for (size_t i = 0; i < sc->n_variants; i++)
        if (strcmp(sc->variants[i].id, id) == 0)
            return (int)i;
    return -1;
}

const char *vs_scenario_centre_term(const vs_scenario *sc, int plural)
{
    int sv = strcmp(sc->lang, "sv") == 0;
    if (sc->centre_term && sc->centre_term_plural)
        return plural ? sc->centre_term_plural : sc->centre_term;
    if (sv)
        return plural ? "h\xc3\xa4lsocentraler" : "h\xc3\xa4lsocentral";
    return plural ? "health centres" : "health centre";
}

int vs_scenario_find_param(const vs_scenario *sc, const char *path)
{
    for (size_t i = 0; i < sc->n_params; i++)
        if (strcmp(sc->params[i].path, path) == 0)
            return (int)i;
    return -1;
}

void vs_rule_init(vs_rule *r, vs_rule_type t)
{
    memset(r, 0, sizeof *r);
    r->type = t;
    /* Every param and count any rule type keeps (the schema knows their
     * fields): not given. */
    for (int type = 0; type < VS_RULE_COUNT; type++)
        for (const vs_key *k = vs_schema_table(type); k->name; k++) {
            if (k->field < 0)
                continue;
            if (k->kind == VS_K_PARAM)
                *vs_schema_param(r, k) = VS_NONE;
            else if (k->kind == VS_K_INT)
                *vs_schema_long(r, k) = -1;
        }
    r->split = t == VS_RULE_TARGETED ? VS_SPLIT_SCORE : VS_SPLIT_LISTED;
    r->split_attr = VS_NONE;
    r->base = VS_ATTR_AUTO;
    r->on = VS_ATTR_CNI;
    r->unit = VS_ATTR_CENTRE;
    r->method = VS_CUT_PROPORTIONAL;
    r->relative_to = VS_NONE;
}

static void rule_free(vs_rule *r)
{
    free(r->id);
    free(r->tiers);
    free(r->grant_centre);
    free(r->grant_amount);
    free(r->score);
    free(r->where);
    free(r->except);
}

const char *vs_scenario_value_name(const vs_scenario *sc, int ref)
{
    switch (ref) {
    case VS_ATTR_LISTED: return "listed";
    case VS_ATTR_CNI: return "cni";
    case VS_ATTR_AGE: return "age";
    case VS_ATTR_CENTRE: return "centre";
    case VS_ATTR_AUTO: return "auto";
    default:
        return ref >= 0 && (size_t)ref < sc->n_attrs ? sc->attr_names[ref] : "?";
    }
}

void vs_scenario_free(vs_scenario *sc)
{
    if (!sc)
        return;
    free(sc->file);
    free(sc->name);
    free(sc->centre_term);
    free(sc->centre_term_plural);
    free(sc->region_name);
    for (size_t i = 0; i < sc->n_age_bands; i++)
        free(sc->age_bands ? sc->age_bands[i] : NULL);
    free(sc->age_bands);
    free(sc->age_weights);
    for (size_t i = 0; i < sc->n_centres; i++) {
        free(sc->centres[i].id);
        free(sc->centres[i].name);
        free(sc->centres[i].attrs);
        free(sc->centres[i].listed_by_age);
    }
    free(sc->centres);
    for (size_t i = 0; i < sc->n_attrs; i++)
        free(sc->attr_names[i]);
    free(sc->attr_names);
    for (size_t i = 0; i < sc->n_noise; i++)
        free(sc->noise[i].path);
    free(sc->noise);
    for (size_t i = 0; i < sc->n_params; i++) {
        free(sc->params[i].path);
        free(sc->params[i].stream);
    }
    free(sc->params);
    for (size_t v = 0; v < sc->n_variants; v++) {
        vs_variant *var = &sc->variants[v];
        free(var->id);
        free(var->name);
        for (size_t r = 0; r < var->n_rules; r++)
            rule_free(&var->rules[r]);
        free(var->rules);
    }
    free(sc->variants);
    free(sc->order);
    if (sc->plan)
        free(sc->plan->growth_list);
    free(sc->plan);
    free(sc);
}
