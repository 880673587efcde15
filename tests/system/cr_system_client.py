#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small client of cimrepod on the system bus, for the system suite.

    cr_system_client.py backup FILE       back up into FILE (opened here)
    cr_system_client.py restore FILE      restore from FILE (opened here)
    cr_system_client.py pause [--resume]  pause; --resume resumes after
    cr_system_client.py create-namespace NS
    cr_system_client.py import NS CLASS [--dry-run]
                                          import a batch of one class
    cr_system_client.py count NS CLASS    open a connection and count

Each prints "ok ..." or "error <D-Bus error name> <message>" and exits 0
or 1. It passes files as descriptors, as every client must: the service
never opens a client's path. It runs as whoever calls it (nobody, in the
suite), so the service sees that user's bus name.
"""

import os
import sys

from gi.repository import Gio, GLib

BUS_NAME = "org.cimrepo.Repository1"
ROOT = "/org/cimrepo/Repository1"
IFACE = "org.cimrepo.Repository1"
TIMEOUT_MS = 60000


def fail(error):
    name = Gio.DBusError.get_remote_error(error) or "?"
    message = error.message
    prefix = f"GDBus.Error:{name}: "
    if message.startswith(prefix):
        message = message[len(prefix):]
    print(f"error {name} {message}")
    sys.exit(1)


def call(bus, method, args, fd=None, path=ROOT, iface=IFACE, out=None):
    fd_list = None
    if fd is not None:
        fd_list = Gio.UnixFDList.new()
        fd_list.append(fd)
    try:
        reply, _ = bus.call_with_unix_fd_list_sync(BUS_NAME, path, iface, method, args,
                                                   GLib.VariantType(out) if out else None,
                                                   Gio.DBusCallFlags.NONE, TIMEOUT_MS, fd_list, None)
    except GLib.Error as e:
        fail(e)
    return reply


def get_property(bus, name):
    reply = call(bus, "Get", GLib.Variant("(ss)", (IFACE, name)), iface="org.freedesktop.DBus.Properties")
    return reply.unpack()[0]


def run_job(bus, method, path, flags, mode):
    loop = GLib.MainLoop()
    result = {}

    def completed(conn, sender, obj, iface, signal, params):
        if obj == result.get("job", obj):
            result.setdefault("completed", params.unpack())
            if "job" in result:
                loop.quit()

    # Subscribe before the job starts: it may end at once.
    bus.signal_subscribe(None, "org.cimrepo.Job1", "Completed", None, None, Gio.DBusSignalFlags.NONE, completed)
    fd = os.open(path, mode)
    reply = call(bus, method, GLib.Variant("(hua{sv})", (0, flags, {})), fd=fd)
    os.close(fd)
    result["job"] = reply.unpack()[0]
    if "completed" not in result:
        GLib.timeout_add(TIMEOUT_MS, loop.quit)
        loop.run()
    success, error_name, message = result.get("completed", (False, "timeout", "no Completed signal"))
    if success:
        print(f"ok {result['job']}")
        sys.exit(0)
    print(f"error {error_name} {message}")
    sys.exit(1)


def main(argv):
    bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
    command = argv[1]
    if command == "backup":
        run_job(bus, "Backup", argv[2], 0, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    elif command == "restore":
        run_job(bus, "Restore", argv[2], 1, os.O_RDONLY)
    elif command == "pause":
        call(bus, "Pause", GLib.Variant("(a{sv})", ({},)))
        paused_by = get_property(bus, "PausedBy")
        if paused_by != bus.get_unique_name():
            print(f"error wrong-holder {paused_by}")
            sys.exit(1)
        if "--resume" in argv:
            call(bus, "Resume", None)
        print(f"ok {paused_by}")
    elif command == "create-namespace":
        call(bus, "CreateNamespace", GLib.Variant("(sb)", (argv[2], True)))
        print("ok")
    elif command == "import":
        klass = GLib.Variant("(ssa(savu)a(susuua(savu)av)a(sua(susua(savu))a(savu)u))",
                             (argv[3], "", [], [], []))
        batch = GLib.Variant("a(suv)", [(argv[2], 1, klass)])
        # The batch travels in an anonymous file
        fd = os.memfd_create("cimrepo-import")
        os.write(fd, batch.get_data_as_bytes().get_data())
        summary = call(bus, "Import", GLib.Variant("(hb)", (0, "--dry-run" in argv)), fd=fd).unpack()[0]
        os.close(fd)
        print(f"ok {summary['classes'][0]}")
    elif command == "count":
        path = call(bus, "OpenNamespace", GLib.Variant("(s)", (argv[2],))).unpack()[0]
        instances = call(bus, "EnumerateInstances", GLib.Variant("(sb)", (argv[3], True)), path=path,
                         iface="org.cimrepo.Connection1").unpack()[0]
        print(f"ok {len(instances)}")
    else:
        print(f"error usage unknown command {command}")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
