/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cr-test-utils.h"

/*
 * cimrepoctl mof import|export, run as a user runs it, on MOF files in a
 * fresh directory and on repositories of its own: empty ones made with
 * the engine (--repository), or the default one with its sample content
 * (XDG_DATA_HOME in the test's directory).
 */

/* As the engine's MOF tests: wmi.mof names it in its #pragma namespace */
#define NS "root/cimv2"

typedef struct {
  CrTestDir *dir;
  char *data_home;
  char *repo_a; /* empty repositories */
  char *repo_b;
} Fixture;

/* Runs cimrepoctl with @args (NULL-terminated) in the test's directory,
 * and waits. */
static CrTestRun *
run_argv (Fixture *f, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = cr_test_launcher_new ();

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_set_cwd (launcher, f->dir->path);
  return cr_test_run_cimrepoctl (launcher, args);
}

#define RUN(f, ...) run_argv ((f), (const char *const[]){ __VA_ARGS__, NULL })

/* Fails, after showing @text line by line as TAP comments */
static void
fail_showing (const char *what, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_test_message ("| %s", lines[i]);
  g_error ("%s", what);
}

static void
assert_ok (CrTestRun *run)
{
  if (run->status != 0)
    fail_showing ("cimrepoctl failed; its standard error is above", run->err);
}

/* A failed operation: status 1 and "cimrepoctl: … (0x8004xxxx)" */
static void
assert_failed (CrTestRun *run, const char *hresult)
{
  g_autofree char *code = g_strdup_printf ("(%s)\n", hresult);

  g_assert_cmpint (run->status, ==, 1);
  if (strstr (run->err, code) == NULL)
    fail_showing (hresult, run->err);
}

static void
assert_contains (const char *text, const char *fragment)
{
  if (strstr (text, fragment) == NULL)
    {
      g_autofree char *what = g_strdup_printf ("expected “%s” in the text above", fragment);

      fail_showing (what, text);
    }
}

static char *
data_file (const char *name)
{
  return cr_test_data_path (name);
}

/* A file in the test's directory, with its parents. */
static char *
write_file (Fixture *f, const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (f->dir->path, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_substrings (const char *text, const char *fragment)
{
  guint n = 0;

  for (const char *p = strstr (text, fragment); p != NULL; p = strstr (p + 1, fragment))
    n++;
  return n;
}

/* The qualifier types of tests/data/mof/qualifiers.mof */
static guint
n_test_qualifier_types (void)
{
  g_autofree char *path = data_file ("mof/qualifiers.mof");
  g_autofree char *text = read_file (path);

  return count_substrings (text, "\nQualifier ");
}

static char *
empty_repository (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (f->dir->path, name, NULL);
  g_autoptr (CrRepository) repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_CREATE, NULL, &error);

  g_assert_no_error (error);
  cr_repository_close (repo);
  return path;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Everything in a namespace of a repository file, as comparable text:
 * each qualifier type, resolved class and instance as GVariant text.
 * The engine reads it directly, once cimrepoctl has exited. */
static char *
dump_namespace (const char *repository, const char *ns)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (repository, CR_OPEN_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  return cr_test_dump_namespace (repo, ns);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = cr_test_dir_new ();
  f->data_home = cr_test_dir_file (f->dir, "data");
  f->repo_a = empty_repository (f, "a.db");
  f->repo_b = empty_repository (f, "b.db");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->data_home);
  g_free (f->repo_a);
  g_free (f->repo_b);
  cr_test_dir_free (f->dir);
}

/* What every valid file of the corpus declares, with the qualifiers */
static GPtrArray *
corpus_args (Fixture *f, const char *repository, const char *command)
{
  g_autofree char *valid = data_file ("mof/valid");
  g_autoptr (GDir) dir = g_dir_open (valid, 0, NULL);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".mof"))
      g_ptr_array_add (files, g_build_filename (valid, name, NULL));
  g_ptr_array_sort (files, compare_strings);
  g_assert_cmpuint (files->len, >, 10);

  g_ptr_array_add (args, g_strdup ("mof"));
  g_ptr_array_add (args, g_strdup (command));
  g_ptr_array_add (args, g_strdup ("--repository"));
  g_ptr_array_add (args, g_strdup (repository));
  g_ptr_array_add (args, g_strdup ("--namespace"));
  g_ptr_array_add (args, g_strdup (NS));
  g_ptr_array_add (args, data_file ("mof/qualifiers.mof"));
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (args, g_strdup (g_ptr_array_index (files, i)));
  g_ptr_array_add (args, NULL);
  return args;
}

/* import: the summary, what it put there, and again: unchanged */
static void
test_import (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = data_file ("mof/qualifiers.mof");
  g_autofree char *inheritance = data_file ("mof/valid/inheritance.mof");
  g_autofree char *qtypes_line = NULL;
  g_autofree char *unchanged_line = NULL;
  g_autoptr (CrTestRun) run = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, qualifiers,
                                   inheritance);
  g_autoptr (CrTestRun) list = NULL;
  g_autoptr (CrTestRun) again = NULL;
  guint n_qtypes = n_test_qualifier_types ();

  assert_ok (run);
  g_assert_cmpstr (run->err, ==, "");
  qtypes_line = g_strdup_printf ("  Qualifier types: %u created, 0 updated, 0 unchanged\n", n_qtypes);
  g_assert_cmpstr (strstr (run->out, "Imported 2 files:\n"), ==, run->out);
  assert_contains (run->out, qtypes_line);
  assert_contains (run->out, "  Classes: 4 created, 0 updated, 0 unchanged\n");
  assert_contains (run->out, "  Instances: 1 created, 0 updated, 0 unchanged\n");
  assert_contains (run->out, "  1 namespace created\n");

  list = RUN (f, "class", "list", "--repository", f->repo_a, "--namespace", NS, "--deep");
  assert_ok (list);
  g_assert_cmpuint (count_substrings (list->out, "\n  Test_"), ==, 4);
  assert_contains (list->out, "Test_Leaf2");

  again = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, qualifiers, inheritance);
  assert_ok (again);
  unchanged_line = g_strdup_printf ("  Qualifier types: 0 created, 0 updated, %u unchanged\n", n_qtypes);
  assert_contains (again->out, unchanged_line);
  assert_contains (again->out, "  Classes: 0 created, 0 updated, 4 unchanged\n");
  assert_contains (again->out, "  Instances: 0 created, 0 updated, 1 unchanged\n");
  assert_contains (again->out, "  0 namespaces created\n");
}

/* An error: diagnostics at their place, exit 1, nothing imported, also
 * not from the files without an error. */
static void
test_import_error (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = data_file ("mof/qualifiers.mof");
  g_autofree char *good = write_file (f, "good.mof", "class Test_Good { [Key] string Name; };\n");
  g_autofree char *bad = write_file (f, "bad.mof",
                                     "// A class with two mistakes\n"
                                     "class Test_Bad : Test_Nowhere\n"
                                     "{\n"
                                     "    [Key] string Name\n"
                                     "    uint32 Size;\n"
                                     "};\n");
  g_autofree char *first = g_strdup_printf ("%s:5:5: error: ", bad);
  g_autofree char *before = dump_namespace (f->repo_a, "root");
  g_autofree char *after = NULL;
  g_autoptr (CrTestRun) run = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, qualifiers, good,
                                   bad);
  g_autoptr (CrTestRun) namespaces = NULL;
  g_autoptr (CrTestRun) unknown = NULL;

  assert_failed (run, "0x80041021");
  g_assert_cmpstr (run->out, ==, "");
  /* As compilers write it, first the diagnostic, then what it means */
  if (!g_str_has_prefix (run->err, first))
    fail_showing (first, run->err);
  assert_contains (run->err, "expected “;”");
  assert_contains (run->err, "\ncimrepoctl: The MOF has 1 error; nothing was imported (0x80041021)\n");

  /* Nothing changed: no namespace, nothing in root */
  namespaces = RUN (f, "namespace", "list", "--repository", f->repo_a);
  assert_ok (namespaces);
  g_assert_null (strstr (namespaces->out, NS));
  after = dump_namespace (f->repo_a, "root");
  g_assert_cmpstr (before, ==, after);

  /* With the syntax fixed, the unknown superclass is an error at its place */
  g_assert_true (g_file_set_contents (bad, "class Test_Bad : Test_Nowhere\n{\n    [Key] string Name;\n};\n", -1,
                                      NULL));
  unknown = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, qualifiers, good, bad);
  assert_failed (unknown, "0x80041021");
  g_free (first);
  first = g_strdup_printf ("%s:1:18: error: unknown superclass “Test_Nowhere”", bad);
  g_assert_true (g_str_has_prefix (unknown->err, first));
  g_clear_pointer (&after, g_free);
  after = dump_namespace (f->repo_a, "root");
  g_assert_cmpstr (before, ==, after);
}

/* A file that cannot be read is a diagnostic too */
static void
test_import_missing_file (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) run = RUN (f, "mof", "import", "--repository", f->repo_a, "nothere.mof");

  assert_failed (run, "0x80041021");
  g_assert_true (g_str_has_prefix (run->err, "nothere.mof: error: "));
}

/* --dry-run says what the import would do, and changes nothing */
static void
test_dry_run (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = data_file ("mof/qualifiers.mof");
  g_autofree char *inheritance = data_file ("mof/valid/inheritance.mof");
  g_autoptr (CrTestRun) run = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, "--dry-run",
                                   qualifiers, inheritance);
  g_autoptr (CrTestRun) namespaces = NULL;

  assert_ok (run);
  g_assert_true (g_str_has_prefix (run->out, "Dry run of 2 files: nothing was changed."));
  assert_contains (run->out, "  Classes: 4 created, 0 updated, 0 unchanged\n");
  assert_contains (run->out, "  1 namespace created\n");
  namespaces = RUN (f, "namespace", "list", "--repository", f->repo_a);
  assert_ok (namespaces);
  g_assert_null (strstr (namespaces->out, NS));
}

/* #pragma include: relative to the including file wherever cimrepoctl
 * runs, then to --include-dir; errors name the included file. */
static void
test_includes (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = data_file ("mof/qualifiers.mof");
  g_autofree char *shared = g_path_get_dirname (qualifiers);
  g_autofree char *top = write_file (f, "schema/top.mof",
                                     "#pragma include (\"qualifiers.mof\")\n"
                                     "#pragma include (\"core/base.mof\")\n"
                                     "class Test_Top : Test_Base { };\n");
  g_autofree char *base = write_file (f, "schema/core/base.mof",
                                      "#pragma include (\"element.mof\")\n"
                                      "class Test_Base : Test_Element { [Key] string Name; };\n");
  g_autofree char *element = write_file (f, "schema/core/element.mof", "class Test_Element { };\n");
  g_autoptr (CrTestRun) without = NULL;
  g_autoptr (CrTestRun) run = NULL;
  g_autoptr (CrTestRun) broken = NULL;
  g_autoptr (CrTestRun) list = NULL;
  g_autofree char *where = NULL;

  /* qualifiers.mof is in neither directory: only --include-dir finds it */
  without = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, "schema/top.mof");
  assert_failed (without, "0x80041021");
  assert_contains (without->err, "schema/top.mof:1:");

  run = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", NS, "-I", shared, top);
  assert_ok (run);
  assert_contains (run->out, "Imported 1 file:\n");
  assert_contains (run->out, "  Classes: 3 created, 0 updated, 0 unchanged\n");
  list = RUN (f, "class", "list", "--repository", f->repo_a, "--namespace", NS, "--deep");
  assert_ok (list);
  assert_contains (list->out, "Test_Element");

  /* An error in an included file is reported there */
  g_assert_true (g_file_set_contents (element, "class Test_Element { uint32 ; };\n", -1, NULL));
  broken = RUN (f, "mof", "import", "--repository", f->repo_b, "--namespace", NS, "--include-dir", shared, top);
  assert_failed (broken, "0x80041021");
  where = g_strdup_printf ("%s/schema/core/element.mof:1:", f->dir->path);
  if (!g_str_has_prefix (broken->err, where) && !g_str_has_prefix (broken->err, "schema/core/element.mof:1:"))
    g_error ("expected the included file in: %s", broken->err);
}

/* The whole valid corpus: import, export, import into a fresh
 * repository, export: the same text, and the same objects. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) import_a = corpus_args (f, f->repo_a, "import");
  g_autofree char *exported = g_build_filename (f->dir->path, "exported.mof", NULL);
  g_autoptr (CrTestRun) run = run_argv (f, (const char *const *) import_a->pdata);
  g_autoptr (CrTestRun) export_a = NULL;
  g_autoptr (CrTestRun) to_file = NULL;
  g_autoptr (CrTestRun) import_b = NULL;
  g_autoptr (CrTestRun) export_b = NULL;
  g_autofree char *file_text = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_b = NULL;

  assert_ok (run);
  export_a = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", NS);
  assert_ok (export_a);
  g_assert_cmpstr (export_a->err, ==, "");
  assert_contains (export_a->out, "#pragma namespace (\"root/cimv2\")\n");
  assert_contains (export_a->out, "class Test_Leaf2 : Test_Leaf\n");

  to_file = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", NS, "--output", "exported.mof");
  assert_ok (to_file);
  assert_contains (to_file->out, "Wrote ");
  assert_contains (to_file->out, " of root/cimv2 to exported.mof\n");
  file_text = read_file (exported);
  g_assert_cmpstr (file_text, ==, export_a->out);

  /* The file says its namespace: another --namespace does not move it */
  import_b = RUN (f, "mof", "import", "--repository", f->repo_b, "--namespace", "root/elsewhere", exported);
  assert_ok (import_b);
  export_b = RUN (f, "mof", "export", "--repository", f->repo_b, "--namespace", NS);
  assert_ok (export_b);
  g_assert_cmpstr (export_b->out, ==, export_a->out);

  dump_a = dump_namespace (f->repo_a, NS);
  dump_b = dump_namespace (f->repo_b, NS);
  g_assert_cmpuint (strlen (dump_a), >, 1000);
  g_assert_cmpstr (dump_a, ==, dump_b);
}

/* The default repository's sample, out and into an empty repository */
static void
test_round_trip_sample (Fixture *f, gconstpointer data)
{
  g_autofree char *sample = g_build_filename (f->data_home, "cimrepo", "repository.db", NULL);
  g_autoptr (CrTestRun) export_default = RUN (f, "mof", "export", "--output", "sample.mof");
  g_autoptr (CrTestRun) import_b = NULL;
  g_autoptr (CrTestRun) export_b = NULL;
  g_autoptr (CrTestRun) again = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dump_a = NULL;
  g_autofree char *dump_b = NULL;

  assert_ok (export_default);
  assert_contains (export_default->out, " of root/cimv2 to sample.mof\n");
  import_b = RUN (f, "mof", "import", "--repository", f->repo_b, "sample.mof");
  assert_ok (import_b);
  assert_contains (import_b->out, "  1 namespace created\n");
  export_b = RUN (f, "mof", "export", "--repository", f->repo_b);
  assert_ok (export_b);
  path = g_build_filename (f->dir->path, "sample.mof", NULL);
  text = read_file (path);
  g_assert_cmpstr (export_b->out, ==, text);
  dump_a = dump_namespace (sample, "root/cimv2");
  dump_b = dump_namespace (f->repo_b, "root/cimv2");
  g_assert_cmpstr (dump_a, ==, dump_b);

  /* Into the repository it came from: nothing to change */
  again = RUN (f, "mof", "import", "sample.mof");
  assert_ok (again);
  assert_contains (again->out, "  Qualifier types: 0 created, 0 updated, ");
  assert_contains (again->out, "  Classes: 0 created, 0 updated, ");
  assert_contains (again->out, "  Instances: 0 created, 0 updated, ");
}

/* Named classes: those, with their instances, and what they need to
 * compile on their own, without instances. */
static void
test_export_classes (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) import_a = corpus_args (f, f->repo_a, "import");
  g_autoptr (CrTestRun) run = run_argv (f, (const char *const *) import_a->pdata);
  g_autoptr (CrTestRun) leaf = NULL;
  g_autoptr (CrTestRun) import_b = NULL;
  g_autoptr (CrTestRun) related = NULL;
  g_autoptr (CrTestRun) import_related = NULL;
  g_autoptr (CrTestRun) missing = NULL;
  g_autofree char *related_db = empty_repository (f, "related.db");
  guint n_qtypes = n_test_qualifier_types ();

  assert_ok (run);
  leaf = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", NS, "test_leaf2", "--output",
              "leaf.mof");
  assert_ok (leaf);
  assert_contains (leaf->out, "4 classes and 1 instance of root/cimv2");
  {
    g_autofree char *path = g_build_filename (f->dir->path, "leaf.mof", NULL);
    g_autofree char *text = read_file (path);

    assert_contains (text, "class Test_Root\n");
    assert_contains (text, "class Test_Middle : Test_Root\n");
    assert_contains (text, "class Test_Leaf : Test_Middle\n");
    assert_contains (text, "class Test_Leaf2 : Test_Leaf\n");
    g_assert_cmpuint (count_substrings (text, "\nclass "), ==, 4);
    g_assert_cmpuint (count_substrings (text, "instance of "), ==, 1);
    assert_contains (text, "instance of Test_Leaf2\n");
    g_assert_cmpuint (count_substrings (text, "\nQualifier "), >=, n_qtypes);
  }
  /* It compiles on its own */
  import_b = RUN (f, "mof", "import", "--repository", f->repo_b, "leaf.mof");
  assert_ok (import_b);
  assert_contains (import_b->out, "  Classes: 4 created, 0 updated, 0 unchanged\n");
  assert_contains (import_b->out, "  Instances: 1 created, 0 updated, 0 unchanged\n");

  /* An association brings the classes its references name */
  related = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", NS, "Test_SpecialContains");
  assert_ok (related);
  assert_contains (related->out, "class Test_Thing\n");
  assert_contains (related->out, "class Test_Contains\n");
  assert_contains (related->out, "class Test_SpecialContains : Test_Contains\n");
  g_assert_cmpuint (count_substrings (related->out, "\nclass "), ==, 3);
  {
    g_autofree char *path = write_file (f, "related.mof", related->out);

    import_related = RUN (f, "mof", "import", "--repository", related_db, path);
    assert_ok (import_related);
    assert_contains (import_related->out, "  Classes: 3 created, 0 updated, 0 unchanged\n");
  }

  missing = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", NS, "Test_Leaf", "Test_Nothing");
  assert_failed (missing, "0x80041002");
  assert_contains (missing->err, "Test_Nothing");
  g_assert_cmpstr (missing->out, ==, "");
}

/* Namespaces that are not there, or cannot be */
static void
test_bad_namespace (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = data_file ("mof/qualifiers.mof");
  g_autoptr (CrTestRun) missing = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", "root/nowhere");
  g_autoptr (CrTestRun) invalid = RUN (f, "mof", "export", "--repository", f->repo_a, "--namespace", "root/not a name");
  g_autoptr (CrTestRun) import_invalid = RUN (f, "mof", "import", "--repository", f->repo_a, "--namespace", "cimv2",
                                              qualifiers);
  g_autoptr (CrTestRun) namespaces = NULL;

  assert_failed (missing, "0x8004100E");
  assert_contains (missing->err, "“root/nowhere” does not exist");
  g_assert_cmpstr (missing->out, ==, "");
  assert_failed (invalid, "0x8004100E");
  assert_contains (invalid->err, "not a name");
  g_assert_cmpstr (invalid->out, ==, "");
  assert_failed (import_invalid, "0x8004100E");
  assert_contains (import_invalid->err, "cimv2");
  namespaces = RUN (f, "namespace", "list", "--repository", f->repo_a);
  assert_ok (namespaces);
  g_assert_cmpstr (namespaces->out, ==, "root\n");
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) group = RUN (f, "mof");
  g_autoptr (CrTestRun) no_file = RUN (f, "mof", "import");
  g_autoptr (CrTestRun) option = RUN (f, "mof", "export", "--frobnicate");
  g_autoptr (CrTestRun) help = RUN (f, "--help");
  g_autoptr (CrTestRun) import_help = RUN (f, "mof", "import", "--help");

  g_assert_cmpint (group->status, ==, 2);
  assert_contains (group->err, "“mof” needs a subcommand");
  g_assert_cmpint (no_file->status, ==, 2);
  assert_contains (no_file->err, "cimrepoctl mof import --help");
  g_assert_cmpint (option->status, ==, 2);
  assert_ok (help);
  assert_contains (help->out, "mof import FILE…");
  assert_contains (help->out, "mof export [CLASS…]");
  assert_ok (import_help);
  assert_contains (import_help->out, "--include-dir");
  assert_contains (import_help->out, "--dry-run");
  /* --help creates no repository */
  g_assert_false (g_file_test (f->data_home, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/cimrepo/mof-cli/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("import", test_import);
  ADD ("import-error", test_import_error);
  ADD ("import-missing-file", test_import_missing_file);
  ADD ("dry-run", test_dry_run);
  ADD ("includes", test_includes);
  ADD ("round-trip", test_round_trip);
  ADD ("round-trip-sample", test_round_trip_sample);
  ADD ("export-classes", test_export_classes);
  ADD ("bad-namespace", test_bad_namespace);
  ADD ("usage", test_usage);
#undef ADD
  return g_test_run ();
}
