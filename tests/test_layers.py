"""The folders of nyttolib are layers: a module imports only from its own layer or lower ones.

Checked on the source (every import statement, also inside functions), so a lazy import that runs
upwards is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nyttolib"

# Lowest first. The base is the package's top-level modules; cli and __main__ compose everything.
LAYERS = {
    "base": 0,
    "assessment": 1,
    "storage": 2,
    "exports": 3,
    "survey": 4,
    "portfolio": 4,
    "process": 1,
    "checklists": 4,
    "app": 5,
    "serve": 6,
    "cli": 7,
    "__main__": 7,
}
WIDGETS = ("ipywidgets", "voila")


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "nyttolib" or len(parts) == 1:
        return "base"
    if parts[1] in LAYERS:
        return parts[1]
    return "base"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names if node.module == "nyttolib"]
    return found


def test_no_module_imports_a_higher_layer():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = layer_of(module_name(path))
        for name in imports(path):
            if name.startswith("nyttolib") and LAYERS[layer_of(name)] > LAYERS[own]:
                upward.append(f"{module_name(path)} ({own}) imports {name} ({layer_of(name)})")
    assert upward == []


def test_no_widget_import_below_app():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if LAYERS[layer_of(module_name(path))] >= LAYERS["app"]:
            continue
        found += [f"{module_name(path)} imports {n}" for n in imports(path) if n.split(".")[0] in WIDGETS]
    assert found == []


def test_the_checker_sees_an_upward_import(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from nyttolib.app.fields import Field\n")
    assert "nyttolib.app.fields" in imports(source)
    assert LAYERS[layer_of("nyttolib.app.fields")] > LAYERS[layer_of("nyttolib.assessment.model")]
