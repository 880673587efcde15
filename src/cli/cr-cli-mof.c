/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepoctl"

#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>

#include "cr-cli.h"
#include "cr-client-mof-resolver.h"

/*
 * mof import|export: MOF files into the repository, and back out.
 *
 * The CLI compiles the files itself, includes and all, with the user's
 * rights, against what the repository holds (CrClientMofResolver), and
 * sends the compiled batch: in every mode, a service never reads a file
 * that a client names.
 */

/* mof import FILE… */

static void
print_diagnostics (CrMofCompiler *compiler)
{
  GPtrArray *diagnostics = cr_mof_compiler_get_diagnostics (compiler);

  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      g_autofree char *line = cr_mof_diagnostic_to_string (g_ptr_array_index (diagnostics, i));

      g_printerr ("%s\n", line);
    }
}

/* "  Classes: 2 created, 0 updated, 1 unchanged" */
static void
print_counts (const char *label, const guint counts[3])
{
  /* Translators: how many objects an import created, updated and left
   * unchanged, as in "Classes: 2 created, 0 updated, 1 unchanged" */
  g_autofree char *created = g_strdup_printf (ngettext ("%u created", "%u created", counts[CR_PUT_RESULT_CREATED]),
                                              counts[CR_PUT_RESULT_CREATED]);
  g_autofree char *updated = g_strdup_printf (ngettext ("%u updated", "%u updated", counts[CR_PUT_RESULT_UPDATED]),
                                              counts[CR_PUT_RESULT_UPDATED]);
  g_autofree char *unchanged = g_strdup_printf (ngettext ("%u unchanged", "%u unchanged",
                                                          counts[CR_PUT_RESULT_UNCHANGED]),
                                                counts[CR_PUT_RESULT_UNCHANGED]);

  /* Translators: a kind of object, then its counts: "Classes: 2 created, 0 updated, 1 unchanged" */
  g_print (_("  %s: %s, %s, %s\n"), label, created, updated, unchanged);
}

static void
print_summary (const CrImportSummary *summary, guint n_files, gboolean dry_run)
{
  if (dry_run)
    g_print (ngettext ("Dry run of %u file: nothing was changed. The import would give:\n",
                       "Dry run of %u files: nothing was changed. The import would give:\n", n_files),
             n_files);
  else
    g_print (ngettext ("Imported %u file:\n", "Imported %u files:\n", n_files), n_files);
  print_counts (_("Qualifier types"), summary->qualifier_types);
  print_counts (_("Classes"), summary->classes);
  print_counts (_("Instances"), summary->instances);
  g_print (ngettext ("  %u namespace created\n", "  %u namespaces created\n", summary->namespaces_created),
           summary->namespaces_created);
}

int
cr_cli_cmd_mof_import (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrMofResolver) resolver = NULL;
  g_autoptr (CrMofCompiler) compiler = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_auto (GStrv) include_dirs = NULL;
  CrImportSummary summary;
  gboolean dry_run = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    { "namespace", 'n', 0, G_OPTION_ARG_STRING, &cli->namespace_,
      N_("Compile into the namespace NS, until a #pragma namespace says otherwise (default: root/cimv2)"), N_("NS") },
    { "include-dir", 'I', 0, G_OPTION_ARG_FILENAME_ARRAY, &include_dirs,
      N_("Look for included files in DIR too, after the including file's directory"), N_("DIR") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Check everything against the repository, and change nothing"),
      NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("FILE…"),
                     _("Compile MOF files as one unit and import what they declare in one transaction:\n"
                       "all of it, or nothing. Includes are read relative to the including file.\n"
                       "Errors and warnings are printed as FILE:LINE:COLUMN: error: MESSAGE; with an\n"
                       "error, nothing is imported. Namespaces that do not exist are created."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, G_MAXUINT, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);

  resolver = cr_client_mof_resolver_new (client);
  compiler = cr_mof_compiler_new (resolver);
  cr_mof_compiler_set_namespace (compiler, cr_cli_namespace (cli));
  for (guint i = 0; include_dirs != NULL && include_dirs[i] != NULL; i++)
    cr_mof_compiler_add_include_dir (compiler, include_dirs[i]);
  for (guint i = 0; i < args->len; i++)
    cr_mof_compiler_add_file (compiler, args->pdata[i]);
  batch = cr_mof_compiler_compile_sync (compiler, NULL, &error);
  print_diagnostics (compiler);
  if (batch == NULL)
    {
      guint n_errors = cr_mof_compiler_get_error_count (compiler);

      /* The errors are above, each at its place: say what it means. */
      if (g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX) && n_errors > 0)
        {
          g_autoptr (GError) summary_error = NULL;

          g_set_error (&summary_error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                       ngettext ("The MOF has %u error; nothing was imported",
                                 "The MOF has %u errors; nothing was imported", n_errors),
                       n_errors);
          return cr_cli_fail (summary_error);
        }
      return cr_cli_fail (error);
    }

  if (!cr_client_import_sync (client, batch, dry_run, &summary, NULL, &error))
    {
      status = cr_cli_fail (error);
      g_printerr (_("Nothing was imported.\n"));
      return status;
    }
  print_summary (&summary, args->len, dry_run);
  return CR_CLI_EXIT_OK;
}

/* mof export [CLASS…] */

static gboolean
name_seen (GHashTable *seen, const char *name)
{
  g_autofree char *key = g_utf8_casefold (name, -1);

  if (g_hash_table_contains (seen, key))
    return TRUE;
  g_hash_table_add (seen, g_steal_pointer (&key));
  return FALSE;
}

static void
queue_references (GQueue *queue, CrClass *klass)
{
  GPtrArray *properties = cr_class_get_properties (klass);
  GPtrArray *methods = cr_class_get_methods (klass);
  const char *super = cr_class_get_superclass (klass);

  if (super != NULL && *super != '\0')
    g_queue_push_tail (queue, g_strdup (super));
  for (guint i = 0; i < properties->len; i++)
    {
      CrProperty *p = g_ptr_array_index (properties, i);

      if (CR_CIM_TYPE_ELEMENT (p->type) == CR_CIM_TYPE_REFERENCE && p->reference_class != NULL)
        g_queue_push_tail (queue, g_strdup (p->reference_class));
    }
  for (guint i = 0; i < methods->len; i++)
    {
      CrMethod *m = g_ptr_array_index (methods, i);

      for (guint j = 0; j < m->parameters->len; j++)
        {
          CrParameter *param = g_ptr_array_index (m->parameters, j);

          if (CR_CIM_TYPE_ELEMENT (param->type) == CR_CIM_TYPE_REFERENCE && param->reference_class != NULL)
            g_queue_push_tail (queue, g_strdup (param->reference_class));
        }
    }
}

/* The named classes, first, then every class they need to compile on
 * their own: their superclasses and the classes their references name,
 * and so on. */
static GPtrArray *
named_classes (CrClient *client, const char *namespace_, GPtrArray *names, guint *out_n_named, GError **error)
{
  g_autoptr (GPtrArray) classes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GQueue queue = G_QUEUE_INIT;
  char *name;

  for (guint i = 0; i < names->len; i++)
    g_queue_push_tail (&queue, g_strdup (names->pdata[i]));
  *out_n_named = 0;
  for (guint i = 0; (name = g_queue_pop_head (&queue)) != NULL; i++)
    {
      g_autofree char *owned = name;
      CrClass *klass;

      if (name_seen (seen, name))
        continue;
      klass = cr_client_get_class_sync (client, namespace_, name, NULL, error);
      if (klass == NULL)
        {
          g_queue_clear_full (&queue, g_free);
          return NULL;
        }
      g_ptr_array_add (classes, klass);
      if (i < names->len)
        (*out_n_named)++;
      queue_references (&queue, klass);
    }
  return g_steal_pointer (&classes);
}

/* The instances of @klass itself, or with @deep of its subclasses too. */
static gboolean
add_instances (CrMofWriter *writer, CrClient *client, const char *namespace_, CrClass *klass, gboolean deep,
               guint *n_instances, GError **error)
{
  g_autoptr (GPtrArray) instances = NULL;

  instances = cr_client_enumerate_instances_sync (client, namespace_, cr_class_get_name (klass), deep, NULL, error);
  if (instances == NULL)
    return FALSE;
  for (guint i = 0; i < instances->len; i++)
    {
      CrInstance *instance = g_ptr_array_index (instances, i);

      if (deep || g_ascii_strcasecmp (cr_instance_get_class_name (instance), cr_class_get_name (klass)) == 0)
        {
          cr_mof_writer_add_instance (writer, instance);
          (*n_instances)++;
        }
    }
  return TRUE;
}

static CrClass *
find_class (GPtrArray *classes, const char *name)
{
  for (guint i = 0; i < classes->len; i++)
    if (g_ascii_strcasecmp (cr_class_get_name (g_ptr_array_index (classes, i)), name) == 0)
      return g_ptr_array_index (classes, i);
  return NULL;
}

/* Whether @klass is @root or derives from it, within @classes */
static gboolean
is_subclass_of (GPtrArray *classes, CrClass *klass, CrClass *root)
{
  for (guint depth = 0; klass != NULL && depth <= classes->len; depth++)
    {
      const char *super = cr_class_get_superclass (klass);

      if (klass == root)
        return TRUE;
      klass = super != NULL && *super != '\0' ? find_class (classes, super) : NULL;
    }
  return FALSE;
}

/* Every instance of the namespace: one deep enumeration per class at the
 * top of the tree, rather than one call per class (a schema has
 * thousands of classes, and few roots). Where the service finds such an
 * answer too large for one D-Bus message, one class at a time. */
static gboolean
add_all_instances (CrMofWriter *writer, CrClient *client, const char *namespace_, GPtrArray *classes,
                   guint *n_instances, GError **error)
{
  for (guint i = 0; i < classes->len; i++)
    {
      CrClass *klass = g_ptr_array_index (classes, i);
      const char *super = cr_class_get_superclass (klass);
      g_autoptr (GError) local_error = NULL;

      if (super != NULL && *super != '\0')
        continue;
      if (add_instances (writer, client, namespace_, klass, TRUE, n_instances, &local_error))
        continue;
      if (!g_error_matches (local_error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      for (guint j = 0; j < classes->len; j++)
        if (is_subclass_of (classes, g_ptr_array_index (classes, j), klass) &&
            !add_instances (writer, client, namespace_, g_ptr_array_index (classes, j), FALSE, n_instances, error))
          return FALSE;
    }
  return TRUE;
}

/* Every class of the namespace. In one deep enumeration, or, where the
 * service finds that too large for one D-Bus message, level by level. */
static GPtrArray *
all_classes (CrClient *client, const char *namespace_, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  g_autoptr (GQueue) parents = g_queue_new ();

  classes = cr_client_enumerate_classes_sync (client, namespace_, NULL, TRUE, NULL, &local_error);
  if (classes != NULL)
    return g_steal_pointer (&classes);
  if (!g_error_matches (local_error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  classes = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_push_tail (parents, NULL);
  while (!g_queue_is_empty (parents))
    {
      const char *parent = g_queue_pop_head (parents);
      g_autoptr (GPtrArray) level =
        cr_client_enumerate_classes_sync (client, namespace_, parent, FALSE, NULL, error);

      if (level == NULL)
        return NULL;
      for (guint i = 0; i < level->len; i++)
        {
          CrClass *klass = g_ptr_array_index (level, i);

          g_ptr_array_add (classes, g_object_ref (klass));
          g_queue_push_tail (parents, (gpointer) cr_class_get_name (klass));
        }
    }
  return g_steal_pointer (&classes);
}

static gboolean
write_stdout (const char *text, GError **error)
{
  g_autoptr (GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

  if (!g_output_stream_write_all (out, text, strlen (text), NULL, NULL, error))
    {
      g_prefix_error (error, _("Could not write the MOF to the standard output: "));
      cr_error_convert (error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_file (const char *path, const char *text, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* Replaced only by a complete file */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local_error))
    {
      g_set_error (error, CR_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? CR_ERROR_ACCESS_DENIED
                                                                                   : CR_ERROR_FAILED,
                   "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
print_written (guint n_qtypes, guint n_classes, guint n_instances, const char *namespace_, const char *file)
{
  g_autofree char *qtypes = g_strdup_printf (ngettext ("%u qualifier type", "%u qualifier types", n_qtypes),
                                             n_qtypes);
  g_autofree char *classes = g_strdup_printf (ngettext ("%u class", "%u classes", n_classes), n_classes);
  g_autofree char *instances = g_strdup_printf (ngettext ("%u instance", "%u instances", n_instances),
                                                n_instances);

  /* Translators: counts, a namespace and a file: "Wrote 12 qualifier
   * types, 40 classes and 7 instances of root/cimv2 to schema.mof" */
  g_print (_("Wrote %s, %s and %s of %s to %s\n"), qtypes, classes, instances, namespace_, file);
}

int
cr_cli_cmd_mof_export (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GPtrArray) qtypes = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  g_autoptr (CrMofWriter) writer = NULL;
  g_autofree char *output = NULL;
  g_autofree char *text = NULL;
  const char *namespace_;
  guint n_named = 0, n_instances = 0;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    cr_cli_namespace_entry (cli),
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the MOF to FILE instead of the standard output"),
      N_("FILE") },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("[CLASS…]"),
                     _("Write a namespace as MOF: its qualifier types, its classes and their instances,\n"
                       "which “cimrepoctl mof import” reads back to the same objects. Given classes, write\n"
                       "those with their instances, and the classes they need to compile on their own\n"
                       "(their superclasses and the classes their references name), without instances."),
                     &status))
    return status;
  args = cr_cli_positional_args (argc, argv);

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  namespace_ = cr_cli_namespace (cli);

  qtypes = cr_client_enumerate_qualifier_types_sync (client, namespace_, NULL, &error);
  if (qtypes == NULL)
    return cr_cli_fail (error);
  if (args->len == 0)
    classes = all_classes (client, namespace_, &error);
  else
    classes = named_classes (client, namespace_, args, &n_named, &error);
  if (classes == NULL)
    return cr_cli_fail (error);

  writer = cr_mof_writer_new ();
  /* The file says where it belongs: it imports back into this namespace
   * whatever --namespace the import is given. */
  cr_mof_writer_set_namespace (writer, namespace_);
  for (guint i = 0; i < qtypes->len; i++)
    cr_mof_writer_add_qualifier_type (writer, g_ptr_array_index (qtypes, i));
  for (guint i = 0; i < classes->len; i++)
    cr_mof_writer_add_class (writer, g_ptr_array_index (classes, i));
  if (args->len == 0)
    {
      if (!add_all_instances (writer, client, namespace_, classes, &n_instances, &error))
        return cr_cli_fail (error);
    }
  else
    for (guint i = 0; i < n_named; i++)
      if (!add_instances (writer, client, namespace_, g_ptr_array_index (classes, i), FALSE, &n_instances, &error))
        return cr_cli_fail (error);

  text = cr_mof_writer_to_string (writer);
  if (output == NULL)
    return write_stdout (text, &error) ? CR_CLI_EXIT_OK : cr_cli_fail (error);
  if (!write_file (output, text, &error))
    return cr_cli_fail (error);
  print_written (qtypes->len, classes->len, n_instances, namespace_, output);
  return CR_CLI_EXIT_OK;
}
