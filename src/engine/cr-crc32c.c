/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"

#include <string.h>

#include "cr-crc32c.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define CRC32C_HW_NAME "sse4.2"
#define CRC32C_HW_ATTR __attribute__ ((target ("sse4.2")))
#define CRC32C_HW_U8(crc, byte) _mm_crc32_u8 ((crc), (byte))
#define CRC32C_HW_U64(crc, word) ((guint32) _mm_crc32_u64 ((crc), (word)))
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#define CRC32C_HW_NAME "armv8-crc"
#define CRC32C_HW_ATTR
#define CRC32C_HW_U8(crc, byte) __crc32cb ((crc), (byte))
#define CRC32C_HW_U64(crc, word) __crc32cd ((crc), (word))
#endif

/* The reflected form of the Castagnoli polynomial 0x1EDC6F41. */
#define CRC32C_POLY 0x82F63B78u

/* The hardware path runs three independent streams, because one CRC
 * instruction takes three cycles but a new one can start every cycle;
 * a single dependent chain would use a third of the unit. The streams'
 * CRCs are then joined by "shifting" the earlier ones over the later
 * ones' length, which is a fixed linear map, so a 4×256 table does it. */
#define CRC32C_LONG 8192
#define CRC32C_SHORT 256

static struct {
  /* slicing-by-8: sw[k][b] is the CRC of byte b followed by k zero bytes */
  guint32 sw[8][256];
#ifdef CRC32C_HW_NAME
  guint32 shift_long[4][256];
  guint32 shift_short[4][256];
#endif
} tables;

#ifdef CRC32C_HW_NAME
static gboolean have_hw;
#endif

static inline guint64
load_le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

#ifdef CRC32C_HW_NAME
/* The raw (not inverted) CRC register after @len zero bytes. */
static guint32
zeros_raw (guint32 crc, gsize len)
{
  for (gsize i = 0; i < len; i++)
    crc = (crc >> 8) ^ tables.sw[0][crc & 0xff];
  return crc;
}

/* The map is linear over GF(2), so the image of each of the 32 basis
 * vectors determines it, and a byte's entry is the XOR of its bits'. */
static void
build_shift_table (guint32 table[4][256], gsize len)
{
  guint32 basis[32];

  for (guint i = 0; i < 32; i++)
    basis[i] = zeros_raw (1u << i, len);
  for (guint k = 0; k < 4; k++)
    {
      for (guint b = 0; b < 256; b++)
        {
          guint32 v = 0;

          for (guint i = 0; i < 8; i++)
            {
              if (b & (1u << i))
                v ^= basis[8 * k + i];
            }
          table[k][b] = v;
        }
    }
}

static inline guint32
shift (const guint32 table[4][256], guint32 crc)
{
  return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^
         table[2][(crc >> 16) & 0xff] ^ table[3][crc >> 24];
}
#endif

static void
crc32c_init (void)
{
  static gsize initialized = 0;

  if (!g_once_init_enter (&initialized))
    return;

  for (guint b = 0; b < 256; b++)
    {
      guint32 crc = b;

      for (guint i = 0; i < 8; i++)
        crc = (crc >> 1) ^ ((crc & 1) ? CRC32C_POLY : 0);
      tables.sw[0][b] = crc;
    }
  for (guint b = 0; b < 256; b++)
    {
      for (guint k = 1; k < 8; k++)
        {
          guint32 prev = tables.sw[k - 1][b];
          tables.sw[k][b] = (prev >> 8) ^ tables.sw[0][prev & 0xff];
        }
    }

#ifdef CRC32C_HW_NAME
  build_shift_table (tables.shift_long, CRC32C_LONG);
  build_shift_table (tables.shift_short, CRC32C_SHORT);
#if defined(__x86_64__)
  __builtin_cpu_init ();
  have_hw = __builtin_cpu_supports ("sse4.2");
#else
  have_hw = TRUE;
#endif
#endif

  g_once_init_leave (&initialized, 1);
}

static guint32
crc32c_sw_raw (guint32 crc, const guint8 *p, gsize len)
{
  while (len > 0 && ((guintptr) p & 7) != 0)
    {
      crc = (crc >> 8) ^ tables.sw[0][(crc ^ *p++) & 0xff];
      len--;
    }
  while (len >= 8)
    {
      guint64 w = load_le64 (p) ^ crc;
      guint32 lo = (guint32) w;
      guint32 hi = (guint32) (w >> 32);

      crc = tables.sw[7][lo & 0xff] ^ tables.sw[6][(lo >> 8) & 0xff] ^
            tables.sw[5][(lo >> 16) & 0xff] ^ tables.sw[4][lo >> 24] ^
            tables.sw[3][hi & 0xff] ^ tables.sw[2][(hi >> 8) & 0xff] ^
            tables.sw[1][(hi >> 16) & 0xff] ^ tables.sw[0][hi >> 24];
      p += 8;
      len -= 8;
    }
  while (len > 0)
    {
      crc = (crc >> 8) ^ tables.sw[0][(crc ^ *p++) & 0xff];
      len--;
    }
  return crc;
}

#ifdef CRC32C_HW_NAME
CRC32C_HW_ATTR static guint32
crc32c_hw_raw (guint32 crc, const guint8 *p, gsize len)
{
  while (len > 0 && ((guintptr) p & 7) != 0)
    {
      crc = CRC32C_HW_U8 (crc, *p++);
      len--;
    }

  while (len >= 3 * CRC32C_LONG)
    {
      guint32 c0 = crc, c1 = 0, c2 = 0;
      const guint8 *end = p + CRC32C_LONG;

      do
        {
          c0 = CRC32C_HW_U64 (c0, load_le64 (p));
          c1 = CRC32C_HW_U64 (c1, load_le64 (p + CRC32C_LONG));
          c2 = CRC32C_HW_U64 (c2, load_le64 (p + 2 * CRC32C_LONG));
          p += 8;
        }
      while (p < end);
      crc = shift (tables.shift_long, c0) ^ c1;
      crc = shift (tables.shift_long, crc) ^ c2;
      p += 2 * CRC32C_LONG;
      len -= 3 * CRC32C_LONG;
    }

  while (len >= 3 * CRC32C_SHORT)
    {
      guint32 c0 = crc, c1 = 0, c2 = 0;
      const guint8 *end = p + CRC32C_SHORT;

      do
        {
          c0 = CRC32C_HW_U64 (c0, load_le64 (p));
          c1 = CRC32C_HW_U64 (c1, load_le64 (p + CRC32C_SHORT));
          c2 = CRC32C_HW_U64 (c2, load_le64 (p + 2 * CRC32C_SHORT));
          p += 8;
        }
      while (p < end);
      crc = shift (tables.shift_short, c0) ^ c1;
      crc = shift (tables.shift_short, crc) ^ c2;
      p += 2 * CRC32C_SHORT;
      len -= 3 * CRC32C_SHORT;
    }

  while (len >= 8)
    {
      crc = CRC32C_HW_U64 (crc, load_le64 (p));
      p += 8;
      len -= 8;
    }
  while (len > 0)
    {
      crc = CRC32C_HW_U8 (crc, *p++);
      len--;
    }
  return crc;
}
#endif

guint32
cr_crc32c_portable (guint32 crc, const void *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, crc);

  crc32c_init ();
  return ~crc32c_sw_raw (~crc, data, len);
}

guint32
cr_crc32c (guint32 crc, const void *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, crc);

  crc32c_init ();
#ifdef CRC32C_HW_NAME
  if (have_hw)
    return ~crc32c_hw_raw (~crc, data, len);
#endif
  return ~crc32c_sw_raw (~crc, data, len);
}

const char *
cr_crc32c_get_implementation (void)
{
  crc32c_init ();
#ifdef CRC32C_HW_NAME
  if (have_hw)
    return CRC32C_HW_NAME;
#endif
  return "portable";
}
