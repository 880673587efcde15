/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-backup-info.h"

G_BEGIN_DECLS

/* Fields as the writer fills them in before the payload is written. */
typedef struct {
  const char *repository_id;
  const char *source_path;
  const char *hostname;
  gint64 created; /* unix time, microseconds */
  guint32 schema_version;
  guint64 namespace_count;
  guint64 class_count;
  guint64 instance_count;
  guint32 page_size;
  guint64 payload_size;
} CrBackupHeaderFields;

CrBackupInfo *cr_backup_info_new (const CrBackupHeaderFields *fields,
                                  guint32 format_version,
                                  guint32 block_size,
                                  guint64 file_size,
                                  const char *checksum,
                                  const char *generator);
guint32 cr_backup_info_get_page_size (CrBackupInfo *info);
guint32 cr_backup_info_get_block_size (CrBackupInfo *info);
guint64 cr_backup_info_get_payload_offset (CrBackupInfo *info);
void cr_backup_info_set_payload_offset (CrBackupInfo *info, guint64 offset);

G_END_DECLS
