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
struct mempool;
struct socket;
struct ctl_table;

#define MARS_PATH_MAX 512
#define MARS_BLK_NODE_LEN 80
#define MARS_BLK_MAX_IO (1024 * 1024)

/* glue.c */
u32 mars_crc32c(u32 crc, const void *data, size_t len);
/* Any context: a random u32 from the CRNG. */
u32 mars_random_u32(void);
/* Process context: times memcpy and crc32c over 1 MiB, prints to dmesg. */
int mars_speed_test(unsigned int rounds);

/* glue_control.c */
/* Any context: a Lamport stamp (ns) greater than every one handed out. */
u64 mars_lamport_tick(void);
/* Process context: the test-only delays (/proc/sys/mars/debug_*_ms):
 * before a disk is deleted, before each writeback batch, before each
 * fsync of the log by the log-sync thread. Return at once when 0. */
void mars_debug_teardown_delay(void);
void mars_debug_writeback_delay(void);
void mars_debug_log_sync_delay(void);
unsigned long mars_profile_requests(void);
/* Any context: wake the control thread. */
void mars_trigger(void);
/* Process context (our kthreads): sleep until trigger, kthread_stop or
 * timeout; returns (and clears) whether a trigger was pending. */
bool mars_trigger_wait(unsigned int timeout_ms);
/* Control thread only: counts a finished scan in /proc/sys/mars/scans. */
void mars_scan_done(void);
/* Module init/exit only, once each, paired: /proc/sys/mars. */
int mars_control_init(void);
void mars_control_exit(void);
/* Process context. Starts @fn(@data) as kthread @name (NUL-terminated) and
 * returns it with a task reference held (NULL and *@err on failure); @data
 * must stay valid until mars_thread_stop() returns, which stops the thread,
 * waits for it and drops the reference. Called exactly once per thread. */
struct task_struct *mars_thread_start(int (*fn)(void *), void *data,
				      const char *name, int *err);
int mars_thread_stop(struct task_struct *t);
/* Only from threads started by mars_thread_start(). */
bool mars_thread_should_stop(void);
/* Same thread, paired, restore with the value save returned. */
unsigned int mars_noio_save(void);
void mars_noio_restore(unsigned int flags);
/* Copies uname -n (init UTS namespace) into @buf of @len bytes; returns the
 * length or -E2BIG. */
int mars_hostname(char *buf, size_t len);

/* glue_mem.c */
void mars_fault_init(void);
void mars_fault_exit(void);
bool mars_fail_queue(void);
void *mars_buf_alloc(size_t len, bool zero);
void mars_buf_free(void *buf);
struct mempool *mars_pool_create(unsigned int min_nr, size_t size);
void *mars_pool_alloc(struct mempool *pool, size_t size, bool zero);
void mars_pool_free(void *buf, struct mempool *pool);
void mars_pool_destroy(struct mempool *pool);

/* glue_bio.c: writes to the data device as bios (contracts there). */
struct mars_wbatch;
struct mars_wbatch *mars_wbatch_create(struct file *f);
int mars_wbatch_add(struct mars_wbatch *w, u64 pos, const void *buf, u64 len);
int mars_wbatch_wait(struct mars_wbatch *w);
void mars_wbatch_destroy(struct mars_wbatch *w);
int mars_bdev_flush(struct file *f);
int mars_bdev_read(struct file *f, u64 pos, void *buf, u64 len);

/* glue_vfs.c */
struct file *mars_file_open(const char *path, int flags, unsigned short mode,
			    int *err);
void mars_file_close(struct file *f);
long mars_file_read(struct file *f, void *buf, size_t len, u64 pos);
/* One buffer of a gathered write; the layout of struct kvec. */
struct mars_iovec {
	const void *base;
	size_t len;
};
/* Writes @nr buffers back to back at @pos: all bytes, or a negative errno
 * (the file may then hold part of them). */
long mars_file_writev(struct file *f, const struct mars_iovec *vec,
		      unsigned int nr, u64 pos);
/* Process context: vfs_fsync (data and metadata); 0 or a negative errno. */
int mars_file_sync(struct file *f);
/* Process context: like mars_file_sync, but writes out only the data of
 * the first @end bytes (all of the file's metadata); pages dirtied beyond
 * them stay dirty. 0 or a negative errno. */
int mars_file_sync_upto(struct file *f, u64 end);
/* Starts writeback of the dirty pages of [@pos, @pos + @len) without
 * waiting (errors show at the next fsync); 0 or a negative errno. */
int mars_file_start_writeback(struct file *f, u64 pos, u64 len);
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
/* Fsyncs the directory holding @path (the entry itself need not exist). */
int mars_dir_sync(const char *path);

/* glue_blk.c: process context unless stated otherwise. A disk shell from
 * mars_blk_create() (NULL and *@err on failure; names NUL-terminated,
 * @disk_name < DISK_NAME_LEN) is added at most once, deleted at most once
 * after it was added (del waits for requests in flight, so the owner's
 * worker must keep serving), and freed once with no request outstanding.
 * mars_blk_take() hands over started requests; each must be ended exactly
 * once with mars_rq_end() (any context). mars_rq_copy_out() needs a buffer
 * of exactly blk_rq_bytes(); mars_rq_copy_in() a range inside the request. */
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
/* Reads of the data device into a request's pages (see glue_blk.c):
 * begin, any number of read_bdev, then end exactly once. */
void mars_rq_read_begin(struct request *rq);
int mars_rq_read_bdev(struct request *rq, u64 off, u64 len, struct file *f,
		      u64 pos);
void mars_rq_read_end(struct request *rq, int err);

/* glue_net.c: kernel TCP sockets, HMAC, the cluster secret, peers file.
 * Process context only; see the file comment for the socket contract. */
u16 mars_net_port(void);
int mars_net_listen_addr(char *buf, size_t len);
int mars_sock_create(int family, struct socket **out);
int mars_sock_set_opts(struct socket *s, unsigned int timeout_ms, int tos,
		       unsigned int user_timeout_ms);
int mars_sock_listen(struct socket *s, const u8 *addr, u16 port, int backlog);
int mars_sock_accept(struct socket *ls, struct socket **out);
int mars_sock_connect(struct socket *s, const u8 *addr, u16 port);
long mars_sock_send(struct socket *s, const void *buf, size_t len);
long mars_sock_recv(struct socket *s, void *buf, size_t len);
int mars_sock_peer(struct socket *s, u8 *addr16, u16 *port);
void mars_sock_shutdown(struct socket *s);
void mars_sock_release(struct socket *s);
/*
 * Module parameters of the data ports: mars_net_data_port(0) is the log
 * fetch port, (1) the full sync port; mars_net_data_tos() their TOS byte
 * (-1: none); mars_net_sync_rate_kib() the sync rate limit (0: none);
 * mars_net_stall_s() the stall timeout (>= 1). Any context.
 */
u16 mars_net_data_port(int which);
int mars_net_data_tos(int which);
unsigned int mars_net_sync_rate_kib(void);
unsigned int mars_net_stall_s(void);
/* mars_sha256 - SHA-256 of @len bytes at @data into the 32 bytes at @out. Any context. */
void mars_sha256(const u8 *data, size_t len, u8 *out);
void mars_hmac_sha256(const u8 *key, size_t key_len, const u8 *data,
		      size_t len, u8 *out);
void mars_random_bytes(void *buf, size_t len);
long mars_read_secret(const char *path, void *buf, size_t len);
void mars_peers_register(size_t (*fn)(void *ctx, char *buf, size_t len),
			 void *ctx);
int mars_peers_sysctl(const struct ctl_table *table, int dir, void *buf,
		      size_t *lenp, loff_t *ppos);
/* Any context: monotonic and real-time clocks in ns. */
u64 mars_mono_ns(void);
u64 mars_real_ns(void);
/* Our kthreads: sleep @ms, or less when kthread_stop() is called. */
void mars_sleep_ms(unsigned int ms);
/* Any context: how many triggers were requested since load. */
unsigned int mars_trigger_generation(void);
/* Any context: count a link the module wrote; how many so far. */
void mars_tree_changed(void);
unsigned int mars_tree_generation(void);
/* Any context: moves the Lamport clock to at least @ns (bounds are checked
 * by the caller, src/net/clock.rs). */
void mars_lamport_merge(u64 ns);
/* /proc/sys/mars/max_future_s. */
unsigned int mars_max_future_s(void);

#endif /* MARS_GLUE_H */
