"""The one table of roles × actions (accounts.permissions): its shape, `may`, that no app keeps a role set
of its own, and that the navigation shows exactly what `may` allows."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from accounts import permissions
from accounts.context_processors import SECTIONS, navigation
from accounts.permissions import ACTIONS, may
from accounts.roles import Role
from tests.factories import UserFactory, VillageElectionFactory, region_chain

ROOT = Path(settings.BASE_DIR)
APPS = [
    "accounts",
    "trail",
    "elections",
    "voters",
    "candidates",
    "ballots",
    "audits",
    "risk",
    "lifecycle",
    "demo",
]
VILLAGE, NEIGHBOUR, OUTSIDE = "330702001001", "330702001002", "330703001001"


# --- The table ---------------------------------------------------------------------------------------------


def test_every_action_names_roles_and_every_role_does_something():
    assert ACTIONS
    for action, roles in ACTIONS.items():
        app, _dot, verb = action.partition(".")
        assert app in {*APPS, "nav"} and verb, action
        assert roles and isinstance(roles, frozenset), action
        assert roles <= set(Role.values), action
    assert set(Role.values) == set().union(*ACTIONS.values())


def test_the_docstring_reads_as_the_table():
    """The module's docstring is the table a reader checks against DOMAIN.md: it says what ACTIONS says."""
    lines = permissions.__doc__.splitlines()
    header = next(line for line in lines if line.split()[:2] == ["action", "C"])
    columns = {}
    for label, role in [("C ", Role.CITY), ("Co", Role.COUNTY), ("T ", Role.TOWNSHIP), ("Cl", Role.CLERK)]:
        columns[role] = header.index(" " + label) + 1
    columns[Role.DEPARTMENT] = header.index(" D ") + 1
    columns[Role.ADMIN] = header.index(" A ") + 1
    rows = {}
    for line in lines:
        words = line.split()
        if words and words[0] in ACTIONS:
            rows[words[0]] = frozenset(r for r, col in columns.items() if line[col : col + 1] == "✓")
    assert rows == ACTIONS


# --- may ---------------------------------------------------------------------------------------------------


@pytest.fixture
def places(db):
    return {
        "village": VillageElectionFactory(village=region_chain(VILLAGE)),
        "neighbour": VillageElectionFactory(village=region_chain(NEIGHBOUR)),
        "outside": VillageElectionFactory(village=region_chain(OUTSIDE)),
    }


def user(role, level: str | None = "village", **extra):
    """A user of `role` whose jurisdiction is the region of `level` above VILLAGE (None: no region)."""
    region = region_chain(VILLAGE) if level else None
    while region is not None and region.level != level:
        region = region.parent
    name = f"{role}-{level}-{extra.get('is_superuser', False)}-{extra.get('is_active', True)}"
    return UserFactory(username=name, role=role, region=region, **extra)


def test_the_role_and_the_jurisdiction(places):
    clerk = user(Role.CLERK)
    township = user(Role.TOWNSHIP, "township")
    county = user(Role.COUNTY, "county")
    assert may(clerk, "ballots.enter_tally")
    assert may(clerk, "ballots.enter_tally", places["village"])
    assert not may(clerk, "ballots.enter_tally", places["neighbour"])
    assert may(township, "ballots.enter_tally", places["neighbour"])
    assert not may(township, "ballots.enter_tally", places["outside"])
    assert not may(county, "ballots.enter_tally", places["village"])  # not the county's work
    assert may(county, "lifecycle.decide_exception", places["neighbour"])
    assert not may(county, "lifecycle.decide_exception", places["outside"])
    # a division code, a region and anything with a jurisdiction_code() are objects too
    assert may(township, "audits.edit", places["neighbour"].division_code)
    assert may(township, "risk.assess", places["village"].village.parent)
    assert not may(township, "risk.assess", SimpleNamespace(jurisdiction_code=lambda: OUTSIDE))


def test_administrators_pass_everywhere_but_decide_no_policy(places):
    for admin in (user(Role.ADMIN, None), user(Role.CLERK, is_superuser=True)):
        assert may(admin, "ballots.enter_tally", places["outside"])
        assert may(admin, "candidates.vet", places["outside"])
        assert not may(admin, "lifecycle.decide_exception", places["village"])
        assert not may(admin, "candidates.review")


def test_anonymous_and_switched_off_users_may_nothing(places):
    off = user(Role.TOWNSHIP, "township", is_active=False)
    for action in ACTIONS:
        assert not may(AnonymousUser(), action)
        assert not may(None, action)
        assert not may(off, action, places["village"])


def test_a_department_acts_only_on_what_is_addressed_to_its_unit(db):
    dept = user(Role.DEPARTMENT, "county", unit="公安局")

    class Request(SimpleNamespace):
        department_field = "unit"

    assert may(dept, "candidates.review", Request(unit="公安局", division_code=VILLAGE))
    assert not may(dept, "candidates.review", Request(unit="法院", division_code=VILLAGE))
    assert not may(dept, "candidates.review", Request(unit="公安局", division_code=OUTSIDE))
    assert not may(dept, "candidates.review", VILLAGE)  # a bare village is addressed to no unit


def test_an_unknown_action_is_a_programming_error(db):
    with pytest.raises(KeyError):
        may(user(Role.CLERK), "ballots.enter_tallies")


def test_has_perm_agrees_with_may(places):
    """The rules backend answers user.has_perm from the same table (Django lets superusers have every
    permission before asking a backend, so only non-superusers are compared)."""
    users = [
        user(Role.CLERK),
        user(Role.TOWNSHIP, "township"),
        user(Role.COUNTY, "county"),
        user(Role.CITY, "city"),
        user(Role.DEPARTMENT, "county", unit="公安局"),
    ]
    for someone in users:
        for action in ACTIONS:
            assert someone.has_perm(action) == may(someone, action), (someone.role, action)
            for election in places.values():
                assert someone.has_perm(action, election) == may(someone, action, election)


# --- No role sets elsewhere --------------------------------------------------------------------------------

# Data about roles that is not about who may do what, with why it stays where it is.
NOT_PERMISSIONS = {
    ("accounts/roles.py", "REGION_LEVEL_FOR_ROLE"): "the region level a role's jurisdiction is anchored at: "
    "what a valid user is (User.clean), not what a user may do",
}


def _is_role_member(node) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"


def _role_collections(tree: ast.AST):
    """Sets, frozenset()/set() calls, dicts keyed by Role members, and tuples/lists of them tested with
    `in`: the shapes a role set for permissions takes."""
    for node in ast.walk(tree):
        members = []
        if isinstance(node, ast.Set):
            members = node.elts
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"set", "frozenset"}
        ):
            members = [n for arg in node.args for n in ast.walk(arg)]
        elif isinstance(node, ast.Dict):
            members = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            members = [e for c in node.comparators if isinstance(c, (ast.Tuple, ast.List)) for e in c.elts]
        if any(_is_role_member(m) for m in members):
            yield node


def _assigned_names(tree: ast.AST) -> dict[int, str]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    for inner in ast.walk(node.value):
                        names[id(inner)] = target.id
    return names


def test_no_app_keeps_a_role_set_of_its_own():
    found, allowed = [], set()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "accounts/permissions.py" or "/migrations/" in relative:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = _assigned_names(tree)
            for node in _role_collections(tree):
                if (relative, names.get(id(node))) in NOT_PERMISSIONS:
                    allowed.add((relative, names[id(node)]))
                else:
                    found.append(f"{relative}:{node.lineno}")
    assert allowed == set(NOT_PERMISSIONS)  # each exception still exists (or leaves this list)
    found = sorted(set(found))
    assert found == [], "role sets belong in accounts.permissions.ACTIONS: " + ", ".join(found)


def test_the_walk_finds_a_role_set():
    source = (
        "A = frozenset({Role.CITY})\nB = {Role.CLERK: True}\nif user.role in (Role.CITY, Role.COUNTY): pass\n"
    )
    assert {node.lineno for node in _role_collections(ast.parse(source))} == {1, 2, 3}


# --- The navigation ----------------------------------------------------------------------------------------

# The sections each role saw before the table (accounts.context_processors.SECTIONS as it was).
SEEN_BEFORE = {
    Role.CITY: {
        "home",
        "elections:overview",
        "elections:list",
        "lifecycle:board",
        "voters:search",
        "candidates:approvals",
        "audits:list",
        "risk:dashboard",
    },
    Role.COUNTY: {
        "home",
        "elections:overview",
        "elections:list",
        "lifecycle:board",
        "lifecycle:approvals",
        "voters:search",
        "voters:conflicts",
        "candidates:approvals",
        "audits:list",
        "risk:dashboard",
    },
    Role.TOWNSHIP: {
        "home",
        "elections:list",
        "lifecycle:board",
        "voters:search",
        "voters:conflicts",
        "audits:list",
        "risk:dashboard",
        "risk:assessment",
    },
    Role.CLERK: {"home", "audits:list"},
    Role.DEPARTMENT: {"home", "candidates:inbox"},
    Role.ADMIN: {
        "home",
        "elections:overview",
        "elections:list",
        "lifecycle:board",
        "voters:search",
        "voters:conflicts",
        "candidates:approvals",
        "audits:list",
        "risk:dashboard",
    },
}


@pytest.mark.parametrize("role", Role.values)
def test_the_navigation_shows_exactly_what_may_allows(db, role):
    from django.urls import reverse

    level = {Role.CITY: "city", Role.COUNTY: "county", Role.TOWNSHIP: "township", Role.DEPARTMENT: "county"}
    someone = user(role, None if role == Role.ADMIN else level.get(role, "village"), unit="公安局")
    request = RequestFactory().get("/")
    request.user = someone
    shown = {item["url"] for item in navigation(request)["nav_items"]} - {reverse("admin:index")}
    allowed = {name for name, _label, action in SECTIONS if action is None or may(someone, action)}
    assert shown == {reverse(name) for name in allowed}
    assert allowed == SEEN_BEFORE[role]
