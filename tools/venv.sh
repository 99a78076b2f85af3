#!/usr/bin/env bash
# Creates (or reuses) the project's virtual environment .venv and installs the project into it with
# the extras given as arguments (e.g. `app` or `app,dev`). Works on a fresh Debian 12 or Ubuntu 24.04,
# whose system Python refuses pip (PEP 668): when the venv module is missing it installs Debian's
# python3-venv with apt-get (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-app}"

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python ≥ 3.11 is needed (found $(python3 --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    PYV="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "python${PYV}-venv" >/dev/null \
      || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  fi
fi

.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[${EXTRAS}]"
