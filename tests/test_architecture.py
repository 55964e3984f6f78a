"""The shape of the code: the packages by domain, imports pointing one way, no
cycle, pure packages free of Django, tests independent of each other, and the
section declaration as the one source of the snapshot's keys (docs/architecture.md)."""

import ast
import dataclasses
from pathlib import Path

from screening.crf.sections import ROW_MODELS, SECTION_RELATIONS, SECTIONS, SNAPSHOT_KEYS
from screening.eligibility.snapshot import ROW_KEYS, Snapshot

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "screening"

BASE = {"models", "calculators", "eligibility", "vocabulary", "values"}
# What each part may import, besides itself and the Python and Django libraries.
ALLOWED = {
    "calculators": set(),
    "eligibility": {"calculators", "vocabulary"},
    "vocabulary": set(),
    "values": set(),
    "models": {"calculators", "vocabulary", "values"},
    "access": BASE,
    "crf": BASE | {"access"},
    "checklist": BASE | {"access", "crf"},
    "signatures": BASE | {"access", "crf", "checklist"},
    "exchange": BASE | {"access", "crf", "checklist"},
    "datamanagement": BASE | {"access", "crf", "checklist", "signatures"},
    "audit": BASE | {"access", "crf", "checklist", "signatures"},
    "reports": BASE | {"access", "crf", "checklist", "signatures", "audit", "datamanagement"},
}
# Where Django looks for them, or the top: they may import any part.
TOP = {"urls", "apps", "admin", "templatetags", "management", "migrations", "__init__"}
PURE = {"calculators", "eligibility"}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imports_of(name, path, known=()):
    """Every module this one imports, at module level or inside a function
    (`from package import name` counts as the submodule when there is one)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            submodules = {f"{target}.{alias.name}" for alias in node.names} & set(known)
            found.update(submodules or {target})
    return found


def graph():
    known = dict(modules())
    return {name: {m for m in imports_of(name, path, known) if m in known and m != name}
            for name, path in known.items()}


def part(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_view(module):
    leaf = module.rsplit(".", 1)[-1]
    return leaf == "views" or leaf.endswith("_views")


def test_the_tree_is_the_documented_packages():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == {"access", "crf", "checklist", "signatures", "audit", "exchange", "reports", "models",
                        "datamanagement",
                        "eligibility", "calculators", "templatetags", "management", "migrations"}
    flat = {p.stem for p in PACKAGE.glob("*.py")}
    assert flat == {"__init__", "admin", "apps", "urls", "values", "vocabulary"}


def test_no_import_cycle():
    edges = graph()
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == []


def test_imports_point_one_way():
    wrong = []
    for module, targets in graph().items():
        if not module.startswith("screening."):
            continue
        here = part(module)
        for target in targets:
            there = part(target)
            if is_view(target) and part(module) not in {"urls"} and not module.endswith(".urls"):
                wrong.append(f"{module} imports the views module {target}")
            elif here in TOP or is_view(module) or there == here or there in {"__init__"}:
                continue
            elif there not in ALLOWED.get(here, set()):
                wrong.append(f"{module} ({here}) imports {target} ({there})")
    assert wrong == []


def test_pure_packages_import_no_django():
    impure = []
    for name, path in modules():
        if part(name) in PURE:
            impure += [f"{name}: {m}" for m in imports_of(name, path) if m.split(".")[0] == "django"]
    assert impure == []


def test_no_test_module_imports_another():
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1].startswith("test_"):
                found.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert found == []


def test_snapshot_keys_come_from_the_section_declaration():
    engine_rows = {f.name for f in dataclasses.fields(Snapshot)} - {"record", "sections", "answered"}
    assert set(ROW_KEYS) == engine_rows == set(ROW_MODELS)
    assert list(ROW_MODELS) == list(ROW_KEYS)
    declared = {s.key for s in SECTIONS}
    assert set(SNAPSHOT_KEYS.values()) <= declared
    assert set(SNAPSHOT_KEYS) == {"record"} | set(SECTION_RELATIONS) | set(ROW_MODELS)
    for key, relation in SECTION_RELATIONS.items():  # each one-per-record section is read through its relation
        assert next(s for s in SECTIONS if s.key == key).model._meta.model_name == relation
