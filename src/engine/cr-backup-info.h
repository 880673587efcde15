/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CrBackupInfo:
 *
 * What a backup file (`.cimbak`) says about itself: its format version,
 * the repository it was taken from, when, the schema version and object
 * counts of its content, its size and its checksum.
 *
 * Immutable once built; safe to share between threads.
 */
#define CR_TYPE_BACKUP_INFO (cr_backup_info_get_type ())
G_DECLARE_FINAL_TYPE (CrBackupInfo, cr_backup_info, CR, BACKUP_INFO, GObject)

guint32 cr_backup_info_get_format_version (CrBackupInfo *info);
const char *cr_backup_info_get_repository_id (CrBackupInfo *info);
const char *cr_backup_info_get_source_path (CrBackupInfo *info);
const char *cr_backup_info_get_hostname (CrBackupInfo *info);
gint64 cr_backup_info_get_created (CrBackupInfo *info);
guint32 cr_backup_info_get_schema_version (CrBackupInfo *info);
guint64 cr_backup_info_get_namespace_count (CrBackupInfo *info);
guint64 cr_backup_info_get_class_count (CrBackupInfo *info);
guint64 cr_backup_info_get_instance_count (CrBackupInfo *info);
guint64 cr_backup_info_get_payload_size (CrBackupInfo *info);
guint64 cr_backup_info_get_file_size (CrBackupInfo *info);
const char *cr_backup_info_get_checksum (CrBackupInfo *info);
const char *cr_backup_info_get_generator (CrBackupInfo *info);

GVariant *cr_backup_info_to_variant (CrBackupInfo *info);
CrBackupInfo *cr_backup_info_new_from_variant (GVariant *variant, GError **error);

G_END_DECLS
