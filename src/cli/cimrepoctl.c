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

static const GOptionEntry global_entries[] = {
  { "repository", 'r', 0, G_OPTION_ARG_FILENAME, NULL, N_("Use the repository file PATH instead of the default one"), N_("PATH") },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print JSON (status, info, verify and the list commands)"), NULL },
  { "no-interactive", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Never ask a question"), NULL },
  { "system", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Work through the cimrepod service on the system bus"), NULL },
  { "session", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Work through a “cimrepod --session” on the session bus"), NULL },
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
  entries[3].arg_data = &cli->system;
  entries[4].arg_data = &cli->session;
}

/* Where the commands work: a repository file, or the service. The
 * choices exclude each other. */
static gboolean
check_mode (CrCli *cli, int *out_status)
{
  if ((cli->system ? 1 : 0) + (cli->session ? 1 : 0) + (cli->repository != NULL ? 1 : 0) > 1)
    {
      *out_status = cr_cli_usage_error (cli, _("Give only one of --repository, --system and --session"));
      return FALSE;
    }
  return TRUE;
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
  return check_mode (cli, out_status);
}

/* The positional arguments of a command; "--" dropped. */
GPtrArray *
cr_cli_positional_args (int argc, char **argv)
{
  GPtrArray *args = g_ptr_array_new ();

  for (int i = 1; i < argc; i++)
    if (!g_str_equal (argv[i], "--"))
      g_ptr_array_add (args, argv[i]);
  return args;
}

gboolean
cr_cli_check_arg_count (CrCli *cli, GPtrArray *args, guint min, guint max, int *out_status)
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
  if (cli->client != NULL)
    return cli->client;
  /* Before any call that polkit may want to authenticate */
  if (cli->system && !cli->no_interactive && cli->agent == NULL)
    cli->agent = cr_cli_agent_register ();
  if (cli->system || cli->session)
    {
      cli->client = cr_client_new_remote_sync (cli->system ? CR_CLIENT_MODE_SYSTEM : CR_CLIENT_MODE_SESSION, NULL,
                                               error);
      /* polkit asks only where someone can answer */
      if (cli->client != NULL)
        cr_client_set_interactive (cli->client, !cli->no_interactive && isatty (STDIN_FILENO));
    }
  else
    cli->client = cr_client_new_local_sync (cli->repository, NULL, error);
  return cli->client;
}

/* --namespace NS, for the class and instance commands */
GOptionEntry
cr_cli_namespace_entry (CrCli *cli)
{
  return (GOptionEntry){ "namespace", 'n', 0, G_OPTION_ARG_STRING, &cli->namespace_,
                         N_("Work in the namespace NS (default: root/cimv2)"), N_("NS") };
}

const char *
cr_cli_namespace (CrCli *cli)
{
  return cli->namespace_ != NULL ? cli->namespace_ : CR_CLI_DEFAULT_NAMESPACE;
}

/* status */

static const char *
mode_label (CrClient *client)
{
  switch (cr_client_get_mode (client))
    {
    case CR_CLIENT_MODE_SYSTEM:
      return _("the cimrepod service, on the system bus");
    case CR_CLIENT_MODE_SESSION:
      return _("cimrepod --session, on the session bus");
    case CR_CLIENT_MODE_LOCAL:
    default:
      return _("this process (local mode)");
    }
}

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
  g_ptr_array_add (rows, g_strdupv ((char **) (const char *[]){ C_("column", "CLIENT"), C_("column", "PID"), C_("column", "USER"), C_("column", "NAMESPACE"),
                                                                C_("column", "CONNECTED SINCE"), NULL }));
  for (guint i = 0; i < connections->len; i++)
    {
      CrConnectionInfo *info = g_ptr_array_index (connections, i);
      char **row = g_new0 (char *, 6);

      row[0] = g_strdup (cr_connection_info_get_display_name (info));
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
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, cr_client_get_mode (client) == CR_CLIENT_MODE_SYSTEM    ? "system"
                                    : cr_client_get_mode (client) == CR_CLIENT_MODE_SESSION ? "session"
                                                                                            : "local");
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
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 0, 0, &status))
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
  cr_cli_print_field (_("Served by"), mode_label (client));
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
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
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
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
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
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 0, 1, &status))
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
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 1, 1, &status))
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
  args = cr_cli_positional_args (argc, argv);
  if (!cr_cli_check_arg_count (cli, args, 0, 0, &status))
    return status;

  client = cr_cli_open (cli, &error);
  if (client == NULL || !cr_client_resume_sync (client, NULL, &error))
    return cr_cli_fail (error);
  g_print (_("Resumed.\n"));
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
  { "namespace list", "[PARENT]", N_("List the namespaces"), cr_cli_cmd_namespace_list },
  { "namespace create", "NAMESPACE", N_("Create a namespace"), cr_cli_cmd_namespace_create },
  { "namespace delete", "NAMESPACE", N_("Delete a namespace and everything in it"), cr_cli_cmd_namespace_delete },
  { "class list", "[SUPERCLASS] [--deep]", N_("List classes"), cr_cli_cmd_class_list },
  { "class show", "CLASS", N_("Show a class with its properties and methods"), cr_cli_cmd_class_show },
  { "instance list", "CLASS [--shallow]", N_("List the instances of a class"), cr_cli_cmd_instance_list },
  { "instance show", "PATH", N_("Show an instance"), cr_cli_cmd_instance_show },
  { "instance put", "CLASS PROPERTY=VALUE…", N_("Create or update an instance"), cr_cli_cmd_instance_put },
  { "instance delete", "PATH", N_("Delete an instance"), cr_cli_cmd_instance_delete },
  { "mof import", "FILE… [--dry-run]", N_("Compile MOF files and import them"), cr_cli_cmd_mof_import },
  { "mof export", "[CLASS…] [--output FILE]", N_("Write classes and instances as MOF"), cr_cli_cmd_mof_export },
};

/* The commands (of @group: "mof", or all), one line each */
static void
append_commands (GString *out, const char *group)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name, commands[i].parameters);

      if (group != NULL && !(g_str_has_prefix (commands[i].name, group) && commands[i].name[strlen (group)] == ' '))
        continue;
      /* Padded by characters, not bytes: the usage may hold "…" */
      g_string_append_printf (out, "  %s%*s %s\n", usage, (int) MAX (0, 44 - g_utf8_strlen (usage, -1)), "",
                              _(commands[i].summary));
    }
}

static char *
commands_summary (void)
{
  g_autoptr (GString) out = g_string_new (_("Manage a cimrepo CIM repository: back it up, restore it, pause it,\n"
                                            "and look at its namespaces, classes and instances."));

  g_string_append_printf (out, "\n\n%s\n", _("Commands:"));
  append_commands (out, NULL);
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
  /* CIMREPO_LOCALEDIR: a build tree's translations (_build/po), for the tests and `meson devenv` */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CIMREPO_LOCALEDIR") ? g_getenv ("CIMREPO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("cimrepoctl");
  g_log_set_writer_func (log_writer, NULL, NULL);

  fill_global_entries (&cli, entries);
  entries[G_N_ELEMENTS (global_entries) - 1] =
    (GOptionEntry){ "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL };
  entries[G_N_ELEMENTS (global_entries)] = (GOptionEntry){ NULL };

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
          if (argc >= 3 && (g_str_equal (argv[2], "--help") || g_str_equal (argv[2], "-h")))
            {
              g_autoptr (GString) out = g_string_new (NULL);

              g_string_append_printf (out, "%s\n", _("Commands:"));
              append_commands (out, argv[1]);
              g_print ("%s", out->str);
              return CR_CLI_EXIT_OK;
            }
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
  cr_cli_agent_unregister (cli.agent);
  g_free (cli.repository);
  g_free (cli.namespace_);
  return status;
}
