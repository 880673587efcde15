/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-error.h"

/* The D-Bus names are part of the wire contract: never rename one. */
static const GDBusErrorEntry cr_error_entries[] = {
  { CR_ERROR_FAILED, "org.cimrepo.Error.Failed" },
  { CR_ERROR_NOT_FOUND, "org.cimrepo.Error.NotFound" },
  { CR_ERROR_ACCESS_DENIED, "org.cimrepo.Error.AccessDenied" },
  { CR_ERROR_TYPE_MISMATCH, "org.cimrepo.Error.TypeMismatch" },
  { CR_ERROR_INVALID_PARAMETER, "org.cimrepo.Error.InvalidParameter" },
  { CR_ERROR_NOT_SUPPORTED, "org.cimrepo.Error.NotSupported" },
  { CR_ERROR_INVALID_SUPERCLASS, "org.cimrepo.Error.InvalidSuperclass" },
  { CR_ERROR_INVALID_NAMESPACE, "org.cimrepo.Error.InvalidNamespace" },
  { CR_ERROR_INVALID_CLASS, "org.cimrepo.Error.InvalidClass" },
  { CR_ERROR_INVALID_OPERATION, "org.cimrepo.Error.InvalidOperation" },
  { CR_ERROR_ALREADY_EXISTS, "org.cimrepo.Error.AlreadyExists" },
  { CR_ERROR_INVALID_SYNTAX, "org.cimrepo.Error.InvalidSyntax" },
  { CR_ERROR_CLASS_HAS_CHILDREN, "org.cimrepo.Error.ClassHasChildren" },
  { CR_ERROR_CLASS_HAS_INSTANCES, "org.cimrepo.Error.ClassHasInstances" },
  { CR_ERROR_ILLEGAL_NULL, "org.cimrepo.Error.IllegalNull" },
  { CR_ERROR_CALL_CANCELLED, "org.cimrepo.Error.CallCancelled" },
  { CR_ERROR_SHUTTING_DOWN, "org.cimrepo.Error.ShuttingDown" },
  { CR_ERROR_INVALID_OBJECT_PATH, "org.cimrepo.Error.InvalidObjectPath" },
  { CR_ERROR_OUT_OF_DISK_SPACE, "org.cimrepo.Error.OutOfDiskSpace" },
  { CR_ERROR_BACKUP_RESTORE_WINMGMT_RUNNING, "org.cimrepo.Error.ClientsActive" },
  { CR_ERROR_CORRUPT_BACKUP, "org.cimrepo.Error.CorruptBackup" },
  { CR_ERROR_UNSUPPORTED_VERSION, "org.cimrepo.Error.UnsupportedVersion" },
  { CR_ERROR_REPOSITORY_LOCKED, "org.cimrepo.Error.RepositoryLocked" },
  { CR_ERROR_PAUSED, "org.cimrepo.Error.Paused" },
  { CR_ERROR_CONNECTION_CLOSED, "org.cimrepo.Error.ConnectionClosed" },
  { CR_ERROR_REPOSITORY_CORRUPT, "org.cimrepo.Error.RepositoryCorrupt" },
  { CR_ERROR_LIMIT_EXCEEDED, "org.cimrepo.Error.LimitExceeded" },
  { CR_ERROR_BUSY, "org.cimrepo.Error.Busy" },
};

/* One entry per enum value: keep the table and the enum in step. */
#define CR_ERROR_N_CODES 28
G_STATIC_ASSERT (G_N_ELEMENTS (cr_error_entries) == CR_ERROR_N_CODES);

GQuark
cr_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("cr-error-quark",
                                      &quark,
                                      cr_error_entries,
                                      G_N_ELEMENTS (cr_error_entries));
  return (GQuark) quark;
}

gboolean
cr_error_is_known_code (gint code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cr_error_entries); i++)
    {
      if (cr_error_entries[i].error_code == code)
        return TRUE;
    }
  return FALSE;
}

/**
 * cr_error_get_name:
 * @code: a #CrError code
 *
 * Returns: the short name of @code, such as "InvalidParameter", or
 *   "Failed" for an unknown code.
 */
const char *
cr_error_get_name (gint code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cr_error_entries); i++)
    {
      if (cr_error_entries[i].error_code == code)
        return cr_error_entries[i].dbus_error_name + strlen ("org.cimrepo.Error.");
    }
  return "Failed";
}

/**
 * cr_error_get_hresult:
 * @error: (nullable): an error of any domain
 *
 * Returns: the WBEM HRESULT that @error carries; WBEM_E_FAILED for
 *   errors of other domains (after cr_error_convert() they have none),
 *   and 0 for %NULL.
 */
guint32
cr_error_get_hresult (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain == CR_ERROR)
    return (guint32) error->code;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return (guint32) CR_ERROR_CALL_CANCELLED;
  return (guint32) CR_ERROR_FAILED;
}

/**
 * cr_cancellable_set_error_if_cancelled:
 *
 * Like g_cancellable_set_error_if_cancelled(), but in the `CR_ERROR`
 * domain, so that every layer sees one domain.
 */
gboolean
cr_cancellable_set_error_if_cancelled (GCancellable *cancellable,
                                       GError **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, CR_ERROR, CR_ERROR_CALL_CANCELLED,
                       _("The operation was cancelled"));
  return TRUE;
}

/**
 * cr_error_convert:
 * @error: (inout) (nullable): an error to convert in place
 *
 * Turns a GIO or GLib file error into the matching `CR_ERROR` code,
 * keeping the message. Errors already in `CR_ERROR` are left alone.
 */
void
cr_error_convert (GError **error)
{
  GError *e;
  gint code = CR_ERROR_FAILED;

  if (error == NULL || *error == NULL)
    return;
  e = *error;
  if (e->domain == CR_ERROR)
    return;

  if (e->domain == G_IO_ERROR)
    {
      switch (e->code)
        {
        case G_IO_ERROR_CANCELLED:
          code = CR_ERROR_CALL_CANCELLED;
          break;
        case G_IO_ERROR_NOT_FOUND:
          code = CR_ERROR_NOT_FOUND;
          break;
        case G_IO_ERROR_PERMISSION_DENIED:
          code = CR_ERROR_ACCESS_DENIED;
          break;
        case G_IO_ERROR_NO_SPACE:
          code = CR_ERROR_OUT_OF_DISK_SPACE;
          break;
        case G_IO_ERROR_INVALID_ARGUMENT:
        case G_IO_ERROR_INVALID_FILENAME:
        case G_IO_ERROR_IS_DIRECTORY:
        case G_IO_ERROR_NOT_REGULAR_FILE:
          code = CR_ERROR_INVALID_PARAMETER;
          break;
        case G_IO_ERROR_BUSY:
          code = CR_ERROR_BUSY;
          break;
        default:
          break;
        }
    }
  else if (e->domain == G_FILE_ERROR)
    {
      switch (e->code)
        {
        case G_FILE_ERROR_NOENT:
          code = CR_ERROR_NOT_FOUND;
          break;
        case G_FILE_ERROR_ACCES:
        case G_FILE_ERROR_PERM:
        case G_FILE_ERROR_ROFS:
          code = CR_ERROR_ACCESS_DENIED;
          break;
        case G_FILE_ERROR_NOSPC:
          code = CR_ERROR_OUT_OF_DISK_SPACE;
          break;
        case G_FILE_ERROR_ISDIR:
        case G_FILE_ERROR_NAMETOOLONG:
        case G_FILE_ERROR_INVAL:
          code = CR_ERROR_INVALID_PARAMETER;
          break;
        default:
          break;
        }
    }

  e->domain = CR_ERROR;
  e->code = code;
}
