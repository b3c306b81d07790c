from __future__ import annotations

from tests.e2e.conftest import sign_in


def test_secretariat_follows_texts_needing_review_edits_one_and_marks_it_official(page, e2e_plan):
    from core.models import TranslationStatus
    from core.translations import translation_save
    from tests.factories import action

    translation_save(action("I.2"), "text", ru="Черновой перевод", status=TranslationStatus.Status.REVIEW)
    translation_save(action("I.3"), "text", ru="Рабочий перевод действия", status="working")

    sign_in(page, "secretariat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Translations").click()
    page.wait_for_url("**/translations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Translations"

    row = page.locator('tr[data-kind="actions"]').first
    row.locator('td[data-count="review"] a').click()
    page.wait_for_url("**/translations/actions/?*state=review*")
    table = page.get_by_role("table")
    assert "Черновой перевод" in table.inner_text()
    assert "Рабочий перевод действия" not in table.inner_text()

    page.get_by_role("link", name="Edit I.2").click()
    page.wait_for_url("**/translations/actions/*/")
    page.get_by_label("Text in Russian").fill("Официальный перевод действия I.2")
    page.get_by_label("Status").select_option(label="Official")
    page.get_by_role("button", name="Save").click()

    assert "Translation saved." in page.get_by_role("status").inner_text()
    history = page.get_by_role("table", name="Every change of these texts, newest first")
    newest = history.locator("tbody tr").first.inner_text()
    assert "Официальный перевод действия I.2" in newest and "Official" in newest and "secretariat" in newest
    assert "Черновой перевод" in history.inner_text()  # the earlier text is kept
