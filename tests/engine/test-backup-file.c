/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cr-backup-file-private.h"
#include "cr-crc32c.h"
#include "cr-platform.h"
#include "cr-test-utils.h"

#define BLOCK CR_BACKUP_BLOCK_SIZE

static const CrBackupHeaderFields default_fields = {
  .repository_id = "6f1c2a7e-3d4b-4c8e-9a51-0b2d7e8f9a10",
  .source_path = "/var/lib/cimrepo/repository.db",
  .hostname = "server-1.example.org",
  .created = G_GINT64_CONSTANT (1700000000123456),
  .schema_version = 3,
  .namespace_count = 5,
  .class_count = 42,
  .instance_count = 1000,
  .page_size = 4096,
  .payload_size = 0,
};

static guint8 *
random_bytes (gsize len, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  guint8 *buf = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return buf;
}

static int
open_new (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  return fd;
}

static int
open_read (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  return fd;
}

/* Writes @payload in pieces whose sizes cycle through @chunks, so that
 * pieces straddle blocks and the writer's buffer in every way. */
static CrBackupInfo *
write_backup_fd (int fd, const CrBackupHeaderFields *fields, const guint8 *payload, const gsize *chunks, gsize n_chunks)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrBackupWriter) writer = NULL;
  CrBackupInfo *info;
  gsize done = 0;
  gsize i = 0;

  writer = cr_backup_writer_new (fd, fields, &error);
  g_assert_no_error (error);
  g_assert_nonnull (writer);
  while (done < fields->payload_size)
    {
      gsize n = MIN (chunks[i++ % n_chunks], fields->payload_size - done);

      g_assert_true (cr_backup_writer_write (writer, payload + done, n, &error));
      g_assert_no_error (error);
      done += n;
    }
  info = cr_backup_writer_finish (writer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static CrBackupInfo *
write_backup (const char *path, gsize payload_size, guint32 seed)
{
  static const gsize chunks[] = { 4096 };
  CrBackupHeaderFields fields = default_fields;
  g_autofree guint8 *payload = random_bytes (payload_size, seed);
  cr_autofd int fd = open_new (path);

  fields.payload_size = payload_size;
  return write_backup_fd (fd, &fields, payload, chunks, G_N_ELEMENTS (chunks));
}

static guint8 *
read_file (const char *path, gsize *len)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, &error));
  g_assert_no_error (error);
  return (guint8 *) contents;
}

/* When only the file matters, not what the writer reported. */
static void
make_backup (const char *path, gsize payload_size, guint32 seed)
{
  g_autoptr (CrBackupInfo) info = write_backup (path, payload_size, seed);

  g_assert_nonnull (info);
}

static guint8 *
make_and_read (const char *path, gsize payload_size, guint32 seed, gsize *len)
{
  make_backup (path, payload_size, seed);
  return read_file (path, len);
}

static void
write_file (const char *path, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, &error));
  g_assert_no_error (error);
}

static guint32
get_le32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static void
put_le32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

/* The size of the header, which is where the payload starts. */
static gsize
header_size (const guint8 *file)
{
  return 16 + get_le32 (file + 12) + 4;
}

static gboolean
verify_fd (int fd, CrBackupInfo **out_info, GError **error)
{
  return cr_backup_file_verify_checksums (fd, out_info, NULL, NULL, NULL, error);
}

static gboolean
verify_path (const char *path, GError **error)
{
  cr_autofd int fd = open_read (path);

  return verify_fd (fd, NULL, error);
}

static void
assert_same_info (CrBackupInfo *a, CrBackupInfo *b)
{
  g_autoptr (GVariant) va = g_variant_ref_sink (cr_backup_info_to_variant (a));
  g_autoptr (GVariant) vb = g_variant_ref_sink (cr_backup_info_to_variant (b));
  g_autofree char *sa = g_variant_print (va, TRUE);
  g_autofree char *sb = g_variant_print (vb, TRUE);

  g_assert_cmpstr (sa, ==, sb);
  g_assert_cmpuint (cr_backup_info_get_payload_offset (a), ==, cr_backup_info_get_payload_offset (b));
}

/* ---- Round trips ----------------------------------------------------- */

static void
check_round_trip (gsize payload_size)
{
  static const gsize chunks[] = { 1, 4095, 65536, 7, 3 * 1024 * 1024 + 17, 100000, 65535 };
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "backup.cimbak");
  g_autofree guint8 *payload = random_bytes (payload_size, (guint32) payload_size);
  g_autofree guint8 *back = g_malloc (MAX (payload_size, 1));
  g_autoptr (CrBackupInfo) written = NULL;
  g_autoptr (CrBackupInfo) inspected = NULL;
  g_autoptr (CrBackupInfo) verified = NULL;
  g_autoptr (CrBackupReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  CrBackupHeaderFields fields = default_fields;
  guint64 real_size = 0;
  guint64 n_blocks = (payload_size + BLOCK - 1) / BLOCK;
  gsize got = 0;
  guint blocks = 0;

  g_test_message ("payload of %zu bytes", payload_size);
  fields.payload_size = payload_size;
  {
    cr_autofd int fd = open_new (path);
    written = write_backup_fd (fd, &fields, payload, chunks, G_N_ELEMENTS (chunks));
    g_assert_true (cr_fd_get_size (fd, &real_size, NULL));
  }

  /* What the writer reports is what is on disk. */
  g_assert_cmpuint (cr_backup_info_get_file_size (written), ==, real_size);
  g_assert_cmpuint (real_size, ==,
                    cr_backup_info_get_payload_offset (written) + payload_size + 4 * n_blocks + 24);
  g_assert_cmpuint (cr_backup_info_get_payload_size (written), ==, payload_size);
  g_assert_true (g_str_has_prefix (cr_backup_info_get_checksum (written), "crc32c:"));
  g_assert_cmpuint (strlen (cr_backup_info_get_checksum (written)), ==, strlen ("crc32c:") + 8);

  inspected = cr_backup_file_inspect (path, &error);
  g_assert_no_error (error);
  assert_same_info (written, inspected);

  {
    cr_autofd int fd = open_read (path);

    /* The reader must not depend on the descriptor's offset. */
    g_assert_cmpint (lseek (fd, 12345, SEEK_SET), ==, 12345);
    reader = cr_backup_reader_new (fd, &error);
    g_assert_no_error (error);
    assert_same_info (written, cr_backup_reader_get_info (reader));
    for (;;)
      {
        const guint8 *data = NULL;
        gsize len = 0;

        g_assert_true (cr_backup_reader_next_block (reader, &data, &len, &error));
        g_assert_no_error (error);
        if (len == 0)
          {
            g_assert_null (data);
            break;
          }
        g_assert_cmpuint (got + len, <=, payload_size);
        /* Every block but the last is full. */
        g_assert_cmpuint (len, ==, MIN ((gsize) BLOCK, payload_size - got));
        memcpy (back + got, data, len);
        got += len;
        blocks++;
      }
    g_assert_cmpuint (got, ==, payload_size);
    g_assert_cmpuint (blocks, ==, n_blocks);
    g_assert_true (payload_size == 0 || memcmp (back, payload, payload_size) == 0);

    /* Past the end it stays at the end. */
    {
      const guint8 *data = (const guint8 *) "x";
      gsize len = 1;

      g_assert_true (cr_backup_reader_next_block (reader, &data, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (len, ==, 0);
      g_assert_null (data);
    }

    g_assert_true (verify_fd (fd, &verified, &error));
    g_assert_no_error (error);
    assert_same_info (written, verified);
  }
}

static void
test_round_trip (void)
{
  gsize sizes[] = { 0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 5 * 1024 * 1024 + 123 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_round_trip (sizes[i]);
}

/* Equal payloads give equal checksums, different ones different. */
static void
test_checksum_fingerprint (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *a = cr_test_dir_file (dir, "a.cimbak");
  g_autofree char *b = cr_test_dir_file (dir, "b.cimbak");
  g_autofree char *c = cr_test_dir_file (dir, "c.cimbak");
  g_autoptr (CrBackupInfo) ia = write_backup (a, 200000, 1);
  g_autoptr (CrBackupInfo) ib = write_backup (b, 200000, 1);
  g_autoptr (CrBackupInfo) ic = write_backup (c, 200000, 2);

  g_assert_cmpstr (cr_backup_info_get_checksum (ia), ==, cr_backup_info_get_checksum (ib));
  g_assert_cmpstr (cr_backup_info_get_checksum (ia), !=, cr_backup_info_get_checksum (ic));
}

/* A file that held something longer before ends up as exactly the
 * backup, and the writer does not rely on the descriptor's offset. */
static void
test_overwrite_longer_file (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "reused.cimbak");
  g_autofree guint8 *junk = random_bytes (1024 * 1024, 9);
  g_autofree guint8 *payload = random_bytes (1000, 10);
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  CrBackupHeaderFields fields = default_fields;
  static const gsize chunks[] = { 333 };

  write_file (path, junk, 1024 * 1024);
  fields.payload_size = 1000;
  {
    cr_autofd int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (lseek (fd, 4711, SEEK_SET), ==, 4711);
    info = write_backup_fd (fd, &fields, payload, chunks, G_N_ELEMENTS (chunks));
  }
  g_assert_true (verify_path (path, &error));
  g_assert_no_error (error);
}

/* ---- Metadata ---------------------------------------------------------- */

static void
test_inspect_fields (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "fields.cimbak");
  g_autofree guint8 *payload = random_bytes (70000, 5);
  g_autoptr (CrBackupInfo) written = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *generator = NULL;
  CrBackupHeaderFields fields = {
    .repository_id = "a1b2c3d4-0000-4000-8000-123456789abc",
    .source_path = "/home/ünïcödé/.local/share/cimrepo/repository.db",
    .hostname = "hôte-7",
    .created = G_GINT64_CONSTANT (1712345678901234),
    .schema_version = 0x01020304,
    .namespace_count = G_GUINT64_CONSTANT (0x0102030405060708),
    .class_count = G_MAXUINT64,
    .instance_count = G_GUINT64_CONSTANT (77777777777),
    .page_size = 65536,
    .payload_size = 70000,
  };
  static const gsize chunks[] = { 70000 };

  {
    cr_autofd int fd = open_new (path);
    written = write_backup_fd (fd, &fields, payload, chunks, 1);
  }
  info = cr_backup_file_inspect (path, &error);
  g_assert_no_error (error);

  generator = g_strdup_printf ("cimrepo %s", PACKAGE_VERSION);
  g_assert_cmpuint (cr_backup_info_get_format_version (info), ==, CR_BACKUP_FORMAT_VERSION);
  g_assert_cmpstr (cr_backup_info_get_repository_id (info), ==, fields.repository_id);
  g_assert_cmpstr (cr_backup_info_get_source_path (info), ==, fields.source_path);
  g_assert_cmpstr (cr_backup_info_get_hostname (info), ==, fields.hostname);
  g_assert_cmpint (cr_backup_info_get_created (info), ==, fields.created);
  g_assert_cmpuint (cr_backup_info_get_schema_version (info), ==, fields.schema_version);
  g_assert_cmpuint (cr_backup_info_get_namespace_count (info), ==, fields.namespace_count);
  g_assert_cmpuint (cr_backup_info_get_class_count (info), ==, fields.class_count);
  g_assert_cmpuint (cr_backup_info_get_instance_count (info), ==, fields.instance_count);
  g_assert_cmpuint (cr_backup_info_get_page_size (info), ==, fields.page_size);
  g_assert_cmpuint (cr_backup_info_get_payload_size (info), ==, 70000);
  g_assert_cmpuint (cr_backup_info_get_block_size (info), ==, BLOCK);
  g_assert_cmpuint (cr_backup_info_get_file_size (info), ==, cr_backup_info_get_file_size (written));
  g_assert_cmpstr (cr_backup_info_get_checksum (info), ==, cr_backup_info_get_checksum (written));
  g_assert_cmpstr (cr_backup_info_get_generator (info), ==, generator);
  assert_same_info (written, info);

  /* The checksum is the CRC of the block table, as the format says. */
  {
    gsize len = 0;
    g_autofree guint8 *file = read_file (path, &len);
    gsize table = header_size (file) + 70000;
    g_autofree char *expected = g_strdup_printf ("crc32c:%08x", cr_crc32c (0, file + table, 8));

    g_assert_cmpstr (cr_backup_info_get_checksum (info), ==, expected);
  }

  /* The same values as properties. */
  {
    g_autofree char *hostname = NULL;
    guint64 class_count = 0;
    gint64 created = 0;
    guint format_version = 0;

    g_object_get (info, "hostname", &hostname, "class-count", &class_count,
                  "created", &created, "format-version", &format_version, NULL);
    g_assert_cmpstr (hostname, ==, fields.hostname);
    g_assert_cmpuint (class_count, ==, fields.class_count);
    g_assert_cmpint (created, ==, fields.created);
    g_assert_cmpuint (format_version, ==, CR_BACKUP_FORMAT_VERSION);
  }
}

static void
test_info_variant (void)
{
  static const char *keys[] = {
    "format-version",
    "repository-id",
    "source-path",
    "hostname",
    "created",
    "schema-version",
    "namespaces",
    "classes",
    "instances",
    "page-size",
    "payload-size",
    "block-size",
    "file-size",
    "checksum",
    "generator",
  };
  static const char *types[] = {
    "u",
    "s",
    "s",
    "s",
    "x",
    "u",
    "t",
    "t",
    "t",
    "u",
    "t",
    "u",
    "t",
    "s",
    "s",
  };
  CrBackupHeaderFields fields = default_fields;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (CrBackupInfo) back = NULL;
  g_autoptr (GVariant) variant = NULL;
  g_autoptr (GError) error = NULL;

  G_STATIC_ASSERT (G_N_ELEMENTS (keys) == G_N_ELEMENTS (types));
  fields.payload_size = 123456;
  info = cr_backup_info_new (&fields, 1, BLOCK, 200000, "crc32c:0123abcd", "cimrepo test");
  variant = g_variant_ref_sink (cr_backup_info_to_variant (info));
  g_assert_cmpstr (g_variant_get_type_string (variant), ==, "a{sv}");
  g_assert_cmpuint (g_variant_n_children (variant), ==, G_N_ELEMENTS (keys));
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GVariant) value = g_variant_lookup_value (variant, keys[i], NULL);

      g_assert_nonnull (value);
      g_assert_cmpstr (g_variant_get_type_string (value), ==, types[i]);
    }

  back = cr_backup_info_new_from_variant (variant, &error);
  g_assert_no_error (error);
  assert_same_info (info, back);
  g_assert_cmpstr (cr_backup_info_get_checksum (back), ==, "crc32c:0123abcd");
  g_assert_cmpuint (cr_backup_info_get_file_size (back), ==, 200000);

  /* Each key is required, with its type. */
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GVariantDict) missing = g_variant_dict_new (variant);
      g_autoptr (GVariantDict) mistyped = g_variant_dict_new (variant);
      g_autoptr (CrBackupInfo) bad = NULL;
      g_autoptr (GError) local_error = NULL;

      g_variant_dict_remove (missing, keys[i]);
      bad = cr_backup_info_new_from_variant (g_variant_dict_end (missing), &local_error);
      g_assert_error (local_error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
      g_assert_nonnull (strstr (local_error->message, keys[i]));
      g_assert_null (bad);
      g_clear_error (&local_error);

      g_variant_dict_insert_value (mistyped, keys[i], g_variant_new_boolean (TRUE));
      bad = cr_backup_info_new_from_variant (g_variant_dict_end (mistyped), &local_error);
      g_assert_error (local_error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
      g_assert_nonnull (strstr (local_error->message, keys[i]));
      g_assert_null (bad);
    }

  /* Unknown keys are a newer peer's business. */
  {
    g_autoptr (GVariantDict) extra = g_variant_dict_new (variant);
    g_autoptr (CrBackupInfo) ok = NULL;

    g_variant_dict_insert (extra, "future-key", "s", "x");
    ok = cr_backup_info_new_from_variant (g_variant_dict_end (extra), &error);
    g_assert_no_error (error);
    g_assert_nonnull (ok);
  }

  {
    g_autoptr (CrBackupInfo) bad = cr_backup_info_new_from_variant (g_variant_new_string ("x"), &error);
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
    g_assert_null (bad);
  }
}

/* A path need not be UTF-8, but a GVariant string must be. */
static void
test_non_utf8_path (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "latin1.cimbak");
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  CrBackupHeaderFields fields = default_fields;
  static const gsize chunks[] = { 1 };

  fields.source_path = "/srv/caf\xe9/repository.db";
  {
    cr_autofd int fd = open_new (path);
    g_object_unref (write_backup_fd (fd, &fields, NULL, chunks, 1));
  }
  info = cr_backup_file_inspect (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (cr_backup_info_get_source_path (info), -1, NULL));
  g_assert_true (g_str_has_prefix (cr_backup_info_get_source_path (info), "/srv/caf"));
  g_assert_true (g_str_has_suffix (cr_backup_info_get_source_path (info), "/repository.db"));
}

/* ---- Damage ------------------------------------------------------------ */

/* Damage in the payload is found only by the full pass: inspection is
 * cheap because it does not read the payload. The error names the
 * damaged block's offset in the file, also far into a large file, and a
 * reader hands out the intact blocks before it. */
static void
check_damaged_block (gsize payload_size, guint damaged_block)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "damaged.cimbak");
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  gsize len = 0;
  g_autofree guint8 *file = make_and_read (path, payload_size, 11, &len);
  gsize block_start = header_size (file) + (gsize) damaged_block * BLOCK;

  file[block_start + 1000] ^= 0x10;
  write_file (path, file, len);

  info = cr_backup_file_inspect (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  g_assert_false (verify_path (path, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
  expected = g_strdup_printf ("The backup file is damaged at byte %zu: its checksum does not match. Use another backup.",
                              block_start);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  {
    cr_autofd int fd = open_read (path);
    g_autoptr (CrBackupReader) reader = cr_backup_reader_new (fd, &error);
    const guint8 *data = NULL;
    gsize n = 0;

    g_assert_no_error (error);
    for (guint b = 0; b < damaged_block; b++)
      {
        g_assert_true (cr_backup_reader_next_block (reader, &data, &n, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (n, ==, BLOCK);
        g_assert_true (memcmp (data, file + header_size (file) + (gsize) b * BLOCK, BLOCK) == 0);
      }
    g_assert_false (cr_backup_reader_next_block (reader, &data, &n, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
    g_assert_cmpstr (error->message, ==, expected);
  }
}

static void
test_damaged_block (void)
{
  check_damaged_block (3 * BLOCK, 1);
  /* Beyond the reader's first 1 MiB read. */
  check_damaged_block (5 * 1024 * 1024 + 5, 50);
}

typedef enum {
  FLIPS_ALL,
  FLIPS_DENSE,
  FLIPS_SPARSE,
} FlipMode;

typedef struct {
  const guint8 *file;
  gsize len;
  gsize payload_start;
  gsize payload_end;
  char **block_messages;
  char *path;
  gsize first_bit;
  gsize bit_step;
  FlipMode mode;
  guint flips;
  guint wrong;
  gsize first_wrong;
  char *first_wrong_message;
} FlipJob;

/* Outside the payload every bit is flipped. Inside it, FLIPS_ALL flips
 * every bit too; FLIPS_DENSE flips every bit near each block's edges,
 * where an off-by-one would leave bytes unchecked, and one bit of every
 * byte, rotating through the bit positions, so that a byte left
 * out of every check could not hide; FLIPS_SPARSE (for valgrind, where
 * one verify takes milliseconds) flips a spread of payload bits. */
static gboolean
flip_wanted (const FlipJob *job, gsize bit)
{
  gsize byte = bit / 8;
  gsize in_block;

  if (job->mode == FLIPS_ALL || byte < job->payload_start || byte >= job->payload_end)
    return TRUE;
  if (job->mode == FLIPS_SPARSE)
    return (bit - job->payload_start * 8) % 491 == 0;
  in_block = (byte - job->payload_start) % BLOCK;
  if (in_block < 2048 || in_block >= BLOCK - 2048 || job->payload_end - byte <= 2048)
    return TRUE;
  return bit % 8 == byte % 8;
}

/* A flip in the payload must be located in its block; anywhere else it
 * must be reported as damage, except that a flip in the version field
 * may make the file look like a newer, unknown format. */
static gboolean
flip_is_reported (const FlipJob *job, gsize byte, const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (byte >= job->payload_start && byte < job->payload_end)
    {
      gsize block = (byte - job->payload_start) / BLOCK;

      return g_error_matches (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP) &&
             strcmp (error->message, job->block_messages[block]) == 0;
    }
  if (byte >= 8 && byte < 12 && g_error_matches (error, CR_ERROR, CR_ERROR_UNSUPPORTED_VERSION))
    return TRUE;
  return g_error_matches (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
}

static gpointer
flip_worker (gpointer data)
{
  FlipJob *job = data;
  cr_autofd int fd = g_open (job->path, O_RDWR | O_CLOEXEC, 0);

  if (fd < 0)
    return NULL;
  for (gsize bit = job->first_bit; bit < job->len * 8; bit += job->bit_step)
    {
      gsize byte = bit / 8;
      guint8 flipped = job->file[byte] ^ (guint8) (1u << (bit % 8));
      g_autoptr (GError) error = NULL;
      gboolean ok;

      if (!flip_wanted (job, bit))
        continue;
      if (pwrite (fd, &flipped, 1, (off_t) byte) != 1)
        return NULL;
      ok = verify_fd (fd, NULL, &error);
      if (pwrite (fd, job->file + byte, 1, (off_t) byte) != 1)
        return NULL;
      job->flips++;
      if (ok || !flip_is_reported (job, byte, error))
        {
          if (job->wrong++ == 0)
            {
              job->first_wrong = bit;
              job->first_wrong_message = g_strdup (error != NULL ? error->message : "(no error)");
            }
        }
    }
  return job;
}

static FlipMode
get_flip_mode (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  if (g_test_thorough () || g_getenv ("CR_TEST_ALL_BIT_FLIPS") != NULL)
    return FLIPS_ALL;
  if (preload != NULL && strstr (preload, "vgpreload") != NULL)
    return FLIPS_SPARSE;
  return FLIPS_DENSE;
}

/* The format's promise: any single flipped bit anywhere in the file is
 * found, with a message that says so. The file has a header, two full
 * blocks, a short one, a table and a trailer: about 140 KiB. All 1.1
 * million flips take about 20 s on two cores, so they run with
 * `-m thorough` (or CR_TEST_ALL_BIT_FLIPS=1); by default a fifth of them,
 * chosen as flip_wanted() says. */
static void
test_bit_flips (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "flips.cimbak");
  g_autoptr (CrBackupInfo) info = write_backup (path, 2 * BLOCK + 9000, 12);
  gsize len = 0;
  g_autofree guint8 *file = read_file (path, &len);
  gsize payload_start = header_size (file);
  guint n_jobs = CLAMP (g_get_num_processors (), 1, 8);
  g_autofree FlipJob *jobs = g_new0 (FlipJob, n_jobs);
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  char *block_messages[3];
  FlipMode mode = get_flip_mode ();
  static const char *mode_names[] = { "all", "dense sample", "sparse sample" };
  gint64 start = g_get_monotonic_time ();
  guint flips = 0;

  g_assert_cmpuint (cr_backup_info_get_payload_offset (info), ==, payload_start);
  for (guint b = 0; b < G_N_ELEMENTS (block_messages); b++)
    block_messages[b] = g_strdup_printf ("The backup file is damaged at byte %zu: its checksum does not match. Use another backup.",
                                         payload_start + b * BLOCK);

  for (guint i = 0; i < n_jobs; i++)
    {
      g_autofree char *name = g_strdup_printf ("flips-%u.cimbak", i);

      jobs[i].file = file;
      jobs[i].len = len;
      jobs[i].payload_start = payload_start;
      jobs[i].payload_end = payload_start + 2 * BLOCK + 9000;
      jobs[i].block_messages = block_messages;
      jobs[i].path = cr_test_dir_file (dir, name);
      jobs[i].first_bit = i;
      jobs[i].bit_step = n_jobs;
      jobs[i].mode = mode;
      write_file (jobs[i].path, file, len);
      g_ptr_array_add (threads, g_thread_new ("flips", flip_worker, &jobs[i]));
    }
  for (guint i = 0; i < n_jobs; i++)
    {
      gpointer result = g_thread_join (g_ptr_array_index (threads, i));

      g_assert_true (result == &jobs[i]);
      flips += jobs[i].flips;
      if (jobs[i].wrong > 0)
        g_test_message ("bit %zu (byte %zu): %s", jobs[i].first_wrong,
                        jobs[i].first_wrong / 8, jobs[i].first_wrong_message);
    }
  g_test_message ("%u of %zu bit flips in a %zu-byte file (%s) in %.1f s on %u threads",
                  flips, len * 8, len, mode_names[mode],
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, n_jobs);
  for (guint i = 0; i < n_jobs; i++)
    {
      g_assert_cmpuint (jobs[i].wrong, ==, 0);
      g_free (jobs[i].path);
      g_free (jobs[i].first_wrong_message);
    }
  if (mode == FLIPS_ALL)
    g_assert_cmpuint (flips, ==, len * 8);
  else
    g_assert_cmpuint (flips, >=, (len - (2 * BLOCK + 9000)) * 8);
  for (guint b = 0; b < G_N_ELEMENTS (block_messages); b++)
    g_free (block_messages[b]);

  /* And the untouched file is still fine. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_true (verify_path (path, &error));
    g_assert_no_error (error);
  }
}

/* Every shorter prefix of a backup is refused, with its size. */
static void
test_truncation (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "cut.cimbak");
  gsize len = 0;
  g_autofree guint8 *file = make_and_read (path, 2 * BLOCK + 9000, 13, &len);
  gsize hsize = header_size (file);
  cr_autofd int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  /* From the longest down, so that each step only cuts more off. */
  for (gsize size = len; size-- > 0;)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *expected = NULL;

      g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
      g_assert_false (verify_fd (fd, NULL, &error));
      g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
      if (size == 0)
        expected = g_strdup ("The file is empty, not a cimrepo backup. Choose another file.");
      else if (size < hsize)
        expected = g_strdup_printf ("The backup is truncated: it has only %zu %s, not even its complete header. Use another backup, or copy this one again completely.",
                                    size, size == 1 ? "byte" : "bytes");
      else
        expected = g_strdup_printf ("The backup is truncated: it has %zu of %zu bytes. Use another backup, or copy this one again completely.", size, len);
      g_assert_cmpstr (error->message, ==, expected);
    }
}

static void
test_extension (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "long.cimbak");
  gsize extras[] = { 1, 100, BLOCK, 3 * 1024 * 1024 };
  gsize len = 0;
  g_autofree guint8 *file = make_and_read (path, BLOCK + 10, 14, &len);

  for (gsize i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      g_autofree guint8 *longer = random_bytes (len + extras[i], 15);
      g_autofree char *expected = g_strdup_printf ("The backup has %zu extra %s at its end, so it is not the file that cimrepo wrote. Use another backup.",
                                                   extras[i], extras[i] == 1 ? "byte" : "bytes");
      g_autoptr (GError) error = NULL;
      g_autoptr (CrBackupInfo) inspected = NULL;

      memcpy (longer, file, len);
      write_file (path, longer, len + extras[i]);
      inspected = cr_backup_file_inspect (path, &error);
      g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
      g_assert_null (inspected);
      g_assert_true (g_str_has_suffix (error->message, expected));
      g_clear_error (&error);
      g_assert_false (verify_path (path, &error));
      g_assert_cmpstr (error->message, ==, expected);
    }
}

static void
assert_refused (const char *path, const guint8 *data, gsize len, gint code, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrBackupInfo) info = NULL;

  write_file (path, data, len);
  info = cr_backup_file_inspect (path, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, code);
  if (message != NULL && strstr (error->message, message) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, message);
  g_clear_error (&error);
  g_assert_false (verify_path (path, &error));
  g_assert_error (error, CR_ERROR, code);
}

static void
test_not_a_backup (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "other.cimbak");
  gsize sizes[] = { 1, 7, 8, 15, 16, 19, 20, 100, 4096, 70000 };
  guint8 sqlite[4096] = "SQLite format 3";

  assert_refused (path, (const guint8 *) "", 0, CR_ERROR_CORRUPT_BACKUP,
                  "The file is empty, not a cimrepo backup.");
  assert_refused (path, sqlite, sizeof sqlite, CR_ERROR_CORRUPT_BACKUP,
                  "The file is an SQLite database, not a cimrepo backup.");
  assert_refused (path, (const guint8 *) "hello, world\n", 13, CR_ERROR_CORRUPT_BACKUP,
                  "The file is not a cimrepo backup.");

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      for (guint32 seed = 0; seed < 8; seed++)
        {
          g_autofree guint8 *garbage = random_bytes (sizes[i], seed);

          /* Pure garbage never starts with the signature... */
          garbage[0] &= 0x7f;
          assert_refused (path, garbage, sizes[i], CR_ERROR_CORRUPT_BACKUP,
                          "The file is not a cimrepo backup.");

          /* ...but garbage behind a valid signature and version must be
           * refused too, with any metadata length, large or small. */
          if (sizes[i] >= 8)
            {
              memcpy (garbage, "\x89"
                               "CIMBAK\n",
                      8);
              if (sizes[i] >= 12)
                put_le32 (garbage + 8, 1);
              assert_refused (path, garbage, sizes[i], CR_ERROR_CORRUPT_BACKUP, NULL);
            }
          if (sizes[i] >= 16)
            {
              put_le32 (garbage + 12, (seed * 37) % 100);
              assert_refused (path, garbage, sizes[i], CR_ERROR_CORRUPT_BACKUP, NULL);
            }
        }
    }
}

/* Builds a file whose header has a valid CRC around any metadata, to
 * reach the checks behind the CRC. */
static GByteArray *
forge_header (guint32 version, const guint8 *meta, gsize meta_len)
{
  GByteArray *out = g_byte_array_new ();
  guint8 word[4];

  g_byte_array_append (out, (const guint8 *) "\x89"
                                             "CIMBAK\n",
                       8);
  put_le32 (word, version);
  g_byte_array_append (out, word, 4);
  put_le32 (word, (guint32) meta_len);
  g_byte_array_append (out, word, 4);
  g_byte_array_append (out, meta, (guint) meta_len);
  put_le32 (word, cr_crc32c (0, out->data, out->len));
  g_byte_array_append (out, word, 4);
  return out;
}

static GByteArray *
forge_header_dict (guint32 version, GVariant *dict)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (dict);
  g_autoptr (GVariant) normal = g_variant_get_normal_form (owned);

#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    g_autoptr (GVariant) swapped = g_variant_byteswap (normal);
    return forge_header (version, g_variant_get_data (swapped), g_variant_get_size (swapped));
  }
#else
  return forge_header (version, g_variant_get_data (normal), g_variant_get_size (normal));
#endif
}

static GVariantDict *
header_dict (guint64 payload_size)
{
  GVariantDict *dict = g_variant_dict_new (NULL);

  g_variant_dict_insert (dict, "repository-id", "s", "id");
  g_variant_dict_insert (dict, "source-path", "s", "/x");
  g_variant_dict_insert (dict, "hostname", "s", "h");
  g_variant_dict_insert (dict, "created", "x", G_GINT64_CONSTANT (1));
  g_variant_dict_insert (dict, "schema-version", "u", 1);
  g_variant_dict_insert (dict, "namespaces", "t", G_GUINT64_CONSTANT (1));
  g_variant_dict_insert (dict, "classes", "t", G_GUINT64_CONSTANT (1));
  g_variant_dict_insert (dict, "instances", "t", G_GUINT64_CONSTANT (1));
  g_variant_dict_insert (dict, "page-size", "u", 4096);
  g_variant_dict_insert (dict, "payload-size", "t", payload_size);
  g_variant_dict_insert (dict, "block-size", "u", BLOCK);
  g_variant_dict_insert (dict, "generator", "s", "forger");
  return dict;
}

static void
append_trailer (GByteArray *file, guint64 payload_size, guint32 n_blocks, gboolean good_crc)
{
  guint8 trailer[24];
  guint64 p = GUINT64_TO_LE (payload_size);

  memcpy (trailer, &p, 8);
  put_le32 (trailer + 8, n_blocks);
  put_le32 (trailer + 12, cr_crc32c (0, trailer, 12) ^ (good_crc ? 0 : 1));
  memcpy (trailer + 16, "CIMBAK\0\n", 8);
  g_byte_array_append (file, trailer, sizeof trailer);
}

/* Headers that pass their CRC but say something impossible. */
static void
test_forged_headers (void)
{
  static const char *keys[] = {
    "repository-id",
    "source-path",
    "hostname",
    "created",
    "schema-version",
    "namespaces",
    "classes",
    "instances",
    "page-size",
    "payload-size",
    "block-size",
    "generator",
  };
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "forged.cimbak");

  /* A minimal valid file, to show that the forger is right. */
  {
    g_autoptr (GVariantDict) dict = header_dict (0);
    g_autoptr (GByteArray) file = forge_header_dict (1, g_variant_dict_end (dict));
    g_autoptr (GError) error = NULL;
    g_autoptr (CrBackupInfo) info = NULL;

    append_trailer (file, 0, 0, TRUE);
    write_file (path, file->data, file->len);
    info = cr_backup_file_inspect (path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (cr_backup_info_get_generator (info), ==, "forger");
    g_assert_cmpstr (cr_backup_info_get_checksum (info), ==, "crc32c:00000000");
    g_assert_true (verify_path (path, &error));
    g_assert_no_error (error);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GVariantDict) missing = header_dict (0);
      g_autoptr (GVariantDict) mistyped = header_dict (0);
      g_autoptr (GByteArray) file = NULL;
      g_autofree char *expected = g_strdup_printf ("“%s” is missing", keys[i]);

      g_variant_dict_remove (missing, keys[i]);
      file = forge_header_dict (1, g_variant_dict_end (missing));
      append_trailer (file, 0, 0, TRUE);
      assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, expected);
      g_byte_array_unref (file);

      g_variant_dict_insert (mistyped, keys[i], "d", 1.5);
      file = forge_header_dict (1, g_variant_dict_end (mistyped));
      append_trailer (file, 0, 0, TRUE);
      assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, keys[i]);
    }

  /* Metadata that is not an a{sv} at all. */
  {
    g_autofree guint8 *junk = random_bytes (300, 16);
    g_autoptr (GByteArray) file = forge_header (1, junk, 300);

    append_trailer (file, 0, 0, TRUE);
    assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, "The backup's header is damaged");
  }

  /* Impossible block sizes and payload sizes. */
  {
    guint32 block_sizes[] = { 0, 1, 4095, 4 * 1024 * 1024 + 1, G_MAXUINT32 };

    for (gsize i = 0; i < G_N_ELEMENTS (block_sizes); i++)
      {
        g_autoptr (GVariantDict) dict = header_dict (0);
        g_autoptr (GByteArray) file = NULL;

        g_variant_dict_insert (dict, "block-size", "u", block_sizes[i]);
        file = forge_header_dict (1, g_variant_dict_end (dict));
        append_trailer (file, 0, 0, TRUE);
        assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, "block size");
      }
  }
  {
    g_autoptr (GVariantDict) dict = header_dict (G_MAXUINT64);
    g_autoptr (GByteArray) file = forge_header_dict (1, g_variant_dict_end (dict));

    append_trailer (file, 0, 0, TRUE);
    assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, "content size is not valid");
  }
  {
    /* 10 GB claimed in a file of a few hundred bytes: no huge allocation. */
    g_autoptr (GVariantDict) dict = header_dict (G_GUINT64_CONSTANT (10000000000));
    g_autoptr (GByteArray) file = forge_header_dict (1, g_variant_dict_end (dict));

    append_trailer (file, 0, 0, TRUE);
    assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, "The backup is truncated");
  }

  /* A trailer that contradicts the header, with a valid CRC. */
  {
    g_autoptr (GVariantDict) dict = header_dict (0);
    g_autoptr (GByteArray) file = forge_header_dict (1, g_variant_dict_end (dict));

    append_trailer (file, 5, 0, TRUE);
    assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, "its end does not match its header");
  }
  {
    g_autoptr (GVariantDict) dict = header_dict (0);
    g_autoptr (GByteArray) file = forge_header_dict (1, g_variant_dict_end (dict));

    append_trailer (file, 0, 0, FALSE);
    assert_refused (path, file->data, file->len, CR_ERROR_CORRUPT_BACKUP, "block table at byte");
  }

  /* A metadata length beyond the limit. */
  {
    guint8 fixed[20] = "\x89"
                       "CIMBAK\n";

    put_le32 (fixed + 8, 1);
    put_le32 (fixed + 12, G_MAXUINT32);
    assert_refused (path, fixed, sizeof fixed, CR_ERROR_CORRUPT_BACKUP, "4294967295 bytes of metadata");
  }
}

static void
set_version (guint8 *file, guint32 version)
{
  gsize meta_len = get_le32 (file + 12);

  put_le32 (file + 8, version);
  put_le32 (file + 16 + meta_len, cr_crc32c (0, file, 16 + meta_len));
}

/* A newer format is reported as such, with what to do, even though the
 * rest of the file may be laid out differently. */
static void
test_newer_version (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "future.cimbak");
  gsize len = 0;
  g_autofree guint8 *file = make_and_read (path, 1000, 17, &len);
  guint32 versions[] = { CR_BACKUP_FORMAT_VERSION + 1, 1000, G_MAXUINT32 };

  for (gsize i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *expected = g_strdup_printf ("The backup has format version %u, but this version of cimrepo reads format version %u at most. Use a newer version of cimrepo to read it.",
                                                   versions[i], CR_BACKUP_FORMAT_VERSION);
      set_version (file, versions[i]);
      assert_refused (path, file, len, CR_ERROR_UNSUPPORTED_VERSION, expected);
    }

  set_version (file, 0);
  assert_refused (path, file, len, CR_ERROR_CORRUPT_BACKUP, "format version is 0");

  /* The CRC really was right: back at version 1 the file is good. */
  set_version (file, CR_BACKUP_FORMAT_VERSION);
  write_file (path, file, len);
  {
    g_autoptr (GError) error = NULL;

    g_assert_true (verify_path (path, &error));
    g_assert_no_error (error);
  }
}

/* ---- Writer ------------------------------------------------------------ */

static void
test_writer_too_much (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "much.cimbak");
  g_autofree guint8 *payload = random_bytes (200, 18);
  CrBackupHeaderFields fields = default_fields;
  g_autoptr (CrBackupWriter) writer = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  cr_autofd int fd = open_new (path);

  fields.payload_size = 100;
  writer = cr_backup_writer_new (fd, &fields, &error);
  g_assert_no_error (error);
  g_assert_true (cr_backup_writer_write (writer, payload, 60, &error));
  g_assert_false (cr_backup_writer_write (writer, payload + 60, 41, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "100 bytes"));
  g_clear_error (&error);

  /* A failed writer stays failed, and leaves no valid backup. */
  g_assert_false (cr_backup_writer_write (writer, payload + 60, 40, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&error);
  info = cr_backup_writer_finish (writer, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  g_clear_error (&error);
  g_assert_false (verify_fd (fd, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
  g_clear_error (&error);

  /* Nothing at all may follow an empty payload. */
  {
    g_autoptr (CrBackupWriter) empty = NULL;

    fields.payload_size = 0;
    empty = cr_backup_writer_new (fd, &fields, &error);
    g_assert_no_error (error);
    g_assert_true (cr_backup_writer_write (empty, payload, 0, &error));
    g_assert_false (cr_backup_writer_write (empty, payload, 1, &error));
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  }
}

static void
test_writer_too_little (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "little.cimbak");
  g_autofree guint8 *payload = random_bytes (100, 19);
  CrBackupHeaderFields fields = default_fields;
  g_autoptr (CrBackupWriter) writer = NULL;
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  cr_autofd int fd = open_new (path);

  fields.payload_size = 100;
  writer = cr_backup_writer_new (fd, &fields, &error);
  g_assert_no_error (error);
  g_assert_true (cr_backup_writer_write (writer, payload, 99, &error));
  info = cr_backup_writer_finish (writer, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, "after 99 of the 100 bytes"));
  g_clear_error (&error);

  g_assert_false (verify_fd (fd, NULL, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
  g_clear_error (&error);

  /* finish() succeeds once, and only once. */
  {
    g_autoptr (CrBackupWriter) ok = NULL;
    g_autoptr (CrBackupInfo) done = NULL;
    g_autoptr (CrBackupInfo) again = NULL;

    ok = cr_backup_writer_new (fd, &fields, &error);
    g_assert_true (cr_backup_writer_write (ok, payload, 100, &error));
    done = cr_backup_writer_finish (ok, &error);
    g_assert_no_error (error);
    g_assert_nonnull (done);
    again = cr_backup_writer_finish (ok, &error);
    g_assert_null (again);
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_OPERATION);
  }
}

static void
test_writer_limits (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "limits.cimbak");
  CrBackupHeaderFields fields = default_fields;
  g_autoptr (CrBackupWriter) writer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *long_path = g_strnfill (70000, 'a');
  cr_autofd int fd = open_new (path);
  guint64 size = 1;

  fields.payload_size = G_MAXUINT64;
  writer = cr_backup_writer_new (fd, &fields, &error);
  g_assert_null (writer);
  g_assert_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  fields.payload_size = 10;
  fields.source_path = long_path;
  writer = cr_backup_writer_new (fd, &fields, &error);
  g_assert_null (writer);
  g_assert_error (error, CR_ERROR, CR_ERROR_LIMIT_EXCEEDED);

  /* Refused before anything was written. */
  g_assert_true (cr_fd_get_size (fd, &size, NULL));
  g_assert_cmpuint (size, ==, 0);
}

/* A full disk is reported as such, at once, before any payload. */
static void
test_writer_disk_full (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrBackupWriter) writer = NULL;
  CrBackupHeaderFields fields = default_fields;
  cr_autofd int fd = g_open ("/dev/full", O_WRONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      g_test_skip ("no /dev/full");
      return;
    }
  fields.payload_size = 1000;
  writer = cr_backup_writer_new (fd, &fields, &error);
  g_assert_null (writer);
  g_assert_error (error, CR_ERROR, CR_ERROR_OUT_OF_DISK_SPACE);
  g_assert_true (g_str_has_prefix (error->message, "There is not enough disk space for the backup. Free some space or save the backup elsewhere."));
}

/* ---- Verification ------------------------------------------------------ */

typedef struct {
  GArray *done;
  guint64 total;
  GCancellable *cancel_on_first;
} Progress;

static void
progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  Progress *p = user_data;

  g_array_append_val (p->done, done);
  p->total = total;
  if (p->cancel_on_first != NULL)
    g_cancellable_cancel (p->cancel_on_first);
}

static void
test_verify_progress (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "progress.cimbak");
  gsize payload_sizes[] = { 0, 100, 5 * 1024 * 1024 + 3 };

  for (gsize i = 0; i < G_N_ELEMENTS (payload_sizes); i++)
    {
      g_autoptr (CrBackupInfo) written = write_backup (path, payload_sizes[i], 20);
      g_autoptr (CrBackupInfo) info = NULL;
      g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_autoptr (GError) error = NULL;
      Progress p = { done, 0, NULL };
      cr_autofd int fd = open_read (path);
      guint64 file_size = cr_backup_info_get_file_size (written);

      g_assert_true (cr_backup_file_verify_checksums (fd, &info, progress_cb, &p, NULL, &error));
      g_assert_no_error (error);
      g_assert_nonnull (info);
      g_assert_cmpuint (p.total, ==, file_size);
      g_assert_cmpuint (done->len, >=, 1);
      g_assert_cmpuint (done->len, <=, payload_sizes[i] / (1024 * 1024) + 2);
      g_assert_cmpuint (g_array_index (done, guint64, 0), ==, file_size - payload_sizes[i]);
      g_assert_cmpuint (g_array_index (done, guint64, done->len - 1), ==, file_size);
      for (guint j = 1; j < done->len; j++)
        g_assert_cmpuint (g_array_index (done, guint64, j), >, g_array_index (done, guint64, j - 1));
    }
}

static void
test_verify_cancel (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *path = cr_test_dir_file (dir, "cancel.cimbak");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  Progress p = { done, 0, cancellable };
  cr_autofd int fd = -1;

  make_backup (path, 5 * 1024 * 1024, 21);
  fd = open_read (path);

  /* Cancelled while it runs. */
  g_assert_false (cr_backup_file_verify_checksums (fd, &info, progress_cb, &p, cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_assert_null (info);
  g_assert_cmpuint (done->len, ==, 1);
  g_clear_error (&error);

  /* Cancelled before it starts: no work, no progress. */
  g_array_set_size (done, 0);
  g_assert_false (cr_backup_file_verify_checksums (fd, &info, progress_cb, &p, cancellable, &error));
  g_assert_error (error, CR_ERROR, CR_ERROR_CALL_CANCELLED);
  g_assert_null (info);
  g_assert_cmpuint (done->len, ==, 0);
}

/* ---- Opening ----------------------------------------------------------- */

static void
test_inspect_errors (void)
{
  g_autoptr (CrTestDir) dir = cr_test_dir_new ();
  g_autofree char *missing = cr_test_dir_file (dir, "missing.cimbak");
  g_autofree char *text = cr_test_dir_file (dir, "text.cimbak");
  g_autoptr (CrBackupInfo) info = NULL;
  g_autoptr (GError) error = NULL;

  info = cr_backup_file_inspect (missing, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, CR_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  info = cr_backup_file_inspect (dir->path, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
  g_assert_nonnull (strstr (error->message, dir->path));
  g_clear_error (&error);

  write_file (text, (const guint8 *) "not a backup", 12);
  info = cr_backup_file_inspect (text, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, CR_ERROR_CORRUPT_BACKUP);
  g_assert_true (g_str_has_prefix (error->message, text));
  g_clear_error (&error);

  /* A descriptor that cannot be read from. */
  {
    cr_autofd int fd = g_open (text, O_WRONLY | O_CLOEXEC, 0);

    g_assert_cmpint (fd, >=, 0);
    info = cr_backup_file_inspect_fd (fd, &error);
    g_assert_null (info);
    g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
    g_clear_error (&error);
  }
  info = cr_backup_file_inspect_fd (-1, &error);
  g_assert_null (info);
  g_assert_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/backup-file/round-trip", test_round_trip);
  g_test_add_func ("/cimrepo/backup-file/checksum-fingerprint", test_checksum_fingerprint);
  g_test_add_func ("/cimrepo/backup-file/overwrite-longer-file", test_overwrite_longer_file);
  g_test_add_func ("/cimrepo/backup-file/inspect-fields", test_inspect_fields);
  g_test_add_func ("/cimrepo/backup-file/info-variant", test_info_variant);
  g_test_add_func ("/cimrepo/backup-file/non-utf8-path", test_non_utf8_path);
  g_test_add_func ("/cimrepo/backup-file/damaged-block", test_damaged_block);
  g_test_add_func ("/cimrepo/backup-file/bit-flips", test_bit_flips);
  g_test_add_func ("/cimrepo/backup-file/truncation", test_truncation);
  g_test_add_func ("/cimrepo/backup-file/extension", test_extension);
  g_test_add_func ("/cimrepo/backup-file/not-a-backup", test_not_a_backup);
  g_test_add_func ("/cimrepo/backup-file/forged-headers", test_forged_headers);
  g_test_add_func ("/cimrepo/backup-file/newer-version", test_newer_version);
  g_test_add_func ("/cimrepo/backup-file/writer-too-much", test_writer_too_much);
  g_test_add_func ("/cimrepo/backup-file/writer-too-little", test_writer_too_little);
  g_test_add_func ("/cimrepo/backup-file/writer-limits", test_writer_limits);
  g_test_add_func ("/cimrepo/backup-file/writer-disk-full", test_writer_disk_full);
  g_test_add_func ("/cimrepo/backup-file/verify-progress", test_verify_progress);
  g_test_add_func ("/cimrepo/backup-file/verify-cancel", test_verify_cancel);
  g_test_add_func ("/cimrepo/backup-file/inspect-errors", test_inspect_errors);
  return g_test_run ();
}
