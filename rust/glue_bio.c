// SPDX-License-Identifier: GPL-2.0
/*
 * Writes to the data device as bios, never through its page cache.
 *
 * Writeback, emergency-mode writes and crash recovery all write the data
 * device with a write batch: mars_wbatch_add() for each range (adjacent
 * ranges grow one bio, up to BIO_MAX_VECS pages), mars_wbatch_wait() to
 * submit the last bio and wait until all have completed. Durability is a
 * separate cache flush, mars_bdev_flush(). Reads are bios too (see
 * mars_rq_read_bdev() in glue_blk.c), so the data device's page cache is
 * never used while a resource runs; it is dropped when the device is
 * claimed and released (glue_vfs.c), so a buffered reader never sees
 * pages older than what the bios wrote.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "glue.h"

struct mars_wbatch {
	struct block_device *bdev;
	/* The bio being filled, not yet submitted, or NULL. */
	struct bio *bio;
	/* Byte position on the device just past the bio's data. */
	u64 bio_end;
	/* Submitted bios not yet completed, plus one while not waiting. */
	atomic_t pending;
	/* First error of a completed bio. */
	blk_status_t status;
	struct completion done;
};

/*
 * mars_wbatch_create - an empty write batch for the block device opened as
 * @f (which must stay open until mars_wbatch_destroy()). NULL without
 * memory.
 *
 * Context: process context, may sleep.
 */
struct mars_wbatch *mars_wbatch_create(struct file *f)
{
	struct mars_wbatch *w = kzalloc(sizeof(*w), GFP_NOIO);

	if (!w)
		return NULL;
	w->bdev = file_bdev(f);
	atomic_set(&w->pending, 1);
	init_completion(&w->done);
	return w;
}

static void mars_wbatch_endio(struct bio *bio)
{
	struct mars_wbatch *w = bio->bi_private;

	if (bio->bi_status)
		cmpxchg(&w->status, BLK_STS_OK, bio->bi_status);
	bio_put(bio);
	if (atomic_dec_and_test(&w->pending))
		complete(&w->done);
}

static void mars_wbatch_submit(struct mars_wbatch *w)
{
	if (!w->bio)
		return;
	atomic_inc(&w->pending);
	submit_bio(w->bio);
	w->bio = NULL;
}

/* Adds [@p, @p + @n) (within one page) at the bio's end; a new bio if
 * there is none, it does not continue at @pos, or it is full. */
static void mars_wbatch_add_page(struct mars_wbatch *w, u64 pos,
				 struct page *page, unsigned int n,
				 unsigned int off)
{
	if (w->bio && w->bio_end == pos &&
	    bio_add_page(w->bio, page, n, off) == n) {
		w->bio_end += n;
		return;
	}
	mars_wbatch_submit(w);
	/* GFP_NOIO from the bio mempool: waits, never fails. */
	w->bio = bio_alloc(w->bdev, BIO_MAX_VECS, REQ_OP_WRITE, GFP_NOIO);
	w->bio->bi_iter.bi_sector = pos >> SECTOR_SHIFT;
	w->bio->bi_end_io = mars_wbatch_endio;
	w->bio->bi_private = w;
	/* An empty bio always takes one page. */
	__bio_add_page(w->bio, page, n, off);
	w->bio_end = pos + n;
}

/*
 * mars_wbatch_add - queues a write of @len bytes from @buf to byte @pos of
 * the device; it may be submitted now or at the next add or wait.
 *
 * @buf is kmalloc'ed or vmalloc'ed memory (not the stack), @buf, @len and
 * @pos are multiples of 512, and the range lies on the device; otherwise
 * -EINVAL and nothing is queued. @buf must stay valid and unchanged until
 * mars_wbatch_wait() returned.
 *
 * Context: process context, may sleep (bio allocation, a full queue).
 */
int mars_wbatch_add(struct mars_wbatch *w, u64 pos, const void *buf, u64 len)
{
	const char *p = buf;
	u64 end;

	if (((uintptr_t)buf | pos | len) & (SECTOR_SIZE - 1) ||
	    check_add_overflow(pos, len, &end) ||
	    end > bdev_nr_bytes(w->bdev) || object_is_on_stack(buf))
		return -EINVAL;
	if (is_vmalloc_addr(buf))
		flush_kernel_vmap_range((void *)buf, len);
	while (len) {
		unsigned int off = offset_in_page(p);
		unsigned int n = min_t(u64, len, PAGE_SIZE - off);
		struct page *page = is_vmalloc_addr(p) ? vmalloc_to_page(p) :
							virt_to_page(p);

		mars_wbatch_add_page(w, pos, page, n, off);
		p += n;
		pos += n;
		len -= n;
	}
	return 0;
}

/*
 * mars_wbatch_wait - submits what is queued and waits until every write of
 * the batch has completed; returns 0 or the first error (a negative
 * errno). The batch is empty and reusable afterwards.
 *
 * Context: process context, sleeps (uninterruptibly: the buffers must
 * outlive the I/O).
 */
int mars_wbatch_wait(struct mars_wbatch *w)
{
	blk_status_t status;

	mars_wbatch_submit(w);
	if (!atomic_dec_and_test(&w->pending))
		wait_for_completion_io(&w->done);
	status = READ_ONCE(w->status);
	w->status = BLK_STS_OK;
	atomic_set(&w->pending, 1);
	reinit_completion(&w->done);
	return blk_status_to_errno(status);
}

/*
 * mars_wbatch_destroy - waits for what is in flight (as mars_wbatch_wait(),
 * ignoring errors) and frees the batch.
 *
 * Context: process context, sleeps.
 */
void mars_wbatch_destroy(struct mars_wbatch *w)
{
	mars_wbatch_wait(w);
	kfree(w);
}

/*
 * mars_bdev_flush - makes every completed write to the block device opened
 * as @f durable (a cache flush); 0 or a negative errno.
 *
 * Context: process context, sleeps.
 */
int mars_bdev_flush(struct file *f)
{
	return blkdev_issue_flush(file_bdev(f));
}

static void mars_read_endio(struct bio *bio)
{
	complete(bio->bi_private);
}

/*
 * mars_bdev_read - reads @len bytes at byte @pos of the block device opened
 * as @f into @buf, as bios (never through the page cache), and waits for
 * them; 0 or a negative errno.
 *
 * @buf is kmalloc'ed or vmalloc'ed memory (not the stack), @buf, @len and
 * @pos are multiples of 512, and the range lies on the device; otherwise
 * -EINVAL and nothing is read.
 *
 * Context: process context, sleeps.
 */
int mars_bdev_read(struct file *f, u64 pos, void *buf, u64 len)
{
	struct block_device *bdev = file_bdev(f);
	char *p = buf;
	u64 end;
	int err = 0;

	if (((uintptr_t)buf | pos | len) & (SECTOR_SIZE - 1) ||
	    check_add_overflow(pos, len, &end) ||
	    end > bdev_nr_bytes(bdev) || object_is_on_stack(buf))
		return -EINVAL;
	while (len && !err) {
		DECLARE_COMPLETION_ONSTACK(done);
		/* GFP_NOIO from the bio mempool: waits, never fails. */
		struct bio *bio = bio_alloc(bdev, BIO_MAX_VECS, REQ_OP_READ, GFP_NOIO);
		u64 start = pos;
		char *first = p;

		bio->bi_iter.bi_sector = pos >> SECTOR_SHIFT;
		while (len) {
			unsigned int off = offset_in_page(p);
			unsigned int n = min_t(u64, len, PAGE_SIZE - off);
			struct page *page = is_vmalloc_addr(p) ? vmalloc_to_page(p) :
								virt_to_page(p);

			if (bio_add_page(bio, page, n, off) != n)
				break;
			p += n;
			pos += n;
			len -= n;
		}
		bio->bi_end_io = mars_read_endio;
		bio->bi_private = &done;
		submit_bio(bio);
		wait_for_completion_io(&done);
		err = blk_status_to_errno(bio->bi_status);
		bio_put(bio);
		if (is_vmalloc_addr(first))
			invalidate_kernel_vmap_range(first, pos - start);
	}
	return err;
}
