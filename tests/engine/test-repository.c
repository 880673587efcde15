/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cr-test-utils.h"

/* A second open of the same file fails clearly and names the holder. */
static void
test_lock (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrRepository) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_dir_file (dir, "repository.db");

  second = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, CR_ERROR, CR_ERROR_REPOSITORY_LOCKED);
  g_assert_nonnull (strstr (error->message, "pid"));
  g_clear_error (&error);

  /* Once closed, it opens again. */
  cr_repository_close (repo);
  second = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_repository_get_id (second), ==, cr_repository_get_id (repo));
}

static void
test_open_errors (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = cr_test_dir_file (dir, "missing.db");
  g_autofree char *garbage = cr_test_dir_file (dir, "garbage.db");
  g_autoptr (CrRepository) repo = NULL;

  repo = cr_repository_open_sync (missing, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  repo = cr_repository_open_sync ("", CR_OPEN_FLAGS_CREATE, NULL, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_clear_error (&error);

  g_file_set_contents (garbage, "this is not a database at all, not even close................................................", -1, NULL);
  repo = cr_repository_open_sync (garbage, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_null (repo);
  g_assert_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT);
}

static void
test_namespaces (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) top = NULL;
  g_auto (GStrv) all = NULL;
  g_auto (GStrv) children = NULL;

  top = cr_repository_list_namespaces (repo, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (top, ((const char *[]){ "root", NULL }));

  /* A missing parent is an error unless asked to create it. */
  g_assert_false (cr_repository_create_namespace (repo, "root/a/b", CR_NAMESPACE_FLAGS_NONE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_clear_error (&error);
  g_assert_true (cr_repository_create_namespace (repo, "root\\a\\b", CR_NAMESPACE_FLAGS_CREATE_PARENTS, &error));
  g_assert_no_error (error);
  g_assert_true (cr_repository_create_namespace (repo, "root/a/c", CR_NAMESPACE_FLAGS_NONE, &error));
  g_assert_no_error (error);
  g_assert_false (cr_repository_create_namespace (repo, "ROOT/A", CR_NAMESPACE_FLAGS_NONE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  /* Outside root, bad names, too deep */
  g_assert_false (cr_repository_create_namespace (repo, "other", CR_NAMESPACE_FLAGS_NONE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_clear_error (&error);
  g_assert_false (cr_repository_create_namespace (repo, "root//x", CR_NAMESPACE_FLAGS_NONE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_clear_error (&error);
  g_assert_false (cr_repository_create_namespace (repo, "root/a b", CR_NAMESPACE_FLAGS_NONE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_clear_error (&error);
  {
    g_autoptr (GString) deep = g_string_new ("root");
    for (int i = 0; i < 40; i++)
      g_string_append (deep, "/n");
    g_assert_false (cr_repository_create_namespace (repo, deep->str, CR_NAMESPACE_FLAGS_CREATE_PARENTS, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
    g_clear_error (&error);
  }

  all = cr_repository_list_namespaces (repo, "root", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (all, ((const char *[]){ "root/a", "root/a/b", "root/a/c", NULL }));
  children = cr_repository_list_namespaces (repo, "root", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (children, ((const char *[]){ "root/a", NULL }));

  /* Recursive delete; root stays. */
  g_assert_true (cr_repository_delete_namespace (repo, "root/a", &error));
  g_assert_no_error (error);
  g_assert_false (cr_repository_namespace_exists (repo, "root/a/b"));
  g_assert_false (cr_repository_delete_namespace (repo, "root", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&error);
  g_assert_false (cr_repository_delete_namespace (repo, "root/nothing", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
}

/* Deleting a namespace is refused while a connection is open in it or
 * below it; the refusal names the client. */
static void
test_namespace_delete_refused (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (CrClientInfo) client = cr_client_info_new ("ops-agent", 42, 1000, "agent");

  cr_repository_create_namespace (repo, "root/a/b", CR_NAMESPACE_FLAGS_CREATE_PARENTS, &error);
  g_assert_no_error (error);
  conn = cr_repository_connect (repo, "root/a/b", client, &error);
  g_assert_no_error (error);

  g_assert_false (cr_repository_delete_namespace (repo, "root/a", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_assert_nonnull (strstr (error->message, "ops-agent"));
  g_clear_error (&error);
  g_assert_true (cr_repository_namespace_exists (repo, "root/a/b"));

  cr_connection_close (conn);
  g_assert_true (cr_repository_delete_namespace (repo, "root/a", &error));
  g_assert_no_error (error);
}

static void
on_closed (CrConnection *conn, const char *reason, gpointer data)
{
  char **out = data;

  g_free (*out);
  *out = g_strdup (reason);
}

static void
test_connections (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClientInfo) client = cr_client_info_new ("client-a", 1234, 1000, "agent");
  g_autoptr (CrConnection) a = NULL;
  g_autoptr (CrConnection) b = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *reason = NULL;
  CrConnection *dropped;
  gint64 before = g_get_real_time ();

  a = cr_repository_connect (repo, "root", client, &error);
  g_assert_no_error (error);
  b = cr_test_connect (repo, "ROOT");

  g_assert_null (cr_repository_connect (repo, "root/none", client, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  g_clear_error (&error);

  list = cr_repository_list_connections (repo);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (g_ptr_array_index (list, 0) == a);
  g_assert_cmpstr (cr_connection_get_namespace (a), ==, "root");
  g_assert_cmpstr (cr_connection_get_client (a)->name, ==, "client-a");
  g_assert_cmpint (cr_connection_get_client (a)->pid, ==, 1234);
  g_assert_cmpint (cr_connection_get_client (a)->uid, ==, 1000);
  g_assert_cmpstr (cr_connection_get_client (a)->process_name, ==, "agent");
  g_assert_cmpint (cr_connection_get_connected_at (a), >=, before);
  g_assert_cmpint (cr_connection_get_client (b)->pid, >, 0);
  g_assert_cmpuint (cr_repository_get_connection_count (repo), ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Closing: the signal comes in the main context, and later calls fail
   * clearly. */
  g_signal_connect (a, "closed", G_CALLBACK (on_closed), &reason);
  cr_connection_close (a);
  g_assert_true (cr_connection_is_closed (a));
  while (reason == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (reason, ==, "client");
  g_assert_null (cr_connection_enumerate_classes (a, NULL, TRUE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);

  /* A client that drops its connection leaves the table. */
  dropped = cr_test_connect (repo, "root");
  g_assert_cmpuint (cr_repository_get_connection_count (repo), ==, 2);
  g_object_unref (dropped);
  g_assert_cmpuint (cr_repository_get_connection_count (repo), ==, 1);
  list = cr_repository_list_connections (repo);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (g_ptr_array_index (list, 0) == b);
}

static void
test_classes (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClass) special = NULL;
  g_autoptr (CrClass) orphan = cr_class_new ("Test_Orphan", "Test_Missing");
  g_autoptr (GPtrArray) top = NULL;
  g_autoptr (GPtrArray) below = NULL;
  g_autoptr (GPtrArray) direct = NULL;
  CrProperty *name;

  cr_test_add_schema (repo);
  conn = cr_test_connect (repo, "root/test");

  /* The resolved shape: inherited properties come first, marked. */
  special = cr_connection_get_class (conn, "test_specialitem", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_class_get_name (special), ==, "Test_SpecialItem");
  g_assert_cmpstr (cr_class_get_superclass (special), ==, "Test_Item");
  name = cr_class_find_property (special, "NAME");
  g_assert_nonnull (name);
  g_assert_true (name->flags & CR_ELEMENT_PROPAGATED);
  g_assert_true (cr_property_is_key (name));
  g_assert_nonnull (cr_class_find_property (special, "Caption"));
  g_assert_false (cr_class_find_property (special, "Level")->flags & CR_ELEMENT_PROPAGATED);
  /* Abstract is restricted: not inherited. */
  g_assert_false (cr_class_is_abstract (special));

  g_assert_null (cr_connection_get_class (conn, "Test_None", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (cr_connection_put_class (conn, orphan, CR_PUT_FLAGS_NONE, &error), ==, -1);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS);
  g_clear_error (&error);

  g_assert_cmpint (cr_connection_put_class (conn, special, CR_PUT_FLAGS_CREATE_ONLY, &error), ==, -1);
  g_assert_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);
  /* Putting back what get returned changes nothing. */
  g_assert_cmpint (cr_connection_put_class (conn, special, CR_PUT_FLAGS_NONE, &error), ==, CR_PUT_RESULT_UNCHANGED);
  g_assert_no_error (error);

  top = cr_connection_enumerate_classes (conn, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (top->len, ==, 1);
  below = cr_connection_enumerate_classes (conn, "Test_Element", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (below->len, ==, 2);
  direct = cr_connection_enumerate_classes (conn, "Test_Element", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (direct->len, ==, 1);
  g_assert_cmpstr (cr_class_get_name (g_ptr_array_index (direct, 0)), ==, "Test_Item");
  g_assert_null (cr_connection_enumerate_classes (conn, "Nope", TRUE, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_CLASS);
  g_clear_error (&error);

  /* A class cannot become its own ancestor. */
  {
    g_autoptr (CrClass) loop = cr_class_new ("Test_Element", "Test_SpecialItem");
    g_assert_cmpint (cr_connection_put_class (conn, loop, CR_PUT_FLAGS_NONE, &error), ==, -1);
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS);
    g_clear_error (&error);
  }

  /* Deleting a class takes its subclasses and instances. */
  g_free (cr_test_put_item (conn, "Test_SpecialItem", "s1", 1));
  g_assert_true (cr_connection_delete_class (conn, "Test_Item", &error));
  g_assert_no_error (error);
  g_assert_null (cr_connection_get_class (conn, "Test_SpecialItem", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cr_connection_delete_class (conn, "Test_Item", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
}

/* A class change is checked against its instances and subclasses, in
 * one transaction. */
static void
test_class_update (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClass) item = NULL;
  g_autoptr (CrClass) local = NULL;
  g_autoptr (CrClass) bad = NULL;
  g_autoptr (CrInstance) inst = NULL;
  g_autofree char *path = NULL;

  cr_test_add_schema (repo);
  conn = cr_test_connect (repo, "root/test");
  path = cr_test_put_item (conn, "Test_Item", "a", 7);

  /* Compatible: a new property with a default. The instance gains it. */
  item = cr_connection_get_class (conn, "Test_Item", &error);
  g_assert_no_error (error);
  local = cr_class_get_local (item);
  {
    CrProperty *color = cr_property_new ("Color", CR_CIM_TYPE_STRING);
    color->default_value = g_variant_ref_sink (g_variant_new_string ("blue"));
    cr_class_add_property (local, color);
  }
  g_assert_cmpint (cr_connection_put_class (conn, local, CR_PUT_FLAGS_NONE, &error), ==, CR_PUT_RESULT_UPDATED);
  g_assert_no_error (error);
  inst = cr_connection_get_instance (conn, path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (cr_instance_get_property (inst, "Color"), NULL), ==, "blue");

  /* Incompatible: Size becomes a boolean; the instance's 7 cannot be. */
  bad = cr_class_get_local (item);
  cr_class_add_property (bad, cr_property_new ("Size", CR_CIM_TYPE_BOOLEAN));
  g_assert_cmpint (cr_connection_put_class (conn, bad, CR_PUT_FLAGS_NONE, &error), ==, -1);
  g_assert_error (error, CR_ERROR, CR_ERROR_CLASS_HAS_INSTANCES);
  g_clear_error (&error);
  g_clear_object (&item);
  item = cr_connection_get_class (conn, "Test_Item", &error);
  g_assert_cmpint (cr_class_find_property (item, "Size")->type, ==, CR_CIM_TYPE_UINT64);
  g_assert_nonnull (cr_class_find_property (item, "Color"));
}

static void
test_instances (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) got = NULL;
  g_autoptr (CrInstance) via_super = NULL;
  g_autoptr (GPtrArray) shallow = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  CrPutResult result;

  cr_test_add_schema (repo);
  conn = cr_test_connect (repo, "root/test");
  p1 = cr_test_put_item (conn, "Test_Item", "first", 10);
  g_assert_cmpstr (p1, ==, "Test_Item.Name=\"first\"");
  p2 = cr_test_put_item (conn, "Test_SpecialItem", "second", 20);

  got = cr_connection_get_instance (conn, "test_item.name=\"first\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_instance_get_class_name (got), ==, "Test_Item");
  g_assert_cmpuint (g_variant_get_uint64 (cr_instance_get_property (got, "Size")), ==, 10);
  /* A default fills what was left out. */
  g_assert_cmpstr (g_variant_get_string (cr_instance_get_property (got, "Note"), NULL), ==, "none");
  g_assert_cmpstr (cr_instance_get_path (got), ==, p1);

  /* An instance of a subclass is found through its superclass's path. */
  via_super = cr_connection_get_instance (conn, "Test_Item.Name=\"second\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_instance_get_class_name (via_super), ==, "Test_SpecialItem");

  g_assert_cmpuint (cr_test_count_instances (conn, "Test_Item"), ==, 2);
  shallow = cr_connection_enumerate_instances (conn, "Test_Item", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shallow->len, ==, 1);

  /* Update in place; create-only refuses; unchanged is reported. */
  {
    g_autoptr (CrInstance) upd = cr_instance_new ("Test_Item");
    g_autofree char *p = NULL;

    cr_instance_set_property (upd, "Name", g_variant_new_string ("first"));
    cr_instance_set_property (upd, "Size", g_variant_new_uint64 (11));
    p = cr_connection_put_instance (conn, upd, CR_PUT_FLAGS_NONE, &result, &error);
    g_assert_no_error (error);
    g_assert_cmpint (result, ==, CR_PUT_RESULT_UPDATED);
    g_clear_pointer (&p, g_free);
    p = cr_connection_put_instance (conn, upd, CR_PUT_FLAGS_NONE, &result, &error);
    g_assert_cmpint (result, ==, CR_PUT_RESULT_UNCHANGED);
    g_clear_pointer (&p, g_free);
    g_assert_null (cr_connection_put_instance (conn, upd, CR_PUT_FLAGS_CREATE_ONLY, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS);
    g_clear_error (&error);
  }

  /* Type checks, keys, unknown classes and properties */
  {
    g_autoptr (CrInstance) bad = cr_instance_new ("Test_Item");

    cr_instance_set_property (bad, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (bad, "Size", g_variant_new_string ("big"));
    g_assert_null (cr_connection_put_instance (conn, bad, CR_PUT_FLAGS_NONE, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH);
    g_clear_error (&error);
  }
  {
    g_autoptr (CrInstance) nokey = cr_instance_new ("Test_Item");

    cr_instance_set_property (nokey, "Size", g_variant_new_uint64 (1));
    g_assert_null (cr_connection_put_instance (conn, nokey, CR_PUT_FLAGS_NONE, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_ILLEGAL_NULL);
    g_clear_error (&error);
  }
  {
    g_autoptr (CrInstance) level = cr_instance_new ("Test_SpecialItem");

    cr_instance_set_property (level, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (level, "Level", g_variant_new_int16 (300));
    g_assert_null (cr_connection_put_instance (conn, level, CR_PUT_FLAGS_NONE, NULL, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  {
    g_autoptr (CrInstance) abstract = cr_instance_new ("Test_Element");

    cr_instance_set_property (abstract, "Caption", g_variant_new_string ("x"));
    g_assert_null (cr_connection_put_instance (conn, abstract, CR_PUT_FLAGS_NONE, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
    g_clear_error (&error);
  }
  {
    g_autoptr (CrInstance) unknown = cr_instance_new ("Test_Nothing");

    cr_instance_set_property (unknown, "Name", g_variant_new_string ("x"));
    g_assert_null (cr_connection_put_instance (conn, unknown, CR_PUT_FLAGS_NONE, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_CLASS);
    g_clear_error (&error);
  }
  {
    /* A value beyond the documented bound is refused. */
    g_autoptr (CrInstance) huge = cr_instance_new ("Test_Item");
    g_autofree char *big = g_malloc (CR_MAX_STRING_BYTES + 2);

    memset (big, 'a', CR_MAX_STRING_BYTES + 1);
    big[CR_MAX_STRING_BYTES + 1] = '\0';
    cr_instance_set_property (huge, "Name", g_variant_new_string ("huge"));
    cr_instance_set_property (huge, "Note", g_variant_new_string (big));
    g_assert_null (cr_connection_put_instance (conn, huge, CR_PUT_FLAGS_NONE, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
    g_clear_error (&error);
  }

  g_assert_null (cr_connection_get_instance (conn, "Test_Item.Name=\"none\"", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cr_connection_get_instance (conn, "Test_Item.Name=", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH);
  g_clear_error (&error);

  g_assert_true (cr_connection_delete_instance (conn, p2, &error));
  g_assert_no_error (error);
  g_assert_false (cr_connection_delete_instance (conn, p2, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (cr_test_count_instances (conn, "Test_Item"), ==, 1);
}

static void
test_counts_and_reopen (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_dir_file (dir, "repository.db");
  g_autofree char *id = NULL;
  guint64 ns = 0, classes = 0, instances = 0;

  cr_test_add_schema (repo);
  conn = cr_test_connect (repo, "root/test");
  for (int i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("item%d", i);
      g_free (cr_test_put_item (conn, "Test_Item", name, (guint64) i));
    }
  g_assert_true (cr_repository_get_counts (repo, &ns, &classes, &instances, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ns, ==, 2);
  g_assert_cmpuint (classes, ==, 3);
  g_assert_cmpuint (instances, ==, 25);
  g_assert_cmpuint (cr_repository_get_schema_version (repo), >=, 2);
  g_assert_cmpuint (cr_repository_get_size (repo), >, 0);

  id = g_strdup (cr_repository_get_id (repo));
  g_clear_object (&conn);
  g_clear_object (&repo);
  repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_repository_get_id (repo), ==, id);
  g_assert_true (cr_repository_get_counts (repo, NULL, NULL, &instances, &error));
  g_assert_cmpuint (instances, ==, 25);
}

static void
test_verify (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) problems = NULL;

  cr_test_add_schema (repo);
  g_assert_true (cr_repository_verify_sync (repo, &problems, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/repository/lock", test_lock);
  g_test_add_func ("/cimrepo/repository/open-errors", test_open_errors);
  g_test_add_func ("/cimrepo/repository/namespaces", test_namespaces);
  g_test_add_func ("/cimrepo/repository/namespace-delete-refused", test_namespace_delete_refused);
  g_test_add_func ("/cimrepo/repository/connections", test_connections);
  g_test_add_func ("/cimrepo/repository/classes", test_classes);
  g_test_add_func ("/cimrepo/repository/class-update", test_class_update);
  g_test_add_func ("/cimrepo/repository/instances", test_instances);
  g_test_add_func ("/cimrepo/repository/counts-and-reopen", test_counts_and_reopen);
  g_test_add_func ("/cimrepo/repository/verify", test_verify);
  return g_test_run ();
}
