"""fuzz_forms for mail: whatever is posted to one's choice of e-mails, the unsubscribe link and the
audience form, the answer is a page or a redirect, never a 5xx; nothing reaches another person."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parties.mailprefs import unsubscribe_token
from parties.models import MailPreference

pytestmark = pytest.mark.django_db

junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "0", "-1", "99999999999", "none", "digest", "group", "participants", "send", "preview",
                     "edit", "<script>", "00000000-0000-0000-0000-000000000000", "ru"]),
)  # fmt: skip
AUDIENCE = ["step", "audience", "group", "meeting", "subject", "body", "subject_ru", "body_ru", "token"]
PREFERENCES = ["mail-meeting_reminders", "mail-minutes_reminders", "next"]


def test_fuzz_mail_forms_never_answer_5xx(client_for, secretariat, ncp_a, ncp_b):
    sec, own = client_for(secretariat), client_for(ncp_a)
    link = f"/mail/unsubscribe/{unsubscribe_token(user_pk=ncp_a.pk, category='meeting_reminders')}/"

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        for client, url, names in ((sec, "/mail/audience/new/", AUDIENCE), (own, "/mail/preferences/", PREFERENCES),
                                   (client_for(None), link, ["List-Unsubscribe"])):  # fmt: skip
            payload = {name: data.draw(junk, label=name) for name in names}
            response = client.post(url, payload)
            assert response.status_code < 500, (url, payload)
        assert not MailPreference.objects.filter(user=ncp_b).exists()

    run()
