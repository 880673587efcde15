/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cr-daemon-test.h"

typedef struct {
  CrDaemonTest *test;
  CrTestClient *holder;
  CrTestClient *other;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *auto_resume = data;

  f->test = cr_daemon_test_new ();
  cr_daemon_test_populate (f->test, 3, 0);
  if (auto_resume != NULL)
    cr_daemon_test_start (f->test, "--auto-resume", auto_resume, NULL);
  else
    cr_daemon_test_start (f->test, NULL);
  f->holder = cr_test_client_new (f->test);
  f->other = cr_test_client_new (f->test);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cr_test_client_free (f->holder);
  cr_test_client_free (f->other);
  cr_daemon_test_free (f->test);
}

static void
pause_with (CrTestClient *client, GVariant *options, GError **error)
{
  g_autoptr (GVariant) sunk = g_variant_ref_sink (options != NULL ? options : g_variant_new ("a{sv}", NULL));

  cr_repository1_call_pause_sync (client->repository, sunk, NULL, error);
}

static gboolean
is_paused (gpointer data)
{
  return cr_repository1_get_paused (data);
}

static gboolean
is_not_paused (gpointer data)
{
  return !cr_repository1_get_paused (data);
}

/* P1, U: pause, the state on the bus, resume. */
static void
test_pause_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  CrRepository1 *seen = f->other->repository;
  gint64 before = g_get_real_time ();

  pause_with (f->holder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_paused, seen, cr_daemon_test_timeout (5000)));
  g_assert_cmpstr (cr_repository1_get_paused_by (seen), ==, cr_test_client_get_name (f->holder));
  g_assert_cmpint (cr_repository1_get_paused_since (seen), >=, before - G_USEC_PER_SEC);
  g_assert_cmpint (cr_repository1_get_auto_resume_at (seen) - cr_repository1_get_paused_since (seen), ==,
                   900 * G_USEC_PER_SEC);

  cr_repository1_call_resume_sync (f->holder->repository, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_not_paused, seen, cr_daemon_test_timeout (5000)));
  g_assert_cmpstr (cr_repository1_get_paused_by (seen), ==, "");
  g_assert_cmpint (cr_repository1_get_auto_resume_at (seen), ==, 0);
}

/* P3: a pause while paused, by anyone, is refused. */
static void
test_twice (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  pause_with (f->holder, NULL, &error);
  g_assert_no_error (error);
  pause_with (f->holder, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_clear_error (&error);
  pause_with (f->other, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_assert_nonnull (strstr (error->message, cr_test_client_get_name (f->holder)));
}

/* U2, then U1. */
static void
test_resume_rules (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  cr_repository1_call_resume_sync (f->other->repository, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_assert_nonnull (strstr (error->message, "not paused"));
  g_clear_error (&error);

  pause_with (f->holder, NULL, &error);
  g_assert_no_error (error);
  cr_repository1_call_resume_sync (f->other->repository, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_assert_nonnull (strstr (error->message, cr_test_client_get_name (f->holder)));
  g_clear_error (&error);
  g_assert_true (cr_repository1_get_paused (f->other->repository) ||
                 cr_test_wait_for (is_paused, f->other->repository, cr_daemon_test_timeout (5000)));

  cr_repository1_call_resume_sync (f->holder->repository, NULL, &error);
  g_assert_no_error (error);
  cr_repository1_call_resume_sync (f->holder->repository, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
}

/* P5: the holder leaves the bus; the pause ends at once. */
static void
test_holder_exits (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 start;

  pause_with (f->holder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_paused, f->other->repository, cr_daemon_test_timeout (5000)));

  start = g_get_monotonic_time ();
  g_dbus_connection_close_sync (f->holder->bus, NULL, NULL);
  g_assert_true (cr_test_wait_for (is_not_paused, f->other->repository, cr_daemon_test_timeout (1000)));
  g_test_message ("resumed %" G_GINT64_FORMAT " ms after the holder left",
                  (g_get_monotonic_time () - start) / 1000);

  /* Anyone may pause now */
  pause_with (f->other, NULL, &error);
  g_assert_no_error (error);
}

/* P5: the auto-resume delay, per pause and by default. */
static void
test_auto_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  CrRepository1 *seen = f->other->repository;

  g_variant_dict_insert (options, "auto-resume", "u", 1);
  pause_with (f->holder, g_variant_dict_end (options), &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_paused, seen, cr_daemon_test_timeout (5000)));
  g_assert_cmpint (cr_repository1_get_auto_resume_at (seen) - cr_repository1_get_paused_since (seen), ==,
                   G_USEC_PER_SEC);
  g_assert_true (cr_test_wait_for (is_not_paused, seen, cr_daemon_test_timeout (5000)));

  /* The holder's late Resume says what happened */
  cr_repository1_call_resume_sync (f->holder->repository, NULL, &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_OPERATION, "InvalidOperation");
  g_clear_error (&error);

  /* The service's default (--auto-resume 2 here) */
  pause_with (f->other, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_paused, seen, cr_daemon_test_timeout (5000)));
  g_assert_cmpint (cr_repository1_get_auto_resume_at (seen) - cr_repository1_get_paused_since (seen), ==,
                   2 * G_USEC_PER_SEC);
  g_assert_true (cr_test_wait_for (is_not_paused, seen, cr_daemon_test_timeout (6000)));
}

static void
test_bad_options (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GVariantDict options;

  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "auto-resume", "s", "soon");
  pause_with (f->holder, g_variant_dict_end (&options), &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "auto-resume", "u", 0);
  pause_with (f->holder, g_variant_dict_end (&options), &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "forever", "b", TRUE);
  pause_with (f->holder, g_variant_dict_end (&options), &error);
  cr_test_assert_remote_error (error, CR_ERROR_INVALID_PARAMETER, "InvalidParameter");
  g_clear_error (&error);

  g_assert_false (cr_repository1_get_paused (f->other->repository));
}

static void
put_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  g_autofree char *path = NULL;
  guint put_result;

  if (!cr_connection1_call_put_instance_finish (CR_CONNECTION1 (source), &path, &put_result, result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done"); /* a marker: finished */
}

static gboolean
is_error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* P2: writes wait while paused, and go ahead after Resume; reads go on. */
static void
test_writes_held (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) put_error = NULL;
  g_autoptr (CrConnection1) conn = cr_test_client_open (f->other, "root/test");
  g_autoptr (CrInstance) inst = cr_instance_new ("Test_Item");
  g_autoptr (GVariant) inst_v = NULL;

  pause_with (f->holder, NULL, &error);
  g_assert_no_error (error);

  cr_instance_set_property (inst, "Name", g_variant_new_string ("held"));
  inst_v = g_variant_ref_sink (cr_instance_to_variant (inst));
  cr_connection1_call_put_instance (conn, inst_v, 0, NULL, put_done_cb, &put_error);
  /* Held: not finished after a while (a bounded wait for nothing) */
  g_assert_false (cr_test_wait_for (is_error_set, &put_error, 300));
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, 3);

  cr_repository1_call_resume_sync (f->holder->repository, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_test_wait_for (is_error_set, &put_error, cr_daemon_test_timeout (5000)));
  g_assert_error (put_error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_cmpuint (cr_test_count_remote (conn, "Test_Item"), ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, data, func) g_test_add ("/cimrepo/pause/" name, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("pause-resume", NULL, test_pause_resume);
  ADD ("twice", NULL, test_twice);
  ADD ("resume-rules", NULL, test_resume_rules);
  ADD ("holder-exits", NULL, test_holder_exits);
  ADD ("auto-resume", "2", test_auto_resume);
  ADD ("bad-options", NULL, test_bad_options);
  ADD ("writes-held", NULL, test_writes_held);
#undef ADD

  return g_test_run ();
}
