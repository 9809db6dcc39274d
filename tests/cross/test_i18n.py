"""Simplified Chinese and English: every face speaks the visitor's language (browser or cookie), the
language switcher changes it, and the shipped catalogue is complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from tests.conftest import host_client

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture(autouse=True)
def _back_to_default_language():
    """A request activates its language on this thread; later tests expect the default again."""
    yield
    translation.deactivate()


def get(client, url, **headers):
    response = client.get(url, **headers)
    connection.set_schema_to_public()
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


# What a visitor reads on each face, in each language: (host fixture, path, Chinese, English).
PAGES = {
    "landing": (
        "platform",
        "/",
        ["一分钟开店，粉丝帮您卖货。", "开始 7 天免费试用", "免费开店"],
        ["Your store in a minute. Your fans sell it for you.", "Start the 7-day free trial"],
    ),
    "signup wizard": (
        "platform",
        "/signup/",
        ["只需简单三步，完成即可开店。", "店铺名称", "子域名", "下一步", "选择模板和套餐", "立即开店"],
        ["Three short steps. Your store is ready the moment you finish.", "Store name", "Look and plan"],
    ),
    "console login": (
        "store",
        "/console/login/",
        ["商家后台", "登录以管理 Store A。", "登录"],
        ["Merchant console", "Log in to manage Store A."],
    ),
    "storefront home": (
        "store",
        "/",
        ["搜索商品", "首页", "分类", "赚佣金", "我的"],
        ["Search products", "Categories", "Earn"],
    ),
    "operator login": (
        "platform",
        "/operator/login/",
        ["平台运营后台", "商家账号请在各自店铺的商家后台登录。"],
        ["Operator console", "Merchant accounts log in on their own store"],
    ),
}


def client_for(kind, store_a):
    return host_client("localhost" if kind == "platform" else store_a.host)


@pytest.mark.parametrize("page", PAGES, ids=list(PAGES))
def test_a_chinese_browser_gets_the_page_in_chinese(page, store_a):
    kind, path, chinese, english = PAGES[page]
    html = get(client_for(kind, store_a), path, **ZH)
    assert '<html lang="zh-hans">' in html
    for text in chinese:
        assert text in html, text
    for text in english:
        assert text not in html, text


@pytest.mark.parametrize("page", PAGES, ids=list(PAGES))
def test_an_english_browser_gets_the_page_in_english(page, store_a):
    kind, path, chinese, english = PAGES[page]
    html = get(client_for(kind, store_a), path, **EN)
    assert '<html lang="en">' in html
    for text in english:
        assert text in html, text
    assert not any(text in html for text in chinese)


def test_the_language_cookie_wins_over_the_browser(store_a):
    client = host_client(store_a.host)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "商家后台" in get(client, "/console/login/", **EN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Merchant console" in get(client, "/console/login/", **ZH)


def test_messages_from_python_code_are_shown_in_the_visitors_language(platform_client):
    check = "/signup/check-subdomain/?subdomain=ab"
    assert "子域名须为 3 到 30 个字符。" in get(platform_client, check, **ZH)
    assert "A subdomain has 3 to 30 characters." in get(platform_client, check, **EN)
    data = {
        "store_name": "鲜果小铺",
        "subdomain": "www",
        "owner_name": "王芳",
        "email": "wang@fruit.example",
        "password": "plums-and-pears-42",
        "template": "fresh",
        "plan": "trial",
    }
    html = platform_client.post("/signup/", data, **ZH).content.decode()
    assert "“www”是保留名称，请换一个子域名。" in html
    assert "请修正下方标出的字段。" in html


def test_plural_forms_read_naturally_in_chinese(operator_client):
    html = get(operator_client, "/operator/stores/", **ZH)
    assert re.search(r"\d+ 家店铺", html)


# ---------------------------------------------------------------------------------------------
# the switcher
# ---------------------------------------------------------------------------------------------


def switcher(html: str) -> str:
    match = re.search(
        r'<form class="lang-switch" method="post" action="/i18n/setlang/".*?</form>',
        html,
        re.S,
    )
    assert match, "no language switcher on the page"
    return match.group(0)


@pytest.mark.parametrize(
    "kind, path",
    [
        ("platform", "/pricing/"),
        ("platform", "/operator/login/"),
        ("store", "/console/login/"),
        ("store", "/categories/"),
    ],
)
def test_every_layout_offers_the_switcher_back_to_the_current_page(kind, path, store_a):
    form = switcher(get(client_for(kind, store_a), path, **ZH))
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{path}"' in form
    # the current language is marked, the other one is a button to press
    assert re.search(r'value="zh-hans"[^>]*class="current" aria-current="true" disabled>中文<', form)
    assert re.search(r'value="en" lang="en">English<', form)


def test_the_switcher_keeps_the_query_string_of_the_page(store_a):
    form = switcher(get(host_client(store_a.host), "/search/?q=apple&sort=newest", **EN))
    assert 'name="next" value="/search/?q=apple&amp;sort=newest"' in form


def test_switching_to_chinese_sets_the_cookie_and_the_next_page_is_chinese(platform_client):
    response = platform_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/pricing/"}, **EN)
    assert response.status_code == 302 and response["Location"] == "/pricing/"
    assert platform_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    html = get(platform_client, "/pricing/", **EN)
    assert "套餐与价格" in html and "Plans and pricing" not in html


def test_switching_back_to_english_on_a_store_host(store_a):
    client = host_client(store_a.host)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "商家后台" in get(client, "/console/login/")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/console/login/"})
    connection.set_schema_to_public()
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = get(client, "/console/login/", **ZH)
    assert "Merchant console" in html and "商家后台" not in html


def test_the_switcher_never_redirects_to_another_site(platform_client):
    response = platform_client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/phish"}, **EN
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_signed_in_merchant_switches_language_in_the_console(owner_client_a):
    html = get(owner_client_a, "/console/", **EN)
    assert "Dashboard" in html
    form = switcher(html)
    assert 'name="next" value="/console/"' in form
    owner_client_a.post("/i18n/setlang/", {"language": "zh-hans", "next": "/console/"})
    connection.set_schema_to_public()
    html = get(owner_client_a, "/console/", **EN)
    assert "概况" in html and "新手指引" in html and "退出登录" in html


def test_a_platform_operator_switches_language_in_the_operator_console(operator_client):
    operator_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/operator/"})
    html = get(operator_client, "/operator/", **EN)
    assert "店铺统计" in html and "操作日志" in html


# ---------------------------------------------------------------------------------------------
# the shipped catalogue
# ---------------------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    return bytes(text[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (obsolete `#~` entries left out), each with its flags and strings."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = (None, None) if not line else (entry, key)
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key[0]] += _unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match or keyword == "msgstr":
                key = ("msgstr", int(match.group(1)) if match else 0)
                entry["msgstr"][key[1]] = _unquote(value)
            else:
                key = (keyword, None)
                entry[keyword] = _unquote(value)
    return entries


@pytest.fixture(scope="module")
def po_entries():
    entries = read_po(PO_FILE)
    assert len(entries) > 500  # the whole UI, not a stub
    return entries


def test_the_catalogue_header_declares_one_plural_form(po_entries):
    header = next(e for e in po_entries if e["msgid"] == "")
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]


def test_every_message_has_a_checked_chinese_translation(po_entries):
    untranslated = [e["msgid"] for e in po_entries[1:] if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in po_entries[1:] if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plural = [e for e in po_entries if "msgid_plural" in e]
    assert plural and all(set(e["msgstr"]) == {0} for e in plural)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_translations_keep_every_placeholder(po_entries):
    broken = []
    for e in po_entries[1:]:
        source = set(PLACEHOLDER.findall(e["msgid"])) | set(PLACEHOLDER.findall(e.get("msgid_plural", "")))
        for text in e["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) != source:
                broken.append((e["msgid"], text))
    assert broken == []


def test_the_compiled_catalogue_matches_the_po_file(po_entries):
    """The .mo in git is what the .po says (file times do not survive a git checkout, the content does):
    a .po edited without compilemessages fails here."""
    with MO_FILE.open("rb") as fp:
        catalogue = gettext.GNUTranslations(fp)._catalog
    stale = []
    for e in po_entries[1:]:
        prefix = f"{e['msgctxt']}\x04" if "msgctxt" in e else ""
        if "msgid_plural" in e:
            found = catalogue.get((prefix + e["msgid"], 0))
        else:
            found = catalogue.get(prefix + e["msgid"])
        if found != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == []


def test_django_serves_the_shipped_translations():
    with translation.override("zh-hans"):
        assert translation.gettext("Merchant console") == "商家后台"
        assert translation.ngettext("%(n)s store", "%(n)s stores", 5) % {"n": 5} == "5 家店铺"
        assert translation.pgettext("wizard step", "Next") == "下一步"
        assert translation.gettext("Next") == "下一页"
        # Django's own messages stay Chinese too
        assert translation.gettext("This field is required.") == "该字段是必填项。"
    with translation.override("en"):
        assert translation.gettext("Merchant console") == "Merchant console"
