"""The ``creditgraph`` command line.

Each module of this package holds one group of commands and a ``register(sub, store)`` that
adds them to the parser (``store`` is the parent parser with ``--neo4j`` and ``--data-dir``);
a new module with a ``register`` function is picked up without editing this file.

Exit codes: 0 done; 1 the command ran and its answer is "no" (a register that does not verify,
a mapping check that fails, no local Neo4j running); 2 usage error (argparse); 3 a data, store
or configuration error (any ``CreditGraphError``: the message says what to do); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from pathlib import Path
from typing import Sequence

from pydantic import ValidationError

from creditgraph.errors import CreditGraphError

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_NO", "EXIT_USAGE", "EXIT_ERROR", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_NO, EXIT_USAGE, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: Command groups in the order ``--help`` lists them; any other module here with ``register`` follows.
ORDER = ("city", "store", "analysis", "explore", "audit")

log = logging.getLogger("creditgraph")


def _command_modules() -> list:
    found = [m.name for m in pkgutil.iter_modules(__path__) if m.name not in ("common",) and not m.name.startswith("_")]
    names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
    modules = [importlib.import_module(f"{__name__}.{n}") for n in names]
    return [m for m in modules if hasattr(m, "register")]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="creditgraph", description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n")[2], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--neo4j", nargs="?", const="local", metavar="URI",
                       help="use Neo4j (a URI, or the local server from `creditgraph neo4j start`); "
                            "default: the embedded store, or CREDITGRAPH_NEO4J_URI")
    store.add_argument("--data-dir", type=Path, help="where the embedded store, reports and audit live")
    sub = p.add_subparsers(dest="command", required=True)
    for module in _command_modules():
        module.register(sub, store)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from creditgraph.cli.common import check_key, quiet_driver_logs

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    quiet_driver_logs()
    try:
        check_key(args)
        return args.func(args)
    except CreditGraphError as e:
        log.error("%s", e)
        return EXIT_ERROR
    except ValidationError as e:  # a setting (flag, CREDITGRAPH_* variable, .env line) that does not hold
        log.error("invalid setting: %s", "; ".join(
            f"CREDITGRAPH_{'_'.join(map(str, err['loc'])).upper()}: {err['msg']}" for err in e.errors()))
        return EXIT_ERROR
    except KeyboardInterrupt:
        log.error("interrupted")
        return EXIT_INTERRUPTED
