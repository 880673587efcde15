/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <locale.h>

#include <glib/gi18n.h>

#include "cr-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (CrApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* CIMREPO_LOCALEDIR: a build tree's translations (_build/po), for the tests and `meson devenv` */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CIMREPO_LOCALEDIR") ? g_getenv ("CIMREPO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("cimrepo-manager");
  app = cr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
