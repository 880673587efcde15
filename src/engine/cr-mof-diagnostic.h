/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CrMofSeverity:
 * @CR_MOF_SEVERITY_ERROR: the unit cannot be imported
 * @CR_MOF_SEVERITY_WARNING: something was ignored or assumed; the unit
 *   can still be imported
 */
typedef enum {
  CR_MOF_SEVERITY_ERROR,
  CR_MOF_SEVERITY_WARNING,
} CrMofSeverity;

/**
 * CrMofDiagnostic:
 * @severity: a #CrMofSeverity
 * @file: the file, as the compiler was given it or as an include resolved
 *   it (relative to the including file); the name of an in-memory buffer
 * @line: the 1-based line, or 0 when the diagnostic is about the whole file
 * @column: the 1-based column, counted in characters (a tab counts one),
 *   or 0
 * @message: what was expected or what is wrong, translated
 *
 * One message of a MOF compilation. cr_mof_diagnostic_to_string() formats
 * it as compilers do: `file:line:column: error: message`.
 */
typedef struct {
  CrMofSeverity severity;
  char *file;
  guint line;
  guint column;
  char *message;
} CrMofDiagnostic;

GType cr_mof_diagnostic_get_type (void) G_GNUC_CONST;
CrMofDiagnostic *cr_mof_diagnostic_new (CrMofSeverity severity,
                                        const char *file,
                                        guint line,
                                        guint column,
                                        const char *message);
CrMofDiagnostic *cr_mof_diagnostic_copy (const CrMofDiagnostic *diagnostic);
void cr_mof_diagnostic_free (CrMofDiagnostic *diagnostic);
char *cr_mof_diagnostic_to_string (const CrMofDiagnostic *diagnostic);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrMofDiagnostic, cr_mof_diagnostic_free)

G_END_DECLS
