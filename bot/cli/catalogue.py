"""`bot catalogue import|validate|seed|export|list|show|stale|ask`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import UsageError, read_text


def _problems(path: str, error) -> int:
    print(f"{path}: {len(error.problems)} problem(s); nothing was changed:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def _warn(path: str, catalogue) -> None:
    """The content rules the file breaks (docs/catalogue.md, writing good entries): it is used all the same."""
    from bot.catalogue.schema import warnings

    for problem in warnings(catalogue):
        print(f"{path}: warning: {problem}", file=sys.stderr)


def _counts(catalogue) -> str:
    return f"{len(catalogue.tools)} tools, {len(catalogue.private_tools)} private tools, {len(catalogue.processes)} processes"


def cmd_catalogue_import(args) -> int:
    from bot.catalogue import store
    from bot.catalogue.schema import CatalogueError
    from bot.db import session_scope, upgrade

    text = read_text(args.file)
    upgrade()
    try:
        with session_scope() as session:
            catalogue, result = store.load_and_import(session, text, args.file, replace=args.replace)
    except CatalogueError as error:
        return _problems(args.file, error)
    _warn(args.file, catalogue)
    print(f"Imported {args.file} ({_counts(catalogue)}). {result.summary()}.")
    return 0


def cmd_catalogue_validate(args) -> int:
    """Check a file as import would, without a database of its own: the workplace tools that
    private tools and processes point at are looked up in the catalogue database when there is one
    (never created or upgraded here), else they must be in the file."""
    from bot.catalogue import store
    from bot.catalogue.schema import CatalogueError, parse
    from bot.db import is_current, session_scope

    text = read_text(args.file)
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
    _warn(args.file, catalogue)
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
    return cmd_catalogue_import(args)


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


def cmd_catalogue_stale(args) -> int:
    """The entries not reviewed within the review period, per owner."""
    from datetime import date

    from bot.catalogue import freshness, store
    from bot.db import session_scope

    if args.days < 0:
        raise UsageError("--days must be 0 or more.")
    with session_scope() as session:
        catalogue = store.read_catalogue(session)
    entries = freshness.due(catalogue, date.today(), args.days, args.owner)
    if not entries:
        whose = f" of {args.owner}" if args.owner is not None else ""
        print(f"Every entry{whose} was reviewed within the last {args.days} days.")
        return 0
    current = None
    for entry in entries:
        if entry.owner != current:
            current = entry.owner
            count = sum(1 for e in entries if e.owner == current)
            print(f"{current or '(no owner)'}: {count} due for review")
        reviewed = f"reviewed {entry.reviewed.isoformat()}" if entry.reviewed else "never reviewed"
        print(f"  {entry.kind:<12} {entry.id:<24} {entry.name:<30} {reviewed}")
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


def add_commands(commands: argparse._SubParsersAction) -> None:
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
    p = catalogue.add_parser("stale", help="list the entries not reviewed within the review period, per owner")
    p.add_argument("--days", type=int, default=365, help="the review period in days (default: 365)")
    p.add_argument("--owner", help="only this owner's entries (as the catalogue names the owner)")
    p.set_defaults(func=cmd_catalogue_stale)
    p = catalogue.add_parser("ask", help="show the tools a message mentions and the tools that fit its need")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=3)
    p.set_defaults(func=cmd_catalogue_ask)
