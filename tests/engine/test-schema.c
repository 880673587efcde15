/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cr-store-private.h"
#include "cr-test-utils.h"

/*
 * Schema versions: a fixture of every past version (an SQL dump in
 * tests/data/schema-v<N>.sql, made by the cimrepo of that version) opens
 * and is migrated forward with its content intact. A database from the
 * future, and a migration that fails, leave the file exactly as it was.
 */

static char *
make_db_from_fixture (CrTestDir *dir, const char *fixture, const char *extra_sql)
{
  g_autofree char *sql_path = cr_test_data_path (fixture);
  g_autofree char *sql = NULL;
  g_autofree char *db_path = cr_test_dir_file (dir, "repository.db");
  g_autoptr (GError) error = NULL;
  sqlite3 *db = NULL;
  char *errmsg = NULL;

  g_file_get_contents (sql_path, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("%s: %s", fixture, errmsg);
  if (extra_sql != NULL && sqlite3_exec (db, extra_sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("%s: %s", extra_sql, errmsg);
  sqlite3_close (db);
  return g_steal_pointer (&db_path);
}

static char *
checksum_file (const char *path)
{
  g_autoptr (GBytes) bytes = cr_test_read_file (path);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static void
check_fixture_content (CrRepository *repo)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrConnection) conn = cr_test_connect (repo, "root/test");
  g_autoptr (CrInstance) inst = NULL;
  g_autoptr (CrClass) klass = NULL;

  klass = cr_connection_get_class (conn, "Test_SpecialItem", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cr_class_find_property (klass, "Name"));
  inst = cr_connection_get_instance (conn, "Test_Item.Name=\"fixture\"", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_get_uint64 (cr_instance_get_property (inst, "Size")), ==, 42);
  g_assert_cmpuint (cr_test_count_instances (conn, "Test_Item"), ==, 3);
  g_assert_true (cr_repository_verify_sync (repo, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_fixture (gconstpointer data)
{
  const char *fixture = data;
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = make_db_from_fixture (dir, fixture, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cr_repository_get_schema_version (repo), ==, CR_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (cr_repository_get_id (repo), ==, "3f1b2c4d-0000-4000-8000-fixture00001");
  check_fixture_content (repo);

  /* It survives a backup and restore at the current version. */
  {
    g_autofree char *backup = cr_test_dir_file (dir, "b.cimbak");
    cr_repository_backup_sync (repo, backup, 0, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    cr_repository_restore_sync (repo, backup, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    check_fixture_content (repo);
  }
}

static void
test_newer_version_refused (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", CR_STORE_SCHEMA_VERSION + 1);
  g_autofree char *path = make_db_from_fixture (dir, "schema-v1.sql", sql);
  g_autofree char *before = checksum_file (path);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);

  g_assert_null (repo);
  g_assert_error (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION);
  g_assert_nonnull (strstr (error->message, "newer"));
  after = checksum_file (path);
  g_assert_cmpstr (before, ==, after);
}

/* A migration that fails stops the open, and deletes nothing. */
static void
test_failed_migration_keeps_data (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  /* Version 2 adds the table "backups": make it exist already, so the
   * migration fails half-way. */
  g_autofree char *path = make_db_from_fixture (dir, "schema-v1.sql", "CREATE TABLE backups (x)");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (path, CR_OPEN_FLAGS_NONE, NULL, &error);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_null (repo);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Nothing was changed"));
  g_clear_error (&error);

  /* Everything is still there, at version 1. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM instances", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 3);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (int v = 1; v <= CR_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *name = g_strdup_printf ("schema-v%d.sql", v);
      g_autofree char *test = g_strdup_printf ("/cimrepo/schema/fixture-v%d", v);
      g_test_add_data_func_full (test, g_steal_pointer (&name), test_fixture, g_free);
    }
  g_test_add_func ("/cimrepo/schema/newer-version-refused", test_newer_version_refused);
  g_test_add_func ("/cimrepo/schema/failed-migration-keeps-data", test_failed_migration_keeps_data);
  return g_test_run ();
}
