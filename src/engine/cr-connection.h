/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-class.h"
#include "cr-instance.h"
#include "cr-qualifier.h"

G_BEGIN_DECLS

/**
 * CrClientInfo:
 * @name: (nullable): who the client is: a D-Bus unique name, or a label
 *   such as "cimrepoctl"
 * @pid: its process id, or -1 if not known
 * @uid: its user id, or -1 if not known
 * @process_name: (nullable): its program name, if known
 *
 * The identity a namespace connection records (MS-WMI's
 * NamespaceConnection). cr_client_info_new_self() describes the calling
 * process.
 */
typedef struct {
  char *name;
  gint64 pid;
  gint64 uid;
  char *process_name;
} CrClientInfo;

GType cr_client_info_get_type (void) G_GNUC_CONST;
CrClientInfo *cr_client_info_new (const char *name, gint64 pid, gint64 uid, const char *process_name);
CrClientInfo *cr_client_info_new_self (const char *name);
CrClientInfo *cr_client_info_copy (const CrClientInfo *info);
void cr_client_info_free (CrClientInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrClientInfo, cr_client_info_free)

/**
 * CrPutFlags:
 * @CR_PUT_FLAGS_NONE: create, or update what exists
 * @CR_PUT_FLAGS_CREATE_ONLY: fail with %CR_ERROR_ALREADY_EXISTS if it exists
 * @CR_PUT_FLAGS_UPDATE_ONLY: fail with %CR_ERROR_NOT_FOUND if it does not
 */
typedef enum {
  CR_PUT_FLAGS_NONE = 0,
  CR_PUT_FLAGS_CREATE_ONLY = 1 << 0,
  CR_PUT_FLAGS_UPDATE_ONLY = 1 << 1,
} CrPutFlags;

/**
 * CrPutResult:
 *
 * What a put did, for import summaries; %CR_PUT_RESULT_ERROR when it
 * failed.
 */
typedef enum {
  CR_PUT_RESULT_ERROR = -1,
  CR_PUT_RESULT_CREATED,
  CR_PUT_RESULT_UPDATED,
  CR_PUT_RESULT_UNCHANGED,
} CrPutResult;

/**
 * CrConnection:
 *
 * A namespace connection: a client's open handle on one namespace of a
 * #CrRepository, recorded in the repository's connection table with the
 * client's identity. All namespace operations go through it.
 *
 * A connection is closed by cr_connection_close(), when its repository
 * closes, and by a restore (reason "restore"). Every operation on a closed
 * connection fails with %CR_ERROR_CONNECTION_CLOSED and says why. The
 * #CrConnection::closed signal is emitted in the main context of the
 * repository's owner.
 *
 * All methods are thread-safe and may block on I/O: call them from a
 * worker thread in a GUI.
 */
#define CR_TYPE_CONNECTION (cr_connection_get_type ())
G_DECLARE_FINAL_TYPE (CrConnection, cr_connection, CR, CONNECTION, GObject)

guint64 cr_connection_get_id (CrConnection *self);
const char *cr_connection_get_namespace (CrConnection *self);
const CrClientInfo *cr_connection_get_client (CrConnection *self);
gint64 cr_connection_get_connected_at (CrConnection *self);
gboolean cr_connection_is_closed (CrConnection *self);
char *cr_connection_dup_close_reason (CrConnection *self);
void cr_connection_close (CrConnection *self);

/* Qualifier types */
CrPutResult cr_connection_put_qualifier_type (CrConnection *self,
                                              CrQualifierType *qtype,
                                              CrPutFlags flags,
                                              GError **error);
CrQualifierType *cr_connection_get_qualifier_type (CrConnection *self,
                                                   const char *name,
                                                   GError **error);
gboolean cr_connection_delete_qualifier_type (CrConnection *self,
                                              const char *name,
                                              GError **error);
GPtrArray *cr_connection_enumerate_qualifier_types (CrConnection *self,
                                                    GError **error);

/* Classes */
CrPutResult cr_connection_put_class (CrConnection *self,
                                     CrClass *klass,
                                     CrPutFlags flags,
                                     GError **error);
CrClass *cr_connection_get_class (CrConnection *self,
                                  const char *name,
                                  GError **error);
gboolean cr_connection_delete_class (CrConnection *self,
                                     const char *name,
                                     GError **error);
GPtrArray *cr_connection_enumerate_classes (CrConnection *self,
                                            const char *superclass,
                                            gboolean deep,
                                            GError **error);

/* Instances */
char *cr_connection_put_instance (CrConnection *self,
                                  CrInstance *instance,
                                  CrPutFlags flags,
                                  CrPutResult *out_result,
                                  GError **error);
CrInstance *cr_connection_get_instance (CrConnection *self,
                                        const char *path,
                                        GError **error);
gboolean cr_connection_delete_instance (CrConnection *self,
                                        const char *path,
                                        GError **error);
GPtrArray *cr_connection_enumerate_instances (CrConnection *self,
                                              const char *class_name,
                                              gboolean deep,
                                              GError **error);

G_END_DECLS
