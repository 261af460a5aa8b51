"""Handing a case to the service desk with the employee's consent (docs/handoff.md): the case
(case.py), its adapters (adapter.py, mail.py, topdesk.py) and the outbox that sends each case
exactly once and caps how many a conversation may send (outbox.py)."""
