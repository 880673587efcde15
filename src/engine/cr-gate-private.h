/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CrGate: who may touch a repository, and when. Every operation enters
 * the gate as a reader or a writer and leaves it when done.
 *
 * - A *hold* keeps writers out: a backup's fence holds them for a moment,
 *   a pause for as long as it lasts. Writers wait on a condition variable
 *   (woken within a fraction of a millisecond of the release), for at
 *   most the write-wait bound; then they fail with CR_ERROR_PAUSED (or
 *   CR_ERROR_BUSY when no pause is the cause). Readers are never held.
 * - A restore shuts the gate: new readers and writers fail with
 *   CR_ERROR_SHUTTING_DOWN, and the restore waits for those inside to
 *   leave before it swaps the files.
 * - The pause state lives here too, with its auto-resume deadline, which
 *   any caller enforces as soon as it looks: a pause ends on time even if
 *   no main loop runs.
 *
 * @on_change is called, without the lock held and from any thread,
 * whenever the pause, backup or restore state changes.
 */
typedef struct {
  GMutex lock;
  GCond cond;
  guint readers;
  guint writers;
  guint holds;
  gboolean closed;
  gboolean restoring;
  gboolean backup_running;
  gboolean pausing;

  gboolean paused;
  guint64 pause_serial;
  char *paused_by;
  gint64 paused_since;     /* real time, µs */
  gint64 auto_resume_at;   /* real time, µs */
  gint64 auto_resume_mono; /* monotonic time, µs */

  /* How the last pause ended, for a clear answer to a late Resume */
  guint64 ended_serial;
  gint64 ended_at;
  gboolean ended_by_timer;

  guint write_wait_ms;

  void (*on_change) (gpointer data);
  gpointer on_change_data;
} CrGate;

typedef struct {
  gboolean paused;
  char *paused_by;
  gint64 paused_since;
  gint64 auto_resume_at;
  gboolean backup_running;
  gboolean restoring;
} CrGateState;

void cr_gate_init (CrGate *gate, void (*on_change) (gpointer), gpointer data);
void cr_gate_clear (CrGate *gate);
void cr_gate_set_write_wait (CrGate *gate, guint msec);
void cr_gate_get_state (CrGate *gate, CrGateState *state);
void cr_gate_state_clear (CrGateState *state);
gboolean cr_gate_expire (CrGate *gate);

gboolean cr_gate_enter (CrGate *gate, gboolean write, GError **error);
void cr_gate_leave (CrGate *gate, gboolean write);

gboolean cr_gate_backup_begin (CrGate *gate, GError **error);
void cr_gate_backup_end (CrGate *gate);
void cr_gate_fence_begin (CrGate *gate);
void cr_gate_fence_end (CrGate *gate);

gboolean cr_gate_pause_begin (CrGate *gate, GError **error);
guint64 cr_gate_pause_commit (CrGate *gate, const char *holder, guint delay_seconds);
void cr_gate_pause_abort (CrGate *gate);
gboolean cr_gate_resume (CrGate *gate, guint64 serial, GError **error);
gboolean cr_gate_pause_is_active (CrGate *gate, guint64 serial);

gboolean cr_gate_restore_begin (CrGate *gate, GError **error);
void cr_gate_restore_drain (CrGate *gate);
void cr_gate_restore_end (CrGate *gate);

void cr_gate_close (CrGate *gate);

char *cr_format_time (gint64 unix_usec);

G_END_DECLS
