"""The vCard rendering of the contact-point directory (its CSV uses core.downloads)."""

from __future__ import annotations


def _v(value: str) -> str:
    """vCard 3.0 text escaping (RFC 2426 §5)."""
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def vcard(term) -> str:
    user, party = term.user, term.party
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_v(user.last_name)};{_v(user.first_name)};;;",
        f"FN:{_v(user.get_full_name() or user.username)}",
    ]
    if user.organisation:
        lines.append(f"ORG:{_v(user.organisation)}")
    if user.title:
        lines.append(f"TITLE:{_v(user.title)}")
    if user.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_v(user.email)}")
    if user.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_v(user.phone)}")
    lines.append(f"NOTE:{_v(f'Prague Process: {term.get_kind_display()}, {party.name}')}")
    lines.append(f"CATEGORIES:{_v('Prague Process')},{_v(party.short_name)}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
