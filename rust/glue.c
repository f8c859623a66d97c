// SPDX-License-Identifier: GPL-2.0
/*
 * C glue for mars.ko: thin, documented wrappers over kernel APIs that the
 * Rust kernel crate does not wrap (inline functions, macros, APIs missing
 * from the generated bindings). Every function here is called from Rust
 * through the declarations in rust/ffi.rs; each comment states the contract
 * the Rust caller must keep.
 */

#include <linux/crc32.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

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

/* MB/s (10^6 bytes per second) for @bytes in @ns (at least 1 ns). */
static u64 mars_mbs(u64 bytes, u64 ns)
{
	return div64_u64(bytes * 1000, max_t(u64, ns, 1));
}

/*
 * mars_speed_test - the in-guest ceiling of the data path's per-byte work:
 * @rounds copies (memcpy) and @rounds CRC-32C passes over one 1 MiB
 * buffer, timed, printed to the kernel log as
 * "mars: speed test: memcpy N MB/s, crc32c N MB/s (1 MiB x rounds)".
 * A diagnostic for benchmarks (/proc/sys/mars/speed_test).
 *
 * Context: process context, may sleep. Returns 0 or -ENOMEM.
 */
int mars_speed_test(unsigned int rounds)
{
	const size_t len = 1 << 20;
	u8 *a = kvmalloc(len, GFP_KERNEL);
	u8 *b = kvmalloc(len, GFP_KERNEL);
	u64 t0, copy_ns, crc_ns, bytes = (u64)len * rounds;
	u32 crc = ~0U;
	unsigned int i;
	int err = -ENOMEM;

	if (!a || !b)
		goto out;
	get_random_bytes(a, len);
	t0 = ktime_get_ns();
	for (i = 0; i < rounds; i++) {
		memcpy(b, a, len);
		/* Keep the copy from being optimised away. */
		barrier_data(b);
	}
	copy_ns = ktime_get_ns() - t0;
	t0 = ktime_get_ns();
	for (i = 0; i < rounds; i++)
		crc = crc32c(crc, b, len);
	crc_ns = ktime_get_ns() - t0;
	pr_info("mars: speed test: memcpy %llu MB/s, crc32c %llu MB/s (1 MiB x %u, crc %08x)\n",
		mars_mbs(bytes, copy_ns), mars_mbs(bytes, crc_ns), rounds, crc);
	err = 0;
out:
	kvfree(a);
	kvfree(b);
	return err;
}
