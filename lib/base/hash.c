/*
 * hash.c: FNV-1a, 64 bits: the checksum of the due cache, the keys of
 * hash tables, the name-based ids of exports.  Not for secrets.
 */
#include "base/base.h"
#include "banned.h"

unsigned long long kp_hash64(unsigned long long h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	if (!h)
		h = 0xcbf29ce484222325ULL;
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
