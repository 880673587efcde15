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

/* A repository in @dir ("repository.db"), created; asserts success. */
CrRepository *cr_test_repository_new (CrTestDir *dir);

/* The test schema in root/test: Test_Element (abstract), Test_Item
 * (keyed by Name; Size uint64, Tags string[], Note string with a
 * default) and Test_SpecialItem (adds Level sint8). */
CrConnection *cr_test_connect (CrRepository *repo, const char *ns);
void cr_test_add_schema (CrRepository *repo);
char *cr_test_put_item (CrConnection *conn, const char *class_name, const char *name, guint64 size);
guint cr_test_count_instances (CrConnection *conn, const char *class_name);

/* Raw bytes of a file, and writing them back. */
GBytes *cr_test_read_file (const char *path);
void cr_test_write_file (const char *path, GBytes *bytes);

/* Everything in namespace @ns of @repo (qualifier types, classes and
 * their instances), as text that two repositories can be compared by */
char *cr_test_dump_namespace (CrRepository *repo, const char *ns);

/* The real cimrepoctl ($CIMREPOCTL), run to its end, with stdin an
 * empty pipe (never a terminal). */
typedef struct {
  int status; /* the exit status, or 128 + the signal that ended it */
  char *out;
  char *err;
} CrTestRun;

const char *cr_test_cimrepoctl (void);
int cr_test_exit_status (GSubprocess *process);
/* @launcher: (nullable): the environment and directory to run in, made
 * with cr_test_launcher_new() */
CrTestRun *cr_test_run_cimrepoctl (GSubprocessLauncher *launcher, const char *const *args);
GSubprocessLauncher *cr_test_launcher_new (void);
void cr_test_run_free (CrTestRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrTestRun, cr_test_run_free)

G_END_DECLS
