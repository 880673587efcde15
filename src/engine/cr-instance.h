/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "cr-class.h"
#include "cr-object-path.h"

G_BEGIN_DECLS

/**
 * CrInstance:
 *
 * A CIM instance: the name of its class and its property values. A
 * property that has no value is CIM NULL.
 *
 * GVariant form: `(sa{sv})` — class name and the non-NULL values, each
 * of the GVariant type that cr-types.h gives for its CIM type.
 *
 * cr_instance_normalize() checks an instance against its resolved class:
 * every property must exist in the class, every value must have the
 * property's type (compatible integer and real values are converted when
 * they fit), every key property must have a value, and properties that
 * are left out take the class's default.
 */
#define CR_TYPE_INSTANCE (cr_instance_get_type ())
G_DECLARE_FINAL_TYPE (CrInstance, cr_instance, CR, INSTANCE, GObject)

#define CR_INSTANCE_VARIANT_TYPE "(sa{sv})"

CrInstance *cr_instance_new (const char *class_name);
const char *cr_instance_get_class_name (CrInstance *instance);
void cr_instance_set_property (CrInstance *instance,
                               const char *name,
                               GVariant *value);
GVariant *cr_instance_get_property (CrInstance *instance, const char *name);
GPtrArray *cr_instance_get_property_names (CrInstance *instance);
const char *cr_instance_get_path (CrInstance *instance);
void cr_instance_set_path (CrInstance *instance, const char *path);

GVariant *cr_instance_to_variant (CrInstance *instance);
CrInstance *cr_instance_new_from_variant (GVariant *variant, GError **error);

CrInstance *cr_instance_normalize (CrInstance *instance,
                                   CrClass *resolved_class,
                                   GError **error);
CrObjectPath *cr_instance_build_path (CrInstance *instance,
                                      CrClass *resolved_class,
                                      GError **error);

G_END_DECLS
