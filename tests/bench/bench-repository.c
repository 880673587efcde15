/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cimrepo.h"

/*
 * Benchmarks of backup, restore, pause and the writers beside them, on a
 * generated repository of realistic CIM content (4,096 classes, instances
 * of about 1 KiB). Each figure is a ratio against a baseline measured in
 * the same run, on the same file: `cp` plus `sync` of the repository.
 * Medians of several rounds; the page cache is warm for both.
 *
 *   bench-repository MODE [SIZE_MIB]
 *   MODE: backup | restore | writers | pause | memory
 *
 * The generated repository is kept in $CIMREPO_BENCH_DIR (default: the
 * current directory) and reused by later runs.
 */

#define N_CLASSES 4096
#define ROUNDS 3

static guint size_mib = 1024;
static char *bench_dir;

static double
now_s (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  return v[n / 2];
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    {
      g_printerr ("bench: %s\n", error != NULL ? error->message : "failed");
      exit (2);
    }
}

static char *
bench_file (const char *name)
{
  return g_build_filename (bench_dir, name, NULL);
}

/* The generator */

static CrClass *
make_class (guint i)
{
  g_autofree char *name = g_strdup_printf ("Bench_Class%04u", i);
  CrClass *klass = cr_class_new (name, "Bench_Element");
  static const struct {
    const char *name;
    CrCimType type;
  } props[] = {
    { "Caption", CR_CIM_TYPE_STRING },
    { "Description", CR_CIM_TYPE_STRING },
    { "ElementName", CR_CIM_TYPE_STRING },
    { "InstallDate", CR_CIM_TYPE_DATETIME },
    { "Status", CR_CIM_TYPE_STRING },
    { "OperationalStatus", CR_CIM_TYPE_UINT16 | CR_CIM_FLAG_ARRAY },
    { "Generation", CR_CIM_TYPE_UINT64 },
    { "Enabled", CR_CIM_TYPE_BOOLEAN },
    { "Capacity", CR_CIM_TYPE_UINT64 },
    { "Priority", CR_CIM_TYPE_SINT32 },
  };

  cr_class_add_qualifier (klass, cr_qualifier_new ("Description",
                                                   g_variant_new_string ("A generated class of the benchmark schema, "
                                                                         "shaped like the managed elements of the CIM schema."),
                                                   CR_FLAVOR_TRANSLATABLE));
  for (gsize p = 0; p < G_N_ELEMENTS (props); p++)
    cr_class_add_property (klass, cr_property_new (props[p].name, props[p].type));
  return klass;
}

static CrInstance *
make_instance (guint class_index, guint64 n, GRand *rand)
{
  g_autofree char *class_name = g_strdup_printf ("Bench_Class%04u", class_index);
  g_autofree char *id = g_strdup_printf ("bench:%u:%" G_GUINT64_FORMAT, class_index, n);
  g_autoptr (GString) desc = g_string_new (NULL);
  CrInstance *inst = cr_instance_new (class_name);
  guint16 status[2] = { 2, (guint16) g_rand_int_range (rand, 0, 20) };
  static const char *const words[] = { "storage", "volume", "network", "adapter", "service", "process",
                                       "firmware", "sensor", "fan", "power", "supply", "controller",
                                       "port", "memory", "module", "processor", "cache", "disk" };

  while (desc->len < 760)
    g_string_append_printf (desc, "%s ", words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
  cr_instance_set_property (inst, "InstanceID", g_variant_new_string (id));
  cr_instance_set_property (inst, "Caption", g_variant_new_string ("Generated managed element"));
  cr_instance_set_property (inst, "Description", g_variant_new_string (desc->str));
  cr_instance_set_property (inst, "ElementName", g_variant_new_string (id));
  cr_instance_set_property (inst, "InstallDate", g_variant_new_string ("20261122140509.000000+060"));
  cr_instance_set_property (inst, "Status", g_variant_new_string ("OK"));
  cr_instance_set_property (inst, "OperationalStatus",
                            g_variant_new_fixed_array (G_VARIANT_TYPE_UINT16, status, 2, sizeof (guint16)));
  cr_instance_set_property (inst, "Generation", g_variant_new_uint64 (n));
  cr_instance_set_property (inst, "Enabled", g_variant_new_boolean (n % 3 != 0));
  cr_instance_set_property (inst, "Capacity", g_variant_new_uint64 (g_rand_int (rand) * 4096ull));
  cr_instance_set_property (inst, "Priority", g_variant_new_int32 ((gint32) (n % 100)));
  return inst;
}

static void
generate (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = NULL;
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (CrClientInfo) client = cr_client_info_new_self ("bench");
  g_autoptr (CrClass) base = cr_class_new ("Bench_Element", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261122);
  g_autofree char *tmp = g_strconcat (path, ".generating", NULL);
  CrProperty *key = cr_property_new ("InstanceID", CR_CIM_TYPE_STRING);
  guint64 target = (guint64) size_mib * 1024 * 1024, n = 0;
  double start = now_s ();

  g_printerr ("Generating a %u MiB repository in %s (once)…\n", size_mib, path);
  (void) g_unlink (tmp);
  repo = cr_repository_open_sync (tmp, CR_OPEN_FLAGS_CREATE, NULL, &error);
  check (repo != NULL, error);
  check (cr_repository_create_namespace (repo, "root/bench", CR_NAMESPACE_FLAGS_NONE, &error), error);
  conn = cr_repository_connect (repo, "root/bench", client, &error);
  check (conn != NULL, error);

  g_ptr_array_add (key->qualifiers, cr_qualifier_new ("Key", g_variant_new_boolean (TRUE), CR_FLAVOR_DISABLE_OVERRIDE));
  cr_class_add_property (base, key);
  cr_class_add_qualifier (base, cr_qualifier_new ("Abstract", g_variant_new_boolean (TRUE), CR_FLAVOR_RESTRICTED));
  check (cr_connection_put_class (conn, base, CR_PUT_FLAGS_NONE, &error) != CR_PUT_RESULT_ERROR, error);
  for (guint i = 0; i < N_CLASSES; i++)
    {
      g_autoptr (CrClass) klass = make_class (i);
      check (cr_connection_put_class (conn, klass, CR_PUT_FLAGS_NONE, &error) != CR_PUT_RESULT_ERROR, error);
    }
  /* About 1.4 KiB of database per instance, indexes included. */
  for (n = 0; n < target / 1400; n++)
    {
      g_autoptr (CrInstance) inst = make_instance ((guint) (n % N_CLASSES), n, rand);
      g_autofree char *p = cr_connection_put_instance (conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
      check (p != NULL, error);
    }
  g_clear_object (&conn);
  cr_repository_close (repo);
  check (g_rename (tmp, path) == 0, NULL);
  {
    GStatBuf st;
    check (g_stat (path, &st) == 0, NULL);
    g_printerr ("Generated %" G_GUINT64_FORMAT " instances, %.0f MiB, in %.0f s\n", n,
                st.st_size / 1048576.0, now_s () - start);
  }
}

static char *
ensure_repository (void)
{
  g_autofree char *name = g_strdup_printf ("bench-%u.db", size_mib);
  char *path = bench_file (name);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    generate (path);
  return path;
}

/* A private copy to work on, so that the generated file stays pristine. */
static char *
work_copy (const char *src, const char *name)
{
  char *dst = bench_file (name);
  g_autofree char *cmd = g_strdup_printf ("cp --reflink=never '%s' '%s'", src, dst);
  g_autofree char *wal = g_strconcat (dst, "-wal", NULL);

  (void) g_unlink (wal);
  check (system (cmd) == 0, NULL);
  return dst;
}

/* The baseline: cp and sync of the same file. */
static double
time_cp_sync (const char *src)
{
  g_autofree char *dst = bench_file ("baseline-copy");
  g_autofree char *cmd = g_strdup_printf ("cp --reflink=never '%s' '%s' && sync '%s'", src, dst, dst);
  double t;

  (void) g_unlink (dst);
  t = now_s ();
  check (system (cmd) == 0, NULL);
  t = now_s () - t;
  (void) g_unlink (dst);
  return t;
}

static int
report (const char *what, double value, double baseline, double limit)
{
  double ratio = value / baseline;
  gboolean ok = ratio <= limit;

  g_print ("%-8s %.3f s, baseline (cp + sync) %.3f s: ratio %.2f (target <= %.1f) %s\n",
           what, value, baseline, ratio, limit, ok ? "PASS" : "MISS");
  return ok ? 0 : 1;
}

static int
bench_backup (const char *gen)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = work_copy (gen, "work.db");
  g_autofree char *target = bench_file ("work.cimbak");
  g_autoptr (CrRepository) repo = cr_repository_open_sync (db, CR_OPEN_FLAGS_NONE, NULL, &error);
  double base[ROUNDS], ours[ROUNDS];

  check (repo != NULL, error);
  for (guint r = 0; r < ROUNDS; r++)
    {
      double t;

      base[r] = time_cp_sync (db);
      t = now_s ();
      check (cr_repository_backup_sync (repo, target, 0, NULL, NULL, NULL, &error), error);
      ours[r] = now_s () - t;
    }
  return report ("backup", median (ours, ROUNDS), median (base, ROUNDS), 1.5);
}

static int
bench_restore (const char *gen)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = work_copy (gen, "work.db");
  g_autofree char *target = bench_file ("work.cimbak");
  g_autoptr (CrRepository) repo = cr_repository_open_sync (db, CR_OPEN_FLAGS_NONE, NULL, &error);
  double base[ROUNDS], ours[ROUNDS];

  check (repo != NULL, error);
  check (cr_repository_backup_sync (repo, target, 0, NULL, NULL, NULL, &error), error);
  for (guint r = 0; r < ROUNDS; r++)
    {
      double t;

      base[r] = time_cp_sync (db);
      t = now_s ();
      check (cr_repository_restore_sync (repo, target, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error), error);
      ours[r] = now_s () - t;
    }
  return report ("restore", median (ours, ROUNDS), median (base, ROUNDS), 3.0);
}

/* A writer at a steady rate, one instance per transaction. */
typedef struct {
  CrConnection *conn;
  guint rate;
  gint stop;
  GMutex lock;
  GArray *latencies; /* double, seconds */
  GRand *rand;
  guint64 n;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  gint64 next = g_get_monotonic_time ();
  gint64 period = G_USEC_PER_SEC / w->rate;

  while (!g_atomic_int_get (&w->stop))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrInstance) inst = make_instance (7, 100000000 + w->n++, w->rand);
      g_autofree char *path = NULL;
      double t = now_s (), dt;

      path = cr_connection_put_instance (w->conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
      check (path != NULL, error);
      dt = now_s () - t;
      g_mutex_lock (&w->lock);
      g_array_append_val (w->latencies, dt);
      g_mutex_unlock (&w->lock);
      next += period;
      if (next > g_get_monotonic_time ())
        g_usleep ((gulong) (next - g_get_monotonic_time ()));
    }
  return NULL;
}

static GArray *
writer_take (Writer *w)
{
  GArray *taken;

  g_mutex_lock (&w->lock);
  taken = w->latencies;
  w->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_unlock (&w->lock);
  return taken;
}

static double
percentile (GArray *v, double p)
{
  g_array_sort (v, compare_double);
  return g_array_index (v, double, MIN (v->len - 1, (guint) (p * v->len)));
}

static int
bench_writers (const char *gen)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = work_copy (gen, "work.db");
  g_autofree char *target = bench_file ("work.cimbak");
  g_autoptr (CrRepository) repo = cr_repository_open_sync (db, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_autoptr (CrClientInfo) client = cr_client_info_new_self ("bench-writer");
  g_autoptr (GArray) idle = NULL;
  g_autoptr (GArray) during = NULL;
  Writer w = { .rate = 2000 };
  GThread *thread;
  double p99_idle, p99_during, max_during, t;
  int fails = 0;

  check (repo != NULL, error);
  w.conn = cr_repository_connect (repo, "root/bench", client, &error);
  check (w.conn != NULL, error);
  w.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  w.rand = g_rand_new_with_seed (7);
  g_mutex_init (&w.lock);
  thread = g_thread_new ("writer", writer_thread, &w);

  g_usleep (4 * G_USEC_PER_SEC);
  idle = writer_take (&w);
  t = now_s ();
  check (cr_repository_backup_sync (repo, target, 0, NULL, NULL, NULL, &error), error);
  t = now_s () - t;
  /* The debt a backup leaves is paid after it: keep measuring a while. */
  g_usleep (2 * G_USEC_PER_SEC);
  during = writer_take (&w);
  g_atomic_int_set (&w.stop, 1);
  g_thread_join (thread);

  p99_idle = percentile (idle, 0.99);
  p99_during = percentile (during, 0.99);
  max_during = g_array_index (during, double, during->len - 1);
  g_print ("writers  %u commits idle, %u during and 2 s after a %.2f s backup\n", idle->len, during->len, t);
  g_print ("writers  p99 idle %.3f ms, p99 during %.3f ms: ratio %.2f (target <= 2.0) %s\n",
           p99_idle * 1000, p99_during * 1000, p99_during / p99_idle,
           p99_during <= 2 * p99_idle ? "PASS" : "MISS");
  g_print ("writers  max during %.1f ms (target <= 250 ms) %s\n", max_during * 1000,
           max_during <= 0.25 ? "PASS" : "MISS");
  fails += p99_during > 2 * p99_idle;
  fails += max_during > 0.25;
  g_object_unref (w.conn);
  g_rand_free (w.rand);
  g_array_unref (w.latencies);
  return fails > 0;
}

typedef struct {
  CrConnection *conn;
  gint64 finished;
} HeldWriter;

static gpointer
held_writer (gpointer data)
{
  HeldWriter *h = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  g_autoptr (CrInstance) inst = make_instance (9, 200000000, rand);
  g_autofree char *path = cr_connection_put_instance (h->conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);

  check (path != NULL, error);
  h->finished = g_get_monotonic_time ();
  return NULL;
}

static int
bench_pause (const char *gen)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = work_copy (gen, "work.db");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autoptr (CrRepository) repo = cr_repository_open_sync (db, CR_OPEN_FLAGS_NONE, NULL, &error);
  g_autoptr (CrClientInfo) client = cr_client_info_new_self ("bench");
  g_autoptr (CrConnection) conn = NULL;
  g_autoptr (CrPauseHandle) pause = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  sqlite3 *reader = NULL;
  GStatBuf st;
  guint64 n = 300000000;
  double t_pause;
  gint64 resumed;
  HeldWriter h = { 0 };
  GThread *thread;
  int fails = 0;

  check (repo != NULL, error);
  conn = cr_repository_connect (repo, "root/bench", client, &error);
  check (conn != NULL, error);

  /* Outstanding WAL: a reader holds an old snapshot, so nothing can be
   * checkpointed while 256 MiB are written. */
  check (sqlite3_open_v2 (db, &reader, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, NULL);
  check (sqlite3_exec (reader, "BEGIN; SELECT count(*) FROM namespaces;", NULL, NULL, NULL) == SQLITE_OK, NULL);
  do
    {
      for (guint j = 0; j < 1000; j++)
        {
          g_autoptr (CrInstance) inst = make_instance ((guint) (n % N_CLASSES), n, rand);
          g_autofree char *p = cr_connection_put_instance (conn, inst, CR_PUT_FLAGS_NONE, NULL, &error);
          n++;
          check (p != NULL, error);
        }
      check (g_stat (wal, &st) == 0, NULL);
    }
  while ((guint64) st.st_size < 256ull * 1024 * 1024);
  sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (reader);

  t_pause = now_s ();
  pause = cr_repository_pause_sync (repo, "bench", NULL, NULL, NULL, &error);
  t_pause = now_s () - t_pause;
  check (pause != NULL, error);
  g_print ("pause    %.0f MiB of WAL outstanding: pause took %.3f s (target <= 1 s) %s\n",
           st.st_size / 1048576.0, t_pause, t_pause <= 1.0 ? "PASS" : "MISS");
  fails += t_pause > 1.0;

  cr_repository_set_write_wait_timeout (repo, 60000);
  h.conn = conn;
  thread = g_thread_new ("held", held_writer, &h);
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  resumed = g_get_monotonic_time ();
  check (cr_pause_handle_resume_sync (pause, NULL, NULL, NULL, &error), error);
  g_thread_join (thread);
  g_print ("resume   a held writer committed %.3f ms after Resume (target <= 5 ms) %s\n",
           (h.finished - resumed) / 1000.0, h.finished - resumed <= 5000 ? "PASS" : "MISS");
  fails += h.finished - resumed > 5000;
  return fails > 0;
}

/* Peak RSS of a backup and of a restore, each in a fresh process. */
static long
child_peak_rss_kib (const char *self, const char *what, const char *db, const char *target)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { self, "memory-child", what, db, target, NULL };
  struct rusage usage;
  int status;
  GPid pid;

  check (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error), error);
  check (wait4 (pid, &status, 0, &usage) == pid, NULL);
  check (WIFEXITED (status) && WEXITSTATUS (status) == 0, NULL);
  return usage.ru_maxrss;
}

static int
memory_child (const char *what, const char *db, const char *target)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRepository) repo = cr_repository_open_sync (db, CR_OPEN_FLAGS_NONE, NULL, &error);

  check (repo != NULL, error);
  if (g_strcmp0 (what, "backup") == 0)
    check (cr_repository_backup_sync (repo, target, 0, NULL, NULL, NULL, &error), error);
  else
    check (cr_repository_restore_sync (repo, target, CR_RESTORE_FLAGS_FORCE_SHUTDOWN, NULL, NULL, NULL, &error), error);
  return 0;
}

static int
bench_memory (const char *self, const char *gen)
{
  g_autofree char *db = work_copy (gen, "work.db");
  g_autofree char *target = bench_file ("work.cimbak");
  long backup_kib = child_peak_rss_kib (self, "backup", db, target);
  long restore_kib = child_peak_rss_kib (self, "restore", db, target);
  int fails = 0;

  g_print ("memory   peak RSS of a backup %.1f MiB (target < 64 MiB) %s\n", backup_kib / 1024.0,
           backup_kib < 64 * 1024 ? "PASS" : "MISS");
  g_print ("memory   peak RSS of a restore %.1f MiB (target < 64 MiB) %s\n", restore_kib / 1024.0,
           restore_kib < 64 * 1024 ? "PASS" : "MISS");
  fails += backup_kib >= 64 * 1024;
  fails += restore_kib >= 64 * 1024;
  return fails > 0;
}

static void
quiet (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

int
main (int argc, char **argv)
{
  g_autofree char *gen = NULL;
  const char *mode;
  int result;

  if (argc == 5 && g_strcmp0 (argv[1], "memory-child") == 0)
    return memory_child (argv[2], argv[3], argv[4]);
  if (argc < 2)
    {
      g_printerr ("usage: %s backup|restore|writers|pause|memory [SIZE_MIB]\n", argv[0]);
      return 2;
    }
  mode = argv[1];
  if (argc >= 3)
    size_mib = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  bench_dir = g_strdup (g_getenv ("CIMREPO_BENCH_DIR") != NULL ? g_getenv ("CIMREPO_BENCH_DIR") : ".");
  g_mkdir_with_parents (bench_dir, 0700);
  /* The engine's progress messages would drown the figures. */
  if (g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_log_set_handler ("cimrepo", G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, quiet, NULL);

  gen = ensure_repository ();
  if (g_strcmp0 (mode, "backup") == 0)
    result = bench_backup (gen);
  else if (g_strcmp0 (mode, "restore") == 0)
    result = bench_restore (gen);
  else if (g_strcmp0 (mode, "writers") == 0)
    result = bench_writers (gen);
  else if (g_strcmp0 (mode, "pause") == 0)
    result = bench_pause (gen);
  else if (g_strcmp0 (mode, "memory") == 0)
    result = bench_memory (argv[0], gen);
  else
    {
      g_printerr ("unknown benchmark %s\n", mode);
      return 2;
    }
  g_free (bench_dir);
  return result;
}
