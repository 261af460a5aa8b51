"""How to reach IT, in Norwegian, from the settings (BOT_IT_CONTACT_*): every reply that sends the
employee to IT names IT through here, also when the catalogue database is down (no database needed)."""

from __future__ import annotations

from bot.config import it_contact


def it_name() -> str:
    """IT's name alone, for replies that only mention IT («… så IT-servicesenteret ser …»)."""
    return it_contact().name


def reach_it() -> str:
    """IT's name with its phone and address: «IT-servicesenteret (telefon 12 34 56 78,
    it-service@kommune.example.no)»; a part left empty in the settings is left out."""
    contact = it_contact()
    ways = [way for way in (f"telefon {contact.phone}" if contact.phone else "", contact.address) if way]
    return f"{contact.name} ({', '.join(ways)})" if ways else contact.name
