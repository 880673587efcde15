/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

#include "cr-dbus-generated.h"
#include "cr-test-utils.h"

G_BEGIN_DECLS

/*
 * A private session bus (GTestDBus) with the real cimrepod on it, in
 * session mode, serving a repository in a fresh directory. The daemon is
 * the binary that $CIMREPOD names; $CR_TEST_DAEMON_WRAPPER, if set, is a
 * command prefix for it (such as "valgrind --error-exitcode=1 ...").
 * Stopping it asserts that it exited with status 0.
 *
 * While the file cr_daemon_test_hold_file() exists, the daemon holds a
 * backup or restore job once, half-way (CIMREPOD_TEST_HOLD_FILE).
 */
typedef struct {
  CrTestDir *dir;
  char *repository_path;
  char *hold_file;
  GTestDBus *bus;
  GSubprocess *daemon;
  gboolean exited;
  char *name_owner;
} CrDaemonTest;

CrDaemonTest *cr_daemon_test_new (void);
void cr_daemon_test_start (CrDaemonTest *test, ...) G_GNUC_NULL_TERMINATED;
GSubprocess *cr_daemon_test_spawn (CrDaemonTest *test, GSubprocessFlags flags, const char *const *args);
void cr_daemon_test_stop (CrDaemonTest *test);
void cr_daemon_test_free (CrDaemonTest *test);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrDaemonTest, cr_daemon_test_free)

/* Timeouts grow when the daemon runs under a wrapper such as valgrind. */
guint cr_daemon_test_timeout (guint msec);

/* Waits, iterating the thread-default main context, until @func returns
 * TRUE or @msec pass. */
gboolean cr_test_wait_for (gboolean (*func) (gpointer data), gpointer data, guint msec);

/* A client: its own connection to the bus, so its own unique name. */
typedef struct {
  GDBusConnection *bus;
  CrRepository1 *repository;
} CrTestClient;

CrTestClient *cr_test_client_new (CrDaemonTest *test);
const char *cr_test_client_get_name (CrTestClient *client);
void cr_test_client_free (CrTestClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrTestClient, cr_test_client_free)

CrConnection1 *cr_test_client_open (CrTestClient *client, const char *namespace_);
CrConnection1 *cr_test_client_connection_proxy (CrTestClient *client, const char *path);
CrJob1 *cr_test_client_job_proxy (CrTestClient *client, const char *path);

/* The error arrived as org.cimrepo.Error.<dbus_name>, maps back to @code,
 * and its message, stripped of the remote prefix, is not empty. */
#define cr_test_assert_remote_error(error, code, dbus_name) \
  cr_test_assert_remote_error_impl (__FILE__, __LINE__, (error), (code), (dbus_name))
void cr_test_assert_remote_error_impl (const char *file, int line, GError *error, gint code, const char *dbus_name);

/* Jobs: what a client hears about every job on the bus. */
typedef struct {
  GDBusConnection *bus;
  guint completed_id;
  guint properties_id;
  GHashTable *jobs; /* path → CrTestJobRecord */
} CrTestJobWatch;

typedef struct {
  gboolean completed;
  gboolean success;
  char *error_name;
  char *message;
  GArray *progress; /* double, each Progress seen */
  guint64 bytes_done;
  guint64 bytes_total;
  char *state;
} CrTestJobRecord;

CrTestJobWatch *cr_test_job_watch_new (CrTestClient *client);
CrTestJobRecord *cr_test_job_watch_get (CrTestJobWatch *watch, const char *path);
gboolean cr_test_job_watch_wait_completed (CrTestJobWatch *watch, const char *path, guint msec);
gboolean cr_test_job_watch_wait_progress (CrTestJobWatch *watch, const char *path, guint msec);
void cr_test_job_watch_free (CrTestJobWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrTestJobWatch, cr_test_job_watch_free)

/* Backup and restore through the service, from a path the test opens. */
char *cr_test_client_start_backup (CrTestClient *client, const char *path, GError **error);
char *cr_test_client_start_restore (CrTestClient *client, const char *path, guint flags, GError **error);
gboolean cr_test_client_backup (CrTestClient *client, CrTestJobWatch *watch, const char *path);

/* A repository file with the test schema in root/test and @n_items
 * instances of Test_Item, made with the engine before the daemon runs.
 * @big_note_bytes > 0 gives every item a Note of that many bytes. */
void cr_daemon_test_populate (CrDaemonTest *test, guint n_items, gsize big_note_bytes);

/* Instances of @class_name (deep) through a connection. */
guint cr_test_count_remote (CrConnection1 *connection, const char *class_name);
char *cr_test_put_remote_item (CrConnection1 *connection, const char *name, guint64 size);

/* An anonymous file holding @data, in a list of its own */
GUnixFDList *cr_test_fd_list_holding (const void *data, gsize size);
/* Import @batch (floating or not), sent as a client sends it: in a file.
 * Returns: (transfer full): the summary, or %NULL with @error set */
GVariant *cr_test_client_import (CrTestClient *client, GVariant *batch, gboolean dry_run, GError **error);

/* Call @method on the root object with @fd_list attached, as is. */
GVariant *cr_test_call_with_fds (CrTestClient *client,
                                 const char *method,
                                 GVariant *parameters,
                                 GUnixFDList *fd_list,
                                 GError **error);

G_END_DECLS
