"""Import contracts of the package layout, read from the source with ``ast`` (nothing is imported):
no import cycle between matnlp modules (lazy imports inside functions and ``TYPE_CHECKING`` blocks count),
inference never reaches training code, lower stages never import higher ones, and tests and scripts import
only ``matnlp.*``, never each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "matnlp"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """The matnlp modules one module imports, at any depth (``if TYPE_CHECKING:`` blocks too); a matnlp name
    that is no module is kept too, so that :func:`test_every_import_resolves` finds it."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{a.name}" for a in node.names} & MODULES.keys()
            found |= submodules
            if len(submodules) < len(node.names):  # names from the module itself, not only its submodules
                found.add(target)
        stack.extend(ast.iter_child_nodes(node))
    return {name for name in found if name.split(".")[0] == "matnlp" and name != module}


IMPORTS = {
    name: _imports(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
    for name, path in MODULES.items()
}
GRAPH = {name: {w for w in targets if w in MODULES} for name, targets in IMPORTS.items()}


def test_every_import_resolves():
    """A moved module leaves no import of its old name behind, lazy ones inside functions included."""
    assert {(m, w) for m, targets in IMPORTS.items() for w in targets if w not in MODULES} == set()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for w in GRAPH[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def test_graph_is_read_from_the_real_package():
    assert len(MODULES) > 40
    assert "matnlp.text.tokenize" in GRAPH["matnlp.pipeline"]
    assert "matnlp.pipeline" in GRAPH["matnlp.runner"]


def test_no_import_cycle_between_matnlp_modules():
    assert _cycles(GRAPH) == []


def test_cycle_finder_reports_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


TRAINING = {"matnlp.ner.train", "matnlp.ner.train_lstm", "matnlp.ner.pretrain"}


@pytest.mark.parametrize("module", ["matnlp.ner.predict", "matnlp.ner.ensemble", "matnlp.pipeline", "matnlp.spacy",
                                    "matnlp.runner"])
def test_inference_never_imports_training(module):
    assert module in GRAPH
    assert not (_reachable(module) & TRAINING)


# Each stage may import only stages before it in the data flow.
LOWER_STAGES = {
    "matnlp.chem": {"matnlp.ingest", "matnlp.corpus", "matnlp.extractors", "matnlp.ner", "matnlp.pipeline",
                    "matnlp.runner", "matnlp.records", "matnlp.embeddings"},
    "matnlp.text": {"matnlp.ingest", "matnlp.corpus", "matnlp.extractors", "matnlp.ner", "matnlp.pipeline",
                    "matnlp.runner", "matnlp.records", "matnlp.embeddings"},
    "matnlp.ingest": {"matnlp.corpus", "matnlp.extractors", "matnlp.ner", "matnlp.pipeline", "matnlp.runner",
                      "matnlp.records", "matnlp.embeddings"},
    "matnlp.extractors": {"matnlp.corpus", "matnlp.ner", "matnlp.pipeline", "matnlp.runner", "matnlp.records",
                       "matnlp.embeddings"},
    "matnlp.pipeline": {"matnlp.runner", "matnlp.cli"},
    "matnlp.confidence": {"matnlp.ner", "matnlp.records", "matnlp.pipeline", "matnlp.runner", "matnlp.corpus",
                          "matnlp.embeddings", "matnlp.cli"},
}


@pytest.mark.parametrize("stage", sorted(LOWER_STAGES))
def test_stages_import_only_earlier_stages(stage):
    members = [m for m in GRAPH if m == stage or m.startswith(stage + ".")]
    assert members
    bad = {(m, w) for m in members for w in GRAPH[m]
           if any(w == f or w.startswith(f + ".") for f in LOWER_STAGES[stage])}
    assert bad == set()


def test_no_module_shadows_a_public_name():
    """Importing a submodule binds its name on the package, so a module named like an API function replaces it."""
    import matnlp

    assert not {name.split(".")[1] for name in MODULES if name.count(".") >= 1} & set(matnlp.__all__)


def test_no_stage_imports_the_scorers_or_the_report():
    tools = ("matnlp.eval", "matnlp.report")
    users = [m for m in GRAPH if not m.startswith(tools + ("matnlp.cli",))]
    assert {(m, w) for m in users for w in GRAPH[m] if w.startswith(tools)} == set()


@pytest.mark.parametrize("folder", ["tests", "scripts"])
def test_tests_and_scripts_import_only_the_package(folder):
    offenders = []
    for path in sorted((ROOT / folder).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"spec_from_file_location"}:
                offenders.append(f"{path.name}: importlib file import")
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "sys.path.insert":
                offenders.append(f"{path.name}: sys.path.insert")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                offenders += [f"{path.name}: imports {n}" for n in names
                              if n.split(".")[0] in {"scripts", "benchlib", "mulms", "report", "fuzz", "conftest"}
                              or n.startswith("bench_")]
    assert offenders == []
