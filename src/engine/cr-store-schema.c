/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "cr-class.h"
#include "cr-error.h"
#include "cr-store-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/*
 * The schema, one migration per version. A migration runs in its own
 * IMMEDIATE transaction that also sets user_version, so a failure leaves
 * the file exactly as it was: a migration never deletes a repository.
 * Never edit a migration that has shipped; add a new one. Every past
 * version has a fixture in tests/data/schema-v<N>.sql.
 */
static const char *const migrations[] = {
  /* 1: the CIM model */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value ANY"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE namespaces ("
  "  id INTEGER PRIMARY KEY,"
  "  parent INTEGER REFERENCES namespaces (id) ON DELETE CASCADE,"
  "  path TEXT NOT NULL,"
  "  path_key TEXT NOT NULL UNIQUE"
  ") STRICT;"
  "CREATE INDEX namespaces_by_parent ON namespaces (parent);"
  "CREATE TABLE qualifier_types ("
  "  namespace INTEGER NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,"
  "  name_key TEXT NOT NULL,"
  "  definition BLOB NOT NULL,"
  "  PRIMARY KEY (namespace, name_key)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE classes ("
  "  id INTEGER PRIMARY KEY,"
  "  namespace INTEGER NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  superclass_key TEXT,"
  "  definition BLOB NOT NULL,"
  "  UNIQUE (namespace, name_key)"
  ") STRICT;"
  "CREATE INDEX classes_by_superclass ON classes (namespace, superclass_key);"
  "CREATE TABLE instances ("
  "  id INTEGER PRIMARY KEY,"
  "  class INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,"
  "  key TEXT NOT NULL,"
  "  data BLOB NOT NULL,"
  "  UNIQUE (class, key)"
  ") STRICT;",

  /* 2: backup history, so that "last backup" survives a restart */
  "CREATE TABLE backups ("
  "  id INTEGER PRIMARY KEY,"
  "  created INTEGER NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  checksum TEXT NOT NULL"
  ") STRICT;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CR_STORE_SCHEMA_VERSION);

void
cr_store_set_sqlite_error (GError **error, sqlite3 *db, int rc, const char *what)
{
  gint code;
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = CR_ERROR_OUT_OF_DISK_SPACE;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      code = CR_ERROR_REPOSITORY_CORRUPT;
      break;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      code = CR_ERROR_ACCESS_DENIED;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = CR_ERROR_BUSY;
      break;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      code = CR_ERROR_INVALID_PARAMETER;
      break;
    case SQLITE_INTERRUPT:
      code = CR_ERROR_CALL_CANCELLED;
      break;
    default:
      code = CR_ERROR_FAILED;
      break;
    }
  g_set_error (error, CR_ERROR, code, "%s: %s", what, detail);
}

static int
busy_handler (void *data, int count)
{
  /* Short sleeps: SQLite's own busy_timeout sleeps up to 100 ms at a
   * time, which would make a waiting writer slow to notice a release. Our
   * own gate keeps waits rare and short; give up after about 10 s. */
  if (count >= 100000)
    return 0;
  g_usleep (count < 100 ? 100 : 1000);
  return 1;
}

/**
 * cr_store_open_db:
 * @flags: SQLite open flags
 * @vfs: (nullable): the SQLite VFS, or %NULL for the default
 *
 * Opens a database defensively: no extension loading, an untrusted
 * schema, defensive mode (no writable schema, no direct changes to
 * shadow tables), double-quoted string literals off, and bounded lengths.
 */
sqlite3 *
cr_store_open_db (const char *path, int flags, const char *vfs, GError **error)
{
  sqlite3 *db = NULL;
  int rc;
  g_autofree char *what = NULL;

  rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, vfs);
  if (rc != SQLITE_OK)
    {
      what = g_strdup_printf (_("Could not open the repository “%s”"), path);
      cr_store_set_sqlite_error (error, db, rc, what);
      sqlite3_close_v2 (db);
      return NULL;
    }

  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, CR_MAX_OBJECT_BYTES * 2);
  sqlite3_limit (db, SQLITE_LIMIT_SQL_LENGTH, 100000);
  sqlite3_limit (db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_handler (db, busy_handler, NULL);

  rc = sqlite3_exec (db,
                     "PRAGMA foreign_keys = ON;"
                     "PRAGMA cell_size_check = ON;"
                     "PRAGMA trusted_schema = OFF;",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      what = g_strdup_printf (_("Could not set up the repository “%s”"), path);
      cr_store_set_sqlite_error (error, db, rc, what);
      sqlite3_close_v2 (db);
      return NULL;
    }
  return db;
}

static gboolean
get_user_version (sqlite3 *db, guint32 *out_version, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not read the schema version"));
      return FALSE;
    }
  *out_version = (guint32) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/**
 * cr_store_schema_migrate:
 * @what: how to name the database in errors ("the repository …")
 *
 * Brings @db to CR_STORE_SCHEMA_VERSION. A database from a newer
 * cimrepo is refused with CR_ERROR_UNSUPPORTED_VERSION and left alone.
 */
gboolean
cr_store_schema_migrate (sqlite3 *db, const char *what, GError **error)
{
  guint32 version = 0;

  if (!get_user_version (db, &version, error))
    return FALSE;

  if (version > CR_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION,
                   _("%s uses schema version %u, but this cimrepo knows versions up to %u. Use a newer cimrepo"),
                   what, version, (guint) CR_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  for (guint32 v = version + 1; v <= CR_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE;%s;PRAGMA user_version = %u;COMMIT;",
                                              migrations[v - 1], v);
      char *errmsg = NULL;
      int rc = sqlite3_exec (db, sql, NULL, NULL, &errmsg);

      if (rc != SQLITE_OK)
        {
          g_autofree char *msg = g_strdup_printf (_("%s could not be upgraded to schema version %u (%s). Nothing was changed"),
                                                  what, v, errmsg != NULL ? errmsg : sqlite3_errstr (rc));
          sqlite3_free (errmsg);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          cr_store_set_sqlite_error (error, NULL, rc, msg);
          /* The message already says everything; drop SQLite's suffix. */
          if (error != NULL && *error != NULL)
            {
              g_free ((*error)->message);
              (*error)->message = g_steal_pointer (&msg);
            }
          return FALSE;
        }
    }
  return TRUE;
}

static GPtrArray *
read_schema (sqlite3 *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT type, name, tbl_name, ifnull(sql, '') FROM sqlite_schema "
                           "ORDER BY type, name",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not read the schema"));
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (rows, g_strdup_printf ("%s|%s|%s|%s",
                                              (const char *) sqlite3_column_text (stmt, 0),
                                              (const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2),
                                              (const char *) sqlite3_column_text (stmt, 3)));
    }
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not read the schema"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * cr_store_schema_check:
 *
 * Compares the schema of @db, exactly, with the schema that migrations
 * 1 to @version create: an extra table, trigger or view, or a changed
 * definition, fails with CR_ERROR_CORRUPT_BACKUP. The reference is built
 * from the migrations themselves, in memory, so it cannot drift.
 */
gboolean
cr_store_schema_check (sqlite3 *db, guint32 version, GError **error)
{
  g_autoptr (GPtrArray) have = NULL;
  g_autoptr (GPtrArray) want = NULL;
  sqlite3 *ref = NULL;
  gboolean ok = TRUE;

  if (version == 0 || version > CR_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION,
                   _("Unknown schema version %u"), version);
      return FALSE;
    }

  if (sqlite3_open_v2 (":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, ref, SQLITE_NOMEM, _("Could not build the reference schema"));
      sqlite3_close_v2 (ref);
      return FALSE;
    }
  for (guint32 v = 1; v <= version && ok; v++)
    ok = sqlite3_exec (ref, migrations[v - 1], NULL, NULL, NULL) == SQLITE_OK;
  if (ok)
    want = read_schema (ref, error);
  sqlite3_close_v2 (ref);
  if (!ok)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_FAILED, _("Could not build the reference schema"));
      return FALSE;
    }
  if (want == NULL)
    return FALSE;

  have = read_schema (db, error);
  if (have == NULL)
    return FALSE;

  if (have->len != want->len)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The database has %u schema object where schema version %u has %u",
                                "The database has %u schema objects where schema version %u has %u",
                                have->len),
                   have->len, version, want->len);
      return FALSE;
    }
  for (guint i = 0; i < have->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (have, i), g_ptr_array_index (want, i)) != 0)
        {
          g_autofree char *name = g_strdup (g_ptr_array_index (have, i));
          char *bar = strchr (name, '|');
          char *bar2 = bar != NULL ? strchr (bar + 1, '|') : NULL;

          if (bar2 != NULL)
            *bar2 = '\0';
          g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                       _("The database's schema differs from version %u at “%s”"),
                       version, bar != NULL ? bar + 1 : name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
collect_problems (sqlite3 *db, const char *sql, GPtrArray *problems, const char *format, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not check the repository"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *a = (const char *) sqlite3_column_text (stmt, 0);
      const char *b = (const char *) sqlite3_column_text (stmt, 1);

      /* Cap the list: a thoroughly broken file should not flood the user. */
      if (problems->len < 1000)
        {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_ptr_array_add (problems, g_strdup_printf (format, a != NULL ? a : "?", b != NULL ? b : "?"));
#pragma GCC diagnostic pop
        }
    }
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not check the repository"));
      return FALSE;
    }
  return TRUE;
}

/**
 * cr_store_model_check:
 * @problems: (element-type utf8): where the problems found go
 * @flags: a full SQLite integrity check instead of the quick one, and
 *   whether to decode every instance too (slow on big repositories)
 *
 * Checks the CIM model's consistency: the SQLite integrity check,
 * foreign keys, superclasses that do not exist, classes and instances
 * whose stored form does not decode, and superclass cycles. Returns
 * FALSE only when the check itself could not run.
 */
gboolean
cr_store_model_check (sqlite3 *db, GPtrArray *problems, CrStoreCheckFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  if (!collect_problems (db, (flags & CR_STORE_CHECK_FULL_INTEGRITY) ? "PRAGMA integrity_check" : "PRAGMA quick_check",
                         problems, "SQLite: %s%.0s", error))
    return FALSE;
  /* quick_check says "ok" when all is well */
  if (problems->len == 1 && g_strcmp0 (g_ptr_array_index (problems, 0), "SQLite: ok") == 0)
    g_ptr_array_remove_index (problems, 0);
  if (problems->len > 0)
    return TRUE;

  if (!collect_problems (db, "SELECT \"table\", rowid FROM pragma_foreign_key_check", problems,
                         _("A row of table %s (row %s) refers to something that does not exist"), error))
    return FALSE;

  if (!collect_problems (db,
                         "SELECT n.path, c.name FROM classes c JOIN namespaces n ON n.id = c.namespace "
                         "WHERE c.superclass_key IS NOT NULL AND NOT EXISTS "
                         "(SELECT 1 FROM classes s WHERE s.namespace = c.namespace AND s.name_key = c.superclass_key)",
                         problems, _("Namespace %s: the superclass of class %s does not exist"), error))
    return FALSE;

  if (!collect_problems (db,
                         "WITH RECURSIVE chain (start, id, depth) AS ("
                         "  SELECT c.id, c.id, 0 FROM classes c"
                         "  UNION ALL"
                         "  SELECT chain.start, s.id, chain.depth + 1 FROM chain"
                         "  JOIN classes c ON c.id = chain.id"
                         "  JOIN classes s ON s.namespace = c.namespace AND s.name_key = c.superclass_key"
                         "  WHERE chain.depth < 300)"
                         "SELECT DISTINCT n.path, c.name FROM chain JOIN classes c ON c.id = chain.start"
                         " JOIN namespaces n ON n.id = c.namespace WHERE chain.depth >= 300",
                         problems, _("Namespace %s: class %s has a superclass cycle"), error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT n.path, c.name, c.name_key, c.definition FROM classes c "
                           "JOIN namespaces n ON n.id = c.namespace",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not check the repository"));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *ns = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *name_key = (const char *) sqlite3_column_text (stmt, 2);
      g_autoptr (GBytes) bytes = g_bytes_new (sqlite3_column_blob (stmt, 3), (gsize) sqlite3_column_bytes (stmt, 3));
      g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CR_CLASS_VARIANT_TYPE), bytes, FALSE));
      g_autoptr (CrClass) klass = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *key = NULL;
      const char *stored_name = NULL;

      if (cr_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (flags & CR_STORE_CHECK_DECODE_CLASSES)
        {
          klass = cr_class_new_from_variant (v, &local_error);
          if (klass == NULL)
            {
              g_ptr_array_add (problems, g_strdup_printf (_("Namespace %s: class %s cannot be read: %s"),
                                                          ns, name, local_error->message));
              continue;
            }
          stored_name = cr_class_get_name (klass);
        }
      else
        {
          /* The stored form only: well-formed, of the right type. */
          if (!g_variant_is_normal_form (v))
            {
              g_ptr_array_add (problems, g_strdup_printf (_("Namespace %s: class %s cannot be read"), ns, name));
              continue;
            }
          g_variant_get_child (v, 0, "&s", &stored_name);
        }
      key = cr_name_key (stored_name);
      if (g_strcmp0 (key, name_key) != 0)
        g_ptr_array_add (problems, g_strdup_printf (_("Namespace %s: class %s is stored under the wrong name"), ns, name));
    }
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, db, rc, _("Could not check the repository"));
      return FALSE;
    }

  if (flags & CR_STORE_CHECK_DECODE_INSTANCES)
    {
      g_autoptr (sqlite3_stmt) istmt = NULL;
      guint64 n = 0;

      rc = sqlite3_prepare_v2 (db, "SELECT c.name, i.key, i.data FROM instances i JOIN classes c ON c.id = i.class",
                               -1, &istmt, NULL);
      if (rc != SQLITE_OK)
        {
          cr_store_set_sqlite_error (error, db, rc, _("Could not check the repository"));
          return FALSE;
        }
      while ((rc = sqlite3_step (istmt)) == SQLITE_ROW)
        {
          g_autoptr (GBytes) bytes = g_bytes_new (sqlite3_column_blob (istmt, 2), (gsize) sqlite3_column_bytes (istmt, 2));
          g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("a{sv}"), bytes, FALSE));

          if ((++n & 0xfff) == 0 && cr_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (!g_variant_is_normal_form (v) && problems->len < 1000)
            g_ptr_array_add (problems, g_strdup_printf (_("Instance %s.%s cannot be read"),
                                                        (const char *) sqlite3_column_text (istmt, 0),
                                                        (const char *) sqlite3_column_text (istmt, 1)));
        }
      if (rc != SQLITE_DONE)
        {
          cr_store_set_sqlite_error (error, db, rc, _("Could not check the repository"));
          return FALSE;
        }
    }
  return TRUE;
}
