/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "cr-class.h"

G_BEGIN_DECLS

/**
 * CrObjectPath:
 * @namespace_: (nullable): the namespace, when the path names one
 *   (`root/cimv2:CIM_Foo.Name="x"`)
 * @class_name: the class
 * @keys: (element-type CrKeyBinding): the key bindings; empty for a
 *   singleton (`CIM_Foo=@`) and for a class path
 * @is_class_path: %TRUE when the path names a class, not an instance
 *   (`CIM_Foo`, with neither keys nor `=@`); cr_object_path_add_key()
 *   clears it
 *
 * A parsed WBEM object path (DSP0004 8.2): an optional namespace, a class
 * and its key bindings. Key values are GVariant: as parsed, strings are
 * `s`, integers `x` (or `t` above G_MAXINT64), reals `d`, booleans `b`.
 * cr_object_path_canonicalize() converts them to the key properties' own
 * types.
 *
 * The canonical text form sorts the keys by name (case-insensitively),
 * spells names as the class declares them, quotes strings, references,
 * datetimes and char16 values with `"` (escaping `\` and `"`), and writes
 * numbers in decimal and booleans as TRUE or FALSE.
 */
typedef struct {
  char *name;
  GVariant *value;
} CrKeyBinding;

typedef struct {
  char *namespace_;
  char *class_name;
  GPtrArray *keys;
  gboolean is_class_path;
} CrObjectPath;

GType cr_object_path_get_type (void) G_GNUC_CONST;
CrObjectPath *cr_object_path_new (const char *class_name);
CrObjectPath *cr_object_path_parse (const char *text, GError **error);
CrObjectPath *cr_object_path_copy (const CrObjectPath *path);
void cr_object_path_free (CrObjectPath *path);
void cr_object_path_add_key (CrObjectPath *path, const char *name, GVariant *value);
GVariant *cr_object_path_lookup_key (const CrObjectPath *path, const char *name);
gboolean cr_object_path_canonicalize (CrObjectPath *path,
                                      CrClass *resolved_class,
                                      GError **error);
char *cr_object_path_to_string (const CrObjectPath *path);
char *cr_object_path_to_key_string (const CrObjectPath *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrObjectPath, cr_object_path_free)

G_END_DECLS
