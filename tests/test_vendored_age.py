"""The vendored age implementation of the Log a session page: pinned, licensed, and working.

age.js is built by scripts/vendor-age.sh from scripts/vendor-age/package-lock.json; these
tests keep the committed bundle, its licence file and the pins in step, and (where node is
installed) seal with the bundle and open the result with rmcode's own age binding.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rmcode.sealing import generate_identity, parse_identities, unseal
from rmcode.site.render import ASSETS

REPO = Path(__file__).resolve().parent.parent
ASSET_DIR = REPO / "src/rmcode/site/templates/assets"
LOCK = json.loads((REPO / "scripts/vendor-age/package-lock.json").read_text(encoding="utf-8"))


def _bundled() -> dict[str, str]:
    """name@path -> version of every runtime package the lockfile pins (esbuild is build-only)."""
    return {path: meta["version"] for path, meta in LOCK["packages"].items() if path and not meta.get("dev")}


def test_the_bundle_names_the_pinned_version() -> None:
    pinned = json.loads((REPO / "scripts/vendor-age/package.json").read_text(encoding="utf-8"))
    version = pinned["dependencies"]["age-encryption"]
    assert _bundled()["node_modules/age-encryption"] == version
    first = (ASSET_DIR / "age.js").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"/* age-encryption (typage) {version}"


def test_every_bundled_package_has_its_licence_beside_the_bundle() -> None:
    text = (ASSET_DIR / "age.LICENSE.txt").read_text(encoding="utf-8")
    sections = re.findall(r"^(\S+) (\S+) \((\S+)\)$", text, re.MULTILINE)
    assert sorted((name, version) for name, version, _ in sections) == sorted(
        (path.rsplit("node_modules/", 1)[1], version) for path, version in _bundled().items())
    assert ("age-encryption", "0.3.1", "BSD-3-Clause") in sections
    assert text.count("Permission is hereby granted") == len(sections) - 1  # MIT texts; typage is BSD
    assert "Redistributions of source code must retain the above copyright" in text


def test_the_site_ships_the_bundle_and_its_licence() -> None:
    assert {"age.js", "age.LICENSE.txt", "log-form.js"} <= set(ASSETS)


def test_the_bundle_seals_what_rmcode_opens(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the browser test drives the same bundle in Chromium)")
    secret, public = generate_identity()
    script = tmp_path / "seal.cjs"
    script.write_text(
        "const fs = require('fs');\n"
        f"const src = fs.readFileSync({json.dumps(str(ASSET_DIR / 'age.js'))}, 'utf8');\n"
        "const age = new Function(src + ';return rmcodeAge;')();\n"
        f"age.seal(JSON.stringify({{note: 'élan \"x\"'}}), [{json.dumps(public)}])"
        ".then((t) => process.stdout.write(t));\n", encoding="utf-8")
    armored = subprocess.run([node, str(script)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert armored.startswith("-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert unseal(armored, parse_identities(secret)) == {"note": 'élan "x"'}
