/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CrError:
 *
 * The error codes of the `CR_ERROR` domain. Each code *is* the WBEM
 * HRESULT of the condition, stored in a #gint; cr_error_get_hresult()
 * returns it as the unsigned 32-bit value that tools print.
 *
 * The codes below 0x8004A000 are WMI's own (WBEMSTATUS). The codes from
 * 0x8004A001 are cimrepo's own; each is documented here and in
 * docs/ERRORS.md.
 *
 * Over D-Bus every code travels as `org.cimrepo.Error.<Name>`.
 */
#define CR_HRESULT(x) ((gint) (guint32) (x))
typedef enum {
  CR_ERROR_FAILED = CR_HRESULT (0x80041001),
  CR_ERROR_NOT_FOUND = CR_HRESULT (0x80041002),
  CR_ERROR_ACCESS_DENIED = CR_HRESULT (0x80041003),
  CR_ERROR_TYPE_MISMATCH = CR_HRESULT (0x80041005),
  CR_ERROR_INVALID_PARAMETER = CR_HRESULT (0x80041008),
  CR_ERROR_NOT_SUPPORTED = CR_HRESULT (0x8004100C),
  CR_ERROR_INVALID_SUPERCLASS = CR_HRESULT (0x8004100D),
  CR_ERROR_INVALID_NAMESPACE = CR_HRESULT (0x8004100E),
  CR_ERROR_INVALID_CLASS = CR_HRESULT (0x80041010),
  CR_ERROR_INVALID_OPERATION = CR_HRESULT (0x80041016),
  CR_ERROR_ALREADY_EXISTS = CR_HRESULT (0x80041019),
  CR_ERROR_INVALID_SYNTAX = CR_HRESULT (0x80041021),
  CR_ERROR_CLASS_HAS_CHILDREN = CR_HRESULT (0x80041025),
  CR_ERROR_CLASS_HAS_INSTANCES = CR_HRESULT (0x80041026),
  CR_ERROR_ILLEGAL_NULL = CR_HRESULT (0x80041028),
  CR_ERROR_CALL_CANCELLED = CR_HRESULT (0x80041032),
  CR_ERROR_SHUTTING_DOWN = CR_HRESULT (0x80041033),
  CR_ERROR_INVALID_OBJECT_PATH = CR_HRESULT (0x8004103A),
  CR_ERROR_OUT_OF_DISK_SPACE = CR_HRESULT (0x8004103B),
  CR_ERROR_BACKUP_RESTORE_WINMGMT_RUNNING = CR_HRESULT (0x80041060),
  /* cimrepo's own codes */
  CR_ERROR_CORRUPT_BACKUP = CR_HRESULT (0x8004A001),
  CR_ERROR_UNSUPPORTED_VERSION = CR_HRESULT (0x8004A002),
  CR_ERROR_REPOSITORY_LOCKED = CR_HRESULT (0x8004A003),
  CR_ERROR_PAUSED = CR_HRESULT (0x8004A004),
  CR_ERROR_CONNECTION_CLOSED = CR_HRESULT (0x8004A005),
  CR_ERROR_REPOSITORY_CORRUPT = CR_HRESULT (0x8004A006),
  CR_ERROR_LIMIT_EXCEEDED = CR_HRESULT (0x8004A007),
  CR_ERROR_BUSY = CR_HRESULT (0x8004A008),
} CrError;

#define CR_ERROR (cr_error_quark ())
GQuark cr_error_quark (void);

guint32 cr_error_get_hresult (const GError *error);
const char *cr_error_get_name (gint code);
gboolean cr_error_is_known_code (gint code);

gboolean cr_cancellable_set_error_if_cancelled (GCancellable *cancellable,
                                                GError **error);
void cr_error_convert (GError **error);

G_END_DECLS
