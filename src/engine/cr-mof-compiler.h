/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-import-batch.h"
#include "cr-mof-diagnostic.h"
#include "cr-mof-resolver.h"

G_BEGIN_DECLS

#define CR_MOF_DEFAULT_NAMESPACE "root/cimv2"

/**
 * CrMofCompiler:
 *
 * The MOF compiler (DSP0221, the CIM 2.x grammar as the DMTF CIM Schema,
 * WMI and OpenPegasus write it, and the CIM 3.0 keywords `association`
 * and `indication`). It reads files and buffers, with their includes, as
 * one compilation unit, checks it against itself and against what a
 * #CrMofResolver says the repository holds, and makes a #CrImportBatch
 * that cr_repository_import_sync() puts in one transaction.
 *
 * A unit with an error gives no batch: the compilation fails with
 * %CR_ERROR_INVALID_SYNTAX, whose message is the first error, and every
 * error and warning is in cr_mof_compiler_get_diagnostics(), formatted
 * by cr_mof_diagnostic_to_string() as `file:line:column: error: …`.
 *
 * The compiler never writes to a repository and never opens one: the
 * resolver answers its questions, and the caller imports the batch. The
 * dialect, its pragmas and its limits are documented in docs/MOF.md.
 */
#define CR_TYPE_MOF_COMPILER (cr_mof_compiler_get_type ())
G_DECLARE_FINAL_TYPE (CrMofCompiler, cr_mof_compiler, CR, MOF_COMPILER, GObject)

CrMofCompiler *cr_mof_compiler_new (CrMofResolver *resolver);
CrMofResolver *cr_mof_compiler_get_resolver (CrMofCompiler *self);
void cr_mof_compiler_set_namespace (CrMofCompiler *self, const char *namespace_);
const char *cr_mof_compiler_get_namespace (CrMofCompiler *self);
void cr_mof_compiler_add_include_dir (CrMofCompiler *self, const char *directory);
void cr_mof_compiler_add_file (CrMofCompiler *self, const char *path);
void cr_mof_compiler_add_data (CrMofCompiler *self,
                               const char *name,
                               GBytes *data,
                               const char *base_dir);

CrImportBatch *cr_mof_compiler_compile_sync (CrMofCompiler *self,
                                             GCancellable *cancellable,
                                             GError **error);
void cr_mof_compiler_compile_async (CrMofCompiler *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
CrImportBatch *cr_mof_compiler_compile_finish (CrMofCompiler *self,
                                               GAsyncResult *result,
                                               GError **error);

GPtrArray *cr_mof_compiler_get_diagnostics (CrMofCompiler *self);
guint cr_mof_compiler_get_error_count (CrMofCompiler *self);
guint cr_mof_compiler_get_warning_count (CrMofCompiler *self);

CrImportBatch *cr_mof_compile_files_sync (CrMofResolver *resolver,
                                          const char *namespace_,
                                          const char *const *paths,
                                          const char *const *include_dirs,
                                          GPtrArray **out_diagnostics,
                                          GCancellable *cancellable,
                                          GError **error);

G_END_DECLS
