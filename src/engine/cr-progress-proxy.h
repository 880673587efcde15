/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-types.h"

G_BEGIN_DECLS

/*
 * Progress from a worker thread to the main context of whoever started
 * the operation, coalesced; see cr_progress_proxy_new(). Not installed:
 * the engine and libcimrepo-client share it, as the engine and the daemon
 * share cr-platform.h.
 */
typedef struct _CrProgressProxy CrProgressProxy;

CrProgressProxy *cr_progress_proxy_new (CrProgressFunc func, gpointer data);
CrProgressProxy *cr_progress_proxy_ref (CrProgressProxy *proxy);
void cr_progress_proxy_unref (CrProgressProxy *proxy);
void cr_progress_proxy_report (guint64 done, guint64 total, gpointer proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrProgressProxy, cr_progress_proxy_unref)

G_END_DECLS
