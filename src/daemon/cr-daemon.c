/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepod"

/* O_PATH */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>

#include "cr-daemon-connection.h"
#include "cr-daemon-job.h"
#include "cr-daemon-private.h"
#include "cr-dbus-generated.h"
#include "cr-platform.h"

/* Bounds on what one client may ask for. Beyond them: LimitExceeded. */
#define MAX_CONNECTIONS_PER_CLIENT 64
#define MAX_CONNECTIONS 4096
#define MAX_CALLS_PER_CLIENT 64

/* Bounds on the arguments of one call: an object of the largest size
 * the engine takes, with room for the rest of the call. GDBus has already
 * checked the signature; only values inside a `v` can nest further. */
#define MAX_ARGS_BYTES (CR_MAX_OBJECT_BYTES + 64 * 1024)
#define MAX_ARGS_DEPTH 32
/* dbus-daemon disconnects a connection that sends a message over its
 * max_message_size (32 MiB by default): an answer that would be larger
 * is an error instead, or one reader could take the service off the bus. */
#define MAX_REPLY_BYTES (24 * 1024 * 1024)
/* Reads worked on at once in worker threads, whoever sent them; the
 * others wait their turn. With the bound on an answer, it bounds the
 * memory that answers being built take, however many clients call.
 * Writes do not count: their answers are small, and while the repository
 * is paused they wait, which must not hold reads back. */
#define MAX_READERS 8

/* How long a finished job stays on the bus for late readers. */
#define JOB_LINGER_SECONDS 5

/* How many closed connections are remembered, to explain a late call. */
#define MAX_CLOSED_REMEMBERED 1024

#define MAX_AUTO_RESUME_SECONDS (7 * 24 * 3600)

/* A client: one unique bus name that has called us. It stays known until
 * its name leaves the bus. Main loop only, except n_calls (atomic). */
typedef struct {
  grefcount ref;
  char *name;
  gboolean gone;
  gboolean have_credentials;
  gint64 pid;
  gint64 uid;
  char *process_name;
  char *user_name; /* looked up once: NSS may be slow (LDAP, sssd) */
  gint n_calls;
  guint n_opening;
  guint n_connections;
} Client;

struct _CrDaemon {
  GObject parent_instance;

  GMainContext *context;
  GDBusConnection *bus;
  CrRepository *repository;
  CrAuthority *authority;
  guint auto_resume_seconds;

  GDBusObjectManagerServer *manager;
  CrRepository1 *root;
  guint name_owner_changed_id;
  guint closed_subtree_id;

  GHashTable *clients;     /* name → Client */
  GHashTable *connections; /* guint64 id → CrDaemonConnection */
  GHashTable *closed;      /* guint64 id → reason, the last ones */
  GQueue closed_order;     /* guint64 *, oldest first (keys of closed) */
  GHashTable *jobs;        /* object path → CrDaemonJob */
  GQueue waiting_reads;    /* GTask of cr_daemon_run_in_thread(), in call order */
  guint running_reads;
  guint64 next_job_id;
  CrDaemonJob *running_backup;
  CrDaemonJob *running_restore;
  guint connections_changed_id;

  CrPauseHandle *pause_handle;
  char *pause_holder;
  gboolean pause_pending;

  gint n_calls; /* atomic */
  guint idle_timeout;
  GSource *idle_source;
  gboolean shutting_down;
};

G_DEFINE_TYPE (CrDaemon, cr_daemon, G_TYPE_OBJECT)

enum {
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_state (CrDaemon *self);
static gint compare_connections (gconstpointer a, gconstpointer b);
static gboolean handle_job_cancel (CrJob1 *iface, GDBusMethodInvocation *invocation, CrDaemon *self);
static void update_idle (CrDaemon *self);
static void remove_connection (CrDaemon *self, CrDaemonConnection *dconn, const char *reason);

/* Clients */

static Client *
client_ref (Client *client)
{
  g_ref_count_inc (&client->ref);
  return client;
}

static void
client_unref (Client *client)
{
  if (client == NULL || !g_ref_count_dec (&client->ref))
    return;
  g_free (client->name);
  g_free (client->process_name);
  g_free (client->user_name);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_unref)

static Client *
client_lookup (CrDaemon *self, const char *name)
{
  Client *client;

  if (name == NULL)
    return NULL;
  client = g_hash_table_lookup (self->clients, name);
  if (client == NULL)
    {
      client = g_new0 (Client, 1);
      g_ref_count_init (&client->ref);
      client->name = g_strdup (name);
      client->pid = -1;
      client->uid = -1;
      g_hash_table_insert (self->clients, client->name, client);
    }
  return client;
}

/* The client of @name if it is still on the bus: a client is known from
 * its first call until its name leaves the bus. */
static Client *
client_find (CrDaemon *self, const char *name)
{
  return name != NULL ? g_hash_table_lookup (self->clients, name) : NULL;
}

/* For the journal: who did it. */
static char *
client_describe (Client *client)
{
  if (!client->have_credentials)
    return g_strdup (client->name);
  return g_strdup_printf ("%s (uid %" G_GINT64_FORMAT ", pid %" G_GINT64_FORMAT ", %s)",
                          client->name, client->uid, client->pid,
                          client->process_name != NULL ? client->process_name : "?");
}

/* The holder of a pause, for people: "rsync (pid 4242, user root)" */
static char *
client_describe_process (Client *client)
{
  if (client == NULL || !client->have_credentials)
    return g_strdup ("");
  return g_strdup_printf ("%s (pid %" G_GINT64_FORMAT ", user %s)",
                          client->process_name != NULL ? client->process_name : "?", client->pid,
                          client->user_name != NULL ? client->user_name : "?");
}

/* Errors */

/**
 * cr_daemon_return_error:
 * @error: (transfer full): the error; converted to `CR_ERROR`, so that
 *   it travels as org.cimrepo.Error.<Name>
 */
void
cr_daemon_return_error (GDBusMethodInvocation *invocation, GError *error)
{
  cr_error_convert (&error);
  g_dbus_method_invocation_return_gerror (invocation, error);
  g_error_free (error);
}

gboolean
cr_daemon_check_string (GDBusMethodInvocation *invocation, const char *value, gsize max_bytes, const char *what)
{
  gsize len = strlen (value);

  if (len <= max_bytes)
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                         g_dngettext (GETTEXT_PACKAGE,
                                                      /* Translators: %s is what is too long, such as "class name" */
                                                      "The %s is too long: %zu byte, and at most %zu are allowed",
                                                      "The %s is too long: %zu bytes, and at most %zu are allowed",
                                                      len),
                                         what, len, max_bytes);
  return FALSE;
}

/* Calls in flight, counted per client: the invocation carries a mark
 * that is dropped with it, whichever way the call ends. */

typedef struct {
  CrDaemon *daemon;
  Client *client;
} CallMark;

static gboolean
update_idle_cb (gpointer data)
{
  update_idle (data);
  return G_SOURCE_REMOVE;
}

static void
call_mark_free (gpointer data)
{
  CallMark *mark = data;

  g_atomic_int_dec_and_test (&mark->client->n_calls);
  g_atomic_int_dec_and_test (&mark->daemon->n_calls);
  /* Normally the main loop; never mind if not. */
  g_main_context_invoke_full (mark->daemon->context, G_PRIORITY_DEFAULT, update_idle_cb,
                              g_object_ref (mark->daemon), g_object_unref);
  g_object_unref (mark->daemon);
  client_unref (mark->client);
  g_free (mark);
}

static gboolean
type_has_variant (const GVariantType *type)
{
  return strchr (g_variant_type_peek_string (type), 'v') != NULL;
}

/* Only values inside a `v` can nest beyond what the signature says. */
static gboolean
variant_depth_ok (GVariant *value, guint depth)
{
  gsize n;

  if (depth > MAX_ARGS_DEPTH)
    return FALSE;
  if (!g_variant_is_container (value) || !type_has_variant (g_variant_get_type (value)))
    return TRUE;
  n = g_variant_n_children (value);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

      if (!variant_depth_ok (child, depth + 1))
        return FALSE;
    }
  return TRUE;
}

/**
 * cr_daemon_begin_call:
 * @fd_list: (nullable): the fds the generated handler got, if any
 * @takes_fd: whether the method declares one `h` argument
 *
 * What every handler checks first: the service is not stopping, the call
 * carries exactly the fds it declares, its arguments are within their
 * bounds, and its client has not too many calls in flight. Nothing here
 * changes any state.
 *
 * Returns: %FALSE after replying with an error
 */
gboolean
cr_daemon_begin_call (CrDaemon *self, GDBusMethodInvocation *invocation, GUnixFDList *fd_list, gboolean takes_fd)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  GUnixFDList *fds = g_dbus_message_get_unix_fd_list (message);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  guint n_fds = fds != NULL ? (guint) g_unix_fd_list_get_length (fds) : 0;
  CallMark *mark;
  Client *client;

  if (self->shutting_down)
    {
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                                                     _("The service is stopping"));
      return FALSE;
    }
  if (sender == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_ACCESS_DENIED,
                                                     _("Calls must come through the message bus"));
      return FALSE;
    }
  if (takes_fd && n_fds != 1)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             _("Exactly one file descriptor must be passed, not %u"), n_fds);
      return FALSE;
    }
  if (!takes_fd && n_fds != 0)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "This method takes no file descriptor, and %u was passed",
                                                          "This method takes no file descriptor, and %u were passed",
                                                          n_fds),
                                             n_fds);
      return FALSE;
    }
  if (parameters != NULL && g_variant_get_size (parameters) > MAX_ARGS_BYTES)
    {
      gsize size = g_variant_get_size (parameters);

      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "The arguments are too large: %zu byte, and at most %u are allowed",
                                                          "The arguments are too large: %zu bytes, and at most %u are allowed",
                                                          size),
                                             size, (guint) MAX_ARGS_BYTES);
      return FALSE;
    }
  if (parameters != NULL && !variant_depth_ok (parameters, 0))
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "The arguments are nested more than %u level deep",
                                                          "The arguments are nested more than %u levels deep",
                                                          MAX_ARGS_DEPTH),
                                             (guint) MAX_ARGS_DEPTH);
      return FALSE;
    }

  client = client_lookup (self, sender);
  if (g_atomic_int_get (&client->n_calls) >= MAX_CALLS_PER_CLIENT)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                                             _("Too many calls from %s are in progress (at most %u). Wait for some to finish"),
                                             sender, (guint) MAX_CALLS_PER_CLIENT);
      return FALSE;
    }

  mark = g_new0 (CallMark, 1);
  mark->daemon = g_object_ref (self);
  mark->client = client_ref (client);
  g_atomic_int_inc (&client->n_calls);
  g_atomic_int_inc (&self->n_calls);
  g_object_set_data_full (G_OBJECT (invocation), "cr-call-mark", mark, call_mark_free);
  update_idle (self);
  return TRUE;
}

/* The caller's credentials, asked of the bus once per client */

typedef void (*ClientReadyFunc) (CrDaemon *self, Client *client, GDBusMethodInvocation *invocation, gpointer data);

typedef struct {
  CrDaemon *daemon;
  Client *client;
  GDBusMethodInvocation *invocation;
  ClientReadyFunc func;
  gpointer data;
  GDestroyNotify destroy;
} CredentialsRequest;

static void
credentials_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CredentialsRequest *req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (CrDaemon) self = req->daemon;
  g_autoptr (Client) client = req->client;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL && !client->have_credentials)
    {
      g_autoptr (GVariant) dict = g_variant_get_child_value (reply, 0);
      guint32 pid, uid;

      if (g_variant_lookup (dict, "ProcessID", "u", &pid))
        {
          client->pid = pid;
          client->process_name = cr_get_process_name (pid);
        }
      if (g_variant_lookup (dict, "UnixUserID", "u", &uid))
        {
          client->uid = uid;
          client->user_name = cr_get_user_name (uid);
        }
      client->have_credentials = TRUE;
    }
  else if (reply == NULL)
    {
      /* Unknown credentials: polkit decides on the bus name anyway, and
       * without polkit an unknown uid is not root. */
      g_debug ("No credentials for %s: %s", client->name, error->message);
    }

  req->func (self, client, req->invocation, req->data);
  g_free (req);
}

/* Calls @func once the client's credentials are known. @func takes
 * @data. */
static void
with_credentials (CrDaemon *self, Client *client, GDBusMethodInvocation *invocation,
                  ClientReadyFunc func, gpointer data)
{
  CredentialsRequest *req;

  if (client->have_credentials)
    {
      func (self, client, invocation, data);
      return;
    }
  req = g_new0 (CredentialsRequest, 1);
  req->daemon = g_object_ref (self);
  req->client = client_ref (client);
  req->invocation = invocation;
  req->func = func;
  req->data = data;
  g_dbus_connection_call (self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionCredentials", g_variant_new ("(s)", client->name),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          credentials_cb, req);
}

/* Authorisation */

typedef struct {
  CrDaemon *daemon;
  Client *client;
  GDBusMethodInvocation *invocation;
  char *action_id;
  CrDaemonAuthorizedFunc func;
  gpointer data;
  GDestroyNotify destroy;
} AuthRequest;

static void
auth_request_free (AuthRequest *req)
{
  g_clear_object (&req->daemon);
  client_unref (req->client);
  g_free (req->action_id);
  if (req->destroy != NULL && req->data != NULL)
    req->destroy (req->data);
  g_free (req);
}

static void
auth_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthRequest *req = user_data;
  GError *error = NULL;

  if (!cr_authority_check_finish (CR_AUTHORITY (source), result, &error))
    {
      g_autofree char *who = client_describe (req->client);

      g_message ("Denied %s to %s: %s", req->action_id, who, error->message);
      cr_daemon_return_error (req->invocation, error);
    }
  else
    {
      gpointer data = g_steal_pointer (&req->data);

      g_debug ("Authorised %s for %s", req->action_id, req->client->name);
      req->func (req->daemon, req->invocation, data);
    }
  auth_request_free (req);
}

static void
auth_with_credentials (CrDaemon *self, Client *client, GDBusMethodInvocation *invocation, gpointer data)
{
  AuthRequest *req = data;

  cr_authority_check_async (self->authority, invocation, req->action_id, client->uid, NULL, auth_cb, req);
}

/**
 * cr_daemon_authorize:
 * @func: called if the caller may perform @action_id; it takes
 *   @user_data
 * @destroy: frees @user_data if @func is not called
 *
 * Asks polkit (or the session rule) whether the caller of @invocation
 * may perform @action_id; on a denial, replies with AccessDenied, logs
 * it, and does nothing else.
 */
void
cr_daemon_authorize (CrDaemon *self, GDBusMethodInvocation *invocation, const char *action_id,
                     CrDaemonAuthorizedFunc func, gpointer user_data, GDestroyNotify destroy)
{
  AuthRequest *req = g_new0 (AuthRequest, 1);
  Client *client = client_lookup (self, g_dbus_method_invocation_get_sender (invocation));

  req->daemon = g_object_ref (self);
  req->client = client_ref (client);
  req->invocation = invocation;
  req->action_id = g_strdup (action_id);
  req->func = func;
  req->data = user_data;
  req->destroy = destroy;
  with_credentials (self, client, invocation, auth_with_credentials, req);
}

/* Work in a worker thread, reply on the main loop */

typedef struct {
  GDBusMethodInvocation *invocation;
  CrDaemonWorkFunc func;
  gpointer data;
  GDestroyNotify destroy;
  gboolean writes;
} Work;

static void
work_free (Work *work)
{
  if (work->destroy != NULL)
    work->destroy (work->data);
  g_free (work);
}

/* Runs in a worker thread. What @reply takes on the bus, which is what
 * dbus-daemon bounds: D-Bus marshals some values larger than GVariant
 * stores them (a boolean takes 4 bytes, not 1). */
static gsize
reply_wire_size (GDBusMethodInvocation *invocation, GVariant *reply)
{
  g_autoptr (GDBusMessage) message = NULL;
  g_autofree guchar *blob = NULL;
  gsize size = 0;

  /* A cheap bound first: alignment makes the wire form at most about 8
   * times as large (a struct of one boolean: 1 byte, or 8) */
  if (g_variant_get_size (reply) <= MAX_REPLY_BYTES / 8)
    return g_variant_get_size (reply);
  message = g_dbus_message_new_method_reply (g_dbus_method_invocation_get_message (invocation));
  g_dbus_message_set_body (message, reply);
  blob = g_dbus_message_to_blob (message, &size, G_DBUS_CAPABILITY_FLAGS_UNIX_FD_PASSING, NULL);
  return blob != NULL ? size : G_MAXSIZE;
}

/* Runs in a worker thread. */
static void
work_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Work *work = task_data;
  GError *error = NULL;
  g_autoptr (GVariant) reply = work->func (work->data, cancellable, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_variant_ref_sink (reply);
  if (reply_wire_size (work->invocation, reply) > MAX_REPLY_BYTES)
    {
      guint mib = (guint) MIN (reply_wire_size (work->invocation, reply) / (1024 * 1024), G_MAXUINT);

      g_message ("Refused an answer of %u MiB to %s", mib, g_dbus_method_invocation_get_sender (work->invocation));
      g_task_return_new_error (task, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                               _("The answer would be %u MiB, more than a D-Bus message may carry (%u MiB). Ask "
                                 "for less at a time: a shallow enumeration, or one class at a time."),
                               mib, (guint) (MAX_REPLY_BYTES / (1024 * 1024)));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) g_variant_unref);
}

static void
work_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CrDaemon *self = CR_DAEMON (source);
  Work *work = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  g_autoptr (GVariant) reply = g_task_propagate_pointer (G_TASK (result), &error);
  GDBusMethodInvocation *invocation = g_steal_pointer (&work->invocation);
  /* A read's turn passes to the next read that waits */
  if (!work->writes)
    {
      GTask *next = g_queue_pop_head (&self->waiting_reads);

      if (next != NULL)
        {
          g_task_run_in_thread (next, work_thread);
          g_object_unref (next);
        }
      else
        self->running_reads--;
    }
  if (work->writes)
    cr_repository1_set_size (self->root, cr_repository_get_size (self->repository));
  if (reply == NULL)
    cr_daemon_return_error (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, reply);
}

/**
 * cr_daemon_run_in_thread:
 * @func: the work, run in a worker thread with @data
 * @destroy: frees @data, in any thread
 * @writes: whether the work may change the repository's size
 *
 * Runs @func in a worker thread and replies with what it returns.
 */
void
cr_daemon_run_in_thread (CrDaemon *self, GDBusMethodInvocation *invocation, CrDaemonWorkFunc func,
                         gpointer data, GDestroyNotify destroy, gboolean writes)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, work_done_cb, NULL);
  Work *work = g_new0 (Work, 1);

  work->invocation = invocation;
  work->func = func;
  work->data = data;
  work->destroy = destroy;
  work->writes = writes;
  g_task_set_source_tag (task, cr_daemon_run_in_thread);
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);
  if (!writes)
    {
      if (self->running_reads >= MAX_READERS)
        {
          g_queue_push_tail (&self->waiting_reads, g_steal_pointer (&task));
          return;
        }
      self->running_reads++;
    }
  g_task_run_in_thread (task, work_thread);
}

/* State on the bus */

static void
update_state (CrDaemon *self)
{
  g_autofree char *paused_by = cr_repository_dup_paused_by (self->repository);
  g_autofree char *paused_by_process = NULL;
  gboolean backup = self->running_backup != NULL || cr_repository_get_backup_in_progress (self->repository);
  gboolean restore = self->running_restore != NULL || cr_repository_get_restore_in_progress (self->repository);

  /* A restore replaces them: read them when it is over. */
  if (self->running_restore == NULL)
    {
      cr_repository1_set_id (self->root, cr_repository_get_id (self->repository));
      cr_repository1_set_schema_version (self->root, cr_repository_get_schema_version (self->repository));
    }
  cr_repository1_set_backup_in_progress (self->root, backup);
  cr_repository1_set_restore_in_progress (self->root, restore);
  cr_repository1_set_paused (self->root, cr_repository_get_paused (self->repository));
  cr_repository1_set_paused_by (self->root, paused_by != NULL ? paused_by : "");
  paused_by_process = client_describe_process (paused_by != NULL ? g_hash_table_lookup (self->clients, paused_by) : NULL);
  cr_repository1_set_paused_by_process (self->root, paused_by_process);
  cr_repository1_set_paused_since (self->root, cr_repository_get_paused_since (self->repository));
  cr_repository1_set_auto_resume_at (self->root, cr_repository_get_auto_resume_at (self->repository));
  cr_repository1_set_last_backup_time (self->root, cr_repository_get_last_backup_time (self->repository));
  cr_repository1_set_connection_count (self->root, g_hash_table_size (self->connections));

  /* A pause that ended by itself leaves a handle with nothing to do. */
  if (self->pause_handle != NULL && !cr_pause_handle_is_active (self->pause_handle))
    {
      g_clear_object (&self->pause_handle);
      g_clear_pointer (&self->pause_holder, g_free);
      update_idle (self);
    }
}

static void
repository_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  update_state (user_data);
}

static gboolean
restore_in_progress (CrDaemon *self)
{
  return self->running_restore != NULL || cr_repository_get_restore_in_progress (self->repository);
}

/* Idle timeout */

static gboolean
is_busy (CrDaemon *self)
{
  return g_hash_table_size (self->connections) > 0 ||
         self->pause_handle != NULL ||
         self->pause_pending ||
         self->running_backup != NULL ||
         self->running_restore != NULL ||
         g_atomic_int_get (&self->n_calls) > 0;
}

static gboolean
idle_timeout_cb (gpointer data)
{
  CrDaemon *self = data;

  g_clear_pointer (&self->idle_source, g_source_unref);
  if (!is_busy (self))
    {
      g_message ("No client for %u seconds; exiting", self->idle_timeout);
      g_signal_emit (self, signals[SIGNAL_IDLE], 0);
    }
  return G_SOURCE_REMOVE;
}

static void
update_idle (CrDaemon *self)
{
  if (self->idle_timeout == 0 || self->shutting_down)
    return;
  if (is_busy (self))
    {
      if (self->idle_source != NULL)
        {
          g_source_destroy (self->idle_source);
          g_clear_pointer (&self->idle_source, g_source_unref);
        }
    }
  else if (self->idle_source == NULL)
    {
      self->idle_source = g_timeout_source_new_seconds (self->idle_timeout);
      g_source_set_static_name (self->idle_source, "[cimrepod] idle timeout");
      g_source_set_callback (self->idle_source, idle_timeout_cb, self, NULL);
      g_source_attach (self->idle_source, self->context);
    }
}

/**
 * cr_daemon_set_idle_timeout:
 * @seconds: 0 for never
 *
 * After @seconds with no connection, no pause, no job and no call in
 * progress, #CrDaemon::idle is emitted.
 */
void
cr_daemon_set_idle_timeout (CrDaemon *self, guint seconds)
{
  g_return_if_fail (CR_IS_DAEMON (self));

  self->idle_timeout = seconds;
  if (self->idle_source != NULL)
    {
      g_source_destroy (self->idle_source);
      g_clear_pointer (&self->idle_source, g_source_unref);
    }
  update_idle (self);
}

/* Connections */

static gboolean
emit_connections_changed_cb (gpointer data)
{
  CrDaemon *self = data;

  self->connections_changed_id = 0;
  cr_repository1_emit_connections_changed (self->root);
  return G_SOURCE_REMOVE;
}

static void
connections_changed (CrDaemon *self)
{
  cr_repository1_set_connection_count (self->root, g_hash_table_size (self->connections));
  if (self->connections_changed_id == 0)
    self->connections_changed_id = g_idle_add (emit_connections_changed_cb, self);
  update_idle (self);
}

static void
remember_closed (CrDaemon *self, guint64 id, const char *reason)
{
  guint64 *key = g_new (guint64, 1);

  *key = id;
  g_hash_table_replace (self->closed, key, g_strdup (reason));
  g_queue_push_tail (&self->closed_order, key);
  while (g_queue_get_length (&self->closed_order) > MAX_CLOSED_REMEMBERED)
    g_hash_table_remove (self->closed, g_queue_pop_head (&self->closed_order));
}

static void
engine_connection_closed_cb (CrConnection *connection, const char *reason, gpointer user_data)
{
  CrDaemon *self = user_data;
  guint64 id = cr_connection_get_id (connection);
  CrDaemonConnection *dconn = g_hash_table_lookup (self->connections, &id);

  if (dconn != NULL && cr_daemon_connection_get_connection (dconn) == connection)
    remove_connection (self, dconn, reason);
}

/* Removes a connection from the bus, tells its client why, and closes it
 * in the engine if it is still open there. */
static void
remove_connection (CrDaemon *self, CrDaemonConnection *dconn, const char *reason)
{
  g_autoptr (CrDaemonConnection) keep = g_object_ref (dconn);
  CrConnection *connection = cr_daemon_connection_get_connection (dconn);
  const char *path = cr_daemon_connection_get_object_path (dconn);
  Client *client = g_hash_table_lookup (self->clients, cr_daemon_connection_get_owner (dconn));
  guint64 id = cr_daemon_connection_get_id (dconn);

  g_signal_handlers_disconnect_by_func (connection, engine_connection_closed_cb, self);
  cr_connection1_emit_closed (cr_daemon_connection_get_iface (dconn), reason);
  g_dbus_object_manager_server_unexport (self->manager, path);
  remember_closed (self, id, reason);
  if (client != NULL && client->n_connections > 0)
    client->n_connections--;
  cr_connection_close (connection);
  g_hash_table_remove (self->connections, &id);
  g_debug ("Connection %s of %s closed: %s", path, cr_daemon_connection_get_owner (dconn), reason);
  connections_changed (self);
}

void
cr_daemon_close_connection (CrDaemon *self, CrDaemonConnection *connection, const char *reason)
{
  g_return_if_fail (CR_IS_DAEMON (self));
  remove_connection (self, connection, reason);
}

static void
add_connection (CrDaemon *self, Client *client, CrConnection *connection)
{
  CrDaemonConnection *dconn = cr_daemon_connection_new (self, connection, client->name);
  guint64 *key = g_new (guint64, 1);

  *key = cr_connection_get_id (connection);
  g_hash_table_insert (self->connections, key, dconn);
  client->n_connections++;
  g_signal_connect (connection, "closed", G_CALLBACK (engine_connection_closed_cb), self);
  g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (cr_daemon_connection_get_object (dconn)));
  g_debug ("Connection %s to %s opened by %s", cr_daemon_connection_get_object_path (dconn),
           cr_connection_get_namespace (connection), client->name);
  connections_changed (self);
}

/* A call on a connection that is gone: say so, and why. */
static void
closed_subtree_method_call (GDBusConnection *bus, const char *sender, const char *object_path,
                            const char *interface_name, const char *method_name, GVariant *parameters,
                            GDBusMethodInvocation *invocation, gpointer user_data)
{
  CrDaemon *self = user_data;
  const char *node = strrchr (object_path, '/') + 1;
  guint64 id = g_ascii_strtoull (node, NULL, 10);
  const char *reason = g_hash_table_lookup (self->closed, &id);

  if (g_strcmp0 (reason, "restore") == 0)
    g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                                           _("The connection %s was closed because the repository was restored from a backup. Open a new connection"),
                                           object_path);
  else if (g_strcmp0 (reason, "gone") == 0)
    g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                                           _("The connection %s was closed because its client left the bus. Open a new connection"),
                                           object_path);
  else if (reason != NULL)
    g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                                           _("The connection %s is closed (%s). Open a new connection"),
                                           object_path, reason);
  else
    g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_CONNECTION_CLOSED,
                                           _("There is no connection %s. Open one with OpenNamespace"),
                                           object_path);
}

static const GDBusInterfaceVTable closed_subtree_vtable = {
  .method_call = closed_subtree_method_call,
};

static char **
closed_subtree_enumerate (GDBusConnection *bus, const char *sender, const char *object_path, gpointer user_data)
{
  return g_new0 (char *, 1);
}

static GDBusInterfaceInfo **
closed_subtree_introspect (GDBusConnection *bus, const char *sender, const char *object_path,
                           const char *node, gpointer user_data)
{
  GDBusInterfaceInfo **infos;

  if (node == NULL)
    return NULL;
  infos = g_new0 (GDBusInterfaceInfo *, 2);
  infos[0] = g_dbus_interface_info_ref (cr_connection1_interface_info ());
  return infos;
}

static const GDBusInterfaceVTable *
closed_subtree_dispatch (GDBusConnection *bus, const char *sender, const char *object_path,
                         const char *interface_name, const char *node, gpointer *out_user_data,
                         gpointer user_data)
{
  if (node == NULL || g_strcmp0 (interface_name, "org.cimrepo.Connection1") != 0)
    return NULL;
  *out_user_data = user_data;
  return &closed_subtree_vtable;
}

static const GDBusSubtreeVTable closed_subtree = {
  .enumerate = closed_subtree_enumerate,
  .introspect = closed_subtree_introspect,
  .dispatch = closed_subtree_dispatch,
};

/* OpenNamespace */

typedef struct {
  char *namespace_;
  CrClientInfo *info;
  CrConnection *connection;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->namespace_);
  cr_client_info_free (data->info);
  g_clear_object (&data->connection);
  g_free (data);
}

typedef struct {
  CrDaemon *daemon;
  Client *client;
  GDBusMethodInvocation *invocation;
} OpenRequest;

/* Runs in a worker thread. */
static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  CrConnection *connection = cr_repository_connect (source, data->namespace_, data->info, &error);

  if (connection == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, connection, g_object_unref);
}

static void
open_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpenRequest *req = user_data;
  g_autoptr (CrDaemon) self = req->daemon;
  g_autoptr (Client) client = req->client;
  g_autoptr (CrConnection) connection = NULL;
  GError *error = NULL;

  client->n_opening--;
  connection = g_task_propagate_pointer (G_TASK (result), &error);
  if (connection != NULL && (cr_connection_is_closed (connection) || restore_in_progress (self)))
    {
      /* A restore began meanwhile and shut every connection down. */
      cr_connection_close (connection);
      g_set_error_literal (&error, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                           _("The repository is being restored from a backup. Connect again when the restore is over"));
    }
  else if (connection != NULL && (client->gone || self->shutting_down))
    {
      cr_connection_close (connection);
      g_set_error_literal (&error, CR_ERROR, CR_ERROR_SHUTTING_DOWN, _("The client has left the bus"));
    }

  if (error != NULL)
    cr_daemon_return_error (req->invocation, error);
  else
    {
      g_autofree char *path = NULL;

      add_connection (self, client, connection);
      path = g_strdup_printf (CR_DAEMON_CONNECTION_PATH "/%" G_GUINT64_FORMAT, cr_connection_get_id (connection));
      cr_repository1_complete_open_namespace (self->root, req->invocation, path);
    }
  g_free (req);
}

static void
open_with_credentials (CrDaemon *self, Client *client, GDBusMethodInvocation *invocation, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data = user_data;
  OpenRequest *req = g_new0 (OpenRequest, 1);

  req->daemon = g_object_ref (self);
  req->client = client_ref (client);
  req->invocation = invocation;
  data->info = cr_client_info_new (client->name, client->pid, client->uid, client->process_name);

  task = g_task_new (self->repository, NULL, open_done_cb, req);
  g_task_set_source_tag (task, open_with_credentials);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

static gboolean
handle_open_namespace (CrRepository1 *iface, GDBusMethodInvocation *invocation, const char *namespace_,
                       CrDaemon *self)
{
  OpenData *data;
  Client *client;

  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE) ||
      !cr_daemon_check_string (invocation, namespace_, CR_MAX_NAMESPACE_BYTES, _("namespace")))
    return TRUE;
  if (restore_in_progress (self))
    {
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                                                     _("The repository is being restored from a backup. Connect again when the restore is over"));
      return TRUE;
    }
  client = client_lookup (self, g_dbus_method_invocation_get_sender (invocation));
  if (client->n_connections + client->n_opening >= MAX_CONNECTIONS_PER_CLIENT)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                                             _("%s has too many namespace connections open (at most %u). Close some first"),
                                             client->name, (guint) MAX_CONNECTIONS_PER_CLIENT);
      return TRUE;
    }
  if (g_hash_table_size (self->connections) >= MAX_CONNECTIONS)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                                             _("The service has too many namespace connections open (at most %u)"),
                                             (guint) MAX_CONNECTIONS);
      return TRUE;
    }

  client->n_opening++;
  data = g_new0 (OpenData, 1);
  data->namespace_ = g_strdup (namespace_);
  with_credentials (self, client, invocation, open_with_credentials, data);
  return TRUE;
}

/* The connections, oldest first, each with a reference. */
static GPtrArray *
list_connections (CrDaemon *self)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, g_object_ref (value));
  g_ptr_array_sort (all, compare_connections);
  return all;
}

static gint
compare_connections (gconstpointer a, gconstpointer b)
{
  guint64 ia = cr_daemon_connection_get_id (*(CrDaemonConnection **) a);
  guint64 ib = cr_daemon_connection_get_id (*(CrDaemonConnection **) b);

  return ia < ib ? -1 : ia > ib;
}

static gboolean
handle_list_connections (CrRepository1 *iface, GDBusMethodInvocation *invocation, CrDaemon *self)
{
  g_autoptr (GPtrArray) all = NULL;
  GVariantBuilder builder;

  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE))
    return TRUE;

  all = list_connections (self);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(osxxssx)"));
  for (guint i = 0; i < all->len; i++)
    {
      CrDaemonConnection *dconn = g_ptr_array_index (all, i);
      CrConnection *connection = cr_daemon_connection_get_connection (dconn);
      const CrClientInfo *info = cr_connection_get_client (connection);

      g_variant_builder_add (&builder, "(osxxssx)",
                             cr_daemon_connection_get_object_path (dconn),
                             cr_daemon_connection_get_owner (dconn),
                             info->pid, info->uid,
                             info->process_name != NULL ? info->process_name : "",
                             cr_connection_get_namespace (connection),
                             cr_connection_get_connected_at (connection));
    }
  cr_repository1_complete_list_connections (iface, invocation, g_variant_builder_end (&builder));
  return TRUE;
}

/* Reads and namespaces */

typedef struct {
  CrRepository *repository;
  char *text;
  gboolean flag;
  int fd;
} RepoCall;

static RepoCall *
repo_call_new (CrDaemon *self, const char *text, gboolean flag)
{
  RepoCall *call = g_new0 (RepoCall, 1);

  call->repository = g_object_ref (self->repository);
  call->text = g_strdup (text);
  call->flag = flag;
  call->fd = -1;
  return call;
}

static void
repo_call_free (RepoCall *call)
{
  g_clear_object (&call->repository);
  g_free (call->text);
  cr_fd_closep (&call->fd);
  g_free (call);
}

/* Runs in a worker thread. */
static GVariant *
get_summary_work (gpointer data, GCancellable *cancellable, GError **error)
{
  RepoCall *call = data;
  guint64 namespaces = 0, classes = 0, instances = 0;
  GVariantDict dict;

  if (!cr_repository_get_counts (call->repository, &namespaces, &classes, &instances, error))
    return NULL;
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "location", "s", cr_repository_get_path (call->repository));
  g_variant_dict_insert (&dict, "id", "s", cr_repository_get_id (call->repository));
  g_variant_dict_insert (&dict, "schema-version", "u", cr_repository_get_schema_version (call->repository));
  g_variant_dict_insert (&dict, "size", "t", cr_repository_get_size (call->repository));
  g_variant_dict_insert (&dict, "namespaces", "t", namespaces);
  g_variant_dict_insert (&dict, "classes", "t", classes);
  g_variant_dict_insert (&dict, "instances", "t", instances);
  g_variant_dict_insert (&dict, "last-backup", "x", cr_repository_get_last_backup_time (call->repository));
  return g_variant_new ("(@a{sv})", g_variant_dict_end (&dict));
}

static gboolean
handle_get_summary (CrRepository1 *iface, GDBusMethodInvocation *invocation, CrDaemon *self)
{
  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE))
    return TRUE;
  cr_repository1_set_size (self->root, cr_repository_get_size (self->repository));
  cr_daemon_run_in_thread (self, invocation, get_summary_work, repo_call_new (self, NULL, FALSE),
                           (GDestroyNotify) repo_call_free, FALSE);
  return TRUE;
}

/* Runs in a worker thread. */
static GVariant *
list_namespaces_work (gpointer data, GCancellable *cancellable, GError **error)
{
  RepoCall *call = data;
  g_auto (GStrv) namespaces = NULL;

  namespaces = cr_repository_list_namespaces (call->repository, *call->text != '\0' ? call->text : NULL,
                                              call->flag, error);
  if (namespaces == NULL)
    return NULL;
  return g_variant_new ("(^as)", namespaces);
}

static gboolean
handle_list_namespaces (CrRepository1 *iface, GDBusMethodInvocation *invocation, const char *parent,
                        gboolean recursive, CrDaemon *self)
{
  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE) ||
      !cr_daemon_check_string (invocation, parent, CR_MAX_NAMESPACE_BYTES, _("namespace")))
    return TRUE;
  cr_daemon_run_in_thread (self, invocation, list_namespaces_work, repo_call_new (self, parent, recursive),
                           (GDestroyNotify) repo_call_free, FALSE);
  return TRUE;
}

/* Runs in a worker thread. */
static GVariant *
create_namespace_work (gpointer data, GCancellable *cancellable, GError **error)
{
  RepoCall *call = data;

  if (!cr_repository_create_namespace (call->repository, call->text,
                                       call->flag ? CR_NAMESPACE_FLAGS_CREATE_PARENTS : CR_NAMESPACE_FLAGS_NONE,
                                       error))
    return NULL;
  return g_variant_new ("()");
}

/* Runs in a worker thread. */
static GVariant *
delete_namespace_work (gpointer data, GCancellable *cancellable, GError **error)
{
  RepoCall *call = data;

  if (!cr_repository_delete_namespace (call->repository, call->text, error))
    return NULL;
  return g_variant_new ("()");
}

static void
authorized_create_namespace (CrDaemon *self, GDBusMethodInvocation *invocation, gpointer data)
{
  cr_daemon_run_in_thread (self, invocation, create_namespace_work, data, (GDestroyNotify) repo_call_free, TRUE);
}

static void
authorized_delete_namespace (CrDaemon *self, GDBusMethodInvocation *invocation, gpointer data)
{
  cr_daemon_run_in_thread (self, invocation, delete_namespace_work, data, (GDestroyNotify) repo_call_free, TRUE);
}

static gboolean
handle_create_namespace (CrRepository1 *iface, GDBusMethodInvocation *invocation, const char *namespace_,
                         gboolean create_parents, CrDaemon *self)
{
  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE) ||
      !cr_daemon_check_string (invocation, namespace_, CR_MAX_NAMESPACE_BYTES, _("namespace")))
    return TRUE;
  cr_daemon_authorize (self, invocation, CR_ACTION_MODIFY, authorized_create_namespace,
                       repo_call_new (self, namespace_, create_parents), (GDestroyNotify) repo_call_free);
  return TRUE;
}

static gboolean
handle_delete_namespace (CrRepository1 *iface, GDBusMethodInvocation *invocation, const char *namespace_,
                         CrDaemon *self)
{
  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE) ||
      !cr_daemon_check_string (invocation, namespace_, CR_MAX_NAMESPACE_BYTES, _("namespace")))
    return TRUE;
  cr_daemon_authorize (self, invocation, CR_ACTION_MODIFY, authorized_delete_namespace,
                       repo_call_new (self, namespace_, FALSE), (GDestroyNotify) repo_call_free);
  return TRUE;
}

/* Import: a batch that the client compiled, in a file it passed. Read,
 * checked and imported in a worker thread, once authorised: the engine's
 * import is one write transaction that waits while the repository is
 * paused and fails during a restore, as every write. */

#define MAX_IMPORT_BYTES (256 * 1024 * 1024)

static int take_fd (GDBusMethodInvocation *invocation, GUnixFDList *fd_list, GVariant *handle, gboolean want_write);

typedef struct {
  int fd;
  gboolean dry_run;
  char *sender;
  CrRepository *repository;
} ImportCall;

static void
import_call_free (ImportCall *call)
{
  cr_fd_closep (&call->fd);
  g_clear_object (&call->repository);
  g_free (call->sender);
  g_free (call);
}

/* The batch in @fd, as untrusted data */
static CrImportBatch *
read_import_batch (int fd, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) variant = NULL;
  g_autofree guint8 *data = NULL;
  gsize got = 0;
  guint64 size;

  if (!cr_fd_get_size (fd, &size, error))
    return NULL;
  if (size > MAX_IMPORT_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                   _("The batch to import is %u MiB, and at most %u MiB are allowed; import the schema in parts"),
                   (guint) MIN (size / (1024 * 1024), G_MAXUINT), (guint) (MAX_IMPORT_BYTES / (1024 * 1024)));
      return NULL;
    }
  data = g_malloc (size > 0 ? size : 1);
  /* From the start, whatever the file offset */
  if (!cr_fd_pread_all (fd, data, size, 0, &got, error))
    return NULL;
  if (got != size)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("The batch to import changed while the service read it"));
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&data), size);
  variant = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CR_IMPORT_BATCH_VARIANT_TYPE), bytes, FALSE));
  if (!g_variant_is_normal_form (variant) || !variant_depth_ok (variant, 0))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("The file does not hold a batch to import (a serialized a(suv) GVariant in normal form, "
                     "nested at most %u levels)"),
                   (guint) MAX_ARGS_DEPTH);
      return NULL;
    }
  return cr_import_batch_new_from_variant (variant, error);
}

/* Runs in a worker thread. */
static GVariant *
import_work (gpointer data, GCancellable *cancellable, GError **error)
{
  ImportCall *call = data;
  g_autoptr (CrImportBatch) batch = read_import_batch (call->fd, error);
  CrImportSummary summary;

  if (batch == NULL)
    return NULL;
  if (!cr_repository_import_sync (call->repository, batch, call->dry_run ? CR_IMPORT_FLAGS_DRY_RUN : CR_IMPORT_FLAGS_NONE,
                                  &summary, cancellable, error))
    {
      g_debug ("Import for %s failed: %s", call->sender, (*error)->message);
      return NULL;
    }
  g_debug ("%s for %s: %u classes and %u instances created, %u namespaces", call->dry_run ? "Dry-run import" : "Import",
           call->sender, summary.classes[CR_PUT_RESULT_CREATED], summary.instances[CR_PUT_RESULT_CREATED],
           summary.namespaces_created);
  return g_variant_new ("(@a{sv})", cr_import_summary_to_variant (&summary));
}

static void
authorized_import (CrDaemon *self, GDBusMethodInvocation *invocation, gpointer user_data)
{
  cr_daemon_run_in_thread (self, invocation, import_work, user_data, (GDestroyNotify) import_call_free, TRUE);
}

static gboolean
handle_import (CrRepository1 *iface, GDBusMethodInvocation *invocation, GUnixFDList *fd_list, GVariant *handle,
               gboolean dry_run, CrDaemon *self)
{
  ImportCall *call;
  int fd;

  if (!cr_daemon_begin_call (self, invocation, fd_list, TRUE))
    return TRUE;
  fd = take_fd (invocation, fd_list, handle, FALSE);
  if (fd < 0)
    return TRUE;
  call = g_new0 (ImportCall, 1);
  call->fd = fd;
  call->dry_run = dry_run;
  call->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  call->repository = g_object_ref (self->repository);
  cr_daemon_authorize (self, invocation, CR_ACTION_MODIFY, authorized_import, call,
                       (GDestroyNotify) import_call_free);
  return TRUE;
}

/* Runs in a worker thread. */
static GVariant *
verify_work (gpointer data, GCancellable *cancellable, GError **error)
{
  RepoCall *call = data;
  g_auto (GStrv) problems = NULL;
  g_autoptr (GError) local_error = NULL;

  if (cr_repository_verify_sync (call->repository, &problems, NULL, NULL, cancellable, &local_error))
    return g_variant_new ("(b^as)", TRUE, problems != NULL ? problems : (GStrv) (const char *[]){ NULL });
  /* Problems found are the answer, not a failure of the call. */
  if (g_error_matches (local_error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT) && problems != NULL && problems[0] != NULL)
    return g_variant_new ("(b^as)", FALSE, problems);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static gboolean
handle_verify_repository (CrRepository1 *iface, GDBusMethodInvocation *invocation, CrDaemon *self)
{
  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE))
    return TRUE;
  cr_daemon_run_in_thread (self, invocation, verify_work, repo_call_new (self, NULL, FALSE),
                           (GDestroyNotify) repo_call_free, FALSE);
  return TRUE;
}

/* File descriptors */

/* Takes the fd that @handle names, and checks that it is a regular file
 * open for the access wanted. Returns -1 after replying with an error. */
static int
take_fd (GDBusMethodInvocation *invocation, GUnixFDList *fd_list, GVariant *handle, gboolean want_write)
{
  g_autoptr (GError) error = NULL;
  gint32 index = g_variant_get_handle (handle);
  cr_autofd int fd = -1;
  int flags;

  if (fd_list == NULL || index < 0 || index >= g_unix_fd_list_get_length (fd_list))
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             _("The file descriptor index %d is not in the message"), index);
      return -1;
    }
  fd = g_unix_fd_list_get (fd_list, index, &error);
  if (fd < 0)
    {
      cr_daemon_return_error (invocation, g_steal_pointer (&error));
      return -1;
    }
  flags = fcntl (fd, F_GETFL);
#ifdef O_PATH
  if (flags >= 0 && (flags & O_PATH) != 0)
    {
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                                     _("The file was opened with O_PATH; open it for reading or writing"));
      return -1;
    }
#endif
  if (!cr_fd_check_regular (fd, want_write, &error))
    {
      cr_daemon_return_error (invocation, g_steal_pointer (&error));
      return -1;
    }
  return g_steal_fd (&fd);
}

/* Whether @fd is the repository file or one beside it: a backup written
 * there would destroy what it backs up. */
static gboolean
is_repository_file (CrDaemon *self, int fd)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock", ".undo" };
  struct stat target;

  if (fstat (fd, &target) < 0)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (cr_repository_get_path (self->repository), suffixes[i], NULL);
      struct stat st;

      if (stat (path, &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_no_options (GDBusMethodInvocation *invocation, GVariant *options)
{
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, options);
  if (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             _("Unknown option “%s”"), key);
      return FALSE;
    }
  return TRUE;
}

/* Runs in a worker thread. */
static GVariant *
inspect_work (gpointer data, GCancellable *cancellable, GError **error)
{
  RepoCall *call = data;
  g_autoptr (CrBackupInfo) info = cr_backup_file_verify_fd_sync (call->fd, NULL, NULL, cancellable, error);

  if (info == NULL)
    return NULL;
  return g_variant_new ("(@a{sv})", cr_backup_info_to_variant (info));
}

static gboolean
handle_inspect_backup (CrRepository1 *iface, GDBusMethodInvocation *invocation, GUnixFDList *fd_list,
                       GVariant *handle, CrDaemon *self)
{
  RepoCall *call;
  int fd;

  if (!cr_daemon_begin_call (self, invocation, fd_list, TRUE))
    return TRUE;
  fd = take_fd (invocation, fd_list, handle, FALSE);
  if (fd < 0)
    return TRUE;
  call = repo_call_new (self, NULL, FALSE);
  call->fd = fd;
  cr_daemon_run_in_thread (self, invocation, inspect_work, call, (GDestroyNotify) repo_call_free, FALSE);
  return TRUE;
}

/* Backup and restore jobs */

typedef struct {
  CrDaemonJobKind kind;
  int fd;
  guint flags;
} JobRequest;

static void
job_request_free (JobRequest *req)
{
  cr_fd_closep (&req->fd);
  g_free (req);
}

static gboolean
unexport_job_cb (gpointer data)
{
  CrDaemonJob *job = data;
  CrDaemon *self = g_object_get_data (G_OBJECT (job), "cr-daemon");

  if (self != NULL)
    {
      g_dbus_object_manager_server_unexport (self->manager, cr_daemon_job_get_object_path (job));
      g_hash_table_remove (self->jobs, cr_daemon_job_get_object_path (job));
    }
  return G_SOURCE_REMOVE;
}

static void
job_finished_cb (CrDaemonJob *job, gboolean success, CrDaemon *self)
{
  const char *operation = cr_daemon_job_get_kind (job) == CR_DAEMON_JOB_BACKUP ? "Backup" : "Restore";

  if (self->running_backup == job)
    self->running_backup = NULL;
  if (self->running_restore == job)
    self->running_restore = NULL;
  update_state (self);
  cr_repository1_set_size (self->root, cr_repository_get_size (self->repository));
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->root));
  g_message ("%s job %s started by %s: %s", operation, cr_daemon_job_get_object_path (job),
             cr_daemon_job_get_started_by (job), cr_job1_get_state (cr_daemon_job_get_iface (job)));

  /* Late readers still find its end state for a while. */
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, JOB_LINGER_SECONDS, unexport_job_cb, g_object_ref (job),
                              g_object_unref);
  update_idle (self);
}

static gboolean
job_busy_error (CrDaemon *self, CrDaemonJobKind kind, GError **error)
{
  if (restore_in_progress (self))
    {
      if (kind == CR_DAEMON_JOB_BACKUP)
        g_set_error_literal (error, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                             _("The repository is being restored from a backup. Back it up when the restore is over"));
      else
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                             _("Another restore of this repository is in progress"));
      return TRUE;
    }
  if (self->running_backup != NULL || cr_repository_get_backup_in_progress (self->repository))
    {
      if (kind == CR_DAEMON_JOB_BACKUP)
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                             _("Another backup of this repository is in progress. Wait for it to finish"));
      else
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                             _("A backup of this repository is in progress. Restore after it has finished"));
      return TRUE;
    }
  if (kind == CR_DAEMON_JOB_RESTORE && cr_repository_get_paused (self->repository))
    {
      /* R9: say who paused it. */
      g_autofree char *holder = cr_repository_dup_paused_by (self->repository);
      g_autoptr (GDateTime) since = g_date_time_new_from_unix_local (cr_repository_get_paused_since (self->repository) / G_USEC_PER_SEC);
      g_autofree char *since_text = since != NULL ? g_date_time_format (since, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");

      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                   _("The repository has been paused by %s since %s. A paused repository cannot be restored: resume it first"),
                   holder != NULL ? holder : "?", since_text);
      return TRUE;
    }
  if (kind == CR_DAEMON_JOB_RESTORE && self->pause_pending)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                           _("The repository is being paused. A paused repository cannot be restored"));
      return TRUE;
    }
  return FALSE;
}

static void
start_job (CrDaemon *self, GDBusMethodInvocation *invocation, gpointer data)
{
  g_autoptr (CrDaemonJob) job = NULL;
  JobRequest *req = data;
  GError *error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *who = NULL;
  Client *client = client_find (self, g_dbus_method_invocation_get_sender (invocation));

  if (self->shutting_down)
    g_set_error_literal (&error, CR_ERROR, CR_ERROR_SHUTTING_DOWN, _("The service is stopping"));
  else if (client == NULL)
    g_set_error_literal (&error, CR_ERROR, CR_ERROR_SHUTTING_DOWN, _("The client has left the bus"));
  if (error != NULL || job_busy_error (self, req->kind, &error))
    {
      cr_daemon_return_error (invocation, error);
      job_request_free (req);
      return;
    }

  path = g_strdup_printf (CR_DBUS_REPOSITORY_PATH "/Job/%" G_GUINT64_FORMAT, ++self->next_job_id);
  job = cr_daemon_job_new (self->repository, req->kind, g_steal_fd (&req->fd), req->flags, client->name, path);
  job_request_free (req);
  g_object_set_data (G_OBJECT (job), "cr-daemon", self);
  g_signal_connect_object (job, "finished", G_CALLBACK (job_finished_cb), self, 0);
  g_signal_connect_object (cr_daemon_job_get_iface (job), "handle-cancel", G_CALLBACK (handle_job_cancel), self, 0);
  g_hash_table_insert (self->jobs, g_strdup (path), g_object_ref (job));
  g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (cr_daemon_job_get_object (job)));

  /* The service owns the job's timeline: the flag is up before the
   * engine starts, and down before Completed goes out. */
  if (cr_daemon_job_get_kind (job) == CR_DAEMON_JOB_BACKUP)
    self->running_backup = job;
  else
    self->running_restore = job;
  update_state (self);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->root));

  who = client_describe (client);
  g_message ("%s started by %s as %s",
             cr_daemon_job_get_kind (job) == CR_DAEMON_JOB_BACKUP ? "Backup" : "Restore", who, path);
  cr_daemon_job_start (job);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", path));
}

static gboolean
handle_backup (CrRepository1 *iface, GDBusMethodInvocation *invocation, GUnixFDList *fd_list, GVariant *handle,
               guint flags, GVariant *options, CrDaemon *self)
{
  JobRequest *req;
  int fd;

  if (!cr_daemon_begin_call (self, invocation, fd_list, TRUE))
    return TRUE;
  /* B1 */
  if (flags != 0)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             _("Backup flags are reserved and must be 0 (got 0x%x)"), flags);
      return TRUE;
    }
  if (!check_no_options (invocation, options))
    return TRUE;
  fd = take_fd (invocation, fd_list, handle, TRUE);
  if (fd < 0)
    return TRUE;
  if (is_repository_file (self, fd))
    {
      cr_fd_closep (&fd);
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                                     _("The file is the repository itself; choose another file for the backup"));
      return TRUE;
    }

  req = g_new0 (JobRequest, 1);
  req->kind = CR_DAEMON_JOB_BACKUP;
  req->fd = fd;
  req->flags = flags;
  cr_daemon_authorize (self, invocation, CR_ACTION_BACKUP, start_job, req, (GDestroyNotify) job_request_free);
  return TRUE;
}

static gboolean
handle_restore (CrRepository1 *iface, GDBusMethodInvocation *invocation, GUnixFDList *fd_list, GVariant *handle,
                guint flags, GVariant *options, CrDaemon *self)
{
  JobRequest *req;
  int fd;

  if (!cr_daemon_begin_call (self, invocation, fd_list, TRUE))
    return TRUE;
  /* R1 */
  if (flags & ~(guint) CR_RESTORE_FLAGS_FORCE_SHUTDOWN)
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             _("Unknown restore flags 0x%x"), flags & ~(guint) CR_RESTORE_FLAGS_FORCE_SHUTDOWN);
      return TRUE;
    }
  if (!(flags & CR_RESTORE_FLAGS_FORCE_SHUTDOWN))
    {
      guint n = g_hash_table_size (self->connections);

      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "A restore needs the force-shutdown flag (0x1): it disconnects every client (%u is connected now)",
                                                          "A restore needs the force-shutdown flag (0x1): it disconnects every client (%u are connected now)",
                                                          n),
                                             n);
      return TRUE;
    }
  if (!check_no_options (invocation, options))
    return TRUE;
  fd = take_fd (invocation, fd_list, handle, FALSE);
  if (fd < 0)
    return TRUE;

  req = g_new0 (JobRequest, 1);
  req->kind = CR_DAEMON_JOB_RESTORE;
  req->fd = fd;
  req->flags = flags;
  cr_daemon_authorize (self, invocation, CR_ACTION_RESTORE, start_job, req, (GDestroyNotify) job_request_free);
  return TRUE;
}

static void
authorized_cancel (CrDaemon *self, GDBusMethodInvocation *invocation, gpointer data)
{
  g_autoptr (CrDaemonJob) job = data;
  Client *client = client_find (self, g_dbus_method_invocation_get_sender (invocation));
  g_autofree char *who = client != NULL ? client_describe (client) : g_strdup (g_dbus_method_invocation_get_sender (invocation));

  g_message ("Job %s cancelled by %s", cr_daemon_job_get_object_path (job), who);
  cr_daemon_job_cancel (job);
  cr_job1_complete_cancel (cr_daemon_job_get_iface (job), invocation);
}

static gboolean
handle_job_cancel (CrJob1 *iface, GDBusMethodInvocation *invocation, CrDaemon *self)
{
  CrDaemonJob *job = g_hash_table_lookup (self->jobs, g_dbus_method_invocation_get_object_path (invocation));

  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE))
    return TRUE;
  if (job == NULL || !cr_daemon_job_is_running (job))
    {
      g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                                             _("The job %s has already finished"),
                                             g_dbus_method_invocation_get_object_path (invocation));
      return TRUE;
    }
  /* Its starter may cancel it; anyone else needs the operation's right. */
  if (g_strcmp0 (g_dbus_method_invocation_get_sender (invocation), cr_daemon_job_get_started_by (job)) == 0)
    authorized_cancel (self, invocation, g_object_ref (job));
  else
    cr_daemon_authorize (self, invocation, cr_daemon_job_get_action_id (job), authorized_cancel,
                         g_object_ref (job), g_object_unref);
  return TRUE;
}

/* Pause and resume */

typedef struct {
  CrDaemon *daemon;
  Client *client;
  GDBusMethodInvocation *invocation;
} PauseRequest;

/* Runs in a worker thread: dropping a pause handle resumes (P5), and a
 * resume writes. */
static void
release_pause_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_object_unref (g_task_get_task_data (task));
  g_task_set_task_data (task, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
release_pause (CrDaemon *self, CrPauseHandle *handle)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, release_pause);
  g_task_set_task_data (task, handle, NULL);
  g_task_run_in_thread (task, release_pause_thread);
}

/* Runs in a worker thread. */
static void
pause_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  CrPauseHandle *handle = cr_repository_pause_sync (source, task_data, NULL, NULL, cancellable, &error);

  if (handle == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, handle, g_object_unref);
}

static void
pause_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PauseRequest *req = user_data;
  g_autoptr (CrDaemon) self = req->daemon;
  g_autoptr (Client) client = req->client;
  g_autoptr (CrPauseHandle) handle = NULL;
  GError *error = NULL;

  self->pause_pending = FALSE;
  handle = g_task_propagate_pointer (G_TASK (result), &error);
  if (handle != NULL && (client->gone || self->shutting_down))
    {
      g_message ("%s left the bus while it paused the repository; resuming", client->name);
      release_pause (self, g_steal_pointer (&handle));
      g_set_error_literal (&error, CR_ERROR, CR_ERROR_SHUTTING_DOWN, _("The client has left the bus"));
    }

  if (handle == NULL)
    cr_daemon_return_error (req->invocation, error);
  else
    {
      g_autofree char *who = client_describe (client);

      g_clear_object (&self->pause_handle);
      self->pause_handle = g_steal_pointer (&handle);
      g_free (self->pause_holder);
      self->pause_holder = g_strdup (client->name);
      g_message ("Repository paused by %s", who);
      update_state (self);
      g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->root));
      cr_repository1_complete_pause (self->root, req->invocation);
    }
  update_idle (self);
  g_free (req);
}

static void
authorized_pause (CrDaemon *self, GDBusMethodInvocation *invocation, gpointer data)
{
  g_autoptr (GTask) task = NULL;
  guint delay = GPOINTER_TO_UINT (data);
  Client *client = client_find (self, g_dbus_method_invocation_get_sender (invocation));
  PauseRequest *req;

  if (client == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_SHUTTING_DOWN,
                                                     _("The client has left the bus"));
      return;
    }
  if (self->pause_pending)
    {
      g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                                                     _("Someone else is pausing the repository at this moment"));
      return;
    }
  req = g_new0 (PauseRequest, 1);
  req->daemon = g_object_ref (self);
  req->client = client_ref (client);
  req->invocation = invocation;

  /* One pause at a time goes through here, so the delay is this one's. */
  self->pause_pending = TRUE;
  cr_repository_set_auto_resume_delay (self->repository, delay);
  task = g_task_new (self->repository, NULL, pause_done_cb, req);
  g_task_set_source_tag (task, authorized_pause);
  g_task_set_task_data (task, g_strdup (req->client->name), g_free);
  g_task_run_in_thread (task, pause_thread);
}

static gboolean
handle_pause (CrRepository1 *iface, GDBusMethodInvocation *invocation, GVariant *options, CrDaemon *self)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  guint delay = self->auto_resume_seconds;

  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE))
    return TRUE;
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_strcmp0 (key, "auto-resume") == 0 && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) &&
          g_variant_get_uint32 (value) >= 1 && g_variant_get_uint32 (value) <= MAX_AUTO_RESUME_SECONDS)
        delay = g_variant_get_uint32 (value);
      else if (g_strcmp0 (key, "auto-resume") == 0)
        {
          g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                                 _("The option “auto-resume” must be a number of seconds (u) from 1 to %u"),
                                                 (guint) MAX_AUTO_RESUME_SECONDS);
          g_variant_unref (value);
          return TRUE;
        }
      else
        {
          g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                                                 _("Unknown option “%s”"), key);
          g_variant_unref (value);
          return TRUE;
        }
    }
  cr_daemon_authorize (self, invocation, CR_ACTION_PAUSE, authorized_pause, GUINT_TO_POINTER (delay), NULL);
  return TRUE;
}

/* Runs in a worker thread. */
static void
resume_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (cr_pause_handle_resume_sync (source, NULL, NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
resume_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  CrDaemon *self = g_object_get_data (G_OBJECT (result), "cr-daemon");
  GError *error = NULL;

  /* Done with, whichever way it went: resumed, or ended by itself. */
  if (self->pause_handle == CR_PAUSE_HANDLE (source))
    {
      g_clear_object (&self->pause_handle);
      g_clear_pointer (&self->pause_holder, g_free);
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    cr_daemon_return_error (invocation, error);
  else
    {
      Client *client = client_find (self, g_dbus_method_invocation_get_sender (invocation));
      g_autofree char *who = client != NULL ? client_describe (client) : g_strdup (g_dbus_method_invocation_get_sender (invocation));

      g_message ("Repository resumed by %s", who);
      update_state (self);
      g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->root));
      cr_repository1_complete_resume (self->root, invocation);
    }
  update_idle (self);
}

static gboolean
handle_resume (CrRepository1 *iface, GDBusMethodInvocation *invocation, CrDaemon *self)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  g_autoptr (GTask) task = NULL;

  if (!cr_daemon_begin_call (self, invocation, NULL, FALSE))
    return TRUE;
  if (self->pause_handle == NULL || g_strcmp0 (sender, self->pause_holder) != 0)
    {
      g_autofree char *holder = cr_repository_dup_paused_by (self->repository);

      /* U2, then U1 */
      if (holder != NULL)
        g_dbus_method_invocation_return_error (invocation, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                                               _("The repository has been paused by %s; only they can resume it"), holder);
      else
        g_dbus_method_invocation_return_error_literal (invocation, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                                                       _("The repository is not paused"));
      return TRUE;
    }

  task = g_task_new (self->pause_handle, NULL, resume_done_cb, invocation);
  g_task_set_source_tag (task, handle_resume);
  g_object_set_data_full (G_OBJECT (task), "cr-daemon", g_object_ref (self), g_object_unref);
  g_task_run_in_thread (task, resume_thread);
  return TRUE;
}

/* Clients that leave */

static void
client_gone (CrDaemon *self, const char *name)
{
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;
  Client *client = g_hash_table_lookup (self->clients, name);

  if (client == NULL)
    return;
  client->gone = TRUE;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (g_strcmp0 (cr_daemon_connection_get_owner (value), name) == 0)
        g_ptr_array_add (owned, g_object_ref (value));
    }
  for (guint i = 0; i < owned->len; i++)
    remove_connection (self, g_ptr_array_index (owned, i), "gone");
  if (owned->len > 0)
    g_message ("%s left the bus; closed its %u namespace connection(s)", name, owned->len);

  /* P5: the pause belongs to the connection that made it. */
  if (self->pause_handle != NULL && g_strcmp0 (self->pause_holder, name) == 0)
    {
      g_message ("%s left the bus while it held the pause; resuming", name);
      release_pause (self, g_steal_pointer (&self->pause_handle));
      g_clear_pointer (&self->pause_holder, g_free);
    }

  g_hash_table_remove (self->clients, name);
  update_idle (self);
}

static void
name_owner_changed_cb (GDBusConnection *bus, const char *sender, const char *object_path,
                       const char *interface_name, const char *signal_name, GVariant *parameters,
                       gpointer user_data)
{
  const char *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (name[0] == ':' && *new_owner == '\0')
    client_gone (user_data, name);
}

/* GObject */

static void
cr_daemon_dispose (GObject *object)
{
  CrDaemon *self = CR_DAEMON (object);

  cr_daemon_shutdown (self);
  if (self->repository != NULL)
    g_signal_handlers_disconnect_by_data (self->repository, self);
  if (self->root != NULL)
    g_signal_handlers_disconnect_by_data (self->root, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->root);
  g_clear_object (&self->authority);
  g_clear_object (&self->repository);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (cr_daemon_parent_class)->dispose (object);
}

static void
cr_daemon_finalize (GObject *object)
{
  CrDaemon *self = CR_DAEMON (object);

  g_hash_table_unref (self->clients);
  g_hash_table_unref (self->connections);
  g_hash_table_unref (self->jobs);
  g_queue_clear (&self->closed_order);
  g_hash_table_unref (self->closed);
  g_free (self->pause_holder);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (cr_daemon_parent_class)->finalize (object);
}

static void
cr_daemon_class_init (CrDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_daemon_dispose;
  object_class->finalize = cr_daemon_finalize;

  /**
   * CrDaemon::idle:
   *
   * Emitted when the service has had nothing to do for its idle timeout.
   */
  signals[SIGNAL_IDLE] =
    g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cr_daemon_init (CrDaemon *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) client_unref);
  self->connections = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->closed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * cr_daemon_new:
 * @bus: the bus to serve on; the caller owns the name afterwards
 * @auto_resume_seconds: the default auto-resume delay of a pause
 *
 * Exports the repository at /org/cimrepo/Repository1, with an object
 * manager there for its connections and jobs.
 */
CrDaemon *
cr_daemon_new (GDBusConnection *bus, CrRepository *repository, CrAuthority *authority,
               guint auto_resume_seconds, GError **error)
{
  g_autoptr (CrDaemon) self = g_object_new (CR_TYPE_DAEMON, NULL);

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (bus), NULL);
  g_return_val_if_fail (CR_IS_REPOSITORY (repository), NULL);
  g_return_val_if_fail (auto_resume_seconds > 0, NULL);

  self->bus = g_object_ref (bus);
  self->repository = g_object_ref (repository);
  self->authority = g_object_ref (authority);
  self->auto_resume_seconds = auto_resume_seconds;

  self->root = cr_repository1_skeleton_new ();
  cr_repository1_set_version (self->root, PACKAGE_VERSION);
  cr_repository1_set_path (self->root, cr_repository_get_path (repository));
  cr_repository1_set_size (self->root, cr_repository_get_size (repository));
  update_state (self);
  g_signal_connect_object (repository, "notify", G_CALLBACK (repository_notify_cb), self, 0);

  g_signal_connect (self->root, "handle-get-summary", G_CALLBACK (handle_get_summary), self);
  g_signal_connect (self->root, "handle-open-namespace", G_CALLBACK (handle_open_namespace), self);
  g_signal_connect (self->root, "handle-list-connections", G_CALLBACK (handle_list_connections), self);
  g_signal_connect (self->root, "handle-list-namespaces", G_CALLBACK (handle_list_namespaces), self);
  g_signal_connect (self->root, "handle-create-namespace", G_CALLBACK (handle_create_namespace), self);
  g_signal_connect (self->root, "handle-delete-namespace", G_CALLBACK (handle_delete_namespace), self);
  g_signal_connect (self->root, "handle-import", G_CALLBACK (handle_import), self);
  g_signal_connect (self->root, "handle-backup", G_CALLBACK (handle_backup), self);
  g_signal_connect (self->root, "handle-restore", G_CALLBACK (handle_restore), self);
  g_signal_connect (self->root, "handle-pause", G_CALLBACK (handle_pause), self);
  g_signal_connect (self->root, "handle-resume", G_CALLBACK (handle_resume), self);
  g_signal_connect (self->root, "handle-verify-repository", G_CALLBACK (handle_verify_repository), self);
  g_signal_connect (self->root, "handle-inspect-backup", G_CALLBACK (handle_inspect_backup), self);

  /* Before anything is exported: no client may leave unnoticed. */
  self->name_owner_changed_id =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                                        "/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        name_owner_changed_cb, self, NULL);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->root), bus, CR_DBUS_REPOSITORY_PATH, error))
    return NULL;
  self->manager = g_dbus_object_manager_server_new (CR_DBUS_REPOSITORY_PATH);
  g_dbus_object_manager_server_set_connection (self->manager, bus);
  self->closed_subtree_id =
    g_dbus_connection_register_subtree (bus, CR_DAEMON_CONNECTION_PATH, &closed_subtree,
                                        G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES, self, NULL, error);
  if (self->closed_subtree_id == 0)
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
jobs_running (CrDaemon *self)
{
  return self->running_backup != NULL || self->running_restore != NULL;
}

/**
 * cr_daemon_shutdown:
 *
 * Stops serving: refuses new calls, cancels the jobs and waits for them,
 * closes every connection (reason "shutdown"), ends the pause, and takes
 * everything off the bus. The repository stays open; the caller closes
 * it. Safe to call twice.
 */
void
cr_daemon_shutdown (CrDaemon *self)
{
  g_autoptr (GPtrArray) all = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CR_IS_DAEMON (self));
  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;

  if (self->idle_source != NULL)
    {
      g_source_destroy (self->idle_source);
      g_clear_pointer (&self->idle_source, g_source_unref);
    }

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (cr_daemon_job_is_running (value))
        cr_daemon_job_cancel (value);
    }
  if (jobs_running (self) || self->pause_pending)
    g_message ("Waiting for the running job or pause to end");
  while (jobs_running (self) || self->pause_pending)
    g_main_context_iteration (self->context, TRUE);

  all = list_connections (self);
  for (guint i = 0; i < all->len; i++)
    remove_connection (self, g_ptr_array_index (all, i), "shutdown");

  if (self->pause_handle != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!cr_pause_handle_resume_sync (self->pause_handle, NULL, NULL, NULL, &error))
        g_debug ("Resume at shutdown: %s", error->message);
      g_clear_object (&self->pause_handle);
      g_clear_pointer (&self->pause_holder, g_free);
    }

  if (self->connections_changed_id != 0)
    {
      g_source_remove (self->connections_changed_id);
      self->connections_changed_id = 0;
    }
  if (self->name_owner_changed_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->bus, self->name_owner_changed_id);
      self->name_owner_changed_id = 0;
    }
  if (self->closed_subtree_id != 0)
    {
      g_dbus_connection_unregister_subtree (self->bus, self->closed_subtree_id);
      self->closed_subtree_id = 0;
    }
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_object_set_data (value, "cr-daemon", NULL);
  g_hash_table_remove_all (self->jobs);
  if (self->manager != NULL)
    g_dbus_object_manager_server_set_connection (self->manager, NULL);
  if (self->root != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->root));
}
