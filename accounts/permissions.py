"""Who may do what: the one table of roles × actions, and `may(user, action, obj=None)`.

Services, views, template tags and the navigation all ask `may`; no app keeps a role set of its own
(tests/accounts/test_permissions.py walks the apps for one). The table lives in accounts, the ground floor,
because every app asks it and an app may only import from the floors below it; it names actions by
string ("ballots.enter_tally"), so accounts imports nothing of the apps it describes.

`may(user, action)` asks the role: the user is signed in and active, and their role (a superuser counts
as the administrator) is in the action's row. `may(user, action, obj)` asks the jurisdiction too: obj lies
inside the user's region (its division code starts with `user.scope_prefix`; administrators pass). A
joint-review department acts only on a record addressed to its unit (the model's `department_field`, as
`accounts.scoping` reads it) inside its region. Obj is duck-typed: a division code (str), anything with a
`jurisdiction_code()`, a model declaring `jurisdiction_field` (VillageElection, Region, a review request),
or anything with a `division_code`.

The table (C city, Co county, T township, Cl clerk, D department, A administrator; DOMAIN.md "Who uses
the system"; ✓ the role may):

    action                            C  Co T  Cl D  A    who calls it
    nav.overview                      ✓  ✓           ✓    menu; where a reviewer lands after login
    nav.elections                     ✓  ✓  ✓        ✓    menu; where the township office lands
    nav.progress_board                ✓  ✓  ✓        ✓    menu
    nav.voters_search                 ✓  ✓  ✓        ✓    menu
    nav.voters_conflicts                 ✓  ✓        ✓    menu
    nav.risk_assessment                     ✓             menu: the township's own weekly assessment
    nav.audits                        ✓  ✓  ✓  ✓     ✓    menu
    voters.edit_roll                        ✓  ✓     ✓    the roll pages (import, register, publish,
                                                          written proxies, objections)
    voters.settle_conflicts                 ✓        ✓    a person registered in two villages
    voters.record_kinship             ✓  ✓  ✓        ✓    close relatives across households (record,
                                                          import, remove with a reason)
    candidates.view                   ✓  ✓  ✓  ✓     ✓    an election's candidates pages
    candidates.nominate                     ✓  ✓     ✓    nominations
    candidates.vet                          ✓        ✓    qualification vetting, joint review requests
    candidates.edit_village                 ✓  ✓     ✓    the election committee, the outgoing team
    candidates.approvals              ✓  ✓           ✓    the "in principle" approvals list (and menu)
    candidates.approve                   ✓           ✓    deciding an "in principle" approval
    candidates.review                             ✓       a department's verdict (inbox, menu)
    candidates.decide_void               ✓                voiding an elected vote-buyer's election:
                                                          the county alone, like exceptions
    ballots.enter_tally                     ✓  ✓     ✓    stations, boxes, attendance, double entry,
                                                          acknowledgements, count, confirmation
    ballots.approve_results                 ✓        ✓    the township approves a confirmed result
    ballots.publish_notice                  ✓        ✓    the voting notice
    ballots.issue_certificates              ✓  ✓     ✓    the certificates of election handed over
    audits.edit                          ✓  ✓        ✓    outgoing audits, findings, clean-up, evaluations
    risk.read                         ✓  ✓  ✓        ✓    the three-colour dashboards (and menu)
    risk.assess                          ✓  ✓        ✓    the weekly assessment
    risk.record                          ✓  ✓        ✓    petitions, discipline reports
    risk.plan                         ✓  ✓  ✓        ✓    rectification plans and their tasks
    risk.close_plan                      ✓           ✓    approving a red village's close-out
    risk.interview                    ✓  ✓           ✓    interviews (约谈)
    lifecycle.move_stage                 ✓  ✓        ✓    stage transitions, handover, archive
    lifecycle.record_step                ✓  ✓  ✓     ✓    ticking a step
    lifecycle.request_exception          ✓  ✓        ✓    asking for an exception
    lifecycle.decide_exception           ✓                deciding one (and the approvals menu): the
                                                          county alone, an IT administrator decides no
                                                          policy
    lifecycle.todo                    ✓  ✓  ✓  ✓     ✓    the to-do list (a department has none)
    lifecycle.view_steps              ✓  ✓  ✓  ✓     ✓    the link of a closed door to the steps page

Each action is also a django-rules rule (`RULES`) and permission (`rules.permissions`, answered by
`rules.permissions.ObjectPermissionBackend` in AUTHENTICATION_BACKENDS), so `user.has_perm(action, obj)`
agrees with `may` — except that Django lets an active superuser have every permission before asking any
backend, so the project's code asks `may` (which keeps, e.g., the administrator out of exception decisions).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db import models

from .roles import Role

C, CO, T, CL, D, A = Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.CLERK, Role.DEPARTMENT, Role.ADMIN

ACTIONS: dict[str, frozenset[str]] = {
    # the navigation (accounts.context_processors) and where each role lands after login
    "nav.overview": frozenset({C, CO, A}),
    "nav.elections": frozenset({C, CO, T, A}),
    "nav.progress_board": frozenset({C, CO, T, A}),
    "nav.voters_search": frozenset({C, CO, T, A}),
    "nav.voters_conflicts": frozenset({CO, T, A}),
    "nav.risk_assessment": frozenset({T}),
    "nav.audits": frozenset({C, CO, T, CL, A}),
    # voters
    "voters.edit_roll": frozenset({T, CL, A}),
    "voters.settle_conflicts": frozenset({T, A}),
    "voters.record_kinship": frozenset({C, CO, T, A}),
    # candidates
    "candidates.view": frozenset({C, CO, T, CL, A}),
    "candidates.nominate": frozenset({T, CL, A}),
    "candidates.vet": frozenset({T, A}),
    "candidates.edit_village": frozenset({T, CL, A}),
    "candidates.approvals": frozenset({C, CO, A}),
    "candidates.approve": frozenset({CO, A}),
    "candidates.review": frozenset({D}),
    "candidates.decide_void": frozenset({CO}),
    # ballots
    "ballots.enter_tally": frozenset({T, CL, A}),
    "ballots.approve_results": frozenset({T, A}),
    "ballots.publish_notice": frozenset({T, A}),
    "ballots.issue_certificates": frozenset({T, CL, A}),
    # audits
    "audits.edit": frozenset({CO, T, A}),
    # risk
    "risk.read": frozenset({C, CO, T, A}),
    "risk.assess": frozenset({CO, T, A}),
    "risk.record": frozenset({CO, T, A}),
    "risk.plan": frozenset({C, CO, T, A}),
    "risk.close_plan": frozenset({CO, A}),
    "risk.interview": frozenset({C, CO, A}),
    # lifecycle
    "lifecycle.move_stage": frozenset({CO, T, A}),
    "lifecycle.record_step": frozenset({CO, T, CL, A}),
    "lifecycle.request_exception": frozenset({CO, T, A}),
    "lifecycle.decide_exception": frozenset({CO}),
    "lifecycle.todo": frozenset({C, CO, T, CL, A}),
    "lifecycle.view_steps": frozenset({C, CO, T, CL, A}),
}


def role_of(user) -> str | None:
    """The role the table is read with: a superuser counts as the administrator."""
    return Role.ADMIN if user.is_superuser else user.role


def _resolve(obj: Any, path: str) -> Any:
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def jurisdiction_code(obj: Any) -> str:
    """The division code `obj` belongs to (duck-typed; see the module docstring)."""
    if isinstance(obj, str):
        return obj
    method = getattr(obj, "jurisdiction_code", None)
    if callable(method):
        return method()
    field = getattr(type(obj), "jurisdiction_field", None) if isinstance(obj, models.Model) else None
    code = _resolve(obj, field) if field else getattr(obj, "division_code", None)
    if code is None:
        raise TypeError(f"{type(obj).__name__} names no division code to check a jurisdiction against")
    return code


def inside(user, obj: Any) -> bool:
    """Whether `obj` lies inside `user`'s jurisdiction (the rows `accounts.scoping.scope` would show)."""
    if user.sees_everything:
        return True
    if user.role == Role.DEPARTMENT:
        field = getattr(type(obj), "department_field", None)
        if not (field and user.unit and _resolve(obj, field) == user.unit):
            return False
    prefix = user.scope_prefix
    return bool(prefix) and jurisdiction_code(obj).startswith(prefix)


def _rule(roles: frozenset[str]):
    def allowed(user, obj=None) -> bool:
        if not (user is not None and user.is_authenticated and user.is_active):
            return False
        if role_of(user) not in roles:
            return False
        return obj is None or inside(user, obj)

    return allowed


# One rule set of our own (not rules' shared default set, which other packages may fill), and the same
# predicates as permissions for `user.has_perm`.
RULES = rules.RuleSet()
for _action, _roles in ACTIONS.items():
    RULES.add_rule(_action, _rule(_roles))
    rules.permissions.set_perm(_action, RULES[_action])


def may(user, action: str, obj: Any = None) -> bool:
    """Whether `user` may take `action` (a key of ACTIONS), on `obj` inside their jurisdiction if given."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}: add it to accounts.permissions.ACTIONS")
    return RULES.test_rule(action, user, obj)
