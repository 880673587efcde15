/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>

#include "cr-app-test-utils.h"

/*
 * make-large-repository DIR MIB: writes DIR/large.db, a repository of
 * about MIB MiB (for build-aux/screenshots, whose backup figures should
 * look like a real repository's).
 */
int
main (int argc, char *argv[])
{
  CrTestDir dir;
  g_autofree char *path = NULL;

  if (argc != 3)
    {
      g_printerr ("Usage: make-large-repository DIR MIB\n");
      return 2;
    }
  dir.path = argv[1];
  path = cr_app_test_make_large_repository (&dir, "large.db", (guint) strtoul (argv[2], NULL, 10));
  g_print ("%s\n", path);
  return 0;
}
