"""The French catalogue is complete: every string of the UI has a translation."""

from __future__ import annotations

from importlib import resources

from babel.messages.pofile import read_po


def test_every_ui_string_has_a_french_translation() -> None:
    path = resources.files("filet.web").joinpath("i18n", "fr", "LC_MESSAGES", "messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    template_path = resources.files("filet.web").joinpath("i18n", "messages.pot")
    with template_path.open("rb") as handle:
        template = read_po(handle)
    wanted = {m.id for m in template if m.id}
    translated = {
        m.id
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert sorted(map(str, wanted - translated)) == []
