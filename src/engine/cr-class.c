/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-class.h"
#include "cr-error.h"
#include "cr-qualifier-private.h"
#include "cr-types-private.h"

#define PROPERTIES_VARIANT_TYPE "a" CR_PROPERTY_VARIANT_TYPE
#define PARAMETERS_VARIANT_TYPE "a" CR_PARAMETER_VARIANT_TYPE
#define METHODS_VARIANT_TYPE "a" CR_METHOD_VARIANT_TYPE
#define QUALIFIERS_VARIANT_TYPE "a" CR_QUALIFIER_VARIANT_TYPE

struct _CrClass {
  GObject parent_instance;

  char *name;
  char *superclass;      /* NULL for a root class */
  GPtrArray *qualifiers; /* CrQualifier */
  GPtrArray *properties; /* CrProperty, in declaration order */
  GPtrArray *methods;    /* CrMethod, in declaration order */
};

G_DEFINE_FINAL_TYPE (CrClass, cr_class, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_SUPERCLASS,
  N_PROPS
};

static GParamSpec *obj_props[N_PROPS];

G_DEFINE_BOXED_TYPE (CrProperty, cr_property, cr_property_copy, cr_property_free)
G_DEFINE_BOXED_TYPE (CrParameter, cr_parameter, cr_parameter_copy, cr_parameter_free)
G_DEFINE_BOXED_TYPE (CrMethod, cr_method, cr_method_copy, cr_method_free)

static void
set_wrong_variant_type (GError **error, const char *what, const char *expected, GVariant *variant)
{
  g_autofree char *shown = cr_text_for_display (g_variant_get_type_string (variant));

  g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
               _("%s must have GVariant type “%s”, not “%s”"), what, expected, shown);
}

/* Checks the parts that properties and parameters share. */
static gboolean
validate_typed (CrCimType type, const char *reference_class, guint array_size, GError **error)
{
  if (!cr_cim_type_is_valid (type))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("%u is not a CIM type"), (guint) type);
      return FALSE;
    }
  if (CR_CIM_TYPE_ELEMENT (type) == CR_CIM_TYPE_REFERENCE)
    {
      if (reference_class == NULL)
        {
          g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("a reference must name the class it refers to"));
          return FALSE;
        }
      if (!cr_name_is_valid (reference_class, error))
        {
          g_prefix_error (error, _("reference class: "));
          return FALSE;
        }
    }
  else if (reference_class != NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("only a reference names a reference class, and this is a %s"),
                   cr_cim_type_to_string (type));
      return FALSE;
    }
  if (array_size != 0 && !CR_CIM_TYPE_IS_ARRAY (type))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("only an array has a fixed size, and this is a %s"),
                   cr_cim_type_to_string (type));
      return FALSE;
    }
  if (array_size > CR_MAX_ARRAY_ELEMENTS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "an array has at most %d element, not %u",
                                "an array has at most %d elements, not %u",
                                CR_MAX_ARRAY_ELEMENTS),
                   CR_MAX_ARRAY_ELEMENTS, array_size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_property (const CrProperty *property, GError **error)
{
  g_autofree char *shown = NULL;

  if (!cr_name_is_valid (property->name, error))
    {
      g_prefix_error (error, _("property: "));
      return FALSE;
    }
  shown = cr_text_for_display (property->name);
  if (!validate_typed (property->type, property->reference_class, property->array_size, error) ||
      !cr_qualifiers_validate (property->qualifiers, error))
    {
      g_prefix_error (error, _("property “%s”: "), shown);
      return FALSE;
    }
  if ((property->flags & ~CR_ELEMENT_PROPAGATED) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("property “%s”: unknown flags 0x%x"),
                   shown, (guint) (property->flags & ~CR_ELEMENT_PROPAGATED));
      return FALSE;
    }
  if (property->default_value != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("default value of property “%s”"), shown);

      if (!cr_cim_value_check (property->type, property->default_value, what, error))
        return FALSE;
      if (property->array_size != 0 &&
          g_variant_n_children (property->default_value) > property->array_size)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%s: the array has room for %u element, not %lu",
                                    "%s: the array has room for %u elements, not %lu",
                                    property->array_size),
                       what, property->array_size,
                       (gulong) g_variant_n_children (property->default_value));
          return FALSE;
        }
    }
  if (CR_CIM_TYPE_IS_ARRAY (property->type) && cr_property_is_key (property))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("property “%s”: a key property cannot be an array"), shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_parameter (const CrParameter *parameter, GError **error)
{
  g_autofree char *shown = NULL;

  if (!cr_name_is_valid (parameter->name, error))
    {
      g_prefix_error (error, _("parameter: "));
      return FALSE;
    }
  shown = cr_text_for_display (parameter->name);
  if (!validate_typed (parameter->type, parameter->reference_class, parameter->array_size, error) ||
      !cr_qualifiers_validate (parameter->qualifiers, error))
    {
      g_prefix_error (error, _("parameter “%s”: "), shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_method (const CrMethod *method, GError **error)
{
  g_autoptr (GHashTable) seen = NULL;
  g_autofree char *shown = NULL;

  if (!cr_name_is_valid (method->name, error))
    {
      g_prefix_error (error, _("method: "));
      return FALSE;
    }
  shown = cr_text_for_display (method->name);
  /* CR_CIM_TYPE_INVALID is a void method. */
  if (method->return_type != CR_CIM_TYPE_INVALID && !cr_cim_type_is_valid (method->return_type))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("method “%s”: %u is not a CIM type"), shown, (guint) method->return_type);
      return FALSE;
    }
  if ((method->flags & ~CR_ELEMENT_PROPAGATED) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("method “%s”: unknown flags 0x%x"),
                   shown, (guint) (method->flags & ~CR_ELEMENT_PROPAGATED));
      return FALSE;
    }
  if (!cr_qualifiers_validate (method->qualifiers, error))
    {
      g_prefix_error (error, _("method “%s”: "), shown);
      return FALSE;
    }
  if (method->parameters == NULL)
    return TRUE;
  if (method->parameters->len > CR_MAX_PARAMETERS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "method “%s”: a method has at most %d parameter, not %u",
                                "method “%s”: a method has at most %d parameters, not %u",
                                CR_MAX_PARAMETERS),
                   shown, CR_MAX_PARAMETERS, method->parameters->len);
      return FALSE;
    }
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < method->parameters->len; i++)
    {
      const CrParameter *parameter = g_ptr_array_index (method->parameters, i);

      if (parameter == NULL || !validate_parameter (parameter, error))
        {
          if (parameter == NULL)
            g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                 _("a parameter is NULL"));
          g_prefix_error (error, _("method “%s”: "), shown);
          return FALSE;
        }
      if (!g_hash_table_add (seen, cr_name_key (parameter->name)))
        {
          g_autofree char *param = cr_text_for_display (parameter->name);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("method “%s”: parameter “%s” is declared more than once"),
                       shown, param);
          return FALSE;
        }
    }
  return TRUE;
}

/* Properties */

/**
 * cr_property_new:
 * @name: the property's name
 * @type: its #CrCimType
 *
 * Returns: (transfer full): a new property with no qualifiers, no default
 *   and no flags
 */
CrProperty *
cr_property_new (const char *name, CrCimType type)
{
  CrProperty *property;

  g_return_val_if_fail (name != NULL, NULL);

  property = g_new0 (CrProperty, 1);
  property->name = g_strdup (name);
  property->type = type;
  property->qualifiers = cr_qualifiers_new ();
  return property;
}

/**
 * cr_property_copy:
 * @property: a #CrProperty
 *
 * Returns: (transfer full): a deep copy of @property
 */
CrProperty *
cr_property_copy (const CrProperty *property)
{
  CrProperty *copy;

  g_return_val_if_fail (property != NULL, NULL);

  copy = g_new0 (CrProperty, 1);
  copy->name = g_strdup (property->name);
  copy->type = property->type;
  copy->reference_class = g_strdup (property->reference_class);
  copy->array_size = property->array_size;
  copy->flags = property->flags;
  copy->qualifiers = cr_qualifiers_copy (property->qualifiers);
  copy->default_value = property->default_value != NULL ? g_variant_ref (property->default_value) : NULL;
  return copy;
}

/**
 * cr_property_free:
 * @property: (nullable): a #CrProperty
 */
void
cr_property_free (CrProperty *property)
{
  if (property == NULL)
    return;
  g_free (property->name);
  g_free (property->reference_class);
  g_clear_pointer (&property->qualifiers, g_ptr_array_unref);
  g_clear_pointer (&property->default_value, g_variant_unref);
  g_free (property);
}

/**
 * cr_property_is_key:
 * @property: a #CrProperty
 *
 * Returns: %TRUE if @property has the Key qualifier, true
 */
gboolean
cr_property_is_key (const CrProperty *property)
{
  g_return_val_if_fail (property != NULL, FALSE);

  return cr_qualifiers_get_boolean (property->qualifiers, "Key");
}

/**
 * cr_property_to_variant:
 * @property: a #CrProperty
 *
 * Returns: (transfer floating): the `(susuua(savu)av)` form of @property:
 *   name, type, reference class ("" for none), array size, flags,
 *   qualifiers, default value
 */
GVariant *
cr_property_to_variant (const CrProperty *property)
{
  g_return_val_if_fail (property != NULL, NULL);

  return g_variant_new ("(susuu@" QUALIFIERS_VARIANT_TYPE "@av)",
                        property->name,
                        (guint32) property->type,
                        property->reference_class != NULL ? property->reference_class : "",
                        (guint32) property->array_size,
                        (guint32) property->flags,
                        cr_qualifiers_to_variant (property->qualifiers),
                        cr_optional_to_variant (property->default_value));
}

/**
 * cr_property_new_from_variant:
 * @variant: a `(susuua(savu)av)` value; it is not consumed
 * @error: return location for a #GError
 *
 * Reads a property from untrusted data and checks it completely, as
 * cr_class_validate() checks each property.
 *
 * Returns: (transfer full): the property; or %NULL with
 *   %CR_ERROR_TYPE_MISMATCH or %CR_ERROR_INVALID_PARAMETER
 */
CrProperty *
cr_property_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrProperty) property = NULL;
  g_autoptr (GVariant) qualifiers = NULL;
  g_autoptr (GVariant) av = NULL;
  g_autoptr (GPtrArray) list = NULL;
  const char *name, *reference_class;
  guint32 type, array_size, flags;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CR_PROPERTY_VARIANT_TYPE)))
    {
      set_wrong_variant_type (error, _("A property"), CR_PROPERTY_VARIANT_TYPE, variant);
      return NULL;
    }
  g_variant_get (variant, "(&su&suu@" QUALIFIERS_VARIANT_TYPE "@av)",
                 &name, &type, &reference_class, &array_size, &flags, &qualifiers, &av);
  property = cr_property_new (name, (CrCimType) type);
  property->reference_class = *reference_class != '\0' ? g_strdup (reference_class) : NULL;
  property->array_size = array_size;
  property->flags = (CrElementFlags) flags;
  if (!cr_optional_from_variant (av, &property->default_value, error) ||
      (list = cr_qualifiers_new_from_variant (qualifiers, error)) == NULL)
    {
      g_autofree char *shown = cr_text_for_display (name);

      g_prefix_error (error, _("property “%s”: "), shown);
      return NULL;
    }
  g_ptr_array_unref (property->qualifiers);
  property->qualifiers = g_steal_pointer (&list);
  if (!validate_property (property, error))
    return NULL;
  return g_steal_pointer (&property);
}

/* Parameters */

/**
 * cr_parameter_new:
 * @name: the parameter's name
 * @type: its #CrCimType
 *
 * Returns: (transfer full): a new parameter with no qualifiers
 */
CrParameter *
cr_parameter_new (const char *name, CrCimType type)
{
  CrParameter *parameter;

  g_return_val_if_fail (name != NULL, NULL);

  parameter = g_new0 (CrParameter, 1);
  parameter->name = g_strdup (name);
  parameter->type = type;
  parameter->qualifiers = cr_qualifiers_new ();
  return parameter;
}

/**
 * cr_parameter_copy:
 * @parameter: a #CrParameter
 *
 * Returns: (transfer full): a deep copy of @parameter
 */
CrParameter *
cr_parameter_copy (const CrParameter *parameter)
{
  CrParameter *copy;

  g_return_val_if_fail (parameter != NULL, NULL);

  copy = g_new0 (CrParameter, 1);
  copy->name = g_strdup (parameter->name);
  copy->type = parameter->type;
  copy->reference_class = g_strdup (parameter->reference_class);
  copy->array_size = parameter->array_size;
  copy->qualifiers = cr_qualifiers_copy (parameter->qualifiers);
  return copy;
}

/**
 * cr_parameter_free:
 * @parameter: (nullable): a #CrParameter
 */
void
cr_parameter_free (CrParameter *parameter)
{
  if (parameter == NULL)
    return;
  g_free (parameter->name);
  g_free (parameter->reference_class);
  g_clear_pointer (&parameter->qualifiers, g_ptr_array_unref);
  g_free (parameter);
}

static GVariant *
parameter_to_variant (const CrParameter *parameter)
{
  return g_variant_new ("(susu@" QUALIFIERS_VARIANT_TYPE ")",
                        parameter->name,
                        (guint32) parameter->type,
                        parameter->reference_class != NULL ? parameter->reference_class : "",
                        (guint32) parameter->array_size,
                        cr_qualifiers_to_variant (parameter->qualifiers));
}

static CrParameter *
parameter_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrParameter) parameter = NULL;
  g_autoptr (GVariant) qualifiers = NULL;
  g_autoptr (GPtrArray) list = NULL;
  const char *name, *reference_class;
  guint32 type, array_size;

  g_variant_get (variant, "(&su&su@" QUALIFIERS_VARIANT_TYPE ")",
                 &name, &type, &reference_class, &array_size, &qualifiers);
  list = cr_qualifiers_new_from_variant (qualifiers, error);
  if (list == NULL)
    {
      g_autofree char *shown = cr_text_for_display (name);

      g_prefix_error (error, _("parameter “%s”: "), shown);
      return NULL;
    }
  parameter = cr_parameter_new (name, (CrCimType) type);
  parameter->reference_class = *reference_class != '\0' ? g_strdup (reference_class) : NULL;
  parameter->array_size = array_size;
  g_ptr_array_unref (parameter->qualifiers);
  parameter->qualifiers = g_steal_pointer (&list);
  return g_steal_pointer (&parameter);
}

/* Methods */

/**
 * cr_method_new:
 * @name: the method's name
 * @return_type: its #CrCimType, or %CR_CIM_TYPE_INVALID for void
 *
 * Returns: (transfer full): a new method with no parameters and no
 *   qualifiers
 */
CrMethod *
cr_method_new (const char *name, CrCimType return_type)
{
  CrMethod *method;

  g_return_val_if_fail (name != NULL, NULL);

  method = g_new0 (CrMethod, 1);
  method->name = g_strdup (name);
  method->return_type = return_type;
  method->parameters = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_parameter_free);
  method->qualifiers = cr_qualifiers_new ();
  return method;
}

/**
 * cr_method_copy:
 * @method: a #CrMethod
 *
 * Returns: (transfer full): a deep copy of @method
 */
CrMethod *
cr_method_copy (const CrMethod *method)
{
  CrMethod *copy;

  g_return_val_if_fail (method != NULL, NULL);

  copy = cr_method_new (method->name, method->return_type);
  for (guint i = 0; method->parameters != NULL && i < method->parameters->len; i++)
    g_ptr_array_add (copy->parameters, cr_parameter_copy (g_ptr_array_index (method->parameters, i)));
  g_ptr_array_unref (copy->qualifiers);
  copy->qualifiers = cr_qualifiers_copy (method->qualifiers);
  copy->flags = method->flags;
  return copy;
}

/**
 * cr_method_free:
 * @method: (nullable): a #CrMethod
 */
void
cr_method_free (CrMethod *method)
{
  if (method == NULL)
    return;
  g_free (method->name);
  g_clear_pointer (&method->parameters, g_ptr_array_unref);
  g_clear_pointer (&method->qualifiers, g_ptr_array_unref);
  g_free (method);
}

static GVariant *
method_to_variant (const CrMethod *method)
{
  g_auto (GVariantBuilder) parameters = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (PARAMETERS_VARIANT_TYPE));

  for (guint i = 0; method->parameters != NULL && i < method->parameters->len; i++)
    g_variant_builder_add_value (&parameters, parameter_to_variant (g_ptr_array_index (method->parameters, i)));
  return g_variant_new ("(su@" PARAMETERS_VARIANT_TYPE "@" QUALIFIERS_VARIANT_TYPE "u)",
                        method->name,
                        (guint32) method->return_type,
                        g_variant_builder_end (&parameters),
                        cr_qualifiers_to_variant (method->qualifiers),
                        (guint32) method->flags);
}

static CrMethod *
method_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrMethod) method = NULL;
  g_autoptr (GVariant) parameters = NULL;
  g_autoptr (GVariant) qualifiers = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *shown = NULL;
  const char *name;
  guint32 return_type, flags;
  gsize n;

  g_variant_get (variant, "(&su@" PARAMETERS_VARIANT_TYPE "@" QUALIFIERS_VARIANT_TYPE "u)",
                 &name, &return_type, &parameters, &qualifiers, &flags);
  shown = cr_text_for_display (name);
  n = g_variant_n_children (parameters);
  if (n > CR_MAX_PARAMETERS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "method “%s”: a method has at most %d parameter, not %lu",
                                "method “%s”: a method has at most %d parameters, not %lu",
                                CR_MAX_PARAMETERS),
                   shown, CR_MAX_PARAMETERS, (gulong) n);
      return NULL;
    }
  list = cr_qualifiers_new_from_variant (qualifiers, error);
  if (list == NULL)
    {
      g_prefix_error (error, _("method “%s”: "), shown);
      return NULL;
    }
  method = cr_method_new (name, (CrCimType) return_type);
  method->flags = (CrElementFlags) flags;
  g_ptr_array_unref (method->qualifiers);
  method->qualifiers = g_steal_pointer (&list);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (parameters, i);
      CrParameter *parameter = parameter_new_from_variant (child, error);

      if (parameter == NULL)
        {
          g_prefix_error (error, _("method “%s”: "), shown);
          return NULL;
        }
      g_ptr_array_add (method->parameters, parameter);
    }
  if (!validate_method (method, error))
    return NULL;
  return g_steal_pointer (&method);
}

/* CrClass */

static void
cr_class_finalize (GObject *object)
{
  CrClass *self = CR_CLASS (object);

  g_free (self->name);
  g_free (self->superclass);
  g_clear_pointer (&self->qualifiers, g_ptr_array_unref);
  g_clear_pointer (&self->properties, g_ptr_array_unref);
  g_clear_pointer (&self->methods, g_ptr_array_unref);

  G_OBJECT_CLASS (cr_class_parent_class)->finalize (object);
}

static void
cr_class_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrClass *self = CR_CLASS (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SUPERCLASS:
      g_value_set_string (value, self->superclass);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
cr_class_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CrClass *self = CR_CLASS (object);
  const char *s;

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;
    case PROP_SUPERCLASS:
      /* The wire form writes "" for no superclass; keep one spelling. */
      s = g_value_get_string (value);
      g_free (self->superclass);
      self->superclass = (s != NULL && *s != '\0') ? g_strdup (s) : NULL;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
cr_class_class_init (CrClassClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cr_class_finalize;
  object_class->get_property = cr_class_get_property;
  object_class->set_property = cr_class_set_property;

  /**
   * CrClass:name:
   *
   * The class's name, as written.
   */
  obj_props[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * CrClass:superclass:
   *
   * The name of the class's superclass, or %NULL for a root class.
   */
  obj_props[PROP_SUPERCLASS] =
    g_param_spec_string ("superclass", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, obj_props);
}

static void
cr_class_init (CrClass *self)
{
  self->qualifiers = cr_qualifiers_new ();
  self->properties = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_property_free);
  self->methods = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_method_free);
}

/**
 * cr_class_new:
 * @name: the class's name
 * @superclass: (nullable): the name of its superclass; %NULL or "" for
 *   a root class
 *
 * Returns: (transfer full): a new, empty class. Nothing is checked until
 *   cr_class_validate().
 */
CrClass *
cr_class_new (const char *name, const char *superclass)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (CR_TYPE_CLASS, "name", name, "superclass", superclass, NULL);
}

/**
 * cr_class_get_name:
 * @klass: a #CrClass
 *
 * Returns: the class's name
 */
const char *
cr_class_get_name (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  return klass->name;
}

/**
 * cr_class_get_superclass:
 * @klass: a #CrClass
 *
 * Returns: (nullable): the name of the superclass, or %NULL for a root
 *   class
 */
const char *
cr_class_get_superclass (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  return klass->superclass;
}

/**
 * cr_class_get_qualifiers:
 * @klass: a #CrClass
 *
 * Returns: (transfer none) (element-type CrQualifier): the class's
 *   qualifiers. Change them with cr_class_add_qualifier().
 */
GPtrArray *
cr_class_get_qualifiers (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  return klass->qualifiers;
}

/**
 * cr_class_get_properties:
 * @klass: a #CrClass
 *
 * Returns: (transfer none) (element-type CrProperty): the properties, in
 *   declaration order (inherited ones first in a resolved class)
 */
GPtrArray *
cr_class_get_properties (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  return klass->properties;
}

/**
 * cr_class_get_methods:
 * @klass: a #CrClass
 *
 * Returns: (transfer none) (element-type CrMethod): the methods, in
 *   declaration order (inherited ones first in a resolved class)
 */
GPtrArray *
cr_class_get_methods (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  return klass->methods;
}

/**
 * cr_class_add_qualifier:
 * @klass: a #CrClass
 * @qualifier: (transfer full): a qualifier
 *
 * Adds @qualifier to the class. A qualifier of the same name
 * (case-insensitively) is replaced in place.
 */
void
cr_class_add_qualifier (CrClass *klass, CrQualifier *qualifier)
{
  g_return_if_fail (CR_IS_CLASS (klass));
  g_return_if_fail (qualifier != NULL);

  cr_qualifiers_set (klass->qualifiers, qualifier);
}

/**
 * cr_class_add_property:
 * @klass: a #CrClass
 * @property: (transfer full): a property
 *
 * Adds @property at the end of the class's properties. A property of the
 * same name (case-insensitively) is replaced in place, keeping its
 * position.
 */
void
cr_class_add_property (CrClass *klass, CrProperty *property)
{
  g_return_if_fail (CR_IS_CLASS (klass));
  g_return_if_fail (property != NULL);

  for (guint i = 0; i < klass->properties->len; i++)
    {
      CrProperty *old = g_ptr_array_index (klass->properties, i);

      if (cr_name_equal (old->name, property->name))
        {
          cr_property_free (old);
          g_ptr_array_index (klass->properties, i) = property;
          return;
        }
    }
  g_ptr_array_add (klass->properties, property);
}

/**
 * cr_class_add_method:
 * @klass: a #CrClass
 * @method: (transfer full): a method
 *
 * Adds @method at the end of the class's methods. A method of the same
 * name (case-insensitively) is replaced in place.
 */
void
cr_class_add_method (CrClass *klass, CrMethod *method)
{
  g_return_if_fail (CR_IS_CLASS (klass));
  g_return_if_fail (method != NULL);

  for (guint i = 0; i < klass->methods->len; i++)
    {
      CrMethod *old = g_ptr_array_index (klass->methods, i);

      if (cr_name_equal (old->name, method->name))
        {
          cr_method_free (old);
          g_ptr_array_index (klass->methods, i) = method;
          return;
        }
    }
  g_ptr_array_add (klass->methods, method);
}

/**
 * cr_class_find_property:
 * @klass: a #CrClass
 * @name: a property name
 *
 * Returns: (transfer none) (nullable): the property called @name
 *   (case-insensitively), or %NULL
 */
CrProperty *
cr_class_find_property (CrClass *klass, const char *name)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < klass->properties->len; i++)
    {
      CrProperty *property = g_ptr_array_index (klass->properties, i);

      if (cr_name_equal (property->name, name))
        return property;
    }
  return NULL;
}

/**
 * cr_class_find_method:
 * @klass: a #CrClass
 * @name: a method name
 *
 * Returns: (transfer none) (nullable): the method called @name
 *   (case-insensitively), or %NULL
 */
CrMethod *
cr_class_find_method (CrClass *klass, const char *name)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < klass->methods->len; i++)
    {
      CrMethod *method = g_ptr_array_index (klass->methods, i);

      if (cr_name_equal (method->name, name))
        return method;
    }
  return NULL;
}

/**
 * cr_class_get_key_properties:
 * @klass: a #CrClass
 *
 * Returns: (transfer container) (element-type CrProperty): the key
 *   properties, in declaration order; the array does not own them
 */
GPtrArray *
cr_class_get_key_properties (CrClass *klass)
{
  GPtrArray *keys;

  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  keys = g_ptr_array_new ();
  for (guint i = 0; i < klass->properties->len; i++)
    {
      CrProperty *property = g_ptr_array_index (klass->properties, i);

      if (cr_property_is_key (property))
        g_ptr_array_add (keys, property);
    }
  return keys;
}

/**
 * cr_class_is_association:
 * @klass: a #CrClass
 *
 * Returns: %TRUE if the class has the Association qualifier, true
 */
gboolean
cr_class_is_association (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), FALSE);

  return cr_qualifiers_get_boolean (klass->qualifiers, "Association");
}

/**
 * cr_class_is_indication:
 * @klass: a #CrClass
 *
 * Returns: %TRUE if the class has the Indication qualifier, true
 */
gboolean
cr_class_is_indication (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), FALSE);

  return cr_qualifiers_get_boolean (klass->qualifiers, "Indication");
}

/**
 * cr_class_is_abstract:
 * @klass: a #CrClass
 *
 * Returns: %TRUE if the class has the Abstract qualifier, true: it cannot
 *   have instances
 */
gboolean
cr_class_is_abstract (CrClass *klass)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), FALSE);

  return cr_qualifiers_get_boolean (klass->qualifiers, "Abstract");
}

/* An upper bound of the size of cr_class_to_variant(): every string and
 * value, and per element (a tuple in an array) more than GVariant's
 * framing can take: an offset of at most 8 bytes and at most 7 bytes of
 * alignment for each of its members, and a variant's type string. */
#define FRAMING_BOUND 128

static gsize
string_bound (const char *text)
{
  return text != NULL ? strlen (text) + 1 : 1;
}

static gsize
value_bound (GVariant *value)
{
  if (value == NULL)
    return FRAMING_BOUND;
  return g_variant_get_size (value) + strlen (g_variant_get_type_string (value)) + 1 + FRAMING_BOUND;
}

static gsize
qualifiers_bound (GPtrArray *qualifiers)
{
  gsize size = FRAMING_BOUND;

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    {
      const CrQualifier *q = g_ptr_array_index (qualifiers, i);

      size += FRAMING_BOUND + string_bound (q->name) + value_bound (q->value);
    }
  return size;
}

static gsize
class_size_bound (CrClass *klass)
{
  gsize size = FRAMING_BOUND + string_bound (klass->name) + string_bound (klass->superclass) +
               qualifiers_bound (klass->qualifiers);

  for (guint i = 0; i < klass->properties->len; i++)
    {
      const CrProperty *p = g_ptr_array_index (klass->properties, i);

      size += FRAMING_BOUND + string_bound (p->name) + string_bound (p->reference_class) +
              qualifiers_bound (p->qualifiers) + value_bound (p->default_value);
    }
  for (guint i = 0; i < klass->methods->len; i++)
    {
      const CrMethod *m = g_ptr_array_index (klass->methods, i);

      size += FRAMING_BOUND + string_bound (m->name) + qualifiers_bound (m->qualifiers);
      for (guint j = 0; j < m->parameters->len; j++)
        {
          const CrParameter *param = g_ptr_array_index (m->parameters, j);

          size += FRAMING_BOUND + string_bound (param->name) + string_bound (param->reference_class) +
                  qualifiers_bound (param->qualifiers);
        }
    }
  return size;
}

static gboolean
validate_elements (CrClass *klass, GError **error)
{
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GVariant) serialized = NULL;
  gsize size;
  guint n_keys = 0;

  if (!cr_name_is_valid (klass->name, error))
    return FALSE;
  if (klass->superclass != NULL)
    {
      if (!cr_name_is_valid (klass->superclass, error))
        {
          g_prefix_error (error, _("superclass: "));
          return FALSE;
        }
      if (cr_name_equal (klass->superclass, klass->name))
        {
          g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                               _("a class cannot be its own superclass"));
          return FALSE;
        }
    }
  if (!cr_qualifiers_validate (klass->qualifiers, error))
    return FALSE;

  if (klass->properties->len > CR_MAX_PROPERTIES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a class has at most %d property, inherited ones included, not %u",
                                "a class has at most %d properties, inherited ones included, not %u",
                                CR_MAX_PROPERTIES),
                   CR_MAX_PROPERTIES, klass->properties->len);
      return FALSE;
    }
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < klass->properties->len; i++)
    {
      const CrProperty *property = g_ptr_array_index (klass->properties, i);

      if (!validate_property (property, error))
        return FALSE;
      if (!g_hash_table_add (seen, cr_name_key (property->name)))
        {
          g_autofree char *shown = cr_text_for_display (property->name);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("property “%s” is declared more than once"), shown);
          return FALSE;
        }
      if (cr_property_is_key (property))
        n_keys++;
    }
  /* An object path binds at most CR_MAX_KEY_PROPERTIES keys: a class with
   * more could never have an instance. */
  if (n_keys > CR_MAX_KEY_PROPERTIES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a class has at most %d key property, not %u",
                                "a class has at most %d key properties, not %u",
                                CR_MAX_KEY_PROPERTIES),
                   CR_MAX_KEY_PROPERTIES, n_keys);
      return FALSE;
    }

  if (klass->methods->len > CR_MAX_METHODS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a class has at most %d method, not %u",
                                "a class has at most %d methods, not %u",
                                CR_MAX_METHODS),
                   CR_MAX_METHODS, klass->methods->len);
      return FALSE;
    }
  g_hash_table_remove_all (seen);
  for (guint i = 0; i < klass->methods->len; i++)
    {
      const CrMethod *method = g_ptr_array_index (klass->methods, i);

      if (!validate_method (method, error))
        return FALSE;
      if (!g_hash_table_add (seen, cr_name_key (method->name)))
        {
          g_autofree char *shown = cr_text_for_display (method->name);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("method “%s” is declared more than once"), shown);
          return FALSE;
        }
    }

  /* Serializing a class only to measure it is most of what validating it
   * costs, and a schema import validates thousands: measure only a class
   * that could come near the limit. */
  if (class_size_bound (klass) <= CR_MAX_OBJECT_BYTES / 2)
    return TRUE;
  serialized = g_variant_ref_sink (cr_class_to_variant (klass));
  size = g_variant_get_size (serialized);
  if (size > CR_MAX_OBJECT_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "the class takes %lu byte, more than the limit of %d",
                                "the class takes %lu bytes, more than the limit of %d",
                                (gulong) size),
                   (gulong) size, CR_MAX_OBJECT_BYTES);
      return FALSE;
    }
  return TRUE;
}

/**
 * cr_class_validate:
 * @klass: a #CrClass
 * @error: return location for a #GError
 *
 * Checks a class on its own, in either shape: valid names, no two
 * properties and no two methods (or parameters of a method) with the same
 * name (case-insensitively), valid types, a reference class exactly for
 * references, a fixed array size only for arrays, defaults of the right
 * type (cr_cim_value_check()), scalar keys, the bounds of cr-types.h, and
 * at most %CR_MAX_OBJECT_BYTES once serialized.
 *
 * Rules that need the superclass (overrides, keys, DisableOverride, an
 * association's two references) are cr_class_resolve()'s.
 *
 * Returns: %TRUE if valid; otherwise %FALSE with
 *   %CR_ERROR_INVALID_PARAMETER (or %CR_ERROR_INVALID_SUPERCLASS for a
 *   class that is its own superclass), the message naming the class and
 *   the element
 */
gboolean
cr_class_validate (CrClass *klass, GError **error)
{
  g_return_val_if_fail (CR_IS_CLASS (klass), FALSE);

  if (!validate_elements (klass, error))
    {
      g_autofree char *shown = cr_text_for_display (klass->name);

      g_prefix_error (error, _("Class “%s”: "), shown);
      return FALSE;
    }
  return TRUE;
}

static int
compare_qualifiers (gconstpointer a, gconstpointer b)
{
  const CrQualifier *qa = *(const CrQualifier *const *) a;
  const CrQualifier *qb = *(const CrQualifier *const *) b;

  return g_ascii_strcasecmp (qa->name, qb->name);
}

/* @klass's qualifier lists, each in name order */
static void
sort_qualifiers (CrClass *klass)
{
  g_ptr_array_sort (klass->qualifiers, compare_qualifiers);
  for (guint i = 0; i < klass->properties->len; i++)
    g_ptr_array_sort (((CrProperty *) g_ptr_array_index (klass->properties, i))->qualifiers, compare_qualifiers);
  for (guint i = 0; i < klass->methods->len; i++)
    {
      CrMethod *method = g_ptr_array_index (klass->methods, i);

      g_ptr_array_sort (method->qualifiers, compare_qualifiers);
      for (guint j = 0; j < method->parameters->len; j++)
        g_ptr_array_sort (((CrParameter *) g_ptr_array_index (method->parameters, j))->qualifiers,
                          compare_qualifiers);
    }
}

/* A copy of @klass with its qualifiers in name order */
static CrClass *
copy_sorted (CrClass *klass)
{
  g_autoptr (GVariant) v = g_variant_ref_sink (cr_class_to_variant (klass));
  CrClass *copy = cr_class_new_from_variant (v, NULL);

  g_assert (copy != NULL); /* the form of a valid class */
  sort_qualifiers (copy);
  return copy;
}

/**
 * cr_class_equal:
 *
 * Whether @a and @b declare the same class. The order of qualifiers
 * means nothing in CIM, so it does not count here: a class exported as
 * MOF and read back equals the one it came from. The order of
 * properties, methods and parameters does count.
 */
gboolean
cr_class_equal (CrClass *a, CrClass *b)
{
  g_autoptr (CrClass) sa = NULL;
  g_autoptr (CrClass) sb = NULL;
  g_autoptr (GVariant) va = NULL;
  g_autoptr (GVariant) vb = NULL;

  g_return_val_if_fail (CR_IS_CLASS (a) && CR_IS_CLASS (b), FALSE);
  sa = copy_sorted (a);
  sb = copy_sorted (b);
  va = g_variant_ref_sink (cr_class_to_variant (sa));
  vb = g_variant_ref_sink (cr_class_to_variant (sb));
  return g_variant_equal (va, vb);
}

/**
 * cr_class_to_variant:
 * @klass: a #CrClass
 *
 * Returns: (transfer floating): the
 *   `(ssa(savu)a(susuua(savu)av)a(sua(susua(savu))a(savu)u))` form of
 *   @klass: name, superclass ("" for none), qualifiers, properties,
 *   methods
 */
GVariant *
cr_class_to_variant (CrClass *klass)
{
  g_auto (GVariantBuilder) properties = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (PROPERTIES_VARIANT_TYPE));
  g_auto (GVariantBuilder) methods = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE (METHODS_VARIANT_TYPE));

  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  for (guint i = 0; i < klass->properties->len; i++)
    g_variant_builder_add_value (&properties, cr_property_to_variant (g_ptr_array_index (klass->properties, i)));
  for (guint i = 0; i < klass->methods->len; i++)
    g_variant_builder_add_value (&methods, method_to_variant (g_ptr_array_index (klass->methods, i)));
  return g_variant_new ("(ss@" QUALIFIERS_VARIANT_TYPE "@" PROPERTIES_VARIANT_TYPE "@" METHODS_VARIANT_TYPE ")",
                        klass->name,
                        klass->superclass != NULL ? klass->superclass : "",
                        cr_qualifiers_to_variant (klass->qualifiers),
                        g_variant_builder_end (&properties),
                        g_variant_builder_end (&methods));
}

static gboolean
read_elements (CrClass *klass, GVariant *variant, GError **error)
{
  g_autoptr (GVariant) qualifiers = g_variant_get_child_value (variant, 2);
  g_autoptr (GVariant) properties = g_variant_get_child_value (variant, 3);
  g_autoptr (GVariant) methods = g_variant_get_child_value (variant, 4);
  g_autoptr (GPtrArray) list = NULL;
  gsize n;

  list = cr_qualifiers_new_from_variant (qualifiers, error);
  if (list == NULL)
    return FALSE;
  g_ptr_array_unref (klass->qualifiers);
  klass->qualifiers = g_steal_pointer (&list);

  /* Count before reading, so that a hostile class cannot make us build
   * more than the bounds allow. */
  n = g_variant_n_children (properties);
  if (n > CR_MAX_PROPERTIES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a class has at most %d property, inherited ones included, not %lu",
                                "a class has at most %d properties, inherited ones included, not %lu",
                                CR_MAX_PROPERTIES),
                   CR_MAX_PROPERTIES, (gulong) n);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (properties, i);
      CrProperty *property = cr_property_new_from_variant (child, error);

      if (property == NULL)
        return FALSE;
      /* Appended, not added: a duplicate must be refused, not merged. */
      g_ptr_array_add (klass->properties, property);
    }

  n = g_variant_n_children (methods);
  if (n > CR_MAX_METHODS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a class has at most %d method, not %lu",
                                "a class has at most %d methods, not %lu",
                                CR_MAX_METHODS),
                   CR_MAX_METHODS, (gulong) n);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (methods, i);
      CrMethod *method = method_new_from_variant (child, error);

      if (method == NULL)
        return FALSE;
      g_ptr_array_add (klass->methods, method);
    }
  return TRUE;
}

/**
 * cr_class_new_from_variant:
 * @variant: a value of type %CR_CLASS_VARIANT_TYPE; it is not consumed
 * @error: return location for a #GError
 *
 * Reads a class from untrusted data (a D-Bus message, a database row, a
 * backup). The GVariant type, the size and every element are checked, and
 * then the whole class as cr_class_validate() does. It never crashes nor
 * logs a critical on bad data.
 *
 * Returns: (transfer full): the class; or %NULL with
 *   %CR_ERROR_TYPE_MISMATCH for a wrong GVariant type, otherwise
 *   %CR_ERROR_INVALID_PARAMETER (or %CR_ERROR_INVALID_SUPERCLASS), the
 *   message naming the class and the element
 */
CrClass *
cr_class_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrClass) klass = NULL;
  g_autofree char *shown = NULL;
  const char *name, *superclass;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CR_CLASS_VARIANT_TYPE)))
    {
      set_wrong_variant_type (error, _("A class"), CR_CLASS_VARIANT_TYPE, variant);
      return NULL;
    }
  if (g_variant_get_size (variant) > CR_MAX_OBJECT_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A class takes at most %d byte, not %lu",
                                "A class takes at most %d bytes, not %lu",
                                CR_MAX_OBJECT_BYTES),
                   CR_MAX_OBJECT_BYTES, (gulong) g_variant_get_size (variant));
      return NULL;
    }
  g_variant_get_child (variant, 0, "&s", &name);
  g_variant_get_child (variant, 1, "&s", &superclass);
  klass = cr_class_new (name, superclass);
  if (!read_elements (klass, variant, error))
    {
      shown = cr_text_for_display (name);
      g_prefix_error (error, _("Class “%s”: "), shown);
      return NULL;
    }
  if (!cr_class_validate (klass, error))
    return NULL;
  return g_steal_pointer (&klass);
}

/* Resolution */

/* Merges an element's qualifiers with those it inherits. Inherited ones
 * come first, in the superclass's order, with local restatements in their
 * place; then the new local ones. Restricted qualifiers are not
 * inherited; inherited ones that are not restated get
 * CR_FLAVOR_PROPAGATED, and local ones lose it (a local list that carries
 * it came from a resolved class, and those qualifiers are inherited
 * anyway). */
static GPtrArray *
merge_qualifiers (GPtrArray *inherited, GPtrArray *local, GError **error)
{
  g_autoptr (GPtrArray) merged = cr_qualifiers_new ();
  g_autoptr (GHashTable) used = g_hash_table_new (NULL, NULL);

  for (guint i = 0; inherited != NULL && i < inherited->len; i++)
    {
      const CrQualifier *parent = g_ptr_array_index (inherited, i);
      CrQualifier *mine = cr_qualifiers_find (local, parent->name);
      CrQualifier *result;

      if (parent->flavor & CR_FLAVOR_RESTRICTED)
        continue;
      if (mine != NULL && (mine->flavor & CR_FLAVOR_PROPAGATED) == 0)
        {
          if ((parent->flavor & CR_FLAVOR_DISABLE_OVERRIDE) &&
              !cr_qualifier_values_equal (parent->value, mine->value))
            {
              g_autofree char *shown = cr_text_for_display (parent->name);

              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("qualifier “%s” has the DisableOverride flavor in the superclass: "
                             "its value cannot be overridden"),
                           shown);
              return NULL;
            }
          g_hash_table_add (used, mine);
          result = cr_qualifier_copy (mine);
          result->flavor &= ~CR_FLAVOR_PROPAGATED;
          /* A subclass cannot re-enable overriding for its own subclasses. */
          result->flavor |= parent->flavor & CR_FLAVOR_DISABLE_OVERRIDE;
        }
      else
        {
          result = cr_qualifier_copy (parent);
          result->flavor |= CR_FLAVOR_PROPAGATED;
        }
      g_ptr_array_add (merged, result);
    }
  for (guint i = 0; local != NULL && i < local->len; i++)
    {
      CrQualifier *mine = g_ptr_array_index (local, i);
      CrQualifier *result;

      if ((mine->flavor & CR_FLAVOR_PROPAGATED) || g_hash_table_contains (used, mine))
        continue;
      result = cr_qualifier_copy (mine);
      result->flavor &= ~CR_FLAVOR_PROPAGATED;
      g_ptr_array_add (merged, result);
    }
  return g_steal_pointer (&merged);
}

static GPtrArray *
local_qualifiers (GPtrArray *qualifiers)
{
  GPtrArray *result = cr_qualifiers_new ();

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    {
      const CrQualifier *qualifier = g_ptr_array_index (qualifiers, i);

      if ((qualifier->flavor & CR_FLAVOR_PROPAGATED) == 0)
        g_ptr_array_add (result, cr_qualifier_copy (qualifier));
    }
  return result;
}

/* Local elements by name key, leaving out those that an earlier
 * resolution propagated. */
static GHashTable *
index_local (GPtrArray *elements, gboolean methods)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < elements->len; i++)
    {
      gpointer element = g_ptr_array_index (elements, i);
      const char *name = methods ? ((CrMethod *) element)->name : ((CrProperty *) element)->name;
      CrElementFlags flags = methods ? ((CrMethod *) element)->flags : ((CrProperty *) element)->flags;

      if ((flags & CR_ELEMENT_PROPAGATED) == 0)
        g_hash_table_insert (index, cr_name_key (name), element);
    }
  return index;
}

static gboolean
class_has_keys (CrClass *klass)
{
  for (guint i = 0; i < klass->properties->len; i++)
    {
      if (cr_property_is_key (g_ptr_array_index (klass->properties, i)))
        return TRUE;
    }
  return FALSE;
}

static CrProperty *
override_property (const CrProperty *parent,
                   const CrProperty *mine,
                   CrClass *superclass,
                   gboolean super_has_keys,
                   GError **error)
{
  g_autoptr (CrProperty) result = NULL;
  g_autoptr (GPtrArray) qualifiers = NULL;
  g_autofree char *shown = cr_text_for_display (mine->name);
  g_autofree char *super_shown = cr_text_for_display (superclass->name);

  if (mine->type != parent->type)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("property “%s” is a %s in superclass “%s”: an override cannot make it a %s"),
                   shown, cr_cim_type_to_string (parent->type), super_shown,
                   cr_cim_type_to_string (mine->type));
      return NULL;
    }
  qualifiers = merge_qualifiers (parent->qualifiers, mine->qualifiers, error);
  if (qualifiers == NULL)
    {
      g_prefix_error (error, _("property “%s”: "), shown);
      return NULL;
    }
  result = cr_property_copy (mine);
  result->flags &= ~CR_ELEMENT_PROPAGATED;
  g_ptr_array_unref (result->qualifiers);
  result->qualifiers = g_steal_pointer (&qualifiers);
  /* An override that gives no default keeps the inherited one. */
  if (result->default_value == NULL && parent->default_value != NULL)
    result->default_value = g_variant_ref (parent->default_value);

  if (cr_property_is_key (parent) && !cr_property_is_key (result))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("property “%s” is a key in superclass “%s”: an override cannot make it a non-key"),
                   shown, super_shown);
      return NULL;
    }
  if (!cr_property_is_key (parent) && cr_property_is_key (result) && super_has_keys)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("property “%s” cannot become a key: superclass “%s” already defines the keys"),
                   shown, super_shown);
      return NULL;
    }
  return g_steal_pointer (&result);
}

static CrMethod *
override_method (const CrMethod *parent, const CrMethod *mine, CrClass *superclass, GError **error)
{
  g_autoptr (CrMethod) result = NULL;
  g_autoptr (GPtrArray) qualifiers = NULL;
  g_autofree char *shown = cr_text_for_display (mine->name);

  if (mine->return_type != parent->return_type)
    {
      g_autofree char *super_shown = cr_text_for_display (superclass->name);

      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("method “%s” returns %s in superclass “%s”: an override cannot return %s"),
                   shown,
                   parent->return_type == CR_CIM_TYPE_INVALID ? "void" : cr_cim_type_to_string (parent->return_type),
                   super_shown,
                   mine->return_type == CR_CIM_TYPE_INVALID ? "void" : cr_cim_type_to_string (mine->return_type));
      return NULL;
    }
  qualifiers = merge_qualifiers (parent->qualifiers, mine->qualifiers, error);
  if (qualifiers == NULL)
    {
      g_prefix_error (error, _("method “%s”: "), shown);
      return NULL;
    }
  result = cr_method_copy (mine);
  result->flags &= ~CR_ELEMENT_PROPAGATED;
  g_ptr_array_unref (result->qualifiers);
  result->qualifiers = g_steal_pointer (&qualifiers);
  return g_steal_pointer (&result);
}

static gboolean
check_superclass (CrClass *local, CrClass *superclass, GError **error)
{
  g_autofree char *shown = cr_text_for_display (local->name);

  if (local->superclass == NULL && superclass != NULL)
    {
      g_autofree char *given = cr_text_for_display (superclass->name);

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                   _("Class “%s” has no superclass, but “%s” was given as its superclass"),
                   shown, given);
      return FALSE;
    }
  if (local->superclass != NULL && superclass == NULL)
    {
      g_autofree char *wanted = cr_text_for_display (local->superclass);

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                   _("Class “%s” derives from “%s”, which was not given"),
                   shown, wanted);
      return FALSE;
    }
  if (local->superclass != NULL && !cr_name_equal (local->superclass, superclass->name))
    {
      g_autofree char *wanted = cr_text_for_display (local->superclass);
      g_autofree char *given = cr_text_for_display (superclass->name);

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                   _("Class “%s” derives from “%s”, not from “%s”"),
                   shown, wanted, given);
      return FALSE;
    }
  return TRUE;
}

static gboolean
resolve_elements (CrClass *result, CrClass *local, CrClass *superclass, GError **error)
{
  g_autoptr (GHashTable) local_properties = index_local (local->properties, FALSE);
  g_autoptr (GHashTable) local_methods = index_local (local->methods, TRUE);
  g_autoptr (GHashTable) overridden = g_hash_table_new (NULL, NULL);
  gboolean super_has_keys = superclass != NULL && class_has_keys (superclass);
  GPtrArray *inherited_qualifiers = superclass != NULL ? superclass->qualifiers : NULL;
  GPtrArray *qualifiers;

  qualifiers = merge_qualifiers (inherited_qualifiers, local->qualifiers, error);
  if (qualifiers == NULL)
    return FALSE;
  g_ptr_array_unref (result->qualifiers);
  result->qualifiers = qualifiers;

  for (guint i = 0; superclass != NULL && i < superclass->properties->len; i++)
    {
      const CrProperty *parent = g_ptr_array_index (superclass->properties, i);
      g_autofree char *key = cr_name_key (parent->name);
      const CrProperty *mine = g_hash_table_lookup (local_properties, key);
      CrProperty *property;

      if (mine != NULL)
        {
          property = override_property (parent, mine, superclass, super_has_keys, error);
          if (property == NULL)
            return FALSE;
          g_hash_table_add (overridden, (gpointer) mine);
        }
      else
        {
          g_autoptr (GPtrArray) inherited = merge_qualifiers (parent->qualifiers, NULL, NULL);

          property = cr_property_copy (parent);
          property->flags |= CR_ELEMENT_PROPAGATED;
          g_ptr_array_unref (property->qualifiers);
          property->qualifiers = g_steal_pointer (&inherited);
        }
      g_ptr_array_add (result->properties, property);
    }
  for (guint i = 0; i < local->properties->len; i++)
    {
      const CrProperty *mine = g_ptr_array_index (local->properties, i);
      CrProperty *property;

      if ((mine->flags & CR_ELEMENT_PROPAGATED) || g_hash_table_contains (overridden, mine))
        continue;
      if (super_has_keys && cr_property_is_key (mine))
        {
          g_autofree char *shown = cr_text_for_display (mine->name);
          g_autofree char *super_shown = cr_text_for_display (superclass->name);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("key property “%s” cannot be added: superclass “%s” already defines the keys"),
                       shown, super_shown);
          return FALSE;
        }
      property = cr_property_copy (mine);
      g_ptr_array_unref (property->qualifiers);
      property->qualifiers = local_qualifiers (mine->qualifiers);
      g_ptr_array_add (result->properties, property);
    }

  g_hash_table_remove_all (overridden);
  for (guint i = 0; superclass != NULL && i < superclass->methods->len; i++)
    {
      const CrMethod *parent = g_ptr_array_index (superclass->methods, i);
      g_autofree char *key = cr_name_key (parent->name);
      const CrMethod *mine = g_hash_table_lookup (local_methods, key);
      CrMethod *method;

      if (mine != NULL)
        {
          method = override_method (parent, mine, superclass, error);
          if (method == NULL)
            return FALSE;
          g_hash_table_add (overridden, (gpointer) mine);
        }
      else
        {
          g_autoptr (GPtrArray) inherited = merge_qualifiers (parent->qualifiers, NULL, NULL);

          method = cr_method_copy (parent);
          method->flags |= CR_ELEMENT_PROPAGATED;
          g_ptr_array_unref (method->qualifiers);
          method->qualifiers = g_steal_pointer (&inherited);
        }
      g_ptr_array_add (result->methods, method);
    }
  for (guint i = 0; i < local->methods->len; i++)
    {
      const CrMethod *mine = g_ptr_array_index (local->methods, i);
      CrMethod *method;

      if ((mine->flags & CR_ELEMENT_PROPAGATED) || g_hash_table_contains (overridden, mine))
        continue;
      method = cr_method_copy (mine);
      g_ptr_array_unref (method->qualifiers);
      method->qualifiers = local_qualifiers (mine->qualifiers);
      g_ptr_array_add (result->methods, method);
    }
  return TRUE;
}

/**
 * cr_class_resolve:
 * @local: a class in its local shape
 * @resolved_superclass: (nullable): the resolved superclass of @local, or
 *   %NULL if @local is a root class
 * @error: return location for a #GError
 *
 * Makes the resolved shape of @local:
 * - the superclass's properties and methods come first, in its order,
 *   marked %CR_ELEMENT_PROPAGATED, then @local's new ones;
 * - a local property or method named like an inherited one overrides it in
 *   place and is not marked propagated. A property keeps its type
 *   (%CR_ERROR_TYPE_MISMATCH otherwise), a method its return type, and a
 *   property without a default keeps the inherited default;
 * - qualifiers of the class and of each element are inherited unless they
 *   are %CR_FLAVOR_RESTRICTED. An inherited qualifier that is not restated
 *   gets %CR_FLAVOR_PROPAGATED. Restating a %CR_FLAVOR_DISABLE_OVERRIDE
 *   qualifier with another value is %CR_ERROR_INVALID_PARAMETER;
 * - when the superclass has key properties, @local cannot add a key, nor
 *   turn an inherited key into a non-key (%CR_ERROR_INVALID_PARAMETER);
 * - an association (DSP0004) must end up with at least two reference
 *   properties, inherited ones counted. This is checked here rather than in
 *   cr_class_validate(), which sees a local class without its inherited
 *   references.
 *
 * Elements and qualifiers of @local that are already marked propagated
 * (@local was itself resolved) are ignored: they come from the superclass.
 * The result is checked with cr_class_validate().
 *
 * Returns: (transfer full): a new resolved class; or %NULL with
 *   %CR_ERROR_INVALID_SUPERCLASS when @resolved_superclass is not the
 *   superclass that @local names (or is missing, or given for a root
 *   class), or one of the errors above
 */
CrClass *
cr_class_resolve (CrClass *local, CrClass *resolved_superclass, GError **error)
{
  g_autoptr (CrClass) result = NULL;
  g_autofree char *shown = NULL;
  guint n_references = 0;

  g_return_val_if_fail (CR_IS_CLASS (local), NULL);
  g_return_val_if_fail (resolved_superclass == NULL || CR_IS_CLASS (resolved_superclass), NULL);

  if (!check_superclass (local, resolved_superclass, error) ||
      !cr_class_validate (local, error))
    return NULL;

  shown = cr_text_for_display (local->name);
  result = cr_class_new (local->name, resolved_superclass != NULL ? resolved_superclass->name : NULL);
  if (!resolve_elements (result, local, resolved_superclass, error))
    {
      g_prefix_error (error, _("Class “%s”: "), shown);
      return NULL;
    }

  if (cr_class_is_association (result))
    {
      for (guint i = 0; i < result->properties->len; i++)
        {
          const CrProperty *property = g_ptr_array_index (result->properties, i);

          if (property->type == CR_CIM_TYPE_REFERENCE)
            n_references++;
        }
      if (n_references < 2)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("Class “%s” is an association, so it needs at least two reference properties, "
                         "not %u"),
                       shown, n_references);
          return NULL;
        }
    }

  if (!cr_class_validate (result, error))
    return NULL;
  return g_steal_pointer (&result);
}

/**
 * cr_class_get_local:
 * @klass: a #CrClass, usually resolved
 *
 * The inverse of cr_class_resolve(): keeps only what @klass declares
 * itself. Properties and methods marked %CR_ELEMENT_PROPAGATED are left
 * out, and so are qualifiers marked %CR_FLAVOR_PROPAGATED (class,
 * property and method qualifiers). Since the marks travel in the GVariant
 * form, this also works on a resolved class read from D-Bus.
 *
 * An override that gave no default value holds the inherited default in
 * the resolved class, and keeps it here: resolving the result again gives
 * the same resolved class.
 *
 * Returns: (transfer full): a new class in the local shape
 */
CrClass *
cr_class_get_local (CrClass *klass)
{
  CrClass *local;

  g_return_val_if_fail (CR_IS_CLASS (klass), NULL);

  local = cr_class_new (klass->name, klass->superclass);
  g_ptr_array_unref (local->qualifiers);
  local->qualifiers = local_qualifiers (klass->qualifiers);
  for (guint i = 0; i < klass->properties->len; i++)
    {
      const CrProperty *property = g_ptr_array_index (klass->properties, i);
      CrProperty *copy;

      if (property->flags & CR_ELEMENT_PROPAGATED)
        continue;
      copy = cr_property_copy (property);
      g_ptr_array_unref (copy->qualifiers);
      copy->qualifiers = local_qualifiers (property->qualifiers);
      g_ptr_array_add (local->properties, copy);
    }
  for (guint i = 0; i < klass->methods->len; i++)
    {
      const CrMethod *method = g_ptr_array_index (klass->methods, i);
      CrMethod *copy;

      if (method->flags & CR_ELEMENT_PROPAGATED)
        continue;
      copy = cr_method_copy (method);
      g_ptr_array_unref (copy->qualifiers);
      copy->qualifiers = local_qualifiers (method->qualifiers);
      g_ptr_array_add (local->methods, copy);
    }
  return local;
}
