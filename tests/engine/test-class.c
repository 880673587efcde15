/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "cr-test-utils.h"

/* Builders */

static CrQualifier *
qualifier_bool (const char *name, gboolean value, CrFlavor flavor)
{
  return cr_qualifier_new (name, g_variant_new_boolean (value), flavor);
}

static CrQualifier *
qualifier_string (const char *name, const char *value, CrFlavor flavor)
{
  return cr_qualifier_new (name, g_variant_new_string (value), flavor);
}

static CrProperty *
property_new (const char *name, CrCimType type, gboolean key)
{
  CrProperty *property = cr_property_new (name, type);

  if (key)
    g_ptr_array_add (property->qualifiers,
                     qualifier_bool ("Key", TRUE, CR_FLAVOR_DISABLE_OVERRIDE));
  return property;
}

static CrProperty *
reference_new (const char *name, const char *target)
{
  CrProperty *property = cr_property_new (name, CR_CIM_TYPE_REFERENCE);

  property->reference_class = g_strdup (target);
  return property;
}

static CrQualifier *
find_qualifier (GPtrArray *qualifiers, const char *name)
{
  CrQualifier *qualifier = cr_qualifiers_find (qualifiers, name);

  g_assert_nonnull (qualifier);
  return qualifier;
}

/* CIM_Base: an abstract root with a key, a property with a default and a
 * method.
 *
 *   [Abstract (restricted), Description("base")]
 *   class CIM_Base {
 *     [Key] string Name;
 *     [MaxLen(64), Description("caption")] string Caption = "none";
 *     [Units("bytes"), DisableOverride] uint64 Size;
 *     [Secret (restricted)] uint32 Hidden;
 *     [Description("start")] uint32 Start([In] boolean Force);
 *   };
 */
static CrClass *
make_base (void)
{
  CrClass *klass = cr_class_new ("CIM_Base", NULL);
  CrProperty *caption = property_new ("Caption", CR_CIM_TYPE_STRING, FALSE);
  CrProperty *size = property_new ("Size", CR_CIM_TYPE_UINT64, FALSE);
  CrProperty *hidden = property_new ("Hidden", CR_CIM_TYPE_UINT32, FALSE);
  CrMethod *start = cr_method_new ("Start", CR_CIM_TYPE_UINT32);
  CrParameter *force = cr_parameter_new ("Force", CR_CIM_TYPE_BOOLEAN);

  cr_class_add_qualifier (klass, qualifier_bool ("Abstract", TRUE, CR_FLAVOR_RESTRICTED));
  cr_class_add_qualifier (klass, qualifier_string ("Description", "base", CR_FLAVOR_TRANSLATABLE));
  cr_class_add_property (klass, property_new ("Name", CR_CIM_TYPE_STRING, TRUE));
  g_ptr_array_add (caption->qualifiers,
                   cr_qualifier_new ("MaxLen", g_variant_new_uint32 (64), CR_FLAVOR_NONE));
  g_ptr_array_add (caption->qualifiers, qualifier_string ("Description", "caption", CR_FLAVOR_NONE));
  caption->default_value = g_variant_ref_sink (g_variant_new_string ("none"));
  cr_class_add_property (klass, caption);
  g_ptr_array_add (size->qualifiers, qualifier_string ("Units", "bytes", CR_FLAVOR_DISABLE_OVERRIDE));
  cr_class_add_property (klass, size);
  g_ptr_array_add (hidden->qualifiers, qualifier_bool ("Secret", TRUE, CR_FLAVOR_RESTRICTED));
  cr_class_add_property (klass, hidden);
  g_ptr_array_add (force->qualifiers, cr_qualifier_new ("In", NULL, CR_FLAVOR_NONE));
  g_ptr_array_add (start->parameters, force);
  g_ptr_array_add (start->qualifiers, qualifier_string ("Description", "start", CR_FLAVOR_NONE));
  cr_class_add_method (klass, start);
  return klass;
}

static CrClass *
resolve_ok (CrClass *local, CrClass *superclass)
{
  g_autoptr (GError) error = NULL;
  CrClass *resolved = cr_class_resolve (local, superclass, &error);

  g_assert_no_error (error);
  g_assert_nonnull (resolved);
  return resolved;
}

static void
assert_resolve_error (CrClass *local, CrClass *superclass, gint code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClass) resolved = cr_class_resolve (local, superclass, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (resolved);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” is not in the message “%s”", needle, error->message);
}

static void
assert_same_class (CrClass *a, CrClass *b)
{
  g_autoptr (GVariant) va = g_variant_ref_sink (cr_class_to_variant (a));
  g_autoptr (GVariant) vb = g_variant_ref_sink (cr_class_to_variant (b));

  g_assert_cmpvariant (va, vb);
}

static void
assert_invalid (CrClass *klass, gint code, const char *needle)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (cr_class_validate (klass, &error));
  g_assert_error (error, CR_ERROR, code);
  /* Every message names the class. */
  g_assert_nonnull (strstr (error->message, cr_class_get_name (klass)));
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” is not in the message “%s”", needle, error->message);
}

/* Qualifiers */

static void
test_qualifier_round_trip (void)
{
  g_autoptr (CrQualifier) with_value = qualifier_string ("Description", "a \"b\"", CR_FLAVOR_TRANSLATABLE);
  g_autoptr (CrQualifier) null_value = cr_qualifier_new ("Key", NULL, CR_FLAVOR_DISABLE_OVERRIDE);
  g_autoptr (CrQualifier) array_value = cr_qualifier_new ("ValueMap", g_variant_new_parsed ("['1', '2']"),
                                                          CR_FLAVOR_RESTRICTED | CR_FLAVOR_PROPAGATED);
  g_autoptr (CrQualifierType) qtype = cr_qualifier_type_new ("MaxLen", CR_CIM_TYPE_UINT32,
                                                             g_variant_new_uint32 (0),
                                                             CR_SCOPE_PROPERTY | CR_SCOPE_PARAMETER,
                                                             CR_FLAVOR_DISABLE_OVERRIDE);
  g_autoptr (CrQualifierType) qtype_null = cr_qualifier_type_new ("Key", CR_CIM_TYPE_BOOLEAN, NULL,
                                                                  CR_SCOPE_ANY, CR_FLAVOR_NONE);
  CrQualifier *qualifiers[] = { with_value, null_value, array_value };
  CrQualifierType *qtypes[] = { qtype, qtype_null };
  g_autoptr (GVariant) expected = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (qualifiers); i++)
    {
      g_autoptr (GVariant) v1 = g_variant_ref_sink (cr_qualifier_to_variant (qualifiers[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (CrQualifier) back = cr_qualifier_new_from_variant (v1, &error);
      g_autoptr (GVariant) v2 = NULL;
      g_autoptr (CrQualifier) copy = g_boxed_copy (cr_qualifier_get_type (), qualifiers[i]);

      g_assert_no_error (error);
      g_assert_cmpstr (g_variant_get_type_string (v1), ==, CR_QUALIFIER_VARIANT_TYPE);
      g_assert_cmpstr (back->name, ==, qualifiers[i]->name);
      g_assert_cmpint (back->flavor, ==, qualifiers[i]->flavor);
      g_assert_true ((back->value == NULL) == (qualifiers[i]->value == NULL));
      v2 = g_variant_ref_sink (cr_qualifier_to_variant (back));
      g_assert_cmpvariant (v1, v2);
      g_assert_cmpstr (copy->name, ==, qualifiers[i]->name);
      g_assert_true (copy->name != qualifiers[i]->name);
    }
  /* The av convention: no element for NULL. */
  expected = g_variant_ref_sink (g_variant_new_parsed ("('Key', @av [], uint32 1)"));
  {
    g_autoptr (GVariant) v = g_variant_ref_sink (cr_qualifier_to_variant (null_value));

    g_assert_cmpvariant (v, expected);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (qtypes); i++)
    {
      g_autoptr (GVariant) v1 = g_variant_ref_sink (cr_qualifier_type_to_variant (qtypes[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (CrQualifierType) back = cr_qualifier_type_new_from_variant (v1, &error);
      g_autoptr (GVariant) v2 = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (g_variant_get_type_string (v1), ==, CR_QUALIFIER_TYPE_VARIANT_TYPE);
      g_assert_cmpint (back->type, ==, qtypes[i]->type);
      g_assert_cmpint (back->scope, ==, qtypes[i]->scope);
      v2 = g_variant_ref_sink (cr_qualifier_type_to_variant (back));
      g_assert_cmpvariant (v1, v2);
    }
}

static void
assert_qualifier_rejected (const char *text, gint code)
{
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_parsed (text));
  g_autoptr (GError) error = NULL;
  g_autoptr (CrQualifier) qualifier = cr_qualifier_new_from_variant (v, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (qualifier);
}

static void
assert_qualifier_type_rejected (const char *text, gint code)
{
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_parsed (text));
  g_autoptr (GError) error = NULL;
  g_autoptr (CrQualifierType) qtype = cr_qualifier_type_new_from_variant (v, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (qtype);
}

static void
test_qualifier_hostile (void)
{
  g_auto (GVariantBuilder) many = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(savu)"));
  g_autoptr (GVariant) many_v = NULL;
  g_autoptr (GVariant) dup_v = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;

  assert_qualifier_rejected ("('Key', @av [])", CR_ERROR_TYPE_MISMATCH);
  assert_qualifier_rejected ("('Key', [<true>], 0)", CR_ERROR_TYPE_MISMATCH); /* flavor is i, not u */
  assert_qualifier_rejected ("('1Key', @av [], uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_rejected ("('', @av [], uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_rejected ("('Key', @av [], uint32 16)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_rejected ("('Key', [<true>, <false>], uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_rejected ("('Key', [<(1, 2)>], uint32 0)", CR_ERROR_TYPE_MISMATCH);
  assert_qualifier_rejected ("('Key', [<<true>>], uint32 0)", CR_ERROR_TYPE_MISMATCH);
  assert_qualifier_rejected ("('Key', [<[[[[[[[[[[byte 1]]]]]]]]]]>], uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_rejected ("('Key', [<objectpath '/'>], uint32 0)", CR_ERROR_TYPE_MISMATCH);

  assert_qualifier_type_rejected ("('Key', uint32 1, @av [], uint32 0)", CR_ERROR_TYPE_MISMATCH);
  assert_qualifier_type_rejected ("('Key', uint32 77, @av [], uint32 0, uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_type_rejected ("('K y', uint32 11, @av [], uint32 0, uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_type_rejected ("('Key', uint32 11, [<'yes'>], uint32 0, uint32 0)", CR_ERROR_TYPE_MISMATCH);
  assert_qualifier_type_rejected ("('Key', uint32 16, [<int16 200>], uint32 0, uint32 0)", CR_ERROR_INVALID_PARAMETER);
  assert_qualifier_type_rejected ("('Key', uint32 11, @av [], uint32 256, uint32 0)", CR_ERROR_INVALID_PARAMETER);
  /* A declaration never carries the propagated origin. */
  assert_qualifier_type_rejected ("('Key', uint32 11, @av [], uint32 0, uint32 8)", CR_ERROR_INVALID_PARAMETER);

  /* Lists: no duplicates, case-insensitively, and a bound. */
  dup_v = g_variant_ref_sink (g_variant_new_parsed ("[('Key', @av [], uint32 0), ('KEY', @av [], uint32 0)]"));
  list = cr_qualifiers_new_from_variant (dup_v, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "KEY"));
  g_assert_null (list);
  g_clear_error (&error);

  for (int i = 0; i <= CR_MAX_QUALIFIERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Q%d", i);

      g_variant_builder_add (&many, "(s@avu)", name, g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0), 0);
    }
  many_v = g_variant_ref_sink (g_variant_builder_end (&many));
  list = cr_qualifiers_new_from_variant (many_v, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_null (list);
  g_clear_error (&error);
  {
    g_autoptr (GVariant) one_less = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(savu)"), NULL, 0));

    list = cr_qualifiers_new_from_variant (one_less, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 0);
  }
}

static void
test_qualifier_list (void)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_qualifier_free);
  g_autoptr (GVariant) v = NULL;
  g_autoptr (GPtrArray) back = NULL;

  g_ptr_array_add (list, qualifier_bool ("Key", TRUE, CR_FLAVOR_NONE));
  g_ptr_array_add (list, qualifier_bool ("Abstract", FALSE, CR_FLAVOR_NONE));
  g_ptr_array_add (list, cr_qualifier_new ("Association", NULL, CR_FLAVOR_NONE));
  g_ptr_array_add (list, qualifier_string ("Indication", "true", CR_FLAVOR_NONE));

  g_assert_true (cr_qualifiers_find (list, "key") == g_ptr_array_index (list, 0));
  g_assert_true (cr_qualifiers_find (list, "ABSTRACT") == g_ptr_array_index (list, 1));
  g_assert_null (cr_qualifiers_find (list, "Keys"));
  g_assert_null (cr_qualifiers_find (NULL, "Key"));

  g_assert_true (cr_qualifiers_get_boolean (list, "KEY"));
  g_assert_false (cr_qualifiers_get_boolean (list, "Abstract"));
  g_assert_true (cr_qualifiers_get_boolean (list, "Association")); /* [Association] means true */
  g_assert_false (cr_qualifiers_get_boolean (list, "Indication")); /* not a boolean */
  g_assert_false (cr_qualifiers_get_boolean (list, "Missing"));
  g_assert_false (cr_qualifiers_get_boolean (NULL, "Key"));

  v = g_variant_ref_sink (cr_qualifiers_to_variant (list));
  g_assert_cmpstr (g_variant_get_type_string (v), ==, "a(savu)");
  back = cr_qualifiers_new_from_variant (v, NULL);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->len, ==, 4);
  g_assert_cmpstr (((CrQualifier *) g_ptr_array_index (back, 2))->name, ==, "Association");
  {
    g_autoptr (GVariant) empty = g_variant_ref_sink (cr_qualifiers_to_variant (NULL));

    g_assert_cmpuint (g_variant_n_children (empty), ==, 0);
  }
}

/* Classes */

static void
test_build (void)
{
  g_autoptr (CrClass) klass = cr_class_new ("CIM_Thing", "");
  g_autoptr (CrClass) derived = cr_class_new ("CIM_Sub", "CIM_Thing");
  g_autoptr (GPtrArray) keys = NULL;
  g_autofree char *name = NULL;
  g_autofree char *superclass = NULL;
  CrProperty *first;

  g_assert_cmpstr (cr_class_get_name (klass), ==, "CIM_Thing");
  g_assert_null (cr_class_get_superclass (klass));
  g_assert_cmpstr (cr_class_get_superclass (derived), ==, "CIM_Thing");
  g_object_get (derived, "name", &name, "superclass", &superclass, NULL);
  g_assert_cmpstr (name, ==, "CIM_Sub");
  g_assert_cmpstr (superclass, ==, "CIM_Thing");

  cr_class_add_property (klass, property_new ("Id", CR_CIM_TYPE_UINT32, TRUE));
  cr_class_add_property (klass, property_new ("Label", CR_CIM_TYPE_STRING, FALSE));
  cr_class_add_property (klass, property_new ("Zone", CR_CIM_TYPE_STRING, TRUE));
  first = g_ptr_array_index (cr_class_get_properties (klass), 0);
  g_assert_true (cr_class_find_property (klass, "id") == first);
  g_assert_true (cr_class_find_property (klass, "LABEL") == g_ptr_array_index (cr_class_get_properties (klass), 1));
  g_assert_null (cr_class_find_property (klass, "Ids"));

  /* Same name, any case: replaced in place. */
  cr_class_add_property (klass, property_new ("LABEL", CR_CIM_TYPE_UINT8, FALSE));
  g_assert_cmpuint (cr_class_get_properties (klass)->len, ==, 3);
  g_assert_cmpstr (((CrProperty *) g_ptr_array_index (cr_class_get_properties (klass), 1))->name, ==, "LABEL");
  g_assert_cmpint (cr_class_find_property (klass, "label")->type, ==, CR_CIM_TYPE_UINT8);

  cr_class_add_method (klass, cr_method_new ("Run", CR_CIM_TYPE_INVALID));
  cr_class_add_method (klass, cr_method_new ("Stop", CR_CIM_TYPE_UINT32));
  cr_class_add_method (klass, cr_method_new ("run", CR_CIM_TYPE_STRING));
  g_assert_cmpuint (cr_class_get_methods (klass)->len, ==, 2);
  g_assert_cmpint (cr_class_find_method (klass, "RUN")->return_type, ==, CR_CIM_TYPE_STRING);
  g_assert_true (cr_class_find_method (klass, "run") == g_ptr_array_index (cr_class_get_methods (klass), 0));
  g_assert_null (cr_class_find_method (klass, "Walk"));

  g_assert_false (cr_class_is_abstract (klass));
  g_assert_false (cr_class_is_association (klass));
  g_assert_false (cr_class_is_indication (klass));
  cr_class_add_qualifier (klass, qualifier_bool ("Abstract", FALSE, CR_FLAVOR_NONE));
  cr_class_add_qualifier (klass, qualifier_bool ("ABSTRACT", TRUE, CR_FLAVOR_NONE));
  cr_class_add_qualifier (klass, cr_qualifier_new ("Indication", NULL, CR_FLAVOR_NONE));
  g_assert_cmpuint (cr_class_get_qualifiers (klass)->len, ==, 2);
  g_assert_true (cr_class_is_abstract (klass));
  g_assert_true (cr_class_is_indication (klass));
  g_assert_false (cr_class_is_association (klass));

  keys = cr_class_get_key_properties (klass);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_cmpstr (((CrProperty *) g_ptr_array_index (keys, 0))->name, ==, "Id");
  g_assert_cmpstr (((CrProperty *) g_ptr_array_index (keys, 1))->name, ==, "Zone");
  g_assert_true (cr_property_is_key (g_ptr_array_index (keys, 0)));
  g_assert_false (cr_property_is_key (cr_class_find_property (klass, "Label")));

  g_assert_true (cr_class_validate (klass, NULL));
}

static void
test_boxed_copies (void)
{
  g_autoptr (CrClass) base = make_base ();
  CrProperty *caption = cr_class_find_property (base, "Caption");
  CrMethod *start = cr_class_find_method (base, "Start");
  g_autoptr (CrProperty) property = g_boxed_copy (cr_property_get_type (), caption);
  g_autoptr (CrMethod) method = g_boxed_copy (cr_method_get_type (), start);
  g_autoptr (CrParameter) parameter = cr_parameter_copy (g_ptr_array_index (start->parameters, 0));
  g_autoptr (GVariant) v1 = g_variant_ref_sink (cr_property_to_variant (caption));
  g_autoptr (GVariant) v2 = g_variant_ref_sink (cr_property_to_variant (property));

  g_assert_cmpvariant (v1, v2);
  /* Deep: changing the copy leaves the original alone. */
  g_ptr_array_set_size (property->qualifiers, 0);
  g_ptr_array_set_size (method->parameters, 0);
  g_assert_cmpuint (caption->qualifiers->len, ==, 2);
  g_assert_cmpuint (start->parameters->len, ==, 1);
  g_assert_cmpstr (parameter->name, ==, "Force");
  g_assert_nonnull (cr_qualifiers_find (parameter->qualifiers, "in"));
}

static void
test_validate (void)
{
  g_autoptr (CrClass) good = make_base ();

  g_assert_true (cr_class_validate (good, NULL));

  {
    g_autoptr (CrClass) klass = cr_class_new ("9Bad", NULL);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "9Bad");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", "Bad Super");
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Bad Super");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", "cim_a");
    assert_invalid (klass, CR_ERROR_INVALID_SUPERCLASS, NULL);
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_property (klass, property_new ("Bad-Name", CR_CIM_TYPE_STRING, FALSE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Bad-Name");
  }
  {
    /* add_property merges duplicates; a hand-built list is checked. */
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    g_ptr_array_add (cr_class_get_properties (klass), property_new ("Name", CR_CIM_TYPE_STRING, FALSE));
    g_ptr_array_add (cr_class_get_properties (klass), property_new ("NAME", CR_CIM_TYPE_UINT8, FALSE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "NAME");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    g_ptr_array_add (cr_class_get_methods (klass), cr_method_new ("Go", CR_CIM_TYPE_INVALID));
    g_ptr_array_add (cr_class_get_methods (klass), cr_method_new ("gO", CR_CIM_TYPE_INVALID));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "gO");
  }
  {
    /* A property and a method may share a name: they are separate. */
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_property (klass, property_new ("Go", CR_CIM_TYPE_STRING, FALSE));
    cr_class_add_method (klass, cr_method_new ("Go", CR_CIM_TYPE_INVALID));
    g_assert_true (cr_class_validate (klass, NULL));
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrMethod *method = cr_method_new ("Go", CR_CIM_TYPE_INVALID);

    g_ptr_array_add (method->parameters, cr_parameter_new ("x", CR_CIM_TYPE_STRING));
    g_ptr_array_add (method->parameters, cr_parameter_new ("X", CR_CIM_TYPE_STRING));
    cr_class_add_method (klass, method);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Go");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrMethod *method = cr_method_new ("Go", CR_CIM_TYPE_INVALID);

    g_ptr_array_add (method->parameters, cr_parameter_new ("Target", CR_CIM_TYPE_REFERENCE));
    cr_class_add_method (klass, method);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Target");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_method (klass, cr_method_new ("Go", 77));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Go");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_property (klass, property_new ("P", 1, FALSE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "“P”");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_property (klass, property_new ("Ref", CR_CIM_TYPE_REFERENCE, FALSE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Ref");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_property (klass, reference_new ("Ref", "Not Valid"));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Ref");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("S", CR_CIM_TYPE_STRING, FALSE);

    property->reference_class = g_strdup ("CIM_B");
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "“S”");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("S", CR_CIM_TYPE_STRING, FALSE);

    property->array_size = 4;
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "“S”");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("S", CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, FALSE);

    property->array_size = 2;
    property->default_value = g_variant_ref_sink (g_variant_new_parsed ("[byte 1, 2, 3]"));
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "“S”");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("Count", CR_CIM_TYPE_UINT32, FALSE);

    property->default_value = g_variant_ref_sink (g_variant_new_string ("five"));
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_TYPE_MISMATCH, "Count");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("Level", CR_CIM_TYPE_SINT8, FALSE);

    property->default_value = g_variant_ref_sink (g_variant_new_int16 (-129));
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Level");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_property (klass, property_new ("Ids", CR_CIM_TYPE_UINT32 | CR_CIM_FLAG_ARRAY, TRUE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Ids");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("P", CR_CIM_TYPE_STRING, FALSE);

    property->flags = 0x10;
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "“P”");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    cr_class_add_qualifier (klass, cr_qualifier_new ("Bad Qualifier", NULL, CR_FLAVOR_NONE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "Bad Qualifier");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);
    CrProperty *property = property_new ("P", CR_CIM_TYPE_STRING, FALSE);

    for (int i = 0; i <= CR_MAX_QUALIFIERS; i++)
      {
        g_autofree char *name = g_strdup_printf ("Q%d", i);

        g_ptr_array_add (property->qualifiers, cr_qualifier_new (name, NULL, CR_FLAVOR_NONE));
      }
    cr_class_add_property (klass, property);
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, "“P”");
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);

    for (int i = 0; i <= CR_MAX_KEY_PROPERTIES; i++)
      {
        g_autofree char *name = g_strdup_printf ("K%d", i);

        g_ptr_array_add (cr_class_get_properties (klass), property_new (name, CR_CIM_TYPE_UINT32, TRUE));
      }
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, NULL);
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);

    for (int i = 0; i < CR_MAX_PROPERTIES; i++)
      {
        g_autofree char *name = g_strdup_printf ("P%d", i);

        g_ptr_array_add (cr_class_get_properties (klass), property_new (name, CR_CIM_TYPE_UINT8, FALSE));
      }
    g_assert_true (cr_class_validate (klass, NULL));
    g_ptr_array_add (cr_class_get_properties (klass), property_new ("OneTooMany", CR_CIM_TYPE_UINT8, FALSE));
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, NULL);
  }
  {
    g_autoptr (CrClass) klass = cr_class_new ("CIM_A", NULL);

    for (int i = 0; i <= CR_MAX_METHODS; i++)
      {
        g_autofree char *name = g_strdup_printf ("M%d", i);

        g_ptr_array_add (cr_class_get_methods (klass), cr_method_new (name, CR_CIM_TYPE_INVALID));
      }
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, NULL);
  }
  {
    /* 17 strings of 1 MiB: each is fine, the class is too big. */
    g_autoptr (CrClass) klass = cr_class_new ("CIM_Big", NULL);
    g_autofree char *mib = g_strnfill (CR_MAX_STRING_BYTES, 'x');

    for (int i = 0; i < 17; i++)
      {
        g_autofree char *name = g_strdup_printf ("P%d", i);
        CrProperty *property = property_new (name, CR_CIM_TYPE_STRING, FALSE);

        property->default_value = g_variant_ref_sink (g_variant_new_string (mib));
        cr_class_add_property (klass, property);
      }
    assert_invalid (klass, CR_ERROR_INVALID_PARAMETER, NULL);
  }
}

/* A class that uses every part of the wire form. */
static CrClass *
make_rich (void)
{
  CrClass *klass = cr_class_new ("CIM_Rich", "CIM_Base");
  CrProperty *tags = property_new ("Tags", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, FALSE);
  CrProperty *fixed = property_new ("Fixed", CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, FALSE);
  CrProperty *owner = reference_new ("Owner", "CIM_Person");
  CrProperty *when = property_new ("When", CR_CIM_TYPE_DATETIME, FALSE);
  CrProperty *ratio = property_new ("Ratio", CR_CIM_TYPE_REAL32, FALSE);
  CrMethod *method = cr_method_new ("Move", CR_CIM_TYPE_SINT32);
  CrParameter *to = cr_parameter_new ("To", CR_CIM_TYPE_REFERENCE);
  CrParameter *log = cr_parameter_new ("Log", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY);

  cr_class_add_qualifier (klass, qualifier_string ("Description", "rich", CR_FLAVOR_TRANSLATABLE));
  cr_class_add_qualifier (klass, cr_qualifier_new ("Version", g_variant_new_string ("2.0"),
                                                   CR_FLAVOR_RESTRICTED | CR_FLAVOR_DISABLE_OVERRIDE));
  cr_class_add_property (klass, property_new ("Id", CR_CIM_TYPE_SINT64, TRUE));
  tags->default_value = g_variant_ref_sink (g_variant_new_parsed ("['a', 'b']"));
  cr_class_add_property (klass, tags);
  fixed->array_size = 4;
  fixed->default_value = g_variant_ref_sink (g_variant_new_parsed ("[byte 1, 2]"));
  cr_class_add_property (klass, fixed);
  cr_class_add_property (klass, owner);
  when->default_value = g_variant_ref_sink (g_variant_new_string ("20240101000000.000000+000"));
  cr_class_add_property (klass, when);
  ratio->default_value = g_variant_ref_sink (g_variant_new_double (0.5));
  g_ptr_array_add (ratio->qualifiers, cr_qualifier_new ("Units", g_variant_new_string ("%"), CR_FLAVOR_PROPAGATED));
  ratio->flags = CR_ELEMENT_PROPAGATED;
  cr_class_add_property (klass, ratio);
  to->reference_class = g_strdup ("CIM_Place");
  g_ptr_array_add (to->qualifiers, cr_qualifier_new ("In", NULL, CR_FLAVOR_NONE));
  g_ptr_array_add (method->parameters, to);
  log->array_size = 10;
  g_ptr_array_add (log->qualifiers, cr_qualifier_new ("Out", NULL, CR_FLAVOR_NONE));
  g_ptr_array_add (method->parameters, log);
  g_ptr_array_add (method->qualifiers, qualifier_bool ("Static", TRUE, CR_FLAVOR_NONE));
  cr_class_add_method (klass, method);
  cr_class_add_method (klass, cr_method_new ("Nothing", CR_CIM_TYPE_INVALID));
  return klass;
}

static void
test_variant_round_trip (void)
{
  g_autoptr (CrClass) rich = make_rich ();
  g_autoptr (CrClass) base = make_base ();
  CrClass *classes[] = { rich, base };

  for (gsize i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      g_autoptr (GVariant) v1 = g_variant_ref_sink (cr_class_to_variant (classes[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (CrClass) back = cr_class_new_from_variant (v1, &error);
      g_autoptr (GVariant) v2 = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (g_variant_get_type_string (v1), ==, CR_CLASS_VARIANT_TYPE);
      v2 = g_variant_ref_sink (cr_class_to_variant (back));
      g_assert_cmpvariant (v1, v2);
      g_assert_cmpstr (cr_class_get_name (back), ==, cr_class_get_name (classes[i]));
      g_assert_cmpstr (cr_class_get_superclass (back), ==, cr_class_get_superclass (classes[i]));
    }

  /* The exact wire form of one property. */
  {
    CrProperty *fixed = cr_class_find_property (rich, "Fixed");
    g_autoptr (GVariant) v = g_variant_ref_sink (cr_property_to_variant (fixed));
    g_autoptr (GVariant) expected = g_variant_ref_sink (
      g_variant_new_parsed ("('Fixed', %u, '', uint32 4, uint32 0, @a(savu) [], [<[byte 1, 2]>])",
                            (guint) (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY)));
    g_autoptr (CrProperty) back = cr_property_new_from_variant (v, NULL);

    g_assert_cmpvariant (v, expected);
    g_assert_nonnull (back);
    g_assert_cmpuint (back->array_size, ==, 4);
  }
  /* A root class has "" as its superclass on the wire. */
  {
    g_autoptr (GVariant) v = g_variant_ref_sink (cr_class_to_variant (base));
    const char *superclass;

    g_variant_get_child (v, 1, "&s", &superclass);
    g_assert_cmpstr (superclass, ==, "");
  }
}

static void
assert_class_rejected (GVariant *variant, gint code, const char *needle)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (variant);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrClass) klass = cr_class_new_from_variant (owned, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (klass);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” is not in the message “%s”", needle, error->message);
}

#define CLASS_FMT(props, methods) \
  "('CIM_X', '', @a(savu) [], @a(susuua(savu)av) [" props "], @a(sua(susua(savu))a(savu)u) [" methods "])"

static void
test_variant_hostile (void)
{
  g_auto (GVariantBuilder) props = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(susuua(savu)av)"));
  g_autoptr (GVariant) good = NULL;
  g_autofree char *mib = g_strnfill (CR_MAX_STRING_BYTES, 'x');

  assert_class_rejected (g_variant_new_parsed ("('CIM_X', '')"), CR_ERROR_TYPE_MISMATCH, NULL);
  assert_class_rejected (g_variant_new_string ("CIM_X"), CR_ERROR_TYPE_MISMATCH, NULL);
  assert_class_rejected (g_variant_new_parsed ("('CIM X', '', @a(savu) [], @a(susuua(savu)av) [], @a(sua(susua(savu))a(savu)u) [])"),
                         CR_ERROR_INVALID_PARAMETER, "CIM X");
  assert_class_rejected (g_variant_new_parsed ("('', '', @a(savu) [], @a(susuua(savu)av) [], @a(sua(susua(savu))a(savu)u) [])"),
                         CR_ERROR_INVALID_PARAMETER, NULL);
  assert_class_rejected (g_variant_new_parsed ("('CIM_X', 'CIM_X', @a(savu) [], @a(susuua(savu)av) [], @a(sua(susua(savu))a(savu)u) [])"),
                         CR_ERROR_INVALID_SUPERCLASS, "CIM_X");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('1P', 8, '', 0, 0, [], [])", "")),
                         CR_ERROR_INVALID_PARAMETER, "1P");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 8, '', 0, 0, [], []), ('p', 8, '', 0, 0, [], [])", "")),
                         CR_ERROR_INVALID_PARAMETER, "“p”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 9999, '', 0, 0, [], [])", "")),
                         CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 19, '', 0, 0, [], [<'five'>])", "")),
                         CR_ERROR_TYPE_MISMATCH, "“P”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 19, '', 0, 0, [], [<uint32 1>, <uint32 2>])", "")),
                         CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 19, '', 0, 255, [], [])", "")),
                         CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 19, '', 0, 0, [('Key', [<true>], 99)], [])", "")),
                         CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("('P', 102, '', 0, 0, [], [])", "")),
                         CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("", "('M', 0, [('a', 8, '', 0, []), ('A', 8, '', 0, [])], [], 0)")),
                         CR_ERROR_INVALID_PARAMETER, "“M”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("", "('M', 0, [('a', 8, 'CIM_Y', 0, [])], [], 0)")),
                         CR_ERROR_INVALID_PARAMETER, "“a”");
  assert_class_rejected (g_variant_new_parsed (CLASS_FMT ("", "('M', 0, @a(susua(savu)) [], [], 7)")),
                         CR_ERROR_INVALID_PARAMETER, "“M”");

  /* Too many properties: refused before reading them. */
  for (int i = 0; i <= CR_MAX_PROPERTIES; i++)
    {
      g_autofree char *name = g_strdup_printf ("P%d", i);

      g_variant_builder_add_parsed (&props, "(%s, uint32 8, '', uint32 0, uint32 0, @a(savu) [], @av [])", name);
    }
  assert_class_rejected (g_variant_new ("(ss@a(savu)@a(susuua(savu)av)@a(sua(susua(savu))a(savu)u))",
                                        "CIM_X", "",
                                        g_variant_new_array (G_VARIANT_TYPE ("(savu)"), NULL, 0),
                                        g_variant_builder_end (&props),
                                        g_variant_new_array (G_VARIANT_TYPE ("(sua(susua(savu))a(savu)u)"), NULL, 0)),
                         CR_ERROR_INVALID_PARAMETER, NULL);

  /* Oversized: 17 MiB of defaults. */
  {
    g_auto (GVariantBuilder) big = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(susuua(savu)av)"));

    for (int i = 0; i < 17; i++)
      {
        g_autofree char *name = g_strdup_printf ("P%d", i);

        g_variant_builder_add_parsed (&big, "(%s, uint32 8, '', uint32 0, uint32 0, @a(savu) [], [<%s>])", name, mib);
      }
    assert_class_rejected (g_variant_new ("(ss@a(savu)@a(susuua(savu)av)@a(sua(susua(savu))a(savu)u))",
                                          "CIM_X", "",
                                          g_variant_new_array (G_VARIANT_TYPE ("(savu)"), NULL, 0),
                                          g_variant_builder_end (&big),
                                          g_variant_new_array (G_VARIANT_TYPE ("(sua(susua(savu))a(savu)u)"), NULL, 0)),
                           CR_ERROR_INVALID_PARAMETER, NULL);
  }

  /* Damaged bytes: never a crash nor a critical (criticals are fatal
   * here), only a class or an error. */
  {
    g_autoptr (CrClass) rich = make_rich ();
    g_autoptr (GVariant) v = g_variant_ref_sink (cr_class_to_variant (rich));
    g_autoptr (GBytes) bytes = g_variant_get_data_as_bytes (v);
    gsize size;
    const guint8 *data = g_bytes_get_data (bytes, &size);
    GRand *rand = g_rand_new_with_seed (4242);
    guint n_ok = 0;

    for (int round = 0; round < 2000; round++)
      {
        guint8 *copy = g_memdup2 (data, size);
        gsize len = size;
        g_autoptr (GBytes) damaged_bytes = NULL;
        g_autoptr (GVariant) damaged = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (CrClass) klass = NULL;

        for (int k = 0; k < 1 + round % 4; k++)
          copy[g_rand_int_range (rand, 0, (gint32) size)] = (guint8) g_rand_int (rand);
        if (round % 7 == 0)
          len = (gsize) g_rand_int_range (rand, 0, (gint32) size);
        damaged_bytes = g_bytes_new_take (copy, len);
        damaged = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CR_CLASS_VARIANT_TYPE),
                                                                damaged_bytes, FALSE));
        klass = cr_class_new_from_variant (damaged, &error);
        g_assert_true ((klass == NULL) != (error == NULL));
        if (klass != NULL)
          n_ok++;
        else
          g_assert_true (error->domain == CR_ERROR);
      }
    g_rand_free (rand);
    g_test_message ("%u of 2000 damaged classes were still valid", n_ok);
  }

  good = g_variant_ref_sink (g_variant_new_parsed (CLASS_FMT ("('P', 19, '', 0, 0, [('Key', [<true>], 0)], [<uint32 1>])", "")));
  {
    g_autoptr (CrClass) klass = cr_class_new_from_variant (good, NULL);

    g_assert_nonnull (klass);
    g_assert_true (cr_property_is_key (cr_class_find_property (klass, "p")));
  }
}

/* Resolution */

/* CIM_Derived : CIM_Base adds Extra and Stop. */
static CrClass *
make_derived (void)
{
  CrClass *klass = cr_class_new ("CIM_Derived", "CIM_Base");

  cr_class_add_qualifier (klass, qualifier_string ("Version", "1", CR_FLAVOR_NONE));
  cr_class_add_property (klass, property_new ("Extra", CR_CIM_TYPE_UINT16, FALSE));
  cr_class_add_method (klass, cr_method_new ("Stop", CR_CIM_TYPE_INVALID));
  return klass;
}

static void
test_resolve_propagation (void)
{
  g_autoptr (CrClass) base_local = make_base ();
  g_autoptr (CrClass) base = resolve_ok (base_local, NULL);
  g_autoptr (CrClass) derived_local = make_derived ();
  g_autoptr (CrClass) derived = resolve_ok (derived_local, base);
  GPtrArray *properties = cr_class_get_properties (derived);
  GPtrArray *methods = cr_class_get_methods (derived);
  GPtrArray *qualifiers = cr_class_get_qualifiers (derived);
  const char *expected_properties[] = { "Name", "Caption", "Size", "Hidden", "Extra" };
  CrProperty *name, *caption, *hidden;
  CrQualifier *description;

  /* A root class resolves to itself. */
  assert_same_class (base, base_local);
  g_assert_true (cr_class_is_abstract (base));

  g_assert_cmpstr (cr_class_get_name (derived), ==, "CIM_Derived");
  g_assert_cmpstr (cr_class_get_superclass (derived), ==, "CIM_Base");
  g_assert_cmpuint (properties->len, ==, G_N_ELEMENTS (expected_properties));
  for (guint i = 0; i < properties->len; i++)
    {
      CrProperty *property = g_ptr_array_index (properties, i);

      g_assert_cmpstr (property->name, ==, expected_properties[i]);
      g_assert_cmpint (property->flags, ==, i < 4 ? CR_ELEMENT_PROPAGATED : CR_ELEMENT_NONE);
    }
  g_assert_cmpuint (methods->len, ==, 2);
  g_assert_cmpstr (((CrMethod *) g_ptr_array_index (methods, 0))->name, ==, "Start");
  g_assert_cmpint (((CrMethod *) g_ptr_array_index (methods, 0))->flags, ==, CR_ELEMENT_PROPAGATED);
  g_assert_cmpuint (((CrMethod *) g_ptr_array_index (methods, 0))->parameters->len, ==, 1);
  g_assert_cmpstr (((CrMethod *) g_ptr_array_index (methods, 1))->name, ==, "Stop");
  g_assert_cmpint (((CrMethod *) g_ptr_array_index (methods, 1))->flags, ==, CR_ELEMENT_NONE);

  /* Abstract is restricted: the subclass is concrete. Description is
   * inherited and marked so; Version is the class's own. */
  g_assert_false (cr_class_is_abstract (derived));
  g_assert_null (cr_qualifiers_find (qualifiers, "Abstract"));
  description = find_qualifier (qualifiers, "Description");
  g_assert_cmpstr (g_variant_get_string (description->value, NULL), ==, "base");
  g_assert_cmpint (description->flavor, ==, CR_FLAVOR_TRANSLATABLE | CR_FLAVOR_PROPAGATED);
  g_assert_cmpint (find_qualifier (qualifiers, "Version")->flavor, ==, CR_FLAVOR_NONE);

  name = cr_class_find_property (derived, "Name");
  g_assert_true (cr_property_is_key (name));
  g_assert_cmpint (find_qualifier (name->qualifiers, "Key")->flavor, ==,
                   CR_FLAVOR_DISABLE_OVERRIDE | CR_FLAVOR_PROPAGATED);
  caption = cr_class_find_property (derived, "Caption");
  g_assert_cmpstr (g_variant_get_string (caption->default_value, NULL), ==, "none");
  hidden = cr_class_find_property (derived, "Hidden");
  g_assert_null (cr_qualifiers_find (hidden->qualifiers, "Secret"));
  g_assert_nonnull (cr_qualifiers_find (cr_class_find_property (base, "Hidden")->qualifiers, "Secret"));
  g_assert_true (cr_class_validate (derived, NULL));

  /* The key properties come from the superclass. */
  {
    g_autoptr (GPtrArray) keys = cr_class_get_key_properties (derived);

    g_assert_cmpuint (keys->len, ==, 1);
    g_assert_true (g_ptr_array_index (keys, 0) == name);
  }
}

static void
test_resolve_override (void)
{
  g_autoptr (CrClass) base_local = make_base ();
  g_autoptr (CrClass) base = resolve_ok (base_local, NULL);
  g_autoptr (CrClass) local = cr_class_new ("CIM_Derived", "cim_base");
  g_autoptr (CrClass) derived = NULL;
  CrProperty *caption = property_new ("CAPTION", CR_CIM_TYPE_STRING, FALSE);
  CrProperty *size = property_new ("Size", CR_CIM_TYPE_UINT64, FALSE);
  CrMethod *start = cr_method_new ("Start", CR_CIM_TYPE_UINT32);
  CrProperty *resolved_caption, *resolved_size;
  CrMethod *resolved_start;

  g_ptr_array_add (caption->qualifiers, qualifier_string ("Description", "mine", CR_FLAVOR_NONE));
  caption->default_value = g_variant_ref_sink (g_variant_new_string ("new"));
  cr_class_add_property (local, caption);
  /* Size: overridden with no default and no qualifiers. */
  cr_class_add_property (local, size);
  g_ptr_array_add (start->qualifiers, qualifier_string ("Description", "mine too", CR_FLAVOR_NONE));
  cr_class_add_method (local, start);

  derived = resolve_ok (local, base);
  /* The superclass is spelled as it spells itself. */
  g_assert_cmpstr (cr_class_get_superclass (derived), ==, "CIM_Base");
  g_assert_cmpuint (cr_class_get_properties (derived)->len, ==, 4);

  /* In place, with the local spelling, not propagated. */
  resolved_caption = g_ptr_array_index (cr_class_get_properties (derived), 1);
  g_assert_cmpstr (resolved_caption->name, ==, "CAPTION");
  g_assert_cmpint (resolved_caption->flags, ==, CR_ELEMENT_NONE);
  g_assert_cmpstr (g_variant_get_string (resolved_caption->default_value, NULL), ==, "new");
  /* Qualifiers merged: MaxLen inherited, Description restated. */
  g_assert_cmpuint (resolved_caption->qualifiers->len, ==, 2);
  g_assert_cmpstr (((CrQualifier *) g_ptr_array_index (resolved_caption->qualifiers, 0))->name, ==, "MaxLen");
  g_assert_cmpint (find_qualifier (resolved_caption->qualifiers, "MaxLen")->flavor, ==, CR_FLAVOR_PROPAGATED);
  g_assert_cmpuint (g_variant_get_uint32 (find_qualifier (resolved_caption->qualifiers, "MaxLen")->value), ==, 64);
  g_assert_cmpstr (g_variant_get_string (find_qualifier (resolved_caption->qualifiers, "Description")->value, NULL), ==, "mine");
  g_assert_cmpint (find_qualifier (resolved_caption->qualifiers, "Description")->flavor, ==, CR_FLAVOR_NONE);

  /* An override without a default keeps the inherited qualifiers. */
  resolved_size = g_ptr_array_index (cr_class_get_properties (derived), 2);
  g_assert_cmpint (resolved_size->flags, ==, CR_ELEMENT_NONE);
  g_assert_cmpstr (g_variant_get_string (find_qualifier (resolved_size->qualifiers, "Units")->value, NULL), ==, "bytes");

  resolved_start = cr_class_find_method (derived, "start");
  g_assert_cmpint (resolved_start->flags, ==, CR_ELEMENT_NONE);
  g_assert_cmpstr (g_variant_get_string (find_qualifier (resolved_start->qualifiers, "Description")->value, NULL), ==, "mine too");
  /* The override's parameters are the local ones: none here. */
  g_assert_cmpuint (resolved_start->parameters->len, ==, 0);

  /* The inherited default fills an override that gives none. */
  {
    g_autoptr (CrClass) local2 = cr_class_new ("CIM_D2", "CIM_Base");
    g_autoptr (CrClass) resolved = NULL;

    cr_class_add_property (local2, property_new ("Caption", CR_CIM_TYPE_STRING, FALSE));
    resolved = resolve_ok (local2, base);
    g_assert_cmpstr (g_variant_get_string (cr_class_find_property (resolved, "Caption")->default_value, NULL), ==, "none");
  }
  /* An override keeps the type. */
  {
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D3", "CIM_Base");

    cr_class_add_property (bad, property_new ("Caption", CR_CIM_TYPE_UINT32, FALSE));
    assert_resolve_error (bad, base, CR_ERROR_TYPE_MISMATCH, "Caption");
  }
  {
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D3", "CIM_Base");

    cr_class_add_property (bad, property_new ("Caption", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, FALSE));
    assert_resolve_error (bad, base, CR_ERROR_TYPE_MISMATCH, "Caption");
  }
  {
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D4", "CIM_Base");

    cr_class_add_method (bad, cr_method_new ("Start", CR_CIM_TYPE_STRING));
    assert_resolve_error (bad, base, CR_ERROR_TYPE_MISMATCH, "Start");
  }
}

static void
test_resolve_disable_override (void)
{
  g_autoptr (CrClass) base_local = make_base ();
  g_autoptr (CrClass) base = NULL;

  cr_class_add_qualifier (base_local, qualifier_string ("Locale", "en", CR_FLAVOR_DISABLE_OVERRIDE));
  base = resolve_ok (base_local, NULL);

  /* Size carries Units("bytes") with DisableOverride. */
  {
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D", "CIM_Base");
    CrProperty *size = property_new ("Size", CR_CIM_TYPE_UINT64, FALSE);

    g_ptr_array_add (size->qualifiers, qualifier_string ("units", "kilobytes", CR_FLAVOR_NONE));
    cr_class_add_property (bad, size);
    assert_resolve_error (bad, base, CR_ERROR_INVALID_PARAMETER, "DisableOverride");
  }
  {
    /* Restating the same value is fine, and cannot re-enable overriding. */
    g_autoptr (CrClass) same = cr_class_new ("CIM_D", "CIM_Base");
    CrProperty *size = property_new ("Size", CR_CIM_TYPE_UINT64, FALSE);
    g_autoptr (CrClass) resolved = NULL;

    g_ptr_array_add (size->qualifiers, qualifier_string ("Units", "bytes", CR_FLAVOR_NONE));
    cr_class_add_property (same, size);
    resolved = resolve_ok (same, base);
    g_assert_cmpint (find_qualifier (cr_class_find_property (resolved, "Size")->qualifiers, "Units")->flavor, ==,
                     CR_FLAVOR_DISABLE_OVERRIDE);
  }
  {
    /* At class level too. */
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D", "CIM_Base");

    cr_class_add_qualifier (bad, qualifier_string ("LOCALE", "fr", CR_FLAVOR_NONE));
    assert_resolve_error (bad, base, CR_ERROR_INVALID_PARAMETER, "Locale");
  }
  {
    /* Without DisableOverride, overriding is allowed. */
    g_autoptr (CrClass) fine = cr_class_new ("CIM_D", "CIM_Base");
    g_autoptr (CrClass) resolved = NULL;

    cr_class_add_qualifier (fine, qualifier_string ("Description", "other", CR_FLAVOR_NONE));
    resolved = resolve_ok (fine, base);
    g_assert_cmpstr (g_variant_get_string (find_qualifier (cr_class_get_qualifiers (resolved), "Description")->value, NULL),
                     ==, "other");
  }
}

static void
test_resolve_keys (void)
{
  g_autoptr (CrClass) base_local = make_base ();
  g_autoptr (CrClass) base = resolve_ok (base_local, NULL);

  {
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D", "CIM_Base");

    cr_class_add_property (bad, property_new ("Id", CR_CIM_TYPE_UINT32, TRUE));
    assert_resolve_error (bad, base, CR_ERROR_INVALID_PARAMETER, "already defines the keys");
  }
  {
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D", "CIM_Base");

    cr_class_add_property (bad, property_new ("Caption", CR_CIM_TYPE_STRING, TRUE));
    assert_resolve_error (bad, base, CR_ERROR_INVALID_PARAMETER, "Caption");
  }
  {
    /* Restating the inherited key is fine. */
    g_autoptr (CrClass) fine = cr_class_new ("CIM_D", "CIM_Base");
    g_autoptr (CrClass) resolved = NULL;

    cr_class_add_property (fine, property_new ("Name", CR_CIM_TYPE_STRING, TRUE));
    resolved = resolve_ok (fine, base);
    g_assert_true (cr_property_is_key (cr_class_find_property (resolved, "Name")));
  }
  {
    /* A key stays a key (here its Key qualifier is also DisableOverride). */
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D", "CIM_Base");
    CrProperty *name = property_new ("Name", CR_CIM_TYPE_STRING, FALSE);

    g_ptr_array_add (name->qualifiers, qualifier_bool ("Key", FALSE, CR_FLAVOR_NONE));
    cr_class_add_property (bad, name);
    assert_resolve_error (bad, base, CR_ERROR_INVALID_PARAMETER, "Name");
  }
  {
    /* Even where the Key qualifier could be overridden. */
    g_autoptr (CrClass) root = cr_class_new ("CIM_R", NULL);
    g_autoptr (CrClass) resolved_root = NULL;
    g_autoptr (CrClass) bad = cr_class_new ("CIM_D", "CIM_R");
    CrProperty *id = cr_property_new ("Id", CR_CIM_TYPE_UINT32);
    CrProperty *override = cr_property_new ("Id", CR_CIM_TYPE_UINT32);

    g_ptr_array_add (id->qualifiers, qualifier_bool ("Key", TRUE, CR_FLAVOR_NONE));
    cr_class_add_property (root, id);
    resolved_root = resolve_ok (root, NULL);
    g_ptr_array_add (override->qualifiers, qualifier_bool ("Key", FALSE, CR_FLAVOR_NONE));
    cr_class_add_property (bad, override);
    assert_resolve_error (bad, resolved_root, CR_ERROR_INVALID_PARAMETER, "key");
  }
  {
    /* A superclass without keys lets its subclass define them. */
    g_autoptr (CrClass) root = cr_class_new ("CIM_NoKeys", NULL);
    g_autoptr (CrClass) resolved_root = NULL;
    g_autoptr (CrClass) sub = cr_class_new ("CIM_Keyed", "CIM_NoKeys");
    g_autoptr (CrClass) resolved = NULL;
    g_autoptr (GPtrArray) keys = NULL;

    cr_class_add_property (root, property_new ("Label", CR_CIM_TYPE_STRING, FALSE));
    resolved_root = resolve_ok (root, NULL);
    cr_class_add_property (sub, property_new ("Label", CR_CIM_TYPE_STRING, TRUE));
    cr_class_add_property (sub, property_new ("Id", CR_CIM_TYPE_UINT32, TRUE));
    resolved = resolve_ok (sub, resolved_root);
    keys = cr_class_get_key_properties (resolved);
    g_assert_cmpuint (keys->len, ==, 2);
    g_assert_cmpstr (((CrProperty *) g_ptr_array_index (keys, 0))->name, ==, "Label");
    g_assert_cmpstr (((CrProperty *) g_ptr_array_index (keys, 1))->name, ==, "Id");
  }
}

static void
test_resolve_restricted (void)
{
  g_autoptr (CrClass) root = cr_class_new ("CIM_R", NULL);
  g_autoptr (CrClass) resolved_root = NULL;
  g_autoptr (CrClass) sub = cr_class_new ("CIM_S", "CIM_R");
  g_autoptr (CrClass) resolved = NULL;
  g_autoptr (CrClass) subsub = cr_class_new ("CIM_T", "CIM_S");
  g_autoptr (CrClass) resolved_subsub = NULL;
  CrProperty *p = property_new ("P", CR_CIM_TYPE_STRING, FALSE);
  CrMethod *m = cr_method_new ("M", CR_CIM_TYPE_INVALID);
  CrProperty *mine;

  cr_class_add_qualifier (root, qualifier_string ("Note", "root only", CR_FLAVOR_RESTRICTED));
  cr_class_add_qualifier (root, qualifier_string ("Shared", "all", CR_FLAVOR_NONE));
  g_ptr_array_add (p->qualifiers, qualifier_string ("Note", "p only", CR_FLAVOR_RESTRICTED));
  g_ptr_array_add (p->qualifiers, qualifier_string ("Shared", "p", CR_FLAVOR_NONE));
  cr_class_add_property (root, p);
  g_ptr_array_add (m->qualifiers, qualifier_bool ("Static", TRUE, CR_FLAVOR_RESTRICTED));
  cr_class_add_method (root, m);
  resolved_root = resolve_ok (root, NULL);

  resolved = resolve_ok (sub, resolved_root);
  g_assert_null (cr_qualifiers_find (cr_class_get_qualifiers (resolved), "Note"));
  g_assert_nonnull (cr_qualifiers_find (cr_class_get_qualifiers (resolved), "Shared"));
  g_assert_null (cr_qualifiers_find (cr_class_find_property (resolved, "P")->qualifiers, "Note"));
  g_assert_nonnull (cr_qualifiers_find (cr_class_find_property (resolved, "P")->qualifiers, "Shared"));
  g_assert_null (cr_qualifiers_find (cr_class_find_method (resolved, "M")->qualifiers, "Static"));

  /* A subclass may declare its own qualifier of a restricted name. */
  mine = property_new ("P", CR_CIM_TYPE_STRING, FALSE);
  g_ptr_array_add (mine->qualifiers, qualifier_string ("Note", "t", CR_FLAVOR_NONE));
  cr_class_add_property (subsub, mine);
  resolved_subsub = resolve_ok (subsub, resolved);
  g_assert_cmpstr (g_variant_get_string (find_qualifier (cr_class_find_property (resolved_subsub, "P")->qualifiers, "Note")->value, NULL),
                   ==, "t");
  g_assert_cmpint (find_qualifier (cr_class_find_property (resolved_subsub, "P")->qualifiers, "Note")->flavor, ==, CR_FLAVOR_NONE);
  /* Inheritance goes on over two levels. */
  g_assert_cmpint (find_qualifier (cr_class_get_qualifiers (resolved_subsub), "Shared")->flavor, ==, CR_FLAVOR_PROPAGATED);
}

static void
test_resolve_superclass_errors (void)
{
  g_autoptr (CrClass) base_local = make_base ();
  g_autoptr (CrClass) base = resolve_ok (base_local, NULL);
  g_autoptr (CrClass) other = cr_class_new ("CIM_Other", NULL);
  g_autoptr (CrClass) root = cr_class_new ("CIM_Root", NULL);
  g_autoptr (CrClass) derived = make_derived ();
  g_autoptr (CrClass) invalid = cr_class_new ("CIM_Bad", "CIM_Base");

  assert_resolve_error (derived, NULL, CR_ERROR_INVALID_SUPERCLASS, "CIM_Base");
  assert_resolve_error (derived, other, CR_ERROR_INVALID_SUPERCLASS, "CIM_Other");
  assert_resolve_error (root, base, CR_ERROR_INVALID_SUPERCLASS, "CIM_Root");
  /* The local class is validated too. */
  cr_class_add_property (invalid, property_new ("No Good", CR_CIM_TYPE_STRING, FALSE));
  assert_resolve_error (invalid, base, CR_ERROR_INVALID_PARAMETER, "No Good");
}

static void
test_resolve_association (void)
{
  g_autoptr (CrClass) one_ref = cr_class_new ("CIM_Link", NULL);
  g_autoptr (CrClass) two_refs = cr_class_new ("CIM_Link", NULL);
  g_autoptr (CrClass) resolved = NULL;
  g_autoptr (CrClass) sub = cr_class_new ("CIM_SubLink", "CIM_Link");
  g_autoptr (CrClass) resolved_sub = NULL;

  cr_class_add_qualifier (one_ref, qualifier_bool ("Association", TRUE, CR_FLAVOR_DISABLE_OVERRIDE));
  cr_class_add_property (one_ref, reference_new ("Antecedent", "CIM_A"));
  cr_class_add_property (one_ref, property_new ("Weight", CR_CIM_TYPE_UINT32, FALSE));
  /* Valid on its own... */
  g_assert_true (cr_class_validate (one_ref, NULL));
  /* ... but an association needs two references. */
  assert_resolve_error (one_ref, NULL, CR_ERROR_INVALID_PARAMETER, "two reference");

  cr_class_add_qualifier (two_refs, qualifier_bool ("Association", TRUE, CR_FLAVOR_DISABLE_OVERRIDE));
  cr_class_add_property (two_refs, reference_new ("Antecedent", "CIM_A"));
  cr_class_add_property (two_refs, reference_new ("Dependent", "CIM_B"));
  resolved = resolve_ok (two_refs, NULL);
  g_assert_true (cr_class_is_association (resolved));

  /* A subclass inherits both the qualifier and the references. */
  resolved_sub = resolve_ok (sub, resolved);
  g_assert_true (cr_class_is_association (resolved_sub));
}

static void
test_get_local (void)
{
  g_autoptr (CrClass) base_local = make_base ();
  g_autoptr (CrClass) base = resolve_ok (base_local, NULL);
  g_autoptr (CrClass) local = cr_class_new ("CIM_Derived", "CIM_Base");
  g_autoptr (CrClass) resolved = NULL;
  g_autoptr (CrClass) back = NULL;
  g_autoptr (CrClass) again = NULL;
  CrProperty *caption = property_new ("Caption", CR_CIM_TYPE_STRING, FALSE);
  CrProperty *extra = property_new ("Extra", CR_CIM_TYPE_UINT16, FALSE);
  CrMethod *start = cr_method_new ("Start", CR_CIM_TYPE_UINT32);

  /* Overrides first, in the superclass's order, then new elements: the
   * order a resolved class keeps. */
  cr_class_add_qualifier (local, qualifier_string ("Description", "derived", CR_FLAVOR_NONE));
  cr_class_add_qualifier (local, qualifier_string ("Version", "1", CR_FLAVOR_NONE));
  g_ptr_array_add (caption->qualifiers, qualifier_string ("Description", "mine", CR_FLAVOR_NONE));
  caption->default_value = g_variant_ref_sink (g_variant_new_string ("new"));
  cr_class_add_property (local, caption);
  g_ptr_array_add (extra->qualifiers, qualifier_bool ("Required", TRUE, CR_FLAVOR_NONE));
  cr_class_add_property (local, extra);
  cr_class_add_method (local, start);
  cr_class_add_method (local, cr_method_new ("Stop", CR_CIM_TYPE_INVALID));

  resolved = resolve_ok (local, base);
  back = cr_class_get_local (resolved);
  assert_same_class (back, local);

  /* Resolving the local shape again gives the same resolved class, and
   * resolving a resolved class changes nothing. */
  again = resolve_ok (back, base);
  assert_same_class (again, resolved);
  g_clear_object (&again);
  again = resolve_ok (resolved, base);
  assert_same_class (again, resolved);

  /* The marks travel in the wire form. */
  {
    g_autoptr (GVariant) v = g_variant_ref_sink (cr_class_to_variant (resolved));
    g_autoptr (CrClass) remote = cr_class_new_from_variant (v, NULL);
    g_autoptr (CrClass) remote_local = NULL;

    g_assert_nonnull (remote);
    remote_local = cr_class_get_local (remote);
    assert_same_class (remote_local, local);
  }
  /* A class without inheritance is its own local shape. */
  {
    g_autoptr (CrClass) base_back = cr_class_get_local (base);

    assert_same_class (base_back, base_local);
  }
}

/* Validation measures a class only when it could come near the limit:
 * one that goes past it is still refused, whatever makes it large. */
static void
test_validate_size (void)
{
  g_autoptr (CrClass) klass = cr_class_new ("Big", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *chunk = g_strnfill (CR_MAX_STRING_BYTES - 16, 'x');

  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *name = g_strdup_printf ("P%u", i);
      CrProperty *property = cr_property_new (name, CR_CIM_TYPE_STRING);

      property->default_value = g_variant_ref_sink (g_variant_new_string (chunk));
      cr_class_add_property (klass, property);
    }
  g_assert_true (cr_class_validate (klass, &error));
  g_assert_no_error (error);

  /* Past 16 MiB, in qualifiers this time. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Q%u", i);

      cr_class_add_qualifier (klass, cr_qualifier_new (name, g_variant_new_string (chunk), CR_FLAVOR_NONE));
    }
  g_assert_false (cr_class_validate (klass, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "more than the limit"));
}

/* The order of qualifiers means nothing; the rest of a class does */
static void
test_equal (void)
{
  g_autoptr (CrClass) a = cr_class_new ("Test_Equal", NULL);
  g_autoptr (CrClass) b = cr_class_new ("Test_Equal", NULL);
  g_autoptr (CrClass) c = cr_class_new ("Test_Equal", NULL);
  CrProperty *pa = cr_property_new ("Name", CR_CIM_TYPE_STRING);
  CrProperty *pb = cr_property_new ("Name", CR_CIM_TYPE_STRING);

  cr_class_add_qualifier (a, cr_qualifier_new ("Abstract", g_variant_new_boolean (TRUE), CR_FLAVOR_RESTRICTED));
  cr_class_add_qualifier (a, cr_qualifier_new ("Description", g_variant_new_string ("d"), CR_FLAVOR_NONE));
  cr_class_add_qualifier (b, cr_qualifier_new ("Description", g_variant_new_string ("d"), CR_FLAVOR_NONE));
  cr_class_add_qualifier (b, cr_qualifier_new ("Abstract", g_variant_new_boolean (TRUE), CR_FLAVOR_RESTRICTED));
  g_ptr_array_add (pa->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_NONE));
  g_ptr_array_add (pa->qualifiers, cr_qualifier_new ("MaxLen", g_variant_new_uint32 (8), CR_FLAVOR_NONE));
  g_ptr_array_add (pb->qualifiers, cr_qualifier_new ("MaxLen", g_variant_new_uint32 (8), CR_FLAVOR_NONE));
  g_ptr_array_add (pb->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_NONE));
  cr_class_add_property (a, pa);
  cr_class_add_property (b, pb);
  g_assert_true (cr_class_equal (a, b));
  g_assert_true (cr_class_equal (b, a));

  /* A value differs */
  cr_class_add_qualifier (c, cr_qualifier_new ("Description", g_variant_new_string ("other"), CR_FLAVOR_NONE));
  cr_class_add_qualifier (c, cr_qualifier_new ("Abstract", g_variant_new_boolean (TRUE), CR_FLAVOR_RESTRICTED));
  g_assert_false (cr_class_equal (a, c));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/class/qualifier-round-trip", test_qualifier_round_trip);
  g_test_add_func ("/cimrepo/class/qualifier-hostile", test_qualifier_hostile);
  g_test_add_func ("/cimrepo/class/qualifier-list", test_qualifier_list);
  g_test_add_func ("/cimrepo/class/build", test_build);
  g_test_add_func ("/cimrepo/class/boxed-copies", test_boxed_copies);
  g_test_add_func ("/cimrepo/class/validate", test_validate);
  g_test_add_func ("/cimrepo/class/variant-round-trip", test_variant_round_trip);
  g_test_add_func ("/cimrepo/class/variant-hostile", test_variant_hostile);
  g_test_add_func ("/cimrepo/class/resolve-propagation", test_resolve_propagation);
  g_test_add_func ("/cimrepo/class/resolve-override", test_resolve_override);
  g_test_add_func ("/cimrepo/class/resolve-disable-override", test_resolve_disable_override);
  g_test_add_func ("/cimrepo/class/resolve-keys", test_resolve_keys);
  g_test_add_func ("/cimrepo/class/resolve-restricted", test_resolve_restricted);
  g_test_add_func ("/cimrepo/class/resolve-superclass-errors", test_resolve_superclass_errors);
  g_test_add_func ("/cimrepo/class/resolve-association", test_resolve_association);
  g_test_add_func ("/cimrepo/class/get-local", test_get_local);
  g_test_add_func ("/cimrepo/class/validate-size", test_validate_size);
  g_test_add_func ("/cimrepo/class/equal", test_equal);
  return g_test_run ();
}
