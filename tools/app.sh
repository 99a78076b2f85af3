#!/usr/bin/env bash
# The README's first command: installs the app into .venv, then serves it on http://localhost:8501
# (it opens on the newest shipped plan). Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/venv.sh app
exec .venv/bin/python -m streamlit run app/server.py "$@"
