/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cr-app-test-utils.h"
#include "cr-application.h"
#include "cr-client-private.h"
#include "cr-format.h"
#include "cr-restore-dialog-private.h"
#include "cr-style-manager.h"
#include "cr-test-utils.h"
#include "cr-window-private.h"

/*
 * The app's windows and dialogs, for real, in this process: a registered
 * CrApplication on a private session bus (GTestDBus), with a fake
 * notification server and a fake Settings portal on it, and windows on
 * repositories of their own (local mode).
 *
 * "Someone else" (a pause held by another client, clients with names,
 * a polkit refusal) cannot be made in local mode, where one process has
 * the repository. Those tests give the window a client on a fake backend
 * (cr-client-private.h) whose state the test sets, which is the state as
 * the window sees it. Each such test goes through an `Elsewhere` driver:
 * a session-mode driver (cimrepod --session and cimrepoctl) can join it
 * when the remote backend lands.
 */

#define TIMEOUT_MS (60 * 1000)

static CrApplication *app;
static CrTestDir *data_home;
static GPtrArray *notifications; /* summaries received by the fake server */
static GMutex notifications_lock;

/* Waiting on the main loop */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds, for at most @ms */
#define WAIT_UNTIL(cond, ms)                                                                  \
  G_STMT_START                                                                                \
  {                                                                                           \
    gint64 end_ = g_get_monotonic_time () + (gint64) (ms) *1000;                              \
    guint tick_ = g_timeout_add (10, tick_cb, NULL);                                          \
    while (!(cond) && g_get_monotonic_time () < end_)                                         \
      g_main_context_iteration (NULL, TRUE);                                                  \
    g_source_remove (tick_);                                                                  \
    if (!(cond))                                                                              \
      g_error ("%s:%d: timed out after %d ms waiting for %s", __FILE__, __LINE__, (int) (ms), \
               #cond);                                                                        \
  }                                                                                           \
  G_STMT_END

/* Repositories and windows */

static char *
new_repository (CrTestDir *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_dir_file (dir, name);
  g_autoptr (CrRepository) repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_CREATE, NULL, &error);
  g_autoptr (CrClient) client = NULL;

  g_assert_no_error (error);
  cr_repository_close (repo);
  client = cr_client_new_local_sync (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_client_populate_sample (client, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static CrWindow *
new_window (CrClient *client)
{
  CrWindow *window = cr_window_new (app);
  guint serial;

  gtk_window_present (GTK_WINDOW (window));
  if (client != NULL)
    {
      cr_window_set_client (window, client);
      serial = cr_window_get_summary_serial (window);
      WAIT_UNTIL (cr_window_get_summary_serial (window) > serial, TIMEOUT_MS);
    }
  return window;
}

static void
destroy_window (CrWindow *window)
{
  GtkWidget *widget = GTK_WIDGET (window);

  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &widget);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_UNTIL (widget == NULL, TIMEOUT_MS);
}

static char *
make_backup (CrClient *client, CrTestDir *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cr_test_dir_file (dir, name);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  g_assert_true (cr_client_backup_sync (client, file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static guint
count_connections (CrClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) connections = cr_client_list_connections_sync (client, NULL, &error);

  g_assert_no_error (error);
  return connections->len;
}

static void
open_connection (CrClient *client, const char *namespace_)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) classes = cr_client_enumerate_classes_sync (client, namespace_, NULL, FALSE, NULL, &error);

  g_assert_no_error (error);
}

/* A fake backend: the repository as another process would make it look */

typedef struct {
  CrClientBackend parent;
  CrClientState state;
  char *paused_by;
  GPtrArray *connections; /* CrConnectionInfo */
  gboolean restore_called;
  guint32 restore_flags;
  GError *restore_error;
} FakeBackend;

static GVariant *
fake_reply (FakeBackend *self, const char *method, GVariant *args, GError **error)
{
  if (g_str_equal (method, "GetSummary"))
    {
      g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

      g_variant_builder_add (&b, "{sv}", "location", g_variant_new_string ("/srv/fake/repository.db"));
      g_variant_builder_add (&b, "{sv}", "id", g_variant_new_string ("fake"));
      g_variant_builder_add (&b, "{sv}", "schema-version", g_variant_new_uint32 (2));
      g_variant_builder_add (&b, "{sv}", "size", g_variant_new_uint64 (4096));
      g_variant_builder_add (&b, "{sv}", "namespaces", g_variant_new_uint64 (7));
      g_variant_builder_add (&b, "{sv}", "classes", g_variant_new_uint64 (70));
      g_variant_builder_add (&b, "{sv}", "instances", g_variant_new_uint64 (700));
      g_variant_builder_add (&b, "{sv}", "last-backup", g_variant_new_int64 (0));
      return g_variant_new ("(a{sv})", &b);
    }
  if (g_str_equal (method, "ListConnections"))
    {
      g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(osxxssx)"));

      for (guint i = 0; i < self->connections->len; i++)
        {
          CrConnectionInfo *c = g_ptr_array_index (self->connections, i);
          g_variant_builder_add (&b, "(osxxssx)", c->id, c->client_name, c->pid, c->uid,
                                 c->process_name != NULL ? c->process_name : "", c->namespace_, c->connected_at);
        }
      return g_variant_new ("(a(osxxssx))", &b);
    }
  if (g_str_equal (method, "Restore"))
    {
      self->restore_called = TRUE;
      g_variant_get (args, "(u)", &self->restore_flags);
      if (self->restore_error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->restore_error));
          return NULL;
        }
      return g_variant_new ("()");
    }
  g_set_error (error, CR_ERROR, CR_ERROR_NOT_SUPPORTED, "The fake backend has no %s", method);
  return NULL;
}

static void
fake_call (CrClientBackend *backend, const char *method, GVariant *args, int fd, CrProgressFunc progress,
           gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  FakeBackend *self = (FakeBackend *) backend;
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GVariant) owned = g_variant_ref_sink (args);
  GError *error = NULL;
  GVariant *reply = fake_reply (self, method, owned, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_variant_ref_sink (reply), (GDestroyNotify) g_variant_unref);
}

static GVariant *
fake_call_finish (CrClientBackend *backend, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_publish (FakeBackend *self)
{
  CrClientState state = self->state;

  state.paused_by = self->paused_by;
  cr_client_update_state (self->parent.client, &state);
}

static void
fake_attach (CrClientBackend *backend)
{
  fake_publish ((FakeBackend *) backend);
}

static void
fake_free (CrClientBackend *backend)
{
  FakeBackend *self = (FakeBackend *) backend;

  g_free (self->paused_by);
  g_ptr_array_unref (self->connections);
  g_clear_error (&self->restore_error);
  g_free (self);
}

static void
fake_add_connection (FakeBackend *self, const char *client, gint64 pid, const char *process, const char *namespace_)
{
  CrConnectionInfo info = {
    .id = (char *) "/org/cimrepo/Repository1/Connection/1",
    .client_name = (char *) client,
    .pid = pid,
    .uid = 0,
    .process_name = (char *) process,
    .namespace_ = (char *) namespace_,
    .connected_at = g_get_real_time (),
  };

  g_ptr_array_add (self->connections, cr_connection_info_copy (&info));
}

static CrClient *
fake_client_new (FakeBackend **out_backend)
{
  FakeBackend *self = g_new0 (FakeBackend, 1);

  self->parent.call = fake_call;
  self->parent.call_finish = fake_call_finish;
  self->parent.attach = fake_attach;
  self->parent.free = fake_free;
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_connection_info_free);
  *out_backend = self;
  return cr_client_new_with_backend (CR_CLIENT_MODE_LOCAL, "/srv/fake/repository.db", &self->parent);
}

/* Someone else pausing and resuming: in these tests through the fake
 * backend; a session-mode driver would run `cimrepoctl --session pause`. */
typedef struct {
  FakeBackend *fake;
} Elsewhere;

static void
elsewhere_pause (Elsewhere *elsewhere, const char *holder)
{
  FakeBackend *fake = elsewhere->fake;

  fake->state.paused = TRUE;
  g_free (fake->paused_by);
  fake->paused_by = g_strdup (holder);
  fake->state.paused_since = g_get_real_time ();
  fake->state.auto_resume_at = fake->state.paused_since + 15 * 60 * G_USEC_PER_SEC;
  fake->state.holds_pause = FALSE;
  fake_publish (fake);
}

static void
elsewhere_resume (Elsewhere *elsewhere)
{
  FakeBackend *fake = elsewhere->fake;

  fake->state.paused = FALSE;
  g_clear_pointer (&fake->paused_by, g_free);
  fake->state.paused_since = 0;
  fake->state.auto_resume_at = 0;
  fake_publish (fake);
}

/* A fake notification server and a fake Settings portal on the test's bus */

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "</interface></node>";

static const char portal_xml[] =
  "<node><interface name='org.freedesktop.portal.Settings'>"
  "<method name='Read'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='v' direction='out'/></method>"
  "<signal name='SettingChanged'><arg type='s'/><arg type='s'/><arg type='v'/></signal>"
  "</interface>"
  "<interface name='org.freedesktop.portal.Inhibit'>"
  "<method name='Inhibit'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "</interface></node>";

static guint32 portal_color_scheme = 1; /* prefer dark */

static void
fake_method_cb (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
                const char *method, GVariant *parameters, GDBusMethodInvocation *invocation, gpointer user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      const char *summary = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_mutex_lock (&notifications_lock);
      g_ptr_array_add (notifications, g_strdup (summary));
      g_mutex_unlock (&notifications_lock);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1u));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as ['body'],)"));
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "fake", "cimrepo", "1", "1.2"));
  else if (g_str_equal (method, "Inhibit"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(o)", "/org/freedesktop/portal/desktop/request/1/t"));
  else if (g_str_equal (method, "Read"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(v)", g_variant_new_variant (
                                                                   g_variant_new_uint32 (portal_color_scheme))));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
export_fake (GDBusConnection *bus, const char *xml, const char *path, const char *name)
{
  static const GDBusInterfaceVTable vtable = { fake_method_cb, NULL, NULL, { 0 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, &error);
  g_autoptr (GVariant) reply = NULL;

  g_assert_no_error (error);
  for (guint i = 0; info->interfaces[i] != NULL; i++)
    {
      g_dbus_connection_register_object (bus, path, info->interfaces[i], &vtable, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", name, 4u), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* The fake services run in a thread of their own, on a connection of
 * their own: GTK calls some of them synchronously from this thread. */
typedef struct {
  const char *address;
  GMutex lock;
  GCond cond;
  gboolean ready;
} FakeServices;

static gpointer
fake_services_thread (gpointer data)
{
  FakeServices *services = data;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GError) error = NULL;

  g_main_context_push_thread_default (context);
  bus = g_dbus_connection_new_for_address_sync (services->address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  export_fake (bus, notifications_xml, "/org/freedesktop/Notifications", "org.freedesktop.Notifications");
  export_fake (bus, portal_xml, "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Desktop");
  g_mutex_lock (&services->lock);
  services->ready = TRUE;
  g_cond_signal (&services->cond);
  g_mutex_unlock (&services->lock);
  for (;;)
    g_main_context_iteration (context, TRUE);
  return NULL;
}

static void
start_fake_services (const char *address)
{
  static FakeServices services;

  services.address = address;
  g_mutex_init (&services.lock);
  g_cond_init (&services.cond);
  g_thread_unref (g_thread_new ("fake-services", fake_services_thread, &services));
  g_mutex_lock (&services.lock);
  while (!services.ready)
    g_cond_wait (&services.cond, &services.lock);
  g_mutex_unlock (&services.lock);
}

static guint
count_notifications (void)
{
  guint n;

  g_mutex_lock (&notifications_lock);
  n = notifications->len;
  g_mutex_unlock (&notifications_lock);
  return n;
}

static char *
dup_notification (guint i)
{
  char *summary;

  g_mutex_lock (&notifications_lock);
  summary = g_strdup (g_ptr_array_index (notifications, i));
  g_mutex_unlock (&notifications_lock);
  return summary;
}

/* The tests */

static void
test_format (void)
{
  g_autofree char *progress = cr_format_progress (450 * 1000 * 1000, 1000 * 1000 * 1000, 3750 * 1000);
  g_autofree char *start = cr_format_progress (0, 0, 0);
  g_autofree char *countdown = cr_format_countdown (14 * 60 + 32);
  g_autofree char *hours = cr_format_countdown (3723);
  g_autofree char *name = cr_format_backup_name (g_get_real_time ());

  /* g_format_size() puts a no-break space before the unit */
  g_assert_cmpstr (progress, ==, "45 % — 450.0\u00a0MB of 1.0\u00a0GB · 120.0\u00a0MB/s · about 5 seconds left");
  g_assert_cmpstr (start, ==, "0 bytes so far");
  g_assert_cmpstr (countdown, ==, "14:32");
  g_assert_cmpstr (hours, ==, "1:02:03");
  g_assert_true (g_str_has_prefix (name, "repository-"));
  g_assert_true (g_str_has_suffix (name, ".cimbak"));
  g_assert_cmpuint (strlen (name), ==, strlen ("repository-YYYY-MM-DD-HHMM.cimbak"));
}

static void
test_open (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *missing = cr_test_dir_file (dir, "missing.db");
  CrWindow *window = new_window (NULL);

  /* The user's own repository, created with its sample */
  cr_window_open_local (window, NULL);
  WAIT_UNTIL (g_strcmp0 (cr_window_get_main_page (window), "content") == 0 &&
                cr_window_get_summary_serial (window) > 0,
              TIMEOUT_MS);
  g_assert_cmpstr (cr_window_get_field (window, "namespaces"), ==, "2");
  g_assert_cmpstr (cr_window_get_field (window, "state"), ==, "Ready");
  g_assert_cmpstr (cr_window_get_field (window, "last-backup"), ==, "Never");
  g_assert_true (g_str_has_suffix (cr_window_get_field (window, "location"), "cimrepo/repository.db"));

  /* A file that is not there: said on the window, not in a dialog */
  cr_window_open_local (window, missing);
  WAIT_UNTIL (g_strcmp0 (cr_window_get_main_page (window), "error") == 0, TIMEOUT_MS);
  g_assert_cmpstr (cr_window_get_error_title (window), ==, "Could Not Open the Repository");
  g_assert_null (cr_window_get_client (window));

  /* A service that does not answer */
  cr_window_connect_remote (window, CR_CLIENT_MODE_SESSION, FALSE);
  WAIT_UNTIL (g_strcmp0 (cr_window_get_main_page (window), "error") == 0 &&
                g_strcmp0 (cr_window_get_error_title (window), "The Session Repository Is Not Reachable") == 0,
              TIMEOUT_MS);
  destroy_window (window);
}

static void
test_accessible_names (void)
{
  CrWindow *window = new_window (NULL);

  gtk_test_accessible_assert_property (cr_window_get_lock_image (window), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Repository Paused");
  gtk_test_accessible_assert_property (cr_window_get_pause_button (window), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Pause Repository");
  gtk_test_accessible_assert_property (cr_window_get_busy_spinner (window), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Operation in Progress");
  destroy_window (window);
}

static void
test_pause_own (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  CrWindow *window;

  g_assert_no_error (error);
  window = new_window (client);
  g_assert_false (gtk_widget_get_visible (cr_window_get_lock_image (window)));
  g_assert_false (cr_window_get_banner_revealed (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-pause", NULL));
  WAIT_UNTIL (gtk_widget_get_visible (cr_window_get_lock_image (window)), TIMEOUT_MS);
  WAIT_UNTIL (cr_client_get_holds_pause (client), TIMEOUT_MS);
  g_assert_true (cr_window_get_banner_revealed (window));
  g_assert_true (g_str_has_prefix (cr_window_get_banner_text (window), "Paused by "));
  g_assert_nonnull (strstr (cr_window_get_banner_text (window), "Writes wait. Resumes automatically in 1"));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cr_window_get_pause_button (window))));
  g_assert_true (gtk_widget_get_visible (cr_window_get_banner_button (window)));
  /* Once the pause call has returned, the holder may resume */
  WAIT_UNTIL (gtk_widget_is_sensitive (cr_window_get_banner_button (window)), TIMEOUT_MS);
  g_assert_null (gtk_widget_get_tooltip_text (cr_window_get_banner_button (window)));
  g_assert_cmpstr (cr_window_get_field (window, "state"), ==, "Paused");
  /* No restore while paused (R9); a backup reads, it may run */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restore", NULL));
  g_assert_null (cr_window_get_restore_dialog (window));
  g_assert_false (cr_window_get_busy (window));

  /* The holder resumes, from the banner */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.resume", NULL);
  WAIT_UNTIL (!gtk_widget_get_visible (cr_window_get_lock_image (window)), TIMEOUT_MS);
  WAIT_UNTIL (!cr_window_get_banner_revealed (window), TIMEOUT_MS);
  g_assert_false (cr_client_get_paused (client));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cr_window_get_pause_button (window))));
  g_assert_cmpstr (cr_window_get_field (window, "state"), ==, "Ready");

  /* And with the toggle (Ctrl+P) both ways. The toggle is disabled while
   * a pause or resume call is under way: wait for it to return. */
  WAIT_UNTIL (gtk_widget_is_sensitive (cr_window_get_pause_button (window)), TIMEOUT_MS);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-pause", NULL);
  WAIT_UNTIL (gtk_widget_get_visible (cr_window_get_lock_image (window)), TIMEOUT_MS);
  WAIT_UNTIL (cr_client_get_holds_pause (client) &&
                gtk_widget_is_sensitive (cr_window_get_pause_button (window)),
              TIMEOUT_MS);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-pause", NULL);
  WAIT_UNTIL (!gtk_widget_get_visible (cr_window_get_lock_image (window)), TIMEOUT_MS);
  g_assert_false (cr_client_get_paused (client));
  destroy_window (window);
}

static void
test_pause_elsewhere (void)
{
  FakeBackend *fake = NULL;
  g_autoptr (CrClient) client = fake_client_new (&fake);
  Elsewhere elsewhere = { fake };
  CrWindow *window = new_window (client);
  gint64 start;

  g_assert_cmpstr (cr_window_get_field (window, "instances"), ==, "700");
  g_assert_false (gtk_widget_get_visible (cr_window_get_lock_image (window)));

  start = g_get_monotonic_time ();
  elsewhere_pause (&elsewhere, "rsync (pid 4242)");
  WAIT_UNTIL (gtk_widget_get_visible (cr_window_get_lock_image (window)), 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_true (cr_window_get_banner_revealed (window));
  g_assert_true (g_str_has_prefix (cr_window_get_banner_text (window), "Paused by rsync (pid 4242) since "));
  g_assert_nonnull (strstr (cr_window_get_banner_text (window), "Resumes automatically in 1"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (cr_window_get_lock_image (window)),
                            "Paused by rsync (pid 4242) since "));
  /* Only the holder may resume: the banner's button shows, disabled */
  g_assert_true (gtk_widget_get_visible (cr_window_get_banner_button (window)));
  g_assert_false (gtk_widget_is_sensitive (cr_window_get_banner_button (window)));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (cr_window_get_banner_button (window)), "Only the client"));
  g_assert_false (gtk_widget_is_sensitive (cr_window_get_pause_button (window)));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cr_window_get_pause_button (window))));

  start = g_get_monotonic_time ();
  elsewhere_resume (&elsewhere);
  WAIT_UNTIL (!gtk_widget_get_visible (cr_window_get_lock_image (window)), 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  WAIT_UNTIL (!cr_window_get_banner_revealed (window), 1000);
  g_assert_true (gtk_widget_is_sensitive (cr_window_get_pause_button (window)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cr_window_get_pause_button (window))));

  /* A backup by someone else: a banner, and no restore meanwhile */
  fake->state.backup_in_progress = TRUE;
  fake_publish (fake);
  WAIT_UNTIL (cr_window_get_banner_revealed (window), 1000);
  g_assert_true (g_str_has_prefix (cr_window_get_banner_text (window), "Another client is backing up"));
  g_assert_true (gtk_widget_get_visible (cr_window_get_busy_spinner (window)));
  g_assert_cmpstr (cr_window_get_field (window, "state"), ==, "Backing up");
  fake->state.backup_in_progress = FALSE;
  fake_publish (fake);
  WAIT_UNTIL (!cr_window_get_banner_revealed (window), 1000);
  g_assert_false (gtk_widget_get_visible (cr_window_get_busy_spinner (window)));
  destroy_window (window);
}

static void
test_backup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autofree char *target = cr_test_dir_file (dir, "backup.cimbak");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  g_autoptr (GFile) file = g_file_new_for_path (target);
  g_autoptr (CrBackupInfo) info = NULL;
  CrWindow *window;
  guint notified = count_notifications ();
  g_autofree char *summary = NULL;
  double fraction = 0;

  g_assert_no_error (error);
  window = new_window (client);
  g_assert_cmpstr (cr_window_get_field (window, "last-backup"), ==, "Never");

  /* Back Up…, with the test hook in place of the file chooser */
  g_setenv (CR_WINDOW_TEST_BACKUP_FILE_ENV, target, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.backup", NULL);
  g_unsetenv (CR_WINDOW_TEST_BACKUP_FILE_ENV);
  g_assert_true (cr_window_get_busy (window));
  g_assert_true (cr_window_get_progress_revealed (window));
  WAIT_UNTIL ((fraction = MAX (fraction, cr_window_get_progress_fraction (window)), !cr_window_get_busy (window)),
              TIMEOUT_MS);

  /* The last report was 100 % */
  g_assert_cmpfloat (cr_window_get_progress_fraction (window), ==, 1.0);
  g_assert_true (g_str_has_prefix (cr_window_get_progress_text (window), "100 % — "));
  g_assert_null (cr_window_get_error_dialog (window));
  WAIT_UNTIL (cr_window_get_notice (window) != NULL, TIMEOUT_MS);
  g_assert_true (g_str_has_prefix (cr_window_get_notice (window), "The repository was backed up to “backup.cimbak” ("));
  WAIT_UNTIL (count_notifications () > notified, TIMEOUT_MS);
  summary = dup_notification (notified);
  g_assert_cmpstr (summary, ==, "Backup complete");
  WAIT_UNTIL (g_strcmp0 (cr_window_get_field (window, "last-backup"), "Never") != 0, TIMEOUT_MS);
  g_assert_true (g_str_has_prefix (cr_window_get_field (window, "last-backup"), "Today at "));

  /* The file verifies, and holds the repository */
  info = cr_client_verify_backup_sync (client, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_backup_info_get_namespace_count (info), ==, 2);
  g_assert_cmpstr (cr_window_get_field (window, "instances"), ==, "12");
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, 12);

  /* Cancelled: nothing alarming, and no file */
  g_assert_true (g_unlink (target) == 0);
  cr_window_backup_to_file (window, file);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-operation", NULL);
  WAIT_UNTIL (!cr_window_get_busy (window), TIMEOUT_MS);
  g_assert_null (cr_window_get_error_dialog (window));
  if (!g_file_test (target, G_FILE_TEST_EXISTS))
    g_assert_cmpstr (cr_window_get_notice (window), ==, "The backup was cancelled. No file was written.");
  destroy_window (window);
}

static void
test_backup_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autofree char *target = cr_test_dir_file (dir, "no-such-dir/backup.cimbak");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  g_autoptr (GFile) file = g_file_new_for_path (target);
  CrWindow *window;
  GtkWindow *dialog;
  g_autofree char *title = NULL;
  g_autofree char *secondary = NULL;

  g_assert_no_error (error);
  window = new_window (client);
  cr_window_backup_to_file (window, file);
  WAIT_UNTIL (!cr_window_get_busy (window), TIMEOUT_MS);
  dialog = cr_window_get_error_dialog (window);
  g_assert_nonnull (dialog);
  g_object_get (dialog, "text", &title, "secondary-text", &secondary, NULL);
  g_assert_cmpstr (title, ==, "The Backup Failed");
  g_assert_nonnull (strstr (secondary, "No backup file was written"));
  destroy_window (window);
}

typedef struct {
  gint64 last;
  gint64 max_gap;
  guint ticks;
} Watchdog;

static gboolean
watchdog_cb (gpointer data)
{
  Watchdog *watchdog = data;
  gint64 now = g_get_monotonic_time ();

  if (watchdog->last > 0)
    watchdog->max_gap = MAX (watchdog->max_gap, now - watchdog->last);
  watchdog->last = now;
  watchdog->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
test_backup_responsive (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_app_test_make_large_repository (dir, "large.db", 80);
  g_autofree char *target = cr_test_dir_file (dir, "large.cimbak");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  g_autoptr (GFile) file = g_file_new_for_path (target);
  g_autoptr (CrBackupInfo) info = NULL;
  Watchdog watchdog = { 0 };
  Watchdog idle = { 0 };
  CrWindow *window;
  guint source;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (g_stat (path, &st) == 0);
  g_assert_cmpint (st.st_size, >, 60 * 1024 * 1024);
  window = new_window (client);

  /* The machine's own noise first: the same watchdog on the idle window.
   * A shared, loaded machine alone can delay a tick by tens of ms; a
   * main loop that waited for the backup would stall for its duration. */
  source = g_timeout_add (10, watchdog_cb, &idle);
  WAIT_UNTIL (idle.ticks >= 50, TIMEOUT_MS);
  g_source_remove (source);

  source = g_timeout_add (10, watchdog_cb, &watchdog);
  cr_window_backup_to_file (window, file);
  WAIT_UNTIL (!cr_window_get_busy (window), TIMEOUT_MS);
  g_source_remove (source);

  g_test_message ("%u ticks, the longest gap %" G_GINT64_FORMAT " ms (idle: %" G_GINT64_FORMAT " ms)",
                  watchdog.ticks, watchdog.max_gap / 1000, idle.max_gap / 1000);
  g_assert_cmpuint (watchdog.ticks, >, 2);
  g_assert_cmpint (watchdog.max_gap, <, 100 * 1000 + idle.max_gap);
  g_assert_cmpfloat (cr_window_get_progress_fraction (window), ==, 1.0);
  g_assert_null (cr_window_get_error_dialog (window));
  info = cr_client_verify_backup_sync (client, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, 80 * 16);
  destroy_window (window);
}

static CrRestoreDialog *
start_restore (CrWindow *window, const char *backup)
{
  g_setenv (CR_WINDOW_TEST_RESTORE_FILE_ENV, backup, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restore", NULL);
  g_unsetenv (CR_WINDOW_TEST_RESTORE_FILE_ENV);
  WAIT_UNTIL (cr_window_get_restore_dialog (window) != NULL || cr_window_get_error_dialog (window) != NULL,
              TIMEOUT_MS);
  g_assert_null (cr_window_get_error_dialog (window));
  return CR_RESTORE_DIALOG (cr_window_get_restore_dialog (window));
}

static void
test_restore_cancel (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  g_autofree char *backup = NULL;
  g_auto (GStrv) names = NULL;
  CrRestoreDialog *dialog;
  CrWindow *window;
  GtkWidget *cancel, *restore;

  g_assert_no_error (error);
  backup = make_backup (client, dir, "backup.cimbak");
  open_connection (client, "root/cimv2");
  window = new_window (client);
  WAIT_UNTIL (g_list_model_get_n_items (cr_window_get_connections (window)) == 1, TIMEOUT_MS);

  dialog = start_restore (window, backup);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Restore from Backup?");
  /* Every client, by name: here, this process */
  names = cr_restore_dialog_dup_client_names (dialog);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, g_get_prgname ());
  g_assert_cmpstr (cr_restore_dialog_get_details_text (dialog, "contents"), ==,
                   "2 namespaces, 11 classes, 12 instances");
  g_assert_cmpstr (cr_restore_dialog_get_details_text (dialog, "source"), !=, "");

  /* Cancel is the default and has the focus; the other is destructive */
  cancel = cr_restore_dialog_get_cancel_button (dialog);
  restore = cr_restore_dialog_get_restore_button (dialog);
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (dialog)) == cancel);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)), TIMEOUT_MS);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (dialog)) == cancel);
  g_assert_true (gtk_widget_has_css_class (restore, "destructive-action"));
  g_assert_false (gtk_widget_has_css_class (cancel, "destructive-action"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (restore)), ==, "Disconnect 1 Client and Restore");

  gtk_widget_activate (cancel);
  WAIT_UNTIL (cr_window_get_restore_dialog (window) == NULL, TIMEOUT_MS);
  g_assert_false (cr_window_get_busy (window));
  /* Nothing changed, nobody was disconnected */
  g_assert_cmpuint (count_connections (client), ==, 1);
  g_assert_cmpstr (cr_window_get_field (window, "instances"), ==, "12");
  g_assert_null (cr_window_get_notice (window));
  destroy_window (window);
}

static void
test_restore_confirm (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  g_autofree char *backup = NULL;
  CrRestoreDialog *dialog;
  CrWindow *window;
  guint serial;

  g_assert_no_error (error);
  backup = make_backup (client, dir, "backup.cimbak");
  /* After the backup, the repository changes */
  g_assert_true (cr_client_create_namespace_sync (client, "root/added/later", CR_NAMESPACE_FLAGS_CREATE_PARENTS, NULL,
                                                  &error));
  g_assert_no_error (error);
  open_connection (client, "root/added/later");
  window = new_window (client);
  g_assert_cmpstr (cr_window_get_field (window, "namespaces"), ==, "4");
  WAIT_UNTIL (g_list_model_get_n_items (cr_window_get_connections (window)) == 1, TIMEOUT_MS);

  dialog = start_restore (window, backup);
  g_assert_cmpstr (cr_restore_dialog_get_details_text (dialog, "contents"), ==,
                   "2 namespaces, 11 classes, 12 instances");
  serial = cr_window_get_summary_serial (window);
  /* The engine refuses a restore without the force flag (R1): that it
   * succeeds is that the button sent it. */
  gtk_widget_activate (cr_restore_dialog_get_restore_button (dialog));
  WAIT_UNTIL (cr_window_get_restore_dialog (window) == NULL, TIMEOUT_MS);
  WAIT_UNTIL (!cr_window_get_busy (window), TIMEOUT_MS);
  g_assert_null (cr_window_get_error_dialog (window));
  g_assert_nonnull (cr_window_get_notice (window));
  g_assert_true (g_str_has_prefix (cr_window_get_notice (window), "The repository was restored from “backup.cimbak”."));

  /* The overview shows the backup's content, and no connection is left */
  WAIT_UNTIL (cr_window_get_summary_serial (window) > serial &&
                g_strcmp0 (cr_window_get_field (window, "namespaces"), "2") == 0,
              TIMEOUT_MS);
  g_assert_cmpstr (cr_window_get_field (window, "classes"), ==, "11");
  g_assert_cmpstr (cr_window_get_field (window, "instances"), ==, "12");
  WAIT_UNTIL (cr_window_get_connections_placeholder_visible (window), TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (cr_window_get_connections (window)), ==, 0);
  g_assert_cmpstr (cr_window_get_field (window, "state"), ==, "Ready");
  destroy_window (window);
}

static void
test_restore_corrupt (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  g_autofree char *backup = NULL;
  g_autofree char *corrupt = cr_test_dir_file (dir, "corrupt.cimbak");
  g_autoptr (GBytes) bytes = NULL;
  g_autofree guint8 *raw = NULL;
  g_autofree char *title = NULL;
  gboolean dialog_seen = FALSE;
  CrWindow *window;
  gsize len;

  g_assert_no_error (error);
  backup = make_backup (client, dir, "backup.cimbak");
  bytes = cr_test_read_file (backup);
  raw = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  raw[len / 2] ^= 0x40;
  g_assert_true (g_file_set_contents (corrupt, (const char *) raw, (gssize) len, NULL));
  open_connection (client, "root/cimv2");
  window = new_window (client);

  g_setenv (CR_WINDOW_TEST_RESTORE_FILE_ENV, corrupt, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restore", NULL);
  g_unsetenv (CR_WINDOW_TEST_RESTORE_FILE_ENV);
  /* Refused after the check, before any confirmation */
  WAIT_UNTIL ((dialog_seen |= cr_window_get_restore_dialog (window) != NULL, cr_window_get_error_dialog (window) != NULL),
              TIMEOUT_MS);
  g_assert_false (dialog_seen);
  g_assert_false (cr_window_get_busy (window));
  g_object_get (cr_window_get_error_dialog (window), "text", &title, NULL);
  g_assert_cmpstr (title, ==, "This Backup Cannot Be Restored");
  g_assert_cmpuint (count_connections (client), ==, 1);
  g_assert_cmpstr (cr_window_get_field (window, "instances"), ==, "12");
  destroy_window (window);
}

static void
test_restore_clients_and_refusal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autofree char *backup = NULL;
  FakeBackend *fake = NULL;
  g_autoptr (CrClient) client = fake_client_new (&fake);
  g_auto (GStrv) names = NULL;
  CrRestoreDialog *dialog;
  CrWindow *window;

  {
    g_autoptr (CrClient) local = cr_client_new_local_sync (path, NULL, &error);
    g_assert_no_error (error);
    backup = make_backup (local, dir, "backup.cimbak");
  }
  fake_add_connection (fake, "wbemcli", 1001, "wbemcli", "root/cimv2");
  fake_add_connection (fake, ":1.42", 1002, "monitord", "root/cimv2");
  fake_add_connection (fake, ":1.42", 1002, "monitord", "root/interop");
  fake_add_connection (fake, "cimrepoctl", 1003, NULL, "root");
  window = new_window (client);

  dialog = start_restore (window, backup);
  names = cr_restore_dialog_dup_client_names (dialog);
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_cmpstr (names[0], ==, "wbemcli");
  /* A client of the service is named by its program, not its bus name */
  g_assert_cmpstr (names[1], ==, "monitord");
  g_assert_cmpstr (names[2], ==, "cimrepoctl");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (cr_restore_dialog_get_restore_button (dialog))), ==,
                   "Disconnect 3 Clients and Restore");

  /* The list follows the connection table while the dialog is open */
  g_ptr_array_set_size (fake->connections, 0);
  cr_client_emit_connections_changed (client);
  WAIT_UNTIL (cr_restore_dialog_get_client_count (dialog) == 0, TIMEOUT_MS);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (cr_restore_dialog_get_restore_button (dialog))), ==, "Restore");

  /* polkit says no */
  fake->restore_error = g_error_new_literal (CR_ERROR, CR_ERROR_ACCESS_DENIED, "Not authorized");
  gtk_widget_activate (cr_restore_dialog_get_restore_button (dialog));
  WAIT_UNTIL (fake->restore_called && !cr_window_get_busy (window), TIMEOUT_MS);
  g_assert_cmpuint (fake->restore_flags, ==, CR_RESTORE_FLAGS_FORCE_SHUTDOWN);
  g_assert_null (cr_window_get_error_dialog (window));
  g_assert_cmpstr (cr_window_get_notice (window), ==, "Not authorised: nothing was changed");

  /* A restore is refused while paused, by anyone */
  elsewhere_pause (&(Elsewhere){ fake }, "cimrepoctl (pid 77)");
  WAIT_UNTIL (gtk_widget_get_visible (cr_window_get_lock_image (window)), 1000);
  fake->restore_called = FALSE;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restore", NULL);
  g_assert_null (cr_window_get_restore_dialog (window));
  g_assert_false (cr_window_get_busy (window));
  g_assert_false (fake->restore_called);
  destroy_window (window);
}

static void
test_quit_while_paused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "repository.db");
  g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
  CrWindow *window;
  GtkWindow *question;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  window = new_window (client);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-pause", NULL);
  WAIT_UNTIL (cr_client_get_holds_pause (client), TIMEOUT_MS);

  /* Asks first; Cancel keeps everything */
  gtk_window_close (GTK_WINDOW (window));
  question = cr_window_get_quit_dialog (window);
  g_assert_nonnull (question);
  g_object_get (question, "text", &text, NULL);
  g_assert_cmpstr (text, ==, "The repository is paused by this app. Resume and quit?");
  gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_CANCEL);
  g_assert_nonnull (window);
  g_assert_null (cr_window_get_quit_dialog (window));
  g_assert_true (cr_client_get_paused (client));

  /* Resume and Quit: resumes, then the window goes */
  gtk_window_close (GTK_WINDOW (window));
  gtk_dialog_response (GTK_DIALOG (cr_window_get_quit_dialog (window)), GTK_RESPONSE_ACCEPT);
  WAIT_UNTIL (window == NULL, TIMEOUT_MS);
  g_assert_false (cr_client_get_paused (client));
}

static void
test_dark_style (void)
{
  g_autoptr (CrStyleManager) manager = cr_style_manager_new ();
  GtkSettings *settings = gtk_settings_get_default ();
  gboolean dark = FALSE;

  /* The fake portal prefers dark */
  WAIT_UNTIL (cr_style_manager_get_dark (manager), TIMEOUT_MS);
  g_object_get (settings, "gtk-application-prefer-dark-theme", &dark, NULL);
  g_assert_true (dark);
}

/* Desktop integration */

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

/* The app icon is found without `meson install` (it is in the app's
 * resources too), it is the windows' icon, and the About dialog shows
 * it with the version that meson.build sets. */
static void
test_about (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_autoptr (GtkIconPaintable) symbolic = NULL;
  GtkAboutDialog *about;

  g_assert_true (gtk_icon_theme_has_icon (theme, CR_APPLICATION_ID));
  g_assert_true (gtk_icon_theme_has_icon (theme, CR_APPLICATION_ID "-symbolic"));
  symbolic = gtk_icon_theme_lookup_icon (theme, CR_APPLICATION_ID "-symbolic", NULL, 16, 1, GTK_TEXT_DIR_NONE, 0);
  g_assert_true (gtk_icon_paintable_is_symbolic (symbolic));
  g_assert_cmpstr (gtk_window_get_default_icon_name (), ==, CR_APPLICATION_ID);

  g_assert_null (find_toplevel (GTK_TYPE_ABOUT_DIALOG));
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = GTK_ABOUT_DIALOG (find_toplevel (GTK_TYPE_ABOUT_DIALOG));
  g_assert_nonnull (about);
  g_assert_cmpstr (gtk_about_dialog_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (gtk_about_dialog_get_logo_icon_name (about), ==, CR_APPLICATION_ID);
  g_assert_cmpstr (gtk_about_dialog_get_program_name (about), ==, "cimrepo Manager");
  gtk_window_destroy (GTK_WINDOW (about));
}

/* A double-clicked backup: the desktop file's `Exec=cimrepo-manager %F`
 * makes GApplication call `open` with the file. The app opens its
 * window (on the default repository here: no service runs), checks the
 * backup, and asks to restore from it. */
static void
test_open_backup_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = new_repository (dir, "other.db");
  g_autofree char *backup = NULL;
  g_autoptr (GFile) file = NULL;
  CrRestoreDialog *dialog;
  CrWindow *window;

  {
    g_autoptr (CrClient) client = cr_client_new_local_sync (path, NULL, &error);
    g_assert_no_error (error);
    backup = make_backup (client, dir, "double-clicked.cimbak");
  }
  file = g_file_new_for_path (backup);

  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_application_open (G_APPLICATION (app), &file, 1, "");
  window = CR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  WAIT_UNTIL (cr_window_get_restore_dialog (window) != NULL || cr_window_get_error_dialog (window) != NULL,
              TIMEOUT_MS);
  g_assert_null (cr_window_get_error_dialog (window));
  dialog = CR_RESTORE_DIALOG (cr_window_get_restore_dialog (window));
  g_assert_true (g_file_equal (cr_restore_dialog_get_file (dialog), file));

  /* Nothing happens until the user confirms */
  gtk_widget_activate (cr_restore_dialog_get_cancel_button (dialog));
  WAIT_UNTIL (cr_window_get_restore_dialog (window) == NULL, TIMEOUT_MS);
  g_assert_false (cr_window_get_busy (window));
  destroy_window (window);
}

int
main (int argc, char *argv[])
{
  GTestDBus *bus; /* stopped, not finalized: that would wait for GTK to let go of the bus */
  g_autoptr (GError) error = NULL;
  g_autofree char *display = NULL;
  int status;

  data_home = cr_test_dir_new ();
  g_setenv ("XDG_DATA_HOME", data_home->path, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_unsetenv (CR_WINDOW_TEST_BACKUP_FILE_ENV);
  g_unsetenv (CR_WINDOW_TEST_RESTORE_FILE_ENV);

  g_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-window");

  /* A bus of our own, with the services the app talks to */
  display = g_strdup (g_getenv ("DISPLAY"));
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  /* g_test_dbus_up() unsets it, against autolaunching a bus */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  notifications = g_ptr_array_new_with_free_func (g_free);
  start_fake_services (g_test_dbus_get_bus_address (bus));

  gtk_init ();
  app = cr_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  g_test_add_func ("/cimrepo/app/format", test_format);
  g_test_add_func ("/cimrepo/app/open", test_open);
  g_test_add_func ("/cimrepo/app/accessible-names", test_accessible_names);
  g_test_add_func ("/cimrepo/app/pause-own", test_pause_own);
  g_test_add_func ("/cimrepo/app/pause-elsewhere", test_pause_elsewhere);
  g_test_add_func ("/cimrepo/app/backup", test_backup);
  g_test_add_func ("/cimrepo/app/backup-error", test_backup_error);
  g_test_add_func ("/cimrepo/app/backup-responsive", test_backup_responsive);
  g_test_add_func ("/cimrepo/app/restore-cancel", test_restore_cancel);
  g_test_add_func ("/cimrepo/app/restore-confirm", test_restore_confirm);
  g_test_add_func ("/cimrepo/app/restore-corrupt", test_restore_corrupt);
  g_test_add_func ("/cimrepo/app/restore-clients-and-refusal", test_restore_clients_and_refusal);
  g_test_add_func ("/cimrepo/app/quit-while-paused", test_quit_while_paused);
  g_test_add_func ("/cimrepo/app/dark-style", test_dark_style);
  g_test_add_func ("/cimrepo/app/about", test_about);
  g_test_add_func ("/cimrepo/app/open-backup-file", test_open_backup_file);
  status = g_test_run ();

  g_clear_object (&app);
  /* Not g_test_dbus_down(): GTK keeps its bus connection to the end. */
  g_test_dbus_stop (bus);
  cr_test_dir_free (data_home);
  return status;
}
