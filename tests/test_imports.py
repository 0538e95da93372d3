"""The package's import graph: one way only, and torch only when needed."""

import ast
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import gansampler
from gansampler import GANSampler

PACKAGE = pathlib.Path(gansampler.__file__).parent


def _imports_of(path):
    """The package's modules that ``path`` imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "gansampler" and len(parts) > 1:
                names.add(parts[1])
    return names


def test_the_package_has_no_import_cycles():
    graph = {
        path.stem: _imports_of(path)
        for path in PACKAGE.glob("*.py")
        if path.stem not in ("__init__", "__main__")
    }
    visiting, done = [], set()

    def visit(module):
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting, module])
        visiting.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert "_sampler" in graph["_cli"] and "_cli" not in graph["_sampler"]


def test_importing_the_package_imports_no_torch():
    code = (
        "import sys, gansampler, gansampler.metrics, gansampler._params\n"
        "print('torch' in sys.modules, 'skorch' in sys.modules)\n"
        "gansampler.GANSampler\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "True"]


def test_loading_a_model_to_sample_imports_neither_sympy_nor_dynamo(tmp_path):
    # Each costs a second or so of a short command's start (gansampler
    # sample), and none of it is needed to build the networks and draw.
    path = tmp_path / "model.safetensors"
    X = np.random.default_rng(0).normal(size=(60, 2))
    GANSampler(max_epochs=1, random_state=0).fit(X).save(path)
    code = (
        "import sys, gansampler\n"
        f"gansampler.load({str(path)!r}).sample(5, random_state=0)\n"
        "print(sorted(m for m in ('sympy', 'torch._dynamo') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"


# What takes a while to import: none of it is needed to print help.
HEAVY = ("numpy", "pandas", "scipy", "skorch", "sklearn", "torch")


@pytest.mark.parametrize(
    "args",
    [None, ["--help"], ["demo", "--help"], ["fit", "--help"], ["sample", "-h"],
     ["evaluate", "--help"]],
)  # fmt: skip
def test_the_command_line_s_help_imports_neither_torch_nor_scikit_learn(args):
    code = (
        "import sys\n"
        "from gansampler._cli import main\n"
        f"args = {args!r}\n"
        "try:\n"
        "    if args is not None:\n"
        "        main(args)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"


def test_every_public_name_is_reachable():
    assert set(gansampler.__all__) <= set(dir(gansampler))
    for name in gansampler.__all__:
        assert getattr(gansampler, name) is not None
    # The plotting module, as the others; no private helper in dir().
    assert gansampler.plotting.plot_history
    assert "plotting" in dir(gansampler)
    assert not [name for name in dir(gansampler) if name.startswith("_")
                and name not in ("__version__", "__doc__", "__name__", "__file__",
                                 "__path__", "__package__", "__spec__", "__loader__",
                                 "__builtins__", "__cached__", "__all__")]  # fmt: skip
    try:
        gansampler.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def _is_private(name):
    return name.startswith("_") and not name.startswith("__")


def _private_names():
    """Each leading-underscore name that a gansampler module defines (a
    function, class, method or attribute), with the modules defining it."""
    owners = {}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = node.name
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                name = node.attr
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                name = node.id
            else:
                continue
            if _is_private(name):
                owners.setdefault(name, set()).add(path.stem)
    return owners


def test_no_module_reaches_into_another_modules_private_names():
    # Each module keeps its leading-underscore names to itself: another
    # module asks through public names. Private module names (_sampler),
    # _compat (the shims for scikit-learn's versions), and the private names
    # of scikit-learn, skorch and torch objects (_validate_params,
    # torch._foreach_lerp_) are not gansampler's to police here.
    owners = _private_names()
    offences = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module == "_compat":
                    continue
                offences += [
                    f"{path.stem}: from .{node.module} import {alias.name}"
                    for alias in node.names
                    if _is_private(alias.name)
                ]
            elif isinstance(node, ast.Attribute) and _is_private(node.attr):
                target = node.value
                if isinstance(target, ast.Name) and target.id in ("self", "cls"):
                    continue
                if isinstance(target, ast.Call) and getattr(target.func, "id", "") in (
                    "super",
                    "type",
                ):
                    continue
                defined_by = owners.get(node.attr, set())
                if defined_by and path.stem not in defined_by:
                    offences.append(f"{path.stem}:{node.lineno}: {ast.unparse(node)}")
    assert not offences, "\n".join(offences)
