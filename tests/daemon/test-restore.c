/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cr-daemon-test.h"

#define N_ITEMS 5

typedef struct {
  CrDaemonTest *test;
  CrTestClient *admin;
  CrTestJobWatch *watch;
  char *backup_path;
  GArray *restore_flags; /* gboolean, each RestoreInProgress seen */
} Fixture;

static void
root_properties_cb (GDBusProxy *proxy, GVariant *changed, GStrv invalidated, Fixture *f)
{
  gboolean value;

  if (g_variant_lookup (changed, "RestoreInProgress", "b", &value))
    g_array_append_val (f->restore_flags, value);
}

/* A backup of the repository as it was, then one more item in it. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (CrConnection1) conn = NULL;
  g_autofree char *extra = NULL;

  f->test = cr_daemon_test_new ();
  /* Half a megabyte: the restore reports progress half-way. */
  cr_daemon_test_populate (f->test, N_ITEMS, 512 * 1024);
  cr_daemon_test_start (f->test, NULL);
  f->admin = cr_test_client_new (f->test);
  f->watch = cr_test_job_watch_new (f->admin);
  f->backup_path = cr_test_dir_file (f->test->dir, "backup.cimbak");
  f->restore_flags = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_assert_true (cr_test_client_backup (f->admin, f->watch, f->backup_path));

  conn = cr_test_client_open (f->admin, "root/test");
  extra = cr_test_put_remote_item (conn, "after-backup", 1);
  g_signal_connect (f->admin->repository, "g-properties-changed", G_CALLBACK (root_properties_cb), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) g_unlink (f->test->hold_file);
  cr_test_job_watch_free (f->watch);
  cr_test_client_free (f->admin);
  cr_daemon_test_free (f->test);
  g_free (f->backup_path);
  g_array_unref (f->restore_flags);
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

typedef struct {
  CrConnection1 *proxy;
  char *reason;
} Watched;

static void
closed_cb (CrConnection1 *proxy, const char *reason, Watched *w)
{
  g_assert_null (w->reason);
  w->reason = g_strdup (reason);
}

static gboolean
all_closed (gpointer data)
{
  Watched *w = data;

  for (guint i = 0; w[i].proxy != NULL; i++)
    if (w[i].reason == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
restore_flag_is_false (gpointer data)
{
  return !cr_repository1_get_restore_in_progress (data);
}

static gboolean
restore_flag_is_true (gpointer data)
{
  return cr_repository1_get_restore_in_progress (data);
}

static guint
count_connections (CrTestClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) list = NULL;

  cr_repository1_call_list_connections_sync (client->repository, &list, NULL, &error);
  g_assert_no_error (error);
  return (guint) g_variant_n_children (list);
}

/* R5, R6: a forced restore with three clients connected. */
static void
test_forced (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrBackupInfo) info = cr_backup_file_verify_sync (f->backup_path, NULL, NULL, NULL, NULL);
  CrTestClient *clients[3];
  Watched watched[4] = { { 0 } };
  g_autofree char *job = NULL;
  g_autoptr (GVariant) classes = NULL;
  CrTestJobRecord *record;

  g_assert_nonnull (info);
  for (guint i = 0; i < 3; i++)
    {
      clients[i] = cr_test_client_new (f->test);
      watched[i].proxy = cr_test_client_open (clients[i], "root/test");
      g_signal_connect (watched[i].proxy, "closed", G_CALLBACK (closed_cb), &watched[i]);
      g_assert_cmpuint (cr_test_count_remote (watched[i].proxy, "Test_Item"), ==, N_ITEMS + 1);
    }

  job = cr_test_client_start_restore (f->admin, f->backup_path, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, job, 30000));
  record = cr_test_job_watch_get (f->watch, job);
  if (!record->success)
    g_error ("restore failed: %s: %s", record->error_name, record->message);
  g_assert_cmpstr (record->state, ==, "succeeded");

  /* Each client is told why */
  g_assert_true (cr_test_wait_for (all_closed, watched, cr_daemon_test_timeout (5000)));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (watched[i].reason, ==, "restore");

  /* Their old paths fail clearly */
  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&classes, g_variant_unref);
      cr_connection1_call_enumerate_classes_sync (watched[i].proxy, "", TRUE, &classes, NULL, &error);
      cr_test_assert_remote_error (error, CR_ERROR_CONNECTION_CLOSED, "ConnectionClosed");
      g_assert_nonnull (strstr (error->message, "restored"));
      g_assert_nonnull (strstr (error->message, g_dbus_proxy_get_object_path (G_DBUS_PROXY (watched[i].proxy))));
      g_clear_error (&error);
    }
  g_assert_cmpuint (count_connections (f->admin), ==, 0);

  /* R8 and the flag's whole life on the bus */
  g_assert_true (cr_test_wait_for (restore_flag_is_false, f->admin->repository, 1000));
  g_assert_cmpuint (f->restore_flags->len, >=, 2);
  g_assert_true (g_array_index (f->restore_flags, gboolean, 0));
  g_assert_false (g_array_index (f->restore_flags, gboolean, f->restore_flags->len - 1));
  g_assert_cmpstr (cr_repository1_get_id (f->admin->repository), ==, cr_backup_info_get_repository_id (info));

  /* Reconnecting works, and sees the backup's content */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (CrConnection1) again = cr_test_client_open (clients[i], "root/test");

      g_assert_cmpuint (cr_test_count_remote (again, "Test_Item"), ==, N_ITEMS);
    }

  for (guint i = 0; i < 3; i++)
    {
      g_clear_object (&watched[i].proxy);
      g_free (watched[i].reason);
      cr_test_client_free (clients[i]);
    }
}

/* R1: no force flag, no restore; and nobody is disconnected. */
static void
test_no_force (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) client = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) conn = cr_test_client_open (client, "root/test");
  g_autofree char *job = NULL;

  job = cr_test_client_start_restore (f->admin, f->backup_path, 0, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "force"));
  g_clear_error (&error);
  job = cr_test_client_start_restore (f->admin, f->backup_path, 0x3, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_assert_null (job);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, N_ITEMS + 1);
  g_assert_cmpuint (f->restore_flags->len, ==, 0);
}

/* R9: a paused repository is not restored, and the error says who
 * paused it. */
static void
test_while_paused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) pauser = cr_test_client_new (f->test);
  g_autoptr (GVariant) options = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  g_autofree char *job = NULL;

  cr_repository1_call_pause_sync (pauser->repository, options, NULL, &error);
  g_assert_no_error (error);

  job = cr_test_client_start_restore (f->admin, f->backup_path, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_assert_nonnull (strstr (error->message, cr_test_client_get_name (pauser)));
  g_clear_error (&error);
  g_assert_null (job);

  cr_repository1_call_resume_sync (pauser->repository, NULL, &error);
  g_assert_no_error (error);
  job = cr_test_client_start_restore (f->admin, f->backup_path, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, job, 30000));
  g_assert_true (cr_test_job_watch_get (f->watch, job)->success);
}

/* R5: during a restore, new connections and calls get ShuttingDown. */
static void
test_shutting_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) client = cr_test_client_new (f->test);
  g_autoptr (CrTestClient) late = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) conn = cr_test_client_open (client, "root/test");
  g_autoptr (CrConnection1) again = NULL;
  g_autoptr (GVariant) instances = NULL;
  g_autofree char *job = NULL;
  g_autofree char *path = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *other = cr_test_dir_file (f->test->dir, "other.cimbak");
  Watched watched[2] = { { conn, NULL }, { 0 } };

  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), &watched[0]);
  hold (f);
  job = cr_test_client_start_restore (f->admin, f->backup_path, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_progress (f->watch, job, 10000));
  g_assert_true (cr_test_wait_for (restore_flag_is_true, late->repository, cr_daemon_test_timeout (5000)));

  cr_repository1_call_open_namespace_sync (late->repository, "root/test", &path, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_SHUTTING_DOWN, "ShuttingDown");
  g_clear_error (&error);
  cr_connection1_call_enumerate_instances_sync (conn, "Test_Item", TRUE, &instances, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_SHUTTING_DOWN, "ShuttingDown");
  g_clear_error (&error);
  backup = cr_test_client_start_backup (late, other, &error);
  cr_test_assert_remote_error (error, CR_ERROR_SHUTTING_DOWN, "ShuttingDown");
  g_clear_error (&error);
  {
    /* An import is a write like the others */
    g_autoptr (CrImportBatch) batch = cr_import_batch_new ();
    g_autoptr (CrClass) klass = cr_class_new ("Test_DuringRestore", NULL);
    g_autoptr (GVariant) summary = NULL;

    cr_import_batch_add_class (batch, "root/test", klass);
    summary = cr_test_client_import (late, cr_import_batch_to_variant (batch), FALSE, &error);
    cr_test_assert_remote_error (error, CR_ERROR_SHUTTING_DOWN, "ShuttingDown");
    g_clear_error (&error);
  }

  release (f);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, job, 30000));
  g_assert_true (cr_test_job_watch_get (f->watch, job)->success);
  g_assert_true (cr_test_wait_for (all_closed, watched, cr_daemon_test_timeout (5000)));
  g_assert_cmpstr (watched[0].reason, ==, "restore");
  g_free (watched[0].reason);

  again = cr_test_client_open (late, "root/test");
  g_assert_cmpuint (cr_test_count_remote (again, "Test_Item"), ==, N_ITEMS);
}

/* R4: a bad backup changes nothing and disconnects nobody. */
static void
test_bad_backup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) client = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) conn = cr_test_client_open (client, "root/test");
  g_autofree char *bad = cr_test_dir_file (f->test->dir, "bad.cimbak");
  g_autofree char *job = NULL;
  g_autofree char *garbage = g_strnfill (100000, 'x');
  Watched watched = { conn, NULL };
  CrTestJobRecord *record;

  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), &watched);
  g_file_set_contents (bad, garbage, -1, &error);
  g_assert_no_error (error);
  job = cr_test_client_start_restore (f->admin, bad, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_completed (f->watch, job, 30000));
  record = cr_test_job_watch_get (f->watch, job);
  g_assert_false (record->success);
  g_assert_cmpstr (record->error_name, ==, "org.cimrepo.Error.CorruptBackup");
  g_assert_cmpstr (record->state, ==, "failed");

  g_assert_true (cr_test_wait_for (restore_flag_is_false, f->admin->repository, cr_daemon_test_timeout (5000)));
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, N_ITEMS + 1);
  g_assert_null (watched.reason);
}

/* A cancelled restore changes nothing. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) client = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) conn = cr_test_client_open (client, "root/test");
  g_autoptr (CrJob1) proxy = NULL;
  g_autofree char *job = NULL;
  g_autofree char *id = g_strdup (cr_repository1_get_id (f->admin->repository));
  Watched watched = { conn, NULL };
  CrTestJobRecord *record;

  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), &watched);
  hold (f);
  job = cr_test_client_start_restore (f->admin, f->backup_path, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_progress (f->watch, job, 10000));
  proxy = cr_test_client_job_proxy (f->admin, job);
  g_assert_cmpstr (cr_job1_get_operation (proxy), ==, "restore");
  cr_job1_call_cancel_sync (proxy, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (cr_test_job_watch_wait_completed (f->watch, job, 30000));
  record = cr_test_job_watch_get (f->watch, job);
  g_assert_false (record->success);
  g_assert_cmpstr (record->error_name, ==, "org.cimrepo.Error.CallCancelled");
  g_assert_cmpstr (record->state, ==, "cancelled");

  g_assert_true (cr_test_wait_for (restore_flag_is_false, f->admin->repository, cr_daemon_test_timeout (5000)));
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, N_ITEMS + 1);
  g_assert_cmpstr (cr_repository1_get_id (f->admin->repository), ==, id);
  g_assert_null (watched.reason);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/cimrepo/restore/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("forced", test_forced);
  ADD ("no-force", test_no_force);
  ADD ("while-paused", test_while_paused);
  ADD ("shutting-down", test_shutting_down);
  ADD ("bad-backup", test_bad_backup);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
