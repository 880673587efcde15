/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-class.h"
#include "cr-qualifier.h"

G_BEGIN_DECLS

/**
 * CrMofResolver:
 *
 * What a MOF compilation needs to know of the repository it compiles for:
 * the classes and the qualifier types that a namespace already holds. The
 * compiler asks only for what the compilation unit does not declare
 * itself, once per name, and never writes.
 *
 * Two implementations: #CrMofRepositoryResolver, over a #CrRepository in
 * the same process, and CrClientMofResolver in the client library, over a
 * CrClient (the engine in the process, or the cimrepod D-Bus service). The compiler calls the methods from the
 * thread that compiles (a worker thread for cr_mof_compiler_compile_async()),
 * synchronously: an implementation blocks until it has the answer.
 */
#define CR_TYPE_MOF_RESOLVER (cr_mof_resolver_get_type ())
G_DECLARE_INTERFACE (CrMofResolver, cr_mof_resolver, CR, MOF_RESOLVER, GObject)

/**
 * CrMofResolverInterface:
 * @get_class: returns the resolved class @class_name of @namespace_
 *   (cr_connection_get_class()'s shape), or %NULL without an error when
 *   the class or the namespace does not exist, or %NULL with an error
 *   when the repository could not be asked
 * @get_qualifier_type: likewise for the qualifier type @name
 */
struct _CrMofResolverInterface {
  GTypeInterface g_iface;

  CrClass *(*get_class) (CrMofResolver *self,
                         const char *namespace_,
                         const char *class_name,
                         GCancellable *cancellable,
                         GError **error);
  CrQualifierType *(*get_qualifier_type) (CrMofResolver *self,
                                          const char *namespace_,
                                          const char *name,
                                          GCancellable *cancellable,
                                          GError **error);
};

CrClass *cr_mof_resolver_get_class (CrMofResolver *self,
                                    const char *namespace_,
                                    const char *class_name,
                                    GCancellable *cancellable,
                                    GError **error);
CrQualifierType *cr_mof_resolver_get_qualifier_type (CrMofResolver *self,
                                                     const char *namespace_,
                                                     const char *name,
                                                     GCancellable *cancellable,
                                                     GError **error);

G_END_DECLS
