/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cimrepo.h"

/*
 * The MOF compiler's fuzz target (libFuzzer): any input is compiled as an
 * in-memory unit that may not include files. Whatever it holds, the
 * compiler must return, with a batch or with diagnostics, and neither
 * crash, hang, leak nor hit undefined behaviour.
 *
 * When the input compiles, the target checks a property as well: the
 * batch written back as MOF (per namespace, with CrMofWriter) compiles
 * again, to the same objects. A difference aborts, as a crash does.
 *
 * Built with libFuzzer by -Dfuzzing=true and clang (build-aux/fuzz), and
 * always as fuzz-mof-corpus, which replays the corpus as a normal test.
 */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* Inputs larger than this only take longer to say the same things. */
#define MAX_INPUT_BYTES (256 * 1024)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* A critical is a broken precondition in the library: a bug. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static CrImportBatch *
compile (GBytes *bytes, GPtrArray **out_diagnostics)
{
  g_autoptr (CrMofCompiler) compiler = cr_mof_compiler_new (NULL);
  g_autoptr (GError) error = NULL;
  CrImportBatch *batch;

  cr_mof_compiler_add_data (compiler, "fuzz.mof", bytes, NULL);
  batch = cr_mof_compiler_compile_sync (compiler, NULL, &error);
  if (batch == NULL && error == NULL)
    abort ();
  /* Every diagnostic must format. */
  for (guint i = 0; i < cr_mof_compiler_get_diagnostics (compiler)->len; i++)
    g_free (cr_mof_diagnostic_to_string (g_ptr_array_index (cr_mof_compiler_get_diagnostics (compiler), i)));
  if (out_diagnostics != NULL)
    *out_diagnostics = g_ptr_array_ref (cr_mof_compiler_get_diagnostics (compiler));
  return batch;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The items of a batch as sorted text: the writer groups them by
 * namespace, so their order may change; nothing else may. */
static GPtrArray *
batch_items (CrImportBatch *batch)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < cr_import_batch_get_length (batch); i++)
    {
      const char *ns;
      CrImportKind kind;
      GVariant *object;
      g_autofree char *printed = NULL;

      cr_import_batch_get_item (batch, i, &ns, &kind, &object);
      printed = g_variant_print (object, TRUE);
      g_ptr_array_add (items, g_strdup_printf ("%s %d %s", ns, kind, printed));
    }
  g_ptr_array_sort (items, compare_strings);
  return items;
}

/* The batch as MOF: one writer per namespace, each with its pragma. */
static char *
write_batch (CrImportBatch *batch)
{
  g_autoptr (GPtrArray) namespaces = g_ptr_array_new ();
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < cr_import_batch_get_length (batch); i++)
    {
      const char *ns;
      gboolean seen = FALSE;

      cr_import_batch_get_item (batch, i, &ns, NULL, NULL);
      for (guint j = 0; j < namespaces->len && !seen; j++)
        seen = strcmp (g_ptr_array_index (namespaces, j), ns) == 0;
      if (!seen)
        g_ptr_array_add (namespaces, (gpointer) ns);
    }
  for (guint j = 0; j < namespaces->len; j++)
    {
      g_autoptr (CrMofWriter) writer = cr_mof_writer_new ();
      g_autofree char *text = NULL;

      cr_mof_writer_set_namespace (writer, g_ptr_array_index (namespaces, j));
      for (guint i = 0; i < cr_import_batch_get_length (batch); i++)
        {
          const char *ns;
          CrImportKind kind;
          GVariant *object;

          cr_import_batch_get_item (batch, i, &ns, &kind, &object);
          if (strcmp (ns, g_ptr_array_index (namespaces, j)) != 0)
            continue;
          if (kind == CR_IMPORT_KIND_QUALIFIER_TYPE)
            {
              g_autoptr (CrQualifierType) qtype = cr_qualifier_type_new_from_variant (object, NULL);

              if (qtype == NULL)
                abort ();
              cr_mof_writer_add_qualifier_type (writer, qtype);
            }
          else if (kind == CR_IMPORT_KIND_CLASS)
            {
              g_autoptr (CrClass) klass = cr_class_new_from_variant (object, NULL);

              if (klass == NULL)
                abort ();
              cr_mof_writer_add_class (writer, klass);
            }
          else
            {
              g_autoptr (CrInstance) instance = cr_instance_new_from_variant (object, NULL);

              if (instance == NULL)
                abort ();
              cr_mof_writer_add_instance (writer, instance);
            }
        }
      text = cr_mof_writer_to_string (writer);
      g_string_append (out, text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
check_round_trip (CrImportBatch *batch)
{
  g_autofree char *text = write_batch (batch);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (CrImportBatch) again = compile (bytes, &diagnostics);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;

  if (again == NULL)
    {
      for (guint i = 0; i < diagnostics->len; i++)
        {
          g_autofree char *line = cr_mof_diagnostic_to_string (g_ptr_array_index (diagnostics, i));

          g_printerr ("%s\n", line);
        }
      g_printerr ("The written MOF does not compile:\n%s\n", text);
      abort ();
    }
  before = batch_items (batch);
  after = batch_items (again);
  if (before->len != after->len)
    {
      g_printerr ("The written MOF compiles to %u objects, not %u:\n%s\n", after->len, before->len, text);
      abort ();
    }
  for (guint i = 0; i < before->len; i++)
    {
      if (strcmp (g_ptr_array_index (before, i), g_ptr_array_index (after, i)) != 0)
        {
          g_printerr ("The written MOF compiles to something else:\n%s\n%s\n%s\n",
                      (const char *) g_ptr_array_index (before, i),
                      (const char *) g_ptr_array_index (after, i), text);
          abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (CrImportBatch) batch = NULL;

  if (size > MAX_INPUT_BYTES)
    return 0;
  bytes = g_bytes_new (data, size);
  batch = compile (bytes, NULL);
  if (batch != NULL)
    check_round_trip (batch);
  return 0;
}
