/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cr-progress-proxy.h"
#include "cr-test-utils.h"

typedef struct {
  GMainContext *context; /* where the reports must arrive */
  guint calls;
  guint64 done;
  guint64 total;
  gboolean completed; /* the task's callback has run */
} Seen;

static void
seen_cb (guint64 done, guint64 total, gpointer data)
{
  Seen *seen = data;

  g_assert_true (g_main_context_is_owner (seen->context));
  g_assert_false (seen->completed);
  seen->calls++;
  seen->done = done;
  seen->total = total;
}

static void
drain (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

static void
test_null (void)
{
  g_assert_null (cr_progress_proxy_new (NULL, NULL));
  /* What a caller passes when it was given no progress callback. */
  cr_progress_proxy_report (1, 2, NULL);
  cr_progress_proxy_unref (NULL);
}

typedef struct {
  CrProgressProxy *proxy;
  guint n;
} Burst;

static gpointer
burst_thread (gpointer data)
{
  Burst *burst = data;

  for (guint i = 1; i <= burst->n; i++)
    cr_progress_proxy_report (i, burst->n, burst->proxy);
  return NULL;
}

/* Reports that come faster than the main loop runs are coalesced into one
 * delivery of the latest values, in the context where the proxy was made
 * and nowhere else. */
static void
test_coalesce (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (CrProgressProxy) proxy = NULL;
  Seen seen = { .context = context };
  Burst burst = { .n = 100 };
  GThread *thread;

  g_main_context_push_thread_default (context);
  proxy = cr_progress_proxy_new (seen_cb, &seen);
  g_main_context_pop_thread_default (context);

  burst.proxy = proxy;
  thread = g_thread_new ("burst", burst_thread, &burst);
  g_thread_join (thread);

  /* Nothing reaches the global default context. */
  drain (NULL);
  g_assert_cmpuint (seen.calls, ==, 0);

  g_main_context_push_thread_default (context);
  drain (context);
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_cmpuint (seen.done, ==, 100);
  g_assert_cmpuint (seen.total, ==, 100);

  /* Once delivered, the next report is delivered again. */
  cr_progress_proxy_report (7, 8, proxy);
  drain (context);
  g_assert_cmpuint (seen.calls, ==, 2);
  g_assert_cmpuint (seen.done, ==, 7);
  g_assert_cmpuint (seen.total, ==, 8);
  g_main_context_pop_thread_default (context);
}

/* A report on its way outlives the last reference its creator held. */
static void
test_unref_while_pending (void)
{
  Seen seen = { .context = g_main_context_default () };
  CrProgressProxy *proxy = cr_progress_proxy_new (seen_cb, &seen);

  cr_progress_proxy_report (3, 4, proxy);
  cr_progress_proxy_unref (proxy);
  drain (NULL);
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_cmpuint (seen.done, ==, 3);
  g_assert_cmpuint (seen.total, ==, 4);
}

static void
report_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cr_progress_proxy_report (5, 5, task_data);
  g_task_return_boolean (task, TRUE);
}

static void
completed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Seen *seen = data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  seen->completed = TRUE;
}

/* What a worker reports before it returns reaches the caller before the
 * task's callback does. */
static void
test_before_callback (void)
{
  Seen seen = { .context = g_main_context_default () };
  g_autoptr (GTask) task = g_task_new (NULL, NULL, completed_cb, &seen);

  g_task_set_task_data (task, cr_progress_proxy_new (seen_cb, &seen), (GDestroyNotify) cr_progress_proxy_unref);
  g_task_run_in_thread (task, report_thread);
  while (!seen.completed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_cmpuint (seen.done, ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/progress-proxy/null", test_null);
  g_test_add_func ("/cimrepo/progress-proxy/coalesce", test_coalesce);
  g_test_add_func ("/cimrepo/progress-proxy/unref-while-pending", test_unref_while_pending);
  g_test_add_func ("/cimrepo/progress-proxy/before-callback", test_before_callback);
  return g_test_run ();
}
