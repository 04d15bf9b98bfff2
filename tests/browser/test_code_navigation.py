"""Code navigation on the built capsule page in Chromium: marks, cards (en, ja), keyboard, phone, math."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAPSULE_PAGE = "capsule_networks/index.html"
SQUASH = re.compile(r"^squash$")
SQUASH_CLASS = re.compile(r"^Squash$")

# Boxes of the visible card and of the name it describes, and whether they overlap.
CARD_AND_NAME = """() => {
  const card = document.querySelector('[role=tooltip]');
  const id = card && card.id;
  const name = id && document.querySelector(`[aria-describedby="${id}"]`);
  if (!card || card.hidden || !name) return null;
  const c = card.getBoundingClientRect(), n = name.getBoundingClientRect();
  const overlap = !(c.right <= n.left || c.left >= n.right || c.bottom <= n.top || c.top >= n.bottom);
  return {card: [c.left, c.top, c.right, c.bottom], name: [n.left, n.top, n.right, n.bottom],
          width: document.documentElement.clientWidth, height: document.documentElement.clientHeight,
          overlap, text: card.innerText,
          notesLang: card.querySelector('.sb-card-notes')
            ? card.querySelector('.sb-card-notes').getAttribute('lang') : 'none'};
}"""


def marked_names(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".sb-marked", "els => els.map(e => ({text: e.textContent, d: e.getAttribute('data-d')}))")


def squash_use(page):
    """``squash`` in ``return self.squash(u)``: a use, not the assignment."""
    return page.locator(".sb-code a.sb-n", has_text=SQUASH).nth(1)


def test_clicking_squash_marks_every_use_of_that_binding_and_clicking_again_clears(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    name = squash_use(page)
    definition = name.get_attribute("data-d")
    name.click()
    marks = marked_names(page)
    assert len(marks) >= 2
    assert all(mark == {"text": "squash", "d": definition} for mark in marks)
    assert urlsplit(page.url).fragment == ""  # a plain click marks, it does not navigate
    name.click()
    assert marked_names(page) == []


def test_escape_clears_the_marks_and_an_unlinked_name_marks_by_text(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    local = page.locator(".sb-code span.n", has_text=re.compile(r"^u_hat$")).first
    local.click()
    marks = marked_names(page)
    assert len(marks) >= 2 and all(mark == {"text": "u_hat", "d": None} for mark in marks)
    page.keyboard.press("Escape")
    assert marked_names(page) == []


def test_shift_click_follows_the_link_to_the_definition_section(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    target = page.locator(".sb-code a.sb-n", has_text=SQUASH_CLASS).nth(1)
    href = target.get_attribute("href")
    target.click(modifiers=["Shift"])
    page.wait_for_function("hash => location.hash === hash", arg=href)
    assert page.evaluate("id => !!document.getElementById(id)", href[1:])


def test_every_link_in_the_code_points_at_an_existing_section(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    missing = page.eval_on_selector_all(
        ".sb-code a.sb-n[href^='#']",
        "links => links.filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))))"
        ".map(a => a.getAttribute('href'))")
    assert page.locator(".sb-code a.sb-n").count() > 30
    assert missing == []


def test_hovering_a_name_shows_its_card_with_signature_and_english_notes(open_page, site_url, requests):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    page.locator(".sb-code a.sb-n", has_text=SQUASH_CLASS).nth(1).hover()
    page.wait_for_selector("[role=tooltip]:not([hidden])")
    card = page.evaluate(CARD_AND_NAME)
    assert card is not None and not card["overlap"]
    assert "class Squash(nn.Module)" in card["text"]
    assert "Eq. (1) of the paper" in card["text"]
    assert card["notesLang"] is None  # English notes on the English page need no mark
    cards = [url for url in requests.urls if url.endswith(".names.json")]
    assert len(cards) == 1 and cards[0].startswith(site_url)


def test_the_japanese_card_shows_the_japanese_notes(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + "ja/" + CAPSULE_PAGE)
    page.locator(".sb-code a.sb-n", has_text=SQUASH_CLASS).nth(1).hover()
    page.wait_for_selector("[role=tooltip]:not([hidden])")
    card = page.evaluate(CARD_AND_NAME)
    assert card is not None
    assert "論文の式 (1)" in card["text"]
    assert card["notesLang"] is None  # translated: in the page's language, not marked English
    assert "定義へ移動" in card["text"]


def test_keyboard_focus_shows_the_card_enter_marks_and_escape_clears(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    name = squash_use(page)
    name.focus()
    page.wait_for_selector("[role=tooltip]:not([hidden])")
    described = name.get_attribute("aria-describedby")
    assert described and page.get_attribute(f"#{described}", "role") == "tooltip"
    page.keyboard.press("Enter")
    assert len(marked_names(page)) >= 2
    assert urlsplit(page.url).fragment == ""
    page.keyboard.press("Escape")
    assert marked_names(page) == []
    assert page.locator("[role=tooltip]").is_hidden()
    assert name.get_attribute("aria-describedby") is None


def test_shift_enter_follows_the_focused_name_to_its_definition(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    name = page.locator(".sb-code a.sb-n", has_text=SQUASH_CLASS).nth(1)
    href = name.get_attribute("href")
    name.focus()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("hash => location.hash === hash", arg=href)


@pytest.mark.parametrize("width, height", [(360, 640), (375, 667)])
def test_at_phone_widths_the_card_stays_on_screen_and_off_the_name(open_page, site_url, width, height):
    page = open_page(width, height, is_mobile=True, has_touch=True)
    page.goto(site_url + "ja/" + CAPSULE_PAGE)
    for index in (1, 2):  # one name low on the screen, so the card may go above it
        name = page.locator(".sb-code a.sb-n", has_text=SQUASH_CLASS).nth(index)
        name.scroll_into_view_if_needed()
        name.focus()
        page.wait_for_selector("[role=tooltip]:not([hidden])")
        card = page.evaluate(CARD_AND_NAME)
        left, top, right, bottom = card["card"]
        assert left >= 0 and right <= card["width"] and top >= 0 and bottom <= card["height"]
        assert not card["overlap"]
        page.keyboard.press("Escape")


def test_clicking_a_math_symbol_marks_it_in_every_equation(open_page, site_url):
    page = open_page(1280, 900)
    page.goto(site_url + CAPSULE_PAGE)
    # The first identifier whose symbol (identifier with scripts) occurs in two equations.
    index = page.evaluate("""() => {
      const all = [...document.querySelectorAll('.sb-notes math mi')];
      const text = mi => (mi.closest('msub, msup, msubsup') || mi).textContent;
      return all.findIndex(mi => all.filter(
        o => text(o) === text(mi) && o.closest('math') !== mi.closest('math')).length > 0);
    }""")
    assert index >= 0
    page.locator(".sb-notes math mi").nth(index).click()
    marks = page.eval_on_selector_all(".sb-marked", "els => els.map(e => [e.textContent, !!e.closest('math')])")
    equations = page.eval_on_selector_all(".sb-marked", "els => new Set(els.map(e => e.closest('math'))).size")
    assert len(marks) >= 2 and equations >= 2
    assert all(in_math for _, in_math in marks) and len({text for text, _ in marks}) == 1
