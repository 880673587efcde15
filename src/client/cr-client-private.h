/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-client.h"
#include "cr-progress-proxy.h"

G_BEGIN_DECLS

/*
 * The backends behind a CrClient: the engine in this process
 * (cr-client-local.c) and the cimrepod service (cr-client-remote.c).
 *
 * Every operation is named after its D-Bus method on
 * org.cimrepo.Repository1 or org.cimrepo.Connection1, takes the method's
 * in-arguments as a GVariant tuple and returns its out-arguments as a
 * GVariant tuple, so that one table describes both backends. Operations
 * on a namespace carry the namespace as their first argument; the backend
 * routes them to a namespace connection that it opens on first use and
 * reopens after a restore closed it.
 *
 * | method             | in            | out               |
 * |--------------------|---------------|-------------------|
 * | GetSummary         | ()            | (a{sv})           |
 * | ListConnections    | ()            | (a(osxxssx))      |
 * | ListNamespaces     | (sb)          | (as)              |
 * | CreateNamespace    | (sb)          | ()                |
 * | DeleteNamespace    | (s)           | ()                |
 * | EnumerateClasses   | (ssb)         | (aC)              |
 * | GetClass           | (ss)          | (C)               |
 * | PutClass           | (sCu)         | (u)               |
 * | DeleteClass        | (ss)          | ()                |
 * | EnumerateInstances | (ssb)         | (a(sI))           |
 * | GetInstance        | (ss)          | (sI)              |
 * | PutInstance        | (sIu)         | (su)              |
 * | DeleteInstance     | (ss)          | ()                |
 * | EnumerateQualifierTypes | (s)      | (aQ)              |
 * | PutQualifierType   | (sQu)         | (u)               |
 * | Import             | (a(suv)b)     | (a{sv})           |
 * | Backup             | (u) + fd      | ()                |
 * | Restore            | (u) + fd      | ()                |
 * | VerifyRepository   | ()            | (bas)             |
 * | Pause              | (u)           | ()                |
 * | Resume             | ()            | ()                |
 *
 * C is CR_CLASS_VARIANT_TYPE, I is CR_INSTANCE_VARIANT_TYPE, Q is
 * CR_QUALIFIER_TYPE_VARIANT_TYPE; (sI) is an instance with its object
 * path. The u of PutClass, PutInstance and PutQualifierType is a
 * #CrPutFlags in and a #CrPutResult out. GetSummary's keys: "location" s, "id" s,
 * "schema-version" u, "size" t, "namespaces" t, "classes" t,
 * "instances" t, "last-backup" x. An empty string stands for "none" in
 * the in-arguments (no superclass, the top of the namespace tree). Pause's
 * argument is the auto-resume delay in seconds, 0 for the default.
 *
 * Import is a method of the repository, not of a namespace: each item of
 * its batch (CR_IMPORT_BATCH_VARIANT_TYPE) names its own namespace, the
 * whole batch goes in one transaction, and namespaces that do not exist
 * are created. Its b is "dry run": check everything, change nothing. It
 * returns cr_import_summary_to_variant()'s dictionary, also for a dry
 * run (what the import would do).
 *
 * @args may be floating; the backend sinks it. @fd is borrowed: it stays
 * open until the callback has run; -1 where the method takes none.
 * Progress reaches @progress in the thread-default main context of the
 * caller of call(), before the callback runs. A backend reports state
 * changes that an operation caused (cr_client_update_state()) before
 * that operation's callback runs, so that a caller sees the new state as
 * soon as its operation completes.
 *
 * attach() is called once by cr_client_new_with_backend(), after @client
 * is set, in the thread that creates the client: the backend reports its
 * current state there with cr_client_update_state(), and from then on
 * every change.
 */
typedef struct _CrClientBackend CrClientBackend;

struct _CrClientBackend {
  void (*call) (CrClientBackend *backend,
                const char *method,
                GVariant *args,
                int fd,
                CrProgressFunc progress,
                gpointer progress_data,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data);
  GVariant *(*call_finish) (CrClientBackend *backend, GAsyncResult *result, GError **error);
  void (*attach) (CrClientBackend *backend);
  void (*free) (CrClientBackend *backend);
  CrClient *client; /* unowned: the client owns the backend */
};

/* The state a backend reports; the client notifies what changed. */
typedef struct {
  gboolean paused;
  const char *paused_by;
  gint64 paused_since;
  gint64 auto_resume_at;
  gboolean holds_pause;
  gboolean backup_in_progress;
  gboolean restore_in_progress;
  guint connection_count;
  gint64 last_backup_time;
} CrClientState;

/* cr_client_update_state() and cr_client_emit_connections_changed() may
 * be called from any thread. The client applies them in its main context
 * (the thread-default context of whoever opened it), in call order, and
 * notifies what changed there; at once if the caller runs in that
 * context, and without notifications inside attach(). */
CrClient *cr_client_new_with_backend (CrClientMode mode, const char *location, CrClientBackend *backend);
void cr_client_update_state (CrClient *self, const CrClientState *state);
void cr_client_emit_connections_changed (CrClient *self);

/* One call of the method table, blocking; for cr-sample.c and the like. */
GVariant *cr_client_call_sync (CrClient *self,
                               const char *method,
                               GVariant *args,
                               GCancellable *cancellable,
                               GError **error);

/* Progress from any thread to the thread-default main context of the
 * one who called cr_client_progress_new(), coalesced: a report that
 * comes while the last one waits replaces it. NULL when @func is NULL.
 * Delivered at the priority of a GTask's result, so that what a backend
 * reports before it completes an operation reaches @func before the
 * operation's callback runs. This is the engine's CrProgressProxy
 * (cr-progress-proxy.h) under the client's names; report() takes a NULL
 * progress and does nothing. */
typedef CrProgressProxy CrClientProgress;

CrClientProgress *cr_client_progress_new (CrProgressFunc func, gpointer data);
CrClientProgress *cr_client_progress_ref (CrClientProgress *progress);
void cr_client_progress_unref (CrClientProgress *progress);
void cr_client_progress_report (guint64 done, guint64 total, gpointer progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrClientProgress, cr_client_progress_unref)

/* What both backends do: they open, live and end in a thread of their
 * own, which runs a main context of its own.
 *
 * The task that opens @backend owns it until
 * cr_client_backend_open_finish() takes it; its thread reports with
 * cr_client_backend_open_task_return() (@error: (transfer full)
 * (nullable)), which completes the task in the opener's context, where
 * the task is also dropped: never in the backend's thread, which its
 * last reference would join. cr_client_backend_thread_join() ends the
 * loop once what is queued at @priority or higher has run. */
GTask *cr_client_backend_open_task_new (CrClientBackend *backend,
                                        gpointer source_tag,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
void cr_client_backend_open_task_return (GTask *task, GError *error);
CrClientBackend *cr_client_backend_open_finish (GAsyncResult *result, GError **error);
void cr_client_backend_thread_join (GThread *thread, GMainContext *context, GMainLoop *loop, int priority);

/* Backends. @create: make the repository (and its directory) if it does
 * not exist. */
void cr_client_backend_local_new_async (const char *path,
                                        gboolean create,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
CrClientBackend *cr_client_backend_local_new_finish (GAsyncResult *result, GError **error);
#ifdef HAVE_REMOTE
void cr_client_backend_remote_new_async (CrClientMode mode,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
CrClientBackend *cr_client_backend_remote_new_finish (GAsyncResult *result, char **out_location, GError **error);
#endif

G_END_DECLS
