/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cr-test-utils.h"

typedef struct {
  CrTestDir *dir;
  CrRepository *repo;
  CrConnection *conn;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = cr_test_dir_new ();
  f->repo = cr_test_repository_new (f->dir);
  cr_test_add_schema (f->repo);
  f->conn = cr_test_connect (f->repo, "root/test");
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("before%d", i);
      g_free (cr_test_put_item (f->conn, "Test_Item", name, (guint64) i));
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->conn);
  g_clear_object (&f->repo);
  cr_test_dir_free (f->dir);
}

/* A writer in a thread of its own, to see it held and released. */
typedef struct {
  CrConnection *conn;
  char *name;
  GError *error;
  gint64 finished_at;
  gboolean done;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  g_autofree char *path = NULL;

  cr_instance_set_property (inst, "Name", g_variant_new_string (w->name));
  path = cr_connection_put_instance (w->conn, inst, CR_PUT_FLAGS_NONE, NULL, &w->error);
  w->finished_at = g_get_monotonic_time ();
  g_atomic_int_set (&w->done, TRUE);
  return NULL;
}

static GThread *
start_writer (Writer *w, CrConnection *conn, const char *name)
{
  w->conn = conn;
  w->name = g_strdup (name);
  return g_thread_new ("writer", writer_thread, w);
}

static void
writer_clear (Writer *w)
{
  g_free (w->name);
  g_clear_error (&w->error);
}

static char *
file_checksum (const char *path)
{
  g_autoptr (GBytes) bytes = cr_test_read_file (path);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* P1: while paused, the database file alone is a complete, consistent
 * copy, and it does not change, whatever clients try. */
static void
test_file_is_complete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autofree char *db = cr_test_dir_file (f->dir, "repository.db");
  g_autofree char *copy_dir = g_build_filename (f->dir->path, "copy", NULL);
  g_autofree char *copy = g_build_filename (copy_dir, "repository.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (CrRepository) copied = NULL;
  g_autoptr (CrConnection) copied_conn = NULL;
  Writer w = { 0 };
  GThread *thread;

  cr_repository_set_write_wait_timeout (f->repo, 10000);
  pause = cr_repository_pause_sync (f->repo, "rsync-job", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_repository_get_paused (f->repo));

  before = file_checksum (db);
  thread = start_writer (&w, f->conn, "during");
  /* Reads go on while paused. */
  for (int i = 0; i < 20; i++)
    g_assert_cmpuint (cr_test_count_instances (f->conn, "Test_Item"), ==, 50);
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (g_atomic_int_get (&w.done));

  /* What cp would take: the main file alone. */
  bytes = cr_test_read_file (db);
  g_mkdir (copy_dir, 0700);
  cr_test_write_file (copy, bytes);
  after = file_checksum (db);
  g_assert_cmpstr (before, ==, after);

  g_assert_true (cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_no_error (w.error);

  copied = cr_repository_open_sync (copy, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_repository_verify_sync (copied, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  copied_conn = cr_test_connect (copied, "root/test");
  g_assert_cmpuint (cr_test_count_instances (copied_conn, "Test_Item"), ==, 50);
  g_assert_cmpuint (cr_test_count_instances (f->conn, "Test_Item"), ==, 51);
  writer_clear (&w);
}

/* P2: a held write finishes right after the resume. */
static void
test_writes_held (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autoptr (CrInstance) inst = NULL;
  Writer w = { 0 };
  GThread *thread;
  gint64 resumed_at;

  cr_repository_set_write_wait_timeout (f->repo, 20000);
  pause = cr_repository_pause_sync (f->repo, "holder", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  thread = start_writer (&w, f->conn, "held");
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (g_atomic_int_get (&w.done));

  resumed_at = g_get_monotonic_time ();
  g_assert_true (cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error));
  g_thread_join (thread);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.finished_at, >=, resumed_at);
  inst = cr_connection_get_instance (f->conn, "Test_Item.Name=\"held\"", &error);
  g_assert_no_error (error);
  writer_clear (&w);
}

/* P2: a write that waits longer than the bound fails clearly, naming who
 * paused, and writes nothing. */
static void
test_write_times_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  g_autofree char *path = NULL;

  cr_repository_set_write_wait_timeout (f->repo, 200);
  pause = cr_repository_pause_sync (f->repo, "backup-script", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cr_instance_set_property (inst, "Name", g_variant_new_string ("late"));
  path = cr_connection_put_instance (f->conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, CR_ERROR, CR_ERROR_PAUSED);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The change waited 0 seconds and cannot go ahead: the repository has been paused by backup-script since "));
  g_clear_error (&error);

  g_assert_true (cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error));
  g_assert_null (cr_connection_get_instance (f->conn, "Test_Item.Name=\"late\"", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
}

/* P3 and P6: a second pause is refused, and does not move the
 * auto-resume time. */
static void
test_pause_twice (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) first = NULL;
  g_autoptr (CrPauseHandle) second = NULL;
  gint64 resume_at;

  first = cr_repository_pause_sync (f->repo, "first", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  resume_at = cr_repository_get_auto_resume_at (f->repo);
  g_assert_cmpint (resume_at, ==, cr_repository_get_paused_since (f->repo) + 15 * 60 * G_USEC_PER_SEC);
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);

  second = cr_repository_pause_sync (f->repo, "second", NULL, NULL, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_assert_nonnull (strstr (error->message, "first"));
  g_assert_cmpint (cr_repository_get_auto_resume_at (f->repo), ==, resume_at);
  g_autofree char *by = cr_repository_dup_paused_by (f->repo);
  g_assert_cmpstr (by, ==, "first");
}

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  GPtrArray *seen = data;

  g_ptr_array_add (seen, g_strdup (pspec->name));
}

static gboolean
strv_has (GPtrArray *seen, const char *name)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_strcmp0 (g_ptr_array_index (seen, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* P5: dropping the handle resumes; the state is announced. */
static void
test_release_resumes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  CrPauseHandle *pause;
  Writer w = { 0 };
  GThread *thread;

  g_signal_connect (f->repo, "notify", G_CALLBACK (on_notify), seen);
  cr_repository_set_write_wait_timeout (f->repo, 20000);
  pause = cr_repository_pause_sync (f->repo, "crashy", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  while (!strv_has (seen, "paused"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (strv_has (seen, "paused-by"));
  g_assert_true (strv_has (seen, "paused-since"));
  g_assert_true (strv_has (seen, "auto-resume-at"));

  thread = start_writer (&w, f->conn, "after-release");
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (g_atomic_int_get (&w.done));
  g_ptr_array_set_size (seen, 0);
  g_object_unref (pause);
  g_assert_false (cr_repository_get_paused (f->repo));
  g_thread_join (thread);
  g_assert_no_error (w.error);
  while (!strv_has (seen, "paused"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (cr_repository_dup_paused_by (f->repo));
  g_signal_handlers_disconnect_by_data (f->repo, seen);
  writer_clear (&w);
}

/* P5: the pause ends by itself after the auto-resume delay; the late
 * Resume of its holder says so (U1). */
static void
test_auto_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  Writer w = { 0 };
  GThread *thread;
  gint64 start;

  cr_repository_set_auto_resume_delay (f->repo, 1);
  cr_repository_set_write_wait_timeout (f->repo, 20000);
  pause = cr_repository_pause_sync (f->repo, "forgetful", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  thread = start_writer (&w, f->conn, "auto");
  g_signal_connect (f->repo, "notify::paused", G_CALLBACK (on_notify), seen);

  /* The main loop sees the pause end, at its time. */
  while (seen->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cr_repository_get_paused (f->repo));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_thread_join (thread);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.finished_at - start, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (w.finished_at - start, <, 5 * G_TIME_SPAN_SECOND);

  g_assert_false (cr_pause_handle_is_active (pause));
  g_assert_false (cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_assert_nonnull (strstr (error->message, "automatically"));
  g_signal_handlers_disconnect_by_data (f->repo, seen);
  writer_clear (&w);
}

/* The auto-resume is kept even with no main loop running: a held writer
 * sees the deadline itself. */
static void
test_auto_resume_without_loop (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autofree char *path = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");

  cr_repository_set_auto_resume_delay (f->repo, 1);
  cr_repository_set_write_wait_timeout (f->repo, 20000);
  pause = cr_repository_pause_sync (f->repo, "forgetful", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cr_instance_set_property (inst, "Name", g_variant_new_string ("noloop"));
  path = cr_connection_put_instance (f->conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cr_repository_get_paused (f->repo));
}

/* U1 and U2 */
static void
test_resume_rules (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) a = NULL;
  g_autoptr (CrPauseHandle) b = NULL;

  a = cr_repository_pause_sync (f->repo, "alice", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_pause_handle_resume_sync (a, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* U1: not paused */
  g_assert_false (cr_pause_handle_resume_sync (a, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&error);

  /* U2: only the holder; an old handle is not the holder of a new pause */
  b = cr_repository_pause_sync (f->repo, "bob", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cr_pause_handle_resume_sync (a, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_assert_nonnull (strstr (error->message, "bob"));
  g_clear_error (&error);
  g_assert_true (cr_repository_get_paused (f->repo));
  g_assert_true (cr_pause_handle_resume_sync (b, NULL, NULL, NULL, &error));
  g_assert_false (cr_repository_get_paused (f->repo));
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (CrPauseHandle) pause = NULL;

  g_cancellable_cancel (cancellable);
  pause = cr_repository_pause_sync (f->repo, "x", NULL, NULL, cancellable, &error);
  g_assert_null (pause);
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_assert_false (cr_repository_get_paused (f->repo));
  g_clear_error (&error);
  g_free (cr_test_put_item (f->conn, "Test_Item", "still-writable", 1));

  pause = cr_repository_pause_sync (f->repo, "", NULL, NULL, NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
}

static void
progress_cb (guint64 done, guint64 total, gpointer data)
{
  guint64 *last = data;

  last[0] = done;
  last[1] = total;
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  guint64 progress[2] = { 0, 0 };

  cr_repository_pause_async (f->repo, "async", progress_cb, progress, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  pause = cr_repository_pause_finish (f->repo, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (progress[0], ==, 1);
  g_assert_cmpuint (progress[1], ==, 1);
  g_assert_true (cr_repository_get_paused (f->repo));
  g_clear_object (&result);

  progress[0] = progress[1] = 0;
  cr_pause_handle_resume_async (pause, progress_cb, progress, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cr_pause_handle_resume_finish (pause, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress[0], ==, 1);
  g_assert_false (cr_repository_get_paused (f->repo));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/cimrepo/pause/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("file-is-complete", test_file_is_complete);
  ADD ("writes-held", test_writes_held);
  ADD ("write-times-out", test_write_times_out);
  ADD ("pause-twice", test_pause_twice);
  ADD ("release-resumes", test_release_resumes);
  ADD ("auto-resume", test_auto_resume);
  ADD ("auto-resume-without-loop", test_auto_resume_without_loop);
  ADD ("resume-rules", test_resume_rules);
  ADD ("cancel", test_cancel);
  ADD ("async", test_async);
#undef ADD
  return g_test_run ();
}
