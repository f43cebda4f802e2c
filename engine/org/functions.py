"""DSL functions over the organisation graph, for the attribution rules of a rulebook.

Values are sets kept in a stable order (first appearance): ``persons`` (person ids) and ``units``
(unit ids). Every function maps a set to a set, so one rule reads the same for one doctor or ten:
``leader_of(groups(involved))`` is the leaders of every group an involved person belongs to.
The functions read the organisation from the evaluation environment (``Function.context``); they
are registered through :func:`engine.dsl.functions.library_with` and type-checked like the others.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Mapping, Tuple

from engine.dsl.functions import Function, library_with
from engine.errors import OrgError
from engine.org.graph import KIND_LABELS, Org

#: The environment key holding the :class:`Org` (not a DSL name: rules cannot read it directly).
ORG_KEY = "__org__"

#: Names an attribution rule (``attribution.groups[].rules[]``) may read, with their types.
ATTRIBUTION_NAMES: Mapping[str, str] = MappingProxyType({
    "involved": "persons",              # who committed the behaviour (the case's `involved`)
    "violation": "number",              # the annex row (序号)
    "ordered": "bool",                  # fees charged per an order (rows 2-4); required where a rule reads it
    "legal_representative": "persons",  # 单位法人代表 (a retail pharmacy's 主要负责人)
    "institution_kind": "string",       # medical | retail_pharmacy
})


def _org(env: Mapping[str, Any]) -> Org:
    return env[ORG_KEY]


def _unique(items: Iterable[str]) -> Tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _units_of(kind: str):
    def units(env, persons):
        org = _org(env)
        found = []
        for person in persons:
            for unit in org.units_of(person):
                enclosing = org.enclosing(unit, kind)
                if enclosing is not None:
                    found.append(enclosing)
        return _unique(found)
    return units


def _departments(env, persons):
    org = _org(env)
    return _unique(org.department_of(unit) for person in persons for unit in org.units_of(person))


def _heads(kind: str, function: str):
    def heads(env, units):
        org = _org(env)
        result = []
        for unit_id in units:
            unit = org.unit(unit_id)
            if kind and unit.kind != kind:
                raise OrgError(f"{function}() takes {KIND_LABELS[kind]} ({kind}) units; {unit.label} is a {unit.kind}",
                               unit.location)
            result.append(org.head(unit_id, needed_by=f"{function}({unit_id})"))
        return _unique(result)
    return heads


def _department_head_of(env, persons):
    org = _org(env)
    return _unique(org.head(d, needed_by=f"department_head_of({d})") for d in _departments(env, persons))


def _with_role(env, persons, role):
    org = _org(env)
    return tuple(p for p in persons if org.role_of(p) == role)


def _members_of(env, units):
    org = _org(env)
    result = []
    for unit_id in units:
        unit = org.unit(unit_id)
        result.extend(([unit.head] if unit.head else []) + list(unit.members))
    return _unique(result)


def _outside(env, persons, units):
    org = _org(env)
    wanted = set(units)
    return tuple(p for p in persons
                 if not any(wanted.intersection(org.ancestors_or_self(u)) for u in org.units_of(p)))


GRAPH_FUNCTIONS: Tuple[Function, ...] = (
    Function("groups", ("persons",), "units", _units_of("group"), context=True,
             doc="the medical groups (医疗组) the persons belong to"),
    Function("wards", ("persons",), "units", _units_of("ward"), context=True,
             doc="the wards (病区) the persons work in (through a group, a nursing unit, or as director)"),
    Function("nursing_units", ("persons",), "units", _units_of("nursing"), context=True,
             doc="the nursing units (护理单元) the persons belong to"),
    Function("pharmacies", ("persons",), "units", _units_of("pharmacy"), context=True,
             doc="the pharmacies (药房 / 门店) the persons belong to"),
    Function("departments", ("persons",), "units", _departments, context=True,
             doc="the department-level units (部门) of the persons"),
    Function("leader_of", ("units",), "persons", _heads("group", "leader_of"), context=True,
             doc="the leaders (医疗组长) of medical groups; an error names a group without one"),
    Function("director_of", ("units",), "persons", _heads("ward", "director_of"), context=True,
             doc="the directors (病区主任) of wards"),
    Function("head_nurse_of", ("units",), "persons", _heads("nursing", "head_nurse_of"), context=True,
             doc="the head nurses (护士长) of nursing units"),
    Function("head_of", ("units",), "persons", _heads("", "head_of"), context=True,
             doc="the head of any unit (部门负责人, 病区主任, 医疗组长, 护士长, 药房负责人)"),
    Function("department_head_of", ("persons",), "persons", _department_head_of, context=True,
             doc="the heads (部门负责人) of the persons' departments"),
    Function("members_of", ("units",), "persons", _members_of, context=True,
             doc="everyone in the units (heads and direct members)"),
    Function("with_role", ("persons", "string"), "persons", _with_role, context=True,
             doc="the persons whose role (declared under people:, or implied by their place) is the given one"),
    Function("outside", ("persons", "units"), "persons", lambda env, persons, units: _outside(env, persons, units),
             context=True, doc="the persons who belong to none of the units (inside them or below them)"),
    Function("union", ("persons", "persons"), "persons", lambda a, b: _unique(tuple(a) + tuple(b)),
             doc="the persons of either set, first set first"),
    Function("without", ("persons", "persons"), "persons", lambda a, b: tuple(p for p in a if p not in b),
             doc="the persons of the first set that are not in the second"),
)

#: The DSL library of attribution rules: the base functions plus the graph functions.
ATTRIBUTION_FUNCTIONS = library_with(GRAPH_FUNCTIONS)

__all__ = ["ATTRIBUTION_FUNCTIONS", "ATTRIBUTION_NAMES", "GRAPH_FUNCTIONS", "ORG_KEY"]
