"""Small helpers of the load test that need no locust: forms read from HTML, loopback cookies."""

from __future__ import annotations

from html.parser import HTMLParser


def loopback_cookies(jar) -> None:
    """Production cookies are Secure; on plain-HTTP loopback the client must send them anyway.

    requests copies the session's jar for each request (so a cookie policy would be lost): the
    flag is cleared on the session's own cookies before each request instead.
    """
    for cookie in jar:
        cookie.secure = False


class _Forms(HTMLParser):
    """The fields of every form on a page: [{"action", "method", "fields": [(name, value)]}]."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if (
            tag == "input"
            and a.get("name")
            and a.get("type", "text") not in ("submit", "button", "file", "image")
        ):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None


def parse_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms
