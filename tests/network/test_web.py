from __future__ import annotations

from sqlalchemy import select

from filet.network import build_network
from filet.store import session_factory, transaction
from filet.store.schema import NetworkNode
from tests.network.conftest import make_world
from tests.web.conftest import Site, site  # noqa: F401 (the fixture)


def test_rings_and_neighbourhood_over_http(site: Site) -> None:  # noqa: F811
    with transaction(session_factory(site.engine)) as session:
        world = make_world(session)
        build_network(session)
    with session_factory(site.engine)() as session:
        escort = session.scalars(select(NetworkNode).where(NetworkNode.key == world.escort)).one()
    headers = site.headers("investigator")
    rings = site.client.get("/api/v1/network/rings", headers=headers)
    assert rings.status_code == 200, rings.text
    suspects = {s["key"] for ring in rings.json()["rings"] for s in ring["suspects"]}
    assert world.escort in suspects and not suspects & set(world.migrants)
    around = site.client.get(f"/api/v1/network/nodes/{escort.id}/neighbourhood", headers=headers)
    assert around.status_code == 200
    body = around.json()
    assert {"travelled_with", "traveller_on", "travelled_on"} <= {e["kind"] for e in body["edges"]}
    assert all(e["provenance"] for e in body["edges"])
    assert (
        site.client.get("/api/v1/network/nodes/999999/neighbourhood", headers=headers).status_code
        == 404
    )
    assert (
        site.client.get("/api/v1/network/rings", headers=site.headers("border_officer")).status_code
        == 403
    )
