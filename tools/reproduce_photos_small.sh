#!/usr/bin/env bash
# Reproduce the shipped CPU-recipe models (checkpoints/photos-small/) from
# nothing: photo set, L1 models, GAN models (warm-started), published
# generator-only fp16 checkpoints, training logs, the table and metafile.
# As run for the shipped files on a 2-core CPU (about 2 h: the L1 models
# side by side, then the five GAN models side by side, one thread each).
#
#   bash tools/reproduce_photos_small.sh            # all steps
#   STEPS="publish table" bash tools/reproduce_photos_small.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
MIM=${MIM:-.venv/bin/mim}
C=configs/liifgan/small
OUT=checkpoints/photos-small
STEPS=${STEPS:-"data l1 gan publish table"}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=1

train() {  # train CONFIG_NAME... side by side, wait for all
  local pids=()
  for c in "$@"; do
    "$MIM" train mmagic "$C/$c.py" > "work_dirs/$c.out" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
}

mkdir -p work_dirs
for step in $STEPS; do
  case $step in
  data) "$PY" tools/prepare_photos.py data/photos ;;
  l1) train liif_edsr-c32b8_1xb8-2250it_photos \
        msrresnet_x4c32b8_1xb8-1500it_photos ;;
  gan) train liifgan_edsr-c32b8_1xb8-750it_photos \
         liifgan-s_edsr-c32b8_1xb8-750it_photos \
         liifgan-sf_edsr-c32b8_1xb8-750it_photos \
         liifgan-rgs-subpixel_edsr-c32b8_1xb8-750it_photos \
         msrresnetgan_x4c32b8_1xb8-750it_photos ;;
  publish)
    : > "$OUT/SHA256SUMS"
    mkdir -p "$OUT/logs"
    while read -r name cfg it; do
      w=work_dirs/$cfg
      "$PY" tools/publish_model.py --overwrite "$w/iter_$it.pth" "$OUT/$name.pth"
      (cd "$OUT" && sha256sum "$name.pth") >> "$OUT/SHA256SUMS"
      cp "$(ls -d "$w"/2*/ | tail -n 1)vis_data/scalars.json" \
        "$OUT/logs/$name.json"
    done <<'EOF'
liif liif_edsr-c32b8_1xb8-2250it_photos 2250
liifgan liifgan_edsr-c32b8_1xb8-750it_photos 750
liifgan-s liifgan-s_edsr-c32b8_1xb8-750it_photos 750
liifgan-sf liifgan-sf_edsr-c32b8_1xb8-750it_photos 750
liifgan-rgs-subpixel liifgan-rgs-subpixel_edsr-c32b8_1xb8-750it_photos 750
srresnet msrresnet_x4c32b8_1xb8-1500it_photos 1500
srresnet-gan msrresnetgan_x4c32b8_1xb8-750it_photos 750
EOF
    ;;
  table)
    OMP_NUM_THREADS=2 "$PY" tools/demo.py
    "$PY" tools/make_metafile.py work_dirs/demo/table/table.csv ;;
  *) echo "unknown step $step"; exit 2 ;;
  esac
done
