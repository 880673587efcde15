/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-backup-file.h"
#include "cr-backup-info-private.h"

G_BEGIN_DECLS

/* Writing a backup: the header first (the payload size is known up
 * front), then the payload in any chunk sizes, then finish() writes the
 * block table and trailer and makes the file durable (fdatasync). The
 * writer never closes @fd. It writes from offset 0 and finish() cuts off
 * anything an older, longer file left behind. After any error the
 * writer refuses further calls, and the file holds a partial backup that
 * the caller must remove (DESIGN.md B7). */
typedef struct _CrBackupWriter CrBackupWriter;

CrBackupWriter *cr_backup_writer_new (int fd,
                                      const CrBackupHeaderFields *fields,
                                      GError **error);
gboolean cr_backup_writer_write (CrBackupWriter *writer,
                                 const guint8 *data,
                                 gsize len,
                                 GError **error);
CrBackupInfo *cr_backup_writer_finish (CrBackupWriter *writer, GError **error);
void cr_backup_writer_free (CrBackupWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrBackupWriter, cr_backup_writer_free)

/* Reading a backup: new() reads and checks the header and the trailer
 * (structure, CRCs, exact size); next_block() hands out the payload one
 * verified block at a time; a block whose CRC does not match fails with
 * CR_ERROR_CORRUPT_BACKUP naming its offset. After the last block,
 * next_block() returns TRUE with *len 0 and *data NULL. A block stays
 * valid until the next call. The reader never closes @fd and reads it
 * from offset 0 (with pread, so the descriptor's offset is unchanged). */
typedef struct _CrBackupReader CrBackupReader;

CrBackupReader *cr_backup_reader_new (int fd, GError **error);
CrBackupInfo *cr_backup_reader_get_info (CrBackupReader *reader);
gboolean cr_backup_reader_next_block (CrBackupReader *reader,
                                      const guint8 **data,
                                      gsize *len,
                                      GError **error);
void cr_backup_reader_free (CrBackupReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrBackupReader, cr_backup_reader_free)

/* A full pass over the payload, checking every block's CRC. */
gboolean cr_backup_file_verify_checksums (int fd,
                                          CrBackupInfo **out_info,
                                          CrProgressFunc progress,
                                          gpointer progress_data,
                                          GCancellable *cancellable,
                                          GError **error);

G_END_DECLS
