/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations of mars.ko's C glue (rust/glue*.c). The Rust side declares
 * the same functions by hand in rust/ffi.rs; keep the two in step. The
 * contract of each function is documented where it is defined.
 */
#ifndef MARS_GLUE_H
#define MARS_GLUE_H

#include <linux/types.h>

struct file;
struct request;
struct task_struct;
struct mars_blk;

#define MARS_PATH_MAX 512
#define MARS_BLK_NODE_LEN 80
#define MARS_BLK_MAX_IO (1024 * 1024)

/* glue.c */
u32 mars_crc32c(u32 crc, const void *data, size_t len);

/* glue_control.c */
u64 mars_lamport_tick(void);
void mars_lamport_merge(u64 stamp_ns);
void mars_trigger(void);
bool mars_trigger_wait(unsigned int timeout_ms);
int mars_control_init(void);
void mars_control_exit(void);
struct task_struct *mars_thread_start(int (*fn)(void *), void *data,
				      const char *name, int *err);
int mars_thread_stop(struct task_struct *t);
bool mars_thread_should_stop(void);
unsigned int mars_noio_save(void);
void mars_noio_restore(unsigned int flags);
int mars_hostname(char *buf, size_t len);

/* glue_vfs.c */
struct file *mars_file_open(const char *path, int flags, unsigned short mode,
			    int *err);
void mars_file_close(struct file *f);
long mars_file_read(struct file *f, void *buf, size_t len, u64 pos);
long mars_file_write(struct file *f, const void *buf, size_t len, u64 pos);
int mars_file_sync(struct file *f);
u64 mars_file_size(struct file *f);
int mars_file_truncate(struct file *f, u64 len);
struct file *mars_bdev_open(const char *path, void *holder, int *err);
void mars_bdev_close(struct file *f);
u64 mars_bdev_size(struct file *f);
u32 mars_bdev_block_size(struct file *f);
int mars_mkdir(const char *path);
int mars_remove(const char *path);
int mars_rename(const char *oldpath, const char *newpath);
int mars_symlink(const char *path, const char *target, s64 sec, u32 nsec);
int mars_readlink(const char *path, char *buf, size_t len, s64 *sec,
		  u32 *nsec);
long mars_readdir(const char *path, char *buf, size_t len);
int mars_statfs(const char *path, u64 *total, u64 *avail);

/* glue_blk.c */
enum mars_rq_op {
	MARS_RQ_READ = 0,
	MARS_RQ_WRITE = 1,
	MARS_RQ_FLUSH = 2,
	MARS_RQ_OTHER = 3,
};

struct mars_rq_info {
	u32 op;		/* enum mars_rq_op */
	u32 fua;	/* 1 if the write must be durable when it completes */
	u64 pos;	/* byte offset on the device */
	u64 len;	/* bytes */
};

struct mars_blk *mars_blk_create(const char *disk_name, const char *node,
				 u64 size_bytes, u32 block_size, int *err);
int mars_blk_add(struct mars_blk *b);
void mars_blk_del(struct mars_blk *b);
void mars_blk_free(struct mars_blk *b);
int mars_blk_open_count(struct mars_blk *b);
void mars_blk_wait(struct mars_blk *b, unsigned int timeout_ms);
unsigned int mars_blk_take(struct mars_blk *b, struct request **out,
			   unsigned int max);
void mars_rq_info(struct request *rq, struct mars_rq_info *info);
void mars_rq_copy_out(struct request *rq, void *buf);
void mars_rq_copy_in(struct request *rq, u64 offset, const void *buf, u64 len);
void mars_rq_end(struct request *rq, int err);

#endif /* MARS_GLUE_H */
