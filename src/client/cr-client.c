/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-client"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cr-client-private.h"
#include "cr-platform.h"

/* Boxed types */

G_DEFINE_BOXED_TYPE (CrConnectionInfo, cr_connection_info, cr_connection_info_copy, cr_connection_info_free)
G_DEFINE_BOXED_TYPE (CrRepositorySummary, cr_repository_summary, cr_repository_summary_copy, cr_repository_summary_free)

/**
 * cr_connection_info_get_display_name:
 *
 * A unique bus name (":1.42", what the service knows a client by) says
 * nothing to people; its program does.
 *
 * Returns: the client's name for people: its program where the table
 *   names it by its unique bus name, else its client name
 */
const char *
cr_connection_info_get_display_name (const CrConnectionInfo *info)
{
  g_return_val_if_fail (info != NULL, "");
  if (info->client_name != NULL && info->client_name[0] == ':' && info->process_name != NULL &&
      *info->process_name != '\0')
    return info->process_name;
  return info->client_name != NULL ? info->client_name : "";
}

CrConnectionInfo *
cr_connection_info_copy (const CrConnectionInfo *info)
{
  CrConnectionInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);
  copy = g_new0 (CrConnectionInfo, 1);
  *copy = *info;
  copy->id = g_strdup (info->id);
  copy->client_name = g_strdup (info->client_name);
  copy->process_name = g_strdup (info->process_name);
  copy->namespace_ = g_strdup (info->namespace_);
  return copy;
}

void
cr_connection_info_free (CrConnectionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->client_name);
  g_free (info->process_name);
  g_free (info->namespace_);
  g_free (info);
}

CrRepositorySummary *
cr_repository_summary_copy (const CrRepositorySummary *summary)
{
  CrRepositorySummary *copy;

  g_return_val_if_fail (summary != NULL, NULL);
  copy = g_new0 (CrRepositorySummary, 1);
  *copy = *summary;
  copy->location = g_strdup (summary->location);
  copy->id = g_strdup (summary->id);
  return copy;
}

void
cr_repository_summary_free (CrRepositorySummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->location);
  g_free (summary->id);
  g_free (summary);
}

/* Progress from a worker thread to the caller's main context: the
 * engine's proxy, under the names the backends use. */

CrClientProgress *
cr_client_progress_new (CrProgressFunc func, gpointer data)
{
  return cr_progress_proxy_new (func, data);
}

CrClientProgress *
cr_client_progress_ref (CrClientProgress *progress)
{
  return cr_progress_proxy_ref (progress);
}

void
cr_client_progress_unref (CrClientProgress *progress)
{
  cr_progress_proxy_unref (progress);
}

/* A CrProgressFunc; any thread. */
void
cr_client_progress_report (guint64 done, guint64 total, gpointer progress)
{
  cr_progress_proxy_report (done, total, progress);
}

/* Blocking calls, from any thread: run the _async form on a main context
 * of our own, so that nothing of the caller's context runs meanwhile and
 * a thread without a main loop works too. */

typedef struct {
  GMainContext *context;
  GAsyncResult *result;
} SyncCall;

static void
sync_call_begin (SyncCall *sync)
{
  sync->context = g_main_context_new ();
  sync->result = NULL;
  g_main_context_push_thread_default (sync->context);
}

static void
sync_call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SyncCall *sync = user_data;

  sync->result = g_object_ref (result);
}

/* Returns: (transfer full): the result of the call begun with @sync */
static GAsyncResult *
sync_call_wait (SyncCall *sync)
{
  while (sync->result == NULL)
    g_main_context_iteration (sync->context, TRUE);
  g_main_context_pop_thread_default (sync->context);
  g_main_context_unref (sync->context);
  return sync->result;
}

/* CrClient */

typedef enum {
  EVENT_STATE,
  EVENT_CONNECTIONS_CHANGED,
} EventKind;

typedef struct {
  EventKind kind;
  CrClientState state;
  char *paused_by; /* owns state.paused_by */
} Event;

static void
event_free (Event *event)
{
  g_free (event->paused_by);
  g_free (event);
}

struct _CrClient {
  GObject parent_instance;

  CrClientMode mode;
  char *location;
  CrClientBackend *backend;
  GMainContext *context;

  /* The state, as applied in @context */
  gboolean paused;
  char *paused_by;
  gint64 paused_since;
  gint64 auto_resume_at;
  gboolean holds_pause;
  gboolean backup_in_progress;
  gboolean restore_in_progress;
  guint connection_count;
  gint64 last_backup_time;

  /* Events from the backend on their way to @context */
  GMutex lock;
  GQueue events;
  GSource *events_source;
  GThread *attach_thread;

  gint interactive; /* atomic: read by backends in any thread */
};

G_DEFINE_FINAL_TYPE (CrClient, cr_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_PAUSED,
  PROP_PAUSED_BY,
  PROP_PAUSED_SINCE,
  PROP_AUTO_RESUME_AT,
  PROP_HOLDS_PAUSE,
  PROP_BACKUP_IN_PROGRESS,
  PROP_RESTORE_IN_PROGRESS,
  PROP_CONNECTION_COUNT,
  PROP_LAST_BACKUP_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CONNECTIONS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cr_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrClient *self = CR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_PAUSED_BY:
      g_value_set_string (value, self->paused_by);
      break;
    case PROP_PAUSED_SINCE:
      g_value_set_int64 (value, self->paused_since);
      break;
    case PROP_AUTO_RESUME_AT:
      g_value_set_int64 (value, self->auto_resume_at);
      break;
    case PROP_HOLDS_PAUSE:
      g_value_set_boolean (value, self->holds_pause);
      break;
    case PROP_BACKUP_IN_PROGRESS:
      g_value_set_boolean (value, self->backup_in_progress);
      break;
    case PROP_RESTORE_IN_PROGRESS:
      g_value_set_boolean (value, self->restore_in_progress);
      break;
    case PROP_CONNECTION_COUNT:
      g_value_set_uint (value, self->connection_count);
      break;
    case PROP_LAST_BACKUP_TIME:
      g_value_set_int64 (value, self->last_backup_time);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_client_dispose (GObject *object)
{
  CrClient *self = CR_CLIENT (object);

  /* Closes the repository or the bus connection: nothing reaches us
   * after this. */
  if (self->backend != NULL)
    {
      CrClientBackend *backend = g_steal_pointer (&self->backend);
      backend->free (backend);
    }

  g_mutex_lock (&self->lock);
  if (self->events_source != NULL)
    {
      g_source_destroy (self->events_source);
      g_clear_pointer (&self->events_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);
  G_OBJECT_CLASS (cr_client_parent_class)->dispose (object);
}

static void
cr_client_finalize (GObject *object)
{
  CrClient *self = CR_CLIENT (object);

  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->location);
  g_free (self->paused_by);
  G_OBJECT_CLASS (cr_client_parent_class)->finalize (object);
}

static void
cr_client_class_init (CrClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cr_client_get_property;
  object_class->dispose = cr_client_dispose;
  object_class->finalize = cr_client_finalize;

  /**
   * CrClient:location:
   *
   * Where the repository is: its file in local mode.
   */
  properties[PROP_LOCATION] =
    g_param_spec_string ("location", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED_BY] =
    g_param_spec_string ("paused-by", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED_SINCE] =
    g_param_spec_int64 ("paused-since", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_RESUME_AT] =
    g_param_spec_int64 ("auto-resume-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrClient:holds-pause:
   *
   * Whether this client made the current pause, and so may resume it.
   */
  properties[PROP_HOLDS_PAUSE] =
    g_param_spec_boolean ("holds-pause", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BACKUP_IN_PROGRESS] =
    g_param_spec_boolean ("backup-in-progress", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESTORE_IN_PROGRESS] =
    g_param_spec_boolean ("restore-in-progress", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION_COUNT] =
    g_param_spec_uint ("connection-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_BACKUP_TIME] =
    g_param_spec_int64 ("last-backup-time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrClient::connections-changed:
   *
   * The repository's connection table changed: list it again.
   */
  signals[SIGNAL_CONNECTIONS_CHANGED] =
    g_signal_new ("connections-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cr_client_init (CrClient *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->events);
  self->interactive = TRUE;
}

/* State from the backend */

static void
apply_state (CrClient *self, const CrClientState *state)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (self->paused != state->paused)
    {
      self->paused = state->paused;
      g_object_notify_by_pspec (object, properties[PROP_PAUSED]);
    }
  if (g_strcmp0 (self->paused_by, state->paused_by) != 0)
    {
      g_free (self->paused_by);
      self->paused_by = g_strdup (state->paused_by);
      g_object_notify_by_pspec (object, properties[PROP_PAUSED_BY]);
    }
  if (self->paused_since != state->paused_since)
    {
      self->paused_since = state->paused_since;
      g_object_notify_by_pspec (object, properties[PROP_PAUSED_SINCE]);
    }
  if (self->auto_resume_at != state->auto_resume_at)
    {
      self->auto_resume_at = state->auto_resume_at;
      g_object_notify_by_pspec (object, properties[PROP_AUTO_RESUME_AT]);
    }
  if (self->holds_pause != state->holds_pause)
    {
      self->holds_pause = state->holds_pause;
      g_object_notify_by_pspec (object, properties[PROP_HOLDS_PAUSE]);
    }
  if (self->backup_in_progress != state->backup_in_progress)
    {
      self->backup_in_progress = state->backup_in_progress;
      g_object_notify_by_pspec (object, properties[PROP_BACKUP_IN_PROGRESS]);
    }
  if (self->restore_in_progress != state->restore_in_progress)
    {
      self->restore_in_progress = state->restore_in_progress;
      g_object_notify_by_pspec (object, properties[PROP_RESTORE_IN_PROGRESS]);
    }
  if (self->connection_count != state->connection_count)
    {
      self->connection_count = state->connection_count;
      g_object_notify_by_pspec (object, properties[PROP_CONNECTION_COUNT]);
    }
  if (self->last_backup_time != state->last_backup_time)
    {
      self->last_backup_time = state->last_backup_time;
      g_object_notify_by_pspec (object, properties[PROP_LAST_BACKUP_TIME]);
    }
  g_object_thaw_notify (object);
}

/* In @context (or in attach()): applies what the backend said, in order. */
static void
flush_events (CrClient *self)
{
  GQueue events = G_QUEUE_INIT;
  Event *event;

  g_mutex_lock (&self->lock);
  events = self->events;
  g_queue_init (&self->events);
  g_mutex_unlock (&self->lock);

  while ((event = g_queue_pop_head (&events)) != NULL)
    {
      if (event->kind == EVENT_STATE)
        apply_state (self, &event->state);
      else
        g_signal_emit (self, signals[SIGNAL_CONNECTIONS_CHANGED], 0);
      event_free (event);
    }
}

static gboolean
events_cb (gpointer data)
{
  g_autoptr (CrClient) self = g_weak_ref_get (data);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->events_source, g_source_unref);
  g_mutex_unlock (&self->lock);
  flush_events (self);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* Any thread. */
static void
post_event (CrClient *self, Event *event)
{
  gboolean direct;

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->events, event);
  direct = self->attach_thread == g_thread_self () || g_main_context_is_owner (self->context);
  if (!direct && self->events_source == NULL)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      self->events_source = g_idle_source_new ();
      g_source_set_priority (self->events_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->events_source, events_cb, ref, (GDestroyNotify) weak_ref_free);
      g_source_set_static_name (self->events_source, "[cimrepo-client] state");
      g_source_attach (self->events_source, self->context);
    }
  g_mutex_unlock (&self->lock);
  if (direct)
    flush_events (self);
}

void
cr_client_update_state (CrClient *self, const CrClientState *state)
{
  Event *event;

  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (state != NULL);

  event = g_new0 (Event, 1);
  event->kind = EVENT_STATE;
  event->state = *state;
  event->paused_by = g_strdup (state->paused_by);
  event->state.paused_by = event->paused_by;
  post_event (self, event);
}

void
cr_client_emit_connections_changed (CrClient *self)
{
  Event *event;

  g_return_if_fail (CR_IS_CLIENT (self));
  event = g_new0 (Event, 1);
  event->kind = EVENT_CONNECTIONS_CHANGED;
  post_event (self, event);
}

static CrClient *
client_new (CrClientMode mode, const char *location, CrClientBackend *backend, GMainContext *context)
{
  CrClient *self = g_object_new (CR_TYPE_CLIENT, NULL);

  self->mode = mode;
  self->location = g_strdup (location);
  self->context = g_main_context_ref (context);
  self->backend = backend;
  backend->client = self;
  if (backend->attach != NULL)
    {
      g_mutex_lock (&self->lock);
      self->attach_thread = g_thread_self ();
      g_mutex_unlock (&self->lock);
      backend->attach (backend);
      g_mutex_lock (&self->lock);
      self->attach_thread = NULL;
      g_mutex_unlock (&self->lock);
    }
  return self;
}

/**
 * cr_client_new_with_backend:
 * @backend: (transfer full): the backend
 *
 * For backends and tests: a client on @backend, whose notifications go
 * to the thread-default main context of the caller.
 */
CrClient *
cr_client_new_with_backend (CrClientMode mode, const char *location, CrClientBackend *backend)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (backend != NULL, NULL);
  return client_new (mode, location, backend, context);
}

/* Backends' threads (cr-client-private.h) */

static void
backend_ref_free (gpointer data)
{
  CrClientBackend **ref = data;

  if (*ref != NULL)
    (*ref)->free (*ref);
  g_free (ref);
}

GTask *
cr_client_backend_open_task_new (CrClientBackend *backend, gpointer source_tag, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CrClientBackend **ref = g_new0 (CrClientBackend *, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  *ref = backend;
  g_task_set_task_data (task, ref, backend_ref_free);
  return task;
}

typedef struct {
  GTask *task;
  GError *error;
} OpenReturn;

static void
open_return_free (OpenReturn *ret)
{
  g_clear_error (&ret->error);
  g_object_unref (ret->task);
  g_free (ret);
}

/* In the opener's context */
static gboolean
open_return_cb (gpointer data)
{
  OpenReturn *ret = data;

  if (ret->error != NULL)
    g_task_return_error (ret->task, g_steal_pointer (&ret->error));
  else
    g_task_return_boolean (ret->task, TRUE);
  return G_SOURCE_REMOVE;
}

void
cr_client_backend_open_task_return (GTask *task, GError *error)
{
  g_autoptr (GSource) source = g_idle_source_new ();
  OpenReturn *ret = g_new0 (OpenReturn, 1);

  ret->task = task;
  ret->error = error;
  g_source_set_callback (source, open_return_cb, ret, (GDestroyNotify) open_return_free);
  g_source_set_static_name (source, "[cimrepo-client] opened");
  g_source_attach (source, g_task_get_context (task));
}

/* Returns: (transfer full): the backend, or %NULL with @error set */
CrClientBackend *
cr_client_backend_open_finish (GAsyncResult *result, GError **error)
{
  CrClientBackend **ref;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  ref = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (ref);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
cr_client_backend_thread_join (GThread *thread, GMainContext *context, GMainLoop *loop, int priority)
{
  g_autoptr (GSource) source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, quit_cb, loop, NULL);
  g_source_attach (source, context);
  g_thread_join (thread);
}

/* Opening */

/**
 * cr_client_get_default_path:
 *
 * Returns: (transfer full): the repository of local mode when none is
 *   given, `$XDG_DATA_HOME/cimrepo/repository.db` (a Flatpak app gets
 *   its own data directory)
 */
char *
cr_client_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "cimrepo", "repository.db", NULL);
}

typedef struct {
  char *path;
  gboolean create;
  GMainContext *context;
  CrClient *client;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_clear_object (&data->client);
  g_free (data);
}

static void
remove_repository_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", ".lock" };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      (void) g_unlink (file);
    }
}

/* Worker thread: the new default repository gets its sample. */
static void
populate_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;

  if (!cr_client_populate_sample (data->client, cancellable, &error))
    {
      /* A half-filled default repository would stay half-filled: remove
       * it, so that the next start creates it again. */
      g_clear_object (&data->client);
      remove_repository_files (data->path);
      g_prefix_error (&error, _("Could not fill the new repository “%s” with its sample content: "), data->path);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->client), g_object_unref);
}

static void
local_backend_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;
  CrClientBackend *backend = cr_client_backend_local_new_finish (result, &error);

  if (backend == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->client = client_new (CR_CLIENT_MODE_LOCAL, data->path, backend, data->context);
  if (data->create)
    {
      g_task_run_in_thread (task, populate_thread);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->client), g_object_unref);
}

static void
client_new_local (const char *path, GMainContext *context, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  g_task_set_source_tag (task, cr_client_new_local_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  data->context = g_main_context_ref (context);
  if (path == NULL)
    {
      g_autofree char *default_path = cr_client_get_default_path ();

      data->create = !g_file_test (default_path, G_FILE_TEST_EXISTS);
      data->path = g_steal_pointer (&default_path);
    }
  else
    {
      data->path = g_canonicalize_filename (path, NULL);
    }
  cr_client_backend_local_new_async (data->path, data->create, cancellable, local_backend_ready_cb,
                                     g_steal_pointer (&task));
}

/**
 * cr_client_new_local_async:
 * @path: (nullable): the repository file; %NULL for the default one
 *   (cr_client_get_default_path()), which is created with sample content
 *   on first use. Any other file must exist.
 *
 * Opens a repository in this process (local mode). The client's
 * notifications go to the thread-default main context of the caller.
 * Fails with %CR_ERROR_NOT_FOUND if @path does not exist, and with
 * %CR_ERROR_REPOSITORY_LOCKED, naming the holder, if another process has
 * it open.
 */
void
cr_client_new_local_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();

  client_new_local (path, context, cancellable, callback, user_data);
}

#ifdef HAVE_REMOTE
typedef struct {
  CrClientMode mode;
  GMainContext *context;
} RemoteOpenData;

static void
remote_open_data_free (RemoteOpenData *data)
{
  g_main_context_unref (data->context);
  g_free (data);
}

static void
remote_backend_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RemoteOpenData *data = g_task_get_task_data (task);
  g_autofree char *location = NULL;
  GError *error = NULL;
  CrClientBackend *backend = cr_client_backend_remote_new_finish (result, &location, &error);

  if (backend == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, client_new (data->mode, location, backend, data->context), g_object_unref);
}
#endif

static void
client_new_remote (CrClientMode mode, GMainContext *context, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cr_client_new_remote_async);
  g_task_set_check_cancellable (task, FALSE);
#ifdef HAVE_REMOTE
  {
    RemoteOpenData *data = g_new0 (RemoteOpenData, 1);

    data->mode = mode;
    data->context = g_main_context_ref (context);
    g_task_set_task_data (task, data, (GDestroyNotify) remote_open_data_free);
    cr_client_backend_remote_new_async (mode, cancellable, remote_backend_ready_cb, g_steal_pointer (&task));
  }
#else
  g_task_return_new_error (task, CR_ERROR, CR_ERROR_NOT_SUPPORTED,
                           _("This build of cimrepo cannot reach the cimrepod service (it has no D-Bus fd "
                             "passing); open a repository file instead"));
#endif
}

/**
 * cr_client_new_remote_async:
 * @mode: %CR_CLIENT_MODE_SYSTEM or %CR_CLIENT_MODE_SESSION
 *
 * Connects to the cimrepod service: on the system bus, or a `cimrepod
 * --session` on the session bus. The client has a bus connection of its
 * own; freeing the client closes it, which ends its namespace
 * connections and any pause it holds (P5). Fails with
 * %CR_ERROR_NOT_FOUND, saying what to do, when no service answers. The
 * client's notifications go to the thread-default main context of the
 * caller.
 */
void
cr_client_new_remote_async (CrClientMode mode, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();

  g_return_if_fail (mode == CR_CLIENT_MODE_SYSTEM || mode == CR_CLIENT_MODE_SESSION);
  client_new_remote (mode, context, cancellable, callback, user_data);
}

/**
 * cr_client_new_finish:
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 */
CrClient *
cr_client_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * cr_client_new_local_sync:
 *
 * The blocking form of cr_client_new_local_async(). The client's
 * notifications go to the thread-default main context of the caller.
 */
CrClient *
cr_client_new_local_sync (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  client_new_local (path, context, cancellable, sync_call_done_cb, &sync);
  result = sync_call_wait (&sync);
  return cr_client_new_finish (result, error);
}

CrClient *
cr_client_new_remote_sync (CrClientMode mode, GCancellable *cancellable, GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  g_return_val_if_fail (mode == CR_CLIENT_MODE_SYSTEM || mode == CR_CLIENT_MODE_SESSION, NULL);
  sync_call_begin (&sync);
  client_new_remote (mode, context, cancellable, sync_call_done_cb, &sync);
  result = sync_call_wait (&sync);
  return cr_client_new_finish (result, error);
}

/**
 * cr_client_set_interactive:
 * @interactive: whether calls may ask the user to authenticate
 *
 * Whether calls to the service carry D-Bus's
 * ALLOW_INTERACTIVE_AUTHORIZATION, so that polkit may ask the user for a
 * password (through the desktop's agent, or one the caller registered)
 * rather than refuse. %TRUE by default; a caller with nobody to ask, such
 * as a command-line tool without a terminal, turns it off. Nothing to do
 * in local mode. Any thread.
 */
void
cr_client_set_interactive (CrClient *self, gboolean interactive)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  g_atomic_int_set (&self->interactive, interactive ? TRUE : FALSE);
}

gboolean
cr_client_get_interactive (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), FALSE);
  return g_atomic_int_get (&self->interactive);
}

/* State */

CrClientMode
cr_client_get_mode (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), CR_CLIENT_MODE_LOCAL);
  return self->mode;
}

/**
 * cr_client_get_location:
 *
 * Returns: where the repository is: in local mode, its file
 */
const char *
cr_client_get_location (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), NULL);
  return self->location;
}

gboolean
cr_client_get_paused (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), FALSE);
  return self->paused;
}

/**
 * cr_client_get_paused_by:
 *
 * Returns: (nullable): who holds the pause
 */
const char *
cr_client_get_paused_by (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), NULL);
  return self->paused_by;
}

/**
 * cr_client_get_paused_since:
 *
 * Returns: when the pause began (unix µs), or 0
 */
gint64
cr_client_get_paused_since (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), 0);
  return self->paused_since;
}

/**
 * cr_client_get_auto_resume_at:
 *
 * Returns: when the pause ends by itself (unix µs), or 0
 */
gint64
cr_client_get_auto_resume_at (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), 0);
  return self->auto_resume_at;
}

gboolean
cr_client_get_holds_pause (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), FALSE);
  return self->holds_pause;
}

gboolean
cr_client_get_backup_in_progress (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), FALSE);
  return self->backup_in_progress;
}

gboolean
cr_client_get_restore_in_progress (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), FALSE);
  return self->restore_in_progress;
}

guint
cr_client_get_connection_count (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), 0);
  return self->connection_count;
}

/**
 * cr_client_get_last_backup_time:
 *
 * Returns: when the last backup was made (unix µs), or 0 if never
 */
gint64
cr_client_get_last_backup_time (CrClient *self)
{
  g_return_val_if_fail (CR_IS_CLIENT (self), 0);
  return self->last_backup_time;
}

/* Calls through the backend */

/* The end of a _sync call in @self: a caller in the thread of the
 * client's main context, which does not run while it waits (a
 * command-line tool), sees the state the operation made as an async
 * caller does, before it goes on. */
static GAsyncResult *
client_sync_call_wait (CrClient *self, SyncCall *sync)
{
  GAsyncResult *result = sync_call_wait (sync);
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();

  if (context == self->context && g_main_context_acquire (context))
    {
      flush_events (self);
      g_main_context_release (context);
    }
  return result;
}

static GTask *
client_task_new (CrClient *self, gpointer source_tag, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* Errors stay in CR_ERROR, cancellation too (CALL_CANCELLED). */
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

static void
call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CrClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  GVariant *reply = self->backend->call_finish (self->backend, result, &error);

  if (reply == NULL)
    {
      cr_error_convert (&error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

/* Sends @method; @task (transfer full) returns the reply. */
static void
client_call (CrClient *self, GTask *task, const char *method, GVariant *args, int fd,
             CrProgressFunc progress, gpointer progress_data, GAsyncReadyCallback done)
{
  self->backend->call (self->backend, method, args, fd, progress, progress_data,
                       g_task_get_cancellable (task), done != NULL ? done : call_done_cb, task);
}

/* Returns: (transfer full): the reply, checked against @type */
static GVariant *
client_call_finish (CrClient *self, GAsyncResult *result, gpointer source_tag, const char *type, GError **error)
{
  g_autoptr (GVariant) reply = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  reply = g_task_propagate_pointer (G_TASK (result), error);
  if (reply == NULL)
    return NULL;
  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE (type)))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED, _("The repository answered with %s where %s was expected"),
                   g_variant_get_type_string (reply), type);
      return NULL;
    }
  return g_steal_pointer (&reply);
}

static const char *
empty_for_null (const char *s)
{
  return s != NULL ? s : "";
}

static void
generic_call_async (CrClient *self, const char *method, GVariant *args, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = client_task_new (self, generic_call_async, cancellable, callback, user_data);

  client_call (self, task, method, args, -1, NULL, NULL, NULL);
}

/**
 * cr_client_call_sync:
 * @args: (transfer floating): the in-arguments
 *
 * Calls one method of the table in cr-client-private.h and waits.
 *
 * Returns: (transfer full): the out-arguments
 */
GVariant *
cr_client_call_sync (CrClient *self, const char *method, GVariant *args, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  g_return_val_if_fail (CR_IS_CLIENT (self), NULL);
  sync_call_begin (&sync);
  generic_call_async (self, method, args, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return client_call_finish (self, result, generic_call_async, "r", error);
}

/* GetSummary */

void
cr_client_get_summary_async (CrClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_get_summary_async, cancellable, callback, user_data),
               "GetSummary", g_variant_new ("()"), -1, NULL, NULL, NULL);
}

/**
 * cr_client_get_summary_finish:
 *
 * Returns: (transfer full): the summary
 */
CrRepositorySummary *
cr_client_get_summary_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_get_summary_async, "(a{sv})", error);
  g_autoptr (GVariant) dict = NULL;
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  CrRepositorySummary *summary;

  if (reply == NULL)
    return NULL;
  dict = g_variant_get_child_value (reply, 0);
  g_variant_dict_init (&d, dict);
  summary = g_new0 (CrRepositorySummary, 1);
  if (!g_variant_dict_lookup (&d, "location", "s", &summary->location))
    summary->location = g_strdup (self->location);
  g_variant_dict_lookup (&d, "id", "s", &summary->id);
  g_variant_dict_lookup (&d, "schema-version", "u", &summary->schema_version);
  g_variant_dict_lookup (&d, "size", "t", &summary->size);
  g_variant_dict_lookup (&d, "namespaces", "t", &summary->namespace_count);
  g_variant_dict_lookup (&d, "classes", "t", &summary->class_count);
  g_variant_dict_lookup (&d, "instances", "t", &summary->instance_count);
  g_variant_dict_lookup (&d, "last-backup", "x", &summary->last_backup_time);
  return summary;
}

CrRepositorySummary *
cr_client_get_summary_sync (CrClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_get_summary_async (self, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_get_summary_finish (self, result, error);
}

/* ListConnections */

void
cr_client_list_connections_async (CrClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_list_connections_async, cancellable, callback, user_data),
               "ListConnections", g_variant_new ("()"), -1, NULL, NULL, NULL);
}

/**
 * cr_client_list_connections_finish:
 *
 * Returns: (transfer container) (element-type CrConnectionInfo): the
 *   open namespace connections, oldest first
 */
GPtrArray *
cr_client_list_connections_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_list_connections_async,
                                                   "(a(osxxssx))", error);
  g_autoptr (GVariantIter) iter = NULL;
  g_autoptr (GPtrArray) list = NULL;
  CrConnectionInfo info = { 0 };

  if (reply == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_connection_info_free);
  g_variant_get (reply, "(a(osxxssx))", &iter);
  while (g_variant_iter_next (iter, "(&o&sxx&s&sx)", &info.id, &info.client_name, &info.pid, &info.uid,
                              &info.process_name, &info.namespace_, &info.connected_at))
    {
      CrConnectionInfo *copy = cr_connection_info_copy (&info);

      if (copy->process_name != NULL && *copy->process_name == '\0')
        g_clear_pointer (&copy->process_name, g_free);
      g_ptr_array_add (list, copy);
    }
  return g_steal_pointer (&list);
}

GPtrArray *
cr_client_list_connections_sync (CrClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_list_connections_async (self, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_list_connections_finish (self, result, error);
}

/* Namespaces */

/**
 * cr_client_list_namespaces_async:
 * @parent: (nullable): list below this namespace; %NULL for all from the top
 * @recursive: all descendants, not only the children
 */
void
cr_client_list_namespaces_async (CrClient *self, const char *parent, gboolean recursive, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_list_namespaces_async, cancellable, callback, user_data),
               "ListNamespaces", g_variant_new ("(sb)", empty_for_null (parent), recursive), -1, NULL, NULL, NULL);
}

/**
 * cr_client_list_namespaces_finish:
 *
 * Returns: (transfer full): the namespaces, sorted
 */
GStrv
cr_client_list_namespaces_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_list_namespaces_async, "(as)", error);
  GStrv namespaces = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(^as)", &namespaces);
  return namespaces;
}

GStrv
cr_client_list_namespaces_sync (CrClient *self, const char *parent, gboolean recursive, GCancellable *cancellable,
                                GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_list_namespaces_async (self, parent, recursive, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_list_namespaces_finish (self, result, error);
}

void
cr_client_create_namespace_async (CrClient *self, const char *namespace_, CrNamespaceFlags flags,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_create_namespace_async, cancellable, callback, user_data),
               "CreateNamespace",
               g_variant_new ("(sb)", empty_for_null (namespace_), (flags & CR_NAMESPACE_FLAGS_CREATE_PARENTS) != 0),
               -1, NULL, NULL, NULL);
}

gboolean
cr_client_create_namespace_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_create_namespace_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_create_namespace_sync (CrClient *self, const char *namespace_, CrNamespaceFlags flags,
                                 GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_create_namespace_async (self, namespace_, flags, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_create_namespace_finish (self, result, error);
}

void
cr_client_delete_namespace_async (CrClient *self, const char *namespace_, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_delete_namespace_async, cancellable, callback, user_data),
               "DeleteNamespace", g_variant_new ("(s)", empty_for_null (namespace_)), -1, NULL, NULL, NULL);
}

gboolean
cr_client_delete_namespace_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_delete_namespace_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_delete_namespace_sync (CrClient *self, const char *namespace_, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_delete_namespace_async (self, namespace_, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_delete_namespace_finish (self, result, error);
}

/* Classes */

/**
 * cr_client_enumerate_classes_async:
 * @superclass: (nullable): the classes derived from this one; %NULL
 *   for the classes without a superclass
 * @deep: all descendants, not only the direct subclasses
 */
void
cr_client_enumerate_classes_async (CrClient *self, const char *namespace_, const char *superclass, gboolean deep,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_enumerate_classes_async, cancellable, callback, user_data),
               "EnumerateClasses",
               g_variant_new ("(ssb)", empty_for_null (namespace_), empty_for_null (superclass), deep),
               -1, NULL, NULL, NULL);
}

/**
 * cr_client_enumerate_classes_finish:
 *
 * Returns: (transfer container) (element-type CrClass): the classes,
 *   resolved (inherited elements included)
 */
GPtrArray *
cr_client_enumerate_classes_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_enumerate_classes_async,
                                                   "(a" CR_CLASS_VARIANT_TYPE ")", error);
  g_autoptr (GVariant) array = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  gsize n;

  if (reply == NULL)
    return NULL;
  array = g_variant_get_child_value (reply, 0);
  n = g_variant_n_children (array);
  classes = g_ptr_array_new_full ((guint) n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (array, i);
      CrClass *klass = cr_class_new_from_variant (child, error);

      if (klass == NULL)
        return NULL;
      g_ptr_array_add (classes, klass);
    }
  return g_steal_pointer (&classes);
}

GPtrArray *
cr_client_enumerate_classes_sync (CrClient *self, const char *namespace_, const char *superclass, gboolean deep,
                                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_enumerate_classes_async (self, namespace_, superclass, deep, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_enumerate_classes_finish (self, result, error);
}

void
cr_client_get_class_async (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_get_class_async, cancellable, callback, user_data),
               "GetClass", g_variant_new ("(ss)", empty_for_null (namespace_), empty_for_null (name)),
               -1, NULL, NULL, NULL);
}

/**
 * cr_client_get_class_finish:
 *
 * Returns: (transfer full): the class, resolved: inherited properties,
 *   methods and qualifiers are included and marked
 */
CrClass *
cr_client_get_class_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_get_class_async,
                                                   "(" CR_CLASS_VARIANT_TYPE ")", error);
  g_autoptr (GVariant) child = NULL;

  if (reply == NULL)
    return NULL;
  child = g_variant_get_child_value (reply, 0);
  return cr_class_new_from_variant (child, error);
}

CrClass *
cr_client_get_class_sync (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_get_class_async (self, namespace_, name, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_get_class_finish (self, result, error);
}

void
cr_client_put_class_async (CrClient *self, const char *namespace_, CrClass *klass, CrPutFlags flags,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (CR_IS_CLASS (klass));
  client_call (self, client_task_new (self, cr_client_put_class_async, cancellable, callback, user_data),
               "PutClass",
               g_variant_new ("(s@" CR_CLASS_VARIANT_TYPE "u)", empty_for_null (namespace_),
                              cr_class_to_variant (klass), (guint32) flags),
               -1, NULL, NULL, NULL);
}

CrPutResult
cr_client_put_class_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_put_class_async, "(u)", error);
  guint32 put_result;

  if (reply == NULL)
    return CR_PUT_RESULT_ERROR;
  g_variant_get (reply, "(u)", &put_result);
  return (CrPutResult) put_result;
}

CrPutResult
cr_client_put_class_sync (CrClient *self, const char *namespace_, CrClass *klass, CrPutFlags flags,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_put_class_async (self, namespace_, klass, flags, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_put_class_finish (self, result, error);
}

void
cr_client_delete_class_async (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_delete_class_async, cancellable, callback, user_data),
               "DeleteClass", g_variant_new ("(ss)", empty_for_null (namespace_), empty_for_null (name)),
               -1, NULL, NULL, NULL);
}

gboolean
cr_client_delete_class_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_delete_class_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_delete_class_sync (CrClient *self, const char *namespace_, const char *name, GCancellable *cancellable,
                             GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_delete_class_async (self, namespace_, name, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_delete_class_finish (self, result, error);
}

/* Instances */

static CrInstance *
instance_from_variant (GVariant *path_and_instance, GError **error)
{
  g_autoptr (GVariant) inner = g_variant_get_child_value (path_and_instance, 1);
  const char *path = NULL;
  CrInstance *instance;

  g_variant_get_child (path_and_instance, 0, "&s", &path);
  instance = cr_instance_new_from_variant (inner, error);
  if (instance != NULL)
    cr_instance_set_path (instance, path);
  return instance;
}

/**
 * cr_client_enumerate_instances_async:
 * @deep: the instances of subclasses too
 */
void
cr_client_enumerate_instances_async (CrClient *self, const char *namespace_, const char *class_name, gboolean deep,
                                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_enumerate_instances_async, cancellable, callback, user_data),
               "EnumerateInstances",
               g_variant_new ("(ssb)", empty_for_null (namespace_), empty_for_null (class_name), deep),
               -1, NULL, NULL, NULL);
}

/**
 * cr_client_enumerate_instances_finish:
 *
 * Returns: (transfer container) (element-type CrInstance): the
 *   instances, each with its object path
 */
GPtrArray *
cr_client_enumerate_instances_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_enumerate_instances_async,
                                                   "(a(s" CR_INSTANCE_VARIANT_TYPE "))", error);
  g_autoptr (GVariant) array = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  gsize n;

  if (reply == NULL)
    return NULL;
  array = g_variant_get_child_value (reply, 0);
  n = g_variant_n_children (array);
  instances = g_ptr_array_new_full ((guint) n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (array, i);
      CrInstance *instance = instance_from_variant (child, error);

      if (instance == NULL)
        return NULL;
      g_ptr_array_add (instances, instance);
    }
  return g_steal_pointer (&instances);
}

GPtrArray *
cr_client_enumerate_instances_sync (CrClient *self, const char *namespace_, const char *class_name, gboolean deep,
                                    GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_enumerate_instances_async (self, namespace_, class_name, deep, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_enumerate_instances_finish (self, result, error);
}

void
cr_client_get_instance_async (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_get_instance_async, cancellable, callback, user_data),
               "GetInstance", g_variant_new ("(ss)", empty_for_null (namespace_), empty_for_null (path)),
               -1, NULL, NULL, NULL);
}

/**
 * cr_client_get_instance_finish:
 *
 * Returns: (transfer full): the instance, with its canonical object path
 */
CrInstance *
cr_client_get_instance_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_get_instance_async,
                                                   "(s" CR_INSTANCE_VARIANT_TYPE ")", error);

  if (reply == NULL)
    return NULL;
  return instance_from_variant (reply, error);
}

CrInstance *
cr_client_get_instance_sync (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable,
                             GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_get_instance_async (self, namespace_, path, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_get_instance_finish (self, result, error);
}

void
cr_client_put_instance_async (CrClient *self, const char *namespace_, CrInstance *instance, CrPutFlags flags,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (CR_IS_INSTANCE (instance));
  client_call (self, client_task_new (self, cr_client_put_instance_async, cancellable, callback, user_data),
               "PutInstance",
               g_variant_new ("(s@" CR_INSTANCE_VARIANT_TYPE "u)", empty_for_null (namespace_),
                              cr_instance_to_variant (instance), (guint32) flags),
               -1, NULL, NULL, NULL);
}

/**
 * cr_client_put_instance_finish:
 *
 * Returns: (transfer full): the instance's canonical object path
 */
char *
cr_client_put_instance_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_put_instance_async, "(su)", error);
  char *path = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(su)", &path, NULL);
  return path;
}

char *
cr_client_put_instance_sync (CrClient *self, const char *namespace_, CrInstance *instance, CrPutFlags flags,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_put_instance_async (self, namespace_, instance, flags, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_put_instance_finish (self, result, error);
}

void
cr_client_delete_instance_async (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_delete_instance_async, cancellable, callback, user_data),
               "DeleteInstance", g_variant_new ("(ss)", empty_for_null (namespace_), empty_for_null (path)),
               -1, NULL, NULL, NULL);
}

gboolean
cr_client_delete_instance_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_delete_instance_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_delete_instance_sync (CrClient *self, const char *namespace_, const char *path, GCancellable *cancellable,
                                GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_delete_instance_async (self, namespace_, path, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_delete_instance_finish (self, result, error);
}

/* Qualifier types */

/**
 * cr_client_enumerate_qualifier_types_async:
 *
 * Lists the qualifier types declared in @namespace_.
 */
void
cr_client_enumerate_qualifier_types_async (CrClient *self, const char *namespace_, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self,
               client_task_new (self, cr_client_enumerate_qualifier_types_async, cancellable, callback, user_data),
               "EnumerateQualifierTypes", g_variant_new ("(s)", empty_for_null (namespace_)), -1, NULL, NULL, NULL);
}

/**
 * cr_client_enumerate_qualifier_types_finish:
 *
 * Returns: (transfer container) (element-type CrQualifierType): the
 *   namespace's qualifier types
 */
GPtrArray *
cr_client_enumerate_qualifier_types_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_enumerate_qualifier_types_async,
                                                   "(a" CR_QUALIFIER_TYPE_VARIANT_TYPE ")", error);
  g_autoptr (GVariant) array = NULL;
  g_autoptr (GPtrArray) qtypes = NULL;
  gsize n;

  if (reply == NULL)
    return NULL;
  array = g_variant_get_child_value (reply, 0);
  n = g_variant_n_children (array);
  qtypes = g_ptr_array_new_full ((guint) n, (GDestroyNotify) cr_qualifier_type_free);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (array, i);
      CrQualifierType *qtype = cr_qualifier_type_new_from_variant (child, error);

      if (qtype == NULL)
        return NULL;
      g_ptr_array_add (qtypes, qtype);
    }
  return g_steal_pointer (&qtypes);
}

GPtrArray *
cr_client_enumerate_qualifier_types_sync (CrClient *self, const char *namespace_, GCancellable *cancellable,
                                          GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_enumerate_qualifier_types_async (self, namespace_, cancellable, sync_call_done_cb, &sync);
  result = sync_call_wait (&sync);
  return cr_client_enumerate_qualifier_types_finish (self, result, error);
}

/* Imports */

/**
 * cr_client_import_async:
 * @batch: what to import: a MOF compilation's result
 * @dry_run: check everything against the repository, change nothing
 *
 * Puts the qualifier types, classes and instances of @batch into the
 * repository in one transaction: all of them or none. Namespaces that do
 * not exist are created. The client sends the batch itself, never a
 * file: in every mode the MOF is compiled in the client's process, with
 * its rights (cr_client_mof_resolver_new() lets the compiler see what the
 * repository holds). Like every write, it waits while the repository is
 * paused, and fails with %CR_ERROR_PAUSED after the write-wait bound.
 */
void
cr_client_import_async (CrClient *self, CrImportBatch *batch, gboolean dry_run, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (batch != NULL);
  client_call (self, client_task_new (self, cr_client_import_async, cancellable, callback, user_data), "Import",
               g_variant_new ("(@" CR_IMPORT_BATCH_VARIANT_TYPE "b)", cr_import_batch_to_variant (batch), dry_run),
               -1, NULL, NULL, NULL);
}

/**
 * cr_client_import_finish:
 * @out_summary: (out) (optional): what the import did, or for a dry run
 *   what it would do
 *
 * Returns: %TRUE if the whole batch was imported (or, for a dry run,
 *   could be); %FALSE with the repository's error otherwise, and then
 *   nothing changed
 */
gboolean
cr_client_import_finish (CrClient *self, GAsyncResult *result, CrImportSummary *out_summary, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_import_async, "(a{sv})", error);
  g_autoptr (GVariant) dict = NULL;
  CrImportSummary summary;

  if (reply == NULL)
    return FALSE;
  dict = g_variant_get_child_value (reply, 0);
  cr_import_summary_from_variant (dict, &summary);
  if (out_summary != NULL)
    *out_summary = summary;
  return TRUE;
}

gboolean
cr_client_import_sync (CrClient *self, CrImportBatch *batch, gboolean dry_run, CrImportSummary *out_summary,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_import_async (self, batch, dry_run, cancellable, sync_call_done_cb, &sync);
  result = sync_call_wait (&sync);
  return cr_client_import_finish (self, result, out_summary, error);
}

/* Backup: the client writes the file itself, with its own rights, into
 * a temporary file beside the target that replaces the target only when
 * it is complete (B7). In every mode the backend gets only the fd. */

typedef struct {
  char *target;
  char *tmp;
  int fd;
} BackupData;

static void
backup_data_free (BackupData *data)
{
  cr_fd_closep (&data->fd);
  if (data->tmp != NULL)
    (void) g_unlink (data->tmp);
  g_free (data->tmp);
  g_free (data->target);
  g_free (data);
}

/* A failed backup leaves nothing behind, before its caller hears of it */
static void
backup_data_discard (BackupData *data)
{
  cr_fd_closep (&data->fd);
  if (data->tmp != NULL)
    (void) g_unlink (data->tmp);
  g_clear_pointer (&data->tmp, g_free);
}

/* In the caller's context, after the backend wrote the file. */
static void
backup_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CrClient *self = g_task_get_source_object (task);
  BackupData *data = g_task_get_task_data (task);
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *dir = NULL;
  GError *error = NULL;

  reply = self->backend->call_finish (self->backend, result, &error);
  if (reply == NULL)
    {
      cr_error_convert (&error);
      backup_data_discard (data);
      g_task_return_error (task, error);
      return;
    }
  /* The backend wrote through the fd; the file must be on disk before
   * its name replaces the target. */
  if (fsync (data->fd) < 0)
    {
      int saved_errno = errno;
      backup_data_discard (data);
      g_task_return_new_error (task, CR_ERROR, saved_errno == ENOSPC ? CR_ERROR_OUT_OF_DISK_SPACE : CR_ERROR_FAILED,
                               _("Could not write the backup “%s”: %s"), data->target, g_strerror (saved_errno));
      return;
    }
  cr_fd_closep (&data->fd);
  if (g_rename (data->tmp, data->target) < 0)
    {
      int saved_errno = errno;
      backup_data_discard (data);
      g_task_return_new_error (task, CR_ERROR, saved_errno == EACCES ? CR_ERROR_ACCESS_DENIED : CR_ERROR_FAILED,
                               _("Could not put the backup in place as “%s”: %s"), data->target,
                               g_strerror (saved_errno));
      return;
    }
  g_clear_pointer (&data->tmp, g_free);
  dir = g_path_get_dirname (data->target);
  if (!cr_sync_directory (dir, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Whether @path names the repository's own file or one of its siblings:
 * a backup there would replace the live database. */
static gboolean
is_repository_file (CrClient *self, const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock", ".undo" };
  GStatBuf target_st, repo_st;

  if (self->location == NULL || !g_path_is_absolute (self->location))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *sibling = g_strconcat (self->location, suffixes[i], NULL);
      if (g_strcmp0 (sibling, path) == 0)
        return TRUE;
    }
  /* The same file under another name (a symbolic or a hard link) */
  return g_stat (path, &target_st) == 0 && g_stat (self->location, &repo_st) == 0 &&
         target_st.st_dev == repo_st.st_dev && target_st.st_ino == repo_st.st_ino;
}

/**
 * cr_client_backup_async:
 * @target: the backup file to write; it is replaced only by a complete
 *   backup (B7). It must be a local file.
 * @progress: (nullable): bytes written, in the caller's main context
 *
 * Writes a consistent, self-describing backup of the repository while
 * other clients go on working (B1–B7). The client writes the file with
 * its own rights; on failure or cancel nothing is left at @target.
 */
void
cr_client_backup_async (CrClient *self, GFile *target, CrProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *template = NULL;
  BackupData *data;

  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (target == NULL || G_IS_FILE (target));

  task = client_task_new (self, cr_client_backup_async, cancellable, callback, user_data);
  path = target != NULL ? g_file_get_path (target) : NULL;
  if (path == NULL)
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("The backup must be written to a local file"));
      return;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("“%s” is a directory; give the name of the backup file to write"), path);
      return;
    }
  if (is_repository_file (self, path))
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("“%s” is the repository itself; choose another name for the backup"), path);
      return;
    }

  data = g_new0 (BackupData, 1);
  data->fd = -1;
  data->target = g_steal_pointer (&path);
  g_task_set_task_data (task, data, (GDestroyNotify) backup_data_free);
  template = g_strconcat (data->target, ".part-XXXXXX", NULL);
  data->fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);
  if (data->fd < 0)
    {
      int saved_errno = errno;
      g_task_return_new_error (task, CR_ERROR,
                               saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS
                                 ? CR_ERROR_ACCESS_DENIED
                               : saved_errno == ENOENT ? CR_ERROR_INVALID_PARAMETER
                                                       : CR_ERROR_FAILED,
                               _("Could not create the backup file “%s”: %s"), data->target,
                               g_strerror (saved_errno));
      return;
    }
  data->tmp = g_steal_pointer (&template);
  client_call (self, g_steal_pointer (&task), "Backup", g_variant_new ("(u)", 0u), data->fd,
               progress, progress_data, backup_done_cb);
}

gboolean
cr_client_backup_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_client_backup_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
cr_client_backup_sync (CrClient *self, GFile *target, CrProgressFunc progress, gpointer progress_data,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_backup_async (self, target, progress, progress_data, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_backup_finish (self, result, error);
}

/* Restore: the client opens the backup with its own rights; the backend
 * reads the fd. */

static void
fd_data_free (gpointer data)
{
  int *fd = data;

  cr_fd_closep (fd);
  g_free (fd);
}

/**
 * cr_client_restore_async:
 * @source: a backup file; it must be a local file
 * @flags: must include %CR_RESTORE_FLAGS_FORCE_SHUTDOWN (R1)
 * @progress: (nullable): bytes read, in the caller's main context
 *
 * Replaces the repository's content with a backup's (R1–R9). The backup
 * is verified completely before anything changes; then every client is
 * disconnected. This client's own namespace connections are opened again
 * on their next use.
 */
void
cr_client_restore_async (CrClient *self, GFile *source, CrRestoreFlags flags, CrProgressFunc progress,
                         gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *path = NULL;
  int *fd;

  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (source == NULL || G_IS_FILE (source));

  task = client_task_new (self, cr_client_restore_async, cancellable, callback, user_data);
  path = source != NULL ? g_file_get_path (source) : NULL;
  if (path == NULL)
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("The backup to restore must be a local file"));
      return;
    }
  fd = g_new (int, 1);
  g_task_set_task_data (task, fd, fd_data_free);
  *fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (*fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                 _("The backup file “%s” does not exist"), path);
      else
        g_task_return_new_error (task, CR_ERROR,
                                 saved_errno == EACCES ? CR_ERROR_ACCESS_DENIED : CR_ERROR_INVALID_PARAMETER,
                                 _("Could not open the backup file “%s”: %s"), path, g_strerror (saved_errno));
      return;
    }
  client_call (self, g_steal_pointer (&task), "Restore", g_variant_new ("(u)", (guint32) flags), *fd,
               progress, progress_data, NULL);
}

gboolean
cr_client_restore_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_restore_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_restore_sync (CrClient *self, GFile *source, CrRestoreFlags flags, CrProgressFunc progress,
                        gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_restore_async (self, source, flags, progress, progress_data, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_restore_finish (self, result, error);
}

/* Verification */

/**
 * cr_client_verify_repository_async:
 * @progress: (nullable): steps done, in the caller's main context
 *
 * Checks the live repository, like `winmgmt /verifyrepository`.
 */
void
cr_client_verify_repository_async (CrClient *self, CrProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_verify_repository_async, cancellable, callback, user_data),
               "VerifyRepository", g_variant_new ("()"), -1, progress, progress_data, NULL);
}

/**
 * cr_client_verify_repository_finish:
 * @out_problems: (out) (optional) (transfer full): every problem found
 *
 * Returns: %TRUE if the repository is sound; %FALSE with
 *   %CR_ERROR_REPOSITORY_CORRUPT if it has problems, or another error if
 *   the check could not run
 */
gboolean
cr_client_verify_repository_finish (CrClient *self, GAsyncResult *result, GStrv *out_problems, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_verify_repository_async, "(bas)", error);
  g_auto (GStrv) problems = NULL;
  gboolean ok;
  guint n;

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(b^as)", &ok, &problems);
  n = g_strv_length (problems);
  if (!ok)
    g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The repository has %u problem; the first: %s. Restore a backup",
                              "The repository has %u problems; the first: %s. Restore a backup", n),
                 n, n > 0 ? problems[0] : "?");
  if (out_problems != NULL)
    *out_problems = g_steal_pointer (&problems);
  return ok;
}

gboolean
cr_client_verify_repository_sync (CrClient *self, CrProgressFunc progress, gpointer progress_data,
                                  GStrv *out_problems, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_verify_repository_async (self, progress, progress_data, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_verify_repository_finish (self, result, out_problems, error);
}

typedef struct {
  char *path;
  CrClientProgress *progress;
} VerifyBackupData;

static void
verify_backup_data_free (VerifyBackupData *data)
{
  g_free (data->path);
  cr_client_progress_unref (data->progress);
  g_free (data);
}

/* Worker thread */
static void
verify_backup_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  VerifyBackupData *data = task_data;
  GError *error = NULL;
  CrBackupInfo *info;

  info = cr_backup_file_verify_sync (data->path, data->progress != NULL ? cr_client_progress_report : NULL,
                                     data->progress, cancellable, &error);
  if (info == NULL)
    {
      cr_error_convert (&error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, info, g_object_unref);
}

/**
 * cr_client_verify_backup_async:
 * @source: a backup file; it must be a local file
 * @progress: (nullable): bytes checked, in the caller's main context
 *
 * Verifies a backup file completely, offline, without restoring it: every
 * checksum, then the database inside it. The client reads the file
 * itself, in every mode.
 */
void
cr_client_verify_backup_async (CrClient *self, GFile *source, CrProgressFunc progress, gpointer progress_data,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *path = NULL;
  VerifyBackupData *data;

  g_return_if_fail (CR_IS_CLIENT (self));
  g_return_if_fail (source == NULL || G_IS_FILE (source));

  task = client_task_new (self, cr_client_verify_backup_async, cancellable, callback, user_data);
  path = source != NULL ? g_file_get_path (source) : NULL;
  if (path == NULL)
    {
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("The backup to verify must be a local file"));
      return;
    }
  data = g_new0 (VerifyBackupData, 1);
  data->path = g_steal_pointer (&path);
  data->progress = cr_client_progress_new (progress, progress_data);
  g_task_set_task_data (task, data, (GDestroyNotify) verify_backup_data_free);
  g_task_run_in_thread (task, verify_backup_thread);
}

/**
 * cr_client_verify_backup_finish:
 *
 * Returns: (transfer full): the backup's metadata if it is sound; %NULL
 *   with %CR_ERROR_CORRUPT_BACKUP, %CR_ERROR_UNSUPPORTED_VERSION or
 *   %CR_ERROR_NOT_FOUND otherwise
 */
CrBackupInfo *
cr_client_verify_backup_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_client_verify_backup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CrBackupInfo *
cr_client_verify_backup_sync (CrClient *self, GFile *source, CrProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_verify_backup_async (self, source, progress, progress_data, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_verify_backup_finish (self, result, error);
}

/* Pause and resume */

/**
 * cr_client_pause_async:
 * @auto_resume_seconds: end the pause by itself after this many seconds;
 *   0 for the repository's default (15 minutes)
 *
 * Pauses the repository (P1–P6) for this client: #CrClient:holds-pause
 * becomes %TRUE. The pause ends with cr_client_resume_async(), after
 * @auto_resume_seconds, or when this client goes away.
 */
void
cr_client_pause_async (CrClient *self, guint auto_resume_seconds, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_pause_async, cancellable, callback, user_data),
               "Pause", g_variant_new ("(u)", (guint32) auto_resume_seconds), -1, NULL, NULL, NULL);
}

gboolean
cr_client_pause_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_pause_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_pause_sync (CrClient *self, guint auto_resume_seconds, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_pause_async (self, auto_resume_seconds, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_pause_finish (self, result, error);
}

/**
 * cr_client_resume_async:
 *
 * Ends this client's pause (U1, U2). Fails with
 * %CR_ERROR_INVALID_OPERATION if the repository is not paused, or if
 * another client paused it.
 */
void
cr_client_resume_async (CrClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (CR_IS_CLIENT (self));
  client_call (self, client_task_new (self, cr_client_resume_async, cancellable, callback, user_data),
               "Resume", g_variant_new ("()"), -1, NULL, NULL, NULL);
}

gboolean
cr_client_resume_finish (CrClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = client_call_finish (self, result, cr_client_resume_async, "()", error);

  return reply != NULL;
}

gboolean
cr_client_resume_sync (CrClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  SyncCall sync;

  sync_call_begin (&sync);
  cr_client_resume_async (self, cancellable, sync_call_done_cb, &sync);
  result = client_sync_call_wait (self, &sync);
  return cr_client_resume_finish (self, result, error);
}
