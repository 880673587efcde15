/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "cr-cli.h"

#ifdef HAVE_POLKIT_AGENT
#define POLKIT_AGENT_I_KNOW_API_IS_SUBJECT_TO_CHANGE
#include <polkitagent/polkitagent.h>
#endif

/*
 * cimrepoctl --system on a terminal is its own polkit authentication
 * agent, as pkexec is: where the service's policy wants an
 * administrator's password (restore, say), polkit asks for it here, on
 * the terminal, rather than refusing because no agent answered. The
 * agent is registered for this process only, so it never answers for
 * anyone else, and a desktop session's own agent is not displaced.
 */

#ifdef HAVE_POLKIT_AGENT
struct _CrCliAgent {
  PolkitAgentListener *listener;
  gpointer handle;
};

CrCliAgent *
cr_cli_agent_register (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PolkitAgentListener) listener = NULL;
  g_autoptr (PolkitSubject) subject = NULL;
  CrCliAgent *agent;
  gpointer handle;

  /* Answers come from the terminal the command runs on */
  if (!isatty (STDIN_FILENO))
    return NULL;
  listener = polkit_agent_text_listener_new (NULL, &error);
  if (listener == NULL)
    {
      g_debug ("No polkit agent on this terminal: %s", error->message);
      return NULL;
    }
  subject = polkit_unix_process_new_for_owner (getpid (), 0, getuid ());
  /* In a thread of its own: the commands wait without a main loop */
  handle = polkit_agent_listener_register (listener, POLKIT_AGENT_REGISTER_FLAGS_RUN_IN_THREAD, subject, NULL,
                                           NULL, &error);
  if (handle == NULL)
    {
      /* Another agent answers for us, or polkitd is not there: the
       * service's refusal, if any, says what to do. */
      g_debug ("Could not register a polkit agent: %s", error->message);
      return NULL;
    }
  agent = g_new0 (CrCliAgent, 1);
  agent->listener = g_steal_pointer (&listener);
  agent->handle = handle;
  return agent;
}

void
cr_cli_agent_unregister (CrCliAgent *agent)
{
  if (agent == NULL)
    return;
  polkit_agent_listener_unregister (agent->handle);
  g_object_unref (agent->listener);
  g_free (agent);
}
#else
CrCliAgent *
cr_cli_agent_register (void)
{
  return NULL;
}

void
cr_cli_agent_unregister (CrCliAgent *agent)
{
}
#endif
