/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-daemon-test.h"

typedef struct {
  CrDaemonTest *test;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->test = cr_daemon_test_new ();
  /* Big: a backup reports progress half-way (4 MiB at a time). */
  if (GPOINTER_TO_INT (data))
    cr_daemon_test_populate (f->test, 6, 1024 * 1024);
  else
    cr_daemon_test_populate (f->test, 2, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) g_unlink (f->test->hold_file);
  cr_daemon_test_free (f->test);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
exited_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  (void) g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

/* Another process has the repository: the service says who, and stops. */
static void
test_locked (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (f->test->repository_path, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_autoptr (GSubprocess) daemon = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pid = g_strdup_printf ("pid %d", (int) getpid ());

  g_assert_no_error (error);
  daemon = cr_daemon_test_spawn (f->test, G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL);
  g_subprocess_communicate_utf8 (daemon, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (daemon), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "cimrepod: "));
  /* The engine's message names the holder: this process. */
  g_assert_nonnull (strstr (err, pid));
}

/* --idle-timeout: no client for that long, and the service exits. */
static void
test_idle_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) client = NULL;
  g_autoptr (CrConnection1) conn = NULL;
  gboolean exited = FALSE;

  cr_daemon_test_start (f->test, "--idle-timeout", "1", NULL);
  client = cr_test_client_new (f->test);
  conn = cr_test_client_open (client, "root/test");
  /* Busy while a connection is open (a bounded wait for nothing) */
  g_assert_false (cr_test_wait_for (is_true, &f->test->exited, 1500));

  exited = f->test->exited;
  g_clear_object (&conn);
  cr_test_client_free (g_steal_pointer (&client));
  g_assert_false (exited);
  g_assert_true (cr_test_wait_for (is_true, &f->test->exited, cr_daemon_test_timeout (5000)));
  cr_daemon_test_stop (f->test);
}

/* --replace: a second service takes the name; the first stops cleanly. */
static void
test_replace (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (CrTestClient) client = NULL;
  g_autofree char *other_repo = cr_test_dir_file (f->test->dir, "other.db");
  const char *args[] = { "--replace", "--repository", other_repo, NULL };
  gboolean second_exited = FALSE;

  cr_daemon_test_start (f->test, NULL);
  second = cr_daemon_test_spawn (f->test, G_SUBPROCESS_FLAGS_NONE, args);
  g_subprocess_wait_async (second, NULL, exited_cb, &second_exited);
  g_assert_true (cr_test_wait_for (is_true, &f->test->exited, cr_daemon_test_timeout (10000)));
  cr_daemon_test_stop (f->test);

  client = cr_test_client_new (f->test);
  g_assert_cmpstr (cr_repository1_get_path (client->repository), ==, other_repo);
  cr_test_client_free (g_steal_pointer (&client));

  g_subprocess_send_signal (second, SIGTERM);
  g_assert_true (cr_test_wait_for (is_true, &second_exited, cr_daemon_test_timeout (10000)));
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);
}

/* SIGTERM while a backup runs: the job is cancelled and reports it,
 * its file is left empty, and the service exits cleanly. */
static void
test_stop_during_job (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) client = NULL;
  g_autoptr (CrTestJobWatch) watch = NULL;
  g_autofree char *backup = cr_test_dir_file (f->test->dir, "backup.cimbak");
  g_autofree char *job = NULL;
  GStatBuf st;

  cr_daemon_test_start (f->test, NULL);
  client = cr_test_client_new (f->test);
  watch = cr_test_job_watch_new (client);
  g_file_set_contents (f->test->hold_file, "", 0, &error);
  g_assert_no_error (error);
  job = cr_test_client_start_backup (client, backup, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_progress (watch, job, 10000));

  g_subprocess_send_signal (f->test->daemon, SIGTERM);
  g_assert_true (cr_test_job_watch_wait_completed (watch, job, 10000));
  g_assert_cmpstr (cr_test_job_watch_get (watch, job)->error_name, ==, "org.cimrepo.Error.CallCancelled");
  cr_daemon_test_stop (f->test);
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, big, func) \
  g_test_add ("/cimrepo/lifecycle/" name, Fixture, GINT_TO_POINTER (big), fixture_set_up, func, fixture_tear_down)
  ADD ("locked", FALSE, test_locked);
  ADD ("idle-timeout", FALSE, test_idle_timeout);
  ADD ("replace", FALSE, test_replace);
  ADD ("stop-during-job", TRUE, test_stop_during_job);
#undef ADD

  return g_test_run ();
}
