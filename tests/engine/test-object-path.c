/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cr-test-utils.h"

static CrObjectPath *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  CrObjectPath *path = cr_object_path_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (path);
  return path;
}

/* @column 0: any column. */
static void
assert_parse_error (const char *text, gint code, long column, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrObjectPath) path = cr_object_path_parse (text, &error);

  if (error == NULL)
    g_error ("“%s” should not parse", text);
  g_assert_error (error, CR_ERROR, code);
  g_assert_null (path);
  if (column > 0)
    {
      g_autofree char *where = g_strdup_printf ("column %ld:", column);

      if (strstr (error->message, where) == NULL)
        g_error ("“%s”: expected %s in “%s”", text, where, error->message);
    }
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s”: expected “%s” in “%s”", text, needle, error->message);
}

static void
assert_key (CrObjectPath *path, const char *name, const char *expected)
{
  GVariant *value = cr_object_path_lookup_key (path, name);
  g_autoptr (GVariant) want = g_variant_ref_sink (g_variant_new_parsed (expected));

  g_assert_nonnull (value);
  g_assert_cmpvariant (value, want);
}

static void
assert_to_string (const CrObjectPath *path, const char *expected, const char *expected_key)
{
  g_autofree char *text = cr_object_path_to_string (path);
  g_autofree char *key = cr_object_path_to_key_string (path);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (key, ==, expected_key);
}

static void
test_parse_forms (void)
{
  {
    g_autoptr (CrObjectPath) path = parse_ok ("CIM_Foo.Name=\"x\"");

    g_assert_null (path->namespace_);
    g_assert_cmpstr (path->class_name, ==, "CIM_Foo");
    g_assert_false (path->is_class_path);
    g_assert_cmpuint (path->keys->len, ==, 1);
    g_assert_cmpstr (((CrKeyBinding *) g_ptr_array_index (path->keys, 0))->name, ==, "Name");
    assert_key (path, "name", "'x'");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("root/cimv2:CIM_Foo.Name=\"x\",Num=5");

    g_assert_cmpstr (path->namespace_, ==, "root/cimv2");
    g_assert_cmpuint (path->keys->len, ==, 2);
    assert_key (path, "NUM", "int64 5");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("root\\cimv2\\sub:CIM_Foo=@");

    g_assert_cmpstr (path->namespace_, ==, "root/cimv2/sub");
    g_assert_cmpuint (path->keys->len, ==, 0);
    g_assert_false (path->is_class_path);
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("CIM_Foo");

    g_assert_true (path->is_class_path);
    g_assert_cmpuint (path->keys->len, ==, 0);
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("root:CIM_Foo");

    g_assert_cmpstr (path->namespace_, ==, "root");
    g_assert_true (path->is_class_path);
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("espacé:Clåss.Nämé=\"ü\"");

    g_assert_cmpstr (path->namespace_, ==, "espacé");
    g_assert_cmpstr (path->class_name, ==, "Clåss");
    assert_key (path, "NÄMÉ", "'ü'");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("A.a=-5,b=0x10,c=-0X10,d=18446744073709551615,e=9223372036854775807,"
                                              "f=-9223372036854775808,g=1.5,h=-2e3,i=.5,j=1.,k=TRUE,l=false,m=True,"
                                              "n=+7,o=-0,p=2E+2");

    assert_key (path, "a", "int64 -5");
    assert_key (path, "b", "int64 16");
    assert_key (path, "c", "int64 -16");
    assert_key (path, "d", "uint64 18446744073709551615");
    assert_key (path, "e", "int64 9223372036854775807");
    assert_key (path, "f", "int64 -9223372036854775808");
    assert_key (path, "g", "1.5");
    assert_key (path, "h", "-2000.0");
    assert_key (path, "i", "0.5");
    assert_key (path, "j", "1.0");
    assert_key (path, "k", "true");
    assert_key (path, "l", "false");
    assert_key (path, "m", "true");
    assert_key (path, "n", "int64 7");
    assert_key (path, "o", "int64 0");
    assert_key (path, "p", "200.0");
  }
}

static void
test_escapes (void)
{
  {
    g_autoptr (CrObjectPath) path = parse_ok ("A.K=\"a\\\"b\\\\c\"");

    assert_key (path, "K", "'a\"b\\\\c'");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("A.K=\"\\n\\t\\r\\b\\f\\'\\x41\\X00e9\\x263a\"");

    assert_key (path, "K", "'\\n\\t\\r\\b\\f\\'Aé☺'");
  }
  {
    /* Separators inside quotes are text. */
    g_autoptr (CrObjectPath) path = parse_ok ("A.K=\"a,b=c.d:e@\\\\\",L=1");

    assert_key (path, "K", "'a,b=c.d:e@\\\\'");
    assert_key (path, "L", "int64 1");
  }
  {
    /* A raw newline is allowed in a string. */
    g_autoptr (CrObjectPath) path = parse_ok ("A.K=\"two\nlines\"");

    assert_key (path, "K", "'two\\nlines'");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("A.K=\"\"");

    assert_key (path, "K", "''");
  }
}

static void
test_parse_errors (void)
{
  g_autofree char *too_long = NULL;
  g_autofree char *long_name = g_strnfill (CR_MAX_NAME_CHARS + 1, 'n');
  g_autofree char *longest_name = g_strnfill (CR_MAX_NAME_CHARS, 'n');
  g_autoptr (GString) keys = g_string_new ("A.");
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GString) wide = g_string_new (NULL);

  assert_parse_error ("", CR_ERROR_INVALID_OBJECT_PATH, 0, NULL);
  assert_parse_error ("//host/root:A.K=1", CR_ERROR_INVALID_OBJECT_PATH, 1, "remote paths are not supported");
  assert_parse_error ("\\\\host\\root:A.K=1", CR_ERROR_INVALID_OBJECT_PATH, 1, "remote paths are not supported");
  assert_parse_error ("A.K=1 ", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A .K=1", CR_ERROR_INVALID_OBJECT_PATH, 2, NULL);
  assert_parse_error (" A.K=1", CR_ERROR_INVALID_OBJECT_PATH, 1, NULL);
  assert_parse_error ("9A.K=1", CR_ERROR_INVALID_OBJECT_PATH, 1, NULL);
  assert_parse_error ("A.", CR_ERROR_INVALID_OBJECT_PATH, 3, "key name");
  assert_parse_error ("A.K", CR_ERROR_INVALID_OBJECT_PATH, 4, "“=”");
  assert_parse_error ("A.K=", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=1,", CR_ERROR_INVALID_OBJECT_PATH, 7, NULL);
  assert_parse_error ("A.K=1,,L=2", CR_ERROR_INVALID_OBJECT_PATH, 7, NULL);
  assert_parse_error ("A.K=\"x", CR_ERROR_INVALID_OBJECT_PATH, 5, "closing quote");
  assert_parse_error ("A.K=\"\\q\"", CR_ERROR_INVALID_OBJECT_PATH, 6, "escape");
  assert_parse_error ("A.K=\"\\x\"", CR_ERROR_INVALID_OBJECT_PATH, 6, "escape");
  assert_parse_error ("A.K=\"\\x0000\"", CR_ERROR_INVALID_OBJECT_PATH, 6, "escape");
  assert_parse_error ("A.K=\"x\"y", CR_ERROR_INVALID_OBJECT_PATH, 8, NULL);
  assert_parse_error ("A.K=abc", CR_ERROR_INVALID_OBJECT_PATH, 5, "abc");
  assert_parse_error ("A.K=TRUEX", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K='x'", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=1x", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=1.2.3", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=0x", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=--1", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=1e", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=.", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=-inf", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=nan", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=0x1p3", CR_ERROR_INVALID_OBJECT_PATH, 5, NULL);
  assert_parse_error ("A.K=18446744073709551616", CR_ERROR_INVALID_OBJECT_PATH, 5, "too large");
  assert_parse_error ("A.K=0x10000000000000000", CR_ERROR_INVALID_OBJECT_PATH, 5, "too large");
  assert_parse_error ("A.K=-9223372036854775809", CR_ERROR_INVALID_OBJECT_PATH, 5, "too small");
  assert_parse_error ("A.K=1e999", CR_ERROR_INVALID_OBJECT_PATH, 5, "out of range");
  assert_parse_error ("A.K=1,K=2", CR_ERROR_INVALID_OBJECT_PATH, 7, "more than once");
  assert_parse_error ("A.K=1,k=2", CR_ERROR_INVALID_OBJECT_PATH, 7, "more than once");
  assert_parse_error ("A=1", CR_ERROR_INVALID_OBJECT_PATH, 3, "=@");
  assert_parse_error ("A=@x", CR_ERROR_INVALID_OBJECT_PATH, 4, NULL);
  assert_parse_error ("A=@.K=1", CR_ERROR_INVALID_OBJECT_PATH, 4, NULL);
  assert_parse_error ("A/B", CR_ERROR_INVALID_OBJECT_PATH, 2, NULL);
  assert_parse_error (":A", CR_ERROR_INVALID_OBJECT_PATH, 1, "namespace");
  assert_parse_error ("root/:A", CR_ERROR_INVALID_OBJECT_PATH, 6, "namespace");
  assert_parse_error ("/root:A", CR_ERROR_INVALID_OBJECT_PATH, 1, "namespace");
  assert_parse_error ("root//cimv2:A", CR_ERROR_INVALID_OBJECT_PATH, 6, "namespace");
  assert_parse_error ("ro ot:A", CR_ERROR_INVALID_OBJECT_PATH, 3, NULL);
  assert_parse_error ("root:", CR_ERROR_INVALID_OBJECT_PATH, 6, "class name");
  assert_parse_error ("root:cimv2:A", CR_ERROR_INVALID_OBJECT_PATH, 11, NULL);
  /* Columns count characters, not bytes. */
  assert_parse_error ("ÄÖ.K=?", CR_ERROR_INVALID_OBJECT_PATH, 6, NULL);
  assert_parse_error ("A.K=\xff", CR_ERROR_INVALID_OBJECT_PATH, 0, "UTF-8");

  /* Bounds */
  too_long = g_strdup_printf ("A.K=\"%*s\"", CR_MAX_OBJECT_PATH_BYTES, "");
  assert_parse_error (too_long, CR_ERROR_INVALID_PARAMETER, 0, NULL);
  {
    g_autofree char *text = g_strdup_printf ("%s.K=1", long_name);

    assert_parse_error (text, CR_ERROR_INVALID_PARAMETER, 0, NULL);
    g_free (text);
    text = g_strdup_printf ("%s.K=1", longest_name);
    g_autoptr (CrObjectPath) path = parse_ok (text);
    g_assert_cmpstr (path->class_name, ==, longest_name);
  }
  for (int i = 0; i < CR_MAX_KEY_PROPERTIES; i++)
    g_string_append_printf (keys, "%sK%d=%d", i > 0 ? "," : "", i, i);
  {
    g_autoptr (CrObjectPath) path = parse_ok (keys->str);

    g_assert_cmpuint (path->keys->len, ==, CR_MAX_KEY_PROPERTIES);
  }
  g_string_append (keys, ",Extra=1");
  assert_parse_error (keys->str, CR_ERROR_INVALID_PARAMETER, 0, NULL);

  for (int i = 0; i <= CR_MAX_NAMESPACE_DEPTH; i++)
    g_string_append_printf (deep, "%sn", i > 0 ? "/" : "");
  g_string_append (deep, ":A");
  assert_parse_error (deep->str, CR_ERROR_INVALID_PARAMETER, 0, NULL);
  for (int i = 0; i < 5; i++)
    g_string_append_printf (wide, "%s%s", i > 0 ? "/" : "", longest_name);
  g_string_append (wide, ":A");
  assert_parse_error (wide->str, CR_ERROR_INVALID_PARAMETER, 0, NULL);
}

static void
test_to_string (void)
{
  {
    g_autoptr (CrObjectPath) path = parse_ok ("root\\cimv2:CIM_Foo.b=2,A=\"x\"");

    assert_to_string (path, "root/cimv2:CIM_Foo.A=\"x\",b=2", "A=\"x\",b=2");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("CIM_Foo=@");

    assert_to_string (path, "CIM_Foo=@", "@");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("root:CIM_Foo");

    assert_to_string (path, "root:CIM_Foo", "");
  }
  {
    g_autoptr (CrObjectPath) path = parse_ok ("A.h=0x10,g=true,f=1.5,e=1e20,d=1.0,c=\"q\\\"\\\\\\n\",b=-0,a=FALSE");

    assert_to_string (path,
                      "A.a=FALSE,b=0,c=\"q\\\"\\\\\n\",d=1.0,e=1e+20,f=1.5,g=TRUE,h=16",
                      "a=FALSE,b=0,c=\"q\\\"\\\\\n\",d=1.0,e=1e+20,f=1.5,g=TRUE,h=16");
  }
  /* Reading the canonical form back gives the same path. */
  {
    const char *texts[] = {
      "root/cimv2:CIM_Foo.A=\"x\",b=2",
      "A.c=\"q\\\"\\\\\n\",d=1.0,e=1e+20,f=-1.5e-07,g=TRUE,u=18446744073709551615",
      "ns:A=@",
      "A",
      "Ä.Ö=\"ü\"",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autoptr (CrObjectPath) path = parse_ok (texts[i]);
        g_autofree char *text = cr_object_path_to_string (path);
        g_autoptr (CrObjectPath) again = parse_ok (text);
        g_autofree char *text2 = cr_object_path_to_string (again);

        g_assert_cmpstr (text, ==, texts[i]);
        g_assert_cmpstr (text2, ==, text);
      }
  }
}

static void
test_build (void)
{
  g_autoptr (CrObjectPath) path = cr_object_path_new ("CIM_Foo");
  g_autoptr (CrObjectPath) copy = NULL;
  g_autoptr (CrObjectPath) boxed = NULL;
  g_autoptr (CrObjectPath) class_path = parse_ok ("CIM_Foo");

  g_assert_false (path->is_class_path);
  assert_to_string (path, "CIM_Foo=@", "@");
  cr_object_path_add_key (path, "Name", g_variant_new_string ("x"));
  cr_object_path_add_key (path, "Id", g_variant_new_uint32 (7));
  cr_object_path_add_key (path, "NAME", g_variant_new_string ("y"));
  g_assert_cmpuint (path->keys->len, ==, 2);
  assert_to_string (path, "CIM_Foo.Id=7,Name=\"y\"", "Id=7,Name=\"y\"");
  g_assert_null (cr_object_path_lookup_key (path, "Nothing"));
  g_assert_cmpstr (g_variant_get_string (cr_object_path_lookup_key (path, "name"), NULL), ==, "y");

  copy = cr_object_path_copy (path);
  boxed = g_boxed_copy (cr_object_path_get_type (), path);
  cr_object_path_add_key (path, "Name", g_variant_new_string ("z"));
  assert_to_string (copy, "CIM_Foo.Id=7,Name=\"y\"", "Id=7,Name=\"y\"");
  assert_to_string (boxed, "CIM_Foo.Id=7,Name=\"y\"", "Id=7,Name=\"y\"");

  cr_object_path_add_key (class_path, "Id", g_variant_new_uint32 (1));
  g_assert_false (class_path->is_class_path);
  assert_to_string (class_path, "CIM_Foo.Id=1", "Id=1");
}

/*   class CIM_Disk {
 *     [Key] string DeviceID; [Key] uint8 Slot; [Key] boolean Removable;
 *     [Key] CIM_Person REF Owner; [Key] datetime Made; uint64 Size;
 *   };
 */
static CrClass *
make_disk (void)
{
  CrClass *klass = cr_class_new ("CIM_Disk", NULL);
  const struct {
    const char *name;
    CrCimType type;
    gboolean key;
  } properties[] = {
    { "DeviceID", CR_CIM_TYPE_STRING, TRUE },
    { "Slot", CR_CIM_TYPE_UINT8, TRUE },
    { "Removable", CR_CIM_TYPE_BOOLEAN, TRUE },
    { "Owner", CR_CIM_TYPE_REFERENCE, TRUE },
    { "Made", CR_CIM_TYPE_DATETIME, TRUE },
    { "Size", CR_CIM_TYPE_UINT64, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      CrProperty *property = cr_property_new (properties[i].name, properties[i].type);

      if (properties[i].type == CR_CIM_TYPE_REFERENCE)
        property->reference_class = g_strdup ("CIM_Person");
      if (properties[i].key)
        g_ptr_array_add (property->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_NONE));
      cr_class_add_property (klass, property);
    }
  g_assert_true (cr_class_validate (klass, NULL));
  return klass;
}

#define DISK_KEYS "owner=\"CIM_Person.b=2,a=\\\"x\\\"\",made=\"20240101000000.000000+000\""

static void
assert_canonicalize_error (CrClass *klass, const char *text, gint code, const char *needle)
{
  g_autoptr (CrObjectPath) path = parse_ok (text);
  g_autoptr (GError) error = NULL;

  g_assert_false (cr_object_path_canonicalize (path, klass, &error));
  g_assert_error (error, CR_ERROR, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s”: expected “%s” in “%s”", text, needle, error->message);
}

static void
test_canonicalize (void)
{
  g_autoptr (CrClass) disk = make_disk ();
  g_autoptr (CrObjectPath) path = parse_ok ("root\\cimv2:cim_disk.slot=3,deviceid=\"d1\",removable=true," DISK_KEYS);
  g_autoptr (GError) error = NULL;

  g_assert_true (cr_object_path_canonicalize (path, disk, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (path->class_name, ==, "CIM_Disk");
  g_assert_cmpstr (path->namespace_, ==, "root/cimv2");
  assert_key (path, "SLOT", "byte 3");
  assert_key (path, "Removable", "true");
  assert_to_string (path,
                    "root/cimv2:CIM_Disk.DeviceID=\"d1\",Made=\"20240101000000.000000+000\","
                    "Owner=\"CIM_Person.a=\\\"x\\\",b=2\",Removable=TRUE,Slot=3",
                    "DeviceID=\"d1\",Made=\"20240101000000.000000+000\","
                    "Owner=\"CIM_Person.a=\\\"x\\\",b=2\",Removable=TRUE,Slot=3");
  /* The stored order is canonical too. */
  g_assert_cmpstr (((CrKeyBinding *) g_ptr_array_index (path->keys, 0))->name, ==, "DeviceID");
  g_assert_cmpstr (((CrKeyBinding *) g_ptr_array_index (path->keys, 4))->name, ==, "Slot");
  /* Canonicalizing twice changes nothing. */
  g_assert_true (cr_object_path_canonicalize (path, disk, NULL));
  assert_to_string (path,
                    "root/cimv2:CIM_Disk.DeviceID=\"d1\",Made=\"20240101000000.000000+000\","
                    "Owner=\"CIM_Person.a=\\\"x\\\",b=2\",Removable=TRUE,Slot=3",
                    "DeviceID=\"d1\",Made=\"20240101000000.000000+000\","
                    "Owner=\"CIM_Person.a=\\\"x\\\",b=2\",Removable=TRUE,Slot=3");

  /* Two spellings of one instance make one key string. */
  {
    g_autoptr (CrObjectPath) other = parse_ok ("CIM_DISK.Removable=TRUE,Slot=0x3,DEVICEID=\"d1\"," DISK_KEYS);
    g_autofree char *k1 = cr_object_path_to_key_string (path);
    g_autofree char *k2 = NULL;

    g_assert_true (cr_object_path_canonicalize (other, disk, NULL));
    k2 = cr_object_path_to_key_string (other);
    g_assert_cmpstr (k1, ==, k2);
  }

  assert_canonicalize_error (disk, "CIM_Disk.slot=300,deviceid=\"d\",removable=true," DISK_KEYS,
                             CR_ERROR_INVALID_PARAMETER, "Slot");
  assert_canonicalize_error (disk, "CIM_Disk.slot=-1,deviceid=\"d\",removable=true," DISK_KEYS,
                             CR_ERROR_INVALID_PARAMETER, "Slot");
  /* No strings for numbers, no numbers for strings. */
  assert_canonicalize_error (disk, "CIM_Disk.slot=\"3\",deviceid=\"d\",removable=true," DISK_KEYS,
                             CR_ERROR_TYPE_MISMATCH, "Slot");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,deviceid=5,removable=true," DISK_KEYS,
                             CR_ERROR_TYPE_MISMATCH, "DeviceID");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,deviceid=\"d\",removable=1," DISK_KEYS,
                             CR_ERROR_TYPE_MISMATCH, "Removable");
  assert_canonicalize_error (disk, "CIM_Disk.slot=1.0,deviceid=\"d\",removable=true," DISK_KEYS,
                             CR_ERROR_TYPE_MISMATCH, "Slot");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,deviceid=\"d\",removable=true,"
                                   "owner=\"not a path\",made=\"20240101000000.000000+000\"",
                             CR_ERROR_INVALID_PARAMETER, "Owner");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,deviceid=\"d\",removable=true,"
                                   "owner=\"CIM_Person.a=1\",made=\"yesterday\"",
                             CR_ERROR_INVALID_PARAMETER, "Made");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,removable=true," DISK_KEYS,
                             CR_ERROR_INVALID_OBJECT_PATH, "DeviceID");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,deviceid=\"d\",removable=true,size=5," DISK_KEYS,
                             CR_ERROR_INVALID_OBJECT_PATH, "not a key");
  assert_canonicalize_error (disk, "CIM_Disk.slot=3,deviceid=\"d\",removable=true,colour=5," DISK_KEYS,
                             CR_ERROR_INVALID_OBJECT_PATH, "colour");
  assert_canonicalize_error (disk, "CIM_Tape.slot=3,deviceid=\"d\",removable=true," DISK_KEYS,
                             CR_ERROR_INVALID_OBJECT_PATH, "CIM_Tape");
  assert_canonicalize_error (disk, "CIM_Disk", CR_ERROR_INVALID_OBJECT_PATH, "CIM_Disk");
  assert_canonicalize_error (disk, "CIM_Disk=@", CR_ERROR_INVALID_OBJECT_PATH, "DeviceID");

  /* Two bindings of one key, made by hand. */
  {
    g_autoptr (CrObjectPath) twice = parse_ok ("CIM_Disk.slot=3,deviceid=\"d\",removable=true," DISK_KEYS);
    g_autoptr (CrObjectPath) extra = parse_ok ("CIM_Disk.SLOT=4");

    g_ptr_array_add (twice->keys, g_ptr_array_steal_index (extra->keys, 0));
    g_assert_false (cr_object_path_canonicalize (twice, disk, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH);
    g_clear_error (&error);
  }

  /* Real keys: integers convert, and the text stays a real. */
  {
    g_autoptr (CrClass) reals = cr_class_new ("CIM_R", NULL);
    CrProperty *x = cr_property_new ("X", CR_CIM_TYPE_REAL64);
    g_autoptr (CrObjectPath) p = parse_ok ("CIM_R.x=1");
    g_autoptr (CrObjectPath) inf = cr_object_path_new ("CIM_R");

    g_ptr_array_add (x->qualifiers, cr_qualifier_new ("Key", NULL, CR_FLAVOR_NONE));
    cr_class_add_property (reals, x);
    g_assert_true (cr_object_path_canonicalize (p, reals, NULL));
    assert_to_string (p, "CIM_R.X=1.0", "X=1.0");
    cr_object_path_add_key (inf, "X", g_variant_new_double (INFINITY));
    g_assert_false (cr_object_path_canonicalize (inf, reals, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH);
    g_clear_error (&error);
  }

  /* A class without keys has one instance, the singleton. */
  {
    g_autoptr (CrClass) single = cr_class_new ("CIM_Config", NULL);
    g_autoptr (CrObjectPath) p = parse_ok ("cim_config=@");

    cr_class_add_property (single, cr_property_new ("Level", CR_CIM_TYPE_UINT32));
    g_assert_true (cr_object_path_canonicalize (p, single, NULL));
    assert_to_string (p, "CIM_Config=@", "@");
    assert_canonicalize_error (single, "CIM_Config.Level=1", CR_ERROR_INVALID_OBJECT_PATH, "Level");
  }
}

/* Random text from the characters that matter: never a crash, and any
 * path that parses prints to a text that parses to itself. */
static void
test_fuzz (void)
{
  static const char alphabet[] = "AbZ_9:./\\=@,\"'-+xe.0123456789 \n\xc3\xa9";
  GRand *rand = g_rand_new_with_seed (1234);
  g_autoptr (CrObjectPath) seed = parse_ok ("root/cimv2:CIM_A.K=\"v\",L=12,M=TRUE,N=-1.5");
  g_autofree char *seed_text = cr_object_path_to_string (seed);
  guint n_parsed = 0;

  for (int round = 0; round < 20000; round++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (CrObjectPath) path = NULL;

      if (round % 2 == 0)
        {
          /* Mutate a valid path. */
          g_string_assign (text, seed_text);
          for (int k = 0; k < 1 + round % 3; k++)
            {
              gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) text->len);
              char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

              if (g_rand_boolean (rand))
                text->str[at] = c;
              else
                g_string_insert_c (text, (gssize) at, c);
            }
        }
      else
        {
          int len = g_rand_int_range (rand, 0, 24);

          for (int k = 0; k < len; k++)
            g_string_append_c (text, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
        }

      path = cr_object_path_parse (text->str, &error);
      g_assert_true ((path == NULL) != (error == NULL));
      if (path != NULL)
        {
          g_autofree char *printed = cr_object_path_to_string (path);
          g_autoptr (CrObjectPath) again = cr_object_path_parse (printed, &error);
          g_autofree char *printed2 = NULL;

          g_assert_no_error (error);
          printed2 = cr_object_path_to_string (again);
          g_assert_cmpstr (printed2, ==, printed);
          n_parsed++;
        }
      else
        {
          g_assert_true (error->domain == CR_ERROR);
        }
    }
  g_rand_free (rand);
  g_test_message ("%u of 20000 random paths parsed", n_parsed);
  g_assert_cmpuint (n_parsed, >, 100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/object-path/parse-forms", test_parse_forms);
  g_test_add_func ("/cimrepo/object-path/escapes", test_escapes);
  g_test_add_func ("/cimrepo/object-path/parse-errors", test_parse_errors);
  g_test_add_func ("/cimrepo/object-path/to-string", test_to_string);
  g_test_add_func ("/cimrepo/object-path/build", test_build);
  g_test_add_func ("/cimrepo/object-path/canonicalize", test_canonicalize);
  g_test_add_func ("/cimrepo/object-path/fuzz", test_fuzz);
  return g_test_run ();
}
