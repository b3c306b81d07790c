"""The vCard rendering of the contact-point directory (its CSV uses core.downloads)."""

from __future__ import annotations

import re

# Every line break a client may honour (CR LF, a bare CR or LF, and Unicode's own), then any other
# control character: none of them may reach the card unescaped, or one field could end the card
# and start a forged one.
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _v(value: str) -> str:
    """Text value escaping (RFC 6350 §3.4, the same as RFC 2426 §5): backslash, comma and semicolon
    escaped, every line break written as \\n, other control characters dropped."""
    text = (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _BREAKS.sub("\\\\n", text))


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 6350 §3.2), never inside a UTF-8 character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


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
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
