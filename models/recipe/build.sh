#!/usr/bin/env bash
# The whole recipe, step by step: tagger → tagged corpus → tokenizer → tag vocabulary → training → ONNX export → evaluation.
#   npm run model:build [-- --corpora DIR]     (each step also runs alone: npm run model:<step>)
# Training resumes from models/build/ckpt.pt when one exists, so an interrupted build can be re-run.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run model:tagger -- "$@"
npm run model:corpus -- "$@"
npm run model:tokenizer
npm run model:vocabulary
npm run model:train -- --resume
npm run model:export
npm run model:eval
npm run model:card
