/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cr-daemon-test.h"

/*
 * The real cimrepoctl --session against the real cimrepod --session on a
 * private bus: the same commands as in local mode, through the service.
 * (The system suite runs cimrepoctl --system as an unprivileged user
 * under a real polkitd.)
 */

#define NS "root/test"

typedef struct {
  CrDaemonTest *test;
  char *backup_path;
} Fixture;

static CrTestRun *
run_argv (const char *const *args)
{
  return cr_test_run_cimrepoctl (NULL, args);
}

#define RUN(...) run_argv ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_ok (CrTestRun *run)
{
  if (run->status != 0)
    g_error ("cimrepoctl failed with %d: %s", run->status, run->err);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->test = cr_daemon_test_new ();
  cr_daemon_test_populate (f->test, 10, 0);
  cr_daemon_test_start (f->test, NULL);
  f->backup_path = cr_test_dir_file (f->test->dir, "backup.cimbak");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cr_daemon_test_free (f->test);
  g_free (f->backup_path);
}

static guint
count_items (void)
{
  g_autoptr (CrTestRun) run = RUN ("--session", "--json", "instance", "list", "--namespace", NS, "Test_Item");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  assert_ok (run);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_get_length (json_node_get_array (json_parser_get_root (parser)));
}

/* status: the service's repository, its mode, and its live connections */
static void
test_status (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) other = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) connection = cr_test_client_open (other, NS);
  g_autofree char *pid = g_strdup_printf ("%d", getpid ());
  g_autoptr (CrTestRun) run = RUN ("--session", "status");

  assert_ok (run);
  g_assert_nonnull (strstr (run->out, f->test->repository_path));
  g_assert_nonnull (strstr (run->out, "cimrepod --session"));
  /* The other client's connection, by its pid and namespace */
  g_assert_nonnull (strstr (run->out, "Connections:"));
  g_assert_nonnull (strstr (run->out, pid));
  g_assert_nonnull (strstr (run->out, NS));
}

/* The model commands, and a service error as the CLI reports errors */
static void
test_model (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) put = RUN ("--session", "instance", "put", "--namespace", NS, "Test_Item", "Name=cli", "Size=3");
  g_autoptr (CrTestRun) missing = NULL;

  assert_ok (put);
  g_assert_cmpuint (count_items (), ==, 11);
  missing = RUN ("--session", "class", "show", "--namespace", NS, "No_Such_Class");
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "(0x80041002)"));
  g_assert_null (strstr (missing->err, "GDBus.Error"));
}

/* backup, verify, restore --force: the CLI opens the files, the service
 * gets descriptors */
static void
test_backup_restore (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) backup = RUN ("--session", "backup", f->backup_path);
  g_autoptr (CrTestRun) verify = NULL;
  g_autoptr (CrTestRun) put = NULL;
  g_autoptr (CrTestRun) refused = NULL;
  g_autoptr (CrTestRun) restore = NULL;

  assert_ok (backup);
  g_assert_true (g_file_test (f->backup_path, G_FILE_TEST_IS_REGULAR));
  verify = RUN ("verify", f->backup_path);
  assert_ok (verify);

  put = RUN ("--session", "instance", "put", "--namespace", NS, "Test_Item", "Name=later", "Size=1");
  assert_ok (put);
  g_assert_cmpuint (count_items (), ==, 11);

  /* Without --force and with nobody to ask: refused, nothing changed */
  refused = RUN ("--session", "--no-interactive", "restore", f->backup_path);
  g_assert_cmpint (refused->status, !=, 0);
  g_assert_cmpuint (count_items (), ==, 11);

  restore = RUN ("--session", "restore", "--force", f->backup_path);
  assert_ok (restore);
  g_assert_cmpuint (count_items (), ==, 10);
}

/* pause -- COMMAND holds the service's pause while COMMAND runs; others
 * see it; it ends with the command */
static void
test_pause (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) other = cr_test_client_new (f->test);
  g_autofree char *marker = cr_test_dir_file (f->test->dir, "seen");
  g_autofree char *script = NULL;
  g_autoptr (CrTestRun) run = NULL;
  g_autoptr (CrTestRun) status = NULL;
  g_autofree char *text = NULL;

  /* The command asks the service, through the CLI, whether it is paused */
  script = g_strdup_printf ("\"$CIMREPOCTL\" --session --json status > '%s'", marker);
  run = RUN ("--session", "pause", "--", "sh", "-c", script);
  assert_ok (run);
  g_assert_true (g_file_get_contents (marker, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"paused\" : true"));
  g_assert_false (cr_repository1_get_paused (other->repository));

  /* Modes exclude each other */
  status = RUN ("--session", "--repository", f->test->repository_path, "status");
  g_assert_cmpint (status->status, ==, 2);
}

/* mof import through the service: the CLI compiles the files and sends
 * the result (never a path); a dry run changes nothing; export gives
 * back what went in */
static void
test_mof (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = g_test_build_filename (G_TEST_DIST, "data", "mof", "qualifiers.mof", NULL);
  g_autofree char *inheritance = g_test_build_filename (G_TEST_DIST, "data", "mof", "valid", "inheritance.mof", NULL);
  g_autoptr (CrTestRun) dry = RUN ("--session", "mof", "import", "--dry-run", "--namespace", "root/mof", qualifiers,
                                   inheritance);
  g_autoptr (CrTestRun) absent = NULL;
  g_autoptr (CrTestRun) import = NULL;
  g_autoptr (CrTestRun) shown = NULL;
  g_autoptr (CrTestRun) exported = NULL;

  assert_ok (dry);
  g_assert_nonnull (strstr (dry->out, "Classes: 4 created"));
  absent = RUN ("--session", "class", "show", "--namespace", "root/mof", "Test_Leaf2");
  g_assert_cmpint (absent->status, ==, 1);

  import = RUN ("--session", "mof", "import", "--namespace", "root/mof", qualifiers, inheritance);
  assert_ok (import);
  g_assert_nonnull (strstr (import->out, "Classes: 4 created, 0 updated, 0 unchanged"));
  g_assert_nonnull (strstr (import->out, "1 namespace created"));
  shown = RUN ("--session", "class", "show", "--namespace", "root/mof", "Test_Leaf2");
  assert_ok (shown);

  exported = RUN ("--session", "mof", "export", "--namespace", "root/mof", "Test_Leaf2");
  assert_ok (exported);
  g_assert_nonnull (strstr (exported->out, "class Test_Leaf2 : Test_Leaf"));
  g_assert_nonnull (strstr (exported->out, "class Test_Root"));
}

/* A namespace too large for one D-Bus answer still exports: the CLI
 * asks for less at a time where the service says the answer is too
 * large (classes level by level, instances class by class). A single
 * level or class beyond the bound stays an error (docs/LIMITS.md). */
static void
test_mof_export_large (Fixture *f, gconstpointer data)
{
  g_autofree char *qualifiers = g_test_build_filename (G_TEST_DIST, "data", "mof", "qualifiers.mof", NULL);
  g_autofree char *schema = cr_test_dir_file (f->test->dir, "big.mof");
  g_autofree char *exported_file = cr_test_dir_file (f->test->dir, "exported.mof");
  g_autofree char *big = g_malloc (1024 * 1024 + 1);
  g_autoptr (GString) mof = g_string_new ("class Big_Root { [Key] string Name; string Note; };\n"
                                          "class Big_Leaf : Big_Root { };\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestRun) import = NULL;
  g_autoptr (CrTestRun) deep = NULL;
  g_autoptr (CrTestRun) exported = NULL;
  g_autofree char *text = NULL;

  memset (big, 'x', 1024 * 1024);
  big[1024 * 1024] = '\0';
  /* A deep hierarchy, as CIM's: too much at once, a level at a time is fine */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *super = i == 0 ? g_strdup ("Big_Root") : g_strdup_printf ("Big_C%u", i - 1);

      g_string_append_printf (mof, "[Description (\"%s\")] class Big_C%u : %s { };\n", big, i, super);
    }
  for (guint i = 0; i < 30; i++)
    g_string_append_printf (mof, "instance of %s { Name = \"i%u\"; Note = \"%s\"; };\n",
                            i % 2 == 0 ? "Big_Root" : "Big_Leaf", i, big);
  g_file_set_contents (schema, mof->str, (gssize) mof->len, &error);
  g_assert_no_error (error);

  import = RUN ("--session", "mof", "import", "--namespace", "root/big", qualifiers, schema);
  assert_ok (import);
  /* The service refuses the whole namespace in one answer... */
  deep = RUN ("--session", "class", "list", "--namespace", "root/big", "--deep");
  g_assert_cmpint (deep->status, ==, 1);
  g_assert_nonnull (strstr (deep->err, "(0x8004A007)"));
  /* ...and the export gets it all the same */
  exported = RUN ("--session", "mof", "export", "--namespace", "root/big", "--output", exported_file);
  assert_ok (exported);
  g_assert_true (g_file_get_contents (exported_file, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "class Big_C29 : Big_C28"));
  g_assert_nonnull (strstr (text, "class Big_Leaf : Big_Root"));
  g_assert_nonnull (strstr (text, "Name = \"i29\""));
  g_assert_nonnull (strstr (text, "Name = \"i0\""));
}

/* No service on the bus: a clear error that says what to do */
static void
test_not_running (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) run = NULL;

  cr_daemon_test_stop (f->test);
  run = RUN ("--session", "status");
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "cimrepod --session"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/cimrepo/cli-session/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("status", test_status);
  ADD ("model", test_model);
  ADD ("backup-restore", test_backup_restore);
  ADD ("pause", test_pause);
  ADD ("mof", test_mof);
  ADD ("mof-export-large", test_mof_export_large);
  ADD ("not-running", test_not_running);
  return g_test_run ();
}
