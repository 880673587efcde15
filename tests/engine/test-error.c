/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cr-test-utils.h"

static const struct {
  gint code;
  guint32 hresult;
  const char *name;
} design_codes[] = {
  { CR_ERROR_FAILED, 0x80041001, "Failed" },
  { CR_ERROR_NOT_FOUND, 0x80041002, "NotFound" },
  { CR_ERROR_ACCESS_DENIED, 0x80041003, "AccessDenied" },
  { CR_ERROR_INVALID_PARAMETER, 0x80041008, "InvalidParameter" },
  { CR_ERROR_INVALID_NAMESPACE, 0x8004100E, "InvalidNamespace" },
  { CR_ERROR_INVALID_CLASS, 0x80041010, "InvalidClass" },
  { CR_ERROR_INVALID_OPERATION, 0x80041016, "InvalidOperation" },
  { CR_ERROR_ALREADY_EXISTS, 0x80041019, "AlreadyExists" },
  { CR_ERROR_SHUTTING_DOWN, 0x80041033, "ShuttingDown" },
  { CR_ERROR_BACKUP_RESTORE_WINMGMT_RUNNING, 0x80041060, "ClientsActive" },
};

/* The codes in DESIGN.md carry exactly their WBEM HRESULTs. */
static void
test_design_codes (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (design_codes); i++)
    {
      g_autoptr (GError) error = g_error_new_literal (CR_ERROR, design_codes[i].code, "x");

      g_assert_cmphex (cr_error_get_hresult (error), ==, design_codes[i].hresult);
      g_assert_cmpstr (cr_error_get_name (design_codes[i].code), ==, design_codes[i].name);
      g_assert_true (cr_error_is_known_code (design_codes[i].code));
    }
  g_assert_cmphex (cr_error_get_hresult (NULL), ==, 0);
}

/* Every code survives a trip through its D-Bus error name, message
 * included. */
static void
test_dbus_round_trip (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (design_codes); i++)
    {
      g_autoptr (GError) error = g_error_new (CR_ERROR, design_codes[i].code, "message %zu", i);
      g_autofree char *name = g_dbus_error_encode_gerror (error);
      g_autofree char *expected = g_strconcat ("org.cimrepo.Error.", design_codes[i].name, NULL);
      g_autoptr (GError) back = NULL;
      g_autofree char *msg = g_strdup_printf ("message %zu", i);

      g_assert_cmpstr (name, ==, expected);
      back = g_dbus_error_new_for_dbus_error (name, msg);
      g_assert_error (back, CR_ERROR, design_codes[i].code);
      g_assert_true (g_dbus_error_strip_remote_error (back));
      g_assert_cmpstr (back->message, ==, msg);
    }
}

static void
test_convert (void)
{
  g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "c");
  g_autoptr (GError) nospace = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "full");
  g_autoptr (GError) other = g_error_new_literal (G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "p");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  g_assert_cmphex (cr_error_get_hresult (cancelled), ==, 0x80041032);
  cr_error_convert (&cancelled);
  g_assert_error (cancelled, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  cr_error_convert (&nospace);
  g_assert_error (nospace, CR_ERROR, CR_ERROR_OUT_OF_DISK_SPACE);
  g_assert_cmpstr (nospace->message, ==, "full");
  cr_error_convert (&other);
  g_assert_error (other, CR_ERROR, CR_ERROR_FAILED);

  g_assert_false (cr_cancellable_set_error_if_cancelled (cancellable, &error));
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_true (cr_cancellable_set_error_if_cancelled (cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/error/design-codes", test_design_codes);
  g_test_add_func ("/cimrepo/error/dbus-round-trip", test_dbus_round_trip);
  g_test_add_func ("/cimrepo/error/convert", test_convert);
  return g_test_run ();
}
