/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cr-backup-file-private.h"
#include "cr-crc32c.h"
#include "cr-error.h"
#include "cr-platform.h"

#define CR_BACKUP_GENERATOR "cimrepo " PACKAGE_VERSION

/* magic, format version, metadata length */
#define FIXED_HEADER_SIZE 16
/* the header's own CRC after the metadata */
#define HEADER_CRC_SIZE 4
/* payload size, block count, CRC, end magic */
#define TRAILER_SIZE 24

/* Large enough that system calls cost nothing next to the copying, small
 * enough to stay in the CPU's cache between the copy and the CRC. */
#define IO_CHUNK (1024 * 1024)
/* Dirty pages are pushed out as the file grows, so that the final
 * fdatasync() does not have to write a whole backup at once. */
#define WRITEBACK_INTERVAL CR_WRITEBACK_WINDOW
#define PROGRESS_INTERVAL (1024 * 1024)

/* What a reader accepts in "block-size". This writer always uses
 * CR_BACKUP_BLOCK_SIZE; the bounds keep the block table (4 bytes per
 * block) and the read buffer small whatever a file claims. */
#define MIN_BLOCK_SIZE 4096
#define MAX_BLOCK_SIZE (4 * 1024 * 1024)

static const guint8 file_magic[8] = { 0x89, 'C', 'I', 'M', 'B', 'A', 'K', '\n' };
static const guint8 end_magic[8] = { 'C', 'I', 'M', 'B', 'A', 'K', '\0', '\n' };
static const guint8 sqlite_magic[16] = "SQLite format 3";

static inline void
put_le32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline void
put_le64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline guint32
get_le32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static inline guint64
get_le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

/* Numbers go into messages as strings: gettext cannot handle the
 * G_GUINT64_FORMAT macro inside a translatable string. */
static char *
u64_to_string (guint64 v)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, v);
}

static guint32
count_blocks (guint64 payload_size, guint32 block_size)
{
  return (guint32) (payload_size / block_size + (payload_size % block_size != 0));
}

static gboolean
payload_size_is_valid (guint64 payload_size, guint32 block_size)
{
  return payload_size / block_size + (payload_size % block_size != 0) <= G_MAXUINT32;
}

typedef struct {
  const char *key;
  const char *type;
} HeaderKey;

/* The metadata of the header: everything in CrBackupInfo that is known
 * before the payload is written. The format version is not here because
 * it sits in the fixed part, where a reader finds it before it knows
 * how to parse the rest. */
enum {
  KEY_REPOSITORY_ID,
  KEY_SOURCE_PATH,
  KEY_HOSTNAME,
  KEY_CREATED,
  KEY_SCHEMA_VERSION,
  KEY_NAMESPACES,
  KEY_CLASSES,
  KEY_INSTANCES,
  KEY_PAGE_SIZE,
  KEY_PAYLOAD_SIZE,
  KEY_BLOCK_SIZE,
  KEY_GENERATOR,
  N_KEYS
};

static const HeaderKey header_keys[N_KEYS] = {
  [KEY_REPOSITORY_ID] = { "repository-id", "s" },
  [KEY_SOURCE_PATH] = { "source-path", "s" },
  [KEY_HOSTNAME] = { "hostname", "s" },
  [KEY_CREATED] = { "created", "x" },
  [KEY_SCHEMA_VERSION] = { "schema-version", "u" },
  [KEY_NAMESPACES] = { "namespaces", "t" },
  [KEY_CLASSES] = { "classes", "t" },
  [KEY_INSTANCES] = { "instances", "t" },
  [KEY_PAGE_SIZE] = { "page-size", "u" },
  [KEY_PAYLOAD_SIZE] = { "payload-size", "t" },
  [KEY_BLOCK_SIZE] = { "block-size", "u" },
  [KEY_GENERATOR] = { "generator", "s" },
};

typedef struct {
  GVariant *values[N_KEYS];
} HeaderValues;

static void
header_values_clear (HeaderValues *values)
{
  for (guint i = 0; i < N_KEYS; i++)
    g_clear_pointer (&values->values[i], g_variant_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HeaderValues, header_values_clear)

static GBytes *
build_metadata (CrBackupInfo *info)
{
  GVariantBuilder builder;
  g_autoptr (GVariant) dict = NULL;
  g_autoptr (GVariant) normal = NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "repository-id",
                         g_variant_new_string (cr_backup_info_get_repository_id (info)));
  g_variant_builder_add (&builder, "{sv}", "source-path",
                         g_variant_new_string (cr_backup_info_get_source_path (info)));
  g_variant_builder_add (&builder, "{sv}", "hostname",
                         g_variant_new_string (cr_backup_info_get_hostname (info)));
  g_variant_builder_add (&builder, "{sv}", "created",
                         g_variant_new_int64 (cr_backup_info_get_created (info)));
  g_variant_builder_add (&builder, "{sv}", "schema-version",
                         g_variant_new_uint32 (cr_backup_info_get_schema_version (info)));
  g_variant_builder_add (&builder, "{sv}", "namespaces",
                         g_variant_new_uint64 (cr_backup_info_get_namespace_count (info)));
  g_variant_builder_add (&builder, "{sv}", "classes",
                         g_variant_new_uint64 (cr_backup_info_get_class_count (info)));
  g_variant_builder_add (&builder, "{sv}", "instances",
                         g_variant_new_uint64 (cr_backup_info_get_instance_count (info)));
  g_variant_builder_add (&builder, "{sv}", "page-size",
                         g_variant_new_uint32 (cr_backup_info_get_page_size (info)));
  g_variant_builder_add (&builder, "{sv}", "payload-size",
                         g_variant_new_uint64 (cr_backup_info_get_payload_size (info)));
  g_variant_builder_add (&builder, "{sv}", "block-size",
                         g_variant_new_uint32 (cr_backup_info_get_block_size (info)));
  g_variant_builder_add (&builder, "{sv}", "generator",
                         g_variant_new_string (cr_backup_info_get_generator (info)));
  dict = g_variant_ref_sink (g_variant_builder_end (&builder));
  normal = g_variant_get_normal_form (dict);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    g_autoptr (GVariant) swapped = g_variant_byteswap (normal);
    return g_variant_get_data_as_bytes (swapped);
  }
#else
  return g_variant_get_data_as_bytes (normal);
#endif
}

static void
fields_from_info (CrBackupInfo *info, CrBackupHeaderFields *fields)
{
  fields->repository_id = cr_backup_info_get_repository_id (info);
  fields->source_path = cr_backup_info_get_source_path (info);
  fields->hostname = cr_backup_info_get_hostname (info);
  fields->created = cr_backup_info_get_created (info);
  fields->schema_version = cr_backup_info_get_schema_version (info);
  fields->namespace_count = cr_backup_info_get_namespace_count (info);
  fields->class_count = cr_backup_info_get_class_count (info);
  fields->instance_count = cr_backup_info_get_instance_count (info);
  fields->page_size = cr_backup_info_get_page_size (info);
  fields->payload_size = cr_backup_info_get_payload_size (info);
}

/* ---- Writer ---------------------------------------------------------- */

struct _CrBackupWriter {
  int fd;
  CrBackupInfo *header_info;
  guint64 header_size;
  guint64 payload_size;
  guint64 payload_written;

  /* CRC-32C of each block, little-endian, as it goes into the file */
  guint32 *table;
  guint32 n_blocks;
  guint32 blocks_done;
  guint32 block_crc;
  gsize block_fill;

  guint8 *buf;
  gsize buf_len;
  guint64 file_offset;
  CrWriteback writeback;

  gboolean failed;
  gboolean finished;
};

static gboolean
writer_check_usable (CrBackupWriter *writer, GError **error)
{
  if (writer->finished)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                           _("The backup file is already complete"));
      return FALSE;
    }
  if (writer->failed)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_OPERATION,
                           _("The backup file cannot be continued after an earlier error"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
writer_write_out (CrBackupWriter *writer, const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!cr_fd_write_all (writer->fd, data, len, &local_error))
    {
      writer->failed = TRUE;
      if (g_error_matches (local_error, CR_ERROR, CR_ERROR_OUT_OF_DISK_SPACE))
        g_prefix_error (&local_error, _("There is not enough disk space for the backup. Free some space or save the backup elsewhere. "));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  writer->file_offset += len;
  cr_writeback_advance (&writer->writeback, writer->file_offset);
  return TRUE;
}

static gboolean
writer_flush (CrBackupWriter *writer, GError **error)
{
  gsize len = writer->buf_len;

  writer->buf_len = 0;
  if (len == 0)
    return TRUE;
  return writer_write_out (writer, writer->buf, len, error);
}

static void
writer_add_crc (CrBackupWriter *writer, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      gsize take = MIN (len, CR_BACKUP_BLOCK_SIZE - writer->block_fill);

      writer->block_crc = cr_crc32c (writer->block_crc, data, take);
      writer->block_fill += take;
      data += take;
      len -= take;
      if (writer->block_fill == CR_BACKUP_BLOCK_SIZE)
        {
          writer->table[writer->blocks_done++] = GUINT32_TO_LE (writer->block_crc);
          writer->block_crc = 0;
          writer->block_fill = 0;
        }
    }
}

/**
 * cr_backup_writer_new:
 * @fd: a file open for writing; the backup replaces its content
 * @fields: the header; @fields->payload_size is exactly how many bytes
 *   cr_backup_writer_write() will be given
 *
 * Writes the header at once, so that a file that cannot be written at
 * all fails here, before the caller starts producing the payload.
 *
 * After any error the file holds a partial backup, which the caller
 * removes: the writer never deletes or closes @fd.
 */
CrBackupWriter *
cr_backup_writer_new (int fd, const CrBackupHeaderFields *fields, GError **error)
{
  g_autoptr (CrBackupWriter) writer = NULL;
  g_autoptr (GBytes) metadata = NULL;
  g_autofree guint8 *header = NULL;
  const guint8 *meta_data;
  gsize meta_len;
  gsize header_len;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (fields != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!payload_size_is_valid (fields->payload_size, CR_BACKUP_BLOCK_SIZE))
    {
      g_autofree char *size = u64_to_string (fields->payload_size);
      g_set_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A repository of %s byte is too large for a backup file",
                                "A repository of %s bytes is too large for a backup file",
                                (gulong) fields->payload_size),
                   size);
      return NULL;
    }

  writer = g_new0 (CrBackupWriter, 1);
  writer->fd = fd;
  cr_writeback_init (&writer->writeback, fd, 0);
  writer->payload_size = fields->payload_size;
  writer->n_blocks = count_blocks (fields->payload_size, CR_BACKUP_BLOCK_SIZE);
  writer->header_info = cr_backup_info_new (fields, CR_BACKUP_FORMAT_VERSION,
                                            CR_BACKUP_BLOCK_SIZE, 0, NULL,
                                            CR_BACKUP_GENERATOR);

  metadata = build_metadata (writer->header_info);
  meta_data = g_bytes_get_data (metadata, &meta_len);
  if (meta_len > CR_BACKUP_MAX_METADATA)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup's description takes %zu byte, more than the %u that fit in its header; the repository's path or name is too long",
                                "The backup's description takes %zu bytes, more than the %u that fit in its header; the repository's path or name is too long",
                                meta_len),
                   meta_len, (guint) CR_BACKUP_MAX_METADATA);
      return NULL;
    }

  header_len = FIXED_HEADER_SIZE + meta_len + HEADER_CRC_SIZE;
  header = g_malloc (header_len);
  memcpy (header, file_magic, sizeof file_magic);
  put_le32 (header + 8, CR_BACKUP_FORMAT_VERSION);
  put_le32 (header + 12, (guint32) meta_len);
  if (meta_len > 0)
    memcpy (header + FIXED_HEADER_SIZE, meta_data, meta_len);
  put_le32 (header + FIXED_HEADER_SIZE + meta_len,
            cr_crc32c (0, header, FIXED_HEADER_SIZE + meta_len));
  writer->header_size = header_len;
  cr_backup_info_set_payload_offset (writer->header_info, header_len);

  writer->table = g_try_new (guint32, MAX (writer->n_blocks, 1));
  if (writer->table == NULL)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_FAILED,
                           _("There is not enough memory to write the backup"));
      return NULL;
    }
  writer->buf = g_malloc (IO_CHUNK);

  /* The offsets for early writeback are absolute, and a reused file's
   * old content must not stay in front of the backup. */
  if (!cr_fd_seek (fd, 0, error) ||
      !writer_write_out (writer, header, header_len, error))
    return NULL;

  return g_steal_pointer (&writer);
}

/**
 * cr_backup_writer_write:
 * @data: (array length=len): the next bytes of the payload
 *
 * Takes the payload in pieces of any size. Giving more than the header
 * declared fails, and so does any call after an error.
 */
gboolean
cr_backup_writer_write (CrBackupWriter *writer,
                        const guint8 *data,
                        gsize len,
                        GError **error)
{
  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!writer_check_usable (writer, error))
    return FALSE;
  if (len > writer->payload_size - writer->payload_written)
    {
      g_autofree char *size = u64_to_string (writer->payload_size);
      writer->failed = TRUE;
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The repository grew beyond the %s byte announced in the backup's header while it was copied. The backup is incomplete; try again.",
                                "The repository grew beyond the %s bytes announced in the backup's header while it was copied. The backup is incomplete; try again.",
                                (gulong) writer->payload_size),
                   size);
      return FALSE;
    }

  while (len > 0)
    {
      gsize n;

      if (writer->buf_len == 0 && len >= IO_CHUNK)
        {
          /* Nothing is gained by copying a large piece first. */
          n = MIN (len, WRITEBACK_INTERVAL);
          writer_add_crc (writer, data, n);
          if (!writer_write_out (writer, data, n, error))
            return FALSE;
        }
      else
        {
          n = MIN (len, IO_CHUNK - writer->buf_len);
          memcpy (writer->buf + writer->buf_len, data, n);
          /* Right after the copy, while the bytes are in the cache. */
          writer_add_crc (writer, writer->buf + writer->buf_len, n);
          writer->buf_len += n;
          if (writer->buf_len == IO_CHUNK && !writer_flush (writer, error))
            return FALSE;
        }
      data += n;
      len -= n;
      writer->payload_written += n;
    }
  return TRUE;
}

/**
 * cr_backup_writer_finish:
 *
 * Writes the block table and the trailer and flushes the file to disk.
 * Fails if less payload was given than the header declared.
 *
 * Returns: (transfer full): what the finished file says about itself,
 *   with its size and checksum
 */
CrBackupInfo *
cr_backup_writer_finish (CrBackupWriter *writer, GError **error)
{
  CrBackupHeaderFields fields;
  CrBackupInfo *info;
  g_autofree char *checksum = NULL;
  guint8 trailer[TRAILER_SIZE];
  gsize table_len;
  guint32 table_crc;
  guint64 size_now = 0;

  g_return_val_if_fail (writer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!writer_check_usable (writer, error))
    return NULL;
  if (writer->payload_written < writer->payload_size)
    {
      g_autofree char *written = u64_to_string (writer->payload_written);
      g_autofree char *size = u64_to_string (writer->payload_size);
      writer->failed = TRUE;
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The repository's copy ended after %s of the %s byte announced in the backup's header. The backup is incomplete; try again.",
                                "The repository's copy ended after %s of the %s bytes announced in the backup's header. The backup is incomplete; try again.",
                                (gulong) writer->payload_size),
                   written, size);
      return NULL;
    }

  if (writer->block_fill > 0)
    {
      writer->table[writer->blocks_done++] = GUINT32_TO_LE (writer->block_crc);
      writer->block_fill = 0;
    }
  if (writer->blocks_done != writer->n_blocks)
    {
      writer->failed = TRUE;
      g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                   "Internal error: %u blocks written, %u expected",
                   writer->blocks_done, writer->n_blocks);
      return NULL;
    }
  if (!writer_flush (writer, error))
    return NULL;

  table_len = (gsize) writer->n_blocks * 4;
  table_crc = cr_crc32c (0, writer->table, table_len);
  put_le64 (trailer, writer->payload_size);
  put_le32 (trailer + 8, writer->n_blocks);
  put_le32 (trailer + 12, cr_crc32c (table_crc, trailer, 12));
  memcpy (trailer + 16, end_magic, sizeof end_magic);

  if (!writer_write_out (writer, (const guint8 *) writer->table, table_len, error) ||
      !writer_write_out (writer, trailer, sizeof trailer, error))
    return NULL;

  if (!cr_fd_get_size (writer->fd, &size_now, error))
    {
      writer->failed = TRUE;
      return NULL;
    }
  if (size_now > writer->file_offset &&
      !cr_fd_truncate (writer->fd, writer->file_offset, error))
    {
      writer->failed = TRUE;
      return NULL;
    }
  if (!cr_fd_sync (writer->fd, error))
    {
      writer->failed = TRUE;
      return NULL;
    }

  writer->finished = TRUE;
  checksum = g_strdup_printf ("crc32c:%08x", table_crc);
  fields_from_info (writer->header_info, &fields);
  info = cr_backup_info_new (&fields, CR_BACKUP_FORMAT_VERSION, CR_BACKUP_BLOCK_SIZE,
                             writer->file_offset, checksum, CR_BACKUP_GENERATOR);
  cr_backup_info_set_payload_offset (info, writer->header_size);
  return info;
}

void
cr_backup_writer_free (CrBackupWriter *writer)
{
  if (writer == NULL)
    return;
  g_clear_object (&writer->header_info);
  g_free (writer->table);
  g_free (writer->buf);
  g_free (writer);
}

/* ---- Reader ---------------------------------------------------------- */

struct _CrBackupReader {
  int fd;
  CrBackupInfo *info;
  guint64 payload_offset;
  guint64 payload_size;
  guint32 block_size;

  /* the block table followed by the trailer, as in the file */
  guint8 *table;
  guint32 n_blocks;
  guint32 next_block;

  guint8 *buf;
  gsize buf_size;
  gsize buf_len;
  gsize buf_pos;
  guint64 payload_read;
};

static void
set_corrupt (GError **error, const char *message)
{
  g_set_error_literal (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP, message);
}

static void
set_truncated (GError **error, guint64 have, guint64 need)
{
  g_autofree char *have_str = u64_to_string (have);
  g_autofree char *need_str = u64_to_string (need);

  g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
               g_dngettext (GETTEXT_PACKAGE,
                            "The backup is truncated: it has %s of %s byte. Use another backup, or copy this one again completely.",
                            "The backup is truncated: it has %s of %s bytes. Use another backup, or copy this one again completely.",
                            (gulong) need),
               have_str, need_str);
}

/* When not even the header is complete, the full size is unknown. */
static void
set_header_truncated (GError **error, guint64 have)
{
  g_autofree char *have_str = u64_to_string (have);

  g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
               g_dngettext (GETTEXT_PACKAGE,
                            "The backup is truncated: it has only %s byte, not even its complete header. Use another backup, or copy this one again completely.",
                            "The backup is truncated: it has only %s bytes, not even its complete header. Use another backup, or copy this one again completely.",
                            (gulong) have),
               have_str);
}

/* One pass over the dictionary rather than a lookup per key: opening a
 * backup is mostly this parse, and lookups would rescan it every time.
 * As with g_variant_lookup(), the first of duplicate keys counts. */
static gboolean
parse_header_values (GVariant *dict, HeaderValues *values, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      for (guint i = 0; i < N_KEYS; i++)
        {
          if (values->values[i] == NULL && strcmp (key, header_keys[i].key) == 0)
            {
              values->values[i] = g_steal_pointer (&value);
              break;
            }
        }
      g_clear_pointer (&value, g_variant_unref);
    }

  for (guint i = 0; i < N_KEYS; i++)
    {
      if (values->values[i] == NULL ||
          !g_variant_is_of_type (values->values[i], G_VARIANT_TYPE (header_keys[i].type)))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                       _("The backup's header is damaged: “%s” is missing or not of type “%s”. Use another backup."),
                       header_keys[i].key, header_keys[i].type);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads and checks everything but the payload: the fixed header, the
 * metadata and its CRC, the exact file size, the block table and the
 * trailer. The order matters for the message a user gets: the version
 * comes before the CRC, because a newer format may lay out the rest
 * differently and must be reported as newer, not as damaged; the size
 * comes after the header's CRC, because a damaged header's sizes mean
 * nothing. */
static gboolean
reader_open (CrBackupReader *reader, GError **error)
{
  guint8 fixed[FIXED_HEADER_SIZE];
  g_autofree guint8 *meta = NULL;
  g_autoptr (GBytes) meta_bytes = NULL;
  g_autoptr (GVariant) dict = NULL;
  g_auto (HeaderValues) values = { { NULL } };
  g_autofree char *checksum = NULL;
  CrBackupHeaderFields fields = { 0 };
  const char *generator = NULL;
  guint64 file_size = 0;
  guint64 expected_size;
  guint64 header_size;
  guint64 table_len;
  gsize n = 0;
  guint32 version;
  guint32 meta_len;
  guint32 block_size = 0;
  guint32 table_crc;
  guint8 *trailer;

  if (!cr_fd_check_regular (reader->fd, FALSE, error) ||
      !cr_fd_get_size (reader->fd, &file_size, error))
    return FALSE;
  if (file_size == 0)
    {
      set_corrupt (error, _("The file is empty, not a cimrepo backup. Choose another file."));
      return FALSE;
    }

  if (!cr_fd_pread_all (reader->fd, fixed, sizeof fixed, 0, &n, error))
    return FALSE;
  if (memcmp (fixed, file_magic, MIN (n, sizeof file_magic)) != 0 || n == 0)
    {
      if (n >= sizeof sqlite_magic && memcmp (fixed, sqlite_magic, sizeof sqlite_magic) == 0)
        set_corrupt (error, _("The file is an SQLite database, not a cimrepo backup. Choose a backup file (.cimbak) made by cimrepo."));
      else
        set_corrupt (error, _("The file is not a cimrepo backup. Choose a backup file (.cimbak) made by cimrepo."));
      return FALSE;
    }
  if (n < sizeof fixed)
    {
      set_header_truncated (error, n);
      return FALSE;
    }

  version = get_le32 (fixed + 8);
  if (version > CR_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION,
                   _("The backup has format version %u, but this version of cimrepo reads format version %u at most. Use a newer version of cimrepo to read it."),
                   version, (guint) CR_BACKUP_FORMAT_VERSION);
      return FALSE;
    }
  if (version == 0)
    {
      set_corrupt (error, _("The backup's header is damaged: its format version is 0. Use another backup."));
      return FALSE;
    }

  meta_len = get_le32 (fixed + 12);
  if (meta_len > CR_BACKUP_MAX_METADATA)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup's header is damaged: it claims %u byte of metadata, more than the %u allowed. Use another backup.",
                                "The backup's header is damaged: it claims %u bytes of metadata, more than the %u allowed. Use another backup.",
                                meta_len),
                   meta_len, (guint) CR_BACKUP_MAX_METADATA);
      return FALSE;
    }
  header_size = FIXED_HEADER_SIZE + (guint64) meta_len + HEADER_CRC_SIZE;
  if (file_size < header_size)
    {
      set_header_truncated (error, file_size);
      return FALSE;
    }
  meta = g_malloc ((gsize) meta_len + HEADER_CRC_SIZE);
  if (!cr_fd_pread_all (reader->fd, meta, (gsize) meta_len + HEADER_CRC_SIZE,
                        FIXED_HEADER_SIZE, &n, error))
    return FALSE;
  if (n < (gsize) meta_len + HEADER_CRC_SIZE)
    {
      set_header_truncated (error, FIXED_HEADER_SIZE + n);
      return FALSE;
    }
  if (cr_crc32c (cr_crc32c (0, fixed, sizeof fixed), meta, meta_len) != get_le32 (meta + meta_len))
    {
      set_corrupt (error, _("The backup's header is damaged: its checksum does not match. Use another backup."));
      return FALSE;
    }

  meta_bytes = g_bytes_new_take (g_steal_pointer (&meta), meta_len);
  dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, meta_bytes, FALSE));
#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    GVariant *swapped = g_variant_byteswap (dict);
    g_variant_unref (dict);
    dict = swapped;
  }
#endif
  if (!parse_header_values (dict, &values, error))
    return FALSE;
  fields.repository_id = g_variant_get_string (values.values[KEY_REPOSITORY_ID], NULL);
  fields.source_path = g_variant_get_string (values.values[KEY_SOURCE_PATH], NULL);
  fields.hostname = g_variant_get_string (values.values[KEY_HOSTNAME], NULL);
  fields.created = g_variant_get_int64 (values.values[KEY_CREATED]);
  fields.schema_version = g_variant_get_uint32 (values.values[KEY_SCHEMA_VERSION]);
  fields.namespace_count = g_variant_get_uint64 (values.values[KEY_NAMESPACES]);
  fields.class_count = g_variant_get_uint64 (values.values[KEY_CLASSES]);
  fields.instance_count = g_variant_get_uint64 (values.values[KEY_INSTANCES]);
  fields.page_size = g_variant_get_uint32 (values.values[KEY_PAGE_SIZE]);
  fields.payload_size = g_variant_get_uint64 (values.values[KEY_PAYLOAD_SIZE]);
  block_size = g_variant_get_uint32 (values.values[KEY_BLOCK_SIZE]);
  generator = g_variant_get_string (values.values[KEY_GENERATOR], NULL);

  if (block_size < MIN_BLOCK_SIZE || block_size > MAX_BLOCK_SIZE)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup's header is damaged: its block size of %u byte is not valid. Use another backup.",
                                "The backup's header is damaged: its block size of %u bytes is not valid. Use another backup.",
                                block_size),
                   block_size);
      return FALSE;
    }
  if (!payload_size_is_valid (fields.payload_size, block_size))
    {
      set_corrupt (error, _("The backup's header is damaged: its content size is not valid. Use another backup."));
      return FALSE;
    }

  /* Bounded above: at most 2^32 blocks of at most 4 MiB, so no overflow. */
  reader->block_size = block_size;
  reader->payload_offset = header_size;
  reader->payload_size = fields.payload_size;
  reader->n_blocks = count_blocks (fields.payload_size, block_size);
  table_len = (guint64) reader->n_blocks * 4;
  expected_size = header_size + fields.payload_size + table_len + TRAILER_SIZE;
  if (file_size < expected_size)
    {
      set_truncated (error, file_size, expected_size);
      return FALSE;
    }
  if (file_size > expected_size)
    {
      g_autofree char *extra = u64_to_string (file_size - expected_size);
      g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup has %s extra byte at its end, so it is not the file that cimrepo wrote. Use another backup.",
                                "The backup has %s extra bytes at its end, so it is not the file that cimrepo wrote. Use another backup.",
                                (gulong) (file_size - expected_size)),
                   extra);
      return FALSE;
    }

  /* The file's real size bounds the table, so a forged header cannot
   * make this allocation larger than the file itself. */
  if (table_len + TRAILER_SIZE <= G_MAXSIZE)
    reader->table = g_try_malloc ((gsize) table_len + TRAILER_SIZE);
  if (reader->table == NULL)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_FAILED,
                           _("There is not enough memory to read the backup's block table"));
      return FALSE;
    }
  if (!cr_fd_pread_all (reader->fd, reader->table, (gsize) table_len + TRAILER_SIZE,
                        header_size + fields.payload_size, &n, error))
    return FALSE;
  if (n < table_len + TRAILER_SIZE)
    {
      set_truncated (error, header_size + fields.payload_size + n, expected_size);
      return FALSE;
    }
  trailer = reader->table + table_len;
  if (memcmp (trailer + 16, end_magic, sizeof end_magic) != 0)
    {
      set_corrupt (error, _("The backup is damaged at its end: its end marker is missing. Use another backup."));
      return FALSE;
    }
  table_crc = cr_crc32c (0, reader->table, table_len);
  if (cr_crc32c (table_crc, trailer, 12) != get_le32 (trailer + 12))
    {
      g_autofree char *offset = u64_to_string (header_size + fields.payload_size);
      g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   _("The backup's block table at byte %s is damaged: its checksum does not match. Use another backup."),
                   offset);
      return FALSE;
    }
  if (get_le64 (trailer) != fields.payload_size || get_le32 (trailer + 8) != reader->n_blocks)
    {
      set_corrupt (error, _("The backup is damaged: its end does not match its header. Use another backup."));
      return FALSE;
    }

  checksum = g_strdup_printf ("crc32c:%08x", table_crc);
  reader->info = cr_backup_info_new (&fields, version, block_size, file_size, checksum, generator);
  cr_backup_info_set_payload_offset (reader->info, header_size);
  return TRUE;
}

/**
 * cr_backup_reader_new:
 * @fd: a regular file open for reading
 *
 * Checks the file's structure, its header and its block table, but not
 * the payload: that happens block by block in
 * cr_backup_reader_next_block(). Reads only a few KiB per GiB of payload.
 *
 * Returns: (transfer full): the reader, or %NULL with
 *   %CR_ERROR_CORRUPT_BACKUP, %CR_ERROR_UNSUPPORTED_VERSION, or the
 *   error of a failed read
 */
CrBackupReader *
cr_backup_reader_new (int fd, GError **error)
{
  g_autoptr (CrBackupReader) reader = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader = g_new0 (CrBackupReader, 1);
  reader->fd = fd;
  if (!reader_open (reader, error))
    return NULL;
  return g_steal_pointer (&reader);
}

/**
 * cr_backup_reader_get_info:
 *
 * Returns: (transfer none): what the file says about itself
 */
CrBackupInfo *
cr_backup_reader_get_info (CrBackupReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);
  return reader->info;
}

/**
 * cr_backup_reader_next_block:
 * @data: (out) (transfer none): the block, valid until the next call
 * @len: (out): its length; 0 (and @data %NULL) after the last block
 *
 * Hands out the payload one block at a time, each checked against its
 * CRC. A damaged block fails with %CR_ERROR_CORRUPT_BACKUP naming its
 * byte offset in the file.
 *
 * Returns: %TRUE with a block or with the end of the payload, %FALSE
 *   on error
 */
gboolean
cr_backup_reader_next_block (CrBackupReader *reader,
                             const guint8 **data,
                             gsize *len,
                             GError **error)
{
  gsize block_len;
  guint32 expected;

  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (len != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *data = NULL;
  *len = 0;
  if (reader->next_block >= reader->n_blocks)
    return TRUE;

  if (reader->buf_pos == reader->buf_len)
    {
      gsize want;
      gsize n = 0;

      if (reader->buf == NULL)
        {
          /* A small backup gets a small buffer; next_block() is only
           * called here while there is payload left, so it is not 0. */
          reader->buf_size = (gsize) reader->block_size * MAX (1, IO_CHUNK / reader->block_size);
          reader->buf_size = (gsize) MIN ((guint64) reader->buf_size, reader->payload_size);
          reader->buf = g_malloc (reader->buf_size);
          cr_fd_advise_sequential (reader->fd);
        }
      want = (gsize) MIN ((guint64) reader->buf_size, reader->payload_size - reader->payload_read);
      if (!cr_fd_pread_all (reader->fd, reader->buf, want,
                            reader->payload_offset + reader->payload_read, &n, error))
        return FALSE;
      if (n < want)
        {
          /* Only if the file shrank after it was opened. */
          set_truncated (error, reader->payload_offset + reader->payload_read + n,
                         cr_backup_info_get_file_size (reader->info));
          return FALSE;
        }
      reader->buf_len = want;
      reader->buf_pos = 0;
      reader->payload_read += want;
    }

  block_len = MIN (reader->block_size, reader->buf_len - reader->buf_pos);
  expected = get_le32 (reader->table + (gsize) reader->next_block * 4);
  if (cr_crc32c (0, reader->buf + reader->buf_pos, block_len) != expected)
    {
      g_autofree char *offset =
        u64_to_string (reader->payload_offset + (guint64) reader->next_block * reader->block_size);
      g_set_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP,
                   _("The backup file is damaged at byte %s: its checksum does not match. Use another backup."),
                   offset);
      return FALSE;
    }
  *data = reader->buf + reader->buf_pos;
  *len = block_len;
  reader->buf_pos += block_len;
  reader->next_block++;
  return TRUE;
}

void
cr_backup_reader_free (CrBackupReader *reader)
{
  if (reader == NULL)
    return;
  g_clear_object (&reader->info);
  g_free (reader->table);
  g_free (reader->buf);
  g_free (reader);
}

/* ---- Inspection and verification ------------------------------------- */

/**
 * cr_backup_file_inspect_fd:
 * @fd: a backup file open for reading; it is not closed
 *
 * Checks the header, the block table and the trailer, not the payload
 * (see cr_backup_file_verify_checksums() for that), so it is cheap even
 * for a large backup.
 *
 * Returns: (transfer full): what the file says about itself, or %NULL
 */
CrBackupInfo *
cr_backup_file_inspect_fd (int fd, GError **error)
{
  g_autoptr (CrBackupReader) reader = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader = cr_backup_reader_new (fd, error);
  if (reader == NULL)
    return NULL;
  return g_object_ref (reader->info);
}

/**
 * cr_backup_file_inspect:
 * @path: a backup file
 *
 * Like cr_backup_file_inspect_fd(); errors name @path.
 */
CrBackupInfo *
cr_backup_file_inspect (const char *path, GError **error)
{
  g_autofree char *display = NULL;
  CrBackupInfo *info;
  cr_autofd int fd = -1;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  fd = g_open (path, O_RDONLY | O_BINARY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        g_set_error (error, CR_ERROR, CR_ERROR_NOT_FOUND,
                     _("The backup file “%s” does not exist"), display);
      else if (saved_errno == EACCES || saved_errno == EPERM)
        g_set_error (error, CR_ERROR, CR_ERROR_ACCESS_DENIED,
                     _("You are not allowed to read the backup file “%s”"), display);
      else
        g_set_error (error, CR_ERROR, CR_ERROR_FAILED,
                     _("Could not open the backup file “%s”: %s"),
                     display, g_strerror (saved_errno));
      return NULL;
    }
  info = cr_backup_file_inspect_fd (fd, error);
  if (info == NULL)
    g_prefix_error (error, "%s: ", display);
  return info;
}

/**
 * cr_backup_file_verify_checksums:
 * @fd: a backup file open for reading; it is not closed
 * @out_info: (out) (optional) (transfer full): what the file says about
 *   itself, set only on success
 * @progress: (nullable): called with the bytes checked so far and the
 *   file's size, about once per MiB and once at the end
 *
 * Checks everything cr_backup_file_inspect_fd() does, then reads the
 * whole payload and checks every block's CRC. This is the offline
 * verification of DESIGN.md B6; a restore does the same as it copies.
 *
 * Returns: %TRUE if the file is intact
 */
gboolean
cr_backup_file_verify_checksums (int fd,
                                 CrBackupInfo **out_info,
                                 CrProgressFunc progress,
                                 gpointer progress_data,
                                 GCancellable *cancellable,
                                 GError **error)
{
  g_autoptr (CrBackupReader) reader = NULL;
  guint64 total;
  guint64 done;
  guint64 reported;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cr_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  reader = cr_backup_reader_new (fd, error);
  if (reader == NULL)
    return FALSE;

  /* The header, table and trailer are checked already. */
  total = cr_backup_info_get_file_size (reader->info);
  done = total - reader->payload_size;
  reported = done;
  if (progress != NULL)
    progress (done, total, progress_data);

  for (;;)
    {
      const guint8 *data = NULL;
      gsize len = 0;

      if (cr_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!cr_backup_reader_next_block (reader, &data, &len, error))
        return FALSE;
      if (len == 0)
        break;
      done += len;
      if (progress != NULL && done - reported >= PROGRESS_INTERVAL)
        {
          progress (done, total, progress_data);
          reported = done;
        }
    }
  if (progress != NULL && reported != done)
    progress (done, total, progress_data);

  if (out_info != NULL)
    *out_info = g_object_ref (reader->info);
  return TRUE;
}
