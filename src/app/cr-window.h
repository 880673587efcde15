/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cr-application.h"
#include "cr-client.h"

G_BEGIN_DECLS

#define CR_TYPE_WINDOW (cr_window_get_type ())
G_DECLARE_FINAL_TYPE (CrWindow, cr_window, CR, WINDOW, GtkApplicationWindow)

CrWindow *cr_window_new (CrApplication *application);

void cr_window_open_local (CrWindow *self, const char *path);
void cr_window_connect_remote (CrWindow *self, CrClientMode mode, gboolean fall_back_to_local);
void cr_window_connect_auto (CrWindow *self);
void cr_window_set_client (CrWindow *self, CrClient *client);
CrClient *cr_window_get_client (CrWindow *self);

void cr_window_backup_to_file (CrWindow *self, GFile *file);
void cr_window_restore_from_file (CrWindow *self, GFile *file);

G_END_DECLS
