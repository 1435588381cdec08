/* import.h: a table of centres (table_read.h) -> scenario text.
 *
 * Columns are found by their header, trimmed and compared without regard
 * to case, by exact names only: id; name or namn; listed or listade; cni;
 * age bands ("0-6", "80+": they become listed_by_age and the region's
 * age_bands, with age_weights 1.0 to be replaced); every other column
 * whose non-empty cells are all numbers becomes an attribute (its key made
 * a valid name); any other column is skipped with a note.  listed and cni
 * are required, and an id or a name.  Ids (and attribute keys) are
 * lower-case ASCII: diacritics stripped, other runs of characters -> '_',
 * duplicates get _2, _3 in row order.  Every problem names the row and
 * column as the spreadsheet shows them. */
#ifndef VARDSIM_IMPORT_H
#define VARDSIM_IMPORT_H

#include <stddef.h>

#include "model/table_read.h"
#include "vardsim/error.h"

typedef struct vs_import_opts {
    const char *file;  /* the file as the user named it (messages, comment) */
    double pot;        /* the baseline's capitation pot in SEK; NAN: none */
    int centres_only;  /* write only the centres block */
} vs_import_opts;

/* Write the scenario for table `t` into *text (malloc'd, NUL-terminated;
 * caller frees).  *notes gets the notes for standard error (skipped
 * columns), one "note: ...\n" a line, or NULL.  Returns VS_OK, VS_EINPUT
 * with every problem in err (file, then "row R, column 'C': ..."), or
 * VS_ENOMEM. */
int vs_import_scenario(const vs_table *t, const vs_import_opts *o,
                       char **text, char **notes, vs_err *err);

/* A valid id from any text into buf (n >= 2): lower case, diacritics of
 * Latin letters stripped (å -> a, æ -> ae, ß -> ss), every other run of
 * characters -> one '_', none at either end, at most n - 1 bytes;
 * "centre" when nothing is left. */
void vs_import_make_id(const char *text, char *buf, size_t n);

#endif
