/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cimrepo.h"
#include "cr-dbus-generated.h"

G_BEGIN_DECLS

typedef enum {
  CR_DAEMON_JOB_BACKUP,
  CR_DAEMON_JOB_RESTORE,
} CrDaemonJobKind;

/**
 * CrDaemonJob:
 *
 * A backup or a restore that a client started: an org.cimrepo.Job1
 * object on the bus that reports the engine's progress (at most about
 * ten updates a second), runs the engine in a worker thread, and emits
 * Completed at the end. #CrDaemonJob::finished is emitted on the main
 * loop just before Completed, so that the service's own state is
 * consistent when clients hear of the end.
 */
#define CR_TYPE_DAEMON_JOB (cr_daemon_job_get_type ())
G_DECLARE_FINAL_TYPE (CrDaemonJob, cr_daemon_job, CR, DAEMON_JOB, GObject)

CrDaemonJob *cr_daemon_job_new (CrRepository *repository,
                                CrDaemonJobKind kind,
                                int fd,
                                guint flags,
                                const char *started_by,
                                const char *object_path);

CrDaemonJobKind cr_daemon_job_get_kind (CrDaemonJob *self);
const char *cr_daemon_job_get_started_by (CrDaemonJob *self);
const char *cr_daemon_job_get_object_path (CrDaemonJob *self);
const char *cr_daemon_job_get_action_id (CrDaemonJob *self);
CrObjectSkeleton *cr_daemon_job_get_object (CrDaemonJob *self);
CrJob1 *cr_daemon_job_get_iface (CrDaemonJob *self);
gboolean cr_daemon_job_is_running (CrDaemonJob *self);

void cr_daemon_job_start (CrDaemonJob *self);
void cr_daemon_job_cancel (CrDaemonJob *self);

G_END_DECLS
