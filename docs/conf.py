"""Sphinx configuration: numpydoc API pages and a sphinx-gallery of the examples.

The build needs no network. Set GANSAMPLER_EXAMPLE_EPOCHS (e.g. to 3) to run
the gallery's examples on a short training budget.
"""

import gansampler

project = "gansampler"
author = "The gansampler developers"
copyright = "the gansampler developers"
release = gansampler.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
templates_path = ["_templates"]
# `name` in docstrings is code, as in scikit-learn's.
default_role = "literal"

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every example runs, not only the plot_ ones.
    "filename_pattern": r"/(plot_|dask_)",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"gansampler {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
}
html_static_path = []
