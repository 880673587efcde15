/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cr-error.h"
#include "cr-mof-lexer-private.h"
#include "cr-mof-parser-private.h"
#include "cr-types-private.h"

/* Units and inputs */

CrMofUnit *
cr_mof_unit_new (void)
{
  CrMofUnit *unit = g_new0 (CrMofUnit, 1);

  unit->arena = cr_mof_arena_new ();
  cr_mof_sink_init (&unit->sink);
  unit->decls = g_ptr_array_new ();
  return unit;
}

void
cr_mof_unit_free (CrMofUnit *unit)
{
  if (unit == NULL)
    return;
  g_ptr_array_unref (unit->decls);
  cr_mof_sink_clear (&unit->sink);
  cr_mof_arena_free (unit->arena);
  g_free (unit);
}

CrMofInput *
cr_mof_input_new_file (const char *path)
{
  CrMofInput *input = g_new0 (CrMofInput, 1);

  input->name = g_strdup (path);
  input->path = g_strdup (path);
  return input;
}

CrMofInput *
cr_mof_input_new_data (const char *name, GBytes *data, const char *base_dir)
{
  CrMofInput *input = g_new0 (CrMofInput, 1);

  input->name = g_strdup (name);
  input->data = g_bytes_ref (data);
  input->base_dir = g_strdup (base_dir);
  return input;
}

CrMofInput *
cr_mof_input_copy (const CrMofInput *input)
{
  CrMofInput *copy = g_new0 (CrMofInput, 1);

  copy->name = g_strdup (input->name);
  copy->path = g_strdup (input->path);
  copy->data = input->data != NULL ? g_bytes_ref (input->data) : NULL;
  copy->base_dir = g_strdup (input->base_dir);
  return copy;
}

void
cr_mof_input_free (CrMofInput *input)
{
  if (input == NULL)
    return;
  g_free (input->name);
  g_free (input->path);
  g_clear_pointer (&input->data, g_bytes_unref);
  g_free (input->base_dir);
  g_free (input);
}

/* Namespaces */

/**
 * cr_mof_namespace_resolve:
 * @current: (nullable): the namespace in effect, canonical
 * @text: a namespace as `#pragma namespace` gives it
 *
 * The rule (docs/MOF.md): `\` and `/` both separate components; a path
 * that starts with `//server/` or `\\server\` (WMI's `\\.\root\cimv2`)
 * names the server, which is ignored; a path whose first component is
 * `root` is absolute; any other path is relative to @current and joined to
 * it. Components are CIM names; `.` and `..` are not allowed.
 *
 * Returns: (transfer full): the canonical namespace, `root/…`
 */
char *
cr_mof_namespace_resolve (const char *current, const char *text, GError **error)
{
  g_autofree char *copy = g_strdup (text);
  g_auto (GStrv) parts = NULL;
  g_autoptr (GPtrArray) components = g_ptr_array_new ();
  g_autoptr (GString) result = g_string_new (NULL);
  g_autofree char *shown = cr_text_for_display (text);
  char *p;
  gboolean leading_separator;

  g_strdelimit (copy, "\\", '/');
  p = copy;
  if (p[0] == '/' && p[1] == '/')
    {
      /* //server/root/…: skip the server. */
      char *slash = strchr (p + 2, '/');

      if (slash == NULL)
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                       _("“%s” names a server but no namespace"), shown);
          return NULL;
        }
      p = slash;
    }
  leading_separator = p[0] == '/';
  while (*p == '/')
    p++;

  parts = g_strsplit (p, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' && parts[i + 1] == NULL)
        break; /* a trailing separator */
      g_ptr_array_add (components, parts[i]);
    }
  if (components->len == 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                           _("the namespace is empty"));
      return NULL;
    }
  if (g_ascii_strcasecmp (g_ptr_array_index (components, 0), "root") == 0)
    {
      /* absolute; spelled "root" whatever the case written */
      g_ptr_array_index (components, 0) = (gpointer) "root";
    }
  else if (leading_separator || current == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                   _("“%s” is not a namespace: every namespace is under “root”"), shown);
      return NULL;
    }
  else
    {
      g_string_append (result, current);
    }
  for (guint i = 0; i < components->len; i++)
    {
      const char *component = g_ptr_array_index (components, i);
      g_autoptr (GError) local_error = NULL;

      if (!cr_name_is_valid (component, &local_error))
        {
          g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                       _("“%s” is not a valid namespace: %s"), shown, local_error->message);
          return NULL;
        }
      if (result->len > 0)
        g_string_append_c (result, '/');
      g_string_append (result, component);
    }
  if (result->len > CR_MAX_NAMESPACE_BYTES)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a namespace has at most %d byte",
                                "a namespace has at most %d bytes",
                                CR_MAX_NAMESPACE_BYTES),
                   CR_MAX_NAMESPACE_BYTES);
      return NULL;
    }
  {
    guint depth = 1;

    for (const char *q = result->str; *q != '\0'; q++)
      depth += *q == '/';
    if (depth > CR_MAX_NAMESPACE_DEPTH)
      {
        g_set_error (error, CR_ERROR, CR_ERROR_INVALID_NAMESPACE,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "a namespace is at most %d level deep",
                                  "a namespace is at most %d levels deep",
                                  CR_MAX_NAMESPACE_DEPTH),
                     CR_MAX_NAMESPACE_DEPTH);
        return NULL;
      }
  }
  return g_string_free (g_steal_pointer (&result), FALSE);
}

/* The parser */

typedef struct {
  CrMofUnit *unit;
  const char *const *include_dirs;
  GPtrArray *stack;       /* char *: the real paths of the files being read */
  GPtrArray *stack_names; /* char *: their display names */
  GHashTable *done;       /* "real path\nnamespace" of the files read */
  GCancellable *cancellable;
} Context;

typedef struct {
  Context *ctx;
  CrMofUnit *unit;
  CrMofSink *sink;
  CrMofArena *arena;
  CrMofLexer lexer;
  CrMofToken tok;
  const char *display_name;   /* the file, as diagnostics name it */
  const char *base_dir;       /* where its includes are looked for; NULL refuses them */
  const char *file_namespace; /* the namespace when the file began (__reset) */
  const char *namespace_;     /* the namespace in effect */
  guint depth;                /* of includes */
  gboolean panic;             /* after an error, until a declaration or member parses */
  guint nesting;              /* brackets open before the current token */
  GByteArray *brackets;       /* their kinds (CrMofTokenType), innermost last */
  CrMofPos last_error;
  guint n_decls;
} Parser;

static gboolean parse_file (Context *ctx, const char *display_name, const char *path,
                            const char *real_path, GBytes *data, const char *base_dir,
                            const char *namespace_, guint depth, const CrMofPos *include_pos);

/* A closing bracket closes the innermost open bracket of its kind, and
 * whatever was left open inside it; one that matches none is ignored. */
static void
close_bracket (Parser *p, CrMofTokenType opener)
{
  for (guint i = p->brackets->len; i > 0; i--)
    {
      if (p->brackets->data[i - 1] == (guint8) opener)
        {
          g_byte_array_set_size (p->brackets, i - 1);
          p->nesting = p->brackets->len;
          return;
        }
    }
}

/* Moves to the next token, keeping the brackets left open before it (for
 * error recovery). A lexical error puts the parser in panic mode, as a
 * syntax error does: what it breaks would only be reported again. */
static void
next (Parser *p)
{
  guint before = p->sink->n_errors;

  switch (p->tok.type)
    {
    case CR_MOF_TOKEN_LBRACE:
    case CR_MOF_TOKEN_LPAREN:
    case CR_MOF_TOKEN_LBRACKET:
      {
        guint8 opener = (guint8) p->tok.type;

        g_byte_array_append (p->brackets, &opener, 1);
        p->nesting = p->brackets->len;
        break;
      }
    case CR_MOF_TOKEN_RBRACE:
      close_bracket (p, CR_MOF_TOKEN_LBRACE);
      break;
    case CR_MOF_TOKEN_RPAREN:
      close_bracket (p, CR_MOF_TOKEN_LPAREN);
      break;
    case CR_MOF_TOKEN_RBRACKET:
      close_bracket (p, CR_MOF_TOKEN_LBRACKET);
      break;
    case CR_MOF_TOKEN_EOF:
    case CR_MOF_TOKEN_IDENTIFIER:
    case CR_MOF_TOKEN_ALIAS:
    case CR_MOF_TOKEN_INTEGER:
    case CR_MOF_TOKEN_REAL:
    case CR_MOF_TOKEN_STRING:
    case CR_MOF_TOKEN_CHAR:
    case CR_MOF_TOKEN_PRAGMA:
    case CR_MOF_TOKEN_INCLUDE:
    case CR_MOF_TOKEN_SEMICOLON:
    case CR_MOF_TOKEN_COMMA:
    case CR_MOF_TOKEN_COLON:
    case CR_MOF_TOKEN_EQUALS:
    case CR_MOF_TOKEN_PLUS:
    case CR_MOF_TOKEN_MINUS:
    default:
      break;
    }
  cr_mof_lexer_next (&p->lexer, &p->tok);
  if (p->sink->n_errors > before)
    p->panic = TRUE;
}

static gboolean
at (Parser *p, CrMofTokenType type)
{
  return p->tok.type == type;
}

static gboolean
at_keyword (Parser *p, const char *keyword)
{
  return p->tok.type == CR_MOF_TOKEN_IDENTIFIER && g_ascii_strcasecmp (p->tok.text, keyword) == 0;
}

static gboolean
same_pos (const CrMofPos *a, const CrMofPos *b)
{
  return a->file == b->file && a->line == b->line && a->column == b->column;
}

/* Reports an error at @pos, unless the parser is recovering from one
 * already (its errors would be noise), or one was reported there. */
static void
error_at (Parser *p, const CrMofPos *pos, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
error_at (Parser *p, const CrMofPos *pos, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (p->panic || same_pos (pos, &p->last_error))
    {
      p->panic = TRUE;
      return;
    }
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  cr_mof_sink_error (p->sink, pos, "%s", message);
  p->last_error = *pos;
  p->panic = TRUE;
}

/* "expected X but found Y", at the token found. */
static void
expected (Parser *p, const char *what)
{
  g_autofree char *found = cr_mof_token_describe (&p->tok);

  error_at (p, &p->tok.pos, _("expected %s but found %s"), what, found);
}

static gboolean
expect (Parser *p, CrMofTokenType type, const char *what)
{
  if (p->tok.type == type)
    {
      next (p);
      return TRUE;
    }
  expected (p, what);
  return FALSE;
}

static const char *
take_text (Parser *p)
{
  return cr_mof_arena_strndup (p->arena, p->tok.text, p->tok.length);
}

static const char *
take_name (Parser *p, const char *what, CrMofPos *out_pos)
{
  const char *name;

  if (!at (p, CR_MOF_TOKEN_IDENTIFIER))
    {
      expected (p, what);
      return NULL;
    }
  *out_pos = p->tok.pos;
  name = take_text (p);
  next (p);
  return name;
}

static gboolean
at_declaration_keyword (Parser *p)
{
  return at_keyword (p, "class") || at_keyword (p, "instance") || at_keyword (p, "qualifier") ||
         at_keyword (p, "association") || at_keyword (p, "indication");
}

/* Skips to the end of a declaration at the top level, after an error:
 * past a ";" outside brackets, or to a #pragma or a keyword that starts a
 * declaration. The parser stays in panic mode until something parses. */
static void
sync_top (Parser *p)
{
  gboolean moved = FALSE;

  while (!at (p, CR_MOF_TOKEN_EOF))
    {
      if (p->nesting == 0)
        {
          if (at (p, CR_MOF_TOKEN_SEMICOLON))
            {
              next (p);
              return;
            }
          if (moved && (at (p, CR_MOF_TOKEN_PRAGMA) || at (p, CR_MOF_TOKEN_INCLUDE) || at_declaration_keyword (p)))
            return;
        }
      next (p);
      moved = TRUE;
    }
}

/* Skips to the end of one member of a body (a property, method or value)
 * whose "{" left @body_depth brackets open: past a ";" in the body, or up
 * to the "}" that closes it. */
static void
sync_member (Parser *p, guint body_depth)
{
  while (!at (p, CR_MOF_TOKEN_EOF) && p->nesting >= body_depth)
    {
      if (p->nesting == body_depth)
        {
          if (at (p, CR_MOF_TOKEN_SEMICOLON))
            {
              next (p);
              return;
            }
          if (at (p, CR_MOF_TOKEN_RBRACE))
            return;
        }
      next (p);
    }
}

/* The ";" that ends a declaration. When it is missing, the declaration is
 * complete anyway: reporting it is enough, and the next one may start
 * right here. */
static void
expect_end (Parser *p)
{
  if (at (p, CR_MOF_TOKEN_SEMICOLON))
    {
      next (p);
      return;
    }
  expected (p, "“;”");
  p->panic = FALSE;
}

/* Values */

static CrMofValue *
value_new (Parser *p, CrMofValueKind kind, const CrMofPos *pos)
{
  CrMofValue *value = cr_mof_arena_alloc (p->arena, sizeof (CrMofValue));

  value->kind = kind;
  value->pos = *pos;
  return value;
}

/* Adjacent string literals make one string (DSP0221 7.6.1). */
static CrMofValue *
parse_strings (Parser *p)
{
  CrMofValue *value = value_new (p, CR_MOF_VALUE_STRING, &p->tok.pos);
  g_autoptr (GString) text = g_string_new_len (p->tok.text, (gssize) p->tok.length);
  gboolean reported = FALSE;

  next (p);
  while (at (p, CR_MOF_TOKEN_STRING))
    {
      if (text->len + p->tok.length > CR_MAX_STRING_BYTES)
        {
          if (!reported)
            cr_mof_sink_error (p->sink, &p->tok.pos,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "a string has at most %d byte, and this one is longer once its parts are joined",
                                            "a string has at most %d bytes, and this one is longer once its parts are joined",
                                            CR_MAX_STRING_BYTES),
                               CR_MAX_STRING_BYTES);
          reported = TRUE;
        }
      else
        {
          g_string_append_len (text, p->tok.text, (gssize) p->tok.length);
        }
      next (p);
    }
  value->text = cr_mof_arena_strndup (p->arena, text->str, text->len);
  value->length = text->len;
  return value;
}

static gboolean
is_infinity_word (Parser *p)
{
  return at_keyword (p, "Infinity") || at_keyword (p, "Inf");
}

/* A constant value: a literal, TRUE, FALSE, NULL, or (an extension for the
 * reals that MOF cannot spell otherwise) NaN, Infinity and -Infinity. */
static CrMofValue *
parse_scalar (Parser *p, gboolean allow_alias)
{
  CrMofValue *value;

  switch (p->tok.type)
    {
    case CR_MOF_TOKEN_INTEGER:
      value = value_new (p, CR_MOF_VALUE_INTEGER, &p->tok.pos);
      value->negative = p->tok.negative;
      value->overflow = p->tok.overflow;
      value->magnitude = p->tok.magnitude;
      next (p);
      return value;
    case CR_MOF_TOKEN_REAL:
      value = value_new (p, CR_MOF_VALUE_REAL, &p->tok.pos);
      value->real = p->tok.real;
      next (p);
      return value;
    case CR_MOF_TOKEN_STRING:
      return parse_strings (p);
    case CR_MOF_TOKEN_CHAR:
      value = value_new (p, CR_MOF_VALUE_CHAR, &p->tok.pos);
      value->text = take_text (p);
      value->length = p->tok.length;
      next (p);
      return value;
    case CR_MOF_TOKEN_ALIAS:
      if (!allow_alias)
        {
          error_at (p, &p->tok.pos, _("an alias can only be the value of a reference property of an instance"));
          return NULL;
        }
      value = value_new (p, CR_MOF_VALUE_ALIAS, &p->tok.pos);
      value->text = take_text (p);
      value->length = p->tok.length;
      next (p);
      return value;
    case CR_MOF_TOKEN_PLUS:
    case CR_MOF_TOKEN_MINUS:
      {
        gboolean negative = at (p, CR_MOF_TOKEN_MINUS);
        CrMofPos pos = p->tok.pos;

        next (p);
        if (!is_infinity_word (p))
          {
            expected (p, _("a number after the sign"));
            return NULL;
          }
        value = value_new (p, CR_MOF_VALUE_REAL, &pos);
        value->real = negative ? -INFINITY : INFINITY;
        next (p);
        return value;
      }
    case CR_MOF_TOKEN_IDENTIFIER:
      if (at_keyword (p, "true") || at_keyword (p, "false"))
        {
          value = value_new (p, CR_MOF_VALUE_BOOLEAN, &p->tok.pos);
          value->boolean = at_keyword (p, "true");
          next (p);
          return value;
        }
      if (at_keyword (p, "null"))
        {
          value = value_new (p, CR_MOF_VALUE_NULL, &p->tok.pos);
          next (p);
          return value;
        }
      if (at_keyword (p, "NaN") || is_infinity_word (p))
        {
          value = value_new (p, CR_MOF_VALUE_REAL, &p->tok.pos);
          value->real = at_keyword (p, "NaN") ? NAN : INFINITY;
          next (p);
          return value;
        }
      if (at_keyword (p, "instance") || at_keyword (p, "value"))
        {
          error_at (p, &p->tok.pos, _("embedded instances and structure values are not supported"));
          return NULL;
        }
      break;
    case CR_MOF_TOKEN_EOF:
    case CR_MOF_TOKEN_PRAGMA:
    case CR_MOF_TOKEN_INCLUDE:
    case CR_MOF_TOKEN_LBRACE:
    case CR_MOF_TOKEN_RBRACE:
    case CR_MOF_TOKEN_LPAREN:
    case CR_MOF_TOKEN_RPAREN:
    case CR_MOF_TOKEN_LBRACKET:
    case CR_MOF_TOKEN_RBRACKET:
    case CR_MOF_TOKEN_SEMICOLON:
    case CR_MOF_TOKEN_COMMA:
    case CR_MOF_TOKEN_COLON:
    case CR_MOF_TOKEN_EQUALS:
    default:
      break;
    }
  expected (p, _("a value"));
  return NULL;
}

/* "{" [value {"," value}] "}": the elements are scalars. */
static CrMofValue *
parse_array (Parser *p, gboolean allow_alias)
{
  CrMofValue *value = value_new (p, CR_MOF_VALUE_ARRAY, &p->tok.pos);
  g_autoptr (GPtrArray) elements = g_ptr_array_new ();
  gboolean reported = FALSE;

  next (p); /* "{" */
  if (!at (p, CR_MOF_TOKEN_RBRACE))
    {
      for (;;)
        {
          CrMofValue *element;

          if (at (p, CR_MOF_TOKEN_LBRACE))
            {
              error_at (p, &p->tok.pos, _("the elements of an array cannot be arrays"));
              return NULL;
            }
          element = parse_scalar (p, allow_alias);
          if (element == NULL)
            return NULL;
          if (elements->len >= CR_MAX_ARRAY_ELEMENTS)
            {
              if (!reported)
                cr_mof_sink_error (p->sink, &element->pos,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "an array has at most %d element",
                                                "an array has at most %d elements",
                                                CR_MAX_ARRAY_ELEMENTS),
                                   CR_MAX_ARRAY_ELEMENTS);
              reported = TRUE;
            }
          else
            {
              g_ptr_array_add (elements, element);
            }
          if (!at (p, CR_MOF_TOKEN_COMMA))
            break;
          next (p);
        }
    }
  if (!expect (p, CR_MOF_TOKEN_RBRACE, _("“,” or “}”")))
    return NULL;
  value->elements = (CrMofValue **) cr_mof_arena_steal_array (p->arena, elements, &value->n_elements);
  return value;
}

static CrMofValue *
parse_value (Parser *p, gboolean allow_alias)
{
  if (at (p, CR_MOF_TOKEN_LBRACE))
    return parse_array (p, allow_alias);
  return parse_scalar (p, allow_alias);
}

/* Qualifiers */

static gboolean
parse_flavor_word (Parser *p, CrFlavor *set, CrFlavor *cleared, CrMofPos *enable_override_pos)
{
  if (at_keyword (p, "EnableOverride"))
    {
      *cleared |= CR_FLAVOR_DISABLE_OVERRIDE;
      *enable_override_pos = p->tok.pos;
    }
  else if (at_keyword (p, "DisableOverride"))
    *set |= CR_FLAVOR_DISABLE_OVERRIDE;
  else if (at_keyword (p, "ToSubclass"))
    *cleared |= CR_FLAVOR_RESTRICTED;
  else if (at_keyword (p, "Restricted") || at_keyword (p, "NotToSubclass"))
    *set |= CR_FLAVOR_RESTRICTED;
  else if (at_keyword (p, "Translatable"))
    *set |= CR_FLAVOR_TRANSLATABLE;
  else if (at_keyword (p, "ToInstance") || at_keyword (p, "NotToInstance"))
    ; /* WMI: instances carry no qualifiers here, so there is nothing to propagate */
  else if (at_keyword (p, "Amended"))
    cr_mof_sink_warning (p->sink, &p->tok.pos,
                         _("the WMI flavor Amended (localized qualifiers) is not supported and is ignored"));
  else
    return FALSE;
  if ((*set & *cleared) != 0)
    {
      error_at (p, &p->tok.pos, _("contradictory flavors: EnableOverride and DisableOverride, "
                                  "or ToSubclass and Restricted, cannot both be given"));
      return FALSE;
    }
  next (p);
  return TRUE;
}

/* qualifier = name [ "(" value ")" | array ] [ ":" flavor { flavor } ] */
static CrMofQualifier *
parse_qualifier (Parser *p)
{
  CrMofQualifier *qualifier = cr_mof_arena_alloc (p->arena, sizeof (CrMofQualifier));

  qualifier->name = take_name (p, _("a qualifier name"), &qualifier->pos);
  if (qualifier->name == NULL)
    return NULL;
  if (at (p, CR_MOF_TOKEN_LPAREN))
    {
      next (p);
      qualifier->value = parse_value (p, FALSE);
      if (qualifier->value == NULL || !expect (p, CR_MOF_TOKEN_RPAREN, "“)”"))
        return NULL;
    }
  else if (at (p, CR_MOF_TOKEN_LBRACE))
    {
      qualifier->value = parse_array (p, FALSE);
      if (qualifier->value == NULL)
        return NULL;
    }
  if (at (p, CR_MOF_TOKEN_COLON))
    {
      next (p);
      if (!parse_flavor_word (p, &qualifier->set_flavors, &qualifier->cleared_flavors,
                              &qualifier->enable_override_pos))
        {
          expected (p, _("a flavor (EnableOverride, DisableOverride, ToSubclass, Restricted, Translatable)"));
          return NULL;
        }
      while (at (p, CR_MOF_TOKEN_IDENTIFIER))
        {
          if (!parse_flavor_word (p, &qualifier->set_flavors, &qualifier->cleared_flavors,
                                  &qualifier->enable_override_pos))
            {
              expected (p, _("a flavor (EnableOverride, DisableOverride, ToSubclass, Restricted, Translatable), “,” or “]”"));
              return NULL;
            }
        }
    }
  return qualifier;
}

static gboolean
parse_qualifier_list (Parser *p, CrMofQualifierList *list)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  next (p); /* "[" */
  for (;;)
    {
      CrMofQualifier *qualifier = parse_qualifier (p);

      if (qualifier == NULL)
        return FALSE;
      if (items->len >= CR_MAX_QUALIFIERS)
        {
          error_at (p, &qualifier->pos,
                    g_dngettext (GETTEXT_PACKAGE,
                                 "an element has at most %d qualifier",
                                 "an element has at most %d qualifiers",
                                 CR_MAX_QUALIFIERS),
                    CR_MAX_QUALIFIERS);
          return FALSE;
        }
      g_ptr_array_add (items, qualifier);
      if (!at (p, CR_MOF_TOKEN_COMMA))
        break;
      next (p);
    }
  if (!expect (p, CR_MOF_TOKEN_RBRACKET, _("“,” or “]”")))
    return FALSE;
  list->items = (CrMofQualifier **) cr_mof_arena_steal_array (p->arena, items, &list->n);
  return TRUE;
}

static gboolean
parse_optional_qualifiers (Parser *p, CrMofQualifierList *list)
{
  if (!at (p, CR_MOF_TOKEN_LBRACKET))
    return TRUE;
  return parse_qualifier_list (p, list);
}

/* Types */

static CrCimType
data_type_of (Parser *p)
{
  CrCimType type;

  if (!at (p, CR_MOF_TOKEN_IDENTIFIER))
    return CR_CIM_TYPE_INVALID;
  type = cr_cim_type_from_string (p->tok.text);
  /* "reference" is the model's name for references, not a MOF type. */
  if (type == CR_CIM_TYPE_REFERENCE || CR_CIM_TYPE_IS_ARRAY (type))
    return CR_CIM_TYPE_INVALID;
  return type;
}

static gboolean
at_unsupported_type (Parser *p)
{
  return at_keyword (p, "object") || at_keyword (p, "octetstring");
}

/* "[" [size] "]" after a name. */
static gboolean
parse_array_suffix (Parser *p, CrMofType *type)
{
  if (!at (p, CR_MOF_TOKEN_LBRACKET))
    return TRUE;
  type->array_pos = p->tok.pos;
  next (p);
  type->type |= CR_CIM_FLAG_ARRAY;
  if (at (p, CR_MOF_TOKEN_INTEGER))
    {
      if (p->tok.negative || p->tok.magnitude == 0 || p->tok.overflow ||
          p->tok.magnitude > CR_MAX_ARRAY_ELEMENTS)
        {
          error_at (p, &p->tok.pos, _("the size of an array is from 1 to %d"), CR_MAX_ARRAY_ELEMENTS);
          return FALSE;
        }
      type->array_size = (guint) p->tok.magnitude;
      next (p);
    }
  return expect (p, CR_MOF_TOKEN_RBRACKET, _("an array size or “]”"));
}

/* A data type, or "ClassName REF", or (for methods) void. */
static gboolean
parse_type (Parser *p, CrMofType *type, gboolean allow_void)
{
  type->pos = p->tok.pos;
  if (at_unsupported_type (p))
    {
      error_at (p, &p->tok.pos, _("the types object and octetstring (embedded objects) are not supported"));
      return FALSE;
    }
  if (allow_void && at_keyword (p, "void"))
    {
      type->type = CR_CIM_TYPE_INVALID;
      next (p);
      return TRUE;
    }
  type->type = data_type_of (p);
  if (type->type != CR_CIM_TYPE_INVALID)
    {
      next (p);
      return TRUE;
    }
  if (!at (p, CR_MOF_TOKEN_IDENTIFIER))
    {
      expected (p, _("a data type or a class name followed by REF"));
      return FALSE;
    }
  type->reference_class = take_text (p);
  type->reference_class_pos = p->tok.pos;
  next (p);
  if (!at_keyword (p, "ref"))
    {
      g_autofree char *shown = cr_text_for_display (type->reference_class);

      error_at (p, &type->pos,
                _("“%s” is not a data type: expected a data type (uint8 … uint64, sint8 … sint64, "
                  "real32, real64, char16, string, boolean, datetime) or a class name followed by REF"),
                shown);
      return FALSE;
    }
  next (p);
  type->type = CR_CIM_TYPE_REFERENCE;
  return TRUE;
}

/* Classes */

static CrMofParameter *
parse_parameter (Parser *p)
{
  CrMofParameter *parameter = cr_mof_arena_alloc (p->arena, sizeof (CrMofParameter));

  if (!parse_optional_qualifiers (p, &parameter->qualifiers) ||
      !parse_type (p, &parameter->type, FALSE))
    return NULL;
  parameter->name = take_name (p, _("a parameter name"), &parameter->pos);
  if (parameter->name == NULL || !parse_array_suffix (p, &parameter->type))
    return NULL;
  if (at (p, CR_MOF_TOKEN_EQUALS))
    {
      error_at (p, &p->tok.pos, _("default values of parameters are not supported"));
      return NULL;
    }
  return parameter;
}

static gboolean
parse_parameters (Parser *p, CrMofFeature *method)
{
  g_autoptr (GPtrArray) parameters = g_ptr_array_new ();

  next (p); /* "(" */
  if (!at (p, CR_MOF_TOKEN_RPAREN))
    {
      for (;;)
        {
          CrMofParameter *parameter = parse_parameter (p);

          if (parameter == NULL)
            return FALSE;
          if (parameters->len >= CR_MAX_PARAMETERS)
            {
              error_at (p, &parameter->pos,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "a method has at most %d parameter",
                                     "a method has at most %d parameters",
                                     CR_MAX_PARAMETERS),
                        CR_MAX_PARAMETERS);
              return FALSE;
            }
          g_ptr_array_add (parameters, parameter);
          if (!at (p, CR_MOF_TOKEN_COMMA))
            break;
          next (p);
        }
    }
  if (!expect (p, CR_MOF_TOKEN_RPAREN, _("“,” or “)”")))
    return FALSE;
  method->parameters = (CrMofParameter **) cr_mof_arena_steal_array (p->arena, parameters, &method->n_parameters);
  return TRUE;
}

/* feature = [qualifiers] type name ( "(" parameters ")" | [array] ["=" value] ) ";" */
static CrMofFeature *
parse_feature (Parser *p)
{
  CrMofFeature *feature = cr_mof_arena_alloc (p->arena, sizeof (CrMofFeature));

  if (!parse_optional_qualifiers (p, &feature->qualifiers) ||
      !parse_type (p, &feature->type, TRUE))
    return NULL;
  feature->name = take_name (p, _("a property or method name"), &feature->pos);
  if (feature->name == NULL)
    return NULL;
  if (at (p, CR_MOF_TOKEN_LPAREN))
    {
      feature->is_method = TRUE;
      if (feature->type.reference_class != NULL)
        {
          error_at (p, &feature->type.pos, _("a method cannot return a reference"));
          return NULL;
        }
      if (!parse_parameters (p, feature))
        return NULL;
    }
  else
    {
      if (feature->type.type == CR_CIM_TYPE_INVALID)
        {
          error_at (p, &feature->type.pos, _("only a method can be void"));
          return NULL;
        }
      if (!parse_array_suffix (p, &feature->type))
        return NULL;
      if (at (p, CR_MOF_TOKEN_EQUALS))
        {
          next (p);
          feature->default_value = parse_value (p, FALSE);
          if (feature->default_value == NULL)
            return NULL;
        }
    }
  if (!expect (p, CR_MOF_TOKEN_SEMICOLON, "“;”"))
    return NULL;
  return feature;
}

/* Returns FALSE when the declaration cannot go on (the caller resyncs). */
static gboolean
parse_alias (Parser *p, CrMofDecl *decl)
{
  if (!at_keyword (p, "as"))
    return TRUE;
  next (p);
  if (!at (p, CR_MOF_TOKEN_ALIAS))
    {
      expected (p, _("an alias (“$name”)"));
      return FALSE;
    }
  decl->alias = take_text (p);
  decl->alias_pos = p->tok.pos;
  next (p);
  return TRUE;
}

static gboolean
parse_class (Parser *p, CrMofDecl *decl)
{
  g_autoptr (GPtrArray) features = g_ptr_array_new ();
  guint body_depth;

  decl->kind = CR_MOF_DECL_CLASS;
  next (p); /* class, association or indication */
  decl->name = take_name (p, _("a class name"), &decl->name_pos);
  if (decl->name == NULL || !parse_alias (p, decl))
    return FALSE;
  if (at (p, CR_MOF_TOKEN_COLON))
    {
      next (p);
      decl->superclass = take_name (p, _("a superclass name"), &decl->superclass_pos);
      if (decl->superclass == NULL)
        return FALSE;
    }
  if (!expect (p, CR_MOF_TOKEN_LBRACE, decl->superclass == NULL ? _("“:” or “{”") : "“{”"))
    return FALSE;
  body_depth = p->nesting;
  while (!at (p, CR_MOF_TOKEN_RBRACE) && !at (p, CR_MOF_TOKEN_EOF) && !p->sink->full)
    {
      CrMofFeature *feature = parse_feature (p);

      if (feature == NULL)
        {
          sync_member (p, body_depth);
          if (p->nesting < body_depth)
            return FALSE; /* a stray bracket closed the body */
          continue;
        }
      p->panic = FALSE;
      if (features->len >= CR_MAX_PROPERTIES + CR_MAX_METHODS)
        {
          /* Two counts, each with its own plural form */
          g_autofree char *properties = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                      "%d property",
                                                                      "%d properties",
                                                                      CR_MAX_PROPERTIES),
                                                         CR_MAX_PROPERTIES);
          g_autofree char *methods = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                   "%d method",
                                                                   "%d methods",
                                                                   CR_MAX_METHODS),
                                                      CR_MAX_METHODS);

          /* Translators: the first %s is a number of properties ("4096
           * properties"), the second a number of methods ("1024 methods"). */
          error_at (p, &feature->pos, _("a class has at most %s and %s"), properties, methods);
          p->panic = FALSE;
          continue;
        }
      g_ptr_array_add (features, feature);
    }
  if (!expect (p, CR_MOF_TOKEN_RBRACE, "“}”"))
    return FALSE;
  decl->features = (CrMofFeature **) cr_mof_arena_steal_array (p->arena, features, &decl->n_features);
  expect_end (p);
  return TRUE;
}

/* Instances */

static CrMofPropertyValue *
parse_property_value (Parser *p)
{
  CrMofPropertyValue *pv = cr_mof_arena_alloc (p->arena, sizeof (CrMofPropertyValue));

  if (!parse_optional_qualifiers (p, &pv->qualifiers))
    return NULL;
  pv->name = take_name (p, _("a property name"), &pv->pos);
  if (pv->name == NULL || !expect (p, CR_MOF_TOKEN_EQUALS, "“=”"))
    return NULL;
  pv->value = parse_value (p, TRUE);
  if (pv->value == NULL || !expect (p, CR_MOF_TOKEN_SEMICOLON, "“;”"))
    return NULL;
  return pv;
}

static gboolean
parse_instance (Parser *p, CrMofDecl *decl)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  guint body_depth;

  decl->kind = CR_MOF_DECL_INSTANCE;
  next (p); /* instance */
  if (!at_keyword (p, "of"))
    {
      expected (p, "“of”");
      return FALSE;
    }
  next (p);
  decl->name = take_name (p, _("a class name"), &decl->name_pos);
  if (decl->name == NULL || !parse_alias (p, decl) ||
      !expect (p, CR_MOF_TOKEN_LBRACE, decl->alias == NULL ? _("“as” or “{”") : "“{”"))
    return FALSE;
  body_depth = p->nesting;
  while (!at (p, CR_MOF_TOKEN_RBRACE) && !at (p, CR_MOF_TOKEN_EOF) && !p->sink->full)
    {
      CrMofPropertyValue *pv = parse_property_value (p);

      if (pv == NULL)
        {
          sync_member (p, body_depth);
          if (p->nesting < body_depth)
            return FALSE; /* a stray bracket closed the body */
          continue;
        }
      p->panic = FALSE;
      if (values->len >= CR_MAX_PROPERTIES)
        {
          error_at (p, &pv->pos,
                    g_dngettext (GETTEXT_PACKAGE,
                                 "an instance has at most %d property value",
                                 "an instance has at most %d property values",
                                 CR_MAX_PROPERTIES),
                    CR_MAX_PROPERTIES);
          p->panic = FALSE;
          continue;
        }
      g_ptr_array_add (values, pv);
    }
  if (!expect (p, CR_MOF_TOKEN_RBRACE, "“}”"))
    return FALSE;
  decl->values = (CrMofPropertyValue **) cr_mof_arena_steal_array (p->arena, values, &decl->n_values);
  expect_end (p);
  return TRUE;
}

/* Qualifier declarations */

static const struct {
  const char *name;
  CrScope scope;
} scope_words[] = {
  { "class", CR_SCOPE_CLASS },
  { "association", CR_SCOPE_ASSOCIATION },
  { "indication", CR_SCOPE_INDICATION },
  { "property", CR_SCOPE_PROPERTY },
  { "reference", CR_SCOPE_REFERENCE },
  { "method", CR_SCOPE_METHOD },
  { "parameter", CR_SCOPE_PARAMETER },
  { "qualifier", CR_SCOPE_QUALIFIER },
  { "any", CR_SCOPE_ANY },
};

static gboolean
parse_scope (Parser *p, CrMofDecl *decl)
{
  next (p); /* scope */
  if (!expect (p, CR_MOF_TOKEN_LPAREN, "“(”"))
    return FALSE;
  if (at (p, CR_MOF_TOKEN_RPAREN))
    {
      /* Scope(): a qualifier that can be used nowhere, as a repository
       * may hold one. */
      next (p);
      return TRUE;
    }
  for (;;)
    {
      gboolean found = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (scope_words) && !found; i++)
        {
          if (at_keyword (p, scope_words[i].name))
            {
              decl->scope |= scope_words[i].scope;
              found = TRUE;
            }
        }
      if (!found)
        {
          expected (p, _("a scope (class, association, indication, property, reference, method, "
                         "parameter, qualifier or any)"));
          return FALSE;
        }
      next (p);
      if (!at (p, CR_MOF_TOKEN_COMMA))
        break;
      next (p);
    }
  return expect (p, CR_MOF_TOKEN_RPAREN, _("“,” or “)”"));
}

static gboolean
parse_default_flavor (Parser *p, CrMofDecl *decl)
{
  CrFlavor set = 0, cleared = 0;
  CrMofPos unused;

  next (p); /* flavor or policy */
  if (!expect (p, CR_MOF_TOKEN_LPAREN, "“(”"))
    return FALSE;
  for (;;)
    {
      if (!parse_flavor_word (p, &set, &cleared, &unused))
        {
          expected (p, _("a flavor (EnableOverride, DisableOverride, ToSubclass, Restricted, Translatable)"));
          return FALSE;
        }
      if (!at (p, CR_MOF_TOKEN_COMMA))
        break;
      next (p);
    }
  decl->flavor = set;
  return expect (p, CR_MOF_TOKEN_RPAREN, _("“,” or “)”"));
}

/* Qualifier name ":" type [array] ["=" value] ["," Scope(…)] ["," Flavor(…)] ";"
 * (CIM 2.x); CIM 3.0's form without the commas, and with Policy for
 * Flavor, is read too. */
static gboolean
parse_qualifier_type (Parser *p, CrMofDecl *decl)
{
  gboolean have_scope = FALSE;

  decl->kind = CR_MOF_DECL_QUALIFIER_TYPE;
  next (p); /* qualifier */
  decl->name = take_name (p, _("a qualifier name"), &decl->name_pos);
  if (decl->name == NULL || !expect (p, CR_MOF_TOKEN_COLON, "“:”"))
    return FALSE;
  decl->type.pos = p->tok.pos;
  decl->type.type = data_type_of (p);
  if (decl->type.type == CR_CIM_TYPE_INVALID)
    {
      expected (p, _("the qualifier's data type"));
      return FALSE;
    }
  next (p);
  if (!parse_array_suffix (p, &decl->type))
    return FALSE;
  if (at (p, CR_MOF_TOKEN_EQUALS))
    {
      next (p);
      decl->default_value = parse_value (p, FALSE);
      if (decl->default_value == NULL)
        return FALSE;
    }
  if (at (p, CR_MOF_TOKEN_COMMA))
    next (p);
  if (at_keyword (p, "scope"))
    {
      if (!parse_scope (p, decl))
        return FALSE;
      have_scope = TRUE;
      if (at (p, CR_MOF_TOKEN_COMMA))
        next (p);
    }
  if (at_keyword (p, "flavor") || at_keyword (p, "policy"))
    {
      if (!parse_default_flavor (p, decl))
        return FALSE;
    }
  if (!at (p, CR_MOF_TOKEN_SEMICOLON))
    {
      expected (p, have_scope ? _("“Flavor(…)” or “;”") : _("“Scope(…)”, “Flavor(…)” or “;”"));
      return FALSE;
    }
  if (!have_scope)
    {
      decl->scope = CR_SCOPE_ANY;
      cr_mof_sink_warning (p->sink, &decl->name_pos, _("the qualifier declaration has no Scope: any is assumed"));
    }
  next (p);
  return TRUE;
}

/* Pragmas */

typedef struct {
  CrMofValue **items;
  guint n;
} PragmaArgs;

/* "(" arg {"," arg} ")", each a string, a name or a number; or nothing
 * (WMI's "#pragma autorecover"). */
static gboolean
parse_pragma_args (Parser *p, PragmaArgs *args)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  args->n = 0;
  if (!at (p, CR_MOF_TOKEN_LPAREN))
    return TRUE;
  next (p);
  for (;;)
    {
      CrMofValue *value;

      if (at (p, CR_MOF_TOKEN_IDENTIFIER))
        {
          value = value_new (p, CR_MOF_VALUE_STRING, &p->tok.pos);
          value->text = take_text (p);
          value->length = p->tok.length;
          next (p);
        }
      else
        {
          value = parse_scalar (p, FALSE);
          if (value == NULL)
            return FALSE;
        }
      if (items->len < 16)
        g_ptr_array_add (items, value);
      if (!at (p, CR_MOF_TOKEN_COMMA))
        break;
      next (p);
    }
  if (!expect (p, CR_MOF_TOKEN_RPAREN, _("“,” or “)”")))
    return FALSE;
  args->items = (CrMofValue **) cr_mof_arena_steal_array (p->arena, items, &args->n);
  return TRUE;
}

static gboolean
pragma_string_arg (Parser *p, const PragmaArgs *args, guint index, const char *pragma, const CrMofPos *pos,
                   const char **out)
{
  if (index >= args->n || args->items[index]->kind != CR_MOF_VALUE_STRING)
    {
      if (index < args->n)
        error_at (p, &args->items[index]->pos, _("#pragma %s takes a string here"), pragma);
      else
        error_at (p, pos, _("#pragma %s lacks a string argument"), pragma);
      p->panic = FALSE;
      return FALSE;
    }
  *out = args->items[index]->text;
  return TRUE;
}

static void
do_namespace (Parser *p, const PragmaArgs *args, const CrMofPos *pos)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *resolved = NULL;
  const char *text;
  guint index = 0;

  if (!pragma_string_arg (p, args, 0, "namespace", pos, &text))
    return;
  /* "__reset" goes back to the namespace the file started in;
   * ("__set", path) is the same as (path). */
  if (g_ascii_strcasecmp (text, "__reset") == 0)
    {
      if (args->n > 1)
        cr_mof_sink_warning (p->sink, &args->items[1]->pos, _("#pragma namespace (\"__reset\") takes no more arguments"));
      p->namespace_ = p->file_namespace;
      return;
    }
  if (g_ascii_strcasecmp (text, "__set") == 0)
    {
      if (!pragma_string_arg (p, args, 1, "namespace", pos, &text))
        return;
      index = 1;
      if (args->n > 2)
        cr_mof_sink_warning (p->sink, &args->items[2]->pos, _("#pragma namespace takes at most two arguments"));
    }
  else if (args->n > 1)
    {
      cr_mof_sink_warning (p->sink, &args->items[1]->pos, _("#pragma namespace takes one namespace; the rest is ignored"));
    }
  resolved = cr_mof_namespace_resolve (p->namespace_, text, &local_error);
  if (resolved == NULL)
    {
      cr_mof_sink_error (p->sink, &args->items[index]->pos, "%s", local_error->message);
      return;
    }
  p->namespace_ = cr_mof_arena_strndup (p->arena, resolved, strlen (resolved));
}

static char *
include_chain (Context *ctx, const char *last)
{
  g_autoptr (GString) chain = g_string_new (NULL);
  gboolean started = FALSE;

  for (guint i = 0; i < ctx->stack->len; i++)
    {
      if (!started && g_strcmp0 (g_ptr_array_index (ctx->stack, i), last) != 0)
        continue;
      started = TRUE;
      g_string_append (chain, g_ptr_array_index (ctx->stack_names, i));
      g_string_append (chain, " → ");
    }
  return g_string_free (g_steal_pointer (&chain), FALSE);
}

static char *
real_path_of (const char *path)
{
#ifdef G_OS_UNIX
  char *resolved = realpath (path, NULL);

  if (resolved != NULL)
    {
      char *copy = g_strdup (resolved);

      free (resolved);
      return copy;
    }
#endif
  return g_canonicalize_filename (path, NULL);
}

static void
do_include (Parser *p, const char *name, const CrMofPos *pos)
{
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;
  g_autofree char *real = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *done_key = NULL;
  g_autofree char *shown = cr_text_for_display (name);

  if (*name == '\0')
    {
      cr_mof_sink_error (p->sink, pos, _("#pragma include needs a file name"));
      return;
    }
  if (p->base_dir == NULL)
    {
      cr_mof_sink_error (p->sink, pos, _("this input cannot include files: it has no directory to find “%s” in"), shown);
      return;
    }

  if (g_path_is_absolute (name))
    {
      if (g_file_test (name, G_FILE_TEST_IS_REGULAR))
        path = g_strdup (name);
    }
  else
    {
      g_autofree char *candidate = g_build_filename (p->base_dir, name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        path = g_steal_pointer (&candidate);
      for (guint i = 0; path == NULL && p->ctx->include_dirs != NULL && p->ctx->include_dirs[i] != NULL; i++)
        {
          g_free (candidate);
          candidate = g_build_filename (p->ctx->include_dirs[i], name, NULL);
          if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
            path = g_steal_pointer (&candidate);
        }
    }
  if (path == NULL)
    {
      cr_mof_sink_error (p->sink, pos, _("cannot find the included file “%s”"), shown);
      return;
    }

  /* Diagnostics name an included file as the user reaches it from the
   * file they named: the includer's directory joined to the name. */
  dir = g_path_get_dirname (p->display_name);
  {
    g_autofree char *from_base = g_build_filename (p->base_dir, name, NULL);

    if (g_path_is_absolute (name) || strcmp (from_base, path) != 0)
      display = g_strdup (path);
    else if (strcmp (dir, ".") == 0)
      display = g_strdup (name);
    else
      display = g_build_filename (dir, name, NULL);
  }

  real = real_path_of (path);
  for (guint i = 0; i < p->ctx->stack->len; i++)
    {
      if (strcmp (g_ptr_array_index (p->ctx->stack, i), real) == 0)
        {
          g_autofree char *chain = include_chain (p->ctx, real);

          cr_mof_sink_error (p->sink, pos, _("include cycle: %s%s"), chain, display);
          return;
        }
    }
  if (p->depth + 1 >= CR_MOF_MAX_INCLUDE_DEPTH)
    {
      cr_mof_sink_error (p->sink, pos,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "includes nest more than %d level deep",
                                      "includes nest more than %d levels deep",
                                      CR_MOF_MAX_INCLUDE_DEPTH),
                         CR_MOF_MAX_INCLUDE_DEPTH);
      return;
    }
  done_key = g_strdup_printf ("%s\n%s", real, p->namespace_);
  if (g_hash_table_contains (p->ctx->done, done_key))
    {
      cr_mof_sink_warning (p->sink, pos, _("“%s” was already included for namespace %s: it is not read again"),
                           shown, p->namespace_);
      return;
    }
  g_hash_table_add (p->ctx->done, g_steal_pointer (&done_key));
  {
    g_autofree char *base = g_path_get_dirname (path);

    parse_file (p->ctx, display, path, real, NULL, base, p->namespace_, p->depth + 1, pos);
  }
}

static const char *const ignored_pragmas[] = {
  "instancelocale",
  "nonlocal",
  "nonlocaltype",
  "source",
  "sourcetype",
  "classflags",
  "instanceflags",
  "deleteclass",
  "deleteinstance",
  "autorecover",
  "amendment",
  "comment",
};

static void
parse_pragma (Parser *p)
{
  CrMofPos pos = p->tok.pos;
  CrMofPos name_pos;
  const char *name;
  PragmaArgs args = { NULL, 0 };

  if (at (p, CR_MOF_TOKEN_INCLUDE))
    {
      /* WMI's old #include ("file") */
      next (p);
      name = "include";
      name_pos = pos;
    }
  else
    {
      next (p);
      name = take_name (p, _("a pragma name"), &name_pos);
      if (name == NULL)
        {
          sync_top (p);
          return;
        }
    }
  if (!parse_pragma_args (p, &args))
    {
      sync_top (p);
      return;
    }
  /* A pragma needs no ";", but one is often written. */
  if (at (p, CR_MOF_TOKEN_SEMICOLON))
    next (p);
  p->panic = FALSE;

  if (g_ascii_strcasecmp (name, "include") == 0)
    {
      const char *file;

      if (pragma_string_arg (p, &args, 0, "include", &name_pos, &file))
        do_include (p, file, &args.items[0]->pos);
      return;
    }
  if (g_ascii_strcasecmp (name, "namespace") == 0)
    {
      do_namespace (p, &args, &name_pos);
      return;
    }
  if (g_ascii_strcasecmp (name, "locale") == 0)
    {
      /* The locale of the strings that follow: they are UTF-8 text
       * whatever it is, so there is nothing to do. */
      const char *unused;

      pragma_string_arg (p, &args, 0, "locale", &name_pos, &unused);
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (ignored_pragmas); i++)
    {
      if (g_ascii_strcasecmp (name, ignored_pragmas[i]) == 0)
        {
          cr_mof_sink_warning (p->sink, &name_pos, _("#pragma %s is not supported and is ignored"), ignored_pragmas[i]);
          return;
        }
    }
  {
    g_autofree char *shown = cr_text_for_display (name);

    cr_mof_sink_warning (p->sink, &name_pos, _("unknown #pragma %s is ignored"), shown);
  }
}

/* Declarations */

static CrMofDecl *
decl_new (Parser *p)
{
  CrMofDecl *decl = cr_mof_arena_alloc (p->arena, sizeof (CrMofDecl));

  decl->namespace_ = p->namespace_;
  return decl;
}

static void
parse_production (Parser *p)
{
  CrMofDecl *decl;
  gboolean ok;

  if (at (p, CR_MOF_TOKEN_PRAGMA) || at (p, CR_MOF_TOKEN_INCLUDE))
    {
      parse_pragma (p);
      return;
    }
  if (at (p, CR_MOF_TOKEN_SEMICOLON))
    {
      cr_mof_sink_warning (p->sink, &p->tok.pos, _("an empty declaration (a lone “;”) is ignored"));
      next (p);
      return;
    }

  decl = decl_new (p);
  decl->pos = p->tok.pos;
  if (at (p, CR_MOF_TOKEN_LBRACKET) && !parse_qualifier_list (p, &decl->qualifiers))
    {
      sync_top (p);
      return;
    }
  if (decl->qualifiers.n > 0)
    decl->pos = p->tok.pos;

  if (at_keyword (p, "class"))
    {
      ok = parse_class (p, decl);
    }
  else if (at_keyword (p, "association"))
    {
      decl->keyword = CR_MOF_CLASS_KEYWORD_ASSOCIATION;
      ok = parse_class (p, decl);
    }
  else if (at_keyword (p, "indication"))
    {
      decl->keyword = CR_MOF_CLASS_KEYWORD_INDICATION;
      ok = parse_class (p, decl);
    }
  else if (at_keyword (p, "instance"))
    {
      ok = parse_instance (p, decl);
    }
  else if (at_keyword (p, "qualifier"))
    {
      if (decl->qualifiers.n > 0)
        cr_mof_sink_warning (p->sink, &decl->qualifiers.items[0]->pos,
                             _("qualifiers on a qualifier declaration are not stored and are ignored"));
      ok = parse_qualifier_type (p, decl);
    }
  else if (at_keyword (p, "structure") || at_keyword (p, "enumeration") || at_keyword (p, "value"))
    {
      error_at (p, &p->tok.pos, _("structures, enumerations and their values (CIM 3.0) are not supported"));
      ok = FALSE;
    }
  else
    {
      expected (p, decl->qualifiers.n > 0
                     ? _("“class”, “association”, “indication”, “instance” or “qualifier”")
                     : _("a declaration (“class”, “instance of”, “qualifier”, “[”) or “#pragma”"));
      ok = FALSE;
    }
  if (!ok)
    {
      sync_top (p);
      return;
    }
  p->panic = FALSE;
  p->n_decls++;
  if (p->unit->decls->len >= CR_MOF_MAX_DECLARATIONS)
    {
      cr_mof_sink_error (p->sink, &decl->pos,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "a compilation has at most %d declaration",
                                      "a compilation has at most %d declarations",
                                      CR_MOF_MAX_DECLARATIONS),
                         CR_MOF_MAX_DECLARATIONS);
      return;
    }
  g_ptr_array_add (p->unit->decls, decl);
}

/* Files */

static GBytes *
read_file (Context *ctx, const char *path, const char *display, const CrMofPos *include_pos)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  CrMofSink *sink = &ctx->unit->sink;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && (guint64) st.st_size > CR_MOF_MAX_FILE_BYTES)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is larger than %d MiB"), display,
                                                  CR_MOF_MAX_FILE_BYTES / (1024 * 1024));

      if (include_pos != NULL)
        cr_mof_sink_error (sink, include_pos, "%s", message);
      else
        cr_mof_sink_file_error (sink, display, message);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error) || length > CR_MOF_MAX_FILE_BYTES ||
      ctx->unit->bytes_read + length > CR_MOF_MAX_UNIT_BYTES)
    {
      g_autofree char *message = NULL;

      if (local_error != NULL)
        message = g_strdup (local_error->message);
      else if (length > CR_MOF_MAX_FILE_BYTES)
        message = g_strdup_printf (_("“%s” is larger than %d MiB"), display, CR_MOF_MAX_FILE_BYTES / (1024 * 1024));
      else
        message = g_strdup_printf (_("the files of one compilation hold at most %d MiB"),
                                   (int) (CR_MOF_MAX_UNIT_BYTES / (1024 * 1024)));
      if (include_pos != NULL)
        cr_mof_sink_error (sink, include_pos, "%s", message);
      else
        cr_mof_sink_file_error (sink, display, message);
      return NULL;
    }
  ctx->unit->bytes_read += length;
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static gboolean
parse_file (Context *ctx, const char *display_name, const char *path, const char *real_path,
            GBytes *data, const char *base_dir, const char *namespace_, guint depth,
            const CrMofPos *include_pos)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  CrMofSink *sink = &ctx->unit->sink;
  Parser parser = { 0 };
  Parser *p = &parser;
  guint32 file;

  if (g_cancellable_is_cancelled (ctx->cancellable))
    return FALSE;
  if (sink->files->len >= CR_MOF_MAX_FILES)
    {
      if (include_pos != NULL)
        cr_mof_sink_error (sink, include_pos,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "a compilation reads at most %d file",
                                        "a compilation reads at most %d files",
                                        CR_MOF_MAX_FILES),
                           CR_MOF_MAX_FILES);
      return TRUE;
    }
  if (data != NULL)
    {
      bytes = g_bytes_ref (data);
    }
  else
    {
      bytes = read_file (ctx, path, display_name, include_pos);
      if (bytes == NULL)
        return TRUE;
    }

  file = cr_mof_sink_add_file (sink, display_name);
  {
    gsize length = 0;
    const char *raw = g_bytes_get_data (bytes, &length);

    text = cr_mof_source_decode (raw != NULL ? raw : "", length, file, sink);
  }
  g_clear_pointer (&bytes, g_bytes_unref);
  if (text == NULL)
    return TRUE;

  p->ctx = ctx;
  p->unit = ctx->unit;
  p->sink = sink;
  p->arena = ctx->unit->arena;
  p->display_name = cr_mof_sink_get_file (sink, file);
  p->base_dir = base_dir;
  p->file_namespace = namespace_;
  p->namespace_ = namespace_;
  p->depth = depth;
  if (real_path != NULL)
    {
      g_ptr_array_add (ctx->stack, g_strdup (real_path));
      g_ptr_array_add (ctx->stack_names, g_strdup (display_name));
    }

  cr_mof_lexer_init (&p->lexer, text, file, p->arena, sink);
  p->brackets = g_byte_array_new ();
  next (p);
  while (!at (p, CR_MOF_TOKEN_EOF) && !sink->full)
    {
      if ((p->n_decls & 0xff) == 0 && g_cancellable_is_cancelled (ctx->cancellable))
        break;
      parse_production (p);
    }
  cr_mof_lexer_clear (&p->lexer);
  g_byte_array_unref (p->brackets);

  if (real_path != NULL)
    {
      g_ptr_array_remove_index (ctx->stack, ctx->stack->len - 1);
      g_ptr_array_remove_index (ctx->stack_names, ctx->stack_names->len - 1);
    }
  return !g_cancellable_is_cancelled (ctx->cancellable);
}

/**
 * cr_mof_parse:
 * @unit: where the declarations and diagnostics go
 * @namespace_: the canonical namespace each input starts in
 * @inputs: (element-type CrMofInput): the files and buffers, in order
 * @include_dirs: (nullable): where else to look for included files
 *
 * Reads every input into @unit. Errors go to the unit's sink.
 *
 * Returns: %FALSE only when cancelled
 */
gboolean
cr_mof_parse (CrMofUnit *unit, const char *namespace_, GPtrArray *inputs,
              const char *const *include_dirs, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) stack_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Context ctx = { unit, include_dirs, stack, stack_names, done, cancellable };
  const char *ns = cr_mof_arena_strndup (unit->arena, namespace_, strlen (namespace_));

  for (guint i = 0; i < inputs->len && !unit->sink.full; i++)
    {
      const CrMofInput *input = g_ptr_array_index (inputs, i);
      gboolean ok;

      if (input->path != NULL)
        {
          g_autofree char *real = real_path_of (input->path);
          g_autofree char *base = g_path_get_dirname (input->path);
          g_autofree char *done_key = g_strdup_printf ("%s\n%s", real, ns);

          g_hash_table_add (done, g_steal_pointer (&done_key));
          ok = parse_file (&ctx, input->name, input->path, real, NULL, base, ns, 0, NULL);
        }
      else
        {
          ok = parse_file (&ctx, input->name, NULL, NULL, input->data, input->base_dir, ns, 0, NULL);
        }
      if (!ok)
        break;
    }
  return !cr_cancellable_set_error_if_cancelled (cancellable, error);
}
