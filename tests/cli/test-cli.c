/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <pty.h>
#include <signal.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cr-test-utils.h"

/*
 * The real cimrepoctl ($CIMREPOCTL), run as a user runs it, each test on
 * a default repository of its own (XDG_DATA_HOME in a fresh directory).
 */

typedef struct {
  CrTestDir *dir;
  char *data_home;
  char *repository;
} Fixture;

static GSubprocessLauncher *
launcher_new (Fixture *f, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "TEST_DIR", f->dir->path, TRUE);
  g_subprocess_launcher_setenv (launcher, "REPO", f->repository, TRUE);
  g_subprocess_launcher_setenv (launcher, "CIMREPOCTL", cr_test_cimrepoctl (), TRUE);
  g_subprocess_launcher_set_cwd (launcher, f->dir->path);
  return launcher;
}

/* Runs cimrepoctl with @args (NULL-terminated) and waits. */
static CrTestRun *
run_argv (Fixture *f, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                G_SUBPROCESS_FLAGS_STDIN_PIPE);

  return cr_test_run_cimrepoctl (launcher, args);
}

#define RUN(f, ...) run_argv ((f), (const char *const[]){ __VA_ARGS__, NULL })

static void
assert_ok (CrTestRun *run)
{
  if (run->status != 0)
    g_error ("cimrepoctl failed with %d: %s", run->status, run->err);
}

/* A failed operation: status 1 and "cimrepoctl: … (0x8004xxxx)" */
static void
assert_failed (CrTestRun *run, const char *hresult)
{
  g_autofree char *code = g_strdup_printf ("(%s)\n", hresult);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_true (g_str_has_prefix (run->err, "cimrepoctl: "));
  if (strstr (run->err, code) == NULL)
    g_error ("expected %s in: %s", hresult, run->err);
}

static void
assert_usage_error (CrTestRun *run)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_true (g_str_has_prefix (run->err, "cimrepoctl: "));
  g_assert_nonnull (strstr (run->err, "--help"));
  g_assert_cmpstr (run->out, ==, "");
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = cr_test_dir_new ();
  f->data_home = cr_test_dir_file (f->dir, "data");
  f->repository = g_build_filename (f->data_home, "cimrepo", "repository.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->data_home);
  g_free (f->repository);
  cr_test_dir_free (f->dir);
}

/* Options, help, usage errors */

static void
test_version (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) run = RUN (f, "--version");

  assert_ok (run);
  g_assert_cmpstr (run->out, ==, "cimrepoctl " PACKAGE_VERSION "\n");
}

static void
test_help (Fixture *f, gconstpointer data)
{
  static const char *const commands[] = {
    "status", "backup FILE", "restore FILE", "verify [FILE]", "info FILE", "pause ", "resume",
    "namespace list", "namespace create", "namespace delete", "class list", "class show",
    "instance list", "instance show", "instance put", "instance delete", NULL
  };
  g_autoptr (CrTestRun) run = RUN (f, "--help");
  g_autoptr (CrTestRun) help = RUN (f, "help");
  g_autoptr (CrTestRun) command_help = RUN (f, "restore", "--help");
  g_autoptr (CrTestRun) group_help = RUN (f, "class", "--help");

  assert_ok (run);
  for (guint i = 0; commands[i] != NULL; i++)
    if (strstr (run->out, commands[i]) == NULL)
      g_error ("--help does not list “%s”", commands[i]);
  g_assert_nonnull (strstr (run->out, "--repository"));
  g_assert_nonnull (strstr (run->out, "--json"));
  g_assert_nonnull (strstr (run->out, "--no-interactive"));
  g_assert_nonnull (strstr (run->out, "Examples:"));
  assert_ok (help);
  g_assert_cmpstr (help->out, ==, run->out);
  assert_ok (command_help);
  g_assert_nonnull (strstr (command_help->out, "--force"));
  /* A group's help lists its commands, and only those */
  assert_ok (group_help);
  g_assert_nonnull (strstr (group_help->out, "class list"));
  g_assert_nonnull (strstr (group_help->out, "class show"));
  g_assert_null (strstr (group_help->out, "instance"));
  /* --help creates no repository */
  g_assert_false (g_file_test (f->repository, G_FILE_TEST_EXISTS));
}

static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) none = RUN (f, "--json");
  g_autoptr (CrTestRun) unknown = RUN (f, "frobnicate");
  g_autoptr (CrTestRun) group = RUN (f, "class");
  g_autoptr (CrTestRun) sub = RUN (f, "class", "frob");
  g_autoptr (CrTestRun) missing = RUN (f, "backup");
  g_autoptr (CrTestRun) extra = RUN (f, "info", "a", "b");
  g_autoptr (CrTestRun) option = RUN (f, "status", "--frobnicate");
  g_autoptr (CrTestRun) global = RUN (f, "--frobnicate", "status");
  g_autoptr (CrTestRun) pair = RUN (f, "instance", "put", "LNX_Service", "Name");
  g_autoptr (CrTestRun) both = RUN (f, "instance", "put", "--create-only", "--update-only", "LNX_Service", "Name=x");

  assert_usage_error (none);
  assert_usage_error (unknown);
  g_assert_nonnull (strstr (unknown->err, "frobnicate"));
  assert_usage_error (group);
  assert_usage_error (sub);
  assert_usage_error (missing);
  g_assert_nonnull (strstr (missing->err, "cimrepoctl backup --help"));
  assert_usage_error (extra);
  assert_usage_error (option);
  assert_usage_error (global);
  assert_usage_error (pair);
  assert_usage_error (both);
}

/* status */

static void
test_status (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) text = RUN (f, "status");
  g_autoptr (CrTestRun) json = NULL;
  g_autoptr (CrTestRun) after = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o;

  /* The first use creates the default repository with its sample */
  assert_ok (text);
  g_assert_true (g_file_test (f->repository, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (text->out, f->repository));
  g_assert_nonnull (strstr (text->out, "12 instances"));
  g_assert_nonnull (strstr (text->out, "Last backup:"));
  g_assert_nonnull (strstr (text->out, "Paused:"));
  g_assert_nonnull (strstr (text->out, "Backup in progress:"));
  g_assert_nonnull (strstr (text->out, "Restore in progress:"));
  g_assert_cmpstr (text->err, ==, "");

  json = RUN (f, "status", "--json");
  assert_ok (json);
  root = parse_json (json->out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "location"), ==, f->repository);
  g_assert_cmpint (json_object_get_int_member (o, "instances"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (o, "namespaces"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "classes"), >=, 10);
  g_assert_cmpint (json_object_get_int_member (o, "size"), >, 0);
  g_assert_false (json_object_get_boolean_member (o, "paused"));
  g_assert_false (json_object_get_boolean_member (o, "backup_in_progress"));
  g_assert_false (json_object_get_boolean_member (o, "restore_in_progress"));
  g_assert_true (json_object_get_null_member (o, "last_backup"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "connections")));

  /* Global options also after the command, and an explicit repository */
  after = RUN (f, "status", "--repository", f->repository, "--json");
  assert_ok (after);
  g_clear_pointer (&root, json_node_unref);
  root = parse_json (after->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "location"), ==, f->repository);
}

static void
test_missing_repository (Fixture *f, gconstpointer data)
{
  g_autofree char *path = cr_test_dir_file (f->dir, "nothing.db");
  g_autoptr (CrTestRun) run = RUN (f, "--repository", path, "status");

  assert_failed (run, "0x80041002");
  g_assert_nonnull (strstr (run->err, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* namespaces, classes, instances */

static void
test_namespaces (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) create = RUN (f, "namespace", "create", "root/app");
  g_autoptr (CrTestRun) nested = RUN (f, "namespace", "create", "root/x/y");
  g_autoptr (CrTestRun) parents = RUN (f, "namespace", "create", "--parents", "root/x/y");
  g_autoptr (CrTestRun) again = RUN (f, "namespace", "create", "root/app");
  g_autoptr (CrTestRun) list = RUN (f, "namespace", "list", "--json");
  g_autoptr (CrTestRun) del = RUN (f, "namespace", "delete", "root/x");
  g_autoptr (CrTestRun) text = RUN (f, "namespace", "list");
  g_autoptr (CrTestRun) below = RUN (f, "namespace", "list", "root/app");
  g_autoptr (JsonNode) root = NULL;
  JsonArray *array;

  assert_ok (create);
  assert_failed (nested, "0x8004100E");
  assert_ok (parents);
  assert_failed (again, "0x80041019");
  assert_ok (list);
  root = parse_json (list->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "root");
  g_assert_cmpstr (json_array_get_string_element (array, 4), ==, "root/x/y");
  assert_ok (del);
  assert_ok (text);
  g_assert_cmpstr (text->out, ==, "root\nroot/app\nroot/cimv2\n");
  assert_ok (below);
  g_assert_cmpstr (below->out, ==, "");
}

static void
test_classes (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) top = RUN (f, "class", "list");
  g_autoptr (CrTestRun) deep = RUN (f, "class", "list", "--deep", "--json");
  g_autoptr (CrTestRun) sub = RUN (f, "class", "list", "CIM_LogicalElement", "--namespace", "root/cimv2");
  g_autoptr (CrTestRun) show = RUN (f, "class", "show", "LNX_Service");
  g_autoptr (CrTestRun) missing = RUN (f, "class", "show", "Nope");
  g_autoptr (CrTestRun) bad_ns = RUN (f, "class", "list", "--namespace", "root/nope");
  g_autoptr (JsonNode) root = NULL;
  JsonArray *array;
  gboolean found = FALSE;

  assert_ok (top);
  g_assert_nonnull (strstr (top->out, "CIM_ManagedElement"));
  g_assert_null (strstr (top->out, "LNX_Service"));

  assert_ok (deep);
  root = parse_json (deep->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), >=, 10);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "name"), "LNX_Service"))
        {
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (o, "superclass"), ==, "CIM_Service");
          g_assert_false (json_object_get_boolean_member (o, "abstract"));
          g_assert_cmpint (json_object_get_int_member (o, "properties"), >, 10);
        }
    }
  g_assert_true (found);

  assert_ok (sub);
  g_assert_nonnull (strstr (sub->out, "CIM_Service"));
  g_assert_nonnull (strstr (sub->out, "CIM_FileSystem"));
  g_assert_null (strstr (sub->out, "LNX_"));

  assert_ok (show);
  g_assert_nonnull (strstr (show->out, "class LNX_Service : CIM_Service"));
  g_assert_nonnull (strstr (show->out, "string Name;  // inherited"));
  g_assert_nonnull (strstr (show->out, "Key"));
  g_assert_nonnull (strstr (show->out, "uint64 MemoryCurrent;\n"));
  g_assert_nonnull (strstr (show->out, "string Requires[];"));
  g_assert_nonnull (strstr (show->out, "Units (\"Bytes\")"));
  g_assert_nonnull (strstr (show->out, "uint32 StartService();  // inherited"));

  assert_failed (missing, "0x80041002");
  assert_failed (bad_ns, "0x8004100E");
}

static void
test_instances (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) list = RUN (f, "instance", "list", "CIM_Service");
  g_autoptr (CrTestRun) shallow = RUN (f, "instance", "list", "CIM_Service", "--shallow");
  g_autoptr (CrTestRun) json = RUN (f, "--json", "instance", "list", "LNX_FileSystem");
  g_autoptr (CrTestRun) show = RUN (f, "instance", "show", "LNX_Service.Name=\"sshd.service\"");
  g_autoptr (CrTestRun) put = RUN (f, "instance", "put", "LNX_Service", "Name=foo.service", "Started=true",
                                   "MemoryCurrent=0x100000", "Requires={\"a.target\", \"b.socket\"}", "--create-only");
  g_autoptr (CrTestRun) put_shown = RUN (f, "instance", "show", "LNX_Service.Name=\"foo.service\"");
  g_autoptr (CrTestRun) dup = RUN (f, "instance", "put", "--create-only", "LNX_Service", "Name=foo.service");
  g_autoptr (CrTestRun) update = RUN (f, "instance", "put", "--update-only", "LNX_Service", "Name=foo.service",
                                      "MainPID=4242");
  g_autoptr (CrTestRun) absent = RUN (f, "instance", "put", "--update-only", "LNX_Service", "Name=none.service");
  g_autoptr (CrTestRun) bad_value = RUN (f, "instance", "put", "LNX_Service", "Name=x.service", "MainPID=lots");
  g_autoptr (CrTestRun) bad_property = RUN (f, "instance", "put", "LNX_Service", "Name=x.service", "Colour=red");
  g_autoptr (CrTestRun) shown = RUN (f, "instance", "show", "LNX_Service.Name=\"foo.service\"");
  g_autoptr (CrTestRun) del = RUN (f, "instance", "delete", "LNX_Service.Name=\"foo.service\"");
  g_autoptr (CrTestRun) gone = RUN (f, "instance", "show", "LNX_Service.Name=\"foo.service\"");
  g_autoptr (CrTestRun) bad_path = RUN (f, "instance", "show", "LNX_Service.Name=");
  g_autoptr (JsonNode) root = NULL;
  JsonArray *array;
  JsonObject *first, *properties;

  assert_ok (list);
  g_assert_cmpuint (count_lines (list->out), ==, 7);
  g_assert_nonnull (strstr (list->out, "LNX_Service.Name=\"sshd.service\"\n"));
  g_assert_nonnull (strstr (list->out, "LNX_Service.Name=\"cron.service\"\n"));
  assert_ok (shallow);
  g_assert_cmpstr (shallow->out, ==, "");

  assert_ok (json);
  root = parse_json (json->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  first = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "class"), ==, "LNX_FileSystem");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (first, "path"), "LNX_FileSystem.Name="));
  properties = json_object_get_object_member (first, "properties");
  g_assert_cmpint (json_object_get_int_member (properties, "FileSystemSize"), >, 0);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (properties, "MountOptions")));

  assert_ok (show);
  g_assert_nonnull (strstr (show->out, "instance of LNX_Service\n"));
  g_assert_nonnull (strstr (show->out, "[Key] Name = \"sshd.service\";"));
  g_assert_nonnull (strstr (show->out, "Started = true;"));
  g_assert_nonnull (strstr (show->out, "Description = NULL;"));

  assert_ok (put);
  g_assert_cmpstr (put->out, ==, "LNX_Service.Name=\"foo.service\"\n");
  assert_failed (dup, "0x80041019");
  assert_ok (update);
  assert_failed (absent, "0x80041002");
  assert_failed (bad_value, "0x80041005");
  g_assert_nonnull (strstr (bad_value->err, "MainPID"));
  assert_failed (bad_property, "0x80041008");
  g_assert_nonnull (strstr (bad_property->err, "Colour"));

  assert_ok (put_shown);
  g_assert_nonnull (strstr (put_shown->out, "MemoryCurrent = 1048576;"));
  g_assert_nonnull (strstr (put_shown->out, "Requires = {\"a.target\", \"b.socket\"};"));
  g_assert_nonnull (strstr (put_shown->out, "MainPID = NULL;"));
  /* A put replaces the instance: what --update-only left out is NULL again */
  assert_ok (shown);
  g_assert_nonnull (strstr (shown->out, "MainPID = 4242;"));
  g_assert_nonnull (strstr (shown->out, "MemoryCurrent = NULL;"));
  assert_ok (del);
  assert_failed (gone, "0x80041002");
  g_assert_cmpint (bad_path->status, ==, 1);
}

/* backup, info, verify, restore */

static char *
file_checksum (const char *path)
{
  g_autoptr (GBytes) bytes = cr_test_read_file (path);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static guint
count_leftovers (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".part-") != NULL)
      n++;
  return n;
}

static void
test_backup_info_verify (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = cr_test_dir_file (f->dir, "backup.cimbak");
  g_autoptr (CrTestRun) run = RUN (f, "backup", backup);
  g_autoptr (CrTestRun) info = RUN (f, "info", backup);
  g_autoptr (CrTestRun) info_json = RUN (f, "info", backup, "--json");
  g_autoptr (CrTestRun) verify = RUN (f, "verify", backup);
  g_autoptr (CrTestRun) verify_json = RUN (f, "verify", "--json", backup);
  g_autoptr (CrTestRun) live = RUN (f, "verify");
  g_autoptr (CrTestRun) live_json = RUN (f, "verify", "--json");
  g_autoptr (CrTestRun) status = RUN (f, "status", "--json");
  g_autoptr (CrTestRun) itself = RUN (f, "backup", f->repository);
  g_autoptr (CrTestRun) missing_info = RUN (f, "info", "missing.cimbak");
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o;

  assert_ok (run);
  /* No progress when stderr is not a terminal */
  g_assert_cmpstr (run->err, ==, "");
  g_assert_nonnull (strstr (run->out, backup));
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_leftovers (f->dir->path), ==, 0);

  assert_ok (info);
  g_assert_nonnull (strstr (info->out, "Format version:"));
  g_assert_nonnull (strstr (info->out, f->repository));
  g_assert_nonnull (strstr (info->out, "crc32c:"));
  g_assert_nonnull (strstr (info->out, "12 instances"));
  g_assert_nonnull (strstr (info->out, g_get_host_name ()));

  assert_ok (info_json);
  root = parse_json (info_json->out);
  o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "format_version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "source_path"), ==, f->repository);
  g_assert_cmpint (json_object_get_int_member (o, "instances"), ==, 12);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "checksum"), "crc32c:"));
  g_assert_nonnull (json_object_get_string_member (o, "created"));
  g_assert_cmpint (json_object_get_int_member (o, "size"), >, 0);
  g_assert_nonnull (json_object_get_string_member (o, "repository_id"));
  g_assert_nonnull (json_object_get_string_member (o, "hostname"));
  g_assert_cmpint (json_object_get_int_member (o, "schema_version"), >, 0);

  assert_ok (verify);
  g_assert_nonnull (strstr (verify->out, "is sound"));
  assert_ok (verify_json);
  g_clear_pointer (&root, json_node_unref);
  root = parse_json (verify_json->out);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (root), "ok"));

  assert_ok (live);
  g_assert_nonnull (strstr (live->out, "is sound"));
  assert_ok (live_json);
  g_clear_pointer (&root, json_node_unref);
  root = parse_json (live_json->out);
  o = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "problems")), ==, 0);

  /* The backup is recorded */
  g_clear_pointer (&root, json_node_unref);
  root = parse_json (status->out);
  g_assert_false (json_object_get_null_member (json_node_get_object (root), "last_backup"));

  assert_failed (itself, "0x80041008");
  g_assert_cmpint (missing_info->status, ==, 1);
  g_assert_true (g_str_has_prefix (missing_info->err, "cimrepoctl: "));
}

static void
test_verify_corrupt (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = cr_test_dir_file (f->dir, "backup.cimbak");
  g_autoptr (CrTestRun) run = RUN (f, "backup", backup);
  g_autoptr (CrTestRun) verify = NULL;
  g_autoptr (CrTestRun) json = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree guint8 *raw = NULL;
  gsize len;

  assert_ok (run);
  bytes = cr_test_read_file (backup);
  raw = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  raw[len - 4096] ^= 0x01;
  g_assert_true (g_file_set_contents (backup, (const char *) raw, (gssize) len, NULL));

  verify = RUN (f, "verify", backup);
  assert_failed (verify, "0x8004A001");
  g_assert_cmpstr (verify->out, ==, "");
  /* A clear message: which file, and what is wrong */
  g_assert_nonnull (strstr (verify->err, backup));
  g_assert_nonnull (strstr (verify->err, "damaged"));

  json = RUN (f, "verify", backup, "--json");
  g_assert_cmpint (json->status, ==, 1);
  root = parse_json (json->out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "ok"));
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (root), "error"));
}

static void
test_restore (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = cr_test_dir_file (f->dir, "backup.cimbak");
  g_autoptr (CrTestRun) run = RUN (f, "backup", backup);
  g_autoptr (CrTestRun) put = RUN (f, "instance", "put", "LNX_Service", "Name=after-backup.service");
  g_autofree char *before = file_checksum (f->repository);
  g_autoptr (CrTestRun) refused = RUN (f, "restore", backup);
  g_autoptr (CrTestRun) no_interactive = RUN (f, "restore", "--no-interactive", backup);
  g_autofree char *after = file_checksum (f->repository);
  g_autoptr (CrTestRun) still = RUN (f, "instance", "show", "LNX_Service.Name=\"after-backup.service\"");
  g_autoptr (CrTestRun) missing = RUN (f, "restore", "--force", "missing.cimbak");
  g_autoptr (CrTestRun) forced = RUN (f, "restore", "--force", backup);
  g_autoptr (CrTestRun) gone = RUN (f, "instance", "show", "LNX_Service.Name=\"after-backup.service\"");
  g_autoptr (CrTestRun) count = RUN (f, "instance", "list", "CIM_Service");

  assert_ok (run);
  assert_ok (put);
  /* Without --force and without a terminal, the repository refuses (R1)
   * and nothing changes */
  assert_failed (refused, "0x80041008");
  g_assert_nonnull (strstr (refused->err, "--force"));
  assert_failed (no_interactive, "0x80041008");
  g_assert_cmpstr (before, ==, after);
  assert_ok (still);

  assert_failed (missing, "0x80041008");
  g_assert_nonnull (strstr (missing->err, "does not exist"));

  assert_ok (forced);
  assert_failed (gone, "0x80041002");
  assert_ok (count);
  g_assert_cmpuint (count_lines (count->out), ==, 7);
}

/* The prompt, on a pseudo-terminal */

typedef struct {
  int status;
  char *terminal;
  char *err;
} TerminalRun;

static void
terminal_run_free (TerminalRun *run)
{
  g_free (run->terminal);
  g_free (run->err);
  g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerminalRun, terminal_run_free)

/* Runs cimrepoctl with stdin and stdout (and with @on_terminal_stderr,
 * stderr) on a pseudo-terminal, typing @input. */
static TerminalRun *
run_on_terminal (Fixture *f, const char *input, gboolean on_terminal_stderr, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GString) terminal = g_string_new (NULL);
  g_autoptr (GBytes) err = NULL;
  TerminalRun *run = g_new0 (TerminalRun, 1);
  int master = -1, slave = -1;
  char buf[4096];

  g_assert_cmpint (openpty (&master, &slave, NULL, NULL, NULL), ==, 0);
  launcher = launcher_new (f, on_terminal_stderr ? G_SUBPROCESS_FLAGS_NONE : G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (slave));
  g_subprocess_launcher_take_stdout_fd (launcher, dup (slave));
  if (on_terminal_stderr)
    g_subprocess_launcher_take_stderr_fd (launcher, dup (slave));
  g_ptr_array_add (argv, (gpointer) cr_test_cimrepoctl ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher); /* closes the child's copies */
  close (slave);

  /* The terminal holds the answer until the program reads it */
  if (input != NULL)
    g_assert_cmpint (write (master, input, strlen (input)), ==, (gssize) strlen (input));
  for (;;)
    {
      gssize n = read (master, buf, sizeof buf);

      if (n > 0)
        g_string_append_len (terminal, buf, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break; /* EIO: the program has closed the terminal */
    }
  close (master);
  if (!on_terminal_stderr)
    {
      g_subprocess_communicate (process, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      run->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
    }
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  run->status = cr_test_exit_status (process);
  run->terminal = g_string_free (g_steal_pointer (&terminal), FALSE);
  if (g_test_verbose ())
    g_printerr ("terminal: %d\n%s\n", run->status, run->terminal);
  return run;
}

static void
test_restore_prompt (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = cr_test_dir_file (f->dir, "backup.cimbak");
  g_autoptr (CrTestRun) run = RUN (f, "backup", backup);
  g_autoptr (CrTestRun) put = RUN (f, "instance", "put", "LNX_Service", "Name=after-backup.service");
  g_autoptr (TerminalRun) no = NULL;
  g_autoptr (TerminalRun) yes = NULL;
  g_autoptr (CrTestRun) kept = NULL;
  g_autoptr (CrTestRun) gone = NULL;

  assert_ok (run);
  assert_ok (put);

  no = run_on_terminal (f, "n\n", FALSE, (const char *const[]){ "restore", backup, NULL });
  g_assert_cmpint (no->status, ==, 1);
  /* It showed the backup and asked */
  g_assert_nonnull (strstr (no->terminal, "crc32c:"));
  g_assert_nonnull (strstr (no->terminal, "12 instances"));
  g_assert_nonnull (strstr (no->terminal, "Restore and disconnect 0 clients? [y/N]"));
  g_assert_nonnull (strstr (no->err, "Nothing was restored"));
  kept = RUN (f, "instance", "show", "LNX_Service.Name=\"after-backup.service\"");
  assert_ok (kept);

  yes = run_on_terminal (f, "y\n", FALSE, (const char *const[]){ "restore", backup, NULL });
  g_assert_cmpint (yes->status, ==, 0);
  g_assert_nonnull (strstr (yes->terminal, "Restored"));
  gone = RUN (f, "instance", "show", "LNX_Service.Name=\"after-backup.service\"");
  assert_failed (gone, "0x80041002");
}

/* Progress on a terminal: percent and bytes, on one line */
static void
test_progress_on_terminal (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = cr_test_dir_file (f->dir, "backup.cimbak");
  g_autoptr (CrTestRun) status = RUN (f, "status");
  g_autoptr (TerminalRun) run = NULL;

  assert_ok (status);
  run = run_on_terminal (f, NULL, TRUE, (const char *const[]){ "backup", backup, NULL });
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->terminal, "\rBacking up 100%"));
  g_assert_nonnull (strstr (run->terminal, "/s  ETA"));
}

/* pause */

/* Starts cimrepoctl in the background, and returns once it said
 * "Paused" on stderr. */
static GSubprocess *
start_paused (Fixture *f, GDataInputStream **out_err, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (gpointer) cr_test_cimrepoctl ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  *out_err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  line = g_data_input_stream_read_line_utf8 (*out_err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Paused "));
  return process;
}

static char *
read_rest (GDataInputStream *stream)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) rest = g_string_new (NULL);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        break;
      g_string_append_printf (rest, "%s\n", line);
    }
  return g_string_free (g_steal_pointer (&rest), FALSE);
}

static void
assert_not_paused (Fixture *f)
{
  g_autoptr (CrTestRun) status = RUN (f, "status", "--json");
  g_autoptr (JsonNode) root = NULL;

  assert_ok (status);
  root = parse_json (status->out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "paused"));
}

static void
test_pause_command (Fixture *f, gconstpointer data)
{
  g_autofree char *marker = cr_test_dir_file (f->dir, "marker");
  g_autofree char *copy = cr_test_dir_file (f->dir, "copy.db");
  g_autoptr (CrTestRun) create = RUN (f, "status");
  /* While paused the file alone is a complete, consistent copy (P1): cp
   * takes it, it does not change, and the copy opens as a repository. */
  g_autoptr (CrTestRun) paused = RUN (f, "pause", "--",
                                      "sh", "-c", "cp \"$REPO\" \"$TEST_DIR/copy.db\" && sleep 0.2 && "
                                                  "cmp \"$REPO\" \"$TEST_DIR/copy.db\" && echo ran > \"$TEST_DIR/marker\"");
  g_autoptr (CrTestRun) copied = NULL;
  g_autoptr (CrTestRun) failing = NULL;

  assert_ok (create);
  assert_ok (paused);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_assert_true (g_str_has_prefix (paused->err, "Paused "));
  g_assert_nonnull (strstr (paused->err, "Resumed "));
  copied = RUN (f, "--repository", copy, "instance", "list", "CIM_Service");
  assert_ok (copied);
  g_assert_cmpuint (count_lines (copied->out), ==, 7);
  assert_not_paused (f);

  /* A failing command: resumed all the same, and its status passed on */
  failing = RUN (f, "pause", "--timeout", "600", "--", "sh", "-c", "exit 3");
  g_assert_cmpint (failing->status, ==, 3);
  g_assert_nonnull (strstr (failing->err, "Resumed "));
  assert_not_paused (f);
}

static void
test_pause_command_terminated (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestRun) create = RUN (f, "status");
  g_autoptr (GDataInputStream) err = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *rest = NULL;

  assert_ok (create);
  process = start_paused (f, &err, (const char *const[]){ "pause", "--", "sleep", "600", NULL });
  /* SIGTERM to cimrepoctl reaches the command, then the pause ends */
  g_subprocess_send_signal (process, SIGTERM);
  rest = read_rest (err);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cr_test_exit_status (process), ==, 128 + SIGTERM);
  g_assert_nonnull (strstr (rest, "Resumed "));
  assert_not_paused (f);
}

static void
test_pause_held (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestRun) create = RUN (f, "status");
  g_autoptr (GDataInputStream) err = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (CrTestRun) second = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *rest = NULL;

  assert_ok (create);
  process = start_paused (f, &err, (const char *const[]){ "pause", NULL });

  /* A second process gets a clear error that names the holder */
  second = RUN (f, "status");
  assert_failed (second, "0x8004A003");
  holder = g_strdup_printf ("pid %s", g_subprocess_get_identifier (process));
  g_assert_nonnull (strstr (second->err, holder));
  g_assert_nonnull (strstr (second->err, "cimrepoctl"));

  g_subprocess_send_signal (process, SIGINT);
  rest = read_rest (err);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cr_test_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (rest, "Resumed "));
  assert_not_paused (f);
}

static void
test_pause_auto_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) create = RUN (f, "status");
  g_autoptr (CrTestRun) run = RUN (f, "pause", "--timeout", "1");

  assert_ok (create);
  assert_ok (run);
  g_assert_nonnull (strstr (run->err, "ended by itself"));
  g_assert_null (strstr (run->err, "Resumed"));
}

static void
test_resume_not_paused (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestRun) run = RUN (f, "resume");

  assert_failed (run, "0x80041016");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/cimrepo/cli/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("version", test_version);
  ADD ("help", test_help);
  ADD ("usage-errors", test_usage_errors);
  ADD ("status", test_status);
  ADD ("missing-repository", test_missing_repository);
  ADD ("namespaces", test_namespaces);
  ADD ("classes", test_classes);
  ADD ("instances", test_instances);
  ADD ("backup-info-verify", test_backup_info_verify);
  ADD ("verify-corrupt", test_verify_corrupt);
  ADD ("restore", test_restore);
  ADD ("restore-prompt", test_restore_prompt);
  ADD ("progress-on-terminal", test_progress_on_terminal);
  ADD ("pause-command", test_pause_command);
  ADD ("pause-command-terminated", test_pause_command_terminated);
  ADD ("pause-held", test_pause_held);
  ADD ("pause-auto-resume", test_pause_auto_resume);
  ADD ("resume-not-paused", test_resume_not_paused);
  return g_test_run ();
}
