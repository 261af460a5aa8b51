"""A case as the assistant would build it, for the handoff tests."""

from __future__ import annotations

from bot.handoff.case import Contact, new_case

NAME, EMAIL = "Kari Nordmann", "kari.nordmann@kommune.example.no"
KARI = Contact(name=NAME, email=EMAIL)


def a_case(contact: Contact = KARI, description: str = "Får ikke logget inn i Visma"):
    return new_case(
        [
            ("Ansatt", "Jeg får ikke logget inn i Visma, ring meg på 912 34 567"),
            ("Digihjelpen", "Beklager, det forstod jeg ikke."),
        ],
        description,
        "web",
        contact,
    )
