// SPDX-License-Identifier: GPL-2.0
/*
 * Memory glue for the data path: buffers allocated without waiting long
 * for reclaim, and a reserve (a mempool) to fall back on when memory is
 * short, so the I/O thread of a resource makes progress under memory
 * pressure instead of failing writes or looping in the page allocator.
 *
 * The Rust side (DataBuf and BufPool in rust/ffi.rs) frees every buffer
 * the way it was allocated: mars_buf_free() for mars_buf_alloc(),
 * mars_pool_free() to the pool it came from for mars_pool_alloc().
 *
 * Fault injection (kernels with CONFIG_FAULT_INJECTION_DEBUG_FS): the
 * standard fault attributes /sys/kernel/debug/fail_mars_buffer (record
 * buffers: mars_buf_alloc() fails, so the reserve is used) and
 * /sys/kernel/debug/fail_mars_queue (entering a record into the writeback
 * queue fails, see mars_fail_queue()). Each call counts 1 against
 * "space", so space=N lets N calls pass first. See
 * Documentation/fault-injection/fault-injection.rst.
 */

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "glue.h"

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(fail_mars_buffer);
static DECLARE_FAULT_ATTR(fail_mars_queue);
#endif
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
static struct dentry *fail_mars_buffer_dir;
static struct dentry *fail_mars_queue_dir;
#endif

/*
 * mars_fault_init - creates the fault attributes in debugfs (if the kernel
 * has them; failing to create them is not an error: they are test aids).
 *
 * Context: module init, once, paired with mars_fault_exit().
 */
void mars_fault_init(void)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fail_mars_buffer_dir = fault_create_debugfs_attr("fail_mars_buffer", NULL,
							 &fail_mars_buffer);
	fail_mars_queue_dir = fault_create_debugfs_attr("fail_mars_queue", NULL,
							&fail_mars_queue);
#endif
}

/*
 * mars_fault_exit - removes what mars_fault_init() created.
 *
 * Context: module exit, once.
 */
void mars_fault_exit(void)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	debugfs_remove_recursive(fail_mars_buffer_dir);
	debugfs_remove_recursive(fail_mars_queue_dir);
#endif
}

/*
 * mars_fail_queue - whether the fault attribute fail_mars_queue says that
 * entering a record into the writeback queue fails now (always false
 * without CONFIG_FAULT_INJECTION).
 *
 * Context: process context.
 */
bool mars_fail_queue(void)
{
#ifdef CONFIG_FAULT_INJECTION
	return should_fail(&fail_mars_queue, 1);
#else
	return false;
#endif
}

/*
 * mars_buf_alloc - @len bytes (kmalloc, or vmalloc when large), zeroed if
 * @zero, or NULL when memory cannot be had after one light round of
 * reclaim. The address is aligned to 512 bytes at least and to the page
 * from PAGE_SIZE on, so the buffer can be the data of a bio: small sizes
 * are rounded up to a power of two, which kmalloc aligns naturally; larger
 * ones come from the page allocator or vmalloc.
 *
 * __GFP_NORETRY: the caller has a reserve and would rather use it than
 * stall in reclaim (or wake the OOM killer) for one buffer.
 *
 * Context: process context, may sleep briefly. Free with mars_buf_free().
 */
void *mars_buf_alloc(size_t len, bool zero)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;

#ifdef CONFIG_FAULT_INJECTION
	if (should_fail(&fail_mars_buffer, 1))
		return NULL;
#endif
	if (zero)
		gfp |= __GFP_ZERO;
	if (len <= KMALLOC_MAX_CACHE_SIZE)
		len = roundup_pow_of_two(max_t(size_t, len, SECTOR_SIZE));
	return kvmalloc(len, gfp);
}

/*
 * mars_buf_free - frees a buffer from mars_buf_alloc() (NULL is ignored).
 *
 * Context: process context.
 */
void mars_buf_free(void *buf)
{
	kvfree(buf);
}

/* Page-aligned like mars_buf_alloc()'s large buffers (sizes from
 * PAGE_SIZE on; the data path's reserve holds the largest request). */
static void *mars_pool_element_alloc(gfp_t gfp, void *size)
{
	return kvmalloc((size_t)size, gfp);
}

static void mars_pool_element_free(void *element, void *size)
{
	kvfree(element);
}

/*
 * mars_pool_create - a reserve of @min_nr buffers of @size bytes each,
 * allocated now. Returns NULL on failure.
 *
 * Context: process context, may sleep. Destroy with mars_pool_destroy()
 * once every buffer taken from it has been returned.
 */
struct mempool *mars_pool_create(unsigned int min_nr, size_t size)
{
	return mempool_create(min_nr, mars_pool_element_alloc,
			      mars_pool_element_free, (void *)size);
}

/*
 * mars_pool_alloc - a buffer of the reserve (@size: the pool's buffer
 * size), zeroed if @zero, or NULL when all are taken. Never allocates (the caller
 * tried that with mars_buf_alloc()) and never waits: the caller decides
 * how to wait, so that it can give up when its resource fails.
 *
 * Context: process context (does not sleep).
 */
void *mars_pool_alloc(struct mempool *pool, size_t size, bool zero)
{
	void *buf = mempool_alloc_preallocated(pool);

	if (buf && zero)
		memset(buf, 0, size);
	return buf;
}

/*
 * mars_pool_free - returns @buf, taken from @pool by mars_pool_alloc(), to
 * the reserve (or frees it when the reserve is full).
 *
 * Context: process context.
 */
void mars_pool_free(void *buf, struct mempool *pool)
{
	mempool_free(buf, pool);
}

/*
 * mars_pool_destroy - frees the reserve. Every buffer taken from @pool
 * must have been returned.
 *
 * Context: process context.
 */
void mars_pool_destroy(struct mempool *pool)
{
	mempool_destroy(pool);
}
