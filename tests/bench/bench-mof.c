/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cimrepo.h"

/*
 * The MOF compiler on a schema of the DMTF CIM Schema's size and shape:
 * a qualifiers file, then N_CLASSES classes, one per file, in a few
 * directories, included in superclass-first order from a top file
 * (CIM_Schema.mof). A deep hierarchy, associations with references,
 * methods, about ten properties per class, descriptions of a few hundred
 * characters, and a few hundred instances at the end.
 *
 *   bench-mof [N_CLASSES]
 *
 * It reports the wall time of compiling, of importing into a fresh
 * repository, and of both again on the imported repository (everything
 * unchanged), each with its ratio to a baseline measured in the same run
 * on the same files: reading them all (warm cache). The target is the
 * issue's: compile and import in seconds, under TARGET_SECONDS on a
 * 2-core machine for 1,500 files.
 */

#define DEFAULT_CLASSES 1500
#define N_INSTANCES 300
#define TARGET_SECONDS 10.0

static const char *const directories[] = {
  "Core",
  "Device",
  "System",
  "Network",
  "Application",
  "Physical",
  "User",
  "Policy",
  "Metrics",
  "Interop",
};

static const char *const words[] = {
  "The",
  "managed",
  "element",
  "represents",
  "a",
  "logical",
  "device",
  "whose",
  "properties",
  "describe",
  "its",
  "state",
  "and",
  "capabilities",
  "within",
  "the",
  "scope",
  "of",
  "system",
  "component",
  "service",
  "access",
  "point",
  "that",
  "is",
  "used",
  "to",
  "configure",
  "monitor",
  "control",
};

static double
now_s (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    {
      g_printerr ("bench: %s\n", error != NULL ? error->message : "failed");
      exit (2);
    }
}

static void
append_description (GString *out, GRand *rand, const char *indent)
{
  guint n_lines = (guint) g_rand_int_range (rand, 4, 7);

  g_string_append_printf (out, "%sDescription (\n", indent);
  for (guint line = 0; line < n_lines; line++)
    {
      g_string_append_printf (out, "%s   \"", indent);
      for (guint w = 0; w < 10; w++)
        g_string_append_printf (out, "%s ", words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      g_string_append (out, line + 1 < n_lines ? "\"\n" : "\")");
    }
}

static void
write_file (const char *path, GString *text)
{
  g_autoptr (GError) error = NULL;

  check (g_file_set_contents (path, text->str, (gssize) text->len, &error), error);
}

typedef struct {
  char *name;
  char *file; /* relative to the top */
  int parent; /* index, or -1 */
  guint depth;
  gboolean association;
} ClassInfo;

static void
class_info_free (ClassInfo *info)
{
  g_free (info->name);
  g_free (info->file);
  g_free (info);
}

static const char QUALIFIERS[] =
  "// The qualifiers of the generated schema\n"
  "#pragma locale (\"en_US\")\n"
  "Qualifier Association : boolean = false, Scope(association), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Indication : boolean = false, Scope(class, indication), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Abstract : boolean = false, Scope(class, association, indication), Flavor(EnableOverride, Restricted);\n"
  "Qualifier Aggregate : boolean = false, Scope(reference), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Aggregation : boolean = false, Scope(association), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier ArrayType : string = \"Bag\", Scope(property, parameter), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Deprecated : string[], Scope(any), Flavor(EnableOverride, Restricted);\n"
  "Qualifier Description : string = null, Scope(any), Flavor(EnableOverride, ToSubclass, Translatable);\n"
  "Qualifier DisplayName : string = null, Scope(any), Flavor(EnableOverride, ToSubclass, Translatable);\n"
  "Qualifier Experimental : boolean = false, Scope(any), Flavor(EnableOverride, Restricted);\n"
  "Qualifier In : boolean = true, Scope(parameter), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Max : uint32 = null, Scope(reference);\n"
  "Qualifier MaxLen : uint32 = null, Scope(property, method, parameter);\n"
  "Qualifier MaxValue : sint64 = null, Scope(property, method, parameter);\n"
  "Qualifier Min : uint32 = 0, Scope(reference);\n"
  "Qualifier MinValue : sint64 = null, Scope(property, method, parameter);\n"
  "Qualifier ModelCorrespondence : string[], Scope(any);\n"
  "Qualifier Out : boolean = false, Scope(parameter), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Override : string = null, Scope(property, reference, method), Flavor(EnableOverride, Restricted);\n"
  "Qualifier Required : boolean = false, Scope(property, reference, parameter, method), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Units : string = null, Scope(property, method, parameter), Flavor(EnableOverride, ToSubclass, Translatable);\n"
  "Qualifier UMLPackagePath : string = null, Scope(class, association, indication);\n"
  "Qualifier ValueMap : string[], Scope(property, method, parameter);\n"
  "Qualifier Values : string[], Scope(property, method, parameter), Flavor(EnableOverride, ToSubclass, Translatable);\n"
  "Qualifier Version : string = null, Scope(class, association, indication), Flavor(EnableOverride, Restricted, Translatable);\n"
  "Qualifier Weak : boolean = false, Scope(reference), Flavor(DisableOverride, ToSubclass);\n"
  "Qualifier Write : boolean = false, Scope(property);\n";

static void
append_property (GString *out, GRand *rand, guint class_index, guint p)
{
  static const char *const types[] = { "string", "uint16", "uint32", "uint64", "boolean", "datetime", "real64", "sint32" };
  const char *type = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];
  gboolean array = g_rand_int_range (rand, 0, 6) == 0;

  g_string_append (out, "\n      [");
  append_description (out, rand, "       ");
  if (strcmp (type, "uint16") == 0)
    g_string_append (out, ",\n       ValueMap { \"0\", \"1\", \"2\", \"..\", \"32768..65535\" },\n"
                          "       Values { \"Unknown\", \"Other\", \"OK\", \"DMTF Reserved\", \"Vendor Reserved\" }");
  else if (strcmp (type, "string") == 0)
    g_string_append (out, ", MaxLen (256)");
  else if (strcmp (type, "uint64") == 0)
    g_string_append (out, ", Units (\"Bytes\")");
  g_string_append_printf (out, ", ModelCorrespondence { \"Gen_Class%04u.Prop%u\" }]\n", class_index, p);
  g_string_append_printf (out, "   %s Prop%u_%u%s", type, class_index, p, array ? "[]" : "");
  if (!array && strcmp (type, "uint32") == 0)
    g_string_append_printf (out, " = %u", g_rand_int_range (rand, 0, 1000));
  g_string_append (out, ";\n");
}

static GPtrArray *
generate (const char *root, guint n_classes)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240601);
  g_autoptr (GString) top = g_string_new ("// The generated schema: one class per file, as CIM_Schema.mof\n"
                                          "#pragma locale (\"en_US\")\n"
                                          "#pragma include (\"qualifiers.mof\")\n");
  GPtrArray *classes = g_ptr_array_new_with_free_func ((GDestroyNotify) class_info_free);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *qualifiers = g_build_filename (root, "qualifiers.mof", NULL);

  g_string_assign (text, QUALIFIERS);
  write_file (qualifiers, text);
  for (gsize d = 0; d < G_N_ELEMENTS (directories); d++)
    {
      g_autofree char *dir = g_build_filename (root, directories[d], NULL);

      g_mkdir_with_parents (dir, 0700);
    }

  for (guint i = 0; i < n_classes; i++)
    {
      ClassInfo *info = g_new0 (ClassInfo, 1);
      g_autofree char *path = NULL;
      ClassInfo *parent = NULL;

      info->name = g_strdup_printf ("Gen_Class%04u", i);
      info->file = g_strdup_printf ("%s/%s.mof", directories[i % G_N_ELEMENTS (directories)], info->name);
      info->association = i >= 20 && g_rand_int_range (rand, 0, 100) < 15;
      info->parent = -1;
      /* A deep tree: most classes derive from a recent one, as the CIM
       * Schema's long chains do, up to 12 levels. */
      if (i > 0 && !info->association)
        {
          for (guint tries = 0; tries < 8; tries++)
            {
              int candidate = g_rand_int_range (rand, MAX ((int) i - 40, 0), (int) i);
              ClassInfo *c = g_ptr_array_index (classes, candidate);

              if (!c->association && c->depth < 12)
                {
                  info->parent = candidate;
                  break;
                }
            }
        }
      if (info->parent >= 0)
        {
          parent = g_ptr_array_index (classes, info->parent);
          info->depth = parent->depth + 1;
        }

      g_string_truncate (text, 0);
      g_string_append_printf (text, "// Copyright: generated for the benchmark\n#pragma locale (\"en_US\")\n\n[");
      if (info->association)
        g_string_append (text, "Association, ");
      if (parent == NULL && !info->association)
        g_string_append (text, "Abstract, ");
      g_string_append_printf (text, "Version (\"2.%u.0\"), UMLPackagePath (\"CIM::%s\"),\n ",
                              i % 50, directories[i % G_N_ELEMENTS (directories)]);
      append_description (text, rand, " ");
      g_string_append_printf (text, "]\nclass %s", info->name);
      if (parent != NULL)
        g_string_append_printf (text, " : %s", parent->name);
      g_string_append (text, "\n{\n");

      if (info->association)
        {
          ClassInfo *a = g_ptr_array_index (classes, g_rand_int_range (rand, 0, (int) i));
          ClassInfo *b = g_ptr_array_index (classes, g_rand_int_range (rand, 0, (int) i));

          g_string_append_printf (text, "      [Key, Min (1), Max (1),\n");
          append_description (text, rand, "       ");
          g_string_append_printf (text, "]\n   %s REF Antecedent;\n\n      [Key, Weak,\n", a->name);
          append_description (text, rand, "       ");
          g_string_append_printf (text, "]\n   %s REF Dependent;\n", b->name);
        }
      else if (parent == NULL)
        {
          g_string_append (text, "      [Key, MaxLen (256),\n");
          append_description (text, rand, "       ");
          g_string_append (text, "]\n   string InstanceID;\n");
        }
      for (guint p = 0; p < (info->association ? 4u : 10u); p++)
        append_property (text, rand, i, p);
      if (i % 4 == 0 && !info->association)
        {
          g_string_append (text, "\n      [");
          append_description (text, rand, "       ");
          g_string_append (text, ",\n       ValueMap { \"0\", \"1\", \"2\", \"4096\", \"4097..32767\" },\n"
                                 "       Values { \"Completed\", \"Not Supported\", \"Failed\", \"Job Started\", \"Vendor\" }]\n");
          g_string_append_printf (text, "   uint32 Method%u (\n      [In, Description (\"The new state\")] uint16 RequestedState,\n"
                                        "      [In, Out] %s REF Job,\n      [Out, ArrayType (\"Indexed\")] string Messages[],\n"
                                        "      [In] datetime TimeoutPeriod);\n",
                                  i, info->name);
        }
      g_string_append (text, "};\n");
      path = g_build_filename (root, info->file, NULL);
      write_file (path, text);
      g_string_append_printf (top, "#pragma include (\"%s\")\n", info->file);
      g_ptr_array_add (classes, info);
    }

  /* Instances: of concrete classes with the root's key. */
  g_string_truncate (text, 0);
  for (guint n = 0, i = 1; n < N_INSTANCES && i < n_classes; i++)
    {
      ClassInfo *info = g_ptr_array_index (classes, i);

      if (info->association || info->parent < 0)
        continue;
      g_string_append_printf (text, "instance of %s\n{\n   InstanceID = \"gen:%u\";\n};\n\n", info->name, n);
      n++;
    }
  {
    g_autofree char *path = g_build_filename (root, "instances.mof", NULL);

    write_file (path, text);
    g_string_append (top, "#pragma include (\"instances.mof\")\n");
  }
  {
    g_autofree char *path = g_build_filename (root, "CIM_Schema.mof", NULL);

    write_file (path, top);
  }
  return classes;
}

/* The baseline: every file of the schema read, as `cat` would. */
static double
read_all (const char *root, GPtrArray *classes, guint64 *out_bytes)
{
  double start = now_s ();
  guint64 bytes = 0;
  const char *others[] = { "CIM_Schema.mof", "qualifiers.mof", "instances.mof" };

  for (guint i = 0; i < classes->len + G_N_ELEMENTS (others); i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (i < classes->len)
        path = g_build_filename (root, ((ClassInfo *) g_ptr_array_index (classes, i))->file, NULL);
      else
        path = g_build_filename (root, others[i - classes->len], NULL);
      check (g_file_get_contents (path, &contents, &length, NULL), NULL);
      bytes += length;
    }
  *out_bytes = bytes;
  return now_s () - start;
}

static double
median (double *v, guint n)
{
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        double t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return v[n / 2];
}

static void
quiet (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *top = NULL;
  g_autofree char *db = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  g_autoptr (CrRepository) repo = NULL;
  g_autoptr (CrMofResolver) resolver = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autofree char *export_line = NULL;
  guint n_classes = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_CLASSES;
  const char *paths[2] = { NULL, NULL };
  double baseline_runs[5];
  double baseline, t_compile, t_import, t_compile2, t_import2, total;
  guint64 bytes = 0;
  guint64 n_ns = 0, n_cls = 0, n_inst = 0;
  CrImportSummary summary;
  gboolean ok;

  if (g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_log_set_handler ("cimrepo", G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, quiet, NULL);
  if (n_classes < 10)
    n_classes = 10;
  root = g_dir_make_tmp ("cimrepo-bench-mof-XXXXXX", &error);
  check (root != NULL, error);
  classes = generate (root, n_classes);
  top = g_build_filename (root, "CIM_Schema.mof", NULL);
  db = g_build_filename (root, "repository.db", NULL);
  paths[0] = top;

  for (guint r = 0; r < G_N_ELEMENTS (baseline_runs); r++)
    baseline_runs[r] = read_all (root, classes, &bytes);
  baseline = median (baseline_runs, G_N_ELEMENTS (baseline_runs));

  repo = cr_repository_open_sync (db, CR_OPEN_FLAGS_CREATE, NULL, &error);
  check (repo != NULL, error);
  resolver = cr_mof_repository_resolver_new (repo, NULL);

  t_compile = now_s ();
  batch = cr_mof_compile_files_sync (resolver, "root/cimv2", paths, NULL, &diagnostics, NULL, &error);
  t_compile = now_s () - t_compile;
  check (batch != NULL, error);
  t_import = now_s ();
  ok = cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_NONE, &summary, NULL, &error);
  t_import = now_s () - t_import;
  check (ok, error);
  check (summary.classes[CR_PUT_RESULT_CREATED] == n_classes, NULL);
  check (cr_repository_get_counts (repo, &n_ns, &n_cls, &n_inst, &error), error);

  /* Again, on the imported repository: everything is unchanged. */
  g_clear_pointer (&batch, cr_import_batch_unref);
  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  t_compile2 = now_s ();
  batch = cr_mof_compile_files_sync (resolver, "root/cimv2", paths, NULL, &diagnostics, NULL, &error);
  t_compile2 = now_s () - t_compile2;
  check (batch != NULL, error);
  t_import2 = now_s ();
  ok = cr_repository_import_sync (repo, batch, CR_IMPORT_FLAGS_NONE, &summary, NULL, &error);
  t_import2 = now_s () - t_import2;
  check (ok, error);
  check (summary.classes[CR_PUT_RESULT_UNCHANGED] == n_classes, NULL);

  /* Export the namespace, and check that what is written compiles back
   * to as many objects. */
  {
    g_autoptr (CrConnection) conn = NULL;
    g_autoptr (CrClientInfo) client = cr_client_info_new_self ("bench-mof");
    g_autoptr (CrMofWriter) writer = cr_mof_writer_new ();
    g_autoptr (CrMofCompiler) compiler = cr_mof_compiler_new (NULL);
    g_autoptr (CrImportBatch) again = NULL;
    g_autoptr (GBytes) text = NULL;
    double t_export = now_s ();
    char *written;

    conn = cr_repository_connect (repo, "root/cimv2", client, &error);
    check (conn != NULL, error);
    cr_mof_writer_set_namespace (writer, "root/cimv2");
    check (cr_mof_writer_add_connection (writer, conn, NULL, CR_MOF_EXPORT_ALL, NULL, &error), error);
    written = cr_mof_writer_to_string (writer);
    t_export = now_s () - t_export;
    text = g_bytes_new_take (written, strlen (written));
    cr_mof_compiler_add_data (compiler, "export.mof", text, NULL);
    again = cr_mof_compiler_compile_sync (compiler, NULL, &error);
    check (again != NULL, error);
    check (cr_import_batch_get_length (again) == cr_import_batch_get_length (batch), NULL);
    export_line = g_strdup_printf ("export   %.3f s, %.1f MiB of MOF that compiles back to the same %u objects\n",
                                   t_export, g_bytes_get_size (text) / (1024.0 * 1024.0),
                                   cr_import_batch_get_length (again));
    cr_connection_close (conn);
  }

  total = t_compile + t_import;
  g_print ("schema   %u files, %.1f MiB: %" G_GUINT64_FORMAT " classes, %" G_GUINT64_FORMAT " instances\n",
           classes->len + 3, bytes / (1024.0 * 1024.0), n_cls, n_inst);
  g_print ("baseline reading every file %.3f s\n", baseline);
  g_print ("compile  %.3f s (ratio %.0f), import %.3f s (ratio %.0f)\n",
           t_compile, t_compile / baseline, t_import, t_import / baseline);
  g_print ("again    compile %.3f s, import %.3f s (everything unchanged)\n", t_compile2, t_import2);
  g_print ("%s", export_line);
  g_print ("mof      compile and import %.3f s: ratio %.0f to reading the files (target < %.0f s) %s\n",
           total, total / baseline, TARGET_SECONDS, total < TARGET_SECONDS ? "OK" : "FAIL");

  g_clear_object (&resolver);
  cr_repository_close (repo);
  g_clear_object (&repo);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", root);

    if (system (cmd) != 0)
      g_printerr ("bench: could not remove %s\n", root);
  }
  return total < TARGET_SECONDS ? 0 : 1;
}
