/* output.c: atomic output files and CSV writing (see output.h). */
#include "vardsim/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vs_outset_init(vs_outset *s)
{
    memset(s, 0, sizeof *s);
}

int vs_output_mkdir(const char *dir, vs_err *err)
{
    char path[4096];
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
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return vs_err_set(err, VS_EIO, path, 0, "cannot create folder: %s",
                          strerror(errno));
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return vs_err_set(err, VS_EIO, path, 0, "not a folder");
    return VS_OK;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

FILE *vs_outset_open(vs_outset *s, const char *dir, const char *name,
                     vs_err *err)
{
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
    o->path = join(dir, name);
    /* The temporary sits in the target folder: rename is atomic only
     * within one file system. */
    char tmpl[64];
    snprintf(tmpl, sizeof tmpl, ".%.40s.XXXXXX", name);
    o->tmp = join(dir, tmpl);
    if (!o->path || !o->tmp) {
        free(o->path), free(o->tmp);
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
        vs_err_set(err, VS_EIO, o->path, 0, "cannot write: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->path), free(o->tmp);
        return NULL;
    }
    /* mkstemp makes 0600 files; outputs are ordinary files. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    s->n++;
    return o->f;
}

int vs_outset_commit(vs_outset *s, vs_err *err)
{
    int st = VS_OK;
    for (size_t i = 0; i < s->n; i++) {
        vs_outfile *o = &s->files[i];
        if (!o->f)
            continue;
        int e = 0;
        if (fflush(o->f) != 0 || ferror(o->f))
            e = errno ? errno : EIO;
        if (fclose(o->f) != 0 && !e)
            e = errno ? errno : EIO;
        o->f = NULL;
        if (e && st == VS_OK)
            st = vs_err_set(err, VS_EIO, o->path, 0, "write failed: %s",
                            strerror(e));
    }
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
    return st;
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
    }
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
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', c->f);
        fputc(*p, c->f);
    }
    if (quote)
        fputc('"', c->f);
}

void vs_csv_num_text(vs_csv *c, const char *s)
{
    field_start(c);
    for (const char *p = s; *p; p++)
        fputc(*p == '.' ? c->dec : *p, c->f);
}

void vs_csv_num(vs_csv *c, double v)
{
    char buf[64] = "";
    if (!isnan(v))
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
