#!/bin/bash
# Issue 18's probes that need real `mim` subprocesses (the ones the
# in-process harness reliability_probes.py leaves to tests): prints rows of
# docs/reliability_probes.md. Run from the repository root with the venv
# active: bash tests/probes/reliability_probes_cli.sh  (~5 CPU minutes)
T=$(mktemp -d)
C=configs/liifgan/small
GAN=$T/liifgan_photos_test.py  # the small LIIF-GAN, tested on the val crops
cat > $GAN <<PY
_base_ = '$PWD/$C/liifgan_edsr-c32b8_1xb8-750it_photos.py'
test_dataloader = [_base_.val_dataloader]
test_evaluator = [_base_.val_evaluator]
PY
LIIF=$C/liif_edsr-c32b8_1xb8-2250it_photos.py
row() {  # case, command, exit, log: the child's last line before mim's
  local n last trace=''  # own "... not finished successfully" line
  n=$(grep -c '^Traceback' "$4")
  last=$(grep -v -e '^\s' -e Warning -e '^$' -e 'warnings.warn' -e pkg_resources -e 'not finished successfully' "$4" | tail -n 1 | cut -c1-200)
  [ "$n" -gt 0 ] && trace=' BAD (a traceback was printed)'
  echo "| $1 | \`$2\` | $3 | ${last//|/\\|}$trace |"
}
run() {  # case, then the command
  local case=$1; shift
  timeout 300 "$@" > "$T/log" 2>&1; row "$case" "$*" $? "$T/log"
}
echo '| case | command | exit | last line printed |'
echo '|---|---|---|---|'
run '3 SRResNet checkpoint to mim test' mim test mmagic $GAN --checkpoint checkpoints/photos-small/srresnet.pth
run '3 -SF checkpoint under the LIIF-GAN config' mim test mmagic $GAN --checkpoint checkpoints/photos-small/liifgan-sf.pth
run '3 stock mmagic LIIF (official) checkpoint to mim test' mim test mmagic $GAN --checkpoint checkpoints/official/liif_edsr-c64b16_official-div2k.pth
head -c 200000 checkpoints/photos-small/liifgan.pth > $T/torn.pth
run '7 truncated checkpoint to mim test' mim test mmagic $GAN --checkpoint $T/torn.pth
run '3 warm start from an SRResNet file' mim train mmagic $GAN --work-dir $T/ws --cfg-options model.generator.warm_start.checkpoint=checkpoints/photos-small/srresnet.pth train_cfg.max_iters=1
# two trainings in one work_dir, and SIGTERM to mim train
setsid mim train mmagic $LIIF --work-dir $T/two --cfg-options train_cfg.max_iters=400 > $T/first.log 2>&1 &
MIM=$!
for i in $(seq 60); do grep -q 'Iter(train)\|Checkpoints will be saved' $T/first.log && break; sleep 2; done
run '2 a second training in a live work_dir' mim train mmagic $LIIF --work-dir $T/two --cfg-options train_cfg.max_iters=400
CHILD=$(pgrep -P $MIM | head -n 1)  # the training child of mim
kill -TERM $MIM; sleep 15
if [ -n "$CHILD" ] && kill -0 $CHILD 2>/dev/null; then state="BAD: training child $CHILD still running"; kill -9 $CHILD
else state="mim and its training child ($CHILD) both stopped"; fi
echo "| 2 SIGTERM to mim train | \`kill -TERM <mim pid>\` | - | $state |"
rm -rf "$T"
