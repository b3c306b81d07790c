"""The activity list's rows, written by the view, are byte for byte what the template wrote (the
blank line the template left between two rows aside)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import engines
from django.utils import translation

from actions.activity_views import _activity_rows
from actions.models import Activity
from actions.selectors import activity_list
from tests.factories import ActivityFactory, action

pytestmark = pytest.mark.django_db

# The rows as activity_list.html wrote them before the view took them over.
TEMPLATE = """{% for a in activities %}
  <tr>
    <th scope="row"><a href="{{ a.get_absolute_url }}">{{ a.title }}</a>{% if a.state != "submitted" %} <span class="badge {% if a.state == 'archived' %}bad{% else %}warn{% endif %}">{{ a.get_state_display }}</span>{% endif %}</th>
    <td>{{ a.party.short_name }}</td>
    <td>{% for x in a.actions.all %}{{ x.code }}{% if not forloop.last %}, {% endif %}{% endfor %}{% for i in a.items.all %}{% if forloop.first %} ({% endif %}{{ i.action.code }} {{ i.letter }}{% if not forloop.last %}, {% else %}){% endif %}{% endfor %}</td>
    <td>{{ a.get_kind_display }}</td>
    <td>{{ a.get_status_display }}</td>
    <td>{{ a.start_date|date:"Y-m-d"|default:"–" }}{% if a.end_date %} – {{ a.end_date|date:"Y-m-d" }}{% endif %}</td>
  </tr>
  {% endfor %}"""


@pytest.mark.parametrize("language", ["en", "ru"])
def test_rows_match_the_template(secretariat, party_a, party_b, language):
    I1 = action("I.1")
    ActivityFactory(party=party_a, title='Quotes " & <tags>', actions=[I1, action("II.2")])
    ActivityFactory(party=party_b, state=Activity.State.DRAFT, start_date=None, end_date=None, actions=[I1])
    archived = ActivityFactory(
        party=party_b,
        state=Activity.State.ARCHIVED,
        start_date=dt.date(2013, 1, 2),
        end_date=dt.date(2014, 3, 4),
        actions=[I1],
    )
    archived.items.set(action("I.2").items.order_by("letter")[:2])
    with translation.override(language):
        activities = list(activity_list(secretariat).order_by("pk"))
        expected = engines["django"].from_string(TEMPLATE).render({"activities": activities})
        written = _activity_rows(list(activity_list(secretariat).order_by("pk")))
    assert len(activities) == 3
    rows = re.findall(r"<tr>.*?</tr>", expected, re.S)
    assert len(rows) == 3 and " (I.2 a, I.2 b)</td>" in expected
    assert re.findall(r"<tr>.*?</tr>", written, re.S) == rows  # each row byte for byte
    assert "\n  ".join(rows) == written  # and nothing else but the breaks between them
