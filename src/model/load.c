/* load.c: libconfig scenario file -> vs_scenario (see load.h).
 *
 * One flow, top to bottom:
 *
 *   read the bytes (vs_load_file) -> check the raw text (load_text.c)
 *   -> libconfig parse -> walk the sections in dependency order
 *   (scenario, region, centres, uncertainty, variants) -> cross-references
 *   (baseline, evaluation order) -> done.
 *
 * Every problem is recorded with FILE:LINE and the walk carries on, so an
 * analyst sees all of them in one go; the scenario is handed out only when
 * none was found.  Problems in the raw text stop the load before parsing:
 * a wrapped integer or a stray byte would only produce confusing follow-up
 * messages.
 *
 * Each group is read through a key table (name, kind, flags, range):
 * collect() rejects unknown keys (with a "did you mean" hint), wrong types
 * and missing required keys, and the take_*() readers apply the ranges, so
 * validation of single keys lives in one place.  The per-section code only
 * handles what ties keys together ("exactly one of pot / per_capita").
 *
 * Numbers in `region` and in rules become vs_params (a fixed value or a
 * distribution) with a path such as "cni_topup.cni_threshold.pot"; the
 * model refers to them by index.  Index paths count from 0
 * ("halsoval.grant.amounts[0]"), like libconfig's own paths. */
#include "vardsim/load.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "load_text.h"
#include "schema.h"
#include "util/file.h"
#include "util/idmap.h"
#include "vardsim/money.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTF_LIKE(a, b)
#endif

#define ID_MAX 64

/* ------------------------------------------------------------------ */
/* The loader and its problems                                          */

typedef struct loader {
    const char *file; /* name used in messages */
    const char *text; /* the scenario text (NUL-terminated) */
    vs_err *err;
    vs_scenario *sc;
    int problems;     /* recorded by this load */
    int oom;          /* an allocation failed */
    size_t params_cap;
    const config_setting_t *baseline; /* resolved once variants are known */
    const config_setting_t *need;     /* read once centres are known */
    int *extends_line;                /* per variant: line of `extends` */
    /* Lookups by id in near-constant time (a linear search made loading
     * quadratic: 100,000 variants took minutes). */
    vs_idmap centre_ix, variant_ix;
    size_t *line_start; /* offset of each line's first byte, built lazily */
    size_t n_lines;
} loader;

static int line_of(const config_setting_t *s)
{
    return s ? (int)config_setting_source_line(s) : 0;
}

PRINTF_LIKE(3, 4)
static void problem(loader *L, const config_setting_t *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    /* Past VS_LOAD_MAX_PROBLEMS only count: a file with 20,000 bad
     * references would otherwise spend its time on messages (and their
     * did-you-mean searches) nobody reads; load_buffer says how many. */
    if (L->problems++ >= VS_LOAD_MAX_PROBLEMS)
        return;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof msg) /* say that the message was cut */
        memcpy(msg + sizeof msg - sizeof " [... message cut]",
               " [... message cut]", sizeof " [... message cut]");
    vs_err_set(L->err, VS_EINPUT, L->file, line_of(s), "%s", msg);
}

/* Whether a message would still be listed: hints are searched only then. */
static int listing(const loader *L)
{
    return L->problems < VS_LOAD_MAX_PROBLEMS;
}

static void out_of_memory(loader *L)
{
    if (!L->oom)
        vs_err_set(L->err, VS_ENOMEM, L->file, 0, "out of memory");
    L->oom = 1;
}

static void *alloc_array(loader *L, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        out_of_memory(L);
    return p;
}

static char *dup_str(loader *L, const char *s)
{
    char *p = strdup(s);
    if (!p)
        out_of_memory(L);
    return p;
}

PRINTF_LIKE(2, 3)
static char *dup_printf(loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!p) {
        out_of_memory(L);
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ------------------------------------------------------------------ */
/* "did you mean"                                                       */

/* Edit distance with adjacent transpositions ("tpye" -> "type" is 1), or
 * a large number for long words (no hint is worth that work). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 40 || m > 40)
        return 99;
    size_t d[41][41];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

/* The closest candidate seen so far, if close enough to be a typo. */
typedef struct hint {
    const char *word;
    const char *best;
    size_t dist;
    char text[96]; /* " (did you mean 'x'?)" or "" */
} hint;

static void hint_start(hint *h, const char *word)
{
    h->word = word;
    h->best = NULL;
    h->dist = 99;
    h->text[0] = '\0';
}

static void hint_consider(hint *h, const char *candidate)
{
    if (!candidate)
        return;
    size_t d = edit_distance(h->word, candidate);
    size_t len = strlen(h->word);
    size_t max = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    if (d > 0 && d <= max && d < strlen(candidate) && d < h->dist) {
        h->best = candidate;
        h->dist = d;
    }
}

static const char *hint_text(hint *h)
{
    if (h->best)
        snprintf(h->text, sizeof h->text, " (did you mean '%s'?)", h->best);
    return h->text;
}

/* The hint when there is one, else `otherwise` (the list of choices): one
 * bracket per message is enough. */
static const char *hint_or(hint *h, const char *otherwise)
{
    return h->best ? hint_text(h) : otherwise;
}

/* ------------------------------------------------------------------ */
/* Reading a group through its key table                                */

#define MAX_KEYS 16

typedef struct members {
    const vs_key *keys;
    const config_setting_t *group;
    const config_setting_t *set[MAX_KEYS]; /* well-typed members */
    unsigned char present[MAX_KEYS];       /* given at all */
} members;

static int is_number(const config_setting_t *s)
{
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ||
           t == CONFIG_TYPE_FLOAT;
}

static int is_list_or_array(const config_setting_t *s)
{
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY;
}

static int kind_ok(vs_key_kind k, const config_setting_t *s)
{
    int t = config_setting_type(s);
    switch (k) {
    case VS_K_STR: return t == CONFIG_TYPE_STRING;
    case VS_K_INT: return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
    case VS_K_NUM: return is_number(s);
    case VS_K_PARAM: return is_number(s) || t == CONFIG_TYPE_GROUP;
    case VS_K_PARAM_OR_LIST:
        return is_number(s) || t == CONFIG_TYPE_GROUP || is_list_or_array(s);
    case VS_K_BOOL: return t == CONFIG_TYPE_BOOL;
    case VS_K_STRS:
    case VS_K_NUMS:
    case VS_K_PARAMS: return is_list_or_array(s);
    case VS_K_GROUP: return t == CONFIG_TYPE_GROUP;
    case VS_K_GROUPS: /* `()` or `[]` for an empty list */
        return t == CONFIG_TYPE_LIST ||
               (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0);
    }
    return 0;
}

static int key_index(const vs_key *keys, const char *name)
{
    return vs_schema_index(keys, name);
}

/* Sort the members of `group` by the table: report unknown keys, wrong
 * types and missing required keys.  `where` completes the messages:
 * "in scenario", "at top level", "in cni_threshold rule". */
static void collect(loader *L, const config_setting_t *group,
                    const vs_key *keys, const char *where, members *m)
{
    memset(m, 0, sizeof *m);
    m->keys = keys;
    m->group = group;
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        int k = key_index(keys, name);
        if (k < 0) {
            hint h;
            hint_start(&h, name);
            for (int j = 0; keys[j].name; j++)
                hint_consider(&h, keys[j].name);
            problem(L, s, "unknown key '%s' %s%s", name, where, hint_text(&h));
            continue;
        }
        m->present[k] = 1;
        if (!kind_ok(keys[k].kind, s)) {
            problem(L, s, "'%s' must be %s", name, vs_schema_kind_text(keys[k].kind));
            continue;
        }
        m->set[k] = s;
    }
    for (int k = 0; keys[k].name; k++) {
        assert(k < MAX_KEYS); /* grow MAX_KEYS with the tables */
        if ((keys[k].flags & VS_KEY_REQ) && !m->present[k])
            problem(L, group, "missing required key '%s' %s", keys[k].name,
                    where);
    }
}

/* The well-typed member `name`, or NULL (absent or already reported). */
static const config_setting_t *member(const members *m, const char *name,
                                      const vs_key **spec)
{
    int k = key_index(m->keys, name);
    if (k < 0)
        return NULL;
    if (spec)
        *spec = &m->keys[k];
    return m->set[k];
}

static int present(const members *m, const char *name)
{
    int k = key_index(m->keys, name);
    return k >= 0 && m->present[k];
}

/* ------------------------------------------------------------------ */
/* Strings                                                              */

/* The string of `s` if it is clean text: escapes such as "\x01" or "\xff"
 * can put control characters or invalid UTF-8 into a string even when the
 * file itself is clean.  NULL (reported) otherwise. */
static const char *string_of(loader *L, const config_setting_t *s,
                             const char *key)
{
    const char *v = config_setting_get_string(s);
    if (!v)
        return NULL;
    const unsigned char *p = (const unsigned char *)v;
    size_t n = strlen(v);
    for (size_t i = 0; i < n;) {
        size_t len = vs_load_utf8_len(p + i, n - i);
        if (len == 0) {
            problem(L, s, "invalid UTF-8 in '%s' (byte 0x%02X)", key, p[i]);
            return NULL;
        }
        if (vs_load_is_control(p + i, len)) {
            problem(L, s, "control character in '%s': names and labels must "
                    "be one line of printable text", key);
            return NULL;
        }
        i += len;
    }
    return v;
}

/* A copy of the string member `name` (NULL when absent or bad). */
static char *take_str(loader *L, const members *m, const char *name)
{
    const config_setting_t *s = member(m, name, NULL);
    const char *v = s ? string_of(L, s, name) : NULL;
    return v ? dup_str(L, v) : NULL;
}

/* Same, for a display name: must not be empty. */
static char *take_name(loader *L, const members *m, const char *name)
{
    const config_setting_t *s = member(m, name, NULL);
    const char *v = s ? string_of(L, s, name) : NULL;
    if (v && !*v) {
        problem(L, s, "'%s' must not be empty", name);
        return NULL;
    }
    return v ? dup_str(L, v) : NULL;
}

/* Check an id: [a-z0-9_-]+, at most ID_MAX bytes. */
static int id_ok(loader *L, const config_setting_t *s, const char *what,
                 const char *id)
{
    size_t n = strlen(id);
    if (n > ID_MAX) {
        problem(L, s, "%s id '%.20s...' is longer than %d characters", what,
                id, ID_MAX);
        return 0;
    }
    int ok = n > 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
              id[i] == '_' || id[i] == '-'))
            ok = 0;
    if (!ok)
        problem(L, s, "invalid %s id '%s': use only a-z, 0-9, '_' and '-'",
                what, id);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */

/* The number in `s` (int, int64 or float), checked finite: "1e999" reads
 * as infinity in libconfig 1.5 without a word. */
static int number_of(loader *L, const config_setting_t *s, const char *key,
                     double *out)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        *out = config_setting_get_int(s);
        return 1;
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(s);
        return 1;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(s);
        if (!isfinite(*out)) {
            problem(L, s, "number is not finite in '%s'", key);
            return 0;
        }
        return 1;
    default:
        problem(L, s, "'%s' must be a number", key);
        return 0;
    }
}

static int value_ok(loader *L, const config_setting_t *s, const char *key,
                    const vs_key *spec, double v)
{
    char msg[512];
    if (vs_schema_check_value(spec, key, v, msg, sizeof msg))
        return 1;
    problem(L, s, "%s", msg);
    return 0;
}

/* The number member `name` into *out, range-checked.  1 when read. */
static int take_num(loader *L, const members *m, const char *name, double *out)
{
    const vs_key *spec;
    const config_setting_t *s = member(m, name, &spec);
    double v;
    if (!s || !number_of(L, s, name, &v) || !value_ok(L, s, name, spec, v))
        return 0;
    *out = v;
    return 1;
}

/* The integer member `name` (int or int64) into *out.  1 when read. */
static int take_int(loader *L, const members *m, const char *name,
                    long long *out)
{
    const vs_key *spec;
    const config_setting_t *s = member(m, name, &spec);
    if (!s)
        return 0;
    long long v = config_setting_type(s) == CONFIG_TYPE_INT
                      ? config_setting_get_int(s)
                      : config_setting_get_int64(s);
    if (!value_ok(L, s, name, spec, (double)v))
        return 0;
    *out = v;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Params: a fixed number or a distribution                             */

/* Read a distribution group `g` given for `key` into *d (not yet checked
 * against the key's range) and its shared stream name, if any, into
 * *stream (a copy, or NULL).  1 when valid (*stream is then the caller's). */
static int parse_dist(loader *L, const config_setting_t *g, const char *key,
                      vs_dist *d, char **stream)
{
    *stream = NULL;
    const config_setting_t *ds = config_setting_get_member(g, "dist");
    if (!ds) {
        problem(L, g, "missing required key 'dist' in distribution for '%s'",
                key);
        return 0;
    }
    if (config_setting_type(ds) != CONFIG_TYPE_STRING) {
        problem(L, ds, "'dist' must be a string");
        return 0;
    }
    const char *name = string_of(L, ds, "dist");
    if (!name)
        return 0;
    int k = vs_dist_kind_from_name(name);
    const vs_key *keys = k > 0 ? vs_schema_dist_table((vs_dist_kind)k) : NULL;
    if (!keys) {
        hint h;
        hint_start(&h, name);
        for (int j = VS_DIST_NORMAL; j <= VS_DIST_PERT; j++)
            hint_consider(&h, vs_dist_kind_name((vs_dist_kind)j));
        problem(L, ds, "unknown distribution '%s'%s", name,
                hint_or(&h, " (expected normal, lognormal, uniform, "
                        "triangular or pert)"));
        return 0;
    }
    char where[48];
    snprintf(where, sizeof where, "in %s distribution", name);
    members m;
    collect(L, g, keys, where, &m);

    memset(d, 0, sizeof *d);
    d->kind = (vs_dist_kind)k;
    d->lo = -INFINITY;
    d->hi = INFINITY;
    int ok = 1;
    for (int j = 0; keys[j].name; j++) {
        if (keys[j].slot < 0)
            continue;
        double v;
        if (!m.set[j]) {
            if (m.present[j] || (keys[j].flags & VS_KEY_REQ))
                ok = 0; /* reported by collect */
            continue;
        }
        if (!number_of(L, m.set[j], keys[j].name, &v)) {
            ok = 0;
            continue;
        }
        if (keys[j].slot == 3)
            d->lo = v;
        else if (keys[j].slot == 4)
            d->hi = v;
        else
            d->p[keys[j].slot] = v;
    }
    if (!ok)
        return 0;
    char msg[256];
    if (vs_dist_validate(d, msg, sizeof msg) != VS_OK) {
        problem(L, g, "invalid distribution for '%s': %s", key, msg);
        return 0;
    }
    /* A stream name has id syntax: without a '.' it can never be the path
     * of a param, which names that param's own stream. */
    const config_setting_t *ss = member(&m, "stream", NULL);
    const char *sname = ss ? string_of(L, ss, "stream") : NULL;
    if (ss && (!sname || !id_ok(L, ss, "stream", sname)))
        return 0;
    if (sname && !(*stream = dup_str(L, sname)))
        return 0;
    return 1;
}

static int dist_ok(loader *L, const config_setting_t *s, const char *key,
                   const vs_key *spec, vs_dist *d)
{
    char msg[512];
    if (vs_schema_check_dist(spec, key, d, msg, sizeof msg))
        return 1;
    problem(L, s, "%s", msg);
    return 0;
}

/* Append a param (taking `path` and `stream`); returns its index, or
 * VS_NONE (out of memory). */
static int add_param(loader *L, char *path, char *stream, int line, vs_dist d)
{
    vs_scenario *sc = L->sc;
    if (!path) {
        free(stream);
        return VS_NONE;
    }
    if (sc->n_params == L->params_cap) {
        size_t cap = L->params_cap ? 2 * L->params_cap : 16;
        vs_param *p = realloc(sc->params, cap * sizeof *p);
        if (!p) {
            free(path);
            free(stream);
            out_of_memory(L);
            return VS_NONE;
        }
        sc->params = p;
        L->params_cap = cap;
    }
    vs_param *par = &sc->params[sc->n_params];
    memset(par, 0, sizeof *par);
    par->path = path;
    par->stream = stream;
    par->line = line;
    par->dist = d;
    return (int)sc->n_params++;
}

/* The param in setting `s` (a number or a distribution group) for `key`
 * with path "PREFIX.KEY".  Returns its index, or VS_NONE (reported). */
static int param_from(loader *L, const config_setting_t *s, const char *prefix,
                      const char *key, const vs_key *spec)
{
    vs_dist d;
    char *stream = NULL;
    if (is_number(s)) {
        double v;
        if (!number_of(L, s, key, &v) || !value_ok(L, s, key, spec, v))
            return VS_NONE;
        d = vs_dist_fixed(v);
    } else if (config_setting_type(s) == CONFIG_TYPE_GROUP) {
        if (!parse_dist(L, s, key, &d, &stream))
            return VS_NONE;
        if (!dist_ok(L, s, key, spec, &d)) {
            free(stream);
            return VS_NONE;
        }
    } else {
        problem(L, s, "'%s' must be %s", key, vs_schema_kind_text(VS_K_PARAM));
        return VS_NONE;
    }
    return add_param(L, dup_printf(L, "%s.%s", prefix, key), stream,
                     line_of(s), d);
}

/* The param member `name` of m, or VS_NONE (absent or reported). */
static int take_param(loader *L, const members *m, const char *name,
                      const char *prefix)
{
    const vs_key *spec;
    const config_setting_t *s = member(m, name, &spec);
    return s ? param_from(L, s, prefix, name, spec) : VS_NONE;
}

/* A list member (VS_K_PARAMS) as params "PREFIX.NAME[i]": fills idx[0..n),
 * n = its length (idx allocated here, VS_NONE where bad). */
static int *take_param_list(loader *L, const members *m, const char *name,
                            const char *prefix, size_t *n)
{
    const vs_key *spec;
    const config_setting_t *s = member(m, name, &spec);
    *n = 0;
    if (!s)
        return NULL;
    size_t len = (size_t)config_setting_length(s);
    int *idx = alloc_array(L, len, sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char key[80];
        snprintf(key, sizeof key, "%s[%zu]", name, i);
        idx[i] = param_from(L, config_setting_get_elem(s, (unsigned)i), prefix,
                            key, spec);
    }
    *n = len;
    return idx;
}

/* Every param of m's table that lives in a field of `base` (a vs_rule, a
 * vs_tier, ...: the struct the table describes), in table order. */
static void take_fields(loader *L, const members *m, void *base,
                        const char *prefix)
{
    for (const vs_key *k = m->keys; k->name; k++)
        if (k->kind == VS_K_PARAM && k->field >= 0)
            *vs_schema_param(base, k) = take_param(L, m, k->name, prefix);
}

/* ------------------------------------------------------------------ */
/* Lookups that tolerate the holes left by earlier problems             */

static int find_centre(const loader *L, const char *id)
{
    return vs_idmap_get(&L->centre_ix, id);
}

static int find_variant(const loader *L, const char *id)
{
    return vs_idmap_get(&L->variant_ix, id);
}

/* Record the id of centre or variant i (the first of a duplicate stays). */
static void index_id(loader *L, vs_idmap *ix, const char *id, size_t i)
{
    if (id && vs_idmap_put(ix, id, (int)i) == -2)
        out_of_memory(L);
}

/* " (did you mean 'x'?)" for an unknown variant id, or "". */
static const char *variant_hint(const loader *L, const char *id, hint *h)
{
    const vs_scenario *sc = L->sc;
    hint_start(h, id);
    for (size_t j = 0; listing(L) && j < sc->n_variants; j++)
        hint_consider(h, sc->variants[j].id);
    return hint_text(h);
}

static int find_attr(const vs_scenario *sc, const char *name)
{
    for (size_t a = 0; a < sc->n_attrs; a++)
        if (strcmp(sc->attr_names[a], name) == 0)
            return (int)a;
    return -1;
}

static const char *centre_label(const vs_scenario *sc, size_t i)
{
    return sc->centres[i].id ? sc->centres[i].id : "?";
}

/* An attribute reference by name: "listed", "cni" or an attribute given
 * on every centre.  Returns VS_ATTR_LISTED, VS_ATTR_CNI or the index, or
 * VS_NONE (reported) when unknown or missing on some centre. */
static int attr_ref(loader *L, const config_setting_t *s, const char *name,
                    const char *where)
{
    const vs_scenario *sc = L->sc;
    if (strcmp(name, "listed") == 0)
        return VS_ATTR_LISTED;
    if (strcmp(name, "cni") == 0)
        return VS_ATTR_CNI;
    int a = find_attr(sc, name);
    if (a < 0) {
        hint h;
        hint_start(&h, name);
        hint_consider(&h, "listed");
        hint_consider(&h, "cni");
        for (size_t j = 0; j < sc->n_attrs; j++)
            hint_consider(&h, sc->attr_names[j]);
        problem(L, s, "unknown attribute '%s' %s%s", name, where,
                hint_text(&h));
        return VS_NONE;
    }
    for (size_t i = 0; i < sc->n_centres; i++)
        if (sc->centres[i].attrs && isnan(sc->centres[i].attrs[a])) {
            problem(L, s, "attribute '%s' is missing on centre '%s': an "
                    "attribute used %s must be given for every centre", name,
                    centre_label(sc, i), where);
            return VS_NONE;
        }
    return a;
}

static void check_nonneg_attr(loader *L, const config_setting_t *s, int ref,
                              const char *use);
static void check_weight_attr(loader *L, const config_setting_t *s, int ref);

/* Which special names a value reference may take (value_ref). */
#define V_LISTED 1u
#define V_CNI 2u
#define V_AGE 4u
#define V_CENTRE 8u
#define V_AUTO 16u

static const struct {
    const char *name;
    unsigned bit;
    int ref;
} value_names[] = {
    {"auto", V_AUTO, VS_ATTR_AUTO},       {"centre", V_CENTRE, VS_ATTR_CENTRE},
    {"listed", V_LISTED, VS_ATTR_LISTED}, {"age", V_AGE, VS_ATTR_AGE},
    {"cni", V_CNI, VS_ATTR_CNI},
};
#define N_VALUE_NAMES (sizeof value_names / sizeof value_names[0])

static int has_age_data(const vs_scenario *sc)
{
    return sc->n_age_bands > 0 && sc->age_weights;
}

/* "centre, listed, age, cni or an attribute" for the names in `allow`. */
static void value_choices(unsigned allow, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < N_VALUE_NAMES; k++)
        if (allow & value_names[k].bit)
            used += (size_t)snprintf(buf + used, n - used, "%s, ",
                                     value_names[k].name);
    if (used >= 2 && used < n)
        buf[used - 2] = '\0';
    snprintf(buf + strlen(buf), n - strlen(buf), " or an attribute");
}

/* A value a rule or the need names for every centre: one of the special
 * names in `allow`, or an attribute given on every centre.  `key` is the
 * key it is given for ("unit", "on", "base"), `what` how an unknown name
 * is called ("unit 'x' in per_unit rule").  "age" needs age data.
 * Returns the reference, or VS_NONE (reported). */
static int value_ref(loader *L, const config_setting_t *s, const char *name,
                     const char *key, unsigned allow, const char *what)
{
    const vs_scenario *sc = L->sc;
    char choices[96];
    value_choices(allow, choices, sizeof choices);
    for (size_t k = 0; k < N_VALUE_NAMES; k++) {
        if (strcmp(name, value_names[k].name) != 0)
            continue;
        if (!(allow & value_names[k].bit)) {
            problem(L, s, "'%s' cannot be '%s' (expected %s)", key, name,
                    choices);
            return VS_NONE;
        }
        if (value_names[k].ref == VS_ATTR_AGE && !has_age_data(sc)) {
            problem(L, s, "'age' needs age data: region.age_bands and "
                    "region.age_weights, and listed_by_age on every centre");
            return VS_NONE;
        }
        return value_names[k].ref;
    }
    if (find_attr(sc, name) >= 0) {
        char used[48];
        snprintf(used, sizeof used, "in '%s'", key);
        return attr_ref(L, s, name, used);
    }
    hint h;
    hint_start(&h, name);
    for (size_t k = 0; k < N_VALUE_NAMES; k++)
        if (allow & value_names[k].bit)
            hint_consider(&h, value_names[k].name);
    for (size_t j = 0; j < sc->n_attrs; j++)
        hint_consider(&h, sc->attr_names[j]);
    char expected[120];
    snprintf(expected, sizeof expected, " (expected %s)", choices);
    problem(L, s, "unknown %s%s", what, hint_or(&h, expected));
    return VS_NONE;
}

/* A string member `key` of m as a value reference (default `def` when
 * absent). */
static int take_value(loader *L, const members *m, const char *key,
                      unsigned allow, const char *what_fmt, int def)
{
    const config_setting_t *s = member(m, key, NULL);
    const char *name = s ? string_of(L, s, key) : NULL;
    if (!name)
        return present(m, key) ? VS_NONE : def;
    char what[160];
    snprintf(what, sizeof what, what_fmt, name);
    return value_ref(L, s, name, key, allow, what);
}

/* A list of centre ids (a grant's `to`, a rule's `except`): indices into
 * *out (VS_NONE where bad), each unknown id reported with a hint and
 * each repeated one once.  Returns the length, 0 when none. */
static size_t centre_list(loader *L, const config_setting_t *list,
                          const char *key, int **out)
{
    const vs_scenario *sc = L->sc;
    size_t n = (size_t)config_setting_length(list);
    *out = NULL;
    if (n == 0) {
        problem(L, list, "'%s' must not be empty", key);
        return 0;
    }
    int *centre = alloc_array(L, n, sizeof *centre);
    vs_idmap seen; /* for "twice": near-linear for long lists */
    vs_idmap_init(&seen);
    for (size_t i = 0; centre && i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        centre[i] = VS_NONE;
        char name[40];
        snprintf(name, sizeof name, "%s[%zu]", key, i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            problem(L, e, "'%s' must be a string", name);
            continue;
        }
        const char *id = string_of(L, e, name);
        if (!id)
            continue;
        int c = find_centre(L, id);
        if (c < 0) {
            hint h;
            hint_start(&h, id);
            for (size_t j = 0; listing(L) && j < sc->n_centres; j++)
                hint_consider(&h, sc->centres[j].id);
            /* an analyst may write the centre's name instead of its id */
            const char *by_name = NULL;
            for (size_t j = 0; !h.best && listing(L) && j < sc->n_centres; j++)
                if (sc->centres[j].id && sc->centres[j].name &&
                    strcasecmp(sc->centres[j].name, id) == 0)
                    by_name = sc->centres[j].id;
            if (by_name)
                problem(L, e, "unknown centre '%s' in '%s' (that is the name "
                        "of centre '%s': '%s' takes ids)", id, key, by_name, key);
            else
                problem(L, e, "unknown centre '%s' in '%s'%s", id, key,
                        hint_text(&h));
            continue;
        }
        int first = vs_idmap_put(&seen, sc->centres[c].id, (int)i);
        if (first == -2)
            out_of_memory(L);
        else if (first >= 0)
            problem(L, e, "centre '%s' appears twice in '%s'", id, key);
        centre[i] = c;
    }
    vs_idmap_free(&seen);
    *out = centre;
    return centre ? n : 0;
}

/* One condition `where.KEY = { min = ...; ... }` into *c. */
static int parse_cond(loader *L, const config_setting_t *s, const char *prefix,
                      vs_cond *c)
{
    const char *key = config_setting_name(s);
    c->ref = VS_NONE;
    c->min = c->max = c->above = c->below = VS_NONE;
    char what[120];
    snprintf(what, sizeof what, "attribute '%s' in 'where'", key);
    int ref = value_ref(L, s, key, "where", V_LISTED | V_CNI | V_AGE, what);
    if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
        problem(L, s, "'where.%s' must be a group such as { below = 4000; }",
                key);
        return 0;
    }
    members m;
    collect(L, s, vs_schema_table(VS_SCHEMA_BOUND), "in 'where' condition", &m);
    char pfx[200];
    snprintf(pfx, sizeof pfx, "%s.where.%s", prefix, key);
    take_fields(L, &m, c, pfx);
    if (config_setting_length(s) == 0)
        problem(L, s, "condition on '%s' in 'where' needs min, max, above or "
                "below", key);
    c->ref = ref;
    return ref != VS_NONE;
}

/* where = { KEY = { ... }; ... } and except = [ids]: who a rule sees. */
static void parse_filter(loader *L, const members *m, vs_rule *r,
                         const char *prefix)
{
    const config_setting_t *w = member(m, "where", NULL);
    size_t n = w ? (size_t)config_setting_length(w) : 0;
    if (w && n == 0)
        problem(L, w, "'where' must not be empty: give conditions such as "
                "listed = { below = 4000; }");
    if (n > 0 && (r->where = alloc_array(L, n, sizeof *r->where)))
        for (size_t k = 0; k < n; k++)
            if (parse_cond(L, config_setting_get_elem(w, (unsigned)k), prefix,
                           &r->where[r->n_where]))
                r->n_where++;
    const config_setting_t *e = member(m, "except", NULL);
    if (e)
        r->n_except = centre_list(L, e, "except", &r->except);
}

/* scenario.need = { base = ...; cni_share = ...; } */
static void parse_need(loader *L, const config_setting_t *g)
{
    vs_scenario *sc = L->sc;
    members m;
    collect(L, g, vs_schema_table(VS_SCHEMA_NEED), "in scenario.need", &m);
    int base = take_value(L, &m, "base", V_LISTED | V_AGE, "need base '%s'",
                          VS_ATTR_LISTED);
    check_nonneg_attr(L, member(&m, "base", NULL), base, "a need base");
    if (base != VS_NONE)
        sc->need.base = base;
    take_fields(L, &m, &sc->need, "scenario.need");
}

/* ------------------------------------------------------------------ */
/* scenario = { ... }                                                   */

/* A centre term: a display name short enough for a chart title. */
#define TERM_MAX_CHARS 40
static char *take_term(loader *L, const members *m, const char *name)
{
    char *v = take_name(L, m, name);
    size_t chars = 0;
    for (const char *q = v ? v : ""; *q; q++)
        chars += ((unsigned char)*q & 0xC0) != 0x80;
    if (chars > TERM_MAX_CHARS) {
        problem(L, member(m, name, NULL), "'%s' must be at most %d "
                "characters (it goes into chart titles), got %zu", name,
                TERM_MAX_CHARS, chars);
        free(v);
        return NULL;
    }
    return v;
}

/* centre_term and centre_term_plural (docs/scenario-format.md): a plural
 * needs its singular; a singular alone gets the term + "er" (Swedish) or
 * + "s" (English), so vs_scenario_centre_term never builds text. */
static void parse_centre_term(loader *L, const members *m)
{
    vs_scenario *sc = L->sc;
    sc->centre_term = take_term(L, m, "centre_term");
    sc->centre_term_plural = take_term(L, m, "centre_term_plural");
    if (sc->centre_term_plural && !sc->centre_term &&
        !member(m, "centre_term", NULL))
        problem(L, member(m, "centre_term_plural", NULL),
                "'centre_term_plural' needs 'centre_term': give the "
                "singular too");
    if (sc->centre_term && !sc->centre_term_plural)
        sc->centre_term_plural = dup_printf(
            L, "%s%s", sc->centre_term,
            strcmp(sc->lang, "sv") == 0 ? "er" : "s");
}

static void parse_scenario(loader *L, const config_setting_t *g)
{
    vs_scenario *sc = L->sc;
    members m;
    collect(L, g, vs_schema_table(VS_SCHEMA_SCENARIO), "in scenario", &m);
    sc->name = take_name(L, &m, "name");
    long long v;
    if (take_int(L, &m, "seed", &v))
        sc->seed = (uint64_t)v;
    if (take_int(L, &m, "iterations", &v))
        sc->iterations = (long)v;
    const config_setting_t *s = member(&m, "lang", NULL);
    const char *lang = s ? string_of(L, s, "lang") : NULL;
    if (lang) {
        if (vs_schema_lang_ok(lang))
            memcpy(sc->lang, lang, 3);
        else
            problem(L, s, "'lang' must be \"sv\" or \"en\", got '%s'", lang);
    }
    take_num(L, &m, "high_need_cni", &sc->high_need_cni);
    parse_centre_term(L, &m);
    /* The variants are not known yet: resolve_baseline() reads it; the
     * need's base may name an attribute: parse_need() after the centres. */
    L->baseline = member(&m, "baseline", NULL);
    L->need = member(&m, "need", NULL);
}

/* ------------------------------------------------------------------ */
/* region = { ... }                                                     */

static void parse_region(loader *L, const config_setting_t *g)
{
    vs_scenario *sc = L->sc;
    members m;
    collect(L, g, vs_schema_table(VS_SCHEMA_REGION), "in region", &m);
    sc->region_name = take_str(L, &m, "name");
    sc->deficit = take_param(L, &m, "deficit", "region");

    /* Age bands: labels and weights go together, one weight per label. */
    const config_setting_t *bands = member(&m, "age_bands", NULL);
    const config_setting_t *weights = member(&m, "age_weights", NULL);
    if (bands && !weights)
        problem(L, bands, "'age_bands' needs 'age_weights': give both or "
                "neither");
    if (weights && !bands)
        problem(L, weights, "'age_weights' needs 'age_bands': give both or "
                "neither");
    size_t n = bands ? (size_t)config_setting_length(bands) : 0;
    if (bands && n == 0)
        problem(L, bands, "'age_bands' must not be empty");
    if (n > 0 && (sc->age_bands = alloc_array(L, n, sizeof *sc->age_bands))) {
        sc->n_age_bands = n;
        for (size_t b = 0; b < n; b++) {
            const config_setting_t *e =
                config_setting_get_elem(bands, (unsigned)b);
            char key[40];
            snprintf(key, sizeof key, "age_bands[%zu]", b);
            if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                problem(L, e, "'%s' must be a string", key);
                continue;
            }
            const char *label = string_of(L, e, key);
            if (label)
                sc->age_bands[b] = dup_str(L, label);
        }
    }
    size_t nw;
    int *w = take_param_list(L, &m, "age_weights", "region", &nw);
    if (w && bands && nw != n)
        problem(L, weights, "'age_bands' has %zu labels but 'age_weights' has "
                "%zu weights", n, nw);
    if (w && nw == n && n > 0)
        sc->age_weights = w;
    else
        free(w);
}

/* ------------------------------------------------------------------ */
/* centres = ( { ... }, ... )                                           */

/* The start of line `line` (1-based) of the text, or NULL.  The offsets of
 * every line are found once: a scan from the top for each centre's cni
 * made checking 10,000 centres take seconds. */
static const char *line_text(loader *L, int line)
{
    if (!L->line_start && !L->oom) {
        size_t n = 1;
        for (const char *p = L->text; (p = strchr(p, '\n')); p++)
            n++;
        L->line_start = alloc_array(L, n, sizeof *L->line_start);
        if (!L->line_start)
            return NULL;
        size_t k = 0;
        L->line_start[k++] = 0;
        for (const char *p = L->text; (p = strchr(p, '\n')); p++)
            L->line_start[k++] = (size_t)(p + 1 - L->text);
        L->n_lines = k;
    }
    if (!L->line_start || line < 1 || (size_t)line > L->n_lines)
        return NULL;
    return L->text + L->line_start[line - 1];
}

/* The literal an analyst typed for `key` on the setting's line, e.g.
 * "0.90" for `cni = 0.90;`, so centres.csv can print it as typed
 * (docs/outputs.md).  Falls back to the shortest text that reads back as `v` when
 * the line holds no such literal (the key on another line, say). */
static void typed_text(const loader *L, const config_setting_t *s,
                       const char *key, double v, char *buf, size_t n)
{
    const char *p = line_text((loader *)L, line_of(s));
    size_t klen = strlen(key);
    for (; p && *p && *p != '\n'; p++) {
        if (strncmp(p, key, klen) != 0 ||
            (p > L->text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
            continue;
        const char *q = p + klen;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=' && *q != ':')
            continue;
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        size_t len = strspn(q, "0123456789.eE+-");
        if (len == 0 || len >= n)
            break;
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)len, q);
        char *end;
        if (strtod(tok, &end) == v && *end == '\0') {
            memcpy(buf, tok, len + 1); /* len < n checked above */
            return;
        }
        break;
    }
    vs_load_shortest(v, buf, n);
}

static int reserved_attr(const char *name)
{
    return strcmp(name, "listed") == 0 || strcmp(name, "cni") == 0;
}

/* The attribute names of every centre, in order of first appearance. */
static void collect_attr_names(loader *L, const config_setting_t *list)
{
    vs_scenario *sc = L->sc;
    size_t cap = 0;
    int n = config_setting_length(list);
    for (int i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const config_setting_t *attrs =
            config_setting_type(g) == CONFIG_TYPE_GROUP
                ? config_setting_get_member(g, "attrs") : NULL;
        if (!attrs || config_setting_type(attrs) != CONFIG_TYPE_GROUP)
            continue;
        for (int j = 0; j < config_setting_length(attrs); j++) {
            const char *name =
                config_setting_name(config_setting_get_elem(attrs, (unsigned)j));
            if (reserved_attr(name) || find_attr(sc, name) >= 0)
                continue;
            /* Every centre gets a slot for every attribute name: 100,000
             * centres with a name each would ask for 80 GB (and find_attr
             * would be quadratic). */
            if (sc->n_attrs == (size_t)VS_LOAD_MAX_ATTRS) {
                problem(L, config_setting_get_elem(attrs, (unsigned)j),
                        "more than %d attribute names in the centres' 'attrs' "
                        "('%s' is one too many; see docs/scenario-format.md, "
                        "Limits)", VS_LOAD_MAX_ATTRS, name);
                return;
            }
            if (sc->n_attrs == cap) {
                cap = cap ? 2 * cap : 8;
                char **p = realloc(sc->attr_names, cap * sizeof *p);
                if (!p) {
                    out_of_memory(L);
                    return;
                }
                sc->attr_names = p;
            }
            char *copy = dup_str(L, name);
            if (!copy)
                return;
            sc->attr_names[sc->n_attrs++] = copy;
        }
    }
}

static void parse_attrs(loader *L, const config_setting_t *g, vs_centre *c)
{
    for (int j = 0; j < config_setting_length(g); j++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)j);
        const char *name = config_setting_name(s);
        double v;
        if (reserved_attr(name)) {
            problem(L, s, "attribute name '%s' is reserved: the centre's own "
                    "'%s' is used under that name", name, name);
            continue;
        }
        if (!is_number(s)) {
            problem(L, s, "'%s' must be a number", name);
            continue;
        }
        int a = find_attr(L->sc, name);
        if (a >= 0 && c->attrs && number_of(L, s, name, &v) &&
            value_ok(L, s, name, vs_schema_find(VS_SCHEMA_ATTR, "attribute"), v))
            c->attrs[a] = v;
    }
}

static void parse_listed_by_age(loader *L, const members *m, vs_centre *c,
                                int listed_ok)
{
    const vs_scenario *sc = L->sc;
    const vs_key *spec;
    const config_setting_t *s = member(m, "listed_by_age", &spec);
    if (!s)
        return;
    size_t n = (size_t)config_setting_length(s);
    if (sc->n_age_bands == 0) {
        problem(L, s, "'listed_by_age' needs region.age_bands and "
                "region.age_weights");
        return;
    }
    if (n != sc->n_age_bands) {
        problem(L, s, "'listed_by_age' has %zu counts but region.age_bands "
                "has %zu bands", n, sc->n_age_bands);
        return;
    }
    double *v = alloc_array(L, n, sizeof *v);
    if (!v)
        return;
    int ok = 1;
    double sum = 0;
    for (size_t b = 0; b < n; b++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)b);
        char key[40];
        snprintf(key, sizeof key, "listed_by_age[%zu]", b);
        if (!number_of(L, e, key, &v[b]) || !value_ok(L, e, key, spec, v[b]))
            ok = 0;
        else
            sum += v[b];
    }
    /* Whole numbers below 2^53 add up exactly, so == is the right test. */
    if (ok && listed_ok && sum != c->listed) {
        problem(L, s, "'listed_by_age' sums to %.0f but 'listed' is %.0f", sum,
                c->listed);
        ok = 0;
    }
    if (ok)
        c->listed_by_age = v;
    else
        free(v);
}

static void parse_centre(loader *L, const config_setting_t *g, size_t i)
{
    vs_scenario *sc = L->sc;
    vs_centre *c = &sc->centres[i];
    members m;
    collect(L, g, vs_schema_table(VS_SCHEMA_CENTRE), "in centre", &m);

    const config_setting_t *s = member(&m, "id", NULL);
    const char *id = s ? string_of(L, s, "id") : NULL;
    if (id && id_ok(L, s, "centre", id)) {
        int dup = find_centre(L, id);
        if (dup >= 0) {
            problem(L, s, "duplicate centre id '%s' (first on line %d)", id,
                    sc->centres[dup].line);
        } else {
            c->id = dup_str(L, id);
            index_id(L, &L->centre_ix, c->id, i);
        }
    }
    c->name = take_name(L, &m, "name");
    int listed_ok = take_num(L, &m, "listed", &c->listed);
    if (take_num(L, &m, "cni", &c->cni))
        typed_text(L, member(&m, "cni", NULL), "cni", c->cni, c->cni_text,
                   sizeof c->cni_text);
    const config_setting_t *attrs = member(&m, "attrs", NULL);
    if (attrs)
        parse_attrs(L, attrs, c);
    parse_listed_by_age(L, &m, c, listed_ok);
    /* With age weights, a centre without its split would be weighted as if
     * every person had weight 1, whatever the weights' scale: all or none. */
    if (sc->n_age_bands > 0 && !member(&m, "listed_by_age", NULL))
        problem(L, g, "centre '%s' has no 'listed_by_age', but region.age_weights "
                      "is given: give every centre its listed_by_age",
                c->id ? c->id : "?");
}

static void parse_centres(loader *L, const config_setting_t *list)
{
    vs_scenario *sc = L->sc;
    size_t n = (size_t)config_setting_length(list);
    if (n == 0) {
        problem(L, list, "'centres' must not be empty");
        return;
    }
    sc->centres = alloc_array(L, n, sizeof *sc->centres);
    if (!sc->centres)
        return;
    sc->n_centres = n;
    collect_attr_names(L, list);
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        vs_centre *c = &sc->centres[i];
        c->line = line_of(g);
        c->attrs = alloc_array(L, sc->n_attrs, sizeof *c->attrs);
        if (c->attrs)
            for (size_t a = 0; a < sc->n_attrs; a++)
                c->attrs[a] = NAN; /* "not given", see scenario.h */
        if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
            problem(L, g, "'centres[%zu]' must be %s", i, vs_schema_kind_text(VS_K_GROUP));
            continue;
        }
        parse_centre(L, g, i);
    }
}

/* ------------------------------------------------------------------ */
/* uncertainty = { cni = { ... }; listed = { ... }; ATTR = { ... }; }   */

static void parse_noise(loader *L, const config_setting_t *s, vs_noise *z)
{
    const char *key = config_setting_name(s);
    int target;
    if (strcmp(key, "cni") == 0)
        target = VS_ATTR_CNI;
    else if (strcmp(key, "listed") == 0)
        target = VS_ATTR_LISTED;
    else if (find_attr(L->sc, key) >= 0)
        target = attr_ref(L, s, key, "in uncertainty");
    else {
        hint h;
        hint_start(&h, key);
        hint_consider(&h, "cni");
        hint_consider(&h, "listed");
        for (size_t a = 0; a < L->sc->n_attrs; a++)
            hint_consider(&h, L->sc->attr_names[a]);
        problem(L, s, "unknown key '%s' in uncertainty%s", key,
                hint_or(&h, " (expected cni, listed or an attribute name)"));
        return;
    }
    if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
        problem(L, s, "'%s' must be a group { dist = \"lognormal\"; sigma = "
                "...; } or { dist = \"normal\"; sd = ...; }", key);
        return;
    }
    const config_setting_t *ds = config_setting_get_member(s, "dist");
    if (!ds) {
        problem(L, s, "missing required key 'dist' in uncertainty.%s", key);
        return;
    }
    if (config_setting_type(ds) != CONFIG_TYPE_STRING) {
        problem(L, ds, "'dist' must be a string");
        return;
    }
    const char *dist = string_of(L, ds, "dist");
    if (!dist)
        return;
    vs_noise_kind kind;
    const vs_key *keys;
    if (strcmp(dist, "lognormal") == 0) {
        kind = VS_NOISE_LOGNORMAL;
        keys = vs_schema_table(VS_SCHEMA_NOISE_LOGNORMAL);
    } else if (strcmp(dist, "normal") == 0) {
        /* A relative sd is a share of the value: its own bound. */
        const config_setting_t *rel = config_setting_get_member(s, "relative");
        int relative = rel && config_setting_type(rel) == CONFIG_TYPE_BOOL &&
                       config_setting_get_bool(rel);
        kind = VS_NOISE_NORMAL;
        keys = vs_schema_table(relative ? VS_SCHEMA_NOISE_RELATIVE
                                        : VS_SCHEMA_NOISE_NORMAL);
    } else {
        problem(L, ds, "unknown distribution '%s' in uncertainty.%s "
                "(expected lognormal or normal)", dist, key);
        return;
    }
    char where[80];
    snprintf(where, sizeof where, "in uncertainty.%s", key);
    members m;
    collect(L, s, keys, where, &m);
    double scale;
    if (!take_num(L, &m, kind == VS_NOISE_LOGNORMAL ? "sigma" : "sd", &scale))
        return;
    const config_setting_t *rel = member(&m, "relative", NULL);
    if (target == VS_NONE)
        return;
    z->path = dup_printf(L, "uncertainty.%s", key);
    z->target = target;
    z->kind = kind;
    z->scale = scale;
    z->relative = rel ? config_setting_get_bool(rel) : 0;
    z->line = line_of(s);
}

static void parse_uncertainty(loader *L, const config_setting_t *g)
{
    vs_scenario *sc = L->sc;
    size_t n = (size_t)config_setting_length(g);
    sc->noise = alloc_array(L, n, sizeof *sc->noise);
    if (!sc->noise)
        return;
    for (size_t i = 0; i < n; i++) {
        vs_noise z = {0};
        parse_noise(L, config_setting_get_elem(g, (unsigned)i), &z);
        if (z.path)
            sc->noise[sc->n_noise++] = z;
    }
}

/* ------------------------------------------------------------------ */
/* Rules                                                                */

/* Exactly one of a and b ("pot" / "per_capita"); `required`: at least
 * one. */
static void one_of(loader *L, const members *m, const char *a, const char *b,
                   int required, const char *what)
{
    int ha = present(m, a), hb = present(m, b);
    if (ha && hb)
        problem(L, m->group, "%s takes '%s' or '%s', not both", what, a, b);
    else if (!ha && !hb && required)
        problem(L, m->group, "%s needs '%s' or '%s'", what, a, b);
}

/* The fixed value of param p, or NAN when p is a distribution or none. */
static double fixed_value(const vs_scenario *sc, int p)
{
    if (p < 0 || sc->params[p].dist.kind != VS_DIST_FIXED)
        return NAN;
    return sc->params[p].dist.p[0];
}

static void rule_capitation(loader *L, const members *m, vs_rule *r)
{
    one_of(L, m, "pot", "per_capita", 1, "capitation rule");
    r->base = take_value(L, m, "base", V_AUTO | V_LISTED | V_AGE,
                         "base '%s' in capitation rule", VS_ATTR_AUTO);
    check_weight_attr(L, member(m, "base", NULL), r->base);
}

/* The split member for cni_threshold rules: equal, listed, listed_cni or
 * listed_excess. */
static void rule_cni_threshold(loader *L, const members *m, vs_rule *r)
{
    const config_setting_t *s = member(m, "split", NULL);
    const char *name = s ? string_of(L, s, "split") : NULL;
    if (name) {
        int k = vs_split_from_name(name);
        if (k >= VS_SPLIT_EQUAL && k <= VS_SPLIT_LISTED_EXCESS) {
            r->split = (vs_split)k;
        } else {
            hint h;
            hint_start(&h, name);
            for (int j = VS_SPLIT_EQUAL; j <= VS_SPLIT_LISTED_EXCESS; j++)
                hint_consider(&h, vs_split_name((vs_split)j));
            problem(L, s, "unknown split '%s' in cni_threshold rule%s", name,
                    hint_or(&h, " (expected equal, listed, listed_cni or "
                            "listed_excess)"));
        }
    }
    double cap = fixed_value(L->sc, r->cap), fl = fixed_value(L->sc, r->floor);
    if (cap < fl) /* false when either is NAN */
        problem(L, member(m, "cap", NULL),
                "'cap' (%.15g) is below 'floor' (%.15g)", cap, fl);
}

static void rule_tiered(loader *L, const members *m, vs_rule *r,
                        const char *prefix)
{
    r->on = take_value(L, m, "on", V_CNI | V_LISTED, "value '%s' for 'on' in "
                       "tiered rule", VS_ATTR_CNI);
    const config_setting_t *list = member(m, "tiers", NULL);
    if (!list)
        return;
    size_t n = (size_t)config_setting_length(list);
    if (n == 0) {
        problem(L, list, "'tiers' must not be empty");
        return;
    }
    r->tiers = alloc_array(L, n, sizeof *r->tiers);
    if (!r->tiers)
        return;
    r->n_tiers = n;
    for (size_t t = 0; t < n; t++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)t);
        vs_tier *tier = &r->tiers[t];
        tier->above = tier->amount = tier->per_listed = VS_NONE;
        if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
            problem(L, g, "'tiers[%zu]' must be a group { above = ...; "
                    "amount = ...; }", t);
            continue;
        }
        char tier_prefix[200];
        snprintf(tier_prefix, sizeof tier_prefix, "%s.tiers[%zu]", prefix, t);
        members tm;
        collect(L, g, vs_schema_table(VS_SCHEMA_TIER), "in tier", &tm);
        take_fields(L, &tm, tier, tier_prefix);
        one_of(L, &tm, "amount", "per_listed", 1, "tier");
    }
}

static void rule_grant(loader *L, const members *m, vs_rule *r,
                       const char *prefix)
{
    /* A grant names its centres: a filter would only hide a typo. */
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "except" : "where";
        if (present(m, key))
            problem(L, member(m, key, NULL) ? member(m, key, NULL) : m->group,
                    "'%s' does not apply to a grant: it names its centres in "
                    "'to'", key);
    }
    const config_setting_t *to = member(m, "to", NULL);
    size_t n_amounts;
    int *amounts = take_param_list(L, m, "amounts", prefix, &n_amounts);
    size_t n = to ? centre_list(L, to, "to", &r->grant_centre) : 0;
    if (!n) {
        free(amounts);
        return;
    }
    r->grant_amount = amounts;
    if (amounts && n_amounts != n) {
        problem(L, member(m, "amounts", NULL),
                "'to' has %zu centres but 'amounts' has %zu amounts", n,
                n_amounts);
        return;
    }
    if (amounts)
        r->n_grants = n;
}

/* Attributes used as apportionment weights (or as `use`: "a need base",
 * "a unit") must not be negative. */
static void check_nonneg_attr(loader *L, const config_setting_t *s, int ref,
                              const char *use)
{
    const vs_scenario *sc = L->sc;
    if (ref < 0)
        return; /* listed, cni and age are never negative */
    for (size_t i = 0; i < sc->n_centres; i++)
        if (sc->centres[i].attrs && sc->centres[i].attrs[ref] < 0) {
            problem(L, s, "attribute '%s' is negative on centre '%s' but is "
                    "used as %s", sc->attr_names[ref], centre_label(sc, i), use);
            return;
        }
}

static void check_weight_attr(loader *L, const config_setting_t *s, int ref)
{
    check_nonneg_attr(L, s, ref, "a split weight");
}

static void rule_targeted(loader *L, const members *m, vs_rule *r)
{
    long long top;
    if (take_int(L, m, "top", &top))
        r->top = (long)top;
    one_of(L, m, "top", "top_share", 1, "targeted rule");

    const config_setting_t *score = member(m, "score", NULL);
    if (score) {
        size_t n = (size_t)config_setting_length(score);
        if (n == 0)
            problem(L, score, "'score' must not be empty");
        /* A product of more bounded values could pass a double's range. */
        if (n > VS_SCORE_MAX) {
            problem(L, score, "'score' multiplies at most %d names, got %zu",
                    VS_SCORE_MAX, n);
            n = 0;
        }
        r->score = n ? alloc_array(L, n, sizeof *r->score) : NULL;
        for (size_t i = 0; r->score && i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(score, (unsigned)i);
            r->score[i] = VS_NONE;
            if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                problem(L, e, "'score[%zu]' must be a string", i);
                continue;
            }
            char key[40];
            snprintf(key, sizeof key, "score[%zu]", i);
            const char *name = string_of(L, e, key);
            if (name)
                r->score[i] = attr_ref(L, e, name, "in 'score'");
        }
        if (r->score)
            r->n_score = n;
    }

    const config_setting_t *s = member(m, "split", NULL);
    const char *name = s ? string_of(L, s, "split") : NULL;
    if (name) {
        if (strcmp(name, "score") == 0)
            r->split = VS_SPLIT_SCORE;
        else if (strcmp(name, "equal") == 0)
            r->split = VS_SPLIT_EQUAL;
        else {
            r->split = VS_SPLIT_ATTR;
            r->split_attr = attr_ref(L, s, name, "in 'split' (expected score, "
                                     "equal, listed, cni or an attribute)");
            check_weight_attr(L, s, r->split_attr);
        }
    }
    if (r->split == VS_SPLIT_SCORE)
        for (size_t i = 0; i < r->n_score; i++)
            check_weight_attr(L, s ? s : score, r->score[i]);
}

static void rule_cut(loader *L, const members *m, vs_rule *r)
{
    one_of(L, m, "amount", "deficit_share", 1, "cut rule");
    if (present(m, "deficit_share") && L->sc->deficit == VS_NONE)
        problem(L, member(m, "deficit_share", NULL),
                "'deficit_share' needs region.deficit");
    const config_setting_t *s = member(m, "method", NULL);
    const char *name = s ? string_of(L, s, "method") : NULL;
    int method_known = s == NULL; /* the default is known */
    if (name) {
        int k = vs_cut_method_from_name(name);
        if (k >= 0) {
            r->method = (vs_cut_method)k;
            method_known = 1;
        } else {
            hint h;
            hint_start(&h, name);
            for (int j = VS_CUT_PROPORTIONAL; j <= VS_CUT_NEED_PROTECTED; j++)
                hint_consider(&h, vs_cut_method_name((vs_cut_method)j));
            problem(L, s, "unknown method '%s' in cut rule%s", name,
                    hint_or(&h, " (expected proportional, per_capita or "
                            "need_protected)"));
        }
    }
    if (present(m, "alpha") && method_known &&
        r->method != VS_CUT_NEED_PROTECTED)
        problem(L, member(m, "alpha", NULL), "'alpha' applies only to method "
                "need_protected%s", s ? "" : " (the default is proportional)");
}

static void rule_limit(loader *L, const members *m, vs_rule *r, size_t self)
{
    if (!present(m, "max_loss") && !present(m, "max_gain"))
        problem(L, m->group, "limit rule needs 'max_loss' or 'max_gain' (or "
                "both)");
    const config_setting_t *s = member(m, "relative_to", NULL);
    if (!s)
        return;
    const char *id = string_of(L, s, "relative_to");
    if (!id)
        return;
    int v = find_variant(L, id);
    if (v < 0) {
        hint h;
        problem(L, s, "unknown variant '%s' in 'relative_to'%s", id,
                variant_hint(L, id, &h));
    } else if ((size_t)v == self) {
        problem(L, s, "limit rule is relative to its own variant '%s'", id);
    } else {
        r->relative_to = v;
    }
}

static void rule_per_unit(loader *L, const members *m, vs_rule *r)
{
    r->unit = take_value(L, m, "unit", V_CENTRE | V_LISTED | V_AGE | V_CNI,
                         "unit '%s' in per_unit rule", VS_NONE);
    check_nonneg_attr(L, member(m, "unit", NULL), r->unit, "a unit");
}

/* One rule of variant `v`: type first (it decides the allowed keys). */
static void parse_rule(loader *L, size_t v, const config_setting_t *g,
                       size_t index)
{
    vs_variant *var = &L->sc->variants[v];
    vs_rule *r = &var->rules[index];
    vs_rule_init(r, VS_RULE_CAPITATION);
    r->line = line_of(g);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        problem(L, g, "'rules[%zu]' must be a group { type = ...; ... }",
                index);
        return;
    }
    const config_setting_t *ts = config_setting_get_member(g, "type");
    if (!ts) {
        problem(L, g, "missing required key 'type' in rule");
        return;
    }
    if (config_setting_type(ts) != CONFIG_TYPE_STRING) {
        problem(L, ts, "'type' must be a string");
        return;
    }
    const char *tname = string_of(L, ts, "type");
    if (!tname)
        return;
    int t = vs_rule_type_from_name(tname);
    if (t < 0) {
        hint h;
        hint_start(&h, tname);
        char types[200] = " (the types are ";
        for (int j = 0; j < VS_RULE_COUNT; j++) {
            const char *tn = vs_rule_type_name((vs_rule_type)j);
            hint_consider(&h, tn);
            size_t u = strlen(types);
            snprintf(types + u, sizeof types - u, "%s%s", tn,
                     j + 1 < VS_RULE_COUNT ? ", " : ")");
        }
        problem(L, ts, "unknown rule type '%s'%s", tname, hint_or(&h, types));
        return;
    }
    vs_rule_init(r, (vs_rule_type)t);
    r->line = line_of(g);

    char where[48];
    snprintf(where, sizeof where, "in %s rule", tname);
    members m;
    collect(L, g, vs_schema_table(t), where, &m);

    /* id: default the type name; unique within the variant so that the
     * paths VARIANT.RULE.KEY name one rule. */
    const config_setting_t *is = member(&m, "id", NULL);
    const char *id = is ? string_of(L, is, "id") : tname;
    if (id && (!is || id_ok(L, is, "rule", id))) {
        for (size_t j = 0; j < index; j++)
            if (var->rules[j].id && strcmp(var->rules[j].id, id) == 0) {
                problem(L, is ? is : ts, "duplicate rule id '%s' in variant "
                        "'%s': give each rule its own 'id'", id,
                        var->id ? var->id : "?");
                id = NULL;
                break;
            }
        if (id)
            r->id = dup_str(L, id);
    }

    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s.%s", var->id ? var->id : "?",
             r->id ? r->id : tname);
    take_fields(L, &m, r, prefix);
    if ((vs_rule_type)t != VS_RULE_GRANT)
        parse_filter(L, &m, r, prefix);
    switch ((vs_rule_type)t) {
    case VS_RULE_CAPITATION: rule_capitation(L, &m, r); break;
    case VS_RULE_CNI_THRESHOLD: rule_cni_threshold(L, &m, r); break;
    case VS_RULE_TIERED: rule_tiered(L, &m, r, prefix); break;
    case VS_RULE_GRANT: rule_grant(L, &m, r, prefix); break;
    case VS_RULE_TARGETED: rule_targeted(L, &m, r); break;
    case VS_RULE_CUT: rule_cut(L, &m, r); break;
    case VS_RULE_LIMIT: rule_limit(L, &m, r, v); break;
    case VS_RULE_PER_UNIT: rule_per_unit(L, &m, r); break;
    case VS_RULE_COUNT: break;
    }
}

/* ------------------------------------------------------------------ */
/* variants = ( { ... }, ... )                                          */

/* Ids first, so that `extends` and `relative_to` may name a variant that
 * comes later in the file. */
static void variant_ids(loader *L, const config_setting_t *list)
{
    vs_scenario *sc = L->sc;
    for (size_t v = 0; v < sc->n_variants; v++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)v);
        const config_setting_t *s = config_setting_type(g) == CONFIG_TYPE_GROUP
                                        ? config_setting_get_member(g, "id")
                                        : NULL;
        if (!s || config_setting_type(s) != CONFIG_TYPE_STRING)
            continue; /* reported by collect() in parse_variant */
        const char *id = string_of(L, s, "id");
        if (!id || !id_ok(L, s, "variant", id))
            continue;
        /* "region.deficit", "uncertainty.cni.sigma" and "plan.growth"
         * are paths too. */
        if (strcmp(id, "region") == 0 || strcmp(id, "uncertainty") == 0 ||
            strcmp(id, "plan") == 0) {
            problem(L, s, "variant id '%s' is reserved: it starts parameter "
                    "paths such as %s", id, id[0] == 'r' ? "region.deficit"
                                            : id[0] == 'u' ? "uncertainty.cni"
                                                           : "plan.growth");
            continue;
        }
        int dup = find_variant(L, id);
        if (dup >= 0) {
            problem(L, s, "duplicate variant id '%s' (first on line %d)", id,
                    sc->variants[dup].line);
            continue;
        }
        sc->variants[v].id = dup_str(L, id);
        index_id(L, &L->variant_ix, sc->variants[v].id, v);
    }
}

static void parse_variant(loader *L, const config_setting_t *g, size_t v)
{
    vs_scenario *sc = L->sc;
    vs_variant *var = &sc->variants[v];
    members m;
    collect(L, g, vs_schema_table(VS_SCHEMA_VARIANT), "in variant", &m);
    var->name = take_name(L, &m, "name");

    const config_setting_t *s = member(&m, "extends", NULL);
    const char *id = s ? string_of(L, s, "extends") : NULL;
    if (id) {
        int e = find_variant(L, id);
        L->extends_line[v] = line_of(s);
        if (e < 0) {
            hint h;
            problem(L, s, "unknown variant '%s' in 'extends'%s", id,
                    variant_hint(L, id, &h));
        } else if ((size_t)e == v) {
            problem(L, s, "variant '%s' extends itself", id);
        } else {
            var->extends = e;
        }
    }

    const config_setting_t *rules = member(&m, "rules", NULL);
    size_t n = rules ? (size_t)config_setting_length(rules) : 0;
    if (n == 0)
        return;
    var->rules = alloc_array(L, n, sizeof *var->rules);
    if (!var->rules)
        return;
    var->n_rules = n;
    for (size_t r = 0; r < n; r++)
        vs_rule_init(&var->rules[r], VS_RULE_CAPITATION);
    for (size_t r = 0; r < n; r++)
        parse_rule(L, v, config_setting_get_elem(rules, (unsigned)r), r);
}

static void parse_variants(loader *L, const config_setting_t *list)
{
    vs_scenario *sc = L->sc;
    size_t n = (size_t)config_setting_length(list);
    if (n == 0) {
        problem(L, list, "'variants' must not be empty");
        return;
    }
    sc->variants = alloc_array(L, n, sizeof *sc->variants);
    L->extends_line = alloc_array(L, n, sizeof *L->extends_line);
    if (!sc->variants || !L->extends_line)
        return;
    sc->n_variants = n;
    for (size_t v = 0; v < n; v++) {
        sc->variants[v].extends = VS_NONE;
        sc->variants[v].line =
            line_of(config_setting_get_elem(list, (unsigned)v));
    }
    variant_ids(L, list);
    for (size_t v = 0; v < n; v++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)v);
        if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
            problem(L, g, "'variants[%zu]' must be %s", v, vs_schema_kind_text(VS_K_GROUP));
            continue;
        }
        parse_variant(L, g, v);
    }
}

/* ------------------------------------------------------------------ */
/* plan = { ... }                                                       */

/* The variant named by string member `key` of the plan, or VS_NONE
 * (reported). */
static int plan_variant(loader *L, const members *m, const char *key)
{
    const config_setting_t *s = member(m, key, NULL);
    const char *id = s ? string_of(L, s, key) : NULL;
    if (!id)
        return VS_NONE;
    int v = find_variant(L, id);
    if (v < 0) {
        hint h;
        problem(L, s, "unknown variant '%s' in plan '%s'%s", id, key,
                variant_hint(L, id, &h));
    }
    return v;
}

/* growth: one value for every year (param "plan.growth"), or a list of
 * exactly `years` values, each its own param "plan.growth.T". */
static void plan_growth(loader *L, const members *m, vs_plan *p)
{
    const vs_key *spec;
    const config_setting_t *s = member(m, "growth", &spec);
    if (!s)
        return;
    if (!is_list_or_array(s)) {
        p->growth = param_from(L, s, "plan", "growth", spec);
        return;
    }
    size_t n = (size_t)config_setting_length(s);
    if (p->years > 0 && n != (size_t)p->years) {
        problem(L, s, "plan 'growth' has %zu values but 'years' is %ld: give "
                "one value per year, or one number for every year", n,
                p->years);
        return;
    }
    if (n == 0 || !(p->growth_list = alloc_array(L, n, sizeof *p->growth_list)))
        return;
    for (size_t t = 0; t < n; t++) {
        char key[40];
        snprintf(key, sizeof key, "growth.%zu", t + 1);
        p->growth_list[t] = param_from(
            L, config_setting_get_elem(s, (unsigned)t), "plan", key, spec);
    }
}

static void parse_plan(loader *L, const config_setting_t *g)
{
    vs_plan *p = alloc_array(L, 1, sizeof *p);
    if (!p)
        return;
    L->sc->plan = p;
    p->line = line_of(g);
    p->from = p->target = p->growth = VS_NONE;
    p->max_growth = INFINITY;
    p->tolerance = 0.01;
    members m;
    collect(L, g, vs_schema_table(VS_SCHEMA_PLAN), "in plan", &m);
    long long v;
    if (take_int(L, &m, "first_year", &v))
        p->first_year = (long)v;
    if (take_int(L, &m, "years", &v))
        p->years = (long)v;
    p->from = plan_variant(L, &m, "from");
    p->target = plan_variant(L, &m, "target");
    plan_growth(L, &m, p);
    take_num(L, &m, "min_growth", &p->min_growth);
    take_num(L, &m, "max_growth", &p->max_growth);
    if (p->min_growth > p->max_growth)
        problem(L, member(&m, "max_growth", NULL),
                "plan 'min_growth' (%g) is above 'max_growth' (%g): every "
                "centre's floor would lie above its cap", p->min_growth,
                p->max_growth);
    take_num(L, &m, "tolerance", &p->tolerance);
}

/* ------------------------------------------------------------------ */
/* Cross-references                                                     */

static void resolve_baseline(loader *L)
{
    vs_scenario *sc = L->sc;
    sc->baseline = 0; /* default: the first variant */
    const config_setting_t *s = L->baseline;
    if (!s || sc->n_variants == 0)
        return;
    const char *id = string_of(L, s, "baseline");
    if (!id)
        return;
    int v = find_variant(L, id);
    if (v < 0) {
        hint h;
        problem(L, s, "unknown baseline variant '%s'%s", id,
                variant_hint(L, id, &h));
        return;
    }
    sc->baseline = v;
}

/* Dependency number k of variant v (extends first, then each limit's
 * relative_to); returns the variant and sets *line and *is_limit, or
 * returns -1 when v has fewer than k + 1 dependencies. */
static int dependency(const loader *L, size_t v, size_t k, int *line,
                      int *is_limit)
{
    const vs_variant *var = &L->sc->variants[v];
    if (var->extends >= 0) {
        if (k == 0) {
            *line = L->extends_line[v];
            *is_limit = 0;
            return var->extends;
        }
        k--;
    }
    for (size_t r = 0; r < var->n_rules; r++) {
        const vs_rule *rule = &var->rules[r];
        if (rule->type != VS_RULE_LIMIT || rule->relative_to < 0)
            continue;
        if (k == 0) {
            *line = rule->line;
            *is_limit = 1;
            return rule->relative_to;
        }
        k--;
    }
    return -1;
}

/* Report the cycle reached from `start` among the variants not yet
 * ordered (each of which still waits for another one of them). */
static void report_cycle(loader *L, size_t start, const unsigned char *done,
                         unsigned char *reported)
{
    const vs_scenario *sc = L->sc;
    size_t n = sc->n_variants;
    int *pos = malloc(n * sizeof *pos); /* position on the walk, or -1 */
    size_t *walk = malloc((n + 1) * sizeof *walk);
    if (!pos || !walk) {
        free(pos);
        free(walk);
        out_of_memory(L);
        return;
    }
    for (size_t i = 0; i < n; i++)
        pos[i] = -1;
    size_t len = 0, v = start;
    int cycle = 0;
    while (!reported[v]) {
        if (pos[v] >= 0) {
            cycle = 1;
            break;
        }
        pos[v] = (int)len;
        walk[len++] = v;
        int line, is_limit, next = -1;
        for (size_t k = 0;; k++) {
            int d = dependency(L, v, k, &line, &is_limit);
            if (d < 0 || !done[d]) {
                next = d;
                break;
            }
        }
        if (next < 0)
            break; /* cannot happen: v would have been ordered */
        v = (size_t)next;
    }
    if (cycle) {
        /* walk[pos[v]..len) is the cycle; name each edge. */
        char msg[400] = "variant cycle:";
        size_t used = strlen(msg);
        int first_line = 0;
        for (size_t i = (size_t)pos[v]; i < len; i++) {
            size_t a = walk[i], b = i + 1 < len ? walk[i + 1] : v;
            int line = 0, is_limit = 0;
            for (size_t k = 0;; k++) {
                int d = dependency(L, a, k, &line, &is_limit);
                if (d < 0 || (size_t)d == b)
                    break;
            }
            if (i == (size_t)pos[v])
                first_line = line;
            int w = snprintf(msg + used, sizeof msg - used - 48, "%s '%s' %s '%s'",
                             i == (size_t)pos[v] ? "" : ",", sc->variants[a].id,
                             is_limit ? "has a limit relative to" : "extends",
                             sc->variants[b].id);
            if (w < 0 || (size_t)w >= sizeof msg - used - 48) {
                /* say that it was cut (48 bytes kept for this) */
                msg[used] = '\0';
                snprintf(msg + used, sizeof msg - used, ", ... (%zu variants "
                         "in the cycle)", len - (size_t)pos[v]);
                break;
            }
            used += (size_t)w;
        }
        L->problems++;
        vs_err_set(L->err, VS_EINPUT, L->file, first_line, "%s", msg);
    }
    for (size_t i = 0; i < len; i++)
        reported[walk[i]] = 1;
    free(pos);
    free(walk);
}

/* A binary min-heap of variant numbers: the ready variant first in the
 * file comes out first. */
static void heap_push(size_t *h, size_t *n, size_t v)
{
    size_t i = (*n)++;
    while (i > 0 && h[(i - 1) / 2] > v) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = v;
}

static size_t heap_pop(size_t *h, size_t *n)
{
    size_t top = h[0], last = h[--*n], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1] < h[c])
            c++;
        if (h[c] >= last)
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = last;
    return top;
}

/* sc->order: every variant after the one it extends and after the targets
 * of its limits (those of the variants it extends follow through the
 * extends chain).  Among the variants that are ready, the first in the
 * file goes first, so a file written in order keeps its order.  Kahn's
 * algorithm with the ready variants in a min-heap: O(E log n), where
 * taking the first ready variant by a scan from the top was O(n^2). */
static void order_variants(loader *L)
{
    vs_scenario *sc = L->sc;
    size_t n = sc->n_variants;
    if (n == 0)
        return;
    unsigned char *done = alloc_array(L, n, 1);
    unsigned char *reported = alloc_array(L, n, 1);
    size_t *waits = alloc_array(L, n, sizeof *waits);    /* edges not yet met */
    size_t *first = alloc_array(L, n + 1, sizeof *first); /* dependents of d: */
    size_t *heap = alloc_array(L, n, sizeof *heap);
    size_t *dep = NULL, n_edges = 0, n_heap = 0;
    sc->order = alloc_array(L, n, sizeof *sc->order);
    int line, is_limit, d;
    for (size_t v = 0; waits && first && v < n; v++)
        for (size_t k = 0; (d = dependency(L, v, k, &line, &is_limit)) >= 0; k++) {
            waits[v]++;
            first[d + 1]++;
            n_edges++;
        }
    if (done && reported && waits && first && heap && sc->order)
        dep = alloc_array(L, n_edges, sizeof *dep);
    if (!dep) {
        free(done), free(reported), free(waits), free(first), free(heap);
        return;
    }
    /* dep[first[d] .. first[d + 1]) lists the variants waiting on d */
    for (size_t v = 0; v < n; v++)
        first[v + 1] += first[v];
    for (size_t v = 0; v < n; v++) {
        for (size_t k = 0; (d = dependency(L, v, k, &line, &is_limit)) >= 0; k++)
            dep[first[d]++] = v;
    }
    for (size_t v = n; v > 0; v--) /* first[] moved up by one list: undo */
        first[v] = first[v - 1];
    first[0] = 0;
    for (size_t v = 0; v < n; v++)
        if (waits[v] == 0)
            heap_push(heap, &n_heap, v);
    size_t placed = 0;
    while (n_heap > 0) {
        size_t v = heap_pop(heap, &n_heap);
        done[v] = 1;
        sc->order[placed++] = v;
        for (size_t e = first[v]; e < first[v + 1]; e++)
            if (--waits[dep[e]] == 0)
                heap_push(heap, &n_heap, dep[e]);
    }
    /* The rest wait on each other: report each cycle once. */
    for (size_t v = 0; placed < n && v < n; v++) {
        if (done[v] || reported[v])
            continue;
        if (!listing(L)) {
            L->problems++;
            break;
        }
        report_cycle(L, v, done, reported);
    }
    free(done), free(reported), free(waits), free(first), free(heap), free(dep);
}

/* ------------------------------------------------------------------ */
/* The whole file                                                       */

/* Every size a file can ask for is bounded, with a message, before
 * anything is allocated for it (docs/scenario-format.md, Limits): the
 * centres, the variants, their product (the rows of centres.csv, the
 * columns of a Monte Carlo run), and any other list, array or group. */
static void check_sizes(loader *L, const config_setting_t *s, int depth,
                        char *path, size_t used, size_t cap)
{
    int t = config_setting_type(s);
    if (t != CONFIG_TYPE_GROUP && t != CONFIG_TYPE_LIST &&
        t != CONFIG_TYPE_ARRAY)
        return;
    size_t n = (size_t)config_setting_length(s);
    const char *name = depth == 1 ? config_setting_name(s) : NULL;
    size_t max = VS_LOAD_MAX_ITEMS;
    if (name && strcmp(name, "centres") == 0)
        max = VS_LOAD_MAX_CENTRES;
    else if (name && strcmp(name, "variants") == 0)
        max = VS_LOAD_MAX_VARIANTS;
    if (n > max) {
        problem(L, s, "'%s' has %zu entries; at most %zu are allowed (see "
                "docs/scenario-format.md, Limits)", used ? path : "the file",
                n, max);
        return;
    }
    if (t == CONFIG_TYPE_ARRAY)
        return; /* scalars only */
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *en = config_setting_name(e);
        int w = en ? snprintf(path + used, cap - used, "%s%s", used ? "." : "", en)
                   : snprintf(path + used, cap - used, "[%zu]", i);
        size_t u = w < 0 || (size_t)w >= cap - used ? used : used + (size_t)w;
        check_sizes(L, e, depth + 1, path, u, cap);
        path[used] = '\0';
    }
}

static void check_cells(loader *L, const config_setting_t *root)
{
    const config_setting_t *c = config_setting_get_member(root, "centres");
    const config_setting_t *v = config_setting_get_member(root, "variants");
    if (!c || !v)
        return;
    size_t nc = (size_t)config_setting_length(c);
    size_t nv = (size_t)config_setting_length(v);
    if (nc * nv > VS_LOAD_MAX_CELLS)
        problem(L, v, "%zu variants x %zu centres is %zu rows of centres.csv; "
                "at most %lu are allowed (see docs/scenario-format.md, Limits)",
                nv, nc, nc * nv, (unsigned long)VS_LOAD_MAX_CELLS);
}

static void walk(loader *L, const config_setting_t *root)
{
    members m;
    collect(L, root, vs_schema_table(VS_SCHEMA_TOP), "at top level", &m);
    const config_setting_t *s;
    /* Dependency order: centres need region.age_bands, uncertainty needs
     * the attribute names, rules need centres, attributes and the
     * deficit. */
    if ((s = member(&m, "scenario", NULL)))
        parse_scenario(L, s);
    if ((s = member(&m, "region", NULL)))
        parse_region(L, s);
    if ((s = member(&m, "centres", NULL)))
        parse_centres(L, s);
    if ((s = member(&m, "uncertainty", NULL)))
        parse_uncertainty(L, s);
    if (L->need)
        parse_need(L, L->need);
    if ((s = member(&m, "variants", NULL)))
        parse_variants(L, s);
    if ((s = member(&m, "plan", NULL)))
        parse_plan(L, s); /* names variants */
    resolve_baseline(L);
    order_variants(L);
}

/* ------------------------------------------------------------------ */
/* Help for a syntax error                                              */

/* Walks the text as libconfig's scanner would, far enough to tell where
 * strings and comments are: *in_str / *in_comment say what `p` is in. */
typedef struct text_walk {
    const char *p;
    int line;
    int in_str, in_line_comment, in_block_comment;
    int str_line; /* line of the open string's quote */
} text_walk;

/* Advance one byte; returns the byte stepped over (0 at the end). */
static char walk_step(text_walk *w)
{
    char c = *w->p;
    if (!c)
        return 0;
    char d = w->p[1];
    w->p++;
    if (w->in_str) {
        if (c == '\\' && d)
            w->p++; /* an escape: the next byte is part of it */
        else if (c == '"')
            w->in_str = 0;
    } else if (w->in_line_comment) {
        w->in_line_comment = c != '\n';
    } else if (w->in_block_comment) {
        if (c == '*' && d == '/') {
            w->in_block_comment = 0;
            w->p++;
        }
    } else if (c == '"') {
        w->in_str = 1;
        w->str_line = w->line;
    } else if (c == '#' || (c == '/' && d == '/')) {
        w->in_line_comment = 1;
    } else if (c == '/' && d == '*') {
        w->in_block_comment = 1;
        w->p++;
    }
    if (c == '\n')
        w->line++;
    return c;
}

/* A number written with a decimal comma on line `line` ("cni = 1,35;",
 * the likeliest Swedish mistake): its two parts into a and b. */
static int decimal_comma(const char *text, int line, char *num, size_t n)
{
    text_walk w = {text, 1, 0, 0, 0, 0};
    while (*w.p && w.line < line)
        walk_step(&w);
    /* key = DIGITS,DIGITS (a comma inside [ ] or ( ) separates items, so
     * only a value right after '=' or ':' counts) */
    while (*w.p && *w.p != '\n') {
        int code = !w.in_str && !w.in_line_comment && !w.in_block_comment;
        char c = walk_step(&w);
        if (!code || (c != '=' && c != ':'))
            continue;
        const char *q = w.p;
        while (*q == ' ' || *q == '\t')
            q++;
        const char *start = q;
        if (*q == '-')
            q++;
        size_t int_len = strspn(q, "0123456789");
        if (int_len == 0 || q[int_len] != ',')
            continue;
        size_t frac_len = strspn(q + int_len + 1, "0123456789");
        if (frac_len == 0)
            continue;
        snprintf(num, n, "%.*s.%.*s", (int)(q + int_len - start), start,
                 (int)frac_len, q + int_len + 1);
        return 1;
    }
    return 0;
}

/* The line of the first string that reaches the end of its line, or 0.
 * Strings hold no line breaks in a valid scenario (they are refused in
 * names), so this is a string left open: libconfig would report the line
 * where the next quote closes it, often many lines later, and leaks its
 * buffer on one that never closes.  Checked before libconfig parses. */
static int unterminated_string(const char *text)
{
    text_walk w = {text, 1, 0, 0, 0, 0};
    while (*w.p) {
        int was_str = w.in_str, open_line = w.str_line;
        char c = walk_step(&w);
        if (was_str && (c == '\n' || !*w.p) && w.in_str)
            return open_line;
    }
    return 0;
}

/* What an analyst can act on, for libconfig's bare "syntax error" or its
 * parser's "memory exhausted": a decimal comma, nesting too deep.  Writes the message and its line; returns 0
 * when there is nothing better to say than libconfig did. */
static int syntax_help(const char *text, int err_line, const char *why,
                       int *line, char *msg, size_t n)
{
    text_walk w = {text, 1, 0, 0, 0, 0};
    int depth = 0, max_depth = 0, deep_line = 0;
    while (*w.p) {
        int code = !w.in_str && !w.in_line_comment && !w.in_block_comment;
        char c = walk_step(&w);
        if (code && (c == '(' || c == '[' || c == '{')) {
            if (++depth > max_depth)
                max_depth = depth;
            if (depth == 100)
                deep_line = w.line;
        } else if (code && (c == ')' || c == ']' || c == '}')) {
            depth--;
        }
    }
    if (why && strstr(why, "memory exhausted")) {
        *line = deep_line ? deep_line : err_line;
        snprintf(msg, n, "groups and lists are nested %d levels deep (more "
                 "than libconfig can read); a scenario needs fewer than 10",
                 max_depth);
        return 1;
    }
    char num[64];
    for (int l = err_line; l >= err_line - 1 && l >= 1; l--)
        if (decimal_comma(text, l, num, sizeof num)) {
            *line = l;
            snprintf(msg, n, "syntax error: use a decimal point: %s (a comma "
                     "separates the items of a list)", num);
            return 1;
        }
    return 0;
}


/* Load from the `len` bytes at `text` (NUL-terminated at text[len]);
 * `name` stands for the file in messages. */
static int load_buffer(const char *text, size_t len, const char *name,
                     vs_scenario **out, vs_err *err)
{
    *out = NULL;
    /* A UTF-8 byte order mark (Windows editors write one) is not text:
     * libconfig would call it a syntax error.  Skipping it keeps line
     * numbers as they are (it sits on line 1). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (vs_load_check_text(text, len, name, err) > 0)
        return VS_EINPUT;

    int open_line = unterminated_string(text);
    if (open_line)
        return vs_err_set(err, VS_EINPUT, name, open_line, "unterminated "
                          "string: the '\"' on line %d has no closing '\"' on "
                          "its line", open_line);

    config_t cfg;
    config_init(&cfg);
    if (!config_read_string(&cfg, text)) {
        const char *why = config_error_text(&cfg);
        char help[300];
        int help_line;
        /* libconfig's text is often just "syntax error": no stutter. */
        if (syntax_help(text, config_error_line(&cfg), why, &help_line, help,
                        sizeof help))
            vs_err_set(err, VS_EINPUT, name, help_line, "%s", help);
        else if (!why || strcmp(why, "syntax error") == 0)
            vs_err_set(err, VS_EINPUT, name, config_error_line(&cfg),
                       "syntax error");
        else
            vs_err_set(err, VS_EINPUT, name, config_error_line(&cfg),
                       "syntax error: %s", why);
        config_destroy(&cfg);
        return VS_EINPUT;
    }

    loader L;
    memset(&L, 0, sizeof L);
    L.file = name;
    L.text = text;
    L.err = err;
    L.sc = calloc(1, sizeof *L.sc);
    if (!L.sc) {
        config_destroy(&cfg);
        return vs_err_set(err, VS_ENOMEM, name, 0, "out of memory");
    }
    vs_scenario *sc = L.sc;
    sc->seed = 1;
    sc->iterations = 10000;
    memcpy(sc->lang, "en", 3);
    sc->high_need_cni = 1.1;
    sc->deficit = VS_NONE;
    sc->need.base = VS_ATTR_LISTED;
    sc->need.cni_share = VS_NONE;
    sc->file = dup_str(&L, name);

    char path[256] = "";
    check_sizes(&L, config_root_setting(&cfg), 0, path, 0, sizeof path);
    if (!L.problems)
        check_cells(&L, config_root_setting(&cfg));
    if (!L.problems)
        walk(&L, config_root_setting(&cfg));

    /* Every string was copied out above: libconfig's die here. */
    config_destroy(&cfg);
    free(L.extends_line);
    free(L.line_start);
    vs_idmap_free(&L.centre_ix);
    vs_idmap_free(&L.variant_ix);
    if (L.problems > VS_LOAD_MAX_PROBLEMS)
        vs_err_set(err, VS_EINPUT, name, 0, "more problems not listed (only "
                   "the first %d are)", VS_LOAD_MAX_PROBLEMS);
    if (L.problems || L.oom) {
        vs_scenario_free(sc);
        return L.oom ? VS_ENOMEM : VS_EINPUT;
    }
    *out = sc;
    return VS_OK;
}

int vs_load_string(const char *text, const char *name, vs_scenario **out,
                   vs_err *err)
{
    return load_buffer(text, strlen(text), name ? name : "<string>", out, err);
}

int vs_load_file(const char *path, vs_scenario **out, vs_err *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    /* At most one byte past the limit is read: enough to know the file
     * is too big without reading all of a huge one. */
    int rc = vs_file_read(path, (size_t)VS_LOAD_MAX_BYTES, &buf, &len);
    if (rc == -2)
        return vs_err_set(err, VS_ENOMEM, path, 0, "out of memory");
    if (rc != 0)
        return vs_err_set(err, VS_EIO, NULL, 0, "cannot read %s: %s", path,
                          strerror(errno));
    int status;
    if (len > (size_t)VS_LOAD_MAX_BYTES) {
        struct stat st;
        long long size = stat(path, &st) == 0 && S_ISREG(st.st_mode)
                             ? (long long)st.st_size : -1;
        vs_load_check_size(size, path, err);
        status = VS_EINPUT;
    } else {
        status = load_buffer(buf, len, path, out, err);
    }
    free(buf);
    return status;
}
