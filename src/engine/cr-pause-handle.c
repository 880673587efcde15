/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-progress-proxy.h"
#include "cr-repository-private.h"

struct _CrPauseHandle {
  GObject parent_instance;

  CrRepository *repository;
  guint64 serial;
  char *holder;
  gint64 since;
};

G_DEFINE_TYPE (CrPauseHandle, cr_pause_handle, G_TYPE_OBJECT)

static void
cr_pause_handle_dispose (GObject *object)
{
  CrPauseHandle *self = CR_PAUSE_HANDLE (object);

  /* P5: releasing the object without calling Resume resumes. */
  if (self->repository != NULL)
    {
      if (cr_repository_pause_serial_is_active (self->repository, self->serial))
        {
          g_autoptr (GError) error = NULL;

          g_message ("The pause by %s was released without Resume; resuming", self->holder);
          if (!cr_repository_resume_serial (self->repository, self->serial, &error))
            g_debug ("Resume on release: %s", error->message);
        }
      g_clear_object (&self->repository);
    }
  G_OBJECT_CLASS (cr_pause_handle_parent_class)->dispose (object);
}

static void
cr_pause_handle_finalize (GObject *object)
{
  CrPauseHandle *self = CR_PAUSE_HANDLE (object);

  g_free (self->holder);
  G_OBJECT_CLASS (cr_pause_handle_parent_class)->finalize (object);
}

static void
cr_pause_handle_class_init (CrPauseHandleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_pause_handle_dispose;
  object_class->finalize = cr_pause_handle_finalize;
}

static void
cr_pause_handle_init (CrPauseHandle *self)
{
}

CrPauseHandle *
cr_pause_handle_new (CrRepository *repository, guint64 serial, const char *holder, gint64 since)
{
  CrPauseHandle *self = g_object_new (CR_TYPE_PAUSE_HANDLE, NULL);

  self->repository = g_object_ref (repository);
  self->serial = serial;
  self->holder = g_strdup (holder);
  self->since = since;
  return self;
}

const char *
cr_pause_handle_get_holder (CrPauseHandle *self)
{
  g_return_val_if_fail (CR_IS_PAUSE_HANDLE (self), NULL);
  return self->holder;
}

/**
 * cr_pause_handle_get_since:
 *
 * Returns: when the pause began (unix time in µs)
 */
gint64
cr_pause_handle_get_since (CrPauseHandle *self)
{
  g_return_val_if_fail (CR_IS_PAUSE_HANDLE (self), 0);
  return self->since;
}

/**
 * cr_pause_handle_is_active:
 *
 * Returns: whether this handle's pause is still in force
 */
gboolean
cr_pause_handle_is_active (CrPauseHandle *self)
{
  g_return_val_if_fail (CR_IS_PAUSE_HANDLE (self), FALSE);
  return self->repository != NULL && cr_repository_pause_serial_is_active (self->repository, self->serial);
}

/**
 * cr_pause_handle_resume_sync:
 * @progress: (nullable) (scope call): reports 0 of 1, then 1 of 1
 *
 * Ends this handle's pause (U1, U2): held writes go ahead at once.
 * Fails with %CR_ERROR_INVALID_OPERATION if the pause has already ended.
 */
gboolean
cr_pause_handle_resume_sync (CrPauseHandle *self, CrProgressFunc progress, gpointer progress_data,
                             GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CR_IS_PAUSE_HANDLE (self), FALSE);

  if (progress != NULL)
    progress (0, 1, progress_data);
  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (self->repository == NULL)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION, _("The repository is not paused"));
      return FALSE;
    }
  if (!cr_repository_resume_serial (self->repository, self->serial, error))
    return FALSE;
  if (progress != NULL)
    progress (1, 1, progress_data);
  return TRUE;
}

static void
resume_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CrProgressProxy *proxy = task_data;
  GError *error = NULL;

  if (cr_pause_handle_resume_sync (source, proxy != NULL ? cr_progress_proxy_report : NULL, proxy,
                                   cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cr_pause_handle_resume_async (CrPauseHandle *self, CrProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (CR_IS_PAUSE_HANDLE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cr_pause_handle_resume_async);
  g_task_set_task_data (task, cr_progress_proxy_new (progress, progress_data),
                        (GDestroyNotify) cr_progress_proxy_unref);
  g_task_run_in_thread (task, resume_thread);
}

gboolean
cr_pause_handle_resume_finish (CrPauseHandle *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
