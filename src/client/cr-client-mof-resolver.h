/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-client.h"

G_BEGIN_DECLS

/**
 * CrClientMofResolver:
 *
 * A #CrMofResolver over a #CrClient, so that a MOF compilation sees the
 * classes and qualifier types that the repository already holds, in
 * every mode: the engine in this process or the cimrepod service.
 *
 * It answers as #CrMofRepositoryResolver does: a class, a qualifier type
 * or a namespace that does not exist is %NULL without an error; any other
 * failure (the service is gone, access denied) is an error, which stops
 * the compilation.
 *
 * Thread-safe. The compiler calls it from the thread that compiles (the
 * caller's for cr_mof_compiler_compile_sync(), a worker thread for
 * cr_mof_compiler_compile_async()); each answer is a `_sync` call of the
 * client, which waits on a main context of its own and so works in any
 * thread, with or without a main loop.
 */
#define CR_TYPE_CLIENT_MOF_RESOLVER (cr_client_mof_resolver_get_type ())
G_DECLARE_FINAL_TYPE (CrClientMofResolver, cr_client_mof_resolver, CR, CLIENT_MOF_RESOLVER, GObject)

CrMofResolver *cr_client_mof_resolver_new (CrClient *client);

G_END_DECLS
