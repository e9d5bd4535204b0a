#!/usr/bin/env bash
# Checks the Debian packages the PDF renderer (WeasyPrint) needs; installs missing ones with
# apt-get when running as root, otherwise says exactly what to install.
# With --test, also the browser the tests open output/preview.html in (the build never needs
# it; without root its tests are skipped).
set -euo pipefail

required=(
  libpango-1.0-0        # text layout
  libpangoft2-1.0-0     # fonts for pango
  libharfbuzz0b         # text shaping
  libharfbuzz-subset0   # fast font subsetting (WeasyPrint falls back to slow fontTools without it)
  fontconfig
  fonts-dejavu-core     # a font with wide coverage, so PDFs look the same everywhere
)
optional=(poppler-utils)  # pdftoppm/pdftotext, to look at PDFs as images and text
if [[ "${1:-}" == --test ]]; then
  optional+=(chromium)  # headless, driven by Playwright in tests/test_preview.py
fi

installed() {
  if command -v dpkg-query >/dev/null 2>&1; then
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
  else
    ldconfig -p 2>/dev/null | grep -q "${1%%[0-9.-]*}"
  fi
}

missing=()
for package in "${required[@]}"; do installed "$package" || missing+=("$package"); done
extras=()
for package in "${optional[@]}"; do installed "$package" || extras+=("$package"); done

if [[ ${#missing[@]} -eq 0 && ( ${#extras[@]} -eq 0 || $(id -u) -ne 0 ) ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]} ${extras[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" "${extras[@]}" >/dev/null
  exit 0
fi
for package in "${missing[@]}"; do echo "missing system package: $package"; done
echo "install them with: sudo apt-get install ${missing[*]}"
exit 1
