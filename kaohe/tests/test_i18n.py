"""The interface speaks Simplified Chinese by default and English on request, from one committed catalogue."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import ngettext, override

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` ones left out); strings unescaped."""
    entries: list[Entry] = []
    entry, target = Entry(), None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            keyword, _, rest = line.partition(" ") if not line.startswith('"') else ("", "", line)
            text = ast.literal_eval(rest)
            if keyword == "msgid":
                entry.msgid, target = text, "msgid"
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = text, "msgid_plural"
            elif keyword.startswith("msgstr"):
                entry.msgstrs.append(text)
                target = "msgstr"
            elif target == "msgid":
                entry.msgid += text
            elif target == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgstrs[-1] += text
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(CATALOGUE / "django.po")


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_english_is_available_and_chinese_is_the_default():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES
    assert (CATALOGUE / "django.po").exists()
    assert (CATALOGUE / "django.mo").exists()


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries(entries):
    header, messages = entries[0], entries[1:]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert len(messages) > 100
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in messages if not e.msgstrs or not all(e.msgstrs)]
    assert fuzzy == []
    assert untranslated == []


def test_the_catalogue_keeps_every_placeholder(entries):
    wrong = []
    for e in entries[1:]:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        if e.msgid_plural is not None:
            assert len(e.msgstrs) == 2, e.msgid
        for source, translation in zip(sources * len(e.msgstrs), e.msgstrs, strict=False):
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translation)):
                wrong.append((source, translation))
    assert wrong == []


def test_the_translations_are_english_not_chinese(entries):
    han = re.compile(r"[\u4e00-\u9fff]")
    # A few translations quote a sheet or column name that users type in Chinese (e.g. the “测评票” sheet).
    quoted = re.compile(r"[“（][^”）]*[”）]")
    left = [e.msgid for e in entries[1:] for s in e.msgstrs if han.search(quoted.sub("", s))]
    assert left == []


def test_the_compiled_catalogue_matches_the_po_file(entries):
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in entries[1:]:
        if e.msgid_plural is None:
            if compiled.gettext(e.msgid) != e.msgstrs[0]:
                stale.append(e.msgid)
        elif [compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)] != e.msgstrs:
            stale.append(e.msgid)
    assert stale == [], "run `kaohe compilemessages --ignore=.venv` and commit django.mo"


def test_english_counts_are_singular_for_one_and_plural_otherwise():
    with override("en"):
        units = [ngettext("%(count)s 个单位", "%(count)s 个单位", n) % {"count": n} for n in (1, 2)]
        entered = Template(
            "{% load i18n %}{% blocktranslate count count=n %}已录入 {{ count }} 张{% plural %}"
            "已录入 {{ count }} 张{% endblocktranslate %}"
        )
        ballots = [entered.render(Context({"n": n})) for n in (1, 0)]
    assert units == ["1 unit", "2 units"]
    assert ballots == ["1 ballot entered", "0 ballots entered"]


def test_the_glossary_names_are_used(entries):
    english = {e.msgid: e.msgstrs[0] for e in entries[1:] if e.msgid_plural is None}
    assert english["考核办"] == "Organiser"
    assert english["领导班子"] == "Leadership team"
    assert english["民主测评"] == "Democratic evaluation"
    assert english["测评码"] == "Ballot code"
    assert english["一票否决"] == "One-vote veto"
    assert english["公示"] == "Public notice"


@pytest.mark.django_db
def test_login_page_is_in_chinese_by_default(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录年度考核系统" in body
    assert "Log in" not in body


@pytest.mark.django_db
def test_login_page_is_in_english_with_the_language_cookie(client):
    response = in_english(client).get(reverse("login"))
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Log in to the annual assessment system" in body
    assert "Username" in body
    assert "Password" in body
    assert "登录" not in body


@pytest.mark.django_db
def test_login_page_follows_the_browsers_accept_language(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Log in to the annual assessment system" in body
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "登录年度考核系统" in body


def test_home_page_is_in_english_for_the_organiser(client_for):
    client = in_english(client_for("organiser"))
    body = client.get(reverse("home")).content.decode()
    for label in ["Home", "Annual assessment", "Units", "Cadres", "Log out"]:
        assert f">{label}<" in body, label
    assert "Hello, organiser" in body
    assert "organiser · Organiser" in body  # the role's display name is translated too
    assert "首页" not in body
    assert "退出" not in body


def test_home_page_is_in_chinese_for_the_organiser_with_zh_hans(client_for):
    client = client_for("organiser")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(reverse("home")).content.decode()
    for label in ["首页", "年度考核", "单位", "干部", "退出"]:
        assert f">{label}<" in body, label
    assert "organiser，您好" in body
    assert "Log out" not in body


@pytest.mark.django_db
def test_language_switcher_offers_the_other_language(client):
    body = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}"' in body
    assert 'name="language" value="en"' in body
    assert 'value="zh-hans"' not in body
    body = in_english(client).get(reverse("login")).content.decode()
    assert 'name="language" value="zh-hans"' in body
    assert "简体中文" in body


@pytest.mark.django_db
def test_language_switcher_changes_the_language_and_back(client):
    client.get(reverse("login"))  # sets the CSRF cookie, as a browser would have it
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in to the annual assessment system" in client.get(reverse("login")).content.decode()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})
    assert "登录年度考核系统" in client.get(reverse("login")).content.decode()


def test_language_switcher_works_when_logged_in(client_for):
    client = client_for("organiser")
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.url == reverse("home")
    body = client.get(reverse("home")).content.decode()
    assert ">Log out<" in body
    assert 'name="language" value="zh-hans"' in body


@pytest.mark.django_db
def test_language_switcher_refuses_an_unknown_language(client):
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("login")})
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert "登录年度考核系统" in client.get(reverse("login")).content.decode()
