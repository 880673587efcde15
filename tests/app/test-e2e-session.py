#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# End to end in session mode: the real cimrepo-manager --session against
# the real cimrepod --session, with other real clients beside it, driven
# through AT-SPI by accessible names (with test-e2e.py's helpers). What
# the window shows must come from the service: its repository, the live
# connection table (its ConnectionsChanged signal), a pause made by
# another client (its properties, with who holds the pause), a pause
# made from the app, and a restore that disconnects another client.
#
# Nothing is shared with other tests: the test runs a bus of its own (a
# dbus-daemon with no activatable services), on which the service serves
# a repository in a temporary directory and the app registers its
# application id. Only the display and the accessibility bus are the
# session's: the app and this test are told the accessibility bus's
# address, so that nothing starts another one on the private bus.
#
# Needs a display and a session bus (xvfb-run -a dbus-run-session --).
# CIMREPO_E2E_SCREENSHOT=FILE.png: a screenshot of the screen while
# another client holds the pause (ImageMagick's import), for review.

import importlib.util
import json
import os
import queue
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

spec = importlib.util.spec_from_file_location(
    "e2e", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-e2e.py"))
e2e = importlib.util.module_from_spec(spec)
spec.loader.exec_module(e2e)
Atspi = e2e.Atspi
GLib = e2e.GLib
from gi.repository import Gio  # noqa: E402

# How fast the window follows the service. The service signals at once
# and the window does not poll, so about a second is the promise; the
# bound asserted is wider because this test shares a small, busy machine
# with other builds, and polling AT-SPI takes time of its own.
PROMPT = 3.0

# The service's idle timeout in step 6, in seconds
IDLE_TIMEOUT = 1

# Another client: a D-Bus client of the service that opens a namespace
# connection and holds it until its stdin closes. It names itself (its
# /proc comm, which the service reports), says its connection's path on
# stdout, then each Closed signal the service sends it.
OTHER_CLIENT = r"""
import ctypes, sys
from gi.repository import Gio, GLib
ctypes.CDLL(None).prctl(15, b"inventory-agent", 0, 0, 0)  # PR_SET_NAME
bus = Gio.bus_get_sync(Gio.BusType.SESSION)
def closed(connection, sender, path, interface, signal, parameters):
    print("closed", path, parameters[0], flush=True)
bus.signal_subscribe("org.cimrepo.Repository1", "org.cimrepo.Connection1", "Closed", None, None,
                     Gio.DBusSignalFlags.NONE, closed)
reply = bus.call_sync("org.cimrepo.Repository1", "/org/cimrepo/Repository1", "org.cimrepo.Repository1",
                      "OpenNamespace", GLib.Variant("(s)", (sys.argv[1],)), GLib.VariantType("(o)"),
                      Gio.DBusCallFlags.NONE, -1, None)
print("open", reply.unpack()[0], flush=True)
loop = GLib.MainLoop()
GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN | GLib.IOCondition.HUP,
                  lambda *args: loop.quit())
loop.run()
"""
OTHER_CLIENT_NAME = "inventory-agent"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

log = e2e.log
wait_for = e2e.wait_for


class Lines:
    """A child's stdout, line by line, with a timeout."""

    def __init__(self, stream):
        self.queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def next(self, what, timeout=e2e.TIMEOUT):
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"timed out waiting for {what}") from None
        if line is None:
            raise AssertionError(f"the output ended before {what}")
        return line


class OtherClient:
    def __init__(self, env, namespace="root/cimv2"):
        self.process = subprocess.Popen(["/usr/bin/python3", "-c", OTHER_CLIENT, namespace], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = self.process.pid
        self.lines = Lines(self.process.stdout)
        word, self.path = self.lines.next("the other client's connection").split(" ", 1)
        assert word == "open", word

    def exit(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def a11y_bus_address():
    """The accessibility bus of the session that the test runs in."""
    address = os.environ.get("AT_SPI_BUS_ADDRESS")
    if address:
        return address
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
                          GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE, 30000, None)
    return reply.unpack()[0]


def start_private_bus(tmp):
    config = os.path.join(tmp, "bus.conf")
    os.mkdir(os.path.join(tmp, "bus"))
    os.mkdir(os.path.join(tmp, "services"))
    with open(config, "w") as f:
        f.write(BUS_CONFIG.format(dir=os.path.join(tmp, "bus"), services=os.path.join(tmp, "services")))
    process = subprocess.Popen(["dbus-daemon", "--config-file", config, "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, text=True)
    address = process.stdout.readline().strip()
    assert address, "dbus-daemon gave no address"
    return process, address


def stop(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def bus_call(address, method, args, reply_type):
    """A call to the bus itself (org.freedesktop.DBus) at @address."""
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)
    try:
        return bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", method, args,
                             GLib.VariantType(reply_type) if reply_type else None, Gio.DBusCallFlags.NONE, 30000,
                             None)
    finally:
        bus.close_sync(None)


def sensitive(node):
    return node.get_state_set().contains(Atspi.StateType.SENSITIVE)


def label_starting(root, prefix):
    for node in e2e.walk(root):
        try:
            if node.get_role_name() == "label" and e2e.showing(node):
                text = e2e.text_of(node)
                if text.startswith(prefix):
                    return text
        except GLib.Error:
            continue
    return None


def row_of(window, pid):
    """The connection list's row of process @pid, or None."""
    return next((row for row in e2e.connection_rows(window) or [] if len(row) > 1 and row[1] == str(pid)), None)


def timed(what, predicate, bound):
    """Waits for @predicate (generously), then asserts it held within
    @bound seconds."""
    start = time.monotonic()
    value = wait_for(what, predicate)
    elapsed = time.monotonic() - start
    assert elapsed <= bound, f"{what} took {elapsed:.1f} s (at most {bound} s expected)"
    return value, elapsed


def ctl_status(cimrepoctl, env):
    out = subprocess.run([cimrepoctl, "--session", "--json", "status"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    manager = os.environ["CIMREPO_MANAGER"]
    cimrepoctl = os.environ["CIMREPOCTL"]
    cimrepod = os.environ.get("CIMREPOD")
    if not cimrepod:
        print("1..0 # SKIP cimrepod is not built (-Ddaemon=disabled)")
        return 77
    if not os.environ.get("DISPLAY") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("1..0 # SKIP needs a display and a session bus (xvfb-run -a dbus-run-session --)")
        return 77

    # The accessibility bus is the session's; everything else goes on a
    # private bus from here on.
    os.environ["AT_SPI_BUS_ADDRESS"] = a11y_bus_address()
    Atspi.init()
    tmp = tempfile.mkdtemp(prefix="cimrepo-e2e-session-")
    bus = daemon = app_process = pauser = None
    others = []
    try:
        bus, address = start_private_bus(tmp)
        env = dict(os.environ)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        env["XDG_DATA_HOME"] = os.path.join(tmp, "data")
        env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")

        # The repository, with its sample content, made by the CLI; then
        # the service on it
        subprocess.run([cimrepoctl, "status"], env=env, check=True, stdout=subprocess.DEVNULL)
        repository = os.path.join(tmp, "data", "cimrepo", "repository.db")
        assert os.path.exists(repository)
        daemon = subprocess.Popen([cimrepod, "--session", "--repository", repository], env=env)
        wait_for("the service", lambda: subprocess.run(
            [cimrepoctl, "--session", "status"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0 or daemon.poll() is not None)
        assert daemon.poll() is None, "cimrepod exited"

        backup = os.path.join(tmp, "session.cimbak")
        app_env = dict(env)
        app_env["GTK_A11Y"] = "atspi"
        app_env.pop("NO_AT_BRIDGE", None)
        app_env["CIMREPO_MANAGER_TEST_BACKUP_FILE"] = backup
        app_env["CIMREPO_MANAGER_TEST_RESTORE_FILE"] = backup
        app_process = subprocess.Popen([manager, "--session"], env=app_env)

        # 1. The service's repository, in session mode
        app = wait_for("the app on the accessibility bus", lambda: e2e.find_app(app_process.pid))
        window = wait_for("the main window", lambda: e2e.find_window(app, "cimrepo Manager"))
        wait_for("the overview", lambda: e2e.field(window, "Instances") == "12")
        assert e2e.field(window, "Mode") == "Session service (cimrepod --session)", e2e.field(window, "Mode")
        assert e2e.field(window, "Location") == repository, e2e.field(window, "Location")
        assert e2e.find_label(window, repository) is not None, "the overview names the service's repository file"
        assert e2e.find_label(window, "Session Repository") is not None
        assert e2e.field(window, "Namespaces") == "2", e2e.field(window, "Namespaces")
        assert e2e.field(window, "State") == "Ready", e2e.field(window, "State")
        log("ok 1 - the window shows the service's repository, in session mode")

        # 2. Another client's connection comes and goes, as the service
        # signals it
        wait_for("the connection list", lambda: e2e.connection_rows(window) is not None)
        other = OtherClient(env)
        others.append(other)
        row, elapsed = timed("the other client in the connection list", lambda: row_of(window, other.pid), PROMPT)
        log(f"# the other client was listed {elapsed:.2f} s after it connected")
        # Named by its program, not by its bus name
        assert row[0] == OTHER_CLIENT_NAME and row[3] == "root/cimv2", row
        other.exit()
        _, elapsed = timed("the other client to leave the list", lambda: (
            e2e.connection_rows(window) is not None and row_of(window, other.pid) is None), PROMPT)
        log(f"# the other client left the list {elapsed:.2f} s after it exited")
        log("ok 2 - the connection list follows the service's signals")

        # 3. A pause made elsewhere: cimrepoctl --session pause runs a
        # command that says when it runs (the pause is then in effect)
        # and ends when the test says so, rather than after a fixed time
        # that a slow machine could overrun. (Its stdin is /dev/null: it
        # waits on a FIFO.)
        header = e2e.find(window, "Pause Repository", "button").get_parent()
        assert e2e.find(header, "Repository Paused", "image") is None
        fifo = os.path.join(tmp, "end-of-command")
        os.mkfifo(fifo)
        pauser = subprocess.Popen([cimrepoctl, "--session", "pause", "--", "sh", "-c", 'echo paused; read _ < "$0"',
                                   fifo], env=env, stdout=subprocess.PIPE, text=True)
        pauser_lines = Lines(pauser.stdout)
        assert pauser_lines.next("the paused command") == "paused"
        end_of_command = os.open(fifo, os.O_WRONLY)
        _, elapsed = timed("the lock indicator", lambda: e2e.find(header, "Repository Paused", "image"), PROMPT)
        log(f"# the lock indicator showed {elapsed:.2f} s after the pause")
        # Who holds the pause, by program and process id (PausedByProcess)
        banner = wait_for("the banner", lambda: label_starting(window, "Paused by "))
        assert banner.startswith(f"Paused by cimrepoctl (pid {pauser.pid}, user "), banner
        assert ":1." not in banner, banner
        resume_button = wait_for("the banner's Resume", lambda: e2e.find(window, "Resume", "button"))
        assert not sensitive(resume_button), "Resume is for the holder of the pause only"
        pause_toggle = e2e.find(window, "Pause Repository", "button")
        assert not sensitive(pause_toggle), "the pause toggle cannot end another client's pause"
        assert e2e.field(window, "State") == "Paused", e2e.field(window, "State")
        assert not sensitive(e2e.find(window, "Restore…", "button"))
        # (The Browse page's menu button; the button inside it reports
        # its own flag, while its parent makes it insensitive.)
        new_namespace = e2e.find_all(window, "New Namespace", "button", only_showing=False)
        assert new_namespace and not sensitive(new_namespace[0]), "writes are disabled"
        if os.environ.get("CIMREPO_E2E_SCREENSHOT"):
            subprocess.run(["import", "-window", "root", os.environ["CIMREPO_E2E_SCREENSHOT"]], check=True)
        os.write(end_of_command, b"end\n")
        os.close(end_of_command)
        _, elapsed = timed("the lock indicator to go",
                           lambda: e2e.find(header, "Repository Paused", "image") is None, PROMPT)
        log(f"# the lock indicator went {elapsed:.2f} s after the command ended")
        assert pauser.wait(timeout=30) == 0
        wait_for("the ready state", lambda: e2e.field(window, "State") == "Ready")
        # (A revealer hides the banner, but GTK 4.8 reports its label as
        # VISIBLE all the same; its Resume button is hidden for real.)
        wait_for("the banner to go", lambda: e2e.find(window, "Resume", "button") is None)
        log("ok 3 - a pause made elsewhere shows who holds it, and ends with its command")

        # 4. A pause from the app: its banner's Resume works
        e2e.click(e2e.find(window, "Pause Repository", "button"))
        wait_for("the lock indicator", lambda: e2e.find(header, "Repository Paused", "image"))
        wait_for("the paused state", lambda: e2e.field(window, "State") == "Paused")
        status = ctl_status(cimrepoctl, env)
        assert status["paused"] is True, status
        # (The banner's label keeps its last text while hidden: wait for
        # the new one)
        wait_for("the banner", lambda: label_starting(window, f"Paused by cimrepo-manager (pid {app_process.pid}, "))
        resume_button = wait_for("Resume to be enabled", lambda: (
            lambda b: b if b is not None and sensitive(b) else None)(e2e.find(window, "Resume", "button")))
        e2e.click(resume_button)
        wait_for("the lock indicator to go", lambda: e2e.find(header, "Repository Paused", "image") is None)
        wait_for("the ready state", lambda: e2e.field(window, "State") == "Ready")
        wait_for("the banner to go", lambda: e2e.find(window, "Resume", "button") is None)
        status = ctl_status(cimrepoctl, env)
        assert status["paused"] is False, status
        log("ok 4 - paused and resumed from the app")

        # 5. Back up with the app; change the repository elsewhere; then
        # restore with another client connected
        e2e.click(e2e.find(window, "Back Up…", "button"))
        wait_for("the backup's notice", lambda: label_starting(window, "The repository was backed up to “session.cimbak”"))
        subprocess.run([cimrepoctl, "--session", "namespace", "create", "root/later"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        # Another client's backup makes the window read the summary again
        subprocess.run([cimrepoctl, "--session", "backup", os.path.join(tmp, "other.cimbak")], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("the new namespace in the overview", lambda: e2e.field(window, "Namespaces") == "3")

        other = OtherClient(env)
        others.append(other)
        wait_for("the other client in the connection list", lambda: row_of(window, other.pid))
        e2e.click(e2e.find(window, "Restore…", "button"))
        dialog = wait_for("the confirmation", lambda: e2e.find_window(app, "Restore from Backup?"))
        names = [(n.get_name(), n.get_description()) for n in e2e.walk(dialog) if n.get_role_name() == "list item"]
        assert (OTHER_CLIENT_NAME, f"Process {other.pid} · root/cimv2") in names, \
            f"the dialog names the other client by its program: {names}"
        confirm = wait_for("the restore button", lambda: e2e.find(dialog, "Disconnect 1 Client and Restore", "button"))
        e2e.click(confirm)
        wait_for("the restore's notice", lambda: label_starting(window, "The repository was restored from “session.cimbak”."))
        line = other.lines.next("the other client's Closed signal")
        assert line == f"closed {other.path} restore", line
        wait_for("the other client to leave the list", lambda: (
            e2e.connection_rows(window) is not None and row_of(window, other.pid) is None))
        wait_for("the restored overview", lambda: e2e.field(window, "Namespaces") == "2")
        assert e2e.field(window, "Instances") == "12", e2e.field(window, "Instances")
        assert e2e.field(window, "State") == "Ready", e2e.field(window, "State")
        assert e2e.find_label(window, repository) is not None
        assert e2e.find_window(app, "Restore from Backup?") is None
        namespaces = subprocess.run([cimrepoctl, "--session", "namespace", "list"], env=env, check=True,
                                    capture_output=True, text=True).stdout
        assert "root/later" not in namespaces, namespaces
        other.exit()
        log("ok 5 - restored through the service, and the other client was told")

        # 6. As installed, the service is started by the bus when called
        # and exits when it has had no client for a while (an app that
        # only shows it is none). The open app must not start it again
        # just to look at it, over and over; what the user does starts it.
        starts = os.path.join(tmp, "starts")
        with open(os.path.join(tmp, "services", "org.cimrepo.Repository1.service"), "w") as f:
            f.write("[D-BUS Service]\nName=org.cimrepo.Repository1\nExec=/bin/sh -c " + shlex.quote(
                f"echo started >> {shlex.quote(starts)}; exec {shlex.quote(cimrepod)} --session "
                f"--repository {shlex.quote(repository)} --idle-timeout {IDLE_TIMEOUT}") + "\n")
        bus_call(address, "ReloadConfig", None, None)
        stop(daemon)

        def count_starts():
            try:
                with open(starts) as f:
                    return len(f.readlines())
            except FileNotFoundError:
                return 0

        def has_owner():
            return bus_call(address, "NameHasOwner", GLib.Variant("(s)", ("org.cimrepo.Repository1",)),
                            "(b)").unpack()[0]

        wait_for("the service to leave the bus", lambda: not has_owner())
        subprocess.run([cimrepoctl, "--session", "status"], env=env, check=True, stdout=subprocess.DEVNULL)
        wait_for("the idle service to exit", lambda: not has_owner())
        time.sleep(4 * IDLE_TIMEOUT)
        assert count_starts() == 1, f"the service was started {count_starts()} times, not once"
        assert not has_owner(), "the service is running again"
        assert e2e.field(window, "Namespaces") == "2", e2e.field(window, "Namespaces")
        # A pause from the app starts it
        e2e.click(e2e.find(window, "Pause Repository", "button"))
        wait_for("the lock indicator", lambda: e2e.find(header, "Repository Paused", "image"))
        assert count_starts() == 2, count_starts()
        e2e.click(wait_for("Resume to be enabled", lambda: (
            lambda b: b if b is not None and sensitive(b) else None)(e2e.find(window, "Resume", "button"))))
        wait_for("the lock indicator to go", lambda: e2e.find(header, "Repository Paused", "image") is None)
        log("ok 6 - the app does not start an idle service again only to watch it")
        print("1..6")
        return 0
    finally:
        for other in others:
            other.kill()
        if pauser is not None and pauser.poll() is None:
            pauser.send_signal(signal.SIGTERM)
        stop(pauser)
        stop(app_process)
        stop(daemon)
        stop(bus)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
