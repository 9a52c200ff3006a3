# Sourced by scripts/run and scripts/test: make .venv hold this project as pyproject.toml says.
# Sets ROOT, VENV, PY. Re-installs only when pyproject.toml changed since the last install.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

ensure_venv() {
    local stamp="$VENV/.installed" want
    want=$(sha1sum <"$ROOT/pyproject.toml" | cut -d' ' -f1)
    if ! "$PY" -m pip --version >/dev/null 2>&1; then
        # Missing, or half made by a `python3 -m venv` that failed (no python3-venv): start over.
        echo "creating virtualenv in .venv"
        rm -rf "$VENV"
        "${ORIGIN_CI_PYTHON:-python3}" -m venv "$VENV" ||
            { rm -rf "$VENV"; echo "python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; return 1; }
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "installing triton-origin-ci and its dependencies into .venv (log: .venv/pip.log)"
        if ! { "$PY" -m pip install --upgrade pip && "$PY" -m pip install -e "$ROOT[test,postgres]"; } >"$VENV/pip.log" 2>&1; then
            tail -n 20 "$VENV/pip.log" >&2
            echo "pip install failed (whole log: .venv/pip.log)" >&2
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}

ensure_system_tools() {  # git (build checkouts) and curl (health checks), from Debian if missing
    command -v git >/dev/null && command -v curl >/dev/null && return
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "please install git and curl (Debian: sudo apt-get install git curl)" >&2
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git curl >/dev/null
}
