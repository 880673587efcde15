/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "cr-client.h"

G_BEGIN_DECLS

#define CR_TYPE_CONNECTION_ITEM (cr_connection_item_get_type ())
G_DECLARE_FINAL_TYPE (CrConnectionItem, cr_connection_item, CR, CONNECTION_ITEM, GObject)

CrConnectionItem *cr_connection_item_new (const CrConnectionInfo *info);
const CrConnectionInfo *cr_connection_item_get_info (CrConnectionItem *self);
const char *cr_connection_item_get_client (CrConnectionItem *self);
char *cr_connection_item_dup_description (CrConnectionItem *self);

G_END_DECLS
