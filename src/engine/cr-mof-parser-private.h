/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-mof-private.h"
#include "cr-qualifier.h"
#include "cr-types.h"

G_BEGIN_DECLS

/* The MOF parser: a recursive descent over DSP0221 (the CIM 2.x grammar
 * and the parts of 3.0 that CIM 2.x MOF can use), with includes and
 * pragmas resolved as it goes. It builds the AST below in the unit's
 * arena and leaves every check that needs more than syntax to the
 * compiler (cr-mof-compiler.c). */

typedef enum {
  CR_MOF_VALUE_NULL,
  CR_MOF_VALUE_INTEGER,
  CR_MOF_VALUE_REAL,
  CR_MOF_VALUE_STRING,
  CR_MOF_VALUE_CHAR,
  CR_MOF_VALUE_BOOLEAN,
  CR_MOF_VALUE_ARRAY,
  CR_MOF_VALUE_ALIAS,
} CrMofValueKind;

typedef struct _CrMofValue CrMofValue;
struct _CrMofValue {
  CrMofValueKind kind;
  CrMofPos pos;
  gboolean negative; /* INTEGER */
  gboolean overflow;
  guint64 magnitude;
  double real;      /* REAL */
  gboolean boolean; /* BOOLEAN */
  const char *text; /* STRING, CHAR, ALIAS (without "$") */
  gsize length;
  CrMofValue **elements; /* ARRAY */
  guint n_elements;
};

typedef struct {
  const char *name;
  CrMofPos pos;
  CrMofValue *value;        /* NULL when none is written */
  CrFlavor set_flavors;     /* DisableOverride, Restricted, Translatable */
  CrFlavor cleared_flavors; /* EnableOverride, ToSubclass */
  CrMofPos enable_override_pos;
} CrMofQualifier;

typedef struct {
  CrMofQualifier **items;
  guint n;
} CrMofQualifierList;

typedef struct {
  CrCimType type; /* with CR_CIM_FLAG_ARRAY; INVALID is void */
  const char *reference_class;
  CrMofPos pos; /* the type's first token */
  CrMofPos reference_class_pos;
  guint array_size; /* a fixed array's size, or 0 */
  CrMofPos array_pos;
} CrMofType;

typedef struct {
  CrMofQualifierList qualifiers;
  CrMofType type;
  const char *name;
  CrMofPos pos;
} CrMofParameter;

typedef struct {
  CrMofQualifierList qualifiers;
  gboolean is_method;
  CrMofType type; /* a method's return type */
  const char *name;
  CrMofPos pos;
  CrMofValue *default_value;
  CrMofParameter **parameters;
  guint n_parameters;
} CrMofFeature;

typedef struct {
  CrMofQualifierList qualifiers;
  const char *name;
  CrMofPos pos;
  CrMofValue *value;
} CrMofPropertyValue;

typedef enum {
  CR_MOF_DECL_QUALIFIER_TYPE,
  CR_MOF_DECL_CLASS,
  CR_MOF_DECL_INSTANCE,
} CrMofDeclKind;

typedef enum {
  CR_MOF_CLASS_KEYWORD_CLASS,
  CR_MOF_CLASS_KEYWORD_ASSOCIATION,
  CR_MOF_CLASS_KEYWORD_INDICATION,
} CrMofClassKeyword;

typedef struct {
  CrMofDeclKind kind;
  CrMofPos pos;           /* the first keyword */
  const char *namespace_; /* canonical: root/… */
  CrMofQualifierList qualifiers;
  const char *name; /* the qualifier type, the class, or an instance's class */
  CrMofPos name_pos;
  const char *alias;
  CrMofPos alias_pos;
  /* qualifier types */
  CrMofType type;
  CrMofValue *default_value;
  CrScope scope;
  CrFlavor flavor;
  /* classes */
  CrMofClassKeyword keyword;
  const char *superclass;
  CrMofPos superclass_pos;
  CrMofFeature **features;
  guint n_features;
  /* instances */
  CrMofPropertyValue **values;
  guint n_values;
} CrMofDecl;

typedef struct {
  CrMofArena *arena;
  CrMofSink sink;
  GPtrArray *decls; /* CrMofDecl, in the arena, in source order */
  guint64 bytes_read;
} CrMofUnit;

CrMofUnit *cr_mof_unit_new (void);
void cr_mof_unit_free (CrMofUnit *unit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrMofUnit, cr_mof_unit_free)

/* One input of a unit: a file, or a buffer with a name. */
typedef struct {
  char *name;     /* how diagnostics name it */
  char *path;     /* a file; NULL for a buffer */
  GBytes *data;   /* a buffer */
  char *base_dir; /* where a buffer's includes are; NULL refuses them */
} CrMofInput;

CrMofInput *cr_mof_input_new_file (const char *path);
CrMofInput *cr_mof_input_new_data (const char *name, GBytes *data, const char *base_dir);
CrMofInput *cr_mof_input_copy (const CrMofInput *input);
void cr_mof_input_free (CrMofInput *input);

gboolean cr_mof_parse (CrMofUnit *unit,
                       const char *namespace_,
                       GPtrArray *inputs,
                       const char *const *include_dirs,
                       GCancellable *cancellable,
                       GError **error);

char *cr_mof_namespace_resolve (const char *current, const char *text, GError **error);

G_END_DECLS
