/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cr-mof-private.h"

G_BEGIN_DECLS

/* The MOF lexer (DSP0221). It reads one source held in memory, valid
 * UTF-8 without NUL bytes and terminated by one NUL, and reports its own
 * errors to the sink, skipping what it cannot read, so that the parser
 * only ever sees well-formed tokens. */

typedef enum {
  CR_MOF_TOKEN_EOF,
  CR_MOF_TOKEN_IDENTIFIER, /* text: the name; keywords are identifiers */
  CR_MOF_TOKEN_ALIAS,      /* $name; text: the name without "$" */
  CR_MOF_TOKEN_INTEGER,    /* negative, magnitude, overflow */
  CR_MOF_TOKEN_REAL,       /* real */
  CR_MOF_TOKEN_STRING,     /* text: the decoded string */
  CR_MOF_TOKEN_CHAR,       /* text: the decoded character, as UTF-8 */
  CR_MOF_TOKEN_PRAGMA,     /* #pragma */
  CR_MOF_TOKEN_INCLUDE,    /* #include, WMI's old spelling of #pragma include */
  CR_MOF_TOKEN_LBRACE,
  CR_MOF_TOKEN_RBRACE,
  CR_MOF_TOKEN_LPAREN,
  CR_MOF_TOKEN_RPAREN,
  CR_MOF_TOKEN_LBRACKET,
  CR_MOF_TOKEN_RBRACKET,
  CR_MOF_TOKEN_SEMICOLON,
  CR_MOF_TOKEN_COMMA,
  CR_MOF_TOKEN_COLON,
  CR_MOF_TOKEN_EQUALS,
  CR_MOF_TOKEN_PLUS, /* a sign not followed by a number */
  CR_MOF_TOKEN_MINUS,
} CrMofTokenType;

typedef struct {
  CrMofTokenType type;
  CrMofPos pos;
  const char *text; /* in the arena, NUL-terminated */
  gsize length;     /* bytes of text */
  gboolean negative;
  gboolean overflow; /* the integer does not fit in 64 bits */
  guint64 magnitude;
  double real;
} CrMofToken;

typedef struct {
  const char *p;
  guint32 file;
  guint32 line;
  guint32 column;
  CrMofArena *arena;
  CrMofSink *sink;
  GString *scratch;
} CrMofLexer;

void cr_mof_lexer_init (CrMofLexer *lexer,
                        const char *text,
                        guint32 file,
                        CrMofArena *arena,
                        CrMofSink *sink);
void cr_mof_lexer_clear (CrMofLexer *lexer);
void cr_mof_lexer_next (CrMofLexer *lexer, CrMofToken *token);
char *cr_mof_token_describe (const CrMofToken *token);

/* Reads a source from its bytes: UTF-16 with a byte order mark is
 * converted, a UTF-8 byte order mark skipped. Returns the text, NUL
 * terminated; or NULL after reporting where the bytes stop being text. */
char *cr_mof_source_decode (const char *data,
                            gsize length,
                            guint32 file,
                            CrMofSink *sink);

G_END_DECLS
