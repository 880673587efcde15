/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <string.h>

#include <glib/gi18n.h>

#include "cimrepo.h"
#include "cr-browser.h"
#include "cr-error-dialog.h"

/*
 * CrBrowser: the namespaces, their classes, and a class's properties,
 * methods and qualifiers. Namespaces can be created and deleted, the
 * app's only writes, which stay disabled while the repository is paused
 * or being restored.
 *
 * It loads only while it is shown: reading classes opens a namespace
 * connection, and a window that merely shows the overview should not
 * appear in the connection table.
 */

struct _CrBrowser {
  GtkWidget parent_instance;

  GtkWidget *outer_paned;
  GtkWidget *new_namespace_button;
  GtkWidget *delete_namespace_button;
  GtkPopover *new_namespace_popover;
  GtkEntry *new_namespace_entry;
  GtkListBox *namespaces_list;
  GtkSearchEntry *class_search;
  GtkStack *classes_stack;
  GtkLabel *classes_placeholder;
  GtkListView *classes_view;
  GtkStack *detail_stack;
  GtkLabel *class_title;
  GtkLabel *class_subtitle;
  GtkLabel *class_description;
  GtkWidget *properties_heading;
  GtkListBox *properties_list;
  GtkWidget *methods_heading;
  GtkListBox *methods_list;
  GtkWidget *qualifiers_heading;
  GtkListBox *qualifiers_list;

  CrClient *client;
  GCancellable *cancellable;      /* cancelled in dispose */
  GCancellable *load_cancellable; /* the load under way */
  GListStore *classes;            /* CrClass */
  GtkCustomFilter *class_filter;
  GtkSingleSelection *class_selection;
  char *namespace_; /* shown */
  gboolean dirty;
  gboolean writable;
  gboolean write_pending;
  GtkWindow *delete_dialog;
};

G_DEFINE_FINAL_TYPE (CrBrowser, cr_browser, GTK_TYPE_WIDGET)

static void load_namespaces (CrBrowser *self);

static gboolean
browser_gone (CrBrowser *self)
{
  return g_cancellable_is_cancelled (self->cancellable);
}

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWindow *
parent_window (CrBrowser *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
update_actions (CrBrowser *self)
{
  gboolean can_write = self->client != NULL && self->writable && !self->write_pending;
  gboolean deletable = can_write && self->namespace_ != NULL && g_ascii_strcasecmp (self->namespace_, "root") != 0;

  gtk_widget_set_sensitive (self->new_namespace_button, can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browser.create-namespace", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browser.delete-namespace", deletable);
  if (!can_write)
    gtk_popover_popdown (self->new_namespace_popover);
}

/* The class detail */

static char *
value_text (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("NULL");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "true" : "false");
  return g_variant_print (value, FALSE);
}

static char *
type_text (CrCimType type, const char *reference_class)
{
  const char *element = cr_cim_type_to_string (CR_CIM_TYPE_ELEMENT (type));

  if (CR_CIM_TYPE_ELEMENT (type) == CR_CIM_TYPE_REFERENCE && reference_class != NULL)
    return g_strdup_printf ("%s ref%s", reference_class, CR_CIM_TYPE_IS_ARRAY (type) ? "[]" : "");
  return g_strdup_printf ("%s%s", element != NULL ? element : "?", CR_CIM_TYPE_IS_ARRAY (type) ? "[]" : "");
}

static GtkWidget *
detail_row_new (const char *name, const char *type, const char *note)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *type_label = gtk_label_new (type);

  gtk_widget_add_css_class (box, "cr-field");
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_selectable (GTK_LABEL (name_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (name_label, TRUE);
  gtk_box_append (GTK_BOX (box), name_label);
  if (note != NULL)
    {
      GtkWidget *note_label = gtk_label_new (note);
      gtk_widget_add_css_class (note_label, "cr-tag");
      gtk_widget_set_valign (note_label, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), note_label);
    }
  gtk_label_set_xalign (GTK_LABEL (type_label), 1);
  gtk_label_set_wrap (GTK_LABEL (type_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (type_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (type_label), 30);
  gtk_widget_add_css_class (type_label, "dim-label");
  gtk_widget_add_css_class (type_label, "monospace");
  gtk_box_append (GTK_BOX (box), type_label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
show_class (CrBrowser *self, CrClass *klass)
{
  GPtrArray *properties, *methods, *qualifiers;
  CrQualifier *description;
  const char *superclass;
  g_autofree char *subtitle = NULL;

  clear_list_box (self->properties_list);
  clear_list_box (self->methods_list);
  clear_list_box (self->qualifiers_list);
  if (klass == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }

  gtk_label_set_text (self->class_title, cr_class_get_name (klass));
  superclass = cr_class_get_superclass (klass);
  if (superclass != NULL && *superclass != '\0')
    /* Translators: a class's superclass and the namespace it is in */
    subtitle = g_strdup_printf (cr_class_is_abstract (klass) ? _("Abstract class, derived from %s, in %s")
                                                             : _("Derived from %s, in %s"),
                                superclass, self->namespace_);
  else
    /* Translators: the namespace a class is in */
    subtitle = g_strdup_printf (cr_class_is_abstract (klass) ? _("Abstract class in %s") : _("Class in %s"),
                                self->namespace_);
  gtk_label_set_text (self->class_subtitle, subtitle);

  qualifiers = cr_class_get_qualifiers (klass);
  description = cr_qualifiers_find (qualifiers, "Description");
  if (description != NULL && description->value != NULL &&
      g_variant_is_of_type (description->value, G_VARIANT_TYPE_STRING))
    gtk_label_set_text (self->class_description, g_variant_get_string (description->value, NULL));
  else
    gtk_label_set_text (self->class_description, "");
  gtk_widget_set_visible (GTK_WIDGET (self->class_description),
                          *gtk_label_get_text (self->class_description) != '\0');

  properties = cr_class_get_properties (klass);
  for (guint i = 0; i < properties->len; i++)
    {
      CrProperty *property = g_ptr_array_index (properties, i);
      g_autofree char *type = type_text (property->type, property->reference_class);
      const char *note = NULL;

      if (cr_property_is_key (property))
        note = _("key");
      else if (property->flags & CR_ELEMENT_PROPAGATED)
        note = _("inherited");
      gtk_list_box_append (self->properties_list, detail_row_new (property->name, type, note));
    }
  gtk_widget_set_visible (self->properties_heading, properties->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->properties_list), properties->len > 0);

  methods = cr_class_get_methods (klass);
  for (guint i = 0; i < methods->len; i++)
    {
      CrMethod *method = g_ptr_array_index (methods, i);
      g_autofree char *type = method->return_type != CR_CIM_TYPE_INVALID ? type_text (method->return_type, NULL)
                                                                         : g_strdup ("void");
      g_autofree char *signature = NULL;
      g_autoptr (GString) params = g_string_new (NULL);

      for (guint p = 0; p < method->parameters->len; p++)
        {
          CrParameter *parameter = g_ptr_array_index (method->parameters, p);
          g_string_append_printf (params, "%s%s", p > 0 ? ", " : "", parameter->name);
        }
      signature = g_strdup_printf ("%s(%s)", method->name, params->str);
      gtk_list_box_append (self->methods_list,
                           detail_row_new (signature, type,
                                           (method->flags & CR_ELEMENT_PROPAGATED) ? _("inherited") : NULL));
    }
  gtk_widget_set_visible (self->methods_heading, methods->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->methods_list), methods->len > 0);

  for (guint i = 0; i < qualifiers->len; i++)
    {
      CrQualifier *qualifier = g_ptr_array_index (qualifiers, i);
      g_autofree char *value = value_text (qualifier->value);

      if (qualifier == description)
        continue;
      gtk_list_box_append (self->qualifiers_list,
                           detail_row_new (qualifier->name, value,
                                           (qualifier->flavor & CR_FLAVOR_PROPAGATED) ? _("inherited") : NULL));
    }
  gtk_widget_set_visible (self->qualifiers_heading,
                          gtk_widget_get_first_child (GTK_WIDGET (self->qualifiers_list)) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->qualifiers_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->qualifiers_list)) != NULL);
  gtk_stack_set_visible_child_name (self->detail_stack, "class");
}

static void
class_selected_cb (CrBrowser *self, GParamSpec *pspec, GtkSingleSelection *selection)
{
  show_class (self, gtk_single_selection_get_selected_item (selection));
}

/* Classes */

static int
compare_classes (gconstpointer a, gconstpointer b)
{
  return g_ascii_strcasecmp (cr_class_get_name (*(CrClass **) a), cr_class_get_name (*(CrClass **) b));
}

static void
classes_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrBrowser) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) classes = cr_client_enumerate_classes_finish (CR_CLIENT (source), result, &error);

  if (browser_gone (self) || CR_CLIENT (source) != self->client)
    return;
  if (classes == NULL)
    {
      if (g_error_matches (error, CR_ERROR, CR_ERROR_CALL_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_text (self->classes_placeholder, error->message);
      gtk_stack_set_visible_child_name (self->classes_stack, "empty");
      return;
    }
  g_ptr_array_sort (classes, compare_classes);
  g_list_store_splice (self->classes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->classes)), classes->pdata,
                       classes->len);
  gtk_label_set_text (self->classes_placeholder, _("No classes"));
  gtk_stack_set_visible_child_name (self->classes_stack, classes->len > 0 ? "list" : "empty");
  gtk_single_selection_set_selected (self->class_selection, GTK_INVALID_LIST_POSITION);
  show_class (self, NULL);
}

static void
load_classes (CrBrowser *self)
{
  g_list_store_remove_all (self->classes);
  show_class (self, NULL);
  if (self->client == NULL || self->namespace_ == NULL)
    return;
  cr_client_enumerate_classes_async (self->client, self->namespace_, NULL, TRUE, self->load_cancellable, classes_cb,
                                     g_object_ref (self));
}

static void
namespace_selected_cb (CrBrowser *self, GtkListBoxRow *row, GtkListBox *list)
{
  const char *namespace_ = row != NULL ? g_object_get_data (G_OBJECT (row), "namespace") : NULL;

  if (namespace_ == NULL || g_strcmp0 (namespace_, self->namespace_) == 0)
    return;
  g_free (self->namespace_);
  self->namespace_ = g_strdup (namespace_);
  update_actions (self);
  load_classes (self);
}

/* Namespaces */

static GtkWidget *
namespace_row_new (const char *namespace_)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (namespace_);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  g_object_set_data_full (G_OBJECT (row), "namespace", g_strdup (namespace_), g_free);
  return row;
}

static void
namespaces_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrBrowser) self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) namespaces = cr_client_list_namespaces_finish (CR_CLIENT (source), result, &error);
  g_autofree char *wanted = g_strdup (self->namespace_);
  GtkListBoxRow *select = NULL;

  if (browser_gone (self) || CR_CLIENT (source) != self->client || namespaces == NULL)
    {
      if (namespaces == NULL && error != NULL && !g_error_matches (error, CR_ERROR, CR_ERROR_CALL_CANCELLED))
        g_debug ("Could not list the namespaces: %s", error->message);
      return;
    }

  g_signal_handlers_block_by_func (self->namespaces_list, namespace_selected_cb, self);
  clear_list_box (self->namespaces_list);
  for (guint i = 0; namespaces[i] != NULL; i++)
    {
      GtkWidget *row = namespace_row_new (namespaces[i]);

      gtk_list_box_append (self->namespaces_list, row);
      /* Where the user was, else where the content usually is */
      if ((wanted != NULL && g_ascii_strcasecmp (namespaces[i], wanted) == 0) ||
          (select == NULL && wanted == NULL && g_ascii_strcasecmp (namespaces[i], "root/cimv2") == 0))
        select = GTK_LIST_BOX_ROW (row);
    }
  if (select == NULL)
    select = gtk_list_box_get_row_at_index (self->namespaces_list, 0);
  gtk_list_box_select_row (self->namespaces_list, select);
  g_signal_handlers_unblock_by_func (self->namespaces_list, namespace_selected_cb, self);

  g_clear_pointer (&self->namespace_, g_free);
  if (select != NULL)
    namespace_selected_cb (self, select, self->namespaces_list);
  else
    {
      update_actions (self);
      load_classes (self);
    }
}

static void
load_namespaces (CrBrowser *self)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->dirty = FALSE;
  if (self->client == NULL)
    return;
  self->load_cancellable = g_cancellable_new ();
  cr_client_list_namespaces_async (self->client, NULL, TRUE, self->load_cancellable, namespaces_cb,
                                   g_object_ref (self));
}

static void
cr_browser_map (GtkWidget *widget)
{
  CrBrowser *self = CR_BROWSER (widget);

  GTK_WIDGET_CLASS (cr_browser_parent_class)->map (widget);
  if (self->dirty)
    load_namespaces (self);
}

/* Writes */

static void
write_done (CrBrowser *self, gboolean ok, const char *title, const GError *error)
{
  self->write_pending = FALSE;
  update_actions (self);
  if (!ok && error != NULL && parent_window (self) != NULL)
    gtk_window_present (GTK_WINDOW (cr_error_dialog_new (parent_window (self), title,
                                                         _("The repository was not changed."), error)));
  load_namespaces (self);
}

static void
create_namespace_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrBrowser) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_client_create_namespace_finish (CR_CLIENT (source), result, &error);

  if (browser_gone (self))
    return;
  write_done (self, ok, _("Could Not Create the Namespace"), error);
}

static void
create_namespace_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrBrowser *self = CR_BROWSER (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_namespace_entry))));

  if (self->client == NULL || !self->writable || self->write_pending || *name == '\0')
    return;
  gtk_popover_popdown (self->new_namespace_popover);
  gtk_editable_set_text (GTK_EDITABLE (self->new_namespace_entry), "");
  g_free (self->namespace_);
  self->namespace_ = g_strdup (name);
  self->write_pending = TRUE;
  update_actions (self);
  cr_client_create_namespace_async (self->client, name, CR_NAMESPACE_FLAGS_CREATE_PARENTS, self->cancellable,
                                    create_namespace_cb, g_object_ref (self));
}

static void
delete_namespace_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrBrowser) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_client_delete_namespace_finish (CR_CLIENT (source), result, &error);

  if (browser_gone (self))
    return;
  if (ok)
    g_clear_pointer (&self->namespace_, g_free);
  write_done (self, ok, _("Could Not Delete the Namespace"), error);
}

static void
delete_dialog_response_cb (CrBrowser *self, int response, GtkDialog *dialog)
{
  char *namespace_ = g_object_get_data (G_OBJECT (dialog), "namespace");

  if (response == GTK_RESPONSE_ACCEPT && self->client != NULL && self->writable && !self->write_pending)
    {
      self->write_pending = TRUE;
      update_actions (self);
      cr_client_delete_namespace_async (self->client, namespace_, self->cancellable, delete_namespace_cb,
                                        g_object_ref (self));
    }
  self->delete_dialog = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
delete_namespace_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrBrowser *self = CR_BROWSER (widget);
  GtkWidget *dialog, *button;

  if (self->namespace_ == NULL || self->delete_dialog != NULL)
    return;
  dialog = gtk_message_dialog_new (parent_window (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE,
                                   /* Translators: a namespace's name */
                                   _("Delete the namespace “%s”?"), self->namespace_);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("Its classes and instances, and the namespaces under it, are deleted "
                                              "too. Only a backup can bring them back."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete"), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_object_set_data_full (G_OBJECT (dialog), "namespace", g_strdup (self->namespace_), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_dialog_response_cb), self, G_CONNECT_SWAPPED);
  self->delete_dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The class list */

static void
class_item_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_list_item_set_child (item, box);
}

static void
class_item_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CrClass *klass = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  const char *superclass = cr_class_get_superclass (klass);

  gtk_label_set_text (GTK_LABEL (name), cr_class_get_name (klass));
  gtk_label_set_text (GTK_LABEL (detail), superclass != NULL && *superclass != '\0' ? superclass : "");
  gtk_widget_set_visible (detail, superclass != NULL && *superclass != '\0');
}

static gboolean
class_filter_func (gpointer item, gpointer user_data)
{
  CrBrowser *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->class_search));
  g_autofree char *name = NULL;
  g_autofree char *needle = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  name = g_utf8_casefold (cr_class_get_name (CR_CLASS (item)), -1);
  needle = g_utf8_casefold (text, -1);
  return strstr (name, needle) != NULL;
}

static void
search_changed_cb (CrBrowser *self, GtkSearchEntry *entry)
{
  gtk_filter_changed (GTK_FILTER (self->class_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Public */

/**
 * cr_browser_set_client:
 * @client: (nullable): the repository to browse
 */
void
cr_browser_set_client (CrBrowser *self, CrClient *client)
{
  g_return_if_fail (CR_IS_BROWSER (self));

  if (!g_set_object (&self->client, client))
    return;
  g_clear_pointer (&self->namespace_, g_free);
  clear_list_box (self->namespaces_list);
  g_list_store_remove_all (self->classes);
  show_class (self, NULL);
  update_actions (self);
  cr_browser_reload (self);
}

/**
 * cr_browser_reload:
 *
 * Reads the namespaces and classes again: now if the browser is shown,
 * else when it is.
 */
void
cr_browser_reload (CrBrowser *self)
{
  g_return_if_fail (CR_IS_BROWSER (self));

  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load_namespaces (self);
}

/**
 * cr_browser_set_writable:
 * @reason: (nullable): why it is not, shown as the buttons' tooltip
 *
 * Whether namespaces may be created and deleted now.
 */
void
cr_browser_set_writable (CrBrowser *self, gboolean writable, const char *reason)
{
  g_return_if_fail (CR_IS_BROWSER (self));

  self->writable = writable;
  gtk_widget_set_tooltip_text (self->new_namespace_button, writable || reason == NULL ? _("New Namespace") : reason);
  gtk_widget_set_tooltip_text (self->delete_namespace_button,
                               writable || reason == NULL ? _("Delete Namespace") : reason);
  update_actions (self);
}

/* GObject */

static void
cr_browser_dispose (GObject *object)
{
  CrBrowser *self = CR_BROWSER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  if (self->delete_dialog != NULL)
    gtk_window_destroy (g_steal_pointer (&self->delete_dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), CR_TYPE_BROWSER);
  g_clear_object (&self->client);
  g_clear_object (&self->class_selection);
  g_clear_object (&self->class_filter);
  g_clear_object (&self->classes);
  G_OBJECT_CLASS (cr_browser_parent_class)->dispose (object);
}

static void
cr_browser_finalize (GObject *object)
{
  CrBrowser *self = CR_BROWSER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_free (self->namespace_);
  G_OBJECT_CLASS (cr_browser_parent_class)->finalize (object);
}

static void
cr_browser_class_init (CrBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cr_browser_dispose;
  object_class->finalize = cr_browser_finalize;
  widget_class->map = cr_browser_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/cimrepo/Manager/cr-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, new_namespace_button);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, delete_namespace_button);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, new_namespace_popover);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, new_namespace_entry);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, namespaces_list);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, class_search);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, classes_stack);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, classes_placeholder);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, classes_view);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, class_title);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, class_subtitle);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, class_description);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, properties_heading);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, properties_list);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, methods_heading);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, methods_list);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, qualifiers_heading);
  gtk_widget_class_bind_template_child (widget_class, CrBrowser, qualifiers_list);

  gtk_widget_class_install_action (widget_class, "browser.create-namespace", NULL, create_namespace_action);
  gtk_widget_class_install_action (widget_class, "browser.delete-namespace", NULL, delete_namespace_action);
}

static void
cr_browser_init (CrBrowser *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkFilterListModel) filtered = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->classes = g_list_store_new (CR_TYPE_CLASS);
  self->class_filter = gtk_custom_filter_new (class_filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->classes)),
                                        GTK_FILTER (g_object_ref (self->class_filter)));
  self->class_selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&filtered)));
  gtk_single_selection_set_autoselect (self->class_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->class_selection, TRUE);
  g_signal_connect_object (self->class_selection, "notify::selected-item", G_CALLBACK (class_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (factory, "setup", G_CALLBACK (class_item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (class_item_bind_cb), NULL);
  gtk_list_view_set_factory (self->classes_view, factory);
  gtk_list_view_set_model (self->classes_view, GTK_SELECTION_MODEL (self->class_selection));

  g_signal_connect_object (self->namespaces_list, "row-selected", G_CALLBACK (namespace_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->class_search, "search-changed", G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->classes_stack, "empty");
  update_actions (self);
}
