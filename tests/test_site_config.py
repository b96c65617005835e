"""site/mkdocs.yml's markdown_extensions: allowed by name, options checked, refusals at their line.

A Python-Markdown extension runs at build time with the builder's rights: pymdownx.snippets
with ``base_path: ["/"]`` would put any file of the build machine into a page and the search
index. The pure checks run on loaded documents; one real build shows the refusal through the
CLI and one shows an allowed snippets include staying inside site/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import commit_all, git, mini_files, run, write_files

from rmcode import api
from rmcode.errors import BuildError
from rmcode.load.loader import load_bytes
from rmcode.model import ProgramData
from rmcode.site.config import ALLOWED_EXTENSIONS, mkdocs_config
from rmcode.site.render import NAV

# popular extensions that read files, fetch URLs, load other code or are simply not vetted
REFUSED = ["pymdownx.b64", "pymdownx.emoji", "pymdownx.magiclink", "pymdownx.pathconverter",
           "pymdownx.arithmatex", "pymdownx.striphtml", "pymdownx.blocks.html", "markdown.extensions.meta",
           "codehilite", "wikilinks", "nl2br", "material.extensions.emoji", "markdown_include.include",
           "mdx_truly_sane_lists", "my_company.markdown_hooks", "../evil"]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> ProgramData:
    root = tmp_path_factory.mktemp("program")
    git(root, "init", "-q", "-b", "main")
    write_files(root, mini_files())
    commit_all(root, "program", "2026-03-01T12:00:00+00:00")
    return api.load_program(root)


def _refusals(program: object, text: str, sources: Path) -> list[str]:
    doc = load_bytes("site/mkdocs.yml", text.encode())
    with pytest.raises(BuildError) as caught:
        mkdocs_config(program.program, doc.data, NAV, [], sources / "docs", sources, doc)  # type: ignore[attr-defined]
    return [p.one_line() for p in caught.value.problems]


def test_every_extension_outside_the_allowed_list_is_refused_at_its_line(program: object, tmp_path: Path) -> None:
    text = "site_name: x\nmarkdown_extensions:\n  - admonition\n" + "".join(f"  - {name}\n" for name in REFUSED)
    allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
    assert _refusals(program, text, tmp_path) == [
        f"site/mkdocs.yml:{line}:5: RM806 markdown extension '{name}' is not allowed "
        f"(hint: allowed: {allowed}; see docs/site.md)"
        for line, name in enumerate(REFUSED, start=4)]


def test_an_extension_with_options_is_refused_at_its_line(program: object, tmp_path: Path) -> None:
    text = "markdown_extensions:\n  - toc:\n      permalink: true\n  - pymdownx.emoji:\n      emoji_index: x\n"
    [problem] = _refusals(program, text, tmp_path)
    assert problem.startswith("site/mkdocs.yml:4:5: RM806 markdown extension 'pymdownx.emoji' is not allowed")


@pytest.mark.parametrize(("options", "refusal"), [
    ("base_path: ['/']", ("4:19: RM806 markdown extension 'pymdownx.snippets': option base_path '/' must be a folder "
                         "inside site/, given relative to site/")),
    ("base_path: [docs, ../..]", ("4:25: RM806 markdown extension 'pymdownx.snippets': option base_path '../..' "
                                 "must be a folder inside site/, given relative to site/")),
    ("base_path: /etc", ("4:7: RM806 markdown extension 'pymdownx.snippets': option base_path '/etc' must be a "
                        "folder inside site/, given relative to site/")),
    ("base_path: ['~']", ("4:19: RM806 markdown extension 'pymdownx.snippets': option base_path '~' must be a "
                         "folder inside site/, given relative to site/")),
    ("url_download: true", ("4:7: RM806 markdown extension 'pymdownx.snippets': option url_download is not allowed "
                           "(allowed: auto_append, base_path, check_paths, dedent_subsections)")),
    ("restrict_base_path: false", ("4:7: RM806 markdown extension 'pymdownx.snippets': option restrict_base_path "
                                  "is not allowed (allowed: auto_append, base_path, check_paths, dedent_subsections)")),
    ("url_request_headers: {a: b}", ("4:7: RM806 markdown extension 'pymdownx.snippets': option url_request_headers "
                                    "is not allowed (allowed: auto_append, base_path, check_paths, "
                                    "dedent_subsections)")),
])
def test_snippets_options_that_reach_outside_site_are_refused(program: object, tmp_path: Path, options: str,
                                                               refusal: str) -> None:
    text = f"site_name: x\nmarkdown_extensions:\n  - pymdownx.snippets:\n      {options}\n"
    [problem] = _refusals(program, text, tmp_path)
    assert problem == f"site/mkdocs.yml:{refusal} (hint: see docs/site.md)"


@pytest.mark.parametrize(("text", "refusal"), [
    ("markdown_extensions: toc\n", ("1:1: RM806 markdown_extensions must be a list of extension names or "
                                   "{name: options}, not 'toc'")),
    ("markdown_extensions:\n  - toc: [1]\n", "2:5: RM806 markdown extension 'toc': the options must be a mapping"),
    ("markdown_extensions:\n  - toc: {permalink: [a]}\n",
     "2:11: RM806 markdown extension 'toc': option permalink must be text, a number or true/false"),
])
def test_extension_entries_of_the_wrong_shape_are_refused(program: object, tmp_path: Path, text: str,
                                                          refusal: str) -> None:
    [problem] = _refusals(program, text, tmp_path)
    assert problem == f"site/mkdocs.yml:{refusal} (hint: see docs/site.md)"


def test_snippets_base_paths_are_pinned_inside_site(program: object, tmp_path: Path) -> None:
    doc = load_bytes("site/mkdocs.yml", b"markdown_extensions:\n  - pymdownx.snippets\n  - admonition\n")
    config = mkdocs_config(program.program,  # type: ignore[attr-defined]
                           doc.data, NAV, [], tmp_path / "docs", tmp_path, doc)
    assert config["markdown_extensions"] == [
        {"pymdownx.snippets": {"base_path": [str(tmp_path.resolve())], "restrict_base_path": True,
                               "url_download": False}}, "admonition"]


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_files(root, {**mini_files(), **files})
    commit_all(root, "program", "2026-03-01T12:00:00+00:00")
    return root


def test_the_build_refuses_an_extension_with_file_and_line(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"site/mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - pymdownx.snippets:\n"
                                               "      base_path: ['/']\n"})
    result = run("build", "--root", str(root), "--out", str(tmp_path / "out"), "--as-of", "2026-03-01")
    assert (result.exit_code, result.output.splitlines()[0]) == (
        1, ("site/mkdocs.yml:4:19: RM806 markdown extension 'pymdownx.snippets': option base_path '/' must be a "
           "folder inside site/, given relative to site/"))
    assert not (tmp_path / "out" / "index.html").exists()


def test_snippets_include_files_from_site_and_nothing_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-OUTSIDE\n", encoding="utf-8")
    root = _repo(tmp_path, {
        "site/mkdocs.yml": "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snippets]\n",
        "site/snippets/note.md": "INCLUDED-FROM-SITE\n",
        "site/docs/about.md": (f"# About\n\n--8<-- \"note.md\"\n\n--8<-- \"{secret}\"\n\n"
                               "--8<-- \"../../program.yaml\"\n")})
    result = run("build", "--root", str(root), "--out", str(tmp_path / "out"), "--as-of", "2026-03-01")
    built = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "out").rglob("*")
                    if p.is_file() and p.suffix in (".html", ".json"))
    assert result.exit_code == 0, result.output
    assert "INCLUDED-FROM-SITE" in built
    assert "TOP-SECRET-OUTSIDE" not in built and "Junior colleagues mentor senior leaders" not in \
        (tmp_path / "out" / "about.html").read_text(encoding="utf-8")
