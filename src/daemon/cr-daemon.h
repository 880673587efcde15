/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cimrepo.h"
#include "cr-authority.h"
#include "cr-dbus-names.h"

G_BEGIN_DECLS

/**
 * CrDaemon:
 *
 * Serves one #CrRepository on a bus as org.cimrepo.Repository1: the
 * repository object, a Connection1 object per namespace connection and a
 * Job1 object per backup or restore, the bookkeeping per client (its
 * connections, its calls in flight, the pause it holds), and the end of
 * all of that when the client's unique name leaves the bus.
 *
 * Handlers run on the main loop; they check the arguments, ask the
 * #CrAuthority, and send the engine's blocking work to worker threads.
 */
#define CR_TYPE_DAEMON (cr_daemon_get_type ())
G_DECLARE_FINAL_TYPE (CrDaemon, cr_daemon, CR, DAEMON, GObject)

CrDaemon *cr_daemon_new (GDBusConnection *bus,
                         CrRepository *repository,
                         CrAuthority *authority,
                         guint auto_resume_seconds,
                         GError **error);

void cr_daemon_set_idle_timeout (CrDaemon *self, guint seconds);
void cr_daemon_shutdown (CrDaemon *self);

G_END_DECLS
