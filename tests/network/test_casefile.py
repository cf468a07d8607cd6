"""The case file: a JSON bundle and a PDF with the case's members, hypothesis history, notes,
graded items and the ring's traces; every export in the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from filet.errors import InputError
from filet.network import (
    add_note,
    analyse_network,
    attach_item,
    build_network,
    debriefing_from_json,
    export_case_file,
    import_intelligence,
    open_case_from_ring,
    record_debriefing,
    set_offence_hypothesis,
)
from filet.security import SYSTEM
from filet.store import make_engine, session_factory, transaction, upgrade
from filet.store.schema import AuditEvent, IdentityRecord, Person
from tests.network.conftest import INTELLIGENCE, RECRUITER_PHONE, World, make_world


def _case(session: Session, world: World) -> str:
    escort = Person(key="PESC", label="Escort Rahimi")
    session.add(escort)
    session.flush()
    record = session.get(IdentityRecord, int(world.escort.split(":")[1]))
    assert record is not None
    record.person_id = escort.id
    build_network(session)
    key = f"person:{escort.id}"
    ring = next(r for r in analyse_network(session).rings if key in {a.key for a in r.roles})
    case = open_case_from_ring(session, ring, SYSTEM, "Kabul <Frankfurt> & back", reference="R-1")
    add_note(session, case, "Payer & recruiter share a card <fp-card-1>", SYSTEM)
    item = record_debriefing(
        session,
        debriefing_from_json(
            {
                "consent": True,
                "officer": "officer.dupont",
                "officer_trained": True,
                "smugglers": [{"name_as_known": "Jamal", "phone": RECRUITER_PHONE}],
                "narrative": "Jamal took our passports.",
                "methods_of_control": ["WithholdsDocuments"],
                "source_reliability": "B",
                "information_credibility": "2",
            }
        ),
        SYSTEM,
    )
    attach_item(session, case, item.reference, SYSTEM)
    attach_item(session, case, "INT4", SYSTEM)
    set_offence_hypothesis(
        session,
        case,
        "suspected_trafficking",
        "documents withheld by the smugglers",
        SYSTEM,
        reason="sign of trafficking",
        items=[item.reference],
    )
    return case.reference


def test_case_file_json_and_pdf_are_complete_and_audited(
    world: World, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        reference = _case(session, world)
    with transaction(sessions) as session:
        from filet.network import get_case

        case = get_case(session, reference)
        body, media = export_case_file(session, case, "json", SYSTEM)
        pdf, pdf_media = export_case_file(session, case, "pdf", SYSTEM)
        with pytest.raises(InputError, match="format"):
            export_case_file(session, case, "docx", SYSTEM)
    assert (media, pdf_media) == ("application/json", "application/pdf")
    bundle = json.loads(body)
    assert bundle["case"]["reference"] == reference
    assert bundle["case"]["offence_hypothesis"] == "suspected_trafficking"
    assert [h["to"] for h in bundle["hypothesis_history"]] == ["smuggling", "suspected_trafficking"]
    assert bundle["hypothesis_history"][1]["reason"] == "sign of trafficking"
    debriefing = next(i["reference"] for i in bundle["intelligence"] if i["kind"] == "debriefing")
    assert bundle["signs_reported"] == {
        "signs": {"WithholdsDocuments": [debriefing]},
        "suggested_hypothesis": "suspected_trafficking",
    }
    assert bundle["notes"][0]["text"] == "Payer & recruiter share a card <fp-card-1>"
    grades = {i["kind"]: (i["grade"], i["grading_system"]) for i in bundle["intelligence"]}
    assert grades == {"debriefing": ("B2", "6x6"), "meeting": ("B2", "4x4")}
    assert {t["kind"] for t in bundle["ring"]["traces"]["binding"]} >= {"phone", "card"}
    roles = {m["role"] for m in bundle["members"]}
    assert roles == {"witness", "escort"}, roles
    assert all(m["reasons"] for m in bundle["members"])
    migrants = [m for m in bundle["members"] if m["smuggled_migrant"]]
    assert migrants and all(m["role"] == "witness" for m in migrants)

    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    pages = len(document)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(pages))
    assert pages >= 1
    for expected in (
        reference,
        "Kabul <Frankfurt> & back",
        "suspected_trafficking",
        "B2 (6x6)",
        "Payer & recruiter share a card <fp-card-1>",
        "witness (smuggled migrant)",
        "Escort Rahimi",
        "fp-card-1",
        "Signs reported in debriefings",
    ):
        assert expected in " ".join(text.split()), expected

    with sessions() as session:
        exports = [
            e.detail
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
            if e.object_type == "investigation_case" and e.object_ids == [reference]
        ]
    assert [e["format"] for e in exports] == ["json", "pdf"]
    assert exports[1]["bytes"] == len(pdf)


def test_cli_debrief_list_show_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.network.test_cli import _run

    engine = make_engine(f"sqlite:///{tmp_path / 'filet.db'}")
    upgrade(engine)
    intelligence = tmp_path / "intelligence.jsonl"
    intelligence.write_text("".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8")
    with transaction(session_factory(engine)) as session:
        make_world(session)
        import_intelligence(session, intelligence, SYSTEM)
        build_network(session)
        ring = analyse_network(session).rings[0]
        reference = open_case_from_ring(session, ring, SYSTEM, "CLI case").reference
    engine.dispose()
    form = tmp_path / "debriefing.json"
    form.write_text(
        json.dumps(
            {
                "officer": "officer.dupont",
                "officer_trained": True,
                "consent": False,
                "smugglers": [{"name_as_known": "Jamal", "phone": RECRUITER_PHONE}],
            }
        ),
        encoding="utf-8",
    )
    refused = _run(monkeypatch, capsys, tmp_path, "intelligence", "debrief", str(form))
    assert refused.code != 0 and "consent" in refused.err + refused.out
    form.write_text(form.read_text().replace('"consent": false', '"consent": true'))
    done = _run(monkeypatch, capsys, tmp_path, "intelligence", "debrief", str(form), "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["kind"] == "debriefing"
    listed = _run(monkeypatch, capsys, tmp_path, "cases", "list", "--json")
    assert [c["reference"] for c in json.loads(listed.out)] == [reference]
    shown = _run(monkeypatch, capsys, tmp_path, "cases", "show", reference, "--json")
    assert json.loads(shown.out)["case"]["title"] == "CLI case"
    out = tmp_path / "case.pdf"
    written = _run(monkeypatch, capsys, tmp_path, "cases", "export", reference, "--out", str(out))
    assert written.code == 0, written.err
    assert len(pdfium.PdfDocument(out.read_bytes())) >= 1
    missing = _run(monkeypatch, capsys, tmp_path, "cases", "show", "NET-999999")
    assert missing.code != 0 and "NET-999999" in missing.err + missing.out
