/* describe.h: a scenario's rules and numbers in plain words, Swedish or
 * English, for the committee report (and any other output that must say
 * what a variant does without the scenario file beside it). */
#ifndef VS_OUT_DESCRIBE_H
#define VS_OUT_DESCRIBE_H

#include <stdio.h>

#include "vardsim/scenario.h"

/* Is the scenario's language Swedish? */
int vs_describe_swedish(const vs_scenario *sc);

/* Numbers are written as the charts write them, vs_gp_format_number
 * (out/gp.h): one format per language for the report, the charts and
 * the warning marks ("1 234,5" and "1,234.5", a minus sign U+2212).
 *
 * An amount in SEK in words a committee reads: "2 MSEK", "1,5 MSEK",
 * "250 000 kr" (kr and MSEK in both languages: what Swedish public
 * bodies print, and what warnings.txt says). */
void vs_describe_sek(double sek, int swedish, char *buf, size_t n);

/* A param's value: the number (formatted by `kind`: 's' SEK, 'p' a share
 * shown as per cent, 'n' a plain number), or for a distribution its
 * point and range ("2 MSEK (osäkert: triangulär, 1,5 MSEK till 2,5 MSEK)"). */
void vs_describe_param(const vs_scenario *sc, int param, char kind,
                       char *buf, size_t n);

/* Write rule r of variant v as one sentence, escaped for HTML by `put`
 * (which receives plain UTF-8 text pieces). */
void vs_describe_rule(const vs_scenario *sc, size_t v, size_t r,
                      void (*put)(void *ctx, const char *text), void *ctx);

#endif
