/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "cr-test-utils.h"

static CrProperty *
property_new (const char *name, CrCimType type, gboolean key, GVariant *default_value)
{
  CrProperty *property = cr_property_new (name, type);

  if (key)
    g_ptr_array_add (property->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE),
                                                             CR_FLAVOR_DISABLE_OVERRIDE));
  if (default_value != NULL)
    property->default_value = g_variant_ref_sink (default_value);
  return property;
}

/*   class CIM_Service {
 *     [Key] string Name; uint32 Port = 80; string Tags[]; sint8 Level;
 *     boolean Enabled = true; real32 Load; uint8 Pair[2];
 *   };
 */
static CrClass *
make_service (void)
{
  g_autoptr (CrClass) local = cr_class_new ("CIM_Service", NULL);
  g_autoptr (GError) error = NULL;
  CrProperty *pair = property_new ("Pair", CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, FALSE, NULL);
  CrClass *resolved;

  cr_class_add_property (local, property_new ("Name", CR_CIM_TYPE_STRING, TRUE, NULL));
  cr_class_add_property (local, property_new ("Port", CR_CIM_TYPE_UINT32, FALSE, g_variant_new_uint32 (80)));
  cr_class_add_property (local, property_new ("Tags", CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, FALSE, NULL));
  cr_class_add_property (local, property_new ("Level", CR_CIM_TYPE_SINT8, FALSE, NULL));
  cr_class_add_property (local, property_new ("Enabled", CR_CIM_TYPE_BOOLEAN, FALSE, g_variant_new_boolean (TRUE)));
  cr_class_add_property (local, property_new ("Load", CR_CIM_TYPE_REAL32, FALSE, NULL));
  pair->array_size = 2;
  cr_class_add_property (local, pair);
  resolved = cr_class_resolve (local, NULL, &error);
  g_assert_no_error (error);
  return resolved;
}

static void
assert_property (CrInstance *instance, const char *name, const char *expected)
{
  GVariant *value = cr_instance_get_property (instance, name);
  g_autoptr (GVariant) want = NULL;

  if (expected == NULL)
    {
      g_assert_null (value);
      return;
    }
  want = g_variant_ref_sink (g_variant_new_parsed (expected));
  g_assert_nonnull (value);
  g_assert_cmpvariant (value, want);
}

static void
assert_names (CrInstance *instance, const char *const *expected)
{
  g_autoptr (GPtrArray) names = cr_instance_get_property_names (instance);

  g_assert_cmpuint (names->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, expected[i]);
}

static void
assert_normalize_error (CrInstance *instance, CrClass *klass, gint code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) normalized = cr_instance_normalize (instance, klass, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (normalized);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("expected “%s” in “%s”", needle, error->message);
}

static void
test_properties (void)
{
  g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");
  g_autofree char *class_name = NULL;
  const char *const first[] = { "Name", "Port", NULL };
  const char *const second[] = { "Name", "Port", "Level", NULL };
  const char *const third[] = { "Port", "Level", NULL };

  g_object_get (instance, "class-name", &class_name, NULL);
  g_assert_cmpstr (class_name, ==, "CIM_Service");
  g_assert_cmpstr (cr_instance_get_class_name (instance), ==, "CIM_Service");
  g_assert_null (cr_instance_get_path (instance));
  assert_names (instance, (const char *const[]){ NULL });

  cr_instance_set_property (instance, "Name", g_variant_new_string ("sshd"));
  cr_instance_set_property (instance, "Port", g_variant_new_uint32 (22));
  assert_names (instance, first);
  assert_property (instance, "name", "'sshd'");
  assert_property (instance, "PORT", "uint32 22");
  assert_property (instance, "Missing", NULL);

  /* Another case replaces the value and keeps the first spelling and
   * place. */
  cr_instance_set_property (instance, "NAME", g_variant_new_string ("httpd"));
  cr_instance_set_property (instance, "Level", g_variant_new_int16 (1));
  assert_names (instance, second);
  assert_property (instance, "Name", "'httpd'");

  /* NULL removes the value. */
  cr_instance_set_property (instance, "name", NULL);
  cr_instance_set_property (instance, "Unknown", NULL);
  assert_names (instance, third);
  assert_property (instance, "Name", NULL);

  cr_instance_set_path (instance, "CIM_Service.Name=\"x\"");
  g_assert_cmpstr (cr_instance_get_path (instance), ==, "CIM_Service.Name=\"x\"");
  cr_instance_set_path (instance, NULL);
  g_assert_null (cr_instance_get_path (instance));
}

static void
test_variant_round_trip (void)
{
  g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");
  g_autoptr (GVariant) v1 = NULL;
  g_autoptr (GVariant) v2 = NULL;
  g_autoptr (GVariant) expected = NULL;
  g_autoptr (CrInstance) back = NULL;
  g_autoptr (GError) error = NULL;

  cr_instance_set_property (instance, "Name", g_variant_new_string ("sshd"));
  cr_instance_set_property (instance, "Tags", g_variant_new_parsed ("['a', 'b']"));
  cr_instance_set_property (instance, "Port", g_variant_new_uint32 (22));
  cr_instance_set_property (instance, "Gone", g_variant_new_uint32 (1));
  cr_instance_set_property (instance, "Gone", NULL);

  v1 = g_variant_ref_sink (cr_instance_to_variant (instance));
  g_assert_cmpstr (g_variant_get_type_string (v1), ==, CR_INSTANCE_VARIANT_TYPE);
  expected = g_variant_ref_sink (g_variant_new_parsed (
    "('CIM_Service', {'Name': <'sshd'>, 'Tags': <['a', 'b']>, 'Port': <uint32 22>})"));
  g_assert_cmpvariant (v1, expected);

  back = cr_instance_new_from_variant (v1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_instance_get_class_name (back), ==, "CIM_Service");
  assert_property (back, "port", "uint32 22");
  v2 = g_variant_ref_sink (cr_instance_to_variant (back));
  g_assert_cmpvariant (v1, v2);
}

static void
assert_rejected (GVariant *variant, gint code, const char *needle)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (variant);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrInstance) instance = cr_instance_new_from_variant (owned, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (instance);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("expected “%s” in “%s”", needle, error->message);
}

static void
test_variant_hostile (void)
{
  g_autofree char *mib = g_strnfill (CR_MAX_STRING_BYTES, 'x');
  g_autofree char *too_big = g_strnfill (CR_MAX_STRING_BYTES + 1, 'x');
  g_autofree guint8 *bytes = g_new0 (guint8, CR_MAX_ARRAY_ELEMENTS + 1);

  assert_rejected (g_variant_new_string ("CIM_Service"), CR_ERROR_TYPE_MISMATCH, NULL);
  assert_rejected (g_variant_new_parsed ("('CIM_Service', {'Name': 'x'})"), CR_ERROR_TYPE_MISMATCH, NULL);
  assert_rejected (g_variant_new_parsed ("('CIM_Service', [<'x'>])"), CR_ERROR_TYPE_MISMATCH, NULL);
  assert_rejected (g_variant_new_parsed ("('CIM Service', @a{sv} {})"), CR_ERROR_INVALID_PARAMETER, "CIM Service");
  assert_rejected (g_variant_new_parsed ("('', @a{sv} {})"), CR_ERROR_INVALID_PARAMETER, NULL);
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'1Name': <'x'>})"), CR_ERROR_INVALID_PARAMETER, "1Name");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'Name': <'x'>, 'NAME': <'y'>})"),
                   CR_ERROR_INVALID_PARAMETER, "NAME");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'P': <(1, 2)>})"), CR_ERROR_TYPE_MISMATCH, "“P”");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'P': <<1>>})"), CR_ERROR_TYPE_MISMATCH, "“P”");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'P': <objectpath '/a'>})"), CR_ERROR_TYPE_MISMATCH, "“P”");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'P': <@a{sv} {}>})"), CR_ERROR_TYPE_MISMATCH, "“P”");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'P': <[['a']]>})"), CR_ERROR_TYPE_MISMATCH, "“P”");
  assert_rejected (g_variant_new_parsed ("('CIM_S', {'P': <@maaaaaaaaaay nothing>})"), CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_rejected (g_variant_new ("(s@a{sv})", "CIM_S",
                                  g_variant_new_parsed ("{'P': <%s>}", too_big)),
                   CR_ERROR_INVALID_PARAMETER, "“P”");
  assert_rejected (g_variant_new ("(s@a{sv})", "CIM_S",
                                  g_variant_new_parsed ("{'P': <[%s]>}", too_big)),
                   CR_ERROR_INVALID_PARAMETER, "“P”");
  {
    g_autoptr (GVariant) big_array = g_variant_ref_sink (
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, CR_MAX_ARRAY_ELEMENTS + 1, 1));

    assert_rejected (g_variant_new ("(s@a{sv})", "CIM_S", g_variant_new_parsed ("{'P': %v}", big_array)),
                     CR_ERROR_INVALID_PARAMETER, "“P”");
  }
  {
    g_auto (GVariantBuilder) many = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

    for (int i = 0; i <= CR_MAX_PROPERTIES; i++)
      {
        g_autofree char *name = g_strdup_printf ("P%d", i);

        g_variant_builder_add (&many, "{sv}", name, g_variant_new_byte (1));
      }
    assert_rejected (g_variant_new ("(s@a{sv})", "CIM_S", g_variant_builder_end (&many)),
                     CR_ERROR_INVALID_PARAMETER, NULL);
  }
  {
    g_auto (GVariantBuilder) huge = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

    for (int i = 0; i < 17; i++)
      {
        g_autofree char *name = g_strdup_printf ("P%d", i);

        g_variant_builder_add (&huge, "{sv}", name, g_variant_new_string (mib));
      }
    assert_rejected (g_variant_new ("(s@a{sv})", "CIM_S", g_variant_builder_end (&huge)),
                     CR_ERROR_INVALID_PARAMETER, NULL);
  }

  /* Damaged bytes: an instance or an error, never a crash. */
  {
    g_autoptr (GVariant) good = g_variant_ref_sink (g_variant_new_parsed (
      "('CIM_Service', {'Name': <'sshd'>, 'Tags': <['a', 'b']>, 'Port': <uint32 22>, 'L': <[1.5]>})"));
    g_autoptr (GBytes) data = g_variant_get_data_as_bytes (good);
    gsize size;
    const guint8 *raw = g_bytes_get_data (data, &size);
    GRand *rand = g_rand_new_with_seed (99);

    for (int round = 0; round < 5000; round++)
      {
        guint8 *copy = g_memdup2 (raw, size);
        g_autoptr (GBytes) damaged_bytes = NULL;
        g_autoptr (GVariant) damaged = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (CrInstance) instance = NULL;

        for (int k = 0; k < 1 + round % 3; k++)
          copy[g_rand_int_range (rand, 0, (gint32) size)] = (guint8) g_rand_int (rand);
        damaged_bytes = g_bytes_new_take (copy, size);
        damaged = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CR_INSTANCE_VARIANT_TYPE),
                                                                damaged_bytes, FALSE));
        instance = cr_instance_new_from_variant (damaged, &error);
        g_assert_true ((instance == NULL) != (error == NULL));
      }
    g_rand_free (rand);
  }
}

static void
test_normalize (void)
{
  g_autoptr (CrClass) service = make_service ();
  g_autoptr (CrInstance) instance = cr_instance_new ("cim_service");
  g_autoptr (CrInstance) normalized = NULL;
  g_autoptr (CrInstance) twice = NULL;
  g_autoptr (GError) error = NULL;
  const char *const order[] = { "Name", "Port", "Level", "Enabled", "Load", NULL };

  cr_instance_set_property (instance, "LEVEL", g_variant_new_int64 (-3));
  cr_instance_set_property (instance, "load", g_variant_new_double (0.1));
  cr_instance_set_property (instance, "name", g_variant_new_string ("sshd"));
  cr_instance_set_property (instance, "PORT", g_variant_new_int32 (22));

  normalized = cr_instance_normalize (instance, service, &error);
  g_assert_no_error (error);
  g_assert_nonnull (normalized);
  g_assert_cmpstr (cr_instance_get_class_name (normalized), ==, "CIM_Service");
  /* The class's spelling and order; Enabled takes its default; Tags has
   * neither a value nor a default. */
  assert_names (normalized, order);
  assert_property (normalized, "Port", "uint32 22");
  assert_property (normalized, "Level", "int16 -3");
  assert_property (normalized, "Enabled", "true");
  assert_property (normalized, "Load", "0.10000000149011612");
  assert_property (normalized, "Tags", NULL);
  g_assert_cmpstr (cr_instance_get_path (normalized), ==, "CIM_Service.Name=\"sshd\"");
  /* The input is left alone. */
  g_assert_cmpstr (cr_instance_get_class_name (instance), ==, "cim_service");
  assert_property (instance, "Port", "int32 22");
  g_assert_null (cr_instance_get_path (instance));

  /* Normalizing is idempotent. */
  twice = cr_instance_normalize (normalized, service, &error);
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) a = g_variant_ref_sink (cr_instance_to_variant (normalized));
    g_autoptr (GVariant) b = g_variant_ref_sink (cr_instance_to_variant (twice));

    g_assert_cmpvariant (a, b);
    g_assert_cmpstr (cr_instance_get_path (twice), ==, cr_instance_get_path (normalized));
  }

  /* A given value wins over the default, even one equal to nothing else. */
  {
    g_autoptr (CrInstance) off = cr_instance_new ("CIM_Service");
    g_autoptr (CrInstance) result = NULL;

    cr_instance_set_property (off, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (off, "Enabled", g_variant_new_boolean (FALSE));
    cr_instance_set_property (off, "Pair", g_variant_new_parsed ("[1, 2]"));
    result = cr_instance_normalize (off, service, &error);
    g_assert_no_error (error);
    assert_property (result, "Enabled", "false");
    assert_property (result, "Port", "uint32 80");
    assert_property (result, "Pair", "[byte 1, 2]");
  }
}

static void
test_normalize_errors (void)
{
  g_autoptr (CrClass) service = make_service ();

  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (instance, "Colour", g_variant_new_string ("red"));
    assert_normalize_error (instance, service, CR_ERROR_INVALID_PARAMETER,
                            "Class “CIM_Service” has no property “Colour”");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Port", g_variant_new_uint32 (1));
    assert_normalize_error (instance, service, CR_ERROR_ILLEGAL_NULL,
                            "Key property “Name” of class “CIM_Service” has no value");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (instance, "Name", NULL);
    assert_normalize_error (instance, service, CR_ERROR_ILLEGAL_NULL, "Name");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (instance, "Port", g_variant_new_string ("eighty"));
    assert_normalize_error (instance, service, CR_ERROR_TYPE_MISMATCH, "Port");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_int32 (5));
    assert_normalize_error (instance, service, CR_ERROR_TYPE_MISMATCH, "Name");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (instance, "Level", g_variant_new_int32 (200));
    assert_normalize_error (instance, service, CR_ERROR_INVALID_PARAMETER, "Level");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (instance, "Tags", g_variant_new_string ("a"));
    assert_normalize_error (instance, service, CR_ERROR_TYPE_MISMATCH, "Tags");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Service");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    cr_instance_set_property (instance, "Pair", g_variant_new_parsed ("[byte 1, 2, 3]"));
    assert_normalize_error (instance, service, CR_ERROR_INVALID_PARAMETER, "Pair");
  }
  {
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Other");

    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    assert_normalize_error (instance, service, CR_ERROR_INVALID_CLASS, "CIM_Other");
  }
  {
    g_autoptr (CrClass) abstract = cr_class_new ("CIM_Abstract", NULL);
    g_autoptr (CrInstance) instance = cr_instance_new ("CIM_Abstract");

    cr_class_add_qualifier (abstract, cr_qualifier_new ("Abstract", g_variant_new_boolean (TRUE), CR_FLAVOR_RESTRICTED));
    cr_class_add_property (abstract, property_new ("Name", CR_CIM_TYPE_STRING, TRUE, NULL));
    cr_instance_set_property (instance, "Name", g_variant_new_string ("x"));
    assert_normalize_error (instance, abstract, CR_ERROR_INVALID_OPERATION,
                            "Class “CIM_Abstract” is abstract: it cannot have instances");
  }
}

static void
test_inherited (void)
{
  g_autoptr (CrClass) base = make_service ();
  g_autoptr (CrClass) local = cr_class_new ("CIM_WebService", "CIM_Service");
  g_autoptr (CrClass) web = NULL;
  g_autoptr (CrInstance) instance = cr_instance_new ("CIM_WebService");
  g_autoptr (CrInstance) normalized = NULL;
  g_autoptr (GError) error = NULL;

  cr_class_add_property (local, property_new ("Port", CR_CIM_TYPE_UINT32, FALSE, g_variant_new_uint32 (443)));
  cr_class_add_property (local, property_new ("Root", CR_CIM_TYPE_STRING, FALSE, g_variant_new_string ("/srv")));
  web = cr_class_resolve (local, base, &error);
  g_assert_no_error (error);

  cr_instance_set_property (instance, "Name", g_variant_new_string ("nginx"));
  normalized = cr_instance_normalize (instance, web, &error);
  g_assert_no_error (error);
  assert_property (normalized, "Port", "uint32 443");
  assert_property (normalized, "Root", "'/srv'");
  assert_property (normalized, "Enabled", "true");
  g_assert_cmpstr (cr_instance_get_path (normalized), ==, "CIM_WebService.Name=\"nginx\"");
}

static void
test_build_path (void)
{
  g_autoptr (CrClass) klass = cr_class_new ("CIM_Slot", NULL);
  g_autoptr (CrClass) single = cr_class_new ("CIM_Config", NULL);
  g_autoptr (CrInstance) instance = cr_instance_new ("cim_slot");
  g_autoptr (CrInstance) config = cr_instance_new ("CIM_Config");
  g_autoptr (CrObjectPath) path = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;

  cr_class_add_property (klass, property_new ("Number", CR_CIM_TYPE_UINT16, TRUE, NULL));
  cr_class_add_property (klass, property_new ("Rack", CR_CIM_TYPE_STRING, TRUE, NULL));
  cr_class_add_property (klass, property_new ("Label", CR_CIM_TYPE_STRING, FALSE, NULL));

  cr_instance_set_property (instance, "number", g_variant_new_int64 (7));
  cr_instance_set_property (instance, "label", g_variant_new_string ("not a key"));
  path = cr_instance_build_path (instance, klass, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_ILLEGAL_NULL);
  g_assert_nonnull (strstr (error->message, "Rack"));
  g_assert_null (path);
  g_clear_error (&error);

  cr_instance_set_property (instance, "RACK", g_variant_new_string ("r\"1"));
  path = cr_instance_build_path (instance, klass, &error);
  g_assert_no_error (error);
  text = cr_object_path_to_string (path);
  key = cr_object_path_to_key_string (path);
  /* Class spelling, sorted keys, the keys' own types, no non-keys. */
  g_assert_cmpstr (text, ==, "CIM_Slot.Number=7,Rack=\"r\\\"1\"");
  g_assert_cmpstr (key, ==, "Number=7,Rack=\"r\\\"1\"");
  g_assert_true (g_variant_is_of_type (cr_object_path_lookup_key (path, "Number"), G_VARIANT_TYPE_UINT16));
  g_assert_null (cr_object_path_lookup_key (path, "Label"));
  g_clear_pointer (&path, cr_object_path_free);

  cr_instance_set_property (instance, "Number", g_variant_new_int64 (70000));
  path = cr_instance_build_path (instance, klass, &error);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_null (path);
  g_clear_error (&error);

  cr_class_add_property (single, property_new ("Level", CR_CIM_TYPE_UINT32, FALSE, NULL));
  cr_instance_set_property (config, "Level", g_variant_new_uint32 (3));
  path = cr_instance_build_path (config, single, &error);
  g_assert_no_error (error);
  g_free (text);
  text = cr_object_path_to_string (path);
  g_assert_cmpstr (text, ==, "CIM_Config=@");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/instance/properties", test_properties);
  g_test_add_func ("/cimrepo/instance/variant-round-trip", test_variant_round_trip);
  g_test_add_func ("/cimrepo/instance/variant-hostile", test_variant_hostile);
  g_test_add_func ("/cimrepo/instance/normalize", test_normalize);
  g_test_add_func ("/cimrepo/instance/normalize-errors", test_normalize_errors);
  g_test_add_func ("/cimrepo/instance/inherited", test_inherited);
  g_test_add_func ("/cimrepo/instance/build-path", test_build_path);
  return g_test_run ();
}
