// SPDX-License-Identifier: GPL-2.0
/*
 * VFS glue: files, symlinks and directories of the /mars tree, used from
 * mars.ko's kernel threads.
 *
 * The kernel has no path-based helpers for in-kernel callers, and several
 * of the pieces (start_creating_path, start_renaming, vfs_utimes, IS_ERR)
 * are not in the Rust bindings; these functions follow the patterns of
 * fs/namei.c (filename_symlinkat, do_renameat2) with in-kernel names.
 *
 * Paths resolve in the file system view of the first user process
 * (userspace_init_fs): since 7.x kernel threads start in an isolated nullfs
 * root, so every exported function here runs its lookups inside
 * scoped_with_init_fs().
 *
 * Common contract: every path is a NUL-terminated absolute kernel string;
 * functions return 0 (or a length) on success and a negative errno on
 * failure; they may sleep and must be called from process context (our
 * kernel threads). No file system layout policy lives here.
 */

#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/string.h>
#include <linux/uio.h>

#include "glue.h"

/*
 * Splits @path into its directory and last component (*@name points into
 * @path). Returns the directory in a kmalloc'd string the caller frees
 * (path buffers stay off the 16 KiB kernel stack, which the VFS calls below
 * need), or an ERR_PTR.
 */
static char *mars_split(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash || slash[1] == '\0')
		return ERR_PTR(-EINVAL);
	n = slash - path;
	if (n == 0)
		n = 1;	/* the root directory */
	if (n >= MARS_PATH_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	*name = slash + 1;
	return kmemdup_nul(path, n, GFP_KERNEL) ?: ERR_PTR(-ENOMEM);
}

static struct file *__mars_file_open(const char *path, int flags, unsigned short mode,
			    int *err)
{
	struct file *f = filp_open(path, flags | O_LARGEFILE, mode);

	if (IS_ERR(f)) {
		*err = PTR_ERR(f);
		return NULL;
	}
	*err = 0;
	return f;
}

void mars_file_close(struct file *f)
{
	filp_close(f, NULL);
}

long mars_file_read(struct file *f, void *buf, size_t len, u64 pos)
{
	loff_t off = pos;

	return kernel_read(f, buf, len, &off);
}

/*
 * One call into the file system for many records (it takes the inode lock,
 * starts a journal handle and throttles dirty pages once per call, not per
 * record). A short write is continued; a write that makes no progress is
 * -EIO.
 */
long mars_file_writev(struct file *f, const struct mars_iovec *vec,
		      unsigned int nr, u64 pos)
{
	struct iov_iter iter;
	loff_t off = pos;
	size_t total = 0;
	long done = 0;
	unsigned int i;

	BUILD_BUG_ON(sizeof(struct mars_iovec) != sizeof(struct kvec));
	BUILD_BUG_ON(offsetof(struct mars_iovec, base) !=
		     offsetof(struct kvec, iov_base));
	BUILD_BUG_ON(offsetof(struct mars_iovec, len) !=
		     offsetof(struct kvec, iov_len));
	for (i = 0; i < nr; i++) {
		if (check_add_overflow(total, vec[i].len, &total) ||
		    total > LONG_MAX)
			return -EINVAL;
	}
	iov_iter_kvec(&iter, ITER_SOURCE, (const struct kvec *)vec, nr, total);
	while (iov_iter_count(&iter)) {
		ssize_t n = vfs_iter_write(f, &iter, &off, 0);

		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		done += n;
	}
	return done;
}

int mars_file_sync(struct file *f)
{
	return vfs_fsync(f, 0);
}

int mars_file_sync_upto(struct file *f, u64 end)
{
	if (!end)
		return vfs_fsync(f, 0);
	if (end > LLONG_MAX)
		return -EINVAL;
	return vfs_fsync_range(f, 0, end - 1, 0);
}

int mars_file_start_writeback(struct file *f, u64 pos, u64 len)
{
	if (!len || pos + len < pos || pos + len > LLONG_MAX)
		return len ? -EINVAL : 0;
	return filemap_flush_range(f->f_mapping, pos, pos + len - 1);
}

u64 mars_file_size(struct file *f)
{
	return i_size_read(file_inode(f));
}

int mars_file_truncate(struct file *f, u64 len)
{
	return vfs_truncate(&f->f_path, len);
}

static struct file *__mars_bdev_open(const char *path, void *holder, int *err)
{
	struct file *f = bdev_file_open_by_path(path,
			BLK_OPEN_READ | BLK_OPEN_WRITE, holder, NULL);

	if (IS_ERR(f)) {
		*err = PTR_ERR(f);
		return NULL;
	}
	/*
	 * The module writes and reads the device only with bios: write out
	 * what a writer before the claim left dirty (else the flusher could
	 * write it later, over our bios), then drop the cached pages, so
	 * that nothing stale is ever read through the cache.
	 */
	sync_blockdev(file_bdev(f));
	invalidate_bdev(file_bdev(f));
	*err = 0;
	return f;
}

void mars_bdev_close(struct file *f)
{
	/* Other openers' cached pages may predate our bios. */
	invalidate_bdev(file_bdev(f));
	bdev_fput(f);
}

u64 mars_bdev_size(struct file *f)
{
	return bdev_nr_bytes(file_bdev(f));
}

u32 mars_bdev_block_size(struct file *f)
{
	return bdev_logical_block_size(file_bdev(f));
}

static int __mars_mkdir(const char *path)
{
	struct path parent;
	struct dentry *d;
	int err;

	d = start_creating_path(AT_FDCWD, path, &parent, LOOKUP_DIRECTORY);
	if (IS_ERR(d))
		return PTR_ERR(d);
	d = vfs_mkdir(mnt_idmap(parent.mnt), d_inode(parent.dentry), d, 0755,
		      NULL);
	err = PTR_ERR_OR_ZERO(d);
	end_creating_path(&parent, d);
	return err;
}

static int __mars_remove(const char *path)
{
	const char *name;
	char *dir __free(kfree) = mars_split(path, &name);
	struct path dirp;
	struct dentry *d;
	struct qstr q;
	int err;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	err = kern_path(dir, LOOKUP_DIRECTORY, &dirp);
	if (err)
		return err;
	err = mnt_want_write(dirp.mnt);
	if (err)
		goto put;
	q = (struct qstr)QSTR(name);
	d = start_removing(mnt_idmap(dirp.mnt), dirp.dentry, &q);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto drop;
	}
	if (d_is_dir(d))
		err = vfs_rmdir(mnt_idmap(dirp.mnt), d_inode(dirp.dentry), d,
				NULL);
	else
		err = vfs_unlink(mnt_idmap(dirp.mnt), d_inode(dirp.dentry), d,
				 NULL);
	end_removing(d);
drop:
	mnt_drop_write(dirp.mnt);
put:
	path_put(&dirp);
	return err;
}

static int __mars_rename(const char *oldpath, const char *newpath)
{
	const char *oldname, *newname;
	char *dir __free(kfree) = mars_split(oldpath, &oldname);
	char *newdir __free(kfree) = mars_split(newpath, &newname);
	struct renamedata rd = {};
	struct qstr qo, qn;
	struct path dirp;
	int err;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	if (IS_ERR(newdir))
		return PTR_ERR(newdir);
	if (strcmp(dir, newdir))
		return -EXDEV;
	err = kern_path(dir, LOOKUP_DIRECTORY, &dirp);
	if (err)
		return err;
	err = mnt_want_write(dirp.mnt);
	if (err)
		goto put;
	rd.mnt_idmap = mnt_idmap(dirp.mnt);
	rd.old_parent = dirp.dentry;
	rd.new_parent = dirp.dentry;
	qo = (struct qstr)QSTR(oldname);
	qn = (struct qstr)QSTR(newname);
	err = start_renaming(&rd, 0, &qo, &qn);
	if (!err) {
		err = vfs_rename(&rd);
		end_renaming(&rd);
	}
	mnt_drop_write(dirp.mnt);
put:
	path_put(&dirp);
	return err;
}

/* Creates symlink @path -> @target (which must not exist yet). */
static int mars_symlink_create(const char *path, const char *target)
{
	struct path parent;
	struct dentry *d;
	int err;

	d = start_creating_path(AT_FDCWD, path, &parent, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_symlink(mnt_idmap(parent.mnt), d_inode(parent.dentry), d,
			  target, NULL);
	end_creating_path(&parent, d);
	return err;
}

static int __mars_symlink(const char *path, const char *target, s64 sec, u32 nsec)
{
	struct timespec64 times[2] = {
		{ .tv_sec = sec, .tv_nsec = nsec },
		{ .tv_sec = sec, .tv_nsec = nsec },
	};
	const char *name;
	char *dir __free(kfree) = mars_split(path, &name);
	char *tmp __free(kfree) = NULL;
	struct path p;
	int err;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	tmp = kasprintf(GFP_KERNEL, "%s/.tmp-%s", strcmp(dir, "/") ? dir : "",
			name);
	if (!tmp)
		return -ENOMEM;
	if (strlen(tmp) >= MARS_PATH_MAX)
		return -ENAMETOOLONG;
	err = __mars_remove(tmp);		/* a leftover of an interrupted update */
	if (err && err != -ENOENT)
		return err;
	err = mars_symlink_create(tmp, target);
	if (err)
		return err;
	err = kern_path(tmp, 0, &p);
	if (!err) {
		err = vfs_utimes(&p, times);
		path_put(&p);
	}
	if (!err)
		err = __mars_rename(tmp, path);
	if (err)
		__mars_remove(tmp);
	return err;
}

static int __mars_readlink(const char *path, char *buf, size_t len, s64 *sec, u32 *nsec)
{
	DEFINE_DELAYED_CALL(done);
	struct timespec64 mtime;
	const char *target;
	struct path p;
	size_t n;
	int err;

	err = kern_path(path, 0, &p);
	if (err)
		return err;
	if (!d_is_symlink(p.dentry)) {
		err = -EINVAL;
		goto put;
	}
	mtime = inode_get_mtime(d_inode(p.dentry));
	target = vfs_get_link(p.dentry, &done);
	if (IS_ERR(target)) {
		err = PTR_ERR(target);
		goto put;
	}
	n = strlen(target);
	if (n >= len) {
		err = -ENAMETOOLONG;
	} else {
		memcpy(buf, target, n + 1);
		*sec = mtime.tv_sec;
		*nsec = mtime.tv_nsec;
		err = n;
	}
	do_delayed_call(&done);
put:
	path_put(&p);
	return err;
}

struct mars_readdir_ctx {
	struct dir_context ctx;
	char *buf;
	size_t len;
	size_t used;
	int err;
};

static bool mars_filldir(struct dir_context *ctx, const char *name, int namlen,
			 loff_t offset, u64 ino, unsigned int d_type)
{
	struct mars_readdir_ctx *c =
		container_of(ctx, struct mars_readdir_ctx, ctx);

	if ((namlen == 1 && name[0] == '.') ||
	    (namlen == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (c->used + namlen + 1 > c->len) {
		c->err = -ENOSPC;
		return false;
	}
	memcpy(c->buf + c->used, name, namlen);
	c->buf[c->used + namlen] = '\0';
	c->used += namlen + 1;
	return true;
}

static long __mars_readdir(const char *path, char *buf, size_t len)
{
	struct mars_readdir_ctx c = {
		.ctx.actor = mars_filldir,
		.buf = buf,
		.len = len,
	};
	struct file *f;
	int err;

	f = filp_open(path, O_RDONLY | O_DIRECTORY | O_LARGEFILE, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = iterate_dir(f, &c.ctx);
	filp_close(f, NULL);
	if (err)
		return err;
	if (c.err)
		return c.err;
	return c.used;
}

/*
 * Makes the entries of the directory holding @path durable: fsync of the
 * directory. On ext4 (and every journalling file system) that commits the
 * transaction holding the renames done in it, so a link updated with
 * mars_symlink() survives a power cut once this returns 0.
 */
static int __mars_dir_sync(const char *path)
{
	const char *name;
	char *dir __free(kfree) = mars_split(path, &name);
	struct file *f;
	int err;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	f = filp_open(dir, O_RDONLY | O_DIRECTORY | O_LARGEFILE, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = vfs_fsync(f, 0);
	filp_close(f, NULL);
	return err;
}

static int __mars_statfs(const char *path, u64 *total, u64 *avail)
{
	struct kstatfs st;
	struct path p;
	int err;

	err = kern_path(path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = vfs_statfs(&p, &st);
	path_put(&p);
	if (err)
		return err;
	*total = st.f_blocks * st.f_bsize;
	*avail = st.f_bavail * st.f_bsize;
	return 0;
}

/* Exported entry points: the same, with paths resolved as init sees them. */

struct file *mars_file_open(const char *path, int flags, unsigned short mode, int *err)
{
	struct file *ret;

	scoped_with_init_fs()
		ret = __mars_file_open(path, flags, mode, err);
	return ret;
}

struct file *mars_bdev_open(const char *path, void *holder, int *err)
{
	struct file *ret;

	scoped_with_init_fs()
		ret = __mars_bdev_open(path, holder, err);
	return ret;
}

int mars_mkdir(const char *path)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_mkdir(path);
	return ret;
}

int mars_remove(const char *path)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_remove(path);
	return ret;
}

int mars_rename(const char *oldpath, const char *newpath)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_rename(oldpath, newpath);
	return ret;
}

int mars_symlink(const char *path, const char *target, s64 sec, u32 nsec)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_symlink(path, target, sec, nsec);
	return ret;
}

int mars_readlink(const char *path, char *buf, size_t len, s64 *sec, u32 *nsec)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_readlink(path, buf, len, sec, nsec);
	return ret;
}

long mars_readdir(const char *path, char *buf, size_t len)
{
	long ret;

	scoped_with_init_fs()
		ret = __mars_readdir(path, buf, len);
	return ret;
}

int mars_dir_sync(const char *path)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_dir_sync(path);
	return ret;
}

int mars_statfs(const char *path, u64 *total, u64 *avail)
{
	int ret;

	scoped_with_init_fs()
		ret = __mars_statfs(path, total, avail);
	return ret;
}
