"""Weights stored in 8 bits: every matrix as int8 rows with one float32 scale per row; vectors (the norms) as float32.

The site's download is the model folder, so weights are stored this way and widened to float32 when the model loads
(export.py writes them into the ONNX file as int8 initializers followed by Cast and Mul, which onnxruntime's constant
folding computes once at load, unlike DequantizeLinear, which it leaves to run at every step).
"""
import json
import os

import numpy as np
import torch


def quantize_state(state):
    """A state dict as numpy arrays: `name` int8 with `name.scale` per row for matrices, float32 otherwise."""
    out = {}
    for name, t in state.items():
        w = t.detach().float().cpu().numpy()
        if w.ndim == 2:
            scale = np.maximum(np.abs(w).max(axis=1, keepdims=True), 1e-12) / 127.0
            out[name] = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            out[name + '.scale'] = scale.astype(np.float32)
        else:
            out[name] = w.astype(np.float32)
    return out


def dequantize_state(arrays):
    """The float32 state dict that the quantized arrays stand for."""
    state = {}
    for name in arrays:
        if name.endswith('.scale'):
            continue
        w = arrays[name]
        if w.dtype == np.int8:
            w = w.astype(np.float32) * arrays[name + '.scale']
        state[name] = torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32))
    return state


def save_quantized(state, path, meta):
    """Writes the quantized weights and a JSON string of metadata (config, step, log) in one .npz, atomically."""
    tmp = path + '.tmp.npz'
    np.savez(tmp, __meta__=np.array(json.dumps(meta)), **quantize_state(state))
    os.replace(tmp, path)


def load_quantized(path):
    """(float32 state dict, metadata) from a file save_quantized wrote."""
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files if k != '__meta__'}
        meta = json.loads(str(f['__meta__']))
    return dequantize_state(arrays), meta
