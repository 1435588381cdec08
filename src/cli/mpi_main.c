/* mpi_main.c: build/vardsim-mpi (`make MPI=1`, Open MPI): `mpirun -np R
 * vardsim-mpi run SCENARIO.cfg [options] -o OUT` computes shard r + 1 of
 * R on rank r, exactly as `vardsim run --shard r+1/R` does, sends the
 * partial result to rank 0 as bytes, and rank 0 writes OUT through the
 * same merge as `vardsim merge` (docs/cluster.md, docs/partial-format.md).
 * Nothing is reduced by MPI but the ranks' exit statuses (integers): the
 * partials carry integer sums and values combined in block order by the
 * merge code, so the output is the single process's, byte for byte. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <mpi.h>

#include "cli.h"
#include "out/partial.h"
#include "vardsim/output.h"

/* What main.c defines for vardsim (cli.h): the flag the simulator polls
 * and the set a signal handler would clean up (vardsim-mpi installs no
 * handler: mpirun ends its ranks). */
volatile sig_atomic_t vs_cli_interrupted;
vs_outset *volatile vs_cli_active_set;

/* MPI counts are int: bytes travel in pieces of at most 1 GiB. */
#define PIECE (1 << 30)

static int send_bytes(const unsigned char *p, uint64_t n, int to)
{
    for (uint64_t at = 0; at < n; at += PIECE) {
        int len = (int)(n - at < PIECE ? n - at : PIECE);
        if (MPI_Send(p + at, len, MPI_BYTE, to, 1, MPI_COMM_WORLD) != MPI_SUCCESS)
            return -1;
    }
    return 0;
}

static int recv_bytes(unsigned char *p, uint64_t n, int from)
{
    for (uint64_t at = 0; at < n; at += PIECE) {
        int len = (int)(n - at < PIECE ? n - at : PIECE);
        if (MPI_Recv(p + at, len, MPI_BYTE, from, 1, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
    }
    return 0;
}

static unsigned char *read_all(const char *path, uint64_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *p = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len >= 0 && fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)len + 1)) &&
            fread(p, 1, (size_t)len, f) != (size_t)len) {
            free(p);
            p = NULL;
        }
        *n = (uint64_t)(len > 0 ? len : 0);
    }
    fclose(f);
    return p;
}

static int write_all(const char *path, const unsigned char *p, uint64_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(p, 1, (size_t)n, f) == (size_t)n;
    ok &= fclose(f) == 0;
    return ok ? 0 : -1;
}

/* A private folder for partials: $TMPDIR or /tmp. */
static int make_tmp(char *buf, size_t n)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, n, "%s/vardsim-mpi-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(buf) ? 0 : -1;
}

/* Rank `rank` of `ranks`: its shard into tmp; returns an exit status. */
static int run_shard(int argc, char **argv, int rank, int ranks,
                     const char *tmp, const char **out)
{
    /* argv: vardsim-mpi run ARGS...; the shard gets run ARGS without
     * -o OUT, plus --shard, --partial and --quiet */
    char **v = calloc((size_t)argc + 8, sizeof *v);
    if (!v)
        return EXIT_RUN;
    int n = 0;
    v[n++] = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            *out = argv[++i];
            continue;
        }
        v[n++] = argv[i];
    }
    char shard[64];
    snprintf(shard, sizeof shard, "%d/%d", rank + 1, ranks);
    v[n++] = "--shard";
    v[n++] = shard;
    v[n++] = "--partial";
    v[n++] = (char *)tmp;
    v[n++] = "--quiet";
    int rc = !*out ? EXIT_USAGE
             : strcmp(argv[1], "sweep") == 0 ? vs_cmd_sweep(n, v)
             : strcmp(argv[1], "sensitivity") == 0 ? vs_cmd_sensitivity(n, v)
             : vs_cmd_run(n, v);
    if (!*out && rank == 0)
        fprintf(stderr, "vardsim-mpi: -o OUT is needed (the folder rank 0 writes)\n");
    free(v);
    return rc;
}

/* Rank 0: every other rank's partial into tmp, then the merge. */
static int gather_and_merge(int ranks, const char *tmp, const char *out,
                            const uint64_t *lens)
{
    int rc = EXIT_DONE;
    for (int r = 1; r < ranks; r++) {
        unsigned char *p = malloc(lens[r] ? (size_t)lens[r] : 1);
        char name[64], path[4096];
        vs_partial_name(r + 1, ranks, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", tmp, name);
        if (!p || recv_bytes(p, lens[r], r) != 0 || write_all(path, p, lens[r]) != 0) {
            fprintf(stderr, "vardsim-mpi: the partial of rank %d could not be "
                            "received or kept in %s\n", r, tmp);
            rc = EXIT_RUN;
        }
        free(p);
    }
    if (rc == EXIT_DONE) {
        char *v[] = {"merge", (char *)tmp, "-o", (char *)out, NULL};
        rc = vs_cmd_merge(4, v);
    }
    return rc;
}

/* Remove the partials (and the folder) a rank made. */
static void clean_tmp(const char *tmp, int ranks)
{
    for (int r = 0; r < ranks; r++) {
        char name[64], path[4096];
        vs_partial_name(r + 1, ranks, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", tmp, name);
        unlink(path);
    }
    rmdir(tmp);
}

int main(int argc, char **argv)
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
        return EXIT_RUN;
    gsl_set_error_handler_off();
    signal(SIGXFSZ, SIG_IGN);
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int rc = EXIT_DONE;
    char tmp[4096] = "";
    const char *out = NULL;
    if (argc < 3 || (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "sweep") != 0 &&
                     strcmp(argv[1], "sensitivity") != 0)) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -np R vardsim-mpi run|sweep|sensitivity SCENARIO.cfg "
                            "[its options] -o OUT\n");
        rc = EXIT_USAGE;
    } else if (make_tmp(tmp, sizeof tmp) != 0) {
        fprintf(stderr, "vardsim-mpi: rank %d: cannot make a folder in %s: %s\n",
                rank, getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
        rc = EXIT_RUN;
        tmp[0] = '\0';
    } else
        rc = run_shard(argc, argv, rank, ranks, tmp, &out);

    /* Every rank learns the worst status (integers only). */
    int worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    uint64_t len = 0;
    unsigned char *mine = NULL;
    if (worst == EXIT_DONE) {
        char name[64], path[4096];
        vs_partial_name(rank + 1, ranks, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", tmp, name);
        if (rank != 0 && !(mine = read_all(path, &len)))
            rc = EXIT_RUN;
    }
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst == EXIT_DONE) {
        uint64_t *lens = rank == 0 ? calloc((size_t)ranks, sizeof *lens) : NULL;
        MPI_Gather(&len, 1, MPI_UINT64_T, lens, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
        if (rank == 0)
            rc = lens ? gather_and_merge(ranks, tmp, out, lens) : EXIT_RUN;
        else if (send_bytes(mine, len, 0) != 0)
            rc = EXIT_RUN;
        free(lens);
    }
    free(mine);
    if (tmp[0])
        clean_tmp(tmp, ranks);
    /* rank 0's merge status is the run's */
    int final = worst != EXIT_DONE ? worst : rc;
    MPI_Bcast(&final, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return final;
}
