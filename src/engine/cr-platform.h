/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <fcntl.h>

#include <glib.h>

G_BEGIN_DECLS

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

/*
 * The portability layer. Everything that is not plain GLib or ISO C —
 * flock, sync_file_range, fdatasync, link, /proc — sits here, with a
 * portable fallback for platforms that lack it. Errors come back in the
 * CR_ERROR domain with the path or operation named.
 */

/* GLib 2.74 has no g_autofd. */
void cr_fd_closep (int *fd);
#define cr_autofd __attribute__ ((cleanup (cr_fd_closep)))

gboolean cr_fd_read_all (int fd,
                         void *buf,
                         gsize len,
                         gsize *bytes_read,
                         GError **error);
gboolean cr_fd_pread_all (int fd,
                          void *buf,
                          gsize len,
                          guint64 offset,
                          gsize *bytes_read,
                          GError **error);
gboolean cr_fd_write_all (int fd, const void *buf, gsize len, GError **error);
gboolean cr_fd_sync (int fd, GError **error);
gboolean cr_fd_get_size (int fd, guint64 *size, GError **error);
gboolean cr_fd_seek (int fd, guint64 offset, GError **error);
gboolean cr_fd_truncate (int fd, guint64 size, GError **error);
gboolean cr_fd_check_regular (int fd, gboolean want_write, GError **error);
/* Writing a large file without flooding the page cache: after each write,
 * cr_writeback_advance() starts writing the new bytes back every
 * window, and waits for the window before, so that at most two windows
 * are dirty at any time. Other writers on the machine are then not
 * throttled by a flood of dirty pages, and the final fsync is short.
 * Linux only; a no-op elsewhere. */
typedef struct {
  int fd;
  guint64 started_to;
  guint64 waited_to;
} CrWriteback;

#define CR_WRITEBACK_WINDOW (64 * 1024 * 1024)

void cr_writeback_init (CrWriteback *wb, int fd, guint64 from);
void cr_writeback_advance (CrWriteback *wb, guint64 offset);
void cr_fd_advise_sequential (int fd);

gboolean cr_sync_directory (const char *dir, GError **error);
gboolean cr_link_or_copy (const char *from, const char *to, GError **error);
gboolean cr_rename (const char *from, const char *to, GError **error);
int cr_open_temp_beside (const char *path, const char *tag, char **out_tmp_path, GError **error);

void cr_fault_point (const char *name);

char *cr_get_process_name (gint64 pid);
gint64 cr_get_pid (void);
gint64 cr_get_uid (void);
char *cr_get_user_name (gint64 uid);

/* An advisory lock on a file beside the repository. While one process
 * holds it, another gets CR_ERROR_REPOSITORY_LOCKED with the holder's
 * program name, pid and start time in the message. */
typedef struct _CrLockFile CrLockFile;

CrLockFile *cr_lock_file_acquire (const char *path, GError **error);
void cr_lock_file_release (CrLockFile *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrLockFile, cr_lock_file_release)

G_END_DECLS
