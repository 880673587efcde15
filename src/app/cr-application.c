/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <glib/gi18n.h>

#include "cr-application.h"
#include "cr-resources.h"
#include "cr-style-manager.h"
#include "cr-window-private.h"

/*
 * CrApplication: one instance per session (a second start hands its
 * command line to the first), a window per repository.
 *
 * What to open comes from the command line: --repository PATH (local
 * mode on that file), --system, --session, or nothing: the system
 * service if it is there, else the user's own repository. Files given
 * as arguments are backups to restore (the `open` of a .cimbak).
 */

struct _CrApplication {
  GtkApplication parent_instance;

  GSettings *settings;
  CrStyleManager *style_manager;
  GtkCssProvider *css;

  /* From the command line, for the first window */
  GVariant *initial_target;
  char *screenshot_state;
};

G_DEFINE_FINAL_TYPE (CrApplication, cr_application, GTK_TYPE_APPLICATION)

/* A target is "(say)": a mode ("auto", "local", "system", "session")
 * and, for "local", a repository path ("" for the default one). */
#define TARGET_TYPE "(say)"

/* The project page, as the About dialog shows it */
#define CR_WEBSITE "https://github.com/cimrepo/cimrepo"

static const char *const screenshot_states[] = { "idle", "paused", "backing-up", "restore-dialog", NULL };

static CrWindow *
new_window (CrApplication *self)
{
  CrWindow *window = cr_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
window_open_target (CrWindow *window, GVariant *target)
{
  const char *mode = "auto";
  g_autofree char *path = NULL;

  if (target != NULL)
    g_variant_get (target, "(&s^ay)", &mode, &path);
  if (g_str_equal (mode, "local"))
    {
      g_autofree char *default_path = cr_client_get_default_path ();

      /* The default repository by its name is still the one created
       * with its sample on first use */
      if (path != NULL && (*path == '\0' || g_str_equal (path, default_path)))
        g_clear_pointer (&path, g_free);
      cr_window_open_local (window, path);
    }
  else if (g_str_equal (mode, "system"))
    cr_window_connect_remote (window, CR_CLIENT_MODE_SYSTEM, FALSE);
  else if (g_str_equal (mode, "session"))
    cr_window_connect_remote (window, CR_CLIENT_MODE_SESSION, FALSE);
  else
    cr_window_connect_auto (window);
}

/* The window to use: the active one, or a new one on the initial target */
static CrWindow *
ensure_window (CrApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr (GVariant) target = NULL;
  CrWindow *window;

  if (CR_IS_WINDOW (active))
    return CR_WINDOW (active);

  target = g_steal_pointer (&self->initial_target);
  window = new_window (self);
  window_open_target (window, target);
  if (self->screenshot_state != NULL)
    cr_window_set_screenshot_state (window, self->screenshot_state);
  return window;
}

/* Actions */

static void
open_target_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CrApplication *self = user_data;
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* A second start with --repository, --system or --session: open that
   * in the window (a busy window keeps what it has, and says why). */
  if (CR_IS_WINDOW (active))
    {
      window_open_target (CR_WINDOW (active), parameter);
      gtk_window_present (active);
      return;
    }
  g_clear_pointer (&self->initial_target, g_variant_unref);
  self->initial_target = g_variant_ref (parameter);
  ensure_window (self);
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CrApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *const developers[] = { "The cimrepo developers", NULL };
  GtkWidget *about;

  about = g_object_new (GTK_TYPE_ABOUT_DIALOG,
                        "transient-for", parent,
                        "modal", TRUE,
                        "program-name", _("cimrepo Manager"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Back up, restore and pause a CIM object repository"),
                        "website", CR_WEBSITE,
                        "website-label", _("Website"),
                        "copyright", _("© The cimrepo developers"),
                        "license-type", GTK_LICENSE_LGPL_2_1,
                        "authors", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        /* Installed to hicolor, and in the app's resources */
                        "logo-icon-name", CR_APPLICATION_ID,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CrApplication *self = user_data;
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Each window may ask first (a pause it holds); it quits the
   * application by closing, when it is the last one. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "open-target", open_target_action, TARGET_TYPE, NULL, NULL, { 0 } },
};

/* GApplication */

static void
cr_application_startup (GApplication *application)
{
  CrApplication *self = CR_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.backup", { "<Control>b", NULL } },
    { "win.restore", { "<Control>r", NULL } },
    { "win.toggle-pause", { "<Control>p", NULL } },
    { "win.open-repository", { "<Control>o", NULL } },
    { "win.refresh", { "F5", NULL } },
    { "win.show-page('browse')", { "<Alt>2", NULL } },
    { "win.show-page('overview')", { "<Alt>1", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (cr_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (self->css, "/org/cimrepo/Manager/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (self->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  self->style_manager = cr_style_manager_new ();
  gtk_window_set_default_icon_name (CR_APPLICATION_ID);
}

static void
cr_application_activate (GApplication *application)
{
  CrApplication *self = CR_APPLICATION (application);

  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

static void
cr_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  CrApplication *self = CR_APPLICATION (application);
  CrWindow *window = ensure_window (self);

  /* One restore at a time: the first backup given. */
  if (n_files > 0)
    cr_window_restore_from_file (window, files[0]);
  gtk_window_present (GTK_WINDOW (window));
}

static int
cr_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  CrApplication *self = CR_APPLICATION (application);
  g_autoptr (GError) error = NULL;
  g_autofree char *repository = NULL;
  const char *screenshot_state = NULL;
  gboolean system = FALSE, session = FALSE, version = FALSE;
  GVariant *target = NULL;

  g_variant_dict_lookup (options, "version", "b", &version);
  if (version)
    {
      g_print ("cimrepo-manager %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "repository", "^ay", &repository);
  g_variant_dict_lookup (options, "system", "b", &system);
  g_variant_dict_lookup (options, "session", "b", &session);
  if ((repository != NULL) + system + session > 1)
    {
      g_printerr ("cimrepo-manager: %s\n", _("Give only one of --repository, --system and --session"));
      return 2;
    }
  if (g_variant_dict_lookup (options, "screenshot-state", "&s", &screenshot_state))
    {
      if (!g_strv_contains (screenshot_states, screenshot_state))
        {
          g_printerr ("cimrepo-manager: unknown screenshot state “%s”\n", screenshot_state);
          return 2;
        }
      self->screenshot_state = g_strdup (screenshot_state);
    }

  if (repository != NULL)
    {
      g_autofree char *absolute = g_canonicalize_filename (repository, NULL);
      target = g_variant_new ("(s^ay)", "local", absolute);
    }
  else if (system)
    target = g_variant_new ("(s^ay)", "system", "");
  else if (session)
    target = g_variant_new ("(s^ay)", "session", "");

  if (target == NULL)
    return -1;
  g_variant_ref_sink (target);
  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("cimrepo-manager: %s\n", error->message);
      g_variant_unref (target);
      return 1;
    }
  if (g_application_get_is_remote (application))
    {
      g_action_group_activate_action (G_ACTION_GROUP (application), "open-target", target);
      g_variant_unref (target);
      return 0;
    }
  self->initial_target = target;
  return -1;
}

/* GObject */

static void
cr_application_dispose (GObject *object)
{
  CrApplication *self = CR_APPLICATION (object);

  if (self->css != NULL)
    gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (self->css));
  g_clear_object (&self->css);
  g_clear_object (&self->style_manager);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->initial_target, g_variant_unref);
  G_OBJECT_CLASS (cr_application_parent_class)->dispose (object);
}

static void
cr_application_finalize (GObject *object)
{
  CrApplication *self = CR_APPLICATION (object);

  g_free (self->screenshot_state);
  G_OBJECT_CLASS (cr_application_parent_class)->finalize (object);
}

static void
cr_application_class_init (CrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cr_application_dispose;
  object_class->finalize = cr_application_finalize;
  app_class->startup = cr_application_startup;
  app_class->activate = cr_application_activate;
  app_class->open = cr_application_open;
  app_class->handle_local_options = cr_application_handle_local_options;

  cr_register_resource ();
}

static void
cr_application_init (CrApplication *self)
{
  static const GOptionEntry entries[] = {
    { "repository", 'r', 0, G_OPTION_ARG_FILENAME, NULL, N_("Open the repository file PATH (local mode)"), N_("PATH") },
    { "system", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Connect to the system repository (the cimrepod service)"), NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Connect to a cimrepod service on the session bus"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    /* For build-aux/screenshots: drive the window to a state. */
    { "screenshot-state", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
    { NULL }
  };
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[BACKUP-FILE]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Back up, restore and pause a CIM object repository. A backup file given "
                                              "as argument is offered for restore."));

  /* Run from the build tree without the schema, the window size is
   * simply not remembered. */
  schema = source != NULL ? g_settings_schema_source_lookup (source, CR_APPLICATION_ID, TRUE) : NULL;
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_debug ("The GSettings schema %s is not installed; the window size is not remembered", CR_APPLICATION_ID);
}

CrApplication *
cr_application_new (void)
{
  return g_object_new (CR_TYPE_APPLICATION,
                       "application-id", CR_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * cr_application_get_settings:
 *
 * Returns: (nullable) (transfer none): the app's settings, or %NULL
 *   when the schema is not installed
 */
GSettings *
cr_application_get_settings (CrApplication *self)
{
  g_return_val_if_fail (CR_IS_APPLICATION (self), NULL);
  return self->settings;
}
