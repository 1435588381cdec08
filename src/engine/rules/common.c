/* common.c: helpers shared by the rule functions (see common.h). */
#include "common.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/vecmath.h"

int vs_rule_fail(const vs_rule_ctx *ctx, const vs_rule *r, vs_err *err,
                 const char *fmt, ...)
{
    const vs_scenario *sc = ctx->sc;
    const char *var = ctx->variant < sc->n_variants
                          ? sc->variants[ctx->variant].id : "?";
    const char *rule = r->id ? r->id : vs_rule_type_name(r->type);
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vs_err_set(err, VS_ERUN, sc->file, r->line, "variant %s, rule %s: %s",
                      var, rule, msg);
}

static const char *param_name(const vs_scenario *sc, int param)
{
    return param >= 0 && (size_t)param < sc->n_params && sc->params[param].path
               ? sc->params[param].path : "a value";
}

int vs_rule_money_of(const vs_rule_ctx *ctx, const vs_rule *r, double sek,
                     const char *what, vs_ore *out, vs_err *err)
{
    /* A draw can leave the range the loader checked (a normal without a
     * lower bound can go negative): stop rather than book negative money. */
    if (!(sek >= 0))
        return vs_rule_fail(ctx, r, err, "%s is %g SEK; money cannot be negative",
                            what, sek);
    if (vs_money_from_sek(sek, out) != VS_OK)
        return vs_rule_fail(ctx, r, err, "%s is %g SEK, beyond %g SEK", what,
                            sek, VS_MONEY_MAX_SEK);
    return VS_OK;
}

int vs_rule_money(const vs_rule_ctx *ctx, const vs_rule *r, int param,
                  vs_ore *out, vs_err *err)
{
    if (param < 0)
        return vs_rule_fail(ctx, r, err, "a required amount is missing");
    return vs_rule_money_of(ctx, r, ctx->in->vals[param],
                            param_name(ctx->sc, param), out, err);
}

int vs_rule_number(const vs_rule_ctx *ctx, const vs_rule *r, int param,
                   double def, double min, double max, double *out,
                   vs_err *err)
{
    if (param < 0) {
        *out = def;
        return VS_OK;
    }
    double v = ctx->in->vals[param];
    if (!(v >= min && v <= max))
        return vs_rule_fail(ctx, r, err, "%s is %g, outside [%g, %g]",
                            param_name(ctx->sc, param), v, min, max);
    *out = v;
    return VS_OK;
}

int vs_rule_book(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *field,
                 vs_ore add, vs_err *err)
{
    if (vs_money_add(*field, add, field) != VS_OK)
        return vs_rule_fail(ctx, r, err, "the variant's books overflow");
    return VS_OK;
}

/* alloc[i] += part[i] in uint64 four centres at a time, noting the bits
 * used, as the loop in vs_rule_add; returns how many it did. */
VS_SIMD_CLONES
static size_t add4(vs_ore *alloc, const vs_ore *part, size_t n, uint64_t *used_io)
{
    typedef uint64_t v4u __attribute__((vector_size(32)));
    v4u used = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4u a, p;
        memcpy(&a, alloc + i, sizeof a);
        memcpy(&p, part + i, sizeof p);
        used |= a | p;
        a += p;
        memcpy(alloc + i, &a, sizeof a);
    }
    *used_io |= used[0] | used[1] | used[2] | used[3];
    return i;
}

int vs_rule_add(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                const vs_ore *part, vs_err *err)
{
    /* Every rule adds its part this way in every iteration, and the
     * amounts are nowhere near int64's limit: add without a test per
     * centre (in uint64, where wrapping is defined), noting every bit
     * used.  Two values below 2^62 cannot overflow; otherwise (a huge
     * or negative amount) undo the adds and go again, testing each. */
    size_t n = ctx->sc->n_centres;
    uint64_t used = 0;
    for (size_t i = add4(alloc, part, n, &used); i < n; i++) {
        uint64_t a = (uint64_t)alloc[i], p = (uint64_t)part[i];
        used |= a | p;
        alloc[i] = (vs_ore)(a + p);
    }
    if (used >> 62 == 0)
        return VS_OK;
    for (size_t i = 0; i < n; i++)
        alloc[i] = (vs_ore)((uint64_t)alloc[i] - (uint64_t)part[i]);
    for (size_t i = 0; i < n; i++)
        if (vs_money_add(alloc[i], part[i], &alloc[i]) != VS_OK)
            return vs_rule_fail(ctx, r, err, "the allocation of centre %s overflows",
                                ctx->sc->centres[i].id);
    return VS_OK;
}

int vs_rule_add_packed(const vs_rule_ctx *ctx, const vs_rule *r, vs_ore *alloc,
                       const vs_ore *part, const size_t *idx, size_t c,
                       vs_err *err)
{
    /* As vs_rule_add: unchecked while every value is below 2^62, else
     * undone and done again with a test each. */
    uint64_t used = 0;
    for (size_t j = 0; j < c; j++) {
        uint64_t a = (uint64_t)alloc[idx[j]], p = (uint64_t)part[j];
        used |= a | p;
        alloc[idx[j]] = (vs_ore)(a + p);
    }
    if (used >> 62 == 0)
        return VS_OK;
    for (size_t j = 0; j < c; j++)
        alloc[idx[j]] = (vs_ore)((uint64_t)alloc[idx[j]] - (uint64_t)part[j]);
    for (size_t j = 0; j < c; j++)
        if (vs_money_add(alloc[idx[j]], part[j], &alloc[idx[j]]) != VS_OK)
            return vs_rule_fail(ctx, r, err, "the allocation of centre %s overflows",
                                ctx->sc->centres[idx[j]].id);
    return VS_OK;
}

int vs_rule_check_weights(const vs_rule_ctx *ctx, const vs_rule *r,
                          const double *w, vs_err *err)
{
    size_t n = ctx->sc->n_centres;
    for (size_t i = 0; i < n; i++)
        if (!(w[i] >= 0) || !isfinite(w[i]))
            return vs_rule_fail(ctx, r, err,
                                "centre %s has weight %g; weights must be finite and >= 0",
                                ctx->sc->centres[i].id, w[i]);
    return VS_OK;
}

size_t vs_rule_eligible(const vs_rule_ctx *ctx, const vs_rule *r,
                        unsigned char *ok)
{
    const vs_scenario *sc = ctx->sc;
    const vs_draw *in = ctx->in;
    const double *vals = in->vals;
    size_t n = sc->n_centres;
    memset(ok, 1, n);
    for (size_t e = 0; e < r->n_except; e++)
        ok[r->except[e]] = 0;
    for (size_t q = 0; q < r->n_where; q++) {
        const vs_cond *c = &r->where[q];
        /* Absent bounds hold for every value: -inf <= x <= inf. */
        double min = c->min != VS_NONE ? vals[c->min] : -INFINITY;
        double max = c->max != VS_NONE ? vals[c->max] : INFINITY;
        double above = c->above != VS_NONE ? vals[c->above] : -INFINITY;
        double below = c->below != VS_NONE ? vals[c->below] : INFINITY;
        for (size_t i = 0; i < n; i++) {
            double x = vs_draw_value(sc, in, i, c->ref);
            int hold = x >= min && x <= max &&
                       (c->above == VS_NONE || x > above) &&
                       (c->below == VS_NONE || x < below);
            ok[i] &= (unsigned char)hold;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ok[i];
    return k;
}
