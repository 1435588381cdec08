/* cmd_merge.c: `--shard K/N --partial DIR` (compute one shard, write its
 * partial result) and `vardsim merge DIR... -o OUT` (check that the
 * partials belong together and cover 1..N once, then write exactly what
 * the whole run writes, through the command's own writers).  The format
 * is in docs/partial-format.md. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "analysis/sweep.h"
#include "engine/sim.h"
#include "out/partial.h"
#include "vardsim/load.h"
#include "vardsim/version.h"

void vs_cli_shard_range(long m, long k, long n, long *b0, long *b1)
{
    /* (K - 1) M fits a long: M <= 10^8 / 250 blocks, N <= 10^6. */
    *b0 = (k - 1) * m / n;
    *b1 = k * m / n;
}

/* The words a partial records: the command's, bar --shard, --partial and
 * --threads with their values (which may differ between shards). */
static int record_args(int argc, char **argv, vs_partial_head *h)
{
    h->args = calloc((size_t)argc + 1, sizeof *h->args);
    if (!h->args)
        return VS_ENOMEM;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--shard") == 0 || strcmp(argv[i], "--partial") == 0 ||
             strcmp(argv[i], "--threads") == 0) && i + 1 < argc) {
            i++;
            continue;
        }
        if (!(h->args[h->n_args] = strdup(argv[i])))
            return VS_ENOMEM;
        h->n_args++;
    }
    return VS_OK;
}

/* Compute the shard and write its partial into DIR (created if needed;
 * not locked: every shard may share it, each writes its own name
 * atomically). */
static int shard_write(vs_cli_job *j, int argc, char **argv, vs_scenario *sc,
                       vs_err *err)
{
    const vs_cli_common *c = j->c;
    vs_pbuf payload = {0};
    vs_partial_head h;
    memset(&h, 0, sizeof h);
    long blocks = 0;
    int st = j->shard(j, sc, c->shard_k, c->shard_n, &blocks, &payload, err);
    if (st != VS_OK) {
        vs_pbuf_free(&payload);
        return st;
    }
    snprintf(h.version, sizeof h.version, "%s", vs_version());
    snprintf(h.command, sizeof h.command, "%s", argv[0]);
    snprintf(h.sha256, sizeof h.sha256, "%s", j->invocation.scenario_sha256);
    h.k = c->shard_k;
    h.n = c->shard_n;
    h.blocks = blocks;
    unsigned char *bytes = NULL;
    size_t len = 0;
    st = record_args(argc, argv, &h);
    if (st == VS_OK)
        st = vs_partial_encode(&h, &payload, &bytes, &len);
    vs_pbuf_free(&payload);
    vs_partial_head_free(&h);
    if (st != VS_OK)
        return vs_err_set(err, st, NULL, 0, "out of memory");
    if (mkdir(c->partial_dir, 0777) != 0 && errno != EEXIST) {
        free(bytes);
        return vs_err_set(err, VS_EIO, c->partial_dir, 0, "cannot create the folder: %s",
                          strerror(errno));
    }
    char name[64], path[4096];
    vs_partial_name(c->shard_k, c->shard_n, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", c->partial_dir, name);
    st = vs_cli_write_file(path, (const char *)bytes, len, err);
    free(bytes);
    if (st == VS_OK && !c->quiet) {
        long b0, b1;
        vs_cli_shard_range(blocks, c->shard_k, c->shard_n, &b0, &b1);
        if (b1 > b0)
            fprintf(stderr, "%s: shard %ld of %ld (blocks %ld to %ld of %ld) wrote %s\n",
                    j->file, c->shard_k, c->shard_n, b0 + 1, b1, blocks, path);
        else
            fprintf(stderr, "%s: shard %ld of %ld (no block of %ld: the point "
                            "estimate only) wrote %s\n",
                    j->file, c->shard_k, c->shard_n, blocks, path);
    }
    return st;
}

/* shard_write through vs_cli_job_frame: the words it records. */
typedef struct shard_args {
    int argc;
    char **argv;
} shard_args;

static int shard_body(vs_cli_job *j, vs_scenario *sc, void *ctx, vs_err *err)
{
    const shard_args *a = ctx;
    return shard_write(j, a->argc, a->argv, sc, err);
}

int vs_cli_shard_main(vs_cli_job *j, int argc, char **argv)
{
    const vs_cli_common *c = j->c;
    if (!j->shard)
        return vs_cli_usage_error("%s does not take --shard", argv[0]);
    if (c->shard_n == 0 || !c->partial_dir)
        return vs_cli_usage_error("--shard K/N and --partial DIR go together%s", "");
    if (c->out_dir)
        return vs_cli_usage_error("-o is for merge: a shard writes into --partial DIR%s", "");
    char *cmdline = vs_cli_join_argv(argc, argv);
    shard_args a = {argc, argv};
    int st = vs_cli_job_frame(j, cmdline, shard_body, &a);
    free(cmdline);
    return st == VS_OK ? EXIT_DONE : vs_cli_exit_for(st);
}

/* Partial i's checks that need the loaded scenario: its SHA-256 and its
 * blocks (m); its range of blocks into b0, b1. */
static int part_check(const vs_cli_partials *p, size_t i,
                      const vs_provenance *invocation, long m, long *b0,
                      long *b1, vs_err *err)
{
    const vs_partial_head *h = &p->heads[i];
    const char *path = p->paths[i];
    if (strcmp(h->sha256, invocation->scenario_sha256) != 0)
        return vs_err_set(err, VS_EINPUT, path, 0,
                          "made from another scenario file than %s holds now "
                          "(SHA-256 %.12s..., now %.12s...): run merge where the "
                          "shards ran, on the same file",
                          invocation->scenario_path ? invocation->scenario_path : "?",
                          h->sha256, invocation->scenario_sha256);
    if (h->blocks != m)
        return vs_err_set(err, VS_EINPUT, path, 0,
                          "says %ld blocks, but the options make %ld", h->blocks, m);
    vs_cli_shard_range(m, h->k, h->n, b0, b1);
    return VS_OK;
}

/* The message for a payload that does not fit (st from a reader). */
static int part_refused(const vs_cli_partials *p, size_t i, int st, long b0,
                        long b1, size_t at, vs_err *err)
{
    const vs_partial_head *h = &p->heads[i];
    if (st == VS_ENOMEM)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    return vs_err_set(err, VS_EINPUT, p->paths[i], 0,
                      "damaged partial: its contents do not fit this scenario's "
                      "shard %ld of %ld (blocks %ld to %ld), near byte %zu of its payload",
                      h->k, h->n, b0 + 1, b1, at);
}

int vs_cli_merge_sweep(const vs_cli_partials *p, const vs_provenance *invocation,
                       vs_sweep_result *r, vs_err *err)
{
    int st = VS_OK;
    for (size_t i = 0; i < p->n && st == VS_OK; i++) {
        long b0, b1;
        if ((st = part_check(p, i, invocation, (long)r->n_points, &b0, &b1, err)) != VS_OK)
            break;
        unsigned char *buf = NULL;
        st = vs_partial_read_payload(p->paths[i], &p->heads[i],
                                     vs_partial_sweep_bound(r, (size_t)b0, (size_t)b1),
                                     &buf, err);
        if (st != VS_OK)
            break;
        vs_pcur cur = {buf, (size_t)p->heads[i].payload, 0, 0};
        st = vs_partial_get_sweep(&cur, r, (size_t)b0, (size_t)b1);
        free(buf);
        if (st != VS_OK)
            part_refused(p, i, st, b0, b1, cur.at, err);
    }
    return st;
}

int vs_cli_merge_sens(const vs_cli_partials *p, const vs_provenance *invocation,
                      long n, size_t per_row, double *f, size_t n_rules,
                      unsigned *kinds, long *draws, vs_err *err)
{
    int st = VS_OK;
    for (size_t i = 0; i < p->n && st == VS_OK; i++) {
        long b0, b1;
        if ((st = part_check(p, i, invocation, n, &b0, &b1, err)) != VS_OK)
            break;
        unsigned char *buf = NULL;
        st = vs_partial_read_payload(p->paths[i], &p->heads[i],
                                     vs_partial_sens_bound(per_row, (size_t)b0,
                                                           (size_t)b1, n_rules),
                                     &buf, err);
        if (st != VS_OK)
            break;
        vs_pcur cur = {buf, (size_t)p->heads[i].payload, 0, 0};
        st = vs_partial_get_sens(&cur, n, per_row, (size_t)b0, (size_t)b1, f,
                                 n_rules, kinds, draws);
        free(buf);
        if (st != VS_OK)
            part_refused(p, i, st, b0, b1, cur.at, err);
    }
    return st;
}

int vs_cli_merge_sim(const vs_cli_partials *p, const vs_scenario *sc,
                     const vs_provenance *invocation, uint64_t seed,
                     long iterations, int threads, vs_results **out,
                     vs_err *err)
{
    *out = NULL;
    vs_provenance prov;
    double t0 = vs_provenance_begin(&prov, sc->file, seed, iterations, 0);
    long m = vs_sim_blocks(iterations);
    vs_sim_acc *all = NULL;
    int st = VS_OK;
    for (size_t i = 0; i < p->n && st == VS_OK; i++) {
        const vs_partial_head *h = &p->heads[i];
        const char *path = p->paths[i];
        long b0, b1;
        if ((st = part_check(p, i, invocation, m, &b0, &b1, err)) != VS_OK)
            break;
        unsigned char *buf = NULL;
        st = vs_partial_read_payload(path, h, vs_partial_acc_bound(sc, iterations, b0, b1),
                                     &buf, err);
        if (st != VS_OK)
            break;
        vs_pcur cur = {buf, (size_t)h->payload, 0, 0};
        vs_sim_acc *a = NULL;
        st = vs_partial_get_acc(&cur, sc, iterations, b0, b1, &a);
        free(buf);
        if (st != VS_OK) {
            part_refused(p, i, st, b0, b1, cur.at, err);
            break;
        }
        if (!all)
            all = a;
        else {
            st = vs_sim_acc_append(all, a, err);
            if (st != VS_OK)
                vs_err_set(err, st, path, 0, "does not fit the shards before it");
            vs_sim_acc_free(a);
        }
    }
    if (st == VS_OK && all) {
        /* The record of the merge (the manifest's wall time is merge's) */
        prov.threads = all->threads;
        all->prov = prov;
        all->t0 = t0;
        st = vs_sim_finish(sc, all, threads, out, err);
    }
    vs_sim_acc_free(all);
    return st;
}

/* ---- vardsim merge ------------------------------------------------------ */

/* Whether `name` is exactly partial-K-of-N.vsp; sets k and n. */
static int partial_name(const char *name, long *k, long *n)
{
    char again[64];
    if (sscanf(name, "partial-%ld-of-%ld.vsp", k, n) != 2 || *k < 1 || *n < *k)
        return 0;
    vs_partial_name(*k, *n, again, sizeof again);
    return strcmp(again, name) == 0;
}

typedef struct found {
    char **paths;
    vs_partial_head *heads;
    const char **dirs;
    size_t n, cap;
} found;

static void found_free(found *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->paths[i]);
        vs_partial_head_free(&f->heads[i]);
    }
    free(f->paths);
    free(f->heads);
    free(f->dirs);
}

/* Every partial in dir, heads read.  Exit status on a problem. */
static int scan_dir(const char *dir, found *f)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "vardsim: merge: %s: cannot read the folder: %s\n", dir,
                strerror(errno));
        return EXIT_USAGE;
    }
    size_t before = f->n;
    struct dirent *e;
    int rc = EXIT_DONE;
    while ((e = readdir(d)) && rc == EXIT_DONE) {
        long k, n;
        if (!partial_name(e->d_name, &k, &n))
            continue;
        if (f->n == f->cap) {
            size_t cap = f->cap ? 2 * f->cap : 16;
            char **p = realloc(f->paths, cap * sizeof *p);
            if (p)
                f->paths = p;
            vs_partial_head *h = realloc(f->heads, cap * sizeof *h);
            if (h)
                f->heads = h;
            const char **ds = realloc(f->dirs, cap * sizeof *ds);
            if (ds)
                f->dirs = ds;
            if (!p || !h || !ds) {
                rc = EXIT_RUN;
                break;
            }
            f->cap = cap;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            rc = EXIT_RUN;
            break;
        }
        snprintf(path, len, "%s/%s", dir, e->d_name);
        vs_err err;
        vs_err_init(&err);
        if (vs_partial_read_head(path, &f->heads[f->n], &err) != VS_OK) {
            fprintf(stderr, "vardsim: merge: folder %s: ", dir);
            vs_cli_print_err(&err);
            free(path);
            rc = EXIT_USAGE;
        } else if (f->heads[f->n].k != k || f->heads[f->n].n != n) {
            fprintf(stderr, "vardsim: merge: folder %s: %s says it is shard %ld "
                            "of %ld: renamed?\n", dir, path, f->heads[f->n].k,
                    f->heads[f->n].n);
            vs_partial_head_free(&f->heads[f->n]);
            free(path);
            rc = EXIT_USAGE;
        } else {
            f->paths[f->n] = path;
            f->dirs[f->n] = dir;
            f->n++;
        }
        vs_err_free(&err);
    }
    closedir(d);
    if (rc == EXIT_DONE && f->n == before) {
        fprintf(stderr, "vardsim: merge: folder %s holds no partial result "
                        "(partial-K-of-N.vsp, written by --shard K/N --partial %s)\n",
                dir, dir);
        rc = EXIT_USAGE;
    }
    return rc;
}

/* What differs between two heads, or NULL. */
static const char *head_differs(const vs_partial_head *a, const vs_partial_head *b)
{
    if (strcmp(a->version, b->version) != 0)
        return "another vardsim version";
    if (strcmp(a->command, b->command) != 0)
        return "another command";
    if (strcmp(a->sha256, b->sha256) != 0)
        return "another scenario file (SHA-256)";
    if (a->n != b->n)
        return "another number of shards N";
    if (a->blocks != b->blocks)
        return "another number of blocks";
    if (a->n_args != b->n_args)
        return "other options";
    for (size_t i = 0; i < a->n_args; i++)
        if (strcmp(a->args[i], b->args[i]) != 0)
            return "other options (seed, -n, --set, outputs...)";
    return NULL;
}

/* The partials found, checked to belong together and to cover 1..N once,
 * into p in shard order. */
static int check_cover(found *f, vs_cli_partials *p)
{
    const vs_partial_head *h0 = &f->heads[0];
    for (size_t i = 1; i < f->n; i++) {
        const char *why = head_differs(h0, &f->heads[i]);
        if (why) {
            fprintf(stderr, "vardsim: merge: folder %s: %s was made with %s than "
                            "%s (folder %s); merge only the shards of one run\n",
                    f->dirs[i], f->paths[i], why, f->paths[0], f->dirs[0]);
            return EXIT_USAGE;
        }
    }
    size_t n = (size_t)h0->n;
    p->n = n;
    p->paths = calloc(n, sizeof *p->paths);
    p->heads = calloc(n, sizeof *p->heads);
    if (!p->paths || !p->heads)
        return EXIT_RUN;
    for (size_t i = 0; i < f->n; i++) {
        size_t k = (size_t)f->heads[i].k - 1;
        if (p->paths[k]) {
            size_t o = 0;
            while (f->paths[o] != p->paths[k])
                o++;
            fprintf(stderr, "vardsim: merge: folder %s: shard %zu of %zu twice: %s and %s\n",
                    f->dirs[i], k + 1, n, p->paths[k], f->paths[i]);
            return EXIT_USAGE;
        }
        p->paths[k] = f->paths[i];
        p->heads[k] = f->heads[i];
    }
    for (size_t k = 0; k < n; k++)
        if (!p->paths[k]) {
            int several = 0;
            for (size_t i = 1; i < f->n; i++)
                several |= f->dirs[i] != f->dirs[0];
            fprintf(stderr, "vardsim: merge: shard %zu of %zu is missing (looked in "
                            "folder%s", k + 1, n, several ? "s" : "");
            const char *last = NULL;
            for (size_t i = 0; i < f->n; i++)
                if (f->dirs[i] != last)
                    fprintf(stderr, " %s", last = f->dirs[i]);
            fprintf(stderr, ")\n");
            return EXIT_USAGE;
        }
    return EXIT_DONE;
}

/* argv for the command: its name, the recorded words, -o OUT. */
static char **merged_argv(const vs_partial_head *h, const char *out, int *argc)
{
    char **v = calloc(h->n_args + 4, sizeof *v);
    if (!v)
        return NULL;
    int n = 0;
    v[n++] = (char *)h->command;
    for (size_t i = 0; i < h->n_args; i++)
        v[n++] = h->args[i];
    v[n++] = "-o";
    v[n++] = (char *)out;
    *argc = n;
    return v;
}

int vs_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    int n_dirs = 0;
    if (!dirs)
        return EXIT_RUN;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc) {
                free(dirs);
                return vs_cli_usage_error("option %s needs a value", "-o");
            }
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            free(dirs);
            return vs_cli_usage_error("merge: unknown option '%s' (merge takes the "
                                      "folders and -o; every other option is given "
                                      "to the shards, which record it)", argv[i]);
        } else
            dirs[n_dirs++] = argv[i];
    }
    if (n_dirs == 0 || !out) {
        free(dirs);
        return vs_cli_usage_error("merge needs the folders of the partial results "
                                  "and -o OUT%s", "");
    }
    found f = {0};
    int rc = EXIT_DONE;
    for (int i = 0; i < n_dirs && rc == EXIT_DONE; i++)
        rc = scan_dir(dirs[i], &f);
    vs_cli_partials p = {0};
    if (rc == EXIT_DONE)
        rc = check_cover(&f, &p);
    if (rc == EXIT_DONE) {
        int n = 0;
        char **v = merged_argv(&p.heads[0], out, &n);
        if (!v)
            rc = EXIT_RUN;
        else if (strcmp(p.heads[0].command, "run") == 0)
            rc = vs_cmd_run_merged(n, v, &p);
        else if (strcmp(p.heads[0].command, "sweep") == 0)
            rc = vs_cmd_sweep_merged(n, v, &p);
        else if (strcmp(p.heads[0].command, "sensitivity") == 0)
            rc = vs_cmd_sensitivity_merged(n, v, &p);
        else {
            fprintf(stderr, "vardsim: merge: partials of '%s' cannot be merged by "
                            "this vardsim\n", p.heads[0].command);
            rc = EXIT_USAGE;
        }
        free(v);
    }
    free(p.paths);
    free(p.heads);
    found_free(&f);
    free(dirs);
    return rc;
}
