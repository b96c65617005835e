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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import BuildError, Problem
from ..formats.escape import safe_url, url_path, url_query
from ..load.loader import Document, escape_pointer
from ..model import Program
from ..model.json import JsonObject, JsonValue

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


def defaults(program: Program) -> JsonObject:
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


def merge(base: Mapping[str, JsonValue], over: Mapping[str, JsonValue]) -> JsonObject:
    """Mappings merge key by key; anything else in ``over`` replaces the base value."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        current = out.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            out[key] = merge(current, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def mkdocs_config(program: Program, overrides: Mapping[str, JsonValue], nav: Sequence[tuple[str, str]],
                  extra_pages: list[str], docs: Path, sources: Path, doc: Document | None = None) -> JsonObject:
    """The complete mkdocs.yml for a build, or BuildError listing every setting that is not allowed.

    ``nav`` is (title, path) of the generated pages (``render.NAV``), the owner's ``extra_pages``
    follow them; ``doc`` is site/mkdocs.yml as loaded, to give each refusal its line.
    """
    problems = [doc.locate(p) if doc is not None else p for p in _check(overrides, sources)]  # at the setting's line
    if problems:
        raise BuildError(sorted(problems))
    config = merge(defaults(program), overrides)
    if "nav" not in overrides:
        entries: list[JsonValue] = [{title: path} for title, path in nav]
        config["nav"] = entries + list(extra_pages)
    theme = config["theme"]
    assert isinstance(theme, dict)  # the default's, merged with a mapping (_check refuses any other theme)
    theme["name"], theme["font"] = "material", False  # no request to a font service, ever
    if "custom_dir" in theme:
        theme["custom_dir"] = str(_inside(sources, str(theme["custom_dir"])))
    css = [c for c in _listed(config.get("extra_css")) if c != "assets/rmcode/rmcode.css"]
    js = [j for j in _listed(config.get("extra_javascript")) if j != "assets/rmcode/rmcode.js"]
    config["extra_css"] = ["assets/rmcode/rmcode.css", *css]
    config["extra_javascript"] = ["assets/rmcode/rmcode.js", *js]
    config["markdown_extensions"] = [_pin_snippets(e, sources) for e in _listed(config.get("markdown_extensions"))]
    config |= {"docs_dir": str(docs), "use_directory_urls": False, "strict": True}
    return config


def _listed(value: JsonValue) -> list[JsonValue]:
    """A list setting (absent or empty: none); _check has refused one of another shape."""
    return value if isinstance(value, list) else []


def _is_list_of(*kinds: type) -> Callable[[JsonValue], bool]:
    return lambda value: isinstance(value, list) and all(isinstance(v, kinds) for v in value)


def _one_key(value: JsonValue) -> bool:
    return isinstance(value, str) or (isinstance(value, Mapping) and len(value) == 1)


def _script(value: JsonValue) -> bool:
    return isinstance(value, str) or (isinstance(value, Mapping) and isinstance(value.get("path"), str))


# settings rmcode reads or merges itself, with the shape they must have: anything else would
# fail deep inside mkdocs or a theme template instead of with a message naming the setting
SHAPES: Mapping[tuple[str, ...], tuple[Callable[[JsonValue], bool], str]] = {
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
    ("markdown_extensions",): (lambda v: isinstance(v, list) and all(_one_key(e) for e in v),
                               "a list of extension names or {name: options}"),
}


def _shape(over: Mapping[str, JsonValue]) -> list[Problem]:
    found = []
    for keys, (fits, shape) in SHAPES.items():
        parent = _parent(over, keys)
        if keys[-1] in parent and not fits(parent[keys[-1]]):
            found.append(_problem(f"{'.'.join(keys)} must be {shape}, not {str(parent[keys[-1]])[:60]!r}",
                                  pointer="/" + "/".join(keys)))
    return found


def _parent(over: Mapping[str, JsonValue], keys: tuple[str, ...]) -> Mapping[str, JsonValue]:
    parent: Mapping[str, JsonValue] | JsonValue = over
    for key in keys[:-1]:
        parent = parent.get(key) if isinstance(parent, Mapping) else None
    return parent if isinstance(parent, Mapping) else {}


def _check(over: Mapping[str, JsonValue], sources: Path) -> list[Problem]:
    shape = _shape(over)
    if shape:
        return shape  # the checks below rely on the shapes
    found = [_problem(f"{key} is not allowed: {why}", pointer=f"/{key}") for key, why in FORBIDDEN_KEYS.items()
             if key in over]
    plugins = over.get("plugins", []) or []
    for index, plugin in enumerate(plugins if isinstance(plugins, (list, dict)) else []):  # the shapes _shape allows
        name = next(iter(plugin)) if isinstance(plugin, Mapping) else str(plugin)
        if name not in ALLOWED_PLUGINS:
            where = f"/plugins/{escape_pointer(name)}" if isinstance(plugins, Mapping) else f"/plugins/{index}"
            found.append(_problem(f"plugin {name!r} is not allowed; allowed: {', '.join(sorted(ALLOWED_PLUGINS))}",
                                  "plugins that download, post or run code would break the offline site", where))
    found += _extension_problems(_listed(over.get("markdown_extensions")), sources)
    for key in ("extra_css", "extra_javascript"):
        for index, entry in enumerate(_listed(over.get(key))):
            path = str(entry.get("path", "")) if isinstance(entry, Mapping) else str(entry)
            if urlsplit(path).scheme or path.startswith("//"):
                found.append(_problem(f"{key}: {path} is remote; the site loads nothing from other servers",
                                      "copy the file into site/docs/ and give its relative path", f"/{key}/{index}"))
    theme = over.get("theme", {})
    if isinstance(theme, Mapping) and theme.get("font") not in (None, False):
        found.append(_problem("theme.font must stay false: web fonts come from Google's servers",
                              "use CSS with a font file copied into site/docs/", "/theme/font"))
    return found


def _problem(message: str, hint: str = "see docs/site.md", pointer: str = "") -> Problem:
    return Problem(WHERE, 0, 0, "RM806", message, hint, pointer)


# --- markdown_extensions: allowed by name, options checked ----------------------------------------
# Python-Markdown extensions run at build time with the builder's rights: one that reads files
# (pymdownx.snippets) could put any file of the build machine into a page and the search index,
# one that fetches (snippets' url_download, pymdownx.emoji's default CDN images) breaks the
# offline promise. Extensions not listed are refused; options are checked where they matter.

def _any_scalar_options(options: Mapping[str, JsonValue], sources: Path) -> list[tuple[str, str]]:
    return [(key, "must be text, a number or true/false") for key, value in options.items()
            if not isinstance(value, (str, int, float, bool)) and value is not None]


def _snippets(options: Mapping[str, JsonValue], sources: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    allowed = {"base_path", "check_paths", "dedent_subsections", "auto_append"}
    found += [(key, "is not allowed (allowed: " + ", ".join(sorted(allowed)) + ")") for key in options
              if key not in allowed]
    paths = options.get("base_path", [])
    for index, rel in enumerate([paths] if isinstance(paths, str) else paths if isinstance(paths, list) else [None]):
        if not isinstance(rel, str) or not _within(sources, rel):
            found.append((f"base_path/{index}" if isinstance(paths, list) else "base_path",
                          f"{str(rel)[:60]!r} must be a folder inside site/, given relative to site/"))
    return found


def _within(base: Path, rel: str) -> bool:
    if not rel or rel.startswith(("/", "~")) or "\\" in rel or urlsplit(rel).scheme:
        return False
    path = (base / rel).resolve()
    return path == base.resolve() or base.resolve() in path.parents


OptionCheck = Callable[[Mapping[str, JsonValue], Path], list[tuple[str, str]]]
ALLOWED_EXTENSIONS: Mapping[str, OptionCheck] = {
    **dict.fromkeys(("abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
                     "sane_lists", "smarty", "toc", "pymdownx.details", "pymdownx.highlight",
                     "pymdownx.inlinehilite", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist",
                     "pymdownx.mark", "pymdownx.caret", "pymdownx.tilde", "pymdownx.keys", "pymdownx.betterem",
                     "pymdownx.smartsymbols", "pymdownx.critic"), _any_scalar_options),
    "pymdownx.snippets": _snippets,
}
_STDLIB_PREFIX = "markdown.extensions."


def _extension_problems(entries: list[JsonValue], sources: Path) -> list[Problem]:
    found = []
    for index, entry in enumerate(entries):
        name, options = next(iter(entry.items())) if isinstance(entry, Mapping) else (str(entry), None)
        name = str(name)
        short = name.removeprefix(_STDLIB_PREFIX)
        where = f"/markdown_extensions/{index}" + (f"/{escape_pointer(name)}" if isinstance(entry, Mapping) else "")
        check = ALLOWED_EXTENSIONS.get(short)
        if check is None:
            found.append(_problem(f"markdown extension {name!r} is not allowed",
                                  "allowed: " + ", ".join(sorted(ALLOWED_EXTENSIONS)) + "; see docs/site.md", where))
        elif options is not None and not isinstance(options, Mapping):
            found.append(_problem(f"markdown extension {name!r}: the options must be a mapping", pointer=where))
        else:
            found += [_problem(f"markdown extension {name!r}: option {key.split('/')[0]} {why}",
                               pointer=f"{where}/{key}")
                      for key, why in check(options if isinstance(options, Mapping) else {}, sources)]
    return found


def _pin_snippets(entry: JsonValue, sources: Path) -> JsonValue:
    """pymdownx.snippets with its base paths made absolute inside site/ (default: site/ itself).

    Relative base paths would be read from wherever mkdocs runs; restrict_base_path (on by
    default, and not an allowed option) keeps every include inside them.
    """
    name, options = next(iter(entry.items())) if isinstance(entry, Mapping) else (str(entry), None)
    if str(name).removeprefix(_STDLIB_PREFIX) != "pymdownx.snippets":
        return entry
    pinned = dict(options) if isinstance(options, Mapping) else {}
    paths = pinned.get("base_path", ["."])
    # _snippets has checked them: one path or a list of paths, inside site/
    listed = [paths] if isinstance(paths, str) else _listed(paths)
    pinned["base_path"] = [str((sources / str(p)).resolve()) for p in listed]
    pinned["restrict_base_path"], pinned["url_download"] = True, False
    return {name: pinned}


def _inside(base: Path, rel: str) -> Path:
    path = (base / rel).resolve()
    if path != base.resolve() and base.resolve() not in path.parents:
        raise BuildError([_problem(f"theme.custom_dir {rel} is outside site/")])
    return path


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """Where the program's repository lives, for the links on the join and log pages."""

    repository: str | None = None  # "owner/name"
    branch: str = "main"
    github_url: str = "https://github.com"

    def repo_url(self) -> str | None:
        if not self.repository:
            return None
        return safe_url(f"{self.github_url.rstrip('/')}/{url_path(self.repository)}")

    def new_file_page(self) -> str | None:
        """GitHub's page for a new file on the program's branch (the in-page form adds the query)."""
        base = self.repo_url()
        return None if base is None else f"{base}/new/{url_path(self.branch)}"

    def new_file_url(self, filename: str, value: str) -> str | None:
        page = self.new_file_page()
        return None if page is None else f"{page}?filename={url_query(filename)}&value={url_query(value)}"

    def issue_form_url(self, template: str) -> str | None:
        base = self.repo_url()
        return None if base is None else f"{base}/issues/new?template={url_query(template)}"


def settings_from(overrides: Mapping[str, JsonValue], remote: str | None) -> SiteSettings:
    """Where the repository is: ``extra.rmcode`` in site/mkdocs.yml, else the GitHub ``origin`` remote."""
    extra = overrides.get("extra", {}) or {}
    ours = extra.get("rmcode", {}) if isinstance(extra, Mapping) else {}
    ours = ours if isinstance(ours, Mapping) else {}
    repository = ours.get("repository")
    if repository is None and remote:
        found = _GITHUB_REMOTE.match(remote)
        repository = found.group(1) if found else None
    if repository is not None and not (isinstance(repository, str) and _REPOSITORY.fullmatch(repository)):
        raise BuildError([_problem(f"extra.rmcode.repository must look like owner/name, not {repository!r}")])
    return SiteSettings(repository=repository, branch=str(ours.get("branch", "main")),
                        github_url=str(ours.get("github_url", "https://github.com")))
