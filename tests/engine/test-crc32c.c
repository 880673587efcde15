/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "cr-crc32c.h"
#include "cr-test-utils.h"

typedef guint32 (*CrcFunc) (guint32 crc, const void *data, gsize len);

static const struct {
  const char *name;
  CrcFunc func;
} implementations[] = {
  { "dispatched", cr_crc32c },
  { "portable", cr_crc32c_portable },
};

static void
fill_random (guint8 *buf, gsize len, GRand *rand)
{
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
}

/* The check value of the CRC catalogue and the test patterns of
 * RFC 3720 (iSCSI), appendix B.4. */
static void
test_vectors (void)
{
  guint8 zeros[32] = { 0 };
  guint8 ones[32];
  guint8 up[32];
  guint8 down[32];

  memset (ones, 0xff, sizeof ones);
  for (guint i = 0; i < 32; i++)
    {
      up[i] = (guint8) i;
      down[i] = (guint8) (31 - i);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (implementations); i++)
    {
      CrcFunc crc = implementations[i].func;

      g_test_message ("%s", implementations[i].name);
      g_assert_cmphex (crc (0, "123456789", 9), ==, 0xE3069283);
      g_assert_cmphex (crc (0, zeros, sizeof zeros), ==, 0x8A9136AA);
      g_assert_cmphex (crc (0, ones, sizeof ones), ==, 0x62A8AB43);
      g_assert_cmphex (crc (0, up, sizeof up), ==, 0x46DD794E);
      g_assert_cmphex (crc (0, down, sizeof down), ==, 0x113FDB5C);
      g_assert_cmphex (crc (0, NULL, 0), ==, 0);
      g_assert_cmphex (crc (0xE3069283, NULL, 0), ==, 0xE3069283);
    }
}

/* Splitting the data anywhere and chaining the CRCs gives the CRC of the
 * whole, which the backup writer relies on when its input chunks do not
 * line up with the blocks. */
static void
test_chaining (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  gsize len = 3 * 8192 * 2 + 3 * 256 + 77;
  g_autofree guint8 *buf = g_malloc (len);
  gsize splits[] = { 0, 1, 7, 8, 9, 255, 256, 768, 769, 8192, 24575, 24576, 24577, len - 1, len };

  fill_random (buf, len, rand);
  for (gsize i = 0; i < G_N_ELEMENTS (implementations); i++)
    {
      CrcFunc crc = implementations[i].func;
      guint32 whole = crc (0, buf, len);

      for (gsize s = 0; s < G_N_ELEMENTS (splits); s++)
        {
          gsize at = splits[s];

          g_assert_cmphex (crc (crc (0, buf, at), buf + at, len - at), ==, whole);
        }
      g_assert_cmphex (crc (crc (0, "1234", 4), "56789", 5), ==, 0xE3069283);
    }
}

/* Every length and alignment that the hardware path treats differently:
 * the unaligned head, the 8-byte loop, the tail, and the interleaved
 * 3×256 and 3×8192 byte stretches with their joins. */
static void
test_hw_matches_portable (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  gsize size = 4 * 1024 * 1024 + 64;
  g_autofree guint8 *buf = g_malloc (size);
  gsize long_lens[] = {
    3 * 256 - 1,
    3 * 256,
    3 * 256 + 1,
    3 * 8192 - 1,
    3 * 8192,
    3 * 8192 + 1,
    3 * 8192 + 3 * 256 + 9,
    2 * 3 * 8192 + 5,
    65535,
    65536,
    65537,
    1024 * 1024,
    4 * 1024 * 1024,
  };
  guint checked = 0;

  g_test_message ("dispatched implementation: %s", cr_crc32c_get_implementation ());
  fill_random (buf, size, rand);

  for (gsize align = 0; align < 16; align++)
    {
      for (gsize len = 0; len <= 1100; len++)
        {
          guint32 seed = (guint32) (align * 7919 + len);

          g_assert_cmphex (cr_crc32c (seed, buf + align, len), ==,
                           cr_crc32c_portable (seed, buf + align, len));
          checked++;
        }
    }
  for (gsize align = 0; align < 8; align++)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (long_lens); i++)
        {
          gsize len = long_lens[i];

          g_assert_cmpuint (align + len, <=, size);
          g_assert_cmphex (cr_crc32c (0, buf + align, len), ==,
                           cr_crc32c_portable (0, buf + align, len));
          checked++;
        }
    }
  /* A wrong join constant would only show with data in every stream. */
  for (gsize i = 0; i < 64; i++)
    {
      gsize align = (gsize) g_rand_int_range (rand, 0, 64);
      gsize len = (gsize) g_rand_int_range (rand, 0, (gint32) (size - align));

      g_assert_cmphex (cr_crc32c (0, buf + align, len), ==,
                       cr_crc32c_portable (0, buf + align, len));
      checked++;
    }
  g_test_message ("%u comparisons", checked);
}

/* A CRC is only useful if it notices a change: every single-bit change
 * in a buffer that spans the interleaved path changes it. */
static void
test_detects_bit_flips (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  gsize len = 3 * 8192 + 3 * 256 + 13;
  g_autofree guint8 *buf = g_malloc (len);
  guint32 good;

  fill_random (buf, len, rand);
  good = cr_crc32c (0, buf, len);
  for (gsize bit = 0; bit < len * 8; bit++)
    {
      buf[bit / 8] ^= (guint8) (1u << (bit % 8));
      g_assert_cmphex (cr_crc32c (0, buf, len), !=, good);
      buf[bit / 8] ^= (guint8) (1u << (bit % 8));
    }
  g_assert_cmphex (cr_crc32c (0, buf, len), ==, good);
}

static double
measure (CrcFunc crc, const guint8 *buf, gsize len, guint rounds)
{
  gint64 start = g_get_monotonic_time ();
  guint32 sink = 0;
  double seconds;

  for (guint i = 0; i < rounds; i++)
    sink ^= crc (sink, buf, len);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  /* Keeps the calls from being optimised away. */
  g_assert_cmphex (sink, !=, 0x5a5a5a5a);
  return (double) len * rounds / seconds;
}

/* Reported, not asserted: machines are too noisy for a time limit. */
static void
test_throughput (void)
{
  gsize len = 1024 * 1024;
  g_autofree guint8 *buf = g_malloc (len);
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  double hw, sw;

  fill_random (buf, len, rand);
  hw = measure (cr_crc32c, buf, len, 256);
  sw = measure (cr_crc32c_portable, buf, len, 64);
  g_test_message ("crc32c throughput: %s %.2f GB/s (%.1f ms per GiB), portable %.2f GB/s (%.1f ms per GiB)",
                  cr_crc32c_get_implementation (),
                  hw / 1e9, 1024.0 * 1024 * 1024 / hw * 1000,
                  sw / 1e9, 1024.0 * 1024 * 1024 / sw * 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cimrepo/crc32c/vectors", test_vectors);
  g_test_add_func ("/cimrepo/crc32c/chaining", test_chaining);
  g_test_add_func ("/cimrepo/crc32c/hw-matches-portable", test_hw_matches_portable);
  g_test_add_func ("/cimrepo/crc32c/detects-bit-flips", test_detects_bit_flips);
  g_test_add_func ("/cimrepo/crc32c/throughput", test_throughput);
  return g_test_run ();
}
