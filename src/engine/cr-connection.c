/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-platform.h"
#include "cr-repository-private.h"

/* CrClientInfo */

G_DEFINE_BOXED_TYPE (CrClientInfo, cr_client_info, cr_client_info_copy, cr_client_info_free)

/**
 * cr_client_info_new:
 * @name: (nullable): the client's name
 * @pid: its process id, or -1
 * @uid: its user id, or -1
 * @process_name: (nullable): its program name
 */
CrClientInfo *
cr_client_info_new (const char *name, gint64 pid, gint64 uid, const char *process_name)
{
  CrClientInfo *info = g_new0 (CrClientInfo, 1);

  info->name = g_strdup (name);
  info->pid = pid;
  info->uid = uid;
  info->process_name = g_strdup (process_name);
  return info;
}

/**
 * cr_client_info_new_self:
 * @name: (nullable): a name for this client; the program name if %NULL
 *
 * Describes the calling process.
 */
CrClientInfo *
cr_client_info_new_self (const char *name)
{
  g_autofree char *process = cr_get_process_name (cr_get_pid ());

  if (process == NULL)
    process = g_strdup (g_get_prgname ());
  return cr_client_info_new (name != NULL ? name : process, cr_get_pid (), cr_get_uid (), process);
}

CrClientInfo *
cr_client_info_copy (const CrClientInfo *info)
{
  return cr_client_info_new (info->name, info->pid, info->uid, info->process_name);
}

void
cr_client_info_free (CrClientInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->process_name);
  g_free (info);
}

/* CrConnection */

struct _CrConnection {
  GObject parent_instance;

  CrRepository *repository;
  guint64 id;
  char *namespace_;
  CrClientInfo *client;
  gint64 connected_at;

  GMutex lock;
  char *close_reason; /* non-NULL once closed */
};

G_DEFINE_TYPE (CrConnection, cr_connection, G_TYPE_OBJECT)

enum {
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cr_connection_dispose (GObject *object)
{
  CrConnection *self = CR_CONNECTION (object);

  /* A client that drops its connection has left: remove it from the
   * table without ceremony. */
  if (self->repository != NULL)
    {
      cr_repository_forget_connection (self->repository, self->id);
      g_clear_object (&self->repository);
    }
  G_OBJECT_CLASS (cr_connection_parent_class)->dispose (object);
}

static void
cr_connection_finalize (GObject *object)
{
  CrConnection *self = CR_CONNECTION (object);

  g_mutex_clear (&self->lock);
  g_free (self->namespace_);
  g_free (self->close_reason);
  cr_client_info_free (self->client);
  G_OBJECT_CLASS (cr_connection_parent_class)->finalize (object);
}

static void
cr_connection_class_init (CrConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_connection_dispose;
  object_class->finalize = cr_connection_finalize;

  /**
   * CrConnection::closed:
   * @reason: "client" (closed by its owner), "restore" (a restore shut
   *   every client down), "shutdown" (the repository closed), or a reason
   *   given by the service
   *
   * Emitted once, in the repository's main context, when the connection
   * closes.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cr_connection_init (CrConnection *self)
{
  g_mutex_init (&self->lock);
}

CrConnection *
cr_connection_new (CrRepository *repository, guint64 id, const char *namespace_, const CrClientInfo *client)
{
  CrConnection *self = g_object_new (CR_TYPE_CONNECTION, NULL);

  self->repository = g_object_ref (repository);
  self->id = id;
  self->namespace_ = g_strdup (namespace_);
  self->client = cr_client_info_copy (client);
  self->connected_at = g_get_real_time ();
  return self;
}

typedef struct {
  CrConnection *connection;
  char *reason;
} ClosedEmission;

static gboolean
emit_closed (gpointer data)
{
  ClosedEmission *e = data;

  g_signal_emit (e->connection, signals[SIGNAL_CLOSED], 0, e->reason);
  return G_SOURCE_REMOVE;
}

static void
closed_emission_free (gpointer data)
{
  ClosedEmission *e = data;

  g_object_unref (e->connection);
  g_free (e->reason);
  g_free (e);
}

/* Marks the connection closed; its later operations fail. Any thread. */
void
cr_connection_mark_closed (CrConnection *self, const char *reason)
{
  ClosedEmission *e;
  GMainContext *context;

  g_mutex_lock (&self->lock);
  if (self->close_reason != NULL)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->close_reason = g_strdup (reason);
  g_mutex_unlock (&self->lock);

  context = self->repository != NULL ? cr_repository_get_context (self->repository) : NULL;
  e = g_new0 (ClosedEmission, 1);
  e->connection = g_object_ref (self);
  e->reason = g_strdup (reason);
  cr_invoke_in_context (context, emit_closed, e, closed_emission_free);
}

guint64
cr_connection_get_id (CrConnection *self)
{
  g_return_val_if_fail (CR_IS_CONNECTION (self), 0);
  return self->id;
}

const char *
cr_connection_get_namespace (CrConnection *self)
{
  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  return self->namespace_;
}

/**
 * cr_connection_get_client:
 *
 * Returns: (transfer none): who opened the connection
 */
const CrClientInfo *
cr_connection_get_client (CrConnection *self)
{
  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  return self->client;
}

/**
 * cr_connection_get_connected_at:
 *
 * Returns: when the connection was opened (unix time in µs)
 */
gint64
cr_connection_get_connected_at (CrConnection *self)
{
  g_return_val_if_fail (CR_IS_CONNECTION (self), 0);
  return self->connected_at;
}

gboolean
cr_connection_is_closed (CrConnection *self)
{
  gboolean closed;

  g_return_val_if_fail (CR_IS_CONNECTION (self), TRUE);
  g_mutex_lock (&self->lock);
  closed = self->close_reason != NULL;
  g_mutex_unlock (&self->lock);
  return closed;
}

/**
 * cr_connection_dup_close_reason:
 *
 * Returns: (nullable) (transfer full): why the connection closed, or
 *   %NULL while it is open
 */
char *
cr_connection_dup_close_reason (CrConnection *self)
{
  char *reason;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  g_mutex_lock (&self->lock);
  reason = g_strdup (self->close_reason);
  g_mutex_unlock (&self->lock);
  return reason;
}

/**
 * cr_connection_close:
 *
 * Closes the connection and removes it from the connection table.
 * #CrConnection::closed follows with reason "client".
 */
void
cr_connection_close (CrConnection *self)
{
  g_return_if_fail (CR_IS_CONNECTION (self));

  if (cr_connection_is_closed (self))
    return;
  cr_connection_mark_closed (self, "client");
  if (self->repository != NULL)
    cr_repository_forget_connection (self->repository, self->id);
}

/* Every operation: refused on a closed connection, then run inside the
 * repository's gate. */
static CrStore *
begin (CrConnection *self, gboolean write, GError **error)
{
  g_autofree char *reason = cr_connection_dup_close_reason (self);

  if (reason != NULL)
    {
      if (g_strcmp0 (reason, "restore") == 0)
        g_set_error (error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                     _("The connection to namespace %s was closed because the repository was restored from a backup. Open a new connection"),
                     self->namespace_);
      else if (g_strcmp0 (reason, "shutdown") == 0)
        g_set_error (error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                     _("The connection to namespace %s was closed because the repository was closed"),
                     self->namespace_);
      else
        g_set_error (error, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                     _("The connection to namespace %s is closed (%s)"), self->namespace_, reason);
      return NULL;
    }
  return cr_repository_enter (self->repository, write, error);
}

static void
end (CrConnection *self, gboolean write)
{
  cr_repository_leave (self->repository, write);
}

CrPutResult
cr_connection_put_qualifier_type (CrConnection *self, CrQualifierType *qtype, CrPutFlags flags, GError **error)
{
  CrStore *store;
  CrPutResult result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), CR_PUT_RESULT_ERROR);
  g_return_val_if_fail (qtype != NULL, CR_PUT_RESULT_ERROR);
  store = begin (self, TRUE, error);
  if (store == NULL)
    return CR_PUT_RESULT_ERROR;
  result = cr_store_put_qualifier_type (store, self->namespace_, qtype, flags, error);
  end (self, TRUE);
  return result;
}

/**
 * cr_connection_get_qualifier_type:
 *
 * Returns: (transfer full): the qualifier type, or %NULL with
 *   %CR_ERROR_NOT_FOUND
 */
CrQualifierType *
cr_connection_get_qualifier_type (CrConnection *self, const char *name, GError **error)
{
  CrStore *store;
  CrQualifierType *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  store = begin (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_get_qualifier_type (store, self->namespace_, name, error);
  end (self, FALSE);
  return result;
}

gboolean
cr_connection_delete_qualifier_type (CrConnection *self, const char *name, GError **error)
{
  CrStore *store;
  gboolean result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), FALSE);
  store = begin (self, TRUE, error);
  if (store == NULL)
    return FALSE;
  result = cr_store_delete_qualifier_type (store, self->namespace_, name, error);
  end (self, TRUE);
  return result;
}

/**
 * cr_connection_enumerate_qualifier_types:
 *
 * Returns: (transfer container) (element-type CrQualifierType): the
 *   namespace's qualifier types, by name
 */
GPtrArray *
cr_connection_enumerate_qualifier_types (CrConnection *self, GError **error)
{
  CrStore *store;
  GPtrArray *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  store = begin (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_enumerate_qualifier_types (store, self->namespace_, error);
  end (self, FALSE);
  return result;
}

/**
 * cr_connection_put_class:
 * @klass: the class; only what it declares itself is stored (propagated
 *   elements are ignored)
 *
 * Creates or updates a class. Its superclass must exist
 * (%CR_ERROR_INVALID_SUPERCLASS). Updating a class re-checks its
 * subclasses and instances in the same transaction; a change that would
 * break one fails with %CR_ERROR_CLASS_HAS_CHILDREN or
 * %CR_ERROR_CLASS_HAS_INSTANCES and changes nothing.
 *
 * Returns: what the put did, or -1 with @error set
 */
CrPutResult
cr_connection_put_class (CrConnection *self, CrClass *klass, CrPutFlags flags, GError **error)
{
  CrStore *store;
  CrPutResult result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), CR_PUT_RESULT_ERROR);
  g_return_val_if_fail (CR_IS_CLASS (klass), CR_PUT_RESULT_ERROR);
  store = begin (self, TRUE, error);
  if (store == NULL)
    return CR_PUT_RESULT_ERROR;
  result = cr_store_put_class (store, self->namespace_, klass, flags, error);
  end (self, TRUE);
  return result;
}

/**
 * cr_connection_get_class:
 *
 * Returns: (transfer full): the class in its resolved shape (inherited
 *   elements included and marked), or %NULL with %CR_ERROR_NOT_FOUND
 */
CrClass *
cr_connection_get_class (CrConnection *self, const char *name, GError **error)
{
  CrStore *store;
  CrClass *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  store = begin (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_get_class (store, self->namespace_, name, error);
  end (self, FALSE);
  return result;
}

/**
 * cr_connection_delete_class:
 *
 * Deletes a class with its subclasses and all their instances, as WMI
 * does.
 */
gboolean
cr_connection_delete_class (CrConnection *self, const char *name, GError **error)
{
  CrStore *store;
  gboolean result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), FALSE);
  store = begin (self, TRUE, error);
  if (store == NULL)
    return FALSE;
  result = cr_store_delete_class (store, self->namespace_, name, error);
  end (self, TRUE);
  return result;
}

/**
 * cr_connection_enumerate_classes:
 * @superclass: (nullable): list the subclasses of this class; %NULL for
 *   the classes without a superclass (or all classes when @deep)
 * @deep: all descendants, not only direct subclasses
 *
 * Returns: (transfer container) (element-type CrClass): resolved classes,
 *   by name
 */
GPtrArray *
cr_connection_enumerate_classes (CrConnection *self, const char *superclass, gboolean deep, GError **error)
{
  CrStore *store;
  GPtrArray *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  store = begin (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_enumerate_classes (store, self->namespace_, superclass, deep, error);
  end (self, FALSE);
  return result;
}

/**
 * cr_connection_put_instance:
 * @out_result: (out) (optional): what the put did
 *
 * Creates or updates an instance, checked against its class (see
 * cr_instance_normalize()).
 *
 * Returns: (transfer full): the instance's canonical object path
 */
char *
cr_connection_put_instance (CrConnection *self, CrInstance *instance, CrPutFlags flags,
                            CrPutResult *out_result, GError **error)
{
  CrStore *store;
  char *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (CR_IS_INSTANCE (instance), NULL);
  store = begin (self, TRUE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_put_instance (store, self->namespace_, instance, flags, out_result, error);
  end (self, TRUE);
  return result;
}

/**
 * cr_connection_get_instance:
 * @path: an object path such as `CIM_Foo.Name="x"`
 *
 * Returns: (transfer full): the instance, from the class the path names
 *   or one of its subclasses
 */
CrInstance *
cr_connection_get_instance (CrConnection *self, const char *path, GError **error)
{
  CrStore *store;
  CrInstance *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  store = begin (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_get_instance (store, self->namespace_, path, error);
  end (self, FALSE);
  return result;
}

gboolean
cr_connection_delete_instance (CrConnection *self, const char *path, GError **error)
{
  CrStore *store;
  gboolean result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), FALSE);
  store = begin (self, TRUE, error);
  if (store == NULL)
    return FALSE;
  result = cr_store_delete_instance (store, self->namespace_, path, error);
  end (self, TRUE);
  return result;
}

/**
 * cr_connection_enumerate_instances:
 * @deep: include the instances of subclasses
 *
 * Returns: (transfer container) (element-type CrInstance): the instances
 */
GPtrArray *
cr_connection_enumerate_instances (CrConnection *self, const char *class_name, gboolean deep, GError **error)
{
  CrStore *store;
  GPtrArray *result;

  g_return_val_if_fail (CR_IS_CONNECTION (self), NULL);
  store = begin (self, FALSE, error);
  if (store == NULL)
    return NULL;
  result = cr_store_enumerate_instances (store, self->namespace_, class_name, deep, error);
  end (self, FALSE);
  return result;
}
