/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <glib/gi18n.h>

#include "cr-connection-item.h"
#include "cr-format.h"

/*
 * CrConnectionItem: one row of the connection table, for list models.
 * Its properties are the texts that the columns show, so that the .ui
 * binds them directly.
 */

struct _CrConnectionItem {
  GObject parent_instance;

  CrConnectionInfo *info;
  char *pid;
  char *user;
  char *connected_since;
};

G_DEFINE_FINAL_TYPE (CrConnectionItem, cr_connection_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_PROCESS,
  PROP_PID,
  PROP_USER,
  PROP_NAMESPACE,
  PROP_CONNECTED_SINCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cr_connection_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrConnectionItem *self = CR_CONNECTION_ITEM (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_string (value, cr_connection_info_get_display_name (self->info));
      break;
    case PROP_PROCESS:
      g_value_set_string (value, self->info->process_name != NULL ? self->info->process_name : "");
      break;
    case PROP_PID:
      g_value_set_string (value, self->pid);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_NAMESPACE:
      g_value_set_string (value, self->info->namespace_);
      break;
    case PROP_CONNECTED_SINCE:
      g_value_set_string (value, self->connected_since);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_connection_item_finalize (GObject *object)
{
  CrConnectionItem *self = CR_CONNECTION_ITEM (object);

  cr_connection_info_free (self->info);
  g_free (self->pid);
  g_free (self->user);
  g_free (self->connected_since);
  G_OBJECT_CLASS (cr_connection_item_parent_class)->finalize (object);
}

static void
cr_connection_item_class_init (CrConnectionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cr_connection_item_get_property;
  object_class->finalize = cr_connection_item_finalize;

  properties[PROP_CLIENT] = g_param_spec_string ("client", NULL, NULL, NULL, flags);
  properties[PROP_PROCESS] = g_param_spec_string ("process", NULL, NULL, NULL, flags);
  properties[PROP_PID] = g_param_spec_string ("pid", NULL, NULL, NULL, flags);
  properties[PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL, flags);
  properties[PROP_NAMESPACE] = g_param_spec_string ("namespace", NULL, NULL, NULL, flags);
  properties[PROP_CONNECTED_SINCE] = g_param_spec_string ("connected-since", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cr_connection_item_init (CrConnectionItem *self)
{
}

CrConnectionItem *
cr_connection_item_new (const CrConnectionInfo *info)
{
  CrConnectionItem *self;

  g_return_val_if_fail (info != NULL, NULL);
  self = g_object_new (CR_TYPE_CONNECTION_ITEM, NULL);
  self->info = cr_connection_info_copy (info);
  self->pid = info->pid >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, info->pid) : g_strdup ("—");
  self->user = cr_format_user (info->uid);
  self->connected_since = cr_format_date_time (info->connected_at, g_get_real_time ());
  return self;
}

const CrConnectionInfo *
cr_connection_item_get_info (CrConnectionItem *self)
{
  g_return_val_if_fail (CR_IS_CONNECTION_ITEM (self), NULL);
  return self->info;
}

const char *
cr_connection_item_get_client (CrConnectionItem *self)
{
  g_return_val_if_fail (CR_IS_CONNECTION_ITEM (self), NULL);
  return self->info->client_name;
}

/**
 * cr_connection_item_dup_description:
 *
 * Returns: the client as a restore confirmation names it: its name,
 *   its program and its process id
 */
char *
cr_connection_item_dup_description (CrConnectionItem *self)
{
  const CrConnectionInfo *info;
  const char *name;

  g_return_val_if_fail (CR_IS_CONNECTION_ITEM (self), NULL);
  info = self->info;
  name = cr_connection_info_get_display_name (info);
  if (info->process_name != NULL && info->pid >= 0 && name != info->process_name)
    /* Translators: a client, its program and its process id */
    return g_strdup_printf (_("%s (%s, process %s)"), name, info->process_name, self->pid);
  if (info->pid >= 0)
    /* Translators: a client and its process id */
    return g_strdup_printf (_("%s (process %s)"), name, self->pid);
  return g_strdup (name);
}
