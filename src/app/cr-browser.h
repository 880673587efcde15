/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cr-client.h"

G_BEGIN_DECLS

#define CR_TYPE_BROWSER (cr_browser_get_type ())
G_DECLARE_FINAL_TYPE (CrBrowser, cr_browser, CR, BROWSER, GtkWidget)

void cr_browser_set_client (CrBrowser *self, CrClient *client);
void cr_browser_reload (CrBrowser *self);
void cr_browser_set_writable (CrBrowser *self, gboolean writable, const char *reason);

G_END_DECLS
