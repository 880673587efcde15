/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-daemon-test.h"

/*
 * Repository1.Import: a batch that the client compiled, put in one
 * transaction by the service.
 */

#define N_ITEMS 3
#define NS "root/imported"

typedef struct {
  CrDaemonTest *test;
  CrTestClient *client;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->test = cr_daemon_test_new ();
  cr_daemon_test_populate (f->test, N_ITEMS, 0);
  cr_daemon_test_start (f->test, NULL);
  f->client = cr_test_client_new (f->test);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cr_test_client_free (f->client);
  cr_daemon_test_free (f->test);
}

/* Qualifier declarations, two classes and two instances, for a
 * namespace that does not exist yet. */
static const char schema_mof[] =
  "class Imp_Base\n"
  "{\n"
  "  [Key] string Name;\n"
  "};\n"
  "[Description (\"Declared after its subclass would do too\")]\n"
  "class Imp_Disk : Imp_Base\n"
  "{\n"
  "  uint64 Size = 512;\n"
  "};\n"
  "instance of Imp_Disk { Name = \"sda\"; Size = 1024; };\n"
  "instance of Imp_Disk { Name = \"sdb\"; };\n";

/* The batch, as a client compiles it: the test qualifier declarations
 * (tests/data/mof/qualifiers.mof), then the schema. */
static CrImportBatch *
compile_schema (guint *out_n_qualifier_types)
{
  g_autoptr (CrMofCompiler) compiler = cr_mof_compiler_new (NULL);
  g_autoptr (GBytes) bytes = g_bytes_new_static (schema_mof, strlen (schema_mof));
  g_autofree char *qualifiers = cr_test_data_path ("mof/qualifiers.mof");
  g_autoptr (GError) error = NULL;
  CrImportBatch *batch;
  guint n = 0;

  cr_mof_compiler_set_namespace (compiler, NS);
  cr_mof_compiler_add_file (compiler, qualifiers);
  cr_mof_compiler_add_data (compiler, "schema.mof", bytes, NULL);
  batch = cr_mof_compiler_compile_sync (compiler, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  for (guint i = 0; i < cr_import_batch_get_length (batch); i++)
    {
      CrImportKind kind;

      g_assert_true (cr_import_batch_get_item (batch, i, NULL, &kind, NULL));
      if (kind == CR_IMPORT_KIND_QUALIFIER_TYPE)
        n++;
    }
  g_assert_cmpuint (n, >, 0);
  *out_n_qualifier_types = n;
  return batch;
}

static GVariant *
import_fds (CrTestClient *client, GUnixFDList *fds, gboolean dry_run, GError **error)
{
  GVariant *summary = NULL;

  if (!cr_repository1_call_import_sync (client->repository, g_variant_new_handle (0), dry_run, fds, &summary, NULL,
                                        NULL, error))
    return NULL;
  return summary;
}

static GVariant *
import (CrTestClient *client, GVariant *batch, gboolean dry_run, GError **error)
{
  return cr_test_client_import (client, batch, dry_run, error);
}

static void
assert_counts (GVariant *summary, const char *key, guint created, guint updated, guint unchanged)
{
  guint32 c = G_MAXUINT32, u = G_MAXUINT32, n = G_MAXUINT32;

  g_assert_true (g_variant_lookup (summary, key, "(uuu)", &c, &u, &n));
  g_assert_cmpuint (c, ==, created);
  g_assert_cmpuint (u, ==, updated);
  g_assert_cmpuint (n, ==, unchanged);
}

static guint32
namespaces_created (GVariant *summary)
{
  guint32 n = G_MAXUINT32;

  g_assert_true (g_variant_lookup (summary, "namespaces-created", "u", &n));
  return n;
}

static gboolean
namespace_exists (CrTestClient *client, const char *ns)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) namespaces = NULL;

  cr_repository1_call_list_namespaces_sync (client->repository, "", TRUE, &namespaces, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; namespaces[i] != NULL; i++)
    if (g_ascii_strcasecmp (namespaces[i], ns) == 0)
      return TRUE;
  return FALSE;
}

static guint64
class_count (CrTestClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  guint64 n = 0;

  cr_repository1_call_get_summary_sync (client->repository, &summary, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "classes", "t", &n));
  return n;
}

/* A real import: the summary, then what it put there, then the same
 * again changes nothing. */
static void
test_import (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GVariant) again = NULL;
  g_autoptr (CrConnection1) conn = NULL;
  g_autoptr (GVariant) klass = NULL;
  g_autoptr (CrClass) disk = NULL;
  g_autofree char *object_path = NULL;
  g_autoptr (GVariant) instance = NULL;
  guint n_qtypes = 0;

  batch = compile_schema (&n_qtypes);
  summary = import (f->client, cr_import_batch_to_variant (batch), FALSE, &error);
  g_assert_no_error (error);
  assert_counts (summary, "qualifier-types", n_qtypes, 0, 0);
  assert_counts (summary, "classes", 2, 0, 0);
  assert_counts (summary, "instances", 2, 0, 0);
  g_assert_cmpuint (namespaces_created (summary), ==, 1);

  /* There, through a connection as any client sees it */
  conn = cr_test_client_open (f->client, NS);
  cr_connection1_call_get_class_sync (conn, "Imp_Disk", &klass, NULL, &error);
  g_assert_no_error (error);
  disk = cr_class_new_from_variant (klass, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_class_get_superclass (disk), ==, "Imp_Base");
  g_assert_true (cr_property_is_key (cr_class_find_property (disk, "Name")));
  g_assert_cmpuint (cr_test_count_remote (conn, "Imp_Base"), ==, 2);
  cr_connection1_call_get_instance_sync (conn, "Imp_Disk.Name=\"sdb\"", &object_path, &instance, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (object_path, ==, "Imp_Disk.Name=\"sdb\"");

  again = import (f->client, cr_import_batch_to_variant (batch), FALSE, &error);
  g_assert_no_error (error);
  assert_counts (again, "qualifier-types", 0, 0, n_qtypes);
  assert_counts (again, "classes", 0, 0, 2);
  assert_counts (again, "instances", 0, 0, 2);
  g_assert_cmpuint (namespaces_created (again), ==, 0);
}

/* A dry run says what the import would do, and changes nothing. */
static void
test_dry_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autofree char *path = NULL;
  guint64 classes_before = class_count (f->client);
  guint n_qtypes = 0;

  batch = compile_schema (&n_qtypes);
  summary = import (f->client, cr_import_batch_to_variant (batch), TRUE, &error);
  g_assert_no_error (error);
  assert_counts (summary, "classes", 2, 0, 0);
  assert_counts (summary, "instances", 2, 0, 0);
  g_assert_cmpuint (namespaces_created (summary), ==, 1);

  g_assert_false (namespace_exists (f->client, NS));
  g_assert_cmpuint (class_count (f->client), ==, classes_before);
  cr_repository1_call_open_namespace_sync (f->client->repository, NS, &path, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_NAMESPACE, "InvalidNamespace");
}

/* A batch that the engine refuses imports nothing, not even the good
 * part before the bad one, and the client gets the engine's error. */
static void
test_invalid_batch (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrImportBatch) batch = cr_import_batch_new ();
  g_autoptr (CrClass) good = cr_class_new ("Imp_Good", NULL);
  g_autoptr (CrClass) orphan = cr_class_new ("Imp_Orphan", "Imp_Missing");
  g_autoptr (CrInstance) item = cr_instance_new ("Test_Item");
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (CrConnection1) conn = NULL;
  guint64 classes_before = class_count (f->client);

  cr_instance_set_property (item, "Name", g_variant_new_string ("from-a-bad-batch"));
  cr_import_batch_add_class (batch, NS, good);
  cr_import_batch_add_instance (batch, "root/test", item);
  cr_import_batch_add_class (batch, NS, orphan);
  summary = import (f->client, cr_import_batch_to_variant (batch), FALSE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_SUPERCLASS, "InvalidSuperclass");
  g_assert_nonnull (strstr (error->message, "Imp_Missing"));
  g_assert_null (summary);
  g_clear_error (&error);

  g_assert_false (namespace_exists (f->client, NS));
  g_assert_cmpuint (class_count (f->client), ==, classes_before);
  conn = cr_test_client_open (f->client, "root/test");
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, N_ITEMS);

  /* A dry run of it fails the same way */
  summary = import (f->client, cr_import_batch_to_variant (batch), TRUE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_SUPERCLASS, "InvalidSuperclass");
}

/* What is not a batch is refused before anything is done. */
static void
test_malformed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  GVariantBuilder builder;

  /* An unknown kind */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(suv)"));
  g_variant_builder_add (&builder, "(suv)", NS, 7u, g_variant_new_string ("x"));
  summary = import (f->client, g_variant_builder_end (&builder), FALSE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  /* A class that is not of the class type */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(suv)"));
  g_variant_builder_add (&builder, "(suv)", NS, (guint32) CR_IMPORT_KIND_CLASS, g_variant_new ("(ss)", "A", ""));
  summary = import (f->client, g_variant_builder_end (&builder), FALSE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_assert_nonnull (strstr (error->message, "Item 1"));
  g_clear_error (&error);

  g_assert_false (namespace_exists (f->client, NS));
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  g_autoptr (GVariant) summary = NULL;

  if (!cr_repository1_call_import_finish (CR_REPOSITORY1 (source), &summary, NULL, result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done"); /* a marker: finished */
}

static gboolean
is_error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* The file is untrusted: too large, not a batch, or not a regular file,
 * it is refused and nothing is done. */
static void
test_bad_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GUnixFDList) garbage = cr_test_fd_list_holding ("\x01\xff\x00\x07not a batch", 15);
  g_autoptr (GUnixFDList) big = cr_test_fd_list_holding ("", 0);
  g_autoptr (GUnixFDList) pipe_fds = g_unix_fd_list_new ();
  int fds[2];

  summary = import_fds (f->client, garbage, FALSE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  /* Sparse: 300 MiB that take no room, refused by their size alone */
  g_assert_cmpint (ftruncate (g_unix_fd_list_peek_fds (big, NULL)[0], 300 * 1024 * 1024), ==, 0);
  summary = import_fds (f->client, big, FALSE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_LIMIT_EXCEEDED, "LimitExceeded");
  g_clear_error (&error);

  g_assert_cmpint (pipe (fds), ==, 0);
  g_unix_fd_list_append (pipe_fds, fds[0], &error);
  g_assert_no_error (error);
  close (fds[0]);
  summary = import_fds (f->client, pipe_fds, FALSE, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  close (fds[1]);

  g_assert_false (namespace_exists (f->client, NS));
}

/* An import is a write: it waits while the repository is paused (P2),
 * and goes ahead after Resume. */
static void
test_held_while_paused (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) holder = cr_test_client_new (f->test);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) import_error = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GVariant) batch_v = NULL;
  g_autoptr (GVariant) options = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  g_autoptr (GUnixFDList) fds = NULL;
  guint n_qtypes = 0;

  batch = compile_schema (&n_qtypes);
  batch_v = g_variant_ref_sink (cr_import_batch_to_variant (batch));
  cr_repository1_call_pause_sync (holder->repository, options, NULL, &error);
  g_assert_no_error (error);

  fds = cr_test_fd_list_holding (g_variant_get_data (batch_v), g_variant_get_size (batch_v));
  cr_repository1_call_import (f->client->repository, g_variant_new_handle (0), FALSE, fds, NULL, import_done_cb,
                              &import_error);
  /* Held: not finished after a while (a bounded wait for nothing) */
  g_assert_false (cr_test_wait_for (is_error_set, &import_error, 300));
  g_assert_false (namespace_exists (f->client, NS));

  cr_repository1_call_resume_sync (holder->repository, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_error_set, &import_error, cr_daemon_test_timeout (5000)));
  g_assert_error (import_error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_true (namespace_exists (f->client, NS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/cimrepo/import/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("import", test_import);
  ADD ("dry-run", test_dry_run);
  ADD ("invalid-batch", test_invalid_batch);
  ADD ("malformed", test_malformed);
  ADD ("bad-file", test_bad_file);
  ADD ("held-while-paused", test_held_while_paused);
#undef ADD

  return g_test_run ();
}
