"""The mkdocs configuration of the site: rmcode's defaults, the owner's overrides, the fixed rules. Pure.

A program owner customises the site in ``site/mkdocs.yml`` (name, palette, logo, extra
pages, CSS). A few settings are not theirs to change, because the generated pages or
the offline promise depend on them: no web fonts, no plugin that fetches or posts
anything, no remote scripts or styles, no ``repo_url`` (Material would call the GitHub
API from every reader's browser), plain ``.html`` URLs (generated pages link with
relative paths).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import BuildError, Problem
from .model import Program
from .render import NAV, SiteSettings

MARKER = ".rmcode-build"
WHERE = "site/mkdocs.yml"
ALLOWED_PLUGINS = frozenset({"search", "tags"})
FORBIDDEN_KEYS: Mapping[str, str] = {
    "repo_url": "Material fetches repository facts from the GitHub API in every reader's browser; "
                "set extra.rmcode.repository instead",
    "docs_dir": "rmcode writes the docs folder itself; put extra pages in site/docs/",
    "site_dir": "choose the output folder with `rmcode build --out DIR`",
    "hooks": "hooks run Python code from the repository at build time",
}
_GITHUB_REMOTE = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                            r"([A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?:\.git)?/?$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")


def defaults(program: Program) -> dict[str, Any]:
    return {
        "site_name": program.name,
        "site_description": f"{program.name} - {program.organisation}",
        "copyright": program.organisation,
        "theme": {
            "name": "material", "language": "en",
            "features": ["navigation.footer", "navigation.top", "search.highlight", "content.code.copy",
                         "toc.follow"],
            "palette": {"scheme": "default", "primary": "indigo", "accent": "indigo"},
        },
        "plugins": ["search"],
        "markdown_extensions": [
            "abbr", "admonition", "attr_list", "md_in_html", "tables", {"toc": {"permalink": True}},
            "pymdownx.details", {"pymdownx.highlight": {"anchor_linenums": False}}, "pymdownx.superfences",
        ],
        "extra_css": ["assets/rmcode/rmcode.css"],
        "extra_javascript": ["assets/rmcode/rmcode.js"],
        "extra": {"generator": False},
        "validation": {"links": {"absolute_links": "warn", "unrecognized_links": "warn", "anchors": "warn"}},
    }


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else in ``over`` replaces the base value."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def mkdocs_config(program: Program, overrides: Mapping[str, Any], extra_pages: list[str], docs: Path,
                  sources: Path) -> dict[str, Any]:
    """The complete mkdocs.yml for a build, or BuildError listing every setting that is not allowed."""
    problems = _check(overrides)
    if problems:
        raise BuildError(problems)
    config = merge(defaults(program), overrides)
    if "nav" not in overrides:
        config["nav"] = [{title: path} for title, path in NAV] + list(extra_pages)
    theme = config["theme"]
    theme["name"], theme["font"] = "material", False  # no request to a font service, ever
    if "custom_dir" in theme:
        theme["custom_dir"] = str(_inside(sources, str(theme["custom_dir"])))
    css = [c for c in config.get("extra_css", []) if c != "assets/rmcode/rmcode.css"]
    js = [j for j in config.get("extra_javascript", []) if j != "assets/rmcode/rmcode.js"]
    config["extra_css"] = ["assets/rmcode/rmcode.css", *css]
    config["extra_javascript"] = ["assets/rmcode/rmcode.js", *js]
    config |= {"docs_dir": str(docs), "use_directory_urls": False, "strict": True}
    return config


def _is_list_of(*kinds: type) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, list) and all(isinstance(v, kinds) for v in value)


def _one_key(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, Mapping) and len(value) == 1)


def _script(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, Mapping) and isinstance(value.get("path"), str))


# settings rmcode reads or merges itself, with the shape they must have: anything else would
# fail deep inside mkdocs or a theme template instead of with a message naming the setting
SHAPES: Mapping[tuple[str, ...], tuple[Callable[[Any], bool], str]] = {
    ("theme",): (lambda v: isinstance(v, Mapping), "a mapping"),
    ("theme", "features"): (_is_list_of(str), "a list of feature names"),
    ("theme", "palette"): (lambda v: isinstance(v, Mapping) or _is_list_of(Mapping)(v),
                           "a mapping or a list of mappings"),
    ("plugins",): (lambda v: isinstance(v, Mapping) or (isinstance(v, list) and all(_one_key(p) for p in v)),
                   "a list of plugin names or {name: options}"),
    ("extra_css",): (_is_list_of(str), "a list of paths"),
    ("extra_javascript",): (lambda v: isinstance(v, list) and all(_script(s) for s in v),
                            "a list of paths or {path: ...}"),
    ("extra",): (lambda v: isinstance(v, Mapping), "a mapping"),
}


def _shape(over: Mapping[str, Any]) -> list[Problem]:
    found = []
    for keys, (fits, shape) in SHAPES.items():
        parent = _parent(over, keys)
        if keys[-1] in parent and not fits(parent[keys[-1]]):
            found.append(_problem(f"{'.'.join(keys)} must be {shape}, not {str(parent[keys[-1]])[:60]!r}"))
    return found


def _parent(over: Mapping[str, Any], keys: tuple[str, ...]) -> Mapping[str, Any]:
    parent: Any = over
    for key in keys[:-1]:
        parent = parent.get(key) if isinstance(parent, Mapping) else None
    return parent if isinstance(parent, Mapping) else {}


def _check(over: Mapping[str, Any]) -> list[Problem]:
    shape = _shape(over)
    if shape:
        return shape  # the checks below rely on the shapes
    found = [_problem(f"{key} is not allowed: {why}") for key, why in FORBIDDEN_KEYS.items() if key in over]
    for plugin in over.get("plugins", []) or []:
        name = next(iter(plugin)) if isinstance(plugin, Mapping) else str(plugin)
        if name not in ALLOWED_PLUGINS:
            found.append(_problem(f"plugin {name!r} is not allowed; allowed: {', '.join(sorted(ALLOWED_PLUGINS))}",
                                  "plugins that download, post or run code would break the offline site"))
    for key in ("extra_css", "extra_javascript"):
        for entry in over.get(key, []) or []:
            path = entry.get("path", "") if isinstance(entry, Mapping) else str(entry)
            if urlsplit(path).scheme or path.startswith("//"):
                found.append(_problem(f"{key}: {path} is remote; the site loads nothing from other servers",
                                      "copy the file into site/docs/ and give its relative path"))
    theme = over.get("theme", {})
    if isinstance(theme, Mapping) and theme.get("font") not in (None, False):
        found.append(_problem("theme.font must stay false: web fonts come from Google's servers",
                              "use CSS with a font file copied into site/docs/"))
    return found


def _problem(message: str, hint: str = "see docs/site.md") -> Problem:
    return Problem(WHERE, 0, 0, "RM806", message, hint)


def _inside(base: Path, rel: str) -> Path:
    path = (base / rel).resolve()
    if path != base.resolve() and base.resolve() not in path.parents:
        raise BuildError([_problem(f"theme.custom_dir {rel} is outside site/")])
    return path


def settings_from(overrides: Mapping[str, Any], remote: str | None) -> SiteSettings:
    """Where the repository is: ``extra.rmcode`` in site/mkdocs.yml, else the GitHub ``origin`` remote."""
    extra = overrides.get("extra", {}) or {}
    ours = extra.get("rmcode", {}) if isinstance(extra, Mapping) else {}
    ours = ours if isinstance(ours, Mapping) else {}
    repository = ours.get("repository")
    if repository is None and remote:
        found = _GITHUB_REMOTE.match(remote)
        repository = found.group(1) if found else None
    if repository is not None and not _REPOSITORY.fullmatch(str(repository)):
        raise BuildError([_problem(f"extra.rmcode.repository must look like owner/name, not {repository!r}")])
    return SiteSettings(repository=repository, branch=str(ours.get("branch", "main")),
                        github_url=str(ours.get("github_url", "https://github.com")))
