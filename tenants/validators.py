"""Input rules shared by the signup wizard, the API and the operator console."""

import re

from django.utils.translation import gettext as _

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,28})[a-z0-9]$")

# Names a store may never take: platform hosts, and names that would mislead buyers.
RESERVED_SUBDOMAINS = frozenset(
    [
        "www",
        "api",
        "admin",
        "operator",
        "operators",
        "static",
        "media",
        "mail",
        "email",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "console",
        "signup",
        "login",
        "logout",
        "register",
        "account",
        "accounts",
        "app",
        "apps",
        "help",
        "support",
        "docs",
        "status",
        "blog",
        "billing",
        "pay",
        "payment",
        "payments",
        "checkout",
        "cdn",
        "assets",
        "img",
        "images",
        "files",
        "dev",
        "test",
        "staging",
        "demo-admin",
        "root",
        "system",
        "platform",
        "webhook",
        "webhooks",
        "wechat",
        "weixin",
        "alipay",
        "stripe",
        "official",
        "service",
        "services",
        "shop",
        "store",
        "stores",
        "public",
        "tenant_base",
        "localhost",
        "health",
        "healthz",
    ]
)


def subdomain_problem(slug: str) -> str | None:
    """Why `slug` cannot be a store's subdomain (format and reserved names), or None.
    Whether it is taken is a question for the database, asked separately."""
    if not slug:
        return _("Choose a subdomain for your store.")
    if len(slug) < 3 or len(slug) > 30:
        return _("A subdomain has 3 to 30 characters.")
    if not SUBDOMAIN_RE.match(slug):
        if slug.startswith("-") or slug.endswith("-"):
            return _("A subdomain cannot start or end with a hyphen.")
        return _("Use only lowercase letters, digits and hyphens.")
    if slug in RESERVED_SUBDOMAINS:
        return _("“%(slug)s” is reserved. Please choose another subdomain.") % {"slug": slug}
    if slug[2:4] == "--":
        # "xn--…" is how a browser writes a name in another script (a look-alike of another store's name);
        # "ab--" labels are reserved for such encodings by the DNS rules (RFC 5891).
        return _("A subdomain cannot have two hyphens after its first two letters.")
    return None


# WeChat Pay identifiers: merchant and sub-merchant numbers are digits; app ids are "wx" and 16 characters.
WECHAT_MCHID_RE = re.compile(r"[0-9]{8,12}")
WECHAT_APPID_RE = re.compile(r"wx[0-9A-Za-z]{16}")


def wechat_mchid_problem(value: str) -> str | None:
    if not WECHAT_MCHID_RE.fullmatch(value):
        return _("A merchant number is 8 to 12 digits, e.g. 1230000109.")
    return None


def wechat_appid_problem(value: str) -> str | None:
    if not WECHAT_APPID_RE.fullmatch(value):
        return _("An app id is “wx” followed by 16 letters or digits.")
    return None
