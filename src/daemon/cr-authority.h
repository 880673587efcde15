/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The polkit actions of cimrepod (data/org.cimrepo.policy.in). */
#define CR_ACTION_BACKUP "org.cimrepo.backup"
#define CR_ACTION_RESTORE "org.cimrepo.restore"
#define CR_ACTION_PAUSE "org.cimrepo.pause"
#define CR_ACTION_MODIFY "org.cimrepo.modify"

/**
 * CrAuthorityMode:
 * @CR_AUTHORITY_MODE_ALLOW_ALL: every caller may do everything: the
 *   session bus belongs to one user, who owns the repository anyway
 * @CR_AUTHORITY_MODE_SYSTEM: polkit decides; without polkit compiled in,
 *   only uid 0 may act
 */
typedef enum {
  CR_AUTHORITY_MODE_ALLOW_ALL,
  CR_AUTHORITY_MODE_SYSTEM,
} CrAuthorityMode;

/**
 * CrAuthority:
 *
 * Decides whether the caller of a D-Bus method may perform a privileged
 * action. It asks polkit about the caller's unique bus name, and allows
 * interaction only when the message carries
 * %G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION.
 */
#define CR_TYPE_AUTHORITY (cr_authority_get_type ())
G_DECLARE_FINAL_TYPE (CrAuthority, cr_authority, CR, AUTHORITY, GObject)

CrAuthority *cr_authority_new (CrAuthorityMode mode, GError **error);
CrAuthorityMode cr_authority_get_mode (CrAuthority *self);

void cr_authority_check_async (CrAuthority *self,
                               GDBusMethodInvocation *invocation,
                               const char *action_id,
                               gint64 caller_uid,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean cr_authority_check_finish (CrAuthority *self,
                                    GAsyncResult *result,
                                    GError **error);

const char *cr_authority_describe_action (const char *action_id);

G_END_DECLS
