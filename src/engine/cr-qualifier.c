/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-qualifier-private.h"
#include "cr-qualifier.h"
#include "cr-types-private.h"

G_DEFINE_BOXED_TYPE (CrQualifier, cr_qualifier, cr_qualifier_copy, cr_qualifier_free)
G_DEFINE_BOXED_TYPE (CrQualifierType, cr_qualifier_type, cr_qualifier_type_copy, cr_qualifier_type_free)

/**
 * cr_qualifier_new:
 * @name: the qualifier's name
 * @value: (nullable): its value, %NULL for CIM NULL; a floating reference
 *   is consumed
 * @flavor: its #CrFlavor flags
 *
 * Returns: (transfer full): a new qualifier; nothing is checked until it
 *   is validated with its class (cr_class_validate())
 */
CrQualifier *
cr_qualifier_new (const char *name, GVariant *value, CrFlavor flavor)
{
  CrQualifier *qualifier;

  g_return_val_if_fail (name != NULL, NULL);

  qualifier = g_new0 (CrQualifier, 1);
  qualifier->name = g_strdup (name);
  qualifier->value = value != NULL ? g_variant_ref_sink (value) : NULL;
  qualifier->flavor = flavor;
  return qualifier;
}

/**
 * cr_qualifier_copy:
 * @qualifier: a #CrQualifier
 *
 * Returns: (transfer full): a deep copy of @qualifier
 */
CrQualifier *
cr_qualifier_copy (const CrQualifier *qualifier)
{
  CrQualifier *copy;

  g_return_val_if_fail (qualifier != NULL, NULL);

  copy = g_new0 (CrQualifier, 1);
  copy->name = g_strdup (qualifier->name);
  copy->value = qualifier->value != NULL ? g_variant_ref (qualifier->value) : NULL;
  copy->flavor = qualifier->flavor;
  return copy;
}

/**
 * cr_qualifier_free:
 * @qualifier: (nullable): a #CrQualifier
 */
void
cr_qualifier_free (CrQualifier *qualifier)
{
  if (qualifier == NULL)
    return;
  g_free (qualifier->name);
  g_clear_pointer (&qualifier->value, g_variant_unref);
  g_free (qualifier);
}

/**
 * cr_qualifier_to_variant:
 * @qualifier: a #CrQualifier
 *
 * Returns: (transfer floating): the `(savu)` form of @qualifier
 */
GVariant *
cr_qualifier_to_variant (const CrQualifier *qualifier)
{
  g_return_val_if_fail (qualifier != NULL, NULL);

  return g_variant_new ("(s@avu)",
                        qualifier->name,
                        cr_optional_to_variant (qualifier->value),
                        (guint32) qualifier->flavor);
}

gboolean
cr_qualifier_validate (const CrQualifier *qualifier, GError **error)
{
  g_autofree char *shown = NULL;

  if (!cr_name_is_valid (qualifier->name, error))
    return FALSE;
  shown = cr_text_for_display (qualifier->name);
  if ((qualifier->flavor & ~CR_QUALIFIER_FLAVOR_MASK) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Qualifier “%s” has unknown flavor bits 0x%x"),
                   shown, (guint) (qualifier->flavor & ~CR_QUALIFIER_FLAVOR_MASK));
      return FALSE;
    }
  if (qualifier->value != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("qualifier “%s”"), shown);

      /* Without the qualifier's declaration only the shape can be checked;
       * the repository checks the value against its qualifier type. */
      if (!cr_variant_check_value_shape (qualifier->value, what, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * cr_qualifier_new_from_variant:
 * @variant: a `(savu)` value, as cr_qualifier_to_variant() makes; it is not
 *   consumed
 * @error: return location for a #GError
 *
 * Reads a qualifier from untrusted data, checking its type string, its
 * name, its flavor bits and the shape of its value.
 *
 * Returns: (transfer full): the qualifier; or %NULL with
 *   %CR_ERROR_TYPE_MISMATCH for a wrong GVariant type and
 *   %CR_ERROR_INVALID_PARAMETER for invalid content
 */
CrQualifier *
cr_qualifier_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrQualifier) qualifier = NULL;
  g_autoptr (GVariant) av = NULL;
  g_autoptr (GVariant) value = NULL;
  const char *name;
  guint32 flavor;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CR_QUALIFIER_VARIANT_TYPE)))
    {
      g_autofree char *shown = cr_text_for_display (g_variant_get_type_string (variant));

      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("A qualifier must have GVariant type “%s”, not “%s”"),
                   CR_QUALIFIER_VARIANT_TYPE, shown);
      return NULL;
    }
  g_variant_get (variant, "(&s@avu)", &name, &av, &flavor);
  if (!cr_optional_from_variant (av, &value, error))
    {
      g_autofree char *shown = cr_text_for_display (name);

      g_prefix_error (error, _("Qualifier “%s”: "), shown);
      return NULL;
    }
  qualifier = cr_qualifier_new (name, value, (CrFlavor) flavor);
  if (!cr_qualifier_validate (qualifier, error))
    return NULL;
  return g_steal_pointer (&qualifier);
}

/* Qualifier lists */

GPtrArray *
cr_qualifiers_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cr_qualifier_free);
}

GPtrArray *
cr_qualifiers_copy (GPtrArray *qualifiers)
{
  GPtrArray *copy = cr_qualifiers_new ();

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    g_ptr_array_add (copy, cr_qualifier_copy (g_ptr_array_index (qualifiers, i)));
  return copy;
}

/* Adds @qualifier, taking it, in place of a same-named one. */
void
cr_qualifiers_set (GPtrArray *qualifiers, CrQualifier *qualifier)
{
  for (guint i = 0; i < qualifiers->len; i++)
    {
      CrQualifier *old = g_ptr_array_index (qualifiers, i);

      if (cr_name_equal (old->name, qualifier->name))
        {
          cr_qualifier_free (old);
          g_ptr_array_index (qualifiers, i) = qualifier;
          return;
        }
    }
  g_ptr_array_add (qualifiers, qualifier);
}

gboolean
cr_qualifiers_validate (GPtrArray *qualifiers, GError **error)
{
  g_autoptr (GHashTable) seen = NULL;

  if (qualifiers == NULL)
    return TRUE;
  if (qualifiers->len > CR_MAX_QUALIFIERS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "An element has at most %d qualifier, not %u",
                                "An element has at most %d qualifiers, not %u",
                                CR_MAX_QUALIFIERS),
                   CR_MAX_QUALIFIERS, qualifiers->len);
      return FALSE;
    }
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < qualifiers->len; i++)
    {
      CrQualifier *qualifier = g_ptr_array_index (qualifiers, i);
      char *key;

      if (qualifier == NULL)
        {
          g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                               _("A qualifier list holds a NULL qualifier"));
          return FALSE;
        }
      if (!cr_qualifier_validate (qualifier, error))
        return FALSE;
      key = cr_name_key (qualifier->name);
      if (!g_hash_table_add (seen, key))
        {
          g_autofree char *shown = cr_text_for_display (qualifier->name);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("Qualifier “%s” appears more than once"), shown);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * cr_qualifiers_find:
 * @qualifiers: (nullable) (element-type CrQualifier): a qualifier list
 * @name: a qualifier name
 *
 * Returns: (transfer none) (nullable): the qualifier called @name, compared
 *   case-insensitively, or %NULL
 */
CrQualifier *
cr_qualifiers_find (GPtrArray *qualifiers, const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    {
      CrQualifier *qualifier = g_ptr_array_index (qualifiers, i);

      if (qualifier != NULL && cr_name_equal (qualifier->name, name))
        return qualifier;
    }
  return NULL;
}

/**
 * cr_qualifiers_get_boolean:
 * @qualifiers: (nullable) (element-type CrQualifier): a qualifier list
 * @name: the name of a boolean qualifier such as "Key" or "Abstract"
 *
 * A boolean qualifier is true when it is present with the value %TRUE, or
 * present with no value: MOF's `[Key]` means `Key(true)`.
 *
 * Returns: %TRUE if the qualifier @name is true
 */
gboolean
cr_qualifiers_get_boolean (GPtrArray *qualifiers, const char *name)
{
  CrQualifier *qualifier = cr_qualifiers_find (qualifiers, name);

  if (qualifier == NULL)
    return FALSE;
  if (qualifier->value == NULL)
    return TRUE;
  return g_variant_is_of_type (qualifier->value, G_VARIANT_TYPE_BOOLEAN) &&
         g_variant_get_boolean (qualifier->value);
}

/**
 * cr_qualifiers_to_variant:
 * @qualifiers: (nullable) (element-type CrQualifier): a qualifier list
 *
 * Returns: (transfer floating): the `a(savu)` form of @qualifiers
 */
GVariant *
cr_qualifiers_to_variant (GPtrArray *qualifiers)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a" CR_QUALIFIER_VARIANT_TYPE));

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    g_variant_builder_add_value (&builder, cr_qualifier_to_variant (g_ptr_array_index (qualifiers, i)));
  return g_variant_builder_end (&builder);
}

/**
 * cr_qualifiers_new_from_variant:
 * @variant: an `a(savu)` value; it is not consumed
 * @error: return location for a #GError
 *
 * Reads a qualifier list from untrusted data. Beyond what
 * cr_qualifier_new_from_variant() checks, the list must hold at most
 * %CR_MAX_QUALIFIERS qualifiers, no two with the same name
 * (case-insensitively).
 *
 * Returns: (transfer container) (element-type CrQualifier): the list, which
 *   frees its qualifiers; or %NULL with %CR_ERROR_TYPE_MISMATCH or
 *   %CR_ERROR_INVALID_PARAMETER
 */
GPtrArray *
cr_qualifiers_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (GPtrArray) qualifiers = NULL;
  gsize n;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE ("a" CR_QUALIFIER_VARIANT_TYPE)))
    {
      g_autofree char *shown = cr_text_for_display (g_variant_get_type_string (variant));

      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("A qualifier list must have GVariant type “%s”, not “%s”"),
                   "a" CR_QUALIFIER_VARIANT_TYPE, shown);
      return NULL;
    }
  /* Count before reading: a hostile list must not make us allocate. */
  n = g_variant_n_children (variant);
  if (n > CR_MAX_QUALIFIERS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "An element has at most %d qualifier, not %lu",
                                "An element has at most %d qualifiers, not %lu",
                                CR_MAX_QUALIFIERS),
                   CR_MAX_QUALIFIERS, (gulong) n);
      return NULL;
    }
  qualifiers = cr_qualifiers_new ();
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (variant, i);
      CrQualifier *qualifier = cr_qualifier_new_from_variant (child, error);

      if (qualifier == NULL)
        return NULL;
      g_ptr_array_add (qualifiers, qualifier);
    }
  if (!cr_qualifiers_validate (qualifiers, error))
    return NULL;
  return g_steal_pointer (&qualifiers);
}

/* Qualifier types */

/**
 * cr_qualifier_type_new:
 * @name: the qualifier's name
 * @type: its #CrCimType
 * @default_value: (nullable): its default; a floating reference is consumed
 * @scope: where it may be used
 * @flavor: its default flavor
 *
 * Returns: (transfer full): a new qualifier declaration
 */
CrQualifierType *
cr_qualifier_type_new (const char *name,
                       CrCimType type,
                       GVariant *default_value,
                       CrScope scope,
                       CrFlavor flavor)
{
  CrQualifierType *qtype;

  g_return_val_if_fail (name != NULL, NULL);

  qtype = g_new0 (CrQualifierType, 1);
  qtype->name = g_strdup (name);
  qtype->type = type;
  qtype->default_value = default_value != NULL ? g_variant_ref_sink (default_value) : NULL;
  qtype->scope = scope;
  qtype->flavor = flavor;
  return qtype;
}

/**
 * cr_qualifier_type_copy:
 * @qtype: a #CrQualifierType
 *
 * Returns: (transfer full): a deep copy of @qtype
 */
CrQualifierType *
cr_qualifier_type_copy (const CrQualifierType *qtype)
{
  g_return_val_if_fail (qtype != NULL, NULL);

  return cr_qualifier_type_new (qtype->name,
                                qtype->type,
                                qtype->default_value,
                                qtype->scope,
                                qtype->flavor);
}

/**
 * cr_qualifier_type_free:
 * @qtype: (nullable): a #CrQualifierType
 */
void
cr_qualifier_type_free (CrQualifierType *qtype)
{
  if (qtype == NULL)
    return;
  g_free (qtype->name);
  g_clear_pointer (&qtype->default_value, g_variant_unref);
  g_free (qtype);
}

/**
 * cr_qualifier_type_to_variant:
 * @qtype: a #CrQualifierType
 *
 * Returns: (transfer floating): the `(suavuu)` form of @qtype
 */
GVariant *
cr_qualifier_type_to_variant (const CrQualifierType *qtype)
{
  g_return_val_if_fail (qtype != NULL, NULL);

  return g_variant_new ("(su@avuu)",
                        qtype->name,
                        (guint32) qtype->type,
                        cr_optional_to_variant (qtype->default_value),
                        (guint32) qtype->scope,
                        (guint32) qtype->flavor);
}

/**
 * cr_qualifier_type_new_from_variant:
 * @variant: a `(suavuu)` value; it is not consumed
 * @error: return location for a #GError
 *
 * Reads a qualifier declaration from untrusted data: the name must be
 * valid, the type a CIM type, the default a valid value of that type
 * (cr_cim_value_check()), and the scope and flavor must hold only known
 * bits (a declaration never has %CR_FLAVOR_PROPAGATED).
 *
 * Returns: (transfer full): the declaration; or %NULL with
 *   %CR_ERROR_TYPE_MISMATCH or %CR_ERROR_INVALID_PARAMETER
 */
CrQualifierType *
cr_qualifier_type_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (GVariant) av = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *what = NULL;
  const char *name;
  guint32 type, scope, flavor;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CR_QUALIFIER_TYPE_VARIANT_TYPE)))
    {
      shown = cr_text_for_display (g_variant_get_type_string (variant));
      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("A qualifier type must have GVariant type “%s”, not “%s”"),
                   CR_QUALIFIER_TYPE_VARIANT_TYPE, shown);
      return NULL;
    }
  g_variant_get (variant, "(&su@avuu)", &name, &type, &av, &scope, &flavor);
  if (!cr_name_is_valid (name, error))
    return NULL;
  shown = cr_text_for_display (name);
  if (!cr_cim_type_is_valid (type))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Qualifier type “%s” has an invalid CIM type %u"), shown, type);
      return NULL;
    }
  if ((scope & ~(guint32) CR_SCOPE_ANY) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Qualifier type “%s” has unknown scope bits 0x%x"),
                   shown, scope & ~(guint32) CR_SCOPE_ANY);
      return NULL;
    }
  if ((flavor & ~(guint32) CR_FLAVOR_ALL) != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Qualifier type “%s” has unknown flavor bits 0x%x"),
                   shown, flavor & ~(guint32) CR_FLAVOR_ALL);
      return NULL;
    }
  if (!cr_optional_from_variant (av, &value, error))
    {
      g_prefix_error (error, _("Qualifier type “%s”: "), shown);
      return NULL;
    }
  what = g_strdup_printf (_("default value of qualifier type “%s”"), shown);
  if (!cr_cim_value_check ((CrCimType) type, value, what, error))
    return NULL;
  return cr_qualifier_type_new (name, (CrCimType) type, value,
                                (CrScope) scope, (CrFlavor) flavor);
}

gboolean
cr_qualifier_values_equal (GVariant *a, GVariant *b)
{
  /* `[Key]` (no value) and `Key(true)` say the same thing. */
  if (a == NULL && b != NULL && g_variant_is_of_type (b, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_get_boolean (b);
  if (b == NULL && a != NULL && g_variant_is_of_type (a, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_get_boolean (a);
  return cr_variant_equal0 (a, b);
}
