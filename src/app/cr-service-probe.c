/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include "cr-service-probe.h"

/*
 * Whether cimrepod is there on a bus: its name has an owner, or the bus
 * can start it. The app asks this at start, to choose between the
 * system repository and the user's own.
 */

/* A bus that does not answer by then counts as one without the service. */
#define PROBE_TIMEOUT_MSEC 5000

static void
list_activatable_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autofree const char **names = NULL;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(^a&s)", &names);
  g_task_return_boolean (task, g_strv_contains (names, CR_DBUS_SERVICE_NAME));
}

static void
name_has_owner_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  gboolean has_owner = FALSE;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(b)", &has_owner);
  if (has_owner)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_dbus_connection_call (G_DBUS_CONNECTION (source), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames", NULL, G_VARIANT_TYPE ("(as)"),
                          G_DBUS_CALL_FLAGS_NONE, PROBE_TIMEOUT_MSEC, g_task_get_cancellable (task),
                          list_activatable_cb, g_object_ref (task));
}

static void
bus_get_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", g_variant_new ("(s)", CR_DBUS_SERVICE_NAME), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, PROBE_TIMEOUT_MSEC, g_task_get_cancellable (task),
                          name_has_owner_cb, g_object_ref (task));
}

/**
 * cr_service_probe_async:
 * @bus_type: the bus to look on
 *
 * Finds out whether `org.cimrepo.Repository1` has an owner or is
 * activatable on @bus_type.
 */
void
cr_service_probe_async (GBusType bus_type, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cr_service_probe_async);
  g_bus_get (bus_type, cancellable, bus_get_cb, g_steal_pointer (&task));
}

/**
 * cr_service_probe_finish:
 *
 * Returns: %TRUE if the service is there; %FALSE with @error unset if
 *   it is not, or with @error set if the bus could not be asked
 */
gboolean
cr_service_probe_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
