// SPDX-License-Identifier: GPL-2.0
/*
 * C glue for mars.ko: thin, documented wrappers over kernel APIs that the
 * Rust kernel crate does not wrap (inline functions, macros, APIs missing
 * from the generated bindings). Every function here is called from Rust
 * through the declarations in rust/ffi.rs; each comment states the contract
 * the Rust caller must keep.
 */

#include <linux/crc32.h>
#include <linux/module.h>
#include <linux/random.h>

#include "glue.h"

/*
 * mars_crc32c - CRC-32C of @len bytes at @data, continuing from @crc.
 *
 * Same contract as the kernel's crc32c(): no pre- or post-inversion, so the
 * standard CRC-32C of a buffer is ~mars_crc32c(~0, buf, len). Uses the
 * architecture-accelerated implementation where there is one.
 *
 * Context: any. @data must be valid for reads of @len bytes (may be NULL
 * only when @len is 0).
 */
u32 mars_crc32c(u32 crc, const void *data, size_t len)
{
	return crc32c(crc, data, len);
}

/*
 * mars_random_u32 - a random 32-bit value from the kernel's CRNG
 * (get_random_u32()), for ids that must not be guessable.
 *
 * Context: any.
 */
u32 mars_random_u32(void)
{
	return get_random_u32();
}
