/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "cr-backup-info.h"
#include "cr-types.h"

G_BEGIN_DECLS

/**
 * SECTION:cr-backup-file
 *
 * The backup file format (`.cimbak`, MIME type
 * `application/x-cimrepo-backup`). One self-describing file:
 *
 * |offset  |size   |content                                           |
 * |--------|-------|--------------------------------------------------|
 * |0       |8      |magic `\x89CIMBAK\n`                              |
 * |8       |4      |format version, u32 little-endian (1)             |
 * |12      |4      |metadata length M, u32 LE (at most 64 KiB)        |
 * |16      |M      |metadata: a GVariant `a{sv}`, little-endian       |
 * |16+M    |4      |CRC-32C of bytes [0, 16+M)                        |
 * |H=20+M  |P      |payload: the repository's SQLite database         |
 * |H+P     |4×N    |CRC-32C of each block of the payload, u32 LE       |
 * |H+P+4N  |8      |payload size P, u64 LE (repeats the metadata)     |
 * |        |4      |block count N, u32 LE                             |
 * |        |4      |CRC-32C of the block table and the 12 bytes above |
 * |        |8      |end magic `CIMBAK\0\n`                            |
 *
 * The payload is split into blocks of `block-size` bytes (64 KiB; the last
 * may be shorter). Every byte of the file is covered by a CRC-32C or is a
 * magic, and the file's exact size follows from its header, so any single
 * flipped bit and any truncation or extension is detected. A CRC-32C
 * detects every error of up to 32 consecutive bits in its block.
 *
 * The checksum that inspection reports is `crc32c:` followed by the
 * CRC-32C of the block table in hex: a fingerprint of the whole payload.
 */

#define CR_BACKUP_FORMAT_VERSION 1
#define CR_BACKUP_BLOCK_SIZE (64 * 1024)
#define CR_BACKUP_MAX_METADATA (64 * 1024)
#define CR_BACKUP_FILE_SUFFIX ".cimbak"
#define CR_BACKUP_MIME_TYPE "application/x-cimrepo-backup"

CrBackupInfo *cr_backup_file_inspect (const char *path, GError **error);
CrBackupInfo *cr_backup_file_inspect_fd (int fd, GError **error);

G_END_DECLS
