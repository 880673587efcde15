/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-client.h"
#include "cr-daemon-test.h"

/*
 * CrClient in session mode: the public client API against the real
 * cimrepod --session on a private bus. What the local tests (tests/client)
 * check of the engine, these check of the way through D-Bus: replies and
 * errors in the client's terms, the state mirror, jobs with progress and
 * cancel, connections reopened after a restore, a pause that ends with
 * its client, and a service that goes away.
 */

#define NS "root/test"
#define BIG_ITEMS 6
#define BIG_NOTE (1024 * 1024)

typedef struct {
  CrDaemonTest *test;
  CrClient *client;
  char *backup_path;
} Fixture;

static CrClient *
open_client (void)
{
  g_autoptr (GError) error = NULL;
  CrClient *client = cr_client_new_remote_sync (CR_CLIENT_MODE_SESSION, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->test = cr_daemon_test_new ();
  if (GPOINTER_TO_INT (data))
    cr_daemon_test_populate (f->test, BIG_ITEMS, BIG_NOTE);
  else
    cr_daemon_test_populate (f->test, 10, 0);
  cr_daemon_test_start (f->test, NULL);
  f->client = open_client ();
  f->backup_path = cr_test_dir_file (f->test->dir, "backup.cimbak");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
  (void) g_unlink (f->test->hold_file);
  cr_daemon_test_stop (f->test);
  cr_daemon_test_free (f->test);
  g_free (f->backup_path);
}

static gboolean
wait_for_paused (CrClient *client, gboolean paused)
{
  gint64 end = g_get_monotonic_time () + cr_daemon_test_timeout (5000) * G_TIME_SPAN_MILLISECOND;

  while (cr_client_get_paused (client) != paused && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  return cr_client_get_paused (client) == paused;
}

static guint
count_items (CrClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances = cr_client_enumerate_instances_sync (client, NS, "Test_Item", TRUE, NULL, &error);

  g_assert_no_error (error);
  return instances->len;
}

static char *
put_item (CrClient *client, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  char *path;

  cr_instance_set_property (inst, "Name", g_variant_new_string (name));
  cr_instance_set_property (inst, "Size", g_variant_new_uint64 (7));
  path = cr_client_put_instance_sync (client, NS, inst, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  return path;
}

/* Opening, the summary, the model operations, and errors as CR_ERROR */
static void
test_operations (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepositorySummary) summary = NULL;
  g_autoptr (CrClass) klass = NULL;
  g_autoptr (CrInstance) inst = NULL;
  g_autoptr (GPtrArray) connections = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  g_auto (GStrv) namespaces = NULL;
  g_autofree char *path = NULL;
  CrConnectionInfo *info;

  g_assert_cmpint (cr_client_get_mode (f->client), ==, CR_CLIENT_MODE_SESSION);
  g_assert_cmpstr (cr_client_get_location (f->client), ==, f->test->repository_path);

  summary = cr_client_get_summary_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (summary->location, ==, f->test->repository_path);
  g_assert_cmpuint (summary->instance_count, ==, 10);

  g_assert_cmpuint (count_items (f->client), ==, 10);
  klass = cr_client_get_class_sync (f->client, NS, "Test_Item", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_class_get_name (klass), ==, "Test_Item");
  classes = cr_client_enumerate_classes_sync (f->client, NS, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (classes->len, >, 0);

  path = put_item (f->client, "remote");
  inst = cr_client_get_instance_sync (f->client, NS, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_get_uint64 (cr_instance_get_property (inst, "Size")), ==, 7);
  g_assert_true (cr_client_delete_instance_sync (f->client, NS, path, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (cr_client_create_namespace_sync (f->client, "root/remote/child", CR_NAMESPACE_FLAGS_CREATE_PARENTS,
                                                  NULL, &error));
  g_assert_no_error (error);
  namespaces = cr_client_list_namespaces_sync (f->client, "root", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) namespaces, "root/remote/child"));

  /* Our namespace connection is in the table, under our process */
  connections = cr_client_list_connections_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connections->len, ==, 1);
  info = connections->pdata[0];
  g_assert_cmpstr (info->namespace_, ==, NS);
  g_assert_cmpint (info->pid, ==, getpid ());
  g_assert_true (g_str_has_prefix (info->id, "/org/cimrepo/Repository1/Connection/"));

  /* The service's errors arrive as CR_ERROR, without the D-Bus prefix */
  g_clear_object (&klass);
  klass = cr_client_get_class_sync (f->client, NS, "No_Such_Class", NULL, &error);
  g_assert_null (klass);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_false (g_str_has_prefix (error->message, "GDBus.Error"));
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);
  g_assert_null (cr_client_enumerate_instances_sync (f->client, "no/such/namespace", "Test_Item", TRUE, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
}

/* Every call has an async form that answers in the caller's context */
static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  cr_client_enumerate_instances_async (f->client, NS, "Test_Item", TRUE, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  instances = cr_client_enumerate_instances_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 10);

  /* Cancelled before it starts: CALL_CANCELLED, in CR_ERROR */
  g_clear_object (&result);
  g_cancellable_cancel (cancellable);
  cr_client_get_summary_async (f->client, cancellable, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (cr_client_get_summary_finish (f->client, result, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
}

/* The state mirror: the pauser sees it before pause_sync returns; others
 * within a second; only the holder may resume; P5 when it goes. */
static void
test_pause (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) other = open_client ();
  g_autofree char *pid = g_strdup_printf ("pid %d,", getpid ());

  g_assert_false (cr_client_get_paused (f->client));
  g_assert_true (cr_client_pause_sync (f->client, 60, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cr_client_get_paused (f->client));
  g_assert_true (cr_client_get_holds_pause (f->client));
  /* Named for people: the program and its pid, not a bus name */
  g_assert_nonnull (strstr (cr_client_get_paused_by (f->client), pid));
  g_assert_cmpint (cr_client_get_paused_by (f->client)[0], !=, ':');
  g_assert_cmpint (cr_client_get_auto_resume_at (f->client) - cr_client_get_paused_since (f->client), ==,
                   60 * G_USEC_PER_SEC);

  g_assert_true (wait_for_paused (other, TRUE));
  g_assert_false (cr_client_get_holds_pause (other));
  g_assert_cmpstr (cr_client_get_paused_by (other), ==, cr_client_get_paused_by (f->client));

  /* U2 */
  g_assert_false (cr_client_resume_sync (other, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CR_ERROR);
  g_clear_error (&error);
  g_assert_true (cr_client_get_paused (other));

  g_assert_true (cr_client_resume_sync (f->client, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cr_client_get_paused (f->client));
  g_assert_false (cr_client_get_holds_pause (f->client));
  g_assert_true (wait_for_paused (other, FALSE));

  /* P5: a client that goes ends its pause */
  g_assert_true (cr_client_pause_sync (f->client, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_paused (other, TRUE));
  g_clear_object (&f->client);
  g_assert_true (wait_for_paused (other, FALSE));
}

static void
progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  guint *reports = user_data;

  g_assert_cmpuint (done, <=, total);
  (*reports)++;
}

/* A backup through a Job: progress, a file that verifies; then a forced
 * restore, after which the client's namespace connection is opened
 * anew without the caller doing anything. */
static void
test_backup_restore (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (f->backup_path);
  g_autoptr (CrBackupInfo) info = NULL;
  g_autofree char *extra = NULL;
  guint reports = 0;

  g_assert_cmpuint (count_items (f->client), ==, BIG_ITEMS);
  g_assert_true (cr_client_backup_sync (f->client, file, progress_cb, &reports, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reports, >, 0);
  g_assert_cmpint (cr_client_get_last_backup_time (f->client), >, 0);
  g_assert_false (cr_client_get_backup_in_progress (f->client));
  info = cr_client_verify_backup_sync (f->client, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  extra = put_item (f->client, "after-backup");
  g_assert_cmpuint (count_items (f->client), ==, BIG_ITEMS + 1);

  /* R1: not without FORCE_SHUTDOWN */
  g_assert_false (cr_client_restore_sync (f->client, file, CR_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (count_items (f->client), ==, BIG_ITEMS + 1);

  reports = 0;
  g_assert_true (cr_client_restore_sync (f->client, file, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, progress_cb, &reports,
                                         NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cr_client_get_restore_in_progress (f->client));
  /* The old connection was closed by the restore; the client opens a
   * new one, on the restored content */
  g_assert_cmpuint (count_items (f->client), ==, BIG_ITEMS);
}

static gboolean
backup_in_progress (gpointer data)
{
  return cr_client_get_backup_in_progress (data);
}

static gboolean
cancel_when_running (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  GCancellable *cancellable = ((gpointer *) data)[1];

  if (!cr_client_get_backup_in_progress (f->client))
    return G_SOURCE_CONTINUE;
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* Cancelling a backup cancels the service's job: no file is left, the
 * service is not busy afterwards. */
static void
test_backup_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (f->backup_path);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GDir) dir = NULL;
  gpointer pair[] = { f, cancellable };
  const char *name;

  g_file_set_contents (f->test->hold_file, "", 0, &error);
  g_assert_no_error (error);
  cr_client_backup_async (f->client, file, NULL, NULL, cancellable, done_cb, &result);
  g_timeout_add (10, cancel_when_running, pair);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cr_client_backup_finish (f->client, result, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_assert_false (backup_in_progress (f->client));

  dir = g_dir_open (f->test->dir->path, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "backup.cimbak"));
}

/* A batch larger than any D-Bus message may be goes through (in a
 * file), all of it in one transaction */
static void
test_big_import (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrImportBatch) batch = cr_import_batch_new ();
  g_autofree char *note = g_malloc (1024 * 1024 + 1);
  g_autoptr (CrInstance) inst = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (CrRepositorySummary) summary_after = NULL;
  CrImportSummary summary;

  memset (note, 'n', 1024 * 1024);
  note[1024 * 1024] = '\0';
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr (CrInstance) item = cr_instance_new ("Test_Item");
      g_autofree char *name = g_strdup_printf ("big%u", i);

      cr_instance_set_property (item, "Name", g_variant_new_string (name));
      cr_instance_set_property (item, "Note", g_variant_new_string (note));
      cr_import_batch_add_instance (batch, NS, item);
    }
  g_assert_true (cr_client_import_sync (f->client, batch, FALSE, &summary, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED], ==, 40);
  inst = cr_client_get_instance_sync (f->client, NS, "Test_Item.Name=\"big39\"", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (g_variant_get_string (cr_instance_get_property (inst, "Note"), NULL)), ==, 1024 * 1024);

  /* Reading all of it at once would be a message larger than the bus
   * carries, which would cost the service its place on the bus: a
   * clear error instead, and the service stays */
  instances = cr_client_enumerate_instances_sync (f->client, NS, "Test_Item", TRUE, NULL, &error);
  g_assert_null (instances);
  g_assert_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);
  summary_after = cr_client_get_summary_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary_after->instance_count, ==, 10 + 40);
}

static void
count_cb (CrClient *client, gpointer data)
{
  guint *count = data;

  (*count)++;
}

static gboolean
nonzero (gpointer data)
{
  return *(guint *) data > 0;
}

/* Another client's job ended in failure as Job/1; the service restarted
 * and named our backup Job/1 too. Only the answer to our call and the
 * signals of the service that owns the name now count. */
static void
test_stale_job_end (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestClient) other = cr_test_client_new (f->test);
  g_autoptr (CrTestJobWatch) watch = cr_test_job_watch_new (other);
  g_autofree char *garbage = cr_test_dir_file (f->test->dir, "not-a-backup.cimbak");
  g_autofree char *job = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (f->backup_path);
  g_autoptr (CrBackupInfo) info = NULL;

  g_file_set_contents (garbage, "not a backup", -1, &error);
  g_assert_no_error (error);
  job = cr_test_client_start_restore (other, garbage, 1, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_completed (watch, job, cr_daemon_test_timeout (10000)));
  g_assert_false (cr_test_job_watch_get (watch, job)->success);
  g_clear_pointer (&watch, cr_test_job_watch_free);
  g_clear_pointer (&other, cr_test_client_free);

  cr_daemon_test_stop (f->test);
  cr_daemon_test_start (f->test, NULL);
  g_assert_true (cr_client_backup_sync (f->client, file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  info = cr_client_verify_backup_sync (f->client, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, 10);
}

/* An answer that D-Bus would carry larger than the bus allows (booleans
 * take 4 bytes there, 1 in GVariant) is refused, and the service stays
 * on the bus */
static void
test_wire_size (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClass) klass = cr_class_new ("Test_Flags", NULL);
  g_autoptr (GPtrArray) instances = NULL;
  g_autoptr (CrRepositorySummary) summary = NULL;
  g_autofree guint8 *flags = g_new0 (guint8, 65536);
  CrProperty *name = cr_property_new ("Name", CR_CIM_TYPE_STRING);
  GVariant *array;

  g_ptr_array_add (name->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_NONE));
  cr_class_add_property (klass, name);
  cr_class_add_property (klass, cr_property_new ("Flags", CR_CIM_TYPE_BOOLEAN | CR_CIM_FLAG_ARRAY));
  cr_client_put_class_sync (f->client, NS, klass, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  array = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_BOOLEAN, flags, 65536, sizeof (guint8)));
  for (guint i = 0; i < 140; i++)
    {
      g_autoptr (CrInstance) inst = cr_instance_new ("Test_Flags");
      g_autofree char *key = g_strdup_printf ("f%u", i);
      g_autofree char *path = NULL;

      cr_instance_set_property (inst, "Name", g_variant_new_string (key));
      cr_instance_set_property (inst, "Flags", array);
      path = cr_client_put_instance_sync (f->client, NS, inst, CR_PUT_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);
    }
  g_variant_unref (array);

  instances = cr_client_enumerate_instances_sync (f->client, NS, "Test_Flags", TRUE, NULL, &error);
  g_assert_null (instances);
  g_assert_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);
  summary = cr_client_get_summary_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->instance_count, ==, 10 + 140);
}

/* A write, once sent, is not cancelled half-way: its caller hears
 * what it did */
static void
test_write_not_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) holder = open_client ();
  g_autoptr (CrImportBatch) batch = cr_import_batch_new ();
  g_autoptr (CrClass) klass = cr_class_new ("Test_Cancelled", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrClass) stored = NULL;
  CrImportSummary summary;

  cr_import_batch_add_class (batch, NS, klass);
  g_assert_true (cr_client_pause_sync (holder, 0, NULL, &error));
  g_assert_no_error (error);
  cr_client_import_async (f->client, batch, FALSE, cancellable, done_cb, &result);
  /* Sent, and held by the pause */
  g_usleep (200 * 1000);
  g_cancellable_cancel (cancellable);
  g_assert_true (cr_client_resume_sync (holder, NULL, &error));
  g_assert_no_error (error);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cr_client_import_finish (f->client, result, &summary, &error));
  g_assert_no_error (error);
  stored = cr_client_get_class_sync (f->client, NS, "Test_Cancelled", NULL, &error);
  g_assert_no_error (error);
}

static void
count_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GPtrArray) classes = cr_client_enumerate_classes_finish (CR_CLIENT (source), result, NULL);

  g_assert_nonnull (classes);
  (*(guint *) user_data)++;
}

/* Calls that need a namespace connection at once share one */
static void
test_one_connection (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) connections = NULL;
  guint done = 0;

  for (guint i = 0; i < 5; i++)
    cr_client_enumerate_classes_async (f->client, NS, NULL, TRUE, NULL, count_done_cb, &done);
  while (done < 5)
    g_main_context_iteration (NULL, TRUE);
  connections = cr_client_list_connections_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connections->len, ==, 1);
}

static void
instances_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instances = cr_client_enumerate_instances_finish (CR_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 10);
  (*(guint *) user_data)++;
}

/* More calls at once than the service works on at once: they wait their
 * turn, and every one is answered */
static void
test_many_calls (Fixture *f, gconstpointer data)
{
  guint done = 0;

  for (guint i = 0; i < 40; i++)
    cr_client_enumerate_instances_async (f->client, NS, "Test_Item", TRUE, NULL, instances_done_cb, &done);
  while (done < 40)
    g_main_context_iteration (NULL, TRUE);
}

static void
put_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_client_put_instance_finish (CR_CLIENT (source), result, &error);

  g_assert_no_error (error);
  (*(guint *) user_data)++;
}

/* While the repository is paused, writes wait and reads go on: more
 * waiting writes than the service works on reads at once hold no read
 * back */
static void
test_reads_during_pause (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) holder = open_client ();
  guint written = 0;

  g_assert_true (cr_client_pause_sync (holder, 0, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
      g_autofree char *name = g_strdup_printf ("held%u", i);

      cr_instance_set_property (inst, "Name", g_variant_new_string (name));
      cr_client_put_instance_async (f->client, NS, inst, CR_PUT_FLAGS_NONE, NULL, put_done_cb, &written);
    }
  /* The writes are on their way, and held */
  g_usleep (300 * 1000);
  g_assert_cmpuint (count_items (holder), ==, 10);
  g_assert_cmpuint (written, ==, 0);
  g_assert_true (cr_client_resume_sync (holder, NULL, &error));
  g_assert_no_error (error);
  while (written < 12)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_items (holder), ==, 22);
}

/* The service goes: calls fail with a message that says so; the mirror
 * drops the pause that went with it, but not what it knew of the
 * repository; the connections went too, which the client says without
 * asking the bus (that would start an activatable service again). */
static void
test_service_gone (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepositorySummary) summary = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (f->backup_path);
  g_autoptr (GPtrArray) connections = NULL;
  gint64 last_backup;
  guint changes = 0;

  g_assert_true (cr_client_backup_sync (f->client, file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cr_client_pause_sync (f->client, 0, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->client); /* ends the pause, so that the daemon stops cleanly */
  f->client = open_client ();
  last_backup = cr_client_get_last_backup_time (f->client);
  g_assert_cmpint (last_backup, >, 0);
  g_signal_connect (f->client, "connections-changed", G_CALLBACK (count_cb), &changes);
  cr_daemon_test_stop (f->test);
  summary = cr_client_get_summary_sync (f->client, NULL, &error);
  g_assert_null (summary);
  g_assert_error (error, CR_ERROR, CR_ERROR_SHUTTING_DOWN);
  g_assert_nonnull (strstr (error->message, "cimrepod"));
  g_assert_false (cr_client_get_paused (f->client));

  g_assert_true (cr_test_wait_for (nonzero, &changes, cr_daemon_test_timeout (5000)));
  g_assert_cmpint (cr_client_get_last_backup_time (f->client), ==, last_backup);
  g_clear_error (&error);
  connections = cr_client_list_connections_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (connections->len, ==, 0);
}

static void
test_not_running (void)
{
  g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = NULL;

  g_test_dbus_up (bus);
  client = cr_client_new_remote_sync (CR_CLIENT_MODE_SESSION, NULL, &error);
  g_assert_null (client);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "cimrepod --session"));
  g_test_dbus_down (bus);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cimrepo/client-remote/operations", Fixture, NULL, fixture_set_up, test_operations,
              fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/pause", Fixture, NULL, fixture_set_up, test_pause, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/backup-restore", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_backup_restore, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/backup-cancel", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_backup_cancel, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/big-import", Fixture, NULL, fixture_set_up, test_big_import, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/stale-job-end", Fixture, NULL, fixture_set_up, test_stale_job_end,
              fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/wire-size", Fixture, NULL, fixture_set_up, test_wire_size, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/write-not-cancelled", Fixture, NULL, fixture_set_up, test_write_not_cancelled,
              fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/one-connection", Fixture, NULL, fixture_set_up, test_one_connection,
              fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/many-calls", Fixture, NULL, fixture_set_up, test_many_calls, fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/reads-during-pause", Fixture, NULL, fixture_set_up, test_reads_during_pause,
              fixture_tear_down);
  g_test_add ("/cimrepo/client-remote/service-gone", Fixture, NULL, fixture_set_up, test_service_gone,
              fixture_tear_down);
  g_test_add_func ("/cimrepo/client-remote/not-running", test_not_running);
  return g_test_run ();
}
