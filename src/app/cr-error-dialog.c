/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <glib/gi18n.h>

#include "cimrepo.h"
#include "cr-error-dialog.h"

/*
 * The error dialog of a failed operation: what happened, in a sentence
 * (the title), why (the error's own message), what to do (a hint for the
 * error's code) and what the failure left behind (@outcome). The WBEM
 * code and the error's name, which an administrator looks up or reports,
 * wait in an expander.
 */

/**
 * cr_error_dialog_get_hint:
 *
 * Returns: (nullable): what the user can do about @error, or %NULL
 */
const char *
cr_error_dialog_get_hint (const GError *error)
{
  if (error == NULL || error->domain != CR_ERROR)
    return NULL;
  switch ((CrError) error->code)
    {
    case CR_ERROR_NOT_FOUND:
      return _("Check that the file is still there.");
    case CR_ERROR_ACCESS_DENIED:
      return _("You are not allowed to do this. Ask an administrator, or choose a place where you may write.");
    case CR_ERROR_NOT_SUPPORTED:
      return _("This cannot be done with this repository.");
    case CR_ERROR_INVALID_OPERATION:
      return _("Wait for the other operation to finish, then try again.");
    case CR_ERROR_SHUTTING_DOWN:
      return _("The repository is being restored. Try again when it is back.");
    case CR_ERROR_OUT_OF_DISK_SPACE:
      return _("Free some disk space, or choose another disk, and try again.");
    case CR_ERROR_BACKUP_RESTORE_WINMGMT_RUNNING:
      return _("Clients are still connected. Try again.");
    case CR_ERROR_CORRUPT_BACKUP:
      return _("This file is not a cimrepo backup, or it is damaged. Choose another backup.");
    case CR_ERROR_UNSUPPORTED_VERSION:
      return _("It was made by a newer version of cimrepo. Use that version to restore it.");
    case CR_ERROR_REPOSITORY_LOCKED:
      return _("Close the other program, or connect to the system repository instead.");
    case CR_ERROR_PAUSED:
      return _("Wait until the repository is resumed, then try again.");
    case CR_ERROR_CONNECTION_CLOSED:
    case CR_ERROR_BUSY:
      return _("Try again in a moment.");
    case CR_ERROR_REPOSITORY_CORRUPT:
      return _("Restore the repository from a backup.");
    case CR_ERROR_FAILED:
    case CR_ERROR_TYPE_MISMATCH:
    case CR_ERROR_INVALID_PARAMETER:
    case CR_ERROR_INVALID_SUPERCLASS:
    case CR_ERROR_INVALID_NAMESPACE:
    case CR_ERROR_INVALID_CLASS:
    case CR_ERROR_ALREADY_EXISTS:
    case CR_ERROR_INVALID_SYNTAX:
    case CR_ERROR_CLASS_HAS_CHILDREN:
    case CR_ERROR_CLASS_HAS_INSTANCES:
    case CR_ERROR_ILLEGAL_NULL:
    case CR_ERROR_CALL_CANCELLED:
    case CR_ERROR_INVALID_OBJECT_PATH:
    case CR_ERROR_LIMIT_EXCEEDED:
    default:
      return NULL;
    }
}

/**
 * cr_error_dialog_dup_details:
 *
 * Returns: the technical detail of @error: its name, its WBEM code
 *   and its message
 */
char *
cr_error_dialog_dup_details (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (error->domain == CR_ERROR)
    /* Translators: an error's name, its WBEM code and its message */
    return g_strdup_printf (_("Error: %s (0x%08X)\n%s"), cr_error_get_name (error->code),
                            (unsigned int) cr_error_get_hresult (error), error->message);
  /* Translators: an error's domain, its code and its message */
  return g_strdup_printf (_("Error: %s %d\n%s"), g_quark_to_string (error->domain), error->code, error->message);
}

static void
response_cb (GtkDialog *dialog, int response, gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/**
 * cr_error_dialog_new:
 * @parent: the window it belongs to
 * @title: what failed, as a sentence: "The backup failed"
 * @outcome: (nullable): what the failure left, such as "The repository
 *   was not changed."
 * @error: the error
 *
 * Returns: (transfer none): a modal message dialog; it destroys itself
 *   when it is answered
 */
GtkWidget *
cr_error_dialog_new (GtkWindow *parent, const char *title, const char *outcome, const GError *error)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *details = NULL;
  const char *hint;
  GtkWidget *dialog, *area, *expander, *label;

  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  g_string_append (body, error->message);
  if (body->len > 0 && !g_str_has_suffix (body->str, ".") && !g_str_has_suffix (body->str, "!"))
    g_string_append_c (body, '.');
  hint = cr_error_dialog_get_hint (error);
  if (hint != NULL)
    g_string_append_printf (body, " %s", hint);
  if (outcome != NULL)
    g_string_append_printf (body, "\n\n%s", outcome);

  dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR,
                                   GTK_BUTTONS_CLOSE, "%s", title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", body->str);
  gtk_widget_add_css_class (dialog, "cr-error-dialog");

  details = cr_error_dialog_dup_details (error);
  expander = gtk_expander_new_with_mnemonic (_("_Technical Details"));
  label = gtk_label_new (details);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_expander_set_child (GTK_EXPANDER (expander), label);
  area = gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog));
  gtk_box_append (GTK_BOX (area), expander);

  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);
  return dialog;
}
