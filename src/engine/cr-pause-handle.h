/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-types.h"

G_BEGIN_DECLS

/**
 * CrPauseHandle:
 *
 * Proof of holding a repository's pause (rule P5). Only the handle that
 * made a pause can resume it (U2). Dropping the last reference without
 * resuming resumes: "releasing the object without calling Resume
 * automatically causes Resume". A handle whose pause has ended, by resume
 * or by auto-resume, is inert: resuming it again fails with
 * %CR_ERROR_INVALID_OPERATION.
 */
#define CR_TYPE_PAUSE_HANDLE (cr_pause_handle_get_type ())
G_DECLARE_FINAL_TYPE (CrPauseHandle, cr_pause_handle, CR, PAUSE_HANDLE, GObject)

const char *cr_pause_handle_get_holder (CrPauseHandle *self);
gint64 cr_pause_handle_get_since (CrPauseHandle *self);
gboolean cr_pause_handle_is_active (CrPauseHandle *self);

gboolean cr_pause_handle_resume_sync (CrPauseHandle *self,
                                      CrProgressFunc progress,
                                      gpointer progress_data,
                                      GCancellable *cancellable,
                                      GError **error);
void cr_pause_handle_resume_async (CrPauseHandle *self,
                                   CrProgressFunc progress,
                                   gpointer progress_data,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean cr_pause_handle_resume_finish (CrPauseHandle *self,
                                        GAsyncResult *result,
                                        GError **error);

G_END_DECLS
