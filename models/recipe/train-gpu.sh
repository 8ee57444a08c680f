#!/usr/bin/env bash
# The size study in one call on one CUDA GPU: several configurations train side by side for a fixed time, each keeping
# its best weights by held-out story loss (8-bit .npz, a minute at the most between improvements) in $OUT, which
# export.py reads here. The encoded corpora travel in models/build/gpu/ (prepared by: npm run model:gpu-data).
#
#   bash models/recipe/train-gpu.sh sizes|tales [MINUTES]       on the GPU machine, OUT set to the folder to bring back
#
# sizes: three sizes on stories and comments, and the middle one with the tales as a third genre;
# tales: three sizes with the tales, with more dropout for the larger ones.
set -euo pipefail
cd "$(dirname "$0")"
study=${1:?sizes or tales}
minutes=${2:-5}
data=../build/gpu
out=${OUT:?OUT must name the folder to write results to}
nvidia-smi -L
export PYTHONUNBUFFERED=1
common="--minutes $minutes --steps 1000000 --eval-every 250 --checkpoint-minutes 1 --dtype bf16 --batch 64 --block 384 --warmup 200"
run() { # name corpus extra-args...
  local name=$1 corpus=$2
  shift 2
  python3 train.py $common --data "$data/$corpus" --out "/tmp/$name.pt" --best "$out/$name.npz" "$@" >"$out/$name.log" 2>&1 &
}
M="--n-layer 6 --d-model 320 --n-head 8 --n-kv-head 4 --d-ff 864"
L="--n-layer 7 --d-model 384 --n-head 6 --n-kv-head 3 --d-ff 1024"
if [ "$study" = sizes ]; then
  run S stories --lr 3e-3 --dropout 0.05
  run M stories --lr 2e-3 --dropout 0.1 $M
  run L stories --lr 1.5e-3 --dropout 0.15 $L
  run M-tales tales --lr 2e-3 --dropout 0.1 $M
else
  run S-tales tales --lr 3e-3 --dropout 0.1
  run M-tales-d2 tales --lr 2e-3 --dropout 0.2 $M
  run L-tales-d2 tales --lr 1.5e-3 --dropout 0.2 $L
  run L-tales-d3 tales --lr 1.5e-3 --dropout 0.3 $L
fi
wait
for f in "$out"/*.log; do echo "== $f"; grep -E '"best"|parameters' "$f" || tail -3 "$f"; done
