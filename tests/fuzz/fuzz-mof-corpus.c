/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

/*
 * Replays fuzz-mof's entry point over every file of the directories given,
 * recursively, as a normal test: the fuzz corpus (and every crash found
 * and fixed, added to it) is checked in every build, with any compiler.
 *
 *   fuzz-mof-corpus DIR...
 */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static guint
replay (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;
  gsize length = 0;
  guint n = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, &error);
      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          exit (1);
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          n += replay (child);
        }
      return n;
    }
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  printf ("# %s\n", path);
  fflush (stdout);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int argc, char **argv)
{
  guint n = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    n += replay (argv[i]);
  if (n == 0)
    {
      g_printerr ("no input replayed\n");
      return 1;
    }
  printf ("1..1\nok 1 - %u inputs replayed\n", n);
  return 0;
}
