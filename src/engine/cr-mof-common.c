/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cr-mof-private.h"

/* Arena */

#define ARENA_BLOCK_BYTES (64 * 1024)
#define ARENA_ALIGN 16

typedef struct _ArenaBlock ArenaBlock;
struct _ArenaBlock {
  ArenaBlock *next;
  gsize used;
  gsize size;
  /* the data follows, aligned */
};

#define BLOCK_HEADER ((sizeof (ArenaBlock) + ARENA_ALIGN - 1) & ~(gsize) (ARENA_ALIGN - 1))

struct _CrMofArena {
  ArenaBlock *blocks; /* the current block first */
};

CrMofArena *
cr_mof_arena_new (void)
{
  return g_new0 (CrMofArena, 1);
}

void
cr_mof_arena_free (CrMofArena *arena)
{
  if (arena == NULL)
    return;
  while (arena->blocks != NULL)
    {
      ArenaBlock *next = arena->blocks->next;

      g_free (arena->blocks);
      arena->blocks = next;
    }
  g_free (arena);
}

static ArenaBlock *
block_new (gsize size)
{
  ArenaBlock *block = g_malloc (BLOCK_HEADER + size);

  block->next = NULL;
  block->used = 0;
  block->size = size;
  return block;
}

/* Zeroed memory that lives as long as the arena. */
gpointer
cr_mof_arena_alloc (CrMofArena *arena, gsize size)
{
  ArenaBlock *block = arena->blocks;
  gpointer memory;

  size = (size + ARENA_ALIGN - 1) & ~(gsize) (ARENA_ALIGN - 1);
  if (size == 0)
    size = ARENA_ALIGN;
  if (size > ARENA_BLOCK_BYTES / 4)
    {
      /* A big allocation gets a block of its own, behind the current one,
       * so that the current block's free space is not wasted. */
      ArenaBlock *own = block_new (size);

      if (block != NULL)
        {
          own->next = block->next;
          block->next = own;
        }
      else
        {
          arena->blocks = own;
        }
      own->used = size;
      memory = (char *) own + BLOCK_HEADER;
      memset (memory, 0, size);
      return memory;
    }
  if (block == NULL || block->size - block->used < size)
    {
      block = block_new (ARENA_BLOCK_BYTES);
      block->next = arena->blocks;
      arena->blocks = block;
    }
  memory = (char *) block + BLOCK_HEADER + block->used;
  block->used += size;
  memset (memory, 0, size);
  return memory;
}

char *
cr_mof_arena_strndup (CrMofArena *arena, const char *text, gsize length)
{
  char *copy = cr_mof_arena_alloc (arena, length + 1);

  if (length > 0)
    memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

/* Moves the pointers of @array into the arena and empties @array. */
gpointer *
cr_mof_arena_steal_array (CrMofArena *arena, GPtrArray *array, guint *out_length)
{
  gpointer *items = NULL;

  *out_length = array->len;
  if (array->len > 0)
    {
      items = cr_mof_arena_alloc (arena, array->len * sizeof (gpointer));
      memcpy (items, array->pdata, array->len * sizeof (gpointer));
    }
  g_ptr_array_set_size (array, 0);
  return items;
}

/* Sink */

void
cr_mof_sink_init (CrMofSink *sink)
{
  memset (sink, 0, sizeof *sink);
  sink->files = g_ptr_array_new_with_free_func (g_free);
  sink->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_mof_diagnostic_free);
  sink->positions = g_array_new (FALSE, FALSE, sizeof (CrMofPos));
}

void
cr_mof_sink_clear (CrMofSink *sink)
{
  g_clear_pointer (&sink->files, g_ptr_array_unref);
  g_clear_pointer (&sink->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&sink->positions, g_array_unref);
}

guint32
cr_mof_sink_add_file (CrMofSink *sink, const char *display_name)
{
  g_ptr_array_add (sink->files, g_strdup (display_name));
  return sink->files->len - 1;
}

const char *
cr_mof_sink_get_file (CrMofSink *sink, guint32 file)
{
  if (file >= sink->files->len)
    return NULL;
  return g_ptr_array_index (sink->files, file);
}

/* Diagnostics without a position sort after the others. */
static const CrMofPos last_pos = { G_MAXUINT32, G_MAXUINT32, G_MAXUINT32 };

static void
add (CrMofSink *sink, CrMofSeverity severity, const CrMofPos *pos, const char *message)
{
  const char *file = pos != NULL ? cr_mof_sink_get_file (sink, pos->file) : NULL;
  CrMofPos where = pos != NULL ? *pos : last_pos;

  g_array_append_val (sink->positions, where);
  g_ptr_array_add (sink->diagnostics,
                   cr_mof_diagnostic_new (severity, file,
                                          pos != NULL ? pos->line : 0,
                                          pos != NULL ? pos->column : 0,
                                          message));
}

static void
add_error (CrMofSink *sink, const CrMofPos *pos, const char *message)
{
  if (sink->full)
    return;
  if (sink->n_errors >= CR_MOF_MAX_ERRORS)
    {
      sink->full = TRUE;
      add (sink, CR_MOF_SEVERITY_ERROR, NULL,
           _("too many errors: the compilation stopped"));
      return;
    }
  sink->n_errors++;
  add (sink, CR_MOF_SEVERITY_ERROR, pos, message);
}

void
cr_mof_sink_error (CrMofSink *sink, const CrMofPos *pos, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  add_error (sink, pos, message);
}

void
cr_mof_sink_warning (CrMofSink *sink, const CrMofPos *pos, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (sink->n_warnings >= CR_MOF_MAX_WARNINGS)
    {
      sink->n_dropped_warnings++;
      return;
    }
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  sink->n_warnings++;
  add (sink, CR_MOF_SEVERITY_WARNING, pos, message);
}

/* An error about a whole file (it cannot be read): no position. */
void
cr_mof_sink_file_error (CrMofSink *sink, const char *file, const char *message)
{
  if (sink->full)
    return;
  if (sink->n_errors >= CR_MOF_MAX_ERRORS)
    {
      add_error (sink, NULL, message);
      return;
    }
  sink->n_errors++;
  {
    /* Before everything: nothing of the file was read. */
    const CrMofPos first = { 0, 0, 0 };

    g_array_append_val (sink->positions, first);
  }
  g_ptr_array_add (sink->diagnostics,
                   cr_mof_diagnostic_new (CR_MOF_SEVERITY_ERROR, file, 0, 0, message));
}

typedef struct {
  CrMofPos pos;
  guint index;
} Ordered;

static int
compare_ordered (gconstpointer pa, gconstpointer pb)
{
  const Ordered *a = pa, *b = pb;

  if (a->pos.file != b->pos.file)
    return a->pos.file < b->pos.file ? -1 : 1;
  if (a->pos.line != b->pos.line)
    return a->pos.line < b->pos.line ? -1 : 1;
  if (a->pos.column != b->pos.column)
    return a->pos.column < b->pos.column ? -1 : 1;
  return a->index < b->index ? -1 : (a->index > b->index);
}

/* Puts the diagnostics in the order of the sources (files in the order
 * they were read, then lines and columns), as the parser and the
 * compiler find them in two passes; and says how many warnings were left
 * out. Once everything is done. */
void
cr_mof_sink_finish (CrMofSink *sink)
{
  g_autoptr (GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (Ordered), sink->diagnostics->len);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new_full (sink->diagnostics->len,
                                                       (GDestroyNotify) cr_mof_diagnostic_free);

  for (guint i = 0; i < sink->diagnostics->len; i++)
    {
      Ordered o = { g_array_index (sink->positions, CrMofPos, i), i };

      g_array_append_val (order, o);
    }
  g_array_sort (order, compare_ordered);
  for (guint i = 0; i < order->len; i++)
    {
      guint index = g_array_index (order, Ordered, i).index;

      g_ptr_array_add (sorted, g_steal_pointer (&g_ptr_array_index (sink->diagnostics, index)));
      g_array_index (sink->positions, CrMofPos, i) = g_array_index (order, Ordered, i).pos;
    }
  g_ptr_array_set_free_func (sink->diagnostics, NULL);
  g_ptr_array_set_size (sink->diagnostics, 0);
  g_ptr_array_set_free_func (sink->diagnostics, (GDestroyNotify) cr_mof_diagnostic_free);
  g_ptr_array_extend_and_steal (sink->diagnostics, g_steal_pointer (&sorted));

  if (sink->n_dropped_warnings > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more warning was not shown",
                                      "%u more warnings were not shown",
                                      sink->n_dropped_warnings),
                         sink->n_dropped_warnings);

      add (sink, CR_MOF_SEVERITY_WARNING, NULL, message);
      sink->n_dropped_warnings = 0;
    }
}

/* "file:line:column", for messages that point at another place. */
char *
cr_mof_pos_to_string (CrMofSink *sink, const CrMofPos *pos)
{
  const char *file = cr_mof_sink_get_file (sink, pos->file);

  return g_strdup_printf ("%s:%u:%u", file != NULL ? file : "?", pos->line, pos->column);
}
