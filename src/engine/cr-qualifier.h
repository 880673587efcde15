/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "cr-types.h"

G_BEGIN_DECLS

/**
 * CrFlavor:
 *
 * Qualifier flavors (DSP0004 5.6.1.5). The default flavor, 0, is
 * EnableOverride, ToSubclass, not Translatable.
 *
 * %CR_FLAVOR_PROPAGATED is not a DSP0004 flavor but an origin, as WMI's
 * WBEM_FLAVOR_ORIGIN_PROPAGATED: cr_class_resolve() sets it on the
 * qualifiers that a resolved class inherits and does not declare itself,
 * so that cr_class_get_local() can recover the local shape, even after a
 * trip through the GVariant form. It is not part of %CR_FLAVOR_ALL and a
 * qualifier type never carries it.
 */
typedef enum {
  CR_FLAVOR_NONE = 0,
  CR_FLAVOR_DISABLE_OVERRIDE = 1 << 0,
  CR_FLAVOR_RESTRICTED = 1 << 1,
  CR_FLAVOR_TRANSLATABLE = 1 << 2,
  CR_FLAVOR_PROPAGATED = 1 << 3,
} CrFlavor;
#define CR_FLAVOR_ALL (CR_FLAVOR_DISABLE_OVERRIDE | CR_FLAVOR_RESTRICTED | CR_FLAVOR_TRANSLATABLE)

/**
 * CrScope:
 *
 * Where a qualifier may be used (DSP0004 5.6.1.4).
 */
typedef enum {
  CR_SCOPE_CLASS = 1 << 0,
  CR_SCOPE_ASSOCIATION = 1 << 1,
  CR_SCOPE_INDICATION = 1 << 2,
  CR_SCOPE_PROPERTY = 1 << 3,
  CR_SCOPE_REFERENCE = 1 << 4,
  CR_SCOPE_METHOD = 1 << 5,
  CR_SCOPE_PARAMETER = 1 << 6,
  CR_SCOPE_QUALIFIER = 1 << 7,
} CrScope;
#define CR_SCOPE_ANY 0xff

/**
 * CrQualifier:
 * @name: the qualifier's name, as written
 * @value: (nullable): its value; %NULL is CIM NULL
 * @flavor: its #CrFlavor flags
 *
 * A qualifier applied to a class, property, method or parameter.
 * GVariant form: `(savu)` — name, value (an array of zero elements for
 * NULL, of one otherwise), flavor. Every optional value in the wire forms
 * uses this `av` convention, because D-Bus has no maybe type.
 */
typedef struct {
  char *name;
  GVariant *value;
  CrFlavor flavor;
} CrQualifier;

#define CR_QUALIFIER_VARIANT_TYPE "(savu)"

GType cr_qualifier_get_type (void) G_GNUC_CONST;
CrQualifier *cr_qualifier_new (const char *name, GVariant *value, CrFlavor flavor);
CrQualifier *cr_qualifier_copy (const CrQualifier *qualifier);
void cr_qualifier_free (CrQualifier *qualifier);
GVariant *cr_qualifier_to_variant (const CrQualifier *qualifier);
CrQualifier *cr_qualifier_new_from_variant (GVariant *variant, GError **error);

/* Qualifier lists (GPtrArray of CrQualifier, case-insensitive names) */
CrQualifier *cr_qualifiers_find (GPtrArray *qualifiers, const char *name);
gboolean cr_qualifiers_get_boolean (GPtrArray *qualifiers, const char *name);
GVariant *cr_qualifiers_to_variant (GPtrArray *qualifiers);
GPtrArray *cr_qualifiers_new_from_variant (GVariant *variant, GError **error);

/**
 * CrQualifierType:
 * @name: the qualifier's name
 * @type: its #CrCimType (arrays allowed)
 * @default_value: (nullable): its default value
 * @scope: where it may be used
 * @flavor: its default flavor
 *
 * A qualifier declaration (`Qualifier Key : boolean = false, Scope(property,
 * reference), Flavor(DisableOverride);`). GVariant form: `(suavuu)` — name,
 * type, default (zero or one element), scope, flavor.
 */
typedef struct {
  char *name;
  CrCimType type;
  GVariant *default_value;
  CrScope scope;
  CrFlavor flavor;
} CrQualifierType;

#define CR_QUALIFIER_TYPE_VARIANT_TYPE "(suavuu)"

GType cr_qualifier_type_get_type (void) G_GNUC_CONST;
CrQualifierType *cr_qualifier_type_new (const char *name,
                                        CrCimType type,
                                        GVariant *default_value,
                                        CrScope scope,
                                        CrFlavor flavor);
CrQualifierType *cr_qualifier_type_copy (const CrQualifierType *qtype);
void cr_qualifier_type_free (CrQualifierType *qtype);
GVariant *cr_qualifier_type_to_variant (const CrQualifierType *qtype);
CrQualifierType *cr_qualifier_type_new_from_variant (GVariant *variant, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrQualifier, cr_qualifier_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrQualifierType, cr_qualifier_type_free)

G_END_DECLS
