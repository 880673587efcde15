/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepod"

#include "cr-authority.h"
#include "cr-daemon-job.h"
#include "cr-platform.h"

/* Property updates on the bus: about ten a second, whatever the engine
 * reports. */
#define PUBLISH_INTERVAL_MS 100

/* The test hook's bound: a held job goes on after this long anyway. */
#define HOLD_LIMIT_USEC (60 * G_USEC_PER_SEC)

/* What the worker thread reports, read by the main loop. */
typedef struct {
  GMutex lock;
  guint64 done;
  guint64 total;
} JobProgress;

/* The worker's own copy of what it needs. */
typedef struct {
  CrRepository *repository;
  CrDaemonJobKind kind;
  int fd;
  guint flags;
  JobProgress *progress;
  GCancellable *cancellable;
  char *hold_file;
  gboolean held;
} WorkerData;

struct _CrDaemonJob {
  GObject parent_instance;

  CrRepository *repository;
  CrDaemonJobKind kind;
  int fd;
  guint flags;
  char *started_by;
  char *object_path;
  CrObjectSkeleton *object;
  CrJob1 *iface;
  GCancellable *cancellable;
  gboolean running;
  gboolean started;
  gint64 started_at;
  GSource *publish_timer;
  JobProgress progress;
};

G_DEFINE_TYPE (CrDaemonJob, cr_daemon_job, G_TYPE_OBJECT)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
worker_data_free (WorkerData *w)
{
  g_clear_object (&w->repository);
  g_clear_object (&w->cancellable);
  cr_fd_closep (&w->fd);
  g_free (w->hold_file);
  g_free (w);
}

static void
stop_publishing (CrDaemonJob *self)
{
  if (self->publish_timer != NULL)
    {
      g_source_destroy (self->publish_timer);
      g_clear_pointer (&self->publish_timer, g_source_unref);
    }
}

static void
cr_daemon_job_dispose (GObject *object)
{
  CrDaemonJob *self = CR_DAEMON_JOB (object);

  stop_publishing (self);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->repository);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cr_daemon_job_parent_class)->dispose (object);
}

static void
cr_daemon_job_finalize (GObject *object)
{
  CrDaemonJob *self = CR_DAEMON_JOB (object);

  cr_fd_closep (&self->fd);
  g_mutex_clear (&self->progress.lock);
  g_free (self->started_by);
  g_free (self->object_path);
  G_OBJECT_CLASS (cr_daemon_job_parent_class)->finalize (object);
}

static void
cr_daemon_job_class_init (CrDaemonJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_daemon_job_dispose;
  object_class->finalize = cr_daemon_job_finalize;

  /**
   * CrDaemonJob::finished:
   * @success: whether the operation succeeded
   *
   * Emitted on the main loop when the job has ended, before its
   * Completed signal goes out on the bus.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
cr_daemon_job_init (CrDaemonJob *self)
{
  self->fd = -1;
  g_mutex_init (&self->progress.lock);
}

/**
 * cr_daemon_job_new:
 * @fd: the backup file; the job takes it and closes it when done
 * @started_by: the unique bus name of the client that started it
 */
CrDaemonJob *
cr_daemon_job_new (CrRepository *repository,
                   CrDaemonJobKind kind,
                   int fd,
                   guint flags,
                   const char *started_by,
                   const char *object_path)
{
  CrDaemonJob *self = g_object_new (CR_TYPE_DAEMON_JOB, NULL);

  self->repository = g_object_ref (repository);
  self->kind = kind;
  self->fd = fd;
  self->flags = flags;
  self->started_by = g_strdup (started_by);
  self->object_path = g_strdup (object_path);
  self->cancellable = g_cancellable_new ();

  self->iface = cr_job1_skeleton_new ();
  cr_job1_set_operation (self->iface, kind == CR_DAEMON_JOB_BACKUP ? "backup" : "restore");
  cr_job1_set_progress (self->iface, 0.0);
  cr_job1_set_state (self->iface, "running");
  cr_job1_set_started_by (self->iface, started_by);
  self->object = cr_object_skeleton_new (object_path);
  cr_object_skeleton_set_job1 (self->object, self->iface);
  return self;
}

CrDaemonJobKind
cr_daemon_job_get_kind (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), CR_DAEMON_JOB_BACKUP);
  return self->kind;
}

const char *
cr_daemon_job_get_started_by (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), NULL);
  return self->started_by;
}

const char *
cr_daemon_job_get_object_path (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), NULL);
  return self->object_path;
}

/**
 * cr_daemon_job_get_action_id:
 *
 * Returns: the polkit action that authorises this job, and its Cancel
 */
const char *
cr_daemon_job_get_action_id (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), NULL);
  return self->kind == CR_DAEMON_JOB_BACKUP ? CR_ACTION_BACKUP : CR_ACTION_RESTORE;
}

CrObjectSkeleton *
cr_daemon_job_get_object (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), NULL);
  return self->object;
}

CrJob1 *
cr_daemon_job_get_iface (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), NULL);
  return self->iface;
}

gboolean
cr_daemon_job_is_running (CrDaemonJob *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_JOB (self), FALSE);
  return self->running;
}

/* Runs in the worker thread. */
static void
worker_progress (guint64 done, guint64 total, gpointer data)
{
  WorkerData *w = data;

  g_mutex_lock (&w->progress->lock);
  w->progress->done = done;
  w->progress->total = total;
  g_mutex_unlock (&w->progress->lock);

  /* Test hook (CIMREPOD_TEST_HOLD_FILE): hold the job once, half-way,
   * while the file exists, so that a test can act while the job runs:
   * cancel it, or call the service during a restore. */
  if (w->hold_file != NULL && !w->held && done > 0 && done < total)
    {
      gint64 deadline = g_get_monotonic_time () + HOLD_LIMIT_USEC;

      w->held = TRUE;
      while (g_file_test (w->hold_file, G_FILE_TEST_EXISTS) &&
             !g_cancellable_is_cancelled (w->cancellable) &&
             g_get_monotonic_time () < deadline)
        g_usleep (10 * 1000);
    }
}

/* Runs in the worker thread. */
static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  WorkerData *w = task_data;
  GError *error = NULL;
  gboolean ok;

  if (w->kind == CR_DAEMON_JOB_BACKUP)
    ok = cr_repository_backup_fd_sync (w->repository, w->fd, w->flags, worker_progress, w, cancellable, &error);
  else
    ok = cr_repository_restore_fd_sync (w->repository, w->fd, w->flags, worker_progress, w, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
publish_progress (CrDaemonJob *self)
{
  guint64 done, total;
  gint64 elapsed;
  double fraction = 0.0;

  g_mutex_lock (&self->progress.lock);
  done = self->progress.done;
  total = self->progress.total;
  g_mutex_unlock (&self->progress.lock);

  /* 1.0 means done: it is reached on success only. */
  if (total > 0)
    fraction = MIN ((double) done / (double) total, 0.999);
  elapsed = g_get_monotonic_time () - self->started_at;

  cr_job1_set_bytes_done (self->iface, done);
  cr_job1_set_bytes_total (self->iface, total);
  cr_job1_set_progress (self->iface, fraction);
  if (elapsed > 0)
    cr_job1_set_rate (self->iface, (double) done * G_USEC_PER_SEC / (double) elapsed);
}

static gboolean
publish_cb (gpointer data)
{
  publish_progress (data);
  return G_SOURCE_CONTINUE;
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CrDaemonJob *self = CR_DAEMON_JOB (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *error_name = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  stop_publishing (self);
  publish_progress (self);
  self->running = FALSE;

  if (ok)
    {
      cr_job1_set_bytes_done (self->iface, cr_job1_get_bytes_total (self->iface));
      cr_job1_set_progress (self->iface, 1.0);
      cr_job1_set_state (self->iface, "succeeded");
    }
  else
    {
      cr_error_convert (&error);
      error_name = g_dbus_error_encode_gerror (error);
      cr_job1_set_state (self->iface,
                         g_error_matches (error, CR_ERROR, CR_ERROR_CALL_CANCELLED) ? "cancelled" : "failed");
    }

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok);

  /* Clients see the end state in the properties before Completed. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
  cr_job1_emit_completed (self->iface, ok, ok ? "" : error_name, ok ? "" : error->message);
}

/**
 * cr_daemon_job_start:
 *
 * Runs the operation in a worker thread.
 */
void
cr_daemon_job_start (CrDaemonJob *self)
{
  g_autoptr (GTask) task = NULL;
  WorkerData *w;

  g_return_if_fail (CR_IS_DAEMON_JOB (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->running = TRUE;
  self->started_at = g_get_monotonic_time ();

  w = g_new0 (WorkerData, 1);
  w->repository = g_object_ref (self->repository);
  w->kind = self->kind;
  w->fd = self->fd;
  self->fd = -1;
  w->flags = self->flags;
  w->progress = &self->progress;
  w->cancellable = g_object_ref (self->cancellable);
  w->hold_file = g_strdup (g_getenv ("CIMREPOD_TEST_HOLD_FILE"));

  self->publish_timer = g_timeout_source_new (PUBLISH_INTERVAL_MS);
  g_source_set_static_name (self->publish_timer, "[cimrepod] job progress");
  g_source_set_callback (self->publish_timer, publish_cb, self, NULL);
  g_source_attach (self->publish_timer, g_main_context_get_thread_default ());

  /* The task keeps the job, and with it the progress the worker writes
   * to, alive until the end. A cancel that comes too late (a restore
   * past its point of no return) must not turn a success into a
   * failure: the engine's answer is the truth. */
  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, cr_daemon_job_start);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, w, (GDestroyNotify) worker_data_free);
  g_task_run_in_thread (task, job_thread);
}

/**
 * cr_daemon_job_cancel:
 *
 * Asks the job to stop. A backup stops and leaves its file empty; a
 * restore stops unless it has passed its point of no return.
 */
void
cr_daemon_job_cancel (CrDaemonJob *self)
{
  g_return_if_fail (CR_IS_DAEMON_JOB (self));
  g_cancellable_cancel (self->cancellable);
}
