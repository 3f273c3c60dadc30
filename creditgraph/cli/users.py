"""``creditgraph users``: who may sign in to the explorer, with which role (creditgraph/access.yaml)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from creditgraph.cli.common import settings_from
from creditgraph.errors import CreditGraphError


def cmd_users(args: argparse.Namespace) -> int:
    from creditgraph.access import Policy
    from creditgraph.logins import Users

    policy = Policy.load(secret=b"-")  # tokens are not used here
    path = args.users_file or settings_from(args).users_path
    if args.action == "table":
        rows = policy.table()
        cols = list(rows[0])
        print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
        for r in rows:
            print("| " + " | ".join(r[c] for c in cols) + " |")
        return 0
    users = Users.load(path, policy)
    if args.action == "list":
        for u in users.listing():
            print(f"{u.name}\t{u.role}")
        return 0
    if args.action == "remove":
        users.remove(args.name)
        print(f"removed {args.name} from {path}")
        return 0
    if args.proxy_only:
        password = None
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise CreditGraphError("the two passwords differ")
    user = users.add(args.name, args.role, password, policy=policy, replace=args.replace)
    print(f"{user.name} ({user.role}) written to {path}")
    return 0


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("users", parents=[store], help="explorer sign-ins: add, remove, list; the disclosure table")
    s.add_argument("--users-file", type=Path, help="default: CREDITGRAPH_USERS_FILE or <data dir>/users.yaml")
    usub = s.add_subparsers(dest="action", required=True)
    add = usub.add_parser("add", help="add a user with a role and a password (asked for, or one line on stdin)")
    add.add_argument("name", help="the sign-in name")
    add.add_argument("--role", required=True, help="public, analyst, regulator, court or admin (access.yaml)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("--proxy-only", action="store_true", help="no password: the user signs in through the proxy")
    add.add_argument("--replace", action="store_true", help="change an existing user's role and password")
    rm = usub.add_parser("remove", help="remove a user")
    rm.add_argument("name", help="the sign-in name")
    usub.add_parser("list", help="names and roles")
    usub.add_parser("table", help="the disclosure table, one row per role (Markdown)")
    s.set_defaults(func=cmd_users)
