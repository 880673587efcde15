/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-backup-info.h"
#include "cr-connection.h"
#include "cr-import-batch.h"
#include "cr-pause-handle.h"
#include "cr-types.h"

G_BEGIN_DECLS

/**
 * CrOpenFlags:
 * @CR_OPEN_FLAGS_NONE: open an existing repository
 * @CR_OPEN_FLAGS_CREATE: create the repository (and its directory) if it
 *   does not exist
 */
typedef enum {
  CR_OPEN_FLAGS_NONE = 0,
  CR_OPEN_FLAGS_CREATE = 1 << 0,
} CrOpenFlags;

/**
 * CrBackupFlags:
 *
 * Reserved. Every bit is refused with %CR_ERROR_INVALID_PARAMETER (B1).
 */
typedef enum {
  CR_BACKUP_FLAGS_NONE = 0,
} CrBackupFlags;

/**
 * CrRestoreFlags:
 * @CR_RESTORE_FLAGS_FORCE_SHUTDOWN: disconnect every client. A restore
 *   without it is refused (R1), as WBEM_FLAG_BACKUP_RESTORE_FORCE_SHUTDOWN.
 */
typedef enum {
  CR_RESTORE_FLAGS_NONE = 0,
  CR_RESTORE_FLAGS_FORCE_SHUTDOWN = 1 << 0,
} CrRestoreFlags;

/**
 * CrNamespaceFlags:
 * @CR_NAMESPACE_FLAGS_CREATE_PARENTS: create missing parent namespaces too
 */
typedef enum {
  CR_NAMESPACE_FLAGS_NONE = 0,
  CR_NAMESPACE_FLAGS_CREATE_PARENTS = 1 << 0,
} CrNamespaceFlags;

#define CR_DEFAULT_AUTO_RESUME_SECONDS (15 * 60)
#define CR_DEFAULT_WRITE_WAIT_MSEC (30 * 1000)

/**
 * CrRepository:
 *
 * A CIM repository in one SQLite file: namespaces, qualifier types,
 * classes and instances, its connection table, and backup, restore, pause
 * and resume with the semantics of DESIGN.md (rules B1–B7, R1–R9, P1–P6,
 * U1–U2).
 *
 * One process at a time may open a repository file; a second gets
 * %CR_ERROR_REPOSITORY_LOCKED naming the holder.
 *
 * Every method is thread-safe. The `_sync` forms block; the `_async`
 * forms run in a worker thread. Property notifications and
 * #CrConnection::closed are emitted in the thread-default main context
 * that was current when the repository was opened, so a GUI or a daemon
 * receives them on its main thread.
 */
#define CR_TYPE_REPOSITORY (cr_repository_get_type ())
G_DECLARE_FINAL_TYPE (CrRepository, cr_repository, CR, REPOSITORY, GObject)

CrRepository *cr_repository_open_sync (const char *path,
                                       CrOpenFlags flags,
                                       GCancellable *cancellable,
                                       GError **error);
void cr_repository_open_async (const char *path,
                               CrOpenFlags flags,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
CrRepository *cr_repository_open_finish (GAsyncResult *result, GError **error);
void cr_repository_close (CrRepository *self);

const char *cr_repository_get_path (CrRepository *self);
const char *cr_repository_get_id (CrRepository *self);
guint32 cr_repository_get_schema_version (CrRepository *self);
guint64 cr_repository_get_size (CrRepository *self);
gboolean cr_repository_get_backup_in_progress (CrRepository *self);
gboolean cr_repository_get_restore_in_progress (CrRepository *self);
gboolean cr_repository_get_paused (CrRepository *self);
char *cr_repository_dup_paused_by (CrRepository *self);
gint64 cr_repository_get_paused_since (CrRepository *self);
gint64 cr_repository_get_auto_resume_at (CrRepository *self);
guint cr_repository_get_auto_resume_delay (CrRepository *self);
void cr_repository_set_auto_resume_delay (CrRepository *self, guint seconds);
guint cr_repository_get_write_wait_timeout (CrRepository *self);
void cr_repository_set_write_wait_timeout (CrRepository *self, guint msec);
gint64 cr_repository_get_last_backup_time (CrRepository *self);
guint cr_repository_get_connection_count (CrRepository *self);

gboolean cr_repository_get_counts (CrRepository *self,
                                   guint64 *out_namespaces,
                                   guint64 *out_classes,
                                   guint64 *out_instances,
                                   GError **error);

/* Namespaces */
gboolean cr_repository_create_namespace (CrRepository *self,
                                         const char *namespace_,
                                         CrNamespaceFlags flags,
                                         GError **error);
gboolean cr_repository_delete_namespace (CrRepository *self,
                                         const char *namespace_,
                                         GError **error);
GStrv cr_repository_list_namespaces (CrRepository *self,
                                     const char *parent,
                                     gboolean recursive,
                                     GError **error);
gboolean cr_repository_namespace_exists (CrRepository *self,
                                         const char *namespace_);

/* Connections */
CrConnection *cr_repository_connect (CrRepository *self,
                                     const char *namespace_,
                                     const CrClientInfo *client,
                                     GError **error);
GPtrArray *cr_repository_list_connections (CrRepository *self);

/* Imports: a batch (a MOF compilation) in one transaction */
typedef enum {
  CR_IMPORT_FLAGS_NONE = 0,
  CR_IMPORT_FLAGS_DRY_RUN = 1 << 0,
} CrImportFlags;

gboolean cr_repository_import_sync (CrRepository *self,
                                    CrImportBatch *batch,
                                    CrImportFlags flags,
                                    CrImportSummary *out_summary,
                                    GCancellable *cancellable,
                                    GError **error);
void cr_repository_import_async (CrRepository *self,
                                 CrImportBatch *batch,
                                 CrImportFlags flags,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean cr_repository_import_finish (CrRepository *self,
                                      GAsyncResult *result,
                                      CrImportSummary *out_summary,
                                      GError **error);

/* Backup (B1–B7) */
gboolean cr_repository_backup_sync (CrRepository *self,
                                    const char *target_path,
                                    CrBackupFlags flags,
                                    CrProgressFunc progress,
                                    gpointer progress_data,
                                    GCancellable *cancellable,
                                    GError **error);
gboolean cr_repository_backup_fd_sync (CrRepository *self,
                                       int fd,
                                       CrBackupFlags flags,
                                       CrProgressFunc progress,
                                       gpointer progress_data,
                                       GCancellable *cancellable,
                                       GError **error);
void cr_repository_backup_async (CrRepository *self,
                                 const char *target_path,
                                 CrBackupFlags flags,
                                 CrProgressFunc progress,
                                 gpointer progress_data,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
void cr_repository_backup_fd_async (CrRepository *self,
                                    int fd,
                                    CrBackupFlags flags,
                                    CrProgressFunc progress,
                                    gpointer progress_data,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean cr_repository_backup_finish (CrRepository *self,
                                      GAsyncResult *result,
                                      GError **error);

/* Restore (R1–R9) */
gboolean cr_repository_restore_sync (CrRepository *self,
                                     const char *source_path,
                                     CrRestoreFlags flags,
                                     CrProgressFunc progress,
                                     gpointer progress_data,
                                     GCancellable *cancellable,
                                     GError **error);
gboolean cr_repository_restore_fd_sync (CrRepository *self,
                                        int fd,
                                        CrRestoreFlags flags,
                                        CrProgressFunc progress,
                                        gpointer progress_data,
                                        GCancellable *cancellable,
                                        GError **error);
void cr_repository_restore_async (CrRepository *self,
                                  const char *source_path,
                                  CrRestoreFlags flags,
                                  CrProgressFunc progress,
                                  gpointer progress_data,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
void cr_repository_restore_fd_async (CrRepository *self,
                                     int fd,
                                     CrRestoreFlags flags,
                                     CrProgressFunc progress,
                                     gpointer progress_data,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean cr_repository_restore_finish (CrRepository *self,
                                       GAsyncResult *result,
                                       GError **error);

/* Pause (P1–P6); resume is on the handle (U1–U2) */
CrPauseHandle *cr_repository_pause_sync (CrRepository *self,
                                         const char *holder,
                                         CrProgressFunc progress,
                                         gpointer progress_data,
                                         GCancellable *cancellable,
                                         GError **error);
void cr_repository_pause_async (CrRepository *self,
                                const char *holder,
                                CrProgressFunc progress,
                                gpointer progress_data,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
CrPauseHandle *cr_repository_pause_finish (CrRepository *self,
                                           GAsyncResult *result,
                                           GError **error);

/* Verification of the live repository (winmgmt /verifyrepository) */
gboolean cr_repository_verify_sync (CrRepository *self,
                                    GStrv *out_problems,
                                    CrProgressFunc progress,
                                    gpointer progress_data,
                                    GCancellable *cancellable,
                                    GError **error);
void cr_repository_verify_async (CrRepository *self,
                                 CrProgressFunc progress,
                                 gpointer progress_data,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean cr_repository_verify_finish (CrRepository *self,
                                      GAsyncResult *result,
                                      GStrv *out_problems,
                                      GError **error);

/* Offline verification of a backup file: every checksum, then the
 * database inside it (SQLite integrity, schema, model consistency),
 * without restoring it. */
CrBackupInfo *cr_backup_file_verify_sync (const char *path,
                                          CrProgressFunc progress,
                                          gpointer progress_data,
                                          GCancellable *cancellable,
                                          GError **error);
CrBackupInfo *cr_backup_file_verify_fd_sync (int fd,
                                             CrProgressFunc progress,
                                             gpointer progress_data,
                                             GCancellable *cancellable,
                                             GError **error);

G_END_DECLS
