"""`bot users add|list|remove` and `bot tokens create|list|revoke`."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import UsageError


def _read_password() -> str:
    """Prompted twice on a terminal; otherwise the first line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise UsageError("the passwords differ; nothing was changed")
    return password


def cmd_users_add(args) -> int:
    from bot.auth import accounts
    from bot.db import is_current, session_scope

    if not is_current():
        raise UsageError("The database is not set up or not up to date; run 'bot db upgrade' first.")
    if args.unless_admin_exists:
        if args.role != "admin":
            raise UsageError("--unless-admin-exists is for adding the first admin (--role admin)")
        with session_scope() as session:
            admins = [user.name for user in accounts.list_users(session) if user.role == "admin"]
        if admins:
            print(f"An admin exists already ({', '.join(admins)}); nobody was added.")
            return 0
    password = _read_password()
    try:
        with session_scope() as session:
            user = accounts.add_user(session, args.name, args.role, password)
            name, role = user.name, user.role
    except accounts.AccountError as error:
        raise UsageError(str(error)) from None
    print(f"Added user {name} with role {role}.")
    return 0


def cmd_users_list(args) -> int:
    from bot.auth import accounts
    from bot.db import session_scope

    with session_scope() as session:
        users = [(u.name, u.role, u.created_at) for u in accounts.list_users(session)]
    if not users:
        print("No users. Add one with: bot users add NAME --role it")
    for name, role, created in users:
        print(f"{name:<30}  {role:<8}  added {created:%Y-%m-%d %H:%M}")
    return 0


def cmd_users_remove(args) -> int:
    from bot.auth import accounts
    from bot.db import session_scope

    with session_scope() as session:
        removed = accounts.remove_user(session, args.name)
    if not removed:
        raise UsageError(f"no user named {args.name!r}. See: bot users list")
    print(f"Removed user {accounts.normal_name(args.name)}; their sessions end at their next request.")
    return 0


def cmd_tokens_create(args) -> int:
    from bot.auth import accounts
    from bot.db import session_scope, upgrade

    upgrade()
    try:
        with session_scope() as session:
            token, plain = accounts.create_token(session, args.role, args.label or "")
            token_id = token.id
    except accounts.AccountError as error:
        raise UsageError(str(error)) from None
    print(plain)
    print(f"Created API token {token_id} (role {args.role}). Store it now: it cannot be shown again.", file=sys.stderr)
    return 0


def cmd_tokens_list(args) -> int:
    from bot.auth import accounts
    from bot.db import session_scope

    with session_scope() as session:
        tokens = [(t.id, t.role, t.label, t.created_at, t.revoked_at) for t in accounts.list_tokens(session)]
    if not tokens:
        print("No API tokens. Create one with: bot tokens create --role it")
    for token_id, role, label, created, revoked in tokens:
        state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "active"
        print(f"{token_id:>5}  {role:<8}  created {created:%Y-%m-%d %H:%M}  {state:<24}  {label}".rstrip())
    return 0


def cmd_tokens_revoke(args) -> int:
    from bot.auth import accounts
    from bot.db import session_scope

    with session_scope() as session:
        found = accounts.revoke_token(session, args.id)
    if not found:
        raise UsageError(f"no API token with id {args.id}. See: bot tokens list")
    print(f"API token {args.id} is revoked.")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    from bot.roles import ROLES

    users = commands.add_parser("users", help="accounts for the admin pages").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = users.add_parser("add", help="add a user (password prompted, or read from standard input)")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument(
        "--unless-admin-exists",
        action="store_true",
        help="add this admin only when there is no admin yet (a first install's setup job)",
    )
    p.set_defaults(func=cmd_users_add)
    users.add_parser("list", help="list the users").set_defaults(func=cmd_users_list)
    p = users.add_parser("remove", help="remove a user")
    p.add_argument("name")
    p.set_defaults(func=cmd_users_remove)

    tokens = commands.add_parser("tokens", help="API tokens for integrations").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = tokens.add_parser("create", help="create a token; prints it on standard output, once")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument("--label", help="what the token is for, e.g. 'Power BI'")
    p.set_defaults(func=cmd_tokens_create)
    tokens.add_parser("list", help="list tokens (never the tokens themselves)").set_defaults(func=cmd_tokens_list)
    p = tokens.add_parser("revoke", help="revoke a token at once")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_tokens_revoke)
