/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <glib/gi18n.h>

#include "cr-client.h"
#include "cr-format.h"
#include "cr-restore-dialog-private.h"

/*
 * CrRestoreDialog: the force-shutdown confirmation (R1, R6). It says
 * what the backup is, names every client that the restore disconnects,
 * and that the current repository stays as an undo point. Cancel is the
 * default; the other button is destructive and names the consequence.
 * It emits ::response once, GTK_RESPONSE_ACCEPT for the restore,
 * GTK_RESPONSE_CANCEL otherwise (Cancel, Escape, closing it), and
 * destroys itself.
 */

struct _CrRestoreDialog {
  GtkWindow parent_instance;

  GtkLabel *intro_label;
  GtkLabel *file_value;
  GtkLabel *created_value;
  GtkLabel *source_value;
  GtkLabel *repository_id_value;
  GtkLabel *contents_value;
  GtkLabel *size_value;
  GtkWidget *clients_heading;
  GtkWidget *clients_scroller;
  GtkListBox *clients_list;
  GtkWidget *no_clients_label;
  GtkLabel *blocked_label;
  GtkWidget *cancel_button;
  GtkWidget *restore_button;

  GFile *file;
  CrBackupInfo *info;
  GPtrArray *client_names; /* one per client, in the order shown */
  gboolean blocked;
  gboolean responded;
};

G_DEFINE_FINAL_TYPE (CrRestoreDialog, cr_restore_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_RESPONSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Answers once, then goes. */
static void
respond (CrRestoreDialog *self, int response)
{
  if (self->responded)
    return;
  self->responded = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_RESPONSE], 0, response);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  respond (CR_RESTORE_DIALOG (widget), GTK_RESPONSE_CANCEL);
}

static void
confirm_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrRestoreDialog *self = CR_RESTORE_DIALOG (widget);

  if (!self->blocked)
    respond (self, GTK_RESPONSE_ACCEPT);
}

/* Closed from the window manager or with window.close: a cancel */
static gboolean
cr_restore_dialog_close_request (GtkWindow *window)
{
  CrRestoreDialog *self = CR_RESTORE_DIALOG (window);

  if (!self->responded)
    {
      self->responded = TRUE;
      g_signal_emit (self, signals[SIGNAL_RESPONSE], 0, GTK_RESPONSE_CANCEL);
    }
  return GTK_WINDOW_CLASS (cr_restore_dialog_parent_class)->close_request (window);
}

static char *
contents_text (CrBackupInfo *info)
{
  guint64 namespaces = cr_backup_info_get_namespace_count (info);
  guint64 classes = cr_backup_info_get_class_count (info);
  guint64 instances = cr_backup_info_get_instance_count (info);
  g_autofree char *n = cr_format_count (namespaces);
  g_autofree char *c = cr_format_count (classes);
  g_autofree char *i = cr_format_count (instances);
  g_autofree char *ns_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s namespace", "%s namespaces",
                                                           (gulong) MIN (namespaces, G_MAXULONG)),
                                              n);
  g_autofree char *class_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s class", "%s classes",
                                                              (gulong) MIN (classes, G_MAXULONG)),
                                                 c);
  g_autofree char *instance_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s instance", "%s instances",
                                                                 (gulong) MIN (instances, G_MAXULONG)),
                                                    i);

  /* Translators: the counts of namespaces, classes and instances */
  return g_strdup_printf (_("%s, %s, %s"), ns_text, class_text, instance_text);
}

static void
fill_details (CrRestoreDialog *self)
{
  CrBackupInfo *info = self->info;
  g_autofree char *name = NULL;
  g_autofree char *basename = g_file_get_basename (self->file);
  g_autofree char *intro = NULL;
  g_autofree char *created = cr_format_date_time (cr_backup_info_get_created (info), g_get_real_time ());
  g_autofree char *contents = contents_text (info);
  g_autofree char *size = g_format_size (cr_backup_info_get_file_size (info));
  const char *source = cr_backup_info_get_source_path (info);
  const char *host = cr_backup_info_get_hostname (info);
  g_autofree char *source_text = NULL;

  name = g_filename_display_name (basename != NULL ? basename : "?");
  intro = g_strdup (_("The repository’s content will be replaced with the content of this backup, "
                      "which was checked and is sound."));
  gtk_label_set_text (self->intro_label, intro);
  gtk_label_set_text (self->file_value, name);
  gtk_label_set_text (self->created_value, created);
  if (source != NULL && *source != '\0' && host != NULL && *host != '\0')
    /* Translators: a repository file and the computer it is on */
    source_text = g_strdup_printf (_("%s on %s"), source, host);
  else
    source_text = g_strdup (source != NULL && *source != '\0' ? source : _("Unknown"));
  gtk_label_set_text (self->source_value, source_text);
  gtk_label_set_text (self->repository_id_value, cr_backup_info_get_repository_id (info));
  gtk_label_set_text (self->contents_value, contents);
  gtk_label_set_text (self->size_value, size);
}

static GtkWidget *
client_row_new (const char *name, const char *detail)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *subtitle = gtk_label_new (detail);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_add_css_class (box, "cr-client-row");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, detail, -1);
  return row;
}

typedef struct {
  const CrConnectionInfo *first;
  GPtrArray *namespaces; /* unowned strings */
} ClientEntry;

static void
client_entry_free (ClientEntry *entry)
{
  g_ptr_array_unref (entry->namespaces);
  g_free (entry);
}

/**
 * cr_restore_dialog_set_connections:
 * @connections: (element-type CrConnectionInfo): the open connections
 *
 * Lists the clients that the restore disconnects: one row per client
 * (by name and process), with the namespaces it is connected to.
 */
void
cr_restore_dialog_set_connections (CrRestoreDialog *self, GPtrArray *connections)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) client_entry_free);
  g_autoptr (GHashTable) by_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkWidget *child;
  guint n;

  g_return_if_fail (CR_IS_RESTORE_DIALOG (self));
  g_return_if_fail (connections != NULL);

  /* A client with several namespace connections is one client. */
  for (guint i = 0; i < connections->len; i++)
    {
      const CrConnectionInfo *info = g_ptr_array_index (connections, i);
      g_autofree char *key = g_strdup_printf ("%s\n%" G_GINT64_FORMAT, info->client_name, info->pid);
      ClientEntry *entry = g_hash_table_lookup (by_client, key);

      if (entry == NULL)
        {
          entry = g_new0 (ClientEntry, 1);
          entry->first = info;
          entry->namespaces = g_ptr_array_new ();
          g_ptr_array_add (entries, entry);
          g_hash_table_insert (by_client, g_steal_pointer (&key), entry);
        }
      if (!g_ptr_array_find_with_equal_func (entry->namespaces, info->namespace_, g_str_equal, NULL))
        g_ptr_array_add (entry->namespaces, info->namespace_);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->clients_list))) != NULL)
    gtk_list_box_remove (self->clients_list, child);
  g_ptr_array_set_size (self->client_names, 0);
  for (guint i = 0; i < entries->len; i++)
    {
      ClientEntry *entry = g_ptr_array_index (entries, i);
      const CrConnectionInfo *info = entry->first;
      const char *name = cr_connection_info_get_display_name (info);
      g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, info->pid);
      g_autofree char *namespaces = NULL;
      g_autofree char *detail = NULL;

      g_ptr_array_add (entry->namespaces, NULL);
      namespaces = g_strjoinv (", ", (char **) entry->namespaces->pdata);
      /* (Not the program twice, when it is the row's name) */
      if (info->process_name != NULL && info->pid >= 0 && name != info->process_name)
        /* Translators: a client's program, its process id and the
         * namespaces it is connected to */
        detail = g_strdup_printf (_("%s, process %s · %s"), info->process_name, pid, namespaces);
      else if (info->pid >= 0)
        /* Translators: a client's process id and its namespaces */
        detail = g_strdup_printf (_("Process %s · %s"), pid, namespaces);
      else
        detail = g_strdup (namespaces);
      gtk_list_box_append (self->clients_list, client_row_new (name, detail));
      g_ptr_array_add (self->client_names, g_strdup (name));
    }

  n = self->client_names->len;
  gtk_widget_set_visible (self->clients_heading, n > 0);
  gtk_widget_set_visible (self->clients_scroller, n > 0);
  gtk_widget_set_visible (self->no_clients_label, n == 0);
  if (n > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Disconnect %d Client and Restore",
                                                             "Disconnect %d Clients and Restore", n),
                                                (int) n);
      gtk_button_set_label (GTK_BUTTON (self->restore_button), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->restore_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  else
    {
      gtk_button_set_label (GTK_BUTTON (self->restore_button), _("Restore"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->restore_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Restore"), -1);
    }
}

/**
 * cr_restore_dialog_set_blocked:
 * @reason: (nullable): why the restore cannot start now (the repository
 *   was paused meanwhile, say), or %NULL
 *
 * Keeps the restore button insensitive, and says why, while @reason
 * holds.
 */
void
cr_restore_dialog_set_blocked (CrRestoreDialog *self, const char *reason)
{
  g_return_if_fail (CR_IS_RESTORE_DIALOG (self));

  self->blocked = reason != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "restore.confirm", !self->blocked);
  gtk_label_set_text (self->blocked_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->blocked_label), reason != NULL);
}

/* Cancel starts with the focus: Enter or Space cancels, and a restore
 * takes a deliberate move to the other button. */
static void
cr_restore_dialog_show (GtkWidget *widget)
{
  CrRestoreDialog *self = CR_RESTORE_DIALOG (widget);

  GTK_WIDGET_CLASS (cr_restore_dialog_parent_class)->show (widget);
  gtk_widget_grab_focus (self->cancel_button);
}

/* GObject */

static void
cr_restore_dialog_dispose (GObject *object)
{
  CrRestoreDialog *self = CR_RESTORE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CR_TYPE_RESTORE_DIALOG);
  g_clear_object (&self->file);
  g_clear_object (&self->info);
  G_OBJECT_CLASS (cr_restore_dialog_parent_class)->dispose (object);
}

static void
cr_restore_dialog_finalize (GObject *object)
{
  CrRestoreDialog *self = CR_RESTORE_DIALOG (object);

  g_ptr_array_unref (self->client_names);
  G_OBJECT_CLASS (cr_restore_dialog_parent_class)->finalize (object);
}

static void
cr_restore_dialog_class_init (CrRestoreDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cr_restore_dialog_dispose;
  object_class->finalize = cr_restore_dialog_finalize;
  window_class->close_request = cr_restore_dialog_close_request;
  widget_class->show = cr_restore_dialog_show;

  /**
   * CrRestoreDialog::response:
   * @response: %GTK_RESPONSE_ACCEPT to restore, %GTK_RESPONSE_CANCEL
   *   otherwise
   */
  signals[SIGNAL_RESPONSE] = g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/cimrepo/Manager/cr-restore-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, file_value);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, created_value);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, source_value);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, repository_id_value);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, contents_value);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, size_value);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, clients_heading);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, clients_scroller);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, clients_list);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, no_clients_label);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, blocked_label);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CrRestoreDialog, restore_button);

  gtk_widget_class_install_action (widget_class, "restore.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "restore.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "restore.cancel", NULL);
}

static void
cr_restore_dialog_init (CrRestoreDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->client_names = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_add_css_class (GTK_WIDGET (self), "cr-restore-dialog");
}

/**
 * cr_restore_dialog_new:
 * @parent: the window it is modal for
 * @file: the backup
 * @info: what the backup's verification found in it
 *
 * Call cr_restore_dialog_set_connections() before presenting it.
 */
CrRestoreDialog *
cr_restore_dialog_new (GtkWindow *parent, GFile *file, CrBackupInfo *info)
{
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  CrRestoreDialog *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);

  self = g_object_new (CR_TYPE_RESTORE_DIALOG, "transient-for", parent, NULL);
  self->file = g_object_ref (file);
  self->info = g_object_ref (info);
  fill_details (self);
  cr_restore_dialog_set_connections (self, none);
  return self;
}

GFile *
cr_restore_dialog_get_file (CrRestoreDialog *self)
{
  g_return_val_if_fail (CR_IS_RESTORE_DIALOG (self), NULL);
  return self->file;
}

CrBackupInfo *
cr_restore_dialog_get_info (CrRestoreDialog *self)
{
  g_return_val_if_fail (CR_IS_RESTORE_DIALOG (self), NULL);
  return self->info;
}

/**
 * cr_restore_dialog_get_client_count:
 *
 * Returns: how many clients the restore disconnects
 */
guint
cr_restore_dialog_get_client_count (CrRestoreDialog *self)
{
  g_return_val_if_fail (CR_IS_RESTORE_DIALOG (self), 0);
  return self->client_names->len;
}

/* For the tests (cr-restore-dialog-private.h) */

GtkWidget *
cr_restore_dialog_get_restore_button (CrRestoreDialog *self)
{
  return self->restore_button;
}

GtkWidget *
cr_restore_dialog_get_cancel_button (CrRestoreDialog *self)
{
  return self->cancel_button;
}

GStrv
cr_restore_dialog_dup_client_names (CrRestoreDialog *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->client_names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->client_names, i));
  return g_strv_builder_end (builder);
}

/**
 * cr_restore_dialog_get_details_text:
 * @field: "created", "source", "repository-id", "contents" or "size"
 */
const char *
cr_restore_dialog_get_details_text (CrRestoreDialog *self, const char *field)
{
  if (g_str_equal (field, "created"))
    return gtk_label_get_text (self->created_value);
  if (g_str_equal (field, "source"))
    return gtk_label_get_text (self->source_value);
  if (g_str_equal (field, "repository-id"))
    return gtk_label_get_text (self->repository_id_value);
  if (g_str_equal (field, "contents"))
    return gtk_label_get_text (self->contents_value);
  if (g_str_equal (field, "size"))
    return gtk_label_get_text (self->size_value);
  g_return_val_if_reached (NULL);
}
