/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cr-backup-file-private.h"
#include "cr-error.h"
#include "cr-gate-private.h"
#include "cr-platform.h"
#include "cr-progress-proxy.h"
#include "cr-repository-private.h"

/* Copy the database in chunks of this size: large enough that system
 * calls cost nothing, small enough for progress, cancel and memory. */
#define COPY_CHUNK (4 * 1024 * 1024)

struct _CrRepository {
  GObject parent_instance;

  char *path;
  GMainContext *context;
  CrLockFile *lock_file;
  CrGate gate;

  /* Replaced only by a restore, with the gate drained. */
  CrStore *store;
  const char *id; /* interned: a restore replaces it while others read */
  guint32 schema_version;

  GMutex lock;
  GHashTable *connections; /* guint64 id → GWeakRef<CrConnection> */
  guint64 next_connection_id;
  guint auto_resume_delay;
  gint64 last_backup_time;
  gboolean closed;
  GSource *sync_source;
  GQueue pending_states; /* Snapshot, oldest first */
  /* A backup finished while paused: its record waits for the resume. */
  gboolean record_pending;
  gint64 record_created;
  guint64 record_size;
  char *record_checksum;

  /* Owner context only: the state last announced, and the timer */
  gboolean pub_backup;
  gboolean pub_restore;
  gboolean pub_paused;
  char *pub_paused_by;
  gint64 pub_paused_since;
  gint64 pub_auto_resume_at;
  guint pub_connection_count;
  gint64 pub_last_backup;
  GSource *resume_timer;
};

G_DEFINE_TYPE (CrRepository, cr_repository, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ID,
  PROP_SCHEMA_VERSION,
  PROP_BACKUP_IN_PROGRESS,
  PROP_RESTORE_IN_PROGRESS,
  PROP_PAUSED,
  PROP_PAUSED_BY,
  PROP_PAUSED_SINCE,
  PROP_AUTO_RESUME_AT,
  PROP_AUTO_RESUME_DELAY,
  PROP_WRITE_WAIT_TIMEOUT,
  PROP_LAST_BACKUP_TIME,
  PROP_CONNECTION_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_sync (CrRepository *self);
static void flush_backup_record (CrRepository *self);

/* Delivering to the owner's main context */

typedef struct {
  GSourceFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Invocation;

static gboolean
invocation_dispatch (gpointer user_data)
{
  Invocation *inv = user_data;
  return inv->func (inv->data);
}

static void
invocation_free (gpointer user_data)
{
  Invocation *inv = user_data;

  if (inv->destroy != NULL)
    inv->destroy (inv->data);
  g_free (inv);
}

void
cr_invoke_in_context (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  g_autoptr (GSource) source = g_idle_source_new ();
  Invocation *inv = g_new0 (Invocation, 1);

  inv->func = func;
  inv->data = data;
  inv->destroy = destroy;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, invocation_dispatch, inv, invocation_free);
  g_source_set_static_name (source, "[cimrepo] deliver");
  g_source_attach (source, context);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

/* Announcing state: property notifications in the owner's context. */

static gboolean
auto_resume_cb (gpointer data)
{
  g_autoptr (CrRepository) self = g_weak_ref_get (data);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_clear_pointer (&self->resume_timer, g_source_unref);
  if (!cr_gate_expire (&self->gate))
    schedule_sync (self);
  return G_SOURCE_REMOVE;
}

static void
flush_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  flush_backup_record (source);
  g_task_return_boolean (task, TRUE);
}

/* One observation of the state. Every change is queued as one, so that
 * the owner sees each transition, even a flag that went on and off again
 * before its main loop ran. */
typedef struct {
  CrGateState gate;
  guint connection_count;
  gint64 last_backup;
} Snapshot;

static void
snapshot_free (Snapshot *snap)
{
  cr_gate_state_clear (&snap->gate);
  g_free (snap);
}

static void
publish (CrRepository *self, Snapshot *snap)
{
  CrGateState *state = &snap->gate;

  if (state->backup_running != self->pub_backup)
    {
      self->pub_backup = state->backup_running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKUP_IN_PROGRESS]);
    }
  if (state->restoring != self->pub_restore)
    {
      self->pub_restore = state->restoring;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTORE_IN_PROGRESS]);
    }
  if (state->paused != self->pub_paused)
    {
      self->pub_paused = state->paused;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
    }
  if (g_strcmp0 (state->paused_by, self->pub_paused_by) != 0)
    {
      g_free (self->pub_paused_by);
      self->pub_paused_by = g_strdup (state->paused_by);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED_BY]);
    }
  if (state->paused_since != self->pub_paused_since)
    {
      self->pub_paused_since = state->paused_since;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED_SINCE]);
    }
  if (state->auto_resume_at != self->pub_auto_resume_at)
    {
      self->pub_auto_resume_at = state->auto_resume_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RESUME_AT]);
    }
  if (snap->connection_count != self->pub_connection_count)
    {
      self->pub_connection_count = snap->connection_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_COUNT]);
    }
  if (snap->last_backup != self->pub_last_backup)
    {
      self->pub_last_backup = snap->last_backup;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_BACKUP_TIME]);
    }
}

static gboolean
sync_state_cb (gpointer data)
{
  g_autoptr (CrRepository) self = g_weak_ref_get (data);
  GQueue states = G_QUEUE_INIT;
  Snapshot *snap;
  gboolean was_paused, flush;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->sync_source, g_source_unref);
  states = self->pending_states;
  g_queue_init (&self->pending_states);
  g_mutex_unlock (&self->lock);

  was_paused = self->pub_paused;
  while ((snap = g_queue_pop_head (&states)) != NULL)
    {
      publish (self, snap);
      snapshot_free (snap);
    }

  /* The auto-resume timer follows the pause. The gate enforces the
   * deadline by itself; the timer makes the end visible on time. */
  if (self->resume_timer != NULL)
    {
      g_source_destroy (self->resume_timer);
      g_clear_pointer (&self->resume_timer, g_source_unref);
    }
  if (self->pub_paused)
    {
      gint64 delay_ms = MAX (0, (self->pub_auto_resume_at - g_get_real_time ()) / 1000) + 1;

      self->resume_timer = g_timeout_source_new ((guint) MIN (delay_ms, (gint64) G_MAXUINT));
      g_source_set_static_name (self->resume_timer, "[cimrepo] auto-resume");
      g_source_set_callback (self->resume_timer, auto_resume_cb, weak_ref_new (self), (GDestroyNotify) weak_ref_free);
      g_source_attach (self->resume_timer, self->context);
    }

  g_mutex_lock (&self->lock);
  flush = was_paused && !self->pub_paused && self->record_pending && !self->closed;
  g_mutex_unlock (&self->lock);
  if (flush)
    {
      /* A pause that ended by itself leaves its backup record to write;
       * it is a write, so it goes to a worker thread. */
      g_autoptr (GTask) task = g_task_new (self, NULL, NULL, NULL);
      g_task_run_in_thread (task, flush_thread);
    }
  return G_SOURCE_REMOVE;
}

/* Called from any thread, also from the gate, whenever state may have
 * changed: takes a snapshot and has the owner's context announce it. */
static void
schedule_sync (CrRepository *self)
{
  Snapshot *snap = g_new0 (Snapshot, 1);

  cr_gate_get_state (&self->gate, &snap->gate);
  g_mutex_lock (&self->lock);
  snap->connection_count = g_hash_table_size (self->connections);
  snap->last_backup = self->last_backup_time;
  g_queue_push_tail (&self->pending_states, snap);
  if (self->sync_source == NULL && self->context != NULL)
    {
      self->sync_source = g_idle_source_new ();
      g_source_set_priority (self->sync_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->sync_source, "[cimrepo] state");
      g_source_set_callback (self->sync_source, sync_state_cb, weak_ref_new (self), (GDestroyNotify) weak_ref_free);
      g_source_attach (self->sync_source, self->context);
    }
  g_mutex_unlock (&self->lock);
}

static void
gate_changed_cb (gpointer data)
{
  schedule_sync (data);
}

/* GObject */

static void
cr_repository_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrRepository *self = CR_REPOSITORY (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_SCHEMA_VERSION:
      g_value_set_uint (value, self->schema_version);
      break;
    case PROP_BACKUP_IN_PROGRESS:
      g_value_set_boolean (value, cr_repository_get_backup_in_progress (self));
      break;
    case PROP_RESTORE_IN_PROGRESS:
      g_value_set_boolean (value, cr_repository_get_restore_in_progress (self));
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, cr_repository_get_paused (self));
      break;
    case PROP_PAUSED_BY:
      g_value_take_string (value, cr_repository_dup_paused_by (self));
      break;
    case PROP_PAUSED_SINCE:
      g_value_set_int64 (value, cr_repository_get_paused_since (self));
      break;
    case PROP_AUTO_RESUME_AT:
      g_value_set_int64 (value, cr_repository_get_auto_resume_at (self));
      break;
    case PROP_AUTO_RESUME_DELAY:
      g_value_set_uint (value, cr_repository_get_auto_resume_delay (self));
      break;
    case PROP_WRITE_WAIT_TIMEOUT:
      g_value_set_uint (value, cr_repository_get_write_wait_timeout (self));
      break;
    case PROP_LAST_BACKUP_TIME:
      g_value_set_int64 (value, cr_repository_get_last_backup_time (self));
      break;
    case PROP_CONNECTION_COUNT:
      g_value_set_uint (value, cr_repository_get_connection_count (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_repository_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CrRepository *self = CR_REPOSITORY (object);

  switch (prop_id)
    {
    case PROP_AUTO_RESUME_DELAY:
      cr_repository_set_auto_resume_delay (self, g_value_get_uint (value));
      break;
    case PROP_WRITE_WAIT_TIMEOUT:
      cr_repository_set_write_wait_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_repository_dispose (GObject *object)
{
  CrRepository *self = CR_REPOSITORY (object);

  cr_repository_close (self);
  G_OBJECT_CLASS (cr_repository_parent_class)->dispose (object);
}

static void
cr_repository_finalize (GObject *object)
{
  CrRepository *self = CR_REPOSITORY (object);

  cr_gate_clear (&self->gate);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_queue_clear_full (&self->pending_states, (GDestroyNotify) snapshot_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->path);
  g_free (self->record_checksum);
  g_free (self->pub_paused_by);
  G_OBJECT_CLASS (cr_repository_parent_class)->finalize (object);
}

static void
cr_repository_class_init (CrRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cr_repository_get_property;
  object_class->set_property = cr_repository_set_property;
  object_class->dispose = cr_repository_dispose;
  object_class->finalize = cr_repository_finalize;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEMA_VERSION] =
    g_param_spec_uint ("schema-version", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BACKUP_IN_PROGRESS] =
    g_param_spec_boolean ("backup-in-progress", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESTORE_IN_PROGRESS] =
    g_param_spec_boolean ("restore-in-progress", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED_BY] =
    g_param_spec_string ("paused-by", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED_SINCE] =
    g_param_spec_int64 ("paused-since", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_RESUME_AT] =
    g_param_spec_int64 ("auto-resume-at", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrRepository:auto-resume-delay:
   *
   * Seconds after which a pause ends by itself (P5). Applies to pauses
   * made after the change.
   */
  properties[PROP_AUTO_RESUME_DELAY] =
    g_param_spec_uint ("auto-resume-delay", NULL, NULL, 1, 7 * 24 * 3600, CR_DEFAULT_AUTO_RESUME_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrRepository:write-wait-timeout:
   *
   * Milliseconds a write waits while the repository is paused before it
   * fails with %CR_ERROR_PAUSED (P2).
   */
  properties[PROP_WRITE_WAIT_TIMEOUT] =
    g_param_spec_uint ("write-wait-timeout", NULL, NULL, 0, 24 * 3600 * 1000, CR_DEFAULT_WRITE_WAIT_MSEC,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_BACKUP_TIME] =
    g_param_spec_int64 ("last-backup-time", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION_COUNT] =
    g_param_spec_uint ("connection-count", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cr_repository_init (CrRepository *self)
{
  g_mutex_init (&self->lock);
  cr_gate_init (&self->gate, gate_changed_cb, self);
  cr_gate_set_write_wait (&self->gate, CR_DEFAULT_WRITE_WAIT_MSEC);
  self->auto_resume_delay = CR_DEFAULT_AUTO_RESUME_SECONDS;
  self->connections = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) weak_ref_free);
  self->next_connection_id = 1;
}

/* Opening and closing */

static char *
sibling_path (const char *path, const char *suffix)
{
  return g_strconcat (path, suffix, NULL);
}

static CrRepository *
open_impl (const char *path, CrOpenFlags flags, GMainContext *context, GCancellable *cancellable, GError **error)
{
  g_autoptr (CrRepository) self = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *absolute = NULL;

  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("No repository file was given"));
      return NULL;
    }
  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  absolute = g_canonicalize_filename (path, NULL);
  if (flags & CR_OPEN_FLAGS_CREATE)
    {
      g_autofree char *dir = g_path_get_dirname (absolute);

      if (g_mkdir_with_parents (dir, 0700) < 0)
        {
          int saved_errno = errno;
          g_set_error (error, CR_ERROR, saved_errno == EACCES ? CR_ERROR_ACCESS_DENIED : CR_ERROR_FAILED,
                       _("Could not create the directory “%s”: %s"), dir, g_strerror (saved_errno));
          return NULL;
        }
    }
  else if (!g_file_test (absolute, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND, _("There is no repository at “%s”"), absolute);
      return NULL;
    }

  self = g_object_new (CR_TYPE_REPOSITORY, NULL);
  self->path = g_steal_pointer (&absolute);
  self->context = g_main_context_ref (context);

  lock_path = sibling_path (self->path, ".lock");
  self->lock_file = cr_lock_file_acquire (lock_path, error);
  if (self->lock_file == NULL)
    return NULL;

  self->store = cr_store_open (self->path, (flags & CR_OPEN_FLAGS_CREATE) != 0, error);
  if (self->store == NULL)
    return NULL;
  self->id = g_intern_string (cr_store_get_id (self->store));
  self->schema_version = cr_store_get_schema_version (self->store);
  self->last_backup_time = cr_store_get_last_backup (self->store);
  self->pub_last_backup = self->last_backup_time;
  return g_steal_pointer (&self);
}

/**
 * cr_repository_open_sync:
 * @path: the repository file
 * @flags: #CrOpenFlags
 *
 * Opens a repository for this process alone. Notifications go to the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full): the repository, or %NULL with @error set:
 *   %CR_ERROR_REPOSITORY_LOCKED if another process has it open,
 *   %CR_ERROR_NOT_FOUND if it does not exist and @flags has no CREATE,
 *   %CR_ERROR_UNSUPPORTED_VERSION if a newer cimrepo made it.
 */
CrRepository *
cr_repository_open_sync (const char *path, CrOpenFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();

  return open_impl (path, flags, context, cancellable, error);
}

typedef struct {
  char *path;
  CrOpenFlags flags;
  GMainContext *context;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  CrRepository *repo = open_impl (data->path, data->flags, data->context, cancellable, &error);

  if (repo == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, repo, g_object_unref);
}

/**
 * cr_repository_open_async:
 *
 * Opens a repository in a worker thread. Its notifications go to the
 * thread-default main context of the caller of this function.
 */
void
cr_repository_open_async (const char *path, CrOpenFlags flags, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  data->path = g_strdup (path);
  data->flags = flags;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, cr_repository_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

CrRepository *
cr_repository_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GPtrArray *
take_connections (CrRepository *self)
{
  g_autoptr (GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CrConnection *conn = g_weak_ref_get (value);

      if (conn != NULL)
        g_ptr_array_add (conns, conn);
    }
  g_hash_table_remove_all (self->connections);
  g_mutex_unlock (&self->lock);
  return g_steal_pointer (&conns);
}

static void
close_all_connections (CrRepository *self, const char *reason)
{
  g_autoptr (GPtrArray) conns = take_connections (self);

  for (guint i = 0; i < conns->len; i++)
    cr_connection_mark_closed (g_ptr_array_index (conns, i), reason);
  if (conns->len > 0)
    g_message ("Closed %u namespace connection(s) of %s: %s", conns->len, self->path, reason);
  schedule_sync (self);
}

/**
 * cr_repository_close:
 *
 * Closes every connection (reason "shutdown"), ends a pause, waits for
 * operations in flight, and releases the file. Safe to call twice; the
 * last unref calls it too.
 */
void
cr_repository_close (CrRepository *self)
{
  g_return_if_fail (CR_IS_REPOSITORY (self));

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->closed = TRUE;
  g_mutex_unlock (&self->lock);

  close_all_connections (self, "shutdown");
  cr_gate_close (&self->gate);
  if (self->store != NULL)
    {
      flush_backup_record (self);
      g_clear_pointer (&self->store, cr_store_close);
    }
  g_clear_pointer (&self->lock_file, cr_lock_file_release);

  g_mutex_lock (&self->lock);
  if (self->sync_source != NULL)
    {
      g_source_destroy (self->sync_source);
      g_clear_pointer (&self->sync_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);
  if (self->resume_timer != NULL)
    {
      g_source_destroy (self->resume_timer);
      g_clear_pointer (&self->resume_timer, g_source_unref);
    }
}

/* Entering the gate, for CrConnection and the methods here */

CrStore *
cr_repository_enter (CrRepository *self, gboolean write, GError **error)
{
  if (!cr_gate_enter (&self->gate, write, error))
    return NULL;
  if (self->store == NULL)
    {
      cr_gate_leave (&self->gate, write);
      g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                   _("The repository “%s” could not be reopened after a failed restore; its previous content is in “%s.undo”"),
                   self->path, self->path);
      return NULL;
    }
  return self->store;
}

void
cr_repository_leave (CrRepository *self, gboolean write)
{
  cr_gate_leave (&self->gate, write);
}

GMainContext *
cr_repository_get_context (CrRepository *self)
{
  return self->context;
}

/* Properties */

const char *
cr_repository_get_path (CrRepository *self)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  return self->path;
}

const char *
cr_repository_get_id (CrRepository *self)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  return self->id;
}

guint32
cr_repository_get_schema_version (CrRepository *self)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  return self->schema_version;
}

/**
 * cr_repository_get_size:
 *
 * Returns: the bytes the repository takes on disk, its WAL included.
 */
guint64
cr_repository_get_size (CrRepository *self)
{
  g_autofree char *wal = NULL;
  GStatBuf st;
  guint64 size = 0;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  wal = sibling_path (self->path, "-wal");
  if (g_stat (self->path, &st) == 0)
    size += (guint64) st.st_size;
  if (g_stat (wal, &st) == 0)
    size += (guint64) st.st_size;
  return size;
}

gboolean
cr_repository_get_backup_in_progress (CrRepository *self)
{
  CrGateState state = { 0 };
  gboolean v;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  cr_gate_get_state (&self->gate, &state);
  v = state.backup_running;
  cr_gate_state_clear (&state);
  return v;
}

gboolean
cr_repository_get_restore_in_progress (CrRepository *self)
{
  CrGateState state = { 0 };
  gboolean v;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  cr_gate_get_state (&self->gate, &state);
  v = state.restoring;
  cr_gate_state_clear (&state);
  return v;
}

gboolean
cr_repository_get_paused (CrRepository *self)
{
  CrGateState state = { 0 };
  gboolean v;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  cr_gate_get_state (&self->gate, &state);
  v = state.paused;
  cr_gate_state_clear (&state);
  return v;
}

/**
 * cr_repository_dup_paused_by:
 *
 * Returns: (nullable) (transfer full): who holds the pause, or %NULL
 */
char *
cr_repository_dup_paused_by (CrRepository *self)
{
  CrGateState state = { 0 };

  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  cr_gate_get_state (&self->gate, &state);
  return g_steal_pointer (&state.paused_by);
}

/**
 * cr_repository_get_paused_since:
 *
 * Returns: when the pause began (unix time in µs), or 0
 */
gint64
cr_repository_get_paused_since (CrRepository *self)
{
  CrGateState state = { 0 };

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  cr_gate_get_state (&self->gate, &state);
  cr_gate_state_clear (&state);
  return state.paused_since;
}

/**
 * cr_repository_get_auto_resume_at:
 *
 * Returns: when the pause ends by itself (unix time in µs), or 0
 */
gint64
cr_repository_get_auto_resume_at (CrRepository *self)
{
  CrGateState state = { 0 };

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  cr_gate_get_state (&self->gate, &state);
  cr_gate_state_clear (&state);
  return state.auto_resume_at;
}

guint
cr_repository_get_auto_resume_delay (CrRepository *self)
{
  guint v;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  g_mutex_lock (&self->lock);
  v = self->auto_resume_delay;
  g_mutex_unlock (&self->lock);
  return v;
}

void
cr_repository_set_auto_resume_delay (CrRepository *self, guint seconds)
{
  gboolean changed;

  g_return_if_fail (CR_IS_REPOSITORY (self));
  g_return_if_fail (seconds > 0);
  g_mutex_lock (&self->lock);
  changed = self->auto_resume_delay != seconds;
  self->auto_resume_delay = seconds;
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RESUME_DELAY]);
}

guint
cr_repository_get_write_wait_timeout (CrRepository *self)
{
  guint v;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  g_mutex_lock (&self->gate.lock);
  v = self->gate.write_wait_ms;
  g_mutex_unlock (&self->gate.lock);
  return v;
}

void
cr_repository_set_write_wait_timeout (CrRepository *self, guint msec)
{
  g_return_if_fail (CR_IS_REPOSITORY (self));
  if (cr_repository_get_write_wait_timeout (self) == msec)
    return;
  cr_gate_set_write_wait (&self->gate, msec);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITE_WAIT_TIMEOUT]);
}

/**
 * cr_repository_get_last_backup_time:
 *
 * Returns: when the last backup of this repository was made (unix time
 *   in µs), or 0 if it never was
 */
gint64
cr_repository_get_last_backup_time (CrRepository *self)
{
  gint64 v;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  g_mutex_lock (&self->lock);
  v = self->last_backup_time;
  g_mutex_unlock (&self->lock);
  return v;
}

guint
cr_repository_get_connection_count (CrRepository *self)
{
  guint n;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), 0);
  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->connections);
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
cr_repository_get_counts (CrRepository *self, guint64 *out_namespaces, guint64 *out_classes,
                          guint64 *out_instances, GError **error)
{
  CrStore *store;
  gboolean ok;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  store = cr_repository_enter (self, FALSE, error);
  if (store == NULL)
    return FALSE;
  ok = cr_store_get_counts (store, out_namespaces, out_classes, out_instances, error);
  cr_repository_leave (self, FALSE);
  return ok;
}

/* Namespaces */

gboolean
cr_repository_create_namespace (CrRepository *self, const char *namespace_, CrNamespaceFlags flags, GError **error)
{
  CrStore *store;
  gboolean ok;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  store = cr_repository_enter (self, TRUE, error);
  if (store == NULL)
    return FALSE;
  ok = cr_store_create_namespace (store, namespace_, (flags & CR_NAMESPACE_FLAGS_CREATE_PARENTS) != 0, error);
  cr_repository_leave (self, TRUE);
  return ok;
}

static gboolean
namespace_contains (const char *outer_key, const char *ns)
{
  g_autofree char *key = g_utf8_casefold (ns, -1);
  gsize n = strlen (outer_key);

  return strncmp (key, outer_key, n) == 0 && (key[n] == '\0' || key[n] == '/');
}

/**
 * cr_repository_delete_namespace:
 *
 * Deletes a namespace with everything in it, its child namespaces too.
 * Refused with %CR_ERROR_INVALID_OPERATION while a connection is open in
 * it or below it.
 */
gboolean
cr_repository_delete_namespace (CrRepository *self, const char *namespace_, GError **error)
{
  g_autofree char *canonical = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;
  CrStore *store;
  gboolean ok;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  canonical = cr_store_normalize_namespace (namespace_, error);
  if (canonical == NULL)
    return FALSE;
  key = g_utf8_casefold (canonical, -1);

  store = cr_repository_enter (self, TRUE, error);
  if (store == NULL)
    return FALSE;

  /* Hold the table while deleting, so that no connection opens in the
   * namespace between the check and the delete. */
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CrConnection *conn = g_weak_ref_get (value);

      if (conn != NULL && namespace_contains (key, cr_connection_get_namespace (conn)))
        g_ptr_array_add (open, conn);
      else
        g_clear_object (&conn);
    }
  if (open->len > 0)
    {
      g_autoptr (GString) who = g_string_new (NULL);

      for (guint i = 0; i < open->len; i++)
        {
          const CrClientInfo *client = cr_connection_get_client (g_ptr_array_index (open, i));
          g_string_append_printf (who, "%s%s", i > 0 ? ", " : "", client->name != NULL ? client->name : "?");
        }
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The namespace %s cannot be deleted: %u connection is open in it (%s). Close it first",
                                "The namespace %s cannot be deleted: %u connections are open in it (%s). Close them first",
                                open->len),
                   canonical, open->len, who->str);
      ok = FALSE;
    }
  else
    ok = cr_store_delete_namespace (store, canonical, error);
  g_mutex_unlock (&self->lock);
  cr_repository_leave (self, TRUE);
  return ok;
}

/**
 * cr_repository_list_namespaces:
 * @parent: (nullable): list below this namespace; %NULL for the top
 * @recursive: all descendants, not only the children
 *
 * Returns: (transfer full): the namespaces, sorted
 */
GStrv
cr_repository_list_namespaces (CrRepository *self, const char *parent, gboolean recursive, GError **error)
{
  CrStore *store;
  GStrv result;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  store = cr_repository_enter (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_list_namespaces (store, parent, recursive, error);
  cr_repository_leave (self, FALSE);
  return result;
}

gboolean
cr_repository_namespace_exists (CrRepository *self, const char *namespace_)
{
  CrStore *store;
  gboolean ok;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  store = cr_repository_enter (self, FALSE, NULL);
  if (store == NULL)
    return FALSE;
  ok = cr_store_namespace_exists (store, namespace_, NULL, NULL);
  cr_repository_leave (self, FALSE);
  return ok;
}

/* Connections */

/**
 * cr_repository_connect:
 * @namespace_: the namespace to connect to; it must exist
 * @client: who connects
 *
 * Opens a namespace connection and records it in the connection table.
 * Refused with %CR_ERROR_SHUTTING_DOWN during a restore (R5).
 *
 * Returns: (transfer full): the connection. It stays in the table until
 *   it is closed or its last reference is dropped.
 */
CrConnection *
cr_repository_connect (CrRepository *self, const char *namespace_, const CrClientInfo *client, GError **error)
{
  g_autofree char *canonical = NULL;
  CrConnection *conn = NULL;
  CrStore *store;
  guint64 *key;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  g_return_val_if_fail (client != NULL, NULL);

  store = cr_repository_enter (self, FALSE, error);
  if (store == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  if (cr_store_namespace_exists (store, namespace_, &canonical, error))
    {
      key = g_new (guint64, 1);
      *key = self->next_connection_id++;
      conn = cr_connection_new (self, *key, canonical, client);
      g_hash_table_insert (self->connections, key, weak_ref_new (conn));
    }
  g_mutex_unlock (&self->lock);
  cr_repository_leave (self, FALSE);
  if (conn != NULL)
    schedule_sync (self);
  return conn;
}

void
cr_repository_forget_connection (CrRepository *self, guint64 id)
{
  gboolean removed;

  g_mutex_lock (&self->lock);
  removed = g_hash_table_remove (self->connections, &id);
  g_mutex_unlock (&self->lock);
  if (removed)
    schedule_sync (self);
}

static gint
compare_connections (gconstpointer a, gconstpointer b)
{
  guint64 ia = cr_connection_get_id (*(CrConnection **) a);
  guint64 ib = cr_connection_get_id (*(CrConnection **) b);

  return ia < ib ? -1 : ia > ib;
}

/**
 * cr_repository_list_connections:
 *
 * Returns: (transfer container) (element-type CrConnection): the open
 *   connections, oldest first
 */
GPtrArray *
cr_repository_list_connections (CrRepository *self)
{
  g_autoptr (GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CrConnection *conn = g_weak_ref_get (value);

      if (conn != NULL && !cr_connection_is_closed (conn))
        g_ptr_array_add (conns, conn);
      else
        g_clear_object (&conn);
    }
  g_mutex_unlock (&self->lock);
  g_ptr_array_sort (conns, compare_connections);
  return g_steal_pointer (&conns);
}

/* Imports */

/**
 * cr_repository_import_sync:
 * @batch: what to import
 * @flags: %CR_IMPORT_FLAGS_DRY_RUN checks everything and changes nothing
 * @out_summary: (out) (optional): what the import did, or would do
 *
 * Puts qualifier types, classes and instances in one transaction: all of
 * them, or none. Missing namespaces are created. Classes may come in any
 * order. Writes wait while the repository is paused, like any write.
 */
gboolean
cr_repository_import_sync (CrRepository *self, CrImportBatch *batch, CrImportFlags flags,
                           CrImportSummary *out_summary, GCancellable *cancellable, GError **error)
{
  CrImportSummary summary;
  CrStore *store;
  gboolean ok;

  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  if (flags & ~CR_IMPORT_FLAGS_DRY_RUN)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("Unknown import flags 0x%x"), flags);
      return FALSE;
    }
  store = cr_repository_enter (self, TRUE, error);
  if (store == NULL)
    return FALSE;
  ok = cr_store_import (store, batch, (flags & CR_IMPORT_FLAGS_DRY_RUN) != 0, &summary, cancellable, error);
  cr_repository_leave (self, TRUE);
  if (ok && out_summary != NULL)
    *out_summary = summary;
  return ok;
}

static void
import_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CrImportBatch *batch = task_data;
  CrImportSummary *summary = g_new0 (CrImportSummary, 1);
  GError *error = NULL;

  if (cr_repository_import_sync (source, batch, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flags")),
                                 summary, cancellable, &error))
    g_task_return_pointer (task, summary, g_free);
  else
    {
      g_free (summary);
      g_task_return_error (task, error);
    }
}

void
cr_repository_import_async (CrRepository *self, CrImportBatch *batch, CrImportFlags flags,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (CR_IS_REPOSITORY (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cr_repository_import_async);
  g_task_set_task_data (task, cr_import_batch_ref (batch), (GDestroyNotify) cr_import_batch_unref);
  g_object_set_data (G_OBJECT (task), "flags", GUINT_TO_POINTER (flags));
  g_task_run_in_thread (task, import_thread);
}

gboolean
cr_repository_import_finish (CrRepository *self, GAsyncResult *result, CrImportSummary *out_summary, GError **error)
{
  g_autofree CrImportSummary *summary = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  summary = g_task_propagate_pointer (G_TASK (result), error);
  if (summary == NULL)
    return FALSE;
  if (out_summary != NULL)
    *out_summary = *summary;
  return TRUE;
}

/* The common shape of the long operations' tasks */
typedef struct {
  char *path;
  int fd;
  guint flags;
  char *holder;
  CrProgressProxy *progress;
} OpData;

static void
op_data_free (OpData *op)
{
  g_free (op->path);
  g_free (op->holder);
  cr_progress_proxy_unref (op->progress);
  g_free (op);
}

static GTask *
op_task_new (gpointer self, gpointer tag, CrProgressFunc progress, gpointer progress_data,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data, OpData **out_op)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpData *op = g_new0 (OpData, 1);

  g_task_set_source_tag (task, tag);
  op->fd = -1;
  op->progress = cr_progress_proxy_new (progress, progress_data);
  g_task_set_task_data (task, op, (GDestroyNotify) op_data_free);
  *out_op = op;
  return task;
}

static CrProgressFunc
op_progress_func (OpData *op)
{
  return op->progress != NULL ? cr_progress_proxy_report : NULL;
}

/* Backup */

static gboolean
is_repository_file (CrRepository *self, const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock", ".undo" };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = sibling_path (self->path, suffixes[i]);
      if (g_strcmp0 (absolute, p) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
record_backup (CrRepository *self, CrBackupInfo *info)
{
  gboolean paused = cr_repository_get_paused (self);

  g_mutex_lock (&self->lock);
  self->last_backup_time = cr_backup_info_get_created (info);
  self->record_pending = TRUE;
  self->record_created = cr_backup_info_get_created (info);
  self->record_size = cr_backup_info_get_file_size (info);
  g_free (self->record_checksum);
  self->record_checksum = g_strdup (cr_backup_info_get_checksum (info));
  g_mutex_unlock (&self->lock);

  /* While paused the record must not touch the file; it is written when
   * the pause ends. */
  if (!paused)
    flush_backup_record (self);
}

/* Writes the pending backup record, if any. Any thread. */
static void
flush_backup_record (CrRepository *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *checksum = NULL;
  gint64 created;
  guint64 size;
  gboolean pending;

  g_mutex_lock (&self->lock);
  pending = self->record_pending;
  self->record_pending = FALSE;
  created = self->record_created;
  size = self->record_size;
  checksum = g_steal_pointer (&self->record_checksum);
  g_mutex_unlock (&self->lock);
  if (!pending)
    return;

  if (self->closed && self->store != NULL)
    {
      /* From close(): the gate is shut and nothing else runs. */
      if (!cr_store_record_backup (self->store, created, size, checksum, &error))
        g_warning ("Could not record the backup of %s: %s", self->path, error->message);
      return;
    }
  {
    CrStore *store = cr_repository_enter (self, TRUE, &error);

    if (store != NULL)
      {
        cr_store_record_backup (store, created, size, checksum, &error);
        cr_repository_leave (self, TRUE);
      }
    if (error != NULL)
      g_warning ("Could not record the backup of %s: %s", self->path, error->message);
  }
}

/* The backup itself: fence, snapshot, copy through SQLite's handle into
 * the backup writer. @fd is the target, written from its start. */
static CrBackupInfo *
backup_to_fd (CrRepository *self, int fd, CrProgressFunc progress, gpointer progress_data,
              GCancellable *cancellable, GError **error)
{
  g_autoptr (CrStoreSnapshot) snap = NULL;
  g_autoptr (CrBackupWriter) writer = NULL;
  g_autofree guint8 *buf = NULL;
  CrBackupHeaderFields fields;
  guint64 offset = 0;
  gboolean ok;

  /* Writers wait only for the checkpoint of the little that the WAL
   * still holds, and the start of the snapshot; the copy runs beside
   * them. */
  snap = cr_store_snapshot_open (self->store, error);
  if (snap == NULL)
    return NULL;
  cr_gate_fence_begin (&self->gate);
  ok = cr_store_snapshot_begin (snap, error);
  cr_gate_fence_end (&self->gate);
  if (!ok)
    return NULL;

  cr_store_snapshot_get_header (snap, &fields);
  fields.hostname = g_get_host_name ();
  fields.created = g_get_real_time ();

  if (!cr_fd_truncate (fd, 0, error) || !cr_fd_seek (fd, 0, error))
    return NULL;
  writer = cr_backup_writer_new (fd, &fields, error);
  if (writer == NULL)
    return NULL;

  buf = g_malloc (COPY_CHUNK);
  while (offset < fields.payload_size)
    {
      gsize n = (gsize) MIN ((guint64) COPY_CHUNK, fields.payload_size - offset);

      if (cr_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!cr_store_snapshot_read (snap, offset, buf, n, error))
        return NULL;
      if (offset == 0)
        cr_store_patch_standalone_header (buf, n);
      if (!cr_backup_writer_write (writer, buf, n, error))
        return NULL;
      offset += n;
      if (progress != NULL)
        progress (offset, fields.payload_size, progress_data);
    }
  g_clear_pointer (&snap, cr_store_snapshot_free);
  return cr_backup_writer_finish (writer, error);
}

static gboolean
backup_fd_impl (CrRepository *self, int fd, guint flags, CrProgressFunc progress, gpointer progress_data,
                GCancellable *cancellable, GError **error)
{
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) local_error = NULL;

  if (flags != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Backup flags are reserved and must be 0 (got 0x%x)"), flags);
      return FALSE;
    }
  if (fd < 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("No backup file was given"));
      return FALSE;
    }
  if (!cr_fd_check_regular (fd, TRUE, error))
    return FALSE;
  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!cr_gate_backup_begin (&self->gate, error))
    return FALSE;

  g_message ("Backup of %s started", self->path);
  info = backup_to_fd (self, fd, progress, progress_data, cancellable, &local_error);
  if (info == NULL)
    {
      /* B7: nothing of a failed backup stays at the target. */
      (void) cr_fd_truncate (fd, 0, NULL);
      cr_gate_backup_end (&self->gate);
      g_message ("Backup of %s failed: %s", self->path, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  cr_gate_backup_end (&self->gate);
  record_backup (self, info);
  schedule_sync (self);
  g_message ("Backup of %s finished: %" G_GUINT64_FORMAT " bytes, %s", self->path,
             cr_backup_info_get_file_size (info), cr_backup_info_get_checksum (info));
  return TRUE;
}

static gboolean
backup_path_impl (CrRepository *self, const char *path, guint flags, CrProgressFunc progress,
                  gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *dir = NULL;
  cr_autofd int fd = -1;

  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("No backup file was given"));
      return FALSE;
    }
  if (flags != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Backup flags are reserved and must be 0 (got 0x%x)"), flags);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("“%s” is a directory; give the name of the backup file to write"), path);
      return FALSE;
    }
  if (is_repository_file (self, path))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("“%s” is the repository itself; choose another name for the backup"), path);
      return FALSE;
    }

  /* Written beside the target and renamed over it at the end: the target
   * holds a complete backup or is left as it was (B7). */
  fd = cr_open_temp_beside (path, "part", &tmp, error);
  if (fd < 0)
    return FALSE;
  if (!backup_fd_impl (self, fd, flags, progress, progress_data, cancellable, error))
    {
      (void) g_unlink (tmp);
      return FALSE;
    }
  cr_fd_closep (&fd);
  dir = g_path_get_dirname (path);
  if (!cr_rename (tmp, path, error) || !cr_sync_directory (dir, error))
    {
      (void) g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

/**
 * cr_repository_backup_sync:
 * @target_path: the backup file to write; replaced atomically
 * @flags: reserved, must be 0 (B1)
 * @progress: (nullable) (scope call): bytes of the repository copied
 *
 * Writes a consistent, self-describing backup of the repository while
 * writers go on (B1–B7). On failure or cancel, @target_path is left as it
 * was.
 */
gboolean
cr_repository_backup_sync (CrRepository *self, const char *target_path, CrBackupFlags flags,
                           CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  return backup_path_impl (self, target_path, flags, progress, progress_data, cancellable, error);
}

/**
 * cr_repository_backup_fd_sync:
 * @fd: a regular file open for writing; it is truncated and written from
 *   its start, and left empty on failure. The caller keeps it.
 */
gboolean
cr_repository_backup_fd_sync (CrRepository *self, int fd, CrBackupFlags flags, CrProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  return backup_fd_impl (self, fd, flags, progress, progress_data, cancellable, error);
}

static void
backup_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpData *op = task_data;
  GError *error = NULL;
  gboolean ok;

  if (op->path != NULL || op->fd < 0)
    ok = backup_path_impl (source, op->path, op->flags, op_progress_func (op), op->progress, cancellable, &error);
  else
    ok = backup_fd_impl (source, op->fd, op->flags, op_progress_func (op), op->progress, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cr_repository_backup_async (CrRepository *self, const char *target_path, CrBackupFlags flags,
                            CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op;
  g_autoptr (GTask) task = op_task_new (self, cr_repository_backup_async, progress, progress_data,
                                        cancellable, callback, user_data, &op);

  g_return_if_fail (CR_IS_REPOSITORY (self));
  op->path = g_strdup (target_path);
  op->flags = flags;
  g_task_run_in_thread (task, backup_thread);
}

/**
 * cr_repository_backup_fd_async:
 * @fd: as for cr_repository_backup_fd_sync(); it must stay open until the
 *   callback runs
 */
void
cr_repository_backup_fd_async (CrRepository *self, int fd, CrBackupFlags flags, CrProgressFunc progress,
                               gpointer progress_data, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op;
  g_autoptr (GTask) task = op_task_new (self, cr_repository_backup_async, progress, progress_data,
                                        cancellable, callback, user_data, &op);

  g_return_if_fail (CR_IS_REPOSITORY (self));
  op->fd = fd;
  op->flags = flags;
  g_task_run_in_thread (task, backup_thread);
}

gboolean
cr_repository_backup_finish (CrRepository *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_repository_backup_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Restore */

static void
set_force_error (CrRepository *self, GError **error)
{
  guint n = cr_repository_get_connection_count (self);

  g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
               g_dngettext (GETTEXT_PACKAGE,
                            "A restore needs the force-shutdown flag: it disconnects every client (%u is connected now)",
                            "A restore needs the force-shutdown flag: it disconnects every client (%u are connected now)",
                            n),
               n);
}

typedef struct {
  int fd;
  guint64 offset;
  guint64 size;
  GCancellable *cancellable;
  GError *error;
} PayloadCheck;

static void
cancel_other (GCancellable *cancellable, gpointer other)
{
  g_cancellable_cancel (other);
}

/* Runs in its own thread, beside the copy: SQLite reads the payload in
 * place while the copy streams it, so that a restore costs about one
 * pass over the backup instead of two. */
static gpointer
payload_check_thread (gpointer data)
{
  PayloadCheck *check = data;

  cr_store_check_backup_payload (check->fd, check->offset, check->size, CR_STORE_CHECK_QUICK,
                                 check->cancellable, &check->error);
  return NULL;
}

/* Phase 1: the backup's payload, every block's checksum verified, into a
 * new file beside the repository, while the database in it is checked in
 * place (SQLite's quick check, the exact schema of its version, foreign
 * keys, superclasses, the stored form of every class); then the new file
 * is brought to the current schema. Nothing of the live repository
 * changes. */
static char *
write_candidate (CrRepository *self, int fd, CrProgressFunc progress, gpointer progress_data,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr (CrBackupReader) reader = NULL;
  g_autoptr (GCancellable) check_cancellable = g_cancellable_new ();
  g_autofree char *tmp = NULL;
  g_autoptr (GError) local_error = NULL;
  cr_autofd int out = -1;
  PayloadCheck check = { .fd = fd };
  CrWriteback writeback;
  GThread *check_thread;
  CrBackupInfo *info;
  guint64 done = 0, total;
  gulong cancel_id = 0;
  gboolean ok = TRUE;

  reader = cr_backup_reader_new (fd, error);
  if (reader == NULL)
    return NULL;
  info = cr_backup_reader_get_info (reader);
  total = cr_backup_info_get_payload_size (info);

  out = cr_open_temp_beside (self->path, "restore", &tmp, error);
  if (out < 0)
    return NULL;
  cr_writeback_init (&writeback, out, 0);
  cr_fault_point ("restore-candidate-created");

  check.offset = cr_backup_info_get_payload_offset (info);
  check.size = total;
  check.cancellable = check_cancellable;
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_other), check_cancellable, NULL);
  check_thread = g_thread_new ("cr-restore-check", payload_check_thread, &check);

  while (ok)
    {
      const guint8 *data = NULL;
      gsize len = 0;

      if (cr_cancellable_set_error_if_cancelled (cancellable, &local_error))
        ok = FALSE;
      else if (!cr_backup_reader_next_block (reader, &data, &len, &local_error))
        ok = FALSE;
      else if (len == 0)
        break;
      else if (!cr_fd_write_all (out, data, len, &local_error))
        ok = FALSE;
      else
        {
          done += len;
          cr_writeback_advance (&writeback, done);
          if (progress != NULL)
            progress (done, total, progress_data);
        }
    }
  if (ok && done != total)
    {
      g_set_error (&local_error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup's content ends after %llu of %llu byte",
                                "The backup's content ends after %llu of %llu bytes",
                                total),
                   (unsigned long long) done,
                   (unsigned long long) total);
      ok = FALSE;
    }
  if (ok)
    ok = cr_fd_sync (out, &local_error);
  cr_fd_closep (&out);

  /* A damaged block is the clearer message: it wins over what SQLite
   * made of the same damage. */
  if (!ok)
    g_cancellable_cancel (check_cancellable);
  g_thread_join (check_thread);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);
  if (ok && check.error != NULL)
    {
      g_propagate_error (&local_error, g_steal_pointer (&check.error));
      ok = FALSE;
    }
  g_clear_error (&check.error);

  if (ok)
    ok = cr_store_prepare_candidate (tmp, NULL, &local_error);
  if (!ok)
    {
      (void) g_unlink (tmp);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

/* Phase 2: swap the files. The repository path names the old file or
 * the new one at every instant (rename is atomic), and the old file stays
 * as "<path>.undo" (a hard link: it costs nothing). Call with the gate
 * drained and the store closed. */
static gboolean
swap_in_candidate (CrRepository *self, const char *candidate, GError **error)
{
  g_autofree char *undo = sibling_path (self->path, ".undo");
  g_autofree char *wal = sibling_path (self->path, "-wal");
  g_autofree char *shm = sibling_path (self->path, "-shm");
  g_autofree char *dir = g_path_get_dirname (self->path);
  guint64 wal_size = 0;
  GStatBuf st;

  /* A WAL left behind would be replayed onto the new file. The last close
   * removed it; refuse rather than risk a mix. */
  if (g_stat (wal, &st) == 0)
    wal_size = (guint64) st.st_size;
  if (wal_size > 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_BUSY,
                   _("The repository's log “%s” is still in use; nothing was restored"), wal);
      return FALSE;
    }
  (void) g_unlink (wal);
  (void) g_unlink (shm);

  if (g_unlink (undo) < 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_set_error (error, CR_ERROR, CR_ERROR_ACCESS_DENIED,
                   _("Could not replace the undo point “%s”: %s"), undo, g_strerror (saved_errno));
      return FALSE;
    }
  if (!cr_link_or_copy (self->path, undo, error))
    return FALSE;
  cr_fault_point ("restore-after-link");
  if (!cr_rename (candidate, self->path, error))
    return FALSE;
  cr_fault_point ("restore-after-rename");
  return cr_sync_directory (dir, error);
}

static gboolean
restore_fd_impl (CrRepository *self, int fd, guint flags, CrProgressFunc progress, gpointer progress_data,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *candidate = NULL;
  g_autofree char *undo = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 t0;
  gboolean ok;

  if (flags & ~CR_RESTORE_FLAGS_FORCE_SHUTDOWN)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Unknown restore flags 0x%x"), flags & ~CR_RESTORE_FLAGS_FORCE_SHUTDOWN);
      return FALSE;
    }
  if (!(flags & CR_RESTORE_FLAGS_FORCE_SHUTDOWN))
    {
      set_force_error (self, error);
      return FALSE;
    }
  if (fd < 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("No backup file was given"));
      return FALSE;
    }
  if (!cr_fd_check_regular (fd, FALSE, error))
    return FALSE;
  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!cr_gate_restore_begin (&self->gate, error))
    return FALSE;
  g_message ("Restore of %s started", self->path);

  t0 = g_get_monotonic_time ();
  candidate = write_candidate (self, fd, progress, progress_data, cancellable, &local_error);
  g_debug ("restore: candidate verified and written in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - t0) / 1000);
  if (candidate == NULL)
    {
      cr_gate_restore_end (&self->gate);
      g_message ("Restore of %s refused; nothing changed: %s", self->path, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* The point of no return: from here on, a cancel is too late. */
  t0 = g_get_monotonic_time ();
  cr_gate_restore_drain (&self->gate);
  close_all_connections (self, "restore");
  g_clear_pointer (&self->store, cr_store_close);
  g_debug ("restore: repository closed in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - t0) / 1000);

  t0 = g_get_monotonic_time ();
  ok = swap_in_candidate (self, candidate, &local_error);
  g_debug ("restore: files swapped in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - t0) / 1000);
  if (ok)
    {
      self->store = cr_store_open (self->path, FALSE, &local_error);
      ok = self->store != NULL;
      if (!ok)
        {
          /* Roll back to the undo point, as winmgmt /restore does. */
          g_autoptr (GError) rollback_error = NULL;

          undo = sibling_path (self->path, ".undo");
          if (cr_link_or_copy (undo, candidate, &rollback_error) &&
              cr_rename (candidate, self->path, &rollback_error))
            self->store = cr_store_open (self->path, FALSE, &rollback_error);
          if (self->store == NULL)
            g_warning ("Rollback of %s failed: %s", self->path,
                       rollback_error != NULL ? rollback_error->message : "?");
        }
    }
  else
    {
      (void) g_unlink (candidate);
      self->store = cr_store_open (self->path, FALSE, NULL);
    }

  if (self->store != NULL)
    {
      self->id = g_intern_string (cr_store_get_id (self->store));
      self->schema_version = cr_store_get_schema_version (self->store);
      g_mutex_lock (&self->lock);
      self->last_backup_time = cr_store_get_last_backup (self->store);
      g_mutex_unlock (&self->lock);
    }
  cr_gate_restore_end (&self->gate);
  schedule_sync (self);

  if (!ok)
    {
      g_message ("Restore of %s failed and was rolled back: %s", self->path, local_error->message);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("The restore failed, and the repository was rolled back to its previous content: "));
      return FALSE;
    }
  g_message ("Restore of %s finished; the previous content is kept in %s.undo", self->path, self->path);
  return TRUE;
}

static gboolean
restore_path_impl (CrRepository *self, const char *path, guint flags, CrProgressFunc progress,
                   gpointer progress_data, GCancellable *cancellable, GError **error)
{
  cr_autofd int fd = -1;

  /* R1 before R2: the flag is checked first, as WMI does. */
  if (!(flags & CR_RESTORE_FLAGS_FORCE_SHUTDOWN))
    return restore_fd_impl (self, -1, flags, progress, progress_data, cancellable, error);
  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("No backup file was given"));
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("The backup file “%s” does not exist"), path);
      return FALSE;
    }
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CR_ERROR, saved_errno == EACCES ? CR_ERROR_ACCESS_DENIED : CR_ERROR_INVALID_PARAMETER,
                   _("Could not open the backup file “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return restore_fd_impl (self, fd, flags, progress, progress_data, cancellable, error);
}

/**
 * cr_repository_restore_sync:
 * @source_path: a backup file
 * @flags: must include %CR_RESTORE_FLAGS_FORCE_SHUTDOWN (R1)
 * @progress: (nullable) (scope call): bytes of the backup verified and
 *   copied
 *
 * Replaces the repository's content with a backup's (R1–R9). The backup
 * is verified completely before anything changes; every connection is
 * then closed with reason "restore"; the files are swapped atomically and
 * the previous content is kept as `<path>.undo`. A cancel is honoured
 * until the swap begins.
 */
gboolean
cr_repository_restore_sync (CrRepository *self, const char *source_path, CrRestoreFlags flags,
                            CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  return restore_path_impl (self, source_path, flags, progress, progress_data, cancellable, error);
}

gboolean
cr_repository_restore_fd_sync (CrRepository *self, int fd, CrRestoreFlags flags, CrProgressFunc progress,
                               gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  return restore_fd_impl (self, fd, flags, progress, progress_data, cancellable, error);
}

static void
restore_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpData *op = task_data;
  GError *error = NULL;
  gboolean ok;

  if (op->path != NULL || op->fd < 0)
    ok = restore_path_impl (source, op->path, op->flags, op_progress_func (op), op->progress, cancellable, &error);
  else
    ok = restore_fd_impl (source, op->fd, op->flags, op_progress_func (op), op->progress, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cr_repository_restore_async (CrRepository *self, const char *source_path, CrRestoreFlags flags,
                             CrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op;
  g_autoptr (GTask) task = op_task_new (self, cr_repository_restore_async, progress, progress_data,
                                        cancellable, callback, user_data, &op);

  g_return_if_fail (CR_IS_REPOSITORY (self));
  op->path = g_strdup (source_path);
  op->flags = flags;
  g_task_run_in_thread (task, restore_thread);
}

void
cr_repository_restore_fd_async (CrRepository *self, int fd, CrRestoreFlags flags, CrProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op;
  g_autoptr (GTask) task = op_task_new (self, cr_repository_restore_async, progress, progress_data,
                                        cancellable, callback, user_data, &op);

  g_return_if_fail (CR_IS_REPOSITORY (self));
  op->fd = fd;
  op->flags = flags;
  g_task_run_in_thread (task, restore_thread);
}

gboolean
cr_repository_restore_finish (CrRepository *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_repository_restore_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Pause and resume */

static CrPauseHandle *
pause_impl (CrRepository *self, const char *holder, CrProgressFunc progress, gpointer progress_data,
            GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  guint64 wal_bytes = 0;
  guint64 serial;
  gint64 since;

  if (holder == NULL || *holder == '\0' || strlen (holder) > 1024 || !g_utf8_validate (holder, -1, NULL))
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("A pause needs the name of who holds it"));
      return NULL;
    }
  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!cr_gate_pause_begin (&self->gate, error))
    return NULL;

  if (progress != NULL)
    progress (0, 1, progress_data);
  /* P1: with writers held, copy the whole WAL into the database file and
   * empty it; the file alone is then a complete, consistent copy, and
   * stays one until the pause ends. */
  if (cr_cancellable_set_error_if_cancelled (cancellable, &local_error) ||
      !cr_store_checkpoint_truncate (self->store, &wal_bytes, &local_error))
    {
      cr_gate_pause_abort (&self->gate);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  serial = cr_gate_pause_commit (&self->gate, holder, cr_repository_get_auto_resume_delay (self));
  since = cr_repository_get_paused_since (self);
  if (progress != NULL)
    progress (1, 1, progress_data);
  g_message ("%s paused by %s (%" G_GUINT64_FORMAT " bytes of log written back)", self->path, holder, wal_bytes);
  return cr_pause_handle_new (self, serial, holder, since);
}

/**
 * cr_repository_pause_sync:
 * @holder: who pauses, for messages and status (a bus name, a program)
 *
 * Pauses the repository (P1–P6): the database file becomes a complete,
 * consistent copy and stays unchanged while paused; writes wait (for at
 * most #CrRepository:write-wait-timeout); reads go on. The pause ends by
 * cr_pause_handle_resume_sync(), by dropping the handle, or after
 * #CrRepository:auto-resume-delay.
 *
 * Returns: (transfer full): the handle of the pause
 */
CrPauseHandle *
cr_repository_pause_sync (CrRepository *self, const char *holder, CrProgressFunc progress,
                          gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), NULL);
  return pause_impl (self, holder, progress, progress_data, cancellable, error);
}

static void
pause_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpData *op = task_data;
  GError *error = NULL;
  CrPauseHandle *handle = pause_impl (source, op->holder, op_progress_func (op), op->progress, cancellable, &error);

  if (handle == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, handle, g_object_unref);
}

void
cr_repository_pause_async (CrRepository *self, const char *holder, CrProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op;
  g_autoptr (GTask) task = op_task_new (self, cr_repository_pause_async, progress, progress_data,
                                        cancellable, callback, user_data, &op);

  g_return_if_fail (CR_IS_REPOSITORY (self));
  op->holder = g_strdup (holder);
  g_task_run_in_thread (task, pause_thread);
}

CrPauseHandle *
cr_repository_pause_finish (CrRepository *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_repository_pause_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
cr_repository_resume_serial (CrRepository *self, guint64 serial, GError **error)
{
  if (!cr_gate_resume (&self->gate, serial, error))
    return FALSE;
  g_message ("%s resumed", self->path);
  flush_backup_record (self);
  return TRUE;
}

gboolean
cr_repository_pause_serial_is_active (CrRepository *self, guint64 serial)
{
  return cr_gate_pause_is_active (&self->gate, serial);
}

/* Verification */

static gboolean
verify_impl (CrRepository *self, GStrv *out_problems, CrProgressFunc progress, gpointer progress_data,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  CrStore *store;
  gboolean ok;

  store = cr_repository_enter (self, FALSE, error);
  if (store == NULL)
    return FALSE;
  ok = cr_store_verify (store, problems, progress, progress_data, cancellable, error);
  cr_repository_leave (self, FALSE);
  if (!ok)
    return FALSE;

  if (problems->len > 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The repository has %u problem; the first: %s. Restore a backup",
                                "The repository has %u problems; the first: %s. Restore a backup",
                                problems->len),
                   problems->len, (const char *) g_ptr_array_index (problems, 0));
    }
  ok = problems->len == 0;
  if (out_problems != NULL)
    {
      g_ptr_array_add (problems, NULL);
      *out_problems = (GStrv) g_ptr_array_steal (problems, NULL);
    }
  return ok;
}

/**
 * cr_repository_verify_sync:
 * @out_problems: (out) (optional) (transfer full): every problem found
 *
 * Checks the live repository, like `winmgmt /verifyrepository`: SQLite's
 * full integrity check and the CIM model's consistency. It reads one
 * snapshot; writers go on meanwhile.
 *
 * Returns: %TRUE if the repository is sound; %FALSE with
 *   %CR_ERROR_REPOSITORY_CORRUPT if it has problems, or another error if
 *   the check could not run
 */
gboolean
cr_repository_verify_sync (CrRepository *self, GStrv *out_problems, CrProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_REPOSITORY (self), FALSE);
  return verify_impl (self, out_problems, progress, progress_data, cancellable, error);
}

static void
verify_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpData *op = task_data;
  g_auto (GStrv) problems = NULL;
  GError *error = NULL;

  if (!cr_repository_verify_sync (source, &problems, op_progress_func (op), op->progress, cancellable, &error))
    {
      g_object_set_data_full (G_OBJECT (task), "problems", g_steal_pointer (&problems), (GDestroyNotify) g_strfreev);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&problems), (GDestroyNotify) g_strfreev);
}

void
cr_repository_verify_async (CrRepository *self, CrProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op;
  g_autoptr (GTask) task = op_task_new (self, cr_repository_verify_async, progress, progress_data,
                                        cancellable, callback, user_data, &op);

  g_return_if_fail (CR_IS_REPOSITORY (self));
  g_task_run_in_thread (task, verify_thread);
}

gboolean
cr_repository_verify_finish (CrRepository *self, GAsyncResult *result, GStrv *out_problems, GError **error)
{
  GStrv problems;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  problems = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    problems = g_strdupv (g_object_get_data (G_OBJECT (result), "problems"));
  if (out_problems != NULL)
    *out_problems = problems;
  else
    g_strfreev (problems);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Offline verification of backup files */

/**
 * cr_backup_file_verify_fd_sync:
 * @fd: a backup file open for reading
 *
 * Verifies a backup completely without restoring it: every checksum,
 * then the database inside it, in place (SQLite integrity, the schema of
 * its version, model consistency).
 *
 * Returns: (transfer full): the backup's metadata, or %NULL with
 *   %CR_ERROR_CORRUPT_BACKUP or %CR_ERROR_UNSUPPORTED_VERSION
 */
CrBackupInfo *
cr_backup_file_verify_fd_sync (int fd, CrProgressFunc progress, gpointer progress_data,
                               GCancellable *cancellable, GError **error)
{
  g_autoptr (CrBackupInfo) info = NULL;

  if (!cr_fd_check_regular (fd, FALSE, error))
    return NULL;
  if (!cr_backup_file_verify_checksums (fd, &info, progress, progress_data, cancellable, error))
    return NULL;
  if (!cr_store_check_backup_payload (fd, cr_backup_info_get_payload_offset (info),
                                      cr_backup_info_get_payload_size (info), CR_STORE_CHECK_ALL,
                                      cancellable, error))
    return NULL;
  return g_steal_pointer (&info);
}

CrBackupInfo *
cr_backup_file_verify_sync (const char *path, CrProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GError **error)
{
  cr_autofd int fd = -1;

  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("No backup file was given"));
      return NULL;
    }
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CR_ERROR, saved_errno == ENOENT ? CR_ERROR_NOT_FOUND : CR_ERROR_ACCESS_DENIED,
                   _("Could not open the backup file “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }
  return cr_backup_file_verify_fd_sync (fd, progress, progress_data, cancellable, error);
}
