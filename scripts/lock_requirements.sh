#!/usr/bin/env bash
# Regenerate requirements/workflows.txt: every package the GitHub workflows install, pinned
# with the hashes PyPI publishes, so a workflow holding a write token installs exactly what
# was reviewed (`pip install --require-hashes`). Run it after changing dependencies in
# pyproject.toml, or to take updates, and commit the result in a reviewed pull request.
# Dependabot (.github/dependabot.yml) proposes the same updates weekly.
#
#   python -m pip install pip-tools && scripts/lock_requirements.sh [--upgrade]
set -euo pipefail
cd "$(dirname "$0")/.."
# PyPI itself, whatever local mirrors or constraints this machine's pip is configured with.
env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
    python -m piptools compile --quiet --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
    --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
    --output-file requirements/workflows.txt "$@" pyproject.toml
