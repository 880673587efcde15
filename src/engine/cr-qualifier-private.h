/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-qualifier.h"

G_BEGIN_DECLS

/* The flavor bits a qualifier may carry: the DSP0004 flavors and the
 * propagated origin that a resolved class records. */
#define CR_QUALIFIER_FLAVOR_MASK (CR_FLAVOR_ALL | CR_FLAVOR_PROPAGATED)

GPtrArray *cr_qualifiers_new (void);
GPtrArray *cr_qualifiers_copy (GPtrArray *qualifiers);
gboolean cr_qualifier_validate (const CrQualifier *qualifier, GError **error);
gboolean cr_qualifiers_validate (GPtrArray *qualifiers, GError **error);
void cr_qualifiers_set (GPtrArray *qualifiers, CrQualifier *qualifier);

/* Whether two values of a qualifier say the same; a qualifier without a
 * value is a boolean one that is true. Either may be NULL. */
gboolean cr_qualifier_values_equal (GVariant *a, GVariant *b);

G_END_DECLS
