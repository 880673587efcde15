/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CR_APPLICATION_ID "org.cimrepo.Manager"

#define CR_TYPE_APPLICATION (cr_application_get_type ())
G_DECLARE_FINAL_TYPE (CrApplication, cr_application, CR, APPLICATION, GtkApplication)

CrApplication *cr_application_new (void);
GSettings *cr_application_get_settings (CrApplication *self);

G_END_DECLS
