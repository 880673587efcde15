/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-repository.h"
#include "cr-store-private.h"

G_BEGIN_DECLS

/* For CrConnection: run a store operation inside the gate. While inside,
 * the store cannot be swapped by a restore. */
CrStore *cr_repository_enter (CrRepository *self, gboolean write, GError **error);
void cr_repository_leave (CrRepository *self, gboolean write);
void cr_repository_forget_connection (CrRepository *self, guint64 id);
GMainContext *cr_repository_get_context (CrRepository *self);

/* For CrPauseHandle */
gboolean cr_repository_resume_serial (CrRepository *self, guint64 serial, GError **error);
gboolean cr_repository_pause_serial_is_active (CrRepository *self, guint64 serial);

/* Constructors of the objects a repository hands out */
CrConnection *cr_connection_new (CrRepository *repository,
                                 guint64 id,
                                 const char *namespace_,
                                 const CrClientInfo *client);
void cr_connection_mark_closed (CrConnection *self, const char *reason);
CrPauseHandle *cr_pause_handle_new (CrRepository *repository,
                                    guint64 serial,
                                    const char *holder,
                                    gint64 since);

/* Delivers a callback in @context: used for signals and notifications
 * that must reach the owner's main loop. Takes ownership of @data. */
void cr_invoke_in_context (GMainContext *context,
                           GSourceFunc func,
                           gpointer data,
                           GDestroyNotify destroy);

G_END_DECLS
