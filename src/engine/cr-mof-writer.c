/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-mof-writer.h"
#include "cr-types-private.h"

#define MAX_SUPERCLASS_DEPTH 256

struct _CrMofWriter {
  GObject parent_instance;

  char *namespace_;
  GPtrArray *qualifier_types; /* CrQualifierType, to write */
  GHashTable *known_qtypes;   /* name key → CrQualifierType (borrowed or owned by declared) */
  GPtrArray *declared_qtypes; /* CrQualifierType, known but not written */
  GPtrArray *classes;         /* CrClass, local shapes, in the order added */
  GHashTable *typing;         /* name key → CrClass, the shape given (for instances) */
  GPtrArray *instances;       /* CrInstance */
};

G_DEFINE_FINAL_TYPE (CrMofWriter, cr_mof_writer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAMESPACE,
  N_PROPS
};

static GParamSpec *obj_props[N_PROPS];

static void
cr_mof_writer_finalize (GObject *object)
{
  CrMofWriter *self = CR_MOF_WRITER (object);

  g_free (self->namespace_);
  g_hash_table_unref (self->known_qtypes);
  g_ptr_array_unref (self->qualifier_types);
  g_ptr_array_unref (self->declared_qtypes);
  g_hash_table_unref (self->typing);
  g_ptr_array_unref (self->classes);
  g_ptr_array_unref (self->instances);
  G_OBJECT_CLASS (cr_mof_writer_parent_class)->finalize (object);
}

static void
cr_mof_writer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrMofWriter *self = CR_MOF_WRITER (object);

  switch (prop_id)
    {
    case PROP_NAMESPACE:
      g_value_set_string (value, self->namespace_);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_mof_writer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CrMofWriter *self = CR_MOF_WRITER (object);

  switch (prop_id)
    {
    case PROP_NAMESPACE:
      cr_mof_writer_set_namespace (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_mof_writer_class_init (CrMofWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cr_mof_writer_finalize;
  object_class->get_property = cr_mof_writer_get_property;
  object_class->set_property = cr_mof_writer_set_property;

  /**
   * CrMofWriter:namespace:
   *
   * When set, the output starts with `#pragma namespace` naming it, so
   * that it goes back where it came from whatever the importer's default.
   */
  obj_props[PROP_NAMESPACE] =
    g_param_spec_string ("namespace", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, obj_props);
}

static void
cr_mof_writer_init (CrMofWriter *self)
{
  self->qualifier_types = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_qualifier_type_free);
  self->declared_qtypes = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_qualifier_type_free);
  self->known_qtypes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->classes = g_ptr_array_new_with_free_func (g_object_unref);
  self->typing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->instances = g_ptr_array_new_with_free_func (g_object_unref);
}

CrMofWriter *
cr_mof_writer_new (void)
{
  return g_object_new (CR_TYPE_MOF_WRITER, NULL);
}

/**
 * cr_mof_writer_set_namespace:
 * @self: a #CrMofWriter
 * @namespace_: (nullable): the namespace the objects belong to, or %NULL
 *   to leave the choice to whoever imports the output
 */
void
cr_mof_writer_set_namespace (CrMofWriter *self, const char *namespace_)
{
  g_return_if_fail (CR_IS_MOF_WRITER (self));

  if (g_strcmp0 (self->namespace_, namespace_) == 0)
    return;
  g_free (self->namespace_);
  self->namespace_ = g_strdup (namespace_);
  g_object_notify_by_pspec (G_OBJECT (self), obj_props[PROP_NAMESPACE]);
}

const char *
cr_mof_writer_get_namespace (CrMofWriter *self)
{
  g_return_val_if_fail (CR_IS_MOF_WRITER (self), NULL);
  return self->namespace_;
}

/**
 * cr_mof_writer_add_qualifier_type:
 *
 * Adds a qualifier type to write. It is known for flavors too.
 */
void
cr_mof_writer_add_qualifier_type (CrMofWriter *self, const CrQualifierType *qtype)
{
  CrQualifierType *copy;

  g_return_if_fail (CR_IS_MOF_WRITER (self));
  g_return_if_fail (qtype != NULL);

  copy = cr_qualifier_type_copy (qtype);
  g_ptr_array_add (self->qualifier_types, copy);
  g_hash_table_replace (self->known_qtypes, cr_name_key (copy->name), copy);
}

/**
 * cr_mof_writer_declare_qualifier_type:
 *
 * Says that the target already declares @qtype: it is not written, but
 * the flavors of the qualifiers of its name are written against it.
 */
void
cr_mof_writer_declare_qualifier_type (CrMofWriter *self, const CrQualifierType *qtype)
{
  CrQualifierType *copy;
  g_autofree char *key = NULL;

  g_return_if_fail (CR_IS_MOF_WRITER (self));
  g_return_if_fail (qtype != NULL);

  key = cr_name_key (qtype->name);
  if (g_hash_table_contains (self->known_qtypes, key))
    return;
  copy = cr_qualifier_type_copy (qtype);
  g_ptr_array_add (self->declared_qtypes, copy);
  g_hash_table_insert (self->known_qtypes, g_steal_pointer (&key), copy);
}

/**
 * cr_mof_writer_add_class:
 * @self: a #CrMofWriter
 * @klass: a class, resolved or local
 *
 * Adds a class to write, in its local shape. A resolved class also gives
 * the types of inherited properties to the instances written.
 */
void
cr_mof_writer_add_class (CrMofWriter *self, CrClass *klass)
{
  g_return_if_fail (CR_IS_MOF_WRITER (self));
  g_return_if_fail (CR_IS_CLASS (klass));

  g_ptr_array_add (self->classes, cr_class_get_local (klass));
  g_hash_table_replace (self->typing, cr_name_key (cr_class_get_name (klass)), g_object_ref (klass));
}

void
cr_mof_writer_add_instance (CrMofWriter *self, CrInstance *instance)
{
  g_return_if_fail (CR_IS_MOF_WRITER (self));
  g_return_if_fail (CR_IS_INSTANCE (instance));

  g_ptr_array_add (self->instances, g_object_ref (instance));
}

/**
 * cr_mof_writer_add_connection:
 * @self: a #CrMofWriter
 * @connection: a connection to the namespace to export
 * @class_names: (nullable) (array zero-terminated=1): the classes to
 *   export; %NULL for all of them
 * @flags: what to export
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds what `cimrepoctl mof export` writes: the namespace's qualifier
 * types (declared only, for flavors, without
 * %CR_MOF_EXPORT_QUALIFIER_TYPES), its classes or those named, and the
 * instances of the classes exported (of each class itself, not of its
 * subclasses, which are exported with theirs).
 *
 * Returns: %TRUE on success; %CR_ERROR_NOT_FOUND for a class that is not
 *   there, or the connection's error
 */
gboolean
cr_mof_writer_add_connection (CrMofWriter *self, CrConnection *connection, const char *const *class_names,
                              CrMofExportFlags flags, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) qtypes = NULL;
  g_autoptr (GPtrArray) classes = NULL;

  g_return_val_if_fail (CR_IS_MOF_WRITER (self), FALSE);
  g_return_val_if_fail (CR_IS_CONNECTION (connection), FALSE);

  qtypes = cr_connection_enumerate_qualifier_types (connection, error);
  if (qtypes == NULL)
    return FALSE;
  for (guint i = 0; i < qtypes->len; i++)
    {
      if (flags & CR_MOF_EXPORT_QUALIFIER_TYPES)
        cr_mof_writer_add_qualifier_type (self, g_ptr_array_index (qtypes, i));
      else
        cr_mof_writer_declare_qualifier_type (self, g_ptr_array_index (qtypes, i));
    }

  if (class_names == NULL)
    {
      classes = cr_connection_enumerate_classes (connection, NULL, TRUE, error);
      if (classes == NULL)
        return FALSE;
    }
  else
    {
      classes = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; class_names[i] != NULL; i++)
        {
          CrClass *klass = cr_connection_get_class (connection, class_names[i], error);
          const char *walk;

          if (klass == NULL)
            return FALSE;
          g_ptr_array_add (classes, klass);
          /* Its ancestors, to order the classes written. */
          walk = cr_class_get_superclass (klass);
          for (guint depth = 0; walk != NULL && *walk != '\0' && depth < MAX_SUPERCLASS_DEPTH; depth++)
            {
              g_autofree char *key = cr_name_key (walk);
              CrClass *ancestor;

              if (g_hash_table_contains (self->typing, key))
                break;
              ancestor = cr_connection_get_class (connection, walk, error);
              if (ancestor == NULL)
                return FALSE;
              g_hash_table_insert (self->typing, g_steal_pointer (&key), ancestor);
              walk = cr_class_get_superclass (ancestor);
            }
        }
    }

  for (guint i = 0; i < classes->len; i++)
    {
      CrClass *klass = g_ptr_array_index (classes, i);

      if (cr_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (flags & CR_MOF_EXPORT_CLASSES)
        {
          cr_mof_writer_add_class (self, klass);
        }
      else
        {
          g_hash_table_replace (self->typing, cr_name_key (cr_class_get_name (klass)), g_object_ref (klass));
        }
      if (flags & CR_MOF_EXPORT_INSTANCES)
        {
          g_autoptr (GPtrArray) instances = cr_connection_enumerate_instances (connection, cr_class_get_name (klass),
                                                                               FALSE, error);

          if (instances == NULL)
            return FALSE;
          for (guint j = 0; j < instances->len; j++)
            {
              CrInstance *instance = g_ptr_array_index (instances, j);

              /* A shallow enumeration should give only this class's own,
               * but the class filter costs nothing. */
              if (cr_name_equal (cr_instance_get_class_name (instance), cr_class_get_name (klass)))
                cr_mof_writer_add_instance (self, instance);
            }
        }
    }
  return TRUE;
}

/* Text */

static void
append_real (GString *out, double value, gboolean real32)
{
  gsize start = out->len;

  if (isnan (value))
    {
      g_string_append (out, "NaN");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value < 0 ? "-Infinity" : "Infinity");
      return;
    }
  cr_format_real (out, value, real32);
  /* A point keeps it a real when read back, and keeps -0.0 negative. */
  if (strpbrk (out->str + start, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_char16 (GString *out, const char *text)
{
  g_string_append_c (out, '\'');
  cr_string_append_escaped_char (out, g_utf8_get_char (text), '\'', TRUE);
  g_string_append_c (out, '\'');
}

/* One scalar; @element is its CIM type, or INVALID when not known. */
static void
append_scalar (GString *out, CrCimType element, GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      g_string_append (out, g_variant_get_boolean (value) ? "TRUE" : "FALSE");
      break;
    case G_VARIANT_CLASS_BYTE:
    case G_VARIANT_CLASS_INT16:
    case G_VARIANT_CLASS_UINT16:
    case G_VARIANT_CLASS_INT32:
    case G_VARIANT_CLASS_UINT32:
    case G_VARIANT_CLASS_INT64:
    case G_VARIANT_CLASS_UINT64:
      cr_string_append_integer (out, value);
      break;
    case G_VARIANT_CLASS_DOUBLE:
      append_real (out, g_variant_get_double (value), element == CR_CIM_TYPE_REAL32);
      break;
    case G_VARIANT_CLASS_STRING:
      if (element == CR_CIM_TYPE_CHAR16)
        append_char16 (out, g_variant_get_string (value, NULL));
      else
        cr_string_append_quoted (out, g_variant_get_string (value, NULL), TRUE);
      break;
    case G_VARIANT_CLASS_HANDLE:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
    case G_VARIANT_CLASS_VARIANT:
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
    default:
      /* Not a CIM value: the model never holds one. */
      g_string_append (out, "NULL");
      break;
    }
}

static void
append_value (GString *out, CrCimType type, GVariant *value)
{
  CrCimType element = CR_CIM_TYPE_ELEMENT (type);

  if (value == NULL)
    {
      g_string_append (out, "NULL");
      return;
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_ARRAY))
    {
      gsize n = g_variant_n_children (value);

      g_string_append_c (out, '{');
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

          if (i > 0)
            g_string_append (out, ", ");
          append_scalar (out, element, child);
        }
      g_string_append_c (out, '}');
      return;
    }
  append_scalar (out, element, value);
}

static const char *
type_name (CrCimType type)
{
  return cr_cim_type_to_string (CR_CIM_TYPE_ELEMENT (type));
}

static void
append_flavor_words (GString *out, CrFlavor flavor, CrFlavor base, gboolean declaration)
{
  const char *sep = declaration ? ", " : " ";
  gboolean first = TRUE;

#define WORD(w)                   \
  G_STMT_START                    \
  {                               \
    if (!first)                   \
      g_string_append (out, sep); \
    g_string_append (out, w);     \
    first = FALSE;                \
  }                               \
  G_STMT_END
  if (declaration || ((flavor ^ base) & CR_FLAVOR_DISABLE_OVERRIDE))
    WORD ((flavor & CR_FLAVOR_DISABLE_OVERRIDE) ? "DisableOverride" : "EnableOverride");
  if (declaration || ((flavor ^ base) & CR_FLAVOR_RESTRICTED))
    WORD ((flavor & CR_FLAVOR_RESTRICTED) ? "Restricted" : "ToSubclass");
  if ((flavor & CR_FLAVOR_TRANSLATABLE) && (declaration || !(base & CR_FLAVOR_TRANSLATABLE)))
    WORD ("Translatable");
#undef WORD
}

static const CrQualifierType *
known_qtype (CrMofWriter *self, const char *name)
{
  g_autofree char *key = cr_name_key (name);

  return g_hash_table_lookup (self->known_qtypes, key);
}

static void
append_qualifier (CrMofWriter *self, GString *out, const CrQualifier *q)
{
  const CrQualifierType *qtype = known_qtype (self, q->name);
  CrFlavor base = qtype != NULL ? (qtype->flavor & CR_FLAVOR_ALL) : CR_FLAVOR_NONE;
  CrFlavor flavor = q->flavor & CR_FLAVOR_ALL;
  CrCimType type = qtype != NULL ? qtype->type : CR_CIM_TYPE_INVALID;

  g_string_append (out, q->name);
  if (q->value != NULL && g_variant_is_of_type (q->value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (q->value))
    ; /* [Key] is Key(true) */
  else if (q->value != NULL && g_variant_is_of_type (q->value, G_VARIANT_TYPE_ARRAY))
    {
      g_string_append_c (out, ' ');
      append_value (out, type, q->value);
    }
  else
    {
      g_string_append (out, " (");
      append_value (out, type, q->value);
      g_string_append_c (out, ')');
    }
  if (flavor != base)
    {
      g_string_append (out, " : ");
      append_flavor_words (out, flavor, base, FALSE);
    }
}

/* "[A, B (1)]" and a newline with @indent, or nothing; @skip is a
 * qualifier left out (one a keyword stands for). */
static void
append_qualifier_list (CrMofWriter *self, GString *out, GPtrArray *qualifiers, const char *indent,
                       const char *skip, gboolean inline_list)
{
  gboolean first = TRUE;

  for (guint i = 0; qualifiers != NULL && i < qualifiers->len; i++)
    {
      const CrQualifier *q = g_ptr_array_index (qualifiers, i);

      if (skip != NULL && cr_name_equal (q->name, skip))
        continue;
      if (first)
        g_string_append_c (out, '[');
      else if (inline_list)
        g_string_append (out, ", ");
      else
        g_string_append_printf (out, ",\n%s ", indent);
      append_qualifier (self, out, q);
      first = FALSE;
    }
  if (!first)
    g_string_append (out, inline_list ? "] " : "]\n");
  if (!first && !inline_list)
    g_string_append (out, indent);
}

static void
append_typed_name (GString *out, CrCimType type, const char *reference_class, const char *name, guint array_size)
{
  if (CR_CIM_TYPE_ELEMENT (type) == CR_CIM_TYPE_REFERENCE)
    g_string_append_printf (out, "%s REF %s", reference_class != NULL ? reference_class : "", name);
  else
    g_string_append_printf (out, "%s %s", type_name (type), name);
  if (CR_CIM_TYPE_IS_ARRAY (type))
    {
      if (array_size != 0)
        g_string_append_printf (out, "[%u]", array_size);
      else
        g_string_append (out, "[]");
    }
}

static void
append_scope (GString *out, CrScope scope)
{
  static const struct {
    CrScope scope;
    const char *name;
  } names[] = {
    { CR_SCOPE_CLASS, "class" },
    { CR_SCOPE_ASSOCIATION, "association" },
    { CR_SCOPE_INDICATION, "indication" },
    { CR_SCOPE_PROPERTY, "property" },
    { CR_SCOPE_REFERENCE, "reference" },
    { CR_SCOPE_METHOD, "method" },
    { CR_SCOPE_PARAMETER, "parameter" },
    { CR_SCOPE_QUALIFIER, "qualifier" },
  };
  gboolean first = TRUE;

  g_string_append (out, "Scope (");
  if ((scope & CR_SCOPE_ANY) == CR_SCOPE_ANY)
    {
      g_string_append (out, "any)");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (scope & names[i].scope)
        {
          if (!first)
            g_string_append (out, ", ");
          g_string_append (out, names[i].name);
          first = FALSE;
        }
    }
  g_string_append_c (out, ')');
}

static void
append_qualifier_type (GString *out, const CrQualifierType *qtype)
{
  g_string_append_printf (out, "Qualifier %s : %s%s", qtype->name, type_name (qtype->type),
                          CR_CIM_TYPE_IS_ARRAY (qtype->type) ? "[]" : "");
  if (qtype->default_value != NULL)
    {
      g_string_append (out, " = ");
      append_value (out, qtype->type, qtype->default_value);
    }
  g_string_append (out, ",\n    ");
  append_scope (out, qtype->scope);
  g_string_append (out, ",\n    Flavor (");
  append_flavor_words (out, qtype->flavor & CR_FLAVOR_ALL, 0, TRUE);
  g_string_append (out, ");\n\n");
}

static gboolean
says_true (GPtrArray *qualifiers, const char *name)
{
  CrQualifier *q = cr_qualifiers_find (qualifiers, name);

  return q != NULL && q->value != NULL && g_variant_is_of_type (q->value, G_VARIANT_TYPE_BOOLEAN) &&
         g_variant_get_boolean (q->value);
}

static void
append_class (CrMofWriter *self, GString *out, CrClass *klass)
{
  GPtrArray *qualifiers = cr_class_get_qualifiers (klass);
  GPtrArray *properties = cr_class_get_properties (klass);
  GPtrArray *methods = cr_class_get_methods (klass);
  const char *superclass = cr_class_get_superclass (klass);
  const char *keyword = "class";
  const char *skip = NULL;

  /* Without a declaration of Association or Indication the CIM 3.0
   * keyword says it, and needs none. */
  if (says_true (qualifiers, "Association") && known_qtype (self, "Association") == NULL)
    {
      keyword = "association";
      skip = "Association";
    }
  else if (says_true (qualifiers, "Indication") && known_qtype (self, "Indication") == NULL)
    {
      keyword = "indication";
      skip = "Indication";
    }
  append_qualifier_list (self, out, qualifiers, "", skip, FALSE);
  g_string_append_printf (out, "%s %s", keyword, cr_class_get_name (klass));
  if (superclass != NULL && *superclass != '\0')
    g_string_append_printf (out, " : %s", superclass);
  g_string_append (out, "\n{\n");

  for (guint i = 0; i < properties->len; i++)
    {
      const CrProperty *property = g_ptr_array_index (properties, i);

      g_string_append (out, "   ");
      append_qualifier_list (self, out, property->qualifiers, "   ", NULL, FALSE);
      append_typed_name (out, property->type, property->reference_class, property->name, property->array_size);
      if (property->default_value != NULL)
        {
          g_string_append (out, " = ");
          append_value (out, property->type, property->default_value);
        }
      g_string_append (out, ";\n");
    }
  for (guint i = 0; i < methods->len; i++)
    {
      const CrMethod *method = g_ptr_array_index (methods, i);

      if (i > 0 || properties->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, "   ");
      append_qualifier_list (self, out, method->qualifiers, "   ", NULL, FALSE);
      g_string_append_printf (out, "%s %s (",
                              method->return_type == CR_CIM_TYPE_INVALID ? "void" : type_name (method->return_type),
                              method->name);
      for (guint j = 0; j < method->parameters->len; j++)
        {
          const CrParameter *parameter = g_ptr_array_index (method->parameters, j);

          g_string_append (out, j > 0 ? ",\n      " : "\n      ");
          append_qualifier_list (self, out, parameter->qualifiers, "      ", NULL, TRUE);
          append_typed_name (out, parameter->type, parameter->reference_class, parameter->name,
                             parameter->array_size);
        }
      g_string_append (out, ");\n");
    }
  g_string_append (out, "};\n\n");
}

static void
append_instance (CrMofWriter *self, GString *out, CrInstance *instance)
{
  g_autofree char *key = cr_name_key (cr_instance_get_class_name (instance));
  CrClass *klass = g_hash_table_lookup (self->typing, key);
  g_autoptr (GPtrArray) names = cr_instance_get_property_names (instance);

  g_string_append_printf (out, "instance of %s\n{\n", cr_instance_get_class_name (instance));
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GVariant *value = cr_instance_get_property (instance, name);
      CrProperty *property = klass != NULL ? cr_class_find_property (klass, name) : NULL;

      g_string_append_printf (out, "   %s = ", name);
      append_value (out, property != NULL ? property->type : CR_CIM_TYPE_INVALID, value);
      g_string_append (out, ";\n");
    }
  g_string_append (out, "};\n\n");
}

/* Superclasses before subclasses, otherwise in the order added. An
 * ancestor is found through classes that are known but not written, too. */
static void
order_class (CrMofWriter *self, GHashTable *by_key, GHashTable *placed, GPtrArray *order, CrClass *klass, guint depth)
{
  g_autofree char *key = cr_name_key (cr_class_get_name (klass));
  const char *walk = cr_class_get_superclass (klass);

  if (g_hash_table_contains (placed, key))
    return;
  g_hash_table_add (placed, g_steal_pointer (&key));
  for (guint up = 0; walk != NULL && *walk != '\0' && depth + up < MAX_SUPERCLASS_DEPTH; up++)
    {
      g_autofree char *walk_key = cr_name_key (walk);
      CrClass *ancestor = g_hash_table_lookup (by_key, walk_key);
      CrClass *known;

      if (ancestor != NULL)
        {
          order_class (self, by_key, placed, order, ancestor, depth + up + 1);
          break;
        }
      known = g_hash_table_lookup (self->typing, walk_key);
      walk = known != NULL ? cr_class_get_superclass (known) : NULL;
    }
  g_ptr_array_add (order, klass);
}

/**
 * cr_mof_writer_to_string:
 *
 * Returns: (transfer full): the MOF text of everything added
 */
char *
cr_mof_writer_to_string (CrMofWriter *self)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();

  g_return_val_if_fail (CR_IS_MOF_WRITER (self), NULL);

  g_string_append (out, "// Written by cimrepo " PACKAGE_VERSION "\n\n");
  if (self->namespace_ != NULL)
    {
      g_string_append (out, "#pragma namespace (");
      cr_string_append_quoted (out, self->namespace_, TRUE);
      g_string_append (out, ")\n\n");
    }
  for (guint i = 0; i < self->qualifier_types->len; i++)
    append_qualifier_type (out, g_ptr_array_index (self->qualifier_types, i));

  for (guint i = 0; i < self->classes->len; i++)
    {
      CrClass *klass = g_ptr_array_index (self->classes, i);

      g_hash_table_replace (by_key, cr_name_key (cr_class_get_name (klass)), klass);
    }
  for (guint i = 0; i < self->classes->len; i++)
    order_class (self, by_key, placed, order, g_ptr_array_index (self->classes, i), 0);
  for (guint i = 0; i < order->len; i++)
    append_class (self, out, g_ptr_array_index (order, i));

  for (guint i = 0; i < self->instances->len; i++)
    append_instance (self, out, g_ptr_array_index (self->instances, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * cr_mof_writer_write:
 * @self: a #CrMofWriter
 * @stream: where to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes cr_mof_writer_to_string() to @stream, as UTF-8.
 *
 * Returns: %TRUE on success
 */
gboolean
cr_mof_writer_write (CrMofWriter *self, GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (CR_IS_MOF_WRITER (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  text = cr_mof_writer_to_string (self);
  return g_output_stream_write_all (stream, text, strlen (text), NULL, cancellable, error);
}
