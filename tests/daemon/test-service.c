/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "cr-daemon-test.h"

typedef struct {
  CrDaemonTest *test;
  CrTestClient *client;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->test = cr_daemon_test_new ();
  cr_daemon_test_populate (f->test, 5, 0);
  cr_daemon_test_start (f->test, NULL);
  f->client = cr_test_client_new (f->test);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cr_test_client_free (f->client);
  cr_daemon_test_free (f->test);
}

static void
test_properties (Fixture *f, gconstpointer data)
{
  CrRepository1 *repo = f->client->repository;

  g_assert_cmpstr (cr_repository1_get_version (repo), ==, PACKAGE_VERSION);
  g_assert_cmpstr (cr_repository1_get_path (repo), ==, f->test->repository_path);
  g_assert_cmpuint (strlen (cr_repository1_get_id (repo)), ==, 36);
  g_assert_cmpuint (cr_repository1_get_schema_version (repo), >, 0);
  g_assert_cmpuint (cr_repository1_get_size (repo), >, 0);
  g_assert_false (cr_repository1_get_backup_in_progress (repo));
  g_assert_false (cr_repository1_get_restore_in_progress (repo));
  g_assert_false (cr_repository1_get_paused (repo));
  g_assert_cmpstr (cr_repository1_get_paused_by (repo), ==, "");
  g_assert_cmpint (cr_repository1_get_paused_since (repo), ==, 0);
  g_assert_cmpint (cr_repository1_get_auto_resume_at (repo), ==, 0);
  g_assert_cmpuint (cr_repository1_get_connection_count (repo), ==, 0);
  g_assert_cmpint (cr_repository1_get_last_backup_time (repo), ==, 0);
}

static void
test_summary (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  const char *location = NULL, *id = NULL;
  guint64 instances = 0, classes = 0, namespaces = 0;

  cr_repository1_call_get_summary_sync (f->client->repository, &summary, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "location", "&s", &location));
  g_assert_cmpstr (location, ==, f->test->repository_path);
  g_assert_true (g_variant_lookup (summary, "id", "&s", &id));
  g_assert_cmpstr (id, ==, cr_repository1_get_id (f->client->repository));
  g_assert_true (g_variant_lookup (summary, "namespaces", "t", &namespaces));
  g_assert_true (g_variant_lookup (summary, "classes", "t", &classes));
  g_assert_true (g_variant_lookup (summary, "instances", "t", &instances));
  g_assert_cmpuint (namespaces, ==, 2);
  g_assert_cmpuint (classes, ==, 3);
  g_assert_cmpuint (instances, ==, 5);
}

static void
test_namespaces (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) all = NULL;
  g_auto (GStrv) after = NULL;

  cr_repository1_call_create_namespace_sync (f->client->repository, "root/a/b", TRUE, NULL, &error);
  g_assert_no_error (error);
  cr_repository1_call_list_namespaces_sync (f->client->repository, "", TRUE, &all, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) all, "root/a/b"));
  g_assert_true (g_strv_contains ((const char *const *) all, "root/test"));

  cr_repository1_call_create_namespace_sync (f->client->repository, "root/a", FALSE, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_ALREADY_EXISTS, "AlreadyExists");
  g_clear_error (&error);

  cr_repository1_call_delete_namespace_sync (f->client->repository, "root/a", NULL, &error);
  g_assert_no_error (error);
  cr_repository1_call_list_namespaces_sync (f->client->repository, "root", FALSE, &after, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char *const *) after, "root/a"));

  cr_repository1_call_delete_namespace_sync (f->client->repository, "root/nope", NULL, &error);
  g_assert_nonnull (error);
  g_assert_true (g_dbus_error_is_remote_error (error));
}

/* The whole model travels: qualifier types, classes, instances. */
static void
test_objects (Fixture *f, gconstpointer data)
{
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) classes = NULL;
  g_autoptr (GVariant) klass = NULL;
  g_autoptr (GVariant) qtypes = NULL;
  g_autoptr (GVariant) instance = NULL;
  g_autoptr (CrClass) parsed = NULL;
  g_autoptr (CrClass) extra = cr_class_new ("Test_Extra", "Test_Item");
  g_autoptr (CrQualifierType) qtype = cr_qualifier_type_new ("Test_Flag", CR_CIM_TYPE_BOOLEAN, NULL,
                                                             CR_SCOPE_CLASS, CR_FLAVOR_NONE);
  g_autoptr (GVariant) extra_v = NULL;
  g_autoptr (GVariant) qtype_v = NULL;
  g_autofree char *path = NULL;
  g_autofree char *got_path = NULL;
  guint result = 99;

  cr_connection1_call_enumerate_classes_sync (conn, "", TRUE, &classes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (classes), ==, 3);

  cr_connection1_call_get_class_sync (conn, "test_item", &klass, NULL, &error);
  g_assert_no_error (error);
  parsed = cr_class_new_from_variant (klass, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_class_get_name (parsed), ==, "Test_Item");

  extra_v = g_variant_ref_sink (cr_class_to_variant (extra));
  cr_connection1_call_put_class_sync (conn, extra_v, CR_PUT_FLAGS_CREATE_ONLY, &result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result, ==, CR_PUT_RESULT_CREATED);
  cr_connection1_call_put_class_sync (conn, extra_v, CR_PUT_FLAGS_CREATE_ONLY, &result, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_ALREADY_EXISTS, "AlreadyExists");
  g_clear_error (&error);
  cr_connection1_call_put_class_sync (conn, extra_v, 0x4, &result, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  qtype_v = g_variant_ref_sink (cr_qualifier_type_to_variant (qtype));
  cr_connection1_call_put_qualifier_type_sync (conn, qtype_v, 0, &result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result, ==, CR_PUT_RESULT_CREATED);
  cr_connection1_call_enumerate_qualifier_types_sync (conn, &qtypes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (qtypes), >=, 1);

  path = cr_test_put_remote_item (conn, "remote", 42);
  g_assert_cmpstr (path, ==, "Test_Item.Name=\"remote\"");
  cr_connection1_call_get_instance_sync (conn, path, &got_path, &instance, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got_path, ==, path);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, 6);

  cr_connection1_call_delete_instance_sync (conn, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, 5);
  g_clear_pointer (&instance, g_variant_unref);
  g_clear_pointer (&got_path, g_free);
  cr_connection1_call_get_instance_sync (conn, path, &got_path, &instance, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_NOT_FOUND, "NotFound");
  g_clear_error (&error);

  cr_connection1_call_delete_class_sync (conn, "Test_Extra", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&klass, g_variant_unref);
  cr_connection1_call_get_class_sync (conn, "Test_Extra", &klass, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_NOT_FOUND, "NotFound");
}

static void
test_verify (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) problems = NULL;
  gboolean ok = FALSE;

  cr_repository1_call_verify_repository_sync (f->client->repository, &ok, &problems, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
}

/* Two clients, each with its own unique name and its own connections. */
static void
test_two_clients (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) other = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) a = cr_test_client_open (f->client, "root/test");
  g_autoptr (CrConnection1) b = cr_test_client_open (other, "root");
  g_autoptr (GVariant) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *comm = NULL;
  GVariantIter iter;
  const char *path, *name, *process, *ns;
  gint64 pid, uid, since;
  guint seen = 0;

  g_file_get_contents ("/proc/self/comm", &comm, NULL, NULL);
  if (comm != NULL)
    g_strchomp (comm);

  g_assert_cmpstr (cr_test_client_get_name (f->client), !=, cr_test_client_get_name (other));
  cr_repository1_call_list_connections_sync (other->repository, &list, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (list), ==, 2);
  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(&o&sxx&s&sx)", &path, &name, &pid, &uid, &process, &ns, &since))
    {
      g_assert_cmpint (pid, ==, getpid ());
      g_assert_cmpint (uid, ==, getuid ());
      if (comm != NULL)
        g_assert_cmpstr (process, ==, comm);
      g_assert_cmpint (since, >, 0);
      if (g_strcmp0 (path, g_dbus_proxy_get_object_path (G_DBUS_PROXY (a))) == 0)
        {
          g_assert_cmpstr (name, ==, cr_test_client_get_name (f->client));
          g_assert_cmpstr (ns, ==, "root/test");
          seen |= 1;
        }
      else
        {
          g_assert_cmpstr (path, ==, g_dbus_proxy_get_object_path (G_DBUS_PROXY (b)));
          g_assert_cmpstr (name, ==, cr_test_client_get_name (other));
          g_assert_cmpstr (ns, ==, "root");
          seen |= 2;
        }
    }
  g_assert_cmpuint (seen, ==, 3);
  g_assert_cmpuint (cr_test_count_remote (a, "Test_Item"), ==, 5);
}

/* Bounds: every input has one, and a call beyond it changes nothing. */
static void
test_bounds (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autofree char *long_ns = g_strnfill (CR_MAX_NAMESPACE_BYTES + 1, 'a');
  g_autofree char *path = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  g_autoptr (GVariant) inst_v = NULL;
  GVariant *deep;
  guint result;
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  cr_repository1_call_open_namespace_sync (f->client->repository, long_ns, &path, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  /* A file descriptor where none is declared */
  g_unix_fd_list_append (fds, fd, &error);
  g_assert_no_error (error);
  close (fd);
  reply = cr_test_call_with_fds (f->client, "ListNamespaces", g_variant_new ("(sb)", "", TRUE), fds, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  /* A value nested far beyond the bound */
  deep = g_variant_new_string ("x");
  for (guint i = 0; i < 40; i++)
    deep = g_variant_new_variant (deep);
  cr_instance_set_property (inst, "Name", g_variant_new_string ("deep"));
  cr_instance_set_property (inst, "Note", deep);
  inst_v = g_variant_ref_sink (cr_instance_to_variant (inst));
  cr_connection1_call_put_instance_sync (conn, inst_v, 0, &path, &result, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "nested"));
  g_clear_error (&error);

  /* A name far too long */
  cr_connection1_call_delete_class_sync (conn, long_ns, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, 5);
}

static void
test_large_arguments (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  g_autoptr (GVariant) inst_v = NULL;
  g_autoptr (GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = NULL;
  guint result;

  /* 17 MiB of tags: beyond the 16 MiB an object may have */
  for (guint i = 0; i < 17; i++)
    g_ptr_array_add (tags, g_strnfill (1024 * 1024 - 64, 'a' + i));
  cr_instance_set_property (inst, "Name", g_variant_new_string ("large"));
  cr_instance_set_property (inst, "Tags", g_variant_new_strv ((const char *const *) tags->pdata, tags->len));
  inst_v = g_variant_ref_sink (cr_instance_to_variant (inst));
  cr_connection1_call_put_instance_sync (conn, inst_v, 0, &path, &result, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, 5);
}

/* Errors keep their WBEM code across the bus. */
static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autoptr (GVariant) klass = NULL;
  g_autofree char *path = NULL;

  cr_connection1_call_get_class_sync (conn, "No_Such_Class", &klass, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_NOT_FOUND, "NotFound");
  g_assert_cmphex (cr_error_get_hresult (error), ==, 0x80041002);
  g_assert_nonnull (strstr (error->message, "No_Such_Class"));
  g_clear_error (&error);

  cr_repository1_call_open_namespace_sync (f->client->repository, "root/nowhere", &path, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_NAMESPACE, "InvalidNamespace");
  g_assert_cmphex (cr_error_get_hresult (error), ==, 0x8004100E);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/cimrepo/service/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("properties", test_properties);
  ADD ("summary", test_summary);
  ADD ("namespaces", test_namespaces);
  ADD ("objects", test_objects);
  ADD ("verify", test_verify);
  ADD ("two-clients", test_two_clients);
  ADD ("bounds", test_bounds);
  ADD ("large-arguments", test_large_arguments);
  ADD ("errors", test_errors);
#undef ADD

  return g_test_run ();
}
