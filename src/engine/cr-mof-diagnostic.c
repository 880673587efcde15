/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include "cr-mof-diagnostic.h"

G_DEFINE_BOXED_TYPE (CrMofDiagnostic, cr_mof_diagnostic, cr_mof_diagnostic_copy, cr_mof_diagnostic_free)

/**
 * cr_mof_diagnostic_new:
 * @severity: a #CrMofSeverity
 * @file: (nullable): the file it is about
 * @line: the 1-based line, or 0
 * @column: the 1-based column in characters, or 0
 * @message: the message
 *
 * Returns: (transfer full): a new diagnostic
 */
CrMofDiagnostic *
cr_mof_diagnostic_new (CrMofSeverity severity, const char *file, guint line, guint column, const char *message)
{
  CrMofDiagnostic *diagnostic;

  g_return_val_if_fail (message != NULL, NULL);

  diagnostic = g_new0 (CrMofDiagnostic, 1);
  diagnostic->severity = severity;
  diagnostic->file = g_strdup (file);
  diagnostic->line = line;
  diagnostic->column = line != 0 ? column : 0;
  diagnostic->message = g_strdup (message);
  return diagnostic;
}

CrMofDiagnostic *
cr_mof_diagnostic_copy (const CrMofDiagnostic *diagnostic)
{
  g_return_val_if_fail (diagnostic != NULL, NULL);
  return cr_mof_diagnostic_new (diagnostic->severity, diagnostic->file, diagnostic->line,
                                diagnostic->column, diagnostic->message);
}

void
cr_mof_diagnostic_free (CrMofDiagnostic *diagnostic)
{
  if (diagnostic == NULL)
    return;
  g_free (diagnostic->file);
  g_free (diagnostic->message);
  g_free (diagnostic);
}

/**
 * cr_mof_diagnostic_to_string:
 * @diagnostic: a #CrMofDiagnostic
 *
 * Formats @diagnostic on one line, as GCC does, so that editors and IDEs
 * can jump to it: `file:line:column: error: message`, or
 * `file: warning: message` for a diagnostic about a whole file. The words
 * "error" and "warning" are not translated: tools match them.
 *
 * Returns: (transfer full): the text, without a final newline
 */
char *
cr_mof_diagnostic_to_string (const CrMofDiagnostic *diagnostic)
{
  GString *out;
  const char *severity;

  g_return_val_if_fail (diagnostic != NULL, NULL);

  severity = diagnostic->severity == CR_MOF_SEVERITY_ERROR ? "error" : "warning";
  out = g_string_new (NULL);
  if (diagnostic->file != NULL)
    {
      g_string_append (out, diagnostic->file);
      if (diagnostic->line != 0)
        g_string_append_printf (out, ":%u:%u", diagnostic->line, diagnostic->column);
      g_string_append (out, ": ");
    }
  g_string_append_printf (out, "%s: %s", severity, diagnostic->message);
  return g_string_free (out, FALSE);
}
