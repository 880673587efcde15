/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-types.h"

G_BEGIN_DECLS

/* Helpers shared by the CIM model (cr-types.c, cr-qualifier.c, cr-class.c,
 * cr-object-path.c, cr-instance.c) and the MOF compiler and writer. Not
 * installed. */

/* How many characters of a name or value an error message quotes. */
#define CR_DISPLAY_CHARS 64

gboolean cr_name_char_is_valid (gunichar c, gboolean first);
gboolean cr_name_equal (const char *a, const char *b);
char *cr_text_for_display (const char *text);

/* Checks what can be checked of a value whose CIM type is not known (a
 * qualifier value, an instance property before normalization): a CIM
 * GVariant type, nesting, string and array bounds. */
gboolean cr_variant_check_value_shape (GVariant *value,
                                       const char *what,
                                       GError **error);

gboolean cr_variant_equal0 (GVariant *a, GVariant *b);

/* The `av` convention of the wire forms for a value that may be CIM NULL:
 * no element for NULL, one otherwise. to_variant() returns a floating
 * array; @value may be floating. from_variant() sets *@out_value to the
 * value, or NULL, and refuses more than one element; its message expects
 * the caller to prefix what the value belongs to. */
GVariant *cr_optional_to_variant (GVariant *value);
gboolean cr_optional_from_variant (GVariant *av,
                                   GVariant **out_value,
                                   GError **error);

/* Appends @text in double quotes. With @escape_controls, control characters
 * are escaped too (`\n`, `\t`, `\x001B`, …); otherwise only `\` and `"`. */
void cr_string_append_quoted (GString *out,
                              const char *text,
                              gboolean escape_controls);

/* Appends @c as it stands inside a literal quoted by @quote (`"` for a
 * string, `'` for a char16), escaped as cr_string_append_quoted() escapes:
 * a backslash before @quote and `\`, and with @escape_controls the control
 * characters. */
void cr_string_append_escaped_char (GString *out,
                                    gunichar c,
                                    gunichar quote,
                                    gboolean escape_controls);

/* Decodes one escape sequence; *@p points after the backslash and is moved
 * past the sequence. Returns FALSE for an unknown or invalid sequence. */
gboolean cr_parse_escape (const char **p, GString *out);

void cr_format_real (GString *out, double value, gboolean real32);

/* Appends the value of an integer GVariant (y, n, q, i, u, x or t) in
 * decimal. */
void cr_string_append_integer (GString *out, GVariant *value);

/* An integer of any CIM type, as read from text before its type is known:
 * -magnitude when negative. */
typedef struct {
  gboolean negative;
  gboolean overflow; /* beyond 64 bits: out of range for every type */
  guint64 magnitude;
} CrInt;

/* The bounds of the integer CIM type @element in decimal, for messages
 * (numbers go into them as text: a format macro inside _() would hide the
 * message from xgettext). Empty strings for a type that is not an integer
 * type. */
void cr_int_type_range_to_text (CrCimType element,
                                char **out_min,
                                char **out_max);

/* @n as a value of the integer CIM type @element (sint8 is held in an
 * int16), with a reference of its own; NULL when @element is not an
 * integer type or @n is out of its range. */
GVariant *cr_int_to_variant (CrCimType element, const CrInt *n);

G_END_DECLS
