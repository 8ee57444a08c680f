#!/usr/bin/env bash
# The whole recipe, step by step: tagger → tagged corpus → tokenizer → tag vocabulary → training → ONNX export →
# evaluation → card.
#   npm run model:build [-- --corpora DIR]     (each step also runs alone: npm run model:<step>)
# Training resumes from models/build/ckpt.pt when one exists, so an interrupted build can be re-run. It keeps the
# weights with the best held-out story loss in models/build/best.npz, which the export reads. The shipped weights
# were trained by the same train.py on one GPU (models/recipe/train-gpu.sh tales, the M-tales-d2 run), bounded by
# time instead of steps; on two CPU cores the same configuration takes many hours.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run model:tagger -- "$@"
npm run model:corpus -- --tales "$@"
npm run model:tokenizer
npm run model:vocabulary
npm run model:train -- --resume --steps 4000 --eval-every 250 --batch 64 --block 384 --warmup 200 --lr 2e-3 \
  --dropout 0.2 --n-layer 6 --d-model 320 --n-head 8 --n-kv-head 4 --d-ff 864
npm run model:export
npm run model:eval
npm run model:card
