/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-object-path.h"
#include "cr-types-private.h"
#include "cr-types.h"

typedef struct {
  CrCimType type;
  const char *name;
  const char *array_name;
  const char *variant_type;
  const char *array_variant_type;
} CrTypeInfo;

static const CrTypeInfo type_infos[] = {
  { CR_CIM_TYPE_UINT8, "uint8", "uint8[]", "y", "ay" },
  { CR_CIM_TYPE_SINT8, "sint8", "sint8[]", "n", "an" },
  { CR_CIM_TYPE_UINT16, "uint16", "uint16[]", "q", "aq" },
  { CR_CIM_TYPE_SINT16, "sint16", "sint16[]", "n", "an" },
  { CR_CIM_TYPE_UINT32, "uint32", "uint32[]", "u", "au" },
  { CR_CIM_TYPE_SINT32, "sint32", "sint32[]", "i", "ai" },
  { CR_CIM_TYPE_UINT64, "uint64", "uint64[]", "t", "at" },
  { CR_CIM_TYPE_SINT64, "sint64", "sint64[]", "x", "ax" },
  { CR_CIM_TYPE_REAL32, "real32", "real32[]", "d", "ad" },
  { CR_CIM_TYPE_REAL64, "real64", "real64[]", "d", "ad" },
  { CR_CIM_TYPE_CHAR16, "char16", "char16[]", "s", "as" },
  { CR_CIM_TYPE_STRING, "string", "string[]", "s", "as" },
  { CR_CIM_TYPE_BOOLEAN, "boolean", "boolean[]", "b", "ab" },
  { CR_CIM_TYPE_DATETIME, "datetime", "datetime[]", "s", "as" },
  { CR_CIM_TYPE_REFERENCE, "reference", "reference[]", "s", "as" },
};

/* The range of each integer type, so that coercion, parsing and the MOF
 * compiler share one table. */
typedef struct {
  CrCimType type;
  gint64 min;
  guint64 max;
} CrIntRange;

static const CrIntRange int_ranges[] = {
  { CR_CIM_TYPE_UINT8, 0, G_MAXUINT8 },
  { CR_CIM_TYPE_SINT8, G_MININT8, G_MAXINT8 },
  { CR_CIM_TYPE_UINT16, 0, G_MAXUINT16 },
  { CR_CIM_TYPE_SINT16, G_MININT16, G_MAXINT16 },
  { CR_CIM_TYPE_UINT32, 0, G_MAXUINT32 },
  { CR_CIM_TYPE_SINT32, G_MININT32, G_MAXINT32 },
  { CR_CIM_TYPE_UINT64, 0, G_MAXUINT64 },
  { CR_CIM_TYPE_SINT64, G_MININT64, G_MAXINT64 },
};

static const CrTypeInfo *
type_info_lookup (guint type)
{
  guint element = type & ~CR_CIM_FLAG_ARRAY;

  for (gsize i = 0; i < G_N_ELEMENTS (type_infos); i++)
    {
      if ((guint) type_infos[i].type == element)
        return &type_infos[i];
    }
  return NULL;
}

static const CrIntRange *
int_range_lookup (CrCimType element)
{
  for (gsize i = 0; i < G_N_ELEMENTS (int_ranges); i++)
    {
      if (int_ranges[i].type == element)
        return &int_ranges[i];
    }
  return NULL;
}

void
cr_int_type_range_to_text (CrCimType element, char **out_min, char **out_max)
{
  const CrIntRange *range = int_range_lookup (element);

  if (range == NULL)
    {
      *out_min = g_strdup ("");
      *out_max = g_strdup ("");
      return;
    }
  *out_min = g_strdup_printf ("%" G_GINT64_FORMAT, range->min);
  *out_max = g_strdup_printf ("%" G_GUINT64_FORMAT, range->max);
}

GVariant *
cr_int_to_variant (CrCimType element, const CrInt *n)
{
  const CrIntRange *range = int_range_lookup (element);
  gboolean fits;
  gint64 s = 0;

  if (range == NULL || n->overflow)
    return NULL;
  if (n->negative)
    {
      /* magnitude is at most 2^63 here only if the value is an int64. */
      fits = n->magnitude <= (guint64) G_MAXINT64 + 1;
      if (fits)
        {
          s = -(gint64) (n->magnitude - 1) - 1;
          fits = s >= range->min;
        }
    }
  else
    {
      fits = n->magnitude <= range->max;
      s = (gint64) n->magnitude;
    }
  if (!fits)
    return NULL;
  switch ((int) element)
    {
    case CR_CIM_TYPE_UINT8:
      return g_variant_ref_sink (g_variant_new_byte ((guint8) s));
    case CR_CIM_TYPE_SINT8:
    case CR_CIM_TYPE_SINT16:
      return g_variant_ref_sink (g_variant_new_int16 ((gint16) s));
    case CR_CIM_TYPE_UINT16:
      return g_variant_ref_sink (g_variant_new_uint16 ((guint16) s));
    case CR_CIM_TYPE_SINT32:
      return g_variant_ref_sink (g_variant_new_int32 ((gint32) s));
    case CR_CIM_TYPE_UINT32:
      return g_variant_ref_sink (g_variant_new_uint32 ((guint32) s));
    case CR_CIM_TYPE_SINT64:
      return g_variant_ref_sink (g_variant_new_int64 (s));
    default:
      return g_variant_ref_sink (g_variant_new_uint64 (n->magnitude));
    }
}

static const char *
variant_type_string (CrCimType type)
{
  const CrTypeInfo *info = type_info_lookup (type);

  return CR_CIM_TYPE_IS_ARRAY (type) ? info->array_variant_type : info->variant_type;
}

static gboolean
type_is_stringish (CrCimType element)
{
  return element == CR_CIM_TYPE_STRING || element == CR_CIM_TYPE_CHAR16 ||
         element == CR_CIM_TYPE_DATETIME || element == CR_CIM_TYPE_REFERENCE;
}

static gboolean
type_is_real (CrCimType element)
{
  return element == CR_CIM_TYPE_REAL32 || element == CR_CIM_TYPE_REAL64;
}

/**
 * cr_cim_type_to_string:
 * @type: a #CrCimType
 *
 * Returns: the DSP0004 name of @type, such as "uint8" or "string[]", or
 *   "invalid" for a value that is not a CIM type (never %NULL, so that it
 *   can go straight into a message).
 */
const char *
cr_cim_type_to_string (CrCimType type)
{
  const CrTypeInfo *info;

  if (!cr_cim_type_is_valid (type))
    return "invalid";
  info = type_info_lookup (type);
  return CR_CIM_TYPE_IS_ARRAY (type) ? info->array_name : info->name;
}

/**
 * cr_cim_type_from_string:
 * @name: (nullable): a type name such as "uint32" or "String[]"
 *
 * Looks a type up by its DSP0004 name, case-insensitively. A `[]` suffix
 * makes the array type.
 *
 * Returns: the type, or %CR_CIM_TYPE_INVALID when @name names none
 */
CrCimType
cr_cim_type_from_string (const char *name)
{
  gsize len;
  guint flags = 0;

  if (name == NULL)
    return CR_CIM_TYPE_INVALID;
  len = strlen (name);
  if (len > 2 && name[len - 2] == '[' && name[len - 1] == ']')
    {
      flags = CR_CIM_FLAG_ARRAY;
      len -= 2;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (type_infos); i++)
    {
      const char *candidate = type_infos[i].name;

      if (strlen (candidate) == len && g_ascii_strncasecmp (candidate, name, len) == 0)
        return (CrCimType) (type_infos[i].type | flags);
    }
  return CR_CIM_TYPE_INVALID;
}

/**
 * cr_cim_type_is_valid:
 * @type: a number that may be a #CrCimType
 *
 * Returns: %TRUE when @type is a CIM type or an array of one. Any bit
 *   beyond %CR_CIM_FLAG_ARRAY makes it invalid.
 */
gboolean
cr_cim_type_is_valid (guint type)
{
  return type_info_lookup (type) != NULL;
}

/**
 * cr_cim_type_get_variant_type:
 * @type: a #CrCimType
 *
 * Returns: (nullable): the #GVariantType that holds values of @type (see
 *   the table at #CrCimType), or %NULL if @type is not valid
 */
const GVariantType *
cr_cim_type_get_variant_type (CrCimType type)
{
  const CrTypeInfo *info = type_info_lookup (type);

  if (info == NULL)
    return NULL;
  return G_VARIANT_TYPE (CR_CIM_TYPE_IS_ARRAY (type) ? info->array_variant_type : info->variant_type);
}

/* Names: DSP0004 identifiers (ANNEX A: firstIdentifierChar is a letter, "_"
 * or U+0080..U+FFEF). We narrow the non-ASCII range to letters (and, after
 * the first character, digits and combining marks), so that a name cannot
 * hold punctuation, spaces or controls that would break object paths and
 * MOF text. */
gboolean
cr_name_char_is_valid (gunichar c, gboolean first)
{
  if (c == '_')
    return TRUE;
  if (c < 0x80)
    return g_ascii_isalpha (c) || (!first && g_ascii_isdigit (c));
  if (c > 0xFFEF)
    return FALSE;
  if (g_unichar_isalpha (c))
    return TRUE;
  if (first)
    return FALSE;
  return g_unichar_isdigit (c) || g_unichar_ismark (c);
}

/* Error messages quote names and values made valid UTF-8 and cut short:
 * a hostile name must not make a huge or broken message. */
char *
cr_text_for_display (const char *text)
{
  g_autofree char *valid = NULL;
  const char *end;

  if (text == NULL)
    return g_strdup ("(null)");
  valid = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (valid, -1) <= CR_DISPLAY_CHARS)
    return g_steal_pointer (&valid);
  end = g_utf8_offset_to_pointer (valid, CR_DISPLAY_CHARS);
  return g_strdup_printf ("%.*s…", (int) (end - valid), valid);
}

/**
 * cr_name_is_valid:
 * @name: (nullable): a class, property, qualifier, method, parameter or
 *   namespace component name
 * @error: return location for a #GError
 *
 * Checks that @name is a CIM identifier: valid UTF-8, 1 to
 * %CR_MAX_NAME_CHARS characters, starting with a letter or `_` and going
 * on with letters, digits and `_`. Letters and digits may be any Unicode
 * ones up to U+FFEF.
 *
 * Returns: %TRUE if @name is valid; otherwise %FALSE with
 *   %CR_ERROR_INVALID_PARAMETER, quoting @name
 */
gboolean
cr_name_is_valid (const char *name, GError **error)
{
  g_autofree char *shown = NULL;
  glong n_chars = 0;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("A name must not be empty"));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      shown = cr_text_for_display (name);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("The name “%s” is not valid UTF-8"), shown);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (++n_chars > CR_MAX_NAME_CHARS)
        {
          shown = cr_text_for_display (name);
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The name “%s” is too long: a name has at most %d character",
                                    "The name “%s” is too long: a name has at most %d characters",
                                    CR_MAX_NAME_CHARS),
                       shown, CR_MAX_NAME_CHARS);
          return FALSE;
        }
      if (!cr_name_char_is_valid (c, p == name))
        {
          shown = cr_text_for_display (name);
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("“%s” is not a valid name: a name starts with a letter or “_” "
                         "and holds only letters, digits and “_”"),
                       shown);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * cr_name_key:
 * @name: a name
 *
 * CIM names are case-insensitive and case-preserving. Two names are the
 * same name when their keys are equal.
 *
 * Returns: (transfer full): the case-folded @name
 */
char *
cr_name_key (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  return g_utf8_casefold (name, -1);
}

static gboolean
is_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    {
      if ((guchar) *s >= 0x80)
        return FALSE;
    }
  return TRUE;
}

/* Compares as cr_name_key() does, without allocating for the ASCII names
 * that nearly every schema uses: lookups run once per property. */
gboolean
cr_name_equal (const char *a, const char *b)
{
  g_autofree char *ka = NULL;
  g_autofree char *kb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  if (is_ascii (a) && is_ascii (b))
    return g_ascii_strcasecmp (a, b) == 0;
  ka = g_utf8_casefold (a, -1);
  kb = g_utf8_casefold (b, -1);
  return strcmp (ka, kb) == 0;
}

gboolean
cr_variant_equal0 (GVariant *a, GVariant *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_variant_equal (a, b);
}

/* Datetimes (DSP0004 5.2.4) */

static int
digit_value (char c)
{
  return (c >= '0' && c <= '9') ? c - '0' : -1;
}

/* A field of @len characters, each a digit or (when reduced precision
 * began before it) an asterisk. Returns FALSE if no completion of the
 * known leading digits can lie in [min, max]; *value is set when all
 * digits are known, else -1. */
static gboolean
check_field (const char *p, int len, int min, int max, gboolean *in_wildcard, int *value)
{
  int known = 0;
  int n_known = 0;
  int scale = 1;

  for (int i = 0; i < len; i++)
    {
      int d = digit_value (p[i]);

      if (p[i] == '*')
        {
          *in_wildcard = TRUE;
          scale *= 10;
          continue;
        }
      /* Asterisks only stand for the least significant digits: once one
       * appears, every later digit position must be one too. */
      if (d < 0 || *in_wildcard)
        return FALSE;
      known = known * 10 + d;
      n_known++;
    }
  *value = (n_known == len) ? known : -1;
  if (n_known == 0)
    return TRUE;
  /* The smallest and largest completions of the known prefix. */
  if ((gint64) known * scale > max)
    return FALSE;
  if ((gint64) known * scale + (scale - 1) < min)
    return FALSE;
  return TRUE;
}

static int
days_in_month (int year, int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && year >= 0 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
    return 29;
  if (month == 2 && year < 0)
    return 29; /* the year is not significant: any February */
  return days[month - 1];
}

/**
 * cr_datetime_is_valid:
 * @text: (nullable): a DMTF datetime
 *
 * Checks a DSP0004 datetime: a timestamp `yyyymmddhhmmss.mmmmmmsutc`
 * (s is `+` or `-`, utc the offset in minutes) or an interval
 * `ddddddddhhmmss.mmmmmm:000`. Month is 01-12, day 01 to the length of the
 * month (February 29 only in leap years), hour 00-23, minute and second
 * 00-59.
 *
 * Asterisks may stand for digits that are not significant (reduced
 * precision), as DSP0004 permits: only for the least significant digits,
 * so once one appears every later digit up to the microseconds must be one
 * too. The UTC offset and the interval's `:000` never hold asterisks.
 *
 * Returns: %TRUE if @text is a valid datetime
 */
gboolean
cr_datetime_is_valid (const char *text)
{
  gboolean wild = FALSE;
  gboolean interval;
  int year = -1, month = -1, day = -1, v = -1;

  if (text == NULL || strlen (text) != 25 || text[14] != '.')
    return FALSE;
  interval = text[21] == ':';
  if (!interval && text[21] != '+' && text[21] != '-')
    return FALSE;

  if (interval)
    {
      if (!check_field (text, 8, 0, 99999999, &wild, &v))
        return FALSE;
    }
  else
    {
      if (!check_field (text, 4, 0, 9999, &wild, &year) ||
          !check_field (text + 4, 2, 1, 12, &wild, &month) ||
          !check_field (text + 6, 2, 1, 31, &wild, &day))
        return FALSE;
      if (month > 0 && day > 0 && day > days_in_month (year, month))
        return FALSE;
    }
  if (!check_field (text + 8, 2, 0, 23, &wild, &v) ||
      !check_field (text + 10, 2, 0, 59, &wild, &v) ||
      !check_field (text + 12, 2, 0, 59, &wild, &v) ||
      !check_field (text + 15, 6, 0, 999999, &wild, &v))
    return FALSE;

  if (interval)
    return strcmp (text + 22, "000") == 0;
  for (int i = 22; i < 25; i++)
    {
      if (digit_value (text[i]) < 0)
        return FALSE;
    }
  return TRUE;
}

/* Value checks */

static char *
what_label (const char *what, gssize index)
{
  if (what == NULL)
    what = _("value");
  if (index < 0)
    return g_strdup (what);
  return g_strdup_printf ("%s[%" G_GSSIZE_FORMAT "]", what, index);
}

static gboolean
check_string_bounds (const char *s, gsize len, const char *what, gssize index, GError **error)
{
  g_autofree char *label = NULL;

  if (len > CR_MAX_STRING_BYTES)
    {
      label = what_label (what, index);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: a string has at most %d byte, this one has %lu",
                                "%s: a string has at most %d bytes, this one has %lu",
                                CR_MAX_STRING_BYTES),
                   label, CR_MAX_STRING_BYTES, (gulong) len);
      return FALSE;
    }
  /* GVariant hands out "" for invalid serialized strings, but a value
   * built in memory from a bad pointer is not to be trusted either. */
  if (!g_utf8_validate (s, (gssize) len, NULL))
    {
      label = what_label (what, index);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("%s: the string is not valid UTF-8"), label);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_array_length (gsize n, const char *what, GError **error)
{
  g_autofree char *label = NULL;

  if (n <= CR_MAX_ARRAY_ELEMENTS)
    return TRUE;
  label = what_label (what, -1);
  g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
               g_dngettext (GETTEXT_PACKAGE,
                            "%s: an array has at most %d element, this one has %lu",
                            "%s: an array has at most %d elements, this one has %lu",
                            CR_MAX_ARRAY_ELEMENTS),
               label, CR_MAX_ARRAY_ELEMENTS, (gulong) n);
  return FALSE;
}

/* Checks the content of one scalar whose GVariant type is already right. */
static gboolean
check_scalar (CrCimType element, GVariant *value, const char *what, gssize index, GError **error)
{
  g_autofree char *label = NULL;
  g_autofree char *shown = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *s;
  gsize len;
  double d;

  if (element == CR_CIM_TYPE_SINT8)
    {
      gint16 n = g_variant_get_int16 (value);

      if (n < G_MININT8 || n > G_MAXINT8)
        {
          label = what_label (what, index);
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("%s: %d is out of range for sint8 (%d to %d)"),
                       label, n, G_MININT8, G_MAXINT8);
          return FALSE;
        }
      return TRUE;
    }
  if (element == CR_CIM_TYPE_REAL32)
    {
      d = g_variant_get_double (value);
      if (isfinite (d) && fabs (d) > FLT_MAX)
        {
          label = what_label (what, index);
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("%s: %g is out of range for real32"), label, d);
          return FALSE;
        }
      return TRUE;
    }
  if (!type_is_stringish (element))
    return TRUE;

  s = g_variant_get_string (value, &len);
  if (!check_string_bounds (s, len, what, index, error))
    return FALSE;

  switch ((int) element)
    {
    case CR_CIM_TYPE_CHAR16:
      if (g_utf8_strlen (s, (gssize) len) != 1 || g_utf8_get_char (s) > 0xFFFF)
        {
          label = what_label (what, index);
          shown = cr_text_for_display (s);
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("%s: a char16 value is exactly one character from U+0001 to U+FFFF, not “%s”"),
                       label, shown);
          return FALSE;
        }
      return TRUE;
    case CR_CIM_TYPE_DATETIME:
      if (!cr_datetime_is_valid (s))
        {
          label = what_label (what, index);
          shown = cr_text_for_display (s);
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("%s: “%s” is not a valid datetime "
                         "(yyyymmddhhmmss.mmmmmmsutc or ddddddddhhmmss.mmmmmm:000)"),
                       label, shown);
          return FALSE;
        }
      return TRUE;
    case CR_CIM_TYPE_REFERENCE:
      {
        g_autoptr (CrObjectPath) path = cr_object_path_parse (s, &local_error);

        if (path == NULL)
          {
            label = what_label (what, index);
            g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                         _("%s: not a valid reference: %s"), label, local_error->message);
            return FALSE;
          }
        return TRUE;
      }
    default:
      return TRUE;
    }
}

/**
 * cr_cim_value_check:
 * @type: a #CrCimType
 * @value: (nullable): a value; %NULL (CIM NULL) is valid for every type
 * @what: (nullable): what the value is, for messages, such as
 *   "property Name"; %NULL for "value"
 * @error: return location for a #GError
 *
 * Checks that @value is a valid value of @type: it has exactly the
 * GVariant type of @type, and its content fits @type (see #CrCimType):
 * ranges, UTF-8 and length of strings, one character for char16, a valid
 * datetime or object path, and at most %CR_MAX_ARRAY_ELEMENTS elements.
 * @value is not consumed, even if floating.
 *
 * Returns: %TRUE if valid; otherwise %FALSE with %CR_ERROR_TYPE_MISMATCH
 *   for a value of another type and %CR_ERROR_INVALID_PARAMETER for a
 *   value out of bounds, the message naming @what
 */
gboolean
cr_cim_value_check (CrCimType type, GVariant *value, const char *what, GError **error)
{
  const GVariantType *expected = cr_cim_type_get_variant_type (type);
  g_autofree char *label = NULL;
  CrCimType element = CR_CIM_TYPE_ELEMENT (type);
  gsize n;

  if (expected == NULL)
    {
      label = what_label (what, -1);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("%s: %u is not a CIM type"), label, (guint) type);
      return FALSE;
    }
  if (value == NULL)
    return TRUE;
  if (!g_variant_is_of_type (value, expected))
    {
      g_autofree char *shown = cr_text_for_display (g_variant_get_type_string (value));

      label = what_label (what, -1);
      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("%s: expected a %s value (GVariant type “%s”), not one of GVariant type “%s”"),
                   label, cr_cim_type_to_string (type),
                   variant_type_string (type), shown);
      return FALSE;
    }
  if (!CR_CIM_TYPE_IS_ARRAY (type))
    return check_scalar (element, value, what, -1, error);

  n = g_variant_n_children (value);
  if (!check_array_length (n, what, error))
    return FALSE;
  if (element != CR_CIM_TYPE_SINT8 && element != CR_CIM_TYPE_REAL32 && !type_is_stringish (element))
    return TRUE;
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

      if (!check_scalar (element, child, what, (gssize) i, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
variant_type_is_cim_scalar (const char *type_string)
{
  return type_string[0] != '\0' && type_string[1] == '\0' &&
         strchr ("ynqiutxdsb", type_string[0]) != NULL;
}

gboolean
cr_variant_check_value_shape (GVariant *value, const char *what, GError **error)
{
  const char *type_string = g_variant_get_type_string (value);
  g_autofree char *label = NULL;
  int depth = 0;
  gboolean is_array;

  /* CIM values are never deeper than an array of scalars, so anything
   * past CR_MAX_VARIANT_DEPTH is hostile before it is merely wrong. */
  for (const char *p = type_string; *p != '\0'; p++)
    {
      if (*p == 'a' || *p == '(' || *p == '{' || *p == 'v' || *p == 'm')
        depth++;
    }
  if (depth > CR_MAX_VARIANT_DEPTH)
    {
      label = what_label (what, -1);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: the value is nested more than %d level deep",
                                "%s: the value is nested more than %d levels deep",
                                CR_MAX_VARIANT_DEPTH),
                   label, CR_MAX_VARIANT_DEPTH);
      return FALSE;
    }
  is_array = type_string[0] == 'a';
  if (!variant_type_is_cim_scalar (is_array ? type_string + 1 : type_string))
    {
      g_autofree char *shown = cr_text_for_display (type_string);

      label = what_label (what, -1);
      g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
                   _("%s: GVariant type “%s” holds no CIM value"), label, shown);
      return FALSE;
    }
  if (is_array)
    {
      gsize n = g_variant_n_children (value);

      if (!check_array_length (n, what, error))
        return FALSE;
      if (type_string[1] == 's')
        {
          for (gsize i = 0; i < n; i++)
            {
              g_autoptr (GVariant) child = g_variant_get_child_value (value, i);
              gsize len;
              const char *s = g_variant_get_string (child, &len);

              if (!check_string_bounds (s, len, what, (gssize) i, error))
                return FALSE;
            }
        }
    }
  else if (type_string[0] == 's')
    {
      gsize len;
      const char *s = g_variant_get_string (value, &len);

      return check_string_bounds (s, len, what, -1, error);
    }
  return TRUE;
}

/* Coercion */

static gboolean
variant_get_int (GVariant *value, CrInt *out)
{
  gint64 s;

  switch (g_variant_get_type_string (value)[0])
    {
    case 'y':
      s = g_variant_get_byte (value);
      break;
    case 'n':
      s = g_variant_get_int16 (value);
      break;
    case 'q':
      s = g_variant_get_uint16 (value);
      break;
    case 'i':
      s = g_variant_get_int32 (value);
      break;
    case 'u':
      s = g_variant_get_uint32 (value);
      break;
    case 'x':
      s = g_variant_get_int64 (value);
      break;
    case 't':
      out->negative = FALSE;
      out->overflow = FALSE;
      out->magnitude = g_variant_get_uint64 (value);
      return TRUE;
    default:
      return FALSE;
    }
  out->negative = s < 0;
  out->overflow = FALSE;
  /* -(s + 1) + 1 keeps G_MININT64 from overflowing. */
  out->magnitude = s < 0 ? (guint64) (-(s + 1)) + 1 : (guint64) s;
  return TRUE;
}

static double
int_to_double (CrInt n)
{
  return n.negative ? -(double) n.magnitude : (double) n.magnitude;
}

static char *
int_to_text (CrInt n)
{
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT, n.negative ? "-" : "", n.magnitude);
}

static GVariant *
make_int (CrCimType element, CrInt n, const char *what, gssize index, GError **error)
{
  GVariant *result = cr_int_to_variant (element, &n);

  if (result == NULL)
    {
      g_autofree char *label = what_label (what, index);
      g_autofree char *text = int_to_text (n);
      g_autofree char *min = NULL;
      g_autofree char *max = NULL;

      cr_int_type_range_to_text (element, &min, &max);
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("%s: %s is out of range for %s (%s to %s)"),
                   label, text, cr_cim_type_to_string (element), min, max);
    }
  return result;
}

/* real32 values are kept at float precision, as WMI's VT_R4 keeps them,
 * so that a value reads back as it was stored and prints short. */
static GVariant *
make_real (CrCimType element, double d, const char *what, gssize index, GError **error)
{
  if (element == CR_CIM_TYPE_REAL32)
    {
      if (isfinite (d) && fabs (d) > FLT_MAX)
        {
          g_autofree char *label = what_label (what, index);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("%s: %g is out of range for real32"), label, d);
          return NULL;
        }
      d = (double) (float) d;
    }
  return g_variant_ref_sink (g_variant_new_double (d));
}

static void
set_mismatch (GError **error, CrCimType type, GVariant *value, const char *what, gssize index)
{
  g_autofree char *label = what_label (what, index);
  g_autofree char *shown = cr_text_for_display (g_variant_get_type_string (value));

  g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
               _("%s: a value of GVariant type “%s” cannot be converted to %s"),
               label, shown, cr_cim_type_to_string (type));
}

static GVariant *
coerce_scalar (CrCimType element, GVariant *value, const char *what, gssize index, GError **error)
{
  CrInt n;

  if (g_variant_is_of_type (value, cr_cim_type_get_variant_type (element)))
    {
      if (element == CR_CIM_TYPE_REAL32)
        return make_real (element, g_variant_get_double (value), what, index, error);
      return g_variant_ref (value);
    }
  if (int_range_lookup (element) != NULL && variant_get_int (value, &n))
    return make_int (element, n, what, index, error);
  if (type_is_real (element) && variant_get_int (value, &n))
    return make_real (element, int_to_double (n), what, index, error);
  set_mismatch (error, element, value, what, index);
  return NULL;
}

/**
 * cr_cim_value_coerce:
 * @type: the #CrCimType wanted
 * @value: a value; a floating reference is consumed
 * @what: (nullable): what the value is, for messages, such as
 *   "property Name"
 * @error: return location for a #GError
 *
 * Converts @value to the GVariant type of @type and checks it as
 * cr_cim_value_check() does. Integers of every type convert to every other
 * integer type they fit in, and to real32 and real64; real32 values are
 * rounded to float precision. Nothing else converts: a string is never
 * read as a number here (cr_cim_value_parse() does that), nor a number
 * as a string. Arrays convert element by element.
 *
 * Returns: (transfer full): a new, non-floating reference to a value of
 *   exactly @type's GVariant type; or %NULL with %CR_ERROR_TYPE_MISMATCH
 *   when the kinds differ and %CR_ERROR_INVALID_PARAMETER when the value
 *   does not fit
 */
GVariant *
cr_cim_value_coerce (CrCimType type, GVariant *value, const char *what, GError **error)
{
  g_autoptr (GVariant) owned = NULL;
  g_autoptr (GVariant) result = NULL;
  CrCimType element = CR_CIM_TYPE_ELEMENT (type);

  g_return_val_if_fail (value != NULL, NULL);

  owned = g_variant_ref_sink (value);
  if (!cr_cim_type_is_valid (type))
    {
      g_autofree char *label = what_label (what, -1);

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("%s: %u is not a CIM type"), label, (guint) type);
      return NULL;
    }

  if (!CR_CIM_TYPE_IS_ARRAY (type))
    {
      result = coerce_scalar (element, owned, what, -1, error);
      if (result == NULL)
        return NULL;
    }
  else if (g_variant_is_of_type (owned, cr_cim_type_get_variant_type (type)) &&
           element != CR_CIM_TYPE_REAL32)
    {
      result = g_variant_ref (owned);
    }
  else
    {
      g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (cr_cim_type_get_variant_type (type));
      gsize n;

      if (!g_variant_is_of_type (owned, G_VARIANT_TYPE_ARRAY))
        {
          set_mismatch (error, type, owned, what, -1);
          return NULL;
        }
      n = g_variant_n_children (owned);
      if (!check_array_length (n, what, error))
        return NULL;
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr (GVariant) child = g_variant_get_child_value (owned, i);
          g_autoptr (GVariant) converted = coerce_scalar (element, child, what, (gssize) i, error);

          if (converted == NULL)
            return NULL;
          g_variant_builder_add_value (&builder, converted);
        }
      result = g_variant_ref_sink (g_variant_builder_end (&builder));
    }

  if (!cr_cim_value_check (type, result, what, error))
    return NULL;
  return g_steal_pointer (&result);
}

/* Parsing */

static gboolean
parse_int_text (const char *text, CrInt *out)
{
  const char *p = text;
  guint base = 10;
  guint64 magnitude = 0;

  out->negative = FALSE;
  out->overflow = FALSE;
  if (*p == '+' || *p == '-')
    out->negative = *p++ == '-';
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    {
      base = 16;
      p += 2;
    }
  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    {
      int d = g_ascii_xdigit_value (*p);

      if (d < 0 || (guint) d >= base)
        return FALSE;
      /* Keep reading: it is out of range, but it is still a number. */
      if (magnitude > (G_MAXUINT64 - (guint64) d) / base)
        out->overflow = TRUE;
      else
        magnitude = magnitude * base + (guint64) d;
    }
  out->magnitude = magnitude;
  if (magnitude == 0)
    out->negative = FALSE;
  return TRUE;
}

static GVariant *
parse_scalar (CrCimType element, const char *text, GError **error)
{
  g_autofree char *shown = NULL;

  if (type_is_stringish (element))
    return g_variant_ref_sink (g_variant_new_string (text));

  if (element == CR_CIM_TYPE_BOOLEAN)
    {
      if (g_ascii_strcasecmp (text, "true") == 0)
        return g_variant_ref_sink (g_variant_new_boolean (TRUE));
      if (g_ascii_strcasecmp (text, "false") == 0)
        return g_variant_ref_sink (g_variant_new_boolean (FALSE));
    }
  else if (type_is_real (element))
    {
      char *end = NULL;
      double d;

      errno = 0;
      d = g_ascii_strtod (text, &end);
      if (*text != '\0' && !g_ascii_isspace (*text) && end != NULL && *end == '\0')
        {
          if (errno == ERANGE && isinf (d))
            {
              shown = cr_text_for_display (text);
              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("%s is out of range for %s"), shown, cr_cim_type_to_string (element));
              return NULL;
            }
          return make_real (element, d, NULL, -1, error);
        }
    }
  else
    {
      CrInt n;

      if (parse_int_text (text, &n))
        {
          if (n.overflow)
            {
              shown = cr_text_for_display (text);
              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("%s is out of range for %s"), shown, cr_cim_type_to_string (element));
              return NULL;
            }
          return make_int (element, n, NULL, -1, error);
        }
    }

  shown = cr_text_for_display (text);
  g_set_error (error, CR_ERROR, CR_ERROR_TYPE_MISMATCH,
               _("“%s” is not a %s value"), shown, cr_cim_type_to_string (element));
  return NULL;
}

static const char *
skip_space (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

static GVariant *
parse_array (CrCimType type, const char *text, GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (cr_cim_type_get_variant_type (type));
  CrCimType element = CR_CIM_TYPE_ELEMENT (type);
  gboolean quoted = type_is_stringish (element);
  const char *p = skip_space (text);
  gsize n = 0;

  if (*p != '{')
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                   _("An array is written in braces, such as {1,2,3} or {\"a\",\"b\"}"));
      return NULL;
    }
  p = skip_space (p + 1);
  if (*p == '}')
    {
      if (*skip_space (p + 1) != '\0')
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                       _("Unexpected text after the closing “}” of the array"));
          return NULL;
        }
      return g_variant_ref_sink (g_variant_builder_end (&builder));
    }

  for (;;)
    {
      g_autoptr (GString) token = g_string_new (NULL);
      g_autoptr (GVariant) item = NULL;

      if (quoted)
        {
          if (*p != '"')
            {
              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                           _("Element %lu of the array must be in double quotes"), (gulong) n);
              return NULL;
            }
          for (p++; *p != '"';)
            {
              if (*p == '\0')
                {
                  g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                               _("Element %lu of the array has no closing quote"), (gulong) n);
                  return NULL;
                }
              if (*p == '\\')
                {
                  p++;
                  if (!cr_parse_escape (&p, token))
                    {
                      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                                   _("Element %lu of the array has an invalid escape sequence"), (gulong) n);
                      return NULL;
                    }
                  continue;
                }
              g_string_append_c (token, *p++);
            }
          p++;
        }
      else
        {
          const char *start = p;

          while (*p != '\0' && *p != ',' && *p != '}')
            p++;
          g_string_append_len (token, start, p - start);
          while (token->len > 0 && g_ascii_isspace (token->str[token->len - 1]))
            g_string_truncate (token, token->len - 1);
          if (token->len == 0)
            {
              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                           _("Element %lu of the array is empty"), (gulong) n);
              return NULL;
            }
        }

      if (++n > CR_MAX_ARRAY_ELEMENTS)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "An array has at most %d element",
                                    "An array has at most %d elements",
                                    CR_MAX_ARRAY_ELEMENTS),
                       CR_MAX_ARRAY_ELEMENTS);
          return NULL;
        }
      item = parse_scalar (element, token->str, error);
      if (item == NULL)
        return NULL;
      g_variant_builder_add_value (&builder, item);

      p = skip_space (p);
      if (*p == ',')
        {
          p = skip_space (p + 1);
          continue;
        }
      if (*p == '}' && *skip_space (p + 1) == '\0')
        break;
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                   _("Expected “,” or a final “}” after element %lu of the array"),
                   (gulong) n - 1);
      return NULL;
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * cr_cim_value_parse:
 * @type: the #CrCimType of the value
 * @text: the value as a user writes it on the command line
 * @error: return location for a #GError
 *
 * Reads a value:
 * - integers in decimal or `0x` hexadecimal, with an optional sign;
 * - reals as C writes them (`1.5`, `-2e10`, `inf`); real32 values are
 *   rounded to float precision;
 * - booleans `true` or `false`, in any case;
 * - strings, char16, datetimes and references as they are, without
 *   quotes (datetimes and references are checked);
 * - arrays as comma-separated elements in braces: `{1, 2, 3}`; string
 *   elements in double quotes with the escapes that
 *   cr_cim_value_to_string() writes: `{"a", "b\"c"}`.
 *
 * Spaces around numbers, booleans and array elements are ignored; a
 * scalar string keeps them.
 *
 * Returns: (transfer full): the value (not floating); or %NULL with
 *   %CR_ERROR_TYPE_MISMATCH for text that is not of @type,
 *   %CR_ERROR_INVALID_SYNTAX for a malformed array, and
 *   %CR_ERROR_INVALID_PARAMETER for a value out of range or bounds
 */
GVariant *
cr_cim_value_parse (CrCimType type, const char *text, GError **error)
{
  g_autoptr (GVariant) value = NULL;
  CrCimType element = CR_CIM_TYPE_ELEMENT (type);

  g_return_val_if_fail (text != NULL, NULL);

  if (!cr_cim_type_is_valid (type))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("%u is not a CIM type"), (guint) type);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("The value is not valid UTF-8"));
      return NULL;
    }

  if (CR_CIM_TYPE_IS_ARRAY (type))
    {
      value = parse_array (type, text, error);
    }
  else if (type_is_stringish (element))
    {
      value = parse_scalar (element, text, error);
    }
  else
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (text));

      value = parse_scalar (element, trimmed, error);
    }
  if (value == NULL)
    return NULL;
  if (!cr_cim_value_check (type, value, NULL, error))
    return NULL;
  return g_steal_pointer (&value);
}

/* Text */

gboolean
cr_parse_escape (const char **p, GString *out)
{
  const char *s = *p;
  gunichar c = 0;
  int n = 0;

  switch (*s)
    {
    case 'b':
      c = '\b';
      break;
    case 't':
      c = '\t';
      break;
    case 'n':
      c = '\n';
      break;
    case 'f':
      c = '\f';
      break;
    case 'r':
      c = '\r';
      break;
    case '"':
    case '\'':
    case '\\':
      c = (gunichar) *s;
      break;
    case 'x':
    case 'X':
      /* DSP0004: one to four hex digits, a UCS-2 character. */
      for (s++; n < 4 && g_ascii_isxdigit (*s); n++, s++)
        c = c * 16 + (gunichar) g_ascii_xdigit_value (*s);
      if (n == 0 || c == 0 || (c >= 0xD800 && c <= 0xDFFF))
        return FALSE;
      g_string_append_unichar (out, c);
      *p = s;
      return TRUE;
    default:
      return FALSE;
    }
  g_string_append_unichar (out, c);
  *p = s + 1;
  return TRUE;
}

GVariant *
cr_optional_to_variant (GVariant *value)
{
  if (value == NULL)
    return g_variant_new_array (G_VARIANT_TYPE_VARIANT, NULL, 0);
  return g_variant_new_array (G_VARIANT_TYPE_VARIANT, (GVariant *[]){ g_variant_new_variant (value) }, 1);
}

gboolean
cr_optional_from_variant (GVariant *av, GVariant **out_value, GError **error)
{
  g_autoptr (GVariant) boxed = NULL;
  gsize n = g_variant_n_children (av);

  *out_value = NULL;
  if (n == 0)
    return TRUE;
  if (n > 1)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("an optional value has at most one element, not %lu"), (gulong) n);
      return FALSE;
    }
  boxed = g_variant_get_child_value (av, 0);
  *out_value = g_variant_get_variant (boxed);
  return TRUE;
}

void
cr_string_append_escaped_char (GString *out, gunichar c, gunichar quote, gboolean escape_controls)
{
  if (c == quote || c == '\\')
    {
      g_string_append_c (out, '\\');
      g_string_append_c (out, (char) c);
    }
  else if (escape_controls && (c < 0x20 || c == 0x7f))
    {
      switch (c)
        {
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          /* Four digits, so that a following hex digit is not read
           * as part of the escape. */
          g_string_append_printf (out, "\\x%04X", c);
          break;
        }
    }
  else
    {
      g_string_append_unichar (out, c);
    }
}

void
cr_string_append_quoted (GString *out, const char *text, gboolean escape_controls)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      /* The bytes of a multi-byte character never need an escape. */
      if (c >= 0x80)
        g_string_append_c (out, (char) c);
      else
        cr_string_append_escaped_char (out, c, '"', escape_controls);
    }
  g_string_append_c (out, '"');
}

void
cr_string_append_integer (GString *out, GVariant *value)
{
  switch (g_variant_get_type_string (value)[0])
    {
    case 'y':
      g_string_append_printf (out, "%u", g_variant_get_byte (value));
      break;
    case 'n':
      g_string_append_printf (out, "%d", g_variant_get_int16 (value));
      break;
    case 'q':
      g_string_append_printf (out, "%u", g_variant_get_uint16 (value));
      break;
    case 'i':
      g_string_append_printf (out, "%d", g_variant_get_int32 (value));
      break;
    case 'u':
      g_string_append_printf (out, "%u", g_variant_get_uint32 (value));
      break;
    case 'x':
      g_string_append_printf (out, "%" G_GINT64_FORMAT, g_variant_get_int64 (value));
      break;
    case 't':
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
      break;
    default:
      g_return_if_reached ();
    }
}

/* The shortest text that reads back as the same value: %.17g would turn
 * 0.1 into 0.10000000000000001. */
void
cr_format_real (GString *out, double value, gboolean real32)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  if (isnan (value))
    {
      g_string_append (out, "nan");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value < 0 ? "-inf" : "inf");
      return;
    }
  for (int precision = real32 ? 6 : 15; precision <= 17; precision++)
    {
      double back;

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      back = g_ascii_strtod (buf, NULL);
      if (real32 ? (float) back == (float) value : back == value)
        break;
    }
  g_string_append (out, buf);
}

static void
append_value (GString *out, CrCimType element, GVariant *value)
{
  g_autofree char *printed = NULL;

  switch (g_variant_get_type_string (value)[0])
    {
    case 'b':
      g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      return;
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
    case 'x':
    case 't':
      cr_string_append_integer (out, value);
      return;
    case 'd':
      cr_format_real (out, g_variant_get_double (value), element == CR_CIM_TYPE_REAL32);
      return;
    case 's':
      cr_string_append_quoted (out, g_variant_get_string (value, NULL), TRUE);
      return;
    case 'a':
      {
        gsize n = g_variant_n_children (value);

        g_string_append_c (out, '{');
        for (gsize i = 0; i < n; i++)
          {
            g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

            if (i > 0)
              g_string_append (out, ", ");
            append_value (out, element, child);
          }
        g_string_append_c (out, '}');
        return;
      }
    default:
      printed = g_variant_print (value, TRUE);
      g_string_append (out, printed);
      return;
    }
}

/**
 * cr_cim_value_to_string:
 * @type: the #CrCimType of @value
 * @value: (nullable): a value
 *
 * Formats a value for display: numbers in decimal (reals as short as they
 * can be and still read back the same), booleans as `true` or `false`,
 * strings, char16, datetimes and references in double quotes with `\"`,
 * `\\`, `\n`, `\t`, `\r`, `\b`, `\f` and `\xHHHH` escapes, arrays as
 * `{1, 2, 3}`. cr_cim_value_parse() reads back every array and every
 * scalar that is not a string. CIM NULL is `NULL`.
 *
 * Returns: (transfer full): the text
 */
char *
cr_cim_value_to_string (CrCimType type, GVariant *value)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (value == NULL)
    return g_strdup ("NULL");
  append_value (out, CR_CIM_TYPE_ELEMENT (type), value);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
