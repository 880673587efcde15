/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cr-daemon-test.h"

/* Must match the service's bound (cr-daemon.c). */
#define MAX_CONNECTIONS_PER_CLIENT 64
#define FLOOD 120

typedef struct {
  CrDaemonTest *test;
  CrTestClient *client;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->test = cr_daemon_test_new ();
  cr_daemon_test_populate (f->test, 3, 0);
  cr_daemon_test_start (f->test, NULL);
  f->client = cr_test_client_new (f->test);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cr_test_client_free (f->client);
  cr_daemon_test_free (f->test);
}

static guint
count_connections (CrTestClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) list = NULL;

  cr_repository1_call_list_connections_sync (client->repository, &list, NULL, &error);
  g_assert_no_error (error);
  return (guint) g_variant_n_children (list);
}

static void
count_signal_cb (gpointer object, guint *count)
{
  (*count)++;
}

static void
closed_cb (CrConnection1 *connection, const char *reason, char **out_reason)
{
  g_assert_null (*out_reason);
  *out_reason = g_strdup (reason);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
is_nonzero (gpointer data)
{
  return *(guint *) data != 0;
}

static void
test_open_close (Fixture *f, gconstpointer data)
{
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) classes = NULL;
  g_autofree char *reason = NULL;
  guint changed = 0;

  g_signal_connect (f->client->repository, "connections-changed", G_CALLBACK (count_signal_cb), &changed);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), &reason);
  g_assert_cmpuint (count_connections (f->client), ==, 1);
  g_assert_cmpstr (cr_connection1_get_namespace (conn), ==, NULL); /* not loaded */

  cr_connection1_call_close_sync (conn, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_set, &reason, cr_daemon_test_timeout (5000)));
  g_assert_cmpstr (reason, ==, "client");
  g_assert_true (cr_test_wait_for (is_nonzero, &changed, cr_daemon_test_timeout (5000)));
  g_assert_cmpuint (count_connections (f->client), ==, 0);

  /* A clear error on the old path, naming it */
  cr_connection1_call_enumerate_classes_sync (conn, "", FALSE, &classes, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_CONNECTION_CLOSED, "ConnectionClosed");
  g_assert_nonnull (strstr (error->message, g_dbus_proxy_get_object_path (G_DBUS_PROXY (conn))));
  g_clear_error (&error);

  /* A path that never was */
  {
    g_autoptr (CrConnection1) never = cr_test_client_connection_proxy (f->client, "/org/cimrepo/Repository1/Connection/4711");

    cr_connection1_call_close_sync (never, NULL, &error);
    cr_test_assert_remote_error (error, CR_ERROR_CONNECTION_CLOSED, "ConnectionClosed");
    g_assert_nonnull (strstr (error->message, "/org/cimrepo/Repository1/Connection/4711"));
  }
}

static gboolean
count_is_one (gpointer data)
{
  return cr_repository1_get_connection_count (data) == 1;
}

static void
test_properties (Fixture *f, gconstpointer data)
{
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "ROOT/Test");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection1) loaded = NULL;
  gint64 now = g_get_real_time ();

  loaded = cr_connection1_proxy_new_sync (f->client->bus, G_DBUS_PROXY_FLAGS_NONE, "org.cimrepo.Repository1",
                                          g_dbus_proxy_get_object_path (G_DBUS_PROXY (conn)), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_connection1_get_namespace (loaded), ==, "root/test");
  g_assert_cmpint (cr_connection1_get_connected_at (loaded), <=, now);
  g_assert_cmpint (cr_connection1_get_connected_at (loaded), >, now - 60 * G_USEC_PER_SEC);
  g_assert_true (cr_test_wait_for (count_is_one, f->client->repository, cr_daemon_test_timeout (5000)));
}

/* Only the owner may use or close a connection. */
static void
test_owner_only (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) other = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) mine = cr_test_client_open (f->client, "root/test");
  g_autoptr (CrConnection1) theirs = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) instances = NULL;

  theirs = cr_test_client_connection_proxy (other, g_dbus_proxy_get_object_path (G_DBUS_PROXY (mine)));
  cr_connection1_call_close_sync (theirs, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_ACCESS_DENIED, "AccessDenied");
  g_clear_error (&error);
  cr_connection1_call_enumerate_instances_sync (theirs, "Test_Item", TRUE, &instances, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_ACCESS_DENIED, "AccessDenied");
  g_clear_error (&error);
  cr_connection1_call_delete_instance_sync (theirs, "Test_Item.Name=\"item0\"", NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_ACCESS_DENIED, "AccessDenied");
  g_clear_error (&error);

  /* Nothing happened to it */
  g_assert_cmpuint (cr_test_count_remote (mine, "Test_Item"), ==, 3);
  g_assert_cmpuint (count_connections (other), ==, 1);
}

/* A client that exits loses its connections, and everyone hears of it. */
static void
test_client_exits (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) leaving = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) c1 = cr_test_client_open (leaving, "root/test");
  g_autoptr (CrConnection1) c2 = cr_test_client_open (leaving, "root");
  g_autoptr (CrConnection1) c3 = cr_test_client_open (leaving, "root/test");
  g_autoptr (CrConnection1) staying = cr_test_client_open (f->client, "root/test");
  guint changed = 0;

  g_assert_cmpuint (count_connections (f->client), ==, 4);
  g_signal_connect (f->client->repository, "connections-changed", G_CALLBACK (count_signal_cb), &changed);

  g_dbus_connection_close_sync (leaving->bus, NULL, NULL);
  g_assert_true (cr_test_wait_for (is_nonzero, &changed, cr_daemon_test_timeout (5000)));
  g_assert_cmpuint (count_connections (f->client), ==, 1);
  g_assert_cmpuint (cr_test_count_remote (staying, "Test_Item"), ==, 3);
}

typedef struct {
  guint pending;
  guint ok;
  guint limited;
  guint other;
} Flood;

static void
flood_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Flood *flood = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  flood->pending--;
  if (cr_repository1_call_open_namespace_finish (CR_REPOSITORY1 (source), &path, result, &error))
    flood->ok++;
  else if (g_error_matches (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED))
    flood->limited++;
  else
    {
      g_test_message ("unexpected: %s", error->message);
      flood->other++;
    }
}

static gboolean
flood_done (gpointer data)
{
  return ((Flood *) data)->pending == 0;
}

/* A flood of OpenNamespace from one client is refused, not obeyed; the
 * others are not affected. */
static void
test_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (CrTestClient) other = cr_test_client_new (f->test);
  g_autoptr (CrConnection1) theirs = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  Flood flood = { 0 };

  /* The test bus allows 128 calls in flight per connection. */
  for (guint i = 0; i < FLOOD; i++)
    {
      flood.pending++;
      cr_repository1_call_open_namespace (f->client->repository, "root/test", NULL, flood_cb, &flood);
    }
  g_assert_true (cr_test_wait_for (flood_done, &flood, cr_daemon_test_timeout (30000)));
  g_assert_cmpuint (flood.other, ==, 0);
  g_assert_cmpuint (flood.ok, <=, MAX_CONNECTIONS_PER_CLIENT);
  g_assert_cmpuint (flood.ok, >, 0);
  g_assert_cmpuint (flood.limited, ==, FLOOD - flood.ok);
  g_assert_cmpuint (count_connections (other), ==, flood.ok);

  /* Now, one at a time, up to the limit and no further */
  while (count_connections (other) < MAX_CONNECTIONS_PER_CLIENT)
    {
      g_clear_pointer (&path, g_free);
      cr_repository1_call_open_namespace_sync (f->client->repository, "root", &path, NULL, &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&path, g_free);
  cr_repository1_call_open_namespace_sync (f->client->repository, "root", &path, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_LIMIT_EXCEEDED, "LimitExceeded");
  g_clear_error (&error);

  /* Another client is not limited by this one */
  theirs = cr_test_client_open (other, "root/test");
  g_assert_cmpuint (cr_test_count_remote (theirs, "Test_Item"), ==, 3);
  g_assert_cmpuint (count_connections (other), ==, MAX_CONNECTIONS_PER_CLIENT + 1);
}

static void
test_bad_namespace (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  cr_repository1_call_open_namespace_sync (f->client->repository, "root/missing", &path, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_NAMESPACE, "InvalidNamespace");
  g_clear_error (&error);
  cr_repository1_call_open_namespace_sync (f->client->repository, "", &path, NULL, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CR_ERROR);
  g_assert_cmpuint (count_connections (f->client), ==, 0);
}

/* The service stops: every connection hears why. */
static void
test_shutdown (Fixture *f, gconstpointer data)
{
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->client, "root/test");
  g_autofree char *reason = NULL;

  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), &reason);
  cr_daemon_test_stop (f->test);
  g_assert_true (cr_test_wait_for (is_set, &reason, cr_daemon_test_timeout (5000)));
  g_assert_cmpstr (reason, ==, "shutdown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/cimrepo/connections/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("open-close", test_open_close);
  ADD ("properties", test_properties);
  ADD ("owner-only", test_owner_only);
  ADD ("client-exits", test_client_exits);
  ADD ("limit", test_limit);
  ADD ("bad-namespace", test_bad_namespace);
  ADD ("shutdown", test_shutdown);
#undef ADD

  return g_test_run ();
}
