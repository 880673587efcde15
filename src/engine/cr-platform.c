/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo"
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#ifdef G_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#ifdef HAVE_FLOCK
#include <sys/file.h>
#endif
#else
#include <io.h>
#include <process.h>
#include <windows.h>
#endif

#include "cr-error.h"
#include "cr-platform.h"

static void
set_errno_error (GError **error, int saved_errno, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
set_errno_error (GError **error, int saved_errno, const char *format, ...)
{
  g_autofree char *what = NULL;
  gint code;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  switch (saved_errno)
    {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      code = CR_ERROR_OUT_OF_DISK_SPACE;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      code = CR_ERROR_ACCESS_DENIED;
      break;
    case ENOENT:
      code = CR_ERROR_NOT_FOUND;
      break;
    case EBADF:
    case EINVAL:
    case EISDIR:
    case ENAMETOOLONG:
      code = CR_ERROR_INVALID_PARAMETER;
      break;
    default:
      code = CR_ERROR_FAILED;
      break;
    }
  g_set_error (error, CR_ERROR, code, "%s: %s", what, g_strerror (saved_errno));
}

void
cr_fd_closep (int *fd)
{
  if (fd != NULL && *fd >= 0)
    {
      int saved_errno = errno;
      (void) close (*fd);
      *fd = -1;
      errno = saved_errno;
    }
}

gboolean
cr_fd_read_all (int fd, void *buf, gsize len, gsize *bytes_read, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
#ifdef G_OS_UNIX
      gssize n = read (fd, (guint8 *) buf + done, len - done);
#else
      int n = _read (fd, (guint8 *) buf + done, (unsigned) MIN (len - done, G_MAXINT));
#endif
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_errno_error (error, errno, _("Could not read the file"));
          return FALSE;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  if (bytes_read != NULL)
    *bytes_read = done;
  return TRUE;
}

gboolean
cr_fd_pread_all (int fd, void *buf, gsize len, guint64 offset, gsize *bytes_read, GError **error)
{
#ifdef G_OS_UNIX
  gsize done = 0;

  while (done < len)
    {
      gssize n = pread (fd, (guint8 *) buf + done, len - done, (off_t) (offset + done));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_errno_error (error, errno, _("Could not read the file"));
          return FALSE;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  if (bytes_read != NULL)
    *bytes_read = done;
  return TRUE;
#else
  if (!cr_fd_seek (fd, offset, error))
    return FALSE;
  return cr_fd_read_all (fd, buf, len, bytes_read, error);
#endif
}

gboolean
cr_fd_write_all (int fd, const void *buf, gsize len, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
#ifdef G_OS_UNIX
      gssize n = write (fd, (const guint8 *) buf + done, len - done);
#else
      int n = _write (fd, (const guint8 *) buf + done, (unsigned) MIN (len - done, G_MAXINT));
#endif
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_errno_error (error, errno, _("Could not write the file"));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

gboolean
cr_fd_sync (int fd, GError **error)
{
  int r;

#if defined(G_OS_UNIX) && defined(HAVE_FDATASYNC)
  do
    r = fdatasync (fd);
  while (r < 0 && errno == EINTR);
#elif defined(G_OS_UNIX)
  do
    r = fsync (fd);
  while (r < 0 && errno == EINTR);
#else
  r = _commit (fd);
#endif
  if (r < 0)
    {
      set_errno_error (error, errno, _("Could not flush the file to disk"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_fd_get_size (int fd, guint64 *size, GError **error)
{
  GStatBuf st;

  if (fstat (fd, (struct stat *) &st) < 0)
    {
      set_errno_error (error, errno, _("Could not query the file"));
      return FALSE;
    }
  *size = (guint64) st.st_size;
  return TRUE;
}

gboolean
cr_fd_seek (int fd, guint64 offset, GError **error)
{
#ifdef G_OS_UNIX
  if (lseek (fd, (off_t) offset, SEEK_SET) < 0)
#else
  if (_lseeki64 (fd, (__int64) offset, SEEK_SET) < 0)
#endif
    {
      set_errno_error (error, errno, _("Could not seek in the file"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_fd_truncate (int fd, guint64 size, GError **error)
{
#ifdef G_OS_UNIX
  int r;

  do
    r = ftruncate (fd, (off_t) size);
  while (r < 0 && errno == EINTR);
  if (r < 0)
#else
  if (_chsize_s (fd, (__int64) size) != 0)
#endif
    {
      set_errno_error (error, errno, _("Could not truncate the file"));
      return FALSE;
    }
  return TRUE;
}

/**
 * cr_fd_check_regular:
 * @fd: a file descriptor, typically one a client passed
 * @want_write: whether the caller will write to it
 *
 * Refuses anything but a regular file opened for the wanted access: a
 * pipe, socket, device or directory gets CR_ERROR_INVALID_PARAMETER.
 */
gboolean
cr_fd_check_regular (int fd, gboolean want_write, GError **error)
{
  GStatBuf st;

  if (fd < 0)
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("No file was given"));
      return FALSE;
    }
  if (fstat (fd, (struct stat *) &st) < 0)
    {
      set_errno_error (error, errno, _("Could not query the file"));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                           _("The file is not a regular file (a pipe, socket, device or directory cannot be used)"));
      return FALSE;
    }
#ifdef G_OS_UNIX
  {
    int flags = fcntl (fd, F_GETFL);
    int mode = flags & O_ACCMODE;

    if (flags < 0)
      {
        set_errno_error (error, errno, _("Could not query the file"));
        return FALSE;
      }
    if (want_write && mode == O_RDONLY)
      {
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                             _("The file was not opened for writing"));
        return FALSE;
      }
    if (!want_write && mode == O_WRONLY)
      {
        g_set_error_literal (error, CR_ERROR, CR_ERROR_INVALID_PARAMETER,
                             _("The file was not opened for reading"));
        return FALSE;
      }
  }
#endif
  return TRUE;
}

void
cr_writeback_init (CrWriteback *wb, int fd, guint64 from)
{
  wb->fd = fd;
  wb->started_to = from;
  wb->waited_to = from;
}

void
cr_writeback_advance (CrWriteback *wb, guint64 offset)
{
#ifdef HAVE_SYNC_FILE_RANGE
  if (offset < wb->started_to + CR_WRITEBACK_WINDOW)
    return;
  /* The window before: wait until it is on disk, and drop it from the
   * cache; nobody reads it again soon. */
  if (wb->started_to > wb->waited_to)
    {
      (void) sync_file_range (wb->fd, (off64_t) wb->waited_to, (off64_t) (wb->started_to - wb->waited_to),
                              SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
#ifdef HAVE_POSIX_FADVISE
      (void) posix_fadvise (wb->fd, (off_t) wb->waited_to, (off_t) (wb->started_to - wb->waited_to), POSIX_FADV_DONTNEED);
#endif
      wb->waited_to = wb->started_to;
    }
  (void) sync_file_range (wb->fd, (off64_t) wb->started_to, (off64_t) (offset - wb->started_to), SYNC_FILE_RANGE_WRITE);
  wb->started_to = offset;
#endif
}

void
cr_fd_advise_sequential (int fd)
{
#ifdef HAVE_POSIX_FADVISE
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

gboolean
cr_sync_directory (const char *dir, GError **error)
{
#ifdef G_OS_UNIX
  cr_autofd int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open the directory “%s”"), dir);
      return FALSE;
    }
  if (fsync (fd) < 0 && errno != EINVAL)
    {
      set_errno_error (error, errno, _("Could not flush the directory “%s”"), dir);
      return FALSE;
    }
#endif
  return TRUE;
}

static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  cr_autofd int in = g_open (from, O_RDONLY | O_BINARY | O_CLOEXEC, 0);
  cr_autofd int out = -1;
  g_autofree guint8 *buf = NULL;

  if (in < 0)
    {
      set_errno_error (error, errno, _("Could not open “%s”"), from);
      return FALSE;
    }
  out = g_open (to, O_WRONLY | O_CREAT | O_EXCL | O_BINARY | O_CLOEXEC, 0600);
  if (out < 0)
    {
      set_errno_error (error, errno, _("Could not create “%s”"), to);
      return FALSE;
    }
  buf = g_malloc (1024 * 1024);
  for (;;)
    {
      gsize n = 0;

      if (!cr_fd_read_all (in, buf, 1024 * 1024, &n, error))
        return FALSE;
      if (n == 0)
        break;
      if (!cr_fd_write_all (out, buf, n, error))
        return FALSE;
    }
  return cr_fd_sync (out, error);
}

/**
 * cr_link_or_copy:
 *
 * Makes @to a second name of @from: a hard link where the file system
 * has them (instant, and it costs no space), a full copy elsewhere.
 * @to must not exist.
 */
gboolean
cr_link_or_copy (const char *from, const char *to, GError **error)
{
#ifdef G_OS_UNIX
  if (link (from, to) == 0)
    return TRUE;
  if (errno != EPERM && errno != EXDEV && errno != ENOTSUP && errno != EMLINK)
    {
      set_errno_error (error, errno, _("Could not keep “%s” as “%s”"), from, to);
      return FALSE;
    }
#endif
  return copy_file (from, to, error);
}

gboolean
cr_rename (const char *from, const char *to, GError **error)
{
  if (g_rename (from, to) < 0)
    {
      set_errno_error (error, errno, _("Could not rename “%s” to “%s”"), from, to);
      return FALSE;
    }
  return TRUE;
}

/**
 * cr_open_temp_beside:
 * @path: a file whose directory the temporary file goes into
 * @tag: a word for the temporary file's name, such as "restore"
 * @out_tmp_path: (out): the temporary file's path
 *
 * Creates a new, empty, private file next to @path (so that a rename
 * over @path is atomic). Returns its descriptor, or -1.
 */
int
cr_open_temp_beside (const char *path, const char *tag, char **out_tmp_path, GError **error)
{
  g_autofree char *tmpl = g_strdup_printf ("%s.%s-XXXXXX", path, tag);
  int fd = g_mkstemp_full (tmpl, O_RDWR | O_BINARY | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not create a file beside “%s”"), path);
      return -1;
    }
  *out_tmp_path = g_steal_pointer (&tmpl);
  return fd;
}

/**
 * cr_fault_point:
 * @name: a point in a critical sequence, such as "restore-after-link"
 *
 * Fault injection for the crash tests: when the environment variable
 * CIMREPO_FAULT_POINT names this point, the process kills itself here
 * with SIGKILL, exactly as a crash or `kill -9` would stop it. Costs one
 * getenv() per call otherwise.
 */
void
cr_fault_point (const char *name)
{
  const char *want = g_getenv ("CIMREPO_FAULT_POINT");

  if (want == NULL || g_strcmp0 (want, name) != 0)
    return;
#ifdef G_OS_UNIX
  kill (getpid (), SIGKILL);
#endif
  abort ();
}

char *
cr_get_process_name (gint64 pid)
{
#ifdef G_OS_UNIX
  g_autofree char *comm_path = NULL;
  g_autofree char *contents = NULL;

  if (pid <= 0)
    return NULL;
  comm_path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/comm", pid);
  if (!g_file_get_contents (comm_path, &contents, NULL, NULL))
    return NULL;
  g_strchomp (contents);
  if (!g_utf8_validate (contents, -1, NULL))
    return g_utf8_make_valid (contents, -1);
  return g_steal_pointer (&contents);
#else
  return NULL;
#endif
}

gint64
cr_get_pid (void)
{
#ifdef G_OS_UNIX
  return (gint64) getpid ();
#else
  return (gint64) _getpid ();
#endif
}

gint64
cr_get_uid (void)
{
#ifdef G_OS_UNIX
  return (gint64) getuid ();
#else
  return -1;
#endif
}

/**
 * cr_get_user_name:
 * @uid: a user id, or -1
 *
 * Returns: (nullable): the login name of @uid, or @uid as text where it
 *   has none (or the platform has no such names); %NULL for -1
 */
char *
cr_get_user_name (gint64 uid)
{
#ifdef G_OS_UNIX
  struct passwd pwd, *result = NULL;
  char buffer[4096];
#endif

  if (uid < 0)
    return NULL;
#ifdef G_OS_UNIX
  if (getpwuid_r ((uid_t) uid, &pwd, buffer, sizeof buffer, &result) == 0 && result != NULL &&
      result->pw_name != NULL && g_utf8_validate (result->pw_name, -1, NULL))
    return g_strdup (result->pw_name);
#endif
  return g_strdup_printf ("%" G_GINT64_FORMAT, uid);
}

struct _CrLockFile {
  char *path;
  int fd;
};

static char *
describe_holder (int fd)
{
  char buf[512];
  gsize n = 0;
  g_auto (GStrv) lines = NULL;

  if (!cr_fd_pread_all (fd, buf, sizeof buf - 1, 0, &n, NULL) || n == 0)
    return g_strdup (_("another process"));
  buf[n] = '\0';
  lines = g_strsplit (buf, "\n", 4);
  /* Written by cr_lock_file_acquire(): pid, program name, start time. */
  if (g_strv_length (lines) >= 3 && g_utf8_validate (buf, (gssize) n, NULL))
    return g_strdup_printf (_("%s (pid %s, since %s)"), lines[1], lines[0], lines[2]);
  return g_strdup (_("another process"));
}

/**
 * cr_lock_file_acquire:
 * @path: the lock file, typically the repository path plus ".lock"
 *
 * Takes an exclusive advisory lock that lasts until
 * cr_lock_file_release() or the end of the process. The lock is an
 * flock(2) on its own file, so that it never interferes with SQLite's
 * POSIX locks on the database. Where flock is missing, the file is
 * created exclusively instead; a stale one left by a crash must then be
 * removed by hand, and the error says so.
 */
CrLockFile *
cr_lock_file_acquire (const char *path, GError **error)
{
  g_autofree char *holder = NULL;
  g_autofree char *info = NULL;
  g_autofree char *process_name = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_str = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  CrLockFile *lock;
  cr_autofd int fd = -1;

#if defined(G_OS_UNIX) && defined(HAVE_FLOCK)
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open the lock file “%s”"), path);
      return NULL;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      if (errno == EWOULDBLOCK || errno == EAGAIN)
        {
          holder = describe_holder (fd);
          g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_LOCKED,
                       _("The repository is in use by %s. Close that program, or talk to it through the cimrepod service, instead of opening the file twice"),
                       holder);
          return NULL;
        }
      set_errno_error (error, errno, _("Could not lock “%s”"), path);
      return NULL;
    }
  if (!cr_fd_truncate (fd, 0, error))
    return NULL;
#else
  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_BINARY, 0600);
  if (fd < 0)
    {
      if (errno == EEXIST)
        {
          cr_autofd int rfd = g_open (path, O_RDONLY | O_BINARY, 0);
          holder = rfd >= 0 ? describe_holder (rfd) : g_strdup (_("another process"));
          g_set_error (error, CR_ERROR, CR_ERROR_REPOSITORY_LOCKED,
                       _("The repository is in use by %s. If that program is no longer running, remove “%s”"),
                       holder, path);
          return NULL;
        }
      set_errno_error (error, errno, _("Could not create the lock file “%s”"), path);
      return NULL;
    }
#endif

  process_name = cr_get_process_name (cr_get_pid ());
  if (process_name == NULL)
    process_name = g_strdup (g_get_prgname () != NULL ? g_get_prgname () : "unknown");
  info = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n%s\n", cr_get_pid (), process_name, now_str);
  if (!cr_fd_write_all (fd, info, strlen (info), error))
    return NULL;

  lock = g_new0 (CrLockFile, 1);
  lock->path = g_strdup (path);
  lock->fd = g_steal_fd (&fd);
  return lock;
}

void
cr_lock_file_release (CrLockFile *lock)
{
  if (lock == NULL)
    return;
#if defined(G_OS_UNIX) && defined(HAVE_FLOCK)
  /* Empty it first: a later reader must not name a holder that is gone.
   * The file itself stays; removing it would race with a new holder. */
  (void) ftruncate (lock->fd, 0);
  cr_fd_closep (&lock->fd);
#else
  cr_fd_closep (&lock->fd);
  (void) g_unlink (lock->path);
#endif
  g_free (lock->path);
  g_free (lock);
}
