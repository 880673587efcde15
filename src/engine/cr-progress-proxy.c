/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include "cr-progress-proxy.h"

struct _CrProgressProxy {
  gatomicrefcount ref;
  GMainContext *context;
  CrProgressFunc func;
  gpointer data;
  GMutex lock;
  /* Under lock: the last report, and whether a delivery is scheduled
   * that has not run yet. */
  guint64 done;
  guint64 total;
  gboolean pending;
};

/**
 * cr_progress_proxy_new:
 * @func: (nullable): what to call with the progress
 * @data: the data for @func
 *
 * Makes a proxy that carries progress from any thread to the
 * thread-default main context of the caller, where it calls @func.
 * Reports are coalesced: one that comes while the last one still waits
 * to be delivered replaces it, so a slow main loop sees the latest values
 * and never a queue of old ones. A report is delivered at
 * %G_PRIORITY_DEFAULT, as a #GTask's result is, so that every report made
 * before a task returns its result reaches @func before the task's
 * callback runs.
 *
 * Pass the proxy as the user data of cr_progress_proxy_report(), which is
 * a #CrProgressFunc, to a `_sync` call on the worker thread.
 *
 * Returns: (transfer full) (nullable): a new proxy, or %NULL when @func is
 *   %NULL
 */
CrProgressProxy *
cr_progress_proxy_new (CrProgressFunc func, gpointer data)
{
  CrProgressProxy *proxy;

  if (func == NULL)
    return NULL;
  proxy = g_new0 (CrProgressProxy, 1);
  g_atomic_ref_count_init (&proxy->ref);
  proxy->context = g_main_context_ref_thread_default ();
  proxy->func = func;
  proxy->data = data;
  g_mutex_init (&proxy->lock);
  return proxy;
}

/**
 * cr_progress_proxy_ref:
 * @proxy: a #CrProgressProxy
 *
 * Any thread.
 *
 * Returns: (transfer full): @proxy
 */
CrProgressProxy *
cr_progress_proxy_ref (CrProgressProxy *proxy)
{
  g_return_val_if_fail (proxy != NULL, NULL);

  g_atomic_ref_count_inc (&proxy->ref);
  return proxy;
}

/**
 * cr_progress_proxy_unref:
 * @proxy: (nullable): a #CrProgressProxy
 *
 * Any thread. A report that is still on its way is delivered all the
 * same.
 */
void
cr_progress_proxy_unref (CrProgressProxy *proxy)
{
  if (proxy == NULL || !g_atomic_ref_count_dec (&proxy->ref))
    return;
  g_main_context_unref (proxy->context);
  g_mutex_clear (&proxy->lock);
  g_free (proxy);
}

/* In the creator's main context. */
static gboolean
deliver_cb (gpointer data)
{
  CrProgressProxy *proxy = data;
  guint64 done, total;

  g_mutex_lock (&proxy->lock);
  done = proxy->done;
  total = proxy->total;
  proxy->pending = FALSE;
  g_mutex_unlock (&proxy->lock);
  proxy->func (done, total, proxy->data);
  return G_SOURCE_REMOVE;
}

/**
 * cr_progress_proxy_report:
 * @done: as for #CrProgressFunc
 * @total: as for #CrProgressFunc
 * @proxy: (nullable): a #CrProgressProxy; %NULL does nothing
 *
 * A #CrProgressFunc. Any thread, usually a worker's: schedules the
 * delivery of @done and @total in the proxy's main context, unless one is
 * already scheduled, which then delivers these values instead.
 */
void
cr_progress_proxy_report (guint64 done, guint64 total, gpointer proxy)
{
  CrProgressProxy *self = proxy;
  g_autoptr (GSource) source = NULL;
  gboolean schedule;

  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->done = done;
  self->total = total;
  schedule = !self->pending;
  self->pending = TRUE;
  g_mutex_unlock (&self->lock);
  if (!schedule)
    return;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, cr_progress_proxy_ref (self),
                         (GDestroyNotify) cr_progress_proxy_unref);
  g_source_set_static_name (source, "[cimrepo] progress");
  g_source_attach (source, self->context);
}
