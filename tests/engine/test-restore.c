/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cr-backup-file-private.h"
#include "cr-test-utils.h"

/*
 * Each test starts from a repository with 30 items "old…" and a backup
 * of another state of it with 40 items "new…" (and a third class).
 */
typedef struct {
  CrTestDir *dir;
  CrRepository *repo;
  CrConnection *conn;
  char *backup;
} Fixture;

static void
put_items (CrConnection *conn, const char *prefix, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);
      g_free (cr_test_put_item (conn, "Test_Item", name, i));
    }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClass) extra = cr_class_new ("Test_Extra", NULL);

  f->dir = cr_test_dir_new ();
  f->repo = cr_test_repository_new (f->dir);
  cr_test_add_schema (f->repo);
  f->conn = cr_test_connect (f->repo, "root/test");
  put_items (f->conn, "new", 40);
  cr_connection_put_class (f->conn, extra, CR_PUT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->backup = cr_test_dir_file (f->dir, "new.cimbak");
  cr_repository_backup_sync (f->repo, f->backup, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Now make the "old" state. */
  cr_connection_delete_class (f->conn, "Test_Extra", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *path = g_strdup_printf ("Test_Item.Name=\"new%u\"", i);
      cr_connection_delete_instance (f->conn, path, &error);
      g_assert_no_error (error);
    }
  put_items (f->conn, "old", 30);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->conn);
  g_clear_object (&f->repo);
  g_free (f->backup);
  cr_test_dir_free (f->dir);
}

static guint
count_leftovers (CrTestDir *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir->path, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".restore-") != NULL)
      n++;
  return n;
}

/* The repository holds exactly the old state, and the fixture's
 * connection still works. */
static void
assert_untouched (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) old = NULL;

  g_assert_false (cr_repository_get_restore_in_progress (f->repo));
  g_assert_false (cr_connection_is_closed (f->conn));
  g_assert_cmpuint (cr_repository_get_connection_count (f->repo), ==, 1);
  g_assert_cmpuint (cr_test_count_instances (f->conn, "Test_Item"), ==, 30);
  old = cr_connection_get_instance (f->conn, "Test_Item.Name=\"old7\"", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_leftovers (f->dir), ==, 0);
  g_free (cr_test_put_item (f->conn, "Test_Item", "still-writable", 1));
  cr_connection_delete_instance (f->conn, "Test_Item.Name=\"still-writable\"", &error);
  g_assert_no_error (error);
}

/* R1 */
static void
test_force_required (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (cr_repository_restore_sync (f->repo, f->backup, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "1 is connected"));
  g_clear_error (&error);
  g_assert_false (cr_repository_restore_sync (f->repo, f->backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN | 0x10,
                                              NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_restore_fd_sync (f->repo, 0, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  assert_untouched (f);
}

/* R2 */
static void
test_missing_source (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = cr_test_dir_file (f->dir, "missing.cimbak");
  int fds[2];

  g_assert_false (cr_repository_restore_sync (f->repo, NULL, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_restore_sync (f->repo, "", CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_restore_sync (f->repo, missing, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_repository_restore_fd_sync (f->repo, -1, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_no_errno (pipe (fds));
  g_assert_false (cr_repository_restore_fd_sync (f->repo, fds[0], CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  close (fds[0]);
  close (fds[1]);
  assert_untouched (f);
}

static void
on_closed (CrConnection *conn, const char *reason, gpointer data)
{
  GPtrArray *reasons = data;

  g_ptr_array_add (reasons, g_strdup (reason));
}

typedef struct {
  Fixture *f;
  gboolean saw_restoring;
  GError *connect_error;
  GError *call_error;
  guint calls;
} Probe;

/* Runs in the restore's thread, while it runs (R5). */
static void
probe_cb (guint64 done, guint64 total, gpointer data)
{
  Probe *p = data;
  g_autoptr (CrClientInfo) client = cr_client_info_new_self ("late");
  g_autoptr (CrConnection) late = NULL;
  g_autoptr (GPtrArray) classes = NULL;

  if (p->calls++ > 0)
    return;
  p->saw_restoring = cr_repository_get_restore_in_progress (p->f->repo);
  late = cr_repository_connect (p->f->repo, "root/test", client, &p->connect_error);
  classes = cr_connection_enumerate_classes (p->f->conn, NULL, TRUE, &p->call_error);
}

/* R5, R6, R7, R8: a good restore. */
static void
test_restore (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  g_autoptr (CrConnection) second = cr_test_connect (f->repo, "root");
  g_autoptr (CrConnection) fresh = NULL;
  g_autoptr (CrClass) extra = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *undo = g_strconcat (cr_repository_get_path (f->repo), ".undo", NULL);
  g_autoptr (CrTestDir) undo_dir = cr_test_dir_new ();
  g_autofree char *undo_copy = cr_test_dir_file (undo_dir, "repository.db");
  Probe p = { .f = f };

  g_signal_connect (f->conn, "closed", G_CALLBACK (on_closed), reasons);
  g_signal_connect (second, "closed", G_CALLBACK (on_closed), reasons);
  g_signal_connect_swapped (f->repo, "notify::restore-in-progress", G_CALLBACK (g_ptr_array_add), seen);

  g_assert_true (cr_repository_restore_sync (f->repo, f->backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN,
                                             probe_cb, &p, NULL, &error));
  g_assert_no_error (error);

  /* R5: during the restore */
  g_assert_true (p.saw_restoring);
  g_assert_error (p.connect_error, CR_ERROR, CR_ERROR_SHUTTING_DOWN);
  g_assert_error (p.call_error, CR_ERROR, CR_ERROR_SHUTTING_DOWN);
  g_clear_error (&p.connect_error);
  g_clear_error (&p.call_error);
  /* R8 */
  g_assert_false (cr_repository_get_restore_in_progress (f->repo));

  /* R6: every client told, its calls refused; the table starts again */
  while (reasons->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==, "restore");
  g_assert_cmpstr (g_ptr_array_index (reasons, 1), ==, "restore");
  g_assert_true (cr_connection_is_closed (f->conn));
  g_assert_null (cr_connection_get_class (f->conn, "Test_Item", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED);
  g_assert_nonnull (strstr (error->message, "restored"));
  g_clear_error (&error);
  list = cr_repository_list_connections (f->repo);
  g_assert_cmpuint (list->len, ==, 0);
  fresh = cr_test_connect (f->repo, "root/test");
  g_assert_cmpuint (cr_repository_get_connection_count (f->repo), ==, 1);

  /* The content is the backup's. */
  g_assert_cmpuint (cr_test_count_instances (fresh, "Test_Item"), ==, 40);
  extra = cr_connection_get_class (fresh, "Test_Extra", &error);
  g_assert_no_error (error);
  g_assert_true (cr_repository_verify_sync (f->repo, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_free (cr_test_put_item (fresh, "Test_Item", "after", 1));

  /* R7: the undo point holds the old content. */
  g_assert_true (g_file_test (undo, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr (GBytes) bytes = cr_test_read_file (undo);
    g_autoptr (CrRepository) old = NULL;
    g_autoptr (CrConnection) old_conn = NULL;

    cr_test_write_file (undo_copy, bytes);
    old = cr_repository_open_sync (undo_copy, CR_OPEN_FLAGS_NONE, NULL, &error);
    g_assert_no_error (error);
    old_conn = cr_test_connect (old, "root/test");
    g_assert_cmpuint (cr_test_count_instances (old_conn, "Test_Item"), ==, 30);
  }
  g_assert_cmpuint (count_leftovers (f->dir), ==, 0);

  /* R5/R8 announced: TRUE then FALSE */
  while (seen->len < 2)
    g_main_context_iteration (NULL, TRUE);
}

/* R4: every kind of bad backup is refused before anything changes. */
static void
check_refused (Fixture *f, GBytes *content, gint code, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = cr_test_dir_file (f->dir, "bad.cimbak");

  cr_test_write_file (bad, content);
  g_assert_false (cr_repository_restore_sync (f->repo, bad, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  if (!g_error_matches (error, CR_ERROR, code))
    g_error ("%s: expected code 0x%x, got %s", what, (guint32) code, error != NULL ? error->message : "success");
  g_test_message ("%s: %s", what, error->message);
  g_clear_error (&error);
  /* The offline verification says the same. */
  g_assert_null (cr_backup_file_verify_sync (bad, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  assert_untouched (f);
}

static GBytes *
flip_bit (GBytes *bytes, gsize offset, guint bit)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), len);

  data[offset] ^= (guint8) (1u << bit);
  return g_bytes_new_take (data, len);
}

static void
test_bad_backups (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) good = cr_test_read_file (f->backup);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) text = g_bytes_new_static ("Hello, this is not a backup at all\n", 35);
  g_autoptr (CrBackupInfo) info = cr_backup_file_inspect (f->backup, NULL);
  gsize size = g_bytes_get_size (good);
  guint64 payload = cr_backup_info_get_payload_offset (info);
  gsize offsets[] = { 0, 7, 8, 12, 16, 30, payload - 1, payload, payload + 18, payload + 100,
                      payload + size / 3, size / 2, size - 40, size - 20, size - 9, size - 1 };

  check_refused (f, empty, CR_ERROR_CORRUPT_BACKUP, "empty");
  check_refused (f, text, CR_ERROR_CORRUPT_BACKUP, "text");
  {
    g_autoptr (GBytes) sqlite = cr_test_read_file (cr_repository_get_path (f->repo));
    check_refused (f, sqlite, CR_ERROR_CORRUPT_BACKUP, "plain SQLite file");
  }
  for (gsize i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autoptr (GBytes) cut = NULL;
      g_autoptr (GBytes) flipped = NULL;
      g_autofree char *what = NULL;

      if (offsets[i] >= size)
        continue;
      cut = g_bytes_new_from_bytes (good, 0, offsets[i]);
      what = g_strdup_printf ("truncated at %zu", offsets[i]);
      check_refused (f, cut, CR_ERROR_CORRUPT_BACKUP, what);
      g_free (what);
      flipped = flip_bit (good, offsets[i], (guint) (i % 8));
      what = g_strdup_printf ("bit %zu flipped at %zu", i % 8, offsets[i]);
      /* A flip in the version field may read as a newer version. */
      if (offsets[i] >= 8 && offsets[i] < 12)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *bad = cr_test_dir_file (f->dir, "bad.cimbak");

          cr_test_write_file (bad, flipped);
          g_assert_false (cr_repository_restore_sync (f->repo, bad, CR_RESTORE_FLAGS_FORCE_SHUTDOWN,
                                                      NULL, NULL, NULL, &error));
          g_assert_true (g_error_matches (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP) ||
                         g_error_matches (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION));
          assert_untouched (f);
        }
      else
        check_refused (f, flipped, CR_ERROR_CORRUPT_BACKUP, what);
    }
}

/* A well-formed backup whose database is not acceptable: a newer schema,
 * an extra table, not a repository. Built with the real writer, so only
 * the content is wrong. */
static GBytes *
forge_backup (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dbpath = cr_test_dir_file (f->dir, "forged.db");
  g_autofree char *out = cr_test_dir_file (f->dir, "forged.cimbak");
  g_autoptr (GBytes) db_bytes = NULL;
  g_autoptr (CrBackupWriter) writer = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  CrBackupHeaderFields fields = { 0 };
  sqlite3 *db = NULL;
  gsize len;
  const guint8 *data;
  int fd;

  /* Start from a real copy of the repository. */
  {
    g_autoptr (GBytes) bytes = NULL;
    g_autofree char *copy = cr_test_dir_file (f->dir, "copy.cimbak");

    cr_repository_backup_sync (f->repo, copy, 0, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    info = cr_backup_file_inspect (copy, &error);
    g_assert_no_error (error);
    bytes = cr_test_read_file (copy);
    db_bytes = g_bytes_new_from_bytes (bytes, cr_backup_info_get_payload_offset (info),
                                       cr_backup_info_get_payload_size (info));
  }
  cr_test_write_file (dbpath, db_bytes);
  g_assert_cmpint (sqlite3_open (dbpath, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_clear_pointer (&db_bytes, g_bytes_unref);
  db_bytes = cr_test_read_file (dbpath);
  data = g_bytes_get_data (db_bytes, &len);

  fields.repository_id = "forged";
  fields.source_path = dbpath;
  fields.hostname = "test";
  fields.created = g_get_real_time ();
  fields.schema_version = 2;
  fields.page_size = 4096;
  fields.payload_size = len;
  fd = open (out, O_RDWR | O_CREAT | O_TRUNC, 0600);
  writer = cr_backup_writer_new (fd, &fields, &error);
  g_assert_no_error (error);
  g_assert_true (cr_backup_writer_write (writer, data, len, &error));
  g_clear_object (&info);
  info = cr_backup_writer_finish (writer, &error);
  g_assert_no_error (error);
  close (fd);
  return cr_test_read_file (out);
}

static void
test_bad_content (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) newer = forge_backup (f, "PRAGMA user_version = 99");
  g_autoptr (GBytes) extra = forge_backup (f, "CREATE TABLE sneaky (x)");
  g_autoptr (GBytes) trigger = forge_backup (f, "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM classes; END");
  g_autoptr (GBytes) zero = forge_backup (f, "PRAGMA user_version = 0");
  g_autoptr (GBytes) dangling = forge_backup (f, "UPDATE classes SET superclass_key = 'nothing' WHERE name = 'Test_SpecialItem'");

  check_refused (f, newer, CR_ERROR_UNSUPPORTED_VERSION, "newer schema");
  check_refused (f, extra, CR_ERROR_CORRUPT_BACKUP, "extra table");
  check_refused (f, trigger, CR_ERROR_CORRUPT_BACKUP, "trigger");
  check_refused (f, zero, CR_ERROR_CORRUPT_BACKUP, "not a repository");
  check_refused (f, dangling, CR_ERROR_CORRUPT_BACKUP, "dangling superclass");
}

/* R9 */
static void
test_while_paused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrPauseHandle) pause = cr_repository_pause_sync (f->repo, "rsync-job", NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_false (cr_repository_restore_sync (f->repo, f->backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_assert_nonnull (strstr (error->message, "rsync-job"));
  g_clear_error (&error);
  cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_untouched (f);
}

static void
cancel_cb (guint64 done, guint64 total, gpointer data)
{
  g_cancellable_cancel (data);
}

/* A cancel during verification leaves no trace. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  g_assert_false (cr_repository_restore_sync (f->repo, f->backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN,
                                              cancel_cb, cancellable, cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  assert_untouched (f);
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
  g_autoptr (CrConnection) conn = NULL;

  cr_repository_restore_async (f->repo, f->backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL,
                               got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cr_repository_restore_finish (f->repo, result, &error));
  g_assert_no_error (error);
  conn = cr_test_connect (f->repo, "root/test");
  g_assert_cmpuint (cr_test_count_instances (conn, "Test_Item"), ==, 40);
}

/* Whether this process still has @path open. */
static gboolean
file_is_open (const char *path)
{
  g_autoptr (GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  if (fds == NULL)
    return FALSE;
  while ((name = g_dir_read_name (fds)) != NULL)
    {
      g_autofree char *link = g_strconcat ("/proc/self/fd/", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (g_strcmp0 (target, path) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  CrRepository *repo;
  const char *backup;
  gint started;
  gint closing;
  gboolean ok;
  GError *error;
} CloseRace;

/* The restore, half-way, waits until the repository is being closed. */
static void
close_race_progress (guint64 done, guint64 total, gpointer data)
{
  CloseRace *race = data;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (g_atomic_int_get (&race->started))
    return;
  g_atomic_int_set (&race->started, TRUE);
  while (!g_atomic_int_get (&race->closing) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  /* Give the close the time to get to the store. */
  g_usleep (200 * 1000);
}

static gpointer
close_race_thread (gpointer data)
{
  CloseRace *race = data;

  race->ok = cr_repository_restore_sync (race->repo, race->backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN,
                                         close_race_progress, race, NULL, &race->error);
  return NULL;
}

/* Closing the repository while a restore runs waits for the restore:
 * afterwards nothing of the repository is open, whichever won. */
static void
test_close_during_restore (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) again = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autofree char *path = g_strdup (cr_repository_get_path (f->repo));
  CloseRace race = { f->repo, f->backup };
  GThread *thread;

  if (!g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("needs /proc/self/fd");
      return;
    }
  g_clear_object (&f->conn);
  thread = g_thread_new ("restore", close_race_thread, &race);
  while (!g_atomic_int_get (&race.started))
    g_usleep (1000);
  g_atomic_int_set (&race.closing, TRUE);
  cr_repository_close (f->repo);
  g_assert_false (file_is_open (path));
  g_thread_join (thread);

  /* The restore went through before the close, or was refused cleanly. */
  if (!race.ok)
    g_assert_error (race.error, CR_ERROR, CR_ERROR_SHUTTING_DOWN);
  g_clear_error (&race.error);
  g_assert_false (file_is_open (path));

  again = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  conn = cr_test_connect (again, "root/test");
  g_assert_cmpuint (cr_test_count_instances (conn, "Test_Item"), ==, race.ok ? 40 : 30);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/cimrepo/restore/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("force-required", test_force_required);
  ADD ("missing-source", test_missing_source);
  ADD ("restore", test_restore);
  ADD ("bad-backups", test_bad_backups);
  ADD ("bad-content", test_bad_content);
  ADD ("while-paused", test_while_paused);
  ADD ("cancel", test_cancel);
  ADD ("async", test_async);
  ADD ("close-during-restore", test_close_during_restore);
#undef ADD
  return g_test_run ();
}
