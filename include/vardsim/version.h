/* version.h: the library's version, for embedders and manifests. */
#ifndef VARDSIM_VERSION_H
#define VARDSIM_VERSION_H

/* The version this library was built as ("1.2.0", from the VERSION file
 * at build time).  A static string: never free it. */
const char *vs_version(void);

#endif
