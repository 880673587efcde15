/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * How the app writes sizes, times and progress. Plain functions, so that
 * the window, the dialogs and the tests agree.
 */

char *cr_format_clock_time (gint64 unix_usec);
char *cr_format_date_time (gint64 unix_usec, gint64 now_usec);
char *cr_format_countdown (gint64 seconds);
char *cr_format_count (guint64 count);
char *cr_format_progress (guint64 done, guint64 total, gint64 elapsed_usec);
char *cr_format_user (gint64 uid);
char *cr_format_backup_name (gint64 unix_usec);

G_END_DECLS
