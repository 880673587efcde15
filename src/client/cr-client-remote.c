/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE /* memfd_create */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-client"

#include <sys/mman.h>

#include <gio/gunixfdlist.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cr-client-private.h"
#include "cr-dbus-generated.h"
#include "cr-dbus-names.h"
#include "cr-platform.h"

/*
 * The remote backend: the cimrepod service, over D-Bus.
 *
 * Each client has a private connection to the bus, so a unique name of
 * its own: the service ties the client's namespace connections and its
 * pause to that name, and freeing the client closes the connection,
 * which ends them (P5) as freeing a local client does.
 *
 * Everything D-Bus happens on a thread of the backend's own, in its own
 * main context: the Repository1 proxy follows the service's properties
 * there, and the signals of jobs and connections arrive there, whatever
 * the client's main context does (a command-line tool waits for a
 * backup's Completed signal without running one). Calls come in from any
 * thread, are sent from that thread, and return through their GTask to
 * the caller's context.
 *
 * The method table of cr-client-private.h maps onto the bus so:
 * - namespace methods drop their first argument (the namespace) and go
 *   to a Connection1 that the backend opens on first use and opens again
 *   when the service closed it (after a restore, say);
 * - Backup and Restore pass the fd, get a Job1 and complete when its
 *   Completed signal comes; its properties give the progress;
 * - Pause takes its auto-resume delay as an option;
 * - every other method goes to Repository1 with the arguments as given.
 *
 * The service flushes its properties before it answers a call that
 * changed them, and before a job's Completed; the proxy has them before
 * the answer is handled here, so the client sees the new state before
 * the operation completes.
 */

#define REPOSITORY_PATH CR_DBUS_REPOSITORY_PATH
#define REPOSITORY_INTERFACE "org.cimrepo.Repository1"
#define CONNECTION_INTERFACE "org.cimrepo.Connection1"
#define JOB_INTERFACE "org.cimrepo.Job1"
#define PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"

/* The engine bounds its own waits (a write that waits for a resume, say);
 * a call waits as long as the service works on it, or until cancelled. */
#define CALL_TIMEOUT G_MAXINT

/* Methods on a namespace connection; everything else is on Repository1. */
static const char *const connection_methods[] = {
  "EnumerateQualifierTypes",
  "GetQualifierType",
  "PutQualifierType",
  "EnumerateClasses",
  "GetClass",
  "PutClass",
  "DeleteClass",
  "EnumerateInstances",
  "GetInstance",
  "PutInstance",
  "DeleteInstance",
  NULL,
};

typedef struct {
  CrClientBackend parent;

  CrClientMode mode;
  GThread *thread;
  GMainContext *context; /* the D-Bus thread's */
  GMainLoop *loop;
  GTask *open_task; /* until the D-Bus thread connected */

  /* Only in the D-Bus thread */
  GDBusConnection *bus;
  CrRepository1 *repository;
  guint closed_id;
  guint completed_id;
  guint job_properties_id;
  GHashTable *connections; /* casefolded namespace → object path */
  GHashTable *jobs;        /* job path → GTask of the call waiting for it */
  GHashTable *opening;     /* casefolded namespace → GPtrArray of GTasks waiting for OpenNamespace */

  GMutex lock;
  gboolean attached;
  char *unique_name;
  char *location;
  CrClientState mirror;
  char *mirror_paused_by;
} RemoteBackend;

typedef struct {
  RemoteBackend *backend;
  char *method;
  GVariant *args;
  int fd; /* borrowed: open until the callback has run */
  CrClientProgress *progress;
  char *namespace_;
  gboolean retried;
  char *connection_path; /* the Connection1 the call went to */
  char *job_path;
  guint64 bytes_done;
  guint64 bytes_total;
  gulong cancel_id;
} Call;

static void
call_free (Call *call)
{
  g_clear_pointer (&call->args, g_variant_unref);
  g_clear_pointer (&call->progress, cr_client_progress_unref);
  g_free (call->namespace_);
  g_free (call->job_path);
  g_free (call->connection_path);
  g_free (call->method);
  g_free (call);
}

/* Errors */

/* A D-Bus error as the rest of cimrepo sees it: org.cimrepo.Error.<Name>
 * back in CR_ERROR without the "GDBus.Error:" prefix, and the bus's own
 * errors as the nearest CR_ERROR code with a message that says what to
 * do. */
static void
remote_error_convert (RemoteBackend *self, GError **error)
{
  GError *e = *error;
  const char *service = self->mode == CR_CLIENT_MODE_SYSTEM ? "cimrepod" : "cimrepod --session";

  if (g_dbus_error_is_remote_error (e))
    g_dbus_error_strip_remote_error (e);
  if (e->domain == CR_ERROR)
    return;

  if (g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
      g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      g_autofree char *detail = g_steal_pointer (&e->message);

      e->domain = CR_ERROR;
      e->code = CR_ERROR_SHUTTING_DOWN;
      /* Translators: %s is "cimrepod" or "cimrepod --session", then the bus's own message */
      e->message = g_strdup_printf (_("The %s service is gone (%s); nothing more was done. Start it again and retry."),
                                    service, detail);
    }
  else if (g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
           g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    {
      e->domain = CR_ERROR;
      e->code = CR_ERROR_ACCESS_DENIED;
    }
  else if (g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED))
    {
      e->domain = CR_ERROR;
      e->code = CR_ERROR_LIMIT_EXCEEDED;
    }
  else if (g_error_matches (e, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS))
    {
      e->domain = CR_ERROR;
      e->code = CR_ERROR_INVALID_PARAMETER;
    }
  else
    {
      cr_error_convert (error);
    }
}

/* Any thread: what the client allows */
static GDBusCallFlags
call_flags (RemoteBackend *self)
{
  return cr_client_get_interactive (self->parent.client) ? G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
                                                         : G_DBUS_CALL_FLAGS_NONE;
}

/* State */

/* D-Bus thread: the mirror follows the proxy; the client gets it once
 * attached. */
static void
publish (RemoteBackend *self, gboolean connections_changed)
{
  CrRepository1 *repo = self->repository;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (repo));
  CrClientState state = { 0 };

  g_mutex_lock (&self->lock);
  /* A service that is gone holds nothing: its pause ended with it. The
   * repository's own facts stay what they were: a service that exits
   * when idle changes nothing in it, and a client that followed such a
   * change would only start the service again to read it. */
  state.last_backup_time = self->mirror.last_backup_time;
  if (owner != NULL)
    {
      state.paused = cr_repository1_get_paused (repo);
      state.paused_by = cr_repository1_get_paused_by (repo);
      state.holds_pause = state.paused && g_strcmp0 (state.paused_by, self->unique_name) == 0;
      /* People read the program, not the bus name */
      if (g_strcmp0 (cr_repository1_get_paused_by_process (repo), "") > 0)
        state.paused_by = cr_repository1_get_paused_by_process (repo);
      state.paused_since = cr_repository1_get_paused_since (repo);
      state.auto_resume_at = cr_repository1_get_auto_resume_at (repo);
      state.backup_in_progress = cr_repository1_get_backup_in_progress (repo);
      state.restore_in_progress = cr_repository1_get_restore_in_progress (repo);
      state.connection_count = cr_repository1_get_connection_count (repo);
      state.last_backup_time = cr_repository1_get_last_backup_time (repo);
      if (state.paused_by != NULL && state.paused_by[0] == '\0')
        state.paused_by = NULL;
    }
  g_free (self->mirror_paused_by);
  self->mirror_paused_by = g_strdup (state.paused_by);
  self->mirror = state;
  self->mirror.paused_by = self->mirror_paused_by;
  if (self->attached)
    {
      cr_client_update_state (self->parent.client, &self->mirror);
      if (connections_changed)
        cr_client_emit_connections_changed (self->parent.client);
    }
  g_mutex_unlock (&self->lock);
}

static void
properties_changed_cb (GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
  publish (user_data, FALSE);
}

static void
connections_changed_cb (CrRepository1 *repo, gpointer user_data)
{
  publish (user_data, TRUE);
}

static void fail_jobs (RemoteBackend *self, const GError *error);

/* The service came or went. Its connections and jobs went with it. */
static void
name_owner_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  RemoteBackend *self = user_data;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->repository));

  g_hash_table_remove_all (self->connections);
  if (owner == NULL)
    {
      g_autoptr (GError) error = g_error_new_literal (G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER,
                                                      _("the service left the bus"));

      remote_error_convert (self, &error);
      fail_jobs (self, error);
    }
  publish (self, TRUE);
}

static void
remote_attach (CrClientBackend *backend)
{
  RemoteBackend *self = (RemoteBackend *) backend;

  g_mutex_lock (&self->lock);
  self->attached = TRUE;
  cr_client_update_state (self->parent.client, &self->mirror);
  g_mutex_unlock (&self->lock);
}

/* Whether a signal comes from the service that owns its name now: not
 * from an instance that has since exited, nor from anyone else */
static gboolean
from_service (RemoteBackend *self, const char *sender)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->repository));

  return owner != NULL && g_strcmp0 (sender, owner) == 0;
}

/* Jobs */

static void
job_return (GTask *task, gboolean success, const char *error_name, const char *message)
{
  Call *call = g_task_get_task_data (task);
  RemoteBackend *self = call->backend;
  GError *error;

  if (call->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), call->cancel_id);
  call->cancel_id = 0;
  if (success)
    {
      if (call->bytes_total > 0)
        cr_client_progress_report (call->bytes_total, call->bytes_total, call->progress);
      g_task_return_pointer (task, g_variant_ref_sink (g_variant_new ("()")), (GDestroyNotify) g_variant_unref);
      return;
    }
  error = g_dbus_error_new_for_dbus_error (error_name[0] != '\0' ? error_name : "org.cimrepo.Error.Failed", message);
  remote_error_convert (self, &error);
  g_task_return_error (task, error);
}

static void
job_completed_cb (GDBusConnection *bus, const char *sender, const char *path, const char *interface,
                  const char *signal, GVariant *parameters, gpointer user_data)
{
  RemoteBackend *self = user_data;
  g_autoptr (GTask) task = NULL;
  g_autofree char *key = NULL;
  gboolean success;
  const char *error_name, *message;

  /* The service answers Backup and Restore before the job can end, so a
   * job's Completed never comes before the answer that names it: what
   * matches no call of ours is another client's. */
  if (!from_service (self, sender) || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(bss)")) ||
      !g_hash_table_steal_extended (self->jobs, path, (gpointer *) &key, (gpointer *) &task))
    return;
  g_variant_get (parameters, "(b&s&s)", &success, &error_name, &message);
  job_return (task, success, error_name, message);
}

static void
job_properties_cb (GDBusConnection *bus, const char *sender, const char *path, const char *interface,
                   const char *signal, GVariant *parameters, gpointer user_data)
{
  RemoteBackend *self = user_data;
  g_autoptr (GVariant) changed = NULL;
  GTask *task = g_hash_table_lookup (self->jobs, path);
  Call *call;

  if (task == NULL || !from_service (self, sender) || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  call = g_task_get_task_data (task);
  changed = g_variant_get_child_value (parameters, 1);
  g_variant_lookup (changed, "BytesDone", "t", &call->bytes_done);
  g_variant_lookup (changed, "BytesTotal", "t", &call->bytes_total);
  cr_client_progress_report (call->bytes_done, call->bytes_total, call->progress);
}

static void
fail_jobs (RemoteBackend *self, const GError *error)
{
  GHashTableIter iter;
  char *key;
  GTask *task;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &task))
    {
      Call *call = g_task_get_task_data (task);

      g_hash_table_iter_steal (&iter);
      g_free (key);
      if (call->cancel_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), call->cancel_id);
      call->cancel_id = 0;
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

static void
job_cancel_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  /* The job may have ended meanwhile; its Completed says how. */
  if (reply == NULL)
    g_debug ("Cancelling a job: %s", error->message);
}

typedef struct {
  RemoteBackend *backend;
  char *path;
} JobCancel;

static gboolean
job_cancel_idle (gpointer data)
{
  JobCancel *cancel = data;
  RemoteBackend *self = cancel->backend;

  g_dbus_connection_call (self->bus, g_dbus_proxy_get_name (G_DBUS_PROXY (self->repository)), cancel->path,
                          JOB_INTERFACE, "Cancel", NULL, G_VARIANT_TYPE ("()"), call_flags (self), CALL_TIMEOUT, NULL,
                          job_cancel_done_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
job_cancel_free (JobCancel *cancel)
{
  g_free (cancel->path);
  g_free (cancel);
}

/* Any thread: cancelling a job asks the service to cancel it (which
 * leaves no trace, B5/R-rules), and the call ends with its Completed. */
static void
job_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  Call *call = user_data;
  JobCancel *cancel = g_new0 (JobCancel, 1);

  cancel->backend = call->backend;
  cancel->path = g_strdup (call->job_path);
  g_main_context_invoke_full (call->backend->context, G_PRIORITY_DEFAULT, job_cancel_idle, cancel,
                              (GDestroyNotify) job_cancel_free);
}

/* Calls */

static void send_call (GTask *task);

static void
call_return (GTask *task, GVariant *reply, GError *error)
{
  Call *call = g_task_get_task_data (task);

  if (reply == NULL)
    {
      remote_error_convert (call->backend, &error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

static void
job_started_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  RemoteBackend *self = call->backend;
  GError *error = NULL;
  g_autoptr (GVariant) reply =
    g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL, result, &error);

  if (reply == NULL)
    {
      call_return (task, NULL, error);
      return;
    }
  g_variant_get (reply, "(o)", &call->job_path);
  g_hash_table_insert (self->jobs, g_strdup (call->job_path), g_object_ref (task));
  /* Called at once if already cancelled */
  if (g_task_get_cancellable (task) != NULL)
    call->cancel_id =
      g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (job_cancelled_cb), call, NULL);
}

static void
pause_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  Call *call = g_task_get_task_data (task);

  /* Cancelled while the service paused: it is paused now, on our name,
   * which nobody wanted. */
  if (reply != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_dbus_connection_call (call->backend->bus, g_dbus_proxy_get_name (G_DBUS_PROXY (call->backend->repository)),
                              REPOSITORY_PATH, REPOSITORY_INTERFACE, "Resume", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                              CALL_TIMEOUT, NULL, NULL, NULL);
      g_variant_unref (reply);
      reply = NULL;
      cr_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error);
    }
  call_return (task, reply, error);
}

static void
repository_call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  call_return (task, reply, error);
}

static void
connection_call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL && !call->retried &&
      (g_error_matches (error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED) ||
       g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
       g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)))
    {
      /* A restore closed the connection between our lookup and the
       * call: once more, on a new one (unless another call has already
       * opened one). */
      g_autofree char *key = g_utf8_casefold (call->namespace_, -1);

      g_clear_error (&error);
      if (g_strcmp0 (g_hash_table_lookup (call->backend->connections, key), call->connection_path) == 0)
        g_hash_table_remove (call->backend->connections, key);
      call->retried = TRUE;
      send_call (g_steal_pointer (&task));
      return;
    }
  call_return (task, reply, error);
}

typedef struct {
  RemoteBackend *backend;
  char *key; /* the casefolded namespace */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->key);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

/* OpenNamespace answered: every call that waited for it goes on, on the
 * new connection or with the error. There is one OpenNamespace per
 * namespace at a time, never cancelled half-way, so that the service
 * holds no connection that nobody uses. */
static void
namespace_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OpenData) data = user_data;
  RemoteBackend *self = data->backend;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr (GPtrArray) waiting = NULL;
  g_autofree char *stolen_key = NULL;

  g_hash_table_steal_extended (self->opening, data->key, (gpointer *) &stolen_key, (gpointer *) &waiting);
  if (reply != NULL)
    {
      const char *path;

      g_variant_get (reply, "(&o)", &path);
      g_hash_table_replace (self->connections, g_strdup (data->key), g_strdup (path));
    }
  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      GTask *task = g_object_ref (g_ptr_array_index (waiting, i));
      GError *task_error = NULL;

      if (reply == NULL)
        task_error = g_error_copy (error);
      else
        cr_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &task_error);
      if (task_error != NULL)
        {
          call_return (task, NULL, task_error);
          g_object_unref (task);
        }
      else
        send_call (task);
    }
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply =
    g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL, result, &error);

  call_return (task, reply, error);
}

/* Import's batch travels in an anonymous file, as a D-Bus message could
 * not hold a whole schema: @value serialized, in a list of its own. */
static GUnixFDList *
fd_list_holding (GVariant *value, GError **error)
{
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  g_autofree char *path = NULL;
  cr_autofd int fd = -1;

#ifdef HAVE_MEMFD_CREATE
  fd = memfd_create ("cimrepo-import", MFD_CLOEXEC);
#endif
  if (fd < 0)
    {
      fd = g_file_open_tmp ("cimrepo-import-XXXXXX", &path, error);
      if (fd < 0)
        return NULL;
      (void) g_unlink (path);
    }
  if (!cr_fd_write_all (fd, g_variant_get_data (value), g_variant_get_size (value), error) ||
      g_unix_fd_list_append (fds, fd, error) < 0)
    return NULL;
  return g_steal_pointer (&fds);
}

/* The in-arguments without the first (the namespace) */
static GVariant *
drop_namespace (GVariant *args)
{
  gsize n = g_variant_n_children (args);
  g_autofree GVariant **children = g_new0 (GVariant *, n);
  GVariant *tuple;

  for (gsize i = 1; i < n; i++)
    children[i - 1] = g_variant_get_child_value (args, i);
  tuple = g_variant_new_tuple (children, n - 1);
  for (gsize i = 1; i < n; i++)
    g_variant_unref (children[i - 1]);
  return tuple;
}

/* D-Bus thread: whether the service is on the bus now */
static gboolean
service_running (RemoteBackend *self)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->repository));

  return owner != NULL;
}

/* The methods that change the repository. Once sent, a call waits for
 * its answer whatever its cancellable says: the service does not stop
 * it half-way, so the caller must hear whether it happened. */
static gboolean
is_write (const char *method)
{
  static const char *const writes[] = {
    "CreateNamespace",
    "DeleteNamespace",
    "Import",
    "PutQualifierType",
    "PutClass",
    "DeleteClass",
    "PutInstance",
    "DeleteInstance",
    "Resume",
    NULL,
  };

  return g_strv_contains (writes, method);
}

static void
open_namespace (RemoteBackend *self, const char *namespace_, const char *key)
{
  OpenData *data = g_new0 (OpenData, 1);

  data->backend = self;
  data->key = g_strdup (key);
  g_dbus_connection_call (self->bus, g_dbus_proxy_get_name (G_DBUS_PROXY (self->repository)), REPOSITORY_PATH,
                          REPOSITORY_INTERFACE, "OpenNamespace", g_variant_new ("(s)", namespace_),
                          G_VARIANT_TYPE ("(o)"), call_flags (self), CALL_TIMEOUT, NULL, namespace_opened_cb, data);
}

/* D-Bus thread; @task (transfer full) */
static void
send_call (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  RemoteBackend *self = call->backend;
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *name = g_dbus_proxy_get_name (G_DBUS_PROXY (self->repository));
  const GDBusCallFlags flags = call_flags (self);

  if (call->namespace_ != NULL)
    {
      g_autofree char *key = g_utf8_casefold (call->namespace_, -1);
      const char *path = g_hash_table_lookup (self->connections, key);

      if (path == NULL)
        {
          GPtrArray *waiting = g_hash_table_lookup (self->opening, key);

          if (waiting == NULL)
            {
              waiting = g_ptr_array_new_with_free_func (g_object_unref);
              g_hash_table_insert (self->opening, g_strdup (key), waiting);
              open_namespace (self, call->namespace_, key);
            }
          g_ptr_array_add (waiting, task);
        }
      else
        {
          g_free (call->connection_path);
          call->connection_path = g_strdup (path);
          /* A write, once sent, is not cancelled: its caller hears what it did */
          g_dbus_connection_call (self->bus, name, path, CONNECTION_INTERFACE, call->method,
                                  drop_namespace (call->args), NULL, flags, CALL_TIMEOUT,
                                  is_write (call->method) ? NULL : cancellable, connection_call_done_cb, task);
        }
    }
  else if (g_str_equal (call->method, "Backup") || g_str_equal (call->method, "Restore"))
    {
      g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
      g_autoptr (GError) error = NULL;
      guint32 op_flags;

      g_variant_get (call->args, "(u)", &op_flags);
      if (g_unix_fd_list_append (fds, call->fd, &error) < 0)
        {
          call_return (task, NULL, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      /* Not cancellable here: once the service has started the job, only
       * Job1.Cancel ends it cleanly; a cancel before the answer comes is
       * passed on as soon as the job is known. */
      g_dbus_connection_call_with_unix_fd_list (self->bus, name, REPOSITORY_PATH, REPOSITORY_INTERFACE, call->method,
                                                g_variant_new ("(hua{sv})", 0, op_flags, NULL),
                                                G_VARIANT_TYPE ("(o)"), flags, CALL_TIMEOUT, fds, NULL,
                                                job_started_cb, task);
    }
  else if (g_str_equal (call->method, "Import"))
    {
      g_autoptr (GVariant) batch = g_variant_get_child_value (call->args, 0);
      g_autoptr (GUnixFDList) fds = NULL;
      g_autoptr (GError) error = NULL;
      gboolean dry_run;

      g_variant_get_child (call->args, 1, "b", &dry_run);
      fds = fd_list_holding (batch, &error);
      if (fds == NULL)
        {
          call_return (task, NULL, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      /* Not cancellable once sent: its caller hears what it did */
      g_dbus_connection_call_with_unix_fd_list (self->bus, name, REPOSITORY_PATH, REPOSITORY_INTERFACE, "Import",
                                                g_variant_new ("(hb)", 0, dry_run), G_VARIANT_TYPE ("(a{sv})"),
                                                flags, CALL_TIMEOUT, fds, NULL, import_done_cb, task);
    }
  else if (g_str_equal (call->method, "Pause"))
    {
      GVariantBuilder options;
      guint32 delay;

      g_variant_get (call->args, "(u)", &delay);
      g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
      if (delay > 0)
        g_variant_builder_add (&options, "{sv}", "auto-resume", g_variant_new_uint32 (delay));
      g_dbus_connection_call (self->bus, name, REPOSITORY_PATH, REPOSITORY_INTERFACE, "Pause",
                              g_variant_new ("(a{sv})", &options), G_VARIANT_TYPE ("()"), flags, CALL_TIMEOUT, NULL,
                              pause_done_cb, task);
    }
  else if (g_str_equal (call->method, "ListConnections") && !service_running (self))
    {
      /* No service, no connections: say so without starting it (bus
       * activation) only to hear it. A client that follows
       * connections-changed asks this when the service has exited for
       * want of clients; asking it would start it again, every time. */
      call_return (task, g_variant_ref_sink (g_variant_new ("(a(osxxssx))", NULL)), NULL);
      g_object_unref (task);
    }
  else
    {
      g_dbus_connection_call (self->bus, name, REPOSITORY_PATH, REPOSITORY_INTERFACE, call->method, call->args,
                              NULL, flags, CALL_TIMEOUT, is_write (call->method) ? NULL : cancellable,
                              repository_call_done_cb, task);
    }
}

static gboolean
send_call_idle (gpointer data)
{
  GTask *task = data;

  GError *error = NULL;

  if (cr_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  send_call (task);
  return G_SOURCE_REMOVE;
}

static void
remote_call (CrClientBackend *backend, const char *method, GVariant *args, int fd, CrProgressFunc progress,
             gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RemoteBackend *self = (RemoteBackend *) backend;
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);
  g_autoptr (GSource) source = g_idle_source_new ();

  g_task_set_source_tag (task, remote_call);
  g_task_set_check_cancellable (task, FALSE);
  call->backend = self;
  call->method = g_strdup (method);
  call->args = g_variant_ref_sink (args);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (g_strv_contains (connection_methods, method))
    {
      if (!g_variant_is_of_type (call->args, G_VARIANT_TYPE_TUPLE) ||
          !g_str_has_prefix (g_variant_get_type_string (call->args), "(s"))
        {
          g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("%s takes a namespace first"),
                                   method);
          return;
        }
      g_variant_get_child (call->args, 0, "s", &call->namespace_);
    }
  call->fd = fd;
  call->progress = cr_client_progress_new (progress, progress_data);

  g_source_set_callback (source, send_call_idle, g_steal_pointer (&task), NULL);
  g_source_set_static_name (source, "[cimrepo-client] call");
  g_source_attach (source, self->context);
}

static GVariant *
remote_call_finish (CrClientBackend *backend, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == remote_call, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The D-Bus thread */

static void
connection_closed_cb (GDBusConnection *bus, const char *sender, const char *path, const char *interface,
                      const char *signal, GVariant *parameters, gpointer user_data)
{
  RemoteBackend *self = user_data;
  GHashTableIter iter;
  const char *value;

  if (!from_service (self, sender))
    return;
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &value))
    if (g_str_equal (value, path))
      g_hash_table_iter_remove (&iter);
}

/* Our own connection to the bus closed (the bus went away): what waits
 * for the service's signals would wait for ever. */
static void
bus_closed_cb (GDBusConnection *bus, gboolean remote_peer_vanished, GError *cause, gpointer user_data)
{
  RemoteBackend *self = user_data;
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED, _("the connection to the bus closed"));

  remote_error_convert (self, &error);
  g_hash_table_remove_all (self->connections);
  fail_jobs (self, error);
}

static gboolean
connect_service (RemoteBackend *self, GError **error)
{
  GBusType bus_type = self->mode == CR_CLIENT_MODE_SYSTEM ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION;
  g_autofree char *address = NULL;
  g_autofree char *owner = NULL;

  address = g_dbus_address_get_for_bus_sync (bus_type, NULL, error);
  /* Private, so that our unique name, and all the service ties to it,
   * ends with this backend */
  if (address != NULL)
    self->bus = g_dbus_connection_new_for_address_sync (
      address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
      NULL, error);
  if (self->bus == NULL)
    {
      cr_error_convert (error);
      if (self->mode == CR_CLIENT_MODE_SYSTEM)
        g_prefix_error (error, _("Cannot reach the system bus, so not the cimrepod service either: "));
      else
        g_prefix_error (error, _("Cannot reach the session bus, so not a “cimrepod --session” either: "));
      return FALSE;
    }
  g_dbus_connection_set_exit_on_close (self->bus, FALSE);
  g_signal_connect (self->bus, "closed", G_CALLBACK (bus_closed_cb), self);

  /* Jobs and connections first: nothing may come between the proxy's
   * first look and these */
  self->completed_id = g_dbus_connection_signal_subscribe (self->bus, CR_DBUS_SERVICE_NAME, JOB_INTERFACE, "Completed",
                                                           NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, job_completed_cb,
                                                           self, NULL);
  self->job_properties_id = g_dbus_connection_signal_subscribe (
    self->bus, CR_DBUS_SERVICE_NAME, PROPERTIES_INTERFACE, "PropertiesChanged", NULL, JOB_INTERFACE,
    G_DBUS_SIGNAL_FLAGS_NONE, job_properties_cb, self, NULL);
  self->closed_id = g_dbus_connection_signal_subscribe (self->bus, CR_DBUS_SERVICE_NAME, CONNECTION_INTERFACE,
                                                        "Closed", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                        connection_closed_cb, self, NULL);

  /* Starts the service if it is bus-activatable */
  self->repository = cr_repository1_proxy_new_sync (self->bus, G_DBUS_PROXY_FLAGS_GET_INVALIDATED_PROPERTIES,
                                                    CR_DBUS_SERVICE_NAME, REPOSITORY_PATH, NULL, error);
  if (self->repository == NULL)
    return FALSE;
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->repository));
  if (owner == NULL)
    {
      if (self->mode == CR_CLIENT_MODE_SYSTEM)
        g_set_error_literal (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                             _("The cimrepod service is not available on the system bus. Start it with "
                               "“systemctl start cimrepod”, or open a repository file instead."));
      else
        g_set_error_literal (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                             _("No “cimrepod --session” is running on the session bus. Start one, or open a "
                               "repository file instead."));
      return FALSE;
    }
  g_signal_connect (self->repository, "g-properties-changed", G_CALLBACK (properties_changed_cb), self);
  g_signal_connect (self->repository, "connections-changed", G_CALLBACK (connections_changed_cb), self);
  g_signal_connect (self->repository, "notify::g-name-owner", G_CALLBACK (name_owner_cb), self);

  g_mutex_lock (&self->lock);
  self->unique_name = g_strdup (g_dbus_connection_get_unique_name (self->bus));
  self->location = g_strdup (cr_repository1_get_path (self->repository));
  g_mutex_unlock (&self->lock);
  publish (self, FALSE);
  return TRUE;
}

static gpointer
dbus_thread (gpointer data)
{
  RemoteBackend *self = data;
  GTask *open_task = g_steal_pointer (&self->open_task);
  GError *open_error = NULL;
  gboolean connected;

  g_main_context_push_thread_default (self->context);
  connected = connect_service (self, &open_error);
  if (!connected)
    remote_error_convert (self, &open_error);
  cr_client_backend_open_task_return (open_task, open_error);

  if (connected)
    g_main_loop_run (self->loop);

  /* Leaving: what still waits fails, and closing the connection ends our
   * namespace connections and any pause we hold (P5). */
  if (self->repository != NULL)
    g_signal_handlers_disconnect_by_data (self->repository, self);
  if (self->jobs != NULL)
    {
      g_autoptr (GError) error = g_error_new_literal (CR_ERROR, CR_ERROR_CALL_CANCELLED,
                                                      _("The client was closed before the operation ended"));
      fail_jobs (self, error);
    }
  if (self->bus != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->bus, self);
      g_dbus_connection_signal_unsubscribe (self->bus, self->completed_id);
      g_dbus_connection_signal_unsubscribe (self->bus, self->job_properties_id);
      g_dbus_connection_signal_unsubscribe (self->bus, self->closed_id);
      g_dbus_connection_close_sync (self->bus, NULL, NULL);
    }
  g_clear_object (&self->repository);
  g_clear_object (&self->bus);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
remote_free (CrClientBackend *backend)
{
  RemoteBackend *self = (RemoteBackend *) backend;

  g_mutex_lock (&self->lock);
  self->attached = FALSE;
  g_mutex_unlock (&self->lock);
  /* After the calls already queued */
  if (self->thread != NULL)
    cr_client_backend_thread_join (self->thread, self->context, self->loop, G_PRIORITY_LOW);
  g_clear_object (&self->open_task);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->opening, g_hash_table_unref);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self->mirror_paused_by);
  g_free (self->unique_name);
  g_free (self->location);
  g_free (self);
}

/**
 * cr_client_backend_remote_new_async:
 * @mode: %CR_CLIENT_MODE_SYSTEM or %CR_CLIENT_MODE_SESSION
 *
 * Connects to the cimrepod service on the system or the session bus,
 * starting it if it is bus-activatable, in a thread of its own. Fails
 * with %CR_ERROR_NOT_FOUND, saying what to do, when no service answers.
 */
void
cr_client_backend_remote_new_async (CrClientMode mode, GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  RemoteBackend *self;
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (mode == CR_CLIENT_MODE_SYSTEM || mode == CR_CLIENT_MODE_SESSION);
  self = g_new0 (RemoteBackend, 1);
  /* Registers org.cimrepo.Error.*, so that the service's errors arrive
   * in CR_ERROR with their codes */
  (void) cr_error_quark ();

  self->parent.call = remote_call;
  self->parent.call_finish = remote_call_finish;
  self->parent.attach = remote_attach;
  self->parent.free = remote_free;
  self->mode = mode;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->opening = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_mutex_init (&self->lock);

  task = cr_client_backend_open_task_new (&self->parent, cr_client_backend_remote_new_async, cancellable,
                                          callback, user_data);
  self->open_task = g_object_ref (task);
  self->thread = g_thread_new ("cimrepo-dbus", dbus_thread, self);
}

/**
 * cr_client_backend_remote_new_finish:
 * @out_location: (out) (optional): the repository file the service serves
 *
 * Returns: (transfer full): the backend, or %NULL with @error set
 */
CrClientBackend *
cr_client_backend_remote_new_finish (GAsyncResult *result, char **out_location, GError **error)
{
  RemoteBackend *self = (RemoteBackend *) cr_client_backend_open_finish (result, error);

  if (self != NULL && out_location != NULL)
    *out_location = g_strdup (self->location);
  return self != NULL ? &self->parent : NULL;
}
