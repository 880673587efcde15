/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-class.h"
#include "cr-connection.h"
#include "cr-instance.h"
#include "cr-qualifier.h"

G_BEGIN_DECLS

/**
 * CrMofExportFlags:
 * @CR_MOF_EXPORT_QUALIFIER_TYPES: write the namespace's qualifier types
 * @CR_MOF_EXPORT_CLASSES: write the classes
 * @CR_MOF_EXPORT_INSTANCES: write the instances of the classes written
 * @CR_MOF_EXPORT_ALL: all of them
 *
 * What cr_mof_writer_add_connection() takes from a namespace.
 */
typedef enum {
  CR_MOF_EXPORT_QUALIFIER_TYPES = 1 << 0,
  CR_MOF_EXPORT_CLASSES = 1 << 1,
  CR_MOF_EXPORT_INSTANCES = 1 << 2,
  CR_MOF_EXPORT_ALL = 0x7,
} CrMofExportFlags;

/**
 * CrMofWriter:
 *
 * Writes qualifier types, classes and instances as MOF that #CrMofCompiler
 * reads back to the same objects: qualifier types first, then classes
 * with their superclasses before them, each in its local shape (what it
 * declares itself), then instances. Strings and char16 values are
 * escaped, reals written so that they read back to the same value (NaN
 * and infinities as `NaN`, `Infinity` and `-Infinity`, an extension of
 * the grammar), datetimes and references quoted.
 *
 * A qualifier's flavors are written where they differ from its qualifier
 * type's: the writer knows the qualifier types that are added, and those
 * declared with cr_mof_writer_declare_qualifier_type() (already in the
 * target, so not written).
 */
#define CR_TYPE_MOF_WRITER (cr_mof_writer_get_type ())
G_DECLARE_FINAL_TYPE (CrMofWriter, cr_mof_writer, CR, MOF_WRITER, GObject)

CrMofWriter *cr_mof_writer_new (void);
void cr_mof_writer_set_namespace (CrMofWriter *self, const char *namespace_);
const char *cr_mof_writer_get_namespace (CrMofWriter *self);
void cr_mof_writer_add_qualifier_type (CrMofWriter *self, const CrQualifierType *qtype);
void cr_mof_writer_declare_qualifier_type (CrMofWriter *self, const CrQualifierType *qtype);
void cr_mof_writer_add_class (CrMofWriter *self, CrClass *klass);
void cr_mof_writer_add_instance (CrMofWriter *self, CrInstance *instance);
gboolean cr_mof_writer_add_connection (CrMofWriter *self,
                                       CrConnection *connection,
                                       const char *const *class_names,
                                       CrMofExportFlags flags,
                                       GCancellable *cancellable,
                                       GError **error);

char *cr_mof_writer_to_string (CrMofWriter *self);
gboolean cr_mof_writer_write (CrMofWriter *self,
                              GOutputStream *stream,
                              GCancellable *cancellable,
                              GError **error);

G_END_DECLS
