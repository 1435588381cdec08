/* load_text.c: checks on a scenario's raw bytes (see load_text.h).
 *
 * libconfig 1.5 misreads some text without a word: an integer above 2^31
 * without `L` wraps (`pot = 5000000000;` reads 705032704), `0700` is
 * decimal here but octal in later releases, `\x00` in a string vanishes,
 * a BOM or a NUL is just "syntax error" (the loader skips a UTF-8 BOM
 * before libconfig sees the text), and `@include` opens any path it
 * names.  None of that is visible once the text is parsed, so the loader
 * looks at the bytes first.  Two passes, each simple on its own:
 *
 *   1. bytes: NUL, control characters, UTF-8 validity (everywhere,
 *      comments included: the file must be clean UTF-8 text);
 *   2. tokens: a small scanner that knows libconfig's strings, comments,
 *      names and numbers well enough to find integer literals, escapes and
 *      `@include` outside strings and comments.
 *
 * A file saved in Windows-1252 (or Latin-1) would give one error per å, ä
 * and ö, each naming the character the byte stands for there, so each
 * kind of problem is reported once per line, for at most MAX_SHOWN lines,
 * then summed up in one more message. */
#include "load_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/load.h"

#define MAX_SHOWN 10

enum problem_kind {
    P_UTF16,
    P_NUL,
    P_CONTROL,
    P_UTF8,
    P_INT32,
    P_INT64,
    P_LEADING_ZERO,
    P_ESCAPE_NUL,
    P_INCLUDE,
    P_KINDS
};

/* For the summary "N more lines with ...". */
static const char *const kind_summary[P_KINDS] = {
    "a UTF-16 byte order mark", "NUL bytes", "control characters", "invalid UTF-8",
    "integers that do not fit 32 bits", "integers that do not fit 64 bits",
    "integers with a leading zero", "\\x00 escapes", "@include",
};

struct scan {
    const char *name;
    vs_err *err;
    int problems;
    int shown[P_KINDS];
    int hidden[P_KINDS];
    int last_line[P_KINDS];
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void report(struct scan *s, enum problem_kind kind, int line,
                   const char *fmt, ...)
{
    s->problems++;
    if (s->last_line[kind] == line)
        return;
    s->last_line[kind] = line;
    if (s->shown[kind] >= MAX_SHOWN) {
        s->hidden[kind]++;
        return;
    }
    s->shown[kind]++;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vs_err_set(s->err, VS_EINPUT, s->name, line, "%s", msg);
}

size_t vs_load_utf8_len(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    /* Allowed range of the second byte and total length, by lead byte
     * (RFC 3629, table 3-7 of the Unicode standard): this rules out
     * overlong forms, surrogates and code points above U+10FFFF. */
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

/* Windows-1252's 0x80..0x9F (0: undefined there); 0xA0..0xFF are the
 * code points of the same number, as in Latin-1. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

void vs_load_encoding_hint(unsigned char byte, char *buf, size_t n)
{
    unsigned cp = byte < 0x80 ? 0 : byte < 0xA0 ? cp1252_high[byte - 0x80] : byte;
    if (cp == 0) {
        snprintf(buf, n, "invalid UTF-8 (byte 0x%02X): save the file as UTF-8",
                 byte);
        return;
    }
    /* Invisible characters by name, the rest as themselves (in UTF-8). */
    char shown[24];
    if (cp == 0xA0)
        snprintf(shown, sizeof shown, "a no-break space");
    else if (cp == 0xAD)
        snprintf(shown, sizeof shown, "a soft hyphen");
    else if (cp < 0x800)
        snprintf(shown, sizeof shown, "'%c%c'", (char)(0xC0 | (cp >> 6)),
                 (char)(0x80 | (cp & 0x3F)));
    else
        snprintf(shown, sizeof shown, "'%c%c%c'", (char)(0xE0 | (cp >> 12)),
                 (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F)));
    snprintf(buf, n, "byte 0x%02X is %s in Windows-1252: save the file as UTF-8",
             byte, shown);
}

int vs_load_is_control(const unsigned char *p, size_t len)
{
    if (len == 1)
        return p[0] < 0x20 || p[0] == 0x7F;
    /* U+0080..U+009F are C2 80 .. C2 9F. */
    return len == 2 && p[0] == 0xC2 && p[1] < 0xA0;
}

void vs_load_shortest(double v, char *buf, size_t n)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int vs_load_check_size(long long bytes, const char *name, vs_err *err)
{
    const long mib = VS_LOAD_MAX_BYTES / (1024 * 1024);
    if (bytes < 0) {
        vs_err_set(err, VS_EINPUT, name, 0,
                   "file is larger than %ld MiB; the limit is %ld MiB", mib,
                   mib);
        return 1;
    }
    if (bytes > VS_LOAD_MAX_BYTES) {
        vs_err_set(err, VS_EINPUT, name, 0,
                   "file is %lld bytes; the limit is %ld MiB", bytes, mib);
        return 1;
    }
    return 0;
}

/* Pass 1: every byte, comments and strings included. */
static void scan_bytes(struct scan *s, const unsigned char *p, size_t len,
                       size_t i)
{
    int line = 1;
    while (i < len) {
        unsigned char c = p[i];
        if (c == '\n') {
            line++;
            i++;
            continue;
        }
        size_t n = vs_load_utf8_len(p + i, len - i);
        if (c == 0) {
            report(s, P_NUL, line,
                   "NUL byte: save the file as UTF-8 text (not UTF-16)");
        } else if (n == 0) {
            char hint[80];
            vs_load_encoding_hint(c, hint, sizeof hint);
            report(s, P_UTF8, line, "%s", hint);
            i++;
            continue;
        } else if (c != '\t' && c != '\r' && vs_load_is_control(p + i, n)) {
            unsigned cp = n == 1 ? c : (unsigned)(((c & 0x1F) << 6) |
                                                  (p[i + 1] & 0x3F));
            report(s, P_CONTROL, line,
                   "control character U+%04X: only tab, line feed and "
                   "carriage return may appear in the file", cp);
        }
        i += n ? n : 1;
    }
}

/* The byte at i, or 0 past the end: lets the scanner look ahead freely. */
static char at(const char *p, size_t len, size_t i)
{
    return i < len ? p[i] : '\0';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_xdigit(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether the digit string d[0..n) (leading zeros allowed) is greater than
 * the digit string `limit` (no leading zeros). */
static int digits_exceed(const char *d, size_t n, const char *limit)
{
    while (n > 1 && *d == '0') {
        d++;
        n--;
    }
    size_t m = strlen(limit);
    if (n != m)
        return n > m;
    return memcmp(d, limit, n) > 0;
}

/* The token p[b..e) for a message, shortened when very long. */
static void token_text(const char *p, size_t b, size_t e, char *out, size_t n)
{
    size_t len = e - b;
    if (len > 40)
        snprintf(out, n, "%.40s...", p + b);
    else
        snprintf(out, n, "%.*s", (int)len, p + b);
}

/* Scan the number that starts at i (a digit, or a sign or '.' before one),
 * following libconfig 1.5's token rules: hex `0x..`, decimal integers with
 * an optional `L`/`LL`, and floats (a '.' or an exponent).  Reports the
 * integers libconfig would change.  Returns the index after the token. */
static size_t scan_number(struct scan *s, const char *p, size_t len,
                          size_t i, int line)
{
    size_t b = i;
    int negative = p[i] == '-';
    if (p[i] == '-' || p[i] == '+')
        i++;
    char tok[64];

    if (p[i] == '0' && (at(p, len, i + 1) == 'x' || at(p, len, i + 1) == 'X') &&
        is_xdigit(at(p, len, i + 2))) {
        size_t ds = i + 2;
        i = ds;
        while (is_xdigit(at(p, len, i)))
            i++;
        size_t de = i;
        int is64 = at(p, len, i) == 'L';
        if (is64)
            i += at(p, len, i + 1) == 'L' ? 2 : 1;
        /* Significant hex digits: more than 8 (or a top digit above 7 in
         * 8) no longer fits a positive int; more than 16 not even 64 bits. */
        while (ds + 1 < de && p[ds] == '0')
            ds++;
        size_t nd = de - ds;
        token_text(p, b, i, tok, sizeof tok);
        if (!is64 && (nd > 8 || (nd == 8 && p[ds] > '7')))
            report(s, P_INT32, line,
                   "integer %s does not fit 32 bits: libconfig 1.5 would "
                   "silently wrap it; add L (%sL)", tok, tok);
        else if (is64 && nd > 16)
            report(s, P_INT64, line, "integer %s does not fit 64 bits", tok);
        return i;
    }

    size_t ds = i;
    while (is_digit(at(p, len, i)))
        i++;
    size_t de = i;
    int is_float = 0;
    if (at(p, len, i) == '.') {
        is_float = 1;
        i++;
        while (is_digit(at(p, len, i)))
            i++;
    }
    char e = at(p, len, i);
    if (e == 'e' || e == 'E') {
        char c1 = at(p, len, i + 1);
        if (is_digit(c1) ||
            ((c1 == '+' || c1 == '-') && is_digit(at(p, len, i + 2)))) {
            is_float = 1;
            i += 2;
            while (is_digit(at(p, len, i)))
                i++;
        }
    }
    if (is_float) /* floats are checked after parsing (finite) */
        return i;

    int is64 = at(p, len, i) == 'L';
    if (is64)
        i += at(p, len, i + 1) == 'L' ? 2 : 1;
    token_text(p, b, i, tok, sizeof tok);
    size_t nd = de - ds;
    if (nd > 1 && p[ds] == '0') {
        size_t z = ds;
        while (z + 1 < de && p[z] == '0')
            z++;
        char plain[64];
        token_text(p, z, de, plain, sizeof plain);
        report(s, P_LEADING_ZERO, line,
               "integer %s has a leading zero: libconfig versions disagree on "
               "whether it is octal; write %s%s", tok, negative ? "-" : "",
               plain);
    }
    if (!is64 && digits_exceed(p + ds, nd, negative ? "2147483648"
                                                     : "2147483647")) {
        char plain[64];
        token_text(p, b, de, plain, sizeof plain);
        report(s, P_INT32, line,
               "integer %s does not fit 32 bits: libconfig 1.5 would silently "
               "wrap it; write it as a float (%s.0) or add L (%sL)",
               tok, plain, plain);
    } else if (is64 && digits_exceed(p + ds, nd,
                                     negative ? "9223372036854775808"
                                              : "9223372036854775807")) {
        report(s, P_INT64, line,
               "integer %s does not fit 64 bits: write it as a float", tok);
    }
    return i;
}

/* Pass 2: tokens outside strings and comments (and \x00 inside strings). */
static void scan_tokens(struct scan *s, const char *p, size_t len, size_t i)
{
    int line = 1;
    while (i < len) {
        char c = p[i], c1 = at(p, len, i + 1);
        if (c == '\n') {
            line++;
            i++;
        } else if (c == '#' || (c == '/' && c1 == '/')) {
            while (i < len && p[i] != '\n')
                i++;
        } else if (c == '/' && c1 == '*') {
            i += 2;
            while (i < len && !(p[i] == '*' && at(p, len, i + 1) == '/')) {
                if (p[i] == '\n')
                    line++;
                i++;
            }
            i += 2;
        } else if (c == '"') {
            i++;
            while (i < len && p[i] != '"') {
                if (p[i] == '\\' && i + 1 < len) {
                    /* libconfig turns \xHH into a byte but drops \x00. */
                    char x = p[i + 1];
                    if ((x == 'x' || x == 'X') && at(p, len, i + 2) == '0' &&
                        at(p, len, i + 3) == '0')
                        report(s, P_ESCAPE_NUL, line,
                               "\\x00 in a string: libconfig would drop it "
                               "silently");
                    if (x == '\n')
                        line++;
                    i += 2;
                    continue;
                }
                if (p[i] == '\n')
                    line++;
                i++;
            }
            i++;
        } else if (is_alpha(c) || c == '*' || c == '_') {
            /* A name (key, true/false): may hold digits, e.g. `age_0700`. */
            while (i < len && (is_alpha(p[i]) || is_digit(p[i]) ||
                               p[i] == '_' || p[i] == '-' || p[i] == '*'))
                i++;
        } else if (c == '@') {
            if (len - i >= 8 && memcmp(p + i, "@include", 8) == 0)
                report(s, P_INCLUDE, line,
                       "@include is not allowed: a scenario is one "
                       "self-contained file");
            i++;
        } else if (is_digit(c) ||
                   ((c == '-' || c == '+' || c == '.') && is_digit(c1)) ||
                   ((c == '-' || c == '+') && c1 == '.' &&
                    is_digit(at(p, len, i + 2)))) {
            i = scan_number(s, p, len, i, line);
        } else {
            i++;
        }
    }
}

int vs_load_check_text(const char *buf, size_t len, const char *name,
                       vs_err *err)
{
    if (vs_load_check_size((long long)len, name, err))
        return 1;
    struct scan s;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.err = err;
    /* A UTF-8 byte order mark is what Windows editors put first: the
     * loader skips it (load.c), so it is no problem here.  A UTF-16 one
     * would show as two bytes of invalid UTF-8 and NULs: say what it is. */
    size_t start = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    else if (len >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 ||
                          memcmp(buf, "\xFE\xFF", 2) == 0)) {
        report(&s, P_UTF16, 1,
               "UTF-16 byte order mark: save the file as UTF-8");
        return s.problems;
    }
    scan_bytes(&s, (const unsigned char *)buf, len, start);
    scan_tokens(&s, buf, len, start);
    for (int k = 0; k < P_KINDS; k++)
        if (s.hidden[k])
            vs_err_set(err, VS_EINPUT, name, 0, "%d more lines with %s",
                       s.hidden[k], kind_summary[k]);
    return s.problems;
}
