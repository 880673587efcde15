/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gunixfdlist.h>

#include "cr-daemon.h"

G_BEGIN_DECLS

/* What the objects that a CrDaemon exports share with it. Main loop
 * only, unless a function says otherwise. */

#include "cr-daemon-connection.h"

gboolean cr_daemon_begin_call (CrDaemon *self,
                               GDBusMethodInvocation *invocation,
                               GUnixFDList *fd_list,
                               gboolean takes_fd);

typedef void (*CrDaemonAuthorizedFunc) (CrDaemon *self,
                                        GDBusMethodInvocation *invocation,
                                        gpointer user_data);
void cr_daemon_authorize (CrDaemon *self,
                          GDBusMethodInvocation *invocation,
                          const char *action_id,
                          CrDaemonAuthorizedFunc func,
                          gpointer user_data,
                          GDestroyNotify destroy);

/* Runs in a worker thread; returns the reply's body, or NULL with
 * @error set. */
typedef GVariant *(*CrDaemonWorkFunc) (gpointer data,
                                       GCancellable *cancellable,
                                       GError **error);
void cr_daemon_run_in_thread (CrDaemon *self,
                              GDBusMethodInvocation *invocation,
                              CrDaemonWorkFunc func,
                              gpointer data,
                              GDestroyNotify destroy,
                              gboolean writes);

void cr_daemon_return_error (GDBusMethodInvocation *invocation, GError *error);
gboolean cr_daemon_check_string (GDBusMethodInvocation *invocation,
                                 const char *value,
                                 gsize max_bytes,
                                 const char *what);

void cr_daemon_close_connection (CrDaemon *self,
                                 CrDaemonConnection *connection,
                                 const char *reason);

G_END_DECLS
