# SPDX-License-Identifier: LGPL-2.1-or-later
"""A private system bus with the real polkitd and the real cimrepod on it.

For the system test suite (root only): the daemon suite's GTestDBus
cannot run polkitd. Reusable by other system tests (the CLI's later):

    with SystemBus(rules=RULES) as bus:
        bus.run_as_nobody(["cimrepoctl", "--system", "status"])

It installs the project's polkit policy into /usr/share/polkit-1/actions
and a rules file into /etc/polkit-1/rules.d, and removes both when it
ends, also after a failure or a SIGTERM (meson's timeout). The bus uses
the project's own bus policy (data/org.cimrepo.Repository1.conf) and
polkit's, so that what is allowed here is what an installation allows.

Environment (set by meson): CIMREPOD (the daemon), CR_POLKIT_POLICY (the
built org.cimrepo.policy), CR_BUS_POLICY (the bus policy file).
"""

import os
import pty
import pwd
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

POLKITD = "/usr/lib/polkit-1/polkitd"
POLKIT_CONF = "/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf"
ACTIONS_DIR = "/usr/share/polkit-1/actions"
RULES_DIR = "/etc/polkit-1/rules.d"
POLICY_NAME = "org.cimrepo.policy"
RULES_NAME = "00-cimrepo-system-test.rules"
BUS_NAME = "org.cimrepo.Repository1"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <!-- polkitd runs as root here -->
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
  </policy>
  <include>{bus_policy}</include>
  <include ignore_missing="yes">{polkit_conf}</include>
</busconfig>
"""


def log(message):
    print("# " + message, flush=True)


def skip_unless_root():
    """Exit 77 (skipped) unless everything the suite needs is here."""
    if os.geteuid() != 0:
        log("the system suite runs only as root")
        sys.exit(77)
    for path in (POLKITD, shutil.which("dbus-daemon") or "/nonexistent", "/usr/sbin/runuser"):
        if not os.path.exists(path):
            log(f"{path} is missing")
            sys.exit(77)


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}")


class SystemBus:
    """The harness. Use it as a context manager."""

    def __init__(self, rules, timeout=20):
        self.rules = rules
        self.timeout = timeout
        self.daemon_path = os.environ["CIMREPOD"]
        self.policy_path = os.environ["CR_POLKIT_POLICY"]
        self.bus_policy = os.environ["CR_BUS_POLICY"]
        self.dir = None
        self.bus = None
        self.polkitd = None
        self.cimrepod = None
        self.installed = []  # (path, saved content or None)
        self.address = None
        self.nobody = pwd.getpwnam("nobody")

    # Files installed outside the test's directory

    def _install(self, path, content, mode=0o644):
        saved = None
        if os.path.exists(path):
            with open(path, "rb") as f:
                saved = f.read()
        if not any(p == path for p, _ in self.installed):
            self.installed.append((path, saved))
        tmp = path + ".cimrepo-test-tmp"
        with open(tmp, "wb") as f:
            f.write(content)
        os.chmod(tmp, mode)
        os.replace(tmp, path)

    def _uninstall(self):
        for path, saved in reversed(self.installed):
            try:
                if saved is None:
                    os.unlink(path)
                else:
                    with open(path, "wb") as f:
                        f.write(saved)
            except OSError as e:
                log(f"could not restore {path}: {e}")
        self.installed = []

    # Processes

    def _spawn(self, argv, **kwargs):
        env = dict(os.environ)
        env["DBUS_SYSTEM_BUS_ADDRESS"] = self.address or ""
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env.update(kwargs.pop("env", {}))
        return subprocess.Popen(argv, env=env, **kwargs)

    def _name_has_owner(self, name):
        out = subprocess.run(
            ["dbus-send", "--bus=" + self.address, "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:" + name],
            capture_output=True, text=True)
        return "boolean true" in out.stdout

    def _stop(self, proc, name):
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else 0
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(self.timeout)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop; killing it")
            proc.kill()
            return proc.wait()

    def start_polkitd(self):
        # polkitd reads the actions and rules when it starts.
        self.polkitd = self._spawn([POLKITD, "--no-debug"])
        _wait_for(lambda: self._name_has_owner("org.freedesktop.PolicyKit1") or self.polkitd.poll() is not None,
                  self.timeout, "polkitd")
        if self.polkitd.poll() is not None:
            raise RuntimeError(f"polkitd exited with {self.polkitd.returncode}")

    def restart_polkitd(self):
        self._stop(self.polkitd, "polkitd")
        _wait_for(lambda: not self._name_has_owner("org.freedesktop.PolicyKit1"), self.timeout, "polkitd to go")
        self.start_polkitd()

    def set_rules(self, rules):
        """New rules, in force when this returns."""
        self.rules = rules
        self._install(os.path.join(RULES_DIR, RULES_NAME), rules.encode())
        if self.polkitd is not None:
            self.restart_polkitd()

    def start_daemon(self, *args):
        self.cimrepod = self._spawn([self.daemon_path, "--system", "--repository", self.repository, *args])
        _wait_for(lambda: self._name_has_owner(BUS_NAME) or self.cimrepod.poll() is not None,
                  self.timeout, "cimrepod")
        if self.cimrepod.poll() is not None:
            raise RuntimeError(f"cimrepod exited with {self.cimrepod.returncode}")

    def stop_daemon(self):
        """Stops cimrepod; returns its exit status."""
        status = self._stop(self.cimrepod, "cimrepod")
        self.cimrepod = None
        return status

    def __enter__(self):
        try:
            self._setup()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _setup(self):
        # Clean up on meson's timeout too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

        self.dir = tempfile.mkdtemp(prefix="cimrepo-system-")
        os.chmod(self.dir, 0o755)
        self.repository = os.path.join(self.dir, "repository.db")
        # A place where nobody may write its files
        self.nobody_dir = os.path.join(self.dir, "nobody")
        os.mkdir(self.nobody_dir, 0o755)
        os.chown(self.nobody_dir, self.nobody.pw_uid, self.nobody.pw_gid)

        socket = os.path.join(self.dir, "system_bus_socket")
        config = os.path.join(self.dir, "system.conf")
        with open(config, "w") as f:
            f.write(BUS_CONFIG.format(socket=socket, bus_policy=self.bus_policy, polkit_conf=POLKIT_CONF))
        self.address = "unix:path=" + socket
        # Everyone may connect to the socket, as on a real system bus.
        self.bus = subprocess.Popen(["dbus-daemon", "--nofork", "--nopidfile", "--config-file=" + config],
                                    umask=0)
        _wait_for(lambda: os.path.exists(socket) or self.bus.poll() is not None, self.timeout, "the bus")
        if self.bus.poll() is not None:
            raise RuntimeError("dbus-daemon exited")

        with open(self.policy_path, "rb") as f:
            self._install(os.path.join(ACTIONS_DIR, POLICY_NAME), f.read())
        self.set_rules(self.rules)
        self.start_polkitd()
        self.start_daemon()

    def __exit__(self, *exc):
        try:
            status = self.stop_daemon()
            if status != 0 and exc[0] is None:
                raise AssertionError(f"cimrepod exited with status {status}")
        finally:
            self._stop(self.polkitd, "polkitd")
            self._stop(self.bus, "dbus-daemon")
            self._uninstall()
            if self.dir is not None:
                shutil.rmtree(self.dir, ignore_errors=True)
        return False

    # Clients

    def run_as_nobody_on_terminal(self, argv, prompt, answer):
        """Runs argv as nobody on this bus, on a terminal of its own (a
        pty), answers @answer when @prompt appears; returns (exit status,
        everything it wrote)."""
        env = [f"DBUS_SYSTEM_BUS_ADDRESS={self.address}", "PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8",
               f"HOME={self.nobody_dir}"]
        cmd = ["/usr/sbin/runuser", "-u", "nobody", "--", "/usr/bin/env", "-i", *env, *argv]
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(self.nobody_dir)
            os.execv(cmd[0], cmd)
        out = b""
        answered = False
        end = time.monotonic() + self.timeout * 3
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the other side closed
                break
            if not data:
                break
            out += data
            if not answered and prompt.encode() in out:
                # The prompt turns echo off with TCSAFLUSH, which drops
                # what was typed before: answer once it is quiet.
                time.sleep(1)
                os.write(fd, answer.encode())
                answered = True
        os.close(fd)
        _, status = os.waitpid(pid, 0)
        text = out.decode(errors="replace")
        for line in text.splitlines():
            log("nobody (tty): " + line)
        return os.waitstatus_to_exitcode(status), text

    def run_as_nobody(self, argv, check=False):
        """Runs argv as nobody on this bus; returns the CompletedProcess."""
        env = {
            "DBUS_SYSTEM_BUS_ADDRESS": self.address,
            "PATH": "/usr/bin:/bin",
            "LC_ALL": "C.UTF-8",
            "HOME": self.nobody_dir,
        }
        cmd = ["/usr/sbin/runuser", "-u", "nobody", "--", "/usr/bin/env", "-i"]
        cmd += [f"{k}={v}" for k, v in env.items()] + list(argv)
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout * 3,
                                cwd=self.nobody_dir)
        for line in (result.stdout + result.stderr).splitlines():
            log("nobody: " + line)
        if check and result.returncode != 0:
            raise AssertionError(f"{argv} failed with {result.returncode}")
        return result
