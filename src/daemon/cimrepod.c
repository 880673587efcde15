/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepod"

#include <locale.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "cimrepo.h"
#include "cr-authority.h"
#include "cr-daemon.h"

typedef struct {
  GMainLoop *loop;
  int status;
  gboolean name_acquired;
} Context;

static gboolean
quit_on_signal_cb (gpointer data)
{
  Context *ctx = data;

  g_message ("Stopping on a signal");
  g_main_loop_quit (ctx->loop);
  return G_SOURCE_CONTINUE;
}

static void
idle_cb (CrDaemon *daemon, gpointer data)
{
  Context *ctx = data;

  g_main_loop_quit (ctx->loop);
}

static void
bus_closed_cb (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, gpointer data)
{
  Context *ctx = data;

  g_message ("The bus connection closed; stopping");
  g_main_loop_quit (ctx->loop);
}

static void
name_acquired_cb (GDBusConnection *bus, const char *name, gpointer data)
{
  Context *ctx = data;

  ctx->name_acquired = TRUE;
  g_debug ("Acquired the name %s", name);
}

static void
name_lost_cb (GDBusConnection *bus, const char *name, gpointer data)
{
  Context *ctx = data;

  if (ctx->name_acquired)
    g_message ("Lost the name %s; stopping", name);
  else
    {
      g_printerr (_("cimrepod: could not own the name %s on the bus: is another cimrepod running? (--replace replaces it)\n"), name);
      ctx->status = 1;
    }
  g_main_loop_quit (ctx->loop);
}

static void
log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  gboolean verbose = GPOINTER_TO_INT (data);

  if ((level & G_LOG_LEVEL_DEBUG) && !verbose)
    return;
  g_log_default_handler (domain, level, message, NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) option_context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (CrRepository) repository = NULL;
  g_autoptr (CrAuthority) authority = NULL;
  g_autoptr (CrDaemon) daemon = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *repository_path = NULL;
  gboolean session = FALSE;
  gboolean system = FALSE;
  gboolean replace = FALSE;
  gboolean verbose = FALSE;
  gboolean version = FALSE;
  gint idle_timeout = 0;
  gint auto_resume = CR_DEFAULT_AUTO_RESUME_SECONDS;
  Context ctx = { 0 };
  guint owner_id;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &system, N_("Serve the system repository on the system bus (the default)"), NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, &session, N_("Serve your own repository on the session bus, without polkit"), NULL },
    { "repository", 0, 0, G_OPTION_ARG_FILENAME, &repository_path, N_("Serve this repository file"), N_("PATH") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, N_("Replace a running cimrepod"), NULL },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Exit after this many seconds with no client (0: never)"), N_("SECONDS") },
    { "auto-resume", 0, 0, G_OPTION_ARG_INT, &auto_resume, N_("End a pause by itself after this many seconds (default 900)"), N_("SECONDS") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Log debug messages"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    G_OPTION_ENTRY_NULL
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  option_context = g_option_context_new (NULL);
  g_option_context_set_summary (option_context, _("The cimrepo repository service"));
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    {
      g_printerr ("cimrepod: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("cimrepod %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (session && system)
    {
      g_printerr ("cimrepod: %s\n", _("--session and --system exclude each other"));
      return 2;
    }
  if (idle_timeout < 0 || auto_resume < 1 || auto_resume > 7 * 24 * 3600)
    {
      g_printerr ("cimrepod: %s\n", _("--idle-timeout must be 0 or more, and --auto-resume from 1 to 604800"));
      return 2;
    }
  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_handler (G_LOG_DOMAIN, G_LOG_LEVEL_MASK, log_handler, GINT_TO_POINTER (verbose));
  g_log_set_handler ("cimrepo", G_LOG_LEVEL_MASK, log_handler, GINT_TO_POINTER (verbose));

  if (repository_path == NULL)
    {
      if (session)
        repository_path = g_build_filename (g_get_user_data_dir (), "cimrepo", "repository.db", NULL);
      else
        repository_path = g_strdup (CR_SYSTEM_REPOSITORY);
    }
  /* The system repository and everything beside it are root's alone. */
  if (!session)
    umask (0077);

  bus = g_bus_get_sync (session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL)
    {
      g_printerr (session ? _("cimrepod: could not connect to the session bus: %s\n")
                          : _("cimrepod: could not connect to the system bus: %s\n"),
                  error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (bus, FALSE);

  if (!g_file_test (repository_path, G_FILE_TEST_EXISTS))
    g_message ("Creating the repository %s", repository_path);
  repository = cr_repository_open_sync (repository_path, CR_OPEN_FLAGS_CREATE, NULL, &error);
  if (repository == NULL)
    {
      g_printerr ("cimrepod: %s\n", error->message);
      return 1;
    }
  cr_repository_set_auto_resume_delay (repository, (guint) auto_resume);

  authority = cr_authority_new (session ? CR_AUTHORITY_MODE_ALLOW_ALL : CR_AUTHORITY_MODE_SYSTEM, &error);
  if (authority == NULL)
    {
      g_printerr ("cimrepod: %s\n", error->message);
      return 1;
    }

  daemon = cr_daemon_new (bus, repository, authority, (guint) auto_resume, &error);
  if (daemon == NULL)
    {
      g_printerr ("cimrepod: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  ctx.loop = loop;
  g_signal_connect (daemon, "idle", G_CALLBACK (idle_cb), &ctx);
  cr_daemon_set_idle_timeout (daemon, (guint) idle_timeout);
  g_signal_connect (bus, "closed", G_CALLBACK (bus_closed_cb), &ctx);
  g_unix_signal_add (SIGTERM, quit_on_signal_cb, &ctx);
  g_unix_signal_add (SIGINT, quit_on_signal_cb, &ctx);

  owner_id = g_bus_own_name_on_connection (bus, CR_DBUS_SERVICE_NAME,
                                           G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
                                             (replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
                                           name_acquired_cb, name_lost_cb, &ctx, NULL);
  g_message ("Serving %s on the %s bus", cr_repository_get_path (repository), session ? "session" : "system");
  g_main_loop_run (loop);

  /* Clients hear Closed("shutdown") from the name they talk to, so the
   * name goes last. */
  cr_daemon_shutdown (daemon);
  g_bus_unown_name (owner_id);
  if (!g_dbus_connection_flush_sync (bus, NULL, &error))
    g_debug ("Flushing the bus: %s", error->message);
  cr_repository_close (repository);
  g_message ("Stopped");
  return ctx.status;
}
