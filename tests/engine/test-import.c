/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cr-test-utils.h"

/* Imports: a batch goes in whole, in one transaction, or not at all. */

static CrClass *
keyed_class (const char *name, const char *super)
{
  CrClass *klass = cr_class_new (name, super);

  if (super == NULL)
    {
      CrProperty *key = cr_property_new ("Id", CR_CIM_TYPE_STRING);
      g_ptr_array_add (key->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_NONE));
      cr_class_add_property (klass, key);
    }
  return klass;
}

static CrInstance *
item (const char *class_name, const char *id)
{
  CrInstance *inst = cr_instance_new (class_name);

  cr_instance_set_property (inst, "Id", g_variant_new_string (id));
  return inst;
}

static CrImportBatch *
make_batch (void)
{
  CrImportBatch *batch = cr_import_batch_new ();
  g_autoptr (CrQualifierType) key = cr_qualifier_type_new ("Key", CR_CIM_TYPE_BOOLEAN, g_variant_new_boolean (FALSE),
                                                           CR_SCOPE_PROPERTY | CR_SCOPE_REFERENCE, CR_FLAVOR_DISABLE_OVERRIDE);
  g_autoptr (CrClass) leaf = keyed_class ("Imp_Leaf", "Imp_Middle");
  g_autoptr (CrClass) middle = keyed_class ("Imp_Middle", "Imp_Base");
  g_autoptr (CrClass) base = keyed_class ("Imp_Base", NULL);
  g_autoptr (CrInstance) a = item ("Imp_Leaf", "a");
  g_autoptr (CrInstance) b = item ("Imp_Base", "b");

  cr_import_batch_add_qualifier_type (batch, "root/imported/deep", key);
  /* Subclasses before their superclasses: the order is free. */
  cr_import_batch_add_class (batch, "root/imported/deep", leaf);
  cr_import_batch_add_class (batch, "root/imported/deep", middle);
  cr_import_batch_add_class (batch, "root/imported/deep", base);
  cr_import_batch_add_instance (batch, "root/imported/deep", a);
  cr_import_batch_add_instance (batch, "root/imported/deep", b);
  return batch;
}

static void
test_import (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrImportBatch) batch = make_batch ();
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  CrImportSummary s;

  g_assert_true (cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_NONE, &s, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.namespaces_created, ==, 2);
  g_assert_cmpuint (s.qualifier_types[CR_PUT_RESULT_CREATED], ==, 1);
  g_assert_cmpuint (s.classes[CR_PUT_RESULT_CREATED], ==, 3);
  g_assert_cmpuint (s.instances[CR_PUT_RESULT_CREATED], ==, 2);

  conn = cr_test_connect (repo, "root/imported/deep");
  g_assert_cmpuint (cr_test_count_instances (conn, "Imp_Base"), ==, 2);

  /* Again: everything is unchanged. */
  g_assert_true (cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_NONE, &s, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.namespaces_created, ==, 0);
  g_assert_cmpuint (s.classes[CR_PUT_RESULT_UNCHANGED], ==, 3);
  g_assert_cmpuint (s.instances[CR_PUT_RESULT_UNCHANGED], ==, 2);
  g_assert_cmpuint (s.qualifier_types[CR_PUT_RESULT_UNCHANGED], ==, 1);
}

/* A failure anywhere leaves nothing of the batch. */
static void
test_atomic (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrImportBatch) batch = make_batch ();
  g_autoptr (CrInstance) bad = cr_instance_new ("Imp_Leaf");
  g_autoptr (GError) error = NULL;
  guint64 ns = 0, classes = 0, instances = 0;

  /* The last item has no key. */
  cr_import_batch_add_instance (batch, "root/imported/deep", bad);
  g_assert_false (cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_NONE, NULL, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_ILLEGAL_NULL);
  g_assert_nonnull (strstr (error->message, "Imp_Leaf"));
  g_clear_error (&error);
  g_assert_true (cr_repository_get_counts (repo, &ns, &classes, &instances, &error));
  g_assert_cmpuint (ns, ==, 1);
  g_assert_cmpuint (classes, ==, 0);
  g_assert_cmpuint (instances, ==, 0);

  /* A superclass that is nowhere */
  {
    g_autoptr (CrImportBatch) orphan = cr_import_batch_new ();
    g_autoptr (CrClass) klass = keyed_class ("Imp_Orphan", "Imp_Nowhere");

    cr_import_batch_add_class (orphan, "root", klass);
    g_assert_false (cr_repository_import_sync (repo, orphan, CR_IMPORT_FLAGS_NONE, NULL, NULL, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS);
    g_assert_nonnull (strstr (error->message, "Imp_Nowhere"));
  }
}

static void
test_dry_run (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrImportBatch) batch = make_batch ();
  g_autoptr (GError) error = NULL;
  guint64 ns = 0, classes = 0;
  CrImportSummary s;

  g_assert_true (cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_DRY_RUN, &s, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.classes[CR_PUT_RESULT_CREATED], ==, 3);
  g_assert_true (cr_repository_get_counts (repo, &ns, &classes, NULL, &error));
  g_assert_cmpuint (ns, ==, 1);
  g_assert_cmpuint (classes, ==, 0);

  /* Nothing of a dry run stays behind in the class cache either: the
   * instance made the import resolve its class. */
  {
    g_autoptr (CrImportBatch) in_root = cr_import_batch_new ();
    g_autoptr (CrClass) base = keyed_class ("Imp_Base", NULL);
    g_autoptr (CrInstance) x = item ("Imp_Base", "x");
    g_autoptr (CrConnection) conn = cr_test_connect (repo, "root");

    cr_import_batch_add_class (in_root, "root", base);
    cr_import_batch_add_instance (in_root, "root", x);
    g_assert_true (cr_repository_import_sync (repo, in_root, CR_IMPORT_FLAGS_DRY_RUN, &s, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (cr_connection_get_class (conn, "Imp_Base", &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  }
}

static void
test_variant (void)
{
  g_autoptr (CrImportBatch) batch = make_batch ();
  g_autoptr (GVariant) v = g_variant_ref_sink (cr_import_batch_to_variant (batch));
  g_autoptr (CrImportBatch) back = NULL;
  g_autoptr (GVariant) v2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) bad = g_variant_ref_sink (g_variant_new_parsed ("[('root', uint32 7, <1>)]"));
  CrImportSummary s = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 }, 10 };
  CrImportSummary s2;
  g_autoptr (GVariant) sv = g_variant_ref_sink (cr_import_summary_to_variant (&s));

  back = cr_import_batch_new_from_variant (v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_import_batch_get_length (back), ==, 6);
  v2 = g_variant_ref_sink (cr_import_batch_to_variant (back));
  g_assert_true (g_variant_equal (v, v2));

  g_assert_null (cr_import_batch_new_from_variant (bad, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);

  g_assert_true (cr_import_summary_from_variant (sv, &s2));
  g_assert_cmpmem (&s, sizeof s, &s2, sizeof s2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/import/import", test_import);
  g_test_add_func ("/cimrepo/import/atomic", test_atomic);
  g_test_add_func ("/cimrepo/import/dry-run", test_dry_run);
  g_test_add_func ("/cimrepo/import/variant", test_variant);
  return g_test_run ();
}
