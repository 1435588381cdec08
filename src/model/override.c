/* override.c: --set PATH=VALUE on a loaded scenario (see override.h).
 *
 * Every number a user may change is listed as a candidate: its path, its
 * key in the schema the loader reads the file with (so the loader's
 * bounds and checks apply, schema.h), and where it lives in the model
 * (the key's field).  Resolving
 * a path is finding it among the candidates; an unknown path is answered
 * with the three candidates nearest by edit distance.  The candidates are:
 *
 * - every param in the file: region.deficit, region.age_weights[I],
 *   VARIANT.RULE.KEY, VARIANT.RULE.amounts[I], VARIANT.RULE.tiers[I].KEY;
 * - optional keys a rule does not give but could, where leaving them out
 *   means a default or no bound, so that adding one changes nothing else
 *   (capitation cni_share, cni_threshold cap and floor, cut alpha for
 *   need_protected and max_cut_share, limit max_loss and max_gain).  Keys
 *   that exclude another (pot / per_capita, amount / deficit_share) are
 *   not offered: they would change the rule's kind;
 * - a targeted rule's `top` when it uses a count (a whole number >= 1);
 * - the scale of each per-centre noise group: uncertainty.GROUP.sigma for
 *   a lognormal group, uncertainty.GROUP.sd for a normal one;
 * - the plan's numbers: plan.growth (or plan.growth.T for a list),
 *   plan.min_growth, plan.max_growth, plan.tolerance, plan.first_year and,
 *   unless growth is a list of one value per year, plan.years.
 *
 * One string may be set too: scenario.lang ("sv" or "en"), so that one
 * scenario renders its charts and tables in either language.
 *
 * Rules are reached only through the variant that defines them: a variant
 * that extends another inherits its allocation, so one change reaches
 * every extending variant. */
#include "vardsim/override.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

#define PATH_MAX_LEN 256

/* Whether --set may give rule r the key k it leaves out (see top). */
static int addable(const vs_rule *r, const vs_key *k)
{
    return (k->flags & VS_KEY_ADDABLE) && (!k->applies || k->applies(r));
}

typedef enum cand_kind {
    C_PARAM, /* *slot is a param index, or VS_NONE: the param is added */
    C_LONG,  /* a count held in a long field (targeted.top) */
    C_NOISE, /* a noise group's scale */
    C_DOUBLE /* a number held in a double field (the plan's) */
} cand_kind;

typedef struct cand {
    char path[PATH_MAX_LEN];
    cand_kind kind;
    const vs_key *key; /* its schema entry: kind, range, bound */
    int *slot;      /* C_PARAM: the model's reference to the param */
    long *count;    /* C_LONG */
    vs_rule *rule;  /* C_PARAM in a rule, C_LONG */
    vs_noise *noise;/* C_NOISE */
    double *value;  /* C_DOUBLE */
    int line;       /* C_PARAM: line of the rule or region (new params) */
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
    int oom;
} cands;

/* Append a candidate for key k; NULL when out of memory (remembered in
 * c->oom). */
static cand *push(cands *c, const vs_key *k)
{
    if (c->oom)
        return NULL;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        cand *p = realloc(c->v, cap * sizeof *p);
        if (!p) {
            c->oom = 1;
            return NULL;
        }
        c->v = p;
        c->cap = cap;
    }
    cand *x = &c->v[c->n++];
    memset(x, 0, sizeof *x);
    x->key = k;
    return x;
}

/* A param candidate: `slot` is the model's reference to it. */
static void push_param(cands *c, const vs_key *k, int *slot, vs_rule *rule,
                       int line, const char *path)
{
    cand *x = push(c, k);
    if (!x)
        return;
    x->kind = C_PARAM;
    x->slot = slot;
    x->rule = rule;
    x->line = line;
    snprintf(x->path, sizeof x->path, "%s", path);
}

/* The candidates of one rule of variant `vid`: its params (those it
 * gives and those it may add), grant amounts, tiers, where bounds, then
 * counts. */
static void collect_rule(cands *c, const vs_scenario *sc, const char *vid,
                         vs_rule *r)
{
    char path[PATH_MAX_LEN];
    const vs_key *keys = vs_schema_table((int)r->type);
    for (const vs_key *k = keys; k && k->name; k++) {
        if (k->kind != VS_K_PARAM || k->field < 0)
            continue;
        int *slot = vs_schema_param(r, k);
        if (*slot < 0 && !addable(r, k))
            continue;
        snprintf(path, sizeof path, "%s.%s.%s", vid, r->id, k->name);
        push_param(c, k, slot, r, r->line, path);
    }
    const vs_key *amounts = vs_schema_find((int)r->type, "amounts");
    for (size_t g = 0; amounts && g < r->n_grants; g++) {
        snprintf(path, sizeof path, "%s.%s.amounts[%zu]", vid, r->id, g);
        push_param(c, amounts, &r->grant_amount[g], r, r->line, path);
    }
    const vs_key *tier_keys = vs_schema_table(VS_SCHEMA_TIER);
    for (size_t j = 0; j < r->n_tiers; j++)
        for (const vs_key *k = tier_keys; k->name; k++) {
            int *slot = vs_schema_param(&r->tiers[j], k);
            if (*slot < 0)
                continue; /* amount and per_listed exclude each other */
            snprintf(path, sizeof path, "%s.%s.tiers[%zu].%s", vid, r->id, j,
                     k->name);
            push_param(c, k, slot, r, r->line, path);
        }
    const vs_key *bounds = vs_schema_table(VS_SCHEMA_BOUND);
    for (size_t q = 0; q < r->n_where; q++)
        for (const vs_key *k = bounds; k->name; k++) {
            int *slot = vs_schema_param(&r->where[q], k);
            if (*slot < 0)
                continue; /* a bound not given changes who is eligible */
            snprintf(path, sizeof path, "%s.%s.where.%s.%s", vid, r->id,
                     vs_scenario_value_name(sc, r->where[q].ref), k->name);
            push_param(c, k, slot, r, r->line, path);
        }
    for (const vs_key *k = keys; k && k->name; k++) {
        if (k->kind != VS_K_INT || k->field < 0)
            continue;
        long *count = vs_schema_long(r, k);
        if (*count < 0)
            continue; /* given another way (top_share) */
        cand *x = push(c, k);
        if (x) {
            x->kind = C_LONG;
            x->rule = r;
            x->count = count;
            snprintf(x->path, sizeof x->path, "%s.%s.%s", vid, r->id, k->name);
        }
    }
}

/* The plan's candidates (see top). */
static void collect_plan(cands *c, vs_plan *p)
{
    char path[PATH_MAX_LEN];
    const vs_key *keys = vs_schema_table(VS_SCHEMA_PLAN);
    for (const vs_key *k = keys; k->name; k++) {
        snprintf(path, sizeof path, "plan.%s", k->name);
        if (k->kind == VS_K_PARAM_OR_LIST) {
            for (long t = 0; p->growth_list && t < p->years; t++) {
                snprintf(path, sizeof path, "plan.%s.%ld", k->name, t + 1);
                push_param(c, k, &p->growth_list[t], NULL, p->line, path);
            }
            if (!p->growth_list)
                push_param(c, k, vs_schema_param(p, k), NULL, p->line, path);
            continue;
        }
        if (k->field < 0 || (p->growth_list && strcmp(k->name, "years") == 0))
            continue; /* a list of one value per year fixes the years */
        cand *x = push(c, k);
        if (!x)
            continue;
        snprintf(x->path, sizeof x->path, "%s", path);
        if (k->kind == VS_K_INT) {
            x->kind = C_LONG;
            x->count = vs_schema_long(p, k);
        } else {
            x->kind = C_DOUBLE;
            x->value = (double *)(void *)((char *)p + k->field);
        }
    }
}

/* Every changeable number of sc, in file order (region, rules, noise). */
static void collect(vs_scenario *sc, cands *c)
{
    char path[PATH_MAX_LEN];
    /* The need's cni_share: given or not (its absence means 1). */
    const vs_key *share = vs_schema_find(VS_SCHEMA_NEED, "cni_share");
    push_param(c, share, vs_schema_param(&sc->need, share), NULL, 0,
               "scenario.need.cni_share");
    const vs_key *deficit = vs_schema_find(VS_SCHEMA_REGION, "deficit");
    if (*vs_schema_param(sc, deficit) >= 0)
        push_param(c, deficit, vs_schema_param(sc, deficit), NULL, 0,
                   "region.deficit");
    const vs_key *weights = vs_schema_find(VS_SCHEMA_REGION, "age_weights");
    for (size_t i = 0; sc->age_weights && i < sc->n_age_bands; i++) {
        snprintf(path, sizeof path, "region.age_weights[%zu]", i);
        push_param(c, weights, &sc->age_weights[i], NULL, 0, path);
    }
    for (size_t v = 0; v < sc->n_variants; v++)
        for (size_t k = 0; k < sc->variants[v].n_rules; k++)
            collect_rule(c, sc, sc->variants[v].id, &sc->variants[v].rules[k]);
    for (size_t g = 0; g < sc->n_noise; g++) {
        vs_noise *z = &sc->noise[g];
        int logn = z->kind == VS_NOISE_LOGNORMAL;
        int table = logn ? VS_SCHEMA_NOISE_LOGNORMAL
                    : z->relative ? VS_SCHEMA_NOISE_RELATIVE
                                  : VS_SCHEMA_NOISE_NORMAL;
        cand *x = push(c, vs_schema_find(table, logn ? "sigma" : "sd"));
        if (!x)
            continue;
        x->kind = C_NOISE;
        x->noise = z;
        snprintf(x->path, sizeof x->path, "%s.%s", z->path,
                 logn ? "sigma" : "sd");
    }
    if (sc->plan)
        collect_plan(c, sc->plan);
}

/* ------------------------------------------------------------------ */
/* Nearest paths                                                       */

/* Edit distance with adjacent transpositions (a typo "treshold" is 1
 * from "threshold"); long strings are compared on their first
 * PATH_MAX_LEN bytes. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strnlen(a, PATH_MAX_LEN), m = strnlen(b, PATH_MAX_LEN);
    size_t rows[3][PATH_MAX_LEN + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (prev[j - 1] + cost < d)
                d = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* The rule `path` names through a variant that only inherits it: the
 * path through the variant that defines it, in buf ("" when none). */
static void inherited_path(const vs_scenario *sc, const char *path, char *buf,
                           size_t n, char *owner, size_t owner_n)
{
    buf[0] = '\0';
    const char *d1 = strchr(path, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2)
        return;
    char vid[PATH_MAX_LEN], rid[PATH_MAX_LEN];
    snprintf(vid, sizeof vid, "%.*s", (int)(d1 - path), path);
    snprintf(rid, sizeof rid, "%.*s", (int)(d2 - d1 - 1), d1 + 1);
    int v = vs_scenario_find_variant(sc, vid);
    /* Walk up the extends chain (acyclic after loading). */
    for (size_t hops = 0; v >= 0 && hops <= sc->n_variants; hops++) {
        v = sc->variants[v].extends;
        if (v < 0)
            return;
        const vs_variant *var = &sc->variants[v];
        for (size_t k = 0; k < var->n_rules; k++)
            if (strcmp(var->rules[k].id, rid) == 0) {
                if (snprintf(buf, n, "%s.%s%s", var->id, rid, d2) >= (int)n)
                    buf[0] = '\0'; /* too long to be a path anyway */
                snprintf(owner, owner_n, "%s", var->id);
                return;
            }
    }
}

/* Whether `full` is what `path` most likely meant though their edit
 * distance is large: `path` lacks the start of `full` (RULE.KEY for
 * VARIANT.RULE.KEY), or a middle part (VARIANT.KEY, as in
 * `cni_tillagg.threshold` for `cni_tillagg.cni_threshold.threshold`):
 * the same last part, and the same first part or a whole suffix. */
static int ends_with_part(const char *full, const char *path)
{
    size_t n = strlen(full), m = strlen(path);
    if (m == 0 || n <= m)
        return 0;
    if (full[n - m - 1] == '.' && strcmp(full + n - m, path) == 0)
        return 1;
    /* a part missing: full has more of them */
    size_t dots_p = 0, dots_f = 0;
    for (const char *q = path; *q; q++)
        dots_p += *q == '.';
    for (const char *q = full; *q; q++)
        dots_f += *q == '.';
    const char *pl = strrchr(path, '.'), *fl = strrchr(full, '.');
    const char *pf = strchr(path, '.'), *ff = strchr(full, '.');
    return dots_f > dots_p && pl && fl && strcmp(pl, fl) == 0 &&
           pf - path == ff - full && strncmp(path, full, (size_t)(pf - path)) == 0;
}

static int unknown_path(const vs_scenario *sc, const cands *c, const char *path,
                        vs_err *err)
{
    /* The three smallest distances, earlier candidates first on ties. */
    size_t best[3], dist[3], k = 0;
    char via[PATH_MAX_LEN], owner[PATH_MAX_LEN];
    inherited_path(sc, path, via, sizeof via, owner, sizeof owner);
    int via_known = 0;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].path, via) == 0)
            via_known = 1;
    for (size_t i = 0; i < c->n; i++) {
        if (via_known && strcmp(c->v[i].path, via) == 0)
            continue; /* listed first below */
        size_t d = ends_with_part(c->v[i].path, path) ? 0 : distance(path, c->v[i].path);
        size_t at = k;
        while (at > 0 && dist[at - 1] > d)
            at--;
        if (at >= 3)
            continue;
        for (size_t j = k < 3 ? k : 2; j > at; j--) {
            best[j] = best[j - 1];
            dist[j] = dist[j - 1];
        }
        best[at] = i;
        dist[at] = d;
        if (k < 3)
            k++;
    }
    char list[3 * PATH_MAX_LEN + 8] = "";
    size_t used = 0, shown = 0;
    if (via_known) {
        used += (size_t)snprintf(list, sizeof list, "%s", via);
        shown++;
    }
    for (size_t j = 0; j < k && shown < 3; j++, shown++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 shown ? ", " : "", c->v[best[j]].path);
    if (via_known)
        return vs_err_set(err, VS_EINPUT, sc->file, 0,
                          "unknown path '%s'; nearest: %s (the rule is "
                          "inherited from '%s': set it there, and the change "
                          "reaches every variant that extends it)",
                          path, list, owner);
    if (shown == 0)
        return vs_err_set(err, VS_EINPUT, sc->file, 0,
                          "unknown path '%s': the scenario has no number "
                          "that can be set", path);
    return vs_err_set(err, VS_EINPUT, sc->file, 0,
                      "unknown path '%s'; nearest: %s", path, list);
}

/* ------------------------------------------------------------------ */
/* Setting                                                             */

/* The fixed value of param p, or NAN (a distribution, or none). */
static double fixed_of(const vs_scenario *sc, int p)
{
    if (p < 0 || sc->params[p].dist.kind != VS_DIST_FIXED)
        return NAN;
    return sc->params[p].dist.p[0];
}

/* The loader refuses cap < floor when both are fixed: so does --set. */
static int cap_floor_ok(const vs_scenario *sc, const cand *x, const vs_dist *d,
                        vs_err *err)
{
    const vs_rule *r = x->rule;
    if (!r || r->type != VS_RULE_CNI_THRESHOLD ||
        (x->slot != &r->cap && x->slot != &r->floor))
        return VS_OK;
    double v = d->kind == VS_DIST_FIXED ? d->p[0] : NAN;
    double cap = x->slot == &r->cap ? v : fixed_of(sc, r->cap);
    double fl = x->slot == &r->floor ? v : fixed_of(sc, r->floor);
    if (cap < fl) /* false when either is NAN */
        return vs_err_set(err, VS_EINPUT, sc->file, 0,
                          "'%s': cap (%.15g) would be below floor (%.15g)",
                          x->path, cap, fl);
    return VS_OK;
}

/* The loader refuses min_growth above max_growth: so does --set. */
static int plan_growth_ok(const vs_scenario *sc, const cand *x, double v,
                          vs_err *err)
{
    const vs_plan *p = sc->plan;
    if (x->kind != C_DOUBLE || !p)
        return VS_OK;
    double lo = x->value == &p->min_growth ? v : p->min_growth;
    double hi = x->value == &p->max_growth ? v : p->max_growth;
    if (lo > hi)
        return vs_err_set(err, VS_EINPUT, sc->file, 0,
                          "'%s': plan min_growth (%g) would be above "
                          "max_growth (%g)", x->path, lo, hi);
    return VS_OK;
}

/* Set candidate x to d (already parsed).  Checks first, then changes
 * the model, so a refused value leaves sc as it was. */
static int apply(vs_scenario *sc, cand *x, vs_dist d, vs_err *err)
{
    char msg[512];
    if (vs_schema_check(x->key, x->path, &d, msg, sizeof msg) != VS_OK)
        return vs_err_set(err, VS_EINPUT, sc->file, 0, "%s", msg);
    int st = cap_floor_ok(sc, x, &d, err);
    if (st == VS_OK)
        st = plan_growth_ok(sc, x, d.p[0], err);
    if (st != VS_OK)
        return st;
    switch (x->kind) {
    case C_DOUBLE:
        *x->value = d.p[0];
        return VS_OK;
    case C_LONG:
        *x->count = (long)d.p[0];
        return VS_OK;
    case C_NOISE:
        x->noise->scale = d.p[0];
        return VS_OK;
    case C_PARAM:
        break;
    }
    if (*x->slot >= 0) {
        vs_param *p = &sc->params[*x->slot];
        p->dist = d;
        /* A fixed number draws nothing; a distribution keeps a shared
         * stream it had (it still moves with its partners), and otherwise
         * draws from its own stream, named by its path. */
        if (d.kind == VS_DIST_FIXED) {
            free(p->stream);
            p->stream = NULL;
        }
        return VS_OK;
    }
    /* A key the rule did not give: a new param, as the loader would have
     * made it. */
    char *path = strdup(x->path);
    vs_param *grown = path ? realloc(sc->params, (sc->n_params + 1) *
                                                     sizeof *sc->params)
                           : NULL;
    if (!grown) {
        free(path);
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    }
    sc->params = grown;
    vs_param *p = &sc->params[sc->n_params];
    memset(p, 0, sizeof *p);
    p->path = path;
    p->line = x->line;
    p->dist = d;
    *x->slot = (int)sc->n_params++;
    return VS_OK;
}

/* Resolve `path` and set it to d. */
static int set_path(vs_scenario *sc, const char *path, vs_dist d, vs_err *err)
{
    cands c = {0};
    collect(sc, &c);
    int st;
    if (c.oom) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    } else {
        size_t i = 0;
        while (i < c.n && strcmp(c.v[i].path, path) != 0)
            i++;
        st = i < c.n ? apply(sc, &c.v[i], d, err)
                     : unknown_path(sc, &c, path, err);
    }
    free(c.v);
    return st;
}

/* --set scenario.lang=sv|en (quotes allowed, as in the file).  A
 * centre_term the file gives keeps its words (and a plural made from it
 * its ending): the language changes only vardsim's own words. */
static int set_lang(vs_scenario *sc, const char *value, vs_err *err)
{
    char v[8];
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
        value++, n -= 2;
    if (n >= sizeof v)
        n = sizeof v - 1;
    memcpy(v, value, n);
    v[n] = '\0';
    if (!vs_schema_lang_ok(v))
        return vs_err_set(err, VS_EINPUT, sc->file, 0,
                          "bad value for 'scenario.lang': it must be sv or "
                          "en, got '%.20s'", value);
    memcpy(sc->lang, v, 3);
    return VS_OK;
}

int vs_override_apply(vs_scenario *sc, const char *assignment, vs_err *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "expected PATH=VALUE, such as "
                          "region.deficit=3.5e8, not '%.200s'", assignment);
    char path[PATH_MAX_LEN];
    if ((size_t)(eq - assignment) >= sizeof path)
        return vs_err_set(err, VS_EINPUT, NULL, 0, "path too long: '%.60s...'",
                          assignment);
    snprintf(path, sizeof path, "%.*s", (int)(eq - assignment), assignment);
    if (strcmp(path, "scenario.lang") == 0)
        return set_lang(sc, eq + 1, err);
    vs_dist d;
    char msg[256];
    if (vs_dist_parse(eq + 1, &d, msg, sizeof msg) != VS_OK)
        return vs_err_set(err, VS_EINPUT, sc->file, 0, "bad value for '%s': %s",
                          path, msg);
    return set_path(sc, path, d, err);
}

int vs_override_set_number(vs_scenario *sc, const char *path, double value,
                           vs_err *err)
{
    if (strlen(path) >= PATH_MAX_LEN)
        return vs_err_set(err, VS_EINPUT, NULL, 0, "path too long: '%.60s...'",
                          path);
    return set_path(sc, path, vs_dist_fixed(value), err);
}

int vs_override_get(const vs_scenario *sc, const char *path, double *point,
                    int *money, vs_err *err)
{
    /* collect() takes the model's addresses to change them later; here
     * nothing is written through them. */
    vs_scenario *msc = (vs_scenario *)(uintptr_t)sc;
    cands c = {0};
    collect(msc, &c);
    int st = VS_OK;
    size_t i = 0;
    while (i < c.n && strcmp(c.v[i].path, path) != 0)
        i++;
    if (c.oom) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    } else if (i == c.n) {
        st = unknown_path(sc, &c, path, err);
    } else {
        const cand *x = &c.v[i];
        *money = (x->key->flags & VS_KEY_MONEY) != 0;
        switch (x->kind) {
        case C_LONG: *point = (double)*x->count; break;
        case C_NOISE: *point = x->noise->scale; break;
        case C_DOUBLE: *point = isinf(*x->value) ? NAN : *x->value; break;
        case C_PARAM:
            *point = *x->slot >= 0 ? vs_dist_point(&sc->params[*x->slot].dist)
                                   : NAN;
            break;
        }
    }
    free(c.v);
    return st;
}
