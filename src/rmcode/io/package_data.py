"""Reading rmcode's own packaged data: the JSON Schemas, the site's assets, the init template, the sources.

The one reader of files shipped inside the ``rmcode`` package (through ``importlib.resources``,
so it works from a wheel, a zip or a source checkout alike). Other modules ask for text by
name; none of them opens a package file itself. Jinja's ``PackageLoader`` reads the site
templates on its own and is the one exception.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def schema_text(name: str) -> str:
    """The JSON text of a shipped schema (``name`` as in SCHEMA_NAMES: ``program``, ``checkin``, ...)."""
    return (_folder(SCHEMAS) / f"{name}.schema.json").read_text(encoding="utf-8")


def schema_files() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every shipped schema, by name."""
    return [(path.name, path.read_bytes()) for path in sorted(_folder(SCHEMAS).iterdir(), key=lambda p: p.name)]


def asset_text(name: str) -> str:
    """The text of one of the site's assets (``rmcode.css``, ...)."""
    return (_folder(SITE_ASSETS) / name).read_text(encoding="utf-8")


def tree(rel: str) -> dict[str, Traversable]:
    """Every file below a package folder (``INIT_TEMPLATE``, ...): path inside it -> file, by path."""
    return dict(_walk(_folder(rel)))


def _walk(node: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        elif child.name != "__pycache__":
            yield rel, child


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
