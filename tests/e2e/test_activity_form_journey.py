"""The activity form in a real browser: actions chosen under their areas, Parties found by typing
and shown as chips, financing and partner lines added in place, and "Submit"; the same by keyboard
alone; and without JavaScript, where "Add" posts the form back with one more line."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import sign_in


def _party_box(page, short_name: str):
    return page.locator("[data-party-picker]").get_by_role("checkbox", name=short_name, exact=True)


def _saved(title: str):
    from actions.models import Activity

    activity = Activity.objects.get(title=title)
    return (
        activity,
        sorted(activity.other_parties.values_list("code", flat=True)),
        list(activity.financing_lines.order_by("amount").values_list("amount", "currency")),
        sorted(activity.partner_roles.values_list("organisation__acronym", "role")),
        sorted(a.code for a in activity.actions.all()),
        sorted(f"{i.action.code} {i.letter}" for i in activity.items.all()),
    )


def _org(acronym: str) -> str:
    from parties.models import PartnerOrganisation

    return str(PartnerOrganisation.objects.get(acronym=acronym).pk)


def test_contact_point_logs_an_activity_with_lines_added_in_place_and_parties_found_by_typing(page, e2e_plan):
    sign_in(page, "ncp-cz")
    page.wait_for_url("**/parties/cz/")
    page.goto("/activities/new/")
    page.get_by_label("Title").fill("Joint training on document fraud")
    page.locator("#id_kind").select_option("training")

    # Actions under their areas, each with its full text at hand and its items under it.
    area_one = page.locator("fieldset.area-choices").filter(
        has=page.get_by_role("heading", name=re.compile("^Priority area I:"))
    )
    area_one.get_by_role("checkbox", name=re.compile(r"^I\.1 ")).check()
    area_one.get_by_text("Full text of action I.3").click()
    assert area_one.locator("details").nth(2).locator("p").is_visible()
    area_two = page.locator("fieldset.area-choices").filter(
        has=page.get_by_role("heading", name=re.compile("^Priority area II:"))
    )
    area_two.get_by_role("checkbox", name=re.compile(r"^II\.1 a\)")).check()

    # Parties by typing: a chip for each chosen one, which removes it again.
    finder = page.get_by_label("Find a Party")
    finder.fill("mold")
    assert not _party_box(page, "Serbia").is_visible()
    _party_box(page, "Moldova").check()
    finder.fill("ukr")
    _party_box(page, "Ukraine").check()
    finder.fill("serb")
    _party_box(page, "Serbia").check()
    chips = page.locator("[data-party-chips]")
    assert "Moldova" in chips.inner_text() and "Serbia" in chips.inner_text()
    chips.get_by_role("button", name="Remove Serbia").click()
    assert "Serbia" not in chips.inner_text()
    assert not _party_box(page, "Serbia").is_checked()
    finder.fill("")
    assert _party_box(page, "Serbia").is_visible()

    # Three financing lines and two partners, added on the page.
    assert page.locator("#id_financing-1-amount").count() == 0
    page.locator("#id_financing-0-source").select_option(label="European Union funds")
    page.locator("#id_financing-0-amount").fill("12000")
    add_line = page.get_by_role("button", name="Add a financing line")
    add_line.click()
    add_line.click()
    page.locator("#id_financing-1-source").select_option(label="national funds of the Parties")
    page.locator("#id_financing-1-amount").fill("3500.50")
    page.locator("#id_financing-1-currency").select_option("CZK")
    page.locator("#id_financing-2-source").select_option(label="European Union funds")
    page.locator("#id_financing-2-amount").fill("800")
    # a line added by mistake is removed again
    add_line.click()
    page.locator("#id_financing-3-amount").fill("1")
    page.get_by_role("button", name="Remove this line (Line 4)").click()
    assert not page.locator("#id_financing-3-amount").is_visible()
    add_partner = page.get_by_role("button", name="Add a partner organisation")
    add_partner.click()
    add_partner.click()
    page.locator("#id_partners-0-organisation").select_option(_org("IOM"))
    page.locator("#id_partners-0-role").select_option("implementing")
    page.locator("#id_partners-1-organisation").select_option(_org("UNHCR"))
    page.locator("#id_partners-1-role").select_option("partner")

    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    activity, parties, lines, partners, actions, items = _saved("Joint training on document fraud")
    assert activity.state == "submitted"
    assert parties == ["MD", "UA"]
    assert [(str(a), c) for a, c in lines] == [("800.00", "EUR"), ("3500.50", "CZK"), ("12000.00", "EUR")]
    assert partners == [("IOM", "implementing"), ("UNHCR", "partner")]
    assert actions == ["I.1", "II.1"] and items == ["II.1 a"]


def _tab_to(page, selector: str, *, back: bool = False, limit: int = 400) -> None:
    """Press Tab (or Shift+Tab) until the element `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    pytest.fail(f"{selector} never took the focus")


def _party_id(page, short_name: str) -> str:
    return "#" + _party_box(page, short_name).get_attribute("id")


def test_the_same_journey_by_keyboard_alone(page, e2e_plan):
    sign_in(page, "ncp-cz")
    page.wait_for_url("**/parties/cz/")
    page.goto("/activities/new/")
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.keyboard.type("Keyboard-only study visit")
    _tab_to(page, "#id_kind")
    page.keyboard.type("Training")

    action_box = page.locator("fieldset.area-choices").get_by_role("checkbox", name=re.compile(r"^I\.1 "))
    _tab_to(page, "#" + action_box.get_attribute("id"))
    page.keyboard.press("Space")
    item_box = page.get_by_role("checkbox", name=re.compile(r"^II\.1 a\)"))
    _tab_to(page, "#" + item_box.get_attribute("id"))
    page.keyboard.press("Space")

    moldova, ukraine, serbia = (_party_id(page, n) for n in ("Moldova", "Ukraine", "Serbia"))
    _tab_to(page, "#id_other_parties_filter")
    page.keyboard.type("mold")
    page.keyboard.press("Enter")  # the only match is chosen
    page.keyboard.press("Control+a")
    page.keyboard.type("ukr")
    _tab_to(page, ukraine)
    page.keyboard.press("Space")
    _tab_to(page, "#id_other_parties_filter", back=True)
    page.keyboard.press("Control+a")
    page.keyboard.type("serb")
    _tab_to(page, serbia)
    page.keyboard.press("Space")
    chips = page.locator("[data-party-chips]")
    names = [t.strip() for t in chips.locator("[data-chip-name]:not(.visually-hidden *)").all_inner_texts()]
    assert sorted(names) == ["Moldova", "Serbia", "Ukraine"]  # in the Parties' order
    _tab_to(page, f"li:nth-child({names.index('Serbia') + 1}) [data-chip-remove]", back=True)
    page.keyboard.press("Enter")
    assert "Serbia" not in chips.inner_text()
    assert page.locator(moldova).is_checked() and not page.locator(serbia).is_checked()

    _tab_to(page, "#id_financing-0-source")
    page.keyboard.type("European")
    page.keyboard.press("Tab")
    page.keyboard.type("12000")
    for n, (source, amount) in enumerate([("national", "3500"), ("European", "800")], start=1):
        _tab_to(page, "[data-formset-add]:is([data-formset=financing] *)")
        page.keyboard.press("Enter")  # the new line's first field takes the focus
        assert page.evaluate("document.activeElement.id") == f"id_financing-{n}-source"
        page.keyboard.type(source)
        page.keyboard.press("Tab")
        page.keyboard.type(amount)
    for n, acronym in enumerate(["IOM", "UNHCR"]):
        _tab_to(page, "[data-formset-add]:is([data-formset=partners] *)")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.id") == f"id_partners-{n}-organisation"
        page.keyboard.type(acronym)

    _tab_to(page, 'button[value="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    activity, parties, lines, partners, actions, items = _saved("Keyboard-only study visit")
    assert activity.state == "submitted" and activity.kind == "training"
    assert parties == ["MD", "UA"]
    assert [str(a) for a, _c in lines] == ["800.00", "3500.00", "12000.00"]
    assert [a for a, _r in partners] == ["IOM", "UNHCR"]
    assert actions == ["I.1", "II.1"] and items == ["II.1 a"]


@pytest.fixture
def page_without_javascript(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_without_javascript_the_form_adds_a_line_by_posting_back_and_saves(page_without_javascript, e2e_plan):
    page = page_without_javascript
    sign_in(page, "ncp-cz")
    page.wait_for_url("**/parties/cz/")
    page.goto("/activities/new/")
    assert not page.get_by_label("Find a Party").is_visible()  # the filter needs the script
    page.get_by_label("Title").fill("Seminar without scripts")
    page.get_by_role("checkbox", name=re.compile(r"^III\.1 ")).check()
    _party_box(page, "Georgia").check()
    _party_box(page, "Armenia").check()
    page.locator("#id_financing-0-source").select_option(label="European Union funds")
    page.locator("#id_financing-0-amount").fill("5000")

    page.get_by_role("button", name="Add a financing line").click()
    page.wait_for_load_state()
    assert "A financing line is added below. Nothing is saved yet." in page.locator("main").inner_text()
    assert page.locator(".error-summary").count() == 0
    assert page.get_by_label("Title").input_value() == "Seminar without scripts"
    assert _party_box(page, "Georgia").is_checked() and _party_box(page, "Armenia").is_checked()
    assert page.locator("#id_financing-0-amount").input_value() == "5000"
    page.locator("#id_financing-1-source").select_option(label="national funds of the Parties")
    page.locator("#id_financing-1-amount").fill("700")

    page.get_by_role("button", name="Add a partner organisation").click()
    page.wait_for_load_state()
    page.locator("#id_partners-0-organisation").select_option(_org("ICMPD"))
    _party_box(page, "Armenia").uncheck()

    page.get_by_label("Title").press("Enter")  # Enter in a field saves the draft, it adds no line
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    assert "only your Party and the secretariat see it" in page.locator("main").inner_text()
    activity, parties, lines, partners, actions, _items = _saved("Seminar without scripts")
    assert activity.state == "draft"
    assert parties == ["GE"] and actions == ["III.1"]
    assert [str(a) for a, _c in lines] == ["700.00", "5000.00"]
    assert [a for a, _r in partners] == ["ICMPD"]
