/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include "cr-mof-resolver.h"

G_DEFINE_INTERFACE (CrMofResolver, cr_mof_resolver, G_TYPE_OBJECT)

static void
cr_mof_resolver_default_init (CrMofResolverInterface *iface)
{
}

/**
 * cr_mof_resolver_get_class:
 * @self: a #CrMofResolver
 * @namespace_: a canonical namespace (`root/…`)
 * @class_name: a class name
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the resolved class; %NULL without
 *   an error when it does not exist, with one when the lookup failed
 */
CrClass *
cr_mof_resolver_get_class (CrMofResolver *self, const char *namespace_, const char *class_name,
                           GCancellable *cancellable, GError **error)
{
  CrMofResolverInterface *iface;

  g_return_val_if_fail (CR_IS_MOF_RESOLVER (self), NULL);
  g_return_val_if_fail (namespace_ != NULL && class_name != NULL, NULL);

  iface = CR_MOF_RESOLVER_GET_IFACE (self);
  if (iface->get_class == NULL)
    return NULL;
  return iface->get_class (self, namespace_, class_name, cancellable, error);
}

/**
 * cr_mof_resolver_get_qualifier_type:
 * @self: a #CrMofResolver
 * @namespace_: a canonical namespace (`root/…`)
 * @name: a qualifier name
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the qualifier type; %NULL without
 *   an error when it does not exist, with one when the lookup failed
 */
CrQualifierType *
cr_mof_resolver_get_qualifier_type (CrMofResolver *self, const char *namespace_, const char *name,
                                    GCancellable *cancellable, GError **error)
{
  CrMofResolverInterface *iface;

  g_return_val_if_fail (CR_IS_MOF_RESOLVER (self), NULL);
  g_return_val_if_fail (namespace_ != NULL && name != NULL, NULL);

  iface = CR_MOF_RESOLVER_GET_IFACE (self);
  if (iface->get_qualifier_type == NULL)
    return NULL;
  return iface->get_qualifier_type (self, namespace_, name, cancellable, error);
}
