/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-dbus-names.h"

G_BEGIN_DECLS

void cr_service_probe_async (GBusType bus_type,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean cr_service_probe_finish (GAsyncResult *result, GError **error);

G_END_DECLS
