"""Every message of the pages is translated in all four catalogues; no database needed."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import kezek.web
from kezek.web.i18n import LOCALES, LOCALES_DIR

WEB_DIR = Path(kezek.web.__file__).parent


def extracted_messages() -> dict[str, str]:
    """msgid -> where it was first found, extracted with the project's babel.cfg."""
    with (WEB_DIR / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        WEB_DIR, method_map, options_map
    ):
        msgids = message if isinstance(message, tuple) else (message,)
        for msgid in filter(None, msgids):
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_templates_and_code_have_messages():
    found = extracted_messages()
    assert any(place.startswith("templates/") for place in found.values())
    assert any(place.endswith(".py") or ".py:" in place for place in found.values())
    assert "Log in" in found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    problems = []
    for msgid, place in sorted(extracted_messages().items()):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r} ({place})")
        elif not message.string:
            problems.append(f"empty: {msgid!r} ({place})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({place})")
    assert not problems, f"{locale} catalogue:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale):
    """A translation keeps each %(name)s of its msgid, or the page would fail to render."""
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    placeholder = re.compile(r"%\(\w+\)s|%%")
    broken = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(placeholder.findall(m.id)) != sorted(placeholder.findall(m.string))
    ]
    assert not broken, broken
