"""Icons are SVG from the heroicons package, never emoji: an emoji renders as an empty box on a machine
without an emoji font (as the browser suite's screenshots showed)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

ROOT = Path(__file__).resolve().parents[2]
# Pictographs, dingbats and the symbols that browsers draw with an emoji font.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2934\u2935\u25b6\u2197\ufe0f]")


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "frontend" / "templates").rglob("*.*"))
)
def test_no_template_draws_an_icon_with_an_emoji(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    found = [f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group()!r}" for m in EMOJI.finditer(text)]
    assert found == []


def test_an_icon_is_an_inline_svg_sized_by_css_and_hidden_from_screen_readers():
    html = Template('{% load icons %}{% icon "home" %}').render(Context())
    assert html.startswith("<svg ") and 'class="svg-icon"' in html and 'aria-hidden="true"' in html
    assert 'stroke="currentColor"' in html  # takes the colour of the text around it


def test_an_icon_that_means_something_on_its_own_is_read_out():
    html = Template('{% load icons %}{% icon "check" label="Included:" %}').render(Context())
    assert html.endswith('<span class="sr-only">Included:</span>')


def test_css_sizes_every_icon():
    css = (ROOT / "frontend" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"\.svg-icon \{([^}]*)\}", css)
    assert rule and "width:" in rule.group(1) and "height:" in rule.group(1)
