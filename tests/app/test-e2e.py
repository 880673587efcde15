#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# End to end: the real cimrepo-manager on a repository of its own, driven
# through AT-SPI by accessible names only, as a screen reader user or an
# automation tool would. It backs up, pauses and sees the lock indicator,
# resumes, restores the backup through the confirmation dialog, and checks
# what the window then says.
#
# Needs a display (xvfb-run) and a session bus (dbus-run-session), which
# starts the accessibility bus on demand. The file choosers are portal
# dialogs that AT-SPI cannot drive here: the app's test hooks
# CIMREPO_MANAGER_TEST_BACKUP_FILE and CIMREPO_MANAGER_TEST_RESTORE_FILE
# name the files instead.

import os
import shutil
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

TIMEOUT = 60.0


def log(message):
    print(message, flush=True)


def wait_for(what, predicate, timeout=TIMEOUT):
    """Polls @predicate (AT-SPI has no waiting of its own) until it gives a
    true value, which it returns."""
    end = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except GLib.Error:
            value = None
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def showing(node):
    """Whether the widget is shown. GTK 4.8 reports SHOWING for windows
    only; a widget's VISIBLE follows gtk_widget_set_visible()."""
    states = node.get_state_set()
    return states.contains(Atspi.StateType.SHOWING) or states.contains(Atspi.StateType.VISIBLE)


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.get_child_count()):
        yield from walk(node.get_child_at_index(i), depth + 1)


BUTTON_ROLES = ("push button", "toggle button", "page tab")


def find_all(root, name, role=None, only_showing=True):
    found = []
    for node in walk(root):
        try:
            if node.get_name() != name:
                continue
            if role == "button" and node.get_role_name() not in BUTTON_ROLES:
                continue
            if role not in (None, "button") and node.get_role_name() != role:
                continue
            if only_showing and not showing(node):
                continue
            found.append(node)
        except GLib.Error:
            continue
    return found


def find(root, name, role=None):
    nodes = find_all(root, name, role)
    return nodes[0] if nodes else None


def text_of(node):
    return Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))


def find_label(root, text):
    """The showing label under @root that says exactly @text, or None."""
    for node in walk(root):
        try:
            if node.get_role_name() == "label" and showing(node) and text_of(node) == text:
                return node
        except GLib.Error:
            continue
    return None


def click(node):
    if "Action" in node.get_interfaces() and Atspi.Action.get_n_actions(node) > 0:
        Atspi.Action.do_action(node, 0)
        return
    # A page tab: select it in its tab list
    parent = node.get_parent()
    assert "Selection" in parent.get_interfaces(), f"{node.get_name()} cannot be clicked"
    Atspi.Selection.select_child(parent, node.get_index_in_parent())


def field(window, name):
    """The text of an overview value, found by its label: the value is
    labelled by its key, which GTK 4.8 appends to the value's name."""
    for node in walk(window):
        try:
            if node.get_role_name() != "label":
                continue
            node_name = node.get_name() or ""
            text = text_of(node)
            if node_name in (f"{text} {name}", name) and text != name:
                return text
        except GLib.Error:
            continue
    return None


def connection_rows(window):
    """The rows of the connection list, each the texts of its cells
    (client, process id, user, namespace, connected since), or None
    before the list is there.

    The rows, not the "No clients are connected" placeholder: GTK 4.8
    reports a hidden stack page's label as VISIBLE all the same."""
    tables = [n for n in find_all(window, "Active Connections", only_showing=False)
              if n.get_role_name() == "tree table"]
    if not tables:
        return None
    rows = []
    for i in range(tables[0].get_child_count()):
        child = tables[0].get_child_at_index(i)
        if child is None or child.get_role_name() != "list":  # the column titles
            continue
        for j in range(child.get_child_count()):
            row = child.get_child_at_index(j)
            rows.append([text_of(n) for n in walk(row) if n.get_role_name() == "label"])
    return rows


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except GLib.Error:
            continue
    return None


def find_window(app, title):
    for i in range(app.get_child_count()):
        window = app.get_child_at_index(i)
        if window is not None and window.get_name() == title and showing(window):
            return window
    return None


def main():
    manager = os.environ["CIMREPO_MANAGER"]
    cimrepoctl = os.environ["CIMREPOCTL"]
    if not os.environ.get("DISPLAY") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("1..0 # SKIP needs a display and a session bus (xvfb-run -a dbus-run-session --)")
        return 77

    Atspi.init()
    tmp = tempfile.mkdtemp(prefix="cimrepo-e2e-")
    app_process = None
    try:
        env = dict(os.environ)
        env["XDG_DATA_HOME"] = os.path.join(tmp, "data")
        env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
        # The repository, with its sample content, made by the CLI
        subprocess.run([cimrepoctl, "status"], env=env, check=True, stdout=subprocess.DEVNULL)
        repository = os.path.join(tmp, "data", "cimrepo", "repository.db")
        backup = os.path.join(tmp, "e2e.cimbak")

        env["GTK_A11Y"] = "atspi"
        env.pop("NO_AT_BRIDGE", None)
        env["CIMREPO_MANAGER_TEST_BACKUP_FILE"] = backup
        env["CIMREPO_MANAGER_TEST_RESTORE_FILE"] = backup
        app_process = subprocess.Popen([manager, "--repository", repository], env=env)

        app = wait_for("the app on the accessibility bus", lambda: find_app(app_process.pid))
        window = wait_for("the main window", lambda: find_window(app, "cimrepo Manager"))
        wait_for("the overview", lambda: field(window, "Instances") == "12")
        assert field(window, "State") == "Ready", field(window, "State")
        assert field(window, "Location") == repository, field(window, "Location")
        log("ok - the window shows the repository")

        # Back up
        click(wait_for("Back Up…", lambda: find(window, "Back Up…", "button")))
        wait_for("the backup's notice", lambda: any(
            safe_name(n).startswith("The repository was backed up to “e2e.cimbak”") for n in walk(window)))
        wait_for("the last backup time", lambda: (field(window, "Last backup") or "").startswith("Today at "))
        # (cimrepoctl opens a repository too: not the one the app holds)
        verify_env = dict(env, XDG_DATA_HOME=os.path.join(tmp, "verify"))
        subprocess.run([cimrepoctl, "verify", backup], env=verify_env, check=True, stdout=subprocess.DEVNULL)
        log("ok - backed up, and the backup verifies")

        # Pause: the padlock shows
        assert find(window, "Repository Paused", "image") is None
        click(find(window, "Pause Repository", "button"))
        wait_for("the lock indicator", lambda: find(window, "Repository Paused", "image"))
        wait_for("the paused state", lambda: field(window, "State") == "Paused")
        wait_for("Restore… to be disabled while paused", lambda: not find(window, "Restore…", "button")
                 .get_state_set().contains(Atspi.StateType.SENSITIVE))
        log("ok - paused, the lock indicator is showing")

        # Resume from the banner: the padlock goes
        click(wait_for("Resume", lambda: find(window, "Resume", "button")))
        wait_for("the lock indicator to go", lambda: find(window, "Repository Paused", "image") is None)
        wait_for("the ready state", lambda: field(window, "State") == "Ready")
        log("ok - resumed, the lock indicator is gone")

        # Browse: reading classes opens a connection, which a restore closes
        click(wait_for("Browse", lambda: find(window, "Browse", "button")))
        wait_for("a class", lambda: find(window, "CIM_ManagedElement", "label"))
        click(wait_for("Overview", lambda: find(window, "Overview", "button")))
        wait_for("our connection in the list", lambda: ["cimrepo-manager", str(app_process.pid)] in [
            row[:2] for row in connection_rows(window) or []])

        # Restore, confirmed in the dialog by the destructive button's name
        click(find(window, "Restore…", "button"))
        dialog = wait_for("the confirmation", lambda: find_window(app, "Restore from Backup?"))
        assert find(dialog, "cimrepo-manager", "label") is not None, "the dialog names the client"
        assert find(dialog, "Cancel", "button") is not None, [(n.get_role_name(), n.get_name()) for n in walk(dialog) if "button" in n.get_role_name()]
        click(wait_for("the restore button", lambda: find(dialog, "Disconnect 1 Client and Restore", "button")))
        wait_for("the restore's notice", lambda: any(
            safe_name(n).startswith("The repository was restored from “e2e.cimbak”.") for n in walk(window)))
        wait_for("the empty connection list", lambda: connection_rows(window) == [])
        assert field(window, "Namespaces") == "2", field(window, "Namespaces")
        assert field(window, "Instances") == "12", field(window, "Instances")
        assert field(window, "State") == "Ready", field(window, "State")
        assert find_window(app, "Restore from Backup?") is None
        log("ok - restored, the clients were disconnected")
        print("1..5")
        return 0
    finally:
        if app_process is not None:
            app_process.terminate()
            try:
                app_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app_process.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def safe_name(node):
    try:
        return node.get_name() or ""
    except GLib.Error:
        return ""


if __name__ == "__main__":
    sys.exit(main())
