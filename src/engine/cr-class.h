/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "cr-qualifier.h"
#include "cr-types.h"

G_BEGIN_DECLS

/**
 * CrElementFlags:
 * @CR_ELEMENT_PROPAGATED: the property or method is inherited from a
 *   superclass, unchanged (WMI's WBEM_FLAVOR_ORIGIN_PROPAGATED).
 */
typedef enum {
  CR_ELEMENT_NONE = 0,
  CR_ELEMENT_PROPAGATED = 1 << 0,
} CrElementFlags;

/**
 * CrProperty:
 * @name: the property's name, as written
 * @type: its #CrCimType; arrays have %CR_CIM_FLAG_ARRAY
 * @reference_class: (nullable): for references, the class referred to
 * @array_size: for fixed-size arrays, their size; 0 for variable arrays
 *   and scalars
 * @flags: #CrElementFlags
 * @qualifiers: (element-type CrQualifier): its qualifiers
 * @default_value: (nullable): its default value; %NULL is CIM NULL
 *
 * GVariant form: `(susuua(savu)av)`.
 */
typedef struct {
  char *name;
  CrCimType type;
  char *reference_class;
  guint array_size;
  CrElementFlags flags;
  GPtrArray *qualifiers;
  GVariant *default_value;
} CrProperty;

#define CR_PROPERTY_VARIANT_TYPE "(susuua(savu)av)"

GType cr_property_get_type (void) G_GNUC_CONST;
CrProperty *cr_property_new (const char *name, CrCimType type);
CrProperty *cr_property_copy (const CrProperty *property);
void cr_property_free (CrProperty *property);
gboolean cr_property_is_key (const CrProperty *property);
GVariant *cr_property_to_variant (const CrProperty *property);
CrProperty *cr_property_new_from_variant (GVariant *variant, GError **error);

/**
 * CrParameter:
 * @name: the parameter's name
 * @type: its #CrCimType
 * @reference_class: (nullable): for references, the class referred to
 * @array_size: fixed array size, or 0
 * @qualifiers: (element-type CrQualifier): its qualifiers (In, Out, …)
 *
 * GVariant form: `(susua(savu))`.
 */
typedef struct {
  char *name;
  CrCimType type;
  char *reference_class;
  guint array_size;
  GPtrArray *qualifiers;
} CrParameter;

#define CR_PARAMETER_VARIANT_TYPE "(susua(savu))"

GType cr_parameter_get_type (void) G_GNUC_CONST;
CrParameter *cr_parameter_new (const char *name, CrCimType type);
CrParameter *cr_parameter_copy (const CrParameter *parameter);
void cr_parameter_free (CrParameter *parameter);

/**
 * CrMethod:
 * @name: the method's name
 * @return_type: its #CrCimType, or %CR_CIM_TYPE_INVALID for void
 * @parameters: (element-type CrParameter): its parameters, in order
 * @qualifiers: (element-type CrQualifier): its qualifiers
 * @flags: #CrElementFlags
 *
 * GVariant form: `(sua(susua(savu))a(savu)u)`.
 */
typedef struct {
  char *name;
  CrCimType return_type;
  GPtrArray *parameters;
  GPtrArray *qualifiers;
  CrElementFlags flags;
} CrMethod;

#define CR_METHOD_VARIANT_TYPE "(sua(susua(savu))a(savu)u)"

GType cr_method_get_type (void) G_GNUC_CONST;
CrMethod *cr_method_new (const char *name, CrCimType return_type);
CrMethod *cr_method_copy (const CrMethod *method);
void cr_method_free (CrMethod *method);

/**
 * CrClass:
 *
 * A CIM class: name, superclass, qualifiers, properties and methods.
 *
 * A class comes in two shapes. The *local* shape holds only what the
 * class itself declares (what cr_connection_put_class() takes and what the
 * store keeps). The *resolved* shape, made by cr_class_resolve(), also
 * holds everything inherited from its superclasses, marked
 * %CR_ELEMENT_PROPAGATED (what cr_connection_get_class() returns).
 *
 * GVariant form: `(ssa(savu)a(susuua(savu)av)a(sua(susua(savu))a(savu)u))`
 * — name, superclass ("" for none), qualifiers, properties, methods.
 *
 * A CrClass is not thread-safe while it is being built; once handed to the
 * repository it is not modified again, and may be shared between threads.
 */
#define CR_TYPE_CLASS (cr_class_get_type ())
G_DECLARE_FINAL_TYPE (CrClass, cr_class, CR, CLASS, GObject)

#define CR_CLASS_VARIANT_TYPE "(ssa(savu)a(susuua(savu)av)a(sua(susua(savu))a(savu)u))"

CrClass *cr_class_new (const char *name, const char *superclass);
const char *cr_class_get_name (CrClass *klass);
const char *cr_class_get_superclass (CrClass *klass);
GPtrArray *cr_class_get_qualifiers (CrClass *klass);
GPtrArray *cr_class_get_properties (CrClass *klass);
GPtrArray *cr_class_get_methods (CrClass *klass);

void cr_class_add_qualifier (CrClass *klass, CrQualifier *qualifier);
void cr_class_add_property (CrClass *klass, CrProperty *property);
void cr_class_add_method (CrClass *klass, CrMethod *method);

CrProperty *cr_class_find_property (CrClass *klass, const char *name);
CrMethod *cr_class_find_method (CrClass *klass, const char *name);
GPtrArray *cr_class_get_key_properties (CrClass *klass);
gboolean cr_class_is_association (CrClass *klass);
gboolean cr_class_is_indication (CrClass *klass);
gboolean cr_class_is_abstract (CrClass *klass);

gboolean cr_class_validate (CrClass *klass, GError **error);
GVariant *cr_class_to_variant (CrClass *klass);
gboolean cr_class_equal (CrClass *a, CrClass *b);
CrClass *cr_class_new_from_variant (GVariant *variant, GError **error);

CrClass *cr_class_resolve (CrClass *local,
                           CrClass *resolved_superclass,
                           GError **error);
CrClass *cr_class_get_local (CrClass *klass);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrProperty, cr_property_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrParameter, cr_parameter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrMethod, cr_method_free)

G_END_DECLS
