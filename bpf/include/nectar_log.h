/* Logging from BPF to .NET's ILogger.
 *
 *   nectar_log_info(ctx, "task.pid: %d, linux_binprm.filename: %s", pid, bprm->filename);
 *
 * Each call writes one compact record to the ring buffer `nectar_log`: a header, the name of the
 * calling function (the logger's category), the format string and the arguments, each in a
 * fixed-size slot (8 bytes for integers, NECTAR_LOG_STR_MAX for strings). The runtime's
 * BpfLogReader formats them and logs them through Microsoft.Extensions.Logging.
 *
 * Arguments: integers of any width (signedness kept), `char *` kernel strings (read with
 * bpf_probe_read_kernel_str), user strings wrapped as nectar_log_user_str(p). Other pointers:
 * cast to unsigned long and print with %p or %lx. At most NECTAR_LOG_MAX_ARGS arguments.
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with optional l/ll/h/hh/z length modifiers
 * (the argument's own type decides its width).
 *
 * The minimum level is `const volatile`: set before load (BpfLog.SetMinimumLevel), the verifier
 * then removes calls below it, so those records are never produced. Records that find the ring
 * full are counted in `nectar_log_lost`, which the runtime reports.
 */
#ifndef NECTAR_LOG_H
#define NECTAR_LOG_H

/* After vmlinux.h, which already declares the kernel's BPF types, <linux/bpf.h> would redefine them. */
#ifndef __VMLINUX_H__
#include <linux/bpf.h>
#endif
#include <bpf/bpf_helpers.h>

/* The levels of Microsoft.Extensions.Logging.LogLevel. */
#define NECTAR_LOG_TRACE 0
#define NECTAR_LOG_DEBUG 1
#define NECTAR_LOG_INFO 2
#define NECTAR_LOG_WARN 3
#define NECTAR_LOG_ERROR 4
#define NECTAR_LOG_CRITICAL 5

#ifndef NECTAR_LOG_RING_SIZE
#define NECTAR_LOG_RING_SIZE (256 * 1024)
#endif
#ifndef NECTAR_LOG_STR_MAX
#define NECTAR_LOG_STR_MAX 64
#endif
#define NECTAR_LOG_MAX_ARGS 8
_Static_assert(NECTAR_LOG_STR_MAX % 8 == 0 && NECTAR_LOG_STR_MAX >= 8, "NECTAR_LOG_STR_MAX: a multiple of 8 bytes");

/* Argument kinds, as the runtime reads them. */
#define NECTAR_LOG_ARG_SIGNED 1
#define NECTAR_LOG_ARG_UNSIGNED 2
#define NECTAR_LOG_ARG_STRING 3

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, NECTAR_LOG_RING_SIZE);
} nectar_log SEC(".maps");

/* Records below this level are never produced; the runtime sets it before load. */
const volatile __u32 nectar_log_min_level = NECTAR_LOG_INFO;

/* Records lost because the ring was full. */
__u64 nectar_log_lost = 0;

/* The record header; category (no NUL), format (no NUL) and zero padding to 8 bytes follow,
 * then the argument slots. */
struct nectar_log_record {
    __u64 timestamp_ns; /* bpf_ktime_get_boot_ns() */
    __u32 tgid;
    __u32 pid;
    __u8 level;
    __u8 arg_count;
    __u8 category_length;
    __u8 reserved;
    __u16 format_length;
    __u8 arg_kinds[NECTAR_LOG_MAX_ARGS];
    __u16 reserved2;
};

struct nectar_log_user_str { const void *pointer; };
#define nectar_log_user_str(p) ((struct nectar_log_user_str){ (const void *)(p) })

static __always_inline void __nectar_log_put_u64(void *slot, __u64 value) { *(__u64 *)slot = value; }
static __always_inline void __nectar_log_put_s64(void *slot, __s64 value) { *(__s64 *)slot = value; }
static __always_inline void __nectar_log_put_kstr(void *slot, const char *s)
{
    if (bpf_probe_read_kernel_str(slot, NECTAR_LOG_STR_MAX, s) < 0)
        *(char *)slot = 0;
}
static __always_inline void __nectar_log_put_ustr(void *slot, struct nectar_log_user_str s)
{
    if (bpf_probe_read_user_str(slot, NECTAR_LOG_STR_MAX, s.pointer) < 0)
        *(char *)slot = 0;
}

/* One table of argument types, for both what to write and what kind to record:
 * signed integers, kernel strings, user strings, and everything else as unsigned. */
#define __NECTAR_LOG_BY_TYPE(x, SIGNED, KSTR, USTR, OTHER) _Generic((x), \
    char: SIGNED, signed char: SIGNED, short: SIGNED, int: SIGNED, long: SIGNED, long long: SIGNED, \
    char *: KSTR, const char *: KSTR, \
    struct nectar_log_user_str: USTR, \
    default: OTHER)
#define __NECTAR_LOG_PUT(x) __NECTAR_LOG_BY_TYPE(x, __nectar_log_put_s64, __nectar_log_put_kstr, __nectar_log_put_ustr, __nectar_log_put_u64)
#define __NECTAR_LOG_KIND(x) __NECTAR_LOG_BY_TYPE(x, NECTAR_LOG_ARG_SIGNED, NECTAR_LOG_ARG_STRING, NECTAR_LOG_ARG_STRING, NECTAR_LOG_ARG_UNSIGNED)
#define __NECTAR_LOG_SLOT(x) (__NECTAR_LOG_KIND(x) == NECTAR_LOG_ARG_STRING ? NECTAR_LOG_STR_MAX : 8)

/* Applies M(argument, index) to each argument. */
#define __NECTAR_LOG_COUNT(...) __NECTAR_LOG_COUNT_(0, ##__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __NECTAR_LOG_COUNT_(_0, _1, _2, _3, _4, _5, _6, _7, _8, n, ...) n
#define __NECTAR_LOG_EACH(M, ...) __NECTAR_LOG_EACH_(__NECTAR_LOG_COUNT(__VA_ARGS__), M, ##__VA_ARGS__)
#define __NECTAR_LOG_EACH_(n, M, ...) __NECTAR_LOG_CAT(__NECTAR_LOG_EACH_, n)(M, ##__VA_ARGS__)
#define __NECTAR_LOG_CAT(a, b) __NECTAR_LOG_CAT_(a, b)
#define __NECTAR_LOG_CAT_(a, b) a##b
#define __NECTAR_LOG_EACH_0(M)
#define __NECTAR_LOG_EACH_1(M, a) M(a, 0)
#define __NECTAR_LOG_EACH_2(M, a, b) M(a, 0) M(b, 1)
#define __NECTAR_LOG_EACH_3(M, a, b, c) M(a, 0) M(b, 1) M(c, 2)
#define __NECTAR_LOG_EACH_4(M, a, b, c, d) M(a, 0) M(b, 1) M(c, 2) M(d, 3)
#define __NECTAR_LOG_EACH_5(M, a, b, c, d, e) M(a, 0) M(b, 1) M(c, 2) M(d, 3) M(e, 4)
#define __NECTAR_LOG_EACH_6(M, a, b, c, d, e, f) M(a, 0) M(b, 1) M(c, 2) M(d, 3) M(e, 4) M(f, 5)
#define __NECTAR_LOG_EACH_7(M, a, b, c, d, e, f, g) M(a, 0) M(b, 1) M(c, 2) M(d, 3) M(e, 4) M(f, 5) M(g, 6)
#define __NECTAR_LOG_EACH_8(M, a, b, c, d, e, f, g, h) M(a, 0) M(b, 1) M(c, 2) M(d, 3) M(e, 4) M(f, 5) M(g, 6) M(h, 7)

/* Byte i of the record's text: the function name, then the format, then zero padding. Both are
 * constants, so clang folds each 8-byte word into one immediate: 3 instructions per 8 bytes
 * where a byte-wise copy would take 16. */
#define __NECTAR_LOG_TEXT_BYTE(category, fmt, i) \
    ((__u64)(unsigned char)((i) < sizeof(category) - 1 ? (category)[(i) < sizeof(category) - 1 ? (i) : 0] \
        : (i) - (sizeof(category) - 1) < sizeof(fmt) - 1 ? (fmt)[(i) - (sizeof(category) - 1) < sizeof(fmt) - 1 ? (i) - (sizeof(category) - 1) : 0] : 0))
#define __NECTAR_LOG_TEXT_WORD(category, fmt, i) ( \
    __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 0) | __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 1) << 8 | \
    __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 2) << 16 | __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 3) << 24 | \
    __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 4) << 32 | __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 5) << 40 | \
    __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 6) << 48 | __NECTAR_LOG_TEXT_BYTE(category, fmt, (i) + 7) << 56)

#define __NECTAR_LOG_ADD_SLOT(x, i) + __NECTAR_LOG_SLOT(x)
#define __NECTAR_LOG_WRITE_ARG(x, i) \
    __record->arg_kinds[i] = __NECTAR_LOG_KIND(x); \
    __NECTAR_LOG_PUT(x)((char *)__record + __offset, (x)); \
    __offset += __NECTAR_LOG_SLOT(x);

#define nectar_log(ctx, lvl, fmt, ...) ({ \
    _Static_assert(__NECTAR_LOG_COUNT(__VA_ARGS__) <= NECTAR_LOG_MAX_ARGS, "nectar_log: at most 8 arguments"); \
    _Static_assert(sizeof(__func__) <= 256 && sizeof(fmt) <= 65536, "nectar_log: function name or format too long"); \
    (void)(ctx); \
    if ((lvl) >= nectar_log_min_level) { \
        const __u32 __text = ((sizeof(__func__) - 1 + sizeof(fmt) - 1) + 7) & ~7; \
        const __u32 __size = sizeof(struct nectar_log_record) + __text __NECTAR_LOG_EACH(__NECTAR_LOG_ADD_SLOT, ##__VA_ARGS__); \
        struct nectar_log_record *__record = bpf_ringbuf_reserve(&nectar_log, __size, 0); \
        if (!__record) { \
            __sync_fetch_and_add(&nectar_log_lost, 1); \
        } else { \
            __u64 __pid_tgid = bpf_get_current_pid_tgid(); \
            __u32 __offset = sizeof(struct nectar_log_record) + __text; \
            __record->timestamp_ns = bpf_ktime_get_boot_ns(); \
            __record->tgid = __pid_tgid >> 32; \
            __record->pid = (__u32)__pid_tgid; \
            __record->level = (lvl); \
            __record->arg_count = __NECTAR_LOG_COUNT(__VA_ARGS__); \
            __record->category_length = sizeof(__func__) - 1; \
            __record->reserved = 0; \
            __record->format_length = sizeof(fmt) - 1; \
            __record->reserved2 = 0; \
            __builtin_memset(__record->arg_kinds, 0, NECTAR_LOG_MAX_ARGS); \
            _Pragma("clang loop unroll(full)") \
            for (__u32 __word = 0; __word < __text / 8; __word++) \
                ((__u64 *)(__record + 1))[__word] = __NECTAR_LOG_TEXT_WORD(__func__, fmt, __word * 8); \
            __NECTAR_LOG_EACH(__NECTAR_LOG_WRITE_ARG, ##__VA_ARGS__) \
            bpf_ringbuf_submit(__record, 0); \
        } \
    } \
})

#define nectar_log_trace(ctx, fmt, ...) nectar_log(ctx, NECTAR_LOG_TRACE, fmt, ##__VA_ARGS__)
#define nectar_log_debug(ctx, fmt, ...) nectar_log(ctx, NECTAR_LOG_DEBUG, fmt, ##__VA_ARGS__)
#define nectar_log_info(ctx, fmt, ...) nectar_log(ctx, NECTAR_LOG_INFO, fmt, ##__VA_ARGS__)
#define nectar_log_warn(ctx, fmt, ...) nectar_log(ctx, NECTAR_LOG_WARN, fmt, ##__VA_ARGS__)
#define nectar_log_error(ctx, fmt, ...) nectar_log(ctx, NECTAR_LOG_ERROR, fmt, ##__VA_ARGS__)
#define nectar_log_critical(ctx, fmt, ...) nectar_log(ctx, NECTAR_LOG_CRITICAL, fmt, ##__VA_ARGS__)

#endif /* NECTAR_LOG_H */
