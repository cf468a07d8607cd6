"""Risk profiles: documented features, targeting rules as data (written, approved, versioned),
the same rule semantics in batch (SQL on DuckDB/Spark) and online (one traveller at the border),
review of every hit by a person, and the effectiveness and fairness audit.

Online, the border check calls :func:`assess_traveller` with a :class:`RuleSet` built once::

    rules = RuleSet.active(session)
    assessment = assess_traveller(session, traveller_id, settings, rules)
    assessment.score, assessment.fired  # evidence: rule versions and the values that fired
"""

from filet.risk._assess import (
    Assessment,
    FiredRule,
    RuleSet,
    RunSummary,
    assess_target,
    assess_traveller,
    in_control_sample,
    reproduce,
    run_batch,
)
from filet.risk._batch import DUCKDB, SPARK, Dialect, batch_features
from filet.risk._catalogue import Feature, FeatureCatalogue, Target, feature_catalogue
from filet.risk._evaluate import Detection, detections_as_json, evaluate_against_truth
from filet.risk._fairness import AuditReport, GroupMetrics, RuleMetrics, audit, wilson
from filet.risk._library import (
    RuleVersion,
    activate_rule,
    active_rules,
    approve_rule,
    import_rules,
    list_rules,
    retire_rule,
    rule_versions,
    save_rule,
)
from filet.risk._online import booking_features, crossing_features, traveller_features
from filet.risk._review import (
    AlertEvidence,
    QueueItem,
    ReviewOutcome,
    alert_evidence,
    review_alert,
    review_queue,
)
from filet.risk._rules import (
    CheckedRule,
    RuleDocument,
    RuleError,
    check_rule,
    starter_rules_path,
    validate_rules,
)

__all__ = [
    "DUCKDB",
    "SPARK",
    "AlertEvidence",
    "Assessment",
    "AuditReport",
    "CheckedRule",
    "Detection",
    "Dialect",
    "Feature",
    "FeatureCatalogue",
    "FiredRule",
    "GroupMetrics",
    "QueueItem",
    "ReviewOutcome",
    "RuleDocument",
    "RuleError",
    "RuleMetrics",
    "RuleSet",
    "RuleVersion",
    "RunSummary",
    "Target",
    "activate_rule",
    "active_rules",
    "alert_evidence",
    "approve_rule",
    "assess_target",
    "assess_traveller",
    "audit",
    "batch_features",
    "booking_features",
    "check_rule",
    "crossing_features",
    "detections_as_json",
    "evaluate_against_truth",
    "feature_catalogue",
    "import_rules",
    "in_control_sample",
    "list_rules",
    "reproduce",
    "retire_rule",
    "review_alert",
    "review_queue",
    "rule_versions",
    "run_batch",
    "save_rule",
    "starter_rules_path",
    "traveller_features",
    "validate_rules",
    "wilson",
]
