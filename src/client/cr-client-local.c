/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-client"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-client-private.h"

/*
 * The local backend: the engine in this process.
 *
 * The repository lives on a thread of its own, which runs a main context
 * of its own: the engine announces its state changes there, and runs the
 * auto-resume timer there. So they happen whatever the client's main
 * context does (a command-line tool may never run one), and the backend
 * passes them on to the client, which applies them in its own context.
 *
 * Each method runs in a GTask worker thread with the engine's blocking
 * calls. Before a method returns, it waits until the engine thread has
 * passed on every state change so far: the client then sees the state
 * that an operation made before it sees the operation complete.
 */

typedef struct {
  CrClientBackend parent;

  char *path;
  gboolean create;
  CrClientInfo *identity;
  char *holder;

  GThread *thread;
  GMainContext *context; /* the engine thread's */
  GMainLoop *loop;
  GTask *open_task; /* until the engine thread opened the repository */
  CrRepository *repository;
  guint default_auto_resume;

  GMutex lock;
  gboolean attached;
  GHashTable *connections; /* casefolded namespace → CrConnection */
  CrPauseHandle *pause;
  /* The state as the engine announced it, in order (see repository_notify_cb) */
  CrClientState mirror;
  char *mirror_paused_by;
} LocalBackend;

/* State */

/* With @self->lock held. */
static void
publish_locked (LocalBackend *self, gboolean connections_changed)
{
  CrClientState state = self->mirror;

  state.paused_by = self->mirror_paused_by;
  if (self->pause != NULL && !cr_pause_handle_is_active (self->pause))
    g_clear_object (&self->pause); /* ended by auto-resume */
  state.holds_pause = self->pause != NULL;
  if (!self->attached)
    return;
  cr_client_update_state (self->parent.client, &state);
  if (connections_changed)
    cr_client_emit_connections_changed (self->parent.client);
}

/* Engine thread: one of the repository's properties changed.
 *
 * The engine notifies every transition, in order, and only on a change;
 * it reads the live value in its getters, which may have moved on. So the
 * booleans flip here, which keeps a restore that begins and ends before
 * this thread looks from going unseen. The other values are read live. */
static void
repository_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  LocalBackend *self = user_data;
  const char *name = g_param_spec_get_name (pspec);
  gboolean connections_changed = FALSE;

  g_mutex_lock (&self->lock);
  if (g_str_equal (name, "backup-in-progress"))
    self->mirror.backup_in_progress = !self->mirror.backup_in_progress;
  else if (g_str_equal (name, "restore-in-progress"))
    self->mirror.restore_in_progress = !self->mirror.restore_in_progress;
  else if (g_str_equal (name, "paused"))
    self->mirror.paused = !self->mirror.paused;
  else if (g_str_equal (name, "paused-by"))
    {
      g_free (self->mirror_paused_by);
      self->mirror_paused_by = cr_repository_dup_paused_by (self->repository);
    }
  else if (g_str_equal (name, "paused-since"))
    self->mirror.paused_since = cr_repository_get_paused_since (self->repository);
  else if (g_str_equal (name, "auto-resume-at"))
    self->mirror.auto_resume_at = cr_repository_get_auto_resume_at (self->repository);
  else if (g_str_equal (name, "connection-count"))
    {
      self->mirror.connection_count = cr_repository_get_connection_count (self->repository);
      connections_changed = TRUE;
    }
  else if (g_str_equal (name, "last-backup-time"))
    self->mirror.last_backup_time = cr_repository_get_last_backup_time (self->repository);
  else
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  publish_locked (self, connections_changed);
  g_mutex_unlock (&self->lock);
}

static void
local_attach (CrClientBackend *backend)
{
  LocalBackend *self = (LocalBackend *) backend;

  g_mutex_lock (&self->lock);
  self->attached = TRUE;
  publish_locked (self, FALSE);
  g_mutex_unlock (&self->lock);
}

/* A worker waits here until the engine thread has handled every state
 * change announced so far, and has passed on holds-pause. */
typedef struct {
  LocalBackend *backend;
  GMutex lock;
  GCond cond;
  gboolean done;
} Barrier;

static gboolean
barrier_cb (gpointer data)
{
  Barrier *barrier = data;

  g_mutex_lock (&barrier->backend->lock);
  publish_locked (barrier->backend, FALSE);
  g_mutex_unlock (&barrier->backend->lock);

  g_mutex_lock (&barrier->lock);
  barrier->done = TRUE;
  g_cond_signal (&barrier->cond);
  g_mutex_unlock (&barrier->lock);
  return G_SOURCE_REMOVE;
}

/* Worker thread */
static void
sync_state (LocalBackend *self)
{
  g_autoptr (GSource) source = g_idle_source_new ();
  Barrier barrier = { self, { 0 }, { 0 }, FALSE };

  g_mutex_init (&barrier.lock);
  g_cond_init (&barrier.cond);
  /* The engine queues its announcements as default-priority idles too:
   * this one runs after them. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, barrier_cb, &barrier, NULL);
  g_source_set_static_name (source, "[cimrepo-client] barrier");
  g_source_attach (source, self->context);

  g_mutex_lock (&barrier.lock);
  while (!barrier.done)
    g_cond_wait (&barrier.cond, &barrier.lock);
  g_mutex_unlock (&barrier.lock);
  g_mutex_clear (&barrier.lock);
  g_cond_clear (&barrier.cond);
}

/* Namespace connections, opened on first use and again after a restore
 * closed them. Worker threads. */

static CrConnection *
get_connection (LocalBackend *self, const char *namespace_, GError **error)
{
  g_autofree char *key = g_utf8_casefold (namespace_, -1);
  g_autoptr (CrConnection) fresh = NULL;
  CrConnection *conn;

  g_mutex_lock (&self->lock);
  conn = g_hash_table_lookup (self->connections, key);
  if (conn != NULL && !cr_connection_is_closed (conn))
    {
      g_object_ref (conn);
      g_mutex_unlock (&self->lock);
      return conn;
    }
  g_mutex_unlock (&self->lock);

  fresh = cr_repository_connect (self->repository, namespace_, self->identity, error);
  if (fresh == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  conn = g_hash_table_lookup (self->connections, key);
  if (conn == NULL || cr_connection_is_closed (conn))
    {
      conn = fresh;
      g_hash_table_replace (self->connections, g_steal_pointer (&key), g_object_ref (fresh));
    }
  g_object_ref (conn);
  g_mutex_unlock (&self->lock);
  return conn;
}

/* Closes the cached connections in @namespace_ and below it. */
static void
drop_connections (LocalBackend *self, const char *namespace_)
{
  g_autofree char *key = g_utf8_casefold (namespace_, -1);
  g_autoptr (GPtrArray) dropped = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer k, v;
  gsize n = strlen (key);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      const char *ns = k;

      if (strncmp (ns, key, n) == 0 && (ns[n] == '\0' || ns[n] == '/'))
        {
          g_ptr_array_add (dropped, g_object_ref (v));
          g_hash_table_iter_remove (&iter);
        }
    }
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < dropped->len; i++)
    cr_connection_close (g_ptr_array_index (dropped, i));
}

/* Methods. Each runs in a worker thread and returns the method's
 * out-arguments. */

typedef struct _Call Call;
typedef GVariant *(*RepositoryMethod) (LocalBackend *self, GVariant *args, Call *call,
                                       GCancellable *cancellable, GError **error);
typedef GVariant *(*ConnectionMethod) (CrConnection *conn, GVariant *args, GError **error);

typedef struct {
  const char *name;
  const char *in_type;
  RepositoryMethod repository_method;
  ConnectionMethod connection_method;
} Method;

struct _Call {
  LocalBackend *backend;
  const Method *method;
  GVariant *args;
  int fd;
  CrClientProgress *progress;
};

static void
call_free (Call *call)
{
  g_variant_unref (call->args);
  cr_client_progress_unref (call->progress);
  g_free (call);
}

static CrProgressFunc
call_progress_func (Call *call)
{
  return call->progress != NULL ? cr_client_progress_report : NULL;
}

static const char *
null_for_empty (const char *s)
{
  return *s != '\0' ? s : NULL;
}

static GVariant *
method_get_summary (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint64 namespaces = 0, classes = 0, instances = 0;
  CrRepository *repo = self->repository;

  if (!cr_repository_get_counts (repo, &namespaces, &classes, &instances, error))
    return NULL;
  g_variant_builder_add (&builder, "{sv}", "location", g_variant_new_string (cr_repository_get_path (repo)));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string (cr_repository_get_id (repo)));
  g_variant_builder_add (&builder, "{sv}", "schema-version",
                         g_variant_new_uint32 (cr_repository_get_schema_version (repo)));
  g_variant_builder_add (&builder, "{sv}", "size", g_variant_new_uint64 (cr_repository_get_size (repo)));
  g_variant_builder_add (&builder, "{sv}", "namespaces", g_variant_new_uint64 (namespaces));
  g_variant_builder_add (&builder, "{sv}", "classes", g_variant_new_uint64 (classes));
  g_variant_builder_add (&builder, "{sv}", "instances", g_variant_new_uint64 (instances));
  g_variant_builder_add (&builder, "{sv}", "last-backup",
                         g_variant_new_int64 (cr_repository_get_last_backup_time (repo)));
  return g_variant_new ("(a{sv})", &builder);
}

static GVariant *
method_list_connections (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) conns = cr_repository_list_connections (self->repository);
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(osxxssx)"));

  for (guint i = 0; i < conns->len; i++)
    {
      CrConnection *conn = g_ptr_array_index (conns, i);
      const CrClientInfo *client = cr_connection_get_client (conn);
      g_autofree char *id = g_strdup_printf ("/org/cimrepo/Local/Connection/%" G_GUINT64_FORMAT,
                                             cr_connection_get_id (conn));

      g_variant_builder_add (&builder, "(osxxssx)", id, client->name != NULL ? client->name : "",
                             client->pid, client->uid, client->process_name != NULL ? client->process_name : "",
                             cr_connection_get_namespace (conn), cr_connection_get_connected_at (conn));
    }
  return g_variant_new ("(a(osxxssx))", &builder);
}

static GVariant *
method_list_namespaces (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_auto (GStrv) namespaces = NULL;
  const char *parent;
  gboolean recursive;

  g_variant_get (args, "(&sb)", &parent, &recursive);
  namespaces = cr_repository_list_namespaces (self->repository, null_for_empty (parent), recursive, error);
  if (namespaces == NULL)
    return NULL;
  return g_variant_new ("(^as)", namespaces);
}

static GVariant *
method_create_namespace (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  const char *namespace_;
  gboolean parents;

  g_variant_get (args, "(&sb)", &namespace_, &parents);
  if (!cr_repository_create_namespace (self->repository, namespace_,
                                       parents ? CR_NAMESPACE_FLAGS_CREATE_PARENTS : CR_NAMESPACE_FLAGS_NONE, error))
    return NULL;
  return g_variant_new ("()");
}

static GVariant *
method_delete_namespace (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  const char *namespace_;

  g_variant_get (args, "(&s)", &namespace_);
  /* Our own connections would keep the namespace from going. */
  drop_connections (self, namespace_);
  if (!cr_repository_delete_namespace (self->repository, namespace_, error))
    return NULL;
  return g_variant_new ("()");
}

static GVariant *
method_backup (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  guint32 flags;

  g_variant_get (args, "(u)", &flags);
  if (!cr_repository_backup_fd_sync (self->repository, call->fd, flags, call_progress_func (call), call->progress,
                                     cancellable, error))
    return NULL;
  return g_variant_new ("()");
}

static GVariant *
method_restore (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  guint32 flags;

  g_variant_get (args, "(u)", &flags);
  if (!cr_repository_restore_fd_sync (self->repository, call->fd, flags, call_progress_func (call), call->progress,
                                      cancellable, error))
    return NULL;
  return g_variant_new ("()");
}

static GVariant *
method_verify_repository (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) problems = NULL;
  gboolean ok;

  ok = cr_repository_verify_sync (self->repository, &problems, call_progress_func (call), call->progress,
                                  cancellable, &local_error);
  /* Problems are an answer, not a failure of the call: over D-Bus an
   * error could not carry them. */
  if (!ok && !g_error_matches (local_error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (problems == NULL)
    problems = g_new0 (char *, 1);
  return g_variant_new ("(b^as)", ok, problems);
}

static GVariant *
method_import (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_autoptr (GVariant) items = g_variant_get_child_value (args, 0);
  g_autoptr (CrImportBatch) batch = cr_import_batch_new_from_variant (items, error);
  CrImportSummary summary;
  gboolean dry_run;

  if (batch == NULL)
    return NULL;
  g_variant_get_child (args, 1, "b", &dry_run);
  if (!cr_repository_import_sync (self->repository, batch, dry_run ? CR_IMPORT_FLAGS_DRY_RUN : CR_IMPORT_FLAGS_NONE,
                                  &summary, cancellable, error))
    return NULL;
  return g_variant_new ("(@a{sv})", cr_import_summary_to_variant (&summary));
}

static GVariant *
method_pause (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_autoptr (CrPauseHandle) handle = NULL;
  guint32 seconds;

  g_variant_get (args, "(u)", &seconds);
  cr_repository_set_auto_resume_delay (self->repository, seconds > 0 ? seconds : self->default_auto_resume);
  handle = cr_repository_pause_sync (self->repository, self->holder, call_progress_func (call), call->progress,
                                     cancellable, error);
  if (handle == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  g_set_object (&self->pause, handle);
  g_mutex_unlock (&self->lock);
  return g_variant_new ("()");
}

static GVariant *
method_resume (LocalBackend *self, GVariant *args, Call *call, GCancellable *cancellable, GError **error)
{
  g_autoptr (CrPauseHandle) handle = NULL;
  gboolean ok;

  g_mutex_lock (&self->lock);
  handle = self->pause != NULL ? g_object_ref (self->pause) : NULL;
  g_mutex_unlock (&self->lock);

  if (handle == NULL)
    {
      g_autofree char *holder = cr_repository_dup_paused_by (self->repository);

      if (holder != NULL)
        g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                     _("The repository has been paused by %s; only they can resume it"), holder);
      else
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION, _("The repository is not paused"));
      return NULL;
    }
  ok = cr_pause_handle_resume_sync (handle, call_progress_func (call), call->progress, cancellable, error);
  /* Whether it worked or the pause had already ended, it is over. */
  g_mutex_lock (&self->lock);
  if (self->pause == handle && (ok || !cr_pause_handle_is_active (handle)))
    g_clear_object (&self->pause);
  g_mutex_unlock (&self->lock);
  return ok ? g_variant_new ("()") : NULL;
}

static GVariant *
method_enumerate_classes (CrConnection *conn, GVariant *args, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a" CR_CLASS_VARIANT_TYPE));
  g_autoptr (GPtrArray) classes = NULL;
  const char *superclass;
  gboolean deep;

  g_variant_get (args, "(&s&sb)", NULL, &superclass, &deep);
  classes = cr_connection_enumerate_classes (conn, null_for_empty (superclass), deep, error);
  if (classes == NULL)
    return NULL;
  for (guint i = 0; i < classes->len; i++)
    g_variant_builder_add_value (&builder, cr_class_to_variant (g_ptr_array_index (classes, i)));
  return g_variant_new ("(a" CR_CLASS_VARIANT_TYPE ")", &builder);
}

static GVariant *
method_get_class (CrConnection *conn, GVariant *args, GError **error)
{
  g_autoptr (CrClass) klass = NULL;
  const char *name;

  g_variant_get (args, "(&s&s)", NULL, &name);
  klass = cr_connection_get_class (conn, name, error);
  if (klass == NULL)
    return NULL;
  return g_variant_new_tuple ((GVariant *[]){ cr_class_to_variant (klass) }, 1);
}

static GVariant *
method_put_class (CrConnection *conn, GVariant *args, GError **error)
{
  g_autoptr (GVariant) v = g_variant_get_child_value (args, 1);
  g_autoptr (CrClass) klass = cr_class_new_from_variant (v, error);
  guint32 flags;
  CrPutResult result;

  if (klass == NULL)
    return NULL;
  g_variant_get_child (args, 2, "u", &flags);
  result = cr_connection_put_class (conn, klass, flags, error);
  if (result == CR_PUT_RESULT_ERROR)
    return NULL;
  return g_variant_new ("(u)", (guint32) result);
}

static GVariant *
method_delete_class (CrConnection *conn, GVariant *args, GError **error)
{
  const char *name;

  g_variant_get (args, "(&s&s)", NULL, &name);
  if (!cr_connection_delete_class (conn, name, error))
    return NULL;
  return g_variant_new ("()");
}

static GVariant *
instance_with_path (CrInstance *instance)
{
  return g_variant_new ("(s@" CR_INSTANCE_VARIANT_TYPE ")", cr_instance_get_path (instance),
                        cr_instance_to_variant (instance));
}

static GVariant *
method_enumerate_instances (CrConnection *conn, GVariant *args, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(s" CR_INSTANCE_VARIANT_TYPE ")"));
  g_autoptr (GPtrArray) instances = NULL;
  const char *class_name;
  gboolean deep;

  g_variant_get (args, "(&s&sb)", NULL, &class_name, &deep);
  instances = cr_connection_enumerate_instances (conn, class_name, deep, error);
  if (instances == NULL)
    return NULL;
  for (guint i = 0; i < instances->len; i++)
    g_variant_builder_add_value (&builder, instance_with_path (g_ptr_array_index (instances, i)));
  return g_variant_new ("(a(s" CR_INSTANCE_VARIANT_TYPE "))", &builder);
}

static GVariant *
method_get_instance (CrConnection *conn, GVariant *args, GError **error)
{
  g_autoptr (CrInstance) instance = NULL;
  const char *path;

  g_variant_get (args, "(&s&s)", NULL, &path);
  instance = cr_connection_get_instance (conn, path, error);
  if (instance == NULL)
    return NULL;
  return instance_with_path (instance);
}

static GVariant *
method_put_instance (CrConnection *conn, GVariant *args, GError **error)
{
  g_autoptr (GVariant) v = g_variant_get_child_value (args, 1);
  g_autoptr (CrInstance) instance = cr_instance_new_from_variant (v, error);
  g_autofree char *path = NULL;
  CrPutResult result = CR_PUT_RESULT_ERROR;
  guint32 flags;

  if (instance == NULL)
    return NULL;
  g_variant_get_child (args, 2, "u", &flags);
  path = cr_connection_put_instance (conn, instance, flags, &result, error);
  if (path == NULL)
    return NULL;
  return g_variant_new ("(su)", path, (guint32) result);
}

static GVariant *
method_delete_instance (CrConnection *conn, GVariant *args, GError **error)
{
  const char *path;

  g_variant_get (args, "(&s&s)", NULL, &path);
  if (!cr_connection_delete_instance (conn, path, error))
    return NULL;
  return g_variant_new ("()");
}

static GVariant *
method_enumerate_qualifier_types (CrConnection *conn, GVariant *args, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a" CR_QUALIFIER_TYPE_VARIANT_TYPE));
  g_autoptr (GPtrArray) qtypes = cr_connection_enumerate_qualifier_types (conn, error);

  if (qtypes == NULL)
    return NULL;
  for (guint i = 0; i < qtypes->len; i++)
    g_variant_builder_add_value (&builder, cr_qualifier_type_to_variant (g_ptr_array_index (qtypes, i)));
  return g_variant_new ("(a" CR_QUALIFIER_TYPE_VARIANT_TYPE ")", &builder);
}

static GVariant *
method_put_qualifier_type (CrConnection *conn, GVariant *args, GError **error)
{
  g_autoptr (GVariant) v = g_variant_get_child_value (args, 1);
  g_autoptr (CrQualifierType) qtype = cr_qualifier_type_new_from_variant (v, error);
  guint32 flags;
  CrPutResult result;

  if (qtype == NULL)
    return NULL;
  g_variant_get_child (args, 2, "u", &flags);
  result = cr_connection_put_qualifier_type (conn, qtype, flags, error);
  if (result == CR_PUT_RESULT_ERROR)
    return NULL;
  return g_variant_new ("(u)", (guint32) result);
}

static const Method methods[] = {
  { "GetSummary", "()", method_get_summary, NULL },
  { "ListConnections", "()", method_list_connections, NULL },
  { "ListNamespaces", "(sb)", method_list_namespaces, NULL },
  { "CreateNamespace", "(sb)", method_create_namespace, NULL },
  { "DeleteNamespace", "(s)", method_delete_namespace, NULL },
  { "EnumerateClasses", "(ssb)", NULL, method_enumerate_classes },
  { "GetClass", "(ss)", NULL, method_get_class },
  { "PutClass", "(s" CR_CLASS_VARIANT_TYPE "u)", NULL, method_put_class },
  { "DeleteClass", "(ss)", NULL, method_delete_class },
  { "EnumerateInstances", "(ssb)", NULL, method_enumerate_instances },
  { "GetInstance", "(ss)", NULL, method_get_instance },
  { "PutInstance", "(s" CR_INSTANCE_VARIANT_TYPE "u)", NULL, method_put_instance },
  { "DeleteInstance", "(ss)", NULL, method_delete_instance },
  { "EnumerateQualifierTypes", "(s)", NULL, method_enumerate_qualifier_types },
  { "PutQualifierType", "(s" CR_QUALIFIER_TYPE_VARIANT_TYPE "u)", NULL, method_put_qualifier_type },
  { "Import", "(" CR_IMPORT_BATCH_VARIANT_TYPE "b)", method_import, NULL },
  { "Backup", "(u)", method_backup, NULL },
  { "Restore", "(u)", method_restore, NULL },
  { "VerifyRepository", "()", method_verify_repository, NULL },
  { "Pause", "(u)", method_pause, NULL },
  { "Resume", "()", method_resume, NULL },
};

/* Runs a namespace method on the namespace's connection. A restore may
 * close the connection between our lookup and the call: then once more
 * on a new one. */
static GVariant *
run_on_connection (LocalBackend *self, const Method *method, GVariant *args, GError **error)
{
  const char *namespace_;

  g_variant_get_child (args, 0, "&s", &namespace_);
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (CrConnection) conn = get_connection (self, namespace_, error);
      GVariant *reply;

      if (conn == NULL)
        return NULL;
      reply = method->connection_method (conn, args, &local_error);
      if (reply != NULL)
        return reply;
      if (attempt > 0 || !g_error_matches (local_error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

/* Worker thread */
static void
call_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Call *call = task_data;
  LocalBackend *self = call->backend;
  GError *error = NULL;
  GVariant *reply = NULL;

  if (!cr_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      if (call->method->repository_method != NULL)
        reply = call->method->repository_method (self, call->args, call, cancellable, &error);
      else
        reply = run_on_connection (self, call->method, call->args, &error);
    }
  sync_state (self);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_variant_ref_sink (reply), (GDestroyNotify) g_variant_unref);
}

static void
local_call (CrClientBackend *backend, const char *method_name, GVariant *args, int fd, CrProgressFunc progress,
            gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  LocalBackend *self = (LocalBackend *) backend;
  g_autoptr (GVariant) owned_args = g_variant_ref_sink (args);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  const Method *method = NULL;
  Call *call;

  g_task_set_source_tag (task, local_call);
  g_task_set_check_cancellable (task, FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (methods) && method == NULL; i++)
    if (g_str_equal (methods[i].name, method_name))
      method = &methods[i];
  if (method == NULL)
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_NOT_SUPPORTED, _("Unknown method %s"), method_name);
      return;
    }
  if (!g_variant_is_of_type (owned_args, G_VARIANT_TYPE (method->in_type)))
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("%s takes %s, not %s"), method_name, method->in_type,
                               g_variant_get_type_string (owned_args));
      return;
    }

  call = g_new0 (Call, 1);
  call->backend = self;
  call->method = method;
  call->args = g_steal_pointer (&owned_args);
  call->fd = fd;
  call->progress = cr_client_progress_new (progress, progress_data);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_thread);
}

static GVariant *
local_call_finish (CrClientBackend *backend, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == local_call, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The engine thread */

static gpointer
engine_thread (gpointer data)
{
  LocalBackend *self = data;
  GTask *open_task = g_steal_pointer (&self->open_task);
  GError *error = NULL;
  gulong handler = 0;

  g_main_context_push_thread_default (self->context);
  self->repository = cr_repository_open_sync (self->path, self->create ? CR_OPEN_FLAGS_CREATE : CR_OPEN_FLAGS_NONE,
                                              g_task_get_cancellable (open_task), &error);
  if (self->repository != NULL)
    {
      self->default_auto_resume = cr_repository_get_auto_resume_delay (self->repository);
      self->mirror.last_backup_time = cr_repository_get_last_backup_time (self->repository);
      handler = g_signal_connect (self->repository, "notify", G_CALLBACK (repository_notify_cb), self);
    }
  cr_client_backend_open_task_return (open_task, error);
  if (self->repository == NULL)
    {
      g_main_context_pop_thread_default (self->context);
      return NULL;
    }

  g_main_loop_run (self->loop);

  g_signal_handler_disconnect (self->repository, handler);
  cr_repository_close (self->repository);
  g_clear_object (&self->repository);
  /* What the engine still queued here (closed signals that hold our
   * connections, which hold the repository) runs now, while the context
   * is alive. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
local_free (CrClientBackend *backend)
{
  LocalBackend *self = (LocalBackend *) backend;
  g_autoptr (GHashTable) connections = NULL;
  g_autoptr (CrPauseHandle) pause_handle = NULL;

  g_mutex_lock (&self->lock);
  self->attached = FALSE;
  connections = g_steal_pointer (&self->connections);
  pause_handle = g_steal_pointer (&self->pause);
  g_mutex_unlock (&self->lock);
  /* Leaving: our connections go, and a pause we hold ends (P5). */
  g_clear_pointer (&connections, g_hash_table_unref);
  g_clear_object (&pause_handle);

  /* After whatever the engine queued before */
  if (self->thread != NULL)
    cr_client_backend_thread_join (self->thread, self->context, self->loop, G_PRIORITY_DEFAULT);
  g_clear_object (&self->open_task);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self->mirror_paused_by);
  g_free (self->holder);
  cr_client_info_free (self->identity);
  g_free (self->path);
  g_free (self);
}

/**
 * cr_client_backend_local_new_async:
 * @path: the repository file
 * @create: create it if it does not exist
 *
 * Opens @path in a thread of its own.
 */
void
cr_client_backend_local_new_async (const char *path, gboolean create, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  LocalBackend *self = g_new0 (LocalBackend, 1);
  g_autoptr (GTask) task = NULL;
  const char *program;

  self->parent.call = local_call;
  self->parent.call_finish = local_call_finish;
  self->parent.attach = local_attach;
  self->parent.free = local_free;
  self->path = g_strdup (path);
  self->create = create;
  program = g_get_prgname () != NULL ? g_get_prgname () : "cimrepo";
  self->identity = cr_client_info_new_self (program);
  self->holder = g_strdup_printf ("%s (pid %" G_GINT64_FORMAT ")", program, self->identity->pid);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_mutex_init (&self->lock);

  task = cr_client_backend_open_task_new (&self->parent, cr_client_backend_local_new_async, cancellable, callback,
                                          user_data);
  self->open_task = g_object_ref (task);
  self->thread = g_thread_new ("cimrepo-engine", engine_thread, self);
}

/**
 * cr_client_backend_local_new_finish:
 *
 * Returns: (transfer full): the backend, or %NULL with @error set
 */
CrClientBackend *
cr_client_backend_local_new_finish (GAsyncResult *result, GError **error)
{
  return cr_client_backend_open_finish (result, error);
}
