"""How to reach IT, in Norwegian, from the settings (BOT_IT_CONTACT_*): every reply that sends the
employee to IT names IT through here, also when the catalogue database is down (no database needed)."""

from __future__ import annotations

from bot.config import it_contact
from bot.texts import DEFAULT_STANDARD, text


def it_name() -> str:
    """IT's name alone, for replies that only mention IT («… så IT-servicesenteret ser …»)."""
    return it_contact().name


def reach_it(standard: str = DEFAULT_STANDARD) -> str:
    """IT's name with its phone and address: «IT-servicesenteret (telefon 12 34 56 78,
    it-service@kommune.example.no)»; a part left empty in the settings is left out."""
    contact = it_contact()
    phone = text("contact.phone", standard, phone=contact.phone) if contact.phone else ""
    ways = [way for way in (phone, contact.address) if way]
    return f"{contact.name} ({', '.join(ways)})" if ways else contact.name
