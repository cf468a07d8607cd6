from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from followthemoney import model
from sqlalchemy import select

from filet.network import analyse_network, build_network, import_intelligence, store_rings
from filet.security import SYSTEM
from filet.store import session_factory, transaction
from filet.store.schema import AuditEvent, IdentityRecord, NetworkNode, Person
from tests.network.conftest import INTELLIGENCE, World, make_world
from tests.web.conftest import Site, site  # noqa: F401 (the fixture)


def _stored_world(site: Site, tmp_path: Path) -> World:  # noqa: F811
    items = tmp_path / "intelligence.jsonl"
    items.write_text("".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8")
    with transaction(session_factory(site.engine)) as session:
        world = make_world(session)
        import_intelligence(session, items, SYSTEM)
        build_network(session)
        store_rings(session, analyse_network(session))
    return world


def test_rings_ring_and_graph_over_http(site: Site, tmp_path: Path) -> None:  # noqa: F811
    world = _stored_world(site, tmp_path)
    headers = site.headers("investigator")
    listed = site.client.get("/api/v1/network/rings", headers=headers)
    assert listed.status_code == 200, listed.text
    rings = listed.json()["rings"]
    assert rings and all(r["reference"].startswith("RING-") for r in rings)
    assert [r["score"] for r in rings] == sorted((r["score"] for r in rings), reverse=True)
    escort_ring = None
    for summary in rings:
        detail = site.client.get(f"/api/v1/network/rings/{summary['reference']}", headers=headers)
        assert detail.status_code == 200
        body = detail.json()
        suspects = {s["key"] for s in body["suspects"]}
        migrants = {s["key"] for s in body["smuggled_migrants"]}
        assert not suspects & set(world.migrants)
        assert all(not m["suspect"] for m in body["smuggled_migrants"])
        if world.escort in suspects:
            escort_ring = body
            assert migrants & set(world.migrants)
    assert escort_ring is not None
    assert escort_ring["booking_keys"] and escort_ring["timeline"] and escort_ring["first_seen"]
    # Protection data is never part of a ring's answer.
    assert "protection" not in json.dumps(escort_ring).lower()
    reference = escort_ring["reference"]
    graph = site.client.get(f"/api/v1/network/rings/{reference}/graph", headers=headers).json()
    kinds = {e["kind"] for e in graph["edges"]}
    assert {"traveller_on", "travelled_on"} <= kinds
    assert all(e["provenance"] and e["count"] >= 1 for e in graph["edges"])
    by_key = {n["key"]: n for n in graph["nodes"]}
    assert by_key[world.escort]["suspect"] and by_key[world.escort]["role"] == "escort"
    assert all(not by_key[m]["suspect"] for m in world.migrants if m in by_key)
    only = site.client.get(
        f"/api/v1/network/rings/{reference}/graph?kinds=travelled_on", headers=headers
    ).json()
    assert {e["kind"] for e in only["edges"]} == {"travelled_on"}
    early = site.client.get(
        f"/api/v1/network/rings/{reference}/graph?until=2026-03-03", headers=headers
    ).json()
    assert 0 < len(early["edges"]) < len(graph["edges"])
    assert site.client.get("/api/v1/network/rings/RING-999999", headers=headers).status_code == 404
    assert (
        site.client.get("/api/v1/network/rings", headers=site.headers("border_officer")).status_code
        == 403
    )


def test_neighbourhood_with_filters(site: Site, tmp_path: Path) -> None:  # noqa: F811
    world = _stored_world(site, tmp_path)
    with session_factory(site.engine)() as session:
        escort = session.scalars(select(NetworkNode).where(NetworkNode.key == world.escort)).one()
    headers = site.headers("investigator")
    path = f"/api/v1/network/nodes/{escort.id}/neighbourhood"
    around = site.client.get(path, headers=headers)
    assert around.status_code == 200
    body = around.json()
    assert {"travelled_with", "traveller_on", "travelled_on"} <= {e["kind"] for e in body["edges"]}
    assert all(e["provenance"] and e["first_seen"] for e in body["edges"])
    assert next(n for n in body["nodes"] if n["id"] == escort.id)["role"] == "escort"
    narrowed = site.client.get(path + "?kinds=travelled_with,traveller_on", headers=headers).json()
    assert {e["kind"] for e in narrowed["edges"]} == {"travelled_with", "traveller_on"}
    cut = site.client.get(path + "?limit=1", headers=headers).json()
    assert cut["truncated"] and len(cut["edges"]) == 1
    assert (
        site.client.get("/api/v1/network/nodes/999999/neighbourhood", headers=headers).status_code
        == 404
    )


def test_ring_exports_are_audited(site: Site, tmp_path: Path) -> None:  # noqa: F811
    _stored_world(site, tmp_path)
    headers = site.headers("analyst")
    reference = site.client.get("/api/v1/network/rings", headers=headers).json()["rings"][0][
        "reference"
    ]
    path = f"/api/v1/network/rings/{reference}/export"
    ftm = site.client.get(path + "?format=ftm", headers=headers)
    assert ftm.status_code == 200 and reference in ftm.headers["content-disposition"]
    entities = [model.get_proxy(json.loads(line)) for line in ftm.text.splitlines()]
    assert any(e.schema.name == "Person" for e in entities)
    assert "<graphml" in site.client.get(path + "?format=graphml", headers=headers).text
    assert "<gexf" in site.client.get(path + "?format=gexf", headers=headers).text
    archive = zipfile.ZipFile(
        io.BytesIO(site.client.get(path + "?format=csv", headers=headers).content)
    )
    assert sorted(archive.namelist()) == [f"{reference}.edges.csv", f"{reference}.nodes.csv"]
    assert site.client.get(path + "?format=pdf", headers=headers).status_code == 422
    with session_factory(site.engine)() as session:
        exported = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "export", AuditEvent.object_type == "network_ring"
            )
        ).all()
    assert len(exported) == 4 and all(e.object_ids == [reference] for e in exported)


def test_screens_render_for_an_analyst_in_french(site: Site, tmp_path: Path) -> None:  # noqa: F811
    world = _stored_world(site, tmp_path)
    headers = site.headers("analyst") | {"Accept-Language": "fr"}
    listing = site.client.get("/network", headers=headers)
    assert listing.status_code == 200 and "Réseaux de trafic illicite de migrants" in listing.text
    reference = site.client.get("/api/v1/network/rings", headers=headers).json()["rings"][0][
        "reference"
    ]
    assert reference in listing.text
    page = site.client.get(f"/network/rings/{reference}", headers=headers)
    assert page.status_code == 200 and "Graphe relationnel" in page.text
    assert f"/api/v1/network/rings/{reference}/graph" in page.text
    # The analyst may not open cases: no case form; an investigator gets it.
    assert f"/network/rings/{reference}/case" not in page.text
    investigator = site.client.get(
        f"/network/rings/{reference}", headers=site.headers("investigator")
    )
    assert f'action="/network/rings/{reference}/case"' in investigator.text
    with session_factory(site.engine)() as session:
        escort = session.scalars(select(NetworkNode).where(NetworkNode.key == world.escort)).one()
    node = site.client.get(f"/network/nodes/{escort.id}", headers=headers)
    assert node.status_code == 200 and f'data-center="{escort.id}"' in node.text
    assert site.client.get("/network/rings/RING-999999", headers=headers).status_code == 404
    assert site.client.get("/network/nodes/999999", headers=headers).status_code == 404


def test_person_page_links_to_the_network_but_not_to_a_migrants_ring(
    site: Site,  # noqa: F811
    tmp_path: Path,
) -> None:
    items = tmp_path / "intelligence.jsonl"
    items.write_text("".join(json.dumps(i) + "\n" for i in INTELLIGENCE), encoding="utf-8")
    with transaction(session_factory(site.engine)) as session:
        world = make_world(session)
        escort = session.get(IdentityRecord, int(world.escort.split(":")[1]))
        assert escort is not None
        person = Person(key="P-escort", label="Escort Rahimi", category="unknown")
        session.add(person)
        session.flush()
        escort.person_id = person.id
        escort_person, migrant_person = person.id, int(world.migrants[0].split(":")[1])
        import_intelligence(session, items, SYSTEM)
        build_network(session)
        store_rings(session, analyse_network(session))
    headers = site.headers("analyst")
    page = site.client.get(f"/persons/{escort_person}", headers=headers)
    assert page.status_code == 200
    section = page.text.split('data-testid="person-network"')[1].split("</section>")[0]
    assert "/network/nodes/" in section and "RING-" in section and "escort" in section
    # The migrant's page links to their chart but names no ring: their role there is a
    # protection matter, not something this page tells an enforcement reader.
    migrant = site.client.get(f"/persons/{migrant_person}", headers=headers)
    section = migrant.text.split('data-testid="person-network"')[1].split("</section>")[0]
    assert "/network/nodes/" in section and "RING-" not in section
    # A reader without the network permission sees no network section at all.
    officer = site.client.get(f"/persons/{escort_person}", headers=site.headers("border_officer"))
    assert officer.status_code in (200, 403) and 'data-testid="person-network"' not in officer.text


def test_chart_export_holds_what_the_chart_shows(site: Site, tmp_path: Path) -> None:  # noqa: F811
    _stored_world(site, tmp_path)
    headers = site.headers("analyst")
    reference = site.client.get("/api/v1/network/rings", headers=headers).json()["rings"][0][
        "reference"
    ]
    graph = site.client.get(f"/api/v1/network/rings/{reference}/graph", headers=headers).json()
    # The analyst hid one node and filtered out one edge kind.
    hidden = graph["nodes"][-1]["id"]
    dropped = graph["edges"][0]["kind"]
    nodes = [n["id"] for n in graph["nodes"] if n["id"] != hidden]
    edges = [
        e
        for e in graph["edges"]
        if e["kind"] != dropped and e["source"] != hidden and e["target"] != hidden
    ]
    form = {
        "format": "csv",
        "nodes": ",".join(str(n) for n in nodes),
        "edges": ",".join(e["id"] for e in edges),
        "name": reference,
    }
    answer = site.client.post("/api/v1/network/export", data=form, headers=headers)
    assert answer.status_code == 200, answer.text
    assert f'filename="{reference}.csv.zip"' in answer.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = sorted(archive.namelist())
        node_rows = archive.read(names[-1]).decode("utf-8").strip().splitlines()
        edge_rows = archive.read(names[0]).decode("utf-8").strip().splitlines()
    assert len(node_rows) - 1 == len(nodes) and len(edge_rows) - 1 == len(edges)
    assert not any(f",{dropped}," in row for row in edge_rows)
    with session_factory(site.engine)() as session:
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "network_chart")
        ).one()
    assert audit.action == "export" and sorted(audit.object_ids) == sorted(map(str, nodes))
    # Clear refusals: a wrong format, an unknown node, a role without network access.
    bad = site.client.post("/api/v1/network/export", data=form | {"format": "pdf"}, headers=headers)
    assert bad.status_code == 422 and "format" in bad.text
    unknown = site.client.post(
        "/api/v1/network/export", data=form | {"nodes": "999999"}, headers=headers
    )
    assert unknown.status_code == 422 and "999999" in unknown.text and "nodes" in unknown.text
    officer = site.client.post(
        "/api/v1/network/export", data=form, headers=site.headers("border_officer")
    )
    assert officer.status_code == 403
