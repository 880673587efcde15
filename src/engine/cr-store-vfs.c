/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "cr-error.h"
#include "cr-platform.h"
#include "cr-store-private.h"

/*
 * A read-only SQLite VFS over a byte range of a file descriptor: it opens
 * the database inside a backup file in place, so that a backup can be
 * checked completely (SQLite integrity, schema, model) without restoring
 * it and without copying it anywhere. The payload is a rollback-journal
 * database (see cr_store_patch_standalone_header()), so SQLite needs no
 * WAL, journal or lock: this VFS says every other file is absent.
 *
 * The main database's name carries the range as URI parameters:
 * `file:backup?fd=N&offset=O&size=S`.
 */

#define VFS_NAME "cimrepo-backup"

typedef struct {
  sqlite3_file base;
  int fd;
  guint64 offset;
  guint64 size;
} PayloadFile;

static int
payload_close (sqlite3_file *file)
{
  /* The descriptor belongs to the caller. */
  return SQLITE_OK;
}

static int
payload_read (sqlite3_file *file, void *buf, int amount, sqlite3_int64 offset)
{
  PayloadFile *p = (PayloadFile *) file;
  gsize want, got = 0;

  if (offset < 0 || amount < 0)
    return SQLITE_IOERR_READ;
  want = (guint64) offset >= p->size ? 0 : (gsize) MIN ((guint64) amount, p->size - (guint64) offset);
  if (want > 0 && !cr_fd_pread_all (p->fd, buf, want, p->offset + (guint64) offset, &got, NULL))
    return SQLITE_IOERR_READ;
  if (got < (gsize) amount)
    {
      /* SQLite requires the rest to be zeroed on a short read. */
      memset ((guint8 *) buf + got, 0, (gsize) amount - got);
      return SQLITE_IOERR_SHORT_READ;
    }
  return SQLITE_OK;
}

static int
payload_write (sqlite3_file *file, const void *buf, int amount, sqlite3_int64 offset)
{
  return SQLITE_READONLY;
}

static int
payload_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  return SQLITE_READONLY;
}

static int
payload_sync (sqlite3_file *file, int flags)
{
  return SQLITE_OK;
}

static int
payload_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  *size = (sqlite3_int64) ((PayloadFile *) file)->size;
  return SQLITE_OK;
}

static int
payload_lock (sqlite3_file *file, int level)
{
  return SQLITE_OK;
}

static int
payload_check_reserved_lock (sqlite3_file *file, int *out)
{
  *out = 0;
  return SQLITE_OK;
}

static int
payload_file_control (sqlite3_file *file, int op, void *arg)
{
  return SQLITE_NOTFOUND;
}

static int
payload_sector_size (sqlite3_file *file)
{
  return 4096;
}

static int
payload_device_characteristics (sqlite3_file *file)
{
  return SQLITE_IOCAP_IMMUTABLE;
}

static const sqlite3_io_methods payload_methods = {
  .iVersion = 1,
  .xClose = payload_close,
  .xRead = payload_read,
  .xWrite = payload_write,
  .xTruncate = payload_truncate,
  .xSync = payload_sync,
  .xFileSize = payload_file_size,
  .xLock = payload_lock,
  .xUnlock = payload_lock,
  .xCheckReservedLock = payload_check_reserved_lock,
  .xFileControl = payload_file_control,
  .xSectorSize = payload_sector_size,
  .xDeviceCharacteristics = payload_device_characteristics,
};

static int
vfs_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  PayloadFile *p = (PayloadFile *) file;
  sqlite3_int64 fd, offset, size;

  /* Nothing but the main database, read-only. */
  if (name == NULL || !(flags & SQLITE_OPEN_MAIN_DB) || (flags & SQLITE_OPEN_READWRITE))
    return SQLITE_CANTOPEN;
  fd = sqlite3_uri_int64 (name, "fd", -1);
  offset = sqlite3_uri_int64 (name, "offset", -1);
  size = sqlite3_uri_int64 (name, "size", -1);
  if (fd < 0 || fd > G_MAXINT || offset < 0 || size < 0)
    return SQLITE_CANTOPEN;

  memset (p, 0, sizeof *p);
  p->base.pMethods = &payload_methods;
  p->fd = (int) fd;
  p->offset = (guint64) offset;
  p->size = (guint64) size;
  if (out_flags != NULL)
    *out_flags = SQLITE_OPEN_READONLY;
  return SQLITE_OK;
}

static int
vfs_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  return SQLITE_IOERR_DELETE;
}

static int
vfs_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  /* No journal, no WAL, no -shm: the payload is all there is. */
  *out = 0;
  return SQLITE_OK;
}

static int
vfs_full_pathname (sqlite3_vfs *vfs, const char *name, int n_out, char *out)
{
  if ((int) strlen (name) >= n_out)
    return SQLITE_CANTOPEN;
  strcpy (out, name);
  return SQLITE_OK;
}

static int
vfs_randomness (sqlite3_vfs *vfs, int n, char *out)
{
  sqlite3_vfs *def = sqlite3_vfs_find (NULL);
  return def->xRandomness (def, n, out);
}

static int
vfs_sleep (sqlite3_vfs *vfs, int usec)
{
  sqlite3_vfs *def = sqlite3_vfs_find (NULL);
  return def->xSleep (def, usec);
}

static int
vfs_current_time (sqlite3_vfs *vfs, double *out)
{
  sqlite3_vfs *def = sqlite3_vfs_find (NULL);
  return def->xCurrentTime (def, out);
}

static int
vfs_get_last_error (sqlite3_vfs *vfs, int n, char *out)
{
  return 0;
}

static sqlite3_vfs payload_vfs = {
  .iVersion = 1,
  .szOsFile = sizeof (PayloadFile),
  .mxPathname = 512,
  .zName = VFS_NAME,
  .xOpen = vfs_open,
  .xDelete = vfs_delete,
  .xAccess = vfs_access,
  .xFullPathname = vfs_full_pathname,
  .xRandomness = vfs_randomness,
  .xSleep = vfs_sleep,
  .xCurrentTime = vfs_current_time,
  .xGetLastError = vfs_get_last_error,
};

static gpointer
register_vfs (gpointer data)
{
  return GINT_TO_POINTER (sqlite3_vfs_register (&payload_vfs, 0) == SQLITE_OK);
}

gboolean cr_store_check_opened_backup (sqlite3 *db, CrStoreCheckFlags flags, GCancellable *cancellable, GError **error);

/**
 * cr_store_check_backup_payload:
 * @fd: a backup file, open for reading
 * @offset: where the payload starts
 * @size: the payload's size
 *
 * Runs the checks of @flags on the database inside a backup, without
 * writing anything anywhere.
 */
gboolean
cr_store_check_backup_payload (int fd, guint64 offset, guint64 size, CrStoreCheckFlags flags,
                               GCancellable *cancellable, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *uri = NULL;
  sqlite3 *db;
  gboolean ok;

  if (!GPOINTER_TO_INT (g_once (&once, register_vfs, NULL)))
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_FAILED, _("Could not set up backup verification"));
      return FALSE;
    }
  uri = g_strdup_printf ("file:backup?fd=%d&offset=%" G_GUINT64_FORMAT "&size=%" G_GUINT64_FORMAT "&immutable=1",
                         fd, offset, size);
  db = cr_store_open_db (uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, VFS_NAME, error);
  if (db == NULL)
    {
      if (error != NULL && *error != NULL && (*error)->code == CR_ERROR_REPOSITORY_CORRUPT)
        (*error)->code = CR_ERROR_CORRUPT_BACKUP;
      return FALSE;
    }
  ok = cr_store_check_opened_backup (db, flags, cancellable, error);
  sqlite3_close_v2 (db);
  return ok;
}
