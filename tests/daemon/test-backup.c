/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-daemon-test.h"

/* Big enough that a backup reports progress half-way: the engine copies
 * 4 MiB at a time. */
#define BIG_ITEMS 6
#define BIG_NOTE (1024 * 1024)

typedef struct {
  CrDaemonTest *test;
  CrTestClient *client;
  CrTestJobWatch *watch;
  char *backup_path;
  GArray *backup_flags; /* gboolean, each BackupInProgress seen */
  GHashTable *removed;  /* object paths taken off the bus */
  guint removed_id;
} Fixture;

static void
root_properties_cb (GDBusProxy *proxy, GVariant *changed, GStrv invalidated, Fixture *f)
{
  gboolean value;

  if (g_variant_lookup (changed, "BackupInProgress", "b", &value))
    g_array_append_val (f->backup_flags, value);
}

static void
interfaces_removed_cb (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                       const char *signal, GVariant *parameters, gpointer data)
{
  Fixture *f = data;
  const char *object;

  g_variant_get (parameters, "(&o@as)", &object, NULL);
  g_hash_table_add (f->removed, g_strdup (object));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gboolean big = GPOINTER_TO_INT (data);

  f->test = cr_daemon_test_new ();
  if (big)
    cr_daemon_test_populate (f->test, BIG_ITEMS, BIG_NOTE);
  else
    cr_daemon_test_populate (f->test, 10, 0);
  cr_daemon_test_start (f->test, NULL);
  f->client = cr_test_client_new (f->test);
  f->watch = cr_test_job_watch_new (f->client);
  f->backup_path = cr_test_dir_file (f->test->dir, "backup.cimbak");
  f->backup_flags = g_array_new (FALSE, FALSE, sizeof (gboolean));
  f->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (f->client->repository, "g-properties-changed", G_CALLBACK (root_properties_cb), f);
  f->removed_id = g_dbus_connection_signal_subscribe (f->client->bus, NULL, "org.freedesktop.DBus.ObjectManager",
                                                      "InterfacesRemoved", "/org/cimrepo/Repository1", NULL,
                                                      G_DBUS_SIGNAL_FLAGS_NONE, interfaces_removed_cb, f, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (f->client->bus, f->removed_id);
  (void) g_unlink (f->test->hold_file);
  cr_test_job_watch_free (f->watch);
  cr_test_client_free (f->client);
  cr_daemon_test_free (f->test);
  g_free (f->backup_path);
  g_array_unref (f->backup_flags);
  g_hash_table_unref (f->removed);
}

static void
hold (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (f->test->hold_file, "", 0, &error);
  g_assert_no_error (error);
}

static void
release (Fixture *f)
{
  g_assert_cmpint (g_unlink (f->test->hold_file), ==, 0);
}

static gboolean
backup_flag_is_false (gpointer data)
{
  return !cr_repository1_get_backup_in_progress (data);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

typedef struct {
  GHashTable *removed;
  const char *path;
} RemovedWait;

static gboolean
is_removed (gpointer data)
{
  RemovedWait *wait = data;

  return g_hash_table_contains (wait->removed, wait->path);
}

/* A job reports progress, reaches 1.0, completes, and stays a while. */
static void
test_progress (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrJob1) job = NULL;
  g_autoptr (GVariant) state = NULL;
  g_autoptr (GVariant) info = NULL;
  g_autoptr (CrBackupInfo) local_info = NULL;
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  g_autofree char *path = NULL;
  CrTestJobRecord *record;
  RemovedWait removed;
  double last = -1.0;
  const char *id;
  int fd;

  hold (f);
  path = cr_test_client_start_backup (f->client, f->backup_path, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, "/org/cimrepo/Repository1/Job/"));
  job = cr_test_client_job_proxy (f->client, path);
  g_assert_cmpstr (cr_job1_get_operation (job), ==, "backup");
  g_assert_cmpstr (cr_job1_get_started_by (job), ==, cr_test_client_get_name (f->client));

  /* Half-way, held */
  g_assert_true (cr_test_job_watch_wait_progress (f->watch, path, 10000));
  record = cr_test_job_watch_get (f->watch, path);
  g_assert_false (record->completed);
  g_assert_cmpuint (record->bytes_done, >, 0);
  g_assert_cmpuint (record->bytes_done, <, record->bytes_total);
  g_assert_cmpuint (record->progress->len, >, 0);
  g_assert_cmpfloat (g_array_index (record->progress, double, record->progress->len - 1), >, 0.0);
  g_assert_cmpfloat (g_array_index (record->progress, double, record->progress->len - 1), <, 1.0);
  g_assert_true (cr_repository1_get_backup_in_progress (f->client->repository));

  release (f);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, path, 30000));
  g_assert_true (record->success);
  g_assert_cmpstr (record->error_name, ==, "");
  g_assert_cmpstr (record->state, ==, "succeeded");
  g_assert_cmpuint (record->bytes_done, ==, record->bytes_total);
  for (guint i = 0; i < record->progress->len; i++)
    {
      double p = g_array_index (record->progress, double, i);

      g_assert_cmpfloat (p, >=, last);
      last = p;
    }
  g_assert_cmpfloat (last, ==, 1.0);

  /* B4: the flag went up and came down, before Completed */
  g_assert_false (cr_repository1_get_backup_in_progress (f->client->repository));
  g_assert_cmpuint (f->backup_flags->len, >=, 2);
  g_assert_true (g_array_index (f->backup_flags, gboolean, 0));
  g_assert_false (g_array_index (f->backup_flags, gboolean, f->backup_flags->len - 1));
  g_assert_cmpint (cr_repository1_get_last_backup_time (f->client->repository), >, 0);

  /* Still there for a late reader, with its end state */
  state = g_dbus_connection_call_sync (f->client->bus, "org.cimrepo.Repository1", path,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.cimrepo.Job1", "State"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (cr_job1_get_rate (job), >, 0.0);

  /* The file is a verified backup of this repository */
  local_info = cr_backup_file_verify_sync (f->backup_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_backup_info_get_repository_id (local_info), ==, cr_repository1_get_id (f->client->repository));
  fd = g_open (f->backup_path, O_RDONLY | O_CLOEXEC, 0);
  g_unix_fd_list_append (fds, fd, &error);
  g_assert_no_error (error);
  close (fd);
  cr_repository1_call_inspect_backup_sync (f->client->repository, g_variant_new_handle (0), fds, &info, NULL, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (info, "repository-id", "&s", &id));
  g_assert_cmpstr (id, ==, cr_repository1_get_id (f->client->repository));

  /* Gone after a few seconds */
  removed.removed = f->removed;
  removed.path = path;
  g_assert_true (cr_test_wait_for (is_removed, &removed, cr_daemon_test_timeout (10000)));
  g_assert_true (cr_test_wait_for (backup_flag_is_false, f->client->repository, 1000));
}

static GVariant *
empty_options (void)
{
  return g_variant_new ("a{sv}", NULL);
}

static void
call_with_fd (Fixture *f, const char *method, int fd, guint flags, GError **error)
{
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr (GVariant) reply = NULL;
  GVariant *args;

  g_unix_fd_list_append (fds, fd, NULL);
  if (g_str_equal (method, "InspectBackup"))
    args = g_variant_new ("(h)", 0);
  else
    args = g_variant_new ("(hu@a{sv})", 0, flags, empty_options ());
  reply = cr_test_call_with_fds (f->client, method, args, fds, error);
}

/* Only a regular file, open for the right access, is taken. */
static void
test_refused_fds (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  int pipe_fds[2];
  int fd;
  const char *methods[] = { "Backup", "Restore", "InspectBackup" };

  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      gboolean backup = g_str_equal (methods[i], "Backup");

      call_with_fd (f, methods[i], backup ? pipe_fds[1] : pipe_fds[0], backup ? 0 : 1, &error);
      cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
      g_assert_nonnull (strstr (error->message, "regular file"));
      g_clear_error (&error);
    }
  close (pipe_fds[0]);
  close (pipe_fds[1]);

  /* A directory */
  fd = g_open (f->test->dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  call_with_fd (f, "Restore", fd, 1, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);
  close (fd);

  /* Read-only for a backup */
  g_file_set_contents (f->backup_path, "old", 3, NULL);
  fd = g_open (f->backup_path, O_RDONLY | O_CLOEXEC, 0);
  call_with_fd (f, "Backup", fd, 0, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "writing"));
  g_clear_error (&error);
  close (fd);

  /* Write-only for a restore */
  fd = g_open (f->backup_path, O_WRONLY | O_CLOEXEC, 0);
  call_with_fd (f, "Restore", fd, 1, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "reading"));
  g_clear_error (&error);
  close (fd);

  /* The repository itself */
  fd = g_open (f->test->repository_path, O_RDWR | O_CLOEXEC, 0);
  call_with_fd (f, "Backup", fd, 0, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "repository itself"));
  g_clear_error (&error);
  close (fd);
  g_assert_cmpuint (file_size (f->test->repository_path), >, 0);

  /* Nothing was written, no job started */
  g_assert_cmpuint (file_size (f->backup_path), ==, 3);
  g_assert_cmpuint (g_hash_table_size (f->watch->jobs), ==, 0);
  g_assert_false (cr_repository1_get_backup_in_progress (f->client->repository));
}

/* Exactly one fd, where the method declares one. */
static void
test_fd_count (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GUnixFDList) two = g_unix_fd_list_new ();
  g_autoptr (GUnixFDList) one = g_unix_fd_list_new ();
  int fd = g_open (f->backup_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  reply = cr_test_call_with_fds (f->client, "Backup", g_variant_new ("(hu@a{sv})", 0, 0, empty_options ()),
                                 NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_unix_fd_list_append (two, fd, NULL);
  g_unix_fd_list_append (two, fd, NULL);
  reply = cr_test_call_with_fds (f->client, "Backup", g_variant_new ("(hu@a{sv})", 0, 0, empty_options ()),
                                 two, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_unix_fd_list_append (one, fd, NULL);
  reply = cr_test_call_with_fds (f->client, "Backup", g_variant_new ("(hu@a{sv})", 1, 0, empty_options ()),
                                 one, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);
  close (fd);
  g_assert_cmpuint (g_hash_table_size (f->watch->jobs), ==, 0);
}

/* B1: flags are reserved; and options must be known. */
static void
test_flags (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  int fd;

  g_file_set_contents (f->backup_path, "old", 3, NULL);
  fd = g_open (f->backup_path, O_RDWR | O_CLOEXEC, 0);
  call_with_fd (f, "Backup", fd, 1, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  {
    g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
    g_autoptr (GVariant) reply = NULL;

    g_variant_dict_insert (options, "compress", "b", TRUE);
    g_unix_fd_list_append (fds, fd, NULL);
    reply = cr_test_call_with_fds (f->client, "Backup",
                                   g_variant_new ("(hu@a{sv})", 0, 0, g_variant_dict_end (options)), fds, &error);
    cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
    g_assert_nonnull (strstr (error->message, "compress"));
    g_clear_error (&error);
  }
  close (fd);
  g_assert_cmpuint (file_size (f->backup_path), ==, 3);
}

/* B7: a cancelled backup leaves an empty file and the repository as it
 * was. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrJob1) job = NULL;
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autofree char *path = NULL;
  g_auto (GStrv) problems = NULL;
  gboolean ok = FALSE;
  CrTestJobRecord *record;

  hold (f);
  path = cr_test_client_start_backup (f->client, f->backup_path, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_progress (f->watch, path, 10000));
  record = cr_test_job_watch_get (f->watch, path);
  g_assert_false (record->completed);

  job = cr_test_client_job_proxy (f->client, path);
  cr_job1_call_cancel_sync (job, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, path, 30000));
  g_assert_false (record->success);
  g_assert_cmpstr (record->error_name, ==, "org.cimrepo.Error.CallCancelled");
  g_assert_cmpstr (record->state, ==, "cancelled");
  g_assert_cmpstr (record->message, !=, "");

  g_assert_cmpuint (file_size (f->backup_path), ==, 0);
  g_assert_true (cr_test_wait_for (backup_flag_is_false, f->client->repository, cr_daemon_test_timeout (5000)));
  g_assert_cmpint (cr_repository1_get_last_backup_time (f->client->repository), ==, 0);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, BIG_ITEMS);
  cr_repository1_call_verify_repository_sync (f->client->repository, &ok, &problems, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  /* A finished job cannot be cancelled */
  cr_job1_call_cancel_sync (job, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
}

/* One backup at a time; a second is refused at once, and writers go on. */
static void
test_concurrent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other_path = cr_test_dir_file (f->test->dir, "other.cimbak");
  g_autofree char *written = NULL;

  hold (f);
  first = cr_test_client_start_backup (f->client, f->backup_path, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_progress (f->watch, first, 10000));

  second = cr_test_client_start_backup (f->client, other_path, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_clear_error (&error);

  /* B5: a write while the backup runs */
  written = cr_test_put_remote_item (conn, "during", 1);

  release (f);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, first, 30000));
  g_assert_true (cr_test_job_watch_get (f->watch, first)->success);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, BIG_ITEMS + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, big, func) \
  g_test_add ("/cimrepo/backup/" name, Fixture, GINT_TO_POINTER (big), fixture_set_up, func, fixture_tear_down)
  ADD ("progress", TRUE, test_progress);
  ADD ("refused-fds", FALSE, test_refused_fds);
  ADD ("fd-count", FALSE, test_fd_count);
  ADD ("flags", FALSE, test_flags);
  ADD ("cancel", TRUE, test_cancel);
  ADD ("concurrent", TRUE, test_concurrent);
#undef ADD

  return g_test_run ();
}
