/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cimrepo.h"

G_BEGIN_DECLS

/* A fresh directory under $TMPDIR, removed by cr_test_dir_free(). */
typedef struct {
  char *path;
} CrTestDir;

CrTestDir *cr_test_dir_new (void);
void cr_test_dir_free (CrTestDir *dir);
char *cr_test_dir_file (CrTestDir *dir, const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrTestDir, cr_test_dir_free)

void cr_test_rm_rf (const char *path);
char *cr_test_data_path (const char *name);

/* Iterate the thread-default main context until @done is TRUE or
 * @timeout_ms passes; returns @done. */
gboolean cr_test_iterate_until (const gboolean *done, guint timeout_ms);

G_END_DECLS
