/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-mof-resolver.h"
#include "cr-repository.h"

G_BEGIN_DECLS

/**
 * CrMofRepositoryResolver:
 *
 * A #CrMofResolver over a #CrRepository opened in this process: it opens
 * one #CrConnection per namespace it is asked about, on first use, and
 * closes them when it is disposed. Thread-safe.
 */
#define CR_TYPE_MOF_REPOSITORY_RESOLVER (cr_mof_repository_resolver_get_type ())
G_DECLARE_FINAL_TYPE (CrMofRepositoryResolver, cr_mof_repository_resolver, CR, MOF_REPOSITORY_RESOLVER, GObject)

CrMofResolver *cr_mof_repository_resolver_new (CrRepository *repository,
                                               const CrClientInfo *client);

G_END_DECLS
