"""`bot service-messages add/list/end` on a real database: the assistant sees what the CLI posts,
and bad input gets a clear English message and exit code 2, never a stack trace."""

from __future__ import annotations

import pytest

from bot import db
from bot.catalogue import service_messages
from bot.catalogue.models import ServiceMessage


def test_add_list_and_end(cli, tidvis):
    code, out, err = cli(
        "service-messages", "add", "tidvis", "Tidvis er nede til kl. 14.", "--ends", "2099-01-01 14:00"
    )
    assert code == 0 and out.startswith("Added service message ") and "to 2099-01-01 13:00 UTC" in out, err
    with db.session_scope(tidvis) as session:
        [shown] = service_messages.active(session)
        assert shown.reply == "Driftsmelding for Tidvis: Tidvis er nede til kl. 14."
        message_id = session.query(ServiceMessage.id).scalar()

    code, out, _ = cli(
        "service-messages",
        "add",
        "tidvis",
        "Ny versjon i morgen.",
        "--starts",
        "2098-12-31T08:00+01:00",
        "--ends",
        "2098-12-31T09:00+01:00",
    )
    code, out, _ = cli("service-messages", "list")
    assert code == 0
    lines = out.splitlines()
    assert "active" in lines[0] and "by cli" in lines[0] and "Tidvis er nede til kl. 14." in lines[1]
    assert "upcoming" in lines[2] and "Ny versjon i morgen." in lines[3]  # the soonest start first

    assert cli("service-messages", "end", str(message_id))[:2] == (0, f"Ended service message {message_id}.\n")
    code, _, err = cli("service-messages", "end", str(message_id))
    assert code == 2 and f"no active or upcoming service message {message_id}" in err


@pytest.mark.parametrize(
    "args, says",
    [
        (["fjasboka", "Nede.", "--ends", "23:59"], "no tool with id 'fjasboka' in the catalogue"),
        (["tidvis", "Nede.", "--ends", "i morgen"], "--ends: 'i morgen' is not a time"),
        (
            ["tidvis", "Nede.", "--ends", "2099-01-01", "--starts", "2099-01-02"],
            "--ends: the end must be after the start",
        ),
        (["tidvis", "Nede.", "--ends", "2001-01-01T10:00"], "--ends: the end must be in the future"),
        (["tidvis", " ", "--ends", "2099-01-01"], "the message text is empty"),
    ],
)
def test_bad_input_is_a_usage_error(cli, tidvis, args, says):
    code, out, err = cli("service-messages", "add", *args)
    assert code == 2 and says in err and "Traceback" not in err
    with db.session_scope(tidvis) as session:
        assert session.query(ServiceMessage).count() == 0


def test_an_empty_list_says_how_to_add_one(cli, tidvis):
    code, out, _ = cli("service-messages", "list")
    assert code == 0 and "bot service-messages add TOOL TEXT --ends TIME" in out
