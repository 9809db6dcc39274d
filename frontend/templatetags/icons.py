"""Icons: Heroicons (the maintained `heroicons` package) inlined as SVG, so they render on any machine,
with or without an emoji font. Sized by CSS (`.svg-icon`; the SVG's own 24 px only without the
stylesheet), coloured by `currentColor`, hidden from screen readers unless given a label.

    {% load icons %}
    {% icon "home" %}                           decorative, next to a visible label
    {% icon "check" label=_("Included") %}      meaningful on its own: the label is read out
    {% icon "home" solid=True %}                the filled style
    {% category_icon category fallback=top %}   a category's picture, its short text, or a default
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from heroicons.templatetags.heroicons import heroicon_outline, heroicon_solid

register = template.Library()

# Shown for a category that has neither a picture nor a short text of its own.
DEFAULT_CATEGORY_ICON = "shopping-bag"


@register.simple_tag
def icon(name: str, *, label: str = "", solid: bool = False, css: str = "") -> str:
    render = heroicon_solid if solid else heroicon_outline
    # The package's width/height stay as a fallback for a page without its stylesheet; CSS sizes it.
    svg = render(name, **{"class": f"svg-icon {css}".strip()})
    if label:
        return format_html('{}<span class="sr-only">{}</span>', svg, label)
    return svg


@register.simple_tag
def category_icon(category, *, fallback=None, eager: bool = False) -> str:
    """What stands for a category in a grid: its uploaded picture, else the short text the merchant gave
    it (or its parent's), else the default icon. Decorative: the category's name is shown beside it."""
    if category.image:
        return format_html(
            '<img src="{}" alt="" width="112" height="112" {}>',
            category.image.url,
            mark_safe('loading="eager"' if eager else 'loading="lazy" decoding="async"'),
        )
    text = category.icon or (fallback.icon if fallback is not None else "")
    if text:
        return format_html('<span class="icon-text" aria-hidden="true">{}</span>', text)
    return icon(DEFAULT_CATEGORY_ICON)
