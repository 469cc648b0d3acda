#!/usr/bin/env bash
# Install Docket into ./.venv and run it.
#   ./setup.sh demo   set up on SQLite, load the example campaign, serve it
#   ./setup.sh test   install what the tests need (system packages too) and run them all
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-demo}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  # Installs the Debian packages given that are not installed yet.
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

usable_python() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

find_python() {
  # Django 6 needs Python 3.12 or newer: take the newest one found.
  local candidate
  for candidate in "${DOCKET_PYTHON:-}" python3.14 python3.13 python3.12 python3 \
      "$HOME"/.pyenv/versions/3.1[4-9]*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
      "$HOME"/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[2-9]; do
    [ -n "$candidate" ] && usable_python "$candidate" && { command -v "$candidate"; return 0; }
  done
  return 1
}

install_python_env() {
  local python
  if [ ! -x .venv/bin/python ] || ! usable_python .venv/bin/python; then
    python=$(find_python) || { apt_install python3 python3-venv; python=$(find_python); } || {
      echo "Docket needs Python 3.12 or newer (Django 6); none was found. Set DOCKET_PYTHON to one." >&2
      exit 1
    }
    log "creating .venv with $python"
    rm -rf .venv
    "$python" -m venv .venv
  fi
  log "installing Python packages into .venv"
  if ! { .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"; } >.venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "installing the Python packages failed (log above, kept in .venv/install.log)" >&2
    exit 1
  fi
}

case "$mode" in
  demo)
    apt_install libmagic1 tesseract-ocr tesseract-ocr-eng
    install_python_env
    exec .venv/bin/docket demo "${@:2}"
    ;;
  test)
    # pdfinfo/pdftoppm check the PDFs; Chromium runs the browser and accessibility tests;
    # Tesseract reads scans; Dovecot is the IMAP server the intake tests read from.
    apt_install poppler-utils chromium tesseract-ocr tesseract-ocr-eng dovecot-imapd libmagic1
    command -v npm >/dev/null || apt_install nodejs npm
    install_python_env
    # CPython's own email samples are the intake robustness corpus; Debian ships them apart.
    if ! .venv/bin/python -c "import test.test_email" 2>/dev/null; then
      apt_install "libpython3.$(.venv/bin/python -c 'import sys; print(sys.version_info.minor)')-testsuite"
    fi
    log "installing axe-core (accessibility checks) into node_modules"
    npm install --no-audit --no-fund --silent >/dev/null
    exec bash scripts/run-tests "${@:2}"
    ;;
  *)
    echo "usage: ./setup.sh demo | test" >&2
    exit 2
    ;;
esac
