"""The documentation site covers the whole public API and every example."""

import pathlib
import re

import gansampler
from gansampler import dask, exceptions, metrics, plotting

DOCS = pathlib.Path(__file__).parents[1] / "docs"
EXAMPLES = pathlib.Path(__file__).parents[1] / "examples"


def documented_names():
    """Fully qualified names listed by the API reference's autosummaries."""
    names, module = set(), "gansampler"
    for line in (DOCS / "api.rst").read_text().splitlines():
        if match := re.match(r"\.\. currentmodule:: ([\w.]+)", line):
            module = match.group(1)
        elif match := re.match(r"   (\w+)$", line):
            names.add(f"{module}.{match.group(1)}")
    return names


def test_every_public_name_is_in_the_api_reference():
    public = {
        f"gansampler.{name}"
        for name in gansampler.__all__
        if name not in {"__version__", "dask", "exceptions", "metrics"}
    }
    for module in (dask, exceptions, metrics, plotting):
        public |= {f"{module.__name__}.{name}" for name in module.__all__}
    assert public == documented_names()


def test_the_gallery_runs_every_example():
    conf = (DOCS / "conf.py").read_text()
    pattern = re.search(r'"filename_pattern": r"([^"]+)"', conf).group(1)
    for example in EXAMPLES.glob("*.py"):
        assert re.search(pattern, f"/{example.name}"), example.name


def test_every_page_is_in_a_table_of_contents():
    # sg_execution_times is written by the gallery build.
    pages = {p.stem for p in DOCS.glob("*.rst")} - {"index", "sg_execution_times"}
    listed = set()
    for page in DOCS.glob("*.rst"):
        text = page.read_text()
        for block in re.findall(r"\.\. toctree::\n((?:   .*\n|\n)+)", text):
            listed |= {line.strip() for line in block.splitlines()}
    assert pages <= listed
