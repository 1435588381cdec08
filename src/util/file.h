/* util/file.h: reading a whole file and finding a program on PATH, the
 * two things the loader, the CSV reader, the report and the gnuplot
 * writer each did with their own copy.  Internal: not installed. */
#ifndef VARDSIM_UTIL_FILE_H
#define VARDSIM_UTIL_FILE_H

#include <stddef.h>

/* Read the file at `path` into *text (NUL-terminated; free with free()),
 * its length in *len.  At most max + 1 bytes are read, so a file larger
 * than `max` is found without reading all of a huge one: then *len is
 * max + 1 and the caller refuses it (the text is its first max + 1
 * bytes).  max must be below SIZE_MAX - 1.  Returns 0; -1 when the file
 * cannot be opened or read, errno set (nothing allocated); -2 when
 * memory runs out, errno ENOMEM (nothing allocated). */
int vs_file_read(const char *path, size_t max, char **text, size_t *len);

/* The absolute path of program `name` on PATH, into buf (size n): the
 * first entry whose name/`name` is a regular file we may execute.
 * Relative and empty PATH entries are skipped (programs run from inside
 * an output folder, and a program found there is not one to run); an
 * unset PATH means "/usr/local/bin:/usr/bin:/bin".  Returns 1 when found,
 * 0 when not (buf then holds no path). */
int vs_file_find_program(const char *name, char *buf, size_t n);

#endif
