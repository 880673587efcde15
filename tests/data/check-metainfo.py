#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What `appstreamcli validate --no-net` cannot check: each screenshot's URL
# points at a picture that the repository has (the README's, under
# docs/screenshots/), and the homepage is the one that the About dialog
# links to.
#
# Usage: check-metainfo.py MERGED_METAINFO SOURCE_ROOT

import os
import re
import sys

REPOSITORY_RAW = re.compile(r"^https://raw\.githubusercontent\.com/cimrepo/cimrepo/[^/]+/(.+)$")


def main():
    metainfo, root = sys.argv[1], sys.argv[2]
    problems = []
    with open(metainfo, encoding="utf-8") as f:
        text = f.read()

    images = re.findall(r"<image[^>]*>([^<]+)</image>", text)
    if not images:
        problems.append("no screenshot")
    for url in images:
        match = REPOSITORY_RAW.match(url.strip())
        if not match:
            problems.append(f"{url} is not a file of the repository")
        elif not os.path.isfile(os.path.join(root, match.group(1))):
            problems.append(f"{url}: {match.group(1)} is not in the tree")
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    for picture in re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme):
        if not any(url.strip().endswith("/" + picture) for url in images):
            problems.append(f"the README's {picture} is not among the screenshots")

    homepage = re.search(r'<url type="homepage">([^<]+)</url>', text)
    with open(os.path.join(root, "src", "app", "cr-application.c"), encoding="utf-8") as f:
        website = re.search(r'#define CR_WEBSITE "([^"]+)"', f.read())
    if not homepage or not website or homepage.group(1) != website.group(1):
        problems.append(f"the homepage ({homepage and homepage.group(1)}) is not the About dialog's "
                        f"website ({website and website.group(1)})")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(images)} screenshots checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
