/* output.c: atomic output sets in a locked folder, and CSV writing (see
 * output.h). */
/* fopencookie (glibc): every write goes through write(2) here, so the
 * errno of the first failed write is kept for the message.  stdio's own
 * error flag forgets it, and errno by the commit is whatever a later call
 * left (the first version reported a full disk as "No such file or
 * directory"). */
#define _GNU_SOURCE
#include "vardsim/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where one stream writes: a heap object, so it stays put while the
 * set's array of files grows. */
struct vs_outsink {
    int fd;
    int err; /* first errno, 0 when none */
};

void vs_outset_init(vs_outset *s)
{
    memset(s, 0, sizeof *s);
    s->lock_fd = -1;
}

/* mkdir -p; *made (may be NULL) tells whether the last part was created. */
static int make_dirs(const char *dir, int *made, vs_err *err)
{
    char path[4096];
    if (made)
        *made = 0;
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return vs_err_set(err, VS_EIO, dir, 0, "output folder name is too long");
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return vs_err_set(err, VS_EIO, path, 0, "cannot create folder: %s",
                              strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0777) == 0) {
        if (made)
            *made = 1;
    } else if (errno != EEXIST) {
        return vs_err_set(err, VS_EIO, path, 0, "cannot create folder: %s",
                          strerror(errno));
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return vs_err_set(err, VS_EIO, path, 0, "not a folder");
    return VS_OK;
}

int vs_output_mkdir(const char *dir, vs_err *err)
{
    return make_dirs(dir, NULL, err);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* ---- async-signal-safe string building (no snprintf in a handler) ---- */

static size_t put_str(char *buf, size_t n, size_t at, const char *s)
{
    while (*s && at + 1 < n)
        buf[at++] = *s++;
    buf[at < n ? at : n - 1] = '\0';
    return at;
}

static size_t put_ulong(char *buf, size_t n, size_t at, unsigned long v)
{
    char digits[24];
    int k = 0;
    do
        digits[k++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (k > 0 && at + 1 < n)
        buf[at++] = digits[--k];
    buf[at < n ? at : n - 1] = '\0';
    return at;
}

int vs_output_render_tmp(const char *dir, char *buf, size_t n)
{
    size_t at = put_str(buf, n, 0, dir);
    at = put_str(buf, n, at, "/" VS_OUTPUT_TMP_PREFIX);
    at = put_ulong(buf, n, at, (unsigned long)getpid());
    at = put_str(buf, n, at, ".render");
    return at + 1 < n ? 0 : -1;
}

/* ---- the lock --------------------------------------------------------- */

/* Who holds the lock, from the lock file's first line ("" if unknown). */
static void read_holder(int fd, char *buf, size_t n)
{
    ssize_t got = pread(fd, buf, n - 1, 0);
    buf[got > 0 ? got : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

/* flock the lock file.  The file is removed when a run ends, so after the
 * lock is granted the name must still be the file we locked: otherwise
 * the holder removed it in between and we try again on the new one. */
static int take_lock(vs_outset *s, const char *holder, vs_err *err)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            return vs_err_set(err, VS_EIO, s->lock_path, 0,
                              "cannot lock the output folder: %s",
                              strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            char who[512];
            read_holder(fd, who, sizeof who);
            close(fd);
            if (e != EWOULDBLOCK)
                return vs_err_set(err, VS_EIO, s->lock_path, 0,
                                  "cannot lock the output folder: %s",
                                  strerror(e));
            /* What to do about it is the caller's to say (vs_outset.busy):
             * a run can take another folder, a report cannot. */
            s->busy = 1;
            return vs_err_set(err, VS_EIO, s->dir, 0,
                              "output folder in use by another vardsim "
                              "process%s%s%s", *who ? " (" : "", who,
                              *who ? ")" : "");
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(s->lock_path, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            s->lock_fd = fd;
            char line[1024];
            int len = snprintf(line, sizeof line, "pid %ld: %s\n", (long)getpid(),
                               holder ? holder : "vardsim");
            if (len >= (int)sizeof line)
                len = (int)sizeof line - 1, line[len - 1] = '\n';
            /* Best effort: the text only names us to a refused run. */
            if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)len, 0) < 0)
                (void)0;
            return VS_OK;
        }
        close(fd);
    }
    return vs_err_set(err, VS_EIO, s->lock_path, 0,
                      "cannot lock the output folder: it keeps changing");
}

/* Remove what killed runs left: regular files named with our temporary
 * prefix, in this folder only.  Safe under the lock: a live run holds it. */
static int remove_stale(const char *dir, vs_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return vs_err_set(err, VS_EIO, dir, 0, "cannot read folder: %s",
                          strerror(errno));
    int st = VS_OK;
    const struct dirent *e;
    size_t plen = strlen(VS_OUTPUT_TMP_PREFIX);
    while (st == VS_OK && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, VS_OUTPUT_TMP_PREFIX, plen) != 0)
            continue;
        struct stat sb;
        if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(sb.st_mode))
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) != 0 && errno != ENOENT)
            st = vs_err_set(err, VS_EIO, dir, 0,
                            "cannot remove the stale temporary file %s: %s",
                            e->d_name, strerror(errno));
    }
    closedir(d);
    return st;
}

static int set_dir(vs_outset *s, const char *dir, vs_err *err)
{
    char pre[128];
    snprintf(pre, sizeof pre, VS_OUTPUT_TMP_PREFIX "%ld.%lx.", (long)getpid(),
             (unsigned long)(uintptr_t)s);
    /* Stored only once whole: a signal handler may read them. */
    char *d = malloc(strlen(dir) + 1), *t = join(dir, pre);
    if (!d || !t) {
        free(d), free(t);
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    }
    strcpy(d, dir);
    s->tmp_prefix = t;
    s->dir = d;
    return VS_OK;
}

int vs_outset_begin(vs_outset *s, const char *dir, const char *holder,
                    vs_err *err)
{
    if (s->dir)
        return vs_err_set(err, VS_ERUN, dir, 0, "output set begun twice");
    int st = make_dirs(dir, &s->made_dir, err);
    if (st == VS_OK)
        st = set_dir(s, dir, err);
    if (st == VS_OK && !(s->lock_path = join(dir, VS_OUTPUT_LOCK_NAME)))
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    if (st == VS_OK)
        st = take_lock(s, holder, err);
    if (st == VS_OK)
        st = remove_stale(dir, err);
    /* A folder we made but could not lock was made for nothing. */
    if (st != VS_OK && s->made_dir && s->lock_fd < 0) {
        rmdir(dir);
        s->made_dir = 0;
    }
    return st;
}

/* ---- the files -------------------------------------------------------- */

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    struct vs_outsink *k = cookie;
    if (k->err)
        return 0; /* once broken, stay broken: the first cause is the one */
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(k->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            k->err = w < 0 ? errno : EIO;
            break;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int sink_close(void *cookie)
{
    struct vs_outsink *k = cookie;
    int r = 0;
    if (k->fd >= 0 && close(k->fd) != 0) {
        if (!k->err)
            k->err = errno;
        r = -1;
    }
    k->fd = -1;
    return r;
}

/* Open the set's next temporary.  O_EXCL: an existing name can only be a
 * leftover of a dead process whose pid we now have; it is ours to remove. */
static int open_tmp(vs_outset *s, vs_outfile *o, vs_err *err)
{
    char k[24];
    snprintf(k, sizeof k, "%ld", (long)s->n_tmp);
    size_t n = strlen(s->tmp_prefix) + strlen(k) + 1;
    if (!(o->tmp = malloc(n)))
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    snprintf(o->tmp, n, "%s%s", s->tmp_prefix, k);
    /* Counted before it exists, so a handler never misses one. */
    s->n_tmp++;
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST && unlink(o->tmp) == 0)
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return vs_err_set(err, VS_EIO, o->path, 0, "cannot write: %s",
                          strerror(e));
    }
    o->fd = fd;
    return VS_OK;
}

/* A new entry for dir/name with its temporary open (o->fd), or NULL. */
static vs_outfile *new_file(vs_outset *s, const char *dir, const char *name,
                            vs_err *err)
{
    if (!s->dir && set_dir(s, dir, err) != VS_OK)
        return NULL;
    if (strcmp(dir, s->dir) != 0) {
        vs_err_set(err, VS_ERUN, dir, 0,
                   "one output set writes one folder (%s), not also this one",
                   s->dir);
        return NULL;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        vs_outfile *p = realloc(s->files, cap * sizeof *p);
        if (!p) {
            vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
            return NULL;
        }
        s->files = p;
        s->cap = cap;
    }
    vs_outfile *o = &s->files[s->n];
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (!(o->path = join(dir, name)) || !(o->sink = malloc(sizeof *o->sink))) {
        free(o->path);
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    /* The temporary sits in the target folder: rename is atomic only
     * within one file system. */
    if (open_tmp(s, o, err) != VS_OK) {
        free(o->path), free(o->sink);
        return NULL;
    }
    o->sink->fd = o->fd;
    o->sink->err = 0;
    return o;
}

FILE *vs_outset_open(vs_outset *s, const char *dir, const char *name,
                     vs_err *err)
{
    vs_outfile *o = new_file(s, dir, name, err);
    if (!o)
        return NULL;
    cookie_io_functions_t io = {NULL, sink_write, NULL, sink_close};
    if (!(o->f = fopencookie(o->sink, "w", io))) {
        vs_err_set(err, VS_ENOMEM, o->path, 0, "cannot write: out of memory");
        close(o->fd);
        unlink(o->tmp);
        free(o->path), free(o->tmp), free(o->sink);
        return NULL;
    }
    s->n++;
    return o->f;
}

const char *vs_outset_reserve(vs_outset *s, const char *dir, const char *name,
                              vs_err *err)
{
    vs_outfile *o = new_file(s, dir, name, err);
    if (!o)
        return NULL;
    close(o->fd);
    o->fd = o->sink->fd = -1;
    s->n++;
    return o->tmp;
}

int vs_outset_remove(vs_outset *s, const char *dir, const char *name,
                     vs_err *err)
{
    if (s->n_removals == s->cap_removals) {
        size_t cap = s->cap_removals ? 2 * s->cap_removals : 16;
        char **p = realloc(s->removals, cap * sizeof *p);
        if (!p)
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        s->removals = p;
        s->cap_removals = cap;
    }
    if (!(s->removals[s->n_removals] = join(dir, name)))
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    s->n_removals++;
    return VS_OK;
}

/* Close one stream; its first write error, or 0. */
static int close_file(vs_outfile *o)
{
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = o->sink->err ? o->sink->err : EIO;
    if (fclose(o->f) != 0 && !e)
        e = o->sink->err ? o->sink->err : EIO;
    o->f = NULL;
    o->fd = -1;
    return e;
}

/* Is `path` one of the files the set writes (so not to be removed)? */
static int in_set(const vs_outset *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->files[i].path, path) == 0)
            return 1;
    return 0;
}

int vs_outset_commit(vs_outset *s, vs_err *err)
{
    int st = VS_OK;
    for (size_t i = 0; i < s->n; i++) {
        vs_outfile *o = &s->files[i];
        if (!o->f)
            continue;
        int e = close_file(o);
        if (e && st == VS_OK)
            st = vs_err_set(err, VS_EIO, o->path, 0, "write failed: %s",
                            strerror(e));
    }
    if (st != VS_OK)
        return st;
    /* No signal between the first rename and the last removal. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (size_t i = 0; st == VS_OK && i < s->n; i++) {
        vs_outfile *o = &s->files[i];
        if (rename(o->tmp, o->path) != 0)
            st = vs_err_set(err, VS_EIO, o->path, 0, "cannot rename: %s",
                            strerror(errno));
        else {
            free(o->tmp);
            o->tmp = NULL;
        }
    }
    for (size_t i = 0; st == VS_OK && i < s->n_removals; i++)
        if (!in_set(s, s->removals[i]) && unlink(s->removals[i]) != 0 &&
            errno != ENOENT)
            st = vs_err_set(err, VS_EIO, s->removals[i], 0,
                            "cannot remove the earlier file: %s",
                            strerror(errno));
    if (st == VS_OK)
        s->committed = 1;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}

void vs_outset_abandon(const vs_outset *s)
{
    if (!s || !s->dir || !s->tmp_prefix)
        return;
    char path[4200];
    long n = (long)s->n_tmp;
    for (long k = 0; k < n; k++) {
        size_t at = put_str(path, sizeof path, 0, s->tmp_prefix);
        put_ulong(path, sizeof path, at, (unsigned long)k);
        unlink(path);
    }
    if (vs_output_render_tmp(s->dir, path, sizeof path) == 0)
        unlink(path);
    if (s->lock_path)
        unlink(s->lock_path);
    if (s->made_dir && !s->committed)
        rmdir(s->dir);
}

void vs_outset_free(vs_outset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        vs_outfile *o = &s->files[i];
        if (o->f)
            fclose(o->f);
        if (o->tmp)
            unlink(o->tmp);
        free(o->tmp);
        free(o->path);
        free(o->sink);
    }
    for (size_t i = 0; i < s->n_removals; i++)
        free(s->removals[i]);
    if (s->lock_fd >= 0) {
        /* Unlink before unlocking: a run waiting on this file then sees
         * that its name has gone and opens a new one (take_lock). */
        unlink(s->lock_path);
        if (s->made_dir && !s->committed)
            rmdir(s->dir);
        close(s->lock_fd);
    }
    free(s->removals);
    free(s->lock_path);
    free(s->tmp_prefix);
    free(s->dir);
    free(s->files);
    vs_outset_init(s);
}

void vs_csv_begin(vs_csv *c, FILE *f, int swedish)
{
    c->f = f;
    c->sep = swedish ? ';' : ',';
    c->dec = swedish ? ',' : '.';
    c->eol = swedish ? "\r\n" : "\n";
    c->at_start = 1;
    if (swedish)
        fputs("\xEF\xBB\xBF", f);
}

static void field_start(vs_csv *c)
{
    if (!c->at_start)
        fputc(c->sep, c->f);
    c->at_start = 0;
}

void vs_csv_text(vs_csv *c, const char *s)
{
    field_start(c);
    int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                  s[0] == '\t' || s[0] == '\r';
    int quote = strchr(s, c->sep) || strchr(s, '"') || strchr(s, '\n') ||
                strchr(s, '\r');
    if (quote)
        fputc('"', c->f);
    if (formula)
        fputc('\'', c->f);
    /* putc_unlocked (as vs_gp_put_id): the tables are written by one
     * thread, and the stream's lock per character was a tenth of a run of
     * 100,000 centres */
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc_unlocked('"', c->f);
        putc_unlocked(*p, c->f);
    }
    if (quote)
        fputc('"', c->f);
}

void vs_csv_num_text(vs_csv *c, const char *s)
{
    field_start(c);
    for (const char *p = s; *p; p++)
        putc_unlocked(*p == '.' ? c->dec : *p, c->f);
}

void vs_csv_num(vs_csv *c, double v)
{
    char buf[64] = "";
    /* undefined (NaN) or non-finite: an empty cell, in every table */
    if (isfinite(v))
        snprintf(buf, sizeof buf, "%.10g", v);
    vs_csv_num_text(c, buf);
}

void vs_csv_money(vs_csv *c, vs_ore v)
{
    char buf[48];
    vs_money_format(v, '.', buf, sizeof buf);
    vs_csv_num_text(c, buf);
}

void vs_csv_money_d(vs_csv *c, double ore)
{
    char buf[48];
    vs_money_format_double(ore, '.', buf, sizeof buf);
    vs_csv_num_text(c, buf);
}

void vs_csv_end_row(vs_csv *c)
{
    fputs(c->eol, c->f);
    c->at_start = 1;
}
