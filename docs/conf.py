"""Sphinx configuration of the documentation site (`make docs`; warnings are errors).

Pages are Markdown (MyST); the API reference comes from the docstrings (autodoc), the command
line reference from each command's --help (programoutput), the validation pages from
benchmarks/results/ and the gallery from the notebooks, executed at build time (myst-nb)."""

from tradetarget import __version__

project = "tradetarget"
author = "the tradetarget developers"
release = version = __version__
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinxcontrib.programoutput"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_title = f"tradetarget {__version__}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
# The notebooks run once per build (they read the bundled data), each in a scratch folder.
nb_execution_mode = "force"
nb_execution_in_temp = True  # what a notebook writes (a scenario file) stays out of the tree
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_merge_streams = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
