/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cr-error.h"
#include "cr-platform.h"
#include "cr-store-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

struct _CrStoreSnapshot {
  CrStore *store;
  sqlite3 *db;
  sqlite3_file *file;
  CrBackupHeaderFields fields;
  char *id;
  char *path;
};

static gboolean
query_int64 (sqlite3 *db, const char *sql, gint64 *out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not read the repository"));
      return FALSE;
    }
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
query_text (sqlite3 *db, const char *sql, char **out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW || sqlite3_column_type (stmt, 0) != SQLITE_TEXT)
    {
      cr_store_set_sqlite_error (error, db, rc == SQLITE_ROW ? SQLITE_CORRUPT : rc, _("Could not read the repository"));
      return FALSE;
    }
  *out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

/* Copies what it can of the WAL into the database file and flushes it,
 * through this connection's own file handle. Nobody waits for this. */
static void
catch_up (sqlite3 *db)
{
  sqlite3_file *file = NULL;
  int n_log = 0, n_ckpt = 0;

  if (sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_ckpt) != SQLITE_OK)
    return;
  if (sqlite3_file_control (db, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK &&
      file != NULL && file->pMethods != NULL)
    file->pMethods->xSync (file, SQLITE_SYNC_NORMAL);
}

/**
 * cr_store_snapshot_open:
 *
 * Opens the connection a backup reads through, and copies the WAL into
 * the database file as far as it can, flushed, while writers go on: the
 * fence that follows then has little left to do.
 */
CrStoreSnapshot *
cr_store_snapshot_open (CrStore *store, GError **error)
{
  g_autoptr (CrStoreSnapshot) snap = g_new0 (CrStoreSnapshot, 1);
  gint64 v = 0;

  snap->store = store;
  snap->path = g_strdup (cr_store_get_path (store));
  snap->db = cr_store_open_db (snap->path, SQLITE_OPEN_READWRITE, NULL, error);
  if (snap->db == NULL)
    return NULL;
  /* A first read makes the connection see WAL mode. */
  if (!query_int64 (snap->db, "PRAGMA user_version", &v, error))
    return NULL;
  catch_up (snap->db);
  return g_steal_pointer (&snap);
}

/*
 * The fence (see cr-store-private.h): with writes held, copy the rest of
 * the WAL into the database file; then start a read transaction. The
 * reader's snapshot stops every later checkpoint from writing into the
 * database file, so the file stays exactly this snapshot until the
 * reader ends, while writers append to the WAL.
 */
gboolean
cr_store_snapshot_begin (CrStoreSnapshot *snap, GError **error)
{
  gint64 page_size = 0, page_count = 0, n = 0;
  int rc;

  /* FULL waits (through the busy handler) for readers of older
   * snapshots, then copies every frame and syncs the file. */
  if (!cr_store_checkpoint_full (snap->store, error))
    return FALSE;

  rc = sqlite3_exec (snap->db, "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, snap->db, rc, _("Could not start the backup's snapshot"));
      return FALSE;
    }
  if (!query_int64 (snap->db, "PRAGMA page_size", &page_size, error) ||
      !query_int64 (snap->db, "PRAGMA page_count", &page_count, error) ||
      !query_text (snap->db, "SELECT value FROM meta WHERE key = 'id'", &snap->id, error) ||
      !query_int64 (snap->db, "SELECT count(*) FROM namespaces", &n, error))
    return FALSE;
  snap->fields.namespace_count = (guint64) n;
  if (!query_int64 (snap->db, "SELECT count(*) FROM classes", &n, error))
    return FALSE;
  snap->fields.class_count = (guint64) n;
  if (!query_int64 (snap->db, "SELECT count(*) FROM instances", &n, error))
    return FALSE;
  snap->fields.instance_count = (guint64) n;
  if (!query_int64 (snap->db, "PRAGMA user_version", &n, error))
    return FALSE;
  snap->fields.schema_version = (guint32) n;

  snap->fields.repository_id = snap->id;
  snap->fields.source_path = snap->path;
  snap->fields.page_size = (guint32) page_size;
  snap->fields.payload_size = (guint64) page_size * (guint64) page_count;

  rc = sqlite3_file_control (snap->db, "main", SQLITE_FCNTL_FILE_POINTER, &snap->file);
  if (rc != SQLITE_OK || snap->file == NULL || snap->file->pMethods == NULL)
    {
      cr_store_set_sqlite_error (error, snap->db, rc, _("Could not reach the repository file"));
      return FALSE;
    }
  return TRUE;
}

void
cr_store_snapshot_get_header (CrStoreSnapshot *snap, CrBackupHeaderFields *fields)
{
  *fields = snap->fields;
}

/* Runs in the backup's worker thread, the only user of this snapshot. */
gboolean
cr_store_snapshot_read (CrStoreSnapshot *snap, guint64 offset, void *buf, gsize len, GError **error)
{
  int rc;

  if (offset + len > snap->fields.payload_size || len > G_MAXINT)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_FAILED, _("Read beyond the end of the snapshot"));
      return FALSE;
    }
  rc = snap->file->pMethods->xRead (snap->file, buf, (int) len, (sqlite3_int64) offset);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                   _("Could not read the repository file at byte %llu: %s"),
                   (unsigned long long) offset, sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

void
cr_store_snapshot_free (CrStoreSnapshot *snap)
{
  if (snap == NULL)
    return;
  if (snap->db != NULL)
    {
      sqlite3_exec (snap->db, "COMMIT", NULL, NULL, NULL);
      sqlite3_close_v2 (snap->db);
    }
  g_free (snap->id);
  g_free (snap->path);
  g_free (snap);
}

/**
 * cr_store_patch_standalone_header:
 * @first_bytes: the start of page 1
 *
 * Marks a copy of the database as a rollback-journal database (file
 * format versions 1), so that it is complete on its own and can be
 * opened read-only without a WAL. Opening it in WAL mode turns it back.
 */
void
cr_store_patch_standalone_header (guint8 *first_bytes, gsize len)
{
  if (len > CR_STORE_HEADER_VERSION_OFFSET + 1)
    {
      first_bytes[CR_STORE_HEADER_VERSION_OFFSET] = 1;
      first_bytes[CR_STORE_HEADER_VERSION_OFFSET + 1] = 1;
    }
}

/* Errors about a backup's content are the backup's, not the live
 * repository's. */
static void
blame_backup (GError **error)
{
  if (error == NULL || *error == NULL || (*error)->domain != CR_ERROR)
    return;
  if ((*error)->code == CR_ERROR_REPOSITORY_CORRUPT || (*error)->code == CR_ERROR_FAILED)
    (*error)->code = CR_ERROR_CORRUPT_BACKUP;
}

/* A known schema version, and exactly its schema. */
static gboolean
check_version_and_schema (sqlite3 *db, guint32 *out_version, GError **error)
{
  gint64 version = 0;
  g_autofree char *id = NULL;

  if (!query_int64 (db, "PRAGMA user_version", &version, error))
    {
      blame_backup (error);
      return FALSE;
    }
  if (version == 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                           _("The backup does not contain a cimrepo repository"));
      return FALSE;
    }
  if (version > CR_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION,
                   _("The backup holds a repository of schema version %lld, but this cimrepo knows versions up to %d. Use a newer cimrepo to restore it"),
                   (long long) version, CR_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (!cr_store_schema_check (db, (guint32) version, error) ||
      !query_text (db, "SELECT value FROM meta WHERE key = 'id'", &id, error))
    {
      blame_backup (error);
      return FALSE;
    }
  if (out_version != NULL)
    *out_version = (guint32) version;
  return TRUE;
}

/* The checks of a backup's database: its version and schema, then the
 * model checks of @flags. */
static gboolean
check_database (sqlite3 *db, guint32 *out_version, CrStoreCheckFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  if (!check_version_and_schema (db, out_version, error))
    return FALSE;
  if (!cr_store_model_check (db, problems, flags, cancellable, error))
    {
      blame_backup (error);
      return FALSE;
    }
  if (problems->len > 0)
    {
      g_autoptr (GString) msg = g_string_new (_("The repository in the backup is damaged:"));

      for (guint i = 0; i < MIN (problems->len, 5u); i++)
        g_string_append_printf (msg, "\n  %s", (const char *) g_ptr_array_index (problems, i));
      if (problems->len > 5)
        g_string_append_printf (msg, "\n  (%u more)", problems->len - 5);
      g_set_error_literal (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP, msg->str);
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_store_prepare_candidate (const char *path, guint32 *out_schema_version, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  sqlite3 *db;
  gboolean ok;
  int rc;

  db = cr_store_open_db (path, SQLITE_OPEN_READWRITE, NULL, error);
  if (db == NULL)
    {
      blame_backup (error);
      return FALSE;
    }
  ok = check_version_and_schema (db, out_schema_version, error) &&
       cr_store_schema_migrate (db, _("The repository in the backup"), error);
  if (ok)
    {
      rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          cr_store_set_sqlite_error (error, db, rc, _("Could not prepare the restored repository"));
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  /* The last connection's close checkpoints and removes the WAL: the
   * candidate file alone is then complete. */
  rc = sqlite3_close (db);
  if (ok && rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, NULL, rc, _("Could not close the restored repository"));
      ok = FALSE;
    }
  return ok;
}

/* Used by cr-store-vfs.c on a backup's payload, opened in place. */
gboolean cr_store_check_opened_backup (sqlite3 *db, CrStoreCheckFlags flags, GCancellable *cancellable, GError **error);

gboolean
cr_store_check_opened_backup (sqlite3 *db, CrStoreCheckFlags flags, GCancellable *cancellable, GError **error)
{
  return check_database (db, NULL, flags, cancellable, error);
}
