/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-gate-private.h"

/**
 * cr_format_time:
 *
 * Returns: a local time for messages, such as "2026-11-22 14:05:09".
 */
char *
cr_format_time (gint64 unix_usec)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (unix_usec / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("?");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

void
cr_gate_init (CrGate *gate, void (*on_change) (gpointer), gpointer data)
{
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  gate->on_change = on_change;
  gate->on_change_data = data;
}

void
cr_gate_clear (CrGate *gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
  g_clear_pointer (&gate->paused_by, g_free);
}

static void
changed (CrGate *gate)
{
  if (gate->on_change != NULL)
    gate->on_change (gate->on_change_data);
}

static void
end_pause_locked (CrGate *gate, gboolean by_timer)
{
  gate->paused = FALSE;
  gate->ended_serial = gate->pause_serial;
  gate->ended_at = g_get_real_time ();
  gate->ended_by_timer = by_timer;
  g_clear_pointer (&gate->paused_by, g_free);
  gate->paused_since = 0;
  gate->auto_resume_at = 0;
  gate->auto_resume_mono = 0;
  gate->holds--;
  g_cond_broadcast (&gate->cond);
}

/* Returns TRUE if the pause just ended by its auto-resume deadline. */
static gboolean
expire_locked (CrGate *gate)
{
  if (gate->paused && g_get_monotonic_time () >= gate->auto_resume_mono)
    {
      g_message ("The pause by %s reached its auto-resume time; resuming", gate->paused_by);
      end_pause_locked (gate, TRUE);
      return TRUE;
    }
  return FALSE;
}

/**
 * cr_gate_expire:
 *
 * Ends the pause if its auto-resume time has come. Returns TRUE if it did.
 */
gboolean
cr_gate_expire (CrGate *gate)
{
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  g_mutex_unlock (&gate->lock);
  if (ended)
    changed (gate);
  return ended;
}

void
cr_gate_set_write_wait (CrGate *gate, guint msec)
{
  g_mutex_lock (&gate->lock);
  gate->write_wait_ms = msec;
  g_mutex_unlock (&gate->lock);
}

void
cr_gate_get_state (CrGate *gate, CrGateState *state)
{
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  state->paused = gate->paused;
  state->paused_by = g_strdup (gate->paused_by);
  state->paused_since = gate->paused_since;
  state->auto_resume_at = gate->auto_resume_at;
  state->backup_running = gate->backup_running;
  state->restoring = gate->restoring;
  g_mutex_unlock (&gate->lock);
  if (ended)
    changed (gate);
}

void
cr_gate_state_clear (CrGateState *state)
{
  g_clear_pointer (&state->paused_by, g_free);
}

static void
set_shut_error (CrGate *gate, GError **error)
{
  if (gate->closed)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                         _("The repository is closed"));
  else
    g_set_error_literal (error, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                         _("The repository is being restored from a backup. Connect again when the restore is over"));
}

/* A change that waited @waited_s seconds for the pause to end */
static void
set_paused_error (CrGate *gate, GError **error, guint waited_s)
{
  g_autofree char *since = cr_format_time (gate->paused_since);
  g_autofree char *until = cr_format_time (gate->auto_resume_at);

  g_set_error (error, CR_ERROR, CR_ERROR_PAUSED,
               g_dngettext (GETTEXT_PACKAGE,
                            /* Translators: the first %s is who paused the repository, the
                             * other two are times. */
                            "The change waited %u second and cannot go ahead: the repository has been paused by %s since %s. It resumes when they resume it, or automatically at %s",
                            "The change waited %u seconds and cannot go ahead: the repository has been paused by %s since %s. It resumes when they resume it, or automatically at %s",
                            waited_s),
               waited_s, gate->paused_by, since, until);
}

/**
 * cr_gate_enter:
 * @write: whether the operation changes the repository
 *
 * Lets an operation in. A writer waits while writers are held (a fence
 * or a pause), for at most the write-wait bound.
 */
gboolean
cr_gate_enter (CrGate *gate, gboolean write, GError **error)
{
  gboolean ended = FALSE;
  gboolean ok = TRUE;
  gint64 deadline;

  g_mutex_lock (&gate->lock);
  deadline = g_get_monotonic_time () + (gint64) gate->write_wait_ms * G_TIME_SPAN_MILLISECOND;
  for (;;)
    {
      gint64 wake;

      ended |= expire_locked (gate);
      if (gate->closed || gate->restoring)
        {
          set_shut_error (gate, error);
          ok = FALSE;
          break;
        }
      if (!write || gate->holds == 0)
        break;
      if (g_get_monotonic_time () >= deadline)
        {
          guint waited_s = gate->write_wait_ms / 1000;

          if (gate->paused)
            set_paused_error (gate, error, waited_s);
          else
            g_set_error (error, CR_ERROR, CR_ERROR_BUSY,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The repository stayed busy for %u second; try again",
                                      "The repository stayed busy for %u seconds; try again",
                                      waited_s),
                         waited_s);
          ok = FALSE;
          break;
        }
      wake = deadline;
      if (gate->paused)
        wake = MIN (wake, gate->auto_resume_mono);
      g_cond_wait_until (&gate->cond, &gate->lock, wake);
    }
  if (ok)
    {
      if (write)
        gate->writers++;
      else
        gate->readers++;
    }
  g_mutex_unlock (&gate->lock);
  if (ended)
    changed (gate);
  return ok;
}

void
cr_gate_leave (CrGate *gate, gboolean write)
{
  g_mutex_lock (&gate->lock);
  if (write)
    gate->writers--;
  else
    gate->readers--;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* Backups */

gboolean
cr_gate_backup_begin (CrGate *gate, GError **error)
{
  gboolean ok = FALSE;
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  if (gate->closed || gate->restoring)
    set_shut_error (gate, error);
  else if (gate->backup_running)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("Another backup of this repository is in progress. Wait for it to finish"));
  else
    {
      gate->backup_running = TRUE;
      /* Counts as a reader, so that a close waits for it. */
      gate->readers++;
      ok = TRUE;
    }
  g_mutex_unlock (&gate->lock);
  if (ended || ok)
    changed (gate);
  return ok;
}

void
cr_gate_backup_end (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->backup_running = FALSE;
  gate->readers--;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
  changed (gate);
}

/* Holds writers and waits for those inside to leave. A fence taken while
 * paused keeps writers held even if the pause ends meanwhile. */
void
cr_gate_fence_begin (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->holds++;
  while (gate->writers > 0)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

void
cr_gate_fence_end (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->holds--;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* Pause */

static void
set_already_paused_error (CrGate *gate, GError **error)
{
  g_autofree char *since = cr_format_time (gate->paused_since);

  g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
               _("The repository is already paused by %s since %s"), gate->paused_by, since);
}

/**
 * cr_gate_pause_begin:
 *
 * Starts a pause: holds writers and waits for those inside to finish.
 * Then the caller makes the file complete and calls
 * cr_gate_pause_commit(), or cr_gate_pause_abort() on failure.
 */
gboolean
cr_gate_pause_begin (CrGate *gate, GError **error)
{
  gboolean ok = FALSE;
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  if (gate->closed || gate->restoring)
    set_shut_error (gate, error);
  else if (gate->paused)
    set_already_paused_error (gate, error);
  else if (gate->pausing)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("Someone else is pausing the repository at this moment"));
  else if (gate->backup_running)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("A backup of this repository is in progress; pause it after the backup has finished"));
  else
    {
      gate->pausing = TRUE;
      gate->holds++;
      while (gate->writers > 0)
        g_cond_wait (&gate->cond, &gate->lock);
      ok = TRUE;
    }
  g_mutex_unlock (&gate->lock);
  if (ended)
    changed (gate);
  return ok;
}

guint64
cr_gate_pause_commit (CrGate *gate, const char *holder, guint delay_seconds)
{
  guint64 serial;

  g_mutex_lock (&gate->lock);
  gate->pausing = FALSE;
  gate->paused = TRUE;
  serial = ++gate->pause_serial;
  gate->paused_by = g_strdup (holder);
  gate->paused_since = g_get_real_time ();
  gate->auto_resume_at = gate->paused_since + (gint64) delay_seconds * G_TIME_SPAN_SECOND;
  gate->auto_resume_mono = g_get_monotonic_time () + (gint64) delay_seconds * G_TIME_SPAN_SECOND;
  /* A close waits for the pause to be made. */
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
  changed (gate);
  return serial;
}

void
cr_gate_pause_abort (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->pausing = FALSE;
  gate->holds--;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

gboolean
cr_gate_pause_is_active (CrGate *gate, guint64 serial)
{
  gboolean active;
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  active = gate->paused && gate->pause_serial == serial;
  g_mutex_unlock (&gate->lock);
  if (ended)
    changed (gate);
  return active;
}

/**
 * cr_gate_resume:
 * @serial: the pause to end, as cr_gate_pause_commit() returned it
 *
 * Ends the pause @serial (U1, U2): only the pause's own holder can end it.
 */
gboolean
cr_gate_resume (CrGate *gate, guint64 serial, GError **error)
{
  gboolean ok = FALSE;
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  if (gate->paused && gate->pause_serial == serial)
    {
      end_pause_locked (gate, FALSE);
      ok = TRUE;
    }
  else if (gate->paused)
    {
      g_autofree char *since = cr_format_time (gate->paused_since);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                   _("The repository has been paused by %s since %s; only they can resume it"),
                   gate->paused_by, since);
    }
  else if (gate->ended_serial == serial && serial != 0 && gate->ended_by_timer)
    {
      g_autofree char *at = cr_format_time (gate->ended_at);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                   _("The repository is not paused: the pause ended automatically at %s"), at);
    }
  else
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("The repository is not paused"));
  g_mutex_unlock (&gate->lock);
  if (ok || ended)
    changed (gate);
  return ok;
}

/* Restore */

gboolean
cr_gate_restore_begin (CrGate *gate, GError **error)
{
  gboolean ok = FALSE;
  gboolean ended;

  g_mutex_lock (&gate->lock);
  ended = expire_locked (gate);
  if (gate->closed)
    set_shut_error (gate, error);
  else if (gate->restoring)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("Another restore of this repository is in progress"));
  else if (gate->paused)
    {
      g_autofree char *since = cr_format_time (gate->paused_since);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                   _("The repository has been paused by %s since %s. A paused repository cannot be restored: resume it first"),
                   gate->paused_by, since);
    }
  else if (gate->pausing)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("The repository is being paused. A paused repository cannot be restored"));
  else if (gate->backup_running)
    g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                         _("A backup of this repository is in progress. Restore after it has finished"));
  else
    {
      gate->restoring = TRUE;
      ok = TRUE;
    }
  g_mutex_unlock (&gate->lock);
  if (ok || ended)
    changed (gate);
  return ok;
}

void
cr_gate_restore_drain (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  while (gate->readers > 0 || gate->writers > 0)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

void
cr_gate_restore_end (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->restoring = FALSE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
  changed (gate);
}

/* Refuses everything new, and waits for what is inside to finish: a
 * restore or a pause under way uses the store too, and a restore even
 * replaces it. */
void
cr_gate_close (CrGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->closed = TRUE;
  if (gate->paused)
    end_pause_locked (gate, FALSE);
  g_cond_broadcast (&gate->cond);
  while (gate->readers > 0 || gate->writers > 0 || gate->restoring || gate->pausing)
    g_cond_wait (&gate->cond, &gate->lock);
  /* A pause that was being made when the close began */
  if (gate->paused)
    end_pause_locked (gate, FALSE);
  g_mutex_unlock (&gate->lock);
}
