#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A double-clicked backup, for real: with the merged MIME type and desktop
# file installed in a data directory of its own, `gio open FILE` does what
# a file manager does. GIO finds the file's type (by its magic: the file
# has no .cimbak suffix), the app that handles that type (the desktop
# file's MimeType), and starts it (Exec=cimrepo-manager %F) with the file.
# The app must come up asking to restore from that backup. Driven through
# AT-SPI, as test-e2e.py is (whose helpers this reuses).
#
# Needs a display (xvfb-run) and a session bus (dbus-run-session).

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile

spec = importlib.util.spec_from_file_location(
    "e2e", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-e2e.py"))
e2e = importlib.util.module_from_spec(spec)
spec.loader.exec_module(e2e)
Atspi = e2e.Atspi
GLib = e2e.GLib


def find_app_by_name(name):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_name() == name:
                return app
        except GLib.Error:
            continue
    return None


def main():
    manager = os.environ["CIMREPO_MANAGER"]
    cimrepoctl = os.environ["CIMREPOCTL"]
    desktop_file = os.environ["CIMREPO_DESKTOP_FILE"]
    mime_file = os.environ["CIMREPO_MIME_FILE"]
    if not os.environ.get("DISPLAY") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("1..0 # SKIP needs a display and a session bus (xvfb-run -a dbus-run-session --)")
        return 77

    Atspi.init()
    tmp = tempfile.mkdtemp(prefix="cimrepo-launch-")
    pid = None
    try:
        env = dict(os.environ)
        env["XDG_DATA_HOME"] = os.path.join(tmp, "data")
        env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
        # The desktop file's Exec names the binary: find the built one
        env["PATH"] = os.path.dirname(manager) + os.pathsep + env.get("PATH", "")
        env["GTK_A11Y"] = "atspi"
        env.pop("NO_AT_BRIDGE", None)

        # The MIME type and the desktop file, as `meson install` puts them
        share = os.path.join(tmp, "share")
        os.makedirs(os.path.join(share, "mime", "packages"))
        os.makedirs(os.path.join(share, "applications"))
        shutil.copy(mime_file, os.path.join(share, "mime", "packages"))
        shutil.copy(desktop_file, os.path.join(share, "applications"))
        env["XDG_DATA_DIRS"] = os.pathsep.join(
            [share] + (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(os.pathsep))
        # What gnome.post_install runs after `meson install`
        subprocess.run(["update-mime-database", os.path.join(share, "mime")], env=env, check=True)
        subprocess.run(["update-desktop-database", os.path.join(share, "applications")], env=env, check=True)

        # A backup of another repository (made with its sample content),
        # with a name that says nothing
        ctl_env = dict(env, XDG_DATA_HOME=os.path.join(tmp, "ctl"))
        backup = os.path.join(tmp, "Saved by the night job")
        subprocess.run([cimrepoctl, "status"], env=ctl_env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([cimrepoctl, "backup", backup], env=ctl_env, check=True, stdout=subprocess.DEVNULL)

        assert find_app_by_name("cimrepo-manager") is None, "another cimrepo-manager is on the bus"
        subprocess.run(["gio", "open", backup], env=env, check=True)
        app = e2e.wait_for("the app on the accessibility bus", lambda: find_app_by_name("cimrepo-manager"))
        pid = app.get_process_id()
        dialog = e2e.wait_for("the restore confirmation",
                              lambda: e2e.find_window(app, "Restore from Backup?"))
        e2e.wait_for("the backup's name in it", lambda: e2e.find_label(dialog, os.path.basename(backup)) is not None)
        e2e.log("ok 1 - the launched app asks to restore the backup it was given")

        # Nothing is restored without confirmation
        e2e.click(e2e.find(dialog, "Cancel", "button"))
        e2e.wait_for("the dialog to close", lambda: e2e.find_window(app, "Restore from Backup?") is None)
        e2e.log("ok 2 - cancelled")
        print("1..2")
        return 0
    finally:
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
