/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <glib/gi18n-lib.h>

#include "cr-backup-info-private.h"
#include "cr-error.h"

struct _CrBackupInfo {
  GObject parent_instance;

  guint32 format_version;
  char *repository_id;
  char *source_path;
  char *hostname;
  gint64 created;
  guint32 schema_version;
  guint64 namespace_count;
  guint64 class_count;
  guint64 instance_count;
  guint32 page_size;
  guint64 payload_size;
  guint32 block_size;
  guint64 file_size;
  char *checksum;
  char *generator;
  guint64 payload_offset;
};

G_DEFINE_FINAL_TYPE (CrBackupInfo, cr_backup_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FORMAT_VERSION,
  PROP_REPOSITORY_ID,
  PROP_SOURCE_PATH,
  PROP_HOSTNAME,
  PROP_CREATED,
  PROP_SCHEMA_VERSION,
  PROP_NAMESPACE_COUNT,
  PROP_CLASS_COUNT,
  PROP_INSTANCE_COUNT,
  PROP_PAGE_SIZE,
  PROP_PAYLOAD_SIZE,
  PROP_BLOCK_SIZE,
  PROP_FILE_SIZE,
  PROP_CHECKSUM,
  PROP_GENERATOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cr_backup_info_get_property (GObject *object,
                             guint prop_id,
                             GValue *value,
                             GParamSpec *pspec)
{
  CrBackupInfo *self = CR_BACKUP_INFO (object);

  switch (prop_id)
    {
    case PROP_FORMAT_VERSION:
      g_value_set_uint (value, self->format_version);
      break;
    case PROP_REPOSITORY_ID:
      g_value_set_string (value, self->repository_id);
      break;
    case PROP_SOURCE_PATH:
      g_value_set_string (value, self->source_path);
      break;
    case PROP_HOSTNAME:
      g_value_set_string (value, self->hostname);
      break;
    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;
    case PROP_SCHEMA_VERSION:
      g_value_set_uint (value, self->schema_version);
      break;
    case PROP_NAMESPACE_COUNT:
      g_value_set_uint64 (value, self->namespace_count);
      break;
    case PROP_CLASS_COUNT:
      g_value_set_uint64 (value, self->class_count);
      break;
    case PROP_INSTANCE_COUNT:
      g_value_set_uint64 (value, self->instance_count);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_PAYLOAD_SIZE:
      g_value_set_uint64 (value, self->payload_size);
      break;
    case PROP_BLOCK_SIZE:
      g_value_set_uint (value, self->block_size);
      break;
    case PROP_FILE_SIZE:
      g_value_set_uint64 (value, self->file_size);
      break;
    case PROP_CHECKSUM:
      g_value_set_string (value, self->checksum);
      break;
    case PROP_GENERATOR:
      g_value_set_string (value, self->generator);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
cr_backup_info_finalize (GObject *object)
{
  CrBackupInfo *self = CR_BACKUP_INFO (object);

  g_free (self->repository_id);
  g_free (self->source_path);
  g_free (self->hostname);
  g_free (self->checksum);
  g_free (self->generator);

  G_OBJECT_CLASS (cr_backup_info_parent_class)->finalize (object);
}

static void
cr_backup_info_class_init (CrBackupInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cr_backup_info_get_property;
  object_class->finalize = cr_backup_info_finalize;

  properties[PROP_FORMAT_VERSION] =
    g_param_spec_uint ("format-version", NULL, NULL, 0, G_MAXUINT32, 0, flags);
  properties[PROP_REPOSITORY_ID] =
    g_param_spec_string ("repository-id", NULL, NULL, "", flags);
  properties[PROP_SOURCE_PATH] =
    g_param_spec_string ("source-path", NULL, NULL, "", flags);
  properties[PROP_HOSTNAME] =
    g_param_spec_string ("hostname", NULL, NULL, "", flags);
  properties[PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_SCHEMA_VERSION] =
    g_param_spec_uint ("schema-version", NULL, NULL, 0, G_MAXUINT32, 0, flags);
  properties[PROP_NAMESPACE_COUNT] =
    g_param_spec_uint64 ("namespace-count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CLASS_COUNT] =
    g_param_spec_uint64 ("class-count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_INSTANCE_COUNT] =
    g_param_spec_uint64 ("instance-count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, G_MAXUINT32, 0, flags);
  properties[PROP_PAYLOAD_SIZE] =
    g_param_spec_uint64 ("payload-size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BLOCK_SIZE] =
    g_param_spec_uint ("block-size", NULL, NULL, 0, G_MAXUINT32, 0, flags);
  properties[PROP_FILE_SIZE] =
    g_param_spec_uint64 ("file-size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CHECKSUM] =
    g_param_spec_string ("checksum", NULL, NULL, "", flags);
  properties[PROP_GENERATOR] =
    g_param_spec_string ("generator", NULL, NULL, "", flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cr_backup_info_init (CrBackupInfo *self)
{
}

/* A GVariant string must be valid UTF-8, and a path or host name need
 * not be; the info is descriptive, so a readable approximation is kept
 * rather than refusing the backup. */
static char *
dup_valid_utf8 (const char *str)
{
  if (str == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (str, -1, NULL))
    return g_utf8_make_valid (str, -1);
  return g_strdup (str);
}

/**
 * cr_backup_info_new:
 * @fields: what the header says
 * @format_version: the file's format version
 * @block_size: the payload's block size in bytes
 * @file_size: the size of the whole file, or 0 while it is not known
 * @checksum: (nullable): "crc32c:" and the CRC-32C of the block table, or
 *   %NULL while it is not known
 * @generator: (nullable): the program that wrote the file
 *
 * Strings that are %NULL become "" and invalid UTF-8 is repaired, so
 * that the getters never return %NULL and to_variant() always works.
 */
CrBackupInfo *
cr_backup_info_new (const CrBackupHeaderFields *fields,
                    guint32 format_version,
                    guint32 block_size,
                    guint64 file_size,
                    const char *checksum,
                    const char *generator)
{
  CrBackupInfo *self;

  g_return_val_if_fail (fields != NULL, NULL);

  self = g_object_new (CR_TYPE_BACKUP_INFO, NULL);
  self->format_version = format_version;
  self->repository_id = dup_valid_utf8 (fields->repository_id);
  self->source_path = dup_valid_utf8 (fields->source_path);
  self->hostname = dup_valid_utf8 (fields->hostname);
  self->created = fields->created;
  self->schema_version = fields->schema_version;
  self->namespace_count = fields->namespace_count;
  self->class_count = fields->class_count;
  self->instance_count = fields->instance_count;
  self->page_size = fields->page_size;
  self->payload_size = fields->payload_size;
  self->block_size = block_size;
  self->file_size = file_size;
  self->checksum = dup_valid_utf8 (checksum);
  self->generator = dup_valid_utf8 (generator);
  return self;
}

guint32
cr_backup_info_get_format_version (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->format_version;
}

const char *
cr_backup_info_get_repository_id (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);
  return info->repository_id;
}

const char *
cr_backup_info_get_source_path (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);
  return info->source_path;
}

const char *
cr_backup_info_get_hostname (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);
  return info->hostname;
}

/**
 * cr_backup_info_get_created:
 *
 * Returns: when the backup was taken, in microseconds since the Unix epoch
 */
gint64
cr_backup_info_get_created (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->created;
}

guint32
cr_backup_info_get_schema_version (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->schema_version;
}

guint64
cr_backup_info_get_namespace_count (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->namespace_count;
}

guint64
cr_backup_info_get_class_count (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->class_count;
}

guint64
cr_backup_info_get_instance_count (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->instance_count;
}

guint64
cr_backup_info_get_payload_size (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->payload_size;
}

guint64
cr_backup_info_get_file_size (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->file_size;
}

/**
 * cr_backup_info_get_checksum:
 *
 * Returns: "crc32c:" and eight hex digits, a fingerprint of the payload;
 *   "" when not known
 */
const char *
cr_backup_info_get_checksum (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);
  return info->checksum;
}

const char *
cr_backup_info_get_generator (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);
  return info->generator;
}

guint32
cr_backup_info_get_page_size (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->page_size;
}

guint32
cr_backup_info_get_block_size (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->block_size;
}

guint64
cr_backup_info_get_payload_offset (CrBackupInfo *info)
{
  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), 0);
  return info->payload_offset;
}

/* Only the code that builds an info calls this, before it shares it;
 * after that the object is immutable. */
void
cr_backup_info_set_payload_offset (CrBackupInfo *info, guint64 offset)
{
  g_return_if_fail (CR_IS_BACKUP_INFO (info));
  info->payload_offset = offset;
}

/**
 * cr_backup_info_to_variant:
 *
 * Returns: (transfer floating): an `a{sv}` with the keys "format-version"
 *   (u), "repository-id" (s), "source-path" (s), "hostname" (s),
 *   "created" (x, Unix µs), "schema-version" (u), "namespaces" (t),
 *   "classes" (t), "instances" (t), "page-size" (u), "payload-size" (t),
 *   "block-size" (u), "file-size" (t), "checksum" (s) and "generator" (s)
 */
GVariant *
cr_backup_info_to_variant (CrBackupInfo *info)
{
  GVariantBuilder builder;

  g_return_val_if_fail (CR_IS_BACKUP_INFO (info), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "format-version", g_variant_new_uint32 (info->format_version));
  g_variant_builder_add (&builder, "{sv}", "repository-id", g_variant_new_string (info->repository_id));
  g_variant_builder_add (&builder, "{sv}", "source-path", g_variant_new_string (info->source_path));
  g_variant_builder_add (&builder, "{sv}", "hostname", g_variant_new_string (info->hostname));
  g_variant_builder_add (&builder, "{sv}", "created", g_variant_new_int64 (info->created));
  g_variant_builder_add (&builder, "{sv}", "schema-version", g_variant_new_uint32 (info->schema_version));
  g_variant_builder_add (&builder, "{sv}", "namespaces", g_variant_new_uint64 (info->namespace_count));
  g_variant_builder_add (&builder, "{sv}", "classes", g_variant_new_uint64 (info->class_count));
  g_variant_builder_add (&builder, "{sv}", "instances", g_variant_new_uint64 (info->instance_count));
  g_variant_builder_add (&builder, "{sv}", "page-size", g_variant_new_uint32 (info->page_size));
  g_variant_builder_add (&builder, "{sv}", "payload-size", g_variant_new_uint64 (info->payload_size));
  g_variant_builder_add (&builder, "{sv}", "block-size", g_variant_new_uint32 (info->block_size));
  g_variant_builder_add (&builder, "{sv}", "file-size", g_variant_new_uint64 (info->file_size));
  g_variant_builder_add (&builder, "{sv}", "checksum", g_variant_new_string (info->checksum));
  g_variant_builder_add (&builder, "{sv}", "generator", g_variant_new_string (info->generator));
  return g_variant_builder_end (&builder);
}

/* Both a missing key and a value of another type are refused: a client
 * that sends "created" as a string has a bug that should show. */
static gboolean
check_required (GVariant *dict, const char *key, const char *type, GError **error)
{
  g_autoptr (GVariant) value = g_variant_lookup_value (dict, key, NULL);

  if (value == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("The backup information lacks “%s”"), key);
      return FALSE;
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (type)))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("The backup information has “%s” of type “%s” instead of “%s”"),
                   key, g_variant_get_type_string (value), type);
      return FALSE;
    }
  return TRUE;
}

/**
 * cr_backup_info_new_from_variant:
 * @variant: an `a{sv}` as cr_backup_info_to_variant() makes it
 *
 * Every key that cr_backup_info_to_variant() writes must be present with
 * its type; other keys are ignored, so that a newer peer may add some.
 * A floating @variant is consumed.
 *
 * Returns: (transfer full): the info, or %NULL with
 *   %CR_ERROR_INVALID_PARAMETER
 */
CrBackupInfo *
cr_backup_info_new_from_variant (GVariant *variant, GError **error)
{
  static const struct {
    const char *key;
    const char *type;
  } keys[] = {
    { "format-version", "u" },
    { "repository-id", "s" },
    { "source-path", "s" },
    { "hostname", "s" },
    { "created", "x" },
    { "schema-version", "u" },
    { "namespaces", "t" },
    { "classes", "t" },
    { "instances", "t" },
    { "page-size", "u" },
    { "payload-size", "t" },
    { "block-size", "u" },
    { "file-size", "t" },
    { "checksum", "s" },
    { "generator", "s" },
  };
  g_autoptr (GVariant) owned = NULL;
  CrBackupHeaderFields fields = { 0 };
  guint32 format_version = 0;
  guint32 block_size = 0;
  guint64 file_size = 0;
  const char *checksum = NULL;
  const char *generator = NULL;

  g_return_val_if_fail (variant != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned = g_variant_ref_sink (variant);
  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("The backup information has type “%s” instead of “a{sv}”"),
                   g_variant_get_type_string (variant));
      return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (!check_required (variant, keys[i].key, keys[i].type, error))
        return NULL;
    }

  /* Checked above, so none of these lookups can fail. */
  g_variant_lookup (variant, "format-version", "u", &format_version);
  g_variant_lookup (variant, "repository-id", "&s", &fields.repository_id);
  g_variant_lookup (variant, "source-path", "&s", &fields.source_path);
  g_variant_lookup (variant, "hostname", "&s", &fields.hostname);
  g_variant_lookup (variant, "created", "x", &fields.created);
  g_variant_lookup (variant, "schema-version", "u", &fields.schema_version);
  g_variant_lookup (variant, "namespaces", "t", &fields.namespace_count);
  g_variant_lookup (variant, "classes", "t", &fields.class_count);
  g_variant_lookup (variant, "instances", "t", &fields.instance_count);
  g_variant_lookup (variant, "page-size", "u", &fields.page_size);
  g_variant_lookup (variant, "payload-size", "t", &fields.payload_size);
  g_variant_lookup (variant, "block-size", "u", &block_size);
  g_variant_lookup (variant, "file-size", "t", &file_size);
  g_variant_lookup (variant, "checksum", "&s", &checksum);
  g_variant_lookup (variant, "generator", "&s", &generator);

  return cr_backup_info_new (&fields, format_version, block_size, file_size, checksum, generator);
}
