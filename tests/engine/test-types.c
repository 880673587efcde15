/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "cr-test-utils.h"

/* Checks @value (consumed) against @type: @code 0 means valid; otherwise
 * the error code, with "the-prop" named in the message. */
static void
assert_check (CrCimType type, GVariant *value, gint code)
{
  g_autoptr (GVariant) owned = value != NULL ? g_variant_ref_sink (value) : NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_cim_value_check (type, owned, "the-prop", &error);

  if (code == 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      return;
    }
  g_assert_error (error, CR_ERROR, code);
  g_assert_false (ok);
  g_assert_nonnull (strstr (error->message, "the-prop"));
}

static void
assert_parse_error (CrCimType type, const char *text, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = cr_cim_value_parse (type, text, &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_null (value);
}

/* Parses @text and compares with @expected (consumed). */
static void
assert_parse (CrCimType type, const char *text, GVariant *expected)
{
  g_autoptr (GVariant) want = g_variant_ref_sink (expected);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = cr_cim_value_parse (type, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  g_assert_false (g_variant_is_floating (value));
  g_assert_cmpvariant (value, want);
}

static void
test_type_names (void)
{
  static const struct {
    CrCimType type;
    const char *name;
    const char *gvariant;
  } table[] = {
    { CR_CIM_TYPE_UINT8, "uint8", "y" },
    { CR_CIM_TYPE_SINT8, "sint8", "n" },
    { CR_CIM_TYPE_UINT16, "uint16", "q" },
    { CR_CIM_TYPE_SINT16, "sint16", "n" },
    { CR_CIM_TYPE_UINT32, "uint32", "u" },
    { CR_CIM_TYPE_SINT32, "sint32", "i" },
    { CR_CIM_TYPE_UINT64, "uint64", "t" },
    { CR_CIM_TYPE_SINT64, "sint64", "x" },
    { CR_CIM_TYPE_REAL32, "real32", "d" },
    { CR_CIM_TYPE_REAL64, "real64", "d" },
    { CR_CIM_TYPE_CHAR16, "char16", "s" },
    { CR_CIM_TYPE_STRING, "string", "s" },
    { CR_CIM_TYPE_BOOLEAN, "boolean", "b" },
    { CR_CIM_TYPE_DATETIME, "datetime", "s" },
    { CR_CIM_TYPE_REFERENCE, "reference", "s" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      CrCimType array = table[i].type | CR_CIM_FLAG_ARRAY;
      g_autofree char *array_name = g_strconcat (table[i].name, "[]", NULL);
      g_autofree char *upper = g_ascii_strup (table[i].name, -1);
      g_autofree char *upper_array = g_strconcat (upper, "[]", NULL);
      g_autofree char *array_gvariant = g_strconcat ("a", table[i].gvariant, NULL);

      g_assert_true (cr_cim_type_is_valid (table[i].type));
      g_assert_true (cr_cim_type_is_valid (array));
      g_assert_cmpstr (cr_cim_type_to_string (table[i].type), ==, table[i].name);
      g_assert_cmpstr (cr_cim_type_to_string (array), ==, array_name);
      g_assert_cmpint (cr_cim_type_from_string (table[i].name), ==, table[i].type);
      g_assert_cmpint (cr_cim_type_from_string (upper), ==, table[i].type);
      g_assert_cmpint (cr_cim_type_from_string (array_name), ==, array);
      g_assert_cmpint (cr_cim_type_from_string (upper_array), ==, array);
      g_assert_cmpstr (g_variant_type_peek_string (cr_cim_type_get_variant_type (table[i].type)), ==, table[i].gvariant);
      g_assert_true (g_variant_type_equal (cr_cim_type_get_variant_type (array), G_VARIANT_TYPE (array_gvariant)));
    }

  g_assert_cmpint (cr_cim_type_from_string ("String[]"), ==, CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY);
  g_assert_cmpint (cr_cim_type_from_string (NULL), ==, CR_CIM_TYPE_INVALID);
  g_assert_cmpint (cr_cim_type_from_string (""), ==, CR_CIM_TYPE_INVALID);
  g_assert_cmpint (cr_cim_type_from_string ("[]"), ==, CR_CIM_TYPE_INVALID);
  g_assert_cmpint (cr_cim_type_from_string ("uint8["), ==, CR_CIM_TYPE_INVALID);
  g_assert_cmpint (cr_cim_type_from_string ("uint8[][]"), ==, CR_CIM_TYPE_INVALID);
  g_assert_cmpint (cr_cim_type_from_string ("int"), ==, CR_CIM_TYPE_INVALID);
  g_assert_cmpint (cr_cim_type_from_string ("uint8 "), ==, CR_CIM_TYPE_INVALID);

  g_assert_false (cr_cim_type_is_valid (CR_CIM_TYPE_INVALID));
  g_assert_false (cr_cim_type_is_valid (CR_CIM_FLAG_ARRAY));
  g_assert_false (cr_cim_type_is_valid (1));
  g_assert_false (cr_cim_type_is_valid (CR_CIM_TYPE_UINT8 | 0x4000));
  g_assert_false (cr_cim_type_is_valid (G_MAXUINT));
  g_assert_null (cr_cim_type_get_variant_type (CR_CIM_TYPE_INVALID));
  g_assert_cmpstr (cr_cim_type_to_string (77), ==, "invalid");
}

static void
assert_name (const char *name, gboolean valid)
{
  g_autoptr (GError) error = NULL;

  if (valid)
    {
      g_assert_true (cr_name_is_valid (name, &error));
      g_assert_no_error (error);
      return;
    }
  g_assert_false (cr_name_is_valid (name, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
}

static void
test_name_valid (void)
{
  g_autofree char *longest = g_strnfill (CR_MAX_NAME_CHARS, 'a');
  g_autofree char *too_long = g_strnfill (CR_MAX_NAME_CHARS + 1, 'a');
  g_autoptr (GString) unicode_longest = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  assert_name ("CIM_ManagedElement", TRUE);
  assert_name ("_x", TRUE);
  assert_name ("_", TRUE);
  assert_name ("a1", TRUE);
  assert_name ("Émile", TRUE);
  assert_name ("名前", TRUE);
  assert_name ("Ωmega_2", TRUE);
  assert_name ("e\xcc\x81t\xc3\xa9", TRUE); /* e + combining acute */
  assert_name ("x٣", TRUE);                 /* Arabic-Indic digit after a letter */
  assert_name (longest, TRUE);

  assert_name (NULL, FALSE);
  assert_name ("", FALSE);
  assert_name (too_long, FALSE);
  assert_name ("1abc", FALSE);
  assert_name ("٣x", FALSE);
  assert_name ("\xcc\x81x", FALSE); /* a combining mark first */
  assert_name ("a-b", FALSE);
  assert_name ("a b", FALSE);
  assert_name ("a.b", FALSE);
  assert_name ("a\"", FALSE);
  assert_name ("a\n", FALSE);
  assert_name ("\xff\xfe", FALSE);
  assert_name ("a\xf0\x9d\x90\x80", FALSE); /* a letter beyond U+FFEF */

  /* The limit counts characters, not bytes. */
  for (int i = 0; i < CR_MAX_NAME_CHARS; i++)
    g_string_append (unicode_longest, "é");
  assert_name (unicode_longest->str, TRUE);
  g_string_append (unicode_longest, "é");
  assert_name (unicode_longest->str, FALSE);

  /* The message quotes the bad name. */
  g_assert_false (cr_name_is_valid ("9lives", &error));
  g_assert_nonnull (strstr (error->message, "9lives"));
  g_clear_error (&error);
  /* ... but not all of a huge one. */
  g_assert_false (cr_name_is_valid (too_long, &error));
  g_assert_null (strstr (error->message, longest));
  g_assert_cmpuint (strlen (error->message), <, 300);
}

static void
test_name_key (void)
{
  g_autofree char *a = cr_name_key ("Name");
  g_autofree char *b = cr_name_key ("NAME");
  g_autofree char *c = cr_name_key ("Straße");
  g_autofree char *d = cr_name_key ("STRASSE");
  g_autofree char *e = cr_name_key ("Émile");
  g_autofree char *f = cr_name_key ("éMILE");
  g_autofree char *g = cr_name_key ("Names");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (c, ==, d);
  g_assert_cmpstr (e, ==, f);
  g_assert_cmpstr (a, !=, g);
}

static void
test_check_integers (void)
{
  assert_check (CR_CIM_TYPE_UINT8, g_variant_new_byte (0), 0);
  assert_check (CR_CIM_TYPE_UINT8, g_variant_new_byte (255), 0);
  assert_check (CR_CIM_TYPE_UINT8, g_variant_new_int16 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_UINT8, g_variant_new_string ("1"), CR_ERROR_TYPE_MISMATCH);

  assert_check (CR_CIM_TYPE_SINT8, g_variant_new_int16 (-128), 0);
  assert_check (CR_CIM_TYPE_SINT8, g_variant_new_int16 (127), 0);
  assert_check (CR_CIM_TYPE_SINT8, g_variant_new_int16 (-129), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_SINT8, g_variant_new_int16 (128), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_SINT8, g_variant_new_byte (1), CR_ERROR_TYPE_MISMATCH);

  assert_check (CR_CIM_TYPE_SINT16, g_variant_new_int16 (G_MININT16), 0);
  assert_check (CR_CIM_TYPE_SINT16, g_variant_new_int16 (G_MAXINT16), 0);
  assert_check (CR_CIM_TYPE_SINT16, g_variant_new_int32 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_UINT16, g_variant_new_uint16 (G_MAXUINT16), 0);
  assert_check (CR_CIM_TYPE_UINT16, g_variant_new_int16 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_SINT32, g_variant_new_int32 (G_MININT32), 0);
  assert_check (CR_CIM_TYPE_SINT32, g_variant_new_uint32 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_UINT32, g_variant_new_uint32 (G_MAXUINT32), 0);
  assert_check (CR_CIM_TYPE_UINT32, g_variant_new_int32 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_SINT64, g_variant_new_int64 (G_MININT64), 0);
  assert_check (CR_CIM_TYPE_SINT64, g_variant_new_uint64 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_UINT64, g_variant_new_uint64 (G_MAXUINT64), 0);
  assert_check (CR_CIM_TYPE_UINT64, g_variant_new_int64 (1), CR_ERROR_TYPE_MISMATCH);

  assert_check (CR_CIM_TYPE_BOOLEAN, g_variant_new_boolean (TRUE), 0);
  assert_check (CR_CIM_TYPE_BOOLEAN, g_variant_new_byte (1), CR_ERROR_TYPE_MISMATCH);
}

static void
test_check_reals (void)
{
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (FLT_MAX), 0);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (-FLT_MAX), 0);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (1.5), 0);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (1e-50), 0);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (INFINITY), 0);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (NAN), 0);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (1e39), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double (-1e39), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_double ((double) FLT_MAX * 2), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_REAL32, g_variant_new_int32 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_REAL64, g_variant_new_double (1e300), 0);
  assert_check (CR_CIM_TYPE_REAL64, g_variant_new_double (-INFINITY), 0);
  assert_check (CR_CIM_TYPE_REAL64, g_variant_new_string ("1.0"), CR_ERROR_TYPE_MISMATCH);
}

static void
test_check_strings (void)
{
  g_autofree char *max = g_strnfill (CR_MAX_STRING_BYTES, 'x');
  g_autofree char *too_big = g_strnfill (CR_MAX_STRING_BYTES + 1, 'x');
  const char bad_utf8[] = "\xff\xfe";
  g_autoptr (GVariant) untrusted = NULL;

  assert_check (CR_CIM_TYPE_STRING, g_variant_new_string (""), 0);
  assert_check (CR_CIM_TYPE_STRING, g_variant_new_string ("héllo"), 0);
  assert_check (CR_CIM_TYPE_STRING, g_variant_new_string (max), 0);
  assert_check (CR_CIM_TYPE_STRING, g_variant_new_string (too_big), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_STRING, g_variant_new_int32 (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_STRING, g_variant_new_object_path ("/a"), CR_ERROR_TYPE_MISMATCH);

  /* Serialized data with invalid UTF-8 never reaches us as such: GVariant
   * reads it as "", which is a valid string. */
  untrusted = g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE_STRING, bad_utf8,
                                                           sizeof bad_utf8, FALSE, NULL, NULL));
  g_assert_cmpstr (g_variant_get_string (untrusted, NULL), ==, "");
  assert_check (CR_CIM_TYPE_STRING, untrusted, 0);
  /* Text from a user is checked. */
  assert_parse_error (CR_CIM_TYPE_STRING, bad_utf8, CR_ERROR_INVALID_PARAMETER);

  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_string ("a"), 0);
  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_string ("é"), 0);
  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_string ("\xef\xbf\xbf"), 0); /* U+FFFF */
  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_string (""), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_string ("ab"), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_string ("\xf0\x90\x80\x80"), CR_ERROR_INVALID_PARAMETER); /* U+10000 */
  assert_check (CR_CIM_TYPE_CHAR16, g_variant_new_uint16 ('a'), CR_ERROR_TYPE_MISMATCH);

  assert_check (CR_CIM_TYPE_REFERENCE, g_variant_new_string ("CIM_Foo.Name=\"x\""), 0);
  assert_check (CR_CIM_TYPE_REFERENCE, g_variant_new_string ("root/cimv2:CIM_Foo=@"), 0);
  assert_check (CR_CIM_TYPE_REFERENCE, g_variant_new_string ("not a path"), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_REFERENCE, g_variant_new_string (""), CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_REFERENCE, g_variant_new_string ("//host/root:CIM_Foo=@"), CR_ERROR_INVALID_PARAMETER);
}

static void
assert_datetime (const char *text, gboolean valid)
{
  if (cr_datetime_is_valid (text) != valid)
    g_error ("“%s” should be %s", text, valid ? "valid" : "invalid");
  assert_check (CR_CIM_TYPE_DATETIME, g_variant_new_string (text),
                valid ? 0 : CR_ERROR_INVALID_PARAMETER);
}

static void
test_datetime (void)
{
  /* Timestamps */
  assert_datetime ("20240229123045.123456+060", TRUE);
  assert_datetime ("20231231235959.999999-720", TRUE);
  assert_datetime ("00010101000000.000000+000", TRUE);
  assert_datetime ("20000229000000.000000+000", TRUE); /* 2000 is a leap year */
  assert_datetime ("20230229000000.000000+000", FALSE);
  assert_datetime ("19000229000000.000000+000", FALSE); /* 1900 is not */
  assert_datetime ("20230431000000.000000+000", FALSE);
  assert_datetime ("20231301000000.000000+000", FALSE);
  assert_datetime ("20230001000000.000000+000", FALSE);
  assert_datetime ("20230100000000.000000+000", FALSE);
  assert_datetime ("20230132000000.000000+000", FALSE);
  assert_datetime ("20230101240000.000000+000", FALSE);
  assert_datetime ("20230101236000.000000+000", FALSE);
  assert_datetime ("20230101235960.000000+000", FALSE);
  assert_datetime ("20230101000000.000000*000", FALSE);
  assert_datetime ("20230101000000,000000+000", FALSE);
  assert_datetime ("20230101000000.000000+00", FALSE);
  assert_datetime ("20230101000000.000000+0000", FALSE);
  assert_datetime ("2023010100000a.000000+000", FALSE);
  assert_datetime ("20230101000000.000000+0a0", FALSE);
  assert_datetime ("", FALSE);
  g_assert_false (cr_datetime_is_valid (NULL));

  /* Reduced precision: asterisks for the least significant digits. */
  assert_datetime ("20240101******.******+000", TRUE);
  assert_datetime ("2024010112****.******+060", TRUE);
  assert_datetime ("20240101123045.123***-000", TRUE);
  assert_datetime ("2024**********.******+000", TRUE);
  assert_datetime ("**************.******+000", TRUE);
  assert_datetime ("20241*********.******+000", TRUE);  /* a month 10-12 */
  assert_datetime ("20242*********.******+000", FALSE); /* no month 20-29 */
  assert_datetime ("2024010112*0**.******+000", FALSE); /* a digit after an asterisk */
  assert_datetime ("20240101******.123456+000", FALSE);
  assert_datetime ("20240101000000.000000+***", FALSE); /* never in the offset */
  assert_datetime ("2024010123****.******+000", TRUE);
  assert_datetime ("202401013*****.******+000", FALSE); /* no hour 30-39 */

  /* Intervals */
  assert_datetime ("00000000000000.000000:000", TRUE);
  assert_datetime ("99999999235959.999999:000", TRUE);
  assert_datetime ("00000001******.******:000", TRUE);
  assert_datetime ("00000000240000.000000:000", FALSE);
  assert_datetime ("00000000006000.000000:000", FALSE);
  assert_datetime ("00000000000000.000000:001", FALSE);
  assert_datetime ("00000000000000.000000:***", FALSE);

  assert_check (CR_CIM_TYPE_DATETIME, g_variant_new_uint64 (20240101), CR_ERROR_TYPE_MISMATCH);
}

static void
test_check_arrays (void)
{
  g_autofree guint8 *bytes = g_new0 (guint8, CR_MAX_ARRAY_ELEMENTS + 1);
  const gint16 sint8s[] = { 1, 200, 3 };
  const char *chars[] = { "a", "bc", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) bad = NULL;

  assert_check (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY,
                g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, CR_MAX_ARRAY_ELEMENTS, 1), 0);
  assert_check (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY,
                g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, CR_MAX_ARRAY_ELEMENTS + 1, 1),
                CR_ERROR_INVALID_PARAMETER);
  assert_check (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, g_variant_new_byte (1), CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_UINT8, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, 1, 1),
                CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_UINT32 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("[1, 2]"),
                CR_ERROR_TYPE_MISMATCH);
  assert_check (CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, g_variant_new_strv (NULL, 0), 0);
  assert_check (CR_CIM_TYPE_CHAR16 | CR_CIM_FLAG_ARRAY, g_variant_new_strv (chars, -1),
                CR_ERROR_INVALID_PARAMETER);

  /* The element at fault is named. */
  bad = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_INT16, sint8s, 3, sizeof (gint16)));
  g_assert_false (cr_cim_value_check (CR_CIM_TYPE_SINT8 | CR_CIM_FLAG_ARRAY, bad, "Levels", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "Levels[1]"));
  g_assert_nonnull (strstr (error->message, "200"));
  g_assert_true (cr_cim_value_check (CR_CIM_TYPE_SINT16 | CR_CIM_FLAG_ARRAY, bad, "Levels", NULL));
}

static void
test_check_null_and_bad_type (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) one = g_variant_ref_sink (g_variant_new_byte (1));

  for (guint t = 0; t < 0x4000; t++)
    {
      if (cr_cim_type_is_valid (t))
        g_assert_true (cr_cim_value_check (t, NULL, "x", NULL));
    }
  g_assert_false (cr_cim_value_check (99, one, "x", &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
}

static void
assert_coerce (CrCimType type, GVariant *input, GVariant *expected)
{
  g_autoptr (GVariant) want = g_variant_ref_sink (expected);
  g_autoptr (GError) error = NULL;
  /* A floating input is consumed. */
  g_autoptr (GVariant) value = cr_cim_value_coerce (type, input, "the-prop", &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  g_assert_false (g_variant_is_floating (value));
  g_assert_cmpvariant (value, want);
}

static void
assert_coerce_error (CrCimType type, GVariant *input, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = cr_cim_value_coerce (type, input, "the-prop", &error);

  g_assert_error (error, CR_ERROR, code);
  g_assert_nonnull (strstr (error->message, "the-prop"));
  g_assert_null (value);
}

static void
test_coerce (void)
{
  g_autoptr (GVariant) held = g_variant_ref_sink (g_variant_new_int32 (7));
  g_autoptr (GVariant) same = NULL;

  assert_coerce (CR_CIM_TYPE_UINT8, g_variant_new_int32 (5), g_variant_new_byte (5));
  assert_coerce (CR_CIM_TYPE_UINT8, g_variant_new_int64 (255), g_variant_new_byte (255));
  assert_coerce (CR_CIM_TYPE_SINT8, g_variant_new_int64 (-128), g_variant_new_int16 (-128));
  assert_coerce (CR_CIM_TYPE_SINT8, g_variant_new_byte (127), g_variant_new_int16 (127));
  assert_coerce (CR_CIM_TYPE_SINT64, g_variant_new_int64 (G_MININT64), g_variant_new_int64 (G_MININT64));
  assert_coerce (CR_CIM_TYPE_UINT64, g_variant_new_int64 (G_MAXINT64), g_variant_new_uint64 (G_MAXINT64));
  assert_coerce (CR_CIM_TYPE_SINT32, g_variant_new_uint64 (G_MAXINT32), g_variant_new_int32 (G_MAXINT32));
  assert_coerce (CR_CIM_TYPE_UINT16, g_variant_new_int16 (0), g_variant_new_uint16 (0));
  assert_coerce (CR_CIM_TYPE_REAL64, g_variant_new_int32 (-3), g_variant_new_double (-3.0));
  assert_coerce (CR_CIM_TYPE_REAL64, g_variant_new_double (0.1), g_variant_new_double (0.1));
  assert_coerce (CR_CIM_TYPE_REAL32, g_variant_new_double (0.1), g_variant_new_double ((double) 0.1f));
  assert_coerce (CR_CIM_TYPE_REAL32, g_variant_new_uint64 (16777217), g_variant_new_double (16777216.0));
  assert_coerce (CR_CIM_TYPE_STRING, g_variant_new_string ("x"), g_variant_new_string ("x"));
  assert_coerce (CR_CIM_TYPE_BOOLEAN, g_variant_new_boolean (TRUE), g_variant_new_boolean (TRUE));
  assert_coerce (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("[1, 2, 3]"),
                 g_variant_new_parsed ("[byte 1, 2, 3]"));
  assert_coerce (CR_CIM_TYPE_REAL64 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("[int64 1, 2]"),
                 g_variant_new_parsed ("[1.0, 2.0]"));
  assert_coerce (CR_CIM_TYPE_SINT32 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("@ax []"),
                 g_variant_new_parsed ("@ai []"));

  assert_coerce_error (CR_CIM_TYPE_UINT8, g_variant_new_int32 (256), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_UINT8, g_variant_new_int32 (-1), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_SINT8, g_variant_new_int32 (128), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_SINT8, g_variant_new_int16 (-129), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_UINT32, g_variant_new_int64 (-1), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_SINT64, g_variant_new_uint64 (G_MAXUINT64), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_UINT64, g_variant_new_int64 (G_MININT64), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_REAL32, g_variant_new_double (1e39), CR_ERROR_INVALID_PARAMETER);
  /* No conversion between kinds. */
  assert_coerce_error (CR_CIM_TYPE_UINT8, g_variant_new_double (1.0), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_UINT8, g_variant_new_string ("5"), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_STRING, g_variant_new_int32 (5), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_BOOLEAN, g_variant_new_int32 (1), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_UINT8, g_variant_new_variant (g_variant_new_byte (1)), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, g_variant_new_byte (1), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_UINT8, g_variant_new_parsed ("[1]"), CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("['a']"),
                       CR_ERROR_TYPE_MISMATCH);
  assert_coerce_error (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("[1, 300]"),
                       CR_ERROR_INVALID_PARAMETER);
  /* Content is checked after conversion. */
  assert_coerce_error (CR_CIM_TYPE_CHAR16, g_variant_new_string ("ab"), CR_ERROR_INVALID_PARAMETER);
  assert_coerce_error (CR_CIM_TYPE_DATETIME, g_variant_new_string ("yesterday"), CR_ERROR_INVALID_PARAMETER);

  /* A held (non-floating) value stays the caller's. */
  same = cr_cim_value_coerce (CR_CIM_TYPE_SINT32, held, NULL, NULL);
  g_assert_true (same == held);
  g_assert_false (g_variant_is_floating (held));
}

static void
test_parse (void)
{
  assert_parse (CR_CIM_TYPE_UINT8, "0", g_variant_new_byte (0));
  assert_parse (CR_CIM_TYPE_UINT8, "255", g_variant_new_byte (255));
  assert_parse (CR_CIM_TYPE_UINT8, "0xff", g_variant_new_byte (255));
  assert_parse (CR_CIM_TYPE_UINT8, "0XFF", g_variant_new_byte (255));
  assert_parse (CR_CIM_TYPE_UINT8, " 42 ", g_variant_new_byte (42));
  assert_parse (CR_CIM_TYPE_UINT8, "+7", g_variant_new_byte (7));
  assert_parse (CR_CIM_TYPE_SINT8, "-128", g_variant_new_int16 (-128));
  assert_parse (CR_CIM_TYPE_SINT8, "-0x80", g_variant_new_int16 (-128));
  assert_parse (CR_CIM_TYPE_SINT16, "-0", g_variant_new_int16 (0));
  assert_parse (CR_CIM_TYPE_UINT64, "18446744073709551615", g_variant_new_uint64 (G_MAXUINT64));
  assert_parse (CR_CIM_TYPE_SINT64, "-9223372036854775808", g_variant_new_int64 (G_MININT64));
  assert_parse (CR_CIM_TYPE_UINT32, "0x00000010", g_variant_new_uint32 (16));
  assert_parse_error (CR_CIM_TYPE_UINT8, "256", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_UINT8, "-1", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_SINT8, "-129", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_UINT64, "18446744073709551616", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_UINT64, "99999999999999999999999", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_SINT64, "-9223372036854775809", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_UINT8, "", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "0x", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "-", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "abc", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "1.5", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "12abc", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "1 2", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_UINT8, "0x1g", CR_ERROR_TYPE_MISMATCH);

  assert_parse (CR_CIM_TYPE_REAL64, "1.5", g_variant_new_double (1.5));
  assert_parse (CR_CIM_TYPE_REAL64, "-2e3", g_variant_new_double (-2000.0));
  assert_parse (CR_CIM_TYPE_REAL64, "7", g_variant_new_double (7.0));
  assert_parse (CR_CIM_TYPE_REAL32, "0.1", g_variant_new_double ((double) 0.1f));
  assert_parse_error (CR_CIM_TYPE_REAL64, "1e999", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_REAL32, "1e39", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (CR_CIM_TYPE_REAL64, "one", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_REAL64, "1.5x", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_REAL64, "", CR_ERROR_TYPE_MISMATCH);

  assert_parse (CR_CIM_TYPE_BOOLEAN, "true", g_variant_new_boolean (TRUE));
  assert_parse (CR_CIM_TYPE_BOOLEAN, "TRUE", g_variant_new_boolean (TRUE));
  assert_parse (CR_CIM_TYPE_BOOLEAN, "False", g_variant_new_boolean (FALSE));
  assert_parse_error (CR_CIM_TYPE_BOOLEAN, "yes", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (CR_CIM_TYPE_BOOLEAN, "1", CR_ERROR_TYPE_MISMATCH);

  /* Strings are taken as they are, spaces and quotes included. */
  assert_parse (CR_CIM_TYPE_STRING, " a \"b\" ", g_variant_new_string (" a \"b\" "));
  assert_parse (CR_CIM_TYPE_STRING, "", g_variant_new_string (""));
  assert_parse (CR_CIM_TYPE_CHAR16, "é", g_variant_new_string ("é"));
  assert_parse_error (CR_CIM_TYPE_CHAR16, "ab", CR_ERROR_INVALID_PARAMETER);
  assert_parse (CR_CIM_TYPE_DATETIME, "20240229123045.123456+060",
                g_variant_new_string ("20240229123045.123456+060"));
  assert_parse_error (CR_CIM_TYPE_DATETIME, "2024-02-29", CR_ERROR_INVALID_PARAMETER);
  assert_parse (CR_CIM_TYPE_REFERENCE, "CIM_Foo.Id=1", g_variant_new_string ("CIM_Foo.Id=1"));
  assert_parse_error (CR_CIM_TYPE_REFERENCE, "CIM_Foo.Id=", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (99, "1", CR_ERROR_INVALID_PARAMETER);
}

static void
test_parse_arrays (void)
{
  const CrCimType u8s = CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY;
  const CrCimType strings = CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY;

  assert_parse (u8s, "{1,2,3}", g_variant_new_parsed ("[byte 1, 2, 3]"));
  assert_parse (u8s, "  { 1 , 0x2,3 }  ", g_variant_new_parsed ("[byte 1, 2, 3]"));
  assert_parse (u8s, "{}", g_variant_new_parsed ("@ay []"));
  assert_parse (u8s, "{ }", g_variant_new_parsed ("@ay []"));
  assert_parse (CR_CIM_TYPE_BOOLEAN | CR_CIM_FLAG_ARRAY, "{true,FALSE}", g_variant_new_parsed ("[true, false]"));
  assert_parse (CR_CIM_TYPE_REAL64 | CR_CIM_FLAG_ARRAY, "{1.5, -2}", g_variant_new_parsed ("[1.5, -2.0]"));
  assert_parse (strings, "{\"a\",\"b\"}", g_variant_new_parsed ("['a', 'b']"));
  assert_parse (strings, "{\"a,b\", \"c}\", \"q\\\"uote\", \"back\\\\slash\", \"\\n\\t\\x0041\"}",
                g_variant_new_parsed ("['a,b', 'c}', 'q\"uote', 'back\\\\slash', '\\n\\tA']"));
  assert_parse (strings, "{\"\"}", g_variant_new_parsed ("['']"));
  assert_parse (CR_CIM_TYPE_REFERENCE | CR_CIM_FLAG_ARRAY, "{\"CIM_A.Name=\\\"x\\\"\"}",
                g_variant_new_parsed ("['CIM_A.Name=\"x\"']"));

  assert_parse_error (u8s, "1,2", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (u8s, "{1,2", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (u8s, "{1,}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (u8s, "{,1}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (u8s, "{1}x", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (u8s, "{}x", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (u8s, "{1 2}", CR_ERROR_TYPE_MISMATCH);
  assert_parse_error (u8s, "{1,256}", CR_ERROR_INVALID_PARAMETER);
  assert_parse_error (strings, "{a}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (strings, "{\"a}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (strings, "{\"a\" \"b\"}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (strings, "{\"\\q\"}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (strings, "{\"\\x0000\"}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (strings, "{\"\\xD800\"}", CR_ERROR_INVALID_SYNTAX);
  assert_parse_error (CR_CIM_TYPE_CHAR16 | CR_CIM_FLAG_ARRAY, "{\"ab\"}", CR_ERROR_INVALID_PARAMETER);
}

static void
assert_to_string (CrCimType type, GVariant *value, const char *expected)
{
  g_autoptr (GVariant) owned = value != NULL ? g_variant_ref_sink (value) : NULL;
  g_autofree char *text = cr_cim_value_to_string (type, owned);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_to_string (void)
{
  assert_to_string (CR_CIM_TYPE_UINT8, NULL, "NULL");
  assert_to_string (CR_CIM_TYPE_UINT8, g_variant_new_byte (200), "200");
  assert_to_string (CR_CIM_TYPE_SINT8, g_variant_new_int16 (-5), "-5");
  assert_to_string (CR_CIM_TYPE_UINT32, g_variant_new_uint32 (G_MAXUINT32), "4294967295");
  assert_to_string (CR_CIM_TYPE_SINT64, g_variant_new_int64 (G_MININT64), "-9223372036854775808");
  assert_to_string (CR_CIM_TYPE_UINT64, g_variant_new_uint64 (G_MAXUINT64), "18446744073709551615");
  assert_to_string (CR_CIM_TYPE_REAL64, g_variant_new_double (0.1), "0.1");
  assert_to_string (CR_CIM_TYPE_REAL64, g_variant_new_double (1.0 / 3.0), "0.3333333333333333");
  assert_to_string (CR_CIM_TYPE_REAL64, g_variant_new_double (1e300), "1e+300");
  assert_to_string (CR_CIM_TYPE_REAL64, g_variant_new_double (-INFINITY), "-inf");
  assert_to_string (CR_CIM_TYPE_REAL32, g_variant_new_double ((double) 0.1f), "0.1");
  assert_to_string (CR_CIM_TYPE_BOOLEAN, g_variant_new_boolean (TRUE), "true");
  assert_to_string (CR_CIM_TYPE_STRING, g_variant_new_string ("plain"), "\"plain\"");
  assert_to_string (CR_CIM_TYPE_STRING, g_variant_new_string ("a\"b\\c\nd\te\x01"),
                    "\"a\\\"b\\\\c\\nd\\te\\x0001\"");
  assert_to_string (CR_CIM_TYPE_CHAR16, g_variant_new_string ("é"), "\"é\"");
  assert_to_string (CR_CIM_TYPE_UINT8 | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("[byte 1, 2, 3]"), "{1, 2, 3}");
  assert_to_string (CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("['a', 'b']"), "{\"a\", \"b\"}");
  assert_to_string (CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, g_variant_new_parsed ("@as []"), "{}");
}

/* Every array, and every scalar that is not a string, reads back from
 * its display form. */
static void
test_round_trip (void)
{
  struct {
    CrCimType type;
    const char *value;
  } table[] = {
    { CR_CIM_TYPE_UINT8, "byte 0xff" },
    { CR_CIM_TYPE_SINT8, "int16 -128" },
    { CR_CIM_TYPE_UINT16, "uint16 65535" },
    { CR_CIM_TYPE_SINT16, "int16 -32768" },
    { CR_CIM_TYPE_UINT32, "uint32 4294967295" },
    { CR_CIM_TYPE_SINT32, "-2147483648" },
    { CR_CIM_TYPE_UINT64, "uint64 18446744073709551615" },
    { CR_CIM_TYPE_SINT64, "int64 -9223372036854775808" },
    { CR_CIM_TYPE_REAL64, "0.1" },
    { CR_CIM_TYPE_REAL64, "-1.2345678901234567e-300" },
    { CR_CIM_TYPE_REAL64, "123456789012345680.0" },
    { CR_CIM_TYPE_BOOLEAN, "false" },
    { CR_CIM_TYPE_SINT32 | CR_CIM_FLAG_ARRAY, "[1, -2, 3]" },
    { CR_CIM_TYPE_REAL64 | CR_CIM_FLAG_ARRAY, "[0.1, 1e100, -0.0]" },
    { CR_CIM_TYPE_BOOLEAN | CR_CIM_FLAG_ARRAY, "@ab []" },
    { CR_CIM_TYPE_STRING | CR_CIM_FLAG_ARRAY, "['', 'a\"b', '\\\\', 'x\\ny\\tz\\u0007', 'ünï', '{,}']" },
    { CR_CIM_TYPE_CHAR16 | CR_CIM_FLAG_ARRAY, "['\"', '\\\\', 'é']" },
    { CR_CIM_TYPE_DATETIME | CR_CIM_FLAG_ARRAY, "['20240229123045.123456+060', '00000000000000.000000:000']" },
    { CR_CIM_TYPE_REFERENCE | CR_CIM_FLAG_ARRAY, "['root/cimv2:CIM_A.Name=\"x\\\\\\\\y\",Id=5']" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) parsed = g_variant_parse (cr_cim_type_get_variant_type (table[i].type),
                                                     table[i].value, NULL, NULL, &error);
      g_autofree char *text = NULL;
      g_autoptr (GVariant) back = NULL;

      g_assert_no_error (error);
      g_assert_true (cr_cim_value_check (table[i].type, parsed, NULL, NULL));
      text = cr_cim_value_to_string (table[i].type, parsed);
      back = cr_cim_value_parse (table[i].type, text, &error);
      g_assert_no_error (error);
      g_test_message ("%s → %s", table[i].value, text);
      g_assert_cmpvariant (back, parsed);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/types/type-names", test_type_names);
  g_test_add_func ("/cimrepo/types/name-valid", test_name_valid);
  g_test_add_func ("/cimrepo/types/name-key", test_name_key);
  g_test_add_func ("/cimrepo/types/check-integers", test_check_integers);
  g_test_add_func ("/cimrepo/types/check-reals", test_check_reals);
  g_test_add_func ("/cimrepo/types/check-strings", test_check_strings);
  g_test_add_func ("/cimrepo/types/datetime", test_datetime);
  g_test_add_func ("/cimrepo/types/check-arrays", test_check_arrays);
  g_test_add_func ("/cimrepo/types/check-null-and-bad-type", test_check_null_and_bad_type);
  g_test_add_func ("/cimrepo/types/coerce", test_coerce);
  g_test_add_func ("/cimrepo/types/parse", test_parse);
  g_test_add_func ("/cimrepo/types/parse-arrays", test_parse_arrays);
  g_test_add_func ("/cimrepo/types/to-string", test_to_string);
  g_test_add_func ("/cimrepo/types/round-trip", test_round_trip);
  return g_test_run ();
}
