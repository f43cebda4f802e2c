"""Read the cases of responsibility attribution: one finding with its organisation (``yibao attribute``),
and a ledger whose score events are attributed over the case's organisation (``yibao evaluate``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from engine.base.documents import Mark
from engine.cases.document import CaseDocument, check_rulebook_id, chosen_readings, effective_readings, open_case
from engine.errors import AttributionError
from engine.org.graph import Org, org_from_case
from engine.spec.rulebook import RulebookSpec

SHAPE = "an attribution case must be a mapping with rulebook, violation, involved and org"
LEDGER_SHAPE = "a case must be a mapping with rulebook, as_of, person and events"


@dataclass(frozen=True)
class AttributionCase:
    """One finding to attribute: the case document, its readings and its organisation."""

    document: CaseDocument
    readings: Dict[str, Any]
    org: Org


@dataclass(frozen=True)
class AttributedLedger:
    """A ledger whose score events may be attributed: the case document, readings and organisation."""

    document: CaseDocument
    readings: Dict[str, Any]
    org: Optional[Org]


def no_table(rulebook: RulebookSpec, document: CaseDocument, *path: Any) -> AttributionError:
    """The error for a rulebook without an attribution table: the engine never guesses one."""
    return AttributionError(f"responsibility attribution is not defined for this jurisdiction: rulebook "
                            f"'{rulebook.id}' has no attribution section, and the engine does not guess one",
                            document.at(*path))


def read_org(document: CaseDocument) -> Optional[Org]:
    """The case's organisation: inline under ``org:`` or in ``org_file:`` beside the case file."""
    base = None if document.source == "<case>" else document.source
    return org_from_case(document.data, document.document, base=base)


def read_attribution_case(rulebook: RulebookSpec, case: Any, *, source: Optional[str] = None,
                          positions: Optional[Dict[Tuple, Mark]] = None) -> AttributionCase:
    """Validate an attribution case (``schemas/attribution-case.schema.json``) against ``rulebook``."""
    document = open_case(case, "attribution-case", source=source, positions=positions, shape=SHAPE)
    check_rulebook_id(document, rulebook.id, done="attributed")
    if rulebook.attribution is None:
        raise no_table(rulebook, document, "violation")
    chosen = chosen_readings(document, [rulebook.parameters])
    org = read_org(document)
    assert org is not None  # the schema requires org or org_file
    return AttributionCase(document, effective_readings(rulebook.parameters, chosen), org)


def read_attributed_ledger(rulebook: RulebookSpec, case: Any, *, source: Optional[str] = None,
                           positions: Optional[Dict[Tuple, Mark]] = None,
                           versions: Sequence[RulebookSpec] = ()) -> AttributedLedger:
    """Validate a ledger with attributed score events (``schemas/case.schema.json``) and read its organisation."""
    document = open_case(case, "case", source=source, positions=positions, shape=LEDGER_SHAPE)
    check_rulebook_id(document, rulebook.id)
    chosen = chosen_readings(document, [v.parameters for v in versions] or [rulebook.parameters])
    return AttributedLedger(document, effective_readings(rulebook.parameters, chosen), read_org(document))


def finding_of(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``attribution`` block of an attributed score event."""
    return body["attribution"]
