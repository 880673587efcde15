#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The translation template builds cleanly from po/POTFILES.in, as the
# cimrepo-pot and cimrepo-update-po targets build it, and a translator can
# start from it. Fails on:
# - any xgettext warning (a format string it cannot parse, such as one cut
#   short by a G_*_FORMAT macro, which no translation would ever match);
# - a msgid that ends in "%" (the same, where xgettext says nothing);
# - a msgid with "(s)": plurals go through ngettext;
# - a missing string from each kind of file (C, .ui, desktop, metainfo,
#   polkit, GSettings, MIME), which would mean that its ITS rules were not
#   found;
# - a new translation made from the template (msginit) that msgfmt
#   --check refuses.
#
# Usage: check-pot.py SOURCE_ROOT GETTEXT_PACKAGE XGETTEXT_ARG...
# (po/meson.build's xgettext_args, as the template is built with them)

import os
import re
import subprocess
import sys
import tempfile


# One string from each kind of file
EXPECTED = {
    "src/app/cr-application.c": "cimrepo Manager",
    "src/app/cr-window.ui": None,
    "data/org.cimrepo.Manager.desktop.in": "Back up, restore and pause a CIM object repository",
    "data/org.cimrepo.Manager.metainfo.xml.in.in": "A backup in progress",
    "data/org.cimrepo.policy.in": "Back up the CIM repository",
    "data/org.cimrepo.Manager.gschema.xml": "Window width",
    "data/org.cimrepo.Manager.mime.xml": "cimrepo repository backup",
}


def parse_pot(text):
    """Yields (references, msgid) for each entry."""
    for block in text.split("\n\n"):
        refs = []
        msgid = None
        current = None
        for line in block.splitlines():
            if line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("msgid "):
                current = "msgid"
                msgid = eval(line[6:])  # a C-like string literal
            elif line.startswith('"') and current == "msgid":
                msgid += eval(line)
            else:
                current = None
        if msgid:
            yield refs, msgid


def main():
    root = os.path.abspath(sys.argv[1])
    package = sys.argv[2]
    xgettext_args = sys.argv[3:]
    problems = []
    env = dict(os.environ, LC_ALL="C.UTF-8")

    with tempfile.TemporaryDirectory(prefix="cimrepo-pot-") as tmp:
        pot = os.path.join(tmp, package + ".pot")
        result = subprocess.run(
            ["xgettext", "--package-name=" + package, "--directory=" + root,
             "--files-from=" + os.path.join(root, "po", "POTFILES.in"), "--output=" + pot] + xgettext_args,
            env=env, capture_output=True, text=True)
        for line in result.stderr.splitlines():
            problems.append("xgettext: " + line)
        if result.returncode != 0 or not os.path.isfile(pot):
            problems.append(f"xgettext failed (exit status {result.returncode})")
        else:
            with open(pot, encoding="utf-8") as f:
                entries = list(parse_pot(f.read()))
            files = {ref.rsplit(":", 1)[0] for refs, _ in entries for ref in refs}
            for refs, msgid in entries:
                where = refs[0] if refs else "?"
                if msgid.endswith("%"):
                    problems.append(f"{where}: the string is cut short at a format macro: {msgid!r}")
                if "(s)" in msgid:
                    problems.append(f"{where}: use ngettext for the plural: {msgid!r}")
            for path, string in EXPECTED.items():
                if path not in files:
                    problems.append(f"no string from {path} in the template")
                elif string is not None and not any(
                        msgid == string and any(r.startswith(path + ":") for r in refs) for refs, msgid in entries):
                    problems.append(f"{string!r} from {path} is not in the template")

            # What a translator does first
            po = os.path.join(tmp, "de.po")
            for command in (["msginit", "--no-translator", "--locale=de_DE.UTF-8", "--input=" + pot, "--output-file=" + po],
                            ["msgfmt", "--check", "--output-file=" + os.path.join(tmp, "de.mo"), po]):
                result = subprocess.run(command, env=env, capture_output=True, text=True)
                if result.returncode != 0:
                    problems.append(f"{command[0]} failed: {result.stderr.strip()}")
                    break
            print(f"{len(entries)} strings from {len(files)} files")

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
