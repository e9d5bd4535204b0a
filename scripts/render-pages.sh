#!/usr/bin/env bash
# Renders the README's pictures of the printed pack from a fresh build of source_notes/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python build.py --only cheatsheet,handouts >/dev/null
pdftoppm -png -r 70 -f 1 -l 1 -singlefile output/cheatsheet.pdf docs/images/cheatsheet-page
pdftoppm -png -r 70 -f 2 -l 2 -singlefile output/handouts/sequence-nlp.pdf docs/images/handout-page
