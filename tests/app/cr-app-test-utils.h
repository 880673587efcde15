/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-test-utils.h"

G_BEGIN_DECLS

char *cr_app_test_make_large_repository (CrTestDir *dir, const char *name, guint mib);

G_END_DECLS
