/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-backup-file.h"
#include "cr-backup-info.h"
#include "cr-class.h"
#include "cr-connection.h"
#include "cr-error.h"
#include "cr-import-batch.h"
#include "cr-instance.h"
#include "cr-object-path.h"
#include "cr-pause-handle.h"
#include "cr-qualifier.h"
#include "cr-repository.h"
#include "cr-types.h"
