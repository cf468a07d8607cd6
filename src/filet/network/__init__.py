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
from filet.network._service import NetworkAnalysis, analyse_network, route_to_protection

__all__ = [
    "EXPORT_FORMATS",
    "FACILITATOR_ROLES",
    "OFFENCE_HYPOTHESES",
    "SMUGGLED_MIGRANT",
    "BuildSummary",
    "KeyPlayer",
    "Network",
    "NetworkAnalysis",
    "NetworkQuality",
    "Reason",
    "Ring",
    "RoleAssessment",
    "analyse_network",
    "build_network",
    "compute_network",
    "detect_rings",
    "evaluate_network",
    "export_network",
    "facilitators",
    "import_intelligence",
    "infer_roles",
    "key_players",
    "money_flows",
    "open_case_from_ring",
    "read_edge_list",
    "ring_changes",
    "route_to_protection",
    "set_offence_hypothesis",
]
