/* sha256.h: SHA-256 (FIPS 180-4) for the manifest's scenario checksum. */
#ifndef VARDSIM_SHA256_H
#define VARDSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct vs_sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t fill;
} vs_sha256;

void vs_sha256_init(vs_sha256 *s);
void vs_sha256_update(vs_sha256 *s, const void *data, size_t n);
/* Finish and write 64 lowercase hex digits and a NUL to hex[65]. */
void vs_sha256_hex(vs_sha256 *s, char hex[65]);

/* Hash a whole file; returns 0, or -1 when it cannot be read. */
int vs_sha256_file(const char *path, char hex[65]);

#endif
