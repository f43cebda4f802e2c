"""The organisation of an institution as a graph, for responsibility attribution.

An organisation document (``schemas/org.schema.json``) names the institution and its legal
representative (单位法人代表; a retail pharmacy's 主要负责人), and its units: departments (部门,
head 部门负责人), wards (病区, director 病区主任), medical groups (医疗组, a leader who belongs to the
group, and members), nursing units (护理单元, a head nurse 护士长) and pharmacies (药房 / 零售药店门店,
a head). Units nest (``departments → wards → groups``) or are listed flat under ``units`` with a
``parent``; both forms end as the same records and the same :class:`networkx.DiGraph`:

* unit nodes (``kind`` = institution, department, ward, group, nursing, pharmacy) joined by
  ``contains`` edges from parent to child;
* person nodes (``kind`` = person) joined to their units by ``member`` or ``head`` edges;
* a ``legal_representative`` edge from the institution to its legal representative.

Bad structure is a located :class:`~engine.errors.OrgError` naming the node: an unknown parent, a
unit that contains itself (a cycle), a unit of the wrong kind under another (a group directly under
the institution), an id used twice or for both a unit and a person, a person in two groups (or two
nursing units) of one ward. A group without a leader is an error only when a rule needs its leader
(see :meth:`Org.head`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from engine.base.lazy import lazy_module
from engine.errors import Location, OrgError, did_you_mean
from engine.base.documents import PositionedDocument, format_path, load_yaml_file
from engine.base.schemas import best_error

# Only an organisation (attribution) needs the graph library: importing the engine should not.
nx = lazy_module("networkx")

#: Unit kinds, with the Chinese label used in messages.
KIND_LABELS: Mapping[str, str] = {
    "institution": "定点医药机构", "department": "部门（科室）", "ward": "病区", "group": "医疗组",
    "nursing": "护理单元", "pharmacy": "药房",
}
#: The field naming each kind's head, and what the annex calls that head.
HEAD_FIELDS: Mapping[str, str] = {
    "department": "head", "ward": "director", "group": "leader", "nursing": "head_nurse", "pharmacy": "head",
}
HEAD_LABELS: Mapping[str, str] = {
    "department": "部门负责人", "ward": "病区主任", "group": "医疗组长", "nursing": "护士长", "pharmacy": "药房负责人",
}
#: Which kinds a unit of each kind may sit under.
PARENT_KINDS: Mapping[str, Tuple[str, ...]] = {
    "department": ("institution", "department"),
    "ward": ("institution", "department"),
    "group": ("ward", "department"),
    "nursing": ("ward", "department"),
    "pharmacy": ("institution", "department"),
}
#: Nested child lists and the kind of unit each holds.
CHILD_KEYS: Mapping[str, str] = {
    "departments": "department", "wards": "ward", "groups": "group", "nursing": "nursing", "pharmacies": "pharmacy",
}
#: A person's role where the organisation does not declare one: what their place says they are.
#: (A member or leader of a medical group, or a ward director, is a physician; and so on.)
INFERRED_ROLES: Mapping[Tuple[str, str], str] = {
    ("group", "member"): "physician", ("group", "head"): "physician", ("ward", "head"): "physician",
    ("nursing", "member"): "nurse", ("nursing", "head"): "nurse",
    ("pharmacy", "member"): "pharmacist", ("pharmacy", "head"): "pharmacist",
}
#: Kinds in which one person may hold only one place per parent unit (a doctor is in one medical
#: group of a ward; a nurse in one nursing unit of a ward).
EXCLUSIVE_KINDS = ("group", "nursing")


@dataclass(frozen=True)
class Unit:
    """One unit of the organisation: its kind, parent, head and direct members."""

    id: str
    kind: str
    parent: Optional[str]
    head: Optional[str]
    members: Tuple[str, ...]
    location: Location
    name: Optional[str] = None

    @property
    def label(self) -> str:
        """``医疗组 G1`` — the unit as messages name it."""
        return f"{KIND_LABELS.get(self.kind, self.kind)} {self.id}"


@dataclass
class Org:
    """A validated organisation: its units, people and graph. Immutable after :func:`build_org`."""

    institution: str
    kind: str
    legal_representative: Optional[str]
    units: Dict[str, Unit]
    graph: nx.DiGraph
    source: str
    location: Location
    person_units: Dict[str, Tuple[Tuple[str, str], ...]] = field(default_factory=dict)  # person → ((unit, member|head), …)
    person_locations: Dict[str, Location] = field(default_factory=dict)
    roles: Dict[str, Optional[str]] = field(default_factory=dict)
    names: Dict[str, str] = field(default_factory=dict)

    # -- people ----------------------------------------------------------------------------------
    def persons(self) -> List[str]:
        """Every person the organisation names, in document order."""
        return list(self.person_locations)

    def has_person(self, person: str) -> bool:
        return person in self.person_locations

    def role_of(self, person: str) -> Optional[str]:
        """The person's role: declared under ``people``, else inferred from their place, else None."""
        return self.roles.get(person)

    def units_of(self, person: str, kind: Optional[str] = None) -> List[str]:
        """The units the person belongs to (as member or head), optionally of one kind."""
        return [u for u, _ in self.person_units.get(person, ()) if kind is None or self.units[u].kind == kind]

    # -- units -----------------------------------------------------------------------------------
    def unit(self, unit_id: str) -> Unit:
        return self.units[unit_id]

    def ancestors_or_self(self, unit_id: str) -> List[str]:
        """The unit, its parent, …, up to (not including) the institution."""
        chain = []
        current: Optional[str] = unit_id
        while current is not None and current in self.units:
            chain.append(current)
            current = self.units[current].parent
        return chain

    def enclosing(self, unit_id: str, kind: str) -> Optional[str]:
        """The nearest unit of ``kind`` at or above ``unit_id``."""
        for candidate in self.ancestors_or_self(unit_id):
            if self.units[candidate].kind == kind:
                return candidate
        return None

    def department_of(self, unit_id: str) -> str:
        """The department-level unit of a unit: its nearest department, or, where it sits in no
        department, its topmost unit under the institution (a retail pharmacy's store, say)."""
        chain = self.ancestors_or_self(unit_id)
        for candidate in chain:
            if self.units[candidate].kind == "department":
                return candidate
        return chain[-1]

    def head(self, unit_id: str, *, needed_by: str = "") -> str:
        """The head of a unit; a located OrgError naming the unit when it has none."""
        unit = self.units[unit_id]
        if unit.head is None:
            label = HEAD_LABELS.get(unit.kind, "head")
            why = f", which {needed_by} needs" if needed_by else ", which the attribution rule needs"
            raise OrgError(f"{unit.label} has no {HEAD_FIELDS[unit.kind]} ({label}){why}; "
                           f"add '{HEAD_FIELDS[unit.kind]}:' to it", unit.location)
        return unit.head


class _OrgReader:
    """Turns a schema-valid organisation document into unit records, then into an :class:`Org`."""

    def __init__(self, data: Mapping[str, Any], document: PositionedDocument, prefix: Tuple):
        self.data = data
        self.document = document
        self.prefix = tuple(prefix)
        self.records: List[Tuple[Unit, Tuple]] = []  # (unit, path of its record)
        self.heads: Dict[str, Tuple] = {}           # unit id → path of its head field

    def where(self, *path) -> Location:
        full = self.prefix + tuple(path)
        location = self.document.location(full)
        return location

    def error(self, message: str, *path) -> OrgError:
        return OrgError(message, self.where(*path))

    # -- records -----------------------------------------------------------------------------------
    def nested(self, body: Mapping[str, Any], parent: str, path: Tuple) -> None:
        for key, kind in CHILD_KEYS.items():
            for index, child in enumerate(body.get(key) or ()):
                child_path = path + (key, index)
                self.add(child, kind, parent, child_path)
                self.nested(child, str(child["id"]), child_path)

    def add(self, body: Mapping[str, Any], kind: str, parent: str, path: Tuple) -> None:
        head_field = HEAD_FIELDS[kind]
        for other, other_kind in ((f, k) for k, f in HEAD_FIELDS.items() if f != head_field):
            if other in body:
                raise self.error(f"a {KIND_LABELS[kind]} ({kind}) names its head '{head_field}', not '{other}'",
                                 *path, other)
        head = body.get(head_field)
        unit = Unit(str(body["id"]), kind, parent, str(head) if head is not None else None,
                    tuple(str(m) for m in body.get("members") or ()), self.where(*path, "id"), body.get("name"))
        self.records.append((unit, path))
        if head is not None:
            self.heads[unit.id] = path + (head_field,)

    def read(self) -> List[Tuple[Unit, Tuple]]:
        institution = str(self.data["institution"])
        self.nested(self.data, institution, ())
        for index, body in enumerate(self.data.get("units") or ()):
            self.add(body, body["kind"], str(body["parent"]), ("units", index))
        return self.records

    # -- the org -----------------------------------------------------------------------------------
    def units(self, institution: str, records: List[Tuple[Unit, Tuple]]) -> Dict[str, Unit]:
        """Every unit by id; an id used twice (or the institution's own id) is an error."""
        units: Dict[str, Unit] = {}
        for unit, path in records:
            if unit.id == institution:
                raise self.error(f"unit id '{unit.id}' is the institution's id", *path, "id")
            if unit.id in units:
                first = units[unit.id].location
                raise self.error(f"unit id '{unit.id}' is used twice (first at line {first.line})", *path, "id")
            units[unit.id] = unit
        return units

    def containment(self, institution: str, units: Dict[str, Unit], paths: Dict[str, Tuple]) -> nx.DiGraph:
        """The graph of who contains whom: known parents, no cycle, each kind under an allowed kind."""
        graph = nx.DiGraph()
        graph.add_node(institution, kind="institution")
        for unit in units.values():
            graph.add_node(unit.id, kind=unit.kind)
        for unit in units.values():
            if unit.parent != institution and unit.parent not in units:
                known = [institution] + list(units)
                raise self.error(f"{unit.label}: unknown parent '{unit.parent}'; expected the institution "
                                 f"'{institution}' or a unit id" + did_you_mean(unit.parent or "", known),
                                 *paths[unit.id], "parent")
            graph.add_edge(unit.parent, unit.id, rel="contains")
        try:
            cycle = nx.find_cycle(graph, source=None)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            nodes = [edge[0] for edge in cycle]
            first = min(nodes, key=lambda n: (units[n].location.line or 0) if n in units else 0)
            ring = " → ".join(nodes[nodes.index(first):] + nodes[:nodes.index(first)] + [first])
            raise OrgError(f"{units[first].label} contains itself: {ring} (a cycle of parents)", units[first].location)
        for unit in units.values():
            parent_kind = "institution" if unit.parent == institution else units[unit.parent].kind
            if parent_kind not in PARENT_KINDS[unit.kind]:
                raise self.error(f"{unit.label} cannot sit directly under a {KIND_LABELS[parent_kind]} ({parent_kind}); "
                                 f"a {unit.kind} belongs under {' or '.join(PARENT_KINDS[unit.kind])}",
                                 *paths[unit.id], "id")
        return graph

    def mention(self, org: Org, person: str, path: Tuple) -> None:
        """A person named at ``path``: not a unit's or the institution's id; remembered where first named."""
        if person in org.units or person == org.institution:
            what = "the institution" if person == org.institution else org.units[person].label
            raise self.error(f"'{person}' names {what} and cannot also be a person", *path)
        if person not in org.person_locations:
            org.person_locations[person] = self.where(*path)
            org.graph.add_node(person, kind="person")

    def entries(self, unit: Unit, path: Tuple) -> List[Tuple[str, str, Tuple]]:
        """(person, head | member, where) of one unit; a member listed twice is an error."""
        seen: Dict[str, int] = {}
        entries: List[Tuple[str, str, Tuple]] = []
        if unit.head is not None:
            entries.append((unit.head, "head", self.heads[unit.id]))
        for index, member in enumerate(unit.members):
            if member in seen:
                raise self.error(f"'{member}' is listed twice in {unit.label}", *path, "members", index)
            seen[member] = index
            if member != unit.head:  # the head belongs to the unit anyway
                entries.append((member, "member", path + ("members", index)))
        return entries

    def place(self, org: Org, paths: Dict[str, Tuple]) -> Dict[str, set]:
        """Put every head and member in their units; the roles their places imply, by person."""
        places: Dict[str, List[Tuple[str, str]]] = {}
        inferred: Dict[str, set] = {}
        units = org.units
        for unit in units.values():
            for person, relation, where in self.entries(unit, paths[unit.id]):
                self.mention(org, person, where)
                if unit.kind in EXCLUSIVE_KINDS:
                    for other, _ in places.get(person, ()):
                        other_unit = units[other]
                        if other_unit.kind == unit.kind and other_unit.parent == unit.parent:
                            parent = units.get(unit.parent)
                            where_parent = parent.label if parent else f"the institution {org.institution}"
                            raise self.error(
                                f"'{person}' is in two {KIND_LABELS[unit.kind]}s of {where_parent}: "
                                f"{other_unit.label} (line {other_unit.location.line}) and {unit.label}; "
                                f"a person belongs to one {unit.kind} of a {parent.kind if parent else 'unit'}",
                                *where)
                places.setdefault(person, []).append((unit.id, relation))
                org.graph.add_edge(unit.id, person, rel=relation)
                role = INFERRED_ROLES.get((unit.kind, relation))
                if role:
                    inferred.setdefault(person, set()).add(role)
        org.person_units = {p: tuple(v) for p, v in places.items()}
        return inferred

    def build(self) -> Org:
        data = self.data
        institution = str(data["institution"])
        records = self.read()
        units = self.units(institution, records)
        paths = {unit.id: path for unit, path in records}
        graph = self.containment(institution, units, paths)
        org = Org(institution, data.get("kind", "medical"), None, units, graph, self.document.source, self.where())
        inferred = self.place(org, paths)
        legal = data.get("legal_representative")
        if legal is not None:
            self.mention(org, str(legal), ("legal_representative",))
            org.legal_representative = str(legal)
            graph.add_edge(institution, str(legal), rel="legal_representative")
        people = data.get("people") or {}
        for person, facts in people.items():
            self.mention(org, str(person), ("people", person))
            if facts.get("name"):
                org.names[str(person)] = facts["name"]
        for person in org.person_locations:
            declared = (people.get(person) or {}).get("role")
            guesses = inferred.get(person, set())
            org.roles[person] = declared or (next(iter(guesses)) if len(guesses) == 1 else None)
        return org


def build_org(data: Any, document: PositionedDocument, prefix: Sequence = ()) -> Org:
    """Validate an organisation (schema, then structure) and build its graph.

    ``document`` holds the positions of ``data``; ``prefix`` is the path of ``data`` inside that
    document (``("org",)`` for an organisation written inline in a case).
    """
    prefix = tuple(prefix)
    if not isinstance(data, Mapping):
        raise OrgError("an organisation must be a mapping with institution, legal_representative, departments, …",
                       document.location(prefix))
    shifted = PositionedDocument(data, document.source,
                                 {key[len(prefix):]: mark for key, mark in document.positions.items()
                                  if key[:len(prefix)] == prefix})
    located = best_error(shifted, "org", deepest_first=True)
    if located is not None:
        inner = located.location.field if located.location.field != "(document)" else ""
        head = format_path(prefix)
        field = head + ("" if not inner or not head or inner.startswith("[") else ".") + inner
        raise OrgError(located.message, Location(located.location.file, located.location.line,
                                                 located.location.column, field or "(document)"))
    return _OrgReader(data, document, prefix).build()


def load_org_file(path: str) -> Org:
    """Read, validate and build the organisation in a YAML or JSON file."""
    document = load_yaml_file(str(path))
    return build_org(document.data, document)


def org_from_case(case: Mapping[str, Any], document: PositionedDocument, *, base: Optional[str] = None,
                  path: Tuple = ()) -> Optional[Org]:
    """The organisation of a case: inline under ``org:`` or in the file ``org_file:`` (relative to
    the case file's folder); None when the case has neither."""
    if case.get("org") is not None and case.get("org_file") is not None:
        raise OrgError("give the organisation once: either 'org:' or 'org_file:'", document.location(path + ("org_file",)))
    if case.get("org") is not None:
        return build_org(case["org"], document, path + ("org",))
    if case.get("org_file") is not None:
        name = Path(str(case["org_file"]))
        if not name.is_absolute() and base:
            name = Path(base).parent / name
        if not name.is_file():
            raise OrgError(f"no organisation file at '{case['org_file']}' (looked for {name})",
                           document.location(path + ("org_file",)))
        return load_org_file(str(name))
    return None


__all__ = ["Org", "Unit", "build_org", "load_org_file", "org_from_case", "KIND_LABELS", "HEAD_LABELS"]
