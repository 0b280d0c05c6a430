"""The German catalogue is complete, compiled from the current .po, and used by pages and the API.

A fresh machine has no GNU gettext, so the compiled .mo is committed; these tests read both files
with Python alone.
"""

import ast
import gettext
import re
from pathlib import Path

import allauth
import pytest
from django.conf import settings

from accounts.allauth_texts import TEXTS as ALLAUTH_TEXTS
from tests.factories import VariantFactory

PO = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# Named printf placeholders, brace fields and HTML tags must survive translation unchanged.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdfi]|\{[\w.]+\}|</?(?:strong|a|em|b|br)\b[^>]*>"
)


def po_entries(path: Path = PO) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a dict by plural index),
    flags. Obsolete (#~) entries are left out; the header (msgid "") is the first entry."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry or {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
                field = int(match[1])
                entry["msgstr"][field] = value
            elif keyword == "msgstr":
                field = 0
                entry["msgstr"][0] = value
            else:
                field = keyword
                entry[field] = value
    return [e for e in entries if "msgid" in e]


@pytest.fixture(scope="module")
def entries():
    return po_entries()


def test_header_declares_german_utf8_and_two_plural_forms(entries):
    header = entries[0]
    assert header["msgid"] == ""
    assert "Language: de\n" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


def test_every_message_is_translated_and_none_is_fuzzy(entries):
    messages = entries[1:]
    assert len(messages) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy
    untranslated = [
        e["msgid"]
        for e in messages
        if len(e["msgstr"]) != (2 if e["msgid_plural"] is not None else 1)
        or not all(e["msgstr"].values())
    ]
    assert not untranslated


def test_translations_keep_placeholders_and_markup(entries):
    broken = []
    for e in entries[1:]:
        sources = [e["msgid"], e["msgid_plural"] or e["msgid"]]
        for index, translation in e["msgstr"].items():
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                broken.append((source, translation))
            if source.endswith("\n") != translation.endswith("\n"):
                broken.append((source, translation))
    assert not broken


def test_committed_mo_is_compiled_from_the_current_po(entries):
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    for e in entries[1:]:
        context, msgid, plural = e["msgctxt"], e["msgid"], e["msgid_plural"]
        if plural is None:
            found = [
                compiled.pgettext(context, msgid) if context else compiled.gettext(msgid),
            ]
        else:
            found = [
                compiled.npgettext(context, msgid, plural, n)
                if context
                else compiled.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        if found != [e["msgstr"][i] for i in range(len(found))]:
            stale.append(msgid)
    assert not stale, "run: python manage.py compilemessages --locale de"


@pytest.mark.django_db
def test_product_list_speaks_german_by_default_and_english_on_request(client):
    VariantFactory()
    VariantFactory()
    url = "/products/"

    german = client.get(url, headers={"accept-language": "de"}).content.decode()
    assert '<html lang="de">' in german
    for text in ("Alle Produkte", "2 Produkte", "Warenkorb", "Filiale wählen", "Suchen"):
        assert text in german, text
    assert "All products" not in german

    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in english
    for text in ("All products", "2 products", "Cart", "Choose store"):
        assert text in english, text
    assert "Warenkorb" not in english

    # a browser that names no language gets the shop's default, German
    default = client.get(url, headers={"accept-language": ""}).content.decode()
    assert '<html lang="de">' in default and "Alle Produkte" in default


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client):
    german = client.get("/api/v1/stores/", {"near": "100,0"}, headers={"accept-language": "de"})
    english = client.get("/api/v1/stores/", {"near": "100,0"}, headers={"accept-language": "en"})
    assert german.status_code == english.status_code == 400
    assert german.json()["near"] == [
        "Der Breitengrad muss in [-90, 90] und der Längengrad in [-180, 180] liegen."
    ]
    assert english.json()["near"] == [
        "Latitude must lie in [-90, 90] and longitude in [-180, 180]."
    ]


def test_allauth_texts_we_translate_again_are_still_allauths():
    """After an allauth upgrade a changed text would silently fall back to allauth's "du"."""
    catalogue = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"
    with catalogue.open("rb") as file:
        theirs = gettext.GNUTranslations(file)
    gone = [text for text in ALLAUTH_TEXTS if theirs.gettext(text) == text]
    assert not gone


@pytest.mark.django_db
def test_login_page_addresses_shoppers_formally(client):
    html = client.get("/accounts/login/", headers={"accept-language": "de"}).content.decode()
    assert "Sie haben noch kein Konto?" in html
    assert "Du hast" not in html
