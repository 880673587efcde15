#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The backup MIME type as GIO (file managers, file choosers) sees it, once
# update-mime-database has compiled the installed XML: a real backup is
# application/x-cimrepo-backup by its .cimbak name, and by its content
# alone (magic) when it has another name; a repository file and a text
# file are not.
#
# Usage: check-mime.py MERGED_MIME_XML CIMREPOCTL

import os
import shutil
import subprocess
import sys
import tempfile

MIME_TYPE = "application/x-cimrepo-backup"


def content_type(path, env):
    result = subprocess.run(["gio", "info", "--attributes=standard::content-type", path],
                            env=env, capture_output=True, text=True, check=True)
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("standard::content-type:"):
            return line.split(":", 3)[-1].strip()
    return None


def main():
    mime_xml, cimrepoctl = sys.argv[1], sys.argv[2]
    problems = []
    with tempfile.TemporaryDirectory(prefix="cimrepo-mime-") as tmp:
        share = os.path.join(tmp, "share")
        os.makedirs(os.path.join(share, "mime", "packages"))
        shutil.copy(mime_xml, os.path.join(share, "mime", "packages"))
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "home"),
                   XDG_DATA_DIRS=share + ":/usr/share")
        result = subprocess.run(["update-mime-database", "-V", os.path.join(share, "mime")], env=env,
                                capture_output=True, text=True)
        # It says what it did not understand, and goes on: that fails here
        complaints = [line for line in (result.stdout + result.stderr).splitlines()
                      if "warning" in line.lower() or "error" in line.lower() or "unknown" in line.lower()]
        if result.returncode != 0 or complaints:
            problems.append("update-mime-database: " + (result.stderr or result.stdout).strip())

        repository = os.path.join(tmp, "repository.db")
        backup = os.path.join(tmp, "nightly.cimbak")
        ctl_env = dict(env, XDG_DATA_HOME=os.path.join(tmp, "home"))
        subprocess.run([cimrepoctl, "status"], env=ctl_env, check=True, stdout=subprocess.DEVNULL)
        shutil.copy(os.path.join(tmp, "home", "cimrepo", "repository.db"), repository)
        subprocess.run([cimrepoctl, "backup", backup], env=ctl_env, check=True, stdout=subprocess.DEVNULL)
        renamed = os.path.join(tmp, "nightly backup")
        shutil.copy(backup, renamed)
        text = os.path.join(tmp, "notes")
        with open(text, "w") as f:
            f.write("CIMBAK is not at the start of this file\n")

        for path, expected in ((backup, MIME_TYPE), (renamed, MIME_TYPE)):
            found = content_type(path, env)
            if found != expected:
                problems.append(f"{os.path.basename(path)}: {found}, not {expected}")
        for path in (repository, text):
            found = content_type(path, env)
            if found == MIME_TYPE:
                problems.append(f"{os.path.basename(path)} is taken for a backup")

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
