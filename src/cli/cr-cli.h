/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "cr-client.h"

G_BEGIN_DECLS

/* Exit statuses (documented in cimrepoctl(1)) */
enum {
  CR_CLI_EXIT_OK = 0,
  CR_CLI_EXIT_FAILED = 1,
  CR_CLI_EXIT_USAGE = 2,
};

#define CR_CLI_DEFAULT_NAMESPACE "root/cimv2"

typedef struct _CrCliAgent CrCliAgent;

/* What every command gets: the global options and the client. */
typedef struct {
  char *repository;
  gboolean json;
  gboolean no_interactive;
  gboolean system;     /* --system: through cimrepod on the system bus */
  gboolean session;    /* --session: through a cimrepod --session */
  char *namespace_;    /* --namespace of the class and instance commands */
  const char *command; /* "class list", for messages */
  CrClient *client;
  CrCliAgent *agent; /* --system on a terminal: asks for passwords */
} CrCli;

/* cr-cli-agent.c: a polkit agent on the terminal, for --system */
CrCliAgent *cr_cli_agent_register (void);
void cr_cli_agent_unregister (CrCliAgent *agent);

/* cimrepoctl.c */
gboolean cr_cli_parse (CrCli *cli, int *argc, char ***argv, const GOptionEntry *entries,
                       const char *parameters, const char *summary, int *out_status);
GPtrArray *cr_cli_positional_args (int argc, char **argv);
gboolean cr_cli_check_arg_count (CrCli *cli, GPtrArray *args, guint min, guint max, int *out_status);
GOptionEntry cr_cli_namespace_entry (CrCli *cli);
const char *cr_cli_namespace (CrCli *cli);
CrClient *cr_cli_open (CrCli *cli, GError **error);
int cr_cli_usage_error (CrCli *cli, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* cr-cli-model.c */
int cr_cli_cmd_namespace_list (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_namespace_create (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_namespace_delete (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_class_list (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_class_show (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_instance_list (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_instance_show (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_instance_put (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_instance_delete (CrCli *cli, int argc, char **argv);

/* cr-cli-mof.c */
int cr_cli_cmd_mof_import (CrCli *cli, int argc, char **argv);
int cr_cli_cmd_mof_export (CrCli *cli, int argc, char **argv);

/* cr-cli-pause.c */
int cr_cli_pause (CrCli *cli, int argc, char **argv);

/* cr-cli-output.c: errors, progress, formatting and JSON */
int cr_cli_fail (const GError *error);
void cr_cli_warn (const char *format, ...) G_GNUC_PRINTF (1, 2);
gboolean cr_cli_stdout_is_terminal (void);
gboolean cr_cli_stderr_is_terminal (void);

typedef struct _CrCliProgress CrCliProgress;
CrCliProgress *cr_cli_progress_new (const char *label);
void cr_cli_progress_cb (guint64 done, guint64 total, gpointer progress);
void cr_cli_progress_free (CrCliProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrCliProgress, cr_cli_progress_free)

char *cr_cli_format_time (gint64 usec);
char *cr_cli_format_duration (gint64 seconds);
char *cr_cli_user_name (gint64 uid);
char *cr_cli_format_value (GVariant *value);
void cr_cli_print_table (GPtrArray *rows, guint columns);
void cr_cli_print_field (const char *label, const char *value);
char *cr_cli_format_counts (guint64 namespaces, guint64 classes, guint64 instances);

JsonNode *cr_cli_json_time (gint64 usec);
void cr_cli_json_print (JsonBuilder *builder);
void cr_cli_json_add_backup_info (JsonBuilder *builder, CrBackupInfo *info);
void cr_cli_print_backup_info (const char *file, CrBackupInfo *info);

G_END_DECLS
