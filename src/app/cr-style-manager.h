/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * CrColorScheme:
 * @CR_COLOR_SCHEME_DEFAULT: no preference (light)
 * @CR_COLOR_SCHEME_PREFER_DARK: the user prefers dark
 * @CR_COLOR_SCHEME_PREFER_LIGHT: the user prefers light
 *
 * The values of the Settings portal's `org.freedesktop.appearance
 * color-scheme`, and of `org.gnome.desktop.interface color-scheme`.
 */
typedef enum {
  CR_COLOR_SCHEME_DEFAULT = 0,
  CR_COLOR_SCHEME_PREFER_DARK = 1,
  CR_COLOR_SCHEME_PREFER_LIGHT = 2,
} CrColorScheme;

#define CR_TYPE_STYLE_MANAGER (cr_style_manager_get_type ())
G_DECLARE_FINAL_TYPE (CrStyleManager, cr_style_manager, CR, STYLE_MANAGER, GObject)

CrStyleManager *cr_style_manager_new (void);
CrColorScheme cr_style_manager_get_color_scheme (CrStyleManager *self);
gboolean cr_style_manager_get_dark (CrStyleManager *self);

G_END_DECLS
