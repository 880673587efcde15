/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepod"

#include <glib/gi18n.h>

#include "cr-daemon-connection.h"
#include "cr-daemon-private.h"

/* A name is at most CR_MAX_NAME_CHARS characters of UTF-8. */
#define MAX_NAME_BYTES (CR_MAX_NAME_CHARS * 4)

struct _CrDaemonConnection {
  GObject parent_instance;

  CrDaemon *daemon; /* owns this object */
  CrConnection *connection;
  char *owner;
  char *object_path;
  CrObjectSkeleton *object;
  CrConnection1 *iface;
};

G_DEFINE_TYPE (CrDaemonConnection, cr_daemon_connection, G_TYPE_OBJECT)

typedef enum {
  OP_ENUMERATE_QUALIFIER_TYPES,
  OP_PUT_QUALIFIER_TYPE,
  OP_ENUMERATE_CLASSES,
  OP_GET_CLASS,
  OP_PUT_CLASS,
  OP_DELETE_CLASS,
  OP_ENUMERATE_INSTANCES,
  OP_GET_INSTANCE,
  OP_PUT_INSTANCE,
  OP_DELETE_INSTANCE,
} Op;

/* One call's arguments: the worker's own copy. */
typedef struct {
  CrConnection *connection;
  Op op;
  char *text;
  gboolean deep;
  GVariant *value;
  guint flags;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->connection);
  g_free (call->text);
  g_clear_pointer (&call->value, g_variant_unref);
  g_free (call);
}

static Call *
call_new (CrDaemonConnection *self, Op op)
{
  Call *call = g_new0 (Call, 1);

  call->connection = g_object_ref (self->connection);
  call->op = op;
  return call;
}

static GVariant *
objects_to_variant (GPtrArray *objects, const char *element_type, GVariant *(*to_variant) (gpointer))
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE (element_type));
  for (guint i = 0; i < objects->len; i++)
    g_variant_builder_add_value (&builder, to_variant (g_ptr_array_index (objects, i)));
  return g_variant_builder_end (&builder);
}

static GVariant *
qualifier_type_to_variant (gpointer p)
{
  return cr_qualifier_type_to_variant (p);
}

static GVariant *
class_to_variant (gpointer p)
{
  return cr_class_to_variant (p);
}

static GVariant *
instance_with_path (gpointer p)
{
  CrInstance *instance = p;
  const char *path = cr_instance_get_path (instance);

  return g_variant_new ("(s@(sa{sv}))", path != NULL ? path : "", cr_instance_to_variant (instance));
}

static gboolean
check_put_flags (guint flags, GError **error)
{
  if (flags & ~(guint) (CR_PUT_FLAGS_CREATE_ONLY | CR_PUT_FLAGS_UPDATE_ONLY))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("Unknown flags 0x%x: only 1 (create only) and 2 (update only) are defined"), flags);
      return FALSE;
    }
  return TRUE;
}

/* Runs in a worker thread. */
static GVariant *
call_work (gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  const char *text = call->text != NULL && *call->text != '\0' ? call->text : NULL;

  switch (call->op)
    {
    case OP_ENUMERATE_QUALIFIER_TYPES:
      {
        g_autoptr (GPtrArray) all = cr_connection_enumerate_qualifier_types (call->connection, error);
        if (all == NULL)
          return NULL;
        return g_variant_new ("(@a" CR_QUALIFIER_TYPE_VARIANT_TYPE ")",
                              objects_to_variant (all, "a" CR_QUALIFIER_TYPE_VARIANT_TYPE, qualifier_type_to_variant));
      }
    case OP_PUT_QUALIFIER_TYPE:
      {
        g_autoptr (CrQualifierType) qtype = NULL;
        CrPutResult result;

        if (!check_put_flags (call->flags, error))
          return NULL;
        qtype = cr_qualifier_type_new_from_variant (call->value, error);
        if (qtype == NULL)
          return NULL;
        result = cr_connection_put_qualifier_type (call->connection, qtype, call->flags, error);
        if (result == CR_PUT_RESULT_ERROR)
          return NULL;
        return g_variant_new ("(u)", (guint32) result);
      }
    case OP_ENUMERATE_CLASSES:
      {
        g_autoptr (GPtrArray) all = cr_connection_enumerate_classes (call->connection, text, call->deep, error);
        if (all == NULL)
          return NULL;
        return g_variant_new ("(@a" CR_CLASS_VARIANT_TYPE ")",
                              objects_to_variant (all, "a" CR_CLASS_VARIANT_TYPE, class_to_variant));
      }
    case OP_GET_CLASS:
      {
        g_autoptr (CrClass) klass = cr_connection_get_class (call->connection, call->text, error);
        if (klass == NULL)
          return NULL;
        return g_variant_new_tuple ((GVariant *[]){ cr_class_to_variant (klass) }, 1);
      }
    case OP_PUT_CLASS:
      {
        g_autoptr (CrClass) klass = NULL;
        CrPutResult result;

        if (!check_put_flags (call->flags, error))
          return NULL;
        klass = cr_class_new_from_variant (call->value, error);
        if (klass == NULL)
          return NULL;
        result = cr_connection_put_class (call->connection, klass, call->flags, error);
        if (result == CR_PUT_RESULT_ERROR)
          return NULL;
        return g_variant_new ("(u)", (guint32) result);
      }
    case OP_DELETE_CLASS:
      if (!cr_connection_delete_class (call->connection, call->text, error))
        return NULL;
      return g_variant_new ("()");
    case OP_ENUMERATE_INSTANCES:
      {
        g_autoptr (GPtrArray) all = cr_connection_enumerate_instances (call->connection, call->text, call->deep, error);
        if (all == NULL)
          return NULL;
        return g_variant_new ("(@a(s" CR_INSTANCE_VARIANT_TYPE "))",
                              objects_to_variant (all, "a(s" CR_INSTANCE_VARIANT_TYPE ")", instance_with_path));
      }
    case OP_GET_INSTANCE:
      {
        g_autoptr (CrInstance) instance = cr_connection_get_instance (call->connection, call->text, error);
        const char *path;

        if (instance == NULL)
          return NULL;
        path = cr_instance_get_path (instance);
        return g_variant_new ("(s@" CR_INSTANCE_VARIANT_TYPE ")", path != NULL ? path : "",
                              cr_instance_to_variant (instance));
      }
    case OP_PUT_INSTANCE:
      {
        g_autoptr (CrInstance) instance = NULL;
        g_autofree char *path = NULL;
        CrPutResult result = CR_PUT_RESULT_ERROR;

        if (!check_put_flags (call->flags, error))
          return NULL;
        instance = cr_instance_new_from_variant (call->value, error);
        if (instance == NULL)
          return NULL;
        path = cr_connection_put_instance (call->connection, instance, call->flags, &result, error);
        if (path == NULL)
          return NULL;
        return g_variant_new ("(su)", path, (guint32) result);
      }
    case OP_DELETE_INSTANCE:
      if (!cr_connection_delete_instance (call->connection, call->text, error))
        return NULL;
      return g_variant_new ("()");
    default:
      break;
    }
  g_set_error_literal (error, CR_ERROR, CR_ERROR_NOT_SUPPORTED, "Unknown operation");
  return NULL;
}

/* Every call: the daemon's checks, then only the owner may go on. */
static gboolean
begin (CrDaemonConnection *self, GDBusMethodInvocation *invocation)
{
  if (!cr_daemon_begin_call (self->daemon, invocation, NULL, FALSE))
    return FALSE;
  if (g_strcmp0 (g_dbus_method_invocation_get_sender (invocation), self->owner) != 0)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_ACCESS_DENIED,
                                             _("The connection %s belongs to another client"),
                                             self->object_path);
      return FALSE;
    }
  return TRUE;
}

static void
run_read (CrDaemonConnection *self, GDBusMethodInvocation *invocation, Call *call)
{
  cr_daemon_run_in_thread (self->daemon, invocation, call_work, call, (GDestroyNotify) call_free, FALSE);
}

static void
authorized_write_cb (CrDaemon *daemon, GDBusMethodInvocation *invocation, gpointer user_data)
{
  cr_daemon_run_in_thread (daemon, invocation, call_work, user_data, (GDestroyNotify) call_free, TRUE);
}

static void
run_write (CrDaemonConnection *self, GDBusMethodInvocation *invocation, Call *call)
{
  cr_daemon_authorize (self->daemon, invocation, CR_ACTION_MODIFY, authorized_write_cb, call,
                       (GDestroyNotify) call_free);
}

static gboolean
handle_close (CrConnection1 *iface, GDBusMethodInvocation *invocation, CrDaemonConnection *self)
{
  g_autoptr (CrDaemonConnection) keep = g_object_ref (self);

  if (!begin (self, invocation))
    return TRUE;
  cr_daemon_close_connection (self->daemon, self, "client");
  cr_connection1_complete_close (iface, invocation);
  return TRUE;
}

static gboolean
handle_enumerate_qualifier_types (CrConnection1 *iface, GDBusMethodInvocation *invocation, CrDaemonConnection *self)
{
  if (!begin (self, invocation))
    return TRUE;
  run_read (self, invocation, call_new (self, OP_ENUMERATE_QUALIFIER_TYPES));
  return TRUE;
}

static gboolean
handle_put_qualifier_type (CrConnection1 *iface, GDBusMethodInvocation *invocation, GVariant *qualifier_type,
                           guint flags, CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation))
    return TRUE;
  call = call_new (self, OP_PUT_QUALIFIER_TYPE);
  call->value = g_variant_ref (qualifier_type);
  call->flags = flags;
  run_write (self, invocation, call);
  return TRUE;
}

static gboolean
handle_enumerate_classes (CrConnection1 *iface, GDBusMethodInvocation *invocation, const char *superclass,
                          gboolean deep, CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation) ||
      !cr_daemon_check_string (invocation, superclass, MAX_NAME_BYTES, _("superclass name")))
    return TRUE;
  call = call_new (self, OP_ENUMERATE_CLASSES);
  call->text = g_strdup (superclass);
  call->deep = deep;
  run_read (self, invocation, call);
  return TRUE;
}

static gboolean
handle_get_class (CrConnection1 *iface, GDBusMethodInvocation *invocation, const char *name, CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation) ||
      !cr_daemon_check_string (invocation, name, MAX_NAME_BYTES, _("class name")))
    return TRUE;
  call = call_new (self, OP_GET_CLASS);
  call->text = g_strdup (name);
  run_read (self, invocation, call);
  return TRUE;
}

static gboolean
handle_put_class (CrConnection1 *iface, GDBusMethodInvocation *invocation, GVariant *klass, guint flags,
                  CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation))
    return TRUE;
  call = call_new (self, OP_PUT_CLASS);
  call->value = g_variant_ref (klass);
  call->flags = flags;
  run_write (self, invocation, call);
  return TRUE;
}

static gboolean
handle_delete_class (CrConnection1 *iface, GDBusMethodInvocation *invocation, const char *name,
                     CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation) ||
      !cr_daemon_check_string (invocation, name, MAX_NAME_BYTES, _("class name")))
    return TRUE;
  call = call_new (self, OP_DELETE_CLASS);
  call->text = g_strdup (name);
  run_write (self, invocation, call);
  return TRUE;
}

static gboolean
handle_enumerate_instances (CrConnection1 *iface, GDBusMethodInvocation *invocation, const char *class_name,
                            gboolean deep, CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation) ||
      !cr_daemon_check_string (invocation, class_name, MAX_NAME_BYTES, _("class name")))
    return TRUE;
  call = call_new (self, OP_ENUMERATE_INSTANCES);
  call->text = g_strdup (class_name);
  call->deep = deep;
  run_read (self, invocation, call);
  return TRUE;
}

static gboolean
handle_get_instance (CrConnection1 *iface, GDBusMethodInvocation *invocation, const char *path,
                     CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation) ||
      !cr_daemon_check_string (invocation, path, CR_MAX_OBJECT_PATH_BYTES, _("object path")))
    return TRUE;
  call = call_new (self, OP_GET_INSTANCE);
  call->text = g_strdup (path);
  run_read (self, invocation, call);
  return TRUE;
}

static gboolean
handle_put_instance (CrConnection1 *iface, GDBusMethodInvocation *invocation, GVariant *instance, guint flags,
                     CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation))
    return TRUE;
  call = call_new (self, OP_PUT_INSTANCE);
  call->value = g_variant_ref (instance);
  call->flags = flags;
  run_write (self, invocation, call);
  return TRUE;
}

static gboolean
handle_delete_instance (CrConnection1 *iface, GDBusMethodInvocation *invocation, const char *path,
                        CrDaemonConnection *self)
{
  Call *call;

  if (!begin (self, invocation) ||
      !cr_daemon_check_string (invocation, path, CR_MAX_OBJECT_PATH_BYTES, _("object path")))
    return TRUE;
  call = call_new (self, OP_DELETE_INSTANCE);
  call->text = g_strdup (path);
  run_write (self, invocation, call);
  return TRUE;
}

static void
cr_daemon_connection_dispose (GObject *object)
{
  CrDaemonConnection *self = CR_DAEMON_CONNECTION (object);

  if (self->iface != NULL)
    g_signal_handlers_disconnect_by_data (self->iface, self);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (cr_daemon_connection_parent_class)->dispose (object);
}

static void
cr_daemon_connection_finalize (GObject *object)
{
  CrDaemonConnection *self = CR_DAEMON_CONNECTION (object);

  g_free (self->owner);
  g_free (self->object_path);
  G_OBJECT_CLASS (cr_daemon_connection_parent_class)->finalize (object);
}

static void
cr_daemon_connection_class_init (CrDaemonConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_daemon_connection_dispose;
  object_class->finalize = cr_daemon_connection_finalize;
}

static void
cr_daemon_connection_init (CrDaemonConnection *self)
{
}

/**
 * cr_daemon_connection_new:
 * @daemon: the service; it owns the new object and outlives it
 * @owner: the unique bus name of the client
 */
CrDaemonConnection *
cr_daemon_connection_new (CrDaemon *daemon, CrConnection *connection, const char *owner)
{
  CrDaemonConnection *self = g_object_new (CR_TYPE_DAEMON_CONNECTION, NULL);

  self->daemon = daemon;
  self->connection = g_object_ref (connection);
  self->owner = g_strdup (owner);
  self->object_path = g_strdup_printf (CR_DAEMON_CONNECTION_PATH "/%" G_GUINT64_FORMAT,
                                       cr_connection_get_id (connection));

  self->iface = cr_connection1_skeleton_new ();
  cr_connection1_set_namespace (self->iface, cr_connection_get_namespace (connection));
  cr_connection1_set_connected_at (self->iface, cr_connection_get_connected_at (connection));
  g_signal_connect (self->iface, "handle-close", G_CALLBACK (handle_close), self);
  g_signal_connect (self->iface, "handle-enumerate-qualifier-types", G_CALLBACK (handle_enumerate_qualifier_types), self);
  g_signal_connect (self->iface, "handle-put-qualifier-type", G_CALLBACK (handle_put_qualifier_type), self);
  g_signal_connect (self->iface, "handle-enumerate-classes", G_CALLBACK (handle_enumerate_classes), self);
  g_signal_connect (self->iface, "handle-get-class", G_CALLBACK (handle_get_class), self);
  g_signal_connect (self->iface, "handle-put-class", G_CALLBACK (handle_put_class), self);
  g_signal_connect (self->iface, "handle-delete-class", G_CALLBACK (handle_delete_class), self);
  g_signal_connect (self->iface, "handle-enumerate-instances", G_CALLBACK (handle_enumerate_instances), self);
  g_signal_connect (self->iface, "handle-get-instance", G_CALLBACK (handle_get_instance), self);
  g_signal_connect (self->iface, "handle-put-instance", G_CALLBACK (handle_put_instance), self);
  g_signal_connect (self->iface, "handle-delete-instance", G_CALLBACK (handle_delete_instance), self);

  self->object = cr_object_skeleton_new (self->object_path);
  cr_object_skeleton_set_connection1 (self->object, self->iface);
  return self;
}

CrConnection *
cr_daemon_connection_get_connection (CrDaemonConnection *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_CONNECTION (self), NULL);
  return self->connection;
}

guint64
cr_daemon_connection_get_id (CrDaemonConnection *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_CONNECTION (self), 0);
  return cr_connection_get_id (self->connection);
}

const char *
cr_daemon_connection_get_owner (CrDaemonConnection *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_CONNECTION (self), NULL);
  return self->owner;
}

const char *
cr_daemon_connection_get_object_path (CrDaemonConnection *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_CONNECTION (self), NULL);
  return self->object_path;
}

CrObjectSkeleton *
cr_daemon_connection_get_object (CrDaemonConnection *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_CONNECTION (self), NULL);
  return self->object;
}

CrConnection1 *
cr_daemon_connection_get_iface (CrDaemonConnection *self)
{
  g_return_val_if_fail (CR_IS_DAEMON_CONNECTION (self), NULL);
  return self->iface;
}
