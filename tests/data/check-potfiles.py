#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# po/POTFILES.in is complete, sorted and current, and po/LINGUAS matches
# the translations in po/. Fails on:
# - a file under src/ or data/ with translatable strings that POTFILES.in
#   does not list: C that calls _(), N_(), C_(), NC_(), Q_(), ngettext(),
#   g_dngettext() and the like; a .ui with translatable="yes"; a desktop,
#   metainfo or polkit template; a GSettings schema with a summary or
#   description; a shared-mime-info file with a comment;
# - a listed file that does not exist, a duplicate, or an unsorted list;
# - a language in LINGUAS without its po/LANG.po, or a po/LANG.po that
#   LINGUAS does not list.
#
# Usage: check-potfiles.py SOURCE_ROOT

import os
import re
import sys

C_CALL = re.compile(r"(?<![\w.])(_|N_|C_|NC_|Q_|gettext|dgettext|g_dgettext|ngettext|dngettext|g_dngettext|pgettext|g_dpgettext|g_dpgettext2|g_dcgettext)\s*\(")
C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
SCANNED_DIRS = ("src", "data")


def has_translatable(path):
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if name.endswith((".c", ".h")):
        return C_CALL.search(C_COMMENT.sub("", text)) is not None
    if name.endswith(".ui"):
        return re.search(r'translatable\s*=\s*"(yes|true|1)"', text) is not None
    if re.search(r"\.(desktop|metainfo\.xml|appdata\.xml|policy)(\.in)+$", name):
        return True
    if name.endswith(".gschema.xml"):
        return re.search(r"<(summary|description)\b", text) is not None
    if name.endswith(".xml") and "<mime-info" in text:
        return re.search(r"<comment\b", text) is not None
    return False


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []

    listed = []
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and "]" in line:
                # [encoding: …] or [type: …] prefixes
                line = line.split("]", 1)[1].strip()
            listed.append(line)
            if not os.path.isfile(os.path.join(root, line)):
                problems.append(f"POTFILES.in:{number}: {line} does not exist")

    for i in range(1, len(listed)):
        if listed[i - 1].encode() >= listed[i].encode():
            problems.append(f"POTFILES.in is not sorted (or has a duplicate): {listed[i - 1]} before {listed[i]}")

    found = []
    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in sorted(filenames):
                path = os.path.join(dirpath, filename)
                if has_translatable(path):
                    found.append(os.path.relpath(path, root))
    if not found:
        problems.append("no file with translatable strings found: is the source root right?")
    for path in found:
        if path not in listed:
            problems.append(f"{path} has translatable strings but is not in po/POTFILES.in")

    po_dir = os.path.join(root, "po")
    linguas = []
    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            linguas.extend(line.split())
    if linguas != sorted(linguas):
        problems.append("po/LINGUAS is not sorted")
    for lang in linguas:
        if not os.path.isfile(os.path.join(po_dir, lang + ".po")):
            problems.append(f"po/LINGUAS lists {lang}, but po/{lang}.po does not exist")
    for name in sorted(os.listdir(po_dir)):
        if name.endswith(".po") and name[:-3] not in linguas:
            problems.append(f"po/{name} exists, but po/LINGUAS does not list {name[:-3]}")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(listed)} files listed, {len(found)} with translatable strings, "
          f"{len(linguas)} languages; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
