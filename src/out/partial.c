/* partial.c: the partial-result file of a shard (docs/partial-format.md):
 * its head, its payload of a run's accumulator, and the bounded reader. */
#include "out/partial.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

void vs_partial_name(long k, long n, char *buf, size_t size)
{
    snprintf(buf, size, "partial-%ld-of-%ld.vsp", k, n);
}

void vs_partial_head_free(vs_partial_head *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_args; i++)
        free(h->args[i]);
    free(h->args);
    h->args = NULL;
    h->n_args = 0;
}

/* ---- bytes ------------------------------------------------------------- */

void vs_pbuf_free(vs_pbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void put(vs_pbuf *b, const void *src, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

void vs_pbuf_u64(vs_pbuf *b, uint64_t v)
{
    unsigned char x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    put(b, x, 8);
}

void vs_pbuf_u32(vs_pbuf *b, uint32_t v)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    put(b, x, 4);
}

void vs_pbuf_i64(vs_pbuf *b, int64_t v)
{
    vs_pbuf_u64(b, (uint64_t)v);
}

/* A double travels as its bits: merge sees exactly the shard's value. */
void vs_pbuf_f64(vs_pbuf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    vs_pbuf_u64(b, u);
}

int vs_pcur_has(vs_pcur *c, uint64_t n, size_t size)
{
    if (c->failed || (size && n > (c->len - c->at) / size)) {
        c->failed = 1;
        return 0;
    }
    return 1;
}

uint64_t vs_pcur_u64(vs_pcur *c)
{
    if (!vs_pcur_has(c, 1, 8))
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)c->p[c->at + (size_t)i] << (8 * i);
    c->at += 8;
    return v;
}

uint32_t vs_pcur_u32(vs_pcur *c)
{
    if (!vs_pcur_has(c, 1, 4))
        return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)c->p[c->at + (size_t)i] << (8 * i);
    c->at += 4;
    return v;
}

int64_t vs_pcur_i64(vs_pcur *c)
{
    return (int64_t)vs_pcur_u64(c);
}

double vs_pcur_f64(vs_pcur *c)
{
    uint64_t u = vs_pcur_u64(c);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* ---- the head ---------------------------------------------------------- */

/* A word of the head: bytes below 0x21, '%' and 0x7f as %XX, so every
 * word is one line and one token. */
static void put_word(vs_pbuf *b, const char *w)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
        if (*p <= 0x20 || *p == '%' || *p == 0x7f) {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            put(b, e, 3);
        } else
            put(b, p, 1);
    }
}

static void put_line(vs_pbuf *b, const char *key, const char *word)
{
    put(b, key, strlen(key));
    put(b, " ", 1);
    put_word(b, word);
    put(b, "\n", 1);
}

static void put_line_long(vs_pbuf *b, const char *key, long v)
{
    char n[32];
    snprintf(n, sizeof n, "%ld", v);
    put_line(b, key, n);
}

int vs_partial_encode(const vs_partial_head *h, const vs_pbuf *payload,
                      unsigned char **out, size_t *len)
{
    vs_pbuf b = {0};
    char n[48];
    snprintf(n, sizeof n, "%d", VS_PARTIAL_FORMAT);
    put_line(&b, "vardsim-partial", n);
    put_line(&b, "version", h->version);
    put_line(&b, "command", h->command);
    put_line(&b, "scenario-sha256", h->sha256);
    put_line_long(&b, "shard", h->k);
    put_line_long(&b, "of", h->n);
    put_line_long(&b, "blocks", h->blocks);
    put_line_long(&b, "args", (long)h->n_args);
    for (size_t i = 0; i < h->n_args; i++)
        put_line(&b, "arg", h->args[i]);
    snprintf(n, sizeof n, "%llu", (unsigned long long)payload->len);
    put_line(&b, "payload", n);
    put(&b, payload->p, payload->len);
    vs_sha256 s;
    vs_sha256_init(&s);
    vs_sha256_update(&s, b.p, b.len);
    char hexd[65];
    vs_sha256_hex(&s, hexd);
    put_line(&b, "\nsha256", hexd);
    if (b.failed || payload->failed) {
        vs_pbuf_free(&b);
        return VS_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return VS_OK;
}

/* One line of the head into buf (without its newline); -1 at the end of
 * the file or past `max` bytes. */
static int get_line(FILE *f, char *buf, size_t max, long *used)
{
    size_t n = 0;
    int ch;
    while ((ch = getc(f)) != EOF && ch != '\n') {
        if (n + 1 >= max || ++*used > VS_PARTIAL_MAX_HEAD)
            return -1;
        buf[n++] = (char)ch;
    }
    buf[n] = '\0';
    ++*used;
    return ch == EOF ? -1 : 0;
}

static int unhex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "KEY WORD" -> the decoded WORD (in place), or NULL if KEY differs or
 * the word is malformed. */
static char *value_of(char *line, const char *key)
{
    size_t k = strlen(key);
    if (strncmp(line, key, k) != 0 || line[k] != ' ')
        return NULL;
    char *w = line + k + 1, *o = w;
    for (char *p = w; *p; p++) {
        if ((unsigned char)*p <= 0x20)
            return NULL;
        if (*p == '%') {
            int a = unhex(p[1]), b = a < 0 ? -1 : unhex(p[2]);
            if (b < 0 || (a == 0 && b == 0))
                return NULL;
            *o++ = (char)(a * 16 + b);
            p += 2;
        } else
            *o++ = *p;
    }
    *o = '\0';
    return w;
}

static int value_long(char *line, const char *key, long lo, long hi, long *out)
{
    char *w = value_of(line, key), *end;
    if (!w || !*w || *w == '-' || *w == '+')
        return -1;
    errno = 0;
    long long v = strtoll(w, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = (long)v;
    return 0;
}

static int copy_word(char *line, const char *key, char *dst, size_t n)
{
    char *w = value_of(line, key);
    if (!w || strlen(w) >= n)
        return -1;
    memcpy(dst, w, strlen(w) + 1);
    return 0;
}

#define LINE_MAX_BYTES 65536

/* The head's lines in their order; -1 with *what set at the first wrong
 * one. */
static int read_head(FILE *f, vs_partial_head *h, char *line, const char **what)
{
    long used = 0, v;
#define NEXT(w) (*what = (w), get_line(f, line, LINE_MAX_BYTES, &used) == 0)
    if (!NEXT("its first line (not a vardsim partial)"))
        return -1;
    if (strncmp(line, "vardsim-partial ", 16) != 0)
        return -1;
    *what = "its format (this vardsim reads partial format 1)";
    if (value_long(line, "vardsim-partial", 0, 1000000, &v) != 0)
        return -1;
    h->format = (int)v;
    if (h->format != VS_PARTIAL_FORMAT)
        return -1;
    if (!NEXT("the version line") || copy_word(line, "version", h->version, sizeof h->version))
        return -1;
    if (!NEXT("the command line") || copy_word(line, "command", h->command, sizeof h->command))
        return -1;
    if (!NEXT("the scenario-sha256 line") ||
        copy_word(line, "scenario-sha256", h->sha256, sizeof h->sha256) ||
        strlen(h->sha256) != 64)
        return -1;
    if (!NEXT("the shard line") || value_long(line, "shard", 1, 1000000000L, &h->k) ||
        !NEXT("the 'of' line") || value_long(line, "of", 1, 1000000000L, &h->n) ||
        h->k > h->n)
        return -1;
    if (!NEXT("the blocks line") || value_long(line, "blocks", 0, 1000000000000L, &h->blocks))
        return -1;
    if (!NEXT("the args line") || value_long(line, "args", 0, VS_PARTIAL_MAX_ARGS, &v))
        return -1;
    h->args = calloc((size_t)v + 1, sizeof *h->args);
    if (!h->args)
        return -1;
    for (long i = 0; i < v; i++) {
        if (!NEXT("an arg line"))
            return -1;
        char *w = value_of(line, "arg");
        if (!w || !(h->args[i] = strdup(w)))
            return -1;
        h->n_args++;
    }
    char n[32];
    if (!NEXT("the payload line") || copy_word(line, "payload", n, sizeof n))
        return -1;
    char *end;
    errno = 0;
    unsigned long long p = strtoull(n, &end, 10);
    if (errno || *end || !*n || *n == '-')
        return -1;
    h->payload = p;
#undef NEXT
    return 0;
}

int vs_partial_read_head(const char *path, vs_partial_head *h, vs_err *err)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vs_err_set(err, VS_EINPUT, path, 0, "cannot read: %s", strerror(errno));
    char *line = malloc(LINE_MAX_BYTES);
    const char *what = "its head";
    int bad = !line || read_head(f, h, line, &what) != 0;
    free(line);
    fclose(f);
    if (bad) {
        vs_partial_head_free(h);
        return vs_err_set(err, VS_EINPUT, path, 0,
                          "not a partial result vardsim can read: %s", what);
    }
    return VS_OK;
}

int vs_partial_read_payload(const char *path, const vs_partial_head *h,
                            uint64_t max_bytes, unsigned char **buf,
                            vs_err *err)
{
    *buf = NULL;
    if (h->payload > max_bytes)
        return vs_err_set(err, VS_EINPUT, path, 0,
                          "damaged partial: its payload of %llu bytes is larger "
                          "than this scenario's shard can be (%llu)",
                          (unsigned long long)h->payload,
                          (unsigned long long)max_bytes);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vs_err_set(err, VS_EINPUT, path, 0, "cannot read: %s", strerror(errno));
    /* Skip the head again (its length is what read_head consumed). */
    vs_sha256 s;
    vs_sha256_init(&s);
    int st = VS_OK;
    int ch, lines = 0;
    long used = 0;
    /* The head has 9 + n_args lines (see vs_partial_encode). */
    size_t total = 9 + h->n_args;
    while (lines < (int)total && (ch = getc(f)) != EOF) {
        unsigned char c = (unsigned char)ch;
        vs_sha256_update(&s, &c, 1);
        if (++used > VS_PARTIAL_MAX_HEAD)
            break;
        if (c == '\n')
            lines++;
    }
    unsigned char *p = malloc(h->payload ? (size_t)h->payload : 1);
    char tail[80];
    if (lines != (int)total)
        st = vs_err_set(err, VS_EINPUT, path, 0, "damaged partial: its head is cut short");
    else if (!p)
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    else if (fread(p, 1, (size_t)h->payload, f) != (size_t)h->payload)
        st = vs_err_set(err, VS_EINPUT, path, 0,
                        "damaged partial: shorter than its payload of %llu bytes "
                        "(cut while copying?)", (unsigned long long)h->payload);
    else {
        vs_sha256_update(&s, p, (size_t)h->payload);
        char want[65];
        vs_sha256_hex(&s, want);
        size_t n = fread(tail, 1, sizeof tail - 1, f);
        tail[n] = '\0';
        char expect[80];
        snprintf(expect, sizeof expect, "\nsha256 %s\n", want);
        if (n != strlen(expect) || memcmp(tail, expect, n) != 0)
            st = vs_err_set(err, VS_EINPUT, path, 0,
                            "damaged partial: its checksum does not match its "
                            "contents (or it is cut short, or has bytes after it)");
    }
    fclose(f);
    if (st != VS_OK) {
        free(p);
        return st;
    }
    *buf = p;
    return VS_OK;
}

/* ---- a run's accumulator ---------------------------------------------- */

static void put_xsum(vs_pbuf *b, const vs_xsum *x)
{
    vs_xsum t = *x;
    vs_xsum_normalise(&t);
    for (size_t i = 0; i < VS_XSUM_LIMBS; i++)
        vs_pbuf_i64(b, t.limb[i]);
    vs_pbuf_u32(b, (uint32_t)t.nonfinite);
}

static void get_xsum(vs_pcur *c, vs_xsum *x)
{
    vs_xsum_init(x);
    for (size_t i = 0; i < VS_XSUM_LIMBS; i++) {
        x->limb[i] = vs_pcur_i64(c);
        /* normalised: every limb but the top one in [0, 2^32) */
        if (i + 1 < VS_XSUM_LIMBS && (x->limb[i] < 0 || x->limb[i] > 0xffffffffLL))
            c->failed = 1;
    }
    uint32_t nf = vs_pcur_u32(c);
    if (nf > 1 || x->limb[VS_XSUM_LIMBS - 1] > (1LL << 40) ||
        x->limb[VS_XSUM_LIMBS - 1] < -(1LL << 40))
        c->failed = 1;
    x->nonfinite = (int32_t)nf;
}

enum { FLAG_CENTRES = 1, FLAG_EXACT_CENTRES = 2, FLAG_EXACT_REGION = 4 };

#define SHORTFALL_BYTES (8 + 4 + 8 + 4 + 8)
#define HIST_BYTES (3 * 8 + VS_HIST_SLOTS * 4)
#define XSUM_BYTES (VS_XSUM_LIMBS * 8 + 4)
#define RSTAT_BYTES (4 * 8 + 3 * 8 + 3 * XSUM_BYTES + (VS_RHIST_BUCKETS + 2) * 4)

static void put_shortfall(vs_pbuf *b, const vs_shortfall_sum *f)
{
    vs_pbuf_i64(b, f->point);
    vs_pbuf_u32(b, f->point_kinds);
    vs_pbuf_i64(b, f->point_eligible);
    vs_pbuf_u32(b, f->kinds);
    vs_pbuf_i64(b, f->draws);
}

static void get_shortfall(vs_pcur *c, vs_shortfall_sum *f, long iterations)
{
    f->point = vs_pcur_i64(c);
    f->point_kinds = vs_pcur_u32(c);
    f->point_eligible = vs_pcur_i64(c);
    f->kinds = vs_pcur_u32(c);
    f->draws = vs_pcur_i64(c);
    if (f->draws < 0 || f->draws > iterations || f->point_eligible < 0 ||
        (f->kinds & f->point_kinds) != f->point_kinds)
        c->failed = 1;
}

void vs_partial_put_acc(vs_pbuf *b, const vs_sim_acc *a)
{
    size_t S = VS_STAT_COUNT, nv = a->nv, nc = a->nc, ncol = a->ncol;
    vs_pbuf_u64(b, nv);
    vs_pbuf_u64(b, nc);
    vs_pbuf_u64(b, a->n_rules);
    vs_pbuf_i64(b, a->n_total);
    vs_pbuf_i64(b, a->b0);
    vs_pbuf_i64(b, a->b1);
    vs_pbuf_i64(b, a->n);
    vs_pbuf_u32(b, (uint32_t)((a->centre_stats ? FLAG_CENTRES : 0) |
                              (a->exact_centres ? FLAG_EXACT_CENTRES : 0) |
                              (a->exact_region ? FLAG_EXACT_REGION : 0)));
    vs_pbuf_u32(b, (uint32_t)a->threads);
    for (size_t i = 0; i < nv * S; i++)
        vs_pbuf_f64(b, a->prow[i]);
    for (size_t j = 0; j < ncol; j++)
        vs_pbuf_i64(b, a->pt_alloc[j]);
    for (size_t v = 0; v < nv; v++)
        vs_pbuf_i64(b, a->pt_total[v]);
    for (size_t c = 0; c < nc; c++) {
        vs_pbuf_f64(b, a->pt_listed[c]);
        vs_pbuf_f64(b, a->pt_cni[c]);
        vs_pbuf_f64(b, a->pt_need[c]);
    }
    for (size_t v = 0; v < nv; v++) {
        vs_pbuf_u64(b, a->rule_base[v]);
        vs_pbuf_u32(b, (uint32_t)a->nodiff[v]);
    }
    for (size_t i = 0; i < a->n_rules * nc; i++)
        vs_pbuf_i64(b, a->steps[i]);
    for (size_t r = 0; r < a->n_rules; r++)
        put_shortfall(b, &a->shortfalls[r]);
    if (a->centre_stats) {
        for (size_t j = 0; j < ncol; j++) {
            __extension__ unsigned __int128 u = (unsigned __int128)a->sums[j];
            vs_pbuf_u64(b, (uint64_t)u);
            vs_pbuf_u64(b, (uint64_t)(u >> 64));
            vs_pbuf_i64(b, a->losses[j]);
        }
        if (a->exact_centres) {
            for (size_t j = 0; j < ncol; j++)
                for (long k = 0; k < a->n; k++)
                    vs_pbuf_i64(b, a->cvals[j * (size_t)a->cvals_cap + (size_t)k]);
        } else {
            /* Two histograms per column, the baseline's change as an
             * empty one (all zero), counts as u32 whatever their width in
             * memory: the format of docs/partial-format.md. */
            for (size_t h = 0; h < 2 * ncol; h++) {
                size_t j = h / 2, k = j;
                int none = h % 2 && j / nc == a->baseline;
                if (h % 2)
                    k = ncol + vs_sim_change_hist(j, nc, a->baseline);
                vs_pbuf_f64(b, none ? 0.0 : a->hist.lo[k]);
                vs_pbuf_f64(b, none ? 0.0 : a->hist.width[k]);
                vs_pbuf_f64(b, none ? 0.0 : a->hist.inv[k]);
                for (size_t i = 0; i < VS_HIST_SLOTS; i++)
                    vs_pbuf_u32(b, none ? 0 : vs_chist_count(&a->hist, k, i));
            }
        }
    }
    if (a->exact_region) {
        for (size_t i = 0; i < (size_t)a->n * nv * S; i++)
            vs_pbuf_f64(b, a->draws[i]);
    } else {
        for (size_t i = 0; i < nv * S; i++) {
            const vs_rstat *r = &a->rs[i];
            vs_pbuf_f64(b, r->x0);
            vs_pbuf_f64(b, r->lo);
            vs_pbuf_f64(b, r->width);
            vs_pbuf_f64(b, r->inv_width);
            vs_pbuf_i64(b, r->n);
            vs_pbuf_i64(b, r->both);
            vs_pbuf_i64(b, r->better);
            put_xsum(b, &r->s);
            put_xsum(b, &r->q);
            put_xsum(b, &r->d);
            for (size_t k = 0; k < VS_RHIST_BUCKETS + 2; k++)
                vs_pbuf_u32(b, r->b[k]);
        }
    }
}

static size_t count_rules(const vs_scenario *sc)
{
    size_t n = 0;
    for (size_t v = 0; v < sc->n_variants; v++)
        n += sc->variants[v].n_rules;
    return n;
}

/* Iterations in blocks [b0, b1) of a run of N. */
static long range_len(long N, long b0, long b1)
{
    long first = b0 * VS_SIM_BLOCK, last = b1 * VS_SIM_BLOCK;
    long r = (last < N ? last : N) - first;
    return r > 0 ? r : 0;
}

uint64_t vs_partial_acc_bound(const vs_scenario *sc, long iterations, long b0,
                              long b1)
{
    uint64_t nv = sc->n_variants, nc = sc->n_centres, ncol = nv * nc;
    uint64_t nr = count_rules(sc), S = VS_STAT_COUNT;
    uint64_t n = (uint64_t)range_len(iterations, b0, b1);
    uint64_t fixed = 7 * 8 + 8 + nv * S * 8 + ncol * 8 + nv * 8 + nc * 24 +
                     nv * 12 + nr * nc * 8 + nr * SHORTFALL_BYTES;
    uint64_t centres = ncol * 24 + ncol * (n * 8 > 2 * HIST_BYTES ? n * 8 : 2 * HIST_BYTES);
    uint64_t region = nv * S * (n * 8 > RSTAT_BYTES ? n * 8 : RSTAT_BYTES);
    return fixed + centres + region;
}

/* A count read from the payload must be exactly what the caller expects. */
static void expect_u64(vs_pcur *c, uint64_t want)
{
    if (vs_pcur_u64(c) != want)
        c->failed = 1;
}

static int get_region(vs_pcur *c, vs_sim_acc *a);

/* The per-centre histograms (as vs_partial_put_acc writes them): none
 * holds more values than the range's iterations, and the baseline's
 * change histograms are empty. */
static void get_hists(vs_pcur *c, vs_sim_acc *a)
{
    size_t nc = a->nc, ncol = a->ncol;
    for (size_t h = 0; h < 2 * ncol; h++) {
        size_t j = h / 2, k = j;
        int none = h % 2 && j / nc == a->baseline;
        if (h % 2 && !none)
            k = ncol + vs_sim_change_hist(j, nc, a->baseline);
        double lo = vs_pcur_f64(c), width = vs_pcur_f64(c), inv = vs_pcur_f64(c);
        if (!isfinite(lo) || !isfinite(width) || !isfinite(inv))
            c->failed = 1;
        if (!none) {
            a->hist.lo[k] = lo;
            a->hist.width[k] = width;
            a->hist.inv[k] = inv;
        }
        uint64_t total = 0;
        for (size_t i = 0; i < VS_HIST_SLOTS; i++) {
            uint32_t n = vs_pcur_u32(c);
            total += n;
            if (!none && n <= (uint64_t)a->n)
                vs_chist_set(&a->hist, k, i, n);
        }
        if (total > (uint64_t)a->n || (none && total != 0))
            c->failed = 1;
    }
}

static int get_acc_body(vs_pcur *c, vs_sim_acc *a)
{
    size_t S = VS_STAT_COUNT, nv = a->nv, nc = a->nc, ncol = a->ncol;
    a->prow = malloc((nv ? nv : 1) * S * sizeof *a->prow);
    a->pt_alloc = malloc((ncol ? ncol : 1) * sizeof *a->pt_alloc);
    a->pt_total = malloc((nv ? nv : 1) * sizeof *a->pt_total);
    a->pt_listed = malloc((nc ? nc : 1) * sizeof(double));
    a->pt_cni = malloc((nc ? nc : 1) * sizeof(double));
    a->pt_need = malloc((nc ? nc : 1) * sizeof(double));
    a->rule_base = malloc((nv ? nv : 1) * sizeof *a->rule_base);
    a->nodiff = malloc((nv ? nv : 1) * sizeof *a->nodiff);
    a->steps = malloc((a->n_rules * nc > 0 ? a->n_rules * nc : 1) * sizeof *a->steps);
    a->shortfalls = calloc(a->n_rules ? a->n_rules : 1, sizeof *a->shortfalls);
    a->sums = calloc(ncol ? ncol : 1, sizeof *a->sums);
    a->losses = calloc(ncol ? ncol : 1, sizeof *a->losses);
    if (!a->prow || !a->pt_alloc || !a->pt_total || !a->pt_listed || !a->pt_cni ||
        !a->pt_need || !a->rule_base || !a->nodiff || !a->steps ||
        !a->shortfalls || !a->sums || !a->losses)
        return VS_ENOMEM;
    for (size_t i = 0; i < nv * S; i++)
        a->prow[i] = vs_pcur_f64(c);
    for (size_t j = 0; j < ncol; j++)
        a->pt_alloc[j] = vs_pcur_i64(c);
    for (size_t v = 0; v < nv; v++)
        a->pt_total[v] = vs_pcur_i64(c);
    for (size_t i = 0; i < nc; i++) {
        a->pt_listed[i] = vs_pcur_f64(c);
        a->pt_cni[i] = vs_pcur_f64(c);
        a->pt_need[i] = vs_pcur_f64(c);
    }
    size_t base = 0;
    for (size_t v = 0; v < nv; v++) {
        a->rule_base[v] = (size_t)vs_pcur_u64(c);
        uint32_t nd = vs_pcur_u32(c);
        if (a->rule_base[v] < base || a->rule_base[v] > a->n_rules || nd > 1)
            c->failed = 1;
        base = a->rule_base[v];
        a->nodiff[v] = (int)nd;
    }
    for (size_t i = 0; i < a->n_rules * nc; i++)
        a->steps[i] = vs_pcur_i64(c);
    for (size_t r = 0; r < a->n_rules; r++)
        get_shortfall(c, &a->shortfalls[r], a->n);
    if (c->failed)
        return VS_EINPUT;
    if (a->centre_stats) {
        for (size_t j = 0; j < ncol; j++) {
            uint64_t lo = vs_pcur_u64(c), hi = vs_pcur_u64(c);
            __extension__ unsigned __int128 u = ((unsigned __int128)hi << 64) | lo;
            a->sums[j] = (vs_i128)u;
            a->losses[j] = vs_pcur_i64(c);
            if (a->losses[j] < 0 || a->losses[j] > a->n)
                c->failed = 1;
        }
        if (a->exact_centres) {
            if (!vs_pcur_has(c, (uint64_t)a->n * ncol, 8))
                return VS_EINPUT;
            a->cvals_cap = a->n;
            a->cvals = malloc((size_t)(a->n > 0 ? a->n : 1) * (ncol ? ncol : 1) * sizeof *a->cvals);
            if (!a->cvals)
                return VS_ENOMEM;
            for (size_t i = 0; i < (size_t)a->n * ncol; i++)
                a->cvals[i] = vs_pcur_i64(c);
        } else {
            if (!vs_pcur_has(c, 2 * ncol, HIST_BYTES))
                return VS_EINPUT;
            if (vs_chist_alloc(&a->hist, ncol + (nv - 1) * nc, a->n) != VS_OK)
                return VS_ENOMEM;
            get_hists(c, a);
        }
    }
    return c->failed ? VS_EINPUT : get_region(c, a);
}

/* The region-level part of an accumulator: kept rows or streams. */
static int get_region(vs_pcur *c, vs_sim_acc *a)
{
    size_t S = VS_STAT_COUNT, nv = a->nv;
    if (a->exact_region) {
        size_t cnt = (size_t)a->n * nv * S;
        if (!vs_pcur_has(c, cnt, 8))
            return VS_EINPUT;
        a->draws = malloc((cnt ? cnt : 1) * sizeof *a->draws);
        if (!a->draws)
            return VS_ENOMEM;
        a->draws_cap = a->n;
        for (size_t i = 0; i < cnt; i++)
            a->draws[i] = vs_pcur_f64(c);
    } else {
        if (!vs_pcur_has(c, nv * S, RSTAT_BYTES))
            return VS_EINPUT;
        a->rs = calloc(nv > 0 ? nv * S : 1, sizeof *a->rs);
        if (!a->rs)
            return VS_ENOMEM;
        for (size_t i = 0; i < nv * S; i++) {
            vs_rstat *r = &a->rs[i];
            r->x0 = vs_pcur_f64(c);
            r->lo = vs_pcur_f64(c);
            r->width = vs_pcur_f64(c);
            r->inv_width = vs_pcur_f64(c);
            r->n = vs_pcur_i64(c);
            r->both = vs_pcur_i64(c);
            r->better = vs_pcur_i64(c);
            get_xsum(c, &r->s);
            get_xsum(c, &r->q);
            get_xsum(c, &r->d);
            uint64_t total = 0;
            for (size_t k = 0; k < VS_RHIST_BUCKETS + 2; k++)
                total += r->b[k] = vs_pcur_u32(c);
            if (r->n < 0 || r->n > a->n || r->both < 0 || r->both > r->n ||
                r->better < 0 || r->better > r->both || total != (uint64_t)r->n ||
                !isfinite(r->x0) || !isfinite(r->lo) || !isfinite(r->width) ||
                !isfinite(r->inv_width))
                c->failed = 1;
        }
    }
    return c->failed ? VS_EINPUT : VS_OK;
}

int vs_partial_get_acc(vs_pcur *c, const vs_scenario *sc, long iterations,
                       long b0, long b1, vs_sim_acc **out)
{
    *out = NULL;
    vs_sim_acc *a = calloc(1, sizeof *a);
    if (!a)
        return VS_ENOMEM;
    a->nv = sc->n_variants;
    a->nc = sc->n_centres;
    a->ncol = a->nv * a->nc;
    a->baseline = (size_t)sc->baseline;
    a->n_rules = count_rules(sc);
    expect_u64(c, a->nv);
    expect_u64(c, a->nc);
    expect_u64(c, a->n_rules);
    expect_u64(c, (uint64_t)iterations);
    expect_u64(c, (uint64_t)b0);
    expect_u64(c, (uint64_t)b1);
    expect_u64(c, (uint64_t)range_len(iterations, b0, b1));
    uint32_t flags = vs_pcur_u32(c);
    uint32_t threads = vs_pcur_u32(c);
    a->n_total = iterations;
    a->b0 = b0;
    a->b1 = b1;
    a->n = range_len(iterations, b0, b1);
    a->centre_stats = (flags & FLAG_CENTRES) != 0;
    a->exact_centres = (flags & FLAG_EXACT_CENTRES) != 0;
    a->exact_region = (flags & FLAG_EXACT_REGION) != 0;
    a->threads = threads >= 1 && threads <= 4096 ? (int)threads : 1;
    if ((flags & ~7u) || threads < 1 || threads > 4096)
        c->failed = 1;
    int st = c->failed ? VS_EINPUT : get_acc_body(c, a);
    if (st == VS_OK && c->at != c->len)
        st = VS_EINPUT; /* bytes after the accumulator */
    if (st != VS_OK) {
        vs_sim_acc_free(a);
        return st;
    }
    *out = a;
    return VS_OK;
}

/* ---- a sweep's points --------------------------------------------------- */

#define STAT_BYTES (9 * 8 + 8)

static void put_stat(vs_pbuf *b, const vs_stat *x)
{
    const double d[9] = {x->point, x->mean, x->sd, x->p05, x->p50, x->p95,
                         x->mcse, x->diff_mean, x->p_better};
    for (int i = 0; i < 9; i++)
        vs_pbuf_f64(b, d[i]);
    vs_pbuf_i64(b, x->n);
}

static void get_stat(vs_pcur *c, vs_stat *x, long iterations)
{
    double *d[9] = {&x->point, &x->mean, &x->sd, &x->p05, &x->p50, &x->p95,
                    &x->mcse, &x->diff_mean, &x->p_better};
    for (int i = 0; i < 9; i++)
        *d[i] = vs_pcur_f64(c);
    x->n = (long)vs_pcur_i64(c);
    if (x->n < 0 || x->n > iterations + 1)
        c->failed = 1;
}

void vs_partial_put_sweep(vs_pbuf *b, const vs_sweep_result *r, size_t p0,
                          size_t p1)
{
    size_t per = r->n_variants * VS_STAT_COUNT;
    vs_pbuf_u64(b, r->n_points);
    vs_pbuf_u64(b, r->n_variants);
    vs_pbuf_u64(b, r->n_rules);
    vs_pbuf_u64(b, p0);
    vs_pbuf_u64(b, p1);
    for (size_t p = p0; p < p1; p++) {
        for (size_t i = 0; i < per; i++)
            put_stat(b, &r->stats[p * per + i]);
        for (size_t k = 0; k < r->n_rules; k++)
            put_shortfall(b, &r->shortfalls[p * r->n_rules + k]);
    }
}

uint64_t vs_partial_sweep_bound(const vs_sweep_result *r, size_t p0, size_t p1)
{
    uint64_t n = p1 > p0 ? p1 - p0 : 0;
    return 5 * 8 + n * (r->n_variants * VS_STAT_COUNT * STAT_BYTES +
                        r->n_rules * SHORTFALL_BYTES);
}

int vs_partial_get_sweep(vs_pcur *c, vs_sweep_result *r, size_t p0, size_t p1)
{
    size_t per = r->n_variants * VS_STAT_COUNT;
    expect_u64(c, r->n_points);
    expect_u64(c, r->n_variants);
    expect_u64(c, r->n_rules);
    expect_u64(c, p0);
    expect_u64(c, p1);
    if (p1 < p0 || p1 > r->n_points || c->failed ||
        !vs_pcur_has(c, (uint64_t)(p1 - p0), per * STAT_BYTES + r->n_rules * SHORTFALL_BYTES))
        return VS_EINPUT;
    for (size_t p = p0; p < p1; p++) {
        for (size_t i = 0; i < per; i++)
            get_stat(c, &r->stats[p * per + i], r->iterations);
        for (size_t k = 0; k < r->n_rules; k++)
            get_shortfall(c, &r->shortfalls[p * r->n_rules + k], r->iterations);
    }
    return c->failed || c->at != c->len ? VS_EINPUT : VS_OK;
}

/* ---- a sensitivity analysis's Sobol rows -------------------------------- */

void vs_partial_put_sens(vs_pbuf *b, long n, size_t per_row, size_t r0,
                         size_t r1, const double *rows, size_t n_rules,
                         const vs_shortfall_sum *sf)
{
    vs_pbuf_i64(b, n);
    vs_pbuf_u64(b, per_row);
    vs_pbuf_u64(b, n_rules);
    vs_pbuf_u64(b, r0);
    vs_pbuf_u64(b, r1);
    for (size_t i = 0; i < (r1 - r0) * per_row; i++)
        vs_pbuf_f64(b, rows[i]);
    for (size_t r = 0; r < n_rules; r++) {
        vs_pbuf_u32(b, sf[r].kinds);
        vs_pbuf_i64(b, sf[r].draws);
    }
}

uint64_t vs_partial_sens_bound(size_t per_row, size_t r0, size_t r1,
                               size_t n_rules)
{
    return 5 * 8 + (uint64_t)(r1 - r0) * per_row * 8 + (uint64_t)n_rules * 12;
}

int vs_partial_get_sens(vs_pcur *c, long n, size_t per_row, size_t r0,
                        size_t r1, double *f, size_t n_rules,
                        unsigned *kinds, long *draws)
{
    expect_u64(c, (uint64_t)n);
    expect_u64(c, per_row);
    expect_u64(c, n_rules);
    expect_u64(c, r0);
    expect_u64(c, r1);
    if (c->failed || r1 < r0 || r1 > (size_t)n ||
        !vs_pcur_has(c, (uint64_t)(r1 - r0) * per_row, 8))
        return VS_EINPUT;
    for (size_t i = 0; i < (r1 - r0) * per_row; i++)
        f[r0 * per_row + i] = vs_pcur_f64(c);
    /* a row's evaluations: at most per_row / outputs of them short */
    for (size_t r = 0; r < n_rules; r++) {
        unsigned k = vs_pcur_u32(c);
        int64_t d = vs_pcur_i64(c);
        if (d < 0 || (uint64_t)d > (uint64_t)(r1 - r0) * per_row)
            c->failed = 1;
        kinds[r] |= k;
        draws[r] += (long)d;
    }
    return c->failed || c->at != c->len ? VS_EINPUT : VS_OK;
}
