// SPDX-License-Identifier: GPL-2.0
/*
 * Network glue: kernel TCP sockets for the cluster layer (src/net/), the
 * module parameters of the metadata port, HMAC-SHA256 from the kernel's
 * crypto library, the cluster secret file and /proc/sys/mars/peers.
 *
 * Common contract: a struct socket * handed out by mars_sock_create() or
 * mars_sock_accept() belongs to the caller until mars_sock_release(); one
 * thread uses a socket at a time, except that mars_sock_shutdown() may be
 * called from any thread while another one is blocked on the socket (it
 * wakes it). Functions return 0 (or a byte count) on success and a
 * negative errno on failure; they may sleep and must be called from
 * process context. Blocking calls end within the socket's timeouts
 * (mars_sock_set_opts), with -EAGAIN when a timeout passed, so a thread
 * can check kthread_should_stop() between calls. All sockets live in the
 * initial network namespace.
 */

#include <crypto/sha2.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "glue.h"

static ushort port = 7777;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "TCP port of the cluster metadata listener (default 7777)");

static char *listen_addr = "";
module_param(listen_addr, charp, 0444);
MODULE_PARM_DESC(listen_addr,
		 "Address the metadata listener binds to (default: every address)");

static ushort fetch_port = 7778;
module_param(fetch_port, ushort, 0444);
MODULE_PARM_DESC(fetch_port, "TCP port of the log fetch listener (default 7778)");

static ushort sync_port = 7779;
module_param(sync_port, ushort, 0444);
MODULE_PARM_DESC(sync_port, "TCP port of the full sync listener (default 7779)");

static int fetch_tos = 0x08;
module_param(fetch_tos, int, 0644);
MODULE_PARM_DESC(fetch_tos, "IPv4 TOS byte of log fetch connections (default 0x08, throughput; -1: leave alone)");

static int sync_tos = 0x08;
module_param(sync_tos, int, 0644);
MODULE_PARM_DESC(sync_tos, "IPv4 TOS byte of full sync connections (default 0x08, throughput; -1: leave alone)");

static uint sync_rate_kib;
module_param(sync_rate_kib, uint, 0644);
MODULE_PARM_DESC(sync_rate_kib, "Limit of full sync traffic per host in KiB/s (0: none); may be changed at any time");

static uint stall_s = 30;
module_param(stall_s, uint, 0644);
MODULE_PARM_DESC(stall_s, "A fetch or sync connection without progress for this many seconds is torn down and made anew (default 30)");

u16 mars_net_port(void)
{
	return port;
}

u16 mars_net_data_port(int which)
{
	return which ? sync_port : fetch_port;
}

int mars_net_data_tos(int which)
{
	int t = which ? READ_ONCE(sync_tos) : READ_ONCE(fetch_tos);

	return t >= 0 && t <= 255 ? t : -1;
}

unsigned int mars_net_sync_rate_kib(void)
{
	return READ_ONCE(sync_rate_kib);
}

unsigned int mars_net_stall_s(void)
{
	unsigned int s = READ_ONCE(stall_s);

	return s ? s : 1;
}

int mars_net_listen_addr(char *buf, size_t len)
{
	return strscpy(buf, listen_addr ? listen_addr : "", len);
}

/* Fills a sockaddr from a 4- or 16-byte address; returns its length. */
static int mars_sockaddr(struct sockaddr_storage *ss, int family,
			 const u8 *addr, u16 p)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(p);
		memcpy(&in->sin_addr, addr, 4);
		return sizeof(*in);
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		memcpy(&in6->sin6_addr, addr, 16);
		return sizeof(*in6);
	}
	return -EAFNOSUPPORT;
}

int mars_sock_create(int family, struct socket **out)
{
	struct socket *s;
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	err = sock_create_kern(&init_net, family, SOCK_STREAM, IPPROTO_TCP, &s);
	if (err)
		return err;
	/* Never let reclaim recurse into our sockets' allocations via I/O. */
	s->sk->sk_allocation = GFP_NOIO;
	*out = s;
	return 0;
}

int mars_sock_set_opts(struct socket *s, unsigned int timeout_ms, int tos,
		       unsigned int user_timeout_ms)
{
	struct sock *sk = s->sk;
	long t = msecs_to_jiffies(timeout_ms);

	WRITE_ONCE(sk->sk_rcvtimeo, t);
	WRITE_ONCE(sk->sk_sndtimeo, t);
	tcp_sock_set_nodelay(sk);
	sock_set_keepalive(sk);
	/* A silent peer is given up after 5 + 3 * 3 s of keepalive probes. */
	tcp_sock_set_keepidle(sk, 5);
	tcp_sock_set_keepintvl(sk, 3);
	tcp_sock_set_keepcnt(sk, 3);
	tcp_sock_set_user_timeout(sk, user_timeout_ms);
	if (tos >= 0 && sk->sk_family == AF_INET)
		ip_sock_set_tos(sk, tos);
	return 0;
}

int mars_sock_listen(struct socket *s, const u8 *addr, u16 p, int backlog)
{
	struct sockaddr_storage ss;
	int len = mars_sockaddr(&ss, s->sk->sk_family, addr, p);
	int err;

	if (len < 0)
		return len;
	sock_set_reuseaddr(s->sk);
	err = kernel_bind(s, (struct sockaddr_unsized *)&ss, len);
	if (err)
		return err;
	return kernel_listen(s, backlog);
}

int mars_sock_accept(struct socket *ls, struct socket **out)
{
	struct socket *s;
	int err = kernel_accept(ls, &s, 0);

	if (err)
		return err;
	s->sk->sk_allocation = GFP_NOIO;
	*out = s;
	return 0;
}

int mars_sock_connect(struct socket *s, const u8 *addr, u16 p)
{
	struct sockaddr_storage ss;
	int len = mars_sockaddr(&ss, s->sk->sk_family, addr, p);
	int err;

	if (len < 0)
		return len;
	err = kernel_connect(s, (struct sockaddr_unsized *)&ss, len, 0);
	/* A blocking connect that outlived the send timeout says EINPROGRESS. */
	return err == -EINPROGRESS ? -ETIMEDOUT : err;
}

long mars_sock_send(struct socket *s, const void *buf, size_t len)
{
	struct kvec v = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = { .msg_flags = MSG_NOSIGNAL };

	return kernel_sendmsg(s, &m, &v, 1, len);
}

long mars_sock_recv(struct socket *s, void *buf, size_t len)
{
	struct kvec v = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_flags = 0 };

	return kernel_recvmsg(s, &m, &v, 1, len, 0);
}

int mars_sock_peer(struct socket *s, u8 *addr16, u16 *p)
{
	struct sockaddr_storage ss;
	int err = kernel_getpeername(s, (struct sockaddr *)&ss);

	if (err < 0)
		return err;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		memcpy(addr16, &in->sin_addr, 4);
		*p = ntohs(in->sin_port);
		return AF_INET;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		memcpy(addr16, &in6->sin6_addr, 16);
		*p = ntohs(in6->sin6_port);
		return AF_INET6;
	}
	return -EAFNOSUPPORT;
}

void mars_sock_shutdown(struct socket *s)
{
	kernel_sock_shutdown(s, SHUT_RDWR);
}

void mars_sock_release(struct socket *s)
{
	sock_release(s);
}

void mars_hmac_sha256(const u8 *key, size_t key_len, const u8 *data,
		      size_t len, u8 *out)
{
	hmac_sha256_usingrawkey(key, key_len, data, len, out);
}

void mars_sha256(const u8 *data, size_t len, u8 *out)
{
	sha256(data, len, out);
}

void mars_random_bytes(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

long mars_read_secret(const char *path, void *buf, size_t len)
{
	struct file *f;
	struct inode *inode;
	loff_t pos = 0;
	long n;

	scoped_with_init_fs() {
		f = filp_open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
	}
	if (IS_ERR(f))
		return PTR_ERR(f);
	inode = file_inode(f);
	if (!S_ISREG(inode->i_mode)) {
		n = -EINVAL;
	} else if (inode->i_mode & 0077) {
		n = -EPERM;
	} else {
		n = kernel_read(f, buf, len, &pos);
	}
	fput(f);
	return n;
}

/*
 * /proc/sys/mars/peers: the cluster layer's text, under mars_peers_lock.
 * A read at offset 0 makes the text anew into mars_peers_text; reads at
 * later offsets continue in that same text, so a reader that reads in
 * pieces never sees lines torn between two versions.
 */
#define MARS_PEERS_TEXT (64 * 1024)

static DEFINE_MUTEX(mars_peers_lock);
static size_t (*mars_peers_fn)(void *ctx, char *buf, size_t len);
static void *mars_peers_ctx;
static char *mars_peers_text;

void mars_peers_register(size_t (*fn)(void *ctx, char *buf, size_t len),
			 void *ctx)
{
	mutex_lock(&mars_peers_lock);
	mars_peers_fn = fn;
	mars_peers_ctx = ctx;
	if (!fn) {
		kvfree(mars_peers_text);
		mars_peers_text = NULL;
	}
	mutex_unlock(&mars_peers_lock);
}

int mars_peers_sysctl(const struct ctl_table *table, int dir, void *buf,
		      size_t *lenp, loff_t *ppos)
{
	struct ctl_table tmp = { .maxlen = MARS_PEERS_TEXT };
	static char empty[1];
	size_t n;
	int err;

	if (SYSCTL_USER_TO_KERN(dir))
		return -EPERM;
	mutex_lock(&mars_peers_lock);
	if (mars_peers_fn && !mars_peers_text)
		mars_peers_text = kvzalloc(MARS_PEERS_TEXT, GFP_KERNEL);
	if (mars_peers_fn && mars_peers_text && *ppos == 0) {
		n = mars_peers_fn(mars_peers_ctx, mars_peers_text,
				  MARS_PEERS_TEXT - 1);
		mars_peers_text[min_t(size_t, n, MARS_PEERS_TEXT - 1)] = 0;
	}
	tmp.data = mars_peers_text ? mars_peers_text : empty;
	err = proc_dostring(&tmp, dir, buf, lenp, ppos);
	mutex_unlock(&mars_peers_lock);
	return err;
}
