/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cimrepo.h"
#include "cr-daemon.h"
#include "cr-dbus-generated.h"

G_BEGIN_DECLS

#define CR_DAEMON_CONNECTION_PATH CR_DBUS_REPOSITORY_PATH "/Connection"

/**
 * CrDaemonConnection:
 *
 * A namespace connection on the bus: an org.cimrepo.Connection1 object
 * over an engine #CrConnection. Only its owner, the unique bus name that
 * opened it, may call it; writes are authorised as org.cimrepo.modify.
 */
#define CR_TYPE_DAEMON_CONNECTION (cr_daemon_connection_get_type ())
G_DECLARE_FINAL_TYPE (CrDaemonConnection, cr_daemon_connection, CR, DAEMON_CONNECTION, GObject)

CrDaemonConnection *cr_daemon_connection_new (CrDaemon *daemon,
                                              CrConnection *connection,
                                              const char *owner);

CrConnection *cr_daemon_connection_get_connection (CrDaemonConnection *self);
guint64 cr_daemon_connection_get_id (CrDaemonConnection *self);
const char *cr_daemon_connection_get_owner (CrDaemonConnection *self);
const char *cr_daemon_connection_get_object_path (CrDaemonConnection *self);
CrObjectSkeleton *cr_daemon_connection_get_object (CrDaemonConnection *self);
CrConnection1 *cr_daemon_connection_get_iface (CrDaemonConnection *self);

G_END_DECLS
