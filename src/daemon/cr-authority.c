/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepod"

#include <glib/gi18n.h>

#ifdef HAVE_POLKIT
#include <polkit/polkit.h>
#endif

#include "cimrepo.h"
#include "cr-authority.h"

struct _CrAuthority {
  GObject parent_instance;

  CrAuthorityMode mode;
#ifdef HAVE_POLKIT
  PolkitAuthority *polkit;
#endif
};

G_DEFINE_TYPE (CrAuthority, cr_authority, G_TYPE_OBJECT)

static void
cr_authority_dispose (GObject *object)
{
#ifdef HAVE_POLKIT
  CrAuthority *self = CR_AUTHORITY (object);

  g_clear_object (&self->polkit);
#endif
  G_OBJECT_CLASS (cr_authority_parent_class)->dispose (object);
}

static void
cr_authority_class_init (CrAuthorityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_authority_dispose;
}

static void
cr_authority_init (CrAuthority *self)
{
}

/**
 * cr_authority_new:
 * @mode: who decides
 *
 * In %CR_AUTHORITY_MODE_SYSTEM with polkit, connects to polkit on the
 * system bus.
 */
CrAuthority *
cr_authority_new (CrAuthorityMode mode, GError **error)
{
  g_autoptr (CrAuthority) self = g_object_new (CR_TYPE_AUTHORITY, NULL);

  self->mode = mode;
#ifdef HAVE_POLKIT
  if (mode == CR_AUTHORITY_MODE_SYSTEM)
    {
      self->polkit = polkit_authority_get_sync (NULL, error);
      if (self->polkit == NULL)
        {
          g_prefix_error (error, "Could not connect to polkit: ");
          return NULL;
        }
    }
#endif
  return g_steal_pointer (&self);
}

CrAuthorityMode
cr_authority_get_mode (CrAuthority *self)
{
  g_return_val_if_fail (CR_IS_AUTHORITY (self), CR_AUTHORITY_MODE_SYSTEM);
  return self->mode;
}

/**
 * cr_authority_describe_action:
 *
 * Returns: what @action_id allows, for messages: "back up the repository"
 */
const char *
cr_authority_describe_action (const char *action_id)
{
  if (g_strcmp0 (action_id, CR_ACTION_BACKUP) == 0)
    return _("back up the repository");
  if (g_strcmp0 (action_id, CR_ACTION_RESTORE) == 0)
    return _("restore the repository from a backup");
  if (g_strcmp0 (action_id, CR_ACTION_PAUSE) == 0)
    return _("pause the repository");
  if (g_strcmp0 (action_id, CR_ACTION_MODIFY) == 0)
    return _("change the repository");
  return action_id;
}

static void
return_denied (GTask *task, const char *action_id, const char *why)
{
  g_task_return_new_error (task, CR_ERROR, CR_ERROR_ACCESS_DENIED,
                           /* Translators: the first %s is what was asked, such as "back up the
                            * repository"; the second says why it was refused. */
                           _("You are not authorised to %s: %s"),
                           cr_authority_describe_action (action_id), why);
}

#ifdef HAVE_POLKIT
static void
polkit_check_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PolkitAuthorizationResult) auth = NULL;
  const char *action_id = g_task_get_task_data (task);

  auth = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);
  if (auth == NULL)
    {
      /* When in doubt, refuse. */
      g_autofree char *why = g_strdup_printf (_("the authorisation could not be checked (%s)"), error->message);
      return_denied (task, action_id, why);
      return;
    }
  if (polkit_authorization_result_get_is_authorized (auth))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (polkit_authorization_result_get_dismissed (auth))
    return_denied (task, action_id, _("the authentication dialog was dismissed"));
  else if (polkit_authorization_result_get_is_challenge (auth))
    return_denied (task, action_id,
                   _("an administrator must authenticate, and no authentication agent answered. Nothing "
                     "was changed. Try again from a desktop session, whose agent asks for the password, "
                     "or as root"));
  else
    return_denied (task, action_id, _("the system policy does not allow it, or the authentication failed"));
}
#endif

/**
 * cr_authority_check_async:
 * @invocation: the call to authorise; its sender is the subject
 * @caller_uid: the caller's uid, or -1 if not known; only used without
 *   polkit
 *
 * Checks whether the caller may perform @action_id. A denial finishes
 * with %CR_ERROR_ACCESS_DENIED and a message that says why.
 */
void
cr_authority_check_async (CrAuthority *self,
                          GDBusMethodInvocation *invocation,
                          const char *action_id,
                          gint64 caller_uid,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (CR_IS_AUTHORITY (self));
  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));
  g_return_if_fail (action_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cr_authority_check_async);
  g_task_set_task_data (task, g_strdup (action_id), g_free);

  if (self->mode == CR_AUTHORITY_MODE_ALLOW_ALL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

#ifdef HAVE_POLKIT
  {
    g_autoptr (PolkitSubject) subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (invocation));
    GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
    PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;

    if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
      flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;
    polkit_authority_check_authorization (self->polkit, subject, action_id, NULL, flags, cancellable,
                                          polkit_check_cb, g_steal_pointer (&task));
  }
#else
  if (caller_uid == 0)
    g_task_return_boolean (task, TRUE);
  else
    return_denied (task, action_id, _("only root may do this (cimrepod was built without polkit)"));
#endif
}

gboolean
cr_authority_check_finish (CrAuthority *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
