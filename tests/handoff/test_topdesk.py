"""The TOPdesk handoff against the stand-in (topdesk_standin.py): an incident with a registered
or an unregistered caller, TOPdesk's error answers mapped, the status read back, and a case sent
during an outage or whose answer was lost made exactly once."""

from __future__ import annotations

import dataclasses

import pytest
from cases import EMAIL, NAME, a_case
from topdesk_standin import NO_RIGHTS_OPERATOR

from bot.handoff import outbox
from bot.handoff.adapter import DeskRefused, DeskUnavailable
from bot.handoff.case import Contact
from bot.handoff.topdesk import TopdeskDesk


def test_a_registered_caller_is_looked_up_by_email(db_url, topdesk, topdesk_config):
    submitted = outbox.submit(a_case(), "samtale-1", topdesk_config, db_url)

    assert submitted.outcome == "sent" and submitted.number == "I 2612 001"
    [incident] = topdesk.incidents
    assert incident["caller"]["id"] == topdesk.persons[EMAIL]["id"]
    assert incident["externalNumber"] == submitted.reference
    assert incident["briefDescription"] == "Får ikke logget inn i Visma"
    assert incident["category"] == {"name": "Digihjelpen"}
    assert "ring meg på [telefon]" in incident["request"] and "912 34 567" not in incident["request"]


def test_an_unknown_email_or_a_name_alone_makes_an_unregistered_caller(db_url, topdesk, topdesk_config):
    outbox.submit(
        a_case(Contact(name="Ola Ukjent", email="ola@kommune.example.no")), "samtale-1", topdesk_config, db_url
    )
    outbox.submit(a_case(Contact(name=NAME)), "samtale-2", topdesk_config, db_url)
    outbox.submit(a_case(Contact()), "samtale-3", topdesk_config, db_url)

    callers = [incident["caller"] for incident in topdesk.incidents]
    assert callers == [
        {"id": None, "dynamicName": "Ola Ukjent", "email": "ola@kommune.example.no"},
        {"id": None, "dynamicName": NAME, "email": ""},
        {"id": None, "dynamicName": "Ansatt via Digihjelpen", "email": ""},
    ]


def test_a_long_description_is_cut_to_topdesks_80_characters(db_url, topdesk, topdesk_config):
    submitted = outbox.submit(a_case(description="Visma " * 30), "samtale-1", topdesk_config, db_url)

    assert submitted.outcome == "sent"
    assert len(topdesk.incidents[0]["briefDescription"]) == 80


def test_the_status_is_read_back_from_topdesk(db_url, topdesk, topdesk_config):
    outbox.submit(a_case(), "samtale-1", topdesk_config, db_url)
    [status] = outbox.cases_of("samtale-1", topdesk_config, db_url)
    assert (status.state, status.number, status.desk_status) == ("sent", "I 2612 001", "Registrert")

    topdesk.incidents[0]["processingStatus"]["name"] = "Under behandling"
    assert outbox.cases_of("samtale-1", topdesk_config, db_url)[0].desk_status == "Under behandling"
    topdesk.incidents[0]["closed"] = True
    assert outbox.cases_of("samtale-1", topdesk_config, db_url)[0].desk_status == "closed"
    assert TopdeskDesk(topdesk_config).status("I 2612 999") is None


@pytest.mark.parametrize(
    "change, error, words",
    [
        ({"topdesk_password": "feil-passord-9w2k7q"}, DeskRefused, "refused the operator (401)"),
        ({"topdesk_operator": NO_RIGHTS_OPERATOR}, DeskRefused, "refused the operator (403)"),
        ({"topdesk_category": "Finnes ikke"}, DeskRefused, "400 when creating the case: category"),
    ],
)
def test_topdesks_error_answers_are_mapped(topdesk, topdesk_config, change, error, words):
    desk = TopdeskDesk(dataclasses.replace(topdesk_config, **change))
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        desk.send(a_case(), "DH-2026-000001")


def test_an_outage_or_no_server_is_unavailable_not_refused(topdesk, topdesk_config):
    topdesk.unavailable = True
    with pytest.raises(DeskUnavailable, match="503"):
        TopdeskDesk(topdesk_config).send(a_case(), "DH-2026-000001")
    with pytest.raises(DeskUnavailable, match="ConnectionError"):
        TopdeskDesk(dataclasses.replace(topdesk_config, topdesk_url="http://127.0.0.1:9")).send(a_case(), "DH-1")


def test_a_refused_case_fails_for_good_and_is_not_sent_again(db_url, topdesk, topdesk_config):
    config = dataclasses.replace(topdesk_config, topdesk_category="Finnes ikke")
    assert outbox.submit(a_case(), "samtale-1", config, db_url).outcome == "failed"
    assert outbox.deliver_waiting(config, db_url) == {"sent": 0, "failed": 0, "waiting": 0}
    assert outbox.cases_of("samtale-1", config, db_url)[0].state == "failed"


def test_a_case_sent_during_an_outage_is_made_exactly_once(db_url, topdesk, topdesk_config):
    topdesk.unavailable = True
    submitted = outbox.submit(a_case(), "samtale-1", topdesk_config, db_url)
    assert submitted.outcome == "waiting"
    assert outbox.deliver_waiting(topdesk_config, db_url)["waiting"] == 1

    topdesk.unavailable = False
    assert outbox.deliver_waiting(topdesk_config, db_url) == {"sent": 1, "failed": 0, "waiting": 0}
    assert outbox.deliver_waiting(topdesk_config, db_url)["sent"] == 0
    assert [i["externalNumber"] for i in topdesk.incidents] == [submitted.reference]


def test_a_lost_answer_does_not_make_a_second_incident(db_url, topdesk, topdesk_config):
    topdesk.lose_next_create_answer = True
    submitted = outbox.submit(a_case(), "samtale-1", topdesk_config, db_url)
    assert submitted.outcome == "waiting"  # TOPdesk made it, but we did not hear so

    assert outbox.deliver_waiting(topdesk_config, db_url)["sent"] == 1
    [incident] = topdesk.incidents
    assert incident["externalNumber"] == submitted.reference
    assert outbox.cases_of("samtale-1", topdesk_config, db_url)[0].number == incident["number"]
