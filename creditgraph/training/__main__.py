"""``python -m creditgraph.training persons|shell [options]``: train a shipped model.

Exit codes: 0 trained and written, 2 usage error (argparse), 1 anything else (with its traceback:
a training run is a developer's tool).
"""

from __future__ import annotations

import argparse
import logging

from creditgraph.training import persons, shell

_MODELS = {"persons": (persons, "the person-resolution model (person_model.json)"),
           "shell": (shell, "the shell-company model (shell_model.json)")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m creditgraph.training",
                                 description="Train a shipped model on synthetic cities.")
    sub = ap.add_subparsers(dest="model", required=True, metavar="{persons,shell}")
    for name, (module, what) in _MODELS.items():
        summary = (module.__doc__ or "").split("\n\n")[0]
        module.add_arguments(sub.add_parser(name, help=f"train {what}", description=summary))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return _MODELS[args.model][0].run(args)


if __name__ == "__main__":
    raise SystemExit(main())
