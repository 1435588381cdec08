/* money.h: exact money in integer öre.
 *
 * Every amount inside vardsim is an int64_t number of öre (1 SEK = 100
 * öre).  A SEK amount becomes öre once, where it enters (rounded to the
 * nearest öre, halves away from zero); everything after that is integer
 * arithmetic.  The engine apportions by the largest remainder method, so
 * the parts always sum to the whole, to the öre. */
#ifndef VARDSIM_MONEY_H
#define VARDSIM_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "vardsim/error.h"

typedef int64_t vs_ore;

/* Largest SEK amount accepted anywhere: keeps every sum of a few thousand
 * amounts far from int64 overflow (9.2e18 öre). 1e15 SEK = 1e17 öre. */
#define VS_MONEY_MAX_SEK 1e15

/* Convert SEK to öre, rounding halves away from zero.  Returns VS_OK, or
 * VS_ERUN when `sek` is not finite or its magnitude exceeds
 * VS_MONEY_MAX_SEK (out untouched). */
int vs_money_from_sek(double sek, vs_ore *out);

/* Same for a value already in öre (a derived amount): round once. */
int vs_money_from_ore_double(double ore, vs_ore *out);

/* Format `v` as SEK with two decimals ("-1234.50"), with `decimal` as the
 * decimal mark ('.' or ',').  No thousands separator.  `buf` must hold at
 * least 32 bytes.  Returns buf. */
char *vs_money_format(vs_ore v, char decimal, char *buf, size_t n);

/* Round a double amount of öre (a mean, say) to whole öre, halves away
 * from zero, and format it like vs_money_format.  NaN gives "". */
char *vs_money_format_double(double ore, char decimal, char *buf, size_t n);

#endif
