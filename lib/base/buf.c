/*
 * buf.c: growable NUL-terminated buffers, file reading with a size cap,
 * atomic file writing, and the escaping every output path shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "i18n.h"
#include "banned.h"

char kp_buf_empty[1];

void kp_buf_init(struct kp_buf *b)
{
	b->buf = kp_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void kp_buf_grow(struct kp_buf *b, size_t extra)
{
	size_t want;

	if (extra >= SIZE_MAX - b->len - 1)
		kp_oom();
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return;
	if (!b->alloc)
		b->buf = NULL;
	if (want < 64)
		want = 64;
	if (want < b->alloc + b->alloc / 2)
		want = b->alloc + b->alloc / 2;
	b->buf = kp_xrealloc(b->buf, want);
	b->alloc = want;
	b->buf[b->len] = '\0';
}

void kp_buf_add(struct kp_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	kp_buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void kp_buf_addstr(struct kp_buf *b, const char *s)
{
	kp_buf_add(b, s, strlen(s));
}

void kp_buf_addch(struct kp_buf *b, int c)
{
	kp_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void kp_buf_vaddf(struct kp_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt,
		      cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= (b->alloc ? b->alloc - b->len : 0)) {
		kp_buf_grow(b, (size_t)n);
		n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
		if (n < 0)
			return;
	}
	b->len += (size_t)n;
}

void kp_buf_addf(struct kp_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kp_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void kp_buf_setlen(struct kp_buf *b, size_t len)
{
	if (len > b->len)
		kp_buf_grow(b, len - b->len);
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

void kp_buf_reset(struct kp_buf *b)
{
	kp_buf_setlen(b, 0);
}

void kp_buf_release(struct kp_buf *b)
{
	if (b->alloc)
		free(b->buf);
	kp_buf_init(b);
}

char *kp_buf_detach(struct kp_buf *b, size_t *len)
{
	char *s;

	if (!b->alloc)
		kp_buf_grow(b, 0);
	s = b->buf;
	if (len)
		*len = b->len;
	kp_buf_init(b);
	return s;
}

size_t kp_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void kp_buf_add_escaped(struct kp_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		unsigned c = p[i];

		if (c == '\n') {
			kp_buf_add(b, "\\n", 2);
			i++;
		} else if (c == '\t') {
			kp_buf_add(b, "\\t", 2);
			i++;
		} else if (c == '\r') {
			kp_buf_add(b, "\\r", 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			kp_buf_addf(b, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			kp_buf_addch(b, (int)c);
			i++;
		} else if ((n = kp_utf8_len(s + i, len - i)) == 0) {
			kp_buf_addf(b, "\\x%02x", c);
			i++;
		} else if (n == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
			/* C1 control characters */
			kp_buf_addf(b, "\\u%04x", p[i + 1]);
			i += 2;
		} else {
			kp_buf_add(b, p + i, n);
			i += n;
		}
	}
}

/*
 * Whether one of the eight bytes at p needs an escape in JSON: below
 * 0x20, '"', '\\' or 0x7f (the "has a byte less than n" and "has a zero
 * byte" tricks; bytes from 0x80, UTF-8, never count).
 */
static int json_special8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t w, q, bs, del;

	memcpy(&w, p, 8);
	q = w ^ (ones * '"');
	bs = w ^ (ones * '\\');
	del = w ^ (ones * 0x7f);
	return ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
		 ((bs - ones) & ~bs) | ((del - ones) & ~del)) &
		high) != 0;
}

void kp_buf_add_json(struct kp_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;

	kp_buf_grow(b, len + 2);
	kp_buf_addch(b, '"');
	while (i < len) {
		const char *esc = NULL;
		unsigned c;

		/* Most text needs no escape: eight bytes at a time. */
		if (len - i >= 8 && !json_special8(p + i)) {
			i += 8;
			continue;
		}
		c = p[i++];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c >= 0x20 && c != 0x7f)
				continue;
		}
		kp_buf_add(b, s + start, i - 1 - start);
		if (esc)
			kp_buf_addstr(b, esc);
		else
			kp_buf_addf(b, "\\u%04x", c);
		start = i;
	}
	kp_buf_add(b, s + start, len - start);
	kp_buf_addch(b, '"');
}

/* Reads fd to its end, appending to b; the text is NUL-terminated. */
static int read_fd(struct kp_buf *b, int fd, const char *path, size_t max,
		   struct kp_error *err)
{
	size_t start = b->len;

	for (;;) {
		ssize_t n;

		kp_buf_grow(b, 8192);
		n = read(fd, b->buf + b->len, b->alloc - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kp_error_set(err, KP_EIO, path, 0, 0,
					    _("cannot read: %s"),
					    strerror(errno));
		}
		if (n == 0)
			return 0;
		b->len += (size_t)n;
		b->buf[b->len] = '\0';
		if (b->len - start > max)
			return kp_error_set(
				err, KP_ELIMIT, path, 0, 0,
				_("file is larger than the limit of %zu bytes"),
				max);
	}
}

/* A refusal of a file of size bytes larger than max, else 0. */
static int too_large(size_t size, const char *path, size_t max,
		     struct kp_error *err)
{
	if (size <= max)
		return 0;
	return kp_error_set(err, KP_ELIMIT, path, 0, 0,
			    _("file is larger than the limit of %zu bytes"),
			    max);
}

int kp_buf_read_file(struct kp_buf *b, const char *path, size_t max,
		     struct kp_error *err)
{
	int fd, is_stdin = strcmp(path, "-") == 0;
	size_t start = b->len;
	struct stat st;
	int error = 0;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kp_error_set(err, KP_EIO, path, 0, 0,
				    _("cannot open: %s"), strerror(errno));
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			error = kp_error_set(err, KP_EIO, path, 0, 0,
					     _("is a directory"));
			goto done;
		}
		if (S_ISREG(st.st_mode) &&
		    (error = too_large((size_t)st.st_size, path, max, err)) < 0)
			goto done;
		if (S_ISREG(st.st_mode))
			kp_buf_grow(b, (size_t)st.st_size);
	}
	error = read_fd(b, fd, path, max, err);
done:
	if (!is_stdin)
		close(fd);
	if (error)
		kp_buf_setlen(b, start);
	return error;
}

int kp_buf_read_regular(struct kp_buf *b, const char *path, size_t size,
			size_t max, struct kp_error *err)
{
	size_t start = b->len;
	int fd, error;

	if ((error = too_large(size, path, max, err)) < 0)
		return error;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kp_error_set(err, KP_EIO, path, 0, 0,
				    _("cannot open: %s"), strerror(errno));
	kp_buf_grow(b, size);
	error = read_fd(b, fd, path, max, err);
	close(fd);
	if (error)
		kp_buf_setlen(b, start);
	return error;
}
