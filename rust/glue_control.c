// SPDX-License-Identifier: GPL-2.0
/*
 * Control glue: the Lamport clock, /proc/sys/mars, the trigger that wakes
 * the control thread, kernel threads and the NOIO allocation scope.
 *
 * /proc/sys/mars/lamport_clock (read-only) prints a fresh Lamport stamp
 * "SEC.NNNNNNNNN" on every read; marsadm uses it as the mtime of the links
 * it writes. /proc/sys/mars/trigger (write) makes the control thread scan
 * /mars now instead of at its next periodic scan. /proc/sys/mars/scans
 * (read-only) counts finished scans: a reader that sees it grow by two
 * after a trigger knows that the actual-HOST links are fresh (one whole
 * scan ran after the trigger).
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sysctl.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/wait.h>

#include "glue.h"

/* The Lamport clock in nanoseconds since the epoch (valid until 2554). */
static atomic64_t mars_clock = ATOMIC64_INIT(0);

u64 mars_lamport_tick(void)
{
	u64 now = ktime_get_real_ns();
	s64 old = atomic64_read(&mars_clock);
	u64 next;

	do {
		next = max(now, (u64)old + 1);
	} while (!atomic64_try_cmpxchg(&mars_clock, &old, next));
	return next;
}

void mars_lamport_merge(u64 ns)
{
	s64 old = atomic64_read(&mars_clock);

	while ((u64)old < ns && !atomic64_try_cmpxchg(&mars_clock, &old, ns))
		;
}

static atomic_t mars_trigger_pending = ATOMIC_INIT(0);
static atomic_t mars_trigger_gen = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(mars_trigger_wq);

void mars_trigger(void)
{
	atomic_set(&mars_trigger_pending, 1);
	atomic_inc(&mars_trigger_gen);
	wake_up(&mars_trigger_wq);
}

unsigned int mars_trigger_generation(void)
{
	return atomic_read(&mars_trigger_gen);
}

/* Links the module itself wrote (src/tree.rs), for the cluster layer. */
static atomic_t mars_tree_gen = ATOMIC_INIT(0);

void mars_tree_changed(void)
{
	atomic_inc(&mars_tree_gen);
}

unsigned int mars_tree_generation(void)
{
	return atomic_read(&mars_tree_gen);
}

u64 mars_mono_ns(void)
{
	return ktime_get_ns();
}

u64 mars_real_ns(void)
{
	return ktime_get_real_ns();
}

void mars_sleep_ms(unsigned int ms)
{
	/* kthread_stop() wakes the thread, so this returns early then. */
	if (!kthread_should_stop())
		schedule_timeout_interruptible(msecs_to_jiffies(ms));
}

/* /proc/sys/mars/max_future_s: how far ahead of the real-time clock a
 * peer's stamp may be before it is refused (core DEFAULT_MAX_FUTURE). */
static unsigned int mars_max_future = 600;
static const unsigned int mars_max_future_max = 365 * 24 * 3600;

unsigned int mars_max_future_s(void)
{
	return READ_ONCE(mars_max_future);
}

bool mars_trigger_wait(unsigned int timeout_ms)
{
	wait_event_interruptible_timeout(mars_trigger_wq,
			atomic_read(&mars_trigger_pending) ||
				kthread_should_stop(),
			msecs_to_jiffies(timeout_ms));
	return atomic_xchg(&mars_trigger_pending, 0);
}

/* Finished scans; written by the control thread only. */
static unsigned long mars_scans;

void mars_scan_done(void)
{
	WRITE_ONCE(mars_scans, mars_scans + 1);
}

static int mars_lamport_sysctl(const struct ctl_table *table, int dir,
			       void *buf, size_t *lenp, loff_t *ppos)
{
	char text[32];
	struct ctl_table tmp = {
		.data = text,
		.maxlen = sizeof(text),
	};
	u64 ns;

	if (SYSCTL_USER_TO_KERN(dir))
		return -EPERM;
	ns = mars_lamport_tick();
	snprintf(text, sizeof(text), "%llu.%09llu", ns / NSEC_PER_SEC,
		 ns % NSEC_PER_SEC);
	return proc_dostring(&tmp, dir, buf, lenp, ppos);
}

static int mars_trigger_value;

static int mars_trigger_sysctl(const struct ctl_table *table, int dir,
			       void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_dointvec(table, dir, buf, lenp, ppos);

	if (!err && SYSCTL_USER_TO_KERN(dir))
		mars_trigger();
	return err;
}

/*
 * /proc/sys/mars/profile (write anything): every primary resource prints
 * where its data path spent its time since the last request to dmesg, and
 * starts counting anew (src/primary/profile.rs). Each write is one more
 * request; the I/O threads compare with the count they last answered.
 */
static atomic_long_t mars_profile_gen;
static int mars_profile_value;

static int mars_profile_sysctl(const struct ctl_table *table, int dir,
			       void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_dointvec(table, dir, buf, lenp, ppos);

	if (!err && SYSCTL_USER_TO_KERN(dir))
		atomic_long_inc(&mars_profile_gen);
	return err;
}

/* Any context: the number of profile requests so far. */
unsigned long mars_profile_requests(void)
{
	return atomic_long_read(&mars_profile_gen);
}

/*
 * Test aid: milliseconds to wait between the check that /dev/mars/RES is
 * not open and its deletion, so that tests can make opens race with
 * teardown every time (0, the default, waits not at all).
 */
static unsigned int mars_teardown_delay_ms;
static const unsigned int mars_teardown_delay_max = 10000;

/* Process context: sleeps for the milliseconds a test-aid sysctl holds. */
static void mars_debug_sleep(const unsigned int *ms)
{
	unsigned int n = READ_ONCE(*ms);

	if (n)
		msleep(n);
}

/* Process context: sleep for debug_teardown_delay_ms, if set. */
void mars_debug_teardown_delay(void)
{
	mars_debug_sleep(&mars_teardown_delay_ms);
}

/*
 * Test aid: milliseconds the writeback thread waits before each batch, so
 * that tests can make writeback fall behind the log at will (bios keep up
 * with the log otherwise); 0, the default, waits not at all.
 */
static unsigned int mars_writeback_delay_ms;
static const unsigned int mars_writeback_delay_max = 1000;

/* Process context: sleep for debug_writeback_delay_ms, if set. */
void mars_debug_writeback_delay(void)
{
	mars_debug_sleep(&mars_writeback_delay_ms);
}

/*
 * Test aid: milliseconds the log-sync thread waits before each fsync of
 * the log, so that tests can hold flushes in flight while other requests
 * go on; 0, the default, waits not at all.
 */
static unsigned int mars_log_sync_delay_ms;
static const unsigned int mars_log_sync_delay_max = 5000;

/* Process context: sleep for debug_log_sync_delay_ms, if set. */
void mars_debug_log_sync_delay(void)
{
	mars_debug_sleep(&mars_log_sync_delay_ms);
}

/*
 * /proc/sys/mars/version (read-only): the module's version, for marsadm
 * --version (also in modinfo and /sys/module/mars/version).
 */
static char mars_version[] = MARS_VERSION;
MODULE_VERSION(MARS_VERSION);

/*
 * /proc/sys/mars/speed_test (write N, 1..1024): runs mars_speed_test(N),
 * the in-guest memcpy and CRC-32C ceiling, for benchmarks.
 */
static unsigned int mars_speed_rounds;
static const unsigned int mars_speed_rounds_max = 1024;

static int mars_speed_sysctl(const struct ctl_table *table, int dir,
			     void *buf, size_t *lenp, loff_t *ppos)
{
	int err = proc_douintvec_minmax(table, dir, buf, lenp, ppos);

	if (!err && SYSCTL_USER_TO_KERN(dir))
		err = mars_speed_test(READ_ONCE(mars_speed_rounds));
	return err;
}

static const struct ctl_table mars_sysctl_table[] = {
	{
		.procname = "peers",
		.mode = 0444,
		.proc_handler = mars_peers_sysctl,
	},
	{
		.procname = "max_future_s",
		.data = &mars_max_future,
		.maxlen = sizeof(unsigned int),
		.mode = 0644,
		.proc_handler = proc_douintvec_minmax,
		.extra1 = SYSCTL_ONE,
		.extra2 = (void *)&mars_max_future_max,
	},
	{
		.procname = "version",
		.data = mars_version,
		.maxlen = sizeof(mars_version),
		.mode = 0444,
		.proc_handler = proc_dostring,
	},
	{
		.procname = "lamport_clock",
		.mode = 0444,
		.proc_handler = mars_lamport_sysctl,
	},
	{
		.procname = "trigger",
		.data = &mars_trigger_value,
		.maxlen = sizeof(int),
		.mode = 0600,
		.proc_handler = mars_trigger_sysctl,
	},
	{
		.procname = "scans",
		.data = &mars_scans,
		.maxlen = sizeof(unsigned long),
		.mode = 0444,
		.proc_handler = proc_doulongvec_minmax,
	},
	{
		.procname = "speed_test",
		.data = &mars_speed_rounds,
		.maxlen = sizeof(unsigned int),
		.mode = 0600,
		.proc_handler = mars_speed_sysctl,
		.extra1 = SYSCTL_ONE,
		.extra2 = (void *)&mars_speed_rounds_max,
	},
	{
		.procname = "profile",
		.data = &mars_profile_value,
		.maxlen = sizeof(int),
		.mode = 0600,
		.proc_handler = mars_profile_sysctl,
	},
	{
		.procname = "debug_teardown_delay_ms",
		.data = &mars_teardown_delay_ms,
		.maxlen = sizeof(unsigned int),
		.mode = 0600,
		.proc_handler = proc_douintvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = (void *)&mars_teardown_delay_max,
	},
	{
		.procname = "debug_writeback_delay_ms",
		.data = &mars_writeback_delay_ms,
		.maxlen = sizeof(unsigned int),
		.mode = 0600,
		.proc_handler = proc_douintvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = (void *)&mars_writeback_delay_max,
	},
	{
		.procname = "debug_log_sync_delay_ms",
		.data = &mars_log_sync_delay_ms,
		.maxlen = sizeof(unsigned int),
		.mode = 0600,
		.proc_handler = proc_douintvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = (void *)&mars_log_sync_delay_max,
	},
};

static struct ctl_table_header *mars_sysctl_header;

int mars_control_init(void)
{
	mars_sysctl_header = register_sysctl("mars", mars_sysctl_table);
	if (!mars_sysctl_header)
		return -ENOMEM;
	mars_fault_init();
	return 0;
}

void mars_control_exit(void)
{
	mars_fault_exit();
	unregister_sysctl_table(mars_sysctl_header);
	mars_sysctl_header = NULL;
}

struct task_struct *mars_thread_start(int (*fn)(void *), void *data,
				      const char *name, int *err)
{
	struct task_struct *t = kthread_create(fn, data, "%s", name);

	if (IS_ERR(t)) {
		*err = PTR_ERR(t);
		return NULL;
	}
	get_task_struct(t);
	wake_up_process(t);
	*err = 0;
	return t;
}

int mars_thread_stop(struct task_struct *t)
{
	return kthread_stop_put(t);
}

bool mars_thread_should_stop(void)
{
	return kthread_should_stop();
}

unsigned int mars_noio_save(void)
{
	return memalloc_noio_save();
}

void mars_noio_restore(unsigned int flags)
{
	memalloc_noio_restore(flags);
}

int mars_hostname(char *buf, size_t len)
{
	/* The host's name in the initial UTS namespace (what `uname -n` shows). */
	return strscpy(buf, init_utsname()->nodename, len);
}
