/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-window.h"

G_BEGIN_DECLS

/*
 * For the application and the widget tests: what the window shows, read
 * from its widgets.
 */

/* Test hooks: paths used instead of asking with a file chooser. */
#define CR_WINDOW_TEST_BACKUP_FILE_ENV "CIMREPO_MANAGER_TEST_BACKUP_FILE"
#define CR_WINDOW_TEST_RESTORE_FILE_ENV "CIMREPO_MANAGER_TEST_RESTORE_FILE"

void cr_window_set_screenshot_state (CrWindow *self, const char *state);

GtkWidget *cr_window_get_lock_image (CrWindow *self);
GtkWidget *cr_window_get_pause_button (CrWindow *self);
GtkWidget *cr_window_get_busy_spinner (CrWindow *self);
gboolean cr_window_get_banner_revealed (CrWindow *self);
const char *cr_window_get_banner_text (CrWindow *self);
GtkWidget *cr_window_get_banner_button (CrWindow *self);
const char *cr_window_get_notice (CrWindow *self);
const char *cr_window_get_field (CrWindow *self, const char *field);
const char *cr_window_get_main_page (CrWindow *self);
const char *cr_window_get_error_title (CrWindow *self);
GListModel *cr_window_get_connections (CrWindow *self);
gboolean cr_window_get_connections_placeholder_visible (CrWindow *self);
gboolean cr_window_get_busy (CrWindow *self);
gboolean cr_window_get_progress_revealed (CrWindow *self);
double cr_window_get_progress_fraction (CrWindow *self);
const char *cr_window_get_progress_text (CrWindow *self);
GtkWindow *cr_window_get_restore_dialog (CrWindow *self);
GtkWindow *cr_window_get_error_dialog (CrWindow *self);
GtkWindow *cr_window_get_quit_dialog (CrWindow *self);
guint cr_window_get_summary_serial (CrWindow *self);

G_END_DECLS
