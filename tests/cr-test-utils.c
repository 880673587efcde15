/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cr-test-utils.h"

CrTestDir *
cr_test_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  CrTestDir *dir = g_new0 (CrTestDir, 1);

  dir->path = g_dir_make_tmp ("cimrepo-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

char *
cr_test_dir_file (CrTestDir *dir, const char *name)
{
  return g_build_filename (dir->path, name, NULL);
}

void
cr_test_rm_rf (const char *path)
{
  GDir *d;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      (void) g_unlink (path);
      return;
    }
  d = g_dir_open (path, 0, NULL);
  if (d != NULL)
    {
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          cr_test_rm_rf (child);
        }
      g_dir_close (d);
    }
  (void) g_rmdir (path);
}

void
cr_test_dir_free (CrTestDir *dir)
{
  if (dir == NULL)
    return;
  if (g_getenv ("CR_TEST_KEEP_TMP") == NULL)
    cr_test_rm_rf (dir->path);
  g_free (dir->path);
  g_free (dir);
}

char *
cr_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
cr_test_iterate_until (const gboolean *done, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  GMainContext *context = g_main_context_get_thread_default ();
  GSource *source = g_timeout_source_new (timeout_ms);

  g_source_set_callback (source, timeout_cb, &timed_out, NULL);
  g_source_attach (source, context);
  while (!*done && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  return *done;
}
