#include "vardsim/version.h"

/* The Makefile passes -DVS_VERSION from the VERSION file; a build outside
 * it still links. */
#ifndef VS_VERSION
#define VS_VERSION "0.0.0"
#endif

const char *vs_version(void)
{
    return VS_VERSION;
}
