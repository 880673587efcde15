#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# One language of po/LINGUAS, as its speakers see it: under LANGUAGE=LANG,
# with the .mo files of the build tree (CIMREPO_LOCALEDIR), cimrepoctl
# --help and the app's main window show the translation of a known
# string, as po/LANG.po has it. The strings must be translated there (not
# empty, not fuzzy, not the English).
#
# The app part needs a display and a session bus (xvfb-run -a
# dbus-run-session --), and drives the app over AT-SPI with test-e2e.py's
# helpers.
#
# Usage: test-translations.py LANG PO_FILE

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

# A command's summary in `cimrepoctl --help`, and the app's main button
CLI_STRING = "Write a backup of the repository to FILE"
APP_STRING = "Back Up…"


def translation(po_file, msgid):
    """msgstr of @msgid in @po_file, or None (missing, empty or fuzzy)."""
    # msgattrib/msgexec would do; reading the entry is enough and exact
    entries = {}
    fuzzy = False
    current = None
    key = value = None
    with open(po_file, encoding="utf-8") as f:
        lines = f.read().splitlines() + [""]
    for line in lines:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            key = None
            current = "ctxt"
        elif line.startswith("msgid "):
            key = eval(line[6:])
            current = "msgid"
        elif line.startswith("msgstr "):
            value = eval(line[7:])
            current = "msgstr"
        elif line.startswith('"'):
            if current == "msgid":
                key += eval(line)
            elif current == "msgstr":
                value += eval(line)
        elif not line.strip():
            if key is not None and value is not None and current == "msgstr":
                entries[key] = None if fuzzy else value
            fuzzy = False
            current = None
            key = value = None
    value = entries.get(msgid)
    return value if value and value != msgid else None


def main():
    lang, po_file = sys.argv[1], sys.argv[2]
    manager = os.environ["CIMREPO_MANAGER"]
    cimrepoctl = os.environ["CIMREPOCTL"]
    problems = []

    cli_text = translation(po_file, CLI_STRING)
    app_text = translation(po_file, APP_STRING)
    for msgid, text in ((CLI_STRING, cli_text), (APP_STRING, app_text)):
        if text is None:
            problems.append(f"{po_file}: {msgid!r} is not translated")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1

    tmp = tempfile.mkdtemp(prefix=f"cimrepo-{lang}-")
    app_process = None
    try:
        # No system bus to look for the service on: the app opens the
        # user's repository at once
        env = dict(os.environ, LANGUAGE=lang, XDG_DATA_HOME=os.path.join(tmp, "data"),
                   XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                   DBUS_SYSTEM_BUS_ADDRESS="unix:path=" + os.path.join(tmp, "no-system-bus"))
        help_text = subprocess.run([cimrepoctl, "--help"], env=env, capture_output=True, text=True,
                                   check=True).stdout
        if cli_text not in help_text:
            problems.append(f"cimrepoctl --help under LANGUAGE={lang} does not say {cli_text!r}:\n{help_text}")
        else:
            print(f"ok 1 - cimrepoctl --help says {cli_text!r}")

        if not os.environ.get("DISPLAY") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            print("# the app part needs a display and a session bus (xvfb-run -a dbus-run-session --)")
            return 77 if not problems else 1
        spec = importlib.util.spec_from_file_location(
            "e2e", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-e2e.py"))
        e2e = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(e2e)
        e2e.Atspi.init()
        env["GTK_A11Y"] = "atspi"
        env.pop("NO_AT_BRIDGE", None)
        app_process = subprocess.Popen([manager], env=env)
        app = e2e.wait_for("the app on the accessibility bus", lambda: e2e.find_app(app_process.pid))
        window = e2e.wait_for("its window", lambda: app.get_child_count() > 0 and app.get_child_at_index(0))
        try:
            e2e.wait_for(f"the button {app_text!r}", lambda: e2e.find(window, app_text, "button"))
            print(f"ok 2 - the app shows {app_text!r}")
        except AssertionError as e:
            problems.append(str(e))
    finally:
        if app_process is not None:
            app_process.terminate()
            try:
                app_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app_process.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n".join(problems), file=sys.stderr)
    print("1..2")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
