/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-daemon-test.h"

#define BUS_NAME "org.cimrepo.Repository1"
#define ROOT_PATH "/org/cimrepo/Repository1"

guint
cr_daemon_test_timeout (guint msec)
{
  const char *wrapper = g_getenv ("CR_TEST_DAEMON_WRAPPER");

  return wrapper != NULL && *wrapper != '\0' ? msec * 20 : msec;
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
cr_test_wait_for (gboolean (*func) (gpointer data), gpointer data, guint msec)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean timed_out = FALSE;
  GSource *source;
  gboolean ok;

  if (func (data))
    return TRUE;
  source = g_timeout_source_new (msec);
  g_source_set_callback (source, timeout_cb, &timed_out, NULL);
  g_source_attach (source, context);
  while (!(ok = func (data)) && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  return ok;
}

/* GTestDBus (GLib 2.74) keeps the pipe to its cleanup watcher open
 * across the dbus-daemons it spawns later: after a failed test, the
 * watcher then waits for the bus it should kill, and the test runner for
 * both. No fd of a test needs to reach a child by inheritance. */
static void
set_cloexec_all (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);

      if (fd > 2)
        {
          int flags = fcntl (fd, F_GETFD);

          if (flags >= 0)
            fcntl (fd, F_SETFD, flags | FD_CLOEXEC);
        }
    }
}

CrDaemonTest *
cr_daemon_test_new (void)
{
  CrDaemonTest *test = g_new0 (CrDaemonTest, 1);

  /* Remote errors map back to CR_ERROR only once it is registered. */
  (void) cr_error_quark ();
  test->dir = cr_test_dir_new ();
  test->repository_path = cr_test_dir_file (test->dir, "repository.db");
  test->hold_file = cr_test_dir_file (test->dir, "hold");
  test->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test->bus);
  set_cloexec_all ();
  return test;
}

static void
daemon_exited_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  gboolean *exited = data;

  (void) g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/* If the test dies, its daemon goes too. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Spawns cimrepod --session on the test's repository with @args added,
 * without waiting for it. */
GSubprocess *
cr_daemon_test_spawn (CrDaemonTest *test, GSubprocessFlags flags, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const char *daemon = g_getenv ("CIMREPOD");
  const char *wrapper = g_getenv ("CR_TEST_DAEMON_WRAPPER");
  GSubprocess *process;

  g_assert_nonnull (daemon);
  if (wrapper != NULL && *wrapper != '\0')
    {
      g_auto (GStrv) words = NULL;

      g_shell_parse_argv (wrapper, NULL, &words, &error);
      g_assert_no_error (error);
      for (guint i = 0; words[i] != NULL; i++)
        g_ptr_array_add (argv, g_strdup (words[i]));
    }
  g_ptr_array_add (argv, g_strdup (daemon));
  g_ptr_array_add (argv, g_strdup ("--session"));
  g_ptr_array_add (argv, g_strdup ("--repository"));
  g_ptr_array_add (argv, g_strdup (test->repository_path));
  if (g_getenv ("CR_TEST_DAEMON_VERBOSE") != NULL)
    g_ptr_array_add (argv, g_strdup ("--verbose"));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "CIMREPOD_TEST_HOLD_FILE", test->hold_file, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

typedef struct {
  gboolean *exited;
  gboolean appeared;
  char *owner;
} NameWait;

static void
name_appeared_cb (GDBusConnection *bus, const char *name, const char *owner, gpointer data)
{
  NameWait *wait = data;

  wait->appeared = TRUE;
  g_free (wait->owner);
  wait->owner = g_strdup (owner);
}

static gboolean
name_or_exit (gpointer data)
{
  NameWait *wait = data;

  return wait->appeared || *wait->exited;
}

void
cr_daemon_test_start (CrDaemonTest *test, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GError) error = NULL;
  NameWait wait = { &test->exited };
  const char *arg;
  va_list ap;
  guint watch;

  g_assert_null (test->daemon);
  va_start (ap, test);
  for (arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  test->exited = FALSE;
  test->daemon = cr_daemon_test_spawn (test, G_SUBPROCESS_FLAGS_NONE, (const char *const *) args->pdata);
  g_subprocess_wait_async (test->daemon, NULL, daemon_exited_cb, &test->exited);

  bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test->bus),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (bus, BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &wait, NULL);
  cr_test_wait_for (name_or_exit, &wait, cr_daemon_test_timeout (10000));
  g_bus_unwatch_name (watch);
  g_dbus_connection_close_sync (bus, NULL, NULL);
  g_assert_false (test->exited);
  g_assert_true (wait.appeared);
  g_free (test->name_owner);
  test->name_owner = wait.owner;
}

static gboolean
is_exited (gpointer data)
{
  return *(gboolean *) data;
}

void
cr_daemon_test_stop (CrDaemonTest *test)
{
  if (test->daemon == NULL)
    return;
  if (!test->exited)
    g_subprocess_send_signal (test->daemon, SIGTERM);
  if (!cr_test_wait_for (is_exited, &test->exited, cr_daemon_test_timeout (20000)))
    {
      g_subprocess_force_exit (test->daemon);
      cr_test_wait_for (is_exited, &test->exited, 5000);
      g_assert_not_reached ();
    }
  /* A critical, a crash, a leak under valgrind: all fail here. */
  g_assert_true (g_subprocess_get_if_exited (test->daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (test->daemon), ==, 0);
  g_clear_object (&test->daemon);
}

void
cr_daemon_test_free (CrDaemonTest *test)
{
  if (test == NULL)
    return;
  cr_daemon_test_stop (test);
  g_test_dbus_down (test->bus);
  g_clear_object (&test->bus);
  cr_test_dir_free (test->dir);
  g_free (test->repository_path);
  g_free (test->hold_file);
  g_free (test->name_owner);
  g_free (test);
}

/* Clients */

CrTestClient *
cr_test_client_new (CrDaemonTest *test)
{
  g_autoptr (GError) error = NULL;
  CrTestClient *client = g_new0 (CrTestClient, 1);

  client->bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test->bus),
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (client->bus, FALSE);
  client->repository = cr_repository1_proxy_new_sync (client->bus, G_DBUS_PROXY_FLAGS_NONE, BUS_NAME, ROOT_PATH,
                                                      NULL, &error);
  g_assert_no_error (error);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (client->repository), (gint) cr_daemon_test_timeout (25000));
  return client;
}

const char *
cr_test_client_get_name (CrTestClient *client)
{
  return g_dbus_connection_get_unique_name (client->bus);
}

void
cr_test_client_free (CrTestClient *client)
{
  if (client == NULL)
    return;
  g_clear_object (&client->repository);
  if (!g_dbus_connection_is_closed (client->bus))
    g_dbus_connection_close_sync (client->bus, NULL, NULL);
  g_clear_object (&client->bus);
  g_free (client);
}

CrConnection1 *
cr_test_client_connection_proxy (CrTestClient *client, const char *path)
{
  g_autoptr (GError) error = NULL;
  CrConnection1 *proxy = cr_connection1_proxy_new_sync (client->bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                                        BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), (gint) cr_daemon_test_timeout (25000));
  return proxy;
}

CrConnection1 *
cr_test_client_open (CrTestClient *client, const char *namespace_)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  cr_repository1_call_open_namespace_sync (client->repository, namespace_, &path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, ROOT_PATH "/Connection/"));
  return cr_test_client_connection_proxy (client, path);
}

CrJob1 *
cr_test_client_job_proxy (CrTestClient *client, const char *path)
{
  g_autoptr (GError) error = NULL;
  CrJob1 *proxy = cr_job1_proxy_new_sync (client->bus, G_DBUS_PROXY_FLAGS_NONE, BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  return proxy;
}

void
cr_test_assert_remote_error_impl (const char *file, int line, GError *error, gint code, const char *dbus_name)
{
  g_autofree char *remote = NULL;
  g_autofree char *expected = g_strconcat ("org.cimrepo.Error.", dbus_name, NULL);
  g_autofree char *where = g_strdup_printf ("%s:%d", file, line);

  if (error == NULL)
    g_error ("%s: expected org.cimrepo.Error.%s, but the call succeeded", where, dbus_name);
  remote = g_dbus_error_get_remote_error (error);
  if (g_strcmp0 (remote, expected) != 0 || error->domain != CR_ERROR || error->code != code)
    g_error ("%s: expected %s, got %s (%s %d): %s", where, expected, remote,
             g_quark_to_string (error->domain), error->code, error->message);
  g_assert_true (g_dbus_error_strip_remote_error (error));
  g_assert_false (g_str_has_prefix (error->message, "GDBus.Error:"));
  g_assert_cmpstr (error->message, !=, "");
}

/* Jobs */

static void
job_record_free (CrTestJobRecord *record)
{
  g_free (record->error_name);
  g_free (record->message);
  g_free (record->state);
  g_array_unref (record->progress);
  g_free (record);
}

CrTestJobRecord *
cr_test_job_watch_get (CrTestJobWatch *watch, const char *path)
{
  CrTestJobRecord *record = g_hash_table_lookup (watch->jobs, path);

  if (record == NULL)
    {
      record = g_new0 (CrTestJobRecord, 1);
      record->progress = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (watch->jobs, g_strdup (path), record);
    }
  return record;
}

static void
job_completed_cb (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                  const char *signal, GVariant *parameters, gpointer data)
{
  CrTestJobRecord *record = cr_test_job_watch_get (data, path);

  g_assert_false (record->completed);
  record->completed = TRUE;
  g_variant_get (parameters, "(bss)", &record->success, &record->error_name, &record->message);
}

static void
job_properties_cb (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                   const char *signal, GVariant *parameters, gpointer data)
{
  CrTestJobRecord *record = cr_test_job_watch_get (data, path);
  g_autoptr (GVariant) changed = g_variant_get_child_value (parameters, 1);
  double progress;
  const char *state;

  /* Completed comes last: nothing changes after it. */
  g_assert_false (record->completed);
  if (g_variant_lookup (changed, "Progress", "d", &progress))
    g_array_append_val (record->progress, progress);
  g_variant_lookup (changed, "BytesDone", "t", &record->bytes_done);
  g_variant_lookup (changed, "BytesTotal", "t", &record->bytes_total);
  if (g_variant_lookup (changed, "State", "&s", &state))
    {
      g_free (record->state);
      record->state = g_strdup (state);
    }
}

CrTestJobWatch *
cr_test_job_watch_new (CrTestClient *client)
{
  CrTestJobWatch *watch = g_new0 (CrTestJobWatch, 1);

  watch->bus = g_object_ref (client->bus);
  watch->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) job_record_free);
  watch->completed_id = g_dbus_connection_signal_subscribe (client->bus, NULL, "org.cimrepo.Job1", "Completed",
                                                            NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                            job_completed_cb, watch, NULL);
  watch->properties_id = g_dbus_connection_signal_subscribe (client->bus, NULL, "org.freedesktop.DBus.Properties",
                                                             "PropertiesChanged", NULL, "org.cimrepo.Job1",
                                                             G_DBUS_SIGNAL_FLAGS_NONE, job_properties_cb, watch,
                                                             NULL);
  return watch;
}

typedef struct {
  CrTestJobWatch *watch;
  const char *path;
} JobWait;

static gboolean
job_completed (gpointer data)
{
  JobWait *wait = data;

  return cr_test_job_watch_get (wait->watch, wait->path)->completed;
}

gboolean
cr_test_job_watch_wait_completed (CrTestJobWatch *watch, const char *path, guint msec)
{
  JobWait wait = { watch, path };

  return cr_test_wait_for (job_completed, &wait, cr_daemon_test_timeout (msec));
}

static gboolean
job_progressed (gpointer data)
{
  JobWait *wait = data;
  CrTestJobRecord *record = cr_test_job_watch_get (wait->watch, wait->path);

  return record->bytes_done > 0 || record->completed;
}

/* Until some bytes are done: with the hold file there, the job then
 * stays where it is. */
gboolean
cr_test_job_watch_wait_progress (CrTestJobWatch *watch, const char *path, guint msec)
{
  JobWait wait = { watch, path };

  return cr_test_wait_for (job_progressed, &wait, cr_daemon_test_timeout (msec));
}

void
cr_test_job_watch_free (CrTestJobWatch *watch)
{
  if (watch == NULL)
    return;
  g_dbus_connection_signal_unsubscribe (watch->bus, watch->completed_id);
  g_dbus_connection_signal_unsubscribe (watch->bus, watch->properties_id);
  g_object_unref (watch->bus);
  g_hash_table_unref (watch->jobs);
  g_free (watch);
}

static char *
start_job (CrTestClient *client, const char *path, int open_flags, gboolean backup, guint flags, GError **error)
{
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr (GVariant) options = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  g_autoptr (GError) local_error = NULL;
  char *job = NULL;
  int fd = g_open (path, open_flags | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_unix_fd_list_append (fd_list, fd, &local_error);
  g_assert_no_error (local_error);
  close (fd);
  if (backup)
    cr_repository1_call_backup_sync (client->repository, g_variant_new_handle (0), flags, options, fd_list,
                                     &job, NULL, NULL, error);
  else
    cr_repository1_call_restore_sync (client->repository, g_variant_new_handle (0), flags, options, fd_list,
                                      &job, NULL, NULL, error);
  return job;
}

char *
cr_test_client_start_backup (CrTestClient *client, const char *path, GError **error)
{
  return start_job (client, path, O_RDWR | O_CREAT | O_TRUNC, TRUE, 0, error);
}

char *
cr_test_client_start_restore (CrTestClient *client, const char *path, guint flags, GError **error)
{
  return start_job (client, path, O_RDONLY, FALSE, flags, error);
}

gboolean
cr_test_client_backup (CrTestClient *client, CrTestJobWatch *watch, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *job = cr_test_client_start_backup (client, path, &error);
  CrTestJobRecord *record;

  g_assert_no_error (error);
  g_assert_true (cr_test_job_watch_wait_completed (watch, job, 30000));
  record = cr_test_job_watch_get (watch, job);
  if (!record->success)
    g_test_message ("backup failed: %s: %s", record->error_name, record->message);
  return record->success;
}

/* The repository before the daemon runs */

void
cr_daemon_test_populate (CrDaemonTest *test, guint n_items, gsize big_note_bytes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (test->repository_path, CR_OPEN_FLAGS_CREATE, NULL, &error);
  g_autoptr (CrConnection) conn = NULL;
  g_autofree char *note = NULL;

  g_assert_no_error (error);
  cr_test_add_schema (repo);
  conn = cr_test_connect (repo, "root/test");
  if (big_note_bytes > 0)
    {
      note = g_malloc (big_note_bytes + 1);
      for (gsize i = 0; i < big_note_bytes; i++)
        note[i] = (char) ('a' + g_random_int_range (0, 26));
      note[big_note_bytes] = '\0';
    }
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
      g_autofree char *name = g_strdup_printf ("item%u", i);
      g_autofree char *path = NULL;

      cr_instance_set_property (inst, "Name", g_variant_new_string (name));
      cr_instance_set_property (inst, "Size", g_variant_new_uint64 (i));
      if (note != NULL)
        {
          note[0] = (char) ('a' + i % 26);
          cr_instance_set_property (inst, "Note", g_variant_new_string (note));
        }
      path = cr_connection_put_instance (conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);
    }
  g_clear_object (&conn);
  cr_repository_close (repo);
}

guint
cr_test_count_remote (CrConnection1 *connection, const char *class_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) instances = NULL;

  cr_connection1_call_enumerate_instances_sync (connection, class_name, TRUE, &instances, NULL, &error);
  g_assert_no_error (error);
  return (guint) g_variant_n_children (instances);
}

char *
cr_test_put_remote_item (CrConnection1 *connection, const char *name, guint64 size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  g_autoptr (GVariant) value = NULL;
  char *path = NULL;
  guint result = 99;

  cr_instance_set_property (inst, "Name", g_variant_new_string (name));
  cr_instance_set_property (inst, "Size", g_variant_new_uint64 (size));
  value = g_variant_ref_sink (cr_instance_to_variant (inst));
  cr_connection1_call_put_instance_sync (connection, value, 0, &path, &result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result, <=, CR_PUT_RESULT_UNCHANGED);
  return path;
}

GVariant *
cr_test_call_with_fds (CrTestClient *client, const char *method, GVariant *parameters, GUnixFDList *fd_list,
                       GError **error)
{
  return g_dbus_connection_call_with_unix_fd_list_sync (client->bus, BUS_NAME, ROOT_PATH, "org.cimrepo.Repository1",
                                                        method, parameters, NULL, G_DBUS_CALL_FLAGS_NONE,
                                                        (gint) cr_daemon_test_timeout (25000), fd_list, NULL,
                                                        NULL, error);
}

GUnixFDList *
cr_test_fd_list_holding (const void *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("cimrepo-batch-XXXXXX", &path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (write (fd, data, size), ==, (gssize) size);
  g_unix_fd_list_append (fds, fd, &error);
  g_assert_no_error (error);
  close (fd);
  return g_steal_pointer (&fds);
}

GVariant *
cr_test_client_import (CrTestClient *client, GVariant *batch, gboolean dry_run, GError **error)
{
  g_autoptr (GVariant) sunk = g_variant_ref_sink (batch);
  g_autoptr (GUnixFDList) fds = cr_test_fd_list_holding (g_variant_get_data (sunk), g_variant_get_size (sunk));
  GVariant *summary = NULL;

  if (!cr_repository1_call_import_sync (client->repository, g_variant_new_handle (0), dry_run, fds, &summary, NULL,
                                        NULL, error))
    return NULL;
  return summary;
}
