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
#include "cr-types.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Ask the checkpointer to run once this many pages sit in the WAL. */
#define CHECKPOINT_THRESHOLD_PAGES 1000
/* Beyond this many pages the writer finishes the checkpoint itself, when
 * the checkpointer has left it at most CATCH_UP_PAGES to copy: SQLite
 * restarts the WAL only for a writer that begins with the WAL fully
 * copied back, which a checkpointer running beside a steady writer never
 * quite achieves. */
#define RESTART_THRESHOLD_PAGES 4000
#define CATCH_UP_PAGES 1000
/* After a checkpoint that could not finish (a reader holds an old
 * snapshot), wait this long before the next try. */
#define CHECKPOINT_RETRY_USEC (20 * G_TIME_SPAN_MILLISECOND)
#define MAX_IDLE_READERS 8
#define MAX_SUPERCLASS_DEPTH 256

/*
 * A connection and its prepared statements. Statements are prepared once
 * per connection and reset after each use, which keeps a one-instance
 * commit cheap.
 */
typedef struct {
  sqlite3 *db;
  GHashTable *stmts;      /* const char *sql (static) → sqlite3_stmt */
  guint64 generation;     /* the class cache's, when the transaction began */
  gboolean classes_dirty; /* this transaction changed classes: no cache */
  /* The writer's own cache, for one transaction: resolved classes as the
   * transaction sees them, so that an import of a whole schema resolves
   * each class once rather than once per descendant and instance. Emptied
   * when the transaction ends and when it changes or deletes a class. */
  GHashTable *txn_classes;
} CrDb;

struct _CrStore {
  char *path;
  char *id;
  guint32 schema_version;

  GMutex writer_lock;
  CrDb *writer;

  GMutex readers_lock;
  GPtrArray *idle_readers; /* CrDb */

  /* The class cache: resolved classes by "ns-id/name-key". Writers bump
   * the generation after every commit that changes a class; a reader only
   * fills the cache if the generation did not move while it read. */
  GMutex cache_lock;
  GHashTable *class_cache;
  guint64 cache_generation;

  GThread *checkpointer;
  sqlite3 *ckpt_db;
  GMutex ckpt_lock;
  GCond ckpt_cond;
  gboolean ckpt_wanted;
  gboolean ckpt_stop;
  gint ckpt_done_frames; /* atomic: frames the last checkpoint copied */
};

typedef sqlite3_stmt CrStmt;

static void
cr_stmt_release (CrStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrStmt, cr_stmt_release)

static void
cr_db_free (CrDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->stmts, g_hash_table_unref);
  g_clear_pointer (&db->txn_classes, g_hash_table_unref);
  sqlite3_close_v2 (db->db);
  g_free (db);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrDb, cr_db_free)

static CrDb *
cr_db_new (sqlite3 *sdb)
{
  CrDb *db = g_new0 (CrDb, 1);

  db->db = sdb;
  db->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sqlite3_finalize);
  return db;
}

/* @sql must be a string literal: it is the cache key. */
static CrStmt *
cr_db_prepare (CrDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;
  rc = sqlite3_prepare_v3 (db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, db->db, rc, _("Could not prepare a repository query"));
      return NULL;
    }
  g_hash_table_insert (db->stmts, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
cr_db_exec (CrDb *db, const char *sql, GError **error)
{
  int rc = sqlite3_exec (db->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, db->db, rc, _("The repository could not carry out the request"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (CrDb *db, CrStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      cr_store_set_sqlite_error (error, db->db, rc, _("The repository could not carry out the request"));
      return FALSE;
    }
  return TRUE;
}

/* Returns 1 for a row, 0 at the end, -1 on error. */
static int
step_row (CrDb *db, CrStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  cr_store_set_sqlite_error (error, db->db, rc, _("The repository could not carry out the request"));
  return -1;
}

static void
bind_text (CrStmt *stmt, int idx, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
}

static void
bind_variant (CrStmt *stmt, int idx, GVariant *value)
{
  g_autoptr (GVariant) normal = g_variant_get_normal_form (value);

  /* Stored little-endian whatever the host, so files move between
   * machines. */
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      g_autoptr (GVariant) swapped = g_variant_byteswap (normal);
      sqlite3_bind_blob64 (stmt, idx, g_variant_get_data (swapped), g_variant_get_size (swapped), SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_blob64 (stmt, idx, g_variant_get_data (normal), g_variant_get_size (normal), SQLITE_TRANSIENT);
    }
}

static GVariant *
column_variant (CrStmt *stmt, int idx, const char *type)
{
  const void *data = sqlite3_column_blob (stmt, idx);
  gsize len = (gsize) sqlite3_column_bytes (stmt, idx);
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE));

  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    return g_variant_byteswap (v);
  return g_steal_pointer (&v);
}

/* Transactions on the writer. */

static guint64
cache_generation (CrStore *store)
{
  guint64 gen;

  g_mutex_lock (&store->cache_lock);
  gen = store->cache_generation;
  g_mutex_unlock (&store->cache_lock);
  return gen;
}

static CrDb *
writer_begin (CrStore *store, GError **error)
{
  g_mutex_lock (&store->writer_lock);
  store->writer->generation = cache_generation (store);
  store->writer->classes_dirty = FALSE;
  if (store->writer->txn_classes == NULL)
    store->writer->txn_classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_remove_all (store->writer->txn_classes);
  if (!cr_db_exec (store->writer, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&store->writer_lock);
      return NULL;
    }
  return store->writer;
}

static gboolean
writer_commit (CrStore *store, gboolean classes_changed, GError **error)
{
  gboolean ok = cr_db_exec (store->writer, "COMMIT", error);

  g_hash_table_remove_all (store->writer->txn_classes);
  if (!ok)
    cr_db_exec (store->writer, "ROLLBACK", NULL);
  if (classes_changed)
    {
      g_mutex_lock (&store->cache_lock);
      store->cache_generation++;
      g_hash_table_remove_all (store->class_cache);
      g_mutex_unlock (&store->cache_lock);
    }
  g_mutex_unlock (&store->writer_lock);
  return ok;
}

static void
writer_rollback (CrStore *store)
{
  g_hash_table_remove_all (store->writer->txn_classes);
  cr_db_exec (store->writer, "ROLLBACK", NULL);
  g_mutex_unlock (&store->writer_lock);
}

/* Ends the transaction that writer_begin() started: commits when @ok,
 * rolls back otherwise. */
static gboolean
writer_end (CrStore *store, gboolean ok, gboolean classes_changed, GError **error)
{
  if (!ok)
    {
      writer_rollback (store);
      return FALSE;
    }
  return writer_commit (store, classes_changed, error);
}

/* Readers: each read runs in its own transaction on a pooled connection,
 * so that it sees one consistent snapshot. */

static CrDb *
reader_acquire (CrStore *store, GError **error)
{
  CrDb *db = NULL;

  g_mutex_lock (&store->readers_lock);
  if (store->idle_readers->len > 0)
    db = g_ptr_array_steal_index_fast (store->idle_readers, store->idle_readers->len - 1);
  g_mutex_unlock (&store->readers_lock);

  if (db == NULL)
    {
      sqlite3 *sdb = cr_store_open_db (store->path, SQLITE_OPEN_READWRITE, NULL, error);

      if (sdb == NULL)
        return NULL;
      db = cr_db_new (sdb);
      if (!cr_db_exec (db, "PRAGMA query_only = ON", error))
        {
          cr_db_free (db);
          return NULL;
        }
    }
  /* Read before the snapshot starts: a class change that commits after
   * this point keeps this reader from filling the cache. */
  db->generation = cache_generation (store);
  if (!cr_db_exec (db, "BEGIN DEFERRED", error))
    {
      cr_db_free (db);
      return NULL;
    }
  return db;
}

static void
reader_release (CrStore *store, CrDb *db)
{
  if (db == NULL)
    return;
  cr_db_exec (db, "COMMIT", NULL);
  g_mutex_lock (&store->readers_lock);
  if (store->idle_readers->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (store->idle_readers, db);
      db = NULL;
    }
  g_mutex_unlock (&store->readers_lock);
  cr_db_free (db);
}

/* The checkpointer thread. */

/* Runs in the writer's thread after each commit, with the writer lock. */
static int
wal_hook (void *data, sqlite3 *db, const char *name, int n_pages)
{
  CrStore *store = data;

  if (n_pages >= RESTART_THRESHOLD_PAGES &&
      n_pages - g_atomic_int_get (&store->ckpt_done_frames) <= CATCH_UP_PAGES)
    {
      int n_log = 0, n_ckpt = 0;
      (void) sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_ckpt);
    }
  if (n_pages >= CHECKPOINT_THRESHOLD_PAGES)
    {
      g_mutex_lock (&store->ckpt_lock);
      store->ckpt_wanted = TRUE;
      g_cond_signal (&store->ckpt_cond);
      g_mutex_unlock (&store->ckpt_lock);
    }
  return SQLITE_OK;
}

/* Runs in the checkpointer thread: PASSIVE checkpoints never block a
 * writer, so commits never pay for copying the WAL back. */
static gpointer
checkpointer_thread (gpointer data)
{
  CrStore *store = data;
  sqlite3 *db = store->ckpt_db;
  gint64 not_before = 0;

  g_mutex_lock (&store->ckpt_lock);
  for (;;)
    {
      int n_log = 0, n_ckpt = 0, rc;

      while (!store->ckpt_stop && !store->ckpt_wanted)
        g_cond_wait (&store->ckpt_cond, &store->ckpt_lock);
      if (store->ckpt_stop)
        break;
      if (g_get_monotonic_time () < not_before)
        {
          g_cond_wait_until (&store->ckpt_cond, &store->ckpt_lock, not_before);
          continue;
        }
      store->ckpt_wanted = FALSE;
      g_mutex_unlock (&store->ckpt_lock);

      rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_ckpt);
      g_atomic_int_set (&store->ckpt_done_frames, MAX (n_ckpt, 0));
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_debug ("Background checkpoint: %s", sqlite3_errmsg (db));
      /* A checkpoint that stops short of the end skips its fsync and
       * leaves the next one to pay for all of it, perhaps a backup's
       * fence with writers waiting: flush here, where nobody waits. */
      if (rc == SQLITE_OK && n_ckpt > 0 && n_ckpt < n_log)
        {
          sqlite3_file *file = NULL;

          if (sqlite3_file_control (db, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK &&
              file != NULL && file->pMethods != NULL)
            file->pMethods->xSync (file, SQLITE_SYNC_NORMAL);
        }

      g_mutex_lock (&store->ckpt_lock);
      /* A checkpoint that stopped short is held back by a long reader
       * (a backup, a verification): try again later, not after every
       * commit. */
      not_before = (n_ckpt < n_log) ? g_get_monotonic_time () + CHECKPOINT_RETRY_USEC : 0;
      if (n_ckpt < n_log)
        store->ckpt_wanted = TRUE;
    }
  g_mutex_unlock (&store->ckpt_lock);
  return NULL;
}

static void
stop_checkpointer (CrStore *store)
{
  if (store->checkpointer == NULL)
    return;
  g_mutex_lock (&store->ckpt_lock);
  store->ckpt_stop = TRUE;
  g_cond_signal (&store->ckpt_cond);
  g_mutex_unlock (&store->ckpt_lock);
  g_thread_join (g_steal_pointer (&store->checkpointer));
}

/* A checkpoint fails at once with SQLITE_BUSY while another connection
 * (the checkpointer thread) runs one: SQLite does not call the busy
 * handler for that lock. Retry for a while; the other one is short. */
static int
checkpoint_retrying (sqlite3 *db, int mode, int *n_log, int *n_ckpt)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  int rc;

  while ((rc = sqlite3_wal_checkpoint_v2 (db, NULL, mode, n_log, n_ckpt)) == SQLITE_BUSY &&
         g_get_monotonic_time () < deadline)
    g_usleep (200);
  return rc;
}

/* Leftovers of a restore that was interrupted: the candidate file never
 * replaced the repository, so it can go. */
static void
remove_stale_candidates (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".restore-", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (g_str_has_prefix (name, prefix))
        {
          g_autofree char *stale = g_build_filename (dir, name, NULL);
          g_debug ("Removing %s, left by an interrupted restore", stale);
          (void) g_unlink (stale);
        }
    }
}

static gboolean
read_meta (CrStore *store, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  CrStmt *stmt = cr_db_prepare (store->writer, "SELECT value FROM meta WHERE key = 'id'", error);
  g_autoptr (CrStmt) guard = stmt;
  int r;

  if (stmt == NULL)
    return FALSE;
  r = step_row (store->writer, stmt, error);
  if (r < 0)
    return FALSE;
  if (r == 0 || sqlite3_column_type (stmt, 0) != SQLITE_TEXT)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                   _("The repository “%s” has no identity: it was not made by cimrepo, or it is damaged"),
                   store->path);
      return FALSE;
    }
  store->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

static gboolean
initialize_content (CrStore *store, GError **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  CrDb *db = writer_begin (store, error);
  CrStmt *stmt;
  gboolean ok;

  if (db == NULL)
    return FALSE;
  stmt = cr_db_prepare (db, "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", error);
  ok = stmt != NULL;
  if (ok)
    {
      g_autoptr (CrStmt) guard = stmt;
      bind_text (stmt, 1, "id");
      bind_text (stmt, 2, uuid);
      ok = step_done (db, stmt, error);
    }
  if (ok)
    {
      g_autoptr (CrStmt) guard = stmt;
      sqlite3_reset (stmt);
      bind_text (stmt, 1, "created");
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      ok = step_done (db, stmt, error);
    }
  if (ok)
    ok = cr_db_exec (db, "INSERT OR IGNORE INTO namespaces (parent, path, path_key) VALUES (NULL, 'root', 'root')", error);
  if (!ok)
    {
      writer_rollback (store);
      return FALSE;
    }
  return writer_commit (store, FALSE, error);
}

/**
 * cr_store_open:
 * @create: create the database (and its directory) if it does not exist
 *
 * Opens the database in WAL mode, migrates its schema forward, and
 * starts the checkpointer. The caller holds the repository's lock file.
 */
CrStore *
cr_store_open (const char *path, gboolean create, GError **error)
{
  g_autoptr (CrStore) store = g_new0 (CrStore, 1);
  g_autofree char *what = NULL;
  sqlite3 *sdb;
  int flags = SQLITE_OPEN_READWRITE;
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);

  store->path = g_strdup (path);
  g_mutex_init (&store->writer_lock);
  g_mutex_init (&store->readers_lock);
  g_mutex_init (&store->cache_lock);
  g_mutex_init (&store->ckpt_lock);
  g_cond_init (&store->ckpt_cond);
  store->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_db_free);
  store->class_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  if (!exists && !create)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                   _("There is no repository at “%s”"), path);
      return NULL;
    }
  if (exists && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("“%s” is not a repository file"), path);
      return NULL;
    }
  if (!exists)
    flags |= SQLITE_OPEN_CREATE;

  remove_stale_candidates (path);

  sdb = cr_store_open_db (path, flags, NULL, error);
  if (sdb == NULL)
    return NULL;
  store->writer = cr_db_new (sdb);

  /* A repository from a newer cimrepo is left exactly as it is: check
   * before anything (even the journal mode) is written. */
  {
    g_autoptr (sqlite3_stmt) stmt = NULL;
    int rc = sqlite3_prepare_v2 (sdb, "PRAGMA user_version", -1, &stmt, NULL);

    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        what = g_strdup_printf (_("“%s” is not a usable repository"), path);
        cr_store_set_sqlite_error (error, sdb, rc, what);
        return NULL;
      }
    if (sqlite3_column_int64 (stmt, 0) > CR_STORE_SCHEMA_VERSION)
      {
        g_set_error (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION,
                     _("The repository “%s” uses schema version %lld, which is newer than this cimrepo knows (%d). Use a newer cimrepo"),
                     path, (long long) sqlite3_column_int64 (stmt, 0), CR_STORE_SCHEMA_VERSION);
        return NULL;
      }
  }

  /* WAL: readers never block the writer, and a commit needs no fsync
   * (synchronous=NORMAL keeps the database consistent after a crash; at
   * worst the last commits before a power failure are lost). The
   * checkpointer thread does all checkpoints. */
  {
    g_autoptr (sqlite3_stmt) stmt = NULL;
    int rc = sqlite3_prepare_v2 (sdb, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);

    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        what = g_strdup_printf (_("“%s” is not a usable repository"), path);
        cr_store_set_sqlite_error (error, sdb, rc, what);
        return NULL;
      }
    if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
      {
        g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                     _("The repository “%s” cannot use write-ahead logging; is its file system read-only?"), path);
        return NULL;
      }
  }
  if (!cr_db_exec (store->writer,
                   "PRAGMA synchronous = NORMAL;"
                   "PRAGMA journal_size_limit = 67108864;",
                   error))
    return NULL;
  sqlite3_wal_autocheckpoint (sdb, 0);

  what = g_strdup_printf (_("The repository “%s”"), path);
  if (!cr_store_schema_migrate (sdb, what, error))
    return NULL;
  store->schema_version = CR_STORE_SCHEMA_VERSION;

  if (!exists && !initialize_content (store, error))
    return NULL;
  if (!read_meta (store, error))
    return NULL;

  /* A connection sees WAL mode only once it has read the database: a
   * checkpoint on a fresh one does nothing. */
  store->ckpt_db = cr_store_open_db (path, SQLITE_OPEN_READWRITE, NULL, error);
  if (store->ckpt_db == NULL ||
      sqlite3_exec (store->ckpt_db, "PRAGMA user_version", NULL, NULL, NULL) != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, store->ckpt_db, SQLITE_CANTOPEN, _("Could not set up the repository's checkpoints"));
      return NULL;
    }
  sqlite3_wal_hook (sdb, wal_hook, store);
  store->checkpointer = g_thread_new ("cr-checkpoint", checkpointer_thread, store);
  return g_steal_pointer (&store);
}

/**
 * cr_store_close:
 *
 * Stops the checkpointer and closes every connection. The last close
 * copies the WAL into the database and removes it, so that afterwards the
 * database file alone holds everything. Call with no operation in flight.
 */
void
cr_store_close (CrStore *store)
{
  if (store == NULL)
    return;
  stop_checkpointer (store);
  g_clear_pointer (&store->ckpt_db, sqlite3_close_v2);
  g_clear_pointer (&store->idle_readers, g_ptr_array_unref);
  if (store->writer != NULL)
    {
      int n_log = 0, n_ckpt = 0;
      (void) checkpoint_retrying (store->writer->db, SQLITE_CHECKPOINT_TRUNCATE, &n_log, &n_ckpt);
    }
  g_clear_pointer (&store->writer, cr_db_free);
  g_clear_pointer (&store->class_cache, g_hash_table_unref);
  g_mutex_clear (&store->writer_lock);
  g_mutex_clear (&store->readers_lock);
  g_mutex_clear (&store->cache_lock);
  g_mutex_clear (&store->ckpt_lock);
  g_cond_clear (&store->ckpt_cond);
  g_free (store->path);
  g_free (store->id);
  g_free (store);
}

const char *
cr_store_get_path (CrStore *store)
{
  return store->path;
}

const char *
cr_store_get_id (CrStore *store)
{
  return store->id;
}

guint32
cr_store_get_schema_version (CrStore *store)
{
  return store->schema_version;
}

guint64
cr_store_get_size (CrStore *store)
{
  GStatBuf st;
  guint64 size = 0;
  g_autofree char *wal = g_strconcat (store->path, "-wal", NULL);

  if (g_stat (store->path, &st) == 0)
    size += (guint64) st.st_size;
  if (g_stat (wal, &st) == 0)
    size += (guint64) st.st_size;
  return size;
}

/* Copies every frame of the WAL into the database file and syncs it.
 * Call with writes held. */
gboolean
cr_store_checkpoint_full (CrStore *store, GError **error)
{
  int n_log = 0, n_ckpt = 0, rc;

  g_mutex_lock (&store->writer_lock);
  rc = checkpoint_retrying (store->writer->db, SQLITE_CHECKPOINT_FULL, &n_log, &n_ckpt);
  g_mutex_unlock (&store->writer_lock);
  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, NULL, rc, _("Could not write the repository's log into its file"));
      return FALSE;
    }
  if (n_log < 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_BUSY,
                           _("The repository's log could not be copied back: SQLite did not report it; try again"));
      return FALSE;
    }
  if (n_ckpt < n_log)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_BUSY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The repository's log could not be copied back completely (%d of %d page); try again",
                                "The repository's log could not be copied back completely (%d of %d pages); try again",
                                n_log),
                   n_ckpt, n_log);
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_store_checkpoint_truncate (CrStore *store, guint64 *out_wal_bytes, GError **error)
{
  int n_log = 0, n_ckpt = 0, rc;
  int page_size = 4096;

  g_mutex_lock (&store->writer_lock);
  {
    g_autoptr (sqlite3_stmt) stmt = NULL;
    if (sqlite3_prepare_v2 (store->writer->db, "PRAGMA page_size", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step (stmt) == SQLITE_ROW)
      page_size = sqlite3_column_int (stmt, 0);
  }
  rc = checkpoint_retrying (store->writer->db, SQLITE_CHECKPOINT_TRUNCATE, &n_log, &n_ckpt);
  if (rc != SQLITE_OK)
    cr_store_set_sqlite_error (error, store->writer->db, rc, _("Could not write the repository's log into its file"));
  g_mutex_unlock (&store->writer_lock);
  if (out_wal_bytes != NULL)
    *out_wal_bytes = (guint64) MAX (n_log, 0) * (guint64) page_size;
  return rc == SQLITE_OK;
}

/* Counts and backup history */

static gboolean
query_count (CrDb *db, const char *sql, guint64 *out, GError **error)
{
  CrStmt *stmt = cr_db_prepare (db, sql, error);
  g_autoptr (CrStmt) guard = stmt;

  if (stmt == NULL || step_row (db, stmt, error) != 1)
    return FALSE;
  *out = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
cr_store_get_counts (CrStore *store, guint64 *out_namespaces, guint64 *out_classes, guint64 *out_instances, GError **error)
{
  CrDb *db = reader_acquire (store, error);
  guint64 n = 0, c = 0, i = 0;
  gboolean ok;

  if (db == NULL)
    return FALSE;
  ok = query_count (db, "SELECT count(*) FROM namespaces", &n, error) &&
       query_count (db, "SELECT count(*) FROM classes", &c, error) &&
       query_count (db, "SELECT count(*) FROM instances", &i, error);
  reader_release (store, db);
  if (!ok)
    return FALSE;
  if (out_namespaces != NULL)
    *out_namespaces = n;
  if (out_classes != NULL)
    *out_classes = c;
  if (out_instances != NULL)
    *out_instances = i;
  return TRUE;
}

gint64
cr_store_get_last_backup (CrStore *store)
{
  g_autoptr (GError) error = NULL;
  CrDb *db = reader_acquire (store, &error);
  guint64 t = 0;

  if (db == NULL)
    return 0;
  if (!query_count (db, "SELECT ifnull(max(created), 0) FROM backups", &t, &error))
    g_debug ("Could not read the backup history: %s", error->message);
  reader_release (store, db);
  return (gint64) t;
}

gboolean
cr_store_record_backup (CrStore *store, gint64 created, guint64 size, const char *checksum, GError **error)
{
  CrDb *db = writer_begin (store, error);
  CrStmt *stmt;

  if (db == NULL)
    return FALSE;
  stmt = cr_db_prepare (db, "INSERT INTO backups (created, size, checksum) VALUES (?1, ?2, ?3)", error);
  if (stmt != NULL)
    {
      g_autoptr (CrStmt) guard = stmt;
      sqlite3_bind_int64 (stmt, 1, created);
      sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) size);
      bind_text (stmt, 3, checksum);
      if (step_done (db, stmt, error))
        return writer_commit (store, FALSE, error);
    }
  writer_rollback (store);
  return FALSE;
}

/* Namespaces */

/**
 * cr_store_normalize_namespace:
 *
 * Checks a namespace path and returns it with '/' separators. Every
 * namespace lives under "root", as in WMI.
 */
char *
cr_store_normalize_namespace (const char *namespace_, GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *copy = NULL;
  guint n;

  if (namespace_ == NULL || *namespace_ == '\0')
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE, _("No namespace was given"));
      return NULL;
    }
  if (strlen (namespace_) > CR_MAX_NAMESPACE_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The namespace name is longer than %d byte",
                                "The namespace name is longer than %d bytes",
                                CR_MAX_NAMESPACE_BYTES),
                   CR_MAX_NAMESPACE_BYTES);
      return NULL;
    }
  copy = g_strdup (namespace_);
  g_strdelimit (copy, "\\", '/');
  parts = g_strsplit (copy, "/", -1);
  n = g_strv_length (parts);
  if (n > CR_MAX_NAMESPACE_DEPTH)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The namespace “%s” is nested deeper than %d level",
                                "The namespace “%s” is nested deeper than %d levels",
                                CR_MAX_NAMESPACE_DEPTH),
                   namespace_, CR_MAX_NAMESPACE_DEPTH);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) local_error = NULL;

      if (!cr_name_is_valid (parts[i], &local_error))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                       _("“%s” is not a valid namespace: %s"), namespace_, local_error->message);
          return NULL;
        }
    }
  if (g_ascii_strcasecmp (parts[0], "root") != 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                   _("“%s” is not a valid namespace: every namespace lies under “root”"), namespace_);
      return NULL;
    }
  return g_strjoinv ("/", parts);
}

static char *
namespace_key (const char *canonical)
{
  return g_utf8_casefold (canonical, -1);
}

/* Returns the id, 0 if it does not exist, -1 on error. */
static gint64
lookup_namespace (CrDb *db, const char *canonical, char **out_path, GError **error)
{
  g_autofree char *key = namespace_key (canonical);
  CrStmt *stmt = cr_db_prepare (db, "SELECT id, path FROM namespaces WHERE path_key = ?1", error);
  g_autoptr (CrStmt) guard = stmt;
  int r;

  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, key);
  r = step_row (db, stmt, error);
  if (r < 0)
    return -1;
  if (r == 0)
    return 0;
  if (out_path != NULL)
    *out_path = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  return sqlite3_column_int64 (stmt, 0);
}

/* Resolves a namespace that must exist, for the model operations. */
static gint64
require_namespace (CrDb *db, const char *namespace_, GError **error)
{
  g_autofree char *canonical = cr_store_normalize_namespace (namespace_, error);
  gint64 id;

  if (canonical == NULL)
    return -1;
  id = lookup_namespace (db, canonical, NULL, error);
  if (id == 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                   _("The namespace “%s” does not exist"), canonical);
      return -1;
    }
  return id;
}

gboolean
cr_store_namespace_exists (CrStore *store, const char *namespace_, char **out_canonical, GError **error)
{
  g_autofree char *canonical = cr_store_normalize_namespace (namespace_, error);
  g_autofree char *path = NULL;
  CrDb *db;
  gint64 id;

  if (canonical == NULL)
    return FALSE;
  db = reader_acquire (store, error);
  if (db == NULL)
    return FALSE;
  id = lookup_namespace (db, canonical, &path, error);
  reader_release (store, db);
  if (id < 0)
    return FALSE;
  if (id == 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                   _("The namespace “%s” does not exist"), canonical);
      return FALSE;
    }
  if (out_canonical != NULL)
    *out_canonical = g_steal_pointer (&path);
  return TRUE;
}

static gint64
insert_namespace (CrDb *db, gint64 parent, const char *canonical, GError **error)
{
  g_autofree char *key = namespace_key (canonical);
  CrStmt *stmt = cr_db_prepare (db, "INSERT INTO namespaces (parent, path, path_key) VALUES (?1, ?2, ?3)", error);
  g_autoptr (CrStmt) guard = stmt;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, parent);
  bind_text (stmt, 2, canonical);
  bind_text (stmt, 3, key);
  if (!step_done (db, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (db->db);
}

/* Creates @canonical inside the writer's transaction. With @parents,
 * missing parents too, and an existing namespace is no error. */
static gboolean
create_namespace_txn (CrDb *db, const char *canonical, gboolean parents, guint *out_created, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (canonical, "/", -1);
  g_autoptr (GString) prefix = g_string_new (NULL);
  gint64 parent = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gboolean last = parts[i + 1] == NULL;
      gint64 id;

      if (i > 0)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);
      id = lookup_namespace (db, prefix->str, NULL, error);
      if (id < 0)
        return FALSE;
      if (id > 0 && last && !parents)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS,
                       _("The namespace “%s” already exists"), canonical);
          return FALSE;
        }
      if (id == 0)
        {
          if (!last && !parents)
            {
              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                           _("Cannot create “%s”: its parent namespace “%s” does not exist"),
                           canonical, prefix->str);
              return FALSE;
            }
          id = insert_namespace (db, parent, prefix->str, error);
          if (id < 0)
            return FALSE;
          if (out_created != NULL)
            (*out_created)++;
        }
      parent = id;
    }
  return TRUE;
}

gboolean
cr_store_create_namespace (CrStore *store, const char *namespace_, gboolean parents, GError **error)
{
  g_autofree char *canonical = cr_store_normalize_namespace (namespace_, error);
  guint created = 0;
  CrDb *db;
  gboolean ok;

  if (canonical == NULL)
    return FALSE;
  db = writer_begin (store, error);
  if (db == NULL)
    return FALSE;
  ok = create_namespace_txn (db, canonical, parents, &created, error);
  if (ok && created == 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS,
                   _("The namespace “%s” already exists"), canonical);
      ok = FALSE;
    }
  return writer_end (store, ok, FALSE, error);
}

gboolean
cr_store_delete_namespace (CrStore *store, const char *namespace_, GError **error)
{
  g_autofree char *canonical = cr_store_normalize_namespace (namespace_, error);
  CrDb *db;
  CrStmt *stmt;
  gint64 id;

  if (canonical == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (canonical, "root") == 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                           _("The root namespace cannot be deleted"));
      return FALSE;
    }
  db = writer_begin (store, error);
  if (db == NULL)
    return FALSE;
  id = lookup_namespace (db, canonical, NULL, error);
  if (id <= 0)
    {
      writer_rollback (store);
      if (id == 0)
        g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                     _("The namespace “%s” does not exist"), canonical);
      return FALSE;
    }
  /* ON DELETE CASCADE takes the children, their classes and instances. */
  stmt = cr_db_prepare (db, "DELETE FROM namespaces WHERE id = ?1", error);
  if (stmt != NULL)
    {
      g_autoptr (CrStmt) guard = stmt;
      sqlite3_bind_int64 (stmt, 1, id);
      if (step_done (db, stmt, error))
        return writer_commit (store, TRUE, error);
    }
  writer_rollback (store);
  return FALSE;
}

GStrv
cr_store_list_namespaces (CrStore *store, const char *parent, gboolean recursive, GError **error)
{
  g_autofree char *canonical = NULL;
  g_autofree char *key = NULL;
  g_autofree char *like = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  CrDb *db;
  CrStmt *stmt;
  int r;

  if (parent != NULL)
    {
      canonical = cr_store_normalize_namespace (parent, error);
      if (canonical == NULL)
        return NULL;
      key = namespace_key (canonical);
    }

  db = reader_acquire (store, error);
  if (db == NULL)
    return NULL;

  if (key != NULL)
    {
      gint64 id = lookup_namespace (db, canonical, NULL, error);
      if (id <= 0)
        {
          reader_release (store, db);
          if (id == 0)
            g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                         _("The namespace “%s” does not exist"), canonical);
          return NULL;
        }
    }

  /* Children of P have keys "p/…"; direct ones have no further '/'. */
  stmt = cr_db_prepare (db,
                        "SELECT path FROM namespaces WHERE "
                        "(?1 IS NULL OR substr(path_key, 1, length(?1) + 1) = ?1 || '/') AND "
                        "(?2 OR ?1 IS NULL AND instr(path_key, '/') = 0 OR "
                        " ?1 IS NOT NULL AND instr(substr(path_key, length(?1) + 2), '/') = 0) "
                        "ORDER BY path_key",
                        error);
  if (stmt == NULL)
    {
      reader_release (store, db);
      return NULL;
    }
  {
    g_autoptr (CrStmt) guard = stmt;
    bind_text (stmt, 1, key);
    sqlite3_bind_int (stmt, 2, recursive ? 1 : 0);
    while ((r = step_row (db, stmt, error)) == 1)
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  }
  reader_release (store, db);
  if (r < 0)
    return NULL;
  return g_strv_builder_end (builder);
}

/* Qualifier types */

static gboolean
put_qualifier_type_txn (CrDb *db, const char *ns, GVariant *v, const char *name, CrPutFlags flags,
                        CrPutResult *out_result, GError **error)
{
  g_autofree char *key = cr_name_key (name);
  gint64 ns_id = require_namespace (db, ns, error);
  CrStmt *stmt;
  int r;

  if (ns_id < 0)
    return FALSE;

  *out_result = CR_PUT_RESULT_CREATED;
  stmt = cr_db_prepare (db, "SELECT definition FROM qualifier_types WHERE namespace = ?1 AND name_key = ?2", error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autoptr (CrStmt) guard = stmt;

    sqlite3_bind_int64 (stmt, 1, ns_id);
    bind_text (stmt, 2, key);
    r = step_row (db, stmt, error);
    if (r < 0)
      return FALSE;
    if (r == 1)
      {
        g_autoptr (GVariant) old = column_variant (stmt, 0, CR_QUALIFIER_TYPE_VARIANT_TYPE);

        if (flags & CR_PUT_FLAGS_CREATE_ONLY)
          {
            g_set_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS,
                         _("The qualifier type %s already exists in namespace %s"), name, ns);
            return FALSE;
          }
        *out_result = g_variant_equal (old, v) ? CR_PUT_RESULT_UNCHANGED : CR_PUT_RESULT_UPDATED;
      }
    else if (flags & CR_PUT_FLAGS_UPDATE_ONLY)
      {
        g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                     _("The qualifier type %s does not exist in namespace %s"), name, ns);
        return FALSE;
      }
  }
  if (*out_result == CR_PUT_RESULT_UNCHANGED)
    return TRUE;

  stmt = cr_db_prepare (db, "INSERT OR REPLACE INTO qualifier_types (namespace, name_key, definition) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autoptr (CrStmt) guard = stmt;

    sqlite3_bind_int64 (stmt, 1, ns_id);
    bind_text (stmt, 2, key);
    bind_variant (stmt, 3, v);
    return step_done (db, stmt, error);
  }
}

CrPutResult
cr_store_put_qualifier_type (CrStore *store, const char *ns, CrQualifierType *qtype, CrPutFlags flags, GError **error)
{
  g_autoptr (GVariant) v = NULL;
  g_autoptr (CrQualifierType) checked = NULL;
  CrPutResult result = CR_PUT_RESULT_CREATED;
  CrDb *db;
  gboolean ok;

  /* A round trip through the wire form runs every check on it. */
  v = g_variant_ref_sink (cr_qualifier_type_to_variant (qtype));
  checked = cr_qualifier_type_new_from_variant (v, error);
  if (checked == NULL)
    return CR_PUT_RESULT_ERROR;

  db = writer_begin (store, error);
  if (db == NULL)
    return CR_PUT_RESULT_ERROR;
  ok = put_qualifier_type_txn (db, ns, v, checked->name, flags, &result, error);
  if (!writer_end (store, ok, FALSE, error))
    return CR_PUT_RESULT_ERROR;
  return result;
}

CrQualifierType *
cr_store_get_qualifier_type (CrStore *store, const char *ns, const char *name, GError **error)
{
  g_autofree char *key = NULL;
  g_autoptr (CrQualifierType) qtype = NULL;
  CrDb *db;
  CrStmt *stmt;
  gint64 ns_id;
  int r = -1;

  if (!cr_name_is_valid (name, error))
    return NULL;
  key = cr_name_key (name);
  db = reader_acquire (store, error);
  if (db == NULL)
    return NULL;
  ns_id = require_namespace (db, ns, error);
  stmt = ns_id < 0 ? NULL : cr_db_prepare (db, "SELECT definition FROM qualifier_types WHERE namespace = ?1 AND name_key = ?2", error);
  if (stmt != NULL)
    {
      g_autoptr (CrStmt) guard = stmt;

      sqlite3_bind_int64 (stmt, 1, ns_id);
      bind_text (stmt, 2, key);
      r = step_row (db, stmt, error);
      if (r == 1)
        {
          g_autoptr (GVariant) v = column_variant (stmt, 0, CR_QUALIFIER_TYPE_VARIANT_TYPE);
          qtype = cr_qualifier_type_new_from_variant (v, error);
        }
    }
  reader_release (store, db);
  if (r == 0)
    g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                 _("The qualifier type %s does not exist in namespace %s"), name, ns);
  return g_steal_pointer (&qtype);
}

gboolean
cr_store_delete_qualifier_type (CrStore *store, const char *ns, const char *name, GError **error)
{
  g_autofree char *key = NULL;
  CrDb *db;
  CrStmt *stmt;
  gint64 ns_id;
  gboolean ok = FALSE;

  if (!cr_name_is_valid (name, error))
    return FALSE;
  key = cr_name_key (name);
  db = writer_begin (store, error);
  if (db == NULL)
    return FALSE;
  ns_id = require_namespace (db, ns, error);
  stmt = ns_id < 0 ? NULL : cr_db_prepare (db, "DELETE FROM qualifier_types WHERE namespace = ?1 AND name_key = ?2", error);
  if (stmt != NULL)
    {
      g_autoptr (CrStmt) guard = stmt;

      sqlite3_bind_int64 (stmt, 1, ns_id);
      bind_text (stmt, 2, key);
      ok = step_done (db, stmt, error);
      if (ok && sqlite3_changes (db->db) == 0)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                       _("The qualifier type %s does not exist in namespace %s"), name, ns);
          ok = FALSE;
        }
    }
  return writer_end (store, ok, FALSE, error);
}

GPtrArray *
cr_store_enumerate_qualifier_types (CrStore *store, const char *ns, GError **error)
{
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_qualifier_type_free);
  CrDb *db;
  CrStmt *stmt;
  gint64 ns_id;
  gboolean ok = FALSE;

  db = reader_acquire (store, error);
  if (db == NULL)
    return NULL;
  ns_id = require_namespace (db, ns, error);
  stmt = ns_id < 0 ? NULL : cr_db_prepare (db, "SELECT definition FROM qualifier_types WHERE namespace = ?1 ORDER BY name_key", error);
  if (stmt != NULL)
    {
      g_autoptr (CrStmt) guard = stmt;
      int r;

      sqlite3_bind_int64 (stmt, 1, ns_id);
      ok = TRUE;
      while (ok && (r = step_row (db, stmt, error)) == 1)
        {
          g_autoptr (GVariant) v = column_variant (stmt, 0, CR_QUALIFIER_TYPE_VARIANT_TYPE);
          CrQualifierType *qtype = cr_qualifier_type_new_from_variant (v, error);

          if (qtype == NULL)
            ok = FALSE;
          else
            g_ptr_array_add (result, qtype);
        }
      if (r < 0)
        ok = FALSE;
    }
  reader_release (store, db);
  return ok ? g_steal_pointer (&result) : NULL;
}

/* Classes */

static char *
class_cache_key (gint64 ns_id, const char *name_key)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%s", ns_id, name_key);
}

static CrClass *
cache_lookup (CrStore *store, gint64 ns_id, const char *name_key)
{
  g_autofree char *key = class_cache_key (ns_id, name_key);
  CrClass *klass;

  g_mutex_lock (&store->cache_lock);
  klass = g_hash_table_lookup (store->class_cache, key);
  if (klass != NULL)
    g_object_ref (klass);
  g_mutex_unlock (&store->cache_lock);
  return klass;
}

static void
cache_insert (CrStore *store, CrDb *db, gint64 ns_id, const char *name_key, CrClass *resolved)
{
  g_mutex_lock (&store->cache_lock);
  if (store->cache_generation == db->generation)
    g_hash_table_replace (store->class_cache, class_cache_key (ns_id, name_key), g_object_ref (resolved));
  g_mutex_unlock (&store->cache_lock);
}

/* Loads a class as stored (its local shape). Returns 1 when found, 0
 * when not, -1 on error. */
static int
load_local_class (CrDb *db, gint64 ns_id, const char *name_key, gint64 *out_id, CrClass **out_class, GError **error)
{
  CrStmt *stmt = cr_db_prepare (db, "SELECT id, definition FROM classes WHERE namespace = ?1 AND name_key = ?2", error);
  g_autoptr (CrStmt) guard = stmt;
  g_autoptr (GVariant) v = NULL;
  g_autoptr (GError) local_error = NULL;
  int r;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, ns_id);
  bind_text (stmt, 2, name_key);
  r = step_row (db, stmt, error);
  if (r <= 0)
    return r;
  if (out_id != NULL)
    *out_id = sqlite3_column_int64 (stmt, 0);
  if (out_class == NULL)
    return 1;
  v = column_variant (stmt, 1, CR_CLASS_VARIANT_TYPE);
  *out_class = cr_class_new_from_variant (v, &local_error);
  if (*out_class == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                   _("The stored class %s cannot be read (%s). Verify the repository, and restore a backup if it is damaged"),
                   name_key, local_error->message);
      return -1;
    }
  return 1;
}

/* The name key of a class's superclass, without reading its definition:
 * 1 and *out_key (NULL for a root class) when the class exists, 0 when
 * not, -1 on error. */
static int
load_superclass_key (CrDb *db, gint64 ns_id, const char *name_key, char **out_key, GError **error)
{
  CrStmt *stmt = cr_db_prepare (db, "SELECT superclass_key FROM classes WHERE namespace = ?1 AND name_key = ?2", error);
  g_autoptr (CrStmt) guard = stmt;
  const char *super;
  int r;

  *out_key = NULL;
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, ns_id);
  bind_text (stmt, 2, name_key);
  r = step_row (db, stmt, error);
  if (r <= 0)
    return r;
  super = (const char *) sqlite3_column_text (stmt, 0);
  if (super != NULL && *super != '\0')
    *out_key = g_strdup (super);
  return 1;
}

/*
 * Resolves a class: its local shape merged with everything it inherits.
 * Walks up the superclass chain until a cached ancestor (or the top),
 * then resolves downwards. @use_cache is FALSE inside a transaction that
 * changes classes, which must see its own uncommitted rows.
 */
static CrClass *
resolve_class (CrStore *store, CrDb *db, gint64 ns_id, const char *name, gboolean use_cache, GError **error)
{
  g_autoptr (GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CrClass) resolved = NULL;
  g_autofree char *key = cr_name_key (name);

  /* Uncommitted class changes must neither be hidden by the cache nor
   * leak into it. */
  if (db->classes_dirty)
    use_cache = FALSE;

  while (key != NULL)
    {
      g_autoptr (CrClass) local = NULL;
      const char *super;
      int r;

      if (db->txn_classes != NULL)
        {
          g_autofree char *txn_key = class_cache_key (ns_id, key);
          CrClass *cached = g_hash_table_lookup (db->txn_classes, txn_key);

          if (cached != NULL)
            {
              resolved = g_object_ref (cached);
              break;
            }
        }
      if (use_cache && (resolved = cache_lookup (store, ns_id, key)) != NULL)
        break;
      if (chain->len >= MAX_SUPERCLASS_DEPTH)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                       _("The superclasses of class %s form a cycle or are nested deeper than %d"),
                       name, MAX_SUPERCLASS_DEPTH);
          return NULL;
        }
      r = load_local_class (db, ns_id, key, NULL, &local, error);
      if (r < 0)
        return NULL;
      if (r == 0)
        {
          if (chain->len == 0)
            g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND, _("The class %s does not exist"), name);
          else
            g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_CORRUPT,
                         _("The class %s inherits from %s, which does not exist"),
                         cr_class_get_name (g_ptr_array_index (chain, chain->len - 1)), key);
          return NULL;
        }
      super = cr_class_get_superclass (local);
      g_free (key);
      key = (super != NULL && *super != '\0') ? cr_name_key (super) : NULL;
      g_ptr_array_add (chain, g_steal_pointer (&local));
    }

  for (guint i = chain->len; i > 0; i--)
    {
      CrClass *local = g_ptr_array_index (chain, i - 1);
      g_autoptr (GError) local_error = NULL;
      g_autoptr (CrClass) next = cr_class_resolve (local, resolved, &local_error);
      g_autofree char *local_key = NULL;

      if (next == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("The class %s cannot be resolved: "), cr_class_get_name (local));
          return NULL;
        }
      g_set_object (&resolved, next);
      if (use_cache || db->txn_classes != NULL)
        local_key = cr_name_key (cr_class_get_name (local));
      if (use_cache)
        cache_insert (store, db, ns_id, local_key, resolved);
      if (db->txn_classes != NULL)
        g_hash_table_replace (db->txn_classes, class_cache_key (ns_id, local_key), g_object_ref (resolved));
    }
  return g_steal_pointer (&resolved);
}

/* The ids of a class and all its descendants, parents before children. */
static GArray *
class_subtree (CrDb *db, gint64 class_id, GError **error)
{
  CrStmt *stmt = cr_db_prepare (db,
                                "WITH RECURSIVE sub (id, ns, key, depth) AS ("
                                "  SELECT id, namespace, name_key, 0 FROM classes WHERE id = ?1"
                                "  UNION ALL"
                                "  SELECT c.id, c.namespace, c.name_key, sub.depth + 1 FROM classes c"
                                "  JOIN sub ON c.namespace = sub.ns AND c.superclass_key = sub.key"
                                "  WHERE sub.depth < 256"
                                ") SELECT id, min(depth) AS d FROM sub GROUP BY id ORDER BY d, id",
                                error);
  g_autoptr (CrStmt) guard = stmt;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int r;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, class_id);
  while ((r = step_row (db, stmt, error)) == 1)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (r < 0)
    return NULL;
  return g_steal_pointer (&ids);
}

static CrInstance *
instance_from_row (const char *class_name, const char *key, GVariant *values)
{
  g_autoptr (CrInstance) instance = cr_instance_new (class_name);
  g_autofree char *path = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_iter_init (&iter, values);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      cr_instance_set_property (instance, name, value);
      g_variant_unref (value);
    }
  if (g_strcmp0 (key, "@") == 0)
    path = g_strconcat (class_name, "=@", NULL);
  else
    path = g_strconcat (class_name, ".", key, NULL);
  cr_instance_set_path (instance, path);
  return g_steal_pointer (&instance);
}

static GVariant *
instance_values (CrInstance *instance)
{
  g_autoptr (GVariant) v = g_variant_ref_sink (cr_instance_to_variant (instance));

  return g_variant_get_child_value (v, 1);
}

typedef struct {
  gint64 id;
  char *key;
  GVariant *values;
} Rewrite;

static void
rewrite_clear (Rewrite *rw)
{
  g_free (rw->key);
  g_variant_unref (rw->values);
}

static gboolean
rewrite_instance (CrDb *db, const Rewrite *rw, const char *class_name, GError **error)
{
  CrStmt *stmt = cr_db_prepare (db, "UPDATE instances SET key = ?2, data = ?3 WHERE id = ?1", error);
  g_autoptr (CrStmt) guard = stmt;
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rw->id);
  bind_text (stmt, 2, rw->key);
  bind_variant (stmt, 3, rw->values);
  if (!step_done (db, stmt, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("The change would make two instances of %s equal: "), class_name);
      return FALSE;
    }
  return TRUE;
}

/*
 * After a class changes, everything below it must still hold: every
 * descendant class must resolve, and every instance of the class or a
 * descendant must still normalise (its values are rewritten if their
 * normal form changed). Runs inside the put's transaction.
 */
static gboolean
revalidate_subtree (CrStore *store, CrDb *db, gint64 ns_id, gint64 class_id, GError **error)
{
  g_autoptr (GArray) ids = class_subtree (db, class_id, error);

  if (ids == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autofree char *name = NULL;
      g_autoptr (CrClass) resolved = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GArray) rewrites = g_array_new (FALSE, FALSE, sizeof (Rewrite));
      CrStmt *stmt;
      int r;

      g_array_set_clear_func (rewrites, (GDestroyNotify) rewrite_clear);
      stmt = cr_db_prepare (db, "SELECT name FROM classes WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      {
        g_autoptr (CrStmt) guard = stmt;
        sqlite3_bind_int64 (stmt, 1, id);
        if (step_row (db, stmt, error) != 1)
          return FALSE;
        name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      }

      resolved = resolve_class (store, db, ns_id, name, FALSE, &local_error);
      if (resolved == NULL)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_CLASS_HAS_CHILDREN,
                       _("The change would break subclass %s: %s"), name, local_error->message);
          return FALSE;
        }

      stmt = cr_db_prepare (db, "SELECT id, key, data FROM instances WHERE class = ?1", error);
      if (stmt == NULL)
        return FALSE;
      {
        g_autoptr (CrStmt) guard = stmt;

        sqlite3_bind_int64 (stmt, 1, id);
        while ((r = step_row (db, stmt, error)) == 1)
          {
            g_autoptr (GVariant) values = column_variant (stmt, 2, "a{sv}");
            const char *key = (const char *) sqlite3_column_text (stmt, 1);
            g_autoptr (CrInstance) old = instance_from_row (name, key, values);
            g_autoptr (CrInstance) normal = cr_instance_normalize (old, resolved, &local_error);
            g_autoptr (CrObjectPath) path = NULL;
            Rewrite rw = { 0 };

            if (normal != NULL)
              path = cr_instance_build_path (normal, resolved, &local_error);
            if (path == NULL)
              {
                g_set_error (error, CR_ERROR, CR_ERROR_CLASS_HAS_INSTANCES,
                             _("The change would break instance %s: %s. Delete the instance, or keep the class compatible"),
                             cr_instance_get_path (old), local_error->message);
                return FALSE;
              }
            rw.key = cr_object_path_to_key_string (path);
            rw.values = instance_values (normal);
            if (g_strcmp0 (rw.key, key) == 0 && g_variant_equal (rw.values, values))
              {
                rewrite_clear (&rw);
                continue;
              }
            rw.id = sqlite3_column_int64 (stmt, 0);
            g_array_append_val (rewrites, rw);
          }
        if (r < 0)
          return FALSE;
      }

      for (guint j = 0; j < rewrites->len; j++)
        {
          if (!rewrite_instance (db, &g_array_index (rewrites, Rewrite, j), name, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
put_class_txn (CrStore *store, CrDb *db, const char *ns, CrClass *local, CrPutFlags flags,
               CrPutResult *out_result, GError **error)
{
  const char *name = cr_class_get_name (local);
  const char *super = cr_class_get_superclass (local);
  g_autofree char *key = cr_name_key (name);
  g_autofree char *super_key = NULL;
  g_autoptr (CrClass) old = NULL;
  g_autoptr (CrClass) resolved_super = NULL;
  g_autoptr (CrClass) resolved = NULL;
  g_autoptr (GVariant) v = NULL;
  gint64 ns_id, class_id = 0;
  CrStmt *stmt;
  int r;

  ns_id = require_namespace (db, ns, error);
  if (ns_id < 0)
    return FALSE;

  r = load_local_class (db, ns_id, key, &class_id, &old, error);
  if (r < 0)
    return FALSE;
  if (r == 1 && (flags & CR_PUT_FLAGS_CREATE_ONLY))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS,
                   _("The class %s already exists in namespace %s"), name, ns);
      return FALSE;
    }
  if (r == 0 && (flags & CR_PUT_FLAGS_UPDATE_ONLY))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                   _("The class %s does not exist in namespace %s"), name, ns);
      return FALSE;
    }

  if (super != NULL && *super != '\0')
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *walk = NULL;

      super_key = cr_name_key (super);
      resolved_super = resolve_class (store, db, ns_id, super, FALSE, &local_error);
      if (resolved_super == NULL)
        {
          if (g_error_matches (local_error, CR_ERROR, CR_ERROR_NOT_FOUND))
            g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                         _("The superclass %s of class %s does not exist in namespace %s"), super, name, ns);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* A class may not end up among its own ancestors. */
      walk = g_strdup (super_key);
      for (guint depth = 0; walk != NULL && depth < MAX_SUPERCLASS_DEPTH; depth++)
        {
          char *up = NULL;

          if (g_strcmp0 (walk, key) == 0)
            {
              g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                           _("Class %s cannot inherit from %s: %s is already one of its subclasses"),
                           name, super, super);
              return FALSE;
            }
          r = load_superclass_key (db, ns_id, walk, &up, error);
          if (r < 0)
            return FALSE;
          g_free (walk);
          walk = r == 1 ? up : NULL;
        }
    }

  resolved = cr_class_resolve (local, resolved_super, error);
  if (resolved == NULL)
    return FALSE;

  v = g_variant_ref_sink (cr_class_to_variant (local));
  if (g_variant_get_size (v) > CR_MAX_OBJECT_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The class %s is larger than %d byte",
                                "The class %s is larger than %d bytes",
                                CR_MAX_OBJECT_BYTES),
                   name, CR_MAX_OBJECT_BYTES);
      return FALSE;
    }

  if (old != NULL)
    {
      if (cr_class_equal (old, local))
        {
          if (db->txn_classes != NULL)
            g_hash_table_replace (db->txn_classes, class_cache_key (ns_id, key), g_object_ref (resolved));
          *out_result = CR_PUT_RESULT_UNCHANGED;
          return TRUE;
        }
      db->classes_dirty = TRUE;
      /* Its subclasses change with it: resolve everything again. */
      g_hash_table_remove_all (db->txn_classes);
      stmt = cr_db_prepare (db, "UPDATE classes SET name = ?2, superclass_key = ?3, definition = ?4 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      {
        g_autoptr (CrStmt) guard = stmt;
        sqlite3_bind_int64 (stmt, 1, class_id);
        bind_text (stmt, 2, name);
        bind_text (stmt, 3, super_key);
        bind_variant (stmt, 4, v);
        if (!step_done (db, stmt, error))
          return FALSE;
      }
      *out_result = CR_PUT_RESULT_UPDATED;
      return revalidate_subtree (store, db, ns_id, class_id, error);
    }

  db->classes_dirty = TRUE;
  stmt = cr_db_prepare (db, "INSERT INTO classes (namespace, name, name_key, superclass_key, definition) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autoptr (CrStmt) guard = stmt;
    sqlite3_bind_int64 (stmt, 1, ns_id);
    bind_text (stmt, 2, name);
    bind_text (stmt, 3, key);
    bind_text (stmt, 4, super_key);
    bind_variant (stmt, 5, v);
    if (!step_done (db, stmt, error))
      return FALSE;
  }
  /* A new class changes no other: what the cache holds stays right. */
  if (db->txn_classes != NULL)
    g_hash_table_replace (db->txn_classes, class_cache_key (ns_id, key), g_object_ref (resolved));
  *out_result = CR_PUT_RESULT_CREATED;
  return TRUE;
}

CrPutResult
cr_store_put_class (CrStore *store, const char *ns, CrClass *klass, CrPutFlags flags, GError **error)
{
  g_autoptr (CrClass) local = cr_class_get_local (klass);
  CrPutResult result = CR_PUT_RESULT_CREATED;
  CrDb *db;
  gboolean ok;

  if (!cr_class_validate (local, error))
    return CR_PUT_RESULT_ERROR;
  db = writer_begin (store, error);
  if (db == NULL)
    return CR_PUT_RESULT_ERROR;
  ok = put_class_txn (store, db, ns, local, flags, &result, error);
  if (!writer_end (store, ok, ok && result != CR_PUT_RESULT_UNCHANGED, error))
    return CR_PUT_RESULT_ERROR;
  return result;
}

CrClass *
cr_store_get_class (CrStore *store, const char *ns, const char *name, GError **error)
{
  g_autoptr (CrClass) resolved = NULL;
  CrDb *db;
  gint64 ns_id;

  if (!cr_name_is_valid (name, error))
    return NULL;
  db = reader_acquire (store, error);
  if (db == NULL)
    return NULL;
  ns_id = require_namespace (db, ns, error);
  if (ns_id >= 0)
    resolved = resolve_class (store, db, ns_id, name, TRUE, error);
  reader_release (store, db);
  if (resolved == NULL && error != NULL && g_error_matches (*error, CR_ERROR, CR_ERROR_NOT_FOUND))
    g_prefix_error (error, _("Namespace %s: "), ns);
  return g_steal_pointer (&resolved);
}

static gboolean
delete_class_txn (CrDb *db, const char *ns, const char *name, GError **error)
{
  g_autofree char *key = cr_name_key (name);
  g_autoptr (GArray) ids = NULL;
  gint64 ns_id, class_id = 0;
  int r;

  ns_id = require_namespace (db, ns, error);
  if (ns_id < 0)
    return FALSE;
  r = load_local_class (db, ns_id, key, &class_id, NULL, error);
  if (r < 0)
    return FALSE;
  if (r == 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                   _("The class %s does not exist in namespace %s"), name, ns);
      return FALSE;
    }
  /* As in WMI, deleting a class deletes its subclasses and all their
   * instances (by ON DELETE CASCADE). */
  ids = class_subtree (db, class_id, error);
  if (ids == NULL)
    return FALSE;
  db->classes_dirty = TRUE;
  g_hash_table_remove_all (db->txn_classes);
  for (guint i = ids->len; i > 0; i--)
    {
      CrStmt *stmt = cr_db_prepare (db, "DELETE FROM classes WHERE id = ?1", error);
      g_autoptr (CrStmt) guard = stmt;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i - 1));
      if (!step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cr_store_delete_class (CrStore *store, const char *ns, const char *name, GError **error)
{
  CrDb *db;
  gboolean ok;

  if (!cr_name_is_valid (name, error))
    return FALSE;
  db = writer_begin (store, error);
  if (db == NULL)
    return FALSE;
  ok = delete_class_txn (db, ns, name, error);
  return writer_end (store, ok, ok, error);
}

static GPtrArray *
enumerate_classes_in (CrStore *store, CrDb *db, const char *ns, const char *superclass, gboolean deep, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 ns_id = require_namespace (db, ns, error);
  CrStmt *stmt;
  int r;

  if (ns_id < 0)
    return NULL;

  if (superclass == NULL)
    {
      stmt = cr_db_prepare (db,
                            "SELECT name FROM classes WHERE namespace = ?1 AND (?2 OR superclass_key IS NULL) "
                            "ORDER BY name_key",
                            error);
      if (stmt == NULL)
        return NULL;
      {
        g_autoptr (CrStmt) guard = stmt;
        sqlite3_bind_int64 (stmt, 1, ns_id);
        sqlite3_bind_int (stmt, 2, deep ? 1 : 0);
        while ((r = step_row (db, stmt, error)) == 1)
          g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        if (r < 0)
          return NULL;
      }
    }
  else
    {
      g_autofree char *key = NULL;
      gint64 class_id = 0;

      if (!cr_name_is_valid (superclass, error))
        return NULL;
      key = cr_name_key (superclass);
      r = load_local_class (db, ns_id, key, &class_id, NULL, error);
      if (r < 0)
        return NULL;
      if (r == 0)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_CLASS,
                       _("The class %s does not exist in namespace %s"), superclass, ns);
          return NULL;
        }
      stmt = cr_db_prepare (db,
                            "WITH RECURSIVE sub (id, ns, key, depth) AS ("
                            "  SELECT id, namespace, name_key, 0 FROM classes WHERE id = ?1"
                            "  UNION ALL"
                            "  SELECT c.id, c.namespace, c.name_key, sub.depth + 1 FROM classes c"
                            "  JOIN sub ON c.namespace = sub.ns AND c.superclass_key = sub.key"
                            "  WHERE sub.depth < 256 AND (?2 OR sub.depth = 0)"
                            ") SELECT DISTINCT c.name, c.name_key FROM sub JOIN classes c ON c.id = sub.id "
                            "WHERE sub.depth > 0 ORDER BY c.name_key",
                            error);
      if (stmt == NULL)
        return NULL;
      {
        g_autoptr (CrStmt) guard = stmt;
        sqlite3_bind_int64 (stmt, 1, class_id);
        sqlite3_bind_int (stmt, 2, deep ? 1 : 0);
        while ((r = step_row (db, stmt, error)) == 1)
          g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        if (r < 0)
          return NULL;
      }
    }

  for (guint i = 0; i < names->len; i++)
    {
      CrClass *resolved = resolve_class (store, db, ns_id, g_ptr_array_index (names, i), TRUE, error);

      if (resolved == NULL)
        return NULL;
      g_ptr_array_add (result, resolved);
    }
  return g_steal_pointer (&result);
}

GPtrArray *
cr_store_enumerate_classes (CrStore *store, const char *ns, const char *superclass, gboolean deep, GError **error)
{
  CrDb *db = reader_acquire (store, error);
  GPtrArray *result;

  if (db == NULL)
    return NULL;
  result = enumerate_classes_in (store, db, ns, superclass, deep, error);
  reader_release (store, db);
  return result;
}

/* Instances */

/* The class an instance or path names: its id and resolved shape. A
 * class that does not exist is CR_ERROR_INVALID_CLASS, as in WMI. */
static CrClass *
instance_class (CrStore *store, CrDb *db, gint64 ns_id, const char *ns, const char *class_name, gint64 *out_id, GError **error)
{
  g_autofree char *key = NULL;
  g_autoptr (GError) local_error = NULL;
  CrClass *resolved;
  int r;

  if (!cr_name_is_valid (class_name, error))
    return NULL;
  key = cr_name_key (class_name);
  r = load_local_class (db, ns_id, key, out_id, NULL, error);
  if (r < 0)
    return NULL;
  if (r == 0)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_CLASS,
                   _("The class %s does not exist in namespace %s"), class_name, ns);
      return NULL;
    }
  resolved = resolve_class (store, db, ns_id, class_name, TRUE, error);
  return resolved;
}

static gboolean
put_instance_txn (CrStore *store, CrDb *db, const char *ns, CrInstance *instance, CrPutFlags flags,
                  char **out_path, CrPutResult *out_result, GError **error)
{
  g_autoptr (CrClass) resolved = NULL;
  g_autoptr (CrInstance) normal = NULL;
  g_autoptr (CrObjectPath) path = NULL;
  g_autoptr (GVariant) values = NULL;
  g_autofree char *key = NULL;
  gint64 ns_id, class_id = 0;
  CrStmt *stmt;
  int r;

  ns_id = require_namespace (db, ns, error);
  if (ns_id < 0)
    return FALSE;
  resolved = instance_class (store, db, ns_id, ns, cr_instance_get_class_name (instance), &class_id, error);
  if (resolved == NULL)
    return FALSE;
  normal = cr_instance_normalize (instance, resolved, error);
  if (normal == NULL)
    return FALSE;
  path = cr_instance_build_path (normal, resolved, error);
  if (path == NULL)
    return FALSE;
  key = cr_object_path_to_key_string (path);
  values = instance_values (normal);
  if (g_variant_get_size (values) > CR_MAX_OBJECT_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The instance %s is larger than %d byte",
                                "The instance %s is larger than %d bytes",
                                CR_MAX_OBJECT_BYTES),
                   cr_instance_get_path (normal), CR_MAX_OBJECT_BYTES);
      return FALSE;
    }

  *out_result = CR_PUT_RESULT_CREATED;
  stmt = cr_db_prepare (db, "SELECT data FROM instances WHERE class = ?1 AND key = ?2", error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autoptr (CrStmt) guard = stmt;

    sqlite3_bind_int64 (stmt, 1, class_id);
    bind_text (stmt, 2, key);
    r = step_row (db, stmt, error);
    if (r < 0)
      return FALSE;
    if (r == 1)
      {
        g_autoptr (GVariant) old = column_variant (stmt, 0, "a{sv}");

        if (flags & CR_PUT_FLAGS_CREATE_ONLY)
          {
            g_set_error (error, CR_ERROR, CR_ERROR_ALREADY_EXISTS,
                         _("The instance %s already exists"), cr_instance_get_path (normal));
            return FALSE;
          }
        *out_result = g_variant_equal (old, values) ? CR_PUT_RESULT_UNCHANGED : CR_PUT_RESULT_UPDATED;
      }
    else if (flags & CR_PUT_FLAGS_UPDATE_ONLY)
      {
        g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                     _("The instance %s does not exist"), cr_instance_get_path (normal));
        return FALSE;
      }
  }

  if (*out_result != CR_PUT_RESULT_UNCHANGED)
    {
      stmt = cr_db_prepare (db,
                            "INSERT INTO instances (class, key, data) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (class, key) DO UPDATE SET data = excluded.data",
                            error);
      if (stmt == NULL)
        return FALSE;
      {
        g_autoptr (CrStmt) guard = stmt;
        sqlite3_bind_int64 (stmt, 1, class_id);
        bind_text (stmt, 2, key);
        bind_variant (stmt, 3, values);
        if (!step_done (db, stmt, error))
          return FALSE;
      }
    }
  *out_path = g_strdup (cr_instance_get_path (normal));
  return TRUE;
}

char *
cr_store_put_instance (CrStore *store, const char *ns, CrInstance *instance, CrPutFlags flags,
                       CrPutResult *out_result, GError **error)
{
  g_autofree char *path = NULL;
  CrPutResult result = CR_PUT_RESULT_CREATED;
  CrDb *db = writer_begin (store, error);
  gboolean ok;

  if (db == NULL)
    return NULL;
  ok = put_instance_txn (store, db, ns, instance, flags, &path, &result, error);
  if (!writer_end (store, ok, FALSE, error))
    return NULL;
  if (out_result != NULL)
    *out_result = result;
  return g_steal_pointer (&path);
}

/*
 * Finds the stored row of an instance by path: in the class the path
 * names, or in one of its subclasses (an instance of a subclass is also
 * an instance of its superclass). Returns 1 when found, 0 when not, -1 on
 * error.
 */
static int
find_instance (CrStore *store, CrDb *db, const char *ns, const char *path_text,
               gint64 *out_row, CrInstance **out_instance, GError **error)
{
  g_autoptr (CrObjectPath) path = NULL;
  g_autoptr (CrClass) resolved = NULL;
  g_autofree char *key = NULL;
  gint64 ns_id, class_id = 0;
  CrStmt *stmt;
  int r;

  if (path_text == NULL || strlen (path_text) > CR_MAX_OBJECT_PATH_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_OBJECT_PATH,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The object path is missing or longer than %d byte",
                                "The object path is missing or longer than %d bytes",
                                CR_MAX_OBJECT_PATH_BYTES),
                   CR_MAX_OBJECT_PATH_BYTES);
      return -1;
    }
  path = cr_object_path_parse (path_text, error);
  if (path == NULL)
    return -1;
  if (path->namespace_ != NULL)
    {
      g_autofree char *a = cr_store_normalize_namespace (path->namespace_, error);
      g_autofree char *b = NULL;

      if (a == NULL)
        return -1;
      b = cr_store_normalize_namespace (ns, error);
      if (b == NULL)
        return -1;
      g_autofree char *ka = namespace_key (a);
      g_autofree char *kb = namespace_key (b);

      if (g_strcmp0 (ka, kb) != 0)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("The path %s names namespace %s, but this connection is to %s"), path_text, a, b);
          return -1;
        }
    }
  ns_id = require_namespace (db, ns, error);
  if (ns_id < 0)
    return -1;
  resolved = instance_class (store, db, ns_id, ns, path->class_name, &class_id, error);
  if (resolved == NULL)
    return -1;
  if (!cr_object_path_canonicalize (path, resolved, error))
    return -1;
  key = cr_object_path_to_key_string (path);

  stmt = cr_db_prepare (db,
                        "WITH RECURSIVE sub (id, ns, key, depth) AS ("
                        "  SELECT id, namespace, name_key, 0 FROM classes WHERE id = ?1"
                        "  UNION ALL"
                        "  SELECT c.id, c.namespace, c.name_key, sub.depth + 1 FROM classes c"
                        "  JOIN sub ON c.namespace = sub.ns AND c.superclass_key = sub.key"
                        "  WHERE sub.depth < 256"
                        ") SELECT i.id, c.name, i.data FROM sub JOIN instances i ON i.class = sub.id AND i.key = ?2 "
                        "JOIN classes c ON c.id = sub.id ORDER BY sub.depth LIMIT 1",
                        error);
  if (stmt == NULL)
    return -1;
  {
    g_autoptr (CrStmt) guard = stmt;

    sqlite3_bind_int64 (stmt, 1, class_id);
    bind_text (stmt, 2, key);
    r = step_row (db, stmt, error);
    if (r < 0)
      return -1;
    if (r == 0)
      {
        g_autofree char *canonical = cr_object_path_to_string (path);
        g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                     _("The instance %s does not exist in namespace %s"), canonical, ns);
        return 0;
      }
    if (out_row != NULL)
      *out_row = sqlite3_column_int64 (stmt, 0);
    if (out_instance != NULL)
      {
        g_autoptr (GVariant) values = column_variant (stmt, 2, "a{sv}");
        *out_instance = instance_from_row ((const char *) sqlite3_column_text (stmt, 1), key, values);
      }
  }
  return 1;
}

CrInstance *
cr_store_get_instance (CrStore *store, const char *ns, const char *path, GError **error)
{
  CrInstance *instance = NULL;
  CrDb *db = reader_acquire (store, error);

  if (db == NULL)
    return NULL;
  (void) find_instance (store, db, ns, path, NULL, &instance, error);
  reader_release (store, db);
  return instance;
}

static gboolean
delete_instance_txn (CrStore *store, CrDb *db, const char *ns, const char *path, GError **error)
{
  gint64 row = 0;
  CrStmt *stmt;

  if (find_instance (store, db, ns, path, &row, NULL, error) != 1)
    return FALSE;
  stmt = cr_db_prepare (db, "DELETE FROM instances WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autoptr (CrStmt) guard = stmt;
    sqlite3_bind_int64 (stmt, 1, row);
    return step_done (db, stmt, error);
  }
}

gboolean
cr_store_delete_instance (CrStore *store, const char *ns, const char *path, GError **error)
{
  CrDb *db = writer_begin (store, error);
  gboolean ok;

  if (db == NULL)
    return FALSE;
  ok = delete_instance_txn (store, db, ns, path, error);
  return writer_end (store, ok, FALSE, error);
}

static GPtrArray *
enumerate_instances_in (CrStore *store, CrDb *db, const char *ns, const char *class_name, gboolean deep, GError **error)
{
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CrClass) resolved = NULL;
  gint64 ns_id, class_id = 0;
  CrStmt *stmt;
  int r;

  ns_id = require_namespace (db, ns, error);
  if (ns_id < 0)
    return NULL;
  resolved = instance_class (store, db, ns_id, ns, class_name, &class_id, error);
  if (resolved == NULL)
    return NULL;

  stmt = cr_db_prepare (db,
                        "WITH RECURSIVE sub (id, ns, key, depth) AS ("
                        "  SELECT id, namespace, name_key, 0 FROM classes WHERE id = ?1"
                        "  UNION ALL"
                        "  SELECT c.id, c.namespace, c.name_key, sub.depth + 1 FROM classes c"
                        "  JOIN sub ON c.namespace = sub.ns AND c.superclass_key = sub.key"
                        "  WHERE ?2 AND sub.depth < 256"
                        ") SELECT c.name, i.key, i.data FROM (SELECT DISTINCT id FROM sub) s "
                        "JOIN classes c ON c.id = s.id JOIN instances i ON i.class = s.id "
                        "ORDER BY c.name_key, i.key",
                        error);
  if (stmt == NULL)
    return NULL;
  {
    g_autoptr (CrStmt) guard = stmt;

    sqlite3_bind_int64 (stmt, 1, class_id);
    sqlite3_bind_int (stmt, 2, deep ? 1 : 0);
    while ((r = step_row (db, stmt, error)) == 1)
      {
        g_autoptr (GVariant) values = column_variant (stmt, 2, "a{sv}");
        g_ptr_array_add (result, instance_from_row ((const char *) sqlite3_column_text (stmt, 0),
                                                    (const char *) sqlite3_column_text (stmt, 1),
                                                    values));
      }
    if (r < 0)
      return NULL;
  }
  return g_steal_pointer (&result);
}

GPtrArray *
cr_store_enumerate_instances (CrStore *store, const char *ns, const char *class_name, gboolean deep, GError **error)
{
  CrDb *db = reader_acquire (store, error);
  GPtrArray *result;

  if (db == NULL)
    return NULL;
  result = enumerate_instances_in (store, db, ns, class_name, deep, error);
  reader_release (store, db);
  return result;
}

/* Verification */

gboolean
cr_store_verify (CrStore *store, GPtrArray *problems, CrProgressFunc progress, gpointer progress_data,
                 GCancellable *cancellable, GError **error)
{
  CrDb *db = reader_acquire (store, error);
  gboolean ok;

  if (db == NULL)
    return FALSE;
  if (progress != NULL)
    progress (0, 1, progress_data);
  /* One read transaction: the check sees one snapshot, and writers go on
   * (in WAL mode a reader never blocks them). */
  ok = cr_store_model_check (db->db, problems, CR_STORE_CHECK_ALL, cancellable, error);
  reader_release (store, db);
  if (ok && progress != NULL)
    progress (1, 1, progress_data);
  return ok;
}

/* Imports */

static gboolean
import_classes_txn (CrStore *store, CrDb *db, CrImportBatch *batch, CrImportSummary *summary,
                    GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) pending = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) pending_ns = g_ptr_array_new ();
  guint n = cr_import_batch_get_length (batch);

  for (guint i = 0; i < n; i++)
    {
      const char *ns;
      CrImportKind kind;
      GVariant *object;
      g_autoptr (CrClass) klass = NULL;

      cr_import_batch_get_item (batch, i, &ns, &kind, &object);
      if (kind != CR_IMPORT_KIND_CLASS)
        continue;
      klass = cr_class_new_from_variant (object, error);
      if (klass == NULL)
        return FALSE;
      g_ptr_array_add (pending, cr_class_get_local (klass));
      g_ptr_array_add (pending_ns, (gpointer) ns);
    }

  /* Classes may come before their superclasses: put, in passes, those
   * whose superclass is there already. */
  while (pending->len > 0)
    {
      guint before = pending->len;

      for (guint i = 0; i < pending->len;)
        {
          CrClass *klass = g_ptr_array_index (pending, i);
          const char *ns = g_ptr_array_index (pending_ns, i);
          const char *super = cr_class_get_superclass (klass);
          CrPutResult result = CR_PUT_RESULT_CREATED;
          g_autoptr (GError) local_error = NULL;

          if (cr_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (super != NULL && *super != '\0')
            {
              g_autofree char *key = cr_name_key (super);
              gint64 ns_id = require_namespace (db, ns, error);
              int r;

              if (ns_id < 0)
                return FALSE;
              r = load_local_class (db, ns_id, key, NULL, NULL, error);
              if (r < 0)
                return FALSE;
              if (r == 0)
                {
                  i++;
                  continue;
                }
            }
          if (!cr_class_validate (klass, &local_error) ||
              !put_class_txn (store, db, ns, klass, CR_PUT_FLAGS_NONE, &result, &local_error))
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                          _("Class %s: "), cr_class_get_name (klass));
              return FALSE;
            }
          summary->classes[result]++;
          g_ptr_array_remove_index (pending, i);
          g_ptr_array_remove_index (pending_ns, i);
        }
      if (pending->len == before)
        {
          CrClass *klass = g_ptr_array_index (pending, 0);

          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SUPERCLASS,
                       _("The superclass %s of class %s is neither in namespace %s nor in the import"),
                       cr_class_get_superclass (klass), cr_class_get_name (klass),
                       (const char *) g_ptr_array_index (pending_ns, 0));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
import_txn (CrStore *store, CrDb *db, CrImportBatch *batch, CrImportSummary *summary,
            GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) namespaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = cr_import_batch_get_length (batch);

  /* Namespaces first, created as needed, as mofcomp does. */
  for (guint i = 0; i < n; i++)
    {
      const char *ns;
      g_autofree char *canonical = NULL;

      cr_import_batch_get_item (batch, i, &ns, NULL, NULL);
      canonical = cr_store_normalize_namespace (ns, error);
      if (canonical == NULL)
        return FALSE;
      if (g_hash_table_contains (namespaces, canonical))
        continue;
      if (!create_namespace_txn (db, canonical, TRUE, &summary->namespaces_created, error))
        return FALSE;
      g_hash_table_add (namespaces, g_steal_pointer (&canonical));
    }

  for (guint i = 0; i < n; i++)
    {
      const char *ns;
      CrImportKind kind;
      GVariant *object;
      g_autoptr (CrQualifierType) qtype = NULL;
      CrPutResult result = CR_PUT_RESULT_CREATED;

      cr_import_batch_get_item (batch, i, &ns, &kind, &object);
      if (kind != CR_IMPORT_KIND_QUALIFIER_TYPE)
        continue;
      qtype = cr_qualifier_type_new_from_variant (object, error);
      if (qtype == NULL ||
          !put_qualifier_type_txn (db, ns, object, qtype->name, CR_PUT_FLAGS_NONE, &result, error))
        return FALSE;
      summary->qualifier_types[result]++;
    }

  if (!import_classes_txn (store, db, batch, summary, cancellable, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const char *ns;
      CrImportKind kind;
      GVariant *object;
      g_autoptr (CrInstance) instance = NULL;
      g_autofree char *path = NULL;
      CrPutResult result = CR_PUT_RESULT_CREATED;
      g_autoptr (GError) local_error = NULL;

      cr_import_batch_get_item (batch, i, &ns, &kind, &object);
      if (kind != CR_IMPORT_KIND_INSTANCE)
        continue;
      if ((i & 0xff) == 0 && cr_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      instance = cr_instance_new_from_variant (object, error);
      if (instance == NULL)
        return FALSE;
      if (!put_instance_txn (store, db, ns, instance, CR_PUT_FLAGS_NONE, &path, &result, &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("An instance of %s: "), cr_instance_get_class_name (instance));
          return FALSE;
        }
      summary->instances[result]++;
    }
  return TRUE;
}

/**
 * cr_store_import:
 * @dry_run: check everything, then change nothing
 *
 * Puts a whole batch in one transaction: all of it, or nothing.
 */
gboolean
cr_store_import (CrStore *store, CrImportBatch *batch, gboolean dry_run, CrImportSummary *summary,
                 GCancellable *cancellable, GError **error)
{
  CrDb *db;
  gboolean ok;

  memset (summary, 0, sizeof *summary);
  db = writer_begin (store, error);
  if (db == NULL)
    return FALSE;
  ok = import_txn (store, db, batch, summary, cancellable, error);
  if (dry_run)
    {
      writer_rollback (store);
      return ok;
    }
  return writer_end (store, ok, ok, error);
}
