/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#define G_LOG_DOMAIN "cimrepo-manager"

#include <glib/gi18n.h>

#include "cr-format.h"
#include "cr-platform.h"

/* A rate or a time left is shown once this much time has passed: before,
 * it only jumps about. */
#define STEADY_USEC (G_USEC_PER_SEC / 2)

static GDateTime *
local_time (gint64 unix_usec)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_usec / G_USEC_PER_SEC);

  return utc != NULL ? g_date_time_to_local (utc) : NULL;
}

/**
 * cr_format_clock_time:
 *
 * Returns: the local time of day of @unix_usec, such as "14:02"
 */
char *
cr_format_clock_time (gint64 unix_usec)
{
  g_autoptr (GDateTime) dt = local_time (unix_usec);

  if (dt == NULL)
    return g_strdup ("?");
  /* Translators: a time of day, see g_date_time_format() */
  return g_date_time_format (dt, _("%H:%M"));
}

/**
 * cr_format_date_time:
 *
 * Returns: @unix_usec for people: "Today at 14:02", "Yesterday at
 *   09:13", or a date with the time
 */
char *
cr_format_date_time (gint64 unix_usec, gint64 now_usec)
{
  g_autoptr (GDateTime) dt = local_time (unix_usec);
  g_autoptr (GDateTime) now = local_time (now_usec);
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) today = NULL;
  GTimeSpan days;

  if (dt == NULL || now == NULL)
    return g_strdup ("?");
  day = g_date_time_new_local (g_date_time_get_year (dt), g_date_time_get_month (dt),
                               g_date_time_get_day_of_month (dt), 0, 0, 0);
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  days = g_date_time_difference (today, day) / G_TIME_SPAN_DAY;
  if (days == 0)
    /* Translators: see g_date_time_format() */
    return g_date_time_format (dt, _("Today at %H:%M"));
  if (days == 1)
    /* Translators: see g_date_time_format() */
    return g_date_time_format (dt, _("Yesterday at %H:%M"));
  if (g_date_time_get_year (dt) == g_date_time_get_year (now))
    /* Translators: a date in this year with a time; see g_date_time_format() */
    return g_date_time_format (dt, _("%-d %B at %H:%M"));
  /* Translators: a date with a time; see g_date_time_format() */
  return g_date_time_format (dt, _("%-d %B %Y at %H:%M"));
}

/**
 * cr_format_countdown:
 *
 * Returns: @seconds as "14:32" (minutes and seconds) or "1:02:03"
 */
char *
cr_format_countdown (gint64 seconds)
{
  seconds = MAX (seconds, 0);
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600, (int) (seconds / 60 % 60),
                            (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

/**
 * cr_format_count:
 *
 * Returns: @count with the locale's thousands separators
 */
char *
cr_format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

static char *
format_time_left (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d second left", "about %d seconds left",
                                         (gulong) MAX (seconds, 1)),
                            (int) MAX (seconds, 1));
  if (seconds < 3600)
    {
      int minutes = (int) ((seconds + 30) / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d minute left", "about %d minutes left",
                                           (gulong) minutes),
                              minutes);
    }
  {
    int hours = (int) ((seconds + 1800) / 3600);
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d hour left", "about %d hours left",
                                         (gulong) hours),
                            hours);
  }
}

/**
 * cr_format_progress:
 * @done: bytes done
 * @total: bytes in all, 0 if not known yet
 * @elapsed_usec: time since the operation began
 *
 * Returns: a progress line such as "45 % — 450.0 MB of 1.0 GB ·
 *   120.0 MB/s · about 4 seconds left"
 */
char *
cr_format_progress (guint64 done, guint64 total, gint64 elapsed_usec)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *done_text = g_format_size (done);

  if (total > 0)
    {
      g_autofree char *total_text = g_format_size (total);
      guint percent = (guint) MIN (done * 100 / total, 100);

      /* Translators: percent done, bytes done and bytes in all, as
       * in "45 % — 450.0 MB of 1.0 GB" */
      g_string_append_printf (text, _("%u %% — %s of %s"), percent, done_text, total_text);
    }
  else
    {
      /* Translators: bytes done so far when the total is not known yet */
      g_string_append_printf (text, _("%s so far"), done_text);
    }

  if (elapsed_usec >= STEADY_USEC && done > 0)
    {
      double rate = (double) done * G_USEC_PER_SEC / (double) elapsed_usec;
      g_autofree char *rate_size = g_format_size ((guint64) rate);

      /* Translators: a transfer rate, as in "120.0 MB/s" */
      g_string_append_printf (text, _(" · %s/s"), rate_size);
      if (total > done && rate > 0)
        {
          g_autofree char *left = format_time_left ((gint64) ((double) (total - done) / rate + 0.5));
          g_string_append_printf (text, " · %s", left);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * cr_format_user:
 *
 * Returns: the name of the user @uid, or the number if it has none
 */
char *
cr_format_user (gint64 uid)
{
  char *name = cr_get_user_name (uid);

  return name != NULL ? name : g_strdup ("—");
}

/**
 * cr_format_backup_name:
 *
 * Returns: the file name a new backup gets by default,
 *   `repository-YYYY-MM-DD-HHMM.cimbak`
 */
char *
cr_format_backup_name (gint64 unix_usec)
{
  g_autoptr (GDateTime) dt = local_time (unix_usec);

  if (dt == NULL)
    return g_strdup ("repository.cimbak");
  return g_date_time_format (dt, "repository-%Y-%m-%d-%H%M.cimbak");
}
