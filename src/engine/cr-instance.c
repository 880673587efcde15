/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-instance.h"
#include "cr-types-private.h"

typedef struct {
  char *name;
  GVariant *value;
} CrInstanceValue;

struct _CrInstance {
  GObject parent_instance;

  char *class_name;
  char *path;        /* NULL until normalized */
  GPtrArray *values; /* CrInstanceValue, in insertion order */
  GHashTable *index; /* name key → CrInstanceValue in values */
};

G_DEFINE_FINAL_TYPE (CrInstance, cr_instance, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLASS_NAME,
  N_PROPS
};

static GParamSpec *obj_props[N_PROPS];

static void
instance_value_free (CrInstanceValue *value)
{
  g_free (value->name);
  g_variant_unref (value->value);
  g_free (value);
}

static void
cr_instance_finalize (GObject *object)
{
  CrInstance *self = CR_INSTANCE (object);

  g_free (self->class_name);
  g_free (self->path);
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->values, g_ptr_array_unref);

  G_OBJECT_CLASS (cr_instance_parent_class)->finalize (object);
}

static void
cr_instance_get_gobject_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrInstance *self = CR_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_CLASS_NAME:
      g_value_set_string (value, self->class_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
cr_instance_set_gobject_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CrInstance *self = CR_INSTANCE (object);

  switch (prop_id)
    {
    case PROP_CLASS_NAME:
      g_free (self->class_name);
      self->class_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
cr_instance_class_init (CrInstanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cr_instance_finalize;
  object_class->get_property = cr_instance_get_gobject_property;
  object_class->set_property = cr_instance_set_gobject_property;

  /**
   * CrInstance:class-name:
   *
   * The name of the instance's class.
   */
  obj_props[PROP_CLASS_NAME] =
    g_param_spec_string ("class-name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, obj_props);
}

static void
cr_instance_init (CrInstance *self)
{
  self->values = g_ptr_array_new_with_free_func ((GDestroyNotify) instance_value_free);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * cr_instance_new:
 * @class_name: the name of the instance's class
 *
 * Returns: (transfer full): a new instance with no values (every property
 *   NULL) and no path
 */
CrInstance *
cr_instance_new (const char *class_name)
{
  g_return_val_if_fail (class_name != NULL, NULL);

  return g_object_new (CR_TYPE_INSTANCE, "class-name", class_name, NULL);
}

/**
 * cr_instance_get_class_name:
 * @instance: a #CrInstance
 *
 * Returns: the name of the instance's class
 */
const char *
cr_instance_get_class_name (CrInstance *instance)
{
  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);

  return instance->class_name;
}

static void
take_value (CrInstance *instance, char *key, const char *name, GVariant *value)
{
  CrInstanceValue *entry = g_new0 (CrInstanceValue, 1);

  entry->name = g_strdup (name);
  entry->value = value;
  g_ptr_array_add (instance->values, entry);
  g_hash_table_insert (instance->index, key, entry);
}

/**
 * cr_instance_set_property:
 * @instance: a #CrInstance
 * @name: a property name
 * @value: (nullable): its value; a floating reference is consumed
 *
 * Sets a property's value. Names are case-insensitive: setting "name"
 * after "Name" replaces the value and keeps the first spelling (and
 * position) until cr_instance_normalize() spells it as the class does.
 *
 * %NULL makes the property CIM NULL by removing its value. Since the
 * GVariant form only carries non-NULL values, an instance means the same
 * in process and over D-Bus: a NULL property is one that was left out,
 * and cr_instance_normalize() gives it the class default.
 *
 * Nothing is checked here; cr_instance_normalize() checks the values
 * against the class.
 */
void
cr_instance_set_property (CrInstance *instance, const char *name, GVariant *value)
{
  g_autofree char *key = NULL;
  CrInstanceValue *entry;

  g_return_if_fail (CR_IS_INSTANCE (instance));
  g_return_if_fail (name != NULL);

  key = cr_name_key (name);
  entry = g_hash_table_lookup (instance->index, key);
  if (value == NULL)
    {
      if (entry != NULL)
        {
          g_hash_table_remove (instance->index, key);
          g_ptr_array_remove (instance->values, entry);
        }
      return;
    }
  if (entry != NULL)
    {
      GVariant *old = entry->value;

      entry->value = g_variant_ref_sink (value);
      g_variant_unref (old);
      return;
    }
  take_value (instance, g_steal_pointer (&key), name, g_variant_ref_sink (value));
}

/**
 * cr_instance_get_property:
 * @instance: a #CrInstance
 * @name: a property name, case-insensitive
 *
 * Returns: (transfer none) (nullable): the property's value, or %NULL
 *   when it is CIM NULL
 */
GVariant *
cr_instance_get_property (CrInstance *instance, const char *name)
{
  g_autofree char *key = NULL;
  CrInstanceValue *entry;

  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  key = cr_name_key (name);
  entry = g_hash_table_lookup (instance->index, key);
  return entry != NULL ? entry->value : NULL;
}

/**
 * cr_instance_get_property_names:
 * @instance: a #CrInstance
 *
 * Returns: (transfer full) (element-type utf8): the names of the
 *   properties that have a value, spelled as set, in the order they were
 *   first set (after cr_instance_normalize(), in the class's order)
 */
GPtrArray *
cr_instance_get_property_names (CrInstance *instance)
{
  GPtrArray *names;

  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);

  names = g_ptr_array_new_full (instance->values->len, g_free);
  for (guint i = 0; i < instance->values->len; i++)
    {
      const CrInstanceValue *entry = g_ptr_array_index (instance->values, i);

      g_ptr_array_add (names, g_strdup (entry->name));
    }
  return names;
}

/**
 * cr_instance_get_path:
 * @instance: a #CrInstance
 *
 * Returns: (nullable): the instance's canonical object path, as
 *   cr_instance_normalize() sets it, or %NULL
 */
const char *
cr_instance_get_path (CrInstance *instance)
{
  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);

  return instance->path;
}

/**
 * cr_instance_set_path:
 * @instance: a #CrInstance
 * @path: (nullable): the instance's object path
 */
void
cr_instance_set_path (CrInstance *instance, const char *path)
{
  g_return_if_fail (CR_IS_INSTANCE (instance));

  g_free (instance->path);
  instance->path = g_strdup (path);
}

/**
 * cr_instance_to_variant:
 * @instance: a #CrInstance
 *
 * Returns: (transfer floating): the `(sa{sv})` form of @instance: its
 *   class name and its non-NULL values, in the instance's order
 */
GVariant *
cr_instance_to_variant (CrInstance *instance)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);

  for (guint i = 0; i < instance->values->len; i++)
    {
      const CrInstanceValue *entry = g_ptr_array_index (instance->values, i);

      g_variant_builder_add (&builder, "{sv}", entry->name, entry->value);
    }
  return g_variant_new ("(s@a{sv})", instance->class_name, g_variant_builder_end (&builder));
}

/**
 * cr_instance_new_from_variant:
 * @variant: a `(sa{sv})` value; it is not consumed
 * @error: return location for a #GError
 *
 * Reads an instance from untrusted data. The GVariant type is checked
 * first, then: at most %CR_MAX_OBJECT_BYTES in all, a valid class name,
 * valid property names, no name twice (case-insensitively), at most
 * %CR_MAX_PROPERTIES values, and each value a CIM value (a CIM GVariant
 * type, nested at most %CR_MAX_VARIANT_DEPTH deep, strings and arrays
 * within their bounds). Whether each value fits its property is
 * cr_instance_normalize()'s job, since only the class knows.
 *
 * Returns: (transfer full): the instance; or %NULL with
 *   %CR_ERROR_TYPE_MISMATCH for a wrong GVariant type or a value that no
 *   CIM type holds, otherwise %CR_ERROR_INVALID_PARAMETER
 */
CrInstance *
cr_instance_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrInstance) instance = NULL;
  g_autoptr (GVariant) values = NULL;
  g_autofree char *class_shown = NULL;
  const char *class_name;
  gsize n;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CR_INSTANCE_VARIANT_TYPE)))
    {
      g_autofree char *shown = cr_text_for_display (g_variant_get_type_string (variant));

      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("An instance must have GVariant type “%s”, not “%s”"),
                   CR_INSTANCE_VARIANT_TYPE, shown);
      return NULL;
    }
  if (g_variant_get_size (variant) > CR_MAX_OBJECT_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "An instance takes at most %d byte, not %lu",
                                "An instance takes at most %d bytes, not %lu",
                                CR_MAX_OBJECT_BYTES),
                   CR_MAX_OBJECT_BYTES, (gulong) g_variant_get_size (variant));
      return NULL;
    }
  g_variant_get (variant, "(&s@a{sv})", &class_name, &values);
  if (!cr_name_is_valid (class_name, error))
    {
      g_prefix_error (error, _("Instance class: "));
      return NULL;
    }
  class_shown = cr_text_for_display (class_name);
  n = g_variant_n_children (values);
  if (n > CR_MAX_PROPERTIES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Instance of “%s”: an instance has at most %d value, not %lu",
                                "Instance of “%s”: an instance has at most %d values, not %lu",
                                CR_MAX_PROPERTIES),
                   class_shown, CR_MAX_PROPERTIES, (gulong) n);
      return NULL;
    }

  instance = cr_instance_new (class_name);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) value = NULL;
      g_autofree char *key = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *what = NULL;
      const char *name;

      g_variant_get_child (values, i, "{&sv}", &name, &value);
      if (!cr_name_is_valid (name, error))
        {
          g_prefix_error (error, _("Instance of “%s”: "), class_shown);
          return NULL;
        }
      shown = cr_text_for_display (name);
      key = cr_name_key (name);
      if (g_hash_table_contains (instance->index, key))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("Instance of “%s”: property “%s” has more than one value"),
                       class_shown, shown);
          return NULL;
        }
      what = g_strdup_printf (_("Instance of “%s”, property “%s”"), class_shown, shown);
      if (!cr_variant_check_value_shape (value, what, error))
        return NULL;
      take_value (instance, g_steal_pointer (&key), name, g_steal_pointer (&value));
    }
  return g_steal_pointer (&instance);
}

/**
 * cr_instance_normalize:
 * @instance: a #CrInstance
 * @resolved_class: the resolved class of @instance
 * @error: return location for a #GError
 *
 * Checks @instance against its class and makes the stored form: the class
 * and property names spelled as the class declares them, the values
 * converted to the properties' types with cr_cim_value_coerce() (and
 * fixed-size arrays within their size), the properties that have no value
 * given the class default, the values in the class's property order, and
 * the path set to the canonical object path (without a namespace, which
 * the instance does not know).
 *
 * Returns: (transfer full): a new, normalized instance; or %NULL with
 *   %CR_ERROR_INVALID_OPERATION for an abstract class,
 *   %CR_ERROR_INVALID_CLASS when @instance is not of @resolved_class,
 *   %CR_ERROR_INVALID_PARAMETER for a property that the class does not
 *   have or a value out of bounds, %CR_ERROR_TYPE_MISMATCH for a value of
 *   the wrong type, %CR_ERROR_ILLEGAL_NULL for a key without a value
 */
CrInstance *
cr_instance_normalize (CrInstance *instance, CrClass *resolved_class, GError **error)
{
  g_autoptr (CrInstance) result = NULL;
  g_autoptr (GHashTable) given = NULL;
  g_autoptr (GHashTable) by_name = NULL;
  g_autoptr (CrObjectPath) path = NULL;
  g_autofree char *class_shown = NULL;
  g_autofree char *path_text = NULL;
  GPtrArray *properties;
  const char *class_name;

  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);
  g_return_val_if_fail (CR_IS_CLASS (resolved_class), NULL);

  class_name = cr_class_get_name (resolved_class);
  class_shown = cr_text_for_display (class_name);
  if (cr_class_is_abstract (resolved_class))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                   _("Class “%s” is abstract: it cannot have instances"), class_shown);
      return NULL;
    }
  if (!cr_name_equal (instance->class_name, class_name))
    {
      g_autofree char *shown = cr_text_for_display (instance->class_name);

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_CLASS,
                   _("The instance is of class “%s”, not “%s”"), shown, class_shown);
      return NULL;
    }

  /* One index of the class's properties keeps this linear in the size of
   * the class and the instance, which may both hold thousands. */
  properties = cr_class_get_properties (resolved_class);
  by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < properties->len; i++)
    {
      CrProperty *property = g_ptr_array_index (properties, i);

      g_hash_table_insert (by_name, cr_name_key (property->name), property);
    }

  /* Coerced values by name key. Every given name must be a property. */
  given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  for (guint i = 0; i < instance->values->len; i++)
    {
      const CrInstanceValue *entry = g_ptr_array_index (instance->values, i);
      g_autofree char *entry_key = cr_name_key (entry->name);
      CrProperty *property = g_hash_table_lookup (by_name, entry_key);
      g_autofree char *what = NULL;
      GVariant *value;

      if (property == NULL)
        {
          g_autofree char *shown = cr_text_for_display (entry->name);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("Class “%s” has no property “%s”"), class_shown, shown);
          return NULL;
        }
      what = g_strdup_printf (_("Property “%s” of class “%s”"), property->name, class_shown);
      value = cr_cim_value_coerce (property->type, entry->value, what, error);
      if (value == NULL)
        return NULL;
      if (property->array_size != 0 && g_variant_n_children (value) > property->array_size)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%s: the array has room for %u element, not %lu",
                                    "%s: the array has room for %u elements, not %lu",
                                    property->array_size),
                       what, property->array_size, (gulong) g_variant_n_children (value));
          g_variant_unref (value);
          return NULL;
        }
      g_hash_table_insert (given, cr_name_key (property->name), value);
    }

  result = cr_instance_new (class_name);
  for (guint i = 0; i < properties->len; i++)
    {
      const CrProperty *property = g_ptr_array_index (properties, i);
      g_autofree char *key = cr_name_key (property->name);
      GVariant *value = g_hash_table_lookup (given, key);

      if (value == NULL)
        value = property->default_value;
      if (value == NULL)
        {
          if (cr_property_is_key (property))
            {
              g_set_error (error, CR_ERROR, CR_ERROR_ILLEGAL_NULL,
                           _("Key property “%s” of class “%s” has no value"),
                           property->name, class_shown);
              return NULL;
            }
          continue;
        }
      take_value (result, g_steal_pointer (&key), property->name, g_variant_ref (value));
    }

  path = cr_instance_build_path (result, resolved_class, error);
  if (path == NULL)
    return NULL;
  path_text = cr_object_path_to_string (path);
  cr_instance_set_path (result, path_text);
  return g_steal_pointer (&result);
}

/**
 * cr_instance_build_path:
 * @instance: a #CrInstance
 * @resolved_class: the resolved class of @instance
 * @error: return location for a #GError
 *
 * Makes the object path of @instance from its key values, canonicalized
 * with cr_object_path_canonicalize(). A class without keys gives the
 * singleton path `Class=@`.
 *
 * Returns: (transfer full): the path; or %NULL with %CR_ERROR_ILLEGAL_NULL
 *   for a key without a value, or an error of
 *   cr_object_path_canonicalize()
 */
CrObjectPath *
cr_instance_build_path (CrInstance *instance, CrClass *resolved_class, GError **error)
{
  g_autoptr (CrObjectPath) path = NULL;
  g_autoptr (GPtrArray) keys = NULL;

  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);
  g_return_val_if_fail (CR_IS_CLASS (resolved_class), NULL);

  path = cr_object_path_new (instance->class_name);
  keys = cr_class_get_key_properties (resolved_class);
  for (guint i = 0; i < keys->len; i++)
    {
      const CrProperty *key = g_ptr_array_index (keys, i);
      GVariant *value = cr_instance_get_property (instance, key->name);

      if (value == NULL)
        {
          g_autofree char *class_shown = cr_text_for_display (cr_class_get_name (resolved_class));

          g_set_error (error, CR_ERROR, CR_ERROR_ILLEGAL_NULL,
                       _("Key property “%s” of class “%s” has no value"),
                       key->name, class_shown);
          return NULL;
        }
      cr_object_path_add_key (path, key->name, value);
    }
  if (!cr_object_path_canonicalize (path, resolved_class, error))
    return NULL;
  return g_steal_pointer (&path);
}
