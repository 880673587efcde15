/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include "cr-style-manager.h"

/*
 * CrStyleManager: follows the system's dark style. GTK 4.8 without
 * libadwaita does not: it draws light unless told
 * GtkSettings:gtk-application-prefer-dark-theme.
 *
 * The source is the Settings portal (org.freedesktop.appearance
 * color-scheme), which works in and outside a sandbox and tells of
 * changes; without a portal, GNOME's own setting if its schema is
 * installed; else no preference.
 */

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_SETTINGS_INTERFACE "org.freedesktop.portal.Settings"
#define APPEARANCE_NAMESPACE "org.freedesktop.appearance"
#define COLOR_SCHEME_KEY "color-scheme"
#define GNOME_INTERFACE_SCHEMA "org.gnome.desktop.interface"
/* A portal that does not answer by then is taken as none. */
#define PORTAL_TIMEOUT_MSEC 3000

struct _CrStyleManager {
  GObject parent_instance;

  GCancellable *cancellable;
  GDBusProxy *portal;
  GSettings *interface_settings;
  CrColorScheme color_scheme;
};

G_DEFINE_FINAL_TYPE (CrStyleManager, cr_style_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_COLOR_SCHEME,
  PROP_DARK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_color_scheme (CrStyleManager *self, CrColorScheme scheme)
{
  GtkSettings *settings = gtk_settings_get_default ();

  if (scheme > CR_COLOR_SCHEME_PREFER_LIGHT)
    scheme = CR_COLOR_SCHEME_DEFAULT;
  if (settings != NULL)
    g_object_set (settings, "gtk-application-prefer-dark-theme", scheme == CR_COLOR_SCHEME_PREFER_DARK, NULL);
  if (self->color_scheme == scheme)
    return;
  self->color_scheme = scheme;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_SCHEME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DARK]);
}

/* The portal wraps the value in one or two variants, depending on its
 * version. */
static gboolean
scheme_from_variant (GVariant *value, CrColorScheme *out_scheme)
{
  g_autoptr (GVariant) v = g_variant_ref (value);

  while (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (v);
      g_variant_unref (v);
      v = inner;
    }
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32))
    return FALSE;
  *out_scheme = (CrColorScheme) g_variant_get_uint32 (v);
  return TRUE;
}

/* Fallback: GNOME's setting */

static void
interface_settings_changed_cb (CrStyleManager *self, const char *key, GSettings *settings)
{
  set_color_scheme (self, (CrColorScheme) g_settings_get_enum (settings, COLOR_SCHEME_KEY));
}

static void
use_gsettings (CrStyleManager *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  g_clear_object (&self->portal);
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, GNOME_INTERFACE_SCHEMA, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, COLOR_SCHEME_KEY))
    {
      g_debug ("No Settings portal and no %s: no dark style preference", GNOME_INTERFACE_SCHEMA);
      set_color_scheme (self, CR_COLOR_SCHEME_DEFAULT);
      return;
    }
  self->interface_settings = g_settings_new_full (schema, NULL, NULL);
  g_signal_connect_object (self->interface_settings, "changed::" COLOR_SCHEME_KEY,
                           G_CALLBACK (interface_settings_changed_cb), self, G_CONNECT_SWAPPED);
  interface_settings_changed_cb (self, COLOR_SCHEME_KEY, self->interface_settings);
}

/* The portal */

static void
portal_signal_cb (GDBusProxy *proxy, const char *sender, const char *signal_name, GVariant *parameters,
                  gpointer user_data)
{
  CrStyleManager *self = user_data;
  const char *namespace_, *key;
  g_autoptr (GVariant) value = NULL;
  CrColorScheme scheme;

  if (!g_str_equal (signal_name, "SettingChanged") || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssv)")))
    return;
  g_variant_get (parameters, "(&s&sv)", &namespace_, &key, &value);
  if (g_str_equal (namespace_, APPEARANCE_NAMESPACE) && g_str_equal (key, COLOR_SCHEME_KEY) &&
      scheme_from_variant (value, &scheme))
    set_color_scheme (self, scheme);
}

static void
portal_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrStyleManager) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  g_autoptr (GVariant) value = NULL;
  CrColorScheme scheme;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (reply == NULL)
    {
      g_debug ("The Settings portal has no color scheme: %s", error->message);
      use_gsettings (self);
      return;
    }
  g_variant_get (reply, "(v)", &value);
  if (!scheme_from_variant (value, &scheme))
    {
      use_gsettings (self);
      return;
    }
  set_color_scheme (self, scheme);
}

static void
portal_proxy_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrStyleManager) self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusProxy *proxy = g_dbus_proxy_new_for_bus_finish (result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&proxy);
      return;
    }
  if (proxy == NULL)
    {
      g_debug ("No session bus for the Settings portal: %s", error->message);
      use_gsettings (self);
      return;
    }
  self->portal = proxy;
  g_signal_connect_object (self->portal, "g-signal", G_CALLBACK (portal_signal_cb), self, 0);
  g_dbus_proxy_call (self->portal, "Read", g_variant_new ("(ss)", APPEARANCE_NAMESPACE, COLOR_SCHEME_KEY),
                     G_DBUS_CALL_FLAGS_NONE, PORTAL_TIMEOUT_MSEC, self->cancellable, portal_read_cb,
                     g_object_ref (self));
}

/* GObject */

static void
cr_style_manager_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrStyleManager *self = CR_STYLE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_COLOR_SCHEME:
      g_value_set_int (value, self->color_scheme);
      break;
    case PROP_DARK:
      g_value_set_boolean (value, cr_style_manager_get_dark (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_style_manager_dispose (GObject *object)
{
  CrStyleManager *self = CR_STYLE_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->portal);
  g_clear_object (&self->interface_settings);
  G_OBJECT_CLASS (cr_style_manager_parent_class)->dispose (object);
}

static void
cr_style_manager_finalize (GObject *object)
{
  CrStyleManager *self = CR_STYLE_MANAGER (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cr_style_manager_parent_class)->finalize (object);
}

static void
cr_style_manager_class_init (CrStyleManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cr_style_manager_get_property;
  object_class->dispose = cr_style_manager_dispose;
  object_class->finalize = cr_style_manager_finalize;

  properties[PROP_COLOR_SCHEME] =
    g_param_spec_int ("color-scheme", NULL, NULL, CR_COLOR_SCHEME_DEFAULT, CR_COLOR_SCHEME_PREFER_LIGHT,
                      CR_COLOR_SCHEME_DEFAULT, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DARK] =
    g_param_spec_boolean ("dark", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cr_style_manager_init (CrStyleManager *self)
{
  self->cancellable = g_cancellable_new ();
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                            G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                            NULL, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH, PORTAL_SETTINGS_INTERFACE,
                            self->cancellable, portal_proxy_cb, g_object_ref (self));
}

/**
 * cr_style_manager_new:
 *
 * Starts following the system's color scheme; the first answer comes
 * asynchronously.
 */
CrStyleManager *
cr_style_manager_new (void)
{
  return g_object_new (CR_TYPE_STYLE_MANAGER, NULL);
}

CrColorScheme
cr_style_manager_get_color_scheme (CrStyleManager *self)
{
  g_return_val_if_fail (CR_IS_STYLE_MANAGER (self), CR_COLOR_SCHEME_DEFAULT);
  return self->color_scheme;
}

gboolean
cr_style_manager_get_dark (CrStyleManager *self)
{
  g_return_val_if_fail (CR_IS_STYLE_MANAGER (self), FALSE);
  return self->color_scheme == CR_COLOR_SCHEME_PREFER_DARK;
}
