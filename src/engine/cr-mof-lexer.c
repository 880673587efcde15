/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-mof-lexer-private.h"
#include "cr-types-private.h"
#include "cr-types.h"

/* Positions are counted as the lexer moves, one byte at a time: a line
 * ends at LF, CRLF or a lone CR; a column is a character (the first byte
 * of a UTF-8 sequence), so a tab counts one. */
static void
advance (CrMofLexer *lx)
{
  guchar c = (guchar) *lx->p;

  if (c == '\0')
    return;
  lx->p++;
  if (c == '\n' || (c == '\r' && *lx->p != '\n'))
    {
      lx->line++;
      lx->column = 1;
    }
  else if (c != '\r' && (c & 0xC0) != 0x80)
    {
      lx->column++;
    }
}

static void
advance_to (CrMofLexer *lx, const char *q)
{
  while (lx->p < q && *lx->p != '\0')
    advance (lx);
}

/* Moves past one whole character. */
static void
advance_char (CrMofLexer *lx)
{
  advance_to (lx, g_utf8_next_char (lx->p));
}

static CrMofPos
here (CrMofLexer *lx)
{
  CrMofPos pos = { lx->file, lx->line, lx->column };
  return pos;
}

void
cr_mof_lexer_init (CrMofLexer *lx, const char *text, guint32 file, CrMofArena *arena, CrMofSink *sink)
{
  memset (lx, 0, sizeof *lx);
  lx->p = text;
  lx->file = file;
  lx->line = 1;
  lx->column = 1;
  lx->arena = arena;
  lx->sink = sink;
  lx->scratch = g_string_new (NULL);
}

void
cr_mof_lexer_clear (CrMofLexer *lx)
{
  if (lx->scratch != NULL)
    g_string_free (lx->scratch, TRUE);
  lx->scratch = NULL;
}

/* How a character is quoted in a message: controls and spaces by their
 * code point, the rest as they are. */
static char *
describe_char (gunichar c)
{
  char buf[8] = { 0 };

  if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || g_unichar_isspace (c))
    return g_strdup_printf ("U+%04X", c);
  g_unichar_to_utf8 (c, buf);
  return g_strdup_printf ("“%s”", buf);
}

static gboolean
is_name_start (const char *p)
{
  guchar c = (guchar) *p;

  if (c < 0x80)
    return g_ascii_isalpha (c) || c == '_';
  return cr_name_char_is_valid (g_utf8_get_char (p), TRUE);
}

static gboolean
is_name_char (const char *p)
{
  guchar c = (guchar) *p;

  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '_';
  return cr_name_char_is_valid (g_utf8_get_char (p), FALSE);
}

static void
skip_space_and_comments (CrMofLexer *lx)
{
  for (;;)
    {
      char c = *lx->p;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        {
          advance (lx);
        }
      else if (c == '/' && lx->p[1] == '/')
        {
          while (*lx->p != '\0' && *lx->p != '\n' && *lx->p != '\r')
            advance (lx);
        }
      else if (c == '/' && lx->p[1] == '*')
        {
          CrMofPos start = here (lx);
          const char *end = strstr (lx->p + 2, "*/");

          if (end == NULL)
            {
              cr_mof_sink_error (lx->sink, &start, _("unterminated comment: “/*” has no “*/”"));
              advance_to (lx, lx->p + strlen (lx->p));
              return;
            }
          advance_to (lx, end + 2);
        }
      else
        {
          return;
        }
    }
}

static void
set_text (CrMofLexer *lx, CrMofToken *tok, const char *text, gsize length)
{
  g_string_truncate (lx->scratch, 0);
  g_string_append_len (lx->scratch, text, (gssize) length);
  tok->text = lx->scratch->str;
  tok->length = lx->scratch->len;
}

/* An identifier: its characters are those of cr_name_is_valid(), and it
 * has at most CR_MAX_NAME_CHARS of them; a longer one is reported and cut,
 * so that no later check reports it again. */
static void
scan_name (CrMofLexer *lx, CrMofToken *tok, const CrMofPos *start)
{
  const char *begin = lx->p;
  const char *cut = NULL;
  guint n = 0;

  while (*lx->p != '\0' && is_name_char (lx->p))
    {
      if (++n == CR_MAX_NAME_CHARS + 1)
        cut = lx->p;
      advance_char (lx);
    }
  if (cut != NULL)
    {
      cr_mof_sink_error (lx->sink, start,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "a name has at most %d character, this one has %u",
                                      "a name has at most %d characters, this one has %u",
                                      CR_MAX_NAME_CHARS),
                         CR_MAX_NAME_CHARS, n);
      set_text (lx, tok, begin, (gsize) (cut - begin));
      return;
    }
  set_text (lx, tok, begin, (gsize) (lx->p - begin));
}

static void
skip_name_chars (CrMofLexer *lx)
{
  while (*lx->p != '\0' && is_name_char (lx->p))
    advance_char (lx);
}

static int
digit_in_base (char c, guint base)
{
  int d = g_ascii_xdigit_value (c);

  return (d >= 0 && (guint) d < base) ? d : -1;
}

/* Integers (DSP0221: decimal, 0x hexadecimal, 0 octal, b-suffixed
 * binary, each with an optional sign) and reals (digits, a point, digits
 * and an optional exponent; an exponent without a point is accepted too). */
static void
scan_number (CrMofLexer *lx, CrMofToken *tok, const CrMofPos *start)
{
  const char *begin = lx->p;
  const char *digits;
  const char *digits_end;
  gboolean negative = FALSE;
  guint base = 10;
  guint64 magnitude = 0;
  gboolean overflow = FALSE;
  gboolean bad_digit = FALSE;

  if (*lx->p == '+' || *lx->p == '-')
    {
      negative = *lx->p == '-';
      advance (lx);
    }

  if (lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X'))
    {
      advance (lx);
      advance (lx);
      digits = lx->p;
      while (g_ascii_isxdigit (*lx->p))
        advance (lx);
      digits_end = lx->p;
      base = 16;
      if (digits == digits_end)
        {
          cr_mof_sink_error (lx->sink, start, _("a hexadecimal number needs digits after “0x”"));
          skip_name_chars (lx);
          tok->type = CR_MOF_TOKEN_INTEGER;
          return;
        }
    }
  else
    {
      gboolean real = FALSE;

      digits = lx->p;
      while (g_ascii_isdigit (*lx->p))
        advance (lx);
      digits_end = lx->p;
      if (*lx->p == '.' && g_ascii_isdigit (lx->p[1]))
        {
          real = TRUE;
          advance (lx);
          while (g_ascii_isdigit (*lx->p))
            advance (lx);
        }
      if ((*lx->p == 'e' || *lx->p == 'E') &&
          (g_ascii_isdigit (lx->p[1]) ||
           ((lx->p[1] == '+' || lx->p[1] == '-') && g_ascii_isdigit (lx->p[2]))) &&
          (real || digits != digits_end))
        {
          real = TRUE;
          advance (lx);
          if (*lx->p == '+' || *lx->p == '-')
            advance (lx);
          while (g_ascii_isdigit (*lx->p))
            advance (lx);
        }
      if (real)
        {
          g_autofree char *text = g_strndup (begin, (gsize) (lx->p - begin));
          double value;

          errno = 0;
          value = g_ascii_strtod (text, NULL);
          tok->type = CR_MOF_TOKEN_REAL;
          tok->real = value;
          if (errno == ERANGE && isinf (value))
            cr_mof_sink_error (lx->sink, start, _("the real number %s is too large"), text);
          if (is_name_char (lx->p))
            {
              cr_mof_sink_error (lx->sink, start, _("a real number cannot be followed by a letter or “_”"));
              skip_name_chars (lx);
            }
          return;
        }
      if ((*lx->p == 'b' || *lx->p == 'B') && !is_name_char (lx->p + 1))
        {
          base = 2;
          advance (lx);
        }
      else if (digits_end - digits > 1 && digits[0] == '0')
        {
          base = 8;
        }
    }

  for (const char *q = digits; q < digits_end; q++)
    {
      int d = digit_in_base (*q, base);

      if (d < 0)
        {
          bad_digit = TRUE;
          break;
        }
      if (magnitude > (G_MAXUINT64 - (guint64) d) / base)
        overflow = TRUE;
      else
        magnitude = magnitude * base + (guint64) d;
    }
  tok->type = CR_MOF_TOKEN_INTEGER;
  tok->negative = negative && magnitude != 0;
  tok->magnitude = magnitude;
  tok->overflow = overflow;
  if (bad_digit)
    {
      if (base == 2)
        cr_mof_sink_error (lx->sink, start, _("a binary number has only the digits 0 and 1"));
      else
        cr_mof_sink_error (lx->sink, start,
                           _("a number that starts with 0 is octal and has only the digits 0 to 7"));
    }
  if (is_name_char (lx->p))
    {
      cr_mof_sink_error (lx->sink, start, _("a number cannot be followed by a letter or “_”"));
      skip_name_chars (lx);
    }
}

/* Reads one character or escape sequence of a string or char16 literal
 * into the scratch buffer. Returns FALSE at the end of the line or input,
 * where the literal is unterminated. */
static gboolean
scan_literal_char (CrMofLexer *lx, gboolean *too_long)
{
  guchar c = (guchar) *lx->p;

  if (c == '\0' || c == '\n' || c == '\r')
    return FALSE;
  if (c == '\\')
    {
      CrMofPos at = here (lx);
      const char *q = lx->p + 1;
      gsize before = lx->scratch->len;

      if (cr_parse_escape (&q, lx->scratch))
        {
          advance_to (lx, q);
        }
      else
        {
          g_autofree char *shown = NULL;

          advance (lx);
          if (*lx->p == '\0' || *lx->p == '\n' || *lx->p == '\r')
            return FALSE;
          if (*lx->p == 'x' || *lx->p == 'X')
            {
              cr_mof_sink_error (lx->sink, &at,
                                 _("“\\x” takes 1 to 4 hexadecimal digits of a character from U+0001 to U+FFFF, "
                                   "not a surrogate"));
              advance (lx);
              while (g_ascii_isxdigit (*lx->p))
                advance (lx);
            }
          else
            {
              shown = describe_char (g_utf8_get_char (lx->p));
              cr_mof_sink_error (lx->sink, &at,
                                 _("unknown escape sequence: a backslash followed by %s "
                                   "(use \\b \\t \\n \\f \\r \\\" \\' \\\\ or \\xHHHH)"),
                                 shown);
              advance_char (lx);
            }
        }
      if (lx->scratch->len > CR_MAX_STRING_BYTES)
        {
          *too_long = TRUE;
          g_string_truncate (lx->scratch, before);
        }
      return TRUE;
    }
  {
    const char *next = g_utf8_next_char (lx->p);

    if (lx->scratch->len + (gsize) (next - lx->p) > CR_MAX_STRING_BYTES)
      *too_long = TRUE;
    else
      g_string_append_len (lx->scratch, lx->p, next - lx->p);
    advance_to (lx, next);
  }
  return TRUE;
}

static void
scan_string (CrMofLexer *lx, CrMofToken *tok, const CrMofPos *start)
{
  gboolean too_long = FALSE;

  g_string_truncate (lx->scratch, 0);
  advance (lx); /* the opening quote */
  while (*lx->p != '"')
    {
      if (!scan_literal_char (lx, &too_long))
        {
          cr_mof_sink_error (lx->sink, start, _("unterminated string: a string ends with “\"” on the line it starts"));
          break;
        }
    }
  if (*lx->p == '"')
    advance (lx);
  if (too_long)
    cr_mof_sink_error (lx->sink, start,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "a string has at most %d byte",
                                    "a string has at most %d bytes",
                                    CR_MAX_STRING_BYTES),
                       CR_MAX_STRING_BYTES);
  tok->type = CR_MOF_TOKEN_STRING;
  tok->text = lx->scratch->str;
  tok->length = lx->scratch->len;
}

static void
scan_char (CrMofLexer *lx, CrMofToken *tok, const CrMofPos *start)
{
  gboolean too_long = FALSE;
  gunichar c;

  g_string_truncate (lx->scratch, 0);
  tok->type = CR_MOF_TOKEN_CHAR;
  advance (lx); /* the opening quote */
  while (*lx->p != '\'')
    {
      if (!scan_literal_char (lx, &too_long))
        {
          cr_mof_sink_error (lx->sink, start, _("unterminated character: a char16 value is one character in “'”"));
          g_string_assign (lx->scratch, "?");
          tok->text = lx->scratch->str;
          tok->length = lx->scratch->len;
          return;
        }
    }
  advance (lx);
  if (lx->scratch->len == 0 || g_utf8_strlen (lx->scratch->str, (gssize) lx->scratch->len) != 1)
    {
      cr_mof_sink_error (lx->sink, start, _("a char16 value is exactly one character"));
      g_string_assign (lx->scratch, "?");
    }
  else if ((c = g_utf8_get_char (lx->scratch->str)) > 0xFFFF)
    {
      cr_mof_sink_error (lx->sink, start, _("a char16 value is a character from U+0001 to U+FFFF, not U+%04X"), c);
      g_string_assign (lx->scratch, "?");
    }
  tok->text = lx->scratch->str;
  tok->length = lx->scratch->len;
}

static void
scan_directive (CrMofLexer *lx, CrMofToken *tok, const CrMofPos *start)
{
  const char *name;
  gsize length;

  advance (lx); /* "#" */
  while (*lx->p == ' ' || *lx->p == '\t')
    advance (lx);
  name = lx->p;
  while (g_ascii_isalpha (*lx->p))
    advance (lx);
  length = (gsize) (lx->p - name);
  if (length == 6 && g_ascii_strncasecmp (name, "pragma", 6) == 0)
    {
      tok->type = CR_MOF_TOKEN_PRAGMA;
      return;
    }
  if (length == 7 && g_ascii_strncasecmp (name, "include", 7) == 0)
    {
      tok->type = CR_MOF_TOKEN_INCLUDE;
      return;
    }
  cr_mof_sink_error (lx->sink, start, _("unknown directive: “#” starts only “#pragma”"));
  while (*lx->p != '\0' && *lx->p != '\n' && *lx->p != '\r')
    advance (lx);
  tok->type = CR_MOF_TOKEN_EOF; /* the caller reads on */
}

/**
 * cr_mof_lexer_next:
 *
 * Reads the next token into @tok. Its text stays valid until the next
 * call.
 */
void
cr_mof_lexer_next (CrMofLexer *lx, CrMofToken *tok)
{
  for (;;)
    {
      CrMofPos start;
      char c;

      skip_space_and_comments (lx);
      start = here (lx);
      memset (tok, 0, sizeof *tok);
      tok->pos = start;
      tok->text = "";
      c = *lx->p;

      if (c == '\0')
        {
          tok->type = CR_MOF_TOKEN_EOF;
          return;
        }
      if (is_name_start (lx->p))
        {
          tok->type = CR_MOF_TOKEN_IDENTIFIER;
          scan_name (lx, tok, &start);
          return;
        }
      if (g_ascii_isdigit (c) || (c == '.' && g_ascii_isdigit (lx->p[1])) ||
          ((c == '+' || c == '-') &&
           (g_ascii_isdigit (lx->p[1]) || (lx->p[1] == '.' && g_ascii_isdigit (lx->p[2])))))
        {
          scan_number (lx, tok, &start);
          return;
        }
      switch (c)
        {
        case '"':
          scan_string (lx, tok, &start);
          return;
        case '\'':
          scan_char (lx, tok, &start);
          return;
        case '$':
          advance (lx);
          if (*lx->p != '\0' && is_name_start (lx->p))
            {
              tok->type = CR_MOF_TOKEN_ALIAS;
              scan_name (lx, tok, &start);
              return;
            }
          cr_mof_sink_error (lx->sink, &start, _("“$” starts an alias and must be followed by its name"));
          continue;
        case '#':
          scan_directive (lx, tok, &start);
          if (tok->type != CR_MOF_TOKEN_EOF)
            return;
          continue;
        case '{':
          tok->type = CR_MOF_TOKEN_LBRACE;
          break;
        case '}':
          tok->type = CR_MOF_TOKEN_RBRACE;
          break;
        case '(':
          tok->type = CR_MOF_TOKEN_LPAREN;
          break;
        case ')':
          tok->type = CR_MOF_TOKEN_RPAREN;
          break;
        case '[':
          tok->type = CR_MOF_TOKEN_LBRACKET;
          break;
        case ']':
          tok->type = CR_MOF_TOKEN_RBRACKET;
          break;
        case ';':
          tok->type = CR_MOF_TOKEN_SEMICOLON;
          break;
        case ',':
          tok->type = CR_MOF_TOKEN_COMMA;
          break;
        case ':':
          tok->type = CR_MOF_TOKEN_COLON;
          break;
        case '=':
          tok->type = CR_MOF_TOKEN_EQUALS;
          break;
        case '+':
          tok->type = CR_MOF_TOKEN_PLUS;
          break;
        case '-':
          tok->type = CR_MOF_TOKEN_MINUS;
          break;
        default:
          {
            g_autofree char *shown = describe_char (g_utf8_get_char (lx->p));

            cr_mof_sink_error (lx->sink, &start, _("unexpected character %s"), shown);
            advance_char (lx);
            if (lx->sink->full)
              {
                tok->type = CR_MOF_TOKEN_EOF;
                return;
              }
            continue;
          }
        }
      advance (lx);
      return;
    }
}

/**
 * cr_mof_token_describe:
 *
 * Returns: (transfer full): how a message names @tok: “class”, a string,
 *   the end of the file…
 */
char *
cr_mof_token_describe (const CrMofToken *tok)
{
  static const char *const punctuation[] = {
    [CR_MOF_TOKEN_LBRACE] = "{",
    [CR_MOF_TOKEN_RBRACE] = "}",
    [CR_MOF_TOKEN_LPAREN] = "(",
    [CR_MOF_TOKEN_RPAREN] = ")",
    [CR_MOF_TOKEN_LBRACKET] = "[",
    [CR_MOF_TOKEN_RBRACKET] = "]",
    [CR_MOF_TOKEN_SEMICOLON] = ";",
    [CR_MOF_TOKEN_COMMA] = ",",
    [CR_MOF_TOKEN_COLON] = ":",
    [CR_MOF_TOKEN_EQUALS] = "=",
    [CR_MOF_TOKEN_PLUS] = "+",
    [CR_MOF_TOKEN_MINUS] = "-",
  };

  switch (tok->type)
    {
    case CR_MOF_TOKEN_EOF:
      return g_strdup (_("the end of the file"));
    case CR_MOF_TOKEN_IDENTIFIER:
      {
        g_autofree char *shown = cr_text_for_display (tok->text);
        return g_strdup_printf ("“%s”", shown);
      }
    case CR_MOF_TOKEN_ALIAS:
      {
        g_autofree char *shown = cr_text_for_display (tok->text);
        return g_strdup_printf ("“$%s”", shown);
      }
    case CR_MOF_TOKEN_INTEGER:
    case CR_MOF_TOKEN_REAL:
      return g_strdup (_("a number"));
    case CR_MOF_TOKEN_STRING:
      return g_strdup (_("a string"));
    case CR_MOF_TOKEN_CHAR:
      return g_strdup (_("a character"));
    case CR_MOF_TOKEN_PRAGMA:
      return g_strdup ("“#pragma”");
    case CR_MOF_TOKEN_INCLUDE:
      return g_strdup ("“#include”");
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
    case CR_MOF_TOKEN_PLUS:
    case CR_MOF_TOKEN_MINUS:
    default:
      return g_strdup_printf ("“%s”", punctuation[tok->type]);
    }
}

/* The position of byte @offset of @text, for an error before lexing. */
static CrMofPos
position_of (const char *text, gsize offset, guint32 file)
{
  CrMofPos pos = { file, 1, 1 };

  for (gsize i = 0; i < offset; i++)
    {
      guchar c = (guchar) text[i];

      if (c == '\n' || (c == '\r' && (i + 1 >= offset || text[i + 1] != '\n')))
        {
          pos.line++;
          pos.column = 1;
        }
      else if (c != '\r' && (c & 0xC0) != 0x80)
        {
          pos.column++;
        }
    }
  return pos;
}

char *
cr_mof_source_decode (const char *data, gsize length, guint32 file, CrMofSink *sink)
{
  g_autofree char *converted = NULL;
  const char *end = NULL;

  if (length >= 2 && (((guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE) ||
                      ((guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF)))
    {
      /* WMI writes MOF files in UTF-16 with a byte order mark. */
      const char *charset = (guchar) data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
      g_autoptr (GError) local_error = NULL;
      gsize n_written = 0;

      converted = g_convert (data + 2, (gssize) (length - 2), "UTF-8", charset, NULL, &n_written, &local_error);
      if (converted == NULL)
        {
          CrMofPos pos = { file, 1, 1 };

          cr_mof_sink_error (sink, &pos, _("the file starts with a UTF-16 byte order mark, "
                                           "but is not valid UTF-16: %s"),
                             local_error->message);
          return NULL;
        }
      data = converted;
      length = n_written;
    }
  else if (length >= 3 && (guchar) data[0] == 0xEF && (guchar) data[1] == 0xBB && (guchar) data[2] == 0xBF)
    {
      data += 3;
      length -= 3;
    }

  if (!g_utf8_validate_len (data, length, &end))
    {
      CrMofPos pos = position_of (data, (gsize) (end - data), file);

      if (*end == '\0')
        cr_mof_sink_error (sink, &pos, _("the file holds a NUL byte: it is not a text file"));
      else
        cr_mof_sink_error (sink, &pos, _("the file is not valid UTF-8 (or UTF-16 with a byte order mark) here"));
      return NULL;
    }
  return g_strndup (data, length);
}
