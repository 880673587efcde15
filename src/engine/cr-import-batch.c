/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-connection.h"
#include "cr-error.h"
#include "cr-import-batch.h"

typedef struct {
  char *namespace_;
  CrImportKind kind;
  GVariant *object;
} Item;

struct _CrImportBatch {
  gatomicrefcount ref;
  GArray *items;
};

G_DEFINE_BOXED_TYPE (CrImportBatch, cr_import_batch, cr_import_batch_ref, cr_import_batch_unref)

static void
item_clear (Item *item)
{
  g_free (item->namespace_);
  g_variant_unref (item->object);
}

CrImportBatch *
cr_import_batch_new (void)
{
  CrImportBatch *batch = g_new0 (CrImportBatch, 1);

  g_atomic_ref_count_init (&batch->ref);
  batch->items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_array_set_clear_func (batch->items, (GDestroyNotify) item_clear);
  return batch;
}

CrImportBatch *
cr_import_batch_ref (CrImportBatch *batch)
{
  g_return_val_if_fail (batch != NULL, NULL);
  g_atomic_ref_count_inc (&batch->ref);
  return batch;
}

void
cr_import_batch_unref (CrImportBatch *batch)
{
  if (batch == NULL || !g_atomic_ref_count_dec (&batch->ref))
    return;
  g_array_unref (batch->items);
  g_free (batch);
}

guint
cr_import_batch_get_length (CrImportBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);
  return batch->items->len;
}

static void
add (CrImportBatch *batch, const char *namespace_, CrImportKind kind, GVariant *object)
{
  Item item = { g_strdup (namespace_), kind, g_variant_ref_sink (object) };

  g_array_append_val (batch->items, item);
}

void
cr_import_batch_add_qualifier_type (CrImportBatch *batch, const char *namespace_, const CrQualifierType *qtype)
{
  g_return_if_fail (batch != NULL && namespace_ != NULL && qtype != NULL);
  add (batch, namespace_, CR_IMPORT_KIND_QUALIFIER_TYPE, cr_qualifier_type_to_variant (qtype));
}

void
cr_import_batch_add_class (CrImportBatch *batch, const char *namespace_, CrClass *klass)
{
  g_return_if_fail (batch != NULL && namespace_ != NULL && CR_IS_CLASS (klass));
  add (batch, namespace_, CR_IMPORT_KIND_CLASS, cr_class_to_variant (klass));
}

void
cr_import_batch_add_instance (CrImportBatch *batch, const char *namespace_, CrInstance *instance)
{
  g_return_if_fail (batch != NULL && namespace_ != NULL && CR_IS_INSTANCE (instance));
  add (batch, namespace_, CR_IMPORT_KIND_INSTANCE, cr_instance_to_variant (instance));
}

/**
 * cr_import_batch_get_item:
 * @out_object: (out) (transfer none): the object's GVariant form
 */
gboolean
cr_import_batch_get_item (CrImportBatch *batch, guint index, const char **out_namespace,
                          CrImportKind *out_kind, GVariant **out_object)
{
  Item *item;

  g_return_val_if_fail (batch != NULL, FALSE);
  if (index >= batch->items->len)
    return FALSE;
  item = &g_array_index (batch->items, Item, index);
  if (out_namespace != NULL)
    *out_namespace = item->namespace_;
  if (out_kind != NULL)
    *out_kind = item->kind;
  if (out_object != NULL)
    *out_object = item->object;
  return TRUE;
}

GVariant *
cr_import_batch_to_variant (CrImportBatch *batch)
{
  GVariantBuilder builder;

  g_return_val_if_fail (batch != NULL, NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE (CR_IMPORT_BATCH_VARIANT_TYPE));
  for (guint i = 0; i < batch->items->len; i++)
    {
      Item *item = &g_array_index (batch->items, Item, i);
      g_variant_builder_add (&builder, "(suv)", item->namespace_, (guint32) item->kind, item->object);
    }
  return g_variant_builder_end (&builder);
}

/**
 * cr_import_batch_new_from_variant:
 *
 * Checks the form of every item (its kind, and the GVariant type of its
 * object); the objects themselves are checked when they are imported.
 */
CrImportBatch *
cr_import_batch_new_from_variant (GVariant *variant, GError **error)
{
  g_autoptr (CrImportBatch) batch = cr_import_batch_new ();
  static const char *const types[] = { CR_QUALIFIER_TYPE_VARIANT_TYPE, CR_CLASS_VARIANT_TYPE, CR_INSTANCE_VARIANT_TYPE };
  GVariantIter iter;
  const char *ns;
  guint32 kind;
  GVariant *object;

  g_return_val_if_fail (variant != NULL, NULL);
  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (CR_IMPORT_BATCH_VARIANT_TYPE)))
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                   _("An import batch must be of type %s, not %s"), CR_IMPORT_BATCH_VARIANT_TYPE,
                   g_variant_get_type_string (variant));
      return NULL;
    }
  g_variant_iter_init (&iter, variant);
  while (g_variant_iter_next (&iter, "(&suv)", &ns, &kind, &object))
    {
      g_autoptr (GVariant) owned = object;

      if (kind > CR_IMPORT_KIND_INSTANCE || !g_variant_is_of_type (object, G_VARIANT_TYPE (types[kind])))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                       _("Item %u of the import batch is not a valid qualifier type, class or instance"),
                       batch->items->len + 1);
          return NULL;
        }
      add (batch, ns, (CrImportKind) kind, object);
    }
  return g_steal_pointer (&batch);
}

GVariant *
cr_import_summary_to_variant (const CrImportSummary *s)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "qualifier-types", g_variant_new ("(uuu)", s->qualifier_types[0], s->qualifier_types[1], s->qualifier_types[2]));
  g_variant_builder_add (&b, "{sv}", "classes", g_variant_new ("(uuu)", s->classes[0], s->classes[1], s->classes[2]));
  g_variant_builder_add (&b, "{sv}", "instances", g_variant_new ("(uuu)", s->instances[0], s->instances[1], s->instances[2]));
  g_variant_builder_add (&b, "{sv}", "namespaces-created", g_variant_new_uint32 (s->namespaces_created));
  return g_variant_builder_end (&b);
}

gboolean
cr_import_summary_from_variant (GVariant *variant, CrImportSummary *s)
{
  g_return_val_if_fail (variant != NULL && s != NULL, FALSE);
  memset (s, 0, sizeof *s);
  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT))
    return FALSE;
  g_variant_lookup (variant, "qualifier-types", "(uuu)", &s->qualifier_types[0], &s->qualifier_types[1], &s->qualifier_types[2]);
  g_variant_lookup (variant, "classes", "(uuu)", &s->classes[0], &s->classes[1], &s->classes[2]);
  g_variant_lookup (variant, "instances", "(uuu)", &s->instances[0], &s->instances[1], &s->instances[2]);
  g_variant_lookup (variant, "namespaces-created", "u", &s->namespaces_created);
  return TRUE;
}
