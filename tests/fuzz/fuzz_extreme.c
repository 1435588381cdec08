/* fuzz_extreme.c: a structured libFuzzer target: the fuzzer's bytes choose
 * a valid-looking scenario (centres, age bands, attributes, noise, every
 * rule type, extends and limits) whose numbers come from a table of edge
 * values (0, -0, subnormals, 1e-300, the bounds of every key and just past
 * them, 2^53 öre, 1e300, DBL_MAX, "1e999", plain integers past 32 bits),
 * which random bytes would almost never reach through the parser.  The
 * text is loaded and, when it loads, run for its point estimate and a few
 * draws.  Any crash, abort, assert or undefined behaviour is a finding.
 * FUZZ_PRINT=1 in the environment prints each generated scenario. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/load.h"
#include "vardsim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct src {
    const uint8_t *p;
    size_t n;
} src;

static unsigned take(src *s, unsigned range)
{
    if (range <= 1)
        return 0;
    unsigned v = 0;
    if (s->n) {
        v = *s->p++;
        s->n--;
    }
    return v % range;
}

/* Numbers as they would be typed.  Several are past a documented bound on
 * purpose: the loader must refuse them with a message. */
static const char *const edge[] = {
    "0.0", "-0.0", "1.0", "-1.0", "0.5", "2.0", "1.1", "0.999999",
    "1e-300", "4.9e-324", "1e-6", "1e-9", "0.05", "5.0", "5.000001", "10.0",
    "100.0", "1000.0", "1000.0001", "1e6", "1e8", "100000001.0", "1e9",
    "1e13", "1e14", "90071992547409.92", "90071992547409.93", "1e15",
    "1.0000001e15", "1e16", "1e300", "1.7976931348623157e308", "1e999",
    "-1e15", "-1e300", "3", "17", "2147483647", "2147483648",
    "9223372036854775807L", "12345", "0", "7L", "0x10", "1e-320",
};
#define N_EDGE (sizeof edge / sizeof *edge)

static const char *num(src *s)
{
    return edge[take(s, N_EDGE)];
}

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (w < 0)
            return;
        if ((size_t)w < b->cap - b->len) {
            b->len += (size_t)w;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)w;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
}

/* A number, or (one time in eight) a distribution over edge values. */
static void value(buf *b, src *s)
{
    static const char *const kinds[] = {"normal", "lognormal", "uniform",
                                        "triangular", "pert"};
    if (take(s, 8) != 0) {
        put(b, "%s", num(s));
        return;
    }
    unsigned k = take(s, 5);
    switch (k) {
    case 0:
        put(b, "{ dist = \"normal\"; mean = %s; sd = %s;", num(s), num(s));
        if (take(s, 2))
            put(b, " min = %s; max = %s;", num(s), num(s));
        break;
    case 1:
        put(b, "{ dist = \"lognormal\"; median = %s; sigma = %s;", num(s), num(s));
        break;
    case 2:
        put(b, "{ dist = \"uniform\"; min = %s; max = %s;", num(s), num(s));
        break;
    default:
        put(b, "{ dist = \"%s\"; min = %s; mode = %s; max = %s;", kinds[k],
            num(s), num(s), num(s));
        break;
    }
    if (take(s, 3) == 0)
        put(b, " stream = \"s%u\";", take(s, 2));
    put(b, " }");
}

/* Rule number r of a variant: distinct ids, since two rules of one type
 * need them. */
static void rule(buf *b, src *s, unsigned nc, unsigned r, unsigned nv)
{
    static const char *const splits[] = {"equal", "listed", "listed_cni",
                                         "listed_excess"};
    static const char *const methods[] = {"proportional", "per_capita",
                                          "need_protected"};
    put(b, "{ id = \"r%u\"; ", r);
    switch (take(s, 7)) {
    case 0:
        put(b, "type = \"capitation\"; %s = ", take(s, 4) ? "pot" : "per_capita");
        value(b, s);
        put(b, "; cni_share = ");
        value(b, s);
        put(b, ";");
        break;
    case 1:
        put(b, "type = \"cni_threshold\"; pot = ");
        value(b, s);
        put(b, "; threshold = %s; split = \"%s\";", num(s), splits[take(s, 4)]);
        if (take(s, 3) == 0)
            put(b, " cap = %s;", num(s));
        if (take(s, 3) == 0)
            put(b, " floor = %s;", num(s));
        break;
    case 2: {
        unsigned nt = 1 + take(s, 3);
        put(b, "type = \"tiered\"; tiers = (");
        for (unsigned t = 0; t < nt; t++)
            put(b, "%s{ above = %s; %s = %s; }", t ? ", " : "", num(s),
                take(s, 2) ? "amount" : "per_listed", num(s));
        put(b, ");");
        if (take(s, 2))
            put(b, " pot = %s;", num(s));
        break;
    }
    case 3: {
        unsigned ng = 1 + take(s, nc);
        put(b, "type = \"grant\"; to = [");
        for (unsigned g = 0; g < ng; g++)
            put(b, "%s\"c%u\"", g ? ", " : "", take(s, nc + 1));
        put(b, "]; amounts = [");
        for (unsigned g = 0; g < ng; g++)
            put(b, "%s%s", g ? ", " : "", num(s));
        put(b, "];");
        break;
    }
    case 4:
        put(b, "type = \"targeted\"; score = [\"%s\"]; %s = %s; pot = ",
            take(s, 3) == 0 ? "a0" : take(s, 2) ? "cni" : "listed",
            take(s, 2) ? "top" : "top_share", take(s, 2) ? "2" : num(s));
        value(b, s);
        put(b, ";");
        break;
    case 5:
        put(b, "type = \"cut\"; %s = ", take(s, 3) ? "amount" : "deficit_share");
        value(b, s);
        put(b, "; method = \"%s\";", methods[take(s, 3)]);
        if (take(s, 3) == 0)
            put(b, " alpha = %s;", num(s));
        if (take(s, 3) == 0)
            put(b, " max_cut_share = %s;", num(s));
        break;
    default:
        put(b, "type = \"limit\"; relative_to = \"v%u\"; max_loss = %s;",
            take(s, nv), num(s));
        if (take(s, 2))
            put(b, " max_gain = %s;", num(s));
        break;
    }
    put(b, " }");
}

static char *generate(src *s)
{
    buf b = {malloc(4096), 0, 4096};
    if (!b.p)
        abort();
    unsigned nc = 1 + take(s, 6), nv = 1 + take(s, 4), bands = take(s, 3);
    put(&b, "scenario = { name = \"x\"; high_need_cni = %s; };\n", take(s, 4) ? "1.1" : num(s));
    put(&b, "region = { name = \"r\";");
    if (take(s, 2)) {
        put(&b, " deficit = ");
        value(&b, s);
        put(&b, ";");
    }
    if (bands) {
        put(&b, " age_bands = [");
        for (unsigned a = 0; a < bands; a++)
            put(&b, "%s\"b%u\"", a ? ", " : "", a);
        put(&b, "]; age_weights = [");
        for (unsigned a = 0; a < bands; a++) {
            put(&b, "%s", a ? ", " : "");
            value(&b, s);
        }
        put(&b, "];");
    }
    put(&b, " };\ncentres = (\n");
    for (unsigned c = 0; c < nc; c++) {
        const char *listed = take(s, 3) ? "1000" : num(s);
        put(&b, "  { id = \"c%u\"; name = \"C%u\"; listed = %s; cni = %s;", c, c,
            listed, take(s, 3) ? "1.2" : num(s));
        if (bands && take(s, 2)) {
            put(&b, " listed_by_age = [");
            for (unsigned a = 0; a < bands; a++)
                put(&b, "%s%s", a ? ", " : "", a == 0 ? listed : "0");
            put(&b, "];");
        }
        if (take(s, 2))
            put(&b, " attrs = { a0 = %s; };", num(s));
        put(&b, " }%s\n", c + 1 < nc ? "," : "");
    }
    put(&b, ");\n");
    if (take(s, 2)) {
        put(&b, "uncertainty = {");
        if (take(s, 2))
            put(&b, " cni = { dist = \"lognormal\"; sigma = %s; };", num(s));
        if (take(s, 2))
            put(&b, " listed = { dist = \"normal\"; sd = %s; relative = %s; };",
                num(s), take(s, 2) ? "true" : "false");
        put(&b, " };\n");
    }
    put(&b, "variants = (\n");
    for (unsigned v = 0; v < nv; v++) {
        put(&b, "  { id = \"v%u\"; name = \"V%u\";", v, v);
        if (v > 0 && take(s, 2))
            put(&b, " extends = \"v%u\";", take(s, v));
        unsigned nr = 1 + take(s, 3);
        put(&b, " rules = ( ");
        for (unsigned r = 0; r < nr; r++) {
            put(&b, "%s", r ? ", " : "");
            rule(&b, s, nc, r, nv);
        }
        put(&b, " ); }%s\n", v + 1 < nv ? "," : "");
    }
    put(&b, ");\n");
    return b.p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    src s = {data, size};
    char *text = generate(&s);
    if (getenv("FUZZ_PRINT"))
        fputs(text, stdout);
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    if (vs_load_string(text, "extreme.cfg", &sc, &err) == VS_OK) {
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 1 + (size ? data[0] : 0);
        o.iterations = 3;
        o.threads = 1;
        vs_results *r = NULL;
        vs_err run_err;
        vs_err_init(&run_err);
        int st = vs_sim_run(sc, &o, &r, &run_err);
        if ((st == VS_OK) != (r != NULL))
            abort();
        vs_results_free(r);
        vs_err_free(&run_err);
    }
    vs_scenario_free(sc);
    vs_err_free(&err);
    free(text);
    return 0;
}
