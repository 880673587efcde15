/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepoctl"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "cr-cli.h"

/*
 * cimrepoctl: the command line over CrClient. Every command but pause
 * runs synchronously with the client's _sync calls; pause runs a main
 * loop (cr-cli-pause.c).
 */

typedef int (*CommandFunc) (CrCli *cli, int argc, char **argv);

typedef struct {
  const char *name;       /* one or two words: "status", "class list" */
  const char *parameters; /* for the usage line */
  const char *summary;
  CommandFunc func;
} Command;

static char *option_namespace = NULL;

static const GOptionEntry global_entries[] = {
  { "repository", 'r', 0, G_OPTION_ARG_FILENAME, NULL, N_("Use the repository file PATH instead of the default one"), N_("PATH") },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print JSON (status, info, verify and the list commands)"), NULL },
  { "no-interactive", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Never ask a question"), NULL },
  { NULL }
};

/* Options and argument checks */

int
cr_cli_usage_error (CrCli *cli, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("cimrepoctl: %s\n", message);
  if (cli->command != NULL)
    g_printerr (_("Try “cimrepoctl %s --help” for more information.\n"), cli->command);
  else
    g_printerr (_("Try “cimrepoctl --help” for more information.\n"));
  return CR_CLI_EXIT_USAGE;
}

static void
fill_global_entries (CrCli *cli, GOptionEntry *entries)
{
  memcpy (entries, global_entries, sizeof global_entries);
  entries[0].arg_data = &cli->repository;
  entries[1].arg_data = &cli->json;
  entries[2].arg_data = &cli->no_interactive;
}

/* Parses a command's options; the global ones are accepted there too.
 * Leaves the positional arguments in @argv, after argv[0]. A "--" ends
 * the options and stays in @argv. On a usage error, returns FALSE with
 * the exit status in @out_status. */
gboolean
cr_cli_parse (CrCli *cli, int *argc, char ***argv, const GOptionEntry *entries, const char *parameters,
              const char *summary, int *out_status)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *usage = g_strdup_printf ("%s%s%s", cli->command, parameters != NULL ? " " : "",
                                            parameters != NULL ? parameters : "");
  GOptionEntry globals[G_N_ELEMENTS (global_entries)];

  fill_global_entries (cli, globals);
  context = g_option_context_new (usage);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, globals, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *out_status = cr_cli_usage_error (cli, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* The positional arguments of a command; "--" dropped. */
static GPtrArray *
positional_args (int argc, char **argv)
{
  GPtrArray *args = g_ptr_array_new ();

  for (int i = 1; i < argc; i++)
    if (!g_str_equal (argv[i], "--"))
      g_ptr_array_add (args, argv[i]);
  return args;
}

static gboolean
check_arg_count (CrCli *cli, GPtrArray *args, guint min, guint max, int *out_status)
{
  if (args->len < min)
    {
      *out_status = cr_cli_usage_error (cli, _("Missing argument"));
      return FALSE;
    }
  if (args->len > max)
    {
      *out_status = cr_cli_usage_error (cli, _("Unexpected argument “%s”"), (const char *) args->pdata[max]);
      return FALSE;
    }
  return TRUE;
}

CrClient *
cr_cli_open (CrCli *cli, GError **error)
{
  if (cli->client == NULL)
    cli->client = cr_client_new_local_sync (cli->repository, NULL, error);
  return cli->client;
}

static const char *
namespace_or_default (void)
{
  return option_namespace != NULL ? option_namespace : CR_CLI_DEFAULT_NAMESPACE;
}

static GOptionEntry namespace_entry = {
  "namespace", 'n', 0, G_OPTION_ARG_STRING, &option_namespace,
  N_("Work in the namespace NS (default: root/cimv2)"), N_("NS")
};

/* status */

static void
add_state_lines (CrClient *client)
{
  g_autofree char *paused = NULL;

  cr_cli_print_field (_("Backup in progress"), cr_client_get_backup_in_progress (client) ? _("yes") : _("no"));
  cr_cli_print_field (_("Restore in progress"), cr_client_get_restore_in_progress (client) ? _("yes") : _("no"));
  if (cr_client_get_paused (client))
    {
      g_autofree char *since = cr_cli_format_time (cr_client_get_paused_since (client));
      g_autofree char *until = cr_cli_format_time (cr_client_get_auto_resume_at (client));

      /* Translators: who paused, since when, when it resumes by itself */
      paused = g_strdup_printf (_("yes, by %s since %s; resumes by itself at %s"),
                                cr_client_get_paused_by (client), since, until);
    }
  cr_cli_print_field (_("Paused"), paused != NULL ? paused : _("no"));
}

static void
print_connections (GPtrArray *connections)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_print ("\n");
  if (connections->len == 0)
    {
      g_print ("%s\n", _("No client is connected."));
      return;
    }
  g_print ("%s\n", _("Connections:"));
  g_ptr_array_add (rows, g_strdupv ((char *[]) { _("CLIENT"), _("PID"), _("USER"), _("NAMESPACE"),
                                                 _("CONNECTED SINCE"), NULL }));
  for (guint i = 0; i < connections->len; i++)
    {
      CrConnectionInfo *info = g_ptr_array_index (connections, i);
      char **row = g_new0 (char *, 6);

      row[0] = g_strdup (info->client_name);
      row[1] = info->pid >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, info->pid) : g_strdup ("?");
      row[2] = cr_cli_user_name (info->uid);
      row[3] = g_strdup (info->namespace_);
      row[4] = cr_cli_format_time (info->connected_at);
      g_ptr_array_add (rows, row);
    }
  cr_cli_print_table (rows, 5);
}

static void
status_json (CrClient *client, CrRepositorySummary *summary, GPtrArray *connections)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "location");
  json_builder_add_string_value (b, summary->location);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, summary->id);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) summary->size);
  json_builder_set_member_name (b, "schema_version");
  json_builder_add_int_value (b, summary->schema_version);
  json_builder_set_member_name (b, "namespaces");
  json_builder_add_int_value (b, (gint64) summary->namespace_count);
  json_builder_set_member_name (b, "classes");
  json_builder_add_int_value (b, (gint64) summary->class_count);
  json_builder_set_member_name (b, "instances");
  json_builder_add_int_value (b, (gint64) summary->instance_count);
  json_builder_set_member_name (b, "last_backup");
  json_builder_add_value (b, cr_cli_json_time (summary->last_backup_time));
  json_builder_set_member_name (b, "backup_in_progress");
  json_builder_add_boolean_value (b, cr_client_get_backup_in_progress (client));
  json_builder_set_member_name (b, "restore_in_progress");
  json_builder_add_boolean_value (b, cr_client_get_restore_in_progress (client));
  json_builder_set_member_name (b, "paused");
  json_builder_add_boolean_value (b, cr_client_get_paused (client));
  json_builder_set_member_name (b, "paused_by");
  if (cr_client_get_paused_by (client) != NULL)
    json_builder_add_string_value (b, cr_client_get_paused_by (client));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "paused_since");
  json_builder_add_value (b, cr_cli_json_time (cr_client_get_paused_since (client)));
  json_builder_set_member_name (b, "auto_resume_at");
  json_builder_add_value (b, cr_cli_json_time (cr_client_get_auto_resume_at (client)));
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  for (guint i = 0; i < connections->len; i++)
    {
      CrConnectionInfo *info = g_ptr_array_index (connections, i);
      g_autofree char *user = cr_cli_user_name (info->uid);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, info->id);
      json_builder_set_member_name (b, "client");
      json_builder_add_string_value (b, info->client_name);
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, info->pid);
      json_builder_set_member_name (b, "uid");
      json_builder_add_int_value (b, info->uid);
      json_builder_set_member_name (b, "user");
      json_builder_add_string_value (b, user);
      json_builder_set_member_name (b, "process");
      json_builder_add_string_value (b, info->process_name);
      json_builder_set_member_name (b, "namespace");
      json_builder_add_string_value (b, info->namespace_);
      json_builder_set_member_name (b, "connected_at");
      json_builder_add_value (b, cr_cli_json_time (info->connected_at));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cr_cli_json_print (b);
}

static int
cmd_status (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrRepositorySummary) summary = NULL;
  g_autoptr (GPtrArray) connections = NULL;
  g_autofree char *size = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *last_backup = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, NULL, _("Show the repository, its state and its connections."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 0, 0, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  summary = cr_client_get_summary_sync (client, NULL, &error);
  if (summary == NULL)
    return cr_cli_fail (error);
  connections = cr_client_list_connections_sync (client, NULL, &error);
  if (connections == NULL)
    return cr_cli_fail (error);

  if (cli->json)
    {
      status_json (client, summary, connections);
      return CR_CLI_EXIT_OK;
    }

  size = g_format_size_full (summary->size, G_FORMAT_SIZE_LONG_FORMAT);
  schema = g_strdup_printf ("%u", summary->schema_version);
  counts = cr_cli_format_counts (summary->namespace_count, summary->class_count, summary->instance_count);
  last_backup = cr_cli_format_time (summary->last_backup_time);
  cr_cli_print_field (_("Repository"), summary->location);
  cr_cli_print_field (_("Id"), summary->id);
  cr_cli_print_field (_("Size"), size);
  cr_cli_print_field (_("Schema version"), schema);
  cr_cli_print_field (_("Contents"), counts);
  cr_cli_print_field (_("Last backup"), last_backup);
  add_state_lines (client);
  print_connections (connections);
  return CR_CLI_EXIT_OK;
}

/* backup FILE */

static int
cmd_backup (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GFile) target = NULL;
  g_autoptr (CrCliProgress) progress = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autofree char *path = NULL;
  g_autofree char *size = NULL;
  CrClient *client;
  gboolean ok;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("FILE"),
                     _("Write a consistent backup of the repository to FILE while clients go on working.\n"
                       "FILE is replaced only by a complete backup."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  target = g_file_new_for_commandline_arg (args->pdata[0]);
  progress = cr_cli_progress_new (_("Backing up"));
  ok = cr_client_backup_sync (client, target, cr_cli_progress_cb, progress, NULL, &error);
  g_clear_pointer (&progress, cr_cli_progress_free);
  if (!ok)
    return cr_cli_fail (error);

  path = g_file_get_path (target);
  info = cr_backup_file_inspect (path, NULL);
  if (info != NULL)
    {
      size = g_format_size (cr_backup_info_get_file_size (info));
      /* Translators: file, its size, its checksum */
      g_print (_("Backup written to %s (%s, %s)\n"), path, size, cr_backup_info_get_checksum (info));
    }
  else
    g_print (_("Backup written to %s\n"), path);
  return CR_CLI_EXIT_OK;
}

/* restore FILE [--force] */

/* On a terminal: shows what the restore replaces and whom it disconnects,
 * and asks. */
static gboolean
confirm_restore (CrClient *client, const char *path, gboolean *out_confirmed, GError **error)
{
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GPtrArray) connections = NULL;
  char answer[64] = "";

  info = cr_backup_file_inspect (path, error);
  if (info == NULL)
    return FALSE;
  connections = cr_client_list_connections_sync (client, NULL, error);
  if (connections == NULL)
    return FALSE;

  g_print (_("The repository %s will be replaced by this backup:\n\n"), cr_client_get_location (client));
  cr_cli_print_backup_info (path, info);
  if (connections->len > 0)
    {
      g_print ("\n%s", _("These clients will be disconnected:"));
      print_connections (connections);
    }
  g_print ("\n");
  /* Translators: answering "y" confirms; anything else refuses */
  g_print (ngettext ("Restore and disconnect %u client? [y/N] ", "Restore and disconnect %u clients? [y/N] ",
                     connections->len),
           connections->len);
  fflush (stdout);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    answer[0] = '\0';
  g_strstrip (answer);
  *out_confirmed = g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0 ||
                   g_ascii_strcasecmp (answer, _("y")) == 0 || g_ascii_strcasecmp (answer, _("yes")) == 0;
  return TRUE;
}

static int
cmd_restore (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GFile) source = NULL;
  g_autoptr (CrCliProgress) progress = NULL;
  g_autofree char *path = NULL;
  gboolean force = FALSE;
  CrRestoreFlags flags = CR_RESTORE_FLAGS_NONE;
  CrClient *client;
  gboolean ok;
  int status;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Restore without asking, and disconnect every client"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("FILE"),
                     _("Replace the repository's content with the backup FILE.\n"
                       "The backup is verified completely first. Every client is disconnected. Without --force,\n"
                       "cimrepoctl asks on a terminal, and refuses otherwise."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  source = g_file_new_for_commandline_arg (args->pdata[0]);
  path = g_file_get_path (source);

  if (force)
    flags |= CR_RESTORE_FLAGS_FORCE_SHUTDOWN;
  else if (!cli->no_interactive && isatty (STDIN_FILENO) && isatty (STDOUT_FILENO) && path != NULL &&
           g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gboolean confirmed = FALSE;

      if (!confirm_restore (client, path, &confirmed, &error))
        return cr_cli_fail (error);
      if (!confirmed)
        {
          g_printerr (_("Nothing was restored.\n"));
          return CR_CLI_EXIT_FAILED;
        }
      flags |= CR_RESTORE_FLAGS_FORCE_SHUTDOWN;
    }
  /* Without the flag, the repository itself refuses (R1). */

  progress = cr_cli_progress_new (_("Restoring"));
  ok = cr_client_restore_sync (client, source, flags, cr_cli_progress_cb, progress, NULL, &error);
  g_clear_pointer (&progress, cr_cli_progress_free);
  if (!ok)
    {
      status = cr_cli_fail (error);
      if (!(flags & CR_RESTORE_FLAGS_FORCE_SHUTDOWN) && g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER))
        g_printerr (_("Give --force to restore without being asked.\n"));
      return status;
    }
  g_print (_("Restored %s from %s\n"), cr_client_get_location (client), path);
  return CR_CLI_EXIT_OK;
}

/* verify [FILE] */

static int
verify_repository (CrCli *cli, CrClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrCliProgress) progress = cr_cli_progress_new (_("Verifying"));
  g_auto (GStrv) problems = NULL;
  gboolean ok;

  ok = cr_client_verify_repository_sync (client, cr_cli_progress_cb, progress, &problems, NULL, &error);
  g_clear_pointer (&progress, cr_cli_progress_free);
  if (!ok && !g_error_matches (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT))
    return cr_cli_fail (error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "target");
      json_builder_add_string_value (b, cr_client_get_location (client));
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, ok);
      json_builder_set_member_name (b, "problems");
      json_builder_begin_array (b);
      for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
        json_builder_add_string_value (b, problems[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      cr_cli_json_print (b);
    }
  else if (ok)
    g_print (_("The repository %s is sound.\n"), cr_client_get_location (client));
  else
    for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
      g_print ("%s\n", problems[i]);
  return ok ? CR_CLI_EXIT_OK : cr_cli_fail (error);
}

static int
verify_backup (CrCli *cli, CrClient *client, const char *file)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) source = g_file_new_for_commandline_arg (file);
  g_autoptr (CrCliProgress) progress = cr_cli_progress_new (_("Verifying"));
  g_autoptr (CrBackupInfo) info = NULL;
  g_autofree char *path = g_file_get_path (source);

  info = cr_client_verify_backup_sync (client, source, cr_cli_progress_cb, progress, NULL, &error);
  g_clear_pointer (&progress, cr_cli_progress_free);
  /* Say which file is bad; the engine's message describes only the damage */
  if (g_error_matches (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP) ||
      g_error_matches (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION))
    g_prefix_error (&error, "%s: ", path != NULL ? path : file);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "target");
      json_builder_add_string_value (b, path != NULL ? path : file);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, info != NULL);
      if (info != NULL)
        cr_cli_json_add_backup_info (b, info);
      else
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, error->message);
        }
      json_builder_end_object (b);
      cr_cli_json_print (b);
    }
  if (info == NULL)
    return cr_cli_fail (error);
  if (!cli->json)
    {
      g_print (_("The backup %s is sound: every checksum and the database inside it are correct.\n\n"),
               path != NULL ? path : file);
      cr_cli_print_backup_info (path != NULL ? path : file, info);
    }
  return CR_CLI_EXIT_OK;
}

static int
cmd_verify (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("[FILE]"),
                     _("Verify the live repository (SQLite integrity and the CIM model), or, given FILE,\n"
                       "a backup file completely, offline: every checksum and the database inside it."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 0, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  if (args->len == 0)
    return verify_repository (cli, client);
  return verify_backup (cli, client, args->pdata[0]);
}

/* info FILE */

static int
cmd_info (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autofree char *path = NULL;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("FILE"),
                     _("Show what a backup file says about itself, without verifying its content."), &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  /* A backup file describes itself: no repository is needed. */
  file = g_file_new_for_commandline_arg (args->pdata[0]);
  path = g_file_get_path (file);
  info = cr_backup_file_inspect (path != NULL ? path : args->pdata[0], &error);
  if (info == NULL)
    return cr_cli_fail (error);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, path);
      cr_cli_json_add_backup_info (b, info);
      json_builder_end_object (b);
      cr_cli_json_print (b);
    }
  else
    cr_cli_print_backup_info (path, info);
  return CR_CLI_EXIT_OK;
}

/* resume */

static int
cmd_resume (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, NULL,
                     _("End the pause that this client holds. In local mode a pause lasts only as long as\n"
                       "the “cimrepoctl pause” that made it: end that one instead."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 0, 0, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL || !cr_client_resume_sync (client, NULL, &error))
    return cr_cli_fail (error);
  g_print (_("Resumed.\n"));
  return CR_CLI_EXIT_OK;
}

/* namespace list|create|delete */

static int
cmd_namespace_list (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_auto (GStrv) namespaces = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("[PARENT]"),
                     _("List every namespace, or those below PARENT."), &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 0, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  namespaces = cr_client_list_namespaces_sync (client, args->len > 0 ? args->pdata[0] : NULL, TRUE, NULL, &error);
  if (namespaces == NULL)
    return cr_cli_fail (error);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; namespaces[i] != NULL; i++)
        json_builder_add_string_value (b, namespaces[i]);
      json_builder_end_array (b);
      cr_cli_json_print (b);
    }
  else
    for (guint i = 0; namespaces[i] != NULL; i++)
      g_print ("%s\n", namespaces[i]);
  return CR_CLI_EXIT_OK;
}

static int
cmd_namespace_create (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  gboolean parents = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    { "parents", 'p', 0, G_OPTION_ARG_NONE, &parents, N_("Create missing parent namespaces too"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("NAMESPACE"), _("Create a namespace, such as root/myapp."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL ||
      !cr_client_create_namespace_sync (client, args->pdata[0],
                                        parents ? CR_NAMESPACE_FLAGS_CREATE_PARENTS : CR_NAMESPACE_FLAGS_NONE, NULL,
                                        &error))
    return cr_cli_fail (error);
  return CR_CLI_EXIT_OK;
}

static int
cmd_namespace_delete (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  CrClient *client;
  int status;

  if (!cr_cli_parse (cli, &argc, &argv, NULL, _("NAMESPACE"),
                     _("Delete a namespace with everything in it, its child namespaces too."), &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL || !cr_client_delete_namespace_sync (client, args->pdata[0], NULL, &error))
    return cr_cli_fail (error);
  return CR_CLI_EXIT_OK;
}

/* class list|show */

static const char *
class_kind (CrClass *klass)
{
  if (cr_class_is_association (klass))
    return cr_class_is_abstract (klass) ? _("abstract association") : _("association");
  return cr_class_is_abstract (klass) ? _("abstract") : "";
}

static int
cmd_class_list (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GPtrArray) classes = NULL;
  gboolean deep = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    namespace_entry,
    { "deep", 'd', 0, G_OPTION_ARG_NONE, &deep, N_("List every descendant, not only the direct subclasses"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("[SUPERCLASS]"),
                     _("List the classes derived from SUPERCLASS, or the classes without a superclass."), &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 0, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  classes = cr_client_enumerate_classes_sync (client, namespace_or_default (), args->len > 0 ? args->pdata[0] : NULL,
                                              deep, NULL, &error);
  if (classes == NULL)
    return cr_cli_fail (error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < classes->len; i++)
        {
          CrClass *klass = g_ptr_array_index (classes, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, cr_class_get_name (klass));
          json_builder_set_member_name (b, "superclass");
          json_builder_add_string_value (b, cr_class_get_superclass (klass));
          json_builder_set_member_name (b, "abstract");
          json_builder_add_boolean_value (b, cr_class_is_abstract (klass));
          json_builder_set_member_name (b, "association");
          json_builder_add_boolean_value (b, cr_class_is_association (klass));
          json_builder_set_member_name (b, "properties");
          json_builder_add_int_value (b, cr_class_get_properties (klass)->len);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      cr_cli_json_print (b);
    }
  else if (classes->len > 0)
    {
      g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

      g_ptr_array_add (rows, g_strdupv ((char *[]) { _("CLASS"), _("SUPERCLASS"), _("KIND"), NULL }));
      for (guint i = 0; i < classes->len; i++)
        {
          CrClass *klass = g_ptr_array_index (classes, i);
          const char *super = cr_class_get_superclass (klass);

          g_ptr_array_add (rows, g_strdupv ((char *[]) { (char *) cr_class_get_name (klass),
                                                         (char *) (super != NULL && *super != '\0' ? super : "-"),
                                                         (char *) class_kind (klass), NULL }));
        }
      cr_cli_print_table (rows, 3);
    }
  return CR_CLI_EXIT_OK;
}

/* Qualifiers in MOF: [Key, MaxLen (256)]; Description goes apart. */
static char *
format_qualifiers (GPtrArray *qualifiers, gboolean skip_propagated)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    {
      CrQualifier *q = g_ptr_array_index (qualifiers, i);

      if (g_ascii_strcasecmp (q->name, "Description") == 0)
        continue;
      if (skip_propagated && (q->flavor & CR_FLAVOR_PROPAGATED))
        continue;
      g_string_append (out, out->len > 0 ? ", " : "[");
      g_string_append (out, q->name);
      if (q->value != NULL && !(g_variant_is_of_type (q->value, G_VARIANT_TYPE_BOOLEAN) &&
                                g_variant_get_boolean (q->value)))
        {
          g_autofree char *value = cr_cli_format_value (q->value);
          gboolean array = g_variant_is_container (q->value);

          g_string_append_printf (out, array ? " %s" : " (%s)", value);
        }
    }
  if (out->len > 0)
    g_string_append (out, "]");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
print_description (GPtrArray *qualifiers, const char *indent)
{
  CrQualifier *q = cr_qualifiers_find (qualifiers, "Description");

  if (q != NULL && q->value != NULL && g_variant_is_of_type (q->value, G_VARIANT_TYPE_STRING))
    g_print ("%s// %s\n", indent, g_variant_get_string (q->value, NULL));
}

static void
print_property (CrProperty *p)
{
  g_autofree char *qualifiers = format_qualifiers (p->qualifiers, FALSE);
  g_autofree char *type = NULL;
  g_autofree char *default_value = NULL;
  CrCimType element = CR_CIM_TYPE_ELEMENT (p->type);

  if (element == CR_CIM_TYPE_REFERENCE)
    type = g_strdup_printf ("%s REF", p->reference_class != NULL ? p->reference_class : "object");
  else
    type = g_strdup (cr_cim_type_to_string (element));
  if (p->default_value != NULL)
    {
      g_autofree char *value = cr_cim_value_to_string (p->type, p->default_value);
      default_value = g_strdup_printf (" = %s", value);
    }

  print_description (p->qualifiers, "    ");
  if (*qualifiers != '\0')
    g_print ("    %s\n", qualifiers);
  g_print ("    %s %s%s%s;%s\n", type, p->name, CR_CIM_TYPE_IS_ARRAY (p->type) ? "[]" : "",
           default_value != NULL ? default_value : "",
           /* Translators: marks a property or method that a class inherits */
           (p->flags & CR_ELEMENT_PROPAGATED) ? _("  // inherited") : "");
}

static void
print_method (CrMethod *m)
{
  g_autofree char *qualifiers = format_qualifiers (m->qualifiers, FALSE);
  g_autoptr (GString) params = g_string_new (NULL);

  for (guint i = 0; i < m->parameters->len; i++)
    {
      CrParameter *param = g_ptr_array_index (m->parameters, i);

      g_string_append_printf (params, "%s%s %s%s", i > 0 ? ", " : "", cr_cim_type_to_string (CR_CIM_TYPE_ELEMENT (param->type)),
                              param->name, CR_CIM_TYPE_IS_ARRAY (param->type) ? "[]" : "");
    }
  print_description (m->qualifiers, "    ");
  if (*qualifiers != '\0')
    g_print ("    %s\n", qualifiers);
  g_print ("    %s %s(%s);%s\n",
           m->return_type == CR_CIM_TYPE_INVALID ? "void" : cr_cim_type_to_string (m->return_type), m->name,
           params->str, (m->flags & CR_ELEMENT_PROPAGATED) ? _("  // inherited") : "");
}

static int
cmd_class_show (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrClass) klass = NULL;
  g_autofree char *qualifiers = NULL;
  GPtrArray *properties, *methods;
  const char *super;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = { namespace_entry, { NULL } };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("CLASS"),
                     _("Show a class in MOF: its qualifiers, its properties with their types, keys and defaults,\n"
                       "and its methods. Inherited ones are marked."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  klass = cr_client_get_class_sync (client, namespace_or_default (), args->pdata[0], NULL, &error);
  if (klass == NULL)
    return cr_cli_fail (error);

  g_print ("// %s:%s\n", namespace_or_default (), cr_class_get_name (klass));
  print_description (cr_class_get_qualifiers (klass), "");
  qualifiers = format_qualifiers (cr_class_get_qualifiers (klass), TRUE);
  if (*qualifiers != '\0')
    g_print ("%s\n", qualifiers);
  super = cr_class_get_superclass (klass);
  if (super != NULL && *super != '\0')
    g_print ("class %s : %s\n{\n", cr_class_get_name (klass), super);
  else
    g_print ("class %s\n{\n", cr_class_get_name (klass));
  properties = cr_class_get_properties (klass);
  for (guint i = 0; i < properties->len; i++)
    print_property (g_ptr_array_index (properties, i));
  methods = cr_class_get_methods (klass);
  for (guint i = 0; i < methods->len; i++)
    {
      if (i == 0 && properties->len > 0)
        g_print ("\n");
      print_method (g_ptr_array_index (methods, i));
    }
  g_print ("};\n");
  return CR_CLI_EXIT_OK;
}

/* instance list|show|put|delete */

static void
json_add_instance (JsonBuilder *b, CrInstance *instance)
{
  g_autoptr (GPtrArray) names = cr_instance_get_property_names (instance);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, cr_instance_get_path (instance));
  json_builder_set_member_name (b, "class");
  json_builder_add_string_value (b, cr_instance_get_class_name (instance));
  json_builder_set_member_name (b, "properties");
  json_builder_begin_object (b);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GVariant *value = cr_instance_get_property (instance, name);

      json_builder_set_member_name (b, name);
      json_builder_add_value (b, value != NULL ? json_gvariant_serialize (value) : json_node_new (JSON_NODE_NULL));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static int
cmd_instance_list (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (GPtrArray) instances = NULL;
  gboolean shallow = FALSE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    namespace_entry,
    { "shallow", 's', 0, G_OPTION_ARG_NONE, &shallow, N_("Leave out the instances of subclasses"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("CLASS"),
                     _("List the instances of CLASS and of its subclasses, by object path."), &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  instances = cr_client_enumerate_instances_sync (client, namespace_or_default (), args->pdata[0], !shallow, NULL,
                                                  &error);
  if (instances == NULL)
    return cr_cli_fail (error);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < instances->len; i++)
        json_add_instance (b, g_ptr_array_index (instances, i));
      json_builder_end_array (b);
      cr_cli_json_print (b);
    }
  else
    for (guint i = 0; i < instances->len; i++)
      g_print ("%s\n", cr_instance_get_path (g_ptr_array_index (instances, i)));
  return CR_CLI_EXIT_OK;
}

static int
cmd_instance_show (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrInstance) instance = NULL;
  g_autoptr (CrClass) klass = NULL;
  GPtrArray *properties;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = { namespace_entry, { NULL } };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("PATH"),
                     _("Show an instance in MOF, every property of its class with its value.\n"
                       "PATH is an object path such as LNX_Service.Name=\"sshd.service\"."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  instance = cr_client_get_instance_sync (client, namespace_or_default (), args->pdata[0], NULL, &error);
  if (instance == NULL)
    return cr_cli_fail (error);
  klass = cr_client_get_class_sync (client, namespace_or_default (), cr_instance_get_class_name (instance), NULL,
                                    &error);
  if (klass == NULL)
    return cr_cli_fail (error);

  g_print ("// %s:%s\n", namespace_or_default (), cr_instance_get_path (instance));
  g_print ("instance of %s\n{\n", cr_instance_get_class_name (instance));
  properties = cr_class_get_properties (klass);
  for (guint i = 0; i < properties->len; i++)
    {
      CrProperty *p = g_ptr_array_index (properties, i);
      g_autofree char *value = cr_cim_value_to_string (p->type, cr_instance_get_property (instance, p->name));

      g_print ("    %s%s = %s;\n", cr_property_is_key (p) ? "[Key] " : "", p->name, value);
    }
  g_print ("};\n");
  return CR_CLI_EXIT_OK;
}

static int
cmd_instance_put (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  g_autoptr (CrClass) klass = NULL;
  g_autoptr (CrInstance) instance = NULL;
  g_autofree char *path = NULL;
  gboolean create_only = FALSE, update_only = FALSE;
  CrPutFlags flags = CR_PUT_FLAGS_NONE;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = {
    namespace_entry,
    { "create-only", 0, 0, G_OPTION_ARG_NONE, &create_only, N_("Fail if the instance exists"), NULL },
    { "update-only", 0, 0, G_OPTION_ARG_NONE, &update_only, N_("Fail if the instance does not exist"), NULL },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("CLASS PROPERTY=VALUE…"),
                     _("Create or update an instance of CLASS. Each value is read as its property's type:\n"
                       "numbers, true or false, text as it is, datetimes as DMTF datetimes, arrays as {a, b}.\n"
                       "Properties left out take the class's default."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, G_MAXUINT, &status))
    return status;
  if (create_only && update_only)
    return cr_cli_usage_error (cli, _("--create-only and --update-only exclude each other"));
  for (guint i = 1; i < args->len; i++)
    if (strchr (args->pdata[i], '=') == NULL)
      return cr_cli_usage_error (cli, _("“%s” is not PROPERTY=VALUE"), (const char *) args->pdata[i]);
  if (create_only)
    flags = CR_PUT_FLAGS_CREATE_ONLY;
  if (update_only)
    flags = CR_PUT_FLAGS_UPDATE_ONLY;

  client = cr_cli_open (cli, &error);
  if (client == NULL)
    return cr_cli_fail (error);
  klass = cr_client_get_class_sync (client, namespace_or_default (), args->pdata[0], NULL, &error);
  if (klass == NULL)
    return cr_cli_fail (error);

  instance = cr_instance_new (cr_class_get_name (klass));
  for (guint i = 1; i < args->len; i++)
    {
      g_auto (GStrv) pair = g_strsplit (args->pdata[i], "=", 2);
      CrProperty *p = cr_class_find_property (klass, pair[0]);
      g_autoptr (GVariant) value = NULL;

      if (p == NULL)
        {
          g_set_error (&error, CR_ERROR, CR_ERROR_INVALID_PARAMETER, _("The class %s has no property “%s”"),
                       cr_class_get_name (klass), pair[0]);
          return cr_cli_fail (error);
        }
      value = cr_cim_value_parse (p->type, pair[1], &error);
      if (value == NULL)
        {
          g_prefix_error (&error, "%s: ", p->name);
          return cr_cli_fail (error);
        }
      cr_instance_set_property (instance, p->name, value);
    }
  path = cr_client_put_instance_sync (client, namespace_or_default (), instance, flags, NULL, &error);
  if (path == NULL)
    return cr_cli_fail (error);
  g_print ("%s\n", path);
  return CR_CLI_EXIT_OK;
}

static int
cmd_instance_delete (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = NULL;
  CrClient *client;
  int status;
  const GOptionEntry entries[] = { namespace_entry, { NULL } };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("PATH"), _("Delete the instance at the object path PATH."),
                     &status))
    return status;
  args = positional_args (argc, argv);
  if (!check_arg_count (cli, args, 1, 1, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL || !cr_client_delete_instance_sync (client, namespace_or_default (), args->pdata[0], NULL, &error))
    return cr_cli_fail (error);
  return CR_CLI_EXIT_OK;
}

/* The commands */

static const Command commands[] = {
  { "status", "", N_("Show the repository, its state and its connections"), cmd_status },
  { "backup", "FILE", N_("Write a backup of the repository to FILE"), cmd_backup },
  { "restore", "FILE [--force]", N_("Replace the repository's content with a backup"), cmd_restore },
  { "verify", "[FILE]", N_("Verify the repository, or a backup file offline"), cmd_verify },
  { "info", "FILE", N_("Show a backup file's metadata"), cmd_info },
  { "pause", "[--timeout SECONDS] [-- COMMAND…]", N_("Pause the repository, run COMMAND, and resume"), cr_cli_pause },
  { "resume", "", N_("End this client's pause"), cmd_resume },
  { "namespace list", "[PARENT]", N_("List the namespaces"), cmd_namespace_list },
  { "namespace create", "NAMESPACE", N_("Create a namespace"), cmd_namespace_create },
  { "namespace delete", "NAMESPACE", N_("Delete a namespace and everything in it"), cmd_namespace_delete },
  { "class list", "[SUPERCLASS] [--deep]", N_("List classes"), cmd_class_list },
  { "class show", "CLASS", N_("Show a class with its properties and methods"), cmd_class_show },
  { "instance list", "CLASS [--shallow]", N_("List the instances of a class"), cmd_instance_list },
  { "instance show", "PATH", N_("Show an instance"), cmd_instance_show },
  { "instance put", "CLASS PROPERTY=VALUE…", N_("Create or update an instance"), cmd_instance_put },
  { "instance delete", "PATH", N_("Delete an instance"), cmd_instance_delete },
};

static char *
commands_summary (void)
{
  g_autoptr (GString) out = g_string_new (_("Manage a cimrepo CIM repository: back it up, restore it, pause it,\n"
                                            "and look at its namespaces, classes and instances."));

  g_string_append_printf (out, "\n\n%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name, commands[i].parameters);

      /* Padded by characters, not bytes: the usage may hold "…" */
      g_string_append_printf (out, "  %s%*s %s\n", usage, (int) MAX (0, 44 - g_utf8_strlen (usage, -1)), "",
                              _(commands[i].summary));
    }
  g_string_append (out, _("\nClass and instance commands take --namespace NS (default: root/cimv2).\n"
                          "“cimrepoctl COMMAND --help” describes a command."));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
examples (void)
{
  return _("Examples:\n"
           "  cimrepoctl status\n"
           "  cimrepoctl backup ~/repository.cimbak\n"
           "  cimrepoctl verify ~/repository.cimbak\n"
           "  cimrepoctl restore --force ~/repository.cimbak\n"
           "  cimrepoctl pause -- rsync -a ~/.local/share/cimrepo/ /mnt/backup/\n"
           "  cimrepoctl class list --deep\n"
           "  cimrepoctl class show LNX_Service\n"
           "  cimrepoctl instance list CIM_Service\n"
           "  cimrepoctl instance show 'LNX_Service.Name=\"sshd.service\"'\n"
           "  cimrepoctl instance put LNX_Service Name=foo.service Started=true 'Requires={\"a.target\"}'\n"
           "\n"
           "Exit status: 0 on success, 1 when the operation failed, 2 on a usage error.\n"
           "See cimrepoctl(1).");
}

/* The engine's progress messages are for logs, not for a terminal:
 * only warnings and worse, unless G_MESSAGES_DEBUG asks for more. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if ((level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) != 0 &&
      g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static const Command *
find_command (int argc, char **argv, int *out_words)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto (GStrv) words = g_strsplit (commands[i].name, " ", 2);
      guint n = g_strv_length (words);

      if (argc < 1 + (int) n || !g_str_equal (argv[1], words[0]))
        continue;
      if (n == 2 && !g_str_equal (argv[2], words[1]))
        continue;
      *out_words = (int) n;
      return &commands[i];
    }
  return NULL;
}

static gboolean
is_command_group (const char *word)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_has_prefix (commands[i].name, word) && commands[i].name[strlen (word)] == ' ')
      return TRUE;
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *command_name = NULL;
  CrCli cli = { 0 };
  gboolean version = FALSE;
  GOptionEntry entries[G_N_ELEMENTS (global_entries) + 1];
  const Command *command;
  int words = 0;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("cimrepoctl");
  g_log_set_writer_func (log_writer, NULL, NULL);

  fill_global_entries (&cli, entries);
  entries[G_N_ELEMENTS (global_entries) - 1] =
    (GOptionEntry) { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL };
  entries[G_N_ELEMENTS (global_entries)] = (GOptionEntry) { NULL };

  summary = commands_summary ();
  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, examples ());
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Options up to the command are global; the command parses the rest. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cr_cli_usage_error (&cli, "%s", error->message);
  if (version)
    {
      g_print ("cimrepoctl " PACKAGE_VERSION "\n");
      return CR_CLI_EXIT_OK;
    }
  if (argc < 2)
    return cr_cli_usage_error (&cli, _("No command was given"));
  if (g_str_equal (argv[1], "help"))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_print ("%s", help);
      return CR_CLI_EXIT_OK;
    }

  command = find_command (argc, argv, &words);
  if (command == NULL)
    {
      if (is_command_group (argv[1]))
        {
          if (argc < 3)
            return cr_cli_usage_error (&cli, _("“%s” needs a subcommand"), argv[1]);
          return cr_cli_usage_error (&cli, _("Unknown command “%s %s”"), argv[1], argv[2]);
        }
      return cr_cli_usage_error (&cli, _("Unknown command “%s”"), argv[1]);
    }

  cli.command = command->name;
  /* The command sees its name as argv[0], then its own arguments. */
  status = command->func (&cli, argc - words, argv + words);
  g_clear_object (&cli.client);
  g_free (cli.repository);
  g_free (option_namespace);
  return status;
}
