/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cr-app-test-utils.h"

/* A repository of about @mib MiB: the test schema, and instances with a big
 * string each, imported in batches. */
char *
cr_app_test_make_large_repository (CrTestDir *dir, const char *name, guint mib)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_dir_file (dir, name);
  g_autoptr (CrRepository) repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_CREATE, NULL, &error);
  g_autoptr (GString) text = g_string_new (NULL);
  guint n = mib * 16; /* 64 KiB each */

  g_assert_no_error (error);
  cr_test_add_schema (repo);
  while (text->len < 64 * 1024)
    g_string_append_printf (text, "%08x ", g_random_int ());
  for (guint done = 0; done < n;)
    {
      g_autoptr (CrImportBatch) batch = cr_import_batch_new ();

      for (guint i = 0; i < 128 && done < n; i++, done++)
        {
          g_autoptr (CrInstance) instance = cr_instance_new ("Test_Item");
          g_autofree char *item = g_strdup_printf ("item-%06u", done);

          text->str[done % text->len] = 'a' + done % 26;
          cr_instance_set_property (instance, "Name", g_variant_new_string (item));
          cr_instance_set_property (instance, "Size", g_variant_new_uint64 (done));
          cr_instance_set_property (instance, "Note", g_variant_new_string (text->str));
          cr_import_batch_add_instance (batch, "root/test", instance);
        }
      g_assert_true (cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_NONE, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  cr_repository_close (repo);
  return g_steal_pointer (&path);
}
