#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Flatpak manifest, without its runtime (which cannot be downloaded
# here):
# - flatpak-builder reads it without a warning (G_DEBUG=fatal-warnings
#   makes an unknown key or source type fatal), and the checks below run
#   on what it read;
# - its id and command are the project's app id and program;
# - it runs on the GNOME runtime and SDK, of one stable version;
# - its finish-args are exactly the access the app needs: IPC, Wayland
#   with X11 as a fallback, the GPU, and the host's cimrepo service on the
#   system bus. No filesystem, no network, no other bus name: files come
#   through the portal;
# - the project is built from this tree, without the service, polkit or
#   the tests, and any other module comes from a pinned source (sha256, or
#   a git commit).
#
# With --print-meson-options it prints the project's meson options instead,
# shell-quoted, for .ci/run to build exactly that.
#
# Usage: check-flatpak.py MANIFEST --app-id ID --command PROGRAM
#          --bus-name NAME [--flatpak-builder PATH]
#        check-flatpak.py MANIFEST --print-meson-options

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

REQUIRED_MESON_OPTIONS = ["-Ddaemon=disabled", "-Dpolkit=disabled", "-Dtests=false"]


def project_module(manifest):
    modules = manifest.get("modules", [])
    return modules[-1] if modules and isinstance(modules[-1], dict) else {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--app-id")
    parser.add_argument("--command")
    parser.add_argument("--bus-name")
    parser.add_argument("--flatpak-builder")
    parser.add_argument("--print-meson-options", action="store_true")
    args = parser.parse_args()
    manifest_dir = os.path.dirname(os.path.abspath(args.manifest))

    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    if args.print_meson_options:
        print(" ".join(shlex.quote(o) for o in project_module(manifest).get("config-opts", [])))
        return 0

    problems = []
    if args.flatpak_builder:
        # In a directory of its own: it makes a .flatpak-builder there
        with tempfile.TemporaryDirectory(prefix="cimrepo-flatpak-") as tmp:
            result = subprocess.run([args.flatpak_builder, "--show-manifest", os.path.abspath(args.manifest)],
                                    cwd=tmp, capture_output=True, text=True,
                                    env=dict(os.environ, G_DEBUG="fatal-warnings"))
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            print(f"flatpak-builder --show-manifest failed (exit status {result.returncode})", file=sys.stderr)
            return 1
        manifest = json.loads(result.stdout)
    else:
        print("flatpak-builder is not installed: checking the JSON only")

    app_id = manifest.get("id", manifest.get("app-id"))
    if app_id != args.app_id:
        problems.append(f"id is {app_id!r}, not {args.app_id!r}")
    if manifest.get("command") != args.command:
        problems.append(f"command is {manifest.get('command')!r}, not {args.command!r}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("the runtime and SDK are not org.gnome.Platform and org.gnome.Sdk")
    if not re.fullmatch(r"[0-9]+", str(manifest.get("runtime-version", ""))):
        problems.append(f"runtime-version {manifest.get('runtime-version')!r} is not a stable GNOME version")

    wanted = ["--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
              f"--system-talk-name={args.bus_name}"]
    finish_args = manifest.get("finish-args", [])
    for arg in wanted:
        if arg not in finish_args:
            problems.append(f"finish-args lacks {arg}")
    for arg in finish_args:
        if arg not in wanted:
            problems.append(f"finish-args has {arg}, which the app does not need")
    if len(set(finish_args)) != len(finish_args):
        problems.append("finish-args has duplicates")

    modules = manifest.get("modules", [])
    project = project_module(manifest)
    if project.get("name") != "cimrepo" or project.get("buildsystem") != "meson":
        problems.append("the last module is not cimrepo, built with meson")
    sources = project.get("sources", [])
    if len(sources) != 1 or sources[0].get("type") != "dir":
        problems.append("cimrepo is not built from one dir source")
    else:
        root = os.path.normpath(os.path.join(manifest_dir, sources[0].get("path", "")))
        try:
            with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
                if not re.match(r"(#[^\n]*\n)*project\('cimrepo'", f.read()):
                    problems.append(f"{root} is not the cimrepo source tree")
        except OSError:
            problems.append(f"{root} is not the cimrepo source tree")
    for option in REQUIRED_MESON_OPTIONS:
        if option not in project.get("config-opts", []):
            problems.append(f"cimrepo's config-opts lack {option}")
    for module in modules[:-1]:
        if not isinstance(module, dict):
            problems.append(f"module {module!r} is a file of its own: keep the modules in the manifest")
            continue
        for source in module.get("sources", []):
            kind = source.get("type")
            pinned = ("sha256" in source if kind in ("archive", "file") else
                      "commit" in source if kind == "git" else kind in ("patch", "shell"))
            if not pinned:
                problems.append(f"module {module.get('name')}: its {kind} source is not pinned by a checksum")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{app_id}: {len(finish_args)} finish-args, {len(modules)} modules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
