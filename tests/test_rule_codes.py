"""One catalogue shape (STYLE.md, "Errors and messages"; issue 14): every code the apps raise is catalogued.

Users read Chinese messages; a code may sit beside one in small print, for support. So every app keeps its
codes in `<app>/codes.py` as one `elections.codes.Catalogue` of `RuleCode` entries (dotted lower case,
warnings, and only they, ending in ".W", every message translated), and a walk over the source of every
app module (not tests, not migrations) finds each `code=` keyword argument of a call and each `"code"` of a
reported problem (`{"code": …, "message": …}`), resolves its value and fails on any code no catalogue
holds. A value that is a parameter is resolved at the call sites of its function (so the positional code
of the apps' `_error(code, …)` helpers is checked where they are called); what the walk cannot resolve is
listed in EXEMPT with the reason it is safe.
"""

from __future__ import annotations

import ast
import importlib
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

from elections.codes import CATALOGUES, CODE_PATTERN, WARNING_SUFFIX, Catalogue, RuleCode

ROOT = Path(__file__).resolve().parent.parent
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
APPS_WITH_CODES = [app for app in APPS if app != "demo"]  # the demo raises nothing of its own

# Calls whose `code=` is another kind of code than a rule's: the callee's first or last name, and why.
OTHER_CODES = {
    "Region": "the 12-digit division code of a region (elections.Region.code)",
    "get_visible_or_404": "looks a region up by its division code",
    "region_for_overview": "looks a region up by its division code",
    "redirect": "a URL argument (a township's division code)",
    "IndicatorWeight": "a risk indicator's code (risk.indicators)",
    "set_weight": "a risk indicator's code (risk.indicators)",
    "StepDefinition": "a checklist step's code (lifecycle.models.StepDefinition.code)",
}

# Values the walk cannot resolve, by (module path, expression): why each is a catalogued code all the same.
EXEMPT = {
    ("candidates/views.py", "form.cleaned_data['code']"): (
        "a hidden field the user posts back; request_approval refuses any code that is not an open breach "
        "of codes.APPROVABLE (candidate.no_such_breach)"
    ),
    ("ballots/services.py", "first.code"): (
        "a Finding of ballots.counting.plenary_count: Finding.of takes a catalogue entry (RuleCode), so its "
        "code is always catalogued"
    ),
    ("candidates/services.py", "errors[0].code"): (
        "a Finding of candidates.rules: Finding.of reads codes.SEVERITY[code], so an unknown code fails there"
    ),
    ("voters/importing.py", "issue.code"): (
        "an Issue of voters.rules or voters.reading: Issue.of reads codes.MESSAGES[code]"
    ),
    ("voters/services.py", "issue.code"): (
        "an Issue of voters.reading's cell cleaners (a relationship sheet's): Issue.of reads codes.MESSAGES[code]"
    ),
    ("lifecycle/gates.py", "self.code"): "Blocked.code, set where a Blocked is built (_blocked, walked)",
    ("lifecycle/holds.py", "blocked.code"): "a Blocked's code, built by lifecycle.gates._blocked (walked)",
    ("demo/ballots.py", "finding.code"): "a Finding of ballots.counting, built from ballots.codes entries",
    (
        "ballots/views.py",
        "reason['code']",
    ): "shows a count's stored finding; its message is read from ballots.codes",
    ("demo/voters.py", "village.code"): "a village's division code on the demo's roll plan, not a rule code",
    ("lifecycle/views.py", "code"): "a region's division code passed to the export door, not a rule code",
    ("lifecycle/views.py", "e.code"): "shows the code of a ValidationError that a walked service raised",
    (
        "voters/services.py",
        "e['code']",
    ): "a problem of the roll check, built by voters.importing._error (walked)",
    ("voters/services.py", "error.code"): "the code of a ValidationError that a walked service raised",
    ("voters/services.py", "getattr(error, 'code', None) or codes.IMPORT_FAILED"): (
        "the code of a ValidationError that a walked service raised, or a catalogued default"
    ),
}


class Unresolved(Exception):
    pass


@dataclass
class Module:
    path: str  # relative to the project root
    tree: ast.Module
    module: object  # the imported module, whose globals resolve names and attributes
    parents: dict = field(default_factory=dict)


@dataclass
class Problem:
    where: str
    expression: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.expression} {self.detail}"


def _params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = function.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs]


def _chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """`codes.X.code` as ("codes", ["X", "code"]); None for anything but a name and attributes."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, attributes[::-1]
    return None


def _binds(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    return isinstance(target, ast.Tuple) and any(
        isinstance(t, ast.Name) and t.id == name for t in target.elts
    )


def _callee_names(call: ast.Call) -> set[str]:
    """The first and the last name of a callee (`Region.objects.filter(...).get` → Region, get)."""
    node, last = call.func, None
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute):
            last = last or node.attr
            node = node.value
        else:
            node = node.func
    return {node.id, last or node.id} if isinstance(node, ast.Name) else {last} - {None}


class CodeWalk:
    """Find every code a set of modules raises or reports, and what of it no catalogue holds."""

    def __init__(self, modules: list[Module], known: set[str]) -> None:
        self.modules = modules
        self.known = known
        self.problems: list[Problem] = []
        self.exempt_used: set[tuple[str, str]] = set()
        for module in modules:
            for parent in ast.walk(module.tree):
                for child in ast.iter_child_nodes(parent):
                    module.parents[child] = parent

    # --- where a node sits ------------------------------------------------------------------------

    def _functions(self, module: Module, node: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """The functions enclosing `node`, innermost first."""
        found = []
        while node in module.parents:
            node = module.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append(node)
        return found

    def _class_of(self, module: Module, function: ast.AST) -> ast.ClassDef | None:
        parent = module.parents.get(function)
        return parent if isinstance(parent, ast.ClassDef) else None

    def _object_of(self, module: Module, function: ast.FunctionDef) -> object | None:
        """The runtime function (or method) a module-level definition made, to recognise its call sites."""
        parent = module.parents.get(function)
        if parent is module.tree:
            owner = module.module
        elif isinstance(parent, ast.ClassDef) and module.parents.get(parent) is module.tree:
            owner = getattr(module.module, parent.name, None)
        else:
            return None  # a nested function: its calls are found by name, in its module
        target = getattr(owner, function.name, None)
        return getattr(target, "__func__", target)

    # --- resolving a value ------------------------------------------------------------------------

    def values(self, module: Module, node: ast.expr, depth: int = 0) -> list[tuple[object, str]]:
        """The values `node` can take where it stands, each with the file:line it comes from (a call site
        for a parameter); Unresolved when the walk cannot tell."""
        if depth > 8:
            raise Unresolved("passed through too many calls")
        if isinstance(node, ast.Constant):
            return [] if node.value is None else [(node.value, f"{module.path}:{node.lineno}")]
        if isinstance(node, ast.IfExp):
            return self.values(module, node.body, depth) + self.values(module, node.orelse, depth)
        chain = _chain(node)
        if chain is None:
            raise Unresolved("is not a name, an attribute or a literal")
        root, attributes = chain
        roots = self._root_values(module, node, root, depth)
        resolved = []
        for value, origin in roots:
            for attribute in attributes:
                if not hasattr(value, attribute):
                    raise Unresolved(f"has no attribute {attribute!r} on {value!r} (from {origin})")
                value = getattr(value, attribute)
            resolved.append((value, origin))
        return resolved

    def _root_values(self, module: Module, node: ast.expr, name: str, depth: int) -> list[tuple[object, str]]:
        for function in self._functions(module, node):
            if any(p.arg == name for p in _params(function)):
                return self._arguments(module, function, name, depth)
            assigned = [
                a.value
                for a in ast.walk(function)
                if isinstance(a, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in a.targets)
            ]
            if assigned:
                return [v for value in assigned for v in self.values(module, value, depth + 1)]
            looped = [
                loop for loop in ast.walk(function) if isinstance(loop, ast.For) and _binds(loop.target, name)
            ]
            if looped:
                return [v for loop in looped for v in self._loop_values(module, loop, name, depth)]
            if any(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                for n in ast.walk(function)
            ):
                raise Unresolved("is a local variable the walk does not follow")
        if hasattr(module.module, name):
            return [(getattr(module.module, name), f"{module.path}:{node.lineno}")]
        raise Unresolved("is not defined in its module")

    def _loop_values(self, module: Module, loop: ast.For, name: str, depth: int) -> list[tuple[object, str]]:
        """What `for a, b in TABLE` binds to `name`, when TABLE is a constant the walk can evaluate."""
        found = []
        for table, origin in self.values(module, loop.iter, depth + 1):
            for item in table:
                if isinstance(loop.target, ast.Name):
                    found.append((item, origin))
                else:
                    names = [t.id if isinstance(t, ast.Name) else None for t in loop.target.elts]
                    found.append((item[names.index(name)], origin))
        return found

    def _arguments(
        self, module: Module, function: ast.FunctionDef, name: str, depth: int
    ) -> list[tuple[object, str]]:
        """The values the call sites of `function` pass for its parameter `name`."""
        params = _params(function)
        index = next(i for i, p in enumerate(params) if p.arg == name)
        positional = len(function.args.posonlyargs) + len(function.args.args)
        is_method = self._class_of(module, function) is not None and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list
        )
        target = self._object_of(module, function)
        default = self._default(function, name)
        values, sites = [], 0
        for site_module, call in self._calls_of(module, function, target):
            sites += 1
            skip = 1 if is_method else 0
            bound = next((k.value for k in call.keywords if k.arg == name), None)
            if is_method and index == 0 and isinstance(call.func, ast.Attribute):
                bound = call.func.value  # `self` is the receiver of the call
            if bound is None and index < positional:
                position = index - skip
                if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
                    raise Unresolved(f"is passed by *args at {site_module.path}:{call.lineno}")
                if 0 <= position < len(call.args):
                    bound = call.args[position]
            if bound is None:
                if any(k.arg is None for k in call.keywords):
                    raise Unresolved(f"is passed by **kwargs at {site_module.path}:{call.lineno}")
                if default is not None:
                    values += self.values(module, default, depth + 1)
                continue
            try:
                values += self.values(site_module, bound, depth + 1)
            except Unresolved as error:
                key = (site_module.path, ast.unparse(bound))
                if key in EXEMPT:
                    self.exempt_used.add(key)
                    continue
                raise Unresolved(
                    f"({ast.unparse(bound)} at {site_module.path}:{call.lineno}) {error}"
                ) from None
        if not sites:
            raise Unresolved(f"is a parameter of {function.name}(), which nothing here calls")
        return values

    @staticmethod
    def _default(function: ast.FunctionDef, name: str) -> ast.expr | None:
        a = function.args
        plain = [*a.posonlyargs, *a.args]
        for param, default in zip(plain[len(plain) - len(a.defaults) :], a.defaults, strict=True):
            if param.arg == name:
                return default
        for param, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            if param.arg == name:
                return default
        return None

    def _calls_of(self, module: Module, function: ast.FunctionDef, target: object | None):
        """Every call of `function`: recognised by what its callee is at runtime, or, for a nested or
        private function whose callee the walk cannot evaluate, by its name in its own module."""
        for site_module in self.modules:
            for call in ast.walk(site_module.tree):
                if not isinstance(call, ast.Call):
                    continue
                chain = _chain(call.func)
                if chain is None or (chain[1][-1:] or [chain[0]])[0] != function.name:
                    continue
                callee = self._evaluate(site_module, call.func)
                if callee is not None and target is not None:
                    if getattr(callee, "__func__", callee) is target:
                        yield site_module, call
                elif site_module is module:
                    yield site_module, call

    @staticmethod
    def _evaluate(module: Module, node: ast.expr) -> object | None:
        chain = _chain(node)
        if chain is None or not hasattr(module.module, chain[0]):
            return None
        value = getattr(module.module, chain[0])
        for attribute in chain[1]:
            value = getattr(value, attribute, None)
        return value

    # --- the sinks --------------------------------------------------------------------------------

    def sinks(self, module: Module):
        """(node, value) of every `code=` keyword of a call and every "code" of a reported problem."""
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and not (_callee_names(node) & OTHER_CODES.keys()):
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        yield node, keyword.value
            if isinstance(node, ast.Dict):
                keys = {
                    k.value: v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant)
                }
                if "code" in keys and "message" in keys:
                    yield node, keys["code"]

    def run(self) -> list[Problem]:
        for module in self.modules:
            for node, value in self.sinks(module):
                where, expression = f"{module.path}:{node.lineno}", ast.unparse(value)
                try:
                    found = self.values(module, value)
                except Unresolved as error:
                    key = (module.path, expression)
                    if key in EXEMPT:
                        self.exempt_used.add(key)
                    else:
                        self.problems.append(Problem(where, expression, f"cannot be resolved: {error}"))
                    continue
                for code, origin in found:
                    code = code.code if isinstance(code, RuleCode) else code
                    if not isinstance(code, str) or code not in self.known:
                        detail = f"is {code!r}" + (f" (passed at {origin})" if origin != where else "")
                        self.problems.append(
                            Problem(where, expression, f"{detail}, which no catalogue holds")
                        )
        return self.problems


def _app_modules() -> list[Module]:
    modules = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            modules.append(Module(str(relative), ast.parse(path.read_text()), importlib.import_module(name)))
    return modules


def _catalogues() -> dict[str, Catalogue]:
    for app in APPS_WITH_CODES:
        importlib.import_module(f"{app}.codes")
    return dict(CATALOGUES)


def _known() -> set[str]:
    return {code for catalogue in _catalogues().values() for code in catalogue}


# --- (a) the catalogues ---------------------------------------------------------------------------


def test_every_app_keeps_one_catalogue_of_rule_codes():
    catalogues = _catalogues()
    assert sorted(catalogues) == sorted(APPS_WITH_CODES)
    for app in APPS_WITH_CODES:
        module = importlib.import_module(f"{app}.codes")
        assert isinstance(module.CATALOGUE, Catalogue) and module.CATALOGUE.app == app
        assert all(
            isinstance(entry, RuleCode) and entry.code == code for code, entry in module.CATALOGUE.items()
        )
        # The names call sites use are the catalogue's own codes (a string or the entry itself).
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str | RuleCode) and CODE_PATTERN.fullmatch(str(value)):
                assert str(value) in module.CATALOGUE, f"{app}.codes.{name} = {value!r} is not registered"


def test_codes_are_unique_dotted_lower_case_and_warnings_end_in_w():
    entries = [entry for catalogue in _catalogues().values() for entry in catalogue.values()]
    assert len({e.code for e in entries}) == len(entries)
    for entry in entries:
        assert CODE_PATTERN.fullmatch(entry.code), entry.code
        assert entry.code.endswith(WARNING_SUFFIX) is entry.is_warning, entry.code


def test_a_warning_code_without_the_suffix_is_refused():
    with pytest.raises(ValueError):
        RuleCode(
            "probe.warning_without_suffix", _catalogues()["candidates"]["candidate.team_size.W"].severity, ""
        )
    with pytest.raises(ValueError):
        RuleCode("Probe.Not_Dotted", _catalogues()["audits"]["audit.not_allowed"].severity, "")


def test_every_message_is_translated_to_chinese():
    untranslated = []
    with translation.override("zh-hans"):
        for catalogue in _catalogues().values():
            for entry in catalogue.values():
                msgid = entry.message._args[0]
                if str(entry.message) == msgid:
                    untranslated.append(f"{entry.code}: {msgid}")
    assert untranslated == []


# --- (b) the walk ---------------------------------------------------------------------------------


def test_every_code_the_apps_raise_or_report_is_catalogued():
    walk = CodeWalk(_app_modules(), _known())
    problems = walk.run()
    assert [str(p) for p in problems] == []
    assert set(EXEMPT) - walk.exempt_used == set(), "exemptions no longer needed"


PROBE = """
from django.core.exceptions import ValidationError

from elections import codes

BAD = "audit.no_such_rule"


def _error(code, **params):
    return ValidationError("message", code=code, params=params)


def literal():
    raise ValidationError("message", code="voter.not_a_rule")


def constant():
    raise _error(BAD)


def catalogued():
    raise _error(codes.CYCLE_DATES_REVERSED)


def problem():
    return {"row": 2, "code": "region.not_a_rule", "message": "…"}


def passed_through(error):
    return ValidationError("message", code=error.code)
"""


def test_the_walk_finds_an_uncatalogued_code_and_a_value_it_cannot_resolve(tmp_path, monkeypatch):
    (tmp_path / "code_walk_probe.py").write_text(PROBE)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("code_walk_probe")
    try:
        probe = Module("code_walk_probe.py", ast.parse(PROBE), module)
        problems = CodeWalk([probe], _known()).run()
    finally:
        sys.modules.pop("code_walk_probe", None)
    assert sorted(str(p) for p in problems) == [
        "code_walk_probe.py:10: code is 'audit.no_such_rule' (passed at code_walk_probe.py:18), "
        "which no catalogue holds",
        "code_walk_probe.py:14: 'voter.not_a_rule' is 'voter.not_a_rule', which no catalogue holds",
        "code_walk_probe.py:26: 'region.not_a_rule' is 'region.not_a_rule', which no catalogue holds",
        "code_walk_probe.py:30: error.code cannot be resolved: is a parameter of passed_through(), "
        "which nothing here calls",
    ]
