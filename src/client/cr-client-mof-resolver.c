/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-client"

#include "cr-client-mof-resolver.h"

/*
 * The compiler asks for each name once (it caches the answers itself),
 * so classes are asked for one by one: a small file compiled against a
 * big repository fetches only the few classes it names. Qualifier types
 * are fetched all at once per namespace, on the first question: a
 * namespace has few of them, and a unit uses most of them. A namespace
 * found missing is remembered, so that a schema compiled for a new
 * namespace costs no round trip per class.
 *
 * Any thread: the compiler may run in a worker thread.
 */

struct _CrClientMofResolver {
  GObject parent_instance;

  CrClient *client;
  GMutex lock;
  GHashTable *qualifier_types;    /* namespace key → (name key → CrQualifierType), NULL if missing */
  GHashTable *missing_namespaces; /* namespace keys */
};

static void resolver_iface_init (CrMofResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrClientMofResolver, cr_client_mof_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CR_TYPE_MOF_RESOLVER, resolver_iface_init))

/* Names of namespaces, classes and qualifiers are case-insensitive. */
static char *
name_key (const char *name)
{
  return g_utf8_casefold (name, -1);
}

static gboolean
is_missing_namespace (const GError *error)
{
  return g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE);
}

static gboolean
is_not_found (const GError *error)
{
  return g_error_matches (error, CR_ERROR, CR_ERROR_NOT_FOUND) ||
         g_error_matches (error, CR_ERROR, CR_ERROR_INVALID_CLASS) || is_missing_namespace (error);
}

static gboolean
namespace_known_missing (CrClientMofResolver *self, const char *ns_key)
{
  gboolean missing;

  g_mutex_lock (&self->lock);
  missing = g_hash_table_contains (self->missing_namespaces, ns_key);
  g_mutex_unlock (&self->lock);
  return missing;
}

static void
remember_missing_namespace (CrClientMofResolver *self, const char *ns_key)
{
  g_mutex_lock (&self->lock);
  g_hash_table_add (self->missing_namespaces, g_strdup (ns_key));
  g_mutex_unlock (&self->lock);
}

static CrClass *
resolver_get_class (CrMofResolver *resolver, const char *namespace_, const char *class_name,
                    GCancellable *cancellable, GError **error)
{
  CrClientMofResolver *self = CR_CLIENT_MOF_RESOLVER (resolver);
  g_autofree char *ns_key = name_key (namespace_);
  g_autoptr (GError) local_error = NULL;
  CrClass *klass;

  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (namespace_known_missing (self, ns_key))
    return NULL;
  klass = cr_client_get_class_sync (self->client, namespace_, class_name, cancellable, &local_error);
  if (klass != NULL)
    return klass;
  if (is_missing_namespace (local_error))
    remember_missing_namespace (self, ns_key);
  if (!is_not_found (local_error))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* Returns: (transfer none) (nullable): the qualifier types of
 * @namespace_ by name key, NULL without an error if it does not exist */
static GHashTable *
get_qualifier_types (CrClientMofResolver *self, const char *namespace_, GCancellable *cancellable, GError **error)
{
  g_autofree char *ns_key = name_key (namespace_);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GError) local_error = NULL;
  GHashTable *found;
  gpointer value;

  g_mutex_lock (&self->lock);
  if (g_hash_table_lookup_extended (self->qualifier_types, ns_key, NULL, &value))
    {
      g_mutex_unlock (&self->lock);
      return value;
    }
  g_mutex_unlock (&self->lock);

  if (!namespace_known_missing (self, ns_key))
    {
      list = cr_client_enumerate_qualifier_types_sync (self->client, namespace_, cancellable, &local_error);
      if (list == NULL && !is_missing_namespace (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (list != NULL)
    {
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cr_qualifier_type_free);
      for (guint i = 0; i < list->len; i++)
        {
          CrQualifierType *qtype = g_ptr_array_index (list, i);

          g_hash_table_replace (table, name_key (qtype->name), cr_qualifier_type_copy (qtype));
        }
    }
  else
    remember_missing_namespace (self, ns_key);

  /* Another thread may have asked meanwhile: the first answer stays. */
  g_mutex_lock (&self->lock);
  if (!g_hash_table_lookup_extended (self->qualifier_types, ns_key, NULL, (gpointer *) &found))
    {
      found = table;
      g_hash_table_insert (self->qualifier_types, g_steal_pointer (&ns_key), g_steal_pointer (&table));
    }
  g_mutex_unlock (&self->lock);
  return found;
}

static CrQualifierType *
resolver_get_qualifier_type (CrMofResolver *resolver, const char *namespace_, const char *name,
                             GCancellable *cancellable, GError **error)
{
  CrClientMofResolver *self = CR_CLIENT_MOF_RESOLVER (resolver);
  g_autofree char *key = name_key (name);
  g_autoptr (GError) local_error = NULL;
  CrQualifierType *qtype = NULL;
  GHashTable *table;

  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  table = get_qualifier_types (self, namespace_, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* The tables are never changed once cached: no lock is needed to read them. */
  if (table != NULL)
    qtype = g_hash_table_lookup (table, key);
  return qtype != NULL ? cr_qualifier_type_copy (qtype) : NULL;
}

static void
resolver_iface_init (CrMofResolverInterface *iface)
{
  iface->get_class = resolver_get_class;
  iface->get_qualifier_type = resolver_get_qualifier_type;
}

static void
cr_client_mof_resolver_dispose (GObject *object)
{
  CrClientMofResolver *self = CR_CLIENT_MOF_RESOLVER (object);

  g_clear_object (&self->client);
  G_OBJECT_CLASS (cr_client_mof_resolver_parent_class)->dispose (object);
}

static void
cr_client_mof_resolver_finalize (GObject *object)
{
  CrClientMofResolver *self = CR_CLIENT_MOF_RESOLVER (object);

  g_hash_table_unref (self->qualifier_types);
  g_hash_table_unref (self->missing_namespaces);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cr_client_mof_resolver_parent_class)->finalize (object);
}

static void
cr_client_mof_resolver_class_init (CrClientMofResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_client_mof_resolver_dispose;
  object_class->finalize = cr_client_mof_resolver_finalize;
}

static void
table_unref (gpointer table)
{
  if (table != NULL)
    g_hash_table_unref (table);
}

static void
cr_client_mof_resolver_init (CrClientMofResolver *self)
{
  g_mutex_init (&self->lock);
  self->qualifier_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, table_unref);
  self->missing_namespaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * cr_client_mof_resolver_new:
 * @client: the client whose repository the compilation is for
 *
 * What the repository holds is read when the compiler asks, and kept for
 * the resolver's life: use a new resolver for each compilation.
 *
 * Returns: (transfer full): a new resolver
 */
CrMofResolver *
cr_client_mof_resolver_new (CrClient *client)
{
  CrClientMofResolver *self;

  g_return_val_if_fail (CR_IS_CLIENT (client), NULL);

  self = g_object_new (CR_TYPE_CLIENT_MOF_RESOLVER, NULL);
  self->client = g_object_ref (client);
  return CR_MOF_RESOLVER (self);
}
