/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *cr_error_dialog_new (GtkWindow *parent,
                                const char *title,
                                const char *outcome,
                                const GError *error);
char *cr_error_dialog_dup_details (const GError *error);
const char *cr_error_dialog_get_hint (const GError *error);

G_END_DECLS
