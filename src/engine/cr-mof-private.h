/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "cr-mof-diagnostic.h"

G_BEGIN_DECLS

/* What the MOF front end shares between its lexer, parser and compiler.
 * Not installed. */

/* Bounds of a compilation unit, beside those of cr-types.h (documented in
 * docs/LIMITS.md and docs/MOF.md). */
#define CR_MOF_MAX_FILE_BYTES (64 * 1024 * 1024)
#define CR_MOF_MAX_UNIT_BYTES (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define CR_MOF_MAX_FILES 65536
#define CR_MOF_MAX_INCLUDE_DEPTH 32
#define CR_MOF_MAX_ERRORS 100
#define CR_MOF_MAX_WARNINGS 100
#define CR_MOF_MAX_DECLARATIONS (4 * 1024 * 1024)

/* A place in a source: the file's index in the unit's file table, the
 * 1-based line and the 1-based column in characters. */
typedef struct {
  guint32 file;
  guint32 line;
  guint32 column;
} CrMofPos;

/* A bump allocator: the AST of a unit lives in one arena and goes with it,
 * so that no error path of the parser can leak a node. */
typedef struct _CrMofArena CrMofArena;

CrMofArena *cr_mof_arena_new (void);
void cr_mof_arena_free (CrMofArena *arena);
gpointer cr_mof_arena_alloc (CrMofArena *arena, gsize size);
char *cr_mof_arena_strndup (CrMofArena *arena, const char *text, gsize length);
gpointer *cr_mof_arena_steal_array (CrMofArena *arena, GPtrArray *array, guint *out_length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrMofArena, cr_mof_arena_free)

/* Where diagnostics go, with the file table that positions refer to. */
typedef struct {
  GPtrArray *files;       /* char *, display names, by file index */
  GPtrArray *diagnostics; /* CrMofDiagnostic, in the order found */
  GArray *positions;      /* CrMofPos of each diagnostic, to sort them */
  guint n_errors;
  guint n_warnings;
  guint n_dropped_warnings;
  gboolean full; /* CR_MOF_MAX_ERRORS reached: stop */
} CrMofSink;

void cr_mof_sink_init (CrMofSink *sink);
void cr_mof_sink_clear (CrMofSink *sink);
guint32 cr_mof_sink_add_file (CrMofSink *sink, const char *display_name);
const char *cr_mof_sink_get_file (CrMofSink *sink, guint32 file);
void cr_mof_sink_error (CrMofSink *sink, const CrMofPos *pos, const char *format, ...) G_GNUC_PRINTF (3, 4);
void cr_mof_sink_warning (CrMofSink *sink, const CrMofPos *pos, const char *format, ...) G_GNUC_PRINTF (3, 4);
void cr_mof_sink_file_error (CrMofSink *sink, const char *file, const char *message);
void cr_mof_sink_finish (CrMofSink *sink);
char *cr_mof_pos_to_string (CrMofSink *sink, const CrMofPos *pos);

G_END_DECLS
