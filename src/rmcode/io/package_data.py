"""Reading rmcode's own packaged data, the one module that does: the schemas, the site's assets,
the init template, and the module sources the validation cache is keyed by (through
``importlib.resources``, so it works from a wheel too). Jinja's ``PackageLoader`` reads the
site templates on its own.
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


def package_tree(folder: str) -> dict[str, Traversable]:
    """The files below ``rmcode/<folder>`` (``init/template``, ...): path inside it -> file, sorted."""
    return dict(_walk(_folder(folder)))


def _walk(node: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        elif child.name != "__pycache__":
            yield rel, child


def read_package_text(file: Traversable | str) -> str:
    """The text of a file of package data: a Traversable, or a path below ``rmcode/``."""
    node = _folder(file) if isinstance(file, str) else file
    return node.read_text(encoding="utf-8")


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
