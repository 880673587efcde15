/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cr-test-utils.h"

CrTestDir *
cr_test_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  CrTestDir *dir = g_new0 (CrTestDir, 1);

  dir->path = g_dir_make_tmp ("cimrepo-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

char *
cr_test_dir_file (CrTestDir *dir, const char *name)
{
  return g_build_filename (dir->path, name, NULL);
}

void
cr_test_rm_rf (const char *path)
{
  GDir *d;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      (void) g_unlink (path);
      return;
    }
  d = g_dir_open (path, 0, NULL);
  if (d != NULL)
    {
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          cr_test_rm_rf (child);
        }
      g_dir_close (d);
    }
  (void) g_rmdir (path);
}

void
cr_test_dir_free (CrTestDir *dir)
{
  if (dir == NULL)
    return;
  if (g_getenv ("CR_TEST_KEEP_TMP") == NULL)
    cr_test_rm_rf (dir->path);
  g_free (dir->path);
  g_free (dir);
}

char *
cr_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
cr_test_iterate_until (const gboolean *done, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  GMainContext *context = g_main_context_get_thread_default ();
  GSource *source = g_timeout_source_new (timeout_ms);

  g_source_set_callback (source, timeout_cb, &timed_out, NULL);
  g_source_attach (source, context);
  while (!*done && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  return *done;
}

CrRepository *
cr_test_repository_new (CrTestDir *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_dir_file (dir, "repository.db");
  CrRepository *repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_CREATE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (repo);
  return repo;
}

CrConnection *
cr_test_connect (CrRepository *repo, const char *ns)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClientInfo) client = cr_client_info_new_self ("test");
  CrConnection *conn = cr_repository_connect (repo, ns, client, &error);

  g_assert_no_error (error);
  g_assert_nonnull (conn);
  return conn;
}

static CrProperty *
key_property (const char *name, CrCimType type)
{
  CrProperty *p = cr_property_new (name, type);

  g_ptr_array_add (p->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_DISABLE_OVERRIDE));
  return p;
}

void
cr_test_add_schema (CrRepository *repo)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (CrClass) element = cr_class_new ("Test_Element", NULL);
  g_autoptr (CrClass) item = cr_class_new ("Test_Item", "Test_Element");
  g_autoptr (CrClass) special = cr_class_new ("Test_SpecialItem", "Test_Item");
  CrProperty *note;

  if (!cr_repository_namespace_exists (repo, "root/test"))
    {
      cr_repository_create_namespace (repo, "root/test", CR_NAMESPACE_FLAGS_NONE, &error);
      g_assert_no_error (error);
    }
  conn = cr_test_connect (repo, "root/test");

  cr_class_add_qualifier (element, cr_qualifier_new ("Abstract", g_variant_new_boolean (TRUE), CR_FLAVOR_RESTRICTED));
  cr_class_add_property (element, cr_property_new ("Caption", CR_CIM_TYPE_STRING));
  cr_connection_put_class (conn, element, CR_PUT_FLAGS_NONE, &error);
  g_assert_no_error (error);

  cr_class_add_property (item, key_property ("Name", CR_CIM_TYPE_STRING));
  cr_class_add_property (item, cr_property_new ("Size", CR_CIM_TYPE_UINT64));
  cr_class_add_property (item, cr_property_new ("Tags", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY));
  note = cr_property_new ("Note", CR_CIM_TYPE_STRING);
  note->default_value = g_variant_ref_sink (g_variant_new_string ("none"));
  cr_class_add_property (item, note);
  cr_connection_put_class (conn, item, CR_PUT_FLAGS_NONE, &error);
  g_assert_no_error (error);

  cr_class_add_property (special, cr_property_new ("Level", CR_CIM_TYPE_SINT8));
  cr_connection_put_class (conn, special, CR_PUT_FLAGS_NONE, &error);
  g_assert_no_error (error);
}

char *
cr_test_put_item (CrConnection *conn, const char *class_name, const char *name, guint64 size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) inst = cr_instance_new (class_name);
  char *path;

  cr_instance_set_property (inst, "Name", g_variant_new_string (name));
  cr_instance_set_property (inst, "Size", g_variant_new_uint64 (size));
  path = cr_connection_put_instance (conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (path);
  return path;
}

guint
cr_test_count_instances (CrConnection *conn, const char *class_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = cr_connection_enumerate_instances (conn, class_name, TRUE, &error);

  g_assert_no_error (error);
  return all->len;
}

GBytes *
cr_test_read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

void
cr_test_write_file (const char *path, GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

const char *
cr_test_cimrepoctl (void)
{
  const char *path = g_getenv ("CIMREPOCTL");

  g_assert_nonnull (path);
  return path;
}

int
cr_test_exit_status (GSubprocess *process)
{
  if (g_subprocess_get_if_exited (process))
    return g_subprocess_get_exit_status (process);
  g_assert_true (g_subprocess_get_if_signaled (process));
  return 128 + g_subprocess_get_term_sig (process);
}

/* Pipes for the three standard streams, in the C locale */
GSubprocessLauncher *
cr_test_launcher_new (void)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE);

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

CrTestRun *
cr_test_run_cimrepoctl (GSubprocessLauncher *launcher, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) plain = launcher == NULL ? cr_test_launcher_new () : NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  CrTestRun *run = g_new0 (CrTestRun, 1);

  g_ptr_array_add (argv, (gpointer) cr_test_cimrepoctl ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher != NULL ? launcher : plain, (const char *const *) argv->pdata,
                                          &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = cr_test_exit_status (process);
  if (g_test_verbose ())
    g_printerr ("$ cimrepoctl %s …: %d\n%s%s", args[0] != NULL ? args[0] : "", run->status, run->out, run->err);
  return run;
}

void
cr_test_run_free (CrTestRun *run)
{
  if (run == NULL)
    return;
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
cr_test_dump_namespace (CrRepository *repo, const char *ns)
{
  g_autoptr (CrConnection) conn = cr_test_connect (repo, ns);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) qtypes = cr_connection_enumerate_qualifier_types (conn, &error);
  g_autoptr (GPtrArray) classes = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < qtypes->len; i++)
    {
      g_autoptr (GVariant) v = g_variant_ref_sink (cr_qualifier_type_to_variant (g_ptr_array_index (qtypes, i)));
      g_autofree char *text = g_variant_print (v, TRUE);

      g_ptr_array_add (lines, g_strdup_printf ("Q %s", text));
    }
  classes = cr_connection_enumerate_classes (conn, NULL, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < classes->len; i++)
    {
      CrClass *klass = g_ptr_array_index (classes, i);
      g_autoptr (GVariant) v = g_variant_ref_sink (cr_class_to_variant (klass));
      g_autoptr (GPtrArray) instances = cr_connection_enumerate_instances (conn, cr_class_get_name (klass), FALSE, &error);
      g_autofree char *text = g_variant_print (v, TRUE);

      g_assert_no_error (error);
      g_ptr_array_add (lines, g_strdup_printf ("C %s", text));
      for (guint j = 0; j < instances->len; j++)
        {
          CrInstance *instance = g_ptr_array_index (instances, j);
          g_autoptr (GVariant) iv = g_variant_ref_sink (cr_instance_to_variant (instance));
          g_autofree char *instance_text = g_variant_print (iv, TRUE);

          g_ptr_array_add (lines, g_strdup_printf ("I %s %s", cr_instance_get_path (instance), instance_text));
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}
