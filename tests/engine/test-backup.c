/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-test-utils.h"

typedef struct {
  CrTestDir *dir;
  CrRepository *repo;
  CrConnection *conn;
  char *target;
} Fixture;

/* About 6 MiB of instances, so that a backup takes several chunks. */
#define N_BULK 96

static void
add_bulk (CrConnection *conn, const char *prefix, guint n)
{
  g_autofree char *blob = g_malloc (64 * 1024 + 1);

  memset (blob, 'x', 64 * 1024);
  blob[64 * 1024] = '\0';
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
      g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);
      g_autofree char *path = NULL;

      cr_instance_set_property (inst, "Name", g_variant_new_string (name));
      cr_instance_set_property (inst, "Note", g_variant_new_string (blob));
      path = cr_connection_put_instance (conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = cr_test_dir_new ();
  f->repo = cr_test_repository_new (f->dir);
  cr_test_add_schema (f->repo);
  f->conn = cr_test_connect (f->repo, "root/test");
  add_bulk (f->conn, "bulk", N_BULK);
  f->target = cr_test_dir_file (f->dir, "backup.cimbak");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->conn);
  g_clear_object (&f->repo);
  g_free (f->target);
  cr_test_dir_free (f->dir);
}

static guint
count_leftovers (CrTestDir *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir->path, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".part-") != NULL || strstr (name, ".restore-") != NULL)
      n++;
  return n;
}

/* B1 and B2 */
static void
test_bad_arguments (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  int fds[2];

  g_assert_false (cr_repository_backup_sync (f->repo, f->target, 1, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_backup_sync (f->repo, f->target, 0x80000000u, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->target, G_FILE_TEST_EXISTS));

  g_assert_false (cr_repository_backup_sync (f->repo, NULL, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_backup_sync (f->repo, "", 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_backup_fd_sync (f->repo, -1, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);

  /* Not a regular file, not writable, a directory, the repository */
  g_assert_no_errno (pipe (fds));
  g_assert_false (cr_repository_backup_fd_sync (f->repo, fds[1], 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  close (fds[0]);
  close (fds[1]);
  {
    g_autofree char *ro = cr_test_dir_file (f->dir, "ro");
    int fd;

    g_file_set_contents (ro, "", 0, NULL);
    fd = open (ro, O_RDONLY);
    g_assert_false (cr_repository_backup_fd_sync (f->repo, fd, 0, NULL, NULL, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
    g_clear_error (&error);
    close (fd);
  }
  g_assert_false (cr_repository_backup_sync (f->repo, f->dir->path, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_backup_sync (f->repo, cr_repository_get_path (f->repo), 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  {
    g_autofree char *nodir = g_build_filename (f->dir->path, "no", "such", "dir", "b.cimbak", NULL);
    g_assert_false (cr_repository_backup_sync (f->repo, nodir, 0, NULL, NULL, NULL, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  g_assert_false (cr_repository_get_backup_in_progress (f->repo));
  g_assert_cmpuint (count_leftovers (f->dir), ==, 0);
}

typedef struct {
  Fixture *f;
  gboolean saw_in_progress;
  guint64 done;
  guint64 total;
  guint calls;
  GCancellable *cancel_after_first;
  GError *second_backup_error;
} Progress;

static void
progress_cb (guint64 done, guint64 total, gpointer data)
{
  Progress *p = data;

  p->calls++;
  p->done = done;
  p->total = total;
  if (cr_repository_get_backup_in_progress (p->f->repo))
    p->saw_in_progress = TRUE;
  if (p->cancel_after_first != NULL)
    g_cancellable_cancel (p->cancel_after_first);
}

/* B4, B6: the flag is visible while it runs; the file describes itself
 * and verifies offline. */
static void
test_backup_and_inspect (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (CrBackupInfo) verified = NULL;
  Progress p = { .f = f };
  GStatBuf st;
  gint64 before = g_get_real_time ();

  g_assert_cmpint (cr_repository_get_last_backup_time (f->repo), ==, 0);
  g_assert_true (cr_repository_backup_sync (f->repo, f->target, 0, progress_cb, &p, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (p.saw_in_progress);
  g_assert_cmpuint (p.calls, >, 1);
  g_assert_cmpuint (p.done, ==, p.total);
  g_assert_false (cr_repository_get_backup_in_progress (f->repo));

  info = cr_backup_file_inspect (f->target, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_backup_info_get_format_version (info), ==, CR_BACKUP_FORMAT_VERSION);
  g_assert_cmpstr (cr_backup_info_get_repository_id (info), ==, cr_repository_get_id (f->repo));
  g_assert_cmpstr (cr_backup_info_get_source_path (info), ==, cr_repository_get_path (f->repo));
  g_assert_cmpint (cr_backup_info_get_created (info), >=, before);
  g_assert_cmpint (cr_backup_info_get_created (info), <=, g_get_real_time ());
  g_assert_cmpuint (cr_backup_info_get_schema_version (info), ==, cr_repository_get_schema_version (f->repo));
  g_assert_cmpuint (cr_backup_info_get_namespace_count (info), ==, 2);
  g_assert_cmpuint (cr_backup_info_get_class_count (info), ==, 3);
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, N_BULK);
  g_assert_cmpint (g_stat (f->target, &st), ==, 0);
  g_assert_cmpuint (cr_backup_info_get_file_size (info), ==, (guint64) st.st_size);
  g_assert_cmpuint (cr_backup_info_get_payload_size (info), ==, p.total);
  g_assert_true (g_str_has_prefix (cr_backup_info_get_checksum (info), "crc32c:"));

  verified = cr_backup_file_verify_sync (f->target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_backup_info_get_checksum (verified), ==, cr_backup_info_get_checksum (info));

  /* The last backup time is kept in the repository. */
  g_assert_cmpint (cr_repository_get_last_backup_time (f->repo), ==, cr_backup_info_get_created (info));
  {
    g_autofree char *path = g_strdup (cr_repository_get_path (f->repo));
    gint64 last = cr_repository_get_last_backup_time (f->repo);

    g_clear_object (&f->conn);
    g_clear_object (&f->repo);
    f->repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cr_repository_get_last_backup_time (f->repo), ==, last);
  }
  g_assert_cmpuint (count_leftovers (f->dir), ==, 0);
}

/* B7: a cancel leaves the target as it was and nothing beside it. */
static void
test_cancel_leaves_no_trace (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *contents = NULL;
  Progress p = { .f = f, .cancel_after_first = cancellable };

  /* First without a previous file, then over one. */
  g_assert_false (cr_repository_backup_sync (f->repo, f->target, 0, progress_cb, &p, cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->target, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_leftovers (f->dir), ==, 0);

  g_file_set_contents (f->target, "previous backup", -1, NULL);
  g_cancellable_reset (cancellable);
  g_assert_false (cr_repository_backup_sync (f->repo, f->target, 0, progress_cb, &p, cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_file_get_contents (f->target, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "previous backup");
  g_assert_cmpuint (count_leftovers (f->dir), ==, 0);
  g_assert_false (cr_repository_get_backup_in_progress (f->repo));
  g_assert_cmpint (cr_repository_get_last_backup_time (f->repo), ==, 0);

  /* The fd form leaves the file empty. */
  {
    g_autofree char *fd_target = cr_test_dir_file (f->dir, "fd.cimbak");
    int fd = open (fd_target, O_RDWR | O_CREAT, 0600);
    GStatBuf st;

    g_cancellable_reset (cancellable);
    g_clear_error (&error);
    g_assert_false (cr_repository_backup_fd_sync (f->repo, fd, 0, progress_cb, &p, cancellable, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
    g_assert_cmpint (g_stat (fd_target, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, 0);
    close (fd);
  }
}

/* B7: a write failure (here the file-size limit, as a full disk would)
 * leaves no partial file. Runs in a subprocess for the rlimit. */
static void
test_write_failure (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      struct rlimit lim = { 1024 * 1024, 1024 * 1024 };

      signal (SIGXFSZ, SIG_IGN);
      g_assert_no_errno (setrlimit (RLIMIT_FSIZE, &lim));
      g_assert_false (cr_repository_backup_sync (f->repo, f->target, 0, NULL, NULL, NULL, &error));
      g_assert_nonnull (error);
      g_printerr ("%s\n", error->message);
      g_assert_false (g_file_test (f->target, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (count_leftovers (f->dir), ==, 0);
      g_assert_false (cr_repository_get_backup_in_progress (f->repo));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Could not write*");
}

/* Only one backup at a time. */
static void
second_backup_cb (guint64 done, guint64 total, gpointer data)
{
  Progress *p = data;
  g_autofree char *other = NULL;

  if (p->calls++ > 0)
    return;
  other = cr_test_dir_file (p->f->dir, "other.cimbak");
  cr_repository_backup_sync (p->f->repo, other, 0, NULL, NULL, NULL, &p->second_backup_error);
}

static void
test_one_at_a_time (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Progress p = { .f = f };

  g_assert_true (cr_repository_backup_sync (f->repo, f->target, 0, second_backup_cb, &p, NULL, &error));
  g_assert_no_error (error);
  g_assert_error (p.second_backup_error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&p.second_backup_error);
}

/* B5: writers keep committing during the backup, and the backup is one
 * consistent point in time: the writer's instances 0..k-1, no gap. */
typedef struct {
  CrConnection *conn;
  volatile gint stop;
  guint committed;
} SteadyWriter;

static gpointer
steady_writer (gpointer data)
{
  SteadyWriter *w = data;

  while (!g_atomic_int_get (&w->stop))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
      g_autofree char *name = g_strdup_printf ("w%06u", w->committed);
      g_autofree char *path = NULL;

      cr_instance_set_property (inst, "Name", g_variant_new_string (name));
      cr_instance_set_property (inst, "Size", g_variant_new_uint64 (w->committed));
      path = cr_connection_put_instance (w->conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);
      w->committed++;
    }
  return NULL;
}

static void
test_consistent_while_writing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (CrTestDir) other = cr_test_dir_new ();
  g_autoptr (CrRepository) restored = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GPtrArray) all = NULL;
  SteadyWriter w = { .conn = f->conn };
  GThread *thread;
  guint before, after, seen = 0;
  guint64 max_size = 0;

  thread = g_thread_new ("steady", steady_writer, &w);
  while (g_atomic_int_get ((gint *) &w.committed) < 50)
    g_usleep (1000);
  before = w.committed;
  g_assert_true (cr_repository_backup_sync (f->repo, f->target, 0, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  after = w.committed;
  g_atomic_int_set (&w.stop, 1);
  g_thread_join (thread);
  g_test_message ("writer committed %u before, %u after the backup", before, after);
  g_assert_cmpuint (after, >, before);

  info = cr_backup_file_verify_sync (f->target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  restored = cr_test_repository_new (other);
  g_assert_true (cr_repository_restore_sync (restored, f->target, CR_RESTORE_FLAGS_FORCE_SHUTDOWN,
                                             NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  conn = cr_test_connect (restored, "root/test");
  all = cr_connection_enumerate_instances (conn, "Test_Item", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, cr_backup_info_get_instance_count (info));
  for (guint i = 0; i < all->len; i++)
    {
      CrInstance *inst = g_ptr_array_index (all, i);
      GVariant *name = cr_instance_get_property (inst, "Name");

      if (g_str_has_prefix (g_variant_get_string (name, NULL), "w"))
        {
          seen++;
          max_size = MAX (max_size, g_variant_get_uint64 (cr_instance_get_property (inst, "Size")));
        }
    }
  /* w000000 … w(k-1): as many as the largest index says, so no gap */
  g_assert_cmpuint (seen, >=, before);
  g_assert_cmpuint (seen, <=, after);
  g_assert_cmpuint (max_size + 1, ==, seen);
}

/* A backup while paused reads only: the file stays as the pause made
 * it, and the backup's record is written after the resume. */
static void
test_while_paused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  const char *db = cr_repository_get_path (f->repo);

  pause = cr_repository_pause_sync (f->repo, "snapshotter", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  before = cr_test_read_file (db);
  g_assert_true (cr_repository_backup_sync (f->repo, f->target, 0, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  after = cr_test_read_file (db);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_true (cr_repository_get_last_backup_time (f->repo) > 0);

  info = cr_backup_file_verify_sync (f->target, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, N_BULK);

  g_assert_true (cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error));
  {
    g_autofree char *path = g_strdup (db);
    gint64 last = cr_repository_get_last_backup_time (f->repo);

    g_clear_object (&f->conn);
    g_clear_object (&pause);
    g_clear_object (&f->repo);
    f->repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cr_repository_get_last_backup_time (f->repo), ==, last);
  }
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
main_progress_cb (guint64 done, guint64 total, gpointer data)
{
  Progress *p = data;

  /* The async form reports in the caller's (this) thread. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  p->calls++;
  p->done = done;
  p->total = total;
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  Progress p = { .f = f };
  gboolean notified = FALSE;

  g_signal_connect_swapped (f->repo, "notify::backup-in-progress", G_CALLBACK (g_ptr_array_add), seen);
  cr_repository_backup_async (f->repo, f->target, 0, main_progress_cb, &p, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cr_repository_backup_finish (f->repo, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (p.calls, >, 0);
  g_assert_cmpuint (p.done, ==, p.total);
  /* notify::backup-in-progress: TRUE, then FALSE */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  notified = seen->len >= 1;
  g_assert_true (notified);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/cimrepo/backup/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("bad-arguments", test_bad_arguments);
  ADD ("backup-and-inspect", test_backup_and_inspect);
  ADD ("cancel-leaves-no-trace", test_cancel_leaves_no_trace);
  ADD ("write-failure", test_write_failure);
  ADD ("one-at-a-time", test_one_at_a_time);
  ADD ("consistent-while-writing", test_consistent_while_writing);
  ADD ("while-paused", test_while_paused);
  ADD ("async", test_async);
#undef ADD
  return g_test_run ();
}
