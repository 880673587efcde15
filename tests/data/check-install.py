#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `meson install --destdir` into a temporary directory, then checks what
# landed there:
# - every expected file is there, and nothing else: a file that is not
#   expected fails too, so that a new installed file is a decision (add it
#   to the list in tests/data/meson.build);
# - everything is under the prefix, or under a system directory that meson
#   was told about (--allowed);
# - no installed text file names the source or the build directory;
# - the paths inside the files are the installed ones: the desktop file's
#   Exec and Icon, the D-Bus activation's Exec, the unit's ExecStart, the
#   metainfo's launchable;
# - the library, its headers and its pkg-config file build a program that
#   runs;
# - a .mo file for each language in po/LINGUAS.
#
# Usage: check-install.py --builddir DIR --srcdir DIR --prefix PREFIX
#          --localedir DIR --package NAME [--allowed DIR]... [--cc CC]
#          EXPECTED_FILE...

import argparse
import configparser
import os
import re
import shlex
import subprocess
import sys
import tempfile


def installed_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            yield "/" + os.path.relpath(os.path.join(dirpath, name), root)
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                yield "/" + os.path.relpath(path, root)


def is_text(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    return not head.startswith(b"\x7fELF") and b"\0" not in head


def read_desktop(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--builddir", required=True)
    parser.add_argument("--srcdir", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--localedir", required=True)
    parser.add_argument("--package", required=True)
    parser.add_argument("--allowed", action="append", default=[])
    parser.add_argument("--cc")
    parser.add_argument("expected", nargs="+")
    args = parser.parse_args()
    problems = []

    linguas = []
    with open(os.path.join(args.srcdir, "po", "LINGUAS"), encoding="utf-8") as f:
        for line in f:
            linguas.extend(line.split("#", 1)[0].split())
    expected = set(args.expected)
    for lang in linguas:
        expected.add(f"{args.localedir}/{lang}/LC_MESSAGES/{args.package}.mo")

    with tempfile.TemporaryDirectory(prefix="cimrepo-install-") as destdir:
        result = subprocess.run(["meson", "install", "-C", args.builddir, "--destdir", destdir,
                                 "--no-rebuild", "--quiet"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            print(f"meson install failed (exit status {result.returncode})", file=sys.stderr)
            return 1
        files = set(installed_files(destdir))

        def there(path):
            return os.path.join(destdir, path.lstrip("/"))

        for path in sorted(expected - files):
            problems.append(f"missing: {path}")
        for path in sorted(files - expected):
            problems.append(f"not expected (add it to tests/data/meson.build if it is right): {path}")
        roots = [args.prefix.rstrip("/") + "/"] + [d.rstrip("/") + "/" for d in args.allowed]
        for path in sorted(files):
            if not any(path.startswith(root) for root in roots):
                problems.append(f"outside the prefix and the system directories: {path}")

        leaks = [os.path.realpath(args.builddir), os.path.realpath(args.srcdir)]
        for path in sorted(files):
            real = there(path)
            if os.path.isfile(real) and not os.path.islink(real) and is_text(real):
                with open(real, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for leak in leaks:
                    if leak in text:
                        problems.append(f"{path} names {leak}")

        for path in files:
            real = there(path)
            if path.endswith(".desktop") and "/applications/" in path:
                entry = read_desktop(real)["Desktop Entry"]
                program = shlex.split(entry["Exec"])[0]
                if "/" in program:
                    problems.append(f"{path}: Exec names a path, not a program in PATH: {program}")
                elif not any(p.endswith("/bin/" + program) for p in files):
                    problems.append(f"{path}: Exec runs {program}, which is not installed")
                icon = entry["Icon"]
                if not any(re.search(rf"/icons/hicolor/.*/{re.escape(icon)}\.(svg|png)$", p) for p in files):
                    problems.append(f"{path}: its icon {icon} is not installed")
            elif path.endswith(".service") and "/dbus-1/" in path:
                entry = read_desktop(real)["D-BUS Service"]
                if "Exec" in entry:
                    program = shlex.split(entry["Exec"])[0]
                    if program not in files:
                        problems.append(f"{path}: Exec runs {program}, which is not installed")
            elif path.endswith(".service") and "/systemd/" in path:
                with open(real, encoding="utf-8") as f:
                    for line in f:
                        if line.startswith("ExecStart="):
                            program = shlex.split(line.split("=", 1)[1])[0].lstrip("-@!+")
                            if program not in files:
                                problems.append(f"{path}: ExecStart runs {program}, which is not installed")
            elif path.endswith(".metainfo.xml"):
                with open(real, encoding="utf-8") as f:
                    text = f.read()
                for launchable in re.findall(r'<launchable type="desktop-id">([^<]+)</launchable>', text):
                    if not any(p.endswith("/applications/" + launchable) for p in files):
                        problems.append(f"{path}: its launchable {launchable} is not installed")

        # The library as a user of it sees it: pkg-config, headers, linking
        pcs = [p for p in files if p.endswith("/pkgconfig/cimrepo-1.pc")]
        if args.cc and pcs:
            # A copy whose prefix moved to DESTDIR; its requirements (GLib)
            # stay where they are
            pc_dir = os.path.join(destdir, "pkgconfig")
            os.mkdir(pc_dir)
            with open(there(pcs[0]), encoding="utf-8") as f:
                pc = f.read()
            if not re.search(r"^prefix=" + re.escape(args.prefix) + "$", pc, re.M):
                problems.append(f"{pcs[0]}: its prefix is not {args.prefix}")
            with open(os.path.join(pc_dir, "cimrepo-1.pc"), "w", encoding="utf-8") as f:
                f.write(re.sub(r"^prefix=.*$", "prefix=" + there(args.prefix), pc, count=1, flags=re.M))
            env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
            flags = subprocess.run(["pkg-config", "--cflags", "--libs", "cimrepo-1"], env=env,
                                   capture_output=True, text=True)
            if flags.returncode != 0:
                problems.append("pkg-config cimrepo-1: " + flags.stderr.strip())
            else:
                program = os.path.join(destdir, "use-cimrepo")
                source = os.path.join(destdir, "use-cimrepo.c")
                with open(source, "w") as f:
                    f.write('#include <cimrepo.h>\n'
                            'int main (void) { return cr_error_quark () != 0 ? 0 : 1; }\n')
                build = subprocess.run(shlex.split(args.cc) + [source, "-o", program] + shlex.split(flags.stdout),
                                       capture_output=True, text=True)
                if build.returncode != 0:
                    problems.append("building against the installed library failed:\n" + build.stderr)
                else:
                    libdirs = [f[2:] for f in shlex.split(flags.stdout) if f.startswith("-L")]
                    run = subprocess.run([program], env=dict(os.environ, LD_LIBRARY_PATH=":".join(libdirs)))
                    if run.returncode != 0:
                        problems.append(f"a program linked to the installed library failed ({run.returncode})")

        print(f"{len(files)} files installed, {len(expected)} expected")

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
