#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The version that meson.build sets is the one that every part shows:
# each program's --version, the newest <release> of the metainfo, and the
# manual page's header. (The About dialog shows PACKAGE_VERSION; the app
# suite's /cimrepo/app/about checks it.)
#
# Usage: check-version.py VERSION [--command PROGRAM]... [--metainfo FILE]
#          [--man FILE]

import argparse
import os
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("version")
    parser.add_argument("--command", action="append", default=[])
    parser.add_argument("--metainfo")
    parser.add_argument("--man")
    args = parser.parse_args()
    problems = []

    for command in args.command:
        name = os.path.basename(command)
        result = subprocess.run([command, "--version"], capture_output=True, text=True,
                                env=dict(os.environ, DISPLAY="", WAYLAND_DISPLAY=""))
        if result.returncode != 0 or result.stdout.strip() != f"{name} {args.version}":
            problems.append(f"{name} --version says {result.stdout.strip()!r} (exit status "
                            f"{result.returncode}), not {name} {args.version}")

    if args.metainfo:
        with open(args.metainfo, encoding="utf-8") as f:
            releases = re.findall(r'<release\b[^>]*\bversion="([^"]+)"', f.read())
        if not releases or releases[0] != args.version:
            problems.append(f"the metainfo's newest release is {releases[:1]}, not {args.version}")

    if args.man:
        with open(args.man, encoding="utf-8") as f:
            header = next((line for line in f if line.startswith(".TH")), "")
        if f'"cimrepo {args.version}"' not in header:
            problems.append(f"the manual page's header names another version: {header.strip()}")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"version {args.version}: {len(args.command)} programs checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
