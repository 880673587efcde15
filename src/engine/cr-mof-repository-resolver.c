/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include "cr-error.h"
#include "cr-mof-repository-resolver.h"

struct _CrMofRepositoryResolver {
  GObject parent_instance;

  CrRepository *repository;
  CrClientInfo *client;
  GMutex lock;
  GHashTable *connections; /* namespace → CrConnection, or NULL when it does not exist */
};

static void resolver_iface_init (CrMofResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrMofRepositoryResolver, cr_mof_repository_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CR_TYPE_MOF_RESOLVER, resolver_iface_init))

enum {
  PROP_0,
  PROP_REPOSITORY,
  N_PROPS
};

static GParamSpec *obj_props[N_PROPS];

static void
close_connection (gpointer data)
{
  CrConnection *conn = data;

  if (conn != NULL)
    {
      cr_connection_close (conn);
      g_object_unref (conn);
    }
}

/* A connection to @namespace_, or NULL without an error when the
 * namespace does not exist. Namespace names are case-insensitive. */
static CrConnection *
get_connection (CrMofRepositoryResolver *self, const char *namespace_, GCancellable *cancellable, GError **error)
{
  g_autofree char *key = NULL;
  g_autoptr (GError) local_error = NULL;
  CrConnection *conn = NULL;
  gpointer found;

  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  key = g_utf8_casefold (namespace_, -1);
  g_mutex_lock (&self->lock);
  if (g_hash_table_lookup_extended (self->connections, key, NULL, &found))
    {
      conn = found != NULL ? g_object_ref (found) : NULL;
      g_mutex_unlock (&self->lock);
      return conn;
    }
  if (cr_repository_namespace_exists (self->repository, namespace_))
    {
      conn = cr_repository_connect (self->repository, namespace_, self->client, &local_error);
      if (conn == NULL && !g_error_matches (local_error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE))
        {
          g_mutex_unlock (&self->lock);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  g_hash_table_insert (self->connections, g_steal_pointer (&key), conn != NULL ? g_object_ref (conn) : NULL);
  g_mutex_unlock (&self->lock);
  return conn;
}

static gboolean
is_not_found (const GError *error)
{
  return g_error_matches (error, CR_ERROR, CR_ERROR_NOT_FOUND) ||
         g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_CLASS) ||
         g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
}

static CrClass *
resolver_get_class (CrMofResolver *resolver, const char *namespace_, const char *class_name,
                    GCancellable *cancellable, GError **error)
{
  CrMofRepositoryResolver *self = CR_MOF_REPOSITORY_RESOLVER (resolver);
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) local_error = NULL;
  CrClass *klass;

  conn = get_connection (self, namespace_, cancellable, error);
  if (conn == NULL)
    return NULL;
  klass = cr_connection_get_class (conn, class_name, &local_error);
  if (klass == NULL && !is_not_found (local_error))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return klass;
}

static CrQualifierType *
resolver_get_qualifier_type (CrMofResolver *resolver, const char *namespace_, const char *name,
                             GCancellable *cancellable, GError **error)
{
  CrMofRepositoryResolver *self = CR_MOF_REPOSITORY_RESOLVER (resolver);
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (GError) local_error = NULL;
  CrQualifierType *qtype;

  conn = get_connection (self, namespace_, cancellable, error);
  if (conn == NULL)
    return NULL;
  qtype = cr_connection_get_qualifier_type (conn, name, &local_error);
  if (qtype == NULL && !is_not_found (local_error))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return qtype;
}

static void
resolver_iface_init (CrMofResolverInterface *iface)
{
  iface->get_class = resolver_get_class;
  iface->get_qualifier_type = resolver_get_qualifier_type;
}

static void
cr_mof_repository_resolver_dispose (GObject *object)
{
  CrMofRepositoryResolver *self = CR_MOF_REPOSITORY_RESOLVER (object);

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->connections);
  g_mutex_unlock (&self->lock);
  g_clear_object (&self->repository);
  G_OBJECT_CLASS (cr_mof_repository_resolver_parent_class)->dispose (object);
}

static void
cr_mof_repository_resolver_finalize (GObject *object)
{
  CrMofRepositoryResolver *self = CR_MOF_REPOSITORY_RESOLVER (object);

  g_hash_table_unref (self->connections);
  cr_client_info_free (self->client);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cr_mof_repository_resolver_parent_class)->finalize (object);
}

static void
cr_mof_repository_resolver_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrMofRepositoryResolver *self = CR_MOF_REPOSITORY_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_REPOSITORY:
      g_value_set_object (value, self->repository);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_mof_repository_resolver_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CrMofRepositoryResolver *self = CR_MOF_REPOSITORY_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_REPOSITORY:
      self->repository = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_mof_repository_resolver_class_init (CrMofRepositoryResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_mof_repository_resolver_dispose;
  object_class->finalize = cr_mof_repository_resolver_finalize;
  object_class->get_property = cr_mof_repository_resolver_get_property;
  object_class->set_property = cr_mof_repository_resolver_set_property;

  /**
   * CrMofRepositoryResolver:repository:
   *
   * The repository that the resolver reads.
   */
  obj_props[PROP_REPOSITORY] =
    g_param_spec_object ("repository", NULL, NULL, CR_TYPE_REPOSITORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, obj_props);
}

static void
cr_mof_repository_resolver_init (CrMofRepositoryResolver *self)
{
  g_mutex_init (&self->lock);
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_connection);
}

/**
 * cr_mof_repository_resolver_new:
 * @repository: an open repository
 * @client: (nullable): who the resolver's connections say they are; by
 *   default this process, named "cimrepo-mof"
 *
 * Returns: (transfer full): a new resolver
 */
CrMofResolver *
cr_mof_repository_resolver_new (CrRepository *repository, const CrClientInfo *client)
{
  CrMofRepositoryResolver *self;

  g_return_val_if_fail (CR_IS_REPOSITORY (repository), NULL);

  self = g_object_new (CR_TYPE_MOF_REPOSITORY_RESOLVER, "repository", repository, NULL);
  self->client = client != NULL ? cr_client_info_copy (client) : cr_client_info_new_self ("cimrepo-mof");
  return CR_MOF_RESOLVER (self);
}
