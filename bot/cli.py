"""The `bot` command: catalogue administration, database upgrades, accounts and API tokens, training
and running the assistant."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

# spaCy (through thinc) imports TensorFlow whenever it is installed, as it is beside Rasa. That
# costs about 350 MB and two seconds, and no `bot` command needs it: Rasa runs in its own process.
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]  # None makes the import fail fast

log = logging.getLogger("bot")


class UsageError(Exception):
    """A problem the user can fix; printed without a stack trace."""


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"No such file: {path}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None


# --- catalogue ---------------------------------------------------------------------------------


def _problems(path: str, error) -> int:
    print(f"{path}: {len(error.problems)} problem(s); nothing was changed:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def _counts(catalogue) -> str:
    return f"{len(catalogue.tools)} tools, {len(catalogue.private_tools)} private tools, {len(catalogue.processes)} processes"


def _catalogue_import(args) -> int:
    from bot.catalogue import store
    from bot.catalogue.schema import CatalogueError
    from bot.db import session_scope, upgrade

    text = _read_text(args.file)
    upgrade()
    try:
        with session_scope() as session:
            catalogue, result = store.load_and_import(session, text, args.file, replace=args.replace)
    except CatalogueError as error:
        return _problems(args.file, error)
    print(f"Imported {args.file} ({_counts(catalogue)}). {result.summary()}.")
    return 0


def cmd_catalogue_import(args) -> int:
    return _catalogue_import(args)


def cmd_catalogue_validate(args) -> int:
    """Check a file as import would, without a database of its own: the workplace tools that
    private tools and processes point at are looked up in the catalogue database when there is one
    (never created or upgraded here), else they must be in the file."""
    from bot.catalogue import store
    from bot.catalogue.schema import CatalogueError, parse
    from bot.db import is_current, session_scope

    text = _read_text(args.file)
    known: tuple[str, ...] = ()
    if not args.replace:
        if is_current():
            with session_scope() as session:
                known = tuple(store.known_tool_ids(session))
        else:
            print(
                "No catalogue database to check against: references are checked against the file alone.",
                file=sys.stderr,
            )
    try:
        catalogue = parse(text, fmt=store.format_of(args.file), known_tool_ids=known)
    except CatalogueError as error:
        return _problems(args.file, error)
    print(f"{args.file} is valid: {_counts(catalogue)}.")
    return 0


def cmd_catalogue_seed(args) -> int:
    """Import the seed catalogue, but only into a database that holds no catalogue yet."""
    from bot.catalogue import store
    from bot.db import session_scope, upgrade

    upgrade()
    with session_scope() as session:
        if not store.is_empty(session):
            print("The database already holds a catalogue; the seed was not imported.")
            return 0
    args.replace = False
    return _catalogue_import(args)


def cmd_catalogue_export(args) -> int:
    from bot.catalogue import store
    from bot.db import session_scope

    with session_scope() as session:
        text = store.export(session, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_catalogue_list(args) -> int:
    from bot.catalogue import store
    from bot.db import session_scope

    with session_scope() as session:
        catalogue = store.read_catalogue(session)
    rows = [("tool", t.id, t.name, t.category) for t in catalogue.tools]
    rows += [("private", p.id, p.name, p.category) for p in catalogue.private_tools]
    rows += [("process", p.id, p.name, "") for p in catalogue.processes]
    if not rows:
        print("The catalogue is empty. Import one with: bot catalogue import FILE")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip())
    return 0


def cmd_catalogue_show(args) -> int:
    from bot.catalogue import store
    from bot.catalogue.schema import entry_fields
    from bot.db import session_scope

    with session_scope() as session:
        found = [
            (label, entry)
            for label, get in (
                ("tool", store.get_tool),
                ("private tool", store.get_private_tool),
                ("process", store.get_process),
            )
            if (entry := get(session, args.id)) is not None
        ]
    if not found:
        raise UsageError(f"No tool, private tool or process has the id {args.id!r}. See: bot catalogue list")
    for label, entry in found:
        print(f"[{label}]")
        for name, value in entry_fields(entry).items():
            if isinstance(value, list):
                value = (
                    ", ".join(value)
                    if name not in ("steps",)
                    else "".join(f"\n  {i}. {s}" for i, s in enumerate(value, 1))
                )
            print(f"{name}: {value}")
    return 0


def cmd_catalogue_ask(args) -> int:
    """Show what recognition and task search make of a message (for checking the catalogue)."""
    from bot.catalogue import recognition, search
    from bot.db import session_scope

    with session_scope() as session:
        mentions = recognition.recognise(session, args.text)
        result = search.search(session, args.text, limit=args.limit)
    print("Mentions:" if mentions else "Mentions: none")
    for m in mentions:
        print(f"  {m.kind:<12} {m.id:<20} {m.text!r} (score {m.score})")
    decision = {search.ANSWER: "fits", search.ASK: "ask «Mente du»", search.NOTHING: "no tool fits"}
    print(f"Search: {decision[result.decision]}")
    for hit in result.hits:
        print(f"  {hit.kind:<8} {hit.id:<20} {hit.score:.3f}  {hit.why}")
    return 0


# --- database ------------------------------------------------------------------------------------


def cmd_db_create(args) -> int:
    from bot.config import settings
    from bot.db import create_database

    for url in (settings().database_url, settings().tracker_store_url):
        name = url.rsplit("/", 1)[-1]
        print(f"Created database {name}." if create_database(url) else f"Database {name} is there.")
    return 0


def cmd_db_upgrade(args) -> int:
    from bot.db import upgrade

    upgrade()
    print("Database schema is up to date.")
    return 0


# --- gaps and privacy ------------------------------------------------------------------------------


def _since(value: str | None):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since takes a date as YYYY-MM-DD, got {value!r}") from None


def cmd_gaps_export(args) -> int:
    from bot.db import session_scope
    from bot.gaps import report

    with session_scope() as session:
        gaps = report.gaps_since(session, _since(args.since))
        sys.stdout.write(report.to_csv(map(report.as_dict, gaps)) if args.format == "csv" else report.to_json(gaps))
    return 0


def cmd_gaps_report(args) -> int:
    from bot.db import session_scope
    from bot.gaps import report

    with session_scope() as session:
        sys.stdout.write(report.summary(report.gaps_since(session, _since(args.since))))
    return 0


def cmd_gaps_rebuild_rollup(args) -> int:
    from bot.db import session_scope
    from bot.gaps import rollup

    with session_scope() as session:
        rows = rollup.rebuild(session)
    print(f"Recounted the gap log: {rows} count row(s) (day, week, month, quarter; with and without the need).")
    return 0


def cmd_gaps_replay(args) -> int:
    import bot.feedback.recorder  # noqa: F401  (registers the spool writers)
    import bot.gaps.recorder  # noqa: F401
    from bot import spool

    waiting = spool.pending()
    if spool.replay():
        print(f"Replayed {waiting} spooled record(s).")
        return 0
    print(f"The database is still unavailable; {waiting} record(s) stay in the spool.", file=sys.stderr)
    return 1


def cmd_privacy_purge(args) -> int:
    from bot import retention

    if args.older_than < 1:
        raise UsageError("--older-than must be at least 1 day")
    print(retention.purge(args.older_than))
    return 0


# --- accounts and API tokens ------------------------------------------------------------------------


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


# --- model and running ----------------------------------------------------------------------------


def cmd_run(args) -> int:
    """Start the action server, Rasa and the web service (after `make run` has prepared them), or
    with --cluster several of the first two on PostgreSQL and Redis."""
    import asyncio

    from bot.config import settings
    from bot.runner import (
        announced,
        cluster_problems,
        cluster_services,
        rasa_urls_of,
        run_all,
        service_environment,
        services,
    )
    from bot.training.model import ensure_spacy_model
    from bot.training.registry import in_service

    config = settings()
    model = Path(args.model) if args.model else in_service(config.models_dir)
    if model is None:
        raise UsageError("No model is in service. Train one with: bot train")
    if not model.is_file():
        raise UsageError(f"No model file {model}")
    if args.cluster:
        problems = cluster_problems(config)
        if problems:
            raise UsageError("bot run --cluster: " + "; ".join(problems))
        if args.replicas < 1:
            raise UsageError("--replicas must be at least 1")
    ensure_spacy_model()
    chosen = cluster_services(config, model, args.replicas) if args.cluster else services(config, model)
    address = f"http://{'localhost' if config.host in ('127.0.0.1', '0.0.0.0') else config.host}:{config.web_port}/"
    print(f"Starting Digihjelpen (Ctrl-C stops); it says when it is ready at {address}", flush=True)
    with announced(rasa_urls_of(chosen, config)):
        return asyncio.run(run_all(chosen, service_environment(config), address))


# --- the parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Digihjelpen administration.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    catalogue = commands.add_parser("catalogue", help="the tool catalogue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = catalogue.add_parser("import", help="validate a YAML or CSV file and apply it (upsert by id)")
    p.add_argument("file", help="catalogue file (.yml/.yaml or .csv), or - for standard input (YAML)")
    p.add_argument("--replace", action="store_true", help="also remove entries that are not in the file")
    p.set_defaults(func=cmd_catalogue_import)
    p = catalogue.add_parser(
        "validate", help="check a file as import would, without changing anything (no database needed)"
    )
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="check as for import --replace")
    p.set_defaults(func=cmd_catalogue_validate)
    p = catalogue.add_parser("seed", help="import FILE only when the database holds no catalogue")
    p.add_argument("file")
    p.set_defaults(func=cmd_catalogue_seed)
    p = catalogue.add_parser("export", help="write the catalogue as YAML or CSV")
    p.add_argument("--format", choices=("yaml", "csv"), default="yaml")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_catalogue_export)
    catalogue.add_parser("list", help="list every entry").set_defaults(func=cmd_catalogue_list)
    p = catalogue.add_parser("show", help="show one entry")
    p.add_argument("id")
    p.set_defaults(func=cmd_catalogue_show)
    p = catalogue.add_parser("ask", help="show the tools a message mentions and the tools that fit its need")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=3)
    p.set_defaults(func=cmd_catalogue_ask)

    db = commands.add_parser("db", help="the database").add_subparsers(dest="action", required=True, metavar="ACTION")
    db.add_parser("upgrade", help="upgrade the schema to the newest version").set_defaults(func=cmd_db_upgrade)
    db.add_parser(
        "create",
        help="create the PostgreSQL databases of BOT_DATABASE_URL and BOT_TRACKER_STORE_URL if missing",
    ).set_defaults(func=cmd_db_create)

    gaps = commands.add_parser("gaps", help="the gap log").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = gaps.add_parser("export", help="write gap records as JSON or CSV to standard output")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only records from this date on")
    p.set_defaults(func=cmd_gaps_export)
    p = gaps.add_parser("report", help="a readable summary: top private tools, missing needs, departments, weeks")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_gaps_report)
    gaps.add_parser("replay", help="write records spooled while the database was down").set_defaults(
        func=cmd_gaps_replay
    )
    gaps.add_parser(
        "rebuild-rollup",
        help="recount the dashboard's gap counts (gap_counts, gap_totals) from the gap records",
    ).set_defaults(func=cmd_gaps_rebuild_rollup)

    privacy = commands.add_parser("privacy", help="retention").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = privacy.add_parser("purge", help="delete conversations and inbox texts older than a limit")
    p.add_argument("--older-than", type=int, default=30, metavar="DAYS", help="age limit in days (default 30)")
    p.set_defaults(func=cmd_privacy_purge)

    from bot.auth import ROLES

    users = commands.add_parser("users", help="accounts for the admin pages").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = users.add_parser("add", help="add a user (password prompted, or read from standard input)")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, required=True)
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

    from bot.training.cli import add_commands as add_training_commands

    add_training_commands(commands)  # train, model ensure/history/rollback, trainer

    p = commands.add_parser("run", help="start the action server, Rasa and the web service")
    p.add_argument(
        "--cluster",
        action="store_true",
        help="the production topology: several Rasa and action servers on PostgreSQL and Redis",
    )
    p.add_argument("--replicas", type=int, default=2, help="Rasa and action servers with --cluster (default 2)")
    p.add_argument("--model", help="the model file to serve (default: the model in service)")
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:
        from bot.config import settings

        log.debug("database error", exc_info=True)
        print(
            f"error: the database at {settings().database_url} cannot be used: {error.orig}\n"
            "Check BOT_DATABASE_URL and that the server runs, then try: bot db upgrade",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
