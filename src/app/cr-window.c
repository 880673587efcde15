/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cr-browser.h"
#include "cr-connection-item.h"
#include "cr-error-dialog.h"
#include "cr-format.h"
#include "cr-restore-dialog.h"
#include "cr-service-probe.h"
#include "cr-window-private.h"

/*
 * CrWindow: one repository, through one CrClient.
 *
 * Everything the window shows follows the client's state properties and
 * its connections-changed signal, which the client notifies in this
 * thread whoever changed the repository; the window never polls. Every
 * repository call is asynchronous, with the window's cancellable, which
 * dispose cancels; callbacks hold a reference and return at once when it
 * is cancelled.
 *
 * One long operation at a time runs from the window (a backup, the
 * verification of a backup, a restore), with the progress area at the
 * bottom and its own cancellable.
 *
 * Test hooks: when CIMREPO_MANAGER_TEST_BACKUP_FILE or
 * CIMREPO_MANAGER_TEST_RESTORE_FILE is set, Back Up… and Restore… use
 * that path instead of asking with a file chooser (a portal dialog,
 * which tests cannot drive).
 */

typedef enum {
  OPERATION_NONE,
  OPERATION_BACKUP,
  OPERATION_VERIFY,
  OPERATION_RESTORE,
} Operation;

typedef enum {
  TARGET_NONE,
  TARGET_AUTO,
  TARGET_LOCAL,
  TARGET_SYSTEM,
  TARGET_SESSION,
} Target;

typedef enum {
  NOTICE_INFO,
  NOTICE_SUCCESS,
  NOTICE_WARNING,
} NoticeKind;

struct _CrWindow {
  GtkApplicationWindow parent_instance;

  /* Template children */
  GtkWidget *backup_button;
  GtkWidget *restore_button;
  GtkWidget *menu_button;
  GtkWidget *pause_button;
  GtkWidget *lock_image;
  GtkWidget *busy_spinner;
  GtkStack *title_stack;
  GtkRevealer *banner_revealer;
  GtkWidget *banner;
  GtkImage *banner_icon;
  GtkLabel *banner_label;
  GtkWidget *banner_button;
  GtkRevealer *notice_revealer;
  GtkImage *notice_icon;
  GtkLabel *notice_label;
  GtkStack *main_stack;
  GtkSpinner *loading_spinner;
  GtkLabel *loading_label;
  GtkImage *error_icon;
  GtkLabel *error_title;
  GtkLabel *error_description;
  GtkWidget *error_local_button;
  GtkStack *pages_stack;
  GtkImage *location_icon;
  GtkLabel *heading_title;
  GtkLabel *heading_subtitle;
  GtkLabel *state_badge;
  GtkLabel *location_value;
  GtkLabel *mode_value;
  GtkLabel *state_value;
  GtkLabel *size_value;
  GtkLabel *schema_value;
  GtkLabel *namespaces_value;
  GtkLabel *classes_value;
  GtkLabel *instances_value;
  GtkLabel *last_backup_value;
  GtkLabel *connections_count_label;
  GtkStack *connections_stack;
  GtkColumnView *connections_view;
  CrBrowser *browser;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_title;
  GtkProgressBar *progress_bar;
  GtkLabel *progress_label;

  GCancellable *cancellable; /* everything the window started */
  CrClient *client;
  GListStore *connections; /* CrConnectionItem */

  /* What the window opens, and the attempt under way */
  Target target;
  char *target_path;
  GCancellable *open_cancellable;

  /* Refreshes: one call at a time, another one after it if asked */
  gboolean summary_loading;
  gboolean summary_again;
  guint summary_serial;
  gint64 last_backup_time;
  gboolean connections_loading;
  gboolean connections_again;

  /* The long operation */
  Operation operation;
  GCancellable *operation_cancellable;
  GFile *operation_file;
  gint64 operation_started;
  GApplication *held_application;
  guint inhibit_cookie;

  gboolean pause_call_pending;
  gboolean close_confirmed;
  guint countdown_source;
  guint notice_source;

  GtkNativeDialog *chooser;
  GtkWindow *restore_dialog;
  GtkWindow *error_dialog;
  GtkWindow *quit_dialog;
  GFile *pending_restore; /* asked for before the repository was open */

  char *screenshot_state;
};

G_DEFINE_FINAL_TYPE (CrWindow, cr_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How long a notice stays */
#define NOTICE_SECONDS 10

static void update_state (CrWindow *self);
static void refresh_overview (CrWindow *self);
static void refresh_connections (CrWindow *self);
static void screenshot_client_ready (CrWindow *self);
static void screenshot_state_reached (CrWindow *self, GtkWidget *widget);
static void screenshot_backing_up (CrWindow *self, guint64 size);

static gboolean
is_cancelled_error (const GError *error)
{
  return g_error_matches (error, CR_ERROR, CR_ERROR_CALL_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
window_gone (CrWindow *self)
{
  return g_cancellable_is_cancelled (self->cancellable);
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return g_filename_display_name (basename != NULL ? basename : "?");
}

static void
set_label (GtkLabel *label, const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
}

/* Notices: a line under the header bar that says how something ended */

static gboolean
notice_timeout_cb (gpointer data)
{
  CrWindow *self = data;

  self->notice_source = 0;
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
show_notice (CrWindow *self, NoticeKind kind, const char *text)
{
  static const char *const icons[] = { "dialog-information-symbolic", "emblem-ok-symbolic",
                                       "dialog-warning-symbolic" };

  gtk_image_set_from_icon_name (self->notice_icon, icons[kind]);
  gtk_label_set_text (self->notice_label, text);
  gtk_widget_set_css_classes (gtk_widget_get_parent (GTK_WIDGET (self->notice_label)),
                              (const char *[]){ "cr-notice", kind == NOTICE_WARNING ? "warning" : "info", NULL });
  gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
  g_clear_handle_id (&self->notice_source, g_source_remove);
  self->notice_source = g_timeout_add_seconds (NOTICE_SECONDS, notice_timeout_cb, self);
  /* Screen readers hear it as they would a toast */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->notice_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
hide_notice (CrWindow *self)
{
  g_clear_handle_id (&self->notice_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

static void
send_notification (CrWindow *self, const char *id, const char *title, const char *body)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GNotification) notification = NULL;

  if (app == NULL || !g_application_get_is_registered (app))
    return;
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_NORMAL);
  g_application_send_notification (app, id, notification);
}

/* Dialogs */

static void
error_dialog_destroy_cb (CrWindow *self, GtkWidget *dialog)
{
  if (self->error_dialog == GTK_WINDOW (dialog))
    self->error_dialog = NULL;
}

static void
show_error (CrWindow *self, const char *title, const char *outcome, const GError *error)
{
  GtkWidget *dialog;

  if (self->error_dialog != NULL)
    gtk_window_destroy (self->error_dialog);
  dialog = cr_error_dialog_new (GTK_WINDOW (self), title, outcome, error);
  self->error_dialog = GTK_WINDOW (dialog);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (error_dialog_destroy_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* State: the header bar, the banner, the actions */

static gboolean
client_paused (CrWindow *self)
{
  return self->client != NULL && cr_client_get_paused (self->client);
}

static gboolean
client_holds_pause (CrWindow *self)
{
  return self->client != NULL && cr_client_get_holds_pause (self->client);
}

static gboolean
client_backing_up (CrWindow *self)
{
  return self->operation == OPERATION_BACKUP ||
         (self->client != NULL && cr_client_get_backup_in_progress (self->client));
}

static gboolean
client_restoring (CrWindow *self)
{
  return self->operation == OPERATION_RESTORE ||
         (self->client != NULL && cr_client_get_restore_in_progress (self->client));
}

/* Why a restore cannot start now, or NULL. The engine's rules (R9 and
 * its gate): not while paused, nor during a backup or another restore. */
static const char *
restore_blocked_reason (CrWindow *self)
{
  if (self->client == NULL)
    return _("No repository is open.");
  if (client_restoring (self))
    return _("A restore is in progress.");
  if (client_paused (self))
    return _("The repository is paused. Resume it before restoring.");
  if (client_backing_up (self))
    return _("A backup is in progress. Restore after it has finished.");
  return NULL;
}

static char *
paused_by_text (CrWindow *self)
{
  const char *holder = cr_client_get_paused_by (self->client);

  return g_strdup (holder != NULL && *holder != '\0' ? holder : _("another client"));
}

static char *
banner_pause_text (CrWindow *self)
{
  g_autofree char *holder = paused_by_text (self);
  g_autofree char *since = cr_format_clock_time (cr_client_get_paused_since (self->client));
  gint64 resume_at = cr_client_get_auto_resume_at (self->client);

  if (resume_at > 0)
    {
      gint64 left = (resume_at - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
      g_autofree char *countdown = cr_format_countdown (left);

      /* Translators: who paused the repository, since when (a time of
       * day), and the time left until it resumes by itself (14:32) */
      return g_strdup_printf (_("Paused by %s since %s. Writes wait. Resumes automatically in %s."), holder, since,
                              countdown);
    }
  /* Translators: who paused the repository and since when */
  return g_strdup_printf (_("Paused by %s since %s. Writes wait."), holder, since);
}

static gboolean
countdown_cb (gpointer data)
{
  CrWindow *self = data;

  if (!client_paused (self))
    {
      self->countdown_source = 0;
      return G_SOURCE_REMOVE;
    }
  {
    g_autofree char *text = banner_pause_text (self);
    gtk_label_set_text (self->banner_label, text);
  }
  return G_SOURCE_CONTINUE;
}

static void
update_banner (CrWindow *self)
{
  g_autofree char *text = NULL;
  const char *style = "info";
  const char *icon = "changes-prevent-symbolic";
  gboolean paused = client_paused (self);

  if (paused)
    {
      text = banner_pause_text (self);
      style = "paused";
      if (self->countdown_source == 0)
        self->countdown_source = g_timeout_add_seconds (1, countdown_cb, self);
    }
  else
    {
      g_clear_handle_id (&self->countdown_source, g_source_remove);
      if (self->client != NULL && cr_client_get_restore_in_progress (self->client) &&
          self->operation != OPERATION_RESTORE)
        {
          text = g_strdup (_("Another client is restoring the repository. It is back in a moment; "
                             "its clients then connect again."));
          icon = "document-revert-symbolic";
        }
      else if (self->client != NULL && cr_client_get_backup_in_progress (self->client) &&
               self->operation != OPERATION_BACKUP)
        {
          text = g_strdup (_("Another client is backing up the repository. Writes go on; pausing and "
                             "restoring wait until it has finished."));
          icon = "document-save-symbolic";
        }
    }

  if (text != NULL)
    {
      gtk_label_set_text (self->banner_label, text);
      gtk_image_set_from_icon_name (self->banner_icon, icon);
      gtk_widget_set_css_classes (self->banner, (const char *[]){ "cr-banner", style, NULL });
    }
  gtk_widget_set_visible (self->banner_button, paused);
  /* Disabled for a pause that another client holds: say why */
  gtk_widget_set_tooltip_text (self->banner_button,
                               paused && !client_holds_pause (self)
                                 ? _("Only the client that paused the repository can resume it")
                                 : NULL);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

static void
update_header (CrWindow *self)
{
  gboolean paused = client_paused (self);
  gboolean holds = client_holds_pause (self);
  gboolean busy = self->operation != OPERATION_NONE || client_backing_up (self) || client_restoring (self);

  gtk_widget_set_visible (self->lock_image, paused);
  if (paused)
    {
      g_autofree char *holder = paused_by_text (self);
      g_autofree char *since = cr_format_clock_time (cr_client_get_paused_since (self->client));
      /* Translators: who paused the repository and since when */
      g_autofree char *tooltip = g_strdup_printf (_("Paused by %s since %s"), holder, since);

      gtk_widget_set_tooltip_text (self->lock_image, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->lock_image), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      tooltip, -1);
    }

  /* The toggle shows whether the repository is paused, by anyone; it
   * works for the one who holds the pause, or when nobody does. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->pause_button), paused);
  if (paused && holds)
    gtk_widget_set_tooltip_text (self->pause_button, _("Resume the repository (Ctrl+P)"));
  else if (paused)
    gtk_widget_set_tooltip_text (self->pause_button, _("Paused by another client: only they can resume it"));
  else
    gtk_widget_set_tooltip_text (self->pause_button, _("Pause the repository (Ctrl+P)"));

  gtk_widget_set_visible (self->busy_spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->busy_spinner), busy);
}

static const char *
state_text (CrWindow *self, const char **out_style)
{
  const char *style = "ready";
  const char *text = _("Ready");

  if (client_restoring (self))
    {
      style = "busy";
      text = _("Restoring");
    }
  else if (client_paused (self))
    {
      style = "paused";
      text = _("Paused");
    }
  else if (client_backing_up (self))
    {
      style = "busy";
      text = _("Backing up");
    }
  if (out_style != NULL)
    *out_style = style;
  return text;
}

static void
update_actions (CrWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean open = self->client != NULL;
  gboolean idle = open && self->operation == OPERATION_NONE;
  gboolean paused = client_paused (self);
  gboolean holds = client_holds_pause (self);
  gboolean backing_up = client_backing_up (self);
  gboolean restoring = client_restoring (self);
  gboolean can_pause = idle && !paused && !backing_up && !restoring && !self->pause_call_pending;
  gboolean can_resume = open && paused && holds && !self->pause_call_pending;

  /* A backup may run while paused (it only reads); not during a restore
   * or another backup. */
  gtk_widget_action_set_enabled (widget, "win.backup", idle && !backing_up && !restoring);
  gtk_widget_action_set_enabled (widget, "win.restore", idle && restore_blocked_reason (self) == NULL);
  gtk_widget_action_set_enabled (widget, "win.toggle-pause", can_pause || can_resume);
  gtk_widget_action_set_enabled (widget, "win.resume", can_resume);
  gtk_widget_action_set_enabled (widget, "win.cancel-operation",
                                 self->operation != OPERATION_NONE && self->operation_cancellable != NULL);
  gtk_widget_action_set_enabled (widget, "win.refresh", open && !restoring);
  /* Leaving this repository would end a pause we hold or an operation */
  gtk_widget_action_set_enabled (widget, "win.open-repository", self->operation == OPERATION_NONE && !holds);
  gtk_widget_action_set_enabled (widget, "win.connect-system", self->operation == OPERATION_NONE && !holds);
  gtk_widget_action_set_enabled (widget, "win.retry", self->client == NULL && self->target != TARGET_NONE);
  gtk_widget_action_set_enabled (widget, "win.open-default", self->operation == OPERATION_NONE);
  gtk_widget_action_set_enabled (widget, "win.show-page", open);

  if (self->restore_dialog != NULL)
    cr_restore_dialog_set_blocked (CR_RESTORE_DIALOG (self->restore_dialog), restore_blocked_reason (self));
  if (self->browser != NULL)
    {
      const char *reason = NULL;

      if (paused)
        reason = _("The repository is paused: changes wait until it is resumed.");
      else if (restoring)
        reason = _("The repository is being restored.");
      cr_browser_set_writable (self->browser, open && reason == NULL, reason);
    }
}

static void
update_state (CrWindow *self)
{
  const char *style = NULL;
  const char *text;

  if (self->banner_label == NULL) /* disposed */
    return;
  update_header (self);
  update_banner (self);
  text = state_text (self, &style);
  gtk_label_set_text (self->state_value, self->client != NULL ? text : "");
  gtk_label_set_text (self->state_badge, text);
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_badge), (const char *[]){ "cr-badge", style, NULL });
  update_actions (self);
}

/* The client */

static void
client_notify_cb (CrWindow *self, GParamSpec *pspec, CrClient *client)
{
  const char *name = g_param_spec_get_name (pspec);

  if (client != self->client)
    return;
  update_state (self);
  /* Size, counts and the last backup change with these */
  if (g_str_equal (name, "restore-in-progress") && !cr_client_get_restore_in_progress (client))
    {
      refresh_overview (self);
      refresh_connections (self);
      cr_browser_reload (self->browser);
    }
  else if ((g_str_equal (name, "backup-in-progress") && !cr_client_get_backup_in_progress (client)) ||
           g_str_equal (name, "last-backup-time"))
    refresh_overview (self);
}

static void
client_connections_changed_cb (CrWindow *self, CrClient *client)
{
  if (client == self->client)
    refresh_connections (self);
}

/* Overview */

static void
fill_overview (CrWindow *self, const CrRepositorySummary *summary)
{
  CrClientMode mode = cr_client_get_mode (self->client);
  g_autofree char *default_path = cr_client_get_default_path ();
  g_autofree char *size = g_format_size (summary->size);
  g_autofree char *schema = g_strdup_printf ("%u", summary->schema_version);
  g_autofree char *namespaces = cr_format_count (summary->namespace_count);
  g_autofree char *classes = cr_format_count (summary->class_count);
  g_autofree char *instances = cr_format_count (summary->instance_count);
  g_autofree char *last_backup = NULL;
  const char *location = summary->location != NULL ? summary->location : cr_client_get_location (self->client);
  g_autofree char *display_location = location != NULL ? g_filename_display_name (location) : g_strdup ("");

  switch (mode)
    {
    case CR_CLIENT_MODE_SYSTEM:
      set_label (self->location_value, display_location);
      set_label (self->mode_value, _("System service (cimrepod)"));
      set_label (self->heading_title, _("System Repository"));
      gtk_image_set_from_icon_name (self->location_icon, "network-server-symbolic");
      break;
    case CR_CLIENT_MODE_SESSION:
      set_label (self->location_value, display_location);
      set_label (self->mode_value, _("Session service (cimrepod --session)"));
      set_label (self->heading_title, _("Session Repository"));
      gtk_image_set_from_icon_name (self->location_icon, "network-server-symbolic");
      break;
    case CR_CLIENT_MODE_LOCAL:
    default:
      set_label (self->location_value, display_location);
      set_label (self->mode_value, _("Local file, opened by this app"));
      if (g_strcmp0 (location, default_path) == 0)
        set_label (self->heading_title, _("Your Repository"));
      else
        {
          g_autofree char *basename = g_path_get_basename (display_location);
          set_label (self->heading_title, basename);
        }
      gtk_image_set_from_icon_name (self->location_icon, "drive-harddisk-symbolic");
      break;
    }
  set_label (self->heading_subtitle, display_location);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->heading_subtitle), display_location);

  set_label (self->size_value, size);
  set_label (self->schema_value, schema);
  set_label (self->namespaces_value, namespaces);
  set_label (self->classes_value, classes);
  set_label (self->instances_value, instances);
  self->last_backup_time = summary->last_backup_time;
  if (summary->last_backup_time > 0)
    last_backup = cr_format_date_time (summary->last_backup_time, g_get_real_time ());
  set_label (self->last_backup_value, last_backup != NULL ? last_backup : _("Never"));
}

static void
summary_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepositorySummary) summary = cr_client_get_summary_finish (CR_CLIENT (source), result, &error);

  self->summary_loading = FALSE;
  if (window_gone (self))
    return;
  if (CR_CLIENT (source) == self->client)
    {
      if (summary != NULL)
        {
          fill_overview (self, summary);
          self->summary_serial++;
          if (self->screenshot_state != NULL && g_str_equal (self->screenshot_state, "backing-up"))
            screenshot_backing_up (self, summary->size);
        }
      else if (!is_cancelled_error (error))
        /* During a restore, say; the end of the restore refreshes again. */
        g_debug ("Could not read the repository's summary: %s", error->message);
    }
  if (self->summary_again)
    {
      self->summary_again = FALSE;
      refresh_overview (self);
    }
}

static void
refresh_overview (CrWindow *self)
{
  if (self->client == NULL)
    return;
  if (self->summary_loading)
    {
      self->summary_again = TRUE;
      return;
    }
  self->summary_loading = TRUE;
  cr_client_get_summary_async (self->client, self->cancellable, summary_cb, g_object_ref (self));
}

/* Connections */

static void
set_connections (CrWindow *self, GPtrArray *connections)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = connections != NULL ? connections->len : 0;
  g_autofree char *count = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, cr_connection_item_new (g_ptr_array_index (connections, i)));
  g_list_store_splice (self->connections, 0, g_list_model_get_n_items (G_LIST_MODEL (self->connections)),
                       items->pdata, items->len);
  gtk_stack_set_visible_child_name (self->connections_stack, n > 0 ? "list" : "empty");
  if (n > 0)
    count = g_strdup_printf ("%u", n);
  set_label (self->connections_count_label, count);

  if (self->restore_dialog != NULL && connections != NULL)
    cr_restore_dialog_set_connections (CR_RESTORE_DIALOG (self->restore_dialog), connections);
}

static void
connections_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) connections = cr_client_list_connections_finish (CR_CLIENT (source), result, &error);

  self->connections_loading = FALSE;
  if (window_gone (self))
    return;
  if (CR_CLIENT (source) == self->client)
    {
      if (connections != NULL)
        {
          set_connections (self, connections);
          if (connections->len > 0 && self->screenshot_state != NULL && g_str_equal (self->screenshot_state, "idle"))
            screenshot_state_reached (self, GTK_WIDGET (self));
        }
      else if (!is_cancelled_error (error))
        g_debug ("Could not list the connections: %s", error->message);
    }
  if (self->connections_again)
    {
      self->connections_again = FALSE;
      refresh_connections (self);
    }
}

static void
refresh_connections (CrWindow *self)
{
  if (self->client == NULL)
    return;
  if (self->connections_loading)
    {
      self->connections_again = TRUE;
      return;
    }
  self->connections_loading = TRUE;
  cr_client_list_connections_async (self->client, self->cancellable, connections_cb, g_object_ref (self));
}

/* Opening a repository */

/**
 * cr_window_set_client:
 * @client: (nullable): the repository to show
 *
 * Shows @client's repository. Opening one with cr_window_open_local()
 * and the like ends here; tests give a client of their own.
 */
void
cr_window_set_client (CrWindow *self, CrClient *client)
{
  g_return_if_fail (CR_IS_WINDOW (self));
  g_return_if_fail (client == NULL || CR_IS_CLIENT (client));

  if (self->client == client)
    return;
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_clear_object (&self->client);
    }
  self->summary_again = FALSE;
  self->connections_again = FALSE;
  g_list_store_remove_all (self->connections);
  gtk_stack_set_visible_child_name (self->connections_stack, "empty");
  set_label (self->connections_count_label, NULL);

  if (client != NULL)
    {
      self->client = g_object_ref (client);
      g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "connections-changed", G_CALLBACK (client_connections_changed_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_stack_set_visible_child_name (self->main_stack, "content");
      gtk_stack_set_visible_child_name (self->title_stack, "switcher");
      gtk_spinner_stop (self->loading_spinner);
      refresh_overview (self);
      refresh_connections (self);
    }
  cr_browser_set_client (self->browser, client);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);

  if (client != NULL)
    {
      if (self->pending_restore != NULL)
        {
          g_autoptr (GFile) file = g_steal_pointer (&self->pending_restore);
          cr_window_restore_from_file (self, file);
        }
      screenshot_client_ready (self);
    }
}

CrClient *
cr_window_get_client (CrWindow *self)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), NULL);
  return self->client;
}

typedef struct {
  CrWindow *window;
  GCancellable *cancellable;
  Target target;
  gboolean fall_back_to_local;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_object_unref (data->window);
  g_object_unref (data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

static OpenData *
begin_open (CrWindow *self, Target target, const char *path, const char *loading_text)
{
  OpenData *data;

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  if (target != TARGET_AUTO || self->target == TARGET_NONE)
    {
      self->target = target;
      g_free (self->target_path);
      self->target_path = g_strdup (path);
    }

  cr_window_set_client (self, NULL);
  gtk_label_set_text (self->loading_label, loading_text);
  gtk_spinner_start (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  gtk_stack_set_visible_child_name (self->title_stack, "title");
  update_actions (self);

  data = g_new0 (OpenData, 1);
  data->window = g_object_ref (self);
  data->cancellable = g_object_ref (self->open_cancellable);
  data->target = target;
  return data;
}

static void
show_open_error (CrWindow *self, Target target, const GError *error)
{
  g_autoptr (GString) description = g_string_new (error->message);
  const char *hint = NULL;
  const char *title;
  const char *icon = "dialog-error-symbolic";

  switch (target)
    {
    case TARGET_SYSTEM:
      title = _("The System Repository Is Not Reachable");
      hint = _("Make sure that the cimrepod service is installed and running, for example with “systemctl status cimrepod”.");
      icon = "network-offline-symbolic";
      break;
    case TARGET_SESSION:
      title = _("The Session Repository Is Not Reachable");
      hint = _("Start it with “cimrepod --session”, then try again.");
      icon = "network-offline-symbolic";
      break;
    case TARGET_LOCAL:
    case TARGET_AUTO:
    case TARGET_NONE:
    default:
      if (g_error_matches (error, CR_ERROR, CR_ERROR_REPOSITORY_LOCKED))
        {
          title = _("The Repository Is in Use");
          icon = "changes-prevent-symbolic";
        }
      else
        title = _("Could Not Open the Repository");
      hint = cr_error_dialog_get_hint (error);
      break;
    }
  if (!g_str_has_suffix (description->str, "."))
    g_string_append_c (description, '.');
  if (hint != NULL)
    g_string_append_printf (description, "\n\n%s", hint);

  gtk_image_set_from_icon_name (self->error_icon, icon);
  gtk_label_set_text (self->error_title, title);
  gtk_label_set_text (self->error_description, description->str);
  gtk_widget_set_visible (self->error_local_button, !(target == TARGET_LOCAL && self->target_path == NULL));
  gtk_spinner_stop (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  update_actions (self);
}

static void
client_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OpenData) data = user_data;
  CrWindow *self = data->window;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClient) client = cr_client_new_finish (result, &error);

  /* Another attempt, or the window, took over */
  if (g_cancellable_is_cancelled (data->cancellable) || window_gone (self))
    return;
  if (client == NULL)
    {
      if (data->fall_back_to_local)
        {
          g_autofree char *text = NULL;

          /* Translators: the reason, then what the window shows instead */
          text = g_strdup_printf (_("The system repository is not reachable (%s). Showing your own repository."),
                                  error->message);
          cr_window_open_local (self, NULL);
          show_notice (self, NOTICE_WARNING, text);
          return;
        }
      show_open_error (self, data->target, error);
      return;
    }
  cr_window_set_client (self, client);
}

/**
 * cr_window_open_local:
 * @path: (nullable): a repository file; %NULL for the user's own
 *   repository, created with sample content on first use
 *
 * Opens a repository in this process (local mode).
 */
void
cr_window_open_local (CrWindow *self, const char *path)
{
  OpenData *data;

  g_return_if_fail (CR_IS_WINDOW (self));
  if (self->operation != OPERATION_NONE)
    {
      show_notice (self, NOTICE_WARNING, _("Wait for the current operation to finish before opening another repository."));
      return;
    }
  data = begin_open (self, TARGET_LOCAL, path, _("Opening the repository…"));
  cr_client_new_local_async (path, data->cancellable, client_ready_cb, data);
}

/**
 * cr_window_connect_remote:
 * @mode: %CR_CLIENT_MODE_SYSTEM or %CR_CLIENT_MODE_SESSION
 * @fall_back_to_local: open the user's own repository if the service
 *   does not answer (and say so), rather than showing the failure
 *
 * Connects to the cimrepod service.
 */
void
cr_window_connect_remote (CrWindow *self, CrClientMode mode, gboolean fall_back_to_local)
{
  OpenData *data;

  g_return_if_fail (CR_IS_WINDOW (self));
  g_return_if_fail (mode == CR_CLIENT_MODE_SYSTEM || mode == CR_CLIENT_MODE_SESSION);
  if (self->operation != OPERATION_NONE)
    {
      show_notice (self, NOTICE_WARNING, _("Wait for the current operation to finish before opening another repository."));
      return;
    }
  data = begin_open (self, mode == CR_CLIENT_MODE_SYSTEM ? TARGET_SYSTEM : TARGET_SESSION, NULL,
                     mode == CR_CLIENT_MODE_SYSTEM ? _("Connecting to the system repository…")
                                                   : _("Connecting to the session repository…"));
  data->fall_back_to_local = fall_back_to_local;
  cr_client_new_remote_async (mode, data->cancellable, client_ready_cb, data);
}

static void
probe_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OpenData) data = user_data;
  CrWindow *self = data->window;
  g_autoptr (GError) error = NULL;
  gboolean available = cr_service_probe_finish (result, &error);

  if (g_cancellable_is_cancelled (data->cancellable) || window_gone (self))
    return;
  if (error != NULL)
    g_debug ("No system bus to look for cimrepod on: %s", error->message);
  if (available)
    cr_window_connect_remote (self, CR_CLIENT_MODE_SYSTEM, TRUE);
  else
    cr_window_open_local (self, NULL);
}

/**
 * cr_window_connect_auto:
 *
 * Opens the system repository if cimrepod is there on the system bus
 * (its name has an owner or can be activated), else the user's own.
 */
void
cr_window_connect_auto (CrWindow *self)
{
  OpenData *data;

  g_return_if_fail (CR_IS_WINDOW (self));
  data = begin_open (self, TARGET_AUTO, NULL, _("Looking for the system repository…"));
  cr_service_probe_async (G_BUS_TYPE_SYSTEM, data->cancellable, probe_cb, data);
}

/* The long operation */

static void
progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  CrWindow *self = user_data;
  g_autofree char *text = NULL;

  if (self->operation == OPERATION_NONE || self->progress_bar == NULL)
    return;
  text = cr_format_progress (done, total, g_get_monotonic_time () - self->operation_started);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN ((double) done / (double) total, 1.0));
  else
    gtk_progress_bar_pulse (self->progress_bar);
  gtk_label_set_text (self->progress_label, text);
}

static GCancellable *
begin_operation (CrWindow *self, Operation operation, GFile *file, const char *title)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  g_assert (self->operation == OPERATION_NONE);
  self->operation = operation;
  g_set_object (&self->operation_file, file);
  g_clear_object (&self->operation_cancellable);
  self->operation_cancellable = g_cancellable_new ();
  self->operation_started = g_get_monotonic_time ();

  gtk_label_set_text (self->progress_title, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->progress_label, _("Starting…"));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  hide_notice (self);

  /* The application waits for the operation to end before it quits:
   * closing the window cancels it, and the cancellation cleans up. */
  if (app != NULL)
    {
      self->held_application = g_object_ref (G_APPLICATION (app));
      g_application_hold (self->held_application);
      if (operation != OPERATION_VERIFY)
        self->inhibit_cookie = gtk_application_inhibit (app, GTK_WINDOW (self),
                                                        GTK_APPLICATION_INHIBIT_LOGOUT |
                                                          GTK_APPLICATION_INHIBIT_SUSPEND,
                                                        operation == OPERATION_BACKUP
                                                          ? _("Backing up the repository")
                                                          : _("Restoring the repository"));
    }
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return self->operation_cancellable;
}

/* Runs in every operation's callback, the window gone or not. */
static void
end_operation (CrWindow *self)
{
  if (self->held_application != NULL)
    {
      if (self->inhibit_cookie != 0)
        gtk_application_uninhibit (GTK_APPLICATION (self->held_application), self->inhibit_cookie);
      self->inhibit_cookie = 0;
      g_application_release (self->held_application);
      g_clear_object (&self->held_application);
    }
  self->operation = OPERATION_NONE;
  g_clear_object (&self->operation_cancellable);
  if (window_gone (self))
    return;
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Backup */

static void
backup_size_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, NULL);
  g_autofree char *name = file_display_name (G_FILE (source));
  g_autofree char *size = NULL;
  g_autofree char *body = NULL;
  g_autofree char *notice = NULL;

  if (window_gone (self))
    return;
  if (info != NULL)
    size = g_format_size ((guint64) g_file_info_get_size (info));
  if (size != NULL)
    {
      /* Translators: the backup file's name and its size */
      body = g_strdup_printf (_("%s, %s"), name, size);
      /* Translators: the backup file's name and its size */
      notice = g_strdup_printf (_("The repository was backed up to “%s” (%s)."), name, size);
    }
  else
    {
      body = g_strdup (name);
      notice = g_strdup_printf (_("The repository was backed up to “%s”."), name);
    }
  send_notification (self, "backup-complete", _("Backup complete"), body);
  show_notice (self, NOTICE_SUCCESS, notice);
}

static void
backup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_steal_pointer (&self->operation_file);
  gboolean ok = cr_client_backup_finish (CR_CLIENT (source), result, &error);

  end_operation (self);
  if (window_gone (self))
    return;
  if (!ok && is_cancelled_error (error))
    show_notice (self, NOTICE_INFO, _("The backup was cancelled. No file was written."));
  else if (!ok)
    show_error (self, _("The Backup Failed"), _("No backup file was written, and the repository was not changed."),
                error);
  else
    g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                             self->cancellable, backup_size_cb, g_object_ref (self));
  refresh_overview (self);
}

/**
 * cr_window_backup_to_file:
 * @file: the backup file to write
 *
 * Backs the repository up to @file, with progress, as Back Up… does
 * once a file is chosen.
 */
void
cr_window_backup_to_file (CrWindow *self, GFile *file)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  GCancellable *cancellable;

  g_return_if_fail (CR_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  if (!gtk_widget_is_sensitive (self->backup_button) && self->client != NULL)
    {
      show_notice (self, NOTICE_WARNING, _("A backup cannot start now: another operation is in progress."));
      return;
    }
  if (self->client == NULL || self->operation != OPERATION_NONE)
    return;

  name = file_display_name (file);
  /* Translators: the backup file being written */
  title = g_strdup_printf (_("Backing up to “%s”"), name);
  cancellable = begin_operation (self, OPERATION_BACKUP, file, title);
  cr_client_backup_async (self->client, file, progress_cb, self, cancellable, backup_cb, g_object_ref (self));
}

static void
add_all_files_filter (GtkFileChooser *chooser)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All Files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (chooser, filter);
}

/* Backups by their suffix and by their MIME type (where the type is
 * installed); the backup filter first, so that it is the one chosen. */
static void
add_backup_filters (GtkFileChooser *chooser)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Repository Backups"));
  gtk_file_filter_add_pattern (filter, "*.cimbak");
  gtk_file_filter_add_mime_type (filter, "application/x-cimrepo-backup");
  gtk_file_chooser_add_filter (chooser, filter);
  add_all_files_filter (chooser);
}

static void
drop_chooser (CrWindow *self)
{
  if (self->chooser == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->chooser, self);
  gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
}

static GFile *
chooser_take_file (CrWindow *self, int response)
{
  GFile *file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  drop_chooser (self);
  return file;
}

static void
backup_chooser_response_cb (CrWindow *self, int response, GtkNativeDialog *chooser)
{
  g_autoptr (GFile) file = chooser_take_file (self, response);
  g_autofree char *basename = NULL;

  if (file == NULL)
    return;
  /* A name typed without an extension gets the backup's */
  basename = g_file_get_basename (file);
  if (basename != NULL && strchr (basename, '.') == NULL)
    {
      g_autoptr (GFile) parent = g_file_get_parent (file);
      g_autofree char *with_suffix = g_strconcat (basename, ".cimbak", NULL);

      if (parent != NULL)
        {
          g_object_unref (file);
          file = g_file_get_child (parent, with_suffix);
        }
    }
  cr_window_backup_to_file (self, file);
}

static void
backup_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  const char *hook = g_getenv (CR_WINDOW_TEST_BACKUP_FILE_ENV);
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (hook != NULL && *hook != '\0')
    {
      g_autoptr (GFile) file = g_file_new_for_path (hook);
      cr_window_backup_to_file (self, file);
      return;
    }

  drop_chooser (self);
  chooser = gtk_file_chooser_native_new (_("Back Up Repository"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Back Up"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = cr_format_backup_name (g_get_real_time ());
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  add_backup_filters (GTK_FILE_CHOOSER (chooser));
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (backup_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

/* Restore */

static void
restore_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_steal_pointer (&self->operation_file);
  gboolean ok = cr_client_restore_finish (CR_CLIENT (source), result, &error);
  g_autofree char *name = NULL;

  end_operation (self);
  if (window_gone (self))
    return;
  name = file_display_name (file);
  if (ok)
    {
      /* Translators: the backup file that was restored */
      g_autofree char *text = g_strdup_printf (_("The repository was restored from “%s”. Its clients were "
                                                 "disconnected; the previous repository is kept as an undo point."),
                                               name);
      show_notice (self, NOTICE_SUCCESS, text);
      send_notification (self, "restore-complete", _("Restore complete"), name);
    }
  else if (g_error_matches (error, CR_ERROR, CR_ERROR_ACCESS_DENIED))
    show_notice (self, NOTICE_WARNING, _("Not authorised: nothing was changed"));
  else if (is_cancelled_error (error))
    show_notice (self, NOTICE_INFO, _("The restore was cancelled. The repository was not changed."));
  else
    show_error (self, _("The Restore Failed"), _("The repository was left as it was before the restore."), error);

  refresh_overview (self);
  refresh_connections (self);
  cr_browser_reload (self->browser);
}

static void
restore_dialog_response_cb (CrWindow *self, int response, CrRestoreDialog *dialog)
{
  g_autoptr (GFile) file = g_object_ref (cr_restore_dialog_get_file (dialog));
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  GCancellable *cancellable;

  /* The dialog goes by itself */
  self->restore_dialog = NULL;
  update_actions (self);
  if (response != GTK_RESPONSE_ACCEPT || self->client == NULL || self->operation != OPERATION_NONE)
    return;

  name = file_display_name (file);
  /* Translators: the backup file being restored */
  title = g_strdup_printf (_("Restoring from “%s”"), name);
  cancellable = begin_operation (self, OPERATION_RESTORE, file, title);
  /* The only place that asks for the force-shutdown flag: the user has
   * seen which clients it disconnects, and confirmed. */
  cr_client_restore_async (self->client, file, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, progress_cb, self, cancellable,
                           restore_cb, g_object_ref (self));
}

static void
restore_dialog_map_cb (CrWindow *self, GtkWidget *dialog)
{
  if (self->screenshot_state != NULL && g_str_equal (self->screenshot_state, "restore-dialog"))
    screenshot_state_reached (self, dialog);
}

typedef struct {
  CrWindow *window;
  GFile *file;
  CrBackupInfo *info;
} ConfirmData;

static void
confirm_data_free (ConfirmData *data)
{
  g_object_unref (data->window);
  g_object_unref (data->file);
  g_object_unref (data->info);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfirmData, confirm_data_free)

static void
confirm_connections_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ConfirmData) data = user_data;
  CrWindow *self = data->window;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) connections = cr_client_list_connections_finish (CR_CLIENT (source), result, &error);
  CrRestoreDialog *dialog;

  if (window_gone (self) || CR_CLIENT (source) != self->client)
    return;
  if (connections == NULL)
    {
      /* The dialog must name every client it disconnects: without the
       * list, no confirmation. */
      show_error (self, _("The Restore Cannot Start"), _("Nothing was changed."), error);
      return;
    }
  set_connections (self, connections);
  if (self->restore_dialog != NULL)
    gtk_window_destroy (self->restore_dialog);
  dialog = cr_restore_dialog_new (GTK_WINDOW (self), data->file, data->info);
  cr_restore_dialog_set_connections (dialog, connections);
  self->restore_dialog = GTK_WINDOW (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_dialog_response_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "map", G_CALLBACK (restore_dialog_map_cb), self, G_CONNECT_SWAPPED);
  update_actions (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
verify_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_steal_pointer (&self->operation_file);
  g_autoptr (CrBackupInfo) info = cr_client_verify_backup_finish (CR_CLIENT (source), result, &error);
  ConfirmData *data;

  end_operation (self);
  if (window_gone (self))
    return;
  if (info == NULL)
    {
      if (!is_cancelled_error (error))
        show_error (self, _("This Backup Cannot Be Restored"), _("Nothing was changed, and no client was disconnected."),
                    error);
      return;
    }
  if (CR_CLIENT (source) != self->client)
    return;

  /* Now, and not before, the list of who would be disconnected */
  data = g_new0 (ConfirmData, 1);
  data->window = g_object_ref (self);
  data->file = g_object_ref (file);
  data->info = g_object_ref (info);
  cr_client_list_connections_async (self->client, self->cancellable, confirm_connections_cb, data);
}

/**
 * cr_window_restore_from_file:
 * @file: a backup file
 *
 * The restore flow once a file is chosen: verify @file completely,
 * refuse it if it is bad, else ask for confirmation, naming every client
 * that the restore disconnects. Before the repository is open, the flow
 * waits for it.
 */
void
cr_window_restore_from_file (CrWindow *self, GFile *file)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  const char *blocked;
  GCancellable *cancellable;

  g_return_if_fail (CR_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->client == NULL)
    {
      g_set_object (&self->pending_restore, file);
      return;
    }
  if (self->operation != OPERATION_NONE)
    {
      show_notice (self, NOTICE_WARNING, _("Wait for the current operation to finish before restoring."));
      return;
    }
  blocked = restore_blocked_reason (self);
  if (blocked != NULL)
    {
      show_notice (self, NOTICE_WARNING, blocked);
      return;
    }

  name = file_display_name (file);
  /* Translators: the backup file being checked before a restore */
  title = g_strdup_printf (_("Checking “%s”"), name);
  cancellable = begin_operation (self, OPERATION_VERIFY, file, title);
  cr_client_verify_backup_async (self->client, file, progress_cb, self, cancellable, verify_cb, g_object_ref (self));
}

static void
restore_chooser_response_cb (CrWindow *self, int response, GtkNativeDialog *chooser)
{
  g_autoptr (GFile) file = chooser_take_file (self, response);

  if (file != NULL)
    cr_window_restore_from_file (self, file);
}

static void
restore_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  const char *hook = g_getenv (CR_WINDOW_TEST_RESTORE_FILE_ENV);
  GtkFileChooserNative *chooser;

  if (hook != NULL && *hook != '\0')
    {
      g_autoptr (GFile) file = g_file_new_for_path (hook);
      cr_window_restore_from_file (self, file);
      return;
    }

  drop_chooser (self);
  chooser = gtk_file_chooser_native_new (_("Restore from Backup"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_backup_filters (GTK_FILE_CHOOSER (chooser));
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (restore_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

/* Pause and resume */

static void resume (CrWindow *self);

static void
pause_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_client_pause_finish (CR_CLIENT (source), result, &error);

  self->pause_call_pending = FALSE;
  if (window_gone (self))
    return;
  if (self->close_confirmed)
    {
      /* The user chose to quit while the pause call was under way. */
      if (ok && client_holds_pause (self))
        resume (self);
      else
        gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (!ok && !is_cancelled_error (error))
    show_error (self, _("Could Not Pause the Repository"), NULL, error);
  update_state (self);
  if (ok && self->screenshot_state != NULL && g_str_equal (self->screenshot_state, "paused"))
    screenshot_state_reached (self, GTK_WIDGET (self));
}

static void
resume_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_client_resume_finish (CR_CLIENT (source), result, &error);

  self->pause_call_pending = FALSE;
  if (window_gone (self))
    return;
  if (self->close_confirmed)
    {
      /* Quitting: the pause ends with the client anyway (P5) */
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (!ok && !is_cancelled_error (error))
    show_error (self, _("Could Not Resume the Repository"), NULL, error);
  update_state (self);
}

static void
resume (CrWindow *self)
{
  self->pause_call_pending = TRUE;
  update_actions (self);
  cr_client_resume_async (self->client, self->cancellable, resume_cb, g_object_ref (self));
}

static void
toggle_pause_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);

  if (self->client == NULL || self->pause_call_pending)
    return;
  if (cr_client_get_paused (self->client))
    {
      if (cr_client_get_holds_pause (self->client))
        resume (self);
      else
        update_state (self); /* the toggle goes back to what it shows */
      return;
    }
  self->pause_call_pending = TRUE;
  update_actions (self);
  /* 0: the repository's own auto-resume delay */
  cr_client_pause_async (self->client, 0, self->cancellable, pause_cb, g_object_ref (self));
}

static void
resume_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);

  if (self->client != NULL && !self->pause_call_pending && cr_client_get_holds_pause (self->client))
    resume (self);
}

/* Closing */

static void
quit_dialog_response_cb (CrWindow *self, int response, GtkDialog *dialog)
{
  self->quit_dialog = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  self->close_confirmed = TRUE;
  if (client_holds_pause (self) && !self->pause_call_pending)
    resume (self);
  else if (!self->pause_call_pending)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
ask_before_closing (CrWindow *self)
{
  GtkWidget *dialog;
  GtkWidget *button;

  if (self->quit_dialog != NULL)
    {
      gtk_window_present (self->quit_dialog);
      return;
    }
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
                                   _("The repository is paused by this app. Resume and quit?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("Other clients’ writes are waiting for the pause to end."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Resume and Quit"), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  self->quit_dialog = GTK_WINDOW (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_dialog_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_window_state (CrWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings = CR_IS_APPLICATION (app) ? cr_application_get_settings (CR_APPLICATION (app)) : NULL;
  int width = 0, height = 0;

  if (settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (settings);
}

static gboolean
cr_window_close_request (GtkWindow *window)
{
  CrWindow *self = CR_WINDOW (window);

  save_window_state (self);
  if (self->close_confirmed)
    return self->pause_call_pending; /* resuming: it closes the window */
  if (client_holds_pause (self))
    {
      ask_before_closing (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (cr_window_parent_class)->close_request (window);
}

/* The other actions */

static void
cancel_operation_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);

  if (self->operation_cancellable != NULL)
    {
      g_cancellable_cancel (self->operation_cancellable);
      gtk_label_set_text (self->progress_label, _("Cancelling…"));
      gtk_widget_action_set_enabled (widget, "win.cancel-operation", FALSE);
    }
}

static void
open_repository_chooser_response_cb (CrWindow *self, int response, GtkNativeDialog *chooser)
{
  g_autoptr (GFile) file = chooser_take_file (self, response);
  g_autofree char *path = NULL;

  if (file == NULL)
    return;
  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_notice (self, NOTICE_WARNING, _("Choose a repository file on this computer."));
      return;
    }
  cr_window_open_local (self, path);
}

static void
open_repository_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  drop_chooser (self);
  chooser = gtk_file_chooser_native_new (_("Open Repository File"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Repository Files"));
  gtk_file_filter_add_pattern (filter, "*.db");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  add_all_files_filter (GTK_FILE_CHOOSER (chooser));
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_repository_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
connect_system_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cr_window_connect_remote (CR_WINDOW (widget), CR_CLIENT_MODE_SYSTEM, FALSE);
}

static void
open_default_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cr_window_open_local (CR_WINDOW (widget), NULL);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  g_autofree char *path = g_strdup (self->target_path);

  switch (self->target)
    {
    case TARGET_LOCAL:
      cr_window_open_local (self, path);
      break;
    case TARGET_SYSTEM:
      cr_window_connect_remote (self, CR_CLIENT_MODE_SYSTEM, FALSE);
      break;
    case TARGET_SESSION:
      cr_window_connect_remote (self, CR_CLIENT_MODE_SESSION, FALSE);
      break;
    case TARGET_AUTO:
      cr_window_connect_auto (self);
      break;
    case TARGET_NONE:
    default:
      break;
    }
}

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);

  refresh_overview (self);
  refresh_connections (self);
  cr_browser_reload (self->browser);
}

static void
dismiss_notice_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  hide_notice (CR_WINDOW (widget));
}

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  const char *page = g_variant_get_string (parameter, NULL);

  if (gtk_stack_get_child_by_name (self->pages_stack, page) != NULL)
    gtk_stack_set_visible_child_name (self->pages_stack, page);
}

/* Screenshot states (build-aux/screenshots): once the window shows the
 * state, it prints a line on stdout for the script to take the picture. */

static gboolean
screenshot_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  guint *frames = user_data;

  /* A few frames, for the transitions to end */
  if (++*frames < 30)
    return G_SOURCE_CONTINUE;
  g_print ("cimrepo-manager: screenshot state ready\n");
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static void
screenshot_state_reached (CrWindow *self, GtkWidget *widget)
{
  if (self->screenshot_state == NULL)
    return;
  g_clear_pointer (&self->screenshot_state, g_free);
  gtk_widget_add_tick_callback (widget, screenshot_tick_cb, g_new0 (guint, 1), g_free);
}

static void
screenshot_classes_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrWindow) self = user_data;
  g_autoptr (GPtrArray) classes = cr_client_enumerate_classes_finish (CR_CLIENT (source), result, NULL);

  if (!window_gone (self) && self->screenshot_state != NULL && g_str_equal (self->screenshot_state, "restore-dialog"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.restore", NULL);
}

static void
screenshot_client_ready (CrWindow *self)
{
  if (self->screenshot_state == NULL)
    return;
  if (g_str_equal (self->screenshot_state, "idle"))
    /* Reading a namespace opens a connection, as browsing does: the
     * connection list has a row to show. */
    cr_client_enumerate_classes_async (self->client, "root/cimv2", NULL, FALSE, self->cancellable,
                                       screenshot_classes_cb, g_object_ref (self));
  else if (g_str_equal (self->screenshot_state, "paused"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toggle-pause", NULL);
  else if (g_str_equal (self->screenshot_state, "restore-dialog"))
    cr_client_enumerate_classes_async (self->client, "root/cimv2", NULL, FALSE, self->cancellable,
                                       screenshot_classes_cb, g_object_ref (self));
}

/* A backup as it looks halfway through, with the repository's own size,
 * without writing a file */
static void
screenshot_backing_up (CrWindow *self, guint64 size)
{
  g_autoptr (GFile) file = g_file_new_for_path ("repository-2026-03-14-0930.cimbak");
  g_autofree char *title = NULL;

  /* Translators: the backup file being written */
  title = g_strdup_printf (_("Backing up to “%s”"), "repository-2026-03-14-0930.cimbak");
  begin_operation (self, OPERATION_BACKUP, file, title);
  self->operation_started = g_get_monotonic_time () - 4 * G_USEC_PER_SEC;
  progress_cb (size * 45 / 100, size, self);
  screenshot_state_reached (self, GTK_WIDGET (self));
}

void
cr_window_set_screenshot_state (CrWindow *self, const char *state)
{
  g_return_if_fail (CR_IS_WINDOW (self));
  g_free (self->screenshot_state);
  self->screenshot_state = g_strdup (state);
  if (self->client != NULL)
    screenshot_client_ready (self);
}

/* GObject */

static void
cr_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrWindow *self = CR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->operation != OPERATION_NONE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_window_constructed (GObject *object)
{
  CrWindow *self = CR_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings = CR_IS_APPLICATION (app) ? cr_application_get_settings (CR_APPLICATION (app)) : NULL;

  G_OBJECT_CLASS (cr_window_parent_class)->constructed (object);
  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
}

static void
cr_window_dispose (GObject *object)
{
  CrWindow *self = CR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  if (self->operation_cancellable != NULL)
    g_cancellable_cancel (self->operation_cancellable);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_handle_id (&self->notice_source, g_source_remove);
  drop_chooser (self);
  if (self->restore_dialog != NULL)
    gtk_window_destroy (g_steal_pointer (&self->restore_dialog));
  if (self->error_dialog != NULL)
    gtk_window_destroy (g_steal_pointer (&self->error_dialog));
  if (self->quit_dialog != NULL)
    gtk_window_destroy (g_steal_pointer (&self->quit_dialog));
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_clear_object (&self->client);
    }
  g_clear_object (&self->pending_restore);

  gtk_widget_dispose_template (GTK_WIDGET (self), CR_TYPE_WINDOW);
  G_OBJECT_CLASS (cr_window_parent_class)->dispose (object);
}

static void
cr_window_finalize (GObject *object)
{
  CrWindow *self = CR_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->operation_cancellable);
  g_clear_object (&self->operation_file);
  g_clear_object (&self->connections);
  g_free (self->target_path);
  g_free (self->screenshot_state);
  G_OBJECT_CLASS (cr_window_parent_class)->finalize (object);
}

static void
cr_window_class_init (CrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = cr_window_get_property;
  object_class->constructed = cr_window_constructed;
  object_class->dispose = cr_window_dispose;
  object_class->finalize = cr_window_finalize;
  window_class->close_request = cr_window_close_request;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CR_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CR_TYPE_BROWSER);
  g_type_ensure (CR_TYPE_CONNECTION_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/cimrepo/Manager/cr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrWindow, backup_button);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, restore_button);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, lock_image);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, notice_icon);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, error_icon);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, error_title);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, error_description);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, error_local_button);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, pages_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, location_icon);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, heading_title);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, heading_subtitle);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, state_badge);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, location_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, mode_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, state_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, size_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, schema_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, namespaces_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, classes_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, instances_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, last_backup_value);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, connections_count_label);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, connections_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, connections_view);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, browser);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, progress_title);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, progress_label);

  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_action);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-pause", NULL, toggle_pause_action);
  gtk_widget_class_install_action (widget_class, "win.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-operation", NULL, cancel_operation_action);
  gtk_widget_class_install_action (widget_class, "win.open-repository", NULL, open_repository_action);
  gtk_widget_class_install_action (widget_class, "win.connect-system", NULL, connect_system_action);
  gtk_widget_class_install_action (widget_class, "win.open-default", NULL, open_default_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-notice", NULL, dismiss_notice_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
}

static void
cr_window_init (CrWindow *self)
{
  g_autoptr (GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->connections = g_list_store_new (CR_TYPE_CONNECTION_ITEM);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->connections)));
  gtk_column_view_set_model (self->connections_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  gtk_stack_set_visible_child_name (self->title_stack, "title");
  update_state (self);
}

CrWindow *
cr_window_new (CrApplication *application)
{
  return g_object_new (CR_TYPE_WINDOW, "application", application, NULL);
}

/* For the application and the tests (cr-window-private.h) */

GtkWidget *
cr_window_get_lock_image (CrWindow *self)
{
  return self->lock_image;
}

GtkWidget *
cr_window_get_pause_button (CrWindow *self)
{
  return self->pause_button;
}

GtkWidget *
cr_window_get_busy_spinner (CrWindow *self)
{
  return self->busy_spinner;
}

gboolean
cr_window_get_banner_revealed (CrWindow *self)
{
  return gtk_revealer_get_reveal_child (self->banner_revealer);
}

const char *
cr_window_get_banner_text (CrWindow *self)
{
  return gtk_label_get_text (self->banner_label);
}

GtkWidget *
cr_window_get_banner_button (CrWindow *self)
{
  return self->banner_button;
}

/**
 * cr_window_get_notice:
 *
 * Returns: (nullable): the notice shown, or %NULL
 */
const char *
cr_window_get_notice (CrWindow *self)
{
  if (!gtk_revealer_get_reveal_child (self->notice_revealer))
    return NULL;
  return gtk_label_get_text (self->notice_label);
}

/**
 * cr_window_get_field:
 * @field: "location", "mode", "state", "size", "schema", "namespaces",
 *   "classes", "instances" or "last-backup"
 *
 * Returns: the text of an overview field
 */
const char *
cr_window_get_field (CrWindow *self, const char *field)
{
  const struct {
    const char *name;
    GtkLabel *label;
  } fields[] = {
    { "location", self->location_value },
    { "mode", self->mode_value },
    { "state", self->state_value },
    { "size", self->size_value },
    { "schema", self->schema_value },
    { "namespaces", self->namespaces_value },
    { "classes", self->classes_value },
    { "instances", self->instances_value },
    { "last-backup", self->last_backup_value },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, field))
      return gtk_label_get_text (fields[i].label);
  g_return_val_if_reached (NULL);
}

const char *
cr_window_get_main_page (CrWindow *self)
{
  return gtk_stack_get_visible_child_name (self->main_stack);
}

const char *
cr_window_get_error_title (CrWindow *self)
{
  return gtk_label_get_text (self->error_title);
}

GListModel *
cr_window_get_connections (CrWindow *self)
{
  return G_LIST_MODEL (self->connections);
}

gboolean
cr_window_get_connections_placeholder_visible (CrWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->connections_stack), "empty") == 0;
}

gboolean
cr_window_get_busy (CrWindow *self)
{
  return self->operation != OPERATION_NONE;
}

gboolean
cr_window_get_progress_revealed (CrWindow *self)
{
  return gtk_revealer_get_reveal_child (self->progress_revealer);
}

double
cr_window_get_progress_fraction (CrWindow *self)
{
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

const char *
cr_window_get_progress_text (CrWindow *self)
{
  return gtk_label_get_text (self->progress_label);
}

GtkWindow *
cr_window_get_restore_dialog (CrWindow *self)
{
  return self->restore_dialog;
}

GtkWindow *
cr_window_get_error_dialog (CrWindow *self)
{
  return self->error_dialog;
}

GtkWindow *
cr_window_get_quit_dialog (CrWindow *self)
{
  return self->quit_dialog;
}

/**
 * cr_window_get_summary_serial:
 *
 * Returns: how many times the overview was filled
 */
guint
cr_window_get_summary_serial (CrWindow *self)
{
  return self->summary_serial;
}
