/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepoctl"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "cr-cli.h"
#include "cr-platform.h"

/* Errors */

/* Prints @error as "cimrepoctl: MESSAGE (0x8004xxxx)"; returns the exit
 * status of a failed operation. */
int
cr_cli_fail (const GError *error)
{
  g_printerr ("cimrepoctl: %s (0x%08X)\n", error->message, cr_error_get_hresult (error));
  return CR_CLI_EXIT_FAILED;
}

void
cr_cli_warn (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("cimrepoctl: %s\n", message);
}

gboolean
cr_cli_stdout_is_terminal (void)
{
  return isatty (STDOUT_FILENO);
}

gboolean
cr_cli_stderr_is_terminal (void)
{
  return isatty (STDERR_FILENO);
}

/* Progress on stderr, one line redrawn in place, on a terminal only */

struct _CrCliProgress {
  char *label;
  gboolean enabled;
  gboolean drawn;
  gint64 started;
  gint64 last_drawn;
};

CrCliProgress *
cr_cli_progress_new (const char *label)
{
  CrCliProgress *progress = g_new0 (CrCliProgress, 1);

  progress->label = g_strdup (label);
  progress->enabled = cr_cli_stderr_is_terminal ();
  progress->started = g_get_monotonic_time ();
  return progress;
}

char *
cr_cli_format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600, (int) (seconds / 60 % 60),
                            (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

/* A CrProgressFunc: "Backing up  42%  1.2 MB of 3.0 MB  5.1 MB/s  ETA 0:02" */
void
cr_cli_progress_cb (guint64 done, guint64 total, gpointer data)
{
  CrCliProgress *progress = data;
  gint64 now = g_get_monotonic_time ();
  double elapsed = (double) (now - progress->started) / G_USEC_PER_SEC;
  g_autofree char *done_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *eta_text = NULL;
  double rate;

  if (!progress->enabled)
    return;
  /* At most ten redraws a second, and always the last one */
  if (progress->drawn && done < total && now - progress->last_drawn < G_USEC_PER_SEC / 10)
    return;
  progress->last_drawn = now;
  progress->drawn = TRUE;

  done_text = g_format_size (done);
  rate = elapsed > 0.05 ? (double) done / elapsed : 0;
  rate_text = g_format_size ((guint64) rate);
  if (total == 0)
    {
      g_printerr ("\r%s  %s  %s/s\033[K", progress->label, done_text, rate_text);
      return;
    }
  total_text = g_format_size (total);
  eta_text = rate > 0 ? cr_cli_format_duration ((gint64) ((double) (total - MIN (done, total)) / rate))
                      : g_strdup ("--:--");
  g_printerr ("\r");
  /* Translators: progress: what, percent, bytes done, bytes in all, rate,
   * time left ("ETA" is "estimated time of arrival") */
  g_printerr (_("%s %3u%%  %s of %s  %s/s  ETA %s"), progress->label, (guint) (done * 100 / total), done_text,
              total_text, rate_text, eta_text);
  g_printerr ("\033[K");
}

void
cr_cli_progress_free (CrCliProgress *progress)
{
  if (progress == NULL)
    return;
  if (progress->drawn)
    g_printerr ("\n");
  g_free (progress->label);
  g_free (progress);
}

/* Formatting */

/* "2026-11-22 04:01:32" in local time; "never" for 0 */
char *
cr_cli_format_time (gint64 usec)
{
  g_autoptr (GDateTime) dt = NULL;

  if (usec <= 0)
    return g_strdup (_("never"));
  dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

char *
cr_cli_user_name (gint64 uid)
{
  char *name = cr_get_user_name (uid);

  return name != NULL ? name : g_strdup ("?");
}

/* The CIM type a value has, for display where no declaration says it */
static CrCimType
cim_type_of_variant (GVariant *value)
{
  const GVariantType *type = g_variant_get_type (value);
  static const struct {
    const char *variant_type;
    CrCimType cim_type;
  } types[] = {
    { "b", CR_CIM_TYPE_BOOLEAN },
    { "y", CR_CIM_TYPE_UINT8 },
    { "n", CR_CIM_TYPE_SINT16 },
    { "q", CR_CIM_TYPE_UINT16 },
    { "i", CR_CIM_TYPE_SINT32 },
    { "u", CR_CIM_TYPE_UINT32 },
    { "x", CR_CIM_TYPE_SINT64 },
    { "t", CR_CIM_TYPE_UINT64 },
    { "d", CR_CIM_TYPE_REAL64 },
    { "s", CR_CIM_TYPE_STRING },
  };
  gboolean array = g_variant_type_is_array (type);
  const GVariantType *element = array ? g_variant_type_element (type) : type;

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_variant_type_equal (element, G_VARIANT_TYPE (types[i].variant_type)))
      return array ? (CrCimType) (types[i].cim_type | CR_CIM_FLAG_ARRAY) : types[i].cim_type;
  return CR_CIM_TYPE_INVALID;
}

/* A value as MOF writes it: strings quoted, arrays in braces */
char *
cr_cli_format_value (GVariant *value)
{
  CrCimType type;

  if (value == NULL)
    return g_strdup ("NULL");
  type = cim_type_of_variant (value);
  if (type == CR_CIM_TYPE_INVALID)
    return g_variant_print (value, FALSE);
  return cr_cim_value_to_string (type, value);
}

/* @rows: (element-type GStrv) rows of @columns cells; the first is the
 * header. Prints them aligned. */
void
cr_cli_print_table (GPtrArray *rows, guint columns)
{
  g_autofree glong *widths = g_new0 (glong, columns);

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      for (guint c = 0; c < columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }
  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      g_autoptr (GString) line = g_string_new ("  ");

      for (guint c = 0; c < columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < columns)
            for (glong pad = g_utf8_strlen (row[c], -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      g_print ("%s\n", line->str);
    }
}

/* JSON */

/* ISO 8601 in UTC, or null for 0 */
JsonNode *
cr_cli_json_time (gint64 usec)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (usec <= 0)
    return json_node_new (JSON_NODE_NULL);
  dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  text = g_date_time_format_iso8601 (dt);
  return json_node_init_string (json_node_alloc (), text);
}

void
cr_cli_json_print (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* The members of a backup's metadata, into the current object */
void
cr_cli_json_add_backup_info (JsonBuilder *builder, CrBackupInfo *info)
{
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, cr_backup_info_get_format_version (info));
  json_builder_set_member_name (builder, "repository_id");
  json_builder_add_string_value (builder, cr_backup_info_get_repository_id (info));
  json_builder_set_member_name (builder, "source_path");
  json_builder_add_string_value (builder, cr_backup_info_get_source_path (info));
  json_builder_set_member_name (builder, "hostname");
  json_builder_add_string_value (builder, cr_backup_info_get_hostname (info));
  json_builder_set_member_name (builder, "created");
  json_builder_add_value (builder, cr_cli_json_time (cr_backup_info_get_created (info)));
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, cr_backup_info_get_schema_version (info));
  json_builder_set_member_name (builder, "namespaces");
  json_builder_add_int_value (builder, (gint64) cr_backup_info_get_namespace_count (info));
  json_builder_set_member_name (builder, "classes");
  json_builder_add_int_value (builder, (gint64) cr_backup_info_get_class_count (info));
  json_builder_set_member_name (builder, "instances");
  json_builder_add_int_value (builder, (gint64) cr_backup_info_get_instance_count (info));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) cr_backup_info_get_file_size (info));
  json_builder_set_member_name (builder, "payload_size");
  json_builder_add_int_value (builder, (gint64) cr_backup_info_get_payload_size (info));
  json_builder_set_member_name (builder, "checksum");
  json_builder_add_string_value (builder, cr_backup_info_get_checksum (info));
  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, cr_backup_info_get_generator (info));
}

/* "12 namespaces, 11 classes, 3 instances" */
char *
cr_cli_format_counts (guint64 namespaces, guint64 classes, guint64 instances)
{
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, namespaces);
  g_autofree char *c = g_strdup_printf ("%" G_GUINT64_FORMAT, classes);
  g_autofree char *i = g_strdup_printf ("%" G_GUINT64_FORMAT, instances);
  g_autofree char *ns_text = g_strdup_printf (ngettext ("%s namespace", "%s namespaces", (gulong) namespaces), n);
  g_autofree char *class_text = g_strdup_printf (ngettext ("%s class", "%s classes", (gulong) classes), c);
  g_autofree char *inst_text = g_strdup_printf (ngettext ("%s instance", "%s instances", (gulong) instances), i);

  /* Translators: the counts of a repository's content */
  return g_strdup_printf (_("%s, %s, %s"), ns_text, class_text, inst_text);
}

void
cr_cli_print_field (const char *label, const char *value)
{
  /* Translators: a field's label and its colon, "Repository:"; a
   * language that puts a space before the colon says so here */
  g_autofree char *labelled = g_strdup_printf (_("%s:"), label);
  /* Labels are translated: align on the longest in any language by
   * padding to a fixed column. */
  glong pad = 22 - g_utf8_strlen (labelled, -1);

  g_print ("%s%*s%s\n", labelled, (int) MAX (pad, 1), "", value);
}

void
cr_cli_print_backup_info (const char *file, CrBackupInfo *info)
{
  g_autofree char *format = g_strdup_printf ("%u", cr_backup_info_get_format_version (info));
  g_autofree char *created = cr_cli_format_time (cr_backup_info_get_created (info));
  g_autofree char *schema = g_strdup_printf ("%u", cr_backup_info_get_schema_version (info));
  g_autofree char *size = g_format_size_full (cr_backup_info_get_file_size (info), G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *contents = NULL;

  contents = cr_cli_format_counts (cr_backup_info_get_namespace_count (info), cr_backup_info_get_class_count (info),
                                   cr_backup_info_get_instance_count (info));

  cr_cli_print_field (_("Backup file"), file);
  cr_cli_print_field (_("Format version"), format);
  cr_cli_print_field (_("Repository ID"), cr_backup_info_get_repository_id (info));
  cr_cli_print_field (_("Repository path"), cr_backup_info_get_source_path (info));
  cr_cli_print_field (_("Host"), cr_backup_info_get_hostname (info));
  cr_cli_print_field (_("Created"), created);
  cr_cli_print_field (_("Schema version"), schema);
  cr_cli_print_field (_("Contents"), contents);
  cr_cli_print_field (_("Size"), size);
  cr_cli_print_field (_("Checksum"), cr_backup_info_get_checksum (info));
  if (cr_backup_info_get_generator (info) != NULL)
    cr_cli_print_field (_("Written by"), cr_backup_info_get_generator (info));
}
