/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-backup-file-private.h"
#include "cr-class.h"
#include "cr-connection.h"
#include "cr-import-batch.h"
#include "cr-instance.h"
#include "cr-qualifier.h"

G_BEGIN_DECLS

/*
 * CrStore: the SQLite side of a repository. Only cr-store*.c include
 * sqlite3.h. Not a GObject: a CrRepository owns exactly one at a time and
 * replaces it on restore.
 *
 * Connections: one writer (serialised by a mutex), a small pool of
 * readers, and a checkpointer thread with its own connection. The writer
 * never checkpoints: SQLite's automatic checkpoint is off and the
 * checkpointer thread copies the WAL back into the database in the
 * background, so that no commit pays for a checkpoint (see
 * docs/PERFORMANCE.md and the SQLite note in the design notes).
 *
 * Concurrency with backup, pause and restore is the repository's job
 * (CrGate): it guarantees that cr_store_fence_checkpoint(),
 * cr_store_checkpoint_truncate() and cr_store_close() run while no
 * write is in flight.
 *
 * All functions are thread-safe unless noted.
 */

#define CR_STORE_SCHEMA_VERSION 2

/*
 * How deep a check goes. QUICK is what a restore runs on a backup whose
 * checksums already prove it is what cimrepo wrote: SQLite's quick check,
 * foreign keys, superclasses, and the stored form of every class. The
 * others add SQLite's full integrity check and the decoding of every
 * class and instance (verify).
 */
typedef enum {
  CR_STORE_CHECK_QUICK = 0,
  CR_STORE_CHECK_FULL_INTEGRITY = 1 << 0,
  CR_STORE_CHECK_DECODE_CLASSES = 1 << 1,
  CR_STORE_CHECK_DECODE_INSTANCES = 1 << 2,
} CrStoreCheckFlags;
#define CR_STORE_CHECK_ALL (CR_STORE_CHECK_FULL_INTEGRITY | CR_STORE_CHECK_DECODE_CLASSES | CR_STORE_CHECK_DECODE_INSTANCES)

typedef struct _CrStore CrStore;

CrStore *cr_store_open (const char *path, gboolean create, GError **error);
void cr_store_close (CrStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrStore, cr_store_close)

const char *cr_store_get_path (CrStore *store);
const char *cr_store_get_id (CrStore *store);
guint32 cr_store_get_schema_version (CrStore *store);
guint64 cr_store_get_size (CrStore *store);

gboolean cr_store_get_counts (CrStore *store,
                              guint64 *out_namespaces,
                              guint64 *out_classes,
                              guint64 *out_instances,
                              GError **error);
gint64 cr_store_get_last_backup (CrStore *store);
gboolean cr_store_record_backup (CrStore *store,
                                 gint64 created,
                                 guint64 size,
                                 const char *checksum,
                                 GError **error);

/* Namespaces: paths are validated and normalised ('\' → '/') here. */
char *cr_store_normalize_namespace (const char *namespace_, GError **error);
gboolean cr_store_create_namespace (CrStore *store, const char *namespace_, gboolean parents, GError **error);
gboolean cr_store_delete_namespace (CrStore *store, const char *namespace_, GError **error);
GStrv cr_store_list_namespaces (CrStore *store, const char *parent, gboolean recursive, GError **error);
gboolean cr_store_namespace_exists (CrStore *store, const char *namespace_, char **out_canonical, GError **error);

/* Qualifier types */
CrPutResult cr_store_put_qualifier_type (CrStore *store, const char *ns, CrQualifierType *qtype, CrPutFlags flags, GError **error);
CrQualifierType *cr_store_get_qualifier_type (CrStore *store, const char *ns, const char *name, GError **error);
gboolean cr_store_delete_qualifier_type (CrStore *store, const char *ns, const char *name, GError **error);
GPtrArray *cr_store_enumerate_qualifier_types (CrStore *store, const char *ns, GError **error);

/* Classes: put takes the local shape; get and enumerate return the
 * resolved shape. */
CrPutResult cr_store_put_class (CrStore *store, const char *ns, CrClass *klass, CrPutFlags flags, GError **error);
CrClass *cr_store_get_class (CrStore *store, const char *ns, const char *name, GError **error);
gboolean cr_store_delete_class (CrStore *store, const char *ns, const char *name, GError **error);
GPtrArray *cr_store_enumerate_classes (CrStore *store, const char *ns, const char *superclass, gboolean deep, GError **error);

/* Instances */
char *cr_store_put_instance (CrStore *store, const char *ns, CrInstance *instance, CrPutFlags flags, CrPutResult *out_result, GError **error);
CrInstance *cr_store_get_instance (CrStore *store, const char *ns, const char *path, GError **error);
gboolean cr_store_delete_instance (CrStore *store, const char *ns, const char *path, GError **error);
GPtrArray *cr_store_enumerate_instances (CrStore *store, const char *ns, const char *class_name, gboolean deep, GError **error);

/* Imports: the whole batch in one transaction */
gboolean cr_store_import (CrStore *store, CrImportBatch *batch, gboolean dry_run, CrImportSummary *summary,
                          GCancellable *cancellable, GError **error);

/* Verification: TRUE when it could run; problems go to @problems. */
gboolean cr_store_verify (CrStore *store,
                          GPtrArray *problems,
                          CrProgressFunc progress,
                          gpointer progress_data,
                          GCancellable *cancellable,
                          GError **error);

/* Pause: copy the whole WAL into the database and truncate it, so that
 * the database file alone is complete. Call with writes held. */
gboolean cr_store_checkpoint_full (CrStore *store, GError **error);
gboolean cr_store_checkpoint_truncate (CrStore *store, guint64 *out_wal_bytes, GError **error);

/*
 * Snapshots (cr-store-snapshot.c), for backups.
 *
 * cr_store_snapshot_open() opens a connection of the snapshot's own and
 * catches up with the WAL while writers go on. cr_store_snapshot_begin()
 * must then be called with writes held: it checkpoints until the WAL is
 * fully in the database file, then opens a read transaction. From then on
 * the database file cannot change until the snapshot is freed, whatever
 * writers do, so writes may resume at once.
 *
 * cr_store_snapshot_read() reads the database file through SQLite's own
 * file handle: opening the file a second time would let a close() drop
 * SQLite's POSIX locks.
 */
typedef struct _CrStoreSnapshot CrStoreSnapshot;

CrStoreSnapshot *cr_store_snapshot_open (CrStore *store, GError **error);
gboolean cr_store_snapshot_begin (CrStoreSnapshot *snapshot, GError **error);
void cr_store_snapshot_get_header (CrStoreSnapshot *snapshot, CrBackupHeaderFields *fields);
gboolean cr_store_snapshot_read (CrStoreSnapshot *snapshot, guint64 offset, void *buf, gsize len, GError **error);
void cr_store_snapshot_free (CrStoreSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrStoreSnapshot, cr_store_snapshot_free)

/* The byte range of a database header that says which journal mode the
 * file uses: a backup's payload is stored in rollback-journal mode so that
 * it is a complete, standalone database. */
#define CR_STORE_HEADER_VERSION_OFFSET 18
void cr_store_patch_standalone_header (guint8 *first_bytes, gsize len);

/*
 * Candidates for restore: a database file written beside the repository
 * from a backup's verified payload. cr_store_prepare_candidate() checks
 * its version and exact schema, migrates it to the current schema and
 * puts it in WAL mode; it fails with CR_ERROR_CORRUPT_BACKUP or
 * CR_ERROR_UNSUPPORTED_VERSION. The deeper checks run on the payload in
 * place, while it is copied (cr_store_check_backup_payload()).
 */
gboolean cr_store_prepare_candidate (const char *path, guint32 *out_schema_version, GError **error);

/* Checks of a backup's payload in place, read-only (cr-store-vfs.c):
 * version, exact schema, then cr_store_model_check() with @flags. Safe to
 * run in another thread while a CrBackupReader reads the same fd. */
gboolean cr_store_check_backup_payload (int fd,
                                        guint64 offset,
                                        guint64 size,
                                        CrStoreCheckFlags flags,
                                        GCancellable *cancellable,
                                        GError **error);

/* Schema (cr-store-schema.c) */
typedef struct sqlite3 sqlite3;
gboolean cr_store_schema_migrate (sqlite3 *db, const char *what, GError **error);
gboolean cr_store_schema_check (sqlite3 *db, guint32 version, GError **error);
gboolean cr_store_model_check (sqlite3 *db, GPtrArray *problems, CrStoreCheckFlags flags, GCancellable *cancellable, GError **error);
void cr_store_set_sqlite_error (GError **error, sqlite3 *db, int rc, const char *what);
sqlite3 *cr_store_open_db (const char *path, int flags, const char *vfs, GError **error);

G_END_DECLS
