/* load_text.h: checks on a scenario's raw bytes, before libconfig sees
 * them (private to the loader: load.c and load_text.c). */
#ifndef VARDSIM_LOAD_TEXT_H
#define VARDSIM_LOAD_TEXT_H

#include <stddef.h>

#include "vardsim/error.h"

/* Check the raw text of a scenario (`len` bytes, NULs included) for what
 * libconfig 1.5 would misread or silently change: size above
 * VS_LOAD_MAX_BYTES, a UTF-16 byte order mark, NUL bytes, invalid UTF-8
 * (naming the Windows-1252 character the byte would be),
 * control characters other than tab, LF and CR, integer literals that
 * would wrap (above 32 bits without L, or above 64 bits), decimal
 * integers with a leading zero, `\x00` escapes (dropped by libconfig)
 * and `@include`.  Each problem is recorded in `err` as VS_EINPUT with
 * `name` and its line.  A UTF-8 byte order mark is allowed (the caller
 * skips it before libconfig).  Returns the number of problems recorded
 * (0: the text may be given to libconfig). */
int vs_load_check_text(const char *buf, size_t len, const char *name,
                       vs_err *err);

/* Refuse a file of `bytes` bytes when it is larger than VS_LOAD_MAX_BYTES
 * (`bytes` < 0: larger, size unknown, as for a pipe).  Returns 1 when the
 * problem was recorded in `err`, 0 when the size is fine. */
int vs_load_check_size(long long bytes, const char *name, vs_err *err);

/* Length of the valid UTF-8 sequence starting at p (at most n bytes
 * available): 1..4, or 0 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and code points above U+10FFFF are invalid). */
size_t vs_load_utf8_len(const unsigned char *p, size_t n);

/* The message for a byte that is not UTF-8: "byte 0xE4 is 'ä' in
 * Windows-1252: save the file as UTF-8" (Swedish files that are not UTF-8
 * are nearly always Windows-1252), or plain "invalid UTF-8 (byte 0x81):
 * ..." for bytes Windows-1252 leaves undefined. */
void vs_load_encoding_hint(unsigned char byte, char *buf, size_t n);

/* The shortest "%.*g" text that reads back as v: "1.32", not
 * "1.3200000000000001" (centres.csv's cni, import's numbers). */
void vs_load_shortest(double v, char *buf, size_t n);

/* Whether the code point starting at p (a valid sequence of `len` bytes)
 * is a control character: C0 (U+0000..U+001F), DEL or C1 (U+0080..U+009F). */
int vs_load_is_control(const unsigned char *p, size_t len);

#endif
