/* SPDX-License-Identifier: GPL-2.0 */
/* Copying syscall argument memory (paths, buffers, structs) into records, as
 * the loader's decoding tables ask (map syscall_specs). Records with captures
 * are built in a per-CPU scratch buffer (scratch_begin) and sent with
 * bpf_ringbuf_output, which takes a variable length; plain records keep the
 * batches. */
#ifndef RTRACE_CAPTURE_BPF_H
#define RTRACE_CAPTURE_BPF_H

#include "common.bpf.h"

/* Offsets and sizes are bounded by masks, not compares: older verifiers
 * (6.1) lose a compare's bound through 32-bit arithmetic. Offsets are masked
 * to OFF_MASK, sizes to SIZE_MASK (twice the largest capture), and the
 * scratch buffer has that much slack past OFF_MASK. */
#define OFF_MASK	16383
#define SIZE_MASK	(RTRACE_CAPTURE_MAX * 2 - 1)
#define SCRATCH_SIZE	(OFF_MASK + 1 + SIZE_MASK + 1)

/* v &= mask that the compiler cannot drop: clang knows v is already below
 * the mask when a compare bounded it, but the 6.1 verifier does not. */
#define bound_size(v)	asm volatile("%0 &= 8191" : "+r"(v))
_Static_assert(SIZE_MASK == 8191, "bound_size's literal");

/* The largest record: scratch_end masks its size with OFF_MASK, so a
 * record that reached OFF_MASK + 1 would wrap to nothing. */
#define RECORD_MAX	(OFF_MASK + 1 - 8)

/* A syscall's captures always fit whole... */
_Static_assert(sizeof(struct rtrace_sys_enter) + RTRACE_MAX_CAPTURES *
	       (sizeof(struct rtrace_capture) + RTRACE_CAPTURE_MAX) <= RECORD_MAX,
	       "syscall captures overflow the record");
_Static_assert(sizeof(struct rtrace_sys_exit) <= sizeof(struct rtrace_sys_enter),
	       "sys_exit is the smaller record");
/* ...a function's do not (4 x 4 KiB with -s 4094): each takes at most what
 * the ones before it left (capture_room), which is half the largest capture
 * for the last one at worst. */
_Static_assert(sizeof(struct rtrace_func_entry) + RTRACE_MAX_FUNC_CAPTURES *
	       sizeof(struct rtrace_capture) + (RTRACE_MAX_FUNC_CAPTURES - 1) *
	       RTRACE_CAPTURE_MAX + RTRACE_CAPTURE_MAX / 2 <= RECORD_MAX,
	       "a function's last capture gets too little of the record");

struct scratch {
	__u32 busy;	/* a record is being built in buf */
	__u32 pad;
	__u8 buf[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} capture_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RTRACE_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rtrace_syscall_spec);
} syscall_specs SEC(".maps") __weak;

/* Syscalls with a capture at entry / at exit: skips the spec lookup for the rest. */
const volatile __u64 capture_enter_mask[RTRACE_MAX_SYSCALLS / 64] __weak;
const volatile __u64 capture_exit_mask[RTRACE_MAX_SYSCALLS / 64] __weak;
/* Set by the loader for tests (RTRACE_NO_SCRATCH): every record with captures
 * is built in the ring buffer, as when its CPU's scratch buffer is busy. */
const volatile bool scratch_off __weak;
/* Byte limits: strings (paths are shown whole, as strace does) and buffers (-s). */
const volatile __u32 buf_limit __weak = 32;

static __always_inline bool mask_has(const volatile __u64 *mask, long nr)
{
	if (nr < 0 || nr >= RTRACE_MAX_SYSCALLS)
		return false;
	return mask[(nr >> 6) & (RTRACE_MAX_SYSCALLS / 64 - 1)] & (1ULL << (nr & 63));
}

static __always_inline __u64 reg_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

/* The byte limit of a capture: its own size when set (data shown whole),
 * else -s plus 2, so that a string cut by -s shows as cut. */
static __always_inline __u32 capture_limit(__u32 size)
{
	__u32 lim = size ?: buf_limit + 2;

	return lim > RTRACE_CAPTURE_MAX ? RTRACE_CAPTURE_MAX : lim;
}

/* Bytes a capture whose data starts at data may take: what is left of the
 * record. data is 8-aligned, so is the room: padding stays inside it. */
static __always_inline __u32 capture_room(__u32 data)
{
	return data < RECORD_MAX ? RECORD_MAX - data : 0;
}

/* Copies the string at ptr to the record at buf + data, up to lim bytes.
 * Returns its length without the NUL, or -1 (with RTRACE_CAPF_FAULT set). */
static __always_inline long take_str(__u8 *buf, __u32 data, __u32 lim, __u64 ptr, __u8 *flags)
{
	long n;

	bound_size(lim);
	n = bpf_probe_read_user_str(&buf[data & OFF_MASK], lim, (void *)ptr);

	if (n < 0) {
		*flags |= RTRACE_CAPF_FAULT;
		return -1;
	}
	if (n > 0)
		n--;	/* keep the NUL out of the length */
	if ((__u32)n + 1 >= lim)
		*flags |= RTRACE_CAPF_TRUNC;
	return n;
}

struct strv_ctx {
	__u8 *buf;		/* the record being built */
	__u64 ptr;		/* the char *[] */
	__u32 dst;		/* where its strings go in buf */
	__u32 per;		/* bytes per string, at most */
	__u32 used;		/* bytes written, or pointers counted */
	__u8 flags;
	bool count_only;
};

static const __u32 zero_key;

/* Where to build a record with captures (up to SCRATCH_SIZE bytes): this
 * CPU's scratch buffer, or a ring buffer reservation while the buffer is
 * busy. Uprobe programs run preemptible (under migrate_disable() only): a
 * task preempted while building its record here would find it overwritten
 * by the next task to build one on this CPU, a function's or a syscall's.
 * The batches' protocol, and as rare: the reservation is copied out at its
 * size and discarded. Pair with scratch_end(*sp, ...). */
static __always_inline __u8 *scratch_begin(struct scratch **sp)
{
	struct scratch *s = NULL;

	*sp = NULL;
	if (!scratch_off)
		s = bpf_map_lookup_elem(&capture_scratch, &zero_key);
	/* One atomic test-and-set: a preemption between a test and a store
	 * would let two builders in. */
	if (s && !__sync_val_compare_and_swap(&s->busy, 0, 1)) {
		*sp = s;
		return s->buf;
	}
	return reserve_event(&events, SCRATCH_SIZE);
}

/* Sends the record built at buf, size bytes, and gives buf back. */
static __always_inline void scratch_end(struct scratch *s, __u8 *buf, __u32 size)
{
	size &= OFF_MASK;
	((struct rtrace_hdr *)buf)->size = size;
	if (size < 8 || bpf_ringbuf_output(&events, buf, size, BPF_RB_NO_WAKEUP))
		__sync_fetch_and_add(&lost_events, 1);
	if (s) {
		barrier();
		s->busy = 0;
	} else {
		bpf_ringbuf_discard(buf, BPF_RB_NO_WAKEUP);
	}
}

/* One element of a NULL-ended char *[]: bpf_loop callback, so the verifier
 * checks it once rather than once per iteration. Returns 1 to stop. */
static long strv_step(__u32 i, void *data)
{
	struct strv_ctx *x = data;
	__u32 per;
	__u64 p = 0;
	long n;

	if (bpf_probe_read_user(&p, sizeof(p), (void *)(x->ptr + (__u64)i * sizeof(p)))) {
		x->flags |= RTRACE_CAPF_FAULT;
		return 1;
	}
	if (!p)
		return 1;
	if (x->count_only) {
		x->used++;
		return 0;
	}
	if (x->used + x->per > RTRACE_CAPTURE_MAX) {
		x->flags |= RTRACE_CAPF_TRUNC;
		return 1;
	}
	per = x->per;
	bound_size(per);
	n = bpf_probe_read_user_str(&x->buf[(x->dst + x->used) & OFF_MASK], per, (void *)p);
	if (n <= 0) {
		x->buf[(x->dst + x->used) & OFF_MASK] = 0;	/* unreadable: empty */
		n = 1;
	}
	x->used += n;
	return 0;
}

/* Packs the strings of a NULL-ended char *[] at dst (each with its NUL), or
 * only counts them. Returns the bytes used, or the count. */
static __always_inline __u32 take_strv(__u8 *buf, __u32 dst, __u64 ptr, __u32 per,
				       bool count_only, __u8 *flags)
{
	struct strv_ctx x = {
		.buf = buf, .ptr = ptr, .dst = dst, .per = per, .count_only = count_only,
	};
	__u32 max = count_only ? RTRACE_STRV_COUNT_MAX : RTRACE_STRV_MAX;

	if (bpf_loop(max, strv_step, &x, 0) == max)
		x.flags |= RTRACE_CAPF_TRUNC;
	*flags |= x.flags;
	return x.used;
}

struct iov_ctx {
	__u8 *buf;		/* the record being built */
	__u64 ptr;		/* the struct iovec[] */
	__u32 dst;		/* where its entries go in buf */
	__u32 per;		/* bytes of each buffer, at most */
	__u32 used;
	__u8 flags;
};

/* One iovec entry: its base and length, then its first bytes. A bpf_loop
 * callback. Returns 1 to stop. */
static long iov_step(__u32 i, void *data)
{
	struct iov_ctx *x = data;
	struct rtrace_iov *iov;
	__u64 vec[2] = {};
	__u32 n;

	if (bpf_probe_read_user(vec, sizeof(vec), (void *)(x->ptr + (__u64)i * sizeof(vec)))) {
		x->flags |= RTRACE_CAPF_FAULT;
		return 1;
	}
	n = vec[1] < x->per ? vec[1] : x->per;
	if (x->used + sizeof(*iov) + n > RTRACE_CAPTURE_MAX) {
		x->flags |= RTRACE_CAPF_TRUNC;
		return 1;
	}
	iov = (void *)&x->buf[(x->dst + x->used) & OFF_MASK];
	iov->base = vec[0];
	iov->len = vec[1];
	iov->pad = 0;
	bound_size(n);
	if (n && bpf_probe_read_user(&x->buf[(x->dst + x->used + sizeof(*iov)) & OFF_MASK], n,
				     (void *)vec[0]))
		n = RTRACE_IOV_FAULT;
	iov->captured = n;
	x->used += sizeof(*iov) + (n == RTRACE_IOV_FAULT ? 0 : (n + 7) & ~7U);
	return 0;
}

/* Takes an iovec array of count entries at ptr into dst. Returns the bytes used. */
static __always_inline __u32 take_iov(__u8 *buf, __u32 dst, __u64 ptr, __u64 count, __u32 per,
				      __u8 *flags)
{
	struct iov_ctx x = { .buf = buf, .ptr = ptr, .dst = dst, .per = per };

	if (count > RTRACE_IOV_MAX) {
		count = RTRACE_IOV_MAX;
		x.flags |= RTRACE_CAPF_TRUNC;
	}
	bpf_loop(count, iov_step, &x, 0);
	*flags |= x.flags;
	return x.used;
}

/* Takes capture idx of spec into the record at buf + *off. Returns 1 if it
 * wrote a block. Lengths: `size` when set (data shown whole), else -s based. */
static __always_inline int take_capture(__u8 *buf, __u32 *off, int idx,
					const struct rtrace_capture_spec *cs, struct pt_regs *regs,
					long ret)
{
	__u32 o = *off & OFF_MASK, data = (o + sizeof(struct rtrace_capture)) & OFF_MASK, lim;
	struct rtrace_capture *c;
	__u64 ptr, want = 0;
	__u32 len32, count;
	__u8 flags = 0;
	long n = 0;

	if (cs->kind == RTRACE_CAP_NONE)
		return 0;
	ptr = reg_arg(regs, cs->arg);
	c = (void *)&buf[o];
	c->idx = idx;
	c->pad = 0;
	c->len = 0;
	if (!ptr) {
		flags = RTRACE_CAPF_FAULT;
		goto done;
	}
	lim = capture_limit(cs->size);
	switch (cs->kind) {
	case RTRACE_CAP_STR:
		n = take_str(buf, data, lim, ptr, &flags);
		c->len = n < 0 ? 0 : n;
		goto done;
	case RTRACE_CAP_STRV:
		c->len = take_strv(buf, data, ptr, lim > 256 ? 256 : lim, false, &flags);
		goto done;
	case RTRACE_CAP_IOV:
		c->len = take_iov(buf, data, ptr, reg_arg(regs, cs->len_arg),
				  lim > 256 ? 256 : lim, &flags);
		goto done;
	case RTRACE_CAP_STRV_COUNT:
		count = take_strv(buf, data, ptr, 0, true, &flags);
		*(__u32 *)&buf[data] = count;
		c->len = sizeof(count);
		goto done;
	case RTRACE_CAP_FIXED:
		want = cs->size;
		break;
	case RTRACE_CAP_ARGLEN:
		want = reg_arg(regs, cs->len_arg) * (cs->elem_size ?: 1);
		break;
	case RTRACE_CAP_RETLEN:
		want = ret > 0 ? ret * (cs->elem_size ?: 1) : 0;
		break;
	case RTRACE_CAP_DEREF_LEN:
		len32 = 0;
		bpf_probe_read_user(&len32, sizeof(len32), (void *)reg_arg(regs, cs->len_arg));
		want = len32;
		break;
	default:
		return 0;
	}
	if (want > lim) {
		want = lim;
		flags = RTRACE_CAPF_TRUNC;
	}
	if (want) {
		bound_size(want);
		if (bpf_probe_read_user(&buf[data], want, (void *)ptr)) {
			flags = RTRACE_CAPF_FAULT;
			want = 0;
		}
	}
	c->len = want;
done:
	c->flags = flags;
	*off = o + sizeof(*c) + ((c->len + 7) & ~7U);
	return 1;
}

/* Sends the record at buf (hdr_size bytes, then nr_caps) with the captures of
 * this stage, and gives buf back (scratch_begin). */
static __always_inline void emit_with_captures(struct scratch *s, __u8 *buf, __u32 hdr_size,
					       __u16 *nr_caps, long nr, bool at_exit,
					       struct pt_regs *regs, long ret)
{
	struct rtrace_syscall_spec *spec;
	__u32 key = nr, off = hdr_size;
	int i;

	spec = bpf_map_lookup_elem(&syscall_specs, &key);
	if (spec) {
#pragma unroll
		for (i = 0; i < RTRACE_MAX_CAPTURES; i++)
			if (spec->cap[i].at_exit == at_exit)
				*nr_caps += take_capture(buf, &off, i, &spec->cap[i], regs, ret);
	}
	scratch_end(s, buf, off);
}

#endif
