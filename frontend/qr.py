"""QR codes on pages, drawn as inline SVG: the one place a page turns text (WeChat Pay's Native
`code_url`, later referral links) into a QR code."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str) -> SafeString:
    """`text` as a scannable QR code (error correction M, the 4-module quiet zone scanners need): an <svg>
    with a viewBox, sized by CSS (`svg.qr`). The text itself is not in the markup, only the modules' paths,
    so nothing of it can inject HTML."""
    code = segno.make(text, error="m", micro=False)
    return mark_safe(code.svg_inline(border=4, omitsize=True, svgclass="qr", lineclass=None))
