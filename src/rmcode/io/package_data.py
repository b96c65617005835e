"""Reading rmcode's own packaged data by name: the site's assets, the schemas and module sources
the validation cache is keyed by (through ``importlib.resources``, so it works from a wheel too).

rmcode.io.files reads the rest (``read_package_text``, ``package_tree``: schemas' text, the init
template); Jinja's ``PackageLoader`` reads the site templates on its own.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = "rmcode"
SCHEMAS = "schemas"  # <name>.schema.json
SITE_TEMPLATES = "site/templates"  # Jinja templates of the site's pages
SITE_ASSETS = "site/templates/assets"  # CSS and JS copied into every built site
INIT_TEMPLATE = "init/template"  # the files of a new program repository


def _folder(rel: str) -> Traversable:
    node = resources.files(PACKAGE)
    for part in rel.split("/"):
        node = node / part
    return node


def schema_files() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every shipped schema, by name."""
    return [(path.name, path.read_bytes()) for path in sorted(_folder(SCHEMAS).iterdir(), key=lambda p: p.name)]


def asset_text(name: str) -> str:
    """The text of one of the site's assets (``rmcode.css``, ...)."""
    return (_folder(SITE_ASSETS) / name).read_text(encoding="utf-8")


def module_sources() -> list[tuple[str, bytes]]:
    """(path under the package, source) of every module of rmcode, subpackages included, by path."""
    return sorted(_modules(resources.files(PACKAGE), ""))


def _modules(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in folder.iterdir():
        if entry.name.endswith(".py"):
            found.append((prefix + entry.name, entry.read_bytes()))
        elif entry.is_dir() and entry.joinpath("__init__.py").is_file():
            found.extend(_modules(entry, f"{prefix}{entry.name}/"))
    return found
