/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-error.h"
#include "cr-instance.h"
#include "cr-mof-compiler.h"
#include "cr-mof-parser-private.h"
#include "cr-object-path.h"
#include "cr-qualifier-private.h"
#include "cr-types-private.h"

/* How far a superclass chain is followed: the repository's own bound. */
#define MAX_SUPERCLASS_DEPTH 256

struct _CrMofCompiler {
  GObject parent_instance;

  CrMofResolver *resolver;
  char *namespace_;
  GPtrArray *inputs;       /* CrMofInput */
  GPtrArray *include_dirs; /* char *, NULL-terminated */
  GPtrArray *diagnostics;  /* CrMofDiagnostic, of the last compilation */
  guint n_errors;
  guint n_warnings;
};

G_DEFINE_FINAL_TYPE (CrMofCompiler, cr_mof_compiler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RESOLVER,
  PROP_NAMESPACE,
  N_PROPS
};

static GParamSpec *obj_props[N_PROPS];

/* The semantic pass */

typedef enum {
  STATE_TODO,
  STATE_BUSY,
  STATE_DONE,
  STATE_FAILED,
} State;

typedef struct {
  CrMofDecl *decl;
  CrQualifierType *qtype; /* NULL when the declaration is wrong */
} QualifierEntry;

typedef struct {
  CrMofDecl *decl;
  State state;
  guint depth; /* its superclass chain's length, itself included */
  CrClass *local;
  CrClass *resolved;
} ClassEntry;

typedef struct {
  CrMofDecl *decl;
  State key_state;
  gboolean class_looked_up;
  CrClass *klass;     /* resolved; borrowed from a ClassEntry or the cache */
  GHashTable *values; /* name key → GVariant: the key values */
  CrObjectPath *path;
  CrInstance *instance; /* the normalized instance */
} InstanceEntry;

typedef struct {
  CrMofDecl *decl;
  InstanceEntry *instance; /* NULL for a class alias */
} AliasEntry;

typedef enum {
  LOOKUP_FOUND,
  LOOKUP_MISSING,
  LOOKUP_FAILED, /* declared, but wrong: already reported */
  LOOKUP_CYCLE,
} Lookup;

typedef struct {
  CrMofUnit *unit;
  CrMofSink *sink;
  CrMofResolver *resolver;
  GCancellable *cancellable;
  GError *fatal;               /* the resolver failed, or cancelled: stop */
  GHashTable *qualifier_types; /* key → QualifierEntry */
  GPtrArray *qualifier_order;  /* QualifierEntry, in source order */
  GHashTable *classes;         /* key → ClassEntry */
  GPtrArray *class_order;      /* ClassEntry, superclasses first */
  GHashTable *aliases;         /* alias key → AliasEntry */
  GPtrArray *instances;        /* InstanceEntry, in source order */
  GHashTable *repo_classes;    /* key → CrClass, or NULL when missing */
  GHashTable *repo_qtypes;     /* key → CrQualifierType, or NULL when missing */
  GHashTable *rebased;         /* key → CrClass: a repository class as the unit changes it */
  guint class_depth;           /* of superclasses being compiled, one inside the other */
  guint alias_depth;           /* of instances whose keys are being computed, likewise */
} Compile;

static gboolean
namespace_equal (const char *a, const char *b)
{
  g_autofree char *ka = g_utf8_casefold (a, -1);
  g_autofree char *kb = g_utf8_casefold (b, -1);

  return strcmp (ka, kb) == 0;
}

static void
object_unref0 (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
qualifier_type_free0 (gpointer qtype)
{
  if (qtype != NULL)
    cr_qualifier_type_free (qtype);
}

static void
qualifier_entry_free (QualifierEntry *entry)
{
  g_clear_pointer (&entry->qtype, cr_qualifier_type_free);
  g_free (entry);
}

static void
class_entry_free (ClassEntry *entry)
{
  g_clear_object (&entry->local);
  g_clear_object (&entry->resolved);
  g_free (entry);
}

static void
instance_entry_free (InstanceEntry *entry)
{
  g_clear_pointer (&entry->values, g_hash_table_unref);
  g_clear_pointer (&entry->path, cr_object_path_free);
  g_clear_object (&entry->instance);
  g_free (entry);
}

static void
compile_init (Compile *c, CrMofUnit *unit, CrMofResolver *resolver, GCancellable *cancellable)
{
  memset (c, 0, sizeof *c);
  c->unit = unit;
  c->sink = &unit->sink;
  c->resolver = resolver;
  c->cancellable = cancellable;
  c->qualifier_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->qualifier_order = g_ptr_array_new_with_free_func ((GDestroyNotify) qualifier_entry_free);
  c->classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) class_entry_free);
  c->class_order = g_ptr_array_new ();
  c->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) instance_entry_free);
  c->repo_classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, object_unref0);
  c->repo_qtypes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, qualifier_type_free0);
  c->rebased = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
compile_clear (Compile *c)
{
  g_clear_error (&c->fatal);
  g_clear_pointer (&c->instances, g_ptr_array_unref);
  g_clear_pointer (&c->aliases, g_hash_table_unref);
  g_clear_pointer (&c->class_order, g_ptr_array_unref);
  g_clear_pointer (&c->classes, g_hash_table_unref);
  g_clear_pointer (&c->qualifier_order, g_ptr_array_unref);
  g_clear_pointer (&c->qualifier_types, g_hash_table_unref);
  g_clear_pointer (&c->repo_classes, g_hash_table_unref);
  g_clear_pointer (&c->repo_qtypes, g_hash_table_unref);
  g_clear_pointer (&c->rebased, g_hash_table_unref);
}

/* Names are case-insensitive, and so are namespaces. */
static char *
make_key (const char *namespace_, const char *name)
{
  g_autofree char *ns_key = g_utf8_casefold (namespace_, -1);
  g_autofree char *name_key = cr_name_key (name);

  return g_strconcat (ns_key, "\n", name_key, NULL);
}

static char *
shown (const char *text)
{
  return cr_text_for_display (text);
}

static gboolean
stopped (Compile *c)
{
  if (c->fatal != NULL || c->sink->full)
    return TRUE;
  if (g_cancellable_is_cancelled (c->cancellable))
    {
      cr_cancellable_set_error_if_cancelled (c->cancellable, &c->fatal);
      return TRUE;
    }
  return FALSE;
}

/* Lookups */

static const CrQualifierType *
lookup_qualifier_type (Compile *c, const char *namespace_, const char *name, gboolean *out_broken)
{
  g_autofree char *key = make_key (namespace_, name);
  g_autoptr (GError) local_error = NULL;
  QualifierEntry *entry = g_hash_table_lookup (c->qualifier_types, key);
  CrQualifierType *qtype;
  gpointer cached;

  *out_broken = FALSE;
  if (entry != NULL)
    {
      *out_broken = entry->qtype == NULL;
      return entry->qtype;
    }
  if (g_hash_table_lookup_extended (c->repo_qtypes, key, NULL, &cached))
    return cached;
  if (c->resolver == NULL || c->fatal != NULL)
    return NULL;
  qtype = cr_mof_resolver_get_qualifier_type (c->resolver, namespace_, name, c->cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (&c->fatal, g_steal_pointer (&local_error),
                                  _("Cannot look up qualifier type %s in namespace %s: "), name, namespace_);
      return NULL;
    }
  g_hash_table_insert (c->repo_qtypes, g_steal_pointer (&key), qtype);
  return qtype;
}

static CrClass *
lookup_repository_class (Compile *c, const char *namespace_, const char *name)
{
  g_autofree char *key = make_key (namespace_, name);
  g_autoptr (GError) local_error = NULL;
  CrClass *klass;
  gpointer cached;

  if (g_hash_table_lookup_extended (c->repo_classes, key, NULL, &cached))
    return cached;
  if (c->resolver == NULL || c->fatal != NULL)
    return NULL;
  klass = cr_mof_resolver_get_class (c->resolver, namespace_, name, c->cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (&c->fatal, g_steal_pointer (&local_error),
                                  _("Cannot look up class %s in namespace %s: "), name, namespace_);
      return NULL;
    }
  g_hash_table_insert (c->repo_classes, g_steal_pointer (&key), klass);
  return klass;
}

static ClassEntry *
unit_class (Compile *c, const char *namespace_, const char *name)
{
  g_autofree char *key = make_key (namespace_, name);

  return g_hash_table_lookup (c->classes, key);
}

static gboolean
class_exists (Compile *c, const char *namespace_, const char *name)
{
  return unit_class (c, namespace_, name) != NULL || lookup_repository_class (c, namespace_, name) != NULL;
}

static void compile_class (Compile *c, ClassEntry *entry);

static Lookup lookup_class (Compile *c, const char *namespace_, const char *name, CrClass **out);

/* A class of the repository, resolved as it will be once the unit is
 * imported: when the unit redefines one of its ancestors, its local shape
 * is resolved again against the unit's version. */
static Lookup
lookup_repository_resolved (Compile *c, const char *namespace_, const char *name, CrClass **out)
{
  g_autofree char *key = make_key (namespace_, name);
  g_autoptr (CrClass) local = NULL;
  g_autoptr (GError) local_error = NULL;
  CrClass *stored;
  CrClass *super = NULL;
  CrClass *rebased;
  const char *super_name;
  Lookup status;

  *out = g_hash_table_lookup (c->rebased, key);
  if (*out != NULL)
    return LOOKUP_FOUND;
  stored = lookup_repository_class (c, namespace_, name);
  if (stored == NULL)
    return c->fatal != NULL ? LOOKUP_FAILED : LOOKUP_MISSING;
  super_name = cr_class_get_superclass (stored);
  if (super_name != NULL && *super_name != '\0')
    {
      g_autofree char *super_key = make_key (namespace_, super_name);

      status = lookup_class (c, namespace_, super_name, &super);
      if (status == LOOKUP_CYCLE)
        return LOOKUP_CYCLE;
      if (status == LOOKUP_FOUND && super != g_hash_table_lookup (c->repo_classes, super_key))
        {
          local = cr_class_get_local (stored);
          rebased = cr_class_resolve (local, super, &local_error);
          if (rebased != NULL)
            {
              g_hash_table_insert (c->rebased, g_strdup (key), rebased);
              *out = rebased;
              return LOOKUP_FOUND;
            }
          /* The import will refuse it and say why: keep the stored shape. */
        }
    }
  g_hash_table_insert (c->rebased, g_steal_pointer (&key), g_object_ref (stored));
  *out = stored;
  return LOOKUP_FOUND;
}

/* The resolved class @name of @namespace_: the unit's (compiled now if
 * need be) or the repository's. */
static Lookup
lookup_class (Compile *c, const char *namespace_, const char *name, CrClass **out)
{
  ClassEntry *entry = unit_class (c, namespace_, name);

  *out = NULL;
  if (entry != NULL)
    {
      if (entry->state == STATE_TODO)
        compile_class (c, entry);
      switch (entry->state)
        {
        case STATE_BUSY:
          return LOOKUP_CYCLE;
        case STATE_DONE:
          *out = entry->resolved;
          return LOOKUP_FOUND;
        case STATE_TODO:
        case STATE_FAILED:
        default:
          return LOOKUP_FAILED;
        }
    }
  return lookup_repository_resolved (c, namespace_, name, out);
}

static const char *
superclass_of (Compile *c, const char *namespace_, const char *name)
{
  ClassEntry *entry = unit_class (c, namespace_, name);
  CrClass *klass;

  if (entry != NULL)
    return entry->decl->superclass;
  klass = lookup_repository_class (c, namespace_, name);
  return klass != NULL ? cr_class_get_superclass (klass) : NULL;
}

/* The length of a superclass chain, the class included; past
 * MAX_SUPERCLASS_DEPTH it is not counted further. */
static guint
chain_depth (Compile *c, const char *namespace_, const char *name)
{
  const char *walk = name;
  guint depth = 0;

  while (walk != NULL && *walk != '\0' && depth <= MAX_SUPERCLASS_DEPTH)
    {
      ClassEntry *entry = unit_class (c, namespace_, walk);

      if (entry != NULL && entry->state == STATE_DONE)
        return depth + entry->depth;
      depth++;
      walk = superclass_of (c, namespace_, walk);
    }
  return depth;
}

static gboolean
is_subclass (Compile *c, const char *namespace_, const char *name, const char *ancestor)
{
  const char *walk = name;

  for (guint depth = 0; walk != NULL && *walk != '\0' && depth < MAX_SUPERCLASS_DEPTH; depth++)
    {
      if (cr_name_equal (walk, ancestor))
        return TRUE;
      walk = superclass_of (c, namespace_, walk);
    }
  return FALSE;
}

/* Values */

static const char *
describe_value (const CrMofValue *v)
{
  switch (v->kind)
    {
    case CR_MOF_VALUE_INTEGER:
      return _("an integer");
    case CR_MOF_VALUE_REAL:
      return _("a real number");
    case CR_MOF_VALUE_STRING:
      return _("a string");
    case CR_MOF_VALUE_CHAR:
      return _("a character");
    case CR_MOF_VALUE_BOOLEAN:
      return _("a boolean");
    case CR_MOF_VALUE_ARRAY:
      return _("an array");
    case CR_MOF_VALUE_ALIAS:
      return _("an alias");
    case CR_MOF_VALUE_NULL:
    default:
      return "NULL";
    }
}

static void
mismatch (Compile *c, const CrMofValue *v, CrCimType type)
{
  cr_mof_sink_error (c->sink, &v->pos, _("expected a %s value but found %s"),
                     cr_cim_type_to_string (type), describe_value (v));
}

/* Where a value is, for aliases: the instance whose value it is. */
typedef struct {
  InstanceEntry *from;
  const char *reference_class;
} ValueContext;

static gboolean instance_keys (Compile *c, InstanceEntry *entry);

static GVariant *
alias_value (Compile *c, const CrMofValue *v, const ValueContext *vc)
{
  g_autofree char *key = cr_name_key (v->text);
  g_autofree char *name = shown (v->text);
  g_autoptr (CrObjectPath) path = NULL;
  g_autofree char *text = NULL;
  AliasEntry *alias = g_hash_table_lookup (c->aliases, key);
  const char *from_ns = vc->from->decl->namespace_;
  const char *target_ns;
  const char *target_class;

  if (alias == NULL)
    {
      cr_mof_sink_error (c->sink, &v->pos, _("the alias $%s is not defined in this compilation"), name);
      return NULL;
    }
  target_ns = alias->decl->namespace_;
  if (alias->instance == NULL)
    {
      path = cr_object_path_new (alias->decl->name);
      path->is_class_path = TRUE;
      target_class = alias->decl->name;
    }
  else
    {
      InstanceEntry *target = alias->instance;

      if (target->key_state == STATE_BUSY)
        {
          cr_mof_sink_error (c->sink, &v->pos,
                             _("the alias $%s cannot be used here: the keys of its instance depend on this value "
                               "(a cycle of key references)"),
                             name);
          return NULL;
        }
      if (c->alias_depth >= MAX_SUPERCLASS_DEPTH)
        {
          cr_mof_sink_error (c->sink, &v->pos,
                             _("the alias $%s starts a chain of key references longer than %d"),
                             name, MAX_SUPERCLASS_DEPTH);
          return NULL;
        }
      c->alias_depth++;
      if (!instance_keys (c, target))
        {
          c->alias_depth--;
          return NULL; /* reported with the target */
        }
      c->alias_depth--;
      path = cr_object_path_copy (target->path);
      target_class = cr_class_get_name (target->klass);
    }
  if (vc->reference_class != NULL && !is_subclass (c, target_ns, target_class, vc->reference_class))
    {
      g_autofree char *class_shown = shown (target_class);
      g_autofree char *ref_shown = shown (vc->reference_class);

      cr_mof_sink_error (c->sink, &v->pos,
                         alias->instance != NULL ? _("the alias $%s is an instance of %s, which is not a %s")
                                                 : _("the alias $%s is the class %s, which is not a %s"),
                         name, class_shown, ref_shown);
      return NULL;
    }
  if (!namespace_equal (target_ns, from_ns))
    path->namespace_ = g_strdup (target_ns);
  text = cr_object_path_to_string (path);
  return g_variant_ref_sink (g_variant_new_string (text));
}

static GVariant *
integer_value (Compile *c, const CrMofValue *v, CrCimType element)
{
  CrInt n = { .negative = v->negative, .overflow = v->overflow, .magnitude = v->magnitude };
  GVariant *result = cr_int_to_variant (element, &n);

  if (result == NULL)
    {
      g_autofree char *min = NULL;
      g_autofree char *max = NULL;

      cr_int_type_range_to_text (element, &min, &max);
      cr_mof_sink_error (c->sink, &v->pos, _("the integer is out of range for %s (%s to %s)"),
                         cr_cim_type_to_string (element), min, max);
    }
  return result;
}

static GVariant *
real_value (Compile *c, const CrMofValue *v, CrCimType element)
{
  double d;

  if (v->kind == CR_MOF_VALUE_INTEGER)
    {
      if (v->overflow)
        {
          cr_mof_sink_error (c->sink, &v->pos, _("the integer is out of range for %s"), cr_cim_type_to_string (element));
          return NULL;
        }
      d = v->negative ? -(double) v->magnitude : (double) v->magnitude;
    }
  else
    {
      d = v->real;
    }
  if (element == CR_CIM_TYPE_REAL32)
    {
      /* What rounds to FLT_MAX is in range: below FLT_MAX and half of its
       * last unit (2^104), as the shortest text of FLT_MAX is above it. */
      if (isfinite (d) && fabs (d) >= (double) FLT_MAX + ldexp (1.0, 103))
        {
          cr_mof_sink_error (c->sink, &v->pos, _("the number is out of range for real32"));
          return NULL;
        }
      d = (double) (float) d;
    }
  return g_variant_ref_sink (g_variant_new_double (d));
}

static GVariant *
scalar_value (Compile *c, const CrMofValue *v, CrCimType element, const ValueContext *vc)
{
  g_autoptr (GError) local_error = NULL;

  if (v->kind == CR_MOF_VALUE_ALIAS)
    {
      if (element != CR_CIM_TYPE_REFERENCE || vc == NULL)
        {
          if (element == CR_CIM_TYPE_REFERENCE)
            cr_mof_sink_error (c->sink, &v->pos, _("an alias can only be the value of a reference property of an instance"));
          else
            mismatch (c, v, element);
          return NULL;
        }
      return alias_value (c, v, vc);
    }

  switch ((int) element)
    {
    case CR_CIM_TYPE_UINT8:
    case CR_CIM_TYPE_SINT8:
    case CR_CIM_TYPE_UINT16:
    case CR_CIM_TYPE_SINT16:
    case CR_CIM_TYPE_UINT32:
    case CR_CIM_TYPE_SINT32:
    case CR_CIM_TYPE_UINT64:
    case CR_CIM_TYPE_SINT64:
      if (v->kind != CR_MOF_VALUE_INTEGER)
        break;
      return integer_value (c, v, element);
    case CR_CIM_TYPE_REAL32:
    case CR_CIM_TYPE_REAL64:
      if (v->kind != CR_MOF_VALUE_INTEGER && v->kind != CR_MOF_VALUE_REAL)
        break;
      return real_value (c, v, element);
    case CR_CIM_TYPE_BOOLEAN:
      if (v->kind != CR_MOF_VALUE_BOOLEAN)
        break;
      return g_variant_ref_sink (g_variant_new_boolean (v->boolean));
    case CR_CIM_TYPE_STRING:
      if (v->kind != CR_MOF_VALUE_STRING && v->kind != CR_MOF_VALUE_CHAR)
        break;
      return g_variant_ref_sink (g_variant_new_string (v->text));
    case CR_CIM_TYPE_CHAR16:
      if (v->kind != CR_MOF_VALUE_STRING && v->kind != CR_MOF_VALUE_CHAR)
        break;
      if (g_utf8_strlen (v->text, -1) != 1 || g_utf8_get_char (v->text) > 0xFFFF)
        {
          cr_mof_sink_error (c->sink, &v->pos, _("a char16 value is exactly one character from U+0001 to U+FFFF"));
          return NULL;
        }
      return g_variant_ref_sink (g_variant_new_string (v->text));
    case CR_CIM_TYPE_DATETIME:
      if (v->kind != CR_MOF_VALUE_STRING)
        break;
      if (!cr_datetime_is_valid (v->text))
        {
          g_autofree char *text = shown (v->text);

          cr_mof_sink_error (c->sink, &v->pos,
                             _("“%s” is not a valid datetime (yyyymmddhhmmss.mmmmmmsutc or ddddddddhhmmss.mmmmmm:000)"),
                             text);
          return NULL;
        }
      return g_variant_ref_sink (g_variant_new_string (v->text));
    case CR_CIM_TYPE_REFERENCE:
      if (v->kind != CR_MOF_VALUE_STRING)
        break;
      {
        g_autoptr (CrObjectPath) path = cr_object_path_parse (v->text, &local_error);

        if (path == NULL)
          {
            cr_mof_sink_error (c->sink, &v->pos, _("not a valid object path: %s"), local_error->message);
            return NULL;
          }
      }
      return g_variant_ref_sink (g_variant_new_string (v->text));
    default:
      break;
    }
  mismatch (c, v, element);
  return NULL;
}

/* Converts @v to exactly the GVariant of @type. Returns FALSE after
 * reporting an error; *out is NULL for CIM NULL. A scalar is taken as an
 * array of one when @wrap_scalar (qualifier values, as OpenPegasus
 * does). */
static gboolean
convert_value (Compile *c, const CrMofValue *v, CrCimType type, gboolean wrap_scalar,
               const ValueContext *vc, GVariant **out)
{
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) local_error = NULL;
  CrCimType element = CR_CIM_TYPE_ELEMENT (type);

  *out = NULL;
  if (v->kind == CR_MOF_VALUE_NULL)
    return TRUE;
  if (CR_CIM_TYPE_IS_ARRAY (type))
    {
      g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (cr_cim_type_get_variant_type (type));
      const CrMofValue *const *elements = (const CrMofValue *const *) v->elements;
      guint n = v->n_elements;

      if (v->kind != CR_MOF_VALUE_ARRAY)
        {
          if (!wrap_scalar)
            {
              cr_mof_sink_error (c->sink, &v->pos, _("expected an array value ({…}) of %s but found %s"),
                                 cr_cim_type_to_string (element), describe_value (v));
              return FALSE;
            }
          elements = (const CrMofValue *const *) &v;
          n = 1;
        }
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (GVariant) item = NULL;

          if (elements[i]->kind == CR_MOF_VALUE_NULL)
            {
              cr_mof_sink_error (c->sink, &elements[i]->pos, _("an element of an array cannot be NULL"));
              return FALSE;
            }
          item = scalar_value (c, elements[i], element, vc);
          if (item == NULL)
            return FALSE;
          g_variant_builder_add_value (&builder, item);
        }
      value = g_variant_ref_sink (g_variant_builder_end (&builder));
    }
  else
    {
      if (v->kind == CR_MOF_VALUE_ARRAY)
        {
          cr_mof_sink_error (c->sink, &v->pos, _("expected a %s value but found an array"),
                             cr_cim_type_to_string (element));
          return FALSE;
        }
      value = scalar_value (c, v, element, vc);
      if (value == NULL)
        return FALSE;
    }
  if (!cr_cim_value_check (type, value, NULL, &local_error))
    {
      cr_mof_sink_error (c->sink, &v->pos, "%s", local_error->message);
      return FALSE;
    }
  *out = g_steal_pointer (&value);
  return TRUE;
}

/* Qualifiers */

static const struct {
  CrScope scope;
  const char *name;
} scope_names[] = {
  { CR_SCOPE_CLASS, "class" },
  { CR_SCOPE_ASSOCIATION, "association" },
  { CR_SCOPE_INDICATION, "indication" },
  { CR_SCOPE_PROPERTY, "property" },
  { CR_SCOPE_REFERENCE, "reference" },
  { CR_SCOPE_METHOD, "method" },
  { CR_SCOPE_PARAMETER, "parameter" },
  { CR_SCOPE_QUALIFIER, "qualifier" },
};

static char *
scope_to_string (CrScope scope)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if ((scope & CR_SCOPE_ANY) == CR_SCOPE_ANY)
    return g_strdup ("any");
  for (gsize i = 0; i < G_N_ELEMENTS (scope_names); i++)
    {
      if (scope & scope_names[i].scope)
        {
          if (out->len > 0)
            g_string_append (out, ", ");
          g_string_append (out, scope_names[i].name);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What an element is, for scopes and messages. */
typedef struct {
  CrScope accepted; /* the scopes that allow a qualifier here */
  const char *what; /* "class", "property", … */
} Element;

/* Compiles the qualifiers of one element into @out. @inherited are the
 * qualifiers the same element has in the superclass (resolved), for the
 * DisableOverride rules. Returns FALSE when one was wrong (reported). */
static gboolean
compile_qualifiers (Compile *c, const char *namespace_, const CrMofQualifierList *list,
                    const Element *element, GPtrArray *inherited, GPtrArray *out)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < list->n; i++)
    {
      const CrMofQualifier *q = list->items[i];
      g_autofree char *name = shown (q->name);
      g_autoptr (GVariant) value = NULL;
      const CrQualifierType *qtype;
      CrQualifier *parent;
      gboolean broken;
      CrFlavor flavor;

      qtype = lookup_qualifier_type (c, namespace_, q->name, &broken);
      if (qtype == NULL)
        {
          if (!broken && c->fatal == NULL)
            cr_mof_sink_error (c->sink, &q->pos,
                               _("unknown qualifier “%s”: it is declared neither in this compilation "
                                 "nor in namespace %s"),
                               name, namespace_);
          ok = FALSE;
          continue;
        }
      if ((qtype->scope & element->accepted) == 0)
        {
          g_autofree char *scope = scope_to_string (qtype->scope);

          cr_mof_sink_error (c->sink, &q->pos, _("qualifier “%s” cannot be used on a %s: its scope is %s"),
                             name, element->what, scope[0] != '\0' ? scope : _("empty"));
          ok = FALSE;
          continue;
        }
      if (cr_qualifiers_find (out, q->name) != NULL)
        {
          cr_mof_sink_error (c->sink, &q->pos, _("qualifier “%s” is given twice"), name);
          ok = FALSE;
          continue;
        }
      if (q->value == NULL)
        {
          /* DSP0004: a boolean qualifier without a value is true; any
           * other takes its declaration's default. */
          if (qtype->type == CR_CIM_TYPE_BOOLEAN)
            value = g_variant_ref_sink (g_variant_new_boolean (TRUE));
          else if (qtype->default_value != NULL)
            value = g_variant_ref (qtype->default_value);
        }
      else if (!convert_value (c, q->value, qtype->type, TRUE, NULL, &value))
        {
          ok = FALSE;
          continue;
        }
      flavor = qtype->flavor & CR_FLAVOR_ALL;
      flavor &= ~q->cleared_flavors;
      flavor |= q->set_flavors;

      parent = inherited != NULL ? cr_qualifiers_find (inherited, q->name) : NULL;
      if (parent != NULL && (parent->flavor & CR_FLAVOR_RESTRICTED) == 0 &&
          (parent->flavor & CR_FLAVOR_DISABLE_OVERRIDE) != 0)
        {
          if (q->cleared_flavors & CR_FLAVOR_DISABLE_OVERRIDE)
            {
              cr_mof_sink_error (c->sink, &q->enable_override_pos,
                                 _("qualifier “%s” is DisableOverride in the superclass: "
                                   "it cannot be made EnableOverride"),
                                 name);
              ok = FALSE;
              continue;
            }
          if (!cr_qualifier_values_equal (parent->value, value))
            {
              cr_mof_sink_error (c->sink, &q->pos,
                                 _("qualifier “%s” is DisableOverride in the superclass: "
                                   "its value cannot be changed"),
                                 name);
              ok = FALSE;
              continue;
            }
        }
      g_ptr_array_add (out, cr_qualifier_new (q->name, value, flavor));
    }
  return ok;
}

/* Qualifier types */

static void
compile_qualifier_type (Compile *c, QualifierEntry *entry)
{
  CrMofDecl *decl = entry->decl;
  g_autoptr (GVariant) value = NULL;

  if (decl->type.array_size != 0)
    cr_mof_sink_warning (c->sink, &decl->type.array_pos,
                         _("a qualifier type has no fixed array size: the size is ignored"));
  if (decl->default_value != NULL &&
      !convert_value (c, decl->default_value, decl->type.type, TRUE, NULL, &value))
    return;
  entry->qtype = cr_qualifier_type_new (decl->name, decl->type.type, value, decl->scope, decl->flavor);
}

/* Classes */

static gboolean
qualifier_list_says (const CrMofQualifierList *list, const char *name)
{
  for (guint i = 0; i < list->n; i++)
    {
      const CrMofQualifier *q = list->items[i];

      if (cr_name_equal (q->name, name))
        return q->value == NULL || q->value->kind != CR_MOF_VALUE_BOOLEAN || q->value->boolean;
    }
  return FALSE;
}

static gboolean
check_reference_class (Compile *c, const char *namespace_, const CrMofType *type)
{
  if (type->reference_class == NULL)
    return TRUE;
  if (class_exists (c, namespace_, type->reference_class))
    return TRUE;
  if (c->fatal == NULL)
    {
      g_autofree char *name = shown (type->reference_class);

      cr_mof_sink_error (c->sink, &type->reference_class_pos,
                         _("unknown class “%s”: it is declared neither in this compilation nor in namespace %s"),
                         name, namespace_);
    }
  return FALSE;
}

static CrProperty *
compile_property (Compile *c, const CrMofDecl *decl, const CrMofFeature *f, CrClass *super)
{
  g_autoptr (CrProperty) property = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autofree char *name = shown (f->name);
  CrProperty *parent = super != NULL ? cr_class_find_property (super, f->name) : NULL;
  Element element = { CR_SCOPE_PROPERTY, "property" };
  gboolean ok = TRUE;

  if (f->type.reference_class != NULL)
    {
      element.accepted = CR_SCOPE_REFERENCE;
      element.what = "reference";
    }
  ok = check_reference_class (c, decl->namespace_, &f->type);
  if (parent != NULL && parent->type != f->type.type)
    {
      g_autofree char *super_name = shown (cr_class_get_name (super));

      cr_mof_sink_error (c->sink, &f->pos,
                         _("property “%s” is a %s in superclass “%s”: an override cannot make it a %s"),
                         name, cr_cim_type_to_string (parent->type), super_name,
                         cr_cim_type_to_string (f->type.type));
      ok = FALSE;
    }
  property = cr_property_new (f->name, f->type.type);
  property->reference_class = g_strdup (f->type.reference_class);
  property->array_size = f->type.array_size;
  if (!compile_qualifiers (c, decl->namespace_, &f->qualifiers, &element,
                           parent != NULL ? parent->qualifiers : NULL, property->qualifiers))
    ok = FALSE;
  if (f->default_value != NULL)
    {
      if (!convert_value (c, f->default_value, f->type.type, FALSE, NULL, &value))
        return NULL;
      if (value != NULL && f->type.array_size != 0 && g_variant_n_children (value) > f->type.array_size)
        {
          cr_mof_sink_error (c->sink, &f->default_value->pos,
                             g_dngettext (GETTEXT_PACKAGE,
                                          "the array has room for %u element, not %lu",
                                          "the array has room for %u elements, not %lu",
                                          f->type.array_size),
                             f->type.array_size, (gulong) g_variant_n_children (value));
          return NULL;
        }
      property->default_value = g_steal_pointer (&value);
    }
  return ok ? g_steal_pointer (&property) : NULL;
}

static CrMethod *
compile_method (Compile *c, const CrMofDecl *decl, const CrMofFeature *f, CrClass *super)
{
  g_autoptr (CrMethod) method = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *name = shown (f->name);
  CrMethod *parent = super != NULL ? cr_class_find_method (super, f->name) : NULL;
  const Element element = { CR_SCOPE_METHOD, "method" };
  gboolean ok = TRUE;

  if (parent != NULL && parent->return_type != f->type.type)
    {
      g_autofree char *super_name = shown (cr_class_get_name (super));
      CrCimType a = parent->return_type, b = f->type.type;

      cr_mof_sink_error (c->sink, &f->pos,
                         _("method “%s” returns %s in superclass “%s”: an override cannot return %s"),
                         name, a == CR_CIM_TYPE_INVALID ? "void" : cr_cim_type_to_string (a), super_name,
                         b == CR_CIM_TYPE_INVALID ? "void" : cr_cim_type_to_string (b));
      ok = FALSE;
    }
  method = cr_method_new (f->name, f->type.type);
  if (!compile_qualifiers (c, decl->namespace_, &f->qualifiers, &element,
                           parent != NULL ? parent->qualifiers : NULL, method->qualifiers))
    ok = FALSE;
  for (guint i = 0; i < f->n_parameters; i++)
    {
      const CrMofParameter *mp = f->parameters[i];
      const Element param_element = { CR_SCOPE_PARAMETER, "parameter" };
      CrParameter *parameter;

      if (!g_hash_table_add (seen, cr_name_key (mp->name)))
        {
          g_autofree char *param_name = shown (mp->name);

          cr_mof_sink_error (c->sink, &mp->pos, _("parameter “%s” is declared twice in method “%s”"),
                             param_name, name);
          ok = FALSE;
          continue;
        }
      if (!check_reference_class (c, decl->namespace_, &mp->type))
        ok = FALSE;
      parameter = cr_parameter_new (mp->name, mp->type.type);
      parameter->reference_class = g_strdup (mp->type.reference_class);
      parameter->array_size = mp->type.array_size;
      g_ptr_array_add (method->parameters, parameter);
      if (!compile_qualifiers (c, decl->namespace_, &mp->qualifiers, &param_element, NULL, parameter->qualifiers))
        ok = FALSE;
    }
  return ok ? g_steal_pointer (&method) : NULL;
}

static void
compile_class (Compile *c, ClassEntry *entry)
{
  CrMofDecl *decl = entry->decl;
  g_autoptr (CrClass) local = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GHashTable) properties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *name = shown (decl->name);
  g_autoptr (GPtrArray) qualifiers = cr_qualifiers_new ();
  CrClass *super = NULL;
  Element element = { CR_SCOPE_CLASS, "class" };
  gboolean association, indication;
  gboolean ok = TRUE;

  entry->state = STATE_BUSY;
  entry->depth = 1;
  if (decl->superclass != NULL)
    {
      g_autofree char *super_name = shown (decl->superclass);
      Lookup status;

      /* Superclasses compile first, one inside the other: as deep as the
       * repository allows a chain. */
      if (c->class_depth >= MAX_SUPERCLASS_DEPTH)
        {
          cr_mof_sink_error (c->sink, &decl->superclass_pos,
                             _("the superclass chain of class “%s” is deeper than %d"),
                             name, MAX_SUPERCLASS_DEPTH);
          entry->state = STATE_FAILED;
          return;
        }
      c->class_depth++;
      status = lookup_class (c, decl->namespace_, decl->superclass, &super);
      c->class_depth--;
      switch (status)
        {
        case LOOKUP_FOUND:
          entry->depth = chain_depth (c, decl->namespace_, decl->superclass) + 1;
          if (entry->depth > MAX_SUPERCLASS_DEPTH)
            {
              cr_mof_sink_error (c->sink, &decl->superclass_pos,
                                 _("the superclass chain of class “%s” is deeper than %d"),
                                 name, MAX_SUPERCLASS_DEPTH);
              entry->state = STATE_FAILED;
              return;
            }
          break;
        case LOOKUP_MISSING:
          cr_mof_sink_error (c->sink, &decl->superclass_pos,
                             _("unknown superclass “%s”: it is declared neither in this compilation "
                               "nor in namespace %s"),
                             super_name, decl->namespace_);
          entry->state = STATE_FAILED;
          return;
        case LOOKUP_CYCLE:
          cr_mof_sink_error (c->sink, &decl->superclass_pos,
                             _("class “%s” cannot derive from “%s”: the superclass chain is circular"),
                             name, super_name);
          entry->state = STATE_FAILED;
          return;
        case LOOKUP_FAILED:
        default:
          entry->state = STATE_FAILED; /* reported with the superclass */
          return;
        }
    }

  association = decl->keyword == CR_MOF_CLASS_KEYWORD_ASSOCIATION ||
                qualifier_list_says (&decl->qualifiers, "Association") ||
                (super != NULL && cr_class_is_association (super));
  indication = decl->keyword == CR_MOF_CLASS_KEYWORD_INDICATION ||
               qualifier_list_says (&decl->qualifiers, "Indication") ||
               (super != NULL && cr_class_is_indication (super));
  /* An association or an indication is a class too: a qualifier scoped to
   * classes may qualify one. */
  if (association)
    {
      element.accepted |= CR_SCOPE_ASSOCIATION;
      element.what = "association";
    }
  if (indication)
    {
      element.accepted |= CR_SCOPE_INDICATION;
      element.what = association ? "association" : "indication";
    }

  /* The CIM 3.0 keywords stand for the qualifiers. */
  if (decl->keyword != CR_MOF_CLASS_KEYWORD_CLASS)
    {
      const char *implied = decl->keyword == CR_MOF_CLASS_KEYWORD_ASSOCIATION ? "Association" : "Indication";

      if (!qualifier_list_says (&decl->qualifiers, implied))
        {
          gboolean broken;
          const CrQualifierType *qtype = lookup_qualifier_type (c, decl->namespace_, implied, &broken);
          CrFlavor flavor = qtype != NULL ? (qtype->flavor & CR_FLAVOR_ALL) : CR_FLAVOR_DISABLE_OVERRIDE;

          g_ptr_array_add (qualifiers, cr_qualifier_new (implied, g_variant_new_boolean (TRUE), flavor));
        }
    }
  if (!compile_qualifiers (c, decl->namespace_, &decl->qualifiers, &element,
                           super != NULL ? cr_class_get_qualifiers (super) : NULL, qualifiers))
    ok = FALSE;

  local = cr_class_new (decl->name, decl->superclass);
  for (guint i = 0; i < qualifiers->len; i++)
    cr_class_add_qualifier (local, cr_qualifier_copy (g_ptr_array_index (qualifiers, i)));

  for (guint i = 0; i < decl->n_features; i++)
    {
      const CrMofFeature *f = decl->features[i];
      g_autofree char *feature_name = shown (f->name);

      if (!g_hash_table_add (f->is_method ? methods : properties, cr_name_key (f->name)))
        {
          cr_mof_sink_error (c->sink, &f->pos,
                             f->is_method ? _("method “%s” is declared twice in class “%s”")
                                          : _("property “%s” is declared twice in class “%s”"),
                             feature_name, name);
          ok = FALSE;
          continue;
        }
      if (f->is_method)
        {
          CrMethod *method = compile_method (c, decl, f, super);

          if (method == NULL)
            ok = FALSE;
          else
            cr_class_add_method (local, method);
        }
      else
        {
          CrProperty *property = compile_property (c, decl, f, super);

          if (property == NULL)
            ok = FALSE;
          else
            cr_class_add_property (local, property);
        }
    }
  if (!ok)
    {
      entry->state = STATE_FAILED;
      return;
    }

  entry->resolved = cr_class_resolve (local, super, &local_error);
  if (entry->resolved == NULL)
    {
      cr_mof_sink_error (c->sink, &decl->name_pos, "%s", local_error->message);
      entry->state = STATE_FAILED;
      return;
    }
  entry->local = g_steal_pointer (&local);
  entry->state = STATE_DONE;
  g_ptr_array_add (c->class_order, entry);
}

/* Instances */

static CrClass *
instance_class (Compile *c, InstanceEntry *entry)
{
  CrMofDecl *decl = entry->decl;
  g_autofree char *name = NULL;

  if (entry->class_looked_up)
    return entry->klass;
  entry->class_looked_up = TRUE;
  name = shown (decl->name);
  switch (lookup_class (c, decl->namespace_, decl->name, &entry->klass))
    {
    case LOOKUP_FOUND:
      break;
    case LOOKUP_MISSING:
      cr_mof_sink_error (c->sink, &decl->name_pos,
                         _("unknown class “%s”: it is declared neither in this compilation nor in namespace %s"),
                         name, decl->namespace_);
      return NULL;
    case LOOKUP_CYCLE:
    case LOOKUP_FAILED:
    default:
      return NULL;
    }
  if (cr_class_is_abstract (entry->klass))
    {
      cr_mof_sink_error (c->sink, &decl->name_pos, _("class “%s” is abstract: it cannot have instances"), name);
      entry->klass = NULL;
    }
  return entry->klass;
}

static const CrMofPropertyValue *
find_value (const CrMofDecl *decl, const char *name)
{
  for (guint i = 0; i < decl->n_values; i++)
    {
      if (cr_name_equal (decl->values[i]->name, name))
        return decl->values[i];
    }
  return NULL;
}

/* Converts the key values of an instance and makes its object path, which
 * its alias stands for. Keys may refer to other aliases: a chain of them
 * is followed, and a cycle reported. */
static gboolean
instance_keys (Compile *c, InstanceEntry *entry)
{
  CrMofDecl *decl = entry->decl;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (CrInstance) probe = NULL;
  g_autoptr (GError) local_error = NULL;
  CrClass *klass;
  gboolean ok = TRUE;

  if (entry->key_state == STATE_DONE)
    return TRUE;
  if (entry->key_state != STATE_TODO)
    return FALSE;
  entry->key_state = STATE_BUSY;
  klass = instance_class (c, entry);
  if (klass == NULL)
    {
      entry->key_state = STATE_FAILED;
      return FALSE;
    }
  entry->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  probe = cr_instance_new (cr_class_get_name (klass));
  keys = cr_class_get_key_properties (klass);
  for (guint i = 0; i < keys->len; i++)
    {
      const CrProperty *key = g_ptr_array_index (keys, i);
      const CrMofPropertyValue *pv = find_value (decl, key->name);
      g_autoptr (GVariant) value = NULL;

      if (pv != NULL)
        {
          ValueContext vc = { entry, key->reference_class };

          if (!convert_value (c, pv->value, key->type, FALSE, &vc, &value))
            {
              ok = FALSE;
              continue;
            }
        }
      if (value == NULL && key->default_value != NULL)
        value = g_variant_ref (key->default_value);
      if (value == NULL)
        {
          g_autofree char *class_name = shown (cr_class_get_name (klass));

          cr_mof_sink_error (c->sink, &decl->pos, _("key property “%s” of class “%s” has no value"),
                             key->name, class_name);
          ok = FALSE;
          continue;
        }
      cr_instance_set_property (probe, key->name, value);
      g_hash_table_insert (entry->values, cr_name_key (key->name), g_steal_pointer (&value));
    }
  if (ok)
    {
      entry->path = cr_instance_build_path (probe, klass, &local_error);
      if (entry->path == NULL)
        {
          cr_mof_sink_error (c->sink, &decl->pos, "%s", local_error->message);
          ok = FALSE;
        }
    }
  entry->key_state = ok ? STATE_DONE : STATE_FAILED;
  return ok;
}

static void
compile_instance (Compile *c, InstanceEntry *entry)
{
  CrMofDecl *decl = entry->decl;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (CrInstance) instance = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean keys_ok = instance_keys (c, entry);
  gboolean ok = keys_ok;
  CrClass *klass = entry->klass;
  g_autofree char *class_name = NULL;

  if (klass == NULL)
    return;
  class_name = shown (cr_class_get_name (klass));
  instance = cr_instance_new (cr_class_get_name (klass));
  if (decl->qualifiers.n > 0)
    cr_mof_sink_warning (c->sink, &decl->qualifiers.items[0]->pos,
                         _("qualifiers on an instance are not stored and are ignored"));
  for (guint i = 0; i < decl->n_values; i++)
    {
      const CrMofPropertyValue *pv = decl->values[i];
      g_autofree char *name = shown (pv->name);
      g_autofree char *key = cr_name_key (pv->name);
      g_autoptr (GVariant) value = NULL;
      CrProperty *property = cr_class_find_property (klass, pv->name);

      if (property == NULL)
        {
          cr_mof_sink_error (c->sink, &pv->pos, _("class “%s” has no property “%s”"), class_name, name);
          ok = FALSE;
          continue;
        }
      if (!g_hash_table_add (seen, g_strdup (key)))
        {
          cr_mof_sink_error (c->sink, &pv->pos, _("property “%s” is given a value twice"), name);
          ok = FALSE;
          continue;
        }
      if (pv->qualifiers.n > 0)
        cr_mof_sink_warning (c->sink, &pv->qualifiers.items[0]->pos,
                             _("qualifiers on an instance's values are not stored and are ignored"));
      if (cr_property_is_key (property))
        continue; /* converted with the keys */
      {
        ValueContext vc = { entry, property->reference_class };

        if (!convert_value (c, pv->value, property->type, FALSE, &vc, &value))
          {
            ok = FALSE;
            continue;
          }
      }
      if (value != NULL && property->array_size != 0 && g_variant_n_children (value) > property->array_size)
        {
          cr_mof_sink_error (c->sink, &pv->value->pos,
                             g_dngettext (GETTEXT_PACKAGE,
                                          "the array has room for %u element, not %lu",
                                          "the array has room for %u elements, not %lu",
                                          property->array_size),
                             property->array_size, (gulong) g_variant_n_children (value));
          ok = FALSE;
          continue;
        }
      if (value != NULL)
        cr_instance_set_property (instance, property->name, value);
    }
  if (!ok)
    return;
  {
    g_autoptr (GPtrArray) keys = cr_class_get_key_properties (klass);

    for (guint i = 0; i < keys->len; i++)
      {
        const CrProperty *key = g_ptr_array_index (keys, i);
        g_autofree char *name_key = cr_name_key (key->name);
        GVariant *value = g_hash_table_lookup (entry->values, name_key);

        if (value != NULL)
          cr_instance_set_property (instance, key->name, value);
      }
  }
  entry->instance = cr_instance_normalize (instance, klass, &local_error);
  if (entry->instance == NULL)
    cr_mof_sink_error (c->sink, &decl->pos, "%s", local_error->message);
}

/* The pass */

static void
register_alias (Compile *c, CrMofDecl *decl, InstanceEntry *instance)
{
  g_autofree char *key = NULL;
  AliasEntry *alias;
  AliasEntry *old;

  if (decl->alias == NULL)
    return;
  key = cr_name_key (decl->alias);
  old = g_hash_table_lookup (c->aliases, key);
  if (old != NULL)
    {
      g_autofree char *name = shown (decl->alias);
      g_autofree char *where = cr_mof_pos_to_string (c->sink, &old->decl->alias_pos);

      cr_mof_sink_error (c->sink, &decl->alias_pos, _("the alias $%s is already defined at %s"), name, where);
      return;
    }
  alias = g_new0 (AliasEntry, 1);
  alias->decl = decl;
  alias->instance = instance;
  g_hash_table_insert (c->aliases, g_steal_pointer (&key), alias);
}

static void
register_declarations (Compile *c)
{
  for (guint i = 0; i < c->unit->decls->len; i++)
    {
      CrMofDecl *decl = g_ptr_array_index (c->unit->decls, i);
      g_autofree char *key = NULL;
      g_autofree char *name = NULL;

      switch (decl->kind)
        {
        case CR_MOF_DECL_QUALIFIER_TYPE:
          {
            QualifierEntry *old;
            QualifierEntry *entry;

            key = make_key (decl->namespace_, decl->name);
            old = g_hash_table_lookup (c->qualifier_types, key);
            if (old != NULL)
              {
                g_autofree char *where = cr_mof_pos_to_string (c->sink, &old->decl->name_pos);

                name = shown (decl->name);
                cr_mof_sink_error (c->sink, &decl->name_pos,
                                   _("qualifier “%s” is already declared in namespace %s, at %s"),
                                   name, decl->namespace_, where);
                break;
              }
            entry = g_new0 (QualifierEntry, 1);
            entry->decl = decl;
            g_ptr_array_add (c->qualifier_order, entry);
            g_hash_table_insert (c->qualifier_types, g_steal_pointer (&key), entry);
            break;
          }
        case CR_MOF_DECL_CLASS:
          {
            ClassEntry *old;
            ClassEntry *entry;

            key = make_key (decl->namespace_, decl->name);
            old = g_hash_table_lookup (c->classes, key);
            if (old != NULL)
              {
                g_autofree char *where = cr_mof_pos_to_string (c->sink, &old->decl->name_pos);

                name = shown (decl->name);
                cr_mof_sink_error (c->sink, &decl->name_pos,
                                   _("class “%s” is already declared in namespace %s, at %s"),
                                   name, decl->namespace_, where);
                break;
              }
            entry = g_new0 (ClassEntry, 1);
            entry->decl = decl;
            g_hash_table_insert (c->classes, g_steal_pointer (&key), entry);
            register_alias (c, decl, NULL);
            break;
          }
        case CR_MOF_DECL_INSTANCE:
          {
            InstanceEntry *entry = g_new0 (InstanceEntry, 1);

            entry->decl = decl;
            g_ptr_array_add (c->instances, entry);
            register_alias (c, decl, entry);
            break;
          }
        default:
          break;
        }
    }
}

static CrImportBatch *
compile_unit (Compile *c)
{
  g_autoptr (CrImportBatch) batch = NULL;

  register_declarations (c);

  for (guint i = 0; i < c->qualifier_order->len && !stopped (c); i++)
    compile_qualifier_type (c, g_ptr_array_index (c->qualifier_order, i));

  /* Classes in source order; each compiles its superclass first. */
  for (guint i = 0; i < c->unit->decls->len && !stopped (c); i++)
    {
      CrMofDecl *decl = g_ptr_array_index (c->unit->decls, i);
      ClassEntry *entry;

      if (decl->kind != CR_MOF_DECL_CLASS)
        continue;
      entry = unit_class (c, decl->namespace_, decl->name);
      if (entry != NULL && entry->decl == decl && entry->state == STATE_TODO)
        compile_class (c, entry);
    }

  for (guint i = 0; i < c->instances->len && !stopped (c); i++)
    compile_instance (c, g_ptr_array_index (c->instances, i));

  if (c->fatal != NULL || c->sink->n_errors > 0 || c->sink->full)
    return NULL;

  batch = cr_import_batch_new ();
  for (guint i = 0; i < c->qualifier_order->len; i++)
    {
      QualifierEntry *entry = g_ptr_array_index (c->qualifier_order, i);

      cr_import_batch_add_qualifier_type (batch, entry->decl->namespace_, entry->qtype);
    }
  for (guint i = 0; i < c->class_order->len; i++)
    {
      ClassEntry *entry = g_ptr_array_index (c->class_order, i);

      cr_import_batch_add_class (batch, entry->decl->namespace_, entry->local);
    }
  for (guint i = 0; i < c->instances->len; i++)
    {
      InstanceEntry *entry = g_ptr_array_index (c->instances, i);

      cr_import_batch_add_instance (batch, entry->decl->namespace_, entry->instance);
    }
  return g_steal_pointer (&batch);
}

/* Jobs: what one compilation needs, copied, so that it can run in a
 * worker thread. */

typedef struct {
  CrMofResolver *resolver;
  char *namespace_;
  GPtrArray *inputs;
  GStrv include_dirs;
  GPtrArray *diagnostics;
  guint n_errors;
  guint n_warnings;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->resolver);
  g_free (job->namespace_);
  g_clear_pointer (&job->inputs, g_ptr_array_unref);
  g_strfreev (job->include_dirs);
  g_clear_pointer (&job->diagnostics, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static Job *
job_new (CrMofCompiler *self)
{
  Job *job = g_new0 (Job, 1);

  job->resolver = self->resolver != NULL ? g_object_ref (self->resolver) : NULL;
  job->namespace_ = g_strdup (self->namespace_);
  job->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_mof_input_free);
  for (guint i = 0; i < self->inputs->len; i++)
    g_ptr_array_add (job->inputs, cr_mof_input_copy (g_ptr_array_index (self->inputs, i)));
  job->include_dirs = g_strdupv ((char **) self->include_dirs->pdata);
  return job;
}

/* Runs in the caller's thread, or in a worker thread. */
static CrImportBatch *
job_run (Job *job, GCancellable *cancellable, GError **error)
{
  g_autoptr (CrMofUnit) unit = cr_mof_unit_new ();
  g_autoptr (CrImportBatch) batch = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *namespace_ = NULL;
  Compile c;

  namespace_ = cr_mof_namespace_resolve (NULL, job->namespace_, &local_error);
  if (namespace_ == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("The target namespace: "));
      return NULL;
    }
  if (!cr_mof_parse (unit, namespace_, job->inputs, (const char *const *) job->include_dirs, cancellable, error))
    return NULL;

  /* The checks that need more than syntax run on a unit that parsed:
   * on a broken one they would mostly report what the syntax errors
   * already explain. */
  if (unit->sink.n_errors == 0)
    {
      compile_init (&c, unit, job->resolver, cancellable);
      batch = compile_unit (&c);
      if (c.fatal != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&c.fatal));
          compile_clear (&c);
          return NULL;
        }
      compile_clear (&c);
    }

  /* Warnings past the cap count, though they are not shown. */
  job->n_warnings = unit->sink.n_warnings + unit->sink.n_dropped_warnings;
  cr_mof_sink_finish (&unit->sink);
  job->diagnostics = g_ptr_array_ref (unit->sink.diagnostics);
  job->n_errors = unit->sink.n_errors + (unit->sink.full ? 1 : 0);
  if (job->n_errors > 0 || batch == NULL)
    {
      g_autofree char *first = NULL;

      for (guint i = 0; i < unit->sink.diagnostics->len && first == NULL; i++)
        {
          const CrMofDiagnostic *d = g_ptr_array_index (unit->sink.diagnostics, i);

          if (d->severity == CR_MOF_SEVERITY_ERROR)
            first = cr_mof_diagnostic_to_string (d);
        }
      if (first == NULL)
        first = g_strdup (_("the compilation failed"));
      if (job->n_errors > 1)
        g_set_error (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX,
                     g_dngettext (GETTEXT_PACKAGE, "%s (and %u more error)", "%s (and %u more errors)",
                                  job->n_errors - 1),
                     first, job->n_errors - 1);
      else
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_SYNTAX, first);
      return NULL;
    }
  return g_steal_pointer (&batch);
}

/* The object */

static void
cr_mof_compiler_dispose (GObject *object)
{
  CrMofCompiler *self = CR_MOF_COMPILER (object);

  g_clear_object (&self->resolver);
  G_OBJECT_CLASS (cr_mof_compiler_parent_class)->dispose (object);
}

static void
cr_mof_compiler_finalize (GObject *object)
{
  CrMofCompiler *self = CR_MOF_COMPILER (object);

  g_free (self->namespace_);
  g_ptr_array_unref (self->inputs);
  g_ptr_array_unref (self->include_dirs);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  G_OBJECT_CLASS (cr_mof_compiler_parent_class)->finalize (object);
}

static void
cr_mof_compiler_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrMofCompiler *self = CR_MOF_COMPILER (object);

  switch (prop_id)
    {
    case PROP_RESOLVER:
      g_value_set_object (value, self->resolver);
      break;
    case PROP_NAMESPACE:
      g_value_set_string (value, self->namespace_);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_mof_compiler_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CrMofCompiler *self = CR_MOF_COMPILER (object);

  switch (prop_id)
    {
    case PROP_RESOLVER:
      self->resolver = g_value_dup_object (value);
      break;
    case PROP_NAMESPACE:
      cr_mof_compiler_set_namespace (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_mof_compiler_class_init (CrMofCompilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cr_mof_compiler_dispose;
  object_class->finalize = cr_mof_compiler_finalize;
  object_class->get_property = cr_mof_compiler_get_property;
  object_class->set_property = cr_mof_compiler_set_property;

  /**
   * CrMofCompiler:resolver:
   *
   * What the compiler asks about the classes and qualifier types that the
   * target repository holds; %NULL compiles for an empty repository.
   */
  obj_props[PROP_RESOLVER] =
    g_param_spec_object ("resolver", NULL, NULL, CR_TYPE_MOF_RESOLVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * CrMofCompiler:namespace:
   *
   * The namespace that each input starts in, until a `#pragma namespace`
   * changes it. %CR_MOF_DEFAULT_NAMESPACE by default.
   */
  obj_props[PROP_NAMESPACE] =
    g_param_spec_string ("namespace", NULL, NULL, CR_MOF_DEFAULT_NAMESPACE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, obj_props);
}

static void
cr_mof_compiler_init (CrMofCompiler *self)
{
  self->namespace_ = g_strdup (CR_MOF_DEFAULT_NAMESPACE);
  self->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_mof_input_free);
  self->include_dirs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->include_dirs, NULL);
  self->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_mof_diagnostic_free);
}

/**
 * cr_mof_compiler_new:
 * @resolver: (nullable): what the target repository holds; %NULL for an
 *   empty one
 *
 * Returns: (transfer full): a new compiler
 */
CrMofCompiler *
cr_mof_compiler_new (CrMofResolver *resolver)
{
  g_return_val_if_fail (resolver == NULL || CR_IS_MOF_RESOLVER (resolver), NULL);
  return g_object_new (CR_TYPE_MOF_COMPILER, "resolver", resolver, NULL);
}

/**
 * cr_mof_compiler_get_resolver:
 *
 * Returns: (transfer none) (nullable): the resolver
 */
CrMofResolver *
cr_mof_compiler_get_resolver (CrMofCompiler *self)
{
  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), NULL);
  return self->resolver;
}

/**
 * cr_mof_compiler_set_namespace:
 * @self: a #CrMofCompiler
 * @namespace_: (nullable): the namespace to compile into, such as
 *   `root/cimv2`; %NULL for %CR_MOF_DEFAULT_NAMESPACE
 *
 * Sets the namespace each input starts in. It is checked when compiling.
 */
void
cr_mof_compiler_set_namespace (CrMofCompiler *self, const char *namespace_)
{
  g_return_if_fail (CR_IS_MOF_COMPILER (self));

  if (namespace_ == NULL)
    namespace_ = CR_MOF_DEFAULT_NAMESPACE;
  if (g_strcmp0 (self->namespace_, namespace_) == 0)
    return;
  g_free (self->namespace_);
  self->namespace_ = g_strdup (namespace_);
  g_object_notify_by_pspec (G_OBJECT (self), obj_props[PROP_NAMESPACE]);
}

const char *
cr_mof_compiler_get_namespace (CrMofCompiler *self)
{
  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), NULL);
  return self->namespace_;
}

/**
 * cr_mof_compiler_add_include_dir:
 * @self: a #CrMofCompiler
 * @directory: a directory
 *
 * Adds a directory where `#pragma include` looks for a file that is not
 * beside the file that includes it (as `cimmof -I` does).
 */
void
cr_mof_compiler_add_include_dir (CrMofCompiler *self, const char *directory)
{
  g_return_if_fail (CR_IS_MOF_COMPILER (self));
  g_return_if_fail (directory != NULL);

  g_ptr_array_insert (self->include_dirs, (gint) self->include_dirs->len - 1, g_strdup (directory));
}

/**
 * cr_mof_compiler_add_file:
 * @self: a #CrMofCompiler
 * @path: a MOF file
 *
 * Adds a file to the compilation unit, after those added before. Its
 * includes are found relative to its directory. The file is read when
 * compiling; a file that cannot be read is an error of the compilation.
 */
void
cr_mof_compiler_add_file (CrMofCompiler *self, const char *path)
{
  g_return_if_fail (CR_IS_MOF_COMPILER (self));
  g_return_if_fail (path != NULL);

  g_ptr_array_add (self->inputs, cr_mof_input_new_file (path));
}

/**
 * cr_mof_compiler_add_data:
 * @self: a #CrMofCompiler
 * @name: how diagnostics name the buffer
 * @data: MOF text: UTF-8, or UTF-16 with a byte order mark
 * @base_dir: (nullable): the directory its includes are relative to;
 *   %NULL refuses includes (an error at each)
 *
 * Adds a buffer to the compilation unit, after what was added before.
 */
void
cr_mof_compiler_add_data (CrMofCompiler *self, const char *name, GBytes *data, const char *base_dir)
{
  g_return_if_fail (CR_IS_MOF_COMPILER (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (data != NULL);

  g_ptr_array_add (self->inputs, cr_mof_input_new_data (name, data, base_dir));
}

static void
take_results (CrMofCompiler *self, Job *job)
{
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = job->diagnostics != NULL
                        ? g_ptr_array_ref (job->diagnostics)
                        : g_ptr_array_new_with_free_func ((GDestroyNotify) cr_mof_diagnostic_free);
  self->n_errors = job->n_errors;
  self->n_warnings = job->n_warnings;
}

/**
 * cr_mof_compiler_compile_sync:
 * @self: a #CrMofCompiler
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compiles every input added so far as one unit. The diagnostics, errors
 * and warnings, are in cr_mof_compiler_get_diagnostics() afterwards.
 *
 * Returns: (transfer full): the batch to import; or %NULL with
 *   %CR_ERROR_INVALID_SYNTAX when the unit has errors (the message is the
 *   first of them), %CR_ERROR_INVALID_NAMESPACE for a bad target
 *   namespace, %CR_ERROR_CALL_CANCELLED, or the resolver's error
 */
CrImportBatch *
cr_mof_compiler_compile_sync (CrMofCompiler *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (Job) job = NULL;
  CrImportBatch *batch;

  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), NULL);

  job = job_new (self);
  batch = job_run (job, cancellable, error);
  take_results (self, job);
  return batch;
}

static void
compile_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  CrImportBatch *batch = job_run (job, cancellable, &error);

  if (batch == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, batch, (GDestroyNotify) cr_import_batch_unref);
}

/**
 * cr_mof_compiler_compile_async:
 * @self: a #CrMofCompiler
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Compiles in a worker thread, where the resolver is called. Inputs added
 * later do not take part.
 */
void
cr_mof_compiler_compile_async (CrMofCompiler *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (CR_IS_MOF_COMPILER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cr_mof_compiler_compile_async);
  g_task_set_task_data (task, job_new (self), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, compile_thread);
}

/**
 * cr_mof_compiler_compile_finish:
 *
 * Returns: (transfer full): as cr_mof_compiler_compile_sync()
 */
CrImportBatch *
cr_mof_compiler_compile_finish (CrMofCompiler *self, GAsyncResult *result, GError **error)
{
  GTask *task;

  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cr_mof_compiler_compile_async, NULL);

  task = G_TASK (result);
  take_results (self, g_task_get_task_data (task));
  return g_task_propagate_pointer (task, error);
}

/**
 * cr_mof_compiler_get_diagnostics:
 *
 * Returns: (transfer none) (element-type CrMofDiagnostic): the errors and
 *   warnings of the last compilation, in the order they were found
 */
GPtrArray *
cr_mof_compiler_get_diagnostics (CrMofCompiler *self)
{
  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), NULL);
  return self->diagnostics;
}

/**
 * cr_mof_compiler_get_error_count:
 *
 * Returns: the errors of the last compilation, as in its diagnostics
 */
guint
cr_mof_compiler_get_error_count (CrMofCompiler *self)
{
  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), 0);
  return self->n_errors;
}

/**
 * cr_mof_compiler_get_warning_count:
 *
 * Returns: the warnings of the last compilation, also those past the cap
 *   that its diagnostics only count
 */
guint
cr_mof_compiler_get_warning_count (CrMofCompiler *self)
{
  g_return_val_if_fail (CR_IS_MOF_COMPILER (self), 0);
  return self->n_warnings;
}

/**
 * cr_mof_compile_files_sync:
 * @resolver: (nullable): what the target repository holds
 * @namespace_: (nullable): the namespace to compile into;
 *   %CR_MOF_DEFAULT_NAMESPACE when %NULL
 * @paths: (array zero-terminated=1): the files, in order, as one unit
 * @include_dirs: (nullable) (array zero-terminated=1): more directories
 *   for includes
 * @out_diagnostics: (out) (optional) (transfer container) (element-type CrMofDiagnostic):
 *   the errors and warnings, also when the compilation fails
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * What `cimrepoctl mof import` does before it imports: compiles files
 * into a batch.
 *
 * Returns: (transfer full): the batch, or %NULL as
 *   cr_mof_compiler_compile_sync()
 */
CrImportBatch *
cr_mof_compile_files_sync (CrMofResolver *resolver, const char *namespace_, const char *const *paths,
                           const char *const *include_dirs, GPtrArray **out_diagnostics,
                           GCancellable *cancellable, GError **error)
{
  g_autoptr (CrMofCompiler) compiler = NULL;
  CrImportBatch *batch;

  g_return_val_if_fail (paths != NULL, NULL);

  compiler = cr_mof_compiler_new (resolver);
  cr_mof_compiler_set_namespace (compiler, namespace_);
  for (guint i = 0; include_dirs != NULL && include_dirs[i] != NULL; i++)
    cr_mof_compiler_add_include_dir (compiler, include_dirs[i]);
  for (guint i = 0; paths[i] != NULL; i++)
    cr_mof_compiler_add_file (compiler, paths[i]);
  batch = cr_mof_compiler_compile_sync (compiler, cancellable, error);
  if (out_diagnostics != NULL)
    *out_diagnostics = g_ptr_array_ref (compiler->diagnostics);
  return batch;
}
