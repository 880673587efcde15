/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cimrepo.h"

G_BEGIN_DECLS

/**
 * CrClientMode:
 * @CR_CLIENT_MODE_LOCAL: the engine in this process, on a repository file
 * @CR_CLIENT_MODE_SYSTEM: the cimrepod service on the system bus
 * @CR_CLIENT_MODE_SESSION: a `cimrepod --session` on the session bus
 */
typedef enum {
  CR_CLIENT_MODE_LOCAL,
  CR_CLIENT_MODE_SYSTEM,
  CR_CLIENT_MODE_SESSION,
} CrClientMode;

/**
 * CrConnectionInfo:
 * @id: the connection's id, a D-Bus object path (in local mode
 *   `/org/cimrepo/Local/Connection/N`)
 * @client_name: who connected (a bus name or a program label)
 * @pid: the client's process id, or -1
 * @uid: the client's user id, or -1
 * @process_name: (nullable): the client's program
 * @namespace_: the namespace it is connected to
 * @connected_at: when it connected (unix µs)
 *
 * One row of the repository's connection table, as a client sees it.
 * GVariant form (as ListConnections returns it): `(osxxssx)` — id,
 * client name, pid, uid, process name ("" for none), namespace, connect
 * time.
 */
typedef struct {
  char *id;
  char *client_name;
  gint64 pid;
  gint64 uid;
  char *process_name;
  char *namespace_;
  gint64 connected_at;
} CrConnectionInfo;

GType cr_connection_info_get_type (void) G_GNUC_CONST;
const char *cr_connection_info_get_display_name (const CrConnectionInfo *info);
CrConnectionInfo *cr_connection_info_copy (const CrConnectionInfo *info);
void cr_connection_info_free (CrConnectionInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrConnectionInfo, cr_connection_info_free)

/**
 * CrRepositorySummary:
 *
 * What the overview shows: where the repository is, what it holds, its
 * size and schema, and its last backup.
 */
typedef struct {
  char *location;
  char *id;
  guint32 schema_version;
  guint64 size;
  guint64 namespace_count;
  guint64 class_count;
  guint64 instance_count;
  gint64 last_backup_time;
} CrRepositorySummary;

GType cr_repository_summary_get_type (void) G_GNUC_CONST;
CrRepositorySummary *cr_repository_summary_copy (const CrRepositorySummary *summary);
void cr_repository_summary_free (CrRepositorySummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrRepositorySummary, cr_repository_summary_free)

/**
 * CrClient:
 *
 * One API for the CLI and the app, two ways in: the engine in this
 * process (local mode) or the cimrepod service over D-Bus (system and
 * session modes). Namespace connections are opened on demand and
 * reopened after a restore closed them.
 *
 * State properties (#CrClient:paused and the others) follow the
 * repository live, whoever changes it, and are notified in the main
 * context that created the client. #CrClient::connections-changed says
 * that the connection table changed.
 *
 * Every operation has an `_async`/`_finish` pair that never blocks the
 * caller's thread, and a `_sync` form for command-line tools and
 * worker threads. Progress callbacks of the `_async` forms run in the
 * caller's main context.
 */
#define CR_TYPE_CLIENT (cr_client_get_type ())
G_DECLARE_FINAL_TYPE (CrClient, cr_client, CR, CLIENT, GObject)

/* Opening */
void cr_client_new_local_async (const char *path,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
void cr_client_new_remote_async (CrClientMode mode,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
CrClient *cr_client_new_finish (GAsyncResult *result, GError **error);
CrClient *cr_client_new_local_sync (const char *path, GCancellable *cancellable, GError **error);
CrClient *cr_client_new_remote_sync (CrClientMode mode, GCancellable *cancellable, GError **error);
char *cr_client_get_default_path (void);
gboolean cr_client_populate_sample (CrClient *self, GCancellable *cancellable, GError **error);

void cr_client_set_interactive (CrClient *self, gboolean interactive);
gboolean cr_client_get_interactive (CrClient *self);

/* State */
CrClientMode cr_client_get_mode (CrClient *self);
const char *cr_client_get_location (CrClient *self);
gboolean cr_client_get_paused (CrClient *self);
const char *cr_client_get_paused_by (CrClient *self);
gint64 cr_client_get_paused_since (CrClient *self);
gint64 cr_client_get_auto_resume_at (CrClient *self);
gboolean cr_client_get_holds_pause (CrClient *self);
gboolean cr_client_get_backup_in_progress (CrClient *self);
gboolean cr_client_get_restore_in_progress (CrClient *self);
guint cr_client_get_connection_count (CrClient *self);
gint64 cr_client_get_last_backup_time (CrClient *self);

/* Operations. Namespace, class and instance operations open a namespace
 * connection on first use. */
void cr_client_get_summary_async (CrClient *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
CrRepositorySummary *cr_client_get_summary_finish (CrClient *self, GAsyncResult *result, GError **error);
CrRepositorySummary *cr_client_get_summary_sync (CrClient *self, GCancellable *cancellable, GError **error);

void cr_client_list_connections_async (CrClient *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *cr_client_list_connections_finish (CrClient *self, GAsyncResult *result, GError **error);
GPtrArray *cr_client_list_connections_sync (CrClient *self, GCancellable *cancellable, GError **error);

void cr_client_list_namespaces_async (CrClient *self, const char *parent, gboolean recursive, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
GStrv cr_client_list_namespaces_finish (CrClient *self, GAsyncResult *result, GError **error);
GStrv cr_client_list_namespaces_sync (CrClient *self, const char *parent, gboolean recursive, GCancellable *cancellable, GError **error);

void cr_client_create_namespace_async (CrClient *self, const char *namespace_, CrNamespaceFlags flags, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_create_namespace_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_create_namespace_sync (CrClient *self, const char *namespace_, CrNamespaceFlags flags, GCancellable *cancellable, GError **error);

void cr_client_delete_namespace_async (CrClient *self, const char *namespace_, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_delete_namespace_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_delete_namespace_sync (CrClient *self, const char *namespace_, GCancellable *cancellable, GError **error);

void cr_client_enumerate_classes_async (CrClient *self, const char *namespace_, const char *superclass, gboolean deep, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *cr_client_enumerate_classes_finish (CrClient *self, GAsyncResult *result, GError **error);
GPtrArray *cr_client_enumerate_classes_sync (CrClient *self, const char *namespace_, const char *superclass, gboolean deep, GCancellable *cancellable, GError **error);

void cr_client_get_class_async (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
CrClass *cr_client_get_class_finish (CrClient *self, GAsyncResult *result, GError **error);
CrClass *cr_client_get_class_sync (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable, GError **error);

void cr_client_put_class_async (CrClient *self, const char *namespace_, CrClass *klass, CrPutFlags flags, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
CrPutResult cr_client_put_class_finish (CrClient *self, GAsyncResult *result, GError **error);
CrPutResult cr_client_put_class_sync (CrClient *self, const char *namespace_, CrClass *klass, CrPutFlags flags, GCancellable *cancellable, GError **error);

void cr_client_delete_class_async (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_delete_class_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_delete_class_sync (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable, GError **error);

void cr_client_enumerate_instances_async (CrClient *self, const char *namespace_, const char *class_name, gboolean deep, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *cr_client_enumerate_instances_finish (CrClient *self, GAsyncResult *result, GError **error);
GPtrArray *cr_client_enumerate_instances_sync (CrClient *self, const char *namespace_, const char *class_name, gboolean deep, GCancellable *cancellable, GError **error);

void cr_client_get_instance_async (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
CrInstance *cr_client_get_instance_finish (CrClient *self, GAsyncResult *result, GError **error);
CrInstance *cr_client_get_instance_sync (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable, GError **error);

void cr_client_put_instance_async (CrClient *self, const char *namespace_, CrInstance *instance, CrPutFlags flags, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
char *cr_client_put_instance_finish (CrClient *self, GAsyncResult *result, GError **error);
char *cr_client_put_instance_sync (CrClient *self, const char *namespace_, CrInstance *instance, CrPutFlags flags, GCancellable *cancellable, GError **error);

void cr_client_delete_instance_async (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_delete_instance_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_delete_instance_sync (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable, GError **error);

void cr_client_enumerate_qualifier_types_async (CrClient *self, const char *namespace_, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *cr_client_enumerate_qualifier_types_finish (CrClient *self, GAsyncResult *result, GError **error);
GPtrArray *cr_client_enumerate_qualifier_types_sync (CrClient *self, const char *namespace_, GCancellable *cancellable, GError **error);

void cr_client_import_async (CrClient *self, CrImportBatch *batch, gboolean dry_run, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_import_finish (CrClient *self, GAsyncResult *result, CrImportSummary *out_summary, GError **error);
gboolean cr_client_import_sync (CrClient *self, CrImportBatch *batch, gboolean dry_run, CrImportSummary *out_summary, GCancellable *cancellable, GError **error);

void cr_client_backup_async (CrClient *self, GFile *target, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_backup_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_backup_sync (CrClient *self, GFile *target, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable, GError **error);

void cr_client_restore_async (CrClient *self, GFile *source, CrRestoreFlags flags, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_restore_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_restore_sync (CrClient *self, GFile *source, CrRestoreFlags flags, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable, GError **error);

void cr_client_verify_repository_async (CrClient *self, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_verify_repository_finish (CrClient *self, GAsyncResult *result, GStrv *out_problems, GError **error);
gboolean cr_client_verify_repository_sync (CrClient *self, CrProgressFunc progress, gpointer progress_data, GStrv *out_problems, GCancellable *cancellable, GError **error);

void cr_client_verify_backup_async (CrClient *self, GFile *source, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
CrBackupInfo *cr_client_verify_backup_finish (CrClient *self, GAsyncResult *result, GError **error);
CrBackupInfo *cr_client_verify_backup_sync (CrClient *self, GFile *source, CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable, GError **error);

void cr_client_pause_async (CrClient *self, guint auto_resume_seconds, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_pause_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_pause_sync (CrClient *self, guint auto_resume_seconds, GCancellable *cancellable, GError **error);

void cr_client_resume_async (CrClient *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean cr_client_resume_finish (CrClient *self, GAsyncResult *result, GError **error);
gboolean cr_client_resume_sync (CrClient *self, GCancellable *cancellable, GError **error);
G_END_DECLS
