#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""polkit decides: the real polkitd, the project's actions, a rules file.

Runs as root only (exit 77 otherwise). Clients run as nobody, because
polkitd allows root everything. The rules say NO to restore and pause and
YES to backup for nobody; then YES to pause.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cr_system_harness as harness  # noqa: E402

from gi.repository import Gio, GLib  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cr_system_client.py")

RULES = """// cimrepo's system test: installed and removed by the test itself.
polkit.addRule(function(action, subject) {{
    if (subject.user != "nobody")
        return polkit.Result.NOT_HANDLED;
    if (action.id == "org.cimrepo.backup")
        return polkit.Result.YES;
    if (action.id == "org.cimrepo.restore")
        return polkit.Result.NO;
    if (action.id == "org.cimrepo.pause")
        return polkit.Result.{pause};
    return polkit.Result.NOT_HANDLED;
}});
"""

# Restore needs an administrator's password, which nobody does not have
RULES_AUTH_ADMIN = """// cimrepo's system test: installed and removed by the test itself.
polkit.addRule(function(action, subject) {
    if (subject.user == "nobody" && action.id == "org.cimrepo.restore")
        return polkit.Result.AUTH_ADMIN;
    return polkit.Result.NOT_HANDLED;
});
"""


class RootClient:
    """The administrator: root, whom polkit allows everything."""

    def __init__(self, address):
        self.bus = Gio.DBusConnection.new_for_address_sync(
            address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)

    def call(self, method, args=None, path="/org/cimrepo/Repository1",
             iface="org.cimrepo.Repository1"):
        return self.bus.call_sync(harness.BUS_NAME, path, iface, method, args, None,
                                  Gio.DBusCallFlags.NONE, 60000, None).unpack()

    def prop(self, name):
        return self.call("Get", GLib.Variant("(ss)", ("org.cimrepo.Repository1", name)),
                         iface="org.freedesktop.DBus.Properties")[0]

    def close(self):
        self.bus.close_sync(None)


def expect(result, prefix):
    first = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert first.startswith(prefix), f"expected '{prefix}…', got '{first}' (exit {result.returncode})"
    return first


def main_without_polkit():
    """cimrepod built without polkit: only uid 0 may act."""
    with harness.SystemBus(rules=RULES.format(pause="YES")) as bus:
        root = RootClient(bus.address)
        target = os.path.join(bus.nobody_dir, "nobody.cimbak")
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "backup", target])
        line = expect(result, "error org.cimrepo.Error.AccessDenied")
        assert "root" in line, line
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "pause"])
        expect(result, "error org.cimrepo.Error.AccessDenied")
        assert not root.prop("Paused")
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "create-namespace", "root/nobody"])
        expect(result, "error org.cimrepo.Error.AccessDenied")
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "import", "root/nobody", "Nobody_Class"])
        expect(result, "error org.cimrepo.Error.AccessDenied")
        root.call("CreateNamespace", GLib.Variant("(sb)", ("root/admin", False)))
        root.call("Pause", GLib.Variant("(a{sv})", ({},)))
        assert root.prop("Paused")
        root.call("Resume")
        root.close()
    harness.log("all good")
    return 0


def main():
    harness.skip_unless_root()
    if os.environ.get("CR_HAVE_POLKIT") == "0":
        return main_without_polkit()

    with harness.SystemBus(rules=RULES.format(pause="NO")) as bus:
        root = RootClient(bus.address)
        source = os.path.join(bus.dir, "source.cimbak")

        # The administrator makes a backup, then changes the repository.
        root.call("CreateNamespace", GLib.Variant("(sb)", ("root/test", True)))
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "count", "root/test", "Test_Item"])
        expect(result, "error org.cimrepo.Error.InvalidClass")  # reads are open; no such class yet
        with open(source, "wb"):
            pass
        os.chmod(source, 0o644)
        fd = os.open(source, os.O_RDWR)
        fds = Gio.UnixFDList.new()
        fds.append(fd)
        os.close(fd)
        job = root.bus.call_with_unix_fd_list_sync(harness.BUS_NAME, "/org/cimrepo/Repository1",
                                                   "org.cimrepo.Repository1", "Backup",
                                                   GLib.Variant("(hua{sv})", (0, 0, {})), None,
                                                   Gio.DBusCallFlags.NONE, 60000, fds, None)[0].unpack()[0]
        harness.log(f"root's backup job {job}")
        # Wait for it to end: BackupInProgress goes down.
        harness._wait_for(lambda: not root.prop("BackupInProgress") and os.path.getsize(source) > 0, 30,
                          "root's backup")
        root.call("CreateNamespace", GLib.Variant("(sb)", ("root/after", False)))
        repo_id = root.prop("Id")
        conn = root.call("OpenNamespace", GLib.Variant("(s)", ("root/test",)))[0]
        namespaces = root.call("ListNamespaces", GLib.Variant("(sb)", ("", True)))[0]

        # R3: restore is denied; nothing changes, nobody is disconnected.
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "restore", source])
        line = expect(result, "error org.cimrepo.Error.AccessDenied")
        assert "restore" in line, line
        assert root.prop("Id") == repo_id
        assert not root.prop("RestoreInProgress")
        assert root.call("ListNamespaces", GLib.Variant("(sb)", ("", True)))[0] == namespaces
        assert "root/after" in namespaces
        root.call("EnumerateClasses", GLib.Variant("(sb)", ("", True)), path=conn, iface="org.cimrepo.Connection1")
        assert root.prop("ConnectionCount") == 1

        # B: backup is allowed; the file is a backup of this repository.
        target = os.path.join(bus.nobody_dir, "nobody.cimbak")
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "backup", target])
        expect(result, "ok /org/cimrepo/Repository1/Job/")
        assert os.stat(target).st_uid == bus.nobody.pw_uid
        fd = os.open(target, os.O_RDONLY)
        fds = Gio.UnixFDList.new()
        fds.append(fd)
        os.close(fd)
        info = root.bus.call_with_unix_fd_list_sync(harness.BUS_NAME, "/org/cimrepo/Repository1",
                                                    "org.cimrepo.Repository1", "InspectBackup",
                                                    GLib.Variant("(h)", (0,)), None, Gio.DBusCallFlags.NONE,
                                                    60000, fds, None)[0].unpack()[0]
        assert info["repository-id"] == repo_id, info
        assert root.prop("LastBackupTime") > 0

        # P4: pause is denied; not paused.
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "pause"])
        expect(result, "error org.cimrepo.Error.AccessDenied")
        assert not root.prop("Paused")

        # Writes need org.cimrepo.modify: no rule, no agent, no change.
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "create-namespace", "root/nobody"])
        expect(result, "error org.cimrepo.Error.AccessDenied")
        assert "root/nobody" not in root.call("ListNamespaces", GLib.Variant("(sb)", ("", True)))[0]
        # Import too, and its dry run, which takes the write transaction.
        for extra in ([], ["--dry-run"]):
            result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "import", "root/nobody", "Nobody_Class"] + extra)
            expect(result, "error org.cimrepo.Error.AccessDenied")
        assert "root/nobody" not in root.call("ListNamespaces", GLib.Variant("(sb)", ("", True)))[0]

        # The rules change: pause is allowed now.
        bus.set_rules(RULES.format(pause="YES"))
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "pause"])
        expect(result, "ok :")
        # The client exited without Resume: the pause ended with it (P5).
        harness._wait_for(lambda: not root.prop("Paused"), 5, "the pause to end")
        result = bus.run_as_nobody(["/usr/bin/python3", CLIENT, "pause", "--resume"])
        expect(result, "ok :")
        assert not root.prop("Paused")

        check_cli(bus, root, source)
        root.close()
    harness.log("all good")
    return 0


def check_cli(bus, root, source):
    """The real cimrepoctl --system, as nobody, under the same rules
    (backup and pause allowed, restore denied, no rule for writes)."""
    cli = os.environ["CIMREPOCTL"]

    def run(*args):
        return bus.run_as_nobody([cli, "--system", *args])

    # Reads are open; status names the service and lists the connections
    # (root's, opened above).
    result = run("status")
    assert result.returncode == 0, result.stderr
    assert bus.repository in result.stdout, result.stdout
    assert "system bus" in result.stdout, result.stdout
    assert "root/test" in result.stdout, result.stdout

    # Backup: the CLI opens the file as nobody, the service gets the fd.
    target = os.path.join(bus.nobody_dir, "cli.cimbak")
    result = run("backup", target)
    assert result.returncode == 0, result.stderr
    assert os.stat(target).st_uid == bus.nobody.pw_uid
    assert not [n for n in os.listdir(bus.nobody_dir) if ".part-" in n]

    # A file nobody cannot write: refused by the CLI itself, before any call.
    result = run("backup", os.path.join(bus.dir, "not-nobodys.cimbak"))
    assert result.returncode == 1, result
    assert "0x80041003" in result.stderr, result.stderr

    # Restore is denied: nothing changed, the message says so.
    repo_id = root.prop("Id")
    result = run("restore", "--force", source)
    assert result.returncode == 1, result
    assert "0x80041003" in result.stderr, result.stderr
    assert root.prop("Id") == repo_id
    assert root.prop("ConnectionCount") == 1

    # Pause around a command, allowed; it ends with the command.
    marker = os.path.join(bus.nobody_dir, "paused")
    result = run("pause", "--", "/bin/sh", "-c", f"touch {marker}")
    assert result.returncode == 0, result.stderr
    assert os.path.exists(marker)
    assert not root.prop("Paused")

    # On a terminal, cimrepoctl is its own polkit agent: where the rules
    # want an administrator, it asks on the terminal. A wrong password:
    # refused, nothing changed.
    bus.set_rules(RULES_AUTH_ADMIN)
    status, text = bus.run_as_nobody_on_terminal([cli, "--system", "restore", "--force", source],
                                                 "Password:", "not-the-password\n")
    assert "AUTHENTICATING FOR org.cimrepo.restore" in text, text
    assert status == 1, (status, text)
    assert "0x80041003" in text, text
    assert root.prop("Id") == repo_id
    assert root.prop("ConnectionCount") == 1
    # With --no-interactive, even on a terminal, or without a terminal,
    # nobody asks.
    status, text = bus.run_as_nobody_on_terminal([cli, "--system", "--no-interactive", "restore", "--force", source],
                                                 "Password:", "not-the-password\n")
    assert status == 1 and "AUTHENTICATING" not in text and "0x80041003" in text, (status, text)
    result = run("restore", "--force", source)
    assert result.returncode == 1 and "no authentication agent" in result.stderr, result.stderr
    assert root.prop("Id") == repo_id

    # Writes need org.cimrepo.modify, which nobody lacks.
    result = run("namespace", "create", "root/cli")
    assert result.returncode == 1, result
    assert "0x80041003" in result.stderr, result.stderr
    assert "root/cli" not in root.call("ListNamespaces", GLib.Variant("(sb)", ("", True)))[0]


if __name__ == "__main__":
    sys.exit(main())
