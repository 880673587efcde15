/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-restore-dialog.h"

G_BEGIN_DECLS

/* For the widget tests */
GtkWidget *cr_restore_dialog_get_restore_button (CrRestoreDialog *self);
GtkWidget *cr_restore_dialog_get_cancel_button (CrRestoreDialog *self);
GStrv cr_restore_dialog_dup_client_names (CrRestoreDialog *self);
const char *cr_restore_dialog_get_details_text (CrRestoreDialog *self, const char *field);

G_END_DECLS
