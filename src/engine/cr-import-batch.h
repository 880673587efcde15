/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "cr-class.h"
#include "cr-instance.h"
#include "cr-qualifier.h"

G_BEGIN_DECLS

/**
 * CrImportKind:
 *
 * What an item of a #CrImportBatch holds.
 */
typedef enum {
  CR_IMPORT_KIND_QUALIFIER_TYPE = 0,
  CR_IMPORT_KIND_CLASS = 1,
  CR_IMPORT_KIND_INSTANCE = 2,
} CrImportKind;

/**
 * CrImportBatch:
 *
 * Qualifier types, classes and instances, each in a namespace, to be put
 * into a repository together, in one transaction: all of them or none
 * (cr_repository_import_sync()). What a MOF compilation produces.
 *
 * GVariant form: `a(suv)`, each item namespace, #CrImportKind and the
 * object's own GVariant form. Order matters only among instances (a later
 * one updates an earlier one with the same path); classes may come before
 * their superclasses.
 */
typedef struct _CrImportBatch CrImportBatch;

#define CR_IMPORT_BATCH_VARIANT_TYPE "a(suv)"

GType cr_import_batch_get_type (void) G_GNUC_CONST;
CrImportBatch *cr_import_batch_new (void);
CrImportBatch *cr_import_batch_ref (CrImportBatch *batch);
void cr_import_batch_unref (CrImportBatch *batch);
guint cr_import_batch_get_length (CrImportBatch *batch);
void cr_import_batch_add_qualifier_type (CrImportBatch *batch, const char *namespace_, const CrQualifierType *qtype);
void cr_import_batch_add_class (CrImportBatch *batch, const char *namespace_, CrClass *klass);
void cr_import_batch_add_instance (CrImportBatch *batch, const char *namespace_, CrInstance *instance);
gboolean cr_import_batch_get_item (CrImportBatch *batch,
                                   guint index,
                                   const char **out_namespace,
                                   CrImportKind *out_kind,
                                   GVariant **out_object);
GVariant *cr_import_batch_to_variant (CrImportBatch *batch);
CrImportBatch *cr_import_batch_new_from_variant (GVariant *variant, GError **error);

/**
 * CrImportSummary:
 *
 * What an import did: for qualifier types, classes and instances, how
 * many were created, updated and left unchanged (indexed by
 * #CrPutResult), and how many namespaces it created.
 */
typedef struct {
  guint qualifier_types[3];
  guint classes[3];
  guint instances[3];
  guint namespaces_created;
} CrImportSummary;

GVariant *cr_import_summary_to_variant (const CrImportSummary *summary);
gboolean cr_import_summary_from_variant (GVariant *variant, CrImportSummary *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrImportBatch, cr_import_batch_unref)

G_END_DECLS
