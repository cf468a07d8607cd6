"""Smuggling networks: a graph of persons and the traces they share (phones, cards, bookings,
vehicles, documents, crossings, graded intelligence), rings, key players, roles and money flows.

Smuggled migrants are routed to protection (``filet.protection.evaluate_triggers``) and never listed
as suspects or facilitators.
"""

from filet.network._analysis import (
    FACILITATOR_ROLES,
    SMUGGLED_MIGRANT,
    KeyPlayer,
    Network,
    Reason,
    Ring,
    RoleAssessment,
    detect_rings,
    facilitators,
    infer_roles,
    key_players,
    money_flows,
    ring_changes,
)
from filet.network._build import BuildSummary, build_network, compute_network
from filet.network._cases import (
    OFFENCE_HYPOTHESES,
    open_case_from_ring,
    set_offence_hypothesis,
)
from filet.network._edgelist import read_edge_list
from filet.network._export import EXPORT_FORMATS, export_network
from filet.network._intelligence import import_intelligence
from filet.network._quality import NetworkQuality, evaluate_network
from filet.network._rings import (
    RING_MATCH_JACCARD,
    EdgeFilter,
    RingUpdate,
    graph_json,
    jaccard,
    node_neighbourhood,
    ring_map,
    ring_network,
    ring_timeline,
    role_flags,
    store_rings,
    stored_ring,
    stored_rings,
)
from filet.network._service import NetworkAnalysis, analyse_network, route_to_protection

__all__ = [
    "EXPORT_FORMATS",
    "FACILITATOR_ROLES",
    "OFFENCE_HYPOTHESES",
    "RING_MATCH_JACCARD",
    "SMUGGLED_MIGRANT",
    "BuildSummary",
    "EdgeFilter",
    "KeyPlayer",
    "Network",
    "NetworkAnalysis",
    "NetworkQuality",
    "Reason",
    "Ring",
    "RingUpdate",
    "RoleAssessment",
    "analyse_network",
    "build_network",
    "compute_network",
    "detect_rings",
    "evaluate_network",
    "export_network",
    "facilitators",
    "graph_json",
    "import_intelligence",
    "infer_roles",
    "jaccard",
    "key_players",
    "money_flows",
    "node_neighbourhood",
    "open_case_from_ring",
    "read_edge_list",
    "ring_changes",
    "ring_map",
    "ring_network",
    "ring_timeline",
    "role_flags",
    "route_to_protection",
    "set_offence_hypothesis",
    "store_rings",
    "stored_ring",
    "stored_rings",
]
