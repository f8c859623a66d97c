// SPDX-License-Identifier: GPL-2.0
/*
 * Block device glue: a minimal blk-mq driver shell for /dev/mars/RES.
 *
 * The Rust block abstraction of 7.3 cannot set BLK_FEAT_WRITE_CACHE/FUA,
 * own the file operations (module reference while open, open count) or
 * name the device node, so this file does exactly that and nothing more:
 * queue_rq never sleeps, it only queues the started request on a list and
 * wakes the resource's worker thread, which takes requests with
 * mars_blk_take() and ends each one with mars_rq_end(). All policy lives in
 * Rust.
 */

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/pagemap.h>
#include <linux/wait.h>

#include "glue.h"

struct mars_cmd {
	struct list_head list;
	/* A read from the data device: bios in flight, plus one until
	 * mars_rq_read_end(); the last one ends the request. */
	atomic_t pending;
	blk_status_t status;
};

struct mars_blk {
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	spinlock_t lock;
	struct list_head pending;	/* started requests, oldest first */
	wait_queue_head_t wait;
	atomic_t open_count;
	bool added;			/* add_disk() succeeded */
	char node[MARS_BLK_NODE_LEN];	/* device node name below /dev */
};

static blk_status_t mars_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct mars_blk *b = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct mars_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_start_request(rq);
	spin_lock(&b->lock);
	list_add_tail(&cmd->list, &b->pending);
	spin_unlock(&b->lock);
	wake_up(&b->wait);
	return BLK_STS_OK;
}

static const struct blk_mq_ops mars_mq_ops = {
	.queue_rq = mars_queue_rq,
};

static int mars_blk_open(struct gendisk *disk, blk_mode_t mode)
{
	struct mars_blk *b = disk->private_data;

	atomic_inc(&b->open_count);
	return 0;
}

static void mars_blk_release(struct gendisk *disk)
{
	struct mars_blk *b = disk->private_data;

	atomic_dec(&b->open_count);
}

static char *mars_blk_devnode(struct gendisk *disk, umode_t *mode)
{
	struct mars_blk *b = disk->private_data;

	return kstrdup(b->node, GFP_KERNEL);
}

/*
 * Called by disk_release() when the last reference to an added disk is
 * gone, which is after the last opener's release: only now may @b go, as
 * release() and the open count use it. An open that raced with teardown
 * (it got in after the owner checked the open count, before
 * del_gendisk()) keeps the disk, and so @b, alive until it closes.
 */
static void mars_blk_free_disk(struct gendisk *disk)
{
	kfree(disk->private_data);
}

static const struct block_device_operations mars_blk_fops = {
	.owner = THIS_MODULE,
	.open = mars_blk_open,
	.release = mars_blk_release,
	.devnode = mars_blk_devnode,
	.free_disk = mars_blk_free_disk,
};

struct mars_blk *mars_blk_create(const char *disk_name, const char *node,
				 u64 size_bytes, u32 block_size, int *err)
{
	/*
	 * Requests are copied segment by segment by the CPU, never mapped for
	 * DMA: any number and size of segments will do, so a 1 MiB write
	 * stays one request (one log record) instead of being split at the
	 * default 128 segments of at most 64 KiB.
	 */
	struct queue_limits lim = {
		.logical_block_size = block_size,
		.physical_block_size = block_size,
		.max_hw_sectors = MARS_BLK_MAX_IO >> SECTOR_SHIFT,
		.max_segments = USHRT_MAX,
		.max_segment_size = UINT_MAX,
		.features = BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA,
	};
	struct mars_blk *b;
	struct gendisk *disk;
	int ret;

	if (strlen(disk_name) >= DISK_NAME_LEN ||
	    strlen(node) >= MARS_BLK_NODE_LEN) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		*err = -ENOMEM;
		return NULL;
	}
	spin_lock_init(&b->lock);
	INIT_LIST_HEAD(&b->pending);
	init_waitqueue_head(&b->wait);
	atomic_set(&b->open_count, 0);
	strscpy(b->node, node, sizeof(b->node));

	b->tag_set.ops = &mars_mq_ops;
	b->tag_set.nr_hw_queues = 1;
	b->tag_set.queue_depth = 128;
	b->tag_set.numa_node = NUMA_NO_NODE;
	b->tag_set.cmd_size = sizeof(struct mars_cmd);
	/*
	 * No I/O scheduler by default: requests go into the log in arrival
	 * order, and writeback sorts on its own; an elevator would only add
	 * latency in front of a memory copy.
	 */
	b->tag_set.flags = BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	ret = blk_mq_alloc_tag_set(&b->tag_set);
	if (ret)
		goto free_b;

	disk = blk_mq_alloc_disk(&b->tag_set, &lim, b);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto free_tags;
	}
	disk->fops = &mars_blk_fops;
	disk->private_data = b;
	disk->flags |= GENHD_FL_NO_PART;
	strscpy(disk->disk_name, disk_name, DISK_NAME_LEN);
	set_capacity(disk, size_bytes >> SECTOR_SHIFT);
	b->disk = disk;
	*err = 0;
	return b;

free_tags:
	blk_mq_free_tag_set(&b->tag_set);
free_b:
	kfree(b);
	*err = ret;
	return NULL;
}

int mars_blk_add(struct mars_blk *b)
{
	int err = add_disk(b->disk);

	b->added = !err;
	return err;
}

void mars_blk_del(struct mars_blk *b)
{
	del_gendisk(b->disk);
}

/*
 * Drops the owner's reference. An added disk was deleted first:
 * del_gendisk() exited its queue, so the tag set can go now, while @b
 * itself lives until mars_blk_free_disk(). A disk never added still owns
 * its queue: put_disk() exits it (using the tag set), then both go here.
 * The caller must not use @b afterwards.
 */
void mars_blk_free(struct mars_blk *b)
{
	WARN_ON_ONCE(!list_empty(&b->pending));
	if (b->added) {
		blk_mq_free_tag_set(&b->tag_set);
		put_disk(b->disk);
	} else {
		put_disk(b->disk);
		blk_mq_free_tag_set(&b->tag_set);
		kfree(b);
	}
}

int mars_blk_open_count(struct mars_blk *b)
{
	return atomic_read(&b->open_count);
}

static bool mars_blk_has_pending(struct mars_blk *b)
{
	bool ret;

	spin_lock_irq(&b->lock);
	ret = !list_empty(&b->pending);
	spin_unlock_irq(&b->lock);
	return ret;
}

void mars_blk_wait(struct mars_blk *b, unsigned int timeout_ms)
{
	wait_event_interruptible_timeout(b->wait,
					 mars_blk_has_pending(b) ||
						 kthread_should_stop(),
					 msecs_to_jiffies(timeout_ms));
}

unsigned int mars_blk_take(struct mars_blk *b, struct request **out,
			   unsigned int max)
{
	unsigned int n = 0;
	struct mars_cmd *cmd, *next;

	spin_lock_irq(&b->lock);
	list_for_each_entry_safe(cmd, next, &b->pending, list) {
		if (n == max)
			break;
		list_del_init(&cmd->list);
		out[n++] = blk_mq_rq_from_pdu(cmd);
	}
	spin_unlock_irq(&b->lock);
	return n;
}

void mars_rq_info(struct request *rq, struct mars_rq_info *info)
{
	switch (req_op(rq)) {
	case REQ_OP_READ:
		info->op = MARS_RQ_READ;
		break;
	case REQ_OP_WRITE:
		info->op = MARS_RQ_WRITE;
		break;
	case REQ_OP_FLUSH:
		info->op = MARS_RQ_FLUSH;
		break;
	default:
		info->op = MARS_RQ_OTHER;
		break;
	}
	info->fua = !!(rq->cmd_flags & REQ_FUA);
	info->pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	info->len = blk_rq_bytes(rq);
}

void mars_rq_copy_out(struct request *rq, void *buf)
{
	struct req_iterator iter;
	struct bio_vec bv;
	char *p = buf;

	rq_for_each_segment(bv, rq, iter) {
		memcpy_from_bvec(p, &bv);
		p += bv.bv_len;
	}
}

void mars_rq_copy_in(struct request *rq, u64 offset, const void *buf, u64 len)
{
	struct req_iterator iter;
	struct bio_vec bv;
	const char *p = buf;
	u64 seg_start = 0;
	u64 end = offset + len;

	rq_for_each_segment(bv, rq, iter) {
		u64 seg_end = seg_start + bv.bv_len;

		if (seg_end > offset && seg_start < end) {
			u64 from = max(seg_start, offset);
			u64 to = min(seg_end, end);
			struct bio_vec part = bv;

			part.bv_offset += from - seg_start;
			part.bv_len = to - from;
			memcpy_to_bvec(&part, p + (from - offset));
		}
		seg_start = seg_end;
		if (seg_start >= end)
			break;
	}
}

void mars_rq_end(struct request *rq, int err)
{
	blk_mq_end_request(rq, errno_to_blk_status(err));
}

/*
 * Reads of the data device straight into a request's pages.
 *
 * mars_rq_read_begin() once, then mars_rq_read_bdev() for each range the
 * overlay does not hold (any number, none is fine), then
 * mars_rq_read_end() exactly once: the request ends when that has been
 * called and every bio has completed, with the first error seen. Between
 * begin and end the caller may also fill other ranges with
 * mars_rq_copy_in(); after end it must not touch the request.
 */
static void mars_rq_read_put(struct request *rq)
{
	struct mars_cmd *cmd = blk_mq_rq_to_pdu(rq);

	if (atomic_dec_and_test(&cmd->pending))
		blk_mq_end_request(rq, READ_ONCE(cmd->status));
}

static void mars_rq_read_fail(struct request *rq, blk_status_t status)
{
	struct mars_cmd *cmd = blk_mq_rq_to_pdu(rq);

	/* The first error wins. */
	cmpxchg(&cmd->status, BLK_STS_OK, status);
}

static void mars_rq_read_endio(struct bio *bio)
{
	struct request *rq = bio->bi_private;

	if (bio->bi_status)
		mars_rq_read_fail(rq, bio->bi_status);
	bio_put(bio);
	mars_rq_read_put(rq);
}

/* Context: the worker that took @rq (a read), before any other read call. */
void mars_rq_read_begin(struct request *rq)
{
	struct mars_cmd *cmd = blk_mq_rq_to_pdu(rq);

	cmd->status = BLK_STS_OK;
	atomic_set(&cmd->pending, 1);
}

/*
 * mars_rq_read_bdev - starts reading request bytes [@off, @off + @len)
 * from the block device opened as @f, at its byte @pos; does not wait
 * for the data. The device's page cache is not involved: every writer
 * of the data device writes bios (glue_bio.c), and a range still being
 * written back is read from the overlay, not from here.
 *
 * @off, @len and @pos must be multiples of 512 and the range must lie in
 * the request. Returns 0 or a negative errno (nothing of this range was
 * submitted then).
 *
 * Context: the worker, between mars_rq_read_begin() and _end(); sleeps.
 */
int mars_rq_read_bdev(struct request *rq, u64 off, u64 len, struct file *f,
		      u64 pos)
{
	struct mars_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct block_device *bdev = file_bdev(f);
	struct req_iterator iter;
	struct bio *bio = NULL;
	struct bio_vec bv;
	u64 seg_start = 0, end = off + len;

	if ((off | len | pos) & (SECTOR_SIZE - 1) || end < off ||
	    end > blk_rq_bytes(rq))
		return -EINVAL;
	if (!len)
		return 0;
	rq_for_each_segment(bv, rq, iter) {
		u64 seg_end = seg_start + bv.bv_len;

		if (seg_end > off && seg_start < end) {
			u64 from = max(seg_start, off);
			unsigned int n = min(seg_end, end) - from;
			unsigned int o = bv.bv_offset + (from - seg_start);

			if (bio && bio_add_page(bio, bv.bv_page, n, o) == n)
				goto next;
			/* A full bio goes out; a new one continues. */
			if (bio)
				submit_bio(bio);
			bio = bio_alloc(bdev, BIO_MAX_VECS, REQ_OP_READ, GFP_NOIO);
			bio->bi_iter.bi_sector = (pos + (from - off)) >> SECTOR_SHIFT;
			bio->bi_end_io = mars_rq_read_endio;
			bio->bi_private = rq;
			atomic_inc(&cmd->pending);
			if (bio_add_page(bio, bv.bv_page, n, o) != n) {
				/* Cannot happen for an empty bio; fail, not loop. */
				bio_io_error(bio);
				return -EIO;
			}
		}
next:
		seg_start = seg_end;
		if (seg_start >= end)
			break;
	}
	if (bio)
		submit_bio(bio);
	return 0;
}

/*
 * mars_rq_read_end - no more ranges for @rq; @err (0 or a negative errno)
 * fails it. The request ends now or when its last bio completes.
 *
 * Context: the worker, once per mars_rq_read_begin().
 */
void mars_rq_read_end(struct request *rq, int err)
{
	if (err)
		mars_rq_read_fail(rq, errno_to_blk_status(err));
	mars_rq_read_put(rq);
}
