/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cr-test-utils.h"

/* The MOF compiler and writer: the corpus in tests/data/mof (every valid
 * file compiles, imports and survives a round trip; every invalid one
 * fails with its one diagnostic, at its line and column), and the rules
 * around it: includes, namespaces, aliases, atomic imports, dry runs. */

#define NS "root/cimv2"

/* Helpers */

static char *
mof_path (const char *name)
{
  g_autofree char *rel = g_build_filename ("mof", name, NULL);

  return cr_test_data_path (rel);
}

static CrMofCompiler *
compiler_for (CrRepository *repo)
{
  g_autoptr (CrMofResolver) resolver = repo != NULL ? cr_mof_repository_resolver_new (repo, NULL) : NULL;
  CrMofCompiler *compiler = cr_mof_compiler_new (resolver);

  cr_mof_compiler_set_namespace (compiler, NS);
  return compiler;
}

static void
add_text (CrMofCompiler *compiler, const char *name, const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));

  cr_mof_compiler_add_data (compiler, name, bytes, NULL);
}

static void
add_qualifiers (CrMofCompiler *compiler)
{
  g_autofree char *path = mof_path ("qualifiers.mof");

  cr_mof_compiler_add_file (compiler, path);
}

static char *
diagnostics_text (CrMofCompiler *compiler)
{
  GPtrArray *diagnostics = cr_mof_compiler_get_diagnostics (compiler);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *line = cr_mof_diagnostic_to_string (g_ptr_array_index (diagnostics, i));

      g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (out, FALSE);
}

/* Compiles and expects success; prints the diagnostics otherwise. */
static CrImportBatch *
compile_ok (CrMofCompiler *compiler)
{
  g_autoptr (GError) error = NULL;
  CrImportBatch *batch = cr_mof_compiler_compile_sync (compiler, NULL, &error);

  if (batch == NULL)
    {
      g_autofree char *text = diagnostics_text (compiler);

      g_printerr ("%s", text);
    }
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpuint (cr_mof_compiler_get_error_count (compiler), ==, 0);
  return batch;
}

/* Compiles, expects failure, and returns the error diagnostics. */
static GPtrArray *
compile_fails (CrMofCompiler *compiler)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrImportBatch) batch = cr_mof_compiler_compile_sync (compiler, NULL, &error);
  GPtrArray *diagnostics = cr_mof_compiler_get_diagnostics (compiler);
  GPtrArray *errors = g_ptr_array_new ();

  g_assert_null (batch);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      CrMofDiagnostic *d = g_ptr_array_index (diagnostics, i);

      if (d->severity == CR_MOF_SEVERITY_ERROR)
        g_ptr_array_add (errors, d);
    }
  g_assert_cmpuint (errors->len, >, 0);
  g_assert_cmpuint (cr_mof_compiler_get_error_count (compiler), ==, errors->len);
  {
    /* The GError names the first error. */
    g_autofree char *first = cr_mof_diagnostic_to_string (g_ptr_array_index (errors, 0));

    g_assert_true (g_str_has_prefix (error->message, first));
  }
  return errors;
}

static void
import_ok (CrRepository *repo, CrImportBatch *batch, CrImportFlags flags, CrImportSummary *summary)
{
  g_autoptr (GError) error = NULL;
  CrImportSummary unused;

  g_assert_true (cr_repository_import_sync (repo, batch, flags, summary != NULL ? summary : &unused, NULL, &error));
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_ascii_strcasecmp (*(const char *const *) a, *(const char *const *) b);
}

/* Exports @ns of @repo, imports the text into a fresh repository, and
 * checks that the namespace is the same there. */
static void
assert_round_trip (CrRepository *repo, const char *ns)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) copy = cr_test_repository_new (dir);
  g_autoptr (CrConnection) conn = cr_test_connect (repo, ns);
  g_autoptr (CrMofWriter) writer = cr_mof_writer_new ();
  g_autoptr (CrMofCompiler) compiler = cr_mof_compiler_new (NULL);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  cr_mof_writer_set_namespace (writer, ns);
  g_assert_true (cr_mof_writer_add_connection (writer, conn, NULL, CR_MOF_EXPORT_ALL, NULL, &error));
  g_assert_no_error (error);
  text = cr_mof_writer_to_string (writer);

  /* The target namespace is another one: the pragma takes it back. */
  cr_mof_compiler_set_namespace (compiler, "root/elsewhere");
  add_text (compiler, "export.mof", text);
  batch = compile_ok (compiler);
  import_ok (copy, batch, CR_IMPORT_FLAGS_NONE, NULL);

  before = cr_test_dump_namespace (repo, ns);
  after = cr_test_dump_namespace (copy, ns);
  if (strcmp (before, after) != 0)
    g_printerr ("exported:\n%s\n", text);
  g_assert_cmpstr (before, ==, after);
}

/* The corpus: valid files */

static GPtrArray *
corpus_files (const char *subdir)
{
  g_autofree char *dir_path = mof_path (subdir);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".mof"))
        g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
    }
  g_ptr_array_sort (files, compare_names);
  g_assert_cmpuint (files->len, >, 0);
  return files;
}

/* "// expect: L:C: fragment" or "// expect-warning: L:C: fragment" lines. */
static GPtrArray *
expectations (const char *path, const char *tag)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prefix = g_strdup_printf ("// %s: ", tag);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        g_ptr_array_add (result, g_strdup (lines[i] + strlen (prefix)));
    }
  return result;
}

static gboolean
diagnostic_matches (const CrMofDiagnostic *d, const char *path, const char *expectation)
{
  g_autofree char *where = g_strdup_printf ("%u:%u: ", d->line, d->column);

  return g_strcmp0 (d->file, path) == 0 && g_str_has_prefix (expectation, where) &&
         strstr (d->message, expectation + strlen (where)) != NULL;
}

static void
test_valid_corpus (void)
{
  g_autoptr (GPtrArray) files = corpus_files ("valid");

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr (CrTestDir) dir = cr_test_dir_new ();
      g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
      g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
      g_autoptr (CrImportBatch) batch = NULL;
      g_autoptr (GPtrArray) expected = expectations (path, "expect-warning");
      GPtrArray *diagnostics;

      g_test_message ("valid: %s", path);
      add_qualifiers (compiler);
      cr_mof_compiler_add_file (compiler, path);
      batch = compile_ok (compiler);

      /* Exactly the warnings the file expects, in its order. */
      diagnostics = cr_mof_compiler_get_diagnostics (compiler);
      g_assert_cmpuint (diagnostics->len, ==, expected->len);
      g_assert_cmpuint (cr_mof_compiler_get_warning_count (compiler), ==, expected->len);
      for (guint j = 0; j < expected->len; j++)
        {
          CrMofDiagnostic *d = g_ptr_array_index (diagnostics, j);

          if (!diagnostic_matches (d, path, g_ptr_array_index (expected, j)))
            g_error ("%s: expected warning %s, got %u:%u: %s", path,
                     (const char *) g_ptr_array_index (expected, j), d->line, d->column, d->message);
          g_assert_cmpint (d->severity, ==, CR_MOF_SEVERITY_WARNING);
        }

      import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, NULL);
      assert_round_trip (repo, NS);
    }
}

/* The corpus: invalid files, one error each */

static void
test_invalid_corpus (void)
{
  g_autoptr (GPtrArray) files = corpus_files ("invalid");

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
      g_autoptr (GPtrArray) expected = expectations (path, "expect");
      g_autoptr (GPtrArray) errors = NULL;
      CrMofDiagnostic *d;

      g_test_message ("invalid: %s", path);
      g_assert_cmpuint (expected->len, ==, 1);
      add_qualifiers (compiler);
      cr_mof_compiler_add_file (compiler, path);
      errors = compile_fails (compiler);
      d = g_ptr_array_index (errors, 0);
      if (errors->len != 1 || !diagnostic_matches (d, path, g_ptr_array_index (expected, 0)))
        {
          g_autofree char *text = diagnostics_text (compiler);

          g_error ("%s: expected the one error %s, got:\n%s", path,
                   (const char *) g_ptr_array_index (expected, 0), text);
        }
    }
}

/* Positions */

static void
assert_one_error (const char *text, guint line, guint column, const char *fragment)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (GPtrArray) errors = NULL;
  CrMofDiagnostic *d;

  add_text (compiler, "buffer.mof", text);
  errors = compile_fails (compiler);
  d = g_ptr_array_index (errors, 0);
  if (errors->len != 1 || d->line != line || d->column != column || strstr (d->message, fragment) == NULL)
    {
      g_autofree char *all = diagnostics_text (compiler);

      g_error ("expected one error at %u:%u (%s), got:\n%s", line, column, fragment, all);
    }
  g_assert_cmpstr (d->file, ==, "buffer.mof");
}

static void
test_positions (void)
{
  /* A tab is one column; so is every character, whatever its bytes. */
  assert_one_error ("class A\n{\n\tuint8\tX = 256;\n};\n", 3, 12, "out of range for uint8");
  assert_one_error ("class A\n{\n   string Ünïcödé = 1;\n};\n", 3, 21, "expected a string value");
  assert_one_error ("class A { string S = \"日本語\"; uint8 X = -1; };", 1, 39, "out of range");
  /* CRLF and lone CR end lines too. */
  assert_one_error ("class A\r\n{\r\n   uint8 X = 300;\r\n};\r\n", 3, 14, "out of range");
  assert_one_error ("class A\r{\r   uint8 X = 300;\r};\r", 3, 14, "out of range");
  /* A UTF-8 byte order mark takes no column. */
  assert_one_error ("\xEF\xBB\xBF"
                    "uint8 X;",
                    1, 1, "expected a declaration");
  /* The first bad byte of a file that is not UTF-8. */
  assert_one_error ("class A\n{\n  string \xC3\x28;\n};", 3, 10, "not valid UTF-8");
  assert_one_error ("class A {\n};\n\n   $", 4, 4, "“$” starts an alias");
  /* End of file. */
  assert_one_error ("class A {", 1, 10, "found the end of the file");
}

static void
test_utf16 (void)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (CrImportBatch) batch = NULL;
  const char *text = "class Test_Utf16 { string Name = \"é\"; };\n";
  g_autofree gunichar2 *utf16 = g_utf8_to_utf16 (text, -1, NULL, NULL, NULL);
  glong n = (glong) g_utf8_strlen (text, -1);
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_autoptr (GBytes) data = NULL;

  g_byte_array_append (bytes, (const guint8 *) "\xFF\xFE", 2);
  for (glong i = 0; i < n; i++)
    {
      guint8 le[2] = { utf16[i] & 0xff, utf16[i] >> 8 };

      g_byte_array_append (bytes, le, 2);
    }
  data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  cr_mof_compiler_add_data (compiler, "utf16.mof", data, NULL);
  batch = compile_ok (compiler);
  g_assert_cmpuint (cr_import_batch_get_length (batch), ==, 1);
}

/* Several errors in one run, up to a cap */

static void
test_many_errors (void)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  add_text (compiler, "three.mof",
            "class A { uint8 X = 300; };\n"
            "class B { uint8 Y = 1 string Z; };\n"
            "class C { [Nope] string Q; };\n");
  errors = compile_fails (compiler);
  /* The syntax error is reported; the semantic pass does not run on a
   * unit that does not parse. */
  g_assert_cmpuint (errors->len, ==, 1);

  g_clear_object (&compiler);
  compiler = compiler_for (NULL);
  add_text (compiler, "semantic.mof",
            "class A { uint8 X = 300; };\n"
            "class B : Nowhere { };\n"
            "class C { [Nope] string Q; };\n");
  g_clear_pointer (&errors, g_ptr_array_unref);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 3);
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->line, ==, 1);
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (errors, 1))->line, ==, 2);
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (errors, 2))->line, ==, 3);

  /* A flood stops at the cap. */
  for (guint i = 0; i < 500; i++)
    g_string_append (text, "@\n");
  g_clear_object (&compiler);
  compiler = compiler_for (NULL);
  add_text (compiler, "flood.mof", text->str);
  g_clear_pointer (&errors, g_ptr_array_unref);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 101);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 100))->message, "too many errors"));
}

/* Warnings have a cap of their own, and do not fail the compilation. */
static void
test_many_warnings (void)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  GPtrArray *diagnostics;
  CrMofDiagnostic *last;

  for (guint i = 0; i < 150; i++)
    g_string_append (text, "#pragma autorecover\n");
  g_string_append (text, "class W { };\n");
  add_text (compiler, "warnings.mof", text->str);
  batch = compile_ok (compiler);
  g_assert_cmpuint (cr_import_batch_get_length (batch), ==, 1);
  g_assert_cmpuint (cr_mof_compiler_get_warning_count (compiler), ==, 150);
  diagnostics = cr_mof_compiler_get_diagnostics (compiler);
  g_assert_cmpuint (diagnostics->len, ==, 101);
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (diagnostics, 99))->line, ==, 100);
  last = g_ptr_array_index (diagnostics, 100);
  g_assert_cmpint (last->severity, ==, CR_MOF_SEVERITY_WARNING);
  g_assert_cmpstr (last->message, ==, "50 more warnings were not shown");
}

/* Includes */

static void
test_include_cycle (void)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autofree char *a = mof_path ("include/cycle/a.mof");
  g_autofree char *b = mof_path ("include/cycle/b.mof");
  g_autofree char *chain = g_strdup_printf ("include cycle: %s → %s → %s", a, b, a);
  g_autoptr (GPtrArray) errors = NULL;
  CrMofDiagnostic *d;

  cr_mof_compiler_add_file (compiler, a);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  d = g_ptr_array_index (errors, 0);
  g_assert_cmpstr (d->file, ==, b);
  g_assert_cmpuint (d->line, ==, 3);
  g_assert_cmpuint (d->column, ==, 18);
  g_assert_cmpstr (d->message, ==, chain);
}

static void
test_include_depth (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (GPtrArray) errors = NULL;
  g_autofree char *top = NULL;

  /* f0 includes f1 … f39: too deep. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u.mof", i);
      g_autofree char *path = cr_test_dir_file (dir, name);
      g_autofree char *text = g_strdup_printf ("class C%u { };\n#pragma include (\"f%u.mof\")\n", i, i + 1);

      g_assert_true (g_file_set_contents (path, text, -1, NULL));
    }
  top = cr_test_dir_file (dir, "f0.mof");
  cr_mof_compiler_add_file (compiler, top);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message,
                            "includes nest more than 32 levels deep"));
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->line, ==, 2);
}

static void
test_include_forms (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *sub = cr_test_dir_file (dir, "sub");
  g_autofree char *leaf = g_build_filename (sub, "leaf.mof", NULL);
  g_autofree char *other = cr_test_dir_file (dir, "other");
  g_autofree char *lib = g_build_filename (other, "lib.mof", NULL);
  g_autofree char *top = cr_test_dir_file (dir, "top.mof");
  g_autoptr (CrMofCompiler) compiler = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GBytes) data = NULL;
  GPtrArray *diagnostics;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (other, 0700), ==, 0);
  g_assert_true (g_file_set_contents (leaf, "class Leaf { };\n", -1, NULL));
  g_assert_true (g_file_set_contents (lib, "class Lib { };\n", -1, NULL));
  /* Included twice for one namespace: read once, with a warning;
   * #include is WMI's spelling; lib.mof is found in an include dir. */
  g_assert_true (g_file_set_contents (top,
                                      "#pragma include (\"sub/leaf.mof\")\n"
                                      "#include (\"sub/leaf.mof\")\n"
                                      "#pragma include (\"lib.mof\")\n",
                                      -1, NULL));

  compiler = compiler_for (NULL);
  cr_mof_compiler_add_include_dir (compiler, other);
  cr_mof_compiler_add_file (compiler, top);
  batch = compile_ok (compiler);
  g_assert_cmpuint (cr_import_batch_get_length (batch), ==, 2);
  diagnostics = cr_mof_compiler_get_diagnostics (compiler);
  g_assert_cmpuint (diagnostics->len, ==, 1);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (diagnostics, 0))->message, "already included"));
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (diagnostics, 0))->line, ==, 2);

  /* A buffer's includes: relative to its base directory, or refused. */
  g_clear_object (&compiler);
  g_clear_pointer (&batch, cr_import_batch_unref);
  compiler = compiler_for (NULL);
  data = g_bytes_new_static ("#pragma include (\"sub/leaf.mof\")\n", 33);
  cr_mof_compiler_add_data (compiler, "memory", data, dir->path);
  batch = compile_ok (compiler);
  g_assert_cmpuint (cr_import_batch_get_length (batch), ==, 1);

  g_clear_object (&compiler);
  compiler = compiler_for (NULL);
  cr_mof_compiler_add_data (compiler, "memory", data, NULL);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message, "cannot include files"));
}

static void
test_missing_file (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autofree char *path = cr_test_dir_file (dir, "nowhere.mof");
  g_autoptr (GPtrArray) errors = NULL;
  CrMofDiagnostic *d;
  g_autofree char *text = NULL;

  cr_mof_compiler_add_file (compiler, path);
  errors = compile_fails (compiler);
  d = g_ptr_array_index (errors, 0);
  g_assert_cmpstr (d->file, ==, path);
  g_assert_cmpuint (d->line, ==, 0);
  text = cr_mof_diagnostic_to_string (d);
  g_assert_true (g_str_has_prefix (text, path));
  g_assert_nonnull (strstr (text, ": error: "));
}

static void
test_file_too_large (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autofree char *path = cr_test_dir_file (dir, "huge.mof");
  g_autoptr (GPtrArray) errors = NULL;
  FILE *f = g_fopen (path, "w");

  /* Sparse: the size is checked before anything is read. */
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, 64 * 1024 * 1024, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc ('\n', f), !=, EOF);
  fclose (f);
  cr_mof_compiler_add_file (compiler, path);
  errors = compile_fails (compiler);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message, "larger than 64 MiB"));
}

static void
test_limits (void)
{
  g_autoptr (GString) text = g_string_new ("class A { string S = \"");
  g_autoptr (CrMofCompiler) compiler = NULL;
  g_autoptr (GPtrArray) errors = NULL;

  /* A string of more than CR_MAX_STRING_BYTES, in two parts. */
  for (guint i = 0; i < CR_MAX_STRING_BYTES / 2 + 1; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\" \"");
  for (guint i = 0; i < CR_MAX_STRING_BYTES / 2 + 1; i++)
    g_string_append_c (text, 'y');
  g_string_append (text, "\"; };");
  compiler = compiler_for (NULL);
  add_text (compiler, "long.mof", text->str);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message, "at most 1048576 bytes"));

  /* An array of more than CR_MAX_ARRAY_ELEMENTS. */
  g_string_assign (text, "class A { uint8 X[] = {");
  for (guint i = 0; i <= CR_MAX_ARRAY_ELEMENTS; i++)
    g_string_append (text, "1,");
  g_string_append (text, "1}; };");
  g_clear_object (&compiler);
  compiler = compiler_for (NULL);
  add_text (compiler, "wide.mof", text->str);
  g_clear_pointer (&errors, g_ptr_array_unref);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message, "at most 65536 elements"));
}

/* A superclass chain as deep as the repository takes, and one deeper,
 * declared from the bottom up: no recursion of the compiler goes past it. */
static void
test_deep_chain (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GPtrArray) errors = NULL;
  CrImportSummary summary;

  for (guint i = 255; i > 0; i--)
    g_string_append_printf (text, "class D%u : D%u { };\n", i, i - 1);
  g_string_append (text, "class D0 { };\n");
  add_text (compiler, "deep.mof", text->str);
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, &summary);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 256);

  g_clear_object (&compiler);
  compiler = compiler_for (repo);
  add_text (compiler, "deeper.mof", "class D256 : D255 { };\n");
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->column, ==, 14);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message, "deeper than 256"));

  g_string_truncate (text, 0);
  for (guint i = 20000; i > 0; i--)
    g_string_append_printf (text, "class E%u : E%u { };\n", i, i - 1);
  g_string_append (text, "class E0 { };\n");
  g_clear_object (&compiler);
  compiler = compiler_for (NULL);
  add_text (compiler, "deepest.mof", text->str);
  g_clear_pointer (&errors, g_ptr_array_unref);
  errors = compile_fails (compiler);
  g_assert_nonnull (strstr (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->message, "deeper than 256"));
}

/* Namespaces */

static const char *
namespace_of (CrImportBatch *batch, CrImportKind kind, const char *name)
{
  for (guint i = 0; i < cr_import_batch_get_length (batch); i++)
    {
      const char *ns;
      CrImportKind k;
      GVariant *object;
      const char *object_name;

      cr_import_batch_get_item (batch, i, &ns, &k, &object);
      if (k != kind)
        continue;
      g_variant_get_child (object, 0, "&s", &object_name);
      if (g_ascii_strcasecmp (object_name, name) == 0)
        return ns;
    }
  return NULL;
}

static void
test_namespace_stacking (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autofree char *path = mof_path ("include/namespaces.mof");
  g_autoptr (CrImportBatch) batch = NULL;
  CrImportSummary summary;

  cr_mof_compiler_add_file (compiler, path);
  batch = compile_ok (compiler);
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_Start"), ==, "root/cimv2");
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_InTest"), ==, "root/test");
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_ChildFirst"), ==, "root/test");
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_Child"), ==, "root/test/child");
  /* What the child set does not leak out. */
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_AfterChild"), ==, "root/test");
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_Inner"), ==, "root/test/inner");
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_Reset"), ==, "root/cimv2");
  g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_INSTANCE, "Test_InTest"), ==, "root/test");

  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, &summary);
  g_assert_cmpuint (summary.namespaces_created, ==, 4);
  g_assert_true (cr_repository_namespace_exists (repo, "root/test/child"));
  g_assert_true (cr_repository_namespace_exists (repo, "root/test/inner"));
}

static void
test_namespace_forms (void)
{
  struct {
    const char *text;
    const char *ns;
  } ok[] = {
    { "#pragma namespace (\"root/a\")", "root/a" },
    { "#pragma namespace (\"\\\\\\\\.\\\\root\\\\a\\\\b\")", "root/a/b" },
    { "#pragma namespace (\"//server/root/a\")", "root/a" },
    { "#pragma namespace (\"a\") #pragma namespace (\"b/\")", "root/cimv2/a/b" },
    { "#pragma namespace (\"__set\", \"a\")", "root/cimv2/a" },
    { "#pragma namespace (\"a\") #pragma namespace (\"__RESET\")", "root/cimv2" },
    { "#pragma NAMESPACE (\"Root/Mixed\")", "root/Mixed" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
      g_autoptr (CrImportBatch) batch = NULL;
      g_autofree char *text = g_strdup_printf ("%s\nclass Test_Here { };\n", ok[i].text);

      add_text (compiler, "ns.mof", text);
      batch = compile_ok (compiler);
      g_assert_cmpstr (namespace_of (batch, CR_IMPORT_KIND_CLASS, "Test_Here"), ==, ok[i].ns);
    }

  assert_one_error ("#pragma namespace (\"root/../x\")", 1, 20, "not a valid namespace");
  assert_one_error ("#pragma namespace (\"//server\")", 1, 20, "names a server but no namespace");
  assert_one_error ("#pragma namespace (\"\")", 1, 20, "the namespace is empty");
  assert_one_error ("#pragma namespace (\"__set\")", 1, 9, "#pragma namespace lacks a string argument");
  assert_one_error ("#pragma namespace (\"__set\", 1)", 1, 29, "#pragma namespace takes a string here");

  {
    /* A bad target namespace fails the compilation itself. */
    g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
    g_autoptr (CrImportBatch) batch = NULL;
    g_autoptr (GError) error = NULL;

    cr_mof_compiler_set_namespace (compiler, "cimv2");
    add_text (compiler, "x.mof", "class A { };");
    batch = cr_mof_compiler_compile_sync (compiler, NULL, &error);
    g_assert_null (batch);
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
  }
}

/* Aliases */

static GVariant *
instance_value (CrImportBatch *batch, guint nth, const char *property)
{
  for (guint i = 0, seen = 0; i < cr_import_batch_get_length (batch); i++)
    {
      CrImportKind kind;
      GVariant *object;

      cr_import_batch_get_item (batch, i, NULL, &kind, &object);
      if (kind != CR_IMPORT_KIND_INSTANCE || seen++ != nth)
        continue;
      {
        g_autoptr (CrInstance) instance = cr_instance_new_from_variant (object, NULL);
        GVariant *value = cr_instance_get_property (instance, property);

        return value != NULL ? g_variant_ref (value) : NULL;
      }
    }
  return NULL;
}

static void
test_aliases (void)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GVariant) forward = NULL;
  g_autoptr (GVariant) backward = NULL;
  g_autoptr (GVariant) other_ns = NULL;
  g_autoptr (GVariant) class_ref = NULL;

  add_qualifiers (compiler);
  /* $later is used before it is defined, $earlier after. */
  add_text (compiler, "aliases.mof",
            "class T_A { [Key] string Name; [Key] uint8 N; };\n"
            "class T_Sub : T_A { };\n"
            "[Association] class T_L { [Key] T_A REF X; [Key] T_A REF Y; };\n"
            "class T_R { [Key] string Id; T_A REF Any; };\n"
            "instance of T_L { X = $later; Y = $earlier; };\n"
            "instance of T_Sub as $later { Name = \"l\"; N = 1; };\n"
            "instance of T_A as $earlier { Name = \"e\\\"q\"; N = 2; };\n"
            "instance of T_R { Id = \"to a class\"; Any = $klass; };\n"
            "class T_Ref as $klass : T_A { };\n"
            "#pragma namespace (\"root/other\")\n"
            "Qualifier Key : boolean = false, Scope (property, reference), Flavor (DisableOverride);\n"
            "class T_Far { [Key] string Id; T_A REF Back; };\n"
            "class T_A { [Key] string Name; [Key] uint8 N; };\n"
            "instance of T_Far { Id = \"far\"; Back = $later; };\n");
  batch = compile_ok (compiler);

  forward = instance_value (batch, 0, "X");
  backward = instance_value (batch, 0, "Y");
  class_ref = instance_value (batch, 3, "Any");
  other_ns = instance_value (batch, 4, "Back");
  /* The alias is the object path of its instance: its class, and its keys
   * sorted by name. */
  g_assert_cmpstr (g_variant_get_string (forward, NULL), ==, "T_Sub.N=1,Name=\"l\"");
  g_assert_cmpstr (g_variant_get_string (backward, NULL), ==, "T_A.N=2,Name=\"e\\\"q\"");
  g_assert_cmpstr (g_variant_get_string (class_ref, NULL), ==, "T_Ref");
  /* From another namespace, the path names the namespace. */
  g_assert_cmpstr (g_variant_get_string (other_ns, NULL), ==, "root/cimv2:T_Sub.N=1,Name=\"l\"");
}

/* Imports */

static guint64
count_classes (CrRepository *repo)
{
  guint64 namespaces = 0, classes = 0, instances = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (cr_repository_get_counts (repo, &namespaces, &classes, &instances, &error));
  g_assert_no_error (error);
  return classes * 1000000 + instances * 1000 + namespaces;
}

static void
test_atomic (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = NULL;
  g_autoptr (GString) top = g_string_new ("#pragma include (\"qualifiers.mof\")\n");
  g_autofree char *top_path = cr_test_dir_file (dir, "top.mof");
  g_autofree char *qualifiers_src = mof_path ("qualifiers.mof");
  g_autofree char *qualifiers_dst = cr_test_dir_file (dir, "qualifiers.mof");
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GError) error = NULL;
  guint64 before;
  CrImportSummary summary;

  g_assert_true (g_file_get_contents (qualifiers_src, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (qualifiers_dst, contents, -1, NULL));
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("file%02u.mof", i);
      g_autofree char *path = cr_test_dir_file (dir, name);
      /* The 10th file has a semantic error: an unknown property. */
      g_autofree char *text = g_strdup_printf ("class Atomic_%u { [Key] string Name; };\n"
                                               "instance of Atomic_%u { Name = \"x\"; %s};\n",
                                               i, i, i == 10 ? "Nope = 1; " : "");

      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      g_string_append_printf (top, "#pragma include (\"%s\")\n", name);
    }
  g_assert_true (g_file_set_contents (top_path, top->str, -1, NULL));

  before = count_classes (repo);
  compiler = compiler_for (repo);
  cr_mof_compiler_add_file (compiler, top_path);
  errors = compile_fails (compiler);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_true (g_str_has_suffix (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->file, "file10.mof"));
  g_assert_cmpuint (count_classes (repo), ==, before);

  /* Fixed, it imports; then a batch that the repository refuses halfway
   * changes nothing either. */
  {
    g_autofree char *path = cr_test_dir_file (dir, "file10.mof");

    g_assert_true (g_file_set_contents (path, "class Atomic_10 { [Key] string Name; };\n", -1, NULL));
  }
  g_clear_object (&compiler);
  compiler = compiler_for (repo);
  cr_mof_compiler_add_file (compiler, top_path);
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, &summary);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 10);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED], ==, 9);

  {
    g_autoptr (CrMofCompiler) second = compiler_for (repo);
    g_autoptr (CrImportBatch) later = NULL;
    g_autoptr (CrConnection) conn = cr_test_connect (repo, NS);

    add_text (second, "later.mof",
              "class Atomic_New { [Key] string Name; };\n"
              "class Atomic_Child : Atomic_1 { string More; };\n"
              "instance of Atomic_Child { Name = \"child\"; More = \"m\"; };\n");
    later = compile_ok (second);
    /* Someone deletes the superclass between the compilation and the
     * import: the import fails as a whole. */
    g_assert_true (cr_connection_delete_class (conn, "Atomic_1", &error));
    g_assert_no_error (error);
    before = count_classes (repo);
    g_assert_false (cr_repository_import_sync (repo, later, CR_IMPORT_FLAGS_NONE, &summary, NULL, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_cmpuint (count_classes (repo), ==, before);
    g_assert_null (cr_connection_get_class (conn, "Atomic_New", &error));
    g_clear_error (&error);
  }
}

static void
test_dry_run_and_reimport (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autofree char *path = mof_path ("valid/instances.mof");
  g_autoptr (CrImportBatch) batch = NULL;
  CrImportSummary summary;
  guint64 before;

  add_qualifiers (compiler);
  cr_mof_compiler_add_file (compiler, path);
  batch = compile_ok (compiler);

  before = count_classes (repo);
  import_ok (repo, batch, CR_IMPORT_FLAGS_DRY_RUN, &summary);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 3);
  g_assert_cmpuint (summary.qualifier_types[CR_PUT_RESULT_CREATED], >, 20);
  g_assert_cmpuint (count_classes (repo), ==, before);
  g_assert_false (cr_repository_namespace_exists (repo, NS));

  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, &summary);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED], ==, 3);
  /* Five instances, one of which updates another. */
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED] + summary.instances[CR_PUT_RESULT_UPDATED], ==, 6);

  /* Compiled again against the repository that now holds it all, and
   * imported again: nothing changes. */
  g_clear_object (&compiler);
  g_clear_pointer (&batch, cr_import_batch_unref);
  compiler = compiler_for (repo);
  add_qualifiers (compiler);
  cr_mof_compiler_add_file (compiler, path);
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, &summary);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_CREATED] + summary.classes[CR_PUT_RESULT_UPDATED], ==, 0);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_UNCHANGED], ==, 3);
  g_assert_cmpuint (summary.qualifier_types[CR_PUT_RESULT_CREATED] + summary.qualifier_types[CR_PUT_RESULT_UPDATED], ==, 0);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED], ==, 0);
  g_assert_cmpuint (summary.namespaces_created, ==, 0);
}

/* The resolver: what the repository holds already */

static void
test_resolver (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autoptr (CrImportBatch) batch = NULL;

  add_qualifiers (compiler);
  add_text (compiler, "base.mof",
            "[Abstract] class R_Base { [Key] string Name; [Description (\"fixed\") : DisableOverride] string D; };\n"
            "class R_Item : R_Base { uint32 Size; };\n");
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, NULL);

  /* The qualifiers and the superclass come from the repository now. */
  g_clear_object (&compiler);
  g_clear_pointer (&batch, cr_import_batch_unref);
  compiler = compiler_for (repo);
  add_text (compiler, "more.mof",
            "class R_More : R_Item { [Description (\"more\")] string Extra; };\n"
            "instance of R_More as $m { Name = \"m\"; Size = 3; Extra = \"e\"; };\n"
            "instance of R_Item { Name = \"i\"; };\n"
            "[Association] class R_Link { [Key] R_Base REF A; [Key] R_Item REF B; };\n"
            "instance of R_Link { A = $m; B = \"R_Item.Name=\\\"i\\\"\"; };\n");
  batch = compile_ok (compiler);
  g_assert_cmpuint (cr_import_batch_get_length (batch), ==, 5);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, NULL);

  /* Its rules hold against the repository's classes too. */
  assert_one_error ("class R_Bad : R_Nowhere { };", 1, 15, "unknown superclass");
  {
    g_autoptr (CrMofCompiler) c = compiler_for (repo);
    g_autoptr (GPtrArray) errors = NULL;
    CrMofDiagnostic *d;

    add_text (c, "override.mof", "class R_Over : R_Item { [Description (\"other\")] string D; };");
    errors = compile_fails (c);
    g_assert_cmpuint (errors->len, ==, 1);
    d = g_ptr_array_index (errors, 0);
    g_assert_cmpuint (d->line, ==, 1);
    g_assert_cmpuint (d->column, ==, 26);
    g_assert_nonnull (strstr (d->message, "DisableOverride in the superclass"));
  }
  {
    g_autoptr (CrMofCompiler) c = compiler_for (repo);
    g_autoptr (GPtrArray) errors = NULL;

    add_text (c, "nope.mof", "instance of R_Item { Name = \"n\"; [Bogus] Size = 1; Nope = 2; };");
    errors = compile_fails (c);
    g_assert_cmpuint (errors->len, ==, 1);
    g_assert_cmpuint (((CrMofDiagnostic *) g_ptr_array_index (errors, 0))->column, ==, 52);
  }
}

/* A unit that changes a class the repository's classes derive from: the
 * compiler sees those subclasses as they will be, and the import too. */
static void
test_update_superclass (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (CrInstance) instance = NULL;
  g_autoptr (CrClass) sub = NULL;
  g_autoptr (GError) error = NULL;
  CrImportSummary summary;

  add_qualifiers (compiler);
  add_text (compiler, "v1.mof",
            "class U_Base { [Key] string Name; };\n"
            "class U_Sub : U_Base { uint32 Level; };\n"
            "class U_Leaf : U_Sub { };\n"
            "instance of U_Leaf { Name = \"old\"; };\n");
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, NULL);

  /* Version 2 adds a property with a default to the root only; an
   * instance of the leaf, which only the repository declares, sets it. */
  g_clear_object (&compiler);
  g_clear_pointer (&batch, cr_import_batch_unref);
  compiler = compiler_for (repo);
  add_text (compiler, "v2.mof",
            "instance of U_Leaf { Name = \"new\"; Colour = \"red\"; Level = 2; };\n"
            "class U_Base { [Key] string Name; string Colour = \"grey\"; };\n");
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, &summary);
  g_assert_cmpuint (summary.classes[CR_PUT_RESULT_UPDATED], ==, 1);
  g_assert_cmpuint (summary.instances[CR_PUT_RESULT_CREATED], ==, 1);

  conn = cr_test_connect (repo, NS);
  sub = cr_connection_get_class (conn, "U_Leaf", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cr_class_find_property (sub, "Colour"));
  instance = cr_connection_get_instance (conn, "U_Leaf.Name=\"new\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (cr_instance_get_property (instance, "Colour"), NULL), ==, "red");
  g_clear_object (&instance);
  /* The old instance took the new default when its class changed. */
  instance = cr_connection_get_instance (conn, "U_Leaf.Name=\"old\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (cr_instance_get_property (instance, "Colour"), NULL), ==, "grey");
}

/* The writer */

static void
test_writer_values (void)
{
  g_autoptr (CrClass) klass = cr_class_new ("W_Values", NULL);
  g_autoptr (CrInstance) instance = cr_instance_new ("W_Values");
  g_autoptr (CrMofWriter) writer = cr_mof_writer_new ();
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GString) controls = g_string_new (NULL);
  struct {
    const char *name;
    CrCimType type;
    GVariant *value;
  } values[] = {
    { "Nan", CR_CIM_TYPE_REAL64, g_variant_new_double (NAN) },
    { "Inf", CR_CIM_TYPE_REAL64, g_variant_new_double (INFINITY) },
    { "MinusInf", CR_CIM_TYPE_REAL32, g_variant_new_double (-INFINITY) },
    { "MinusZero", CR_CIM_TYPE_REAL64, g_variant_new_double (-0.0) },
    { "Tenth", CR_CIM_TYPE_REAL64, g_variant_new_double (0.1) },
    { "Third32", CR_CIM_TYPE_REAL32, g_variant_new_double ((double) (1.0f / 3.0f)) },
    { "Big", CR_CIM_TYPE_REAL64, g_variant_new_double (1.7976931348623157e308) },
    { "Small", CR_CIM_TYPE_REAL64, g_variant_new_double (4.9406564584124654e-324) },
    { "Whole", CR_CIM_TYPE_REAL64, g_variant_new_double (3.0) },
    { "Quote", CR_CIM_TYPE_CHAR16, g_variant_new_string ("'") },
    { "Backslash", CR_CIM_TYPE_CHAR16, g_variant_new_string ("\\") },
    { "Bell", CR_CIM_TYPE_CHAR16, g_variant_new_string ("\a") },
    { "Del", CR_CIM_TYPE_CHAR16, g_variant_new_string ("\x7f") },
    { "Smile", CR_CIM_TYPE_CHAR16, g_variant_new_string ("☺") },
    { "Min64", CR_CIM_TYPE_SINT64, g_variant_new_int64 (G_MININT64) },
    { "Max64", CR_CIM_TYPE_UINT64, g_variant_new_uint64 (G_MAXUINT64) },
    { "Min8", CR_CIM_TYPE_SINT8, g_variant_new_int16 (-128) },
    { "When", CR_CIM_TYPE_DATETIME, g_variant_new_string ("20240101000000.******+000") },
    { "Path", CR_CIM_TYPE_REFERENCE, g_variant_new_string ("root/x:W_Values.Name=\"a\\\"b\"") },
    { "List", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, NULL },
    { "Empty", CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, NULL },
  };
  const char *list[] = { "\"", "\\", "", "a\"b", "😀" };

  /* Every control character, escaped and read back. */
  for (guint c = 1; c < 0x20; c++)
    g_string_append_c (controls, (char) c);
  g_string_append (controls, "\x7f\\\"'end");
  values[G_N_ELEMENTS (values) - 2].value = g_variant_new_strv (list, G_N_ELEMENTS (list));
  values[G_N_ELEMENTS (values) - 1].value = g_variant_new_array (G_VARIANT_TYPE_BYTE, NULL, 0);

  {
    CrProperty *key = cr_property_new ("Name", CR_CIM_TYPE_STRING);

    g_ptr_array_add (key->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_DISABLE_OVERRIDE));
    cr_class_add_property (klass, key);
    cr_class_add_property (klass, cr_property_new ("Controls", CR_CIM_TYPE_STRING));
    cr_instance_set_property (instance, "Name", g_variant_new_string ("values"));
    cr_instance_set_property (instance, "Controls", g_variant_new_string (controls->str));
  }
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      CrProperty *property = cr_property_new (values[i].name, values[i].type);

      if (values[i].type == CR_CIM_TYPE_REFERENCE)
        property->reference_class = g_strdup ("W_Values");
      cr_class_add_property (klass, property);
      cr_instance_set_property (instance, values[i].name, values[i].value);
    }
  {
    g_autoptr (CrQualifierType) key = cr_qualifier_type_new ("Key", CR_CIM_TYPE_BOOLEAN, g_variant_new_boolean (FALSE),
                                                             CR_SCOPE_PROPERTY | CR_SCOPE_REFERENCE,
                                                             CR_FLAVOR_DISABLE_OVERRIDE);

    cr_mof_writer_add_qualifier_type (writer, key);
  }
  cr_mof_writer_add_class (writer, klass);
  cr_mof_writer_add_instance (writer, instance);
  text = cr_mof_writer_to_string (writer);

  add_text (compiler, "values.mof", text);
  batch = compile_ok (compiler);
  {
    g_autoptr (GVariant) expected_class = g_variant_ref_sink (cr_class_to_variant (klass));
    g_autoptr (CrInstance) normalized = NULL;
    g_autoptr (GVariant) expected_instance = NULL;
    g_autoptr (GError) error = NULL;
    CrImportKind kind;
    GVariant *object;

    normalized = cr_instance_normalize (instance, klass, &error);
    g_assert_no_error (error);
    expected_instance = g_variant_ref_sink (cr_instance_to_variant (normalized));
    cr_import_batch_get_item (batch, 1, NULL, &kind, &object);
    g_assert_cmpint (kind, ==, CR_IMPORT_KIND_CLASS);
    if (!g_variant_equal (object, expected_class))
      g_error ("class changed:\n%s\n%s", g_variant_print (object, TRUE), text);
    cr_import_batch_get_item (batch, 2, NULL, &kind, &object);
    g_assert_cmpint (kind, ==, CR_IMPORT_KIND_INSTANCE);
    if (!g_variant_equal (object, expected_instance))
      g_error ("instance changed:\n%s\n%s\n%s", g_variant_print (object, TRUE),
               g_variant_print (expected_instance, TRUE), text);
  }
}

static void
test_writer_classes (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (CrMofWriter) writer = cr_mof_writer_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *inheritance = mof_path ("valid/inheritance.mof");
  const char *names[] = { "Test_Leaf", "Test_Root", NULL };
  const char *missing[] = { "Test_Nowhere", NULL };
  g_autoptr (GOutputStream) stream = g_memory_output_stream_new_resizable ();

  add_qualifiers (compiler);
  cr_mof_compiler_add_file (compiler, inheritance);
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, NULL);
  conn = cr_test_connect (repo, NS);

  /* Named classes, superclasses first, local shapes only; the qualifier
   * types are known for flavors but not written. */
  g_assert_true (cr_mof_writer_add_connection (writer, conn, names, CR_MOF_EXPORT_CLASSES, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cr_mof_writer_write (writer, stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)));
  g_assert_null (strstr (text, "Qualifier "));
  g_assert_null (strstr (text, "instance of"));
  g_assert_nonnull (strstr (text, "class Test_Root\n"));
  g_assert_nonnull (strstr (text, "class Test_Leaf : Test_Middle\n"));
  g_assert_true (strstr (text, "class Test_Root") < strstr (text, "class Test_Leaf"));
  /* Test_Leaf declares Size and Colour; Caption is Test_Root's. */
  g_assert_cmpint (g_strstr_len (strstr (text, "class Test_Leaf"), -1, "Caption") == NULL, ==, TRUE);

  g_assert_false (cr_mof_writer_add_connection (writer, conn, missing, CR_MOF_EXPORT_ALL, NULL, &error));
  g_assert_nonnull (error);
}

/* Asynchronous compilation and the convenience function */

static void
compiled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CrImportBatch **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = cr_mof_compiler_compile_finish (CR_MOF_COMPILER (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autofree char *qualifiers = mof_path ("qualifiers.mof");
  g_autofree char *methods = mof_path ("valid/methods.mof");
  const char *paths[] = { qualifiers, methods, NULL };
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (CrImportBatch) sync_batch = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrMofResolver) resolver = cr_mof_repository_resolver_new (repo, NULL);

  add_qualifiers (compiler);
  cr_mof_compiler_add_file (compiler, methods);
  cr_mof_compiler_compile_async (compiler, NULL, compiled_cb, &batch);
  while (batch == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (cr_mof_compiler_get_error_count (compiler), ==, 0);

  sync_batch = cr_mof_compile_files_sync (resolver, NS, paths, NULL, &diagnostics, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sync_batch);
  g_assert_cmpuint (diagnostics->len, ==, 0);
  {
    g_autoptr (GVariant) a = g_variant_ref_sink (cr_import_batch_to_variant (batch));
    g_autoptr (GVariant) b = g_variant_ref_sink (cr_import_batch_to_variant (sync_batch));

    g_assert_true (g_variant_equal (a, b));
  }
}

static void
test_cancel (void)
{
  g_autoptr (CrMofCompiler) compiler = compiler_for (NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GError) error = NULL;

  add_qualifiers (compiler);
  g_cancellable_cancel (cancellable);
  batch = cr_mof_compiler_compile_sync (compiler, cancellable, &error);
  g_assert_null (batch);
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
}

/* Everything at once: one repository with every feature, round trip */

static void
test_round_trip_all (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autoptr (CrRepository) repo = cr_test_repository_new (dir);
  g_autoptr (CrMofCompiler) compiler = compiler_for (repo);
  g_autoptr (GPtrArray) files = corpus_files ("valid");
  g_autoptr (CrImportBatch) batch = NULL;

  add_qualifiers (compiler);
  for (guint i = 0; i < files->len; i++)
    cr_mof_compiler_add_file (compiler, g_ptr_array_index (files, i));
  batch = compile_ok (compiler);
  import_ok (repo, batch, CR_IMPORT_FLAGS_NONE, NULL);
  assert_round_trip (repo, NS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cimrepo/mof/valid-corpus", test_valid_corpus);
  g_test_add_func ("/cimrepo/mof/invalid-corpus", test_invalid_corpus);
  g_test_add_func ("/cimrepo/mof/positions", test_positions);
  g_test_add_func ("/cimrepo/mof/utf16", test_utf16);
  g_test_add_func ("/cimrepo/mof/many-errors", test_many_errors);
  g_test_add_func ("/cimrepo/mof/many-warnings", test_many_warnings);
  g_test_add_func ("/cimrepo/mof/include-cycle", test_include_cycle);
  g_test_add_func ("/cimrepo/mof/include-depth", test_include_depth);
  g_test_add_func ("/cimrepo/mof/include-forms", test_include_forms);
  g_test_add_func ("/cimrepo/mof/missing-file", test_missing_file);
  g_test_add_func ("/cimrepo/mof/file-too-large", test_file_too_large);
  g_test_add_func ("/cimrepo/mof/limits", test_limits);
  g_test_add_func ("/cimrepo/mof/deep-chain", test_deep_chain);
  g_test_add_func ("/cimrepo/mof/namespace-stacking", test_namespace_stacking);
  g_test_add_func ("/cimrepo/mof/namespace-forms", test_namespace_forms);
  g_test_add_func ("/cimrepo/mof/aliases", test_aliases);
  g_test_add_func ("/cimrepo/mof/atomic", test_atomic);
  g_test_add_func ("/cimrepo/mof/dry-run-and-reimport", test_dry_run_and_reimport);
  g_test_add_func ("/cimrepo/mof/resolver", test_resolver);
  g_test_add_func ("/cimrepo/mof/update-superclass", test_update_superclass);
  g_test_add_func ("/cimrepo/mof/writer-values", test_writer_values);
  g_test_add_func ("/cimrepo/mof/writer-classes", test_writer_classes);
  g_test_add_func ("/cimrepo/mof/async", test_async);
  g_test_add_func ("/cimrepo/mof/cancel", test_cancel);
  g_test_add_func ("/cimrepo/mof/round-trip-all", test_round_trip_all);

  return g_test_run ();
}
