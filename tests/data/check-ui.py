#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Every GtkBuilder file under the given directory is well-formed XML, as
# `xmllint --noout` sees it. GTK would only find out at run time, when the
# template is loaded.
#
# Usage: check-ui.py XMLLINT DIR

import os
import subprocess
import sys


def main():
    xmllint, top = sys.argv[1], sys.argv[2]
    paths = sorted(os.path.join(dirpath, name)
                   for dirpath, _, names in os.walk(top) for name in names if name.endswith(".ui"))
    if not paths:
        print(f"no .ui file under {top}", file=sys.stderr)
        return 1
    result = subprocess.run([xmllint, "--noout", "--nonet"] + paths)
    print(f"{len(paths)} .ui files checked")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
