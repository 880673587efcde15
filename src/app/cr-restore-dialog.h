/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cimrepo.h"

G_BEGIN_DECLS

#define CR_TYPE_RESTORE_DIALOG (cr_restore_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CrRestoreDialog, cr_restore_dialog, CR, RESTORE_DIALOG, GtkWindow)

CrRestoreDialog *cr_restore_dialog_new (GtkWindow *parent, GFile *file, CrBackupInfo *info);
GFile *cr_restore_dialog_get_file (CrRestoreDialog *self);
CrBackupInfo *cr_restore_dialog_get_info (CrRestoreDialog *self);
void cr_restore_dialog_set_connections (CrRestoreDialog *self, GPtrArray *connections);
guint cr_restore_dialog_get_client_count (CrRestoreDialog *self);
void cr_restore_dialog_set_blocked (CrRestoreDialog *self, const char *reason);

G_END_DECLS
