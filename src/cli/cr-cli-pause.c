/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepoctl"

#include <signal.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "cr-cli.h"

/*
 * cimrepoctl pause [--timeout SECONDS] [-- COMMAND ARGS…]
 *
 * Pauses the repository, runs COMMAND (a copy, a snapshot) and resumes
 * when it ends, however it ends; without COMMAND, holds the pause until
 * interrupted. It runs a main loop: the pause's end, the child and the
 * signals all arrive there.
 */

typedef struct {
  CrCli *cli;
  CrClient *client;
  GMainLoop *loop;
  char **command; /* NULL: hold until interrupted */
  GSubprocess *child;
  gboolean paused;   /* our pause request succeeded */
  gboolean resuming; /* we asked to resume: the end is ours */
  gboolean interrupted;
  gboolean on_terminal;
  int status;
  guint signal_sources[3];
  guint tick_source;
} PauseJob;

static void finish (PauseJob *job);

static void
clear_countdown (PauseJob *job)
{
  if (job->tick_source != 0)
    {
      g_source_remove (job->tick_source);
      job->tick_source = 0;
      g_printerr ("\r\033[K");
    }
}

static void
resume_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PauseJob *job = user_data;
  g_autoptr (GError) error = NULL;

  if (cr_client_resume_finish (job->client, result, &error))
    g_printerr (_("Resumed %s.\n"), cr_client_get_location (job->client));
  else if (g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_OPERATION))
    {
      /* Not ours any more: it ran out just now, and is over all the same. */
      g_printerr (_("The pause of %s had already ended by itself.\n"), cr_client_get_location (job->client));
    }
  else if (error != NULL)
    {
      cr_cli_fail (error);
      if (job->status == CR_CLI_EXIT_OK)
        job->status = CR_CLI_EXIT_FAILED;
    }
  g_main_loop_quit (job->loop);
}

/* Ends the pause if we still hold it, then quits. */
static void
finish (PauseJob *job)
{
  clear_countdown (job);
  if (job->resuming)
    return;
  job->resuming = TRUE;
  if (!cr_client_get_holds_pause (job->client))
    {
      g_main_loop_quit (job->loop);
      return;
    }
  cr_client_resume_async (job->client, NULL, resume_done_cb, job);
}

static void
child_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PauseJob *job = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait_finish (job->child, result, &error))
    {
      cr_cli_warn ("%s", error->message);
      job->status = CR_CLI_EXIT_FAILED;
    }
  else if (g_subprocess_get_if_exited (job->child))
    job->status = g_subprocess_get_exit_status (job->child);
  else if (g_subprocess_get_if_signaled (job->child))
    job->status = 128 + g_subprocess_get_term_sig (job->child);
  g_clear_object (&job->child);
  finish (job);
}

typedef struct {
  PauseJob *job;
  int signum;
} SignalWatch;

static gboolean
on_signal (gpointer user_data)
{
  SignalWatch *watch = user_data;
  PauseJob *job = watch->job;

  if (job->child != NULL && !job->interrupted)
    {
      /* The command decides how it ends; we resume when it has. */
      job->interrupted = TRUE;
      g_subprocess_send_signal (job->child, watch->signum);
      return G_SOURCE_CONTINUE;
    }
  if (job->child != NULL)
    cr_cli_warn (_("Resuming now; the command (pid %s) goes on without the pause"),
                 g_subprocess_get_identifier (job->child));
  job->interrupted = TRUE;
  if (job->paused)
    finish (job);
  /* else: the pause is still being made; pause_done_cb sees the flag */
  return G_SOURCE_CONTINUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  PauseJob *job = user_data;
  gint64 left_us = cr_client_get_auto_resume_at (job->client) - g_get_real_time ();
  gint64 left = (left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC; /* 2.9 s left shows as 0:03 */
  g_autofree char *duration = cr_cli_format_duration (left);

  g_printerr ("\r");
  g_printerr (_("Paused; resumes by itself in %s. Press Ctrl+C to resume now."), duration);
  g_printerr ("\033[K");
  return G_SOURCE_CONTINUE;
}

static void
holds_pause_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  PauseJob *job = user_data;

  if (!job->paused || job->resuming || cr_client_get_holds_pause (job->client))
    return;
  /* Not our doing: the auto-resume time ran out (P5). */
  clear_countdown (job);
  g_printerr (_("The pause of %s ended by itself: its time ran out.\n"), cr_client_get_location (job->client));
  if (job->child != NULL)
    {
      cr_cli_warn (_("The command is still running, without the pause"));
      return;
    }
  job->resuming = TRUE;
  g_main_loop_quit (job->loop);
}

static void
start_command (PauseJob *job)
{
  g_autoptr (GError) error = NULL;

  job->child = g_subprocess_newv ((const char *const *) job->command, G_SUBPROCESS_FLAGS_NONE, &error);
  if (job->child == NULL)
    {
      cr_cli_warn ("%s", error->message);
      job->status = 127;
      finish (job);
      return;
    }
  g_subprocess_wait_async (job->child, NULL, child_done_cb, job);
}

static void
pause_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PauseJob *job = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *until = NULL;

  if (!cr_client_pause_finish (job->client, result, &error))
    {
      job->status = cr_cli_fail (error);
      g_main_loop_quit (job->loop);
      return;
    }
  job->paused = TRUE;
  until = cr_cli_format_time (cr_client_get_auto_resume_at (job->client));
  g_printerr (_("Paused %s; it resumes by itself at %s.\n"), cr_client_get_location (job->client), until);
  if (job->interrupted)
    {
      finish (job);
      return;
    }
  if (job->command != NULL)
    start_command (job);
  else if (job->on_terminal)
    {
      tick_cb (job);
      job->tick_source = g_timeout_add_seconds (1, tick_cb, job);
    }
}

int
cr_cli_pause (CrCli *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GPtrArray) command = g_ptr_array_new ();
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  SignalWatch watches[G_N_ELEMENTS (signals)];
  PauseJob job = { 0 };
  int timeout = 0;
  int status;
  gboolean after_separator = FALSE;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("End the pause by itself after SECONDS (default: 900)"), N_("SECONDS") },
    { NULL }
  };

  if (!cr_cli_parse (cli, &argc, &argv, entries, _("[-- COMMAND [ARGUMENT…]]"),
                     _("Pause the repository: its file on disk becomes a complete, consistent copy and stays\n"
                       "unchanged, so that a file-level tool can copy it. Writers wait; readers go on.\n"
                       "With COMMAND, run it and resume when it ends, whatever its end; the exit status is\n"
                       "the command's. Without, hold the pause until interrupted (Ctrl+C, SIGTERM, SIGHUP)\n"
                       "or until it ends by itself."),
                     &status))
    return status;
  if (timeout < 0)
    return cr_cli_usage_error (cli, _("The timeout must be a positive number of seconds"));
  for (int i = 1; i < argc; i++)
    {
      if (!after_separator && g_str_equal (argv[i], "--"))
        after_separator = TRUE;
      else
        g_ptr_array_add (command, argv[i]);
    }
  if (after_separator && command->len == 0)
    return cr_cli_usage_error (cli, _("No command after “--”"));
  g_ptr_array_add (command, NULL);

  job.cli = cli;
  job.command = command->len > 1 ? (char **) command->pdata : NULL;
  job.on_terminal = cr_cli_stderr_is_terminal ();
  job.client = cr_cli_open (cli, &error);
  if (job.client == NULL)
    return cr_cli_fail (error);

  loop = g_main_loop_new (NULL, FALSE);
  job.loop = loop;
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      watches[i].job = &job;
      watches[i].signum = signals[i];
      job.signal_sources[i] = g_unix_signal_add (signals[i], on_signal, &watches[i]);
    }
  g_signal_connect (job.client, "notify::holds-pause", G_CALLBACK (holds_pause_cb), &job);

  cr_client_pause_async (job.client, (guint) timeout, NULL, pause_done_cb, &job);
  g_main_loop_run (loop);

  clear_countdown (&job);
  g_signal_handlers_disconnect_by_data (job.client, &job);
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (job.signal_sources[i]);
  g_clear_object (&job.child);
  return job.status;
}
