"""Refresh the UI message catalogue: strings from code and templates, plus role and purpose labels
from the security data files and the border decisions and reasons; then update every language's .po file (run `make i18n`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "src/filet/web/i18n"
SECURITY = ROOT / "src/filet/security/data"
BORDER = ROOT / "src/filet/border/data"


def main() -> None:
    pot = I18N / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "N_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            ".",
        ],
        check=True,
        cwd=ROOT,
    )
    with pot.open("rb") as handle:
        template: Catalog = read_po(handle)
    roles = yaml.safe_load((SECURITY / "roles.yaml").read_text())
    for role in roles["roles"].values():
        template.add(role["label"])
    for purpose in yaml.safe_load((SECURITY / "purposes.yaml").read_text()).values():
        template.add(purpose["label"])
    border = yaml.safe_load((BORDER / "decisions.yaml").read_text())
    for label in border["decisions"].values():
        template.add(label)
    for reason in border["reasons"].values():
        template.add(reason["label"])
    with pot.open("wb") as handle:
        write_po(handle, template, no_location=True, sort_output=True)
    for po in I18N.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as handle:
            write_po(handle, catalog, no_location=True, sort_output=True, ignore_obsolete=True)


if __name__ == "__main__":
    main()
