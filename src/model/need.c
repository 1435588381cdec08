/* need.c: the need measure in words (see need.h). */
#include "need.h"

#include <stdio.h>
#include <string.h>

/* %g with the language's decimal mark. */
static void number(double v, int sv, char *buf, size_t n)
{
    snprintf(buf, n, "%g", v);
    for (char *p = buf; sv && *p; p++)
        if (*p == '.')
            *p = ',';
}

char *vs_need_describe(const vs_scenario *sc, const char *lang, char *buf,
                       size_t n)
{
    int sv = lang && strcmp(lang, "sv") == 0;
    const vs_need *nd = &sc->need;
    const char *base;
    if (nd->base == VS_ATTR_AGE)
        base = sv ? "åldersviktade listade" : "age-weighted listed";
    else if (nd->base == VS_ATTR_LISTED)
        base = sv ? "listade" : "listed";
    else
        base = vs_scenario_value_name(sc, nd->base);
    double s = nd->cni_share >= 0 ? vs_dist_point(&sc->params[nd->cni_share].dist)
                                  : 1.0;
    const char *head = sv ? "behov" : "need";
    if (s == 1.0) {
        snprintf(buf, n, "%s = %s × CNI", head, base);
    } else if (s == 0.0) {
        snprintf(buf, n, "%s = %s", head, base);
    } else {
        char a[32], b[32];
        number(1.0 - s, sv, a, sizeof a);
        number(s, sv, b, sizeof b);
        snprintf(buf, n, "%s = %s × (%s + %s × CNI)", head, base, a, b);
    }
    return buf;
}
