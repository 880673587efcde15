/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CrCimType:
 *
 * CIM data types, numbered as WMI's CIMTYPE. An array type is the element
 * type with %CR_CIM_FLAG_ARRAY set.
 *
 * Values are #GVariant, one GVariant type per CIM type:
 *
 * | CIM type  | GVariant | note                                            |
 * |-----------|----------|-------------------------------------------------|
 * | uint8     | y        |                                                 |
 * | sint8     | n        | range -128..127 is checked                      |
 * | uint16    | q        |                                                 |
 * | sint16    | n        |                                                 |
 * | uint32    | u        |                                                 |
 * | sint32    | i        |                                                 |
 * | uint64    | t        |                                                 |
 * | sint64    | x        |                                                 |
 * | real32    | d        | must be representable as a float (or inf/nan)   |
 * | real64    | d        |                                                 |
 * | char16    | s        | exactly one character, U+0001..U+FFFF           |
 * | string    | s        | UTF-8, at most %CR_MAX_STRING_BYTES             |
 * | boolean   | b        |                                                 |
 * | datetime  | s        | DMTF datetime, 25 characters (DSP0004 5.2.4)    |
 * | reference | s        | an object path, see cr-object-path.h            |
 * | array of T| a(T)     | at most %CR_MAX_ARRAY_ELEMENTS elements         |
 *
 * CIM NULL is the absence of a value: a missing key in an a{sv}, or %NULL
 * in the C API.
 */
typedef enum {
  CR_CIM_TYPE_INVALID = 0,
  CR_CIM_TYPE_SINT16 = 2,
  CR_CIM_TYPE_SINT32 = 3,
  CR_CIM_TYPE_REAL32 = 4,
  CR_CIM_TYPE_REAL64 = 5,
  CR_CIM_TYPE_STRING = 8,
  CR_CIM_TYPE_BOOLEAN = 11,
  CR_CIM_TYPE_SINT8 = 16,
  CR_CIM_TYPE_UINT8 = 17,
  CR_CIM_TYPE_UINT16 = 18,
  CR_CIM_TYPE_UINT32 = 19,
  CR_CIM_TYPE_SINT64 = 20,
  CR_CIM_TYPE_UINT64 = 21,
  CR_CIM_TYPE_DATETIME = 101,
  CR_CIM_TYPE_REFERENCE = 102,
  CR_CIM_TYPE_CHAR16 = 103,
} CrCimType;

#define CR_CIM_FLAG_ARRAY 0x2000
#define CR_CIM_TYPE_ELEMENT(t) ((CrCimType) ((t) & ~CR_CIM_FLAG_ARRAY))
#define CR_CIM_TYPE_IS_ARRAY(t) (((t) &CR_CIM_FLAG_ARRAY) != 0)

/* Bounds. Anything beyond them is refused with CR_ERROR_INVALID_PARAMETER.
 * They are documented for users in docs/LIMITS.md. */
#define CR_MAX_NAME_CHARS 256       /* class, property, qualifier, method, parameter, namespace component */
#define CR_MAX_NAMESPACE_BYTES 1024 /* a whole namespace path such as root/cimv2 */
#define CR_MAX_NAMESPACE_DEPTH 32
#define CR_MAX_STRING_BYTES (1024 * 1024) /* one string value */
#define CR_MAX_ARRAY_ELEMENTS 65536
#define CR_MAX_OBJECT_PATH_BYTES (32 * 1024)
#define CR_MAX_KEY_PROPERTIES 32
#define CR_MAX_PROPERTIES 4096 /* per class, inherited ones included */
#define CR_MAX_METHODS 1024
#define CR_MAX_PARAMETERS 256
#define CR_MAX_QUALIFIERS 256                  /* on one element */
#define CR_MAX_OBJECT_BYTES (16 * 1024 * 1024) /* a class or instance, serialized */
#define CR_MAX_VARIANT_DEPTH 8                 /* nesting of a value inside its container */

/**
 * CrProgressFunc:
 * @done: bytes (or steps) done so far
 * @total: bytes (or steps) in all; 0 when not known yet
 * @user_data: the data given with the callback
 *
 * Reports the progress of a long operation. A `_sync` call invokes it in
 * the calling thread; an `_async` call invokes it in the thread-default
 * main context of the caller, coalesced, so it may skip values.
 */
typedef void (*CrProgressFunc) (guint64 done, guint64 total, gpointer user_data);

const char *cr_cim_type_to_string (CrCimType type);
CrCimType cr_cim_type_from_string (const char *name);
gboolean cr_cim_type_is_valid (guint type);
const GVariantType *cr_cim_type_get_variant_type (CrCimType type);

gboolean cr_name_is_valid (const char *name, GError **error);
char *cr_name_key (const char *name);

gboolean cr_cim_value_check (CrCimType type,
                             GVariant *value,
                             const char *what,
                             GError **error);
GVariant *cr_cim_value_coerce (CrCimType type,
                               GVariant *value,
                               const char *what,
                               GError **error);
GVariant *cr_cim_value_parse (CrCimType type,
                              const char *text,
                              GError **error);
char *cr_cim_value_to_string (CrCimType type, GVariant *value);

gboolean cr_datetime_is_valid (const char *text);

G_END_DECLS
