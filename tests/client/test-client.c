/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-client-mof-resolver.h"
#include "cr-client.h"
#include "cr-test-utils.h"

/*
 * CrClient in local mode, through its public API only. XDG_DATA_HOME is a
 * directory of our own, and every test starts without a default
 * repository, so that each gets a new one. (G_TEST_OPTION_ISOLATE_DIRS
 * would do it too, but GLib 2.74 leaks there, which valgrind reports.)
 */

#define NS "root/cimv2"
#define TIMEOUT_MS (60 * 1000)

static GThread *main_thread;

/* Waiting for async results on the main loop */

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  g_assert_true (g_thread_self () == main_thread);
  *slot = g_object_ref (result);
}

static gboolean
timed_out_cb (gpointer data)
{
  g_error ("Timed out waiting for an async result");
  return G_SOURCE_REMOVE;
}

/* Returns: (transfer full): the result, once the main loop delivered it */
static GAsyncResult *
await_result (GAsyncResult **slot)
{
  guint timeout = g_timeout_add (TIMEOUT_MS, timed_out_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return g_steal_pointer (slot);
}

static CrTestDir *data_home;

/* The tests share nothing but a fresh start (reset_set_up). */
typedef struct {
  int unused;
} Fixture;

static void
remove_default_repository (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "cimrepo", NULL);

  cr_test_rm_rf (dir);
}

static CrClient *
open_default (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  CrClient *client;

  cr_client_new_local_async (NULL, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  client = cr_client_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

static guint
count_instances (CrClient *client, const char *class_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = cr_client_enumerate_instances_sync (client, NS, class_name, TRUE, NULL, &error);

  g_assert_no_error (error);
  return all->len;
}

static char *
put_service (CrClient *client, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("LNX_Service");
  char *path;

  cr_instance_set_property (inst, "Name", g_variant_new_string (name));
  cr_instance_set_property (inst, "Started", g_variant_new_boolean (TRUE));
  path = cr_client_put_instance_sync (client, NS, inst, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  return path;
}

static guint
count_leftovers (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".part-") != NULL)
      n++;
  return n;
}

/* Records the notifications of a client: where they ran and in what order */
typedef struct {
  GString *log;
  gboolean wrong_thread;
} NotifyLog;

static void
notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  NotifyLog *log = user_data;
  gboolean value = FALSE;

  if (g_thread_self () != main_thread)
    log->wrong_thread = TRUE;
  if (G_PARAM_SPEC_VALUE_TYPE (pspec) != G_TYPE_BOOLEAN)
    return;
  g_object_get (object, g_param_spec_get_name (pspec), &value, NULL);
  g_string_append_printf (log->log, "%s=%d;", g_param_spec_get_name (pspec), value);
}

/* Opening */

static void
test_default_creates_sample (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "cimrepo", "repository.db", NULL);
  g_autofree char *default_path = cr_client_get_default_path ();
  g_autoptr (CrRepositorySummary) summary = NULL;
  g_autoptr (CrClass) klass = NULL;
  g_autoptr (CrInstance) sshd = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  g_auto (GStrv) namespaces = NULL;
  CrProperty *name, *size;

  g_assert_cmpstr (default_path, ==, expected);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));

  client = open_default ();
  g_assert_true (g_file_test (expected, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cr_client_get_mode (client), ==, CR_CLIENT_MODE_LOCAL);
  g_assert_cmpstr (cr_client_get_location (client), ==, expected);

  namespaces = cr_client_list_namespaces_sync (client, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) namespaces, NS));

  /* The hierarchy, with realistic properties */
  classes = cr_client_enumerate_classes_sync (client, NS, "CIM_ManagedElement", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (classes->len, ==, 8);
  klass = cr_client_get_class_sync (client, NS, "LNX_FileSystem", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_class_get_superclass (klass), ==, "CIM_FileSystem");
  g_assert_false (cr_class_is_abstract (klass));
  name = cr_class_find_property (klass, "Name");
  g_assert_nonnull (name);
  g_assert_true (cr_property_is_key (name));
  size = cr_class_find_property (klass, "FileSystemSize");
  g_assert_nonnull (size);
  g_assert_cmpint (size->type, ==, CR_CIM_TYPE_UINT64);
  g_assert_true (size->flags & CR_ELEMENT_PROPAGATED);
  g_clear_object (&klass);
  klass = cr_client_get_class_sync (client, NS, "CIM_ManagedElement", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_class_is_abstract (klass));

  /* A dozen instances: services, file systems, the operating system */
  services = cr_client_enumerate_instances_sync (client, NS, "CIM_Service", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (services->len, >=, 3);
  g_assert_cmpuint (count_instances (client, "LNX_FileSystem"), >=, 2);
  g_assert_cmpuint (count_instances (client, "LNX_OperatingSystem"), ==, 1);
  sshd = cr_client_get_instance_sync (client, NS, "LNX_Service.Name=\"sshd.service\"", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_instance_get_path (sshd), ==, "LNX_Service.Name=\"sshd.service\"");
  g_assert_true (g_variant_get_boolean (cr_instance_get_property (sshd, "Started")));
  g_clear_object (&sshd);
  sshd = cr_client_get_instance_sync (client, NS, "LNX_FileSystem.Name=\"/home\"", NULL, &error);
  g_assert_no_error (error);

  summary = cr_client_get_summary_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (summary->location, ==, expected);
  g_assert_cmpuint (summary->namespace_count, >=, 2);
  g_assert_cmpuint (summary->class_count, >=, 10);
  g_assert_cmpuint (summary->instance_count, ==, 12);
  g_assert_cmpuint (summary->size, >, 0);
  g_assert_cmpuint (summary->schema_version, >, 0);
  g_assert_nonnull (summary->id);
  g_assert_cmpint (summary->last_backup_time, ==, 0);

  /* Opened again, it is not filled twice */
  g_clear_object (&client);
  client = open_default ();
  g_clear_pointer (&summary, cr_repository_summary_free);
  summary = cr_client_get_summary_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->instance_count, ==, count_instances (client, "CIM_ManagedElement") + 1);
}

static void
test_explicit_missing_path (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "nothing.db");
  g_autoptr (GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  CrClient *client;

  client = cr_client_new_local_sync (path, NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (client);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  cr_client_new_local_async (path, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  client = cr_client_new_finish (result, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_null (client);
}

static void
test_explicit_existing_path (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "repository.db");
  g_autoptr (CrClient) client = NULL;
  g_autoptr (CrClient) second = NULL;
  g_auto (GStrv) namespaces = NULL;

  g_object_unref (cr_test_repository_new (dir));
  client = cr_client_new_local_sync (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_client_get_location (client), ==, path);
  /* An explicit repository gets no sample */
  namespaces = cr_client_list_namespaces_sync (client, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char *const *) namespaces, NS));

  /* One holder at a time, and the error says who */
  second = cr_client_new_local_sync (path, NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_REPOSITORY_LOCKED);
  g_assert_null (second);
}

/* Clients by their program where the table has only a bus name */
static void
test_display_name (void)
{
  CrConnectionInfo info = { 0 };

  info.client_name = (char *) ":1.42";
  info.process_name = (char *) "rsync";
  g_assert_cmpstr (cr_connection_info_get_display_name (&info), ==, "rsync");
  info.process_name = NULL;
  g_assert_cmpstr (cr_connection_info_get_display_name (&info), ==, ":1.42");
  info.process_name = (char *) "";
  g_assert_cmpstr (cr_connection_info_get_display_name (&info), ==, ":1.42");
  info.client_name = (char *) "wbemcli";
  info.process_name = (char *) "python3";
  g_assert_cmpstr (cr_connection_info_get_display_name (&info), ==, "wbemcli");
}

/* No bus to reach: a clear error that names the bus, from the sync and
 * the async form. (tests/daemon/test-client-remote.c covers the service.) */
static void
test_remote_no_bus (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *socket = cr_test_dir_file (dir, "no-bus");
  g_autofree char *address = g_strconcat ("unix:path=", socket, NULL);
  GAsyncResult *slot = NULL;
  CrClient *client;

  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  client = cr_client_new_remote_sync (CR_CLIENT_MODE_SYSTEM, NULL, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CR_ERROR);
  g_assert_nonnull (strstr (error->message, "system bus"));
  g_assert_null (client);
  g_clear_error (&error);

  cr_client_new_remote_async (CR_CLIENT_MODE_SESSION, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  client = cr_client_new_finish (result, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CR_ERROR);
  g_assert_nonnull (strstr (error->message, "session bus"));
  g_assert_null (client);
  g_unsetenv ("DBUS_SYSTEM_BUS_ADDRESS");
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
}

/* Round trips */

static void
test_namespaces (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (GAsyncResult) result = NULL;
  g_auto (GStrv) below = NULL;
  g_auto (GStrv) after = NULL;
  g_autoptr (CrClass) klass = cr_class_new ("App_Thing", NULL);
  GAsyncResult *slot = NULL;

  cr_client_create_namespace_async (client, "root/app/sub", CR_NAMESPACE_FLAGS_NONE, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_false (cr_client_create_namespace_finish (client, result, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_clear_error (&error);
  g_clear_object (&result);

  cr_client_create_namespace_async (client, "root/app/sub", CR_NAMESPACE_FLAGS_CREATE_PARENTS, NULL,
                                    store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_create_namespace_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_false (cr_client_create_namespace_sync (client, "root/app", CR_NAMESPACE_FLAGS_NONE, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  cr_client_list_namespaces_async (client, "root/app", FALSE, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  below = cr_client_list_namespaces_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (below), ==, 1);
  g_assert_cmpstr (below[0], ==, "root/app/sub");
  g_clear_object (&result);

  /* The client's own connection in root/app/sub does not keep it alive */
  cr_client_put_class_sync (client, "root/app/sub", klass, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  cr_client_delete_namespace_async (client, "root/app", NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_delete_namespace_finish (client, result, &error));
  g_assert_no_error (error);

  after = cr_client_list_namespaces_sync (client, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char *const *) after, "root/app"));
  g_assert_false (cr_client_delete_namespace_sync (client, "root/app", NULL, &error));
  g_assert_nonnull (error);
}

static void
test_classes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrClass) klass = cr_class_new ("LNX_TimerUnit", "CIM_Service");
  g_autoptr (CrClass) got = NULL;
  g_autoptr (GPtrArray) children = NULL;
  CrProperty *p = cr_property_new ("OnCalendar", CR_CIM_TYPE_STRING);
  GAsyncResult *slot = NULL;
  gboolean found = FALSE;

  p->default_value = g_variant_ref_sink (g_variant_new_string ("daily"));
  cr_class_add_property (klass, p);
  cr_client_put_class_async (client, NS, klass, CR_PUT_FLAGS_CREATE_ONLY, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_cmpint (cr_client_put_class_finish (client, result, &error), ==, CR_PUT_RESULT_CREATED);
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_cmpint (cr_client_put_class_sync (client, NS, klass, CR_PUT_FLAGS_CREATE_ONLY, NULL, &error), ==,
                   CR_PUT_RESULT_ERROR);
  g_assert_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (cr_client_put_class_sync (client, NS, klass, CR_PUT_FLAGS_NONE, NULL, &error), ==,
                   CR_PUT_RESULT_UNCHANGED);
  g_assert_no_error (error);

  cr_client_get_class_async (client, NS, "lnx_timerunit", NULL, store_result_cb, &slot);
  result = await_result (&slot);
  got = cr_client_get_class_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_class_get_name (got), ==, "LNX_TimerUnit");
  g_assert_cmpstr (g_variant_get_string (cr_class_find_property (got, "OnCalendar")->default_value, NULL), ==,
                   "daily");
  /* Inherited from CIM_Service, and marked so */
  g_assert_true (cr_property_is_key (cr_class_find_property (got, "Name")));
  g_assert_nonnull (cr_class_find_method (got, "StartService"));
  g_clear_object (&result);

  cr_client_enumerate_classes_async (client, NS, "CIM_Service", FALSE, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  children = cr_client_enumerate_classes_finish (client, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < children->len; i++)
    found |= g_str_equal (cr_class_get_name (g_ptr_array_index (children, i)), "LNX_TimerUnit");
  g_assert_true (found);
  g_clear_object (&result);

  cr_client_delete_class_async (client, NS, "LNX_TimerUnit", NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_delete_class_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&got);
  got = cr_client_get_class_sync (client, NS, "LNX_TimerUnit", NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_null (got);
  g_clear_error (&error);

  /* As in WMI, a class goes with its instances */
  g_assert_cmpuint (count_instances (client, "LNX_Service"), >, 0);
  g_assert_true (cr_client_delete_class_sync (client, NS, "LNX_Service", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_instances (client, "CIM_Service"), ==, 0);
}

static void
test_instances (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("LNX_Service");
  g_autoptr (CrInstance) got = NULL;
  g_autoptr (GPtrArray) shallow = NULL;
  g_autofree char *path = NULL;
  const char *requires[] = { "network.target", "dbus.socket", NULL };
  GAsyncResult *slot = NULL;
  guint before = count_instances (client, "CIM_Service");

  cr_instance_set_property (inst, "Name", g_variant_new_string ("foo.service"));
  cr_instance_set_property (inst, "MemoryCurrent", g_variant_new_uint64 (G_GUINT64_CONSTANT (1) << 40));
  cr_instance_set_property (inst, "Requires", g_variant_new_strv (requires, -1));
  cr_instance_set_property (inst, "InstallDate", g_variant_new_string ("20261122040132.000000+000"));
  cr_client_put_instance_async (client, NS, inst, CR_PUT_FLAGS_CREATE_ONLY, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  path = cr_client_put_instance_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "LNX_Service.Name=\"foo.service\"");
  g_clear_object (&result);
  g_assert_cmpuint (count_instances (client, "CIM_Service"), ==, before + 1);

  g_assert_null (cr_client_put_instance_sync (client, NS, inst, CR_PUT_FLAGS_CREATE_ONLY, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  cr_client_get_instance_async (client, NS, path, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  got = cr_client_get_instance_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_instance_get_path (got), ==, path);
  g_assert_cmpstr (cr_instance_get_class_name (got), ==, "LNX_Service");
  g_assert_cmpuint (g_variant_get_uint64 (cr_instance_get_property (got, "MemoryCurrent")), ==,
                    G_GUINT64_CONSTANT (1) << 40);
  g_assert_cmpuint (g_variant_n_children (cr_instance_get_property (got, "Requires")), ==, 2);
  g_clear_object (&result);

  cr_client_enumerate_instances_async (client, NS, "CIM_Service", FALSE, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  shallow = cr_client_enumerate_instances_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shallow->len, ==, 0); /* every service is an LNX_Service */
  g_clear_object (&result);

  cr_client_delete_instance_async (client, NS, path, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_delete_instance_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_false (cr_client_delete_instance_sync (client, NS, path, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (cr_client_get_instance_sync (client, "root/none", path, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
}

static void
count_cb (CrClient *client, gpointer user_data)
{
  guint *count = user_data;

  g_assert_true (g_thread_self () == main_thread);
  (*count)++;
}

static void
test_connections (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) connections = NULL;
  GAsyncResult *slot = NULL;
  guint changed = 0;
  CrConnectionInfo *info;

  g_signal_connect (client, "connections-changed", G_CALLBACK (count_cb), &changed);
  g_assert_true (cr_client_create_namespace_sync (client, "root/other", CR_NAMESPACE_FLAGS_NONE, NULL, &error));
  g_assert_cmpuint (count_instances (client, "CIM_ManagedElement"), >, 0);
  g_assert_null (cr_client_enumerate_classes_sync (client, "root/other", "Nope", FALSE, NULL, &error));
  g_clear_error (&error);

  cr_client_list_connections_async (client, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  connections = cr_client_list_connections_finish (client, result, &error);
  g_assert_no_error (error);
  /* One connection per namespace, reused */
  g_assert_cmpuint (connections->len, ==, 2);
  info = g_ptr_array_index (connections, 0);
  g_assert_true (g_variant_is_object_path (info->id));
  g_assert_true (g_str_has_prefix (info->id, "/org/cimrepo/Local/Connection/"));
  g_assert_cmpstr (info->client_name, ==, g_get_prgname ());
  g_assert_cmpint (info->pid, ==, getpid ());
  g_assert_cmpint (info->uid, ==, getuid ());
  g_assert_cmpint (info->connected_at, >, 0);
  g_assert_cmpuint (cr_client_get_connection_count (client), ==, 2);
  g_assert_cmpuint (changed, >=, 1);
}

/* Backup */

static void
progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  guint64 *last = user_data;

  /* In the caller's context: here the main thread's */
  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpuint (done, <=, total);
  last[0] = done;
  last[1] = total;
  last[2]++;
}

static void
test_backup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *target_path = cr_test_dir_file (dir, "backup.cimbak");
  g_autoptr (GFile) target = g_file_new_for_path (target_path);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (CrRepositorySummary) summary = NULL;
  NotifyLog log = { g_string_new (NULL), FALSE };
  guint64 progress[3] = { 0 };
  GAsyncResult *slot = NULL;

  g_signal_connect (client, "notify", G_CALLBACK (notify_cb), &log);
  /* An old file at the target is replaced */
  g_assert_true (g_file_set_contents (target_path, "old", -1, NULL));

  cr_client_backup_async (client, target, progress_cb, progress, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_backup_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress[2], >, 0);
  g_assert_cmpuint (progress[0], ==, progress[1]);
  g_assert_cmpuint (count_leftovers (dir->path), ==, 0);

  /* Complete: it verifies offline, and it has the sample */
  info = cr_backup_file_verify_sync (target_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  summary = cr_client_get_summary_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, summary->instance_count);
  g_assert_cmpstr (cr_backup_info_get_repository_id (info), ==, summary->id);

  /* The state went on and off, announced in the main thread, and the
   * last backup time is known before the call completes */
  g_assert_nonnull (strstr (log.log->str, "backup-in-progress=1;"));
  g_assert_nonnull (strstr (log.log->str, "backup-in-progress=0;"));
  g_assert_false (cr_client_get_backup_in_progress (client));
  g_assert_false (log.wrong_thread);
  g_assert_cmpint (cr_client_get_last_backup_time (client), >, 0);
  g_assert_cmpint (cr_client_get_last_backup_time (client), ==, cr_backup_info_get_created (info));
  g_string_free (log.log, TRUE);
}

static void
test_backup_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *target_path = cr_test_dir_file (dir, "backup.cimbak");
  g_autoptr (GFile) target = g_file_new_for_path (target_path);
  g_autoptr (GFile) itself = g_file_new_for_path (cr_client_get_location (client));
  g_autoptr (GFile) remote = g_file_new_for_uri ("resource:///org/cimrepo/backup.cimbak");
  g_autoptr (GFile) directory = g_file_new_for_path (dir->path);
  g_autoptr (GFile) nowhere = g_file_new_for_path ("/nonexistent-dir/backup.cimbak");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;

  g_assert_true (g_file_set_contents (target_path, "an older backup", -1, NULL));
  before = cr_test_read_file (target_path);

  /* Cancelled: the target is untouched, and nothing is left beside it (B7) */
  g_cancellable_cancel (cancellable);
  g_assert_false (cr_client_backup_sync (client, target, NULL, NULL, cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_clear_error (&error);
  after = cr_test_read_file (target_path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (count_leftovers (dir->path), ==, 0);
  g_assert_false (cr_client_get_backup_in_progress (client));

  /* The repository itself */
  g_assert_false (cr_client_backup_sync (client, itself, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_cmpuint (count_instances (client, "CIM_ManagedElement"), ==, 11);

  /* Not a local file, a directory, a missing directory */
  g_assert_false (cr_client_backup_sync (client, remote, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_client_backup_sync (client, directory, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);
  g_assert_false (cr_client_backup_sync (client, nowhere, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (count_leftovers (dir->path), ==, 0);
}

/* Restore */

static void
test_restore (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *backup_path = cr_test_dir_file (dir, "backup.cimbak");
  g_autoptr (GFile) backup = g_file_new_for_path (backup_path);
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *added = NULL;
  g_autofree char *after = NULL;
  g_autoptr (CrInstance) gone = NULL;
  NotifyLog log = { g_string_new (NULL), FALSE };
  guint64 progress[3] = { 0 };
  GAsyncResult *slot = NULL;
  guint before;

  before = count_instances (client, "CIM_Service");
  g_assert_true (cr_client_backup_sync (client, backup, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  /* The client's own connection to root/cimv2 is open and in use */
  added = put_service (client, "added-after-backup.service");
  g_assert_cmpuint (count_instances (client, "CIM_Service"), ==, before + 1);

  g_signal_connect (client, "notify", G_CALLBACK (notify_cb), &log);
  cr_client_restore_async (client, backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, progress_cb, progress, NULL,
                           store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_restore_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress[2], >, 0);

  /* R5, R8: RestoreInProgress went on, then off, before completion */
  g_assert_nonnull (strstr (log.log->str, "restore-in-progress=1;restore-in-progress=0;"));
  g_assert_false (cr_client_get_restore_in_progress (client));
  g_assert_false (log.wrong_thread);

  /* The old content is back, through the same client: its connection,
   * closed by the restore (R6), was reopened without a word */
  g_assert_cmpuint (count_instances (client, "CIM_Service"), ==, before);
  gone = cr_client_get_instance_sync (client, NS, added, NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);
  after = put_service (client, "added-after-restore.service");
  g_assert_cmpuint (count_instances (client, "CIM_Service"), ==, before + 1);
  g_string_free (log.log, TRUE);
}

static void
test_restore_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *backup_path = cr_test_dir_file (dir, "backup.cimbak");
  g_autofree char *missing_path = cr_test_dir_file (dir, "missing.cimbak");
  g_autoptr (GFile) backup = g_file_new_for_path (backup_path);
  g_autoptr (GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr (GFile) corrupt = NULL;
  g_autofree char *corrupt_path = cr_test_dir_file (dir, "corrupt.cimbak");
  g_autoptr (GBytes) bytes = NULL;
  g_autofree guint8 *raw = NULL;
  g_autofree char *added = NULL;
  gsize len;
  guint before;

  g_assert_true (cr_client_backup_sync (client, backup, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  added = put_service (client, "kept.service");
  before = count_instances (client, "CIM_Service");

  /* R1: no force flag */
  g_assert_false (cr_client_restore_sync (client, backup, CR_RESTORE_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);

  /* R2: a missing source */
  g_assert_false (cr_client_restore_sync (client, missing, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL,
                                          &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  /* R4: a corrupt backup changes nothing */
  bytes = cr_test_read_file (backup_path);
  raw = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  raw[len / 2] ^= 0x40;
  g_assert_true (g_file_set_contents (corrupt_path, (const char *) raw, (gssize) len, NULL));
  corrupt = g_file_new_for_path (corrupt_path);
  g_assert_false (cr_client_restore_sync (client, corrupt, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL,
                                          &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
  g_clear_error (&error);
  g_assert_null (cr_client_verify_backup_sync (client, corrupt, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
  g_clear_error (&error);

  g_assert_cmpuint (count_instances (client, "CIM_Service"), ==, before);
  g_assert_false (cr_client_get_restore_in_progress (client));
}

/* Pause and resume */

static void
test_pause_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *backup_path = cr_test_dir_file (dir, "backup.cimbak");
  g_autoptr (GFile) backup = g_file_new_for_path (backup_path);
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *pid = g_strdup_printf ("pid %d", (int) getpid ());
  NotifyLog log = { g_string_new (NULL), FALSE };
  GAsyncResult *slot = NULL;
  gint64 now = g_get_real_time ();

  g_assert_true (cr_client_backup_sync (client, backup, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* U1 */
  g_assert_false (cr_client_resume_sync (client, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&error);

  g_signal_connect (client, "notify", G_CALLBACK (notify_cb), &log);
  cr_client_pause_async (client, 600, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_pause_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The state is known when the call completes, notified in the main thread */
  g_assert_true (cr_client_get_paused (client));
  g_assert_true (cr_client_get_holds_pause (client));
  g_assert_nonnull (strstr (cr_client_get_paused_by (client), pid));
  g_assert_cmpint (cr_client_get_paused_since (client), >=, now - G_USEC_PER_SEC);
  g_assert_cmpint (cr_client_get_auto_resume_at (client), >=, now + 590 * G_USEC_PER_SEC);
  g_assert_cmpint (cr_client_get_auto_resume_at (client), <=, g_get_real_time () + 601 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (log.log->str, "paused=1;"));
  g_assert_nonnull (strstr (log.log->str, "holds-pause=1;"));
  g_assert_false (log.wrong_thread);

  /* Reads go on (P2) */
  g_assert_cmpuint (count_instances (client, "CIM_Service"), >, 0);
  /* P3 */
  g_assert_false (cr_client_pause_sync (client, 0, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&error);
  /* R9, naming who paused */
  g_assert_false (cr_client_restore_sync (client, backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  g_string_truncate (log.log, 0);
  cr_client_resume_async (client, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_resume_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_false (cr_client_get_paused (client));
  g_assert_false (cr_client_get_holds_pause (client));
  g_assert_null (cr_client_get_paused_by (client));
  g_assert_cmpint (cr_client_get_auto_resume_at (client), ==, 0);
  g_assert_nonnull (strstr (log.log->str, "paused=0;"));
  g_assert_nonnull (strstr (log.log->str, "holds-pause=0;"));

  /* Writes work again, and the restore is allowed */
  g_free (put_service (client, "after-resume.service"));
  g_assert_true (cr_client_restore_sync (client, backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_string_free (log.log, TRUE);
}

static void
paused_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  gboolean *ended = user_data;

  if (!cr_client_get_paused (CR_CLIENT (object)))
    *ended = TRUE;
}

/* P5: the pause ends by itself, and the client says so, although nobody
 * calls it */
static void
test_auto_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  gboolean ended = FALSE;

  g_assert_true (cr_client_pause_sync (client, 1, NULL, &error));
  g_assert_no_error (error);
  /* Its state reaches the main context (where the client was opened) */
  g_signal_connect (client, "notify::paused", G_CALLBACK (paused_changed_cb), &ended);
  g_assert_true (cr_test_iterate_until (&ended, TIMEOUT_MS));
  g_assert_false (cr_client_get_holds_pause (client));
  g_assert_false (cr_client_resume_sync (client, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
}

/* Verification */

static void
test_verify (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *backup_path = cr_test_dir_file (dir, "backup.cimbak");
  g_autoptr (GFile) backup = g_file_new_for_path (backup_path);
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/backup.cimbak");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_auto (GStrv) problems = NULL;
  guint64 progress[3] = { 0 };
  GAsyncResult *slot = NULL;

  cr_client_verify_repository_async (client, NULL, NULL, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_verify_repository_finish (client, result, &problems, &error));
  g_assert_no_error (error);
  g_assert_nonnull (problems);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
  g_clear_object (&result);

  g_assert_true (cr_client_backup_sync (client, backup, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cr_client_verify_backup_async (client, backup, progress_cb, progress, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  info = cr_client_verify_backup_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpuint (progress[2], >, 0);
  g_assert_cmpuint (cr_backup_info_get_class_count (info), >=, 10);

  g_assert_null (cr_client_verify_backup_sync (client, missing, NULL, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
}

/* Sync forms from a worker thread: progress in that thread, results right */

typedef struct {
  CrClient *client;
  char *backup_path;
  char *other_path;
  guint progress_calls;
  gboolean progress_wrong_thread;
  GThread *thread;
} WorkerData;

static void
worker_progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  WorkerData *w = user_data;

  if (g_thread_self () != w->thread)
    w->progress_wrong_thread = TRUE;
  w->progress_calls++;
}

static gpointer
worker_thread (gpointer data)
{
  WorkerData *w = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) backup = g_file_new_for_path (w->backup_path);
  g_autoptr (CrRepositorySummary) summary = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (CrClient) other = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autofree char *path = NULL;

  w->thread = g_thread_self ();
  summary = cr_client_get_summary_sync (w->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->instance_count, >=, 12);
  services = cr_client_enumerate_instances_sync (w->client, NS, "LNX_Service", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (services->len, >=, 3);
  path = put_service (w->client, "from-a-thread.service");
  g_assert_nonnull (path);
  g_assert_true (cr_client_backup_sync (w->client, backup, worker_progress_cb, w, NULL, &error));
  g_assert_no_error (error);
  info = cr_client_verify_backup_sync (w->client, backup, worker_progress_cb, w, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_client_pause_sync (w->client, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cr_client_resume_sync (w->client, NULL, &error));
  g_assert_no_error (error);

  /* A client opened in a thread without a main loop works too */
  other = cr_client_new_local_sync (w->other_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_client_create_namespace_sync (other, "root/threaded", CR_NAMESPACE_FLAGS_NONE, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_sync_from_thread (Fixture *f, gconstpointer data)
{
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  WorkerData w = { 0 };
  GThread *thread;

  g_object_unref (cr_test_repository_new (dir));
  w.client = client;
  w.backup_path = cr_test_dir_file (dir, "backup.cimbak");
  w.other_path = cr_test_dir_file (dir, "repository.db");
  /* The main thread runs no loop meanwhile: the worker needs none. */
  thread = g_thread_new ("sync-worker", worker_thread, &w);
  g_thread_join (thread);
  g_assert_cmpuint (w.progress_calls, >, 0);
  g_assert_false (w.progress_wrong_thread);
  g_assert_cmpuint (count_instances (client, "LNX_Service"), >=, 4);
  g_free (w.backup_path);
  g_free (w.other_path);
}

/* Qualifier types, imports and the MOF resolver */

static void
test_qualifier_types (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) qtypes = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  GAsyncResult *slot = NULL;
  CrQualifierType *key = NULL;

  cr_client_enumerate_qualifier_types_async (client, NS, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  qtypes = cr_client_enumerate_qualifier_types_finish (client, result, &error);
  g_assert_no_error (error);
  /* The sample declares DSP0004's Key, Description and others */
  g_assert_cmpuint (qtypes->len, >=, 10);
  for (guint i = 0; i < qtypes->len; i++)
    if (g_str_equal (((CrQualifierType *) g_ptr_array_index (qtypes, i))->name, "Key"))
      key = g_ptr_array_index (qtypes, i);
  g_assert_nonnull (key);
  g_assert_cmpint (key->type, ==, CR_CIM_TYPE_BOOLEAN);
  g_assert_true (key->scope & CR_SCOPE_PROPERTY);
  g_assert_true (key->flavor & CR_FLAVOR_DISABLE_OVERRIDE);

  missing = cr_client_enumerate_qualifier_types_sync (client, "root/nowhere", NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_assert_null (missing);
}

/* A class of the sample's schema that names what the resolver must find
 * in the repository: a superclass and qualifier types. */
static const char client_mof[] =
  "[Description (\"A unit that a timer starts\")]\n"
  "class LNX_TimerUnit : CIM_Service\n"
  "{\n"
  "  [MaxLen (64)] string OnCalendar = \"daily\";\n"
  "};\n"
  "instance of LNX_TimerUnit\n"
  "{\n"
  "  Name = \"backup.timer\";\n"
  "  OnCalendar = \"weekly\";\n"
  "};\n";

static CrImportBatch *
compile_with_resolver (CrClient *client, const char *text, GPtrArray **out_diagnostics, GError **error)
{
  g_autoptr (CrMofResolver) resolver = cr_client_mof_resolver_new (client);
  g_autoptr (CrMofCompiler) compiler = cr_mof_compiler_new (resolver);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  CrImportBatch *batch;

  cr_mof_compiler_set_namespace (compiler, NS);
  cr_mof_compiler_add_data (compiler, "timer.mof", bytes, NULL);
  batch = cr_mof_compiler_compile_sync (compiler, NULL, error);
  if (out_diagnostics != NULL)
    *out_diagnostics = g_ptr_array_ref (cr_mof_compiler_get_diagnostics (compiler));
  return batch;
}

static void
test_import (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (CrImportBatch) bad = cr_import_batch_new ();
  g_autoptr (CrClass) orphan = cr_class_new ("LNX_Orphan", "LNX_Missing");
  g_autoptr (CrClass) fine = cr_class_new ("LNX_Fine", NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrClass) got = NULL;
  g_autoptr (CrRepositorySummary) before = NULL;
  g_autoptr (CrRepositorySummary) after = NULL;
  CrImportSummary summary;
  GAsyncResult *slot = NULL;

  before = cr_client_get_summary_sync (client, NULL, &error);
  g_assert_no_error (error);
  batch = compile_with_resolver (client, client_mof, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);

  /* A dry run says what it would do, and does nothing */
  memset (&summary, 0xff, sizeof summary);
  g_assert_true (cr_client_import_sync (client, batch, TRUE, &summary, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 1);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED], ==, 1);
  g_assert_cmpuint (summary.namespaces_created, ==, 0);
  got = cr_client_get_class_sync (client, NS, "LNX_TimerUnit", NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The import itself */
  cr_client_import_async (client, batch, FALSE, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  g_assert_true (cr_client_import_finish (client, result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 1);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED], ==, 1);
  got = cr_client_get_class_sync (client, NS, "LNX_TimerUnit", NULL, &error);
  g_assert_no_error (error);
  /* Resolved against the repository's CIM_Service */
  g_assert_true (cr_property_is_key (cr_class_find_property (got, "Name")));
  g_assert_cmpuint (count_instances (client, "LNX_TimerUnit"), ==, 1);

  /* Again: nothing changes */
  g_assert_true (cr_client_import_sync (client, batch, FALSE, &summary, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_UNCHANGED], ==, 1);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_UNCHANGED], ==, 1);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 0);

  /* A batch that the repository refuses (it did not come from the
   * compiler) imports nothing, not even its good part */
  cr_import_batch_add_class (bad, "root/fresh", fine);
  cr_import_batch_add_class (bad, "root/fresh", orphan);
  g_assert_false (cr_client_import_sync (client, bad, FALSE, &summary, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS);
  g_assert_nonnull (strstr (error->message, "LNX_Missing"));
  g_clear_error (&error);
  after = cr_client_get_summary_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->namespace_count, ==, before->namespace_count);
  g_assert_cmpuint (after->class_count, ==, before->class_count + 1);
  g_assert_cmpuint (after->instance_count, ==, before->instance_count + 1);
}

static void
test_mof_resolver (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrMofResolver) resolver = cr_client_mof_resolver_new (client);
  g_autoptr (CrClass) klass = NULL;
  g_autoptr (CrQualifierType) qtype = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (CrImportBatch) batch = NULL;

  /* Found, in the resolved shape */
  klass = cr_mof_resolver_get_class (resolver, NS, "lnx_service", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (klass);
  g_assert_nonnull (cr_class_find_method (klass, "StartService"));
  qtype = cr_mof_resolver_get_qualifier_type (resolver, NS, "KEY", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (qtype);
  g_assert_cmpstr (qtype->name, ==, "Key");

  /* Not there: NULL without an error, as CrMofRepositoryResolver answers */
  g_clear_object (&klass);
  klass = cr_mof_resolver_get_class (resolver, NS, "LNX_Nothing", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (klass);
  klass = cr_mof_resolver_get_class (resolver, "root/nowhere", "LNX_Service", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (klass);
  g_clear_pointer (&qtype, cr_qualifier_type_free);
  qtype = cr_mof_resolver_get_qualifier_type (resolver, NS, "Frobnicate", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (qtype);
  qtype = cr_mof_resolver_get_qualifier_type (resolver, "root/nowhere", "Key", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (qtype);

  /* What the repository does not have is an error of the compilation,
   * at its place */
  batch = compile_with_resolver (client, "class LNX_Bad : CIM_Nothing { [Frob] string X; };\n", &diagnostics,
                                 &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX);
  g_assert_null (batch);
  g_assert_true (g_str_has_prefix (error->message, "timer.mof:1:"));
  g_assert_nonnull (strstr (error->message, "CIM_Nothing"));
}

/* The compiler calls the resolver from its worker thread */
static void
test_mof_resolver_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = open_default ();
  g_autoptr (CrMofResolver) resolver = cr_client_mof_resolver_new (client);
  g_autoptr (CrMofCompiler) compiler = cr_mof_compiler_new (resolver);
  g_autoptr (GBytes) bytes = g_bytes_new_static (client_mof, strlen (client_mof));
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  GAsyncResult *slot = NULL;

  cr_mof_compiler_add_data (compiler, "timer.mof", bytes, NULL);
  cr_mof_compiler_compile_async (compiler, NULL, store_result_cb, &slot);
  result = await_result (&slot);
  batch = cr_mof_compiler_compile_finish (compiler, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpuint (cr_import_batch_get_length (batch), ==, 2);
}

/* Each test starts without a default repository. */
static void
reset_set_up (Fixture *f, gconstpointer data)
{
  remove_default_repository ();
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-client");
  main_thread = g_thread_self ();
  /* Before anything reads (and caches) it */
  data_home = cr_test_dir_new ();
  g_setenv ("XDG_DATA_HOME", data_home->path, TRUE);
  g_assert_cmpstr (g_get_user_data_dir (), ==, data_home->path);

#define ADD(name, func) \
  g_test_add ("/cimrepo/client/" name, Fixture, NULL, reset_set_up, func, NULL)

  ADD ("default-creates-sample", test_default_creates_sample);
  ADD ("explicit-missing-path", test_explicit_missing_path);
  ADD ("explicit-existing-path", test_explicit_existing_path);
  ADD ("remote-no-bus", test_remote_no_bus);
  g_test_add_func ("/cimrepo/client/display-name", test_display_name);
  ADD ("namespaces", test_namespaces);
  ADD ("classes", test_classes);
  ADD ("instances", test_instances);
  ADD ("connections", test_connections);
  ADD ("backup", test_backup);
  ADD ("backup-refused", test_backup_refused);
  ADD ("restore", test_restore);
  ADD ("restore-refused", test_restore_refused);
  ADD ("pause-resume", test_pause_resume);
  ADD ("auto-resume", test_auto_resume);
  ADD ("verify", test_verify);
  ADD ("sync-from-thread", test_sync_from_thread);
  ADD ("qualifier-types", test_qualifier_types);
  ADD ("import", test_import);
  ADD ("mof-resolver", test_mof_resolver);
  ADD ("mof-resolver-async", test_mof_resolver_async);
  status = g_test_run ();
  cr_test_dir_free (data_home);
  return status;
}
