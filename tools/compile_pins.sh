#!/usr/bin/env bash
# Regenerate binder/requirements.txt: exact pins of everything the course needs
# (pyproject.toml's runtime dependencies + the `course` extra + binder/requirements.in),
# followed by a final `.` line that installs dlbasics itself from the repository.
#
# The pins are resolved with pip-tools' pip-compile on Python 3.11 (the oldest Python the
# pins must serve: developers and CI) and then checked to resolve on Python 3.12 (the Python
# of binder/runtime.txt). Resolving on 3.12 could pick releases that dropped 3.11.
#
# Usage:   tools/compile_pins.sh [pip-compile options, e.g. --upgrade]
# Env:     RESOLVE_PYTHON  interpreter to resolve with (default: python3.11)
#          CHECK_PYTHON    interpreter the pins are checked on (default: python3.12;
#                          CHECK_PYTHON= skips the check)
# Both are looked up on PATH, then among pyenv's versions.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# find_python 3.11 -> path of a working python3.11
find_python() {
    local minor="$1" v
    if "python$minor" -c 'import sys' >/dev/null 2>&1; then
        command -v "python$minor"
        return
    fi
    if command -v pyenv >/dev/null 2>&1; then
        for v in $(pyenv versions --bare 2>/dev/null | grep -E "^${minor//./\\.}(\\.|\$)" | sort -rV); do
            echo "$(pyenv root)/versions/$v/bin/python$minor"
            return
        done
    fi
    echo "error: Python $minor not found; set RESOLVE_PYTHON / CHECK_PYTHON" >&2
    return 1
}

resolve_python="${RESOLVE_PYTHON:-$(find_python 3.11)}"
check_python="${CHECK_PYTHON-$(find_python 3.12)}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "resolving with $("$resolve_python" -V)"
"$resolve_python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade "pip-tools>=7.4"

CUSTOM_COMPILE_COMMAND="tools/compile_pins.sh" \
"$work/venv/bin/pip-compile" \
    --quiet \
    --extra course \
    --strip-extras \
    --no-emit-index-url \
    --no-emit-find-links \
    --no-emit-trusted-host \
    --output-file binder/requirements.txt \
    "$@" \
    pyproject.toml binder/requirements.in

{
    echo
    echo "# dlbasics itself, from this repository (pip resolves '.' against the repository root)"
    echo "."
} >> binder/requirements.txt

if [[ -n "$check_python" ]]; then
    echo "checking the pins resolve on $("$check_python" -V)"
    "$check_python" -m venv "$work/check"
    grep -v '^\.$' binder/requirements.txt > "$work/pins.txt"
    if ! "$work/check/bin/python" -m pip install --quiet --dry-run --ignore-installed \
        -r "$work/pins.txt" >"$work/check.log" 2>&1; then
        grep -v '^WARNING: Location' "$work/check.log" >&2
        echo "error: the pins do not resolve on $("$check_python" -V)" >&2
        exit 1
    fi
fi

echo "wrote binder/requirements.txt ($(grep -c '==' binder/requirements.txt) pins)"
