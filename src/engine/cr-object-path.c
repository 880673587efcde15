/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-object-path.h"
#include "cr-types-private.h"

G_DEFINE_BOXED_TYPE (CrObjectPath, cr_object_path, cr_object_path_copy, cr_object_path_free)

static void
key_binding_free (CrKeyBinding *binding)
{
  if (binding == NULL)
    return;
  g_free (binding->name);
  g_clear_pointer (&binding->value, g_variant_unref);
  g_free (binding);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrKeyBinding, key_binding_free)

static CrKeyBinding *
key_binding_new (const char *name, GVariant *value)
{
  CrKeyBinding *binding = g_new0 (CrKeyBinding, 1);

  binding->name = g_strdup (name);
  binding->value = value != NULL ? g_variant_ref_sink (value) : NULL;
  return binding;
}

/**
 * cr_object_path_new:
 * @class_name: the class
 *
 * Returns: (transfer full): a new instance path of @class_name, in no
 *   namespace, with no keys: a singleton path until keys are added
 */
CrObjectPath *
cr_object_path_new (const char *class_name)
{
  CrObjectPath *path;

  g_return_val_if_fail (class_name != NULL, NULL);

  path = g_new0 (CrObjectPath, 1);
  path->class_name = g_strdup (class_name);
  path->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) key_binding_free);
  return path;
}

/**
 * cr_object_path_copy:
 * @path: a #CrObjectPath
 *
 * Returns: (transfer full): a deep copy of @path
 */
CrObjectPath *
cr_object_path_copy (const CrObjectPath *path)
{
  CrObjectPath *copy;

  g_return_val_if_fail (path != NULL, NULL);

  copy = cr_object_path_new (path->class_name);
  copy->namespace_ = g_strdup (path->namespace_);
  copy->is_class_path = path->is_class_path;
  for (guint i = 0; i < path->keys->len; i++)
    {
      const CrKeyBinding *binding = g_ptr_array_index (path->keys, i);

      g_ptr_array_add (copy->keys, key_binding_new (binding->name, binding->value));
    }
  return copy;
}

/**
 * cr_object_path_free:
 * @path: (nullable): a #CrObjectPath
 */
void
cr_object_path_free (CrObjectPath *path)
{
  if (path == NULL)
    return;
  g_free (path->namespace_);
  g_free (path->class_name);
  g_clear_pointer (&path->keys, g_ptr_array_unref);
  g_free (path);
}

/**
 * cr_object_path_add_key:
 * @path: a #CrObjectPath
 * @name: the key property's name
 * @value: its value; a floating reference is consumed
 *
 * Binds the key @name to @value, in place of a binding of the same name
 * (case-insensitively). The path becomes an instance path.
 */
void
cr_object_path_add_key (CrObjectPath *path, const char *name, GVariant *value)
{
  g_return_if_fail (path != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  path->is_class_path = FALSE;
  for (guint i = 0; i < path->keys->len; i++)
    {
      CrKeyBinding *binding = g_ptr_array_index (path->keys, i);

      if (cr_name_equal (binding->name, name))
        {
          g_variant_unref (binding->value);
          binding->value = g_variant_ref_sink (value);
          return;
        }
    }
  g_ptr_array_add (path->keys, key_binding_new (name, value));
}

/**
 * cr_object_path_lookup_key:
 * @path: a #CrObjectPath
 * @name: a key name
 *
 * Returns: (transfer none) (nullable): the value bound to @name
 *   (case-insensitively), or %NULL
 */
GVariant *
cr_object_path_lookup_key (const CrObjectPath *path, const char *name)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < path->keys->len; i++)
    {
      const CrKeyBinding *binding = g_ptr_array_index (path->keys, i);

      if (cr_name_equal (binding->name, name))
        return binding->value;
    }
  return NULL;
}

/* Parsing */

static gboolean
set_path_error (GError **error, const char *text, const char *at, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_path_error (GError **error, const char *text, const char *at, const char *format, ...)
{
  g_autofree char *shown = cr_text_for_display (text);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  /* Columns count characters from 1, as an editor shows them. */
  g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
               _("Invalid object path “%s”, column %ld: %s"),
               shown, g_utf8_strlen (text, at - text) + 1, reason);
  return FALSE;
}

/* Scans a name at @p; returns its end, or @p when there is none. */
static const char *
scan_name (const char *p)
{
  const char *q = p;

  while (*q != '\0')
    {
      gunichar c = g_utf8_get_char (q);

      if (!cr_name_char_is_valid (c, q == p))
        break;
      q = g_utf8_next_char (q);
    }
  return q;
}

static char *
take_name (const char *text, const char *start, const char **end, const char *what, GError **error)
{
  const char *stop = scan_name (start);

  if (stop == start)
    {
      if (*start == '\0')
        set_path_error (error, text, start, _("expected %s, found the end"), what);
      else
        set_path_error (error, text, start, _("expected %s, found “%.*s”"),
                        what, (int) (g_utf8_next_char (start) - start), start);
      return NULL;
    }
  if (g_utf8_strlen (start, stop - start) > CR_MAX_NAME_CHARS)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A name in an object path has at most %d character",
                                "A name in an object path has at most %d characters",
                                CR_MAX_NAME_CHARS),
                   CR_MAX_NAME_CHARS);
      return NULL;
    }
  *end = stop;
  return g_strndup (start, stop - start);
}

static char *
parse_namespace (const char *text, const char *end, GError **error)
{
  g_autoptr (GString) normalized = g_string_new (NULL);
  const char *p = text;
  guint depth = 0;

  if (end - text > CR_MAX_NAMESPACE_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A namespace has at most %d byte",
                                "A namespace has at most %d bytes",
                                CR_MAX_NAMESPACE_BYTES),
                   CR_MAX_NAMESPACE_BYTES);
      return NULL;
    }
  for (;;)
    {
      g_autofree char *component = take_name (text, p, &p, _("a namespace name"), error);

      if (component == NULL)
        return NULL;
      if (++depth > CR_MAX_NAMESPACE_DEPTH)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "A namespace is at most %d level deep",
                                    "A namespace is at most %d levels deep",
                                    CR_MAX_NAMESPACE_DEPTH),
                       CR_MAX_NAMESPACE_DEPTH);
          return NULL;
        }
      if (normalized->len > 0)
        g_string_append_c (normalized, '/');
      g_string_append (normalized, component);
      if (p == end)
        break;
      if (*p != '/' && *p != '\\')
        {
          set_path_error (error, text, p, _("unexpected “%.*s” in the namespace"),
                          (int) (g_utf8_next_char (p) - p), p);
          return NULL;
        }
      p++;
    }
  return g_string_free (g_steal_pointer (&normalized), FALSE);
}

static GVariant *
parse_string_value (const char *text, const char **p, GError **error)
{
  g_autoptr (GString) value = g_string_new (NULL);
  const char *start = *p;
  const char *q = start + 1;

  while (*q != '"')
    {
      if (*q == '\0')
        {
          set_path_error (error, text, start, _("the string has no closing quote"));
          return NULL;
        }
      if (*q == '\\')
        {
          const char *escape = q;

          q++;
          if (!cr_parse_escape (&q, value))
            {
              set_path_error (error, text, escape, _("invalid escape sequence"));
              return NULL;
            }
          continue;
        }
      g_string_append_c (value, *q++);
    }
  *p = q + 1;
  return g_variant_new_string (value->str);
}

static gboolean
is_digits (const char *p, const char *end, gboolean hex)
{
  if (p == end)
    return FALSE;
  for (; p < end; p++)
    {
      if (hex ? !g_ascii_isxdigit (*p) : !g_ascii_isdigit (*p))
        return FALSE;
    }
  return TRUE;
}

static GVariant *
parse_number_value (const char *text, const char **p, GError **error)
{
  const char *start = *p;
  const char *q = start;
  const char *digits;
  g_autofree char *token = NULL;
  gboolean negative = FALSE;
  gboolean hex;

  while (*q != '\0' && *q != ',')
    q++;
  token = g_strndup (start, q - start);
  digits = start;
  if (*digits == '+' || *digits == '-')
    negative = *digits++ == '-';

  hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') && is_digits (digits + 2, q, TRUE);
  if (hex || is_digits (digits, q, FALSE))
    {
      guint base = hex ? 16 : 10;
      guint64 magnitude = 0;

      for (const char *d = hex ? digits + 2 : digits; d < q; d++)
        {
          guint v = (guint) g_ascii_xdigit_value (*d);

          if (magnitude > (G_MAXUINT64 - v) / base)
            {
              set_path_error (error, text, start, _("the number is too large"));
              return NULL;
            }
          magnitude = magnitude * base + v;
        }
      *p = q;
      if (negative)
        {
          if (magnitude > (guint64) G_MAXINT64 + 1)
            {
              set_path_error (error, text, start, _("the number is too small"));
              return NULL;
            }
          return g_variant_new_int64 (magnitude == 0 ? 0 : -(gint64) (magnitude - 1) - 1);
        }
      if (magnitude > G_MAXINT64)
        return g_variant_new_uint64 (magnitude);
      return g_variant_new_int64 ((gint64) magnitude);
    }

  /* A real: digits, an optional fraction and an optional exponent, with a
   * fraction or an exponent present. Checked by hand because strtod also
   * takes "inf", "nan" and hexadecimal floats. */
  {
    const char *r = digits;
    gboolean mantissa = FALSE, point = FALSE, exponent = FALSE;
    char *end = NULL;
    double d;

    while (r < q && g_ascii_isdigit (*r))
      r++, mantissa = TRUE;
    if (r < q && *r == '.')
      {
        point = TRUE;
        r++;
        while (r < q && g_ascii_isdigit (*r))
          r++, mantissa = TRUE;
      }
    if (mantissa && r < q && (*r == 'e' || *r == 'E'))
      {
        const char *e = r + 1;

        if (e < q && (*e == '+' || *e == '-'))
          e++;
        if (is_digits (e, q, FALSE))
          {
            exponent = TRUE;
            r = q;
          }
      }
    if (!mantissa || r != q || (!point && !exponent))
      {
        set_path_error (error, text, start, _("“%s” is not a number"), token);
        return NULL;
      }
    errno = 0;
    d = g_ascii_strtod (token, &end);
    if (errno == ERANGE && isinf (d))
      {
        set_path_error (error, text, start, _("the number is out of range"));
        return NULL;
      }
    *p = q;
    return g_variant_new_double (d);
  }
}

static GVariant *
parse_value (const char *text, const char **p, GError **error)
{
  const char *start = *p;

  if (*start == '"')
    return parse_string_value (text, p, error);
  if (*start == '+' || *start == '-' || *start == '.' || g_ascii_isdigit (*start))
    return parse_number_value (text, p, error);
  if (g_ascii_isalpha (*start))
    {
      const char *q = start;

      while (g_ascii_isalpha (*q))
        q++;
      if (q - start == 4 && g_ascii_strncasecmp (start, "true", 4) == 0)
        {
          *p = q;
          return g_variant_new_boolean (TRUE);
        }
      if (q - start == 5 && g_ascii_strncasecmp (start, "false", 5) == 0)
        {
          *p = q;
          return g_variant_new_boolean (FALSE);
        }
      set_path_error (error, text, start,
                      _("a key value is a quoted string, a number, TRUE or FALSE, not “%.*s”"),
                      (int) (q - start), start);
      return NULL;
    }
  if (*start == '\0')
    set_path_error (error, text, start, _("expected a key value, found the end"));
  else
    set_path_error (error, text, start,
                    _("a key value is a quoted string, a number, TRUE or FALSE, not “%.*s”"),
                    (int) (g_utf8_next_char (start) - start), start);
  return NULL;
}

static gboolean
parse_keys (CrObjectPath *path, const char *text, const char *p, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (;;)
    {
      const char *name_start = p;
      g_autofree char *name = take_name (text, p, &p, _("a key name"), error);
      GVariant *value;

      if (name == NULL)
        return FALSE;
      if (!g_hash_table_add (seen, cr_name_key (name)))
        return set_path_error (error, text, name_start, _("key “%s” is bound more than once"), name);
      if (g_hash_table_size (seen) > CR_MAX_KEY_PROPERTIES)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "An object path binds at most %d key",
                                    "An object path binds at most %d keys",
                                    CR_MAX_KEY_PROPERTIES),
                       CR_MAX_KEY_PROPERTIES);
          return FALSE;
        }
      if (*p != '=')
        {
          if (*p == '\0')
            return set_path_error (error, text, p, _("expected “=” after key “%s”, found the end"), name);
          return set_path_error (error, text, p, _("expected “=” after key “%s”, found “%.*s”"),
                                 name, (int) (g_utf8_next_char (p) - p), p);
        }
      p++;
      value = parse_value (text, &p, error);
      if (value == NULL)
        return FALSE;
      g_ptr_array_add (path->keys, key_binding_new (name, value));
      if (*p == '\0')
        return TRUE;
      if (*p != ',')
        return set_path_error (error, text, p, _("expected “,” or the end after the value of key “%s”, found “%.*s”"),
                               name, (int) (g_utf8_next_char (p) - p), p);
      p++;
    }
}

/**
 * cr_object_path_parse:
 * @text: a WBEM object path
 * @error: return location for a #GError
 *
 * Parses an object path (DSP0004 8.2, DSP0207) of this machine:
 *
 * - an optional namespace followed by `:`, its components separated by `/`
 *   or `\` (stored with `/`);
 * - the class name;
 * - then `.Key1=value1,Key2=value2` for an instance, `=@` for a singleton
 *   instance, or nothing for a class path.
 *
 * Key values are `"strings"` (with the escapes `\"`, `\\`, `\'`, `\b`,
 * `\t`, `\n`, `\f`, `\r` and `\xHHHH`), integers (decimal or `0x`
 * hexadecimal, with an optional sign), reals (with a fraction or an
 * exponent) and `TRUE` or `FALSE` in any case. Nothing else is accepted,
 * not even spaces outside quotes.
 *
 * Returns: (transfer full): the path; or %NULL with
 *   %CR_ERROR_INVALID_OBJECT_PATH naming the column of the fault (a path
 *   starting with `//host/` or `\\host\` gets "remote paths are not
 *   supported"), or %CR_ERROR_INVALID_PARAMETER for a path beyond the
 *   bounds (%CR_MAX_OBJECT_PATH_BYTES, %CR_MAX_KEY_PROPERTIES,
 *   %CR_MAX_NAME_CHARS, %CR_MAX_NAMESPACE_BYTES, %CR_MAX_NAMESPACE_DEPTH)
 */
CrObjectPath *
cr_object_path_parse (const char *text, GError **error)
{
  g_autoptr (CrObjectPath) path = NULL;
  g_autofree char *namespace_ = NULL;
  g_autofree char *class_name = NULL;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  if (strlen (text) > CR_MAX_OBJECT_PATH_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "An object path has at most %d byte",
                                "An object path has at most %d bytes",
                                CR_MAX_OBJECT_PATH_BYTES),
                   CR_MAX_OBJECT_PATH_BYTES);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                           _("An object path must be valid UTF-8"));
      return NULL;
    }
  if (*text == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                           _("An object path must not be empty"));
      return NULL;
    }
  if ((text[0] == '/' && text[1] == '/') || (text[0] == '\\' && text[1] == '\\'))
    {
      set_path_error (error, text, text, _("remote paths are not supported"));
      return NULL;
    }

  /* A namespace ends at the first ':' before anything that can only come
   * after the class name. */
  p = text + strcspn (text, ":.=\"");
  if (*p == ':')
    {
      namespace_ = parse_namespace (text, p, error);
      if (namespace_ == NULL)
        return NULL;
      p++;
    }
  else
    {
      p = text;
    }

  class_name = take_name (text, p, &p, _("a class name"), error);
  if (class_name == NULL)
    return NULL;
  path = cr_object_path_new (class_name);
  path->namespace_ = g_steal_pointer (&namespace_);

  if (*p == '\0')
    {
      path->is_class_path = TRUE;
      return g_steal_pointer (&path);
    }
  if (*p == '=')
    {
      if (p[1] != '@')
        {
          set_path_error (error, text, p + 1, _("only a singleton path has “=” after the class name, as “=@”"));
          return NULL;
        }
      if (p[2] != '\0')
        {
          set_path_error (error, text, p + 2, _("nothing may follow “=@”"));
          return NULL;
        }
      return g_steal_pointer (&path);
    }
  if (*p != '.')
    {
      set_path_error (error, text, p, _("expected “.”, “=@” or the end after the class name, found “%.*s”"),
                      (int) (g_utf8_next_char (p) - p), p);
      return NULL;
    }
  if (!parse_keys (path, text, p + 1, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* Canonical form */

static gint
compare_bindings (gconstpointer a, gconstpointer b)
{
  const CrKeyBinding *ka = *(const CrKeyBinding *const *) a;
  const CrKeyBinding *kb = *(const CrKeyBinding *const *) b;
  g_autofree char *fa = cr_name_key (ka->name);
  g_autofree char *fb = cr_name_key (kb->name);
  int cmp = strcmp (fa, fb);

  /* Equal keys only come from a path built by hand; keep them stable. */
  return cmp != 0 ? cmp : strcmp (ka->name, kb->name);
}

/**
 * cr_object_path_canonicalize:
 * @path: an instance path
 * @resolved_class: the resolved class that @path names
 * @error: return location for a #GError
 *
 * Makes @path canonical for @resolved_class, in place: the class name and
 * the key names are spelled as the class declares them, every key of the
 * class is bound exactly once and nothing else is, each value is converted
 * to its key's type with cr_cim_value_coerce(), and the keys are sorted by
 * name, case-insensitively. A reference key is rewritten in the canonical
 * text form of its own path (key order, number syntax, `/` separators;
 * names keep their spelling, since the class it refers to is not known
 * here).
 *
 * Conversion follows cr_cim_value_coerce(): an integer binds any integer
 * or real key it fits in, but a quoted string never binds a numeric or
 * boolean key (`Id="5"` is refused for a uint32 Id), nor a number a
 * string key. On failure @path may be partly changed.
 *
 * Returns: %TRUE on success; otherwise %FALSE with
 *   %CR_ERROR_INVALID_OBJECT_PATH for a class path, another class, an
 *   unbound or unknown key, a non-key or a binding given twice, a
 *   non-finite real; %CR_ERROR_TYPE_MISMATCH or
 *   %CR_ERROR_INVALID_PARAMETER for a value of the wrong kind or out of
 *   range
 */
gboolean
cr_object_path_canonicalize (CrObjectPath *path, CrClass *resolved_class, GError **error)
{
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GHashTable) seen = NULL;
  g_autofree char *class_shown = NULL;
  const char *class_name;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (CR_IS_CLASS (resolved_class), FALSE);

  class_name = cr_class_get_name (resolved_class);
  class_shown = cr_text_for_display (class_name);
  if (path->is_class_path)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                   _("The path names class “%s”, not one of its instances"), class_shown);
      return FALSE;
    }
  if (!cr_name_equal (path->class_name, class_name))
    {
      g_autofree char *shown = cr_text_for_display (path->class_name);

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                   _("The path names class “%s”, not “%s”"), shown, class_shown);
      return FALSE;
    }
  g_free (path->class_name);
  path->class_name = g_strdup (class_name);

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < path->keys->len; i++)
    {
      CrKeyBinding *binding = g_ptr_array_index (path->keys, i);
      CrProperty *property = cr_class_find_property (resolved_class, binding->name);
      g_autofree char *shown = cr_text_for_display (binding->name);
      g_autofree char *what = NULL;
      g_autoptr (GVariant) value = NULL;

      if (property == NULL || !cr_property_is_key (property))
        {
          if (property == NULL)
            g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                         _("Class “%s” has no property “%s”"), class_shown, shown);
          else
            g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                         _("Property “%s” of class “%s” is not a key"), shown, class_shown);
          return FALSE;
        }
      if (!g_hash_table_add (seen, cr_name_key (property->name)))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                       _("Key “%s” of class “%s” is bound more than once"), shown, class_shown);
          return FALSE;
        }
      what = g_strdup_printf (_("key property “%s” of class “%s”"), property->name, class_shown);
      value = cr_cim_value_coerce (property->type, binding->value, what, error);
      if (value == NULL)
        return FALSE;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE) && !isfinite (g_variant_get_double (value)))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                       _("%s: an object path cannot hold an infinite or NaN value"), what);
          return FALSE;
        }
      if (property->type == CR_CIM_TYPE_REFERENCE)
        {
          g_autoptr (CrObjectPath) target = cr_object_path_parse (g_variant_get_string (value, NULL), error);
          g_autofree char *canonical = NULL;

          if (target == NULL)
            return FALSE;
          canonical = cr_object_path_to_string (target);
          g_clear_pointer (&value, g_variant_unref);
          value = g_variant_ref_sink (g_variant_new_string (canonical));
        }
      g_free (binding->name);
      binding->name = g_strdup (property->name);
      g_variant_unref (binding->value);
      binding->value = g_steal_pointer (&value);
    }

  keys = cr_class_get_key_properties (resolved_class);
  for (guint i = 0; i < keys->len; i++)
    {
      const CrProperty *key = g_ptr_array_index (keys, i);
      g_autofree char *name_key = cr_name_key (key->name);

      if (!g_hash_table_contains (seen, name_key))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                       _("Key property “%s” of class “%s” is not bound"), key->name, class_shown);
          return FALSE;
        }
    }
  g_ptr_array_sort (path->keys, compare_bindings);
  return TRUE;
}

static void
append_key_value (GString *out, GVariant *value)
{
  g_autofree char *printed = NULL;

  switch (g_variant_get_type_string (value)[0])
    {
    case 's':
      cr_string_append_quoted (out, g_variant_get_string (value, NULL), FALSE);
      return;
    case 'b':
      g_string_append (out, g_variant_get_boolean (value) ? "TRUE" : "FALSE");
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
      {
        gsize start = out->len;
        double d = g_variant_get_double (value);

        cr_format_real (out, d, FALSE);
        /* Keep it a real when read back: "1" would be an integer. */
        if (isfinite (d) && strpbrk (out->str + start, ".eE") == NULL)
          g_string_append (out, ".0");
        return;
      }
    default:
      printed = g_variant_print (value, FALSE);
      g_string_append (out, printed);
      return;
    }
}

static void
append_keys (GString *out, const CrObjectPath *path)
{
  /* A view that does not own the bindings (g_ptr_array_copy() would
   * take the free function along). */
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (path->keys->len);

  for (guint i = 0; i < path->keys->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (path->keys, i));
  g_ptr_array_sort (sorted, compare_bindings);
  for (guint i = 0; i < sorted->len; i++)
    {
      const CrKeyBinding *binding = g_ptr_array_index (sorted, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, binding->name);
      g_string_append_c (out, '=');
      append_key_value (out, binding->value);
    }
}

/**
 * cr_object_path_to_string:
 * @path: a #CrObjectPath
 *
 * Writes the canonical text form (see #CrObjectPath):
 * `root/cimv2:CIM_Foo.Name="x",Num=5`, `CIM_Foo=@` for a singleton,
 * `CIM_Foo` for a class path. Keys are sorted by name
 * case-insensitively; names are written as @path spells them, so
 * canonicalize @path first for the class's spelling. cr_object_path_parse()
 * reads the text back to an equal path, except for reals that are not
 * finite.
 *
 * Returns: (transfer full): the text
 */
char *
cr_object_path_to_string (const CrObjectPath *path)
{
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (path != NULL, NULL);

  if (path->namespace_ != NULL)
    {
      g_string_append (out, path->namespace_);
      g_string_append_c (out, ':');
    }
  g_string_append (out, path->class_name);
  if (path->is_class_path)
    ;
  else if (path->keys->len == 0)
    g_string_append (out, "=@");
  else
    {
      g_string_append_c (out, '.');
      append_keys (out, path);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * cr_object_path_to_key_string:
 * @path: a #CrObjectPath, usually canonicalized
 *
 * Writes the part of the canonical form that follows the class name and
 * its `.`: `Name="x",Num=5`, or `@` for a singleton. Storage uses it as
 * the key of an instance within its class. A class path gives "".
 *
 * Returns: (transfer full): the text
 */
char *
cr_object_path_to_key_string (const CrObjectPath *path)
{
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (path != NULL, NULL);

  if (path->is_class_path)
    return g_strdup ("");
  if (path->keys->len == 0)
    return g_strdup ("@");
  append_keys (out, path);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
