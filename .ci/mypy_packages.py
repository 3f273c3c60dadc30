"""mypy over graph/, loaders/ and analytics/ as the packages they are installed as.

pyproject.toml's ``package-dir`` installs these folders as ``creditgraph.graph``,
``creditgraph.loaders`` ... and the code imports them by those names. The editable install
maps them with an import hook, which mypy does not run; given the folders as paths, mypy
names them ``graph``, ``loaders`` ... and every ``creditgraph.graph`` import turns into
``Any`` unseen. So this lays out a tree of links shaped as the installed package (under
``.mypy_cache``, at the same place every run, with a cache of its own: mypy's cache records
each module's path), checks the packages through it and prints each finding under the
repository's own path.

    .venv/bin/python .ci/mypy_packages.py [extra mypy options]

Exit status: mypy's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("creditgraph.graph", "creditgraph.loaders", "creditgraph.analytics")


def package_tree(root: Path, tree: Path) -> dict[str, str]:
    """Links under ``tree`` laid out as ``package-dir`` installs the project; returns
    tree path prefix → repository path prefix, longest first, to name findings by."""
    setuptools = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    dirs: dict[str, str] = setuptools["package-dir"]
    if tree.exists():
        shutil.rmtree(tree)  # unlinks the links, never what they point at
    tree.mkdir(parents=True)
    top = tree / "creditgraph"
    top.mkdir()
    renames = {}
    subpackages = {pkg.split(".", 1)[1]: folder for pkg, folder in dirs.items() if pkg.startswith("creditgraph.")}
    for entry in (root / dirs["creditgraph"]).iterdir():
        if entry.name not in subpackages:
            (top / entry.name).symlink_to(entry)
    for name, folder in subpackages.items():
        (top / name).symlink_to(root / folder)
        renames[f"{top / name}/"] = f"{folder}/"
    renames[f"{top}/"] = f"{dirs['creditgraph']}/"
    return dict(sorted(renames.items(), key=lambda kv: -len(kv[0])))


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    work = Path(".mypy_cache")
    work.mkdir(exist_ok=True)
    if not (work / ".gitignore").exists():  # as mypy marks its cache: not the repository's
        (work / ".gitignore").write_text("*\n", encoding="utf-8")
    renames = package_tree(ROOT, work / "package-tree")
    mypy = Path(sys.executable).with_name("mypy")
    cmd = [str(mypy) if mypy.exists() else "mypy", "--cache-dir", str(work / "package-tree-cache"),
           *(a for p in CHECKED for a in ("-p", p)), *argv]
    env = {**os.environ, "MYPYPATH": str(work / "package-tree")}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    pattern = re.compile("|".join(re.escape(k) for k in renames))
    sys.stdout.write(pattern.sub(lambda m: renames[m.group(0)], done.stdout))
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
