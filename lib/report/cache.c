/*
 * cache.c: the due-item cache.  A second `kiplan due` over plans that
 * have not changed reads the cache instead of the plans.
 *
 * The file is a header and then one record per plan, in the order of the
 * walk:
 *
 *	header: "KPDUE\0\3\0", u64 key
 *	record: u32 length, u64 FNV-1a of the payload, payload
 *	payload: path, file identity (5 x u64), u32 item count, items
 *	item: u8 kind, u8 inferred, u8 has_meeting, i32 days since 1970,
 *	      i32 the meeting's days, u32 n, u32 line,
 *	      then id, citizen, coordinator, responsible, task
 *	string: u32 length, bytes
 *
 * in the machine's byte order (the cache never leaves the machine).  A
 * record is used only when its checksum holds and the file's identity
 * (device, inode, size, mtime and ctime in nanoseconds) is unchanged; a
 * bad record ends the reading, and everything after it is a miss.  A
 * file changed less than two seconds before the run is not recorded (as
 * git's "racily clean" entries), since a change within the timestamp's
 * granularity would not show.
 *
 * While every plan asked for is the next record and unchanged, nothing
 * is written: an unchanged cache is only read.  At the first change, the
 * records that held are copied from the old file into the new one, and
 * the new one is written from there on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"
#include "i18n.h"
#include "banned.h"

static const char magic[8] = { 'K', 'P', 'D', 'U', 'E', 0, 3, 0 };

#define RECORD_MAX (4u * 1024 * 1024)
#define RACY_NS 2000000000LL

struct kp_due_cache {
	char *path;
	FILE *in;	      /* the old cache; NULL when none or bad */
	struct kp_buf rec;    /* the current old record's payload */
	int have_rec;	      /* rec holds an unconsumed record */
	const char *rec_path; /* into rec */
	size_t rec_pathlen;
	struct kp_file_id rec_id;
	size_t rec_pos; /* where the items start */

	size_t rec_size; /* the current record's bytes in the file */
	size_t good_end; /* old bytes that the new cache starts with */
	size_t hits;	 /* records in those bytes */
	size_t puts;	 /* records put so far */
	size_t copied;	 /* the first puts are in the copied bytes */

	struct kp_buf tmpname;
	FILE *out;	 /* the new cache, once something changed */
	struct kp_buf w; /* the record being written */
	unsigned long long key;
	long long now_ns;
	int write_failed;
};

char *kp_due_cache_path(const char *gitdir, unsigned long long key)
{
	struct kp_buf b = KP_BUF_INIT;
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (gitdir) {
		kp_buf_addf(&b, "%s/kiplan-due.cache", gitdir);
		return kp_buf_detach(&b, NULL);
	}
	if (xdg && xdg[0] == '/')
		kp_buf_addf(&b, "%s/kiplan", xdg);
	else if (home && home[0] == '/')
		kp_buf_addf(&b, "%s/.cache/kiplan", home);
	else
		return NULL;
	kp_buf_addf(&b, "/due-%016llx.cache", key);
	return kp_buf_detach(&b, NULL);
}

/* mkdir -p the directory of path, private. */
static void make_parent(const char *path)
{
	char *dir = kp_xstrdup(path), *p;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	free(dir);
}

static int read_exact(FILE *f, void *buf, size_t n)
{
	return fread(buf, 1, n, f) == n ? 0 : -1;
}

/* Read the next old record into c->rec; 0 ok, -1 end or bad. */
static int next_record(struct kp_due_cache *c)
{
	uint32_t len;
	unsigned long long sum;
	const char *p, *end;
	uint32_t plen;

	c->have_rec = 0;
	if (!c->in)
		return -1;
	if (read_exact(c->in, &len, sizeof(len)) < 0 ||
	    read_exact(c->in, &sum, sizeof(sum)) < 0 || len > RECORD_MAX)
		goto bad;
	c->rec_size = sizeof(len) + sizeof(sum) + len;
	kp_buf_reset(&c->rec);
	kp_buf_grow(&c->rec, len);
	if (read_exact(c->in, c->rec.buf, len) < 0)
		goto bad;
	kp_buf_setlen(&c->rec, len);
	if (kp_hash64(0, c->rec.buf, len) != sum)
		goto bad;
	p = c->rec.buf;
	end = p + len;
	if ((size_t)(end - p) < sizeof(plen))
		goto bad;
	memcpy(&plen, p, sizeof(plen));
	p += sizeof(plen);
	if ((size_t)(end - p) < (size_t)plen + sizeof(c->rec_id))
		goto bad;
	c->rec_path = p;
	c->rec_pathlen = plen;
	p += plen;
	memcpy(&c->rec_id, p, sizeof(c->rec_id));
	p += sizeof(c->rec_id);
	c->rec_pos = (size_t)(p - c->rec.buf);
	c->have_rec = 1;
	return 0;
bad:
	/*
	 * Whatever follows a bad record cannot be trusted.  (The end of the
	 * file is no change: a plan asked for after it is a miss.)
	 */
	fclose(c->in);
	c->in = NULL;
	return -1;
}

/* Something changed: start the new cache with the records that held. */
static void materialise(struct kp_due_cache *c)
{
	char buf[65536];
	size_t done = 0;
	int fd, in = -1;

	if (c->out || c->write_failed)
		return;
	fd = mkstemp(c->tmpname.buf);
	if (fd < 0 || fchmod(fd, 0600) < 0 || !(c->out = fdopen(fd, "wb"))) {
		if (fd >= 0) {
			close(fd);
			unlink(c->tmpname.buf);
		}
		c->write_failed = 1;
		return;
	}
	if (c->good_end) {
		in = open(c->path, O_RDONLY | O_CLOEXEC);
		while (in >= 0 && done < c->good_end) {
			size_t want = c->good_end - done < sizeof(buf)
					      ? c->good_end - done
					      : sizeof(buf);
			ssize_t n = pread(in, buf, want, (off_t)done);

			if (n <= 0 ||
			    fwrite(buf, 1, (size_t)n, c->out) != (size_t)n)
				break;
			done += (size_t)n;
		}
		if (in >= 0)
			close(in);
	}
	if (done != c->good_end) {
		c->write_failed = 1;
		return;
	}
	if (!c->good_end &&
	    (fwrite(magic, 1, sizeof(magic), c->out) != sizeof(magic) ||
	     fwrite(&c->key, 1, sizeof(c->key), c->out) != sizeof(c->key)))
		c->write_failed = 1;
	c->copied = c->hits;
}

int kp_due_cache_open(struct kp_due_cache **out, const char *path,
		      unsigned long long key, struct kp_error *err)
{
	struct kp_due_cache *c = kp_xcalloc(1, sizeof(*c));
	char hdr[sizeof(magic)];
	unsigned long long k;
	struct timespec ts;

	*out = NULL;
	c->path = kp_xstrdup(path);
	c->key = key;
	kp_buf_init(&c->rec);
	kp_buf_init(&c->tmpname);
	kp_buf_init(&c->w);
	clock_gettime(CLOCK_REALTIME, &ts);
	c->now_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;

	c->in = fopen(path, "rb");
	if (c->in && (read_exact(c->in, hdr, sizeof(hdr)) < 0 ||
		      memcmp(hdr, magic, sizeof(magic)) != 0 ||
		      read_exact(c->in, &k, sizeof(k)) < 0 || k != key)) {
		fclose(c->in);
		c->in = NULL;
	}
	if (c->in)
		c->good_end = sizeof(magic) + sizeof(k);
	next_record(c);
	kp_buf_addf(&c->tmpname, "%s.tmp-XXXXXX", path);
	make_parent(path);
	if (!c->in) {
		/* No usable cache: write a new one from the start. */
		materialise(c);
		if (c->write_failed) {
			int e = kp_error_set(err, KP_EIO, path, 0, 0,
					     _("cannot write the cache: %s"),
					     strerror(errno));

			kp_due_cache_free(c);
			return e;
		}
	}
	*out = c;
	return 0;
}

/* Compare paths as the walk orders them: '/' before every other byte. */
static int path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x == y)
			continue;
		if (x == '/')
			return -1;
		if (y == '/')
			return 1;
		return x < y ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen;
}

static int get_u32(const char **p, const char *end, uint32_t *v)
{
	if ((size_t)(end - *p) < sizeof(*v))
		return -1;
	memcpy(v, *p, sizeof(*v));
	*p += sizeof(*v);
	return 0;
}

static int get_str(const char **p, const char *end, struct kp_buf *b)
{
	uint32_t n;

	if (get_u32(p, end, &n) < 0 || (size_t)(end - *p) < n)
		return -1;
	kp_buf_add(b, *p, n);
	kp_buf_addch(b, '\0');
	*p += n;
	return 0;
}

/* Decode the items of the current record into out; -1 when malformed. */
static int decode_items(struct kp_due_cache *c, const char *file,
			struct kp_due_list *out)
{
	const char *p = c->rec.buf + c->rec_pos, *end = c->rec.buf + c->rec.len;
	struct kp_buf s = KP_BUF_INIT;
	size_t before = out->len;
	uint32_t n, i;
	int error = -1;

	if (get_u32(&p, end, &n) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		struct kp_due_item it;
		size_t off[5], k;
		uint32_t u;
		int32_t days, mdays;

		memset(&it, 0, sizeof(it));
		if ((size_t)(end - p) < 3 + sizeof(days) + sizeof(mdays))
			goto done;
		it.kind = (enum kp_due_kind)(unsigned char)p[0];
		it.inferred = p[1] != 0;
		it.has_meeting = p[2] != 0;
		memcpy(&days, p + 3, sizeof(days));
		memcpy(&mdays, p + 3 + sizeof(days), sizeof(mdays));
		p += 3 + sizeof(days) + sizeof(mdays);
		if (it.kind > KP_DUE_TILBUD)
			goto done;
		it.date = kp_date_from_days(days);
		if (it.has_meeting)
			it.meeting = kp_date_from_days(mdays);
		if (get_u32(&p, end, &u) < 0)
			goto done;
		it.n = u;
		if (get_u32(&p, end, &u) < 0)
			goto done;
		it.line = u;
		kp_buf_reset(&s);
		for (k = 0; k < 5; k++) {
			off[k] = s.len;
			if (get_str(&p, end, &s) < 0)
				goto done;
		}
		it.file = file;
		it.id = s.buf + off[0];
		it.citizen = s.buf + off[1];
		it.coordinator = s.buf + off[2];
		it.responsible = s.buf + off[3];
		it.task = s.buf + off[4];
		kp_due_add(out, &it);
	}
	error = p == end ? 0 : -1;
done:
	if (error < 0)
		out->len = before;
	kp_buf_release(&s);
	return error;
}

static int same_id(const struct kp_file_id *a, const struct kp_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

int kp_due_cache_get(struct kp_due_cache *c, const char *file,
		     const struct kp_file_id *id, struct kp_due_list *out)
{
	size_t flen = strlen(file);

	while (c->have_rec) {
		int cmp = path_cmp(c->rec_path, c->rec_pathlen, file, flen);
		size_t size = c->rec_size;

		if (cmp > 0)
			break; /* file is new */
		if (cmp < 0) {
			materialise(c); /* a plan that is gone */
			next_record(c);
			continue;
		}
		if (same_id(&c->rec_id, id) &&
		    decode_items(c, file, out) == 0) {
			if (!c->out) {
				c->good_end += size;
				c->hits++;
			}
			next_record(c);
			return 1;
		}
		materialise(c);
		next_record(c);
		return 0;
	}
	materialise(c);
	return 0;
}

static void put_u32(struct kp_buf *b, uint32_t v)
{
	kp_buf_add(b, &v, sizeof(v));
}

static void put_str(struct kp_buf *b, const char *s)
{
	size_t n = strlen(s);

	put_u32(b, (uint32_t)n);
	kp_buf_add(b, s, n);
}

void kp_due_cache_put(struct kp_due_cache *c, const char *file,
		      const struct kp_file_id *id,
		      const struct kp_due_item *items, size_t n)
{
	unsigned long long sum;
	uint32_t len;
	size_t i;

	if (c->puts++ < c->copied || (!c->out && c->puts <= c->hits))
		return; /* the record is in the old file, unchanged */
	if (id->mtime_ns > c->now_ns - RACY_NS ||
	    id->ctime_ns > c->now_ns - RACY_NS) {
		materialise(c);
		return;
	}
	materialise(c);
	if (!c->out || c->write_failed)
		return;
	kp_buf_reset(&c->w);
	put_str(&c->w, file);
	/* put_str wrote the length; the identity follows the bytes. */
	kp_buf_add(&c->w, id, sizeof(*id));
	put_u32(&c->w, (uint32_t)n);
	for (i = 0; i < n; i++) {
		const struct kp_due_item *it = &items[i];
		int32_t days = (int32_t)kp_date_days(it->date);
		int32_t mdays = it->has_meeting
					? (int32_t)kp_date_days(it->meeting)
					: 0;
		unsigned char kb[3];

		kb[0] = (unsigned char)it->kind;
		kb[1] = (unsigned char)(it->inferred != 0);
		kb[2] = (unsigned char)(it->has_meeting != 0);
		kp_buf_add(&c->w, kb, 3);
		kp_buf_add(&c->w, &days, sizeof(days));
		kp_buf_add(&c->w, &mdays, sizeof(mdays));
		put_u32(&c->w, it->n);
		put_u32(&c->w, it->line);
		put_str(&c->w, it->id);
		put_str(&c->w, it->citizen);
		put_str(&c->w, it->coordinator);
		put_str(&c->w, it->responsible);
		put_str(&c->w, it->task);
	}
	if (c->w.len > RECORD_MAX)
		return;
	len = (uint32_t)c->w.len;
	sum = kp_hash64(0, c->w.buf, c->w.len);
	if (fwrite(&len, 1, sizeof(len), c->out) != sizeof(len) ||
	    fwrite(&sum, 1, sizeof(sum), c->out) != sizeof(sum) ||
	    fwrite(c->w.buf, 1, c->w.len, c->out) != c->w.len)
		c->write_failed = 1;
}

int kp_due_cache_commit(struct kp_due_cache *c, struct kp_error *err)
{
	int error = 0;

	if (c->have_rec || c->puts < c->hits)
		materialise(c); /* old records that were never asked for */
	if (!c->out && !c->write_failed)
		return 0; /* nothing changed: the old cache stands */
	if (c->out && fclose(c->out) != 0)
		c->write_failed = 1;
	c->out = NULL;
	/*
	 * No fsync: a cache torn by a crash fails its checksums and is
	 * rebuilt, so it is not worth the wait.
	 */
	if (c->write_failed || rename(c->tmpname.buf, c->path) < 0) {
		error = kp_error_set(err, KP_EIO, c->path, 0, 0,
				     _("cannot write the cache: %s"),
				     strerror(errno));
		unlink(c->tmpname.buf);
	}
	kp_buf_reset(&c->tmpname);
	return error;
}

void kp_due_cache_free(struct kp_due_cache *c)
{
	if (!c)
		return;
	if (c->in)
		fclose(c->in);
	if (c->out) {
		fclose(c->out);
		unlink(c->tmpname.buf);
	}
	kp_buf_release(&c->rec);
	kp_buf_release(&c->tmpname);
	kp_buf_release(&c->w);
	free(c->path);
	free(c);
}
