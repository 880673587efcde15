/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CRC-32C (Castagnoli: polynomial 0x1EDC6F41, reflected, initial value
 * and final XOR 0xFFFFFFFF), the checksum of iSCSI, ext4 and Btrfs.
 *
 * @crc is the CRC of the data before @data, or 0 to start, so that
 * cr_crc32c (cr_crc32c (0, a, la), b, lb) == cr_crc32c (0, a‖b, la + lb).
 * "123456789" gives 0xE3069283. @data may be %NULL when @len is 0.
 *
 * cr_crc32c() uses the CPU's CRC-32C instructions where it has them
 * (SSE4.2 on x86-64, detected at run time; the ARMv8 CRC extension on
 * AArch64 when the compiler targets it), and cr_crc32c_portable()
 * otherwise. Both give the same result; the portable one is public so
 * that tests can compare them on any machine. Thread-safe.
 */
guint32 cr_crc32c (guint32 crc, const void *data, gsize len);
guint32 cr_crc32c_portable (guint32 crc, const void *data, gsize len);

/* "sse4.2", "armv8-crc" or "portable": which code cr_crc32c() runs. */
const char *cr_crc32c_get_implementation (void);

G_END_DECLS
