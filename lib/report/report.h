/*
 * report.h: the report module, for the modules above it: due, its cache and
 * iCalendar, export as JSON, CSV and FHIR.
 */
#ifndef KP_REPORT_H
#define KP_REPORT_H

#include "kiplan.h"
#include "base/base.h"
#include "load/load.h"
#include "check/check.h"
#include "render/render.h"
#include "repo/repo.h"

/*
 * The due-item cache (lib/cache.c): for each plan file, its identity
 * (device, inode, size, modification and change times in nanoseconds)
 * and the items extracted from it, so that a second run over unchanged
 * plans reads no plan.  Records are kept in the order of the walk and
 * matched in lockstep, so memory stays flat.  The file is private (0600)
 * and written atomically; a cache that is corrupt, of another version or
 * of other options is ignored and rebuilt.
 */
struct kp_due_cache;

struct kp_file_id {
	unsigned long long dev, ino, size;
	long long mtime_ns, ctime_ns;
};

const char *kp_due_kind_name(enum kp_due_kind kind);
/*
 * Append what item is, in Danish, as TSV, JSON and ICS carry it in their
 * "text" (the same in every locale): "Opfølgningsmøde", "Frist: <task>",
 * "Første koordinerende møde (planlagt 2014-06-20)"...
 */
void kp_due_text(struct kp_buf *out, const struct kp_due_item *item);

/*
 * Append the items of the plan whose frontmatter is root, read from file,
 * whatever their dates (so that they can be cached).  A draft's item is
 * appended only when draft_days >= 0.  Dates that are present but not
 * dates, an active plan without any date, and a status that is none of
 * kladde, aktiv, afsluttet are appended to problems (code "due", severity
 * error, at their line): never skipped in silence.  A draft without
 * samtykke.dato is not due, and not reported here: validate warns of it.
 * Returns the number of items appended.
 */
size_t kp_due_extract(struct kp_due_list *out, const struct kp_node *root,
		      const char *file, int draft_days,
		      struct kp_findings *problems);

/*
 * Append to out a copy of each of the n items that opts selects, with its
 * final date (a draft's consent date plus opts->draft_days) and its
 * overdue days set.  Returns the number appended.
 */
size_t kp_due_keep(struct kp_due_list *out, const struct kp_due_item *items,
		   size_t n, const struct kp_due_opts *opts);

/* iCalendar helpers (lib/ics.c), exposed for the tests. */
/* Append s as an RFC 5545 TEXT value: \\ \; \, and \n escaped. */
void kp_ics_add_text(struct kp_buf *out, const char *s, size_t len);
/*
 * Append one content line: fold it at 75 octets (never inside a UTF-8
 * sequence; continuation lines start with a space) and end it with CRLF.
 */
void kp_ics_add_line(struct kp_buf *out, const char *line, size_t len);

/*
 * Open the cache at path for reading (a missing or bad one reads as
 * empty) and start a new one beside it.  key identifies the options that
 * shape the items (the draft days); a cache with another key is ignored.
 */
int kp_due_cache_open(struct kp_due_cache **out, const char *path,
		      unsigned long long key, struct kp_error *err);
/*
 * Look up file with identity id: on a hit append its items to out and
 * return 1; 0 on a miss.  Calls must come in the order of the walk.
 */
int kp_due_cache_get(struct kp_due_cache *cache, const char *file,
		     const struct kp_file_id *id, struct kp_due_list *out);
/* Record file's items (the last n of items) for the new cache. */
void kp_due_cache_put(struct kp_due_cache *cache, const char *file,
		      const struct kp_file_id *id,
		      const struct kp_due_item *items, size_t n);
/* Write the new cache atomically (mode 0600), unless nothing changed. */
int kp_due_cache_commit(struct kp_due_cache *cache, struct kp_error *err);
void kp_due_cache_free(struct kp_due_cache *cache);
/*
 * The cache file (free() it): gitdir/kiplan-due.cache in a repository,
 * else $XDG_CACHE_HOME/kiplan/due-KEY.cache (default ~/.cache), one per
 * key (a hash of the directory and the paths walked).  NULL when there is
 * no place for it.
 */
char *kp_due_cache_path(const char *gitdir, unsigned long long key);

void kp_export_begin(struct kp_buf *out, const struct kp_export_opts *opts);
/*
 * One plan; src (may be NULL) adds its revision and commit id.  index is
 * the number of plans written before this one.
 */
void kp_export_plan(struct kp_buf *out, const struct kp_export_opts *opts,
		    const struct kp_plan *plan, const struct kp_source *src,
		    size_t index);
void kp_export_end(struct kp_buf *out, const struct kp_export_opts *opts,
		   size_t count);

/*
 * Append a CSV field (RFC 4180: quoted when it holds the separator, a
 * quote, CR or LF; quotes doubled).  A value that starts with = + - @, tab
 * or CR is neutralised with a leading apostrophe, so that no spreadsheet
 * reads it as a formula.
 */
void kp_csv_add_field(struct kp_buf *out, const char *s, size_t len, char sep);

/*
 * The plan's resources as FHIR R4 Bundle entries (lib/fhir.c), after a
 * comma unless first.  With patient_out, the Patient's entry goes there
 * (without a comma), so that an export writes each citizen's once;
 * patient_id (may be NULL) receives its id.
 */
void kp_fhir_plan(struct kp_buf *out, struct kp_buf *patient_out,
		  char patient_id[37], const struct kp_plan *plan,
		  const struct kp_source *src,
		  const struct kp_export_opts *opts, int first);
/*
 * A stable name-based UUID (version 8) for name, "xxxxxxxx-xxxx-...",
 * into out[37]: the same plan gives the same ids in every export.
 */
void kp_uuid_for(char out[37], const char *name);

#endif
