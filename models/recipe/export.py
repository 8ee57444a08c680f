"""Exports the best weights of a training run to ONNX in the layout transformers.js expects for a llama decoder with
KV cache, writes config.json / generation_config.json / training.json, and a fixture of PyTorch logits for the parity
test. Matrices are stored in 8 bits (quantize.py): int8 initializers widened by Cast and Mul, which onnxruntime folds
into float32 constants when the model loads, so decoding runs at full float32 speed.

    /usr/bin/python3 models/recipe/export.py [--weights models/build/best.npz] [--corpus models/build/corpus]
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from model import Config, LLaMA
from quantize import load_quantized
from tokenizer import MODEL_DIR, Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
# Our own prompts (no corpus text) for the logits fixture.
FIXTURE_PROMPTS = ['<story><happy>Once upon a time, a little fox found a red ball.<scared> It',
                   '<comment><angry><rude> What a stupid idea', '<story><neutral>The end.<|endoftext|><story>']


class CachedStep(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents = self.model.forward_cached(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for kv in presents for t in kv])


def share_tied_embedding(path):
    """The exporter folds the tied output projection into a transposed copy of the embedding (4 MB more).
    Point that MatMul back at the embedding through Gemm(transB=1), so the weight is stored once."""
    m = onnx.load(path)
    inits = {i.name: i for i in m.graph.initializer}
    embed = numpy_helper.to_array(inits['model.embed_tokens.weight'])
    for k, node in enumerate(m.graph.node):
        w = inits.get(node.input[1]) if node.op_type == 'MatMul' else None
        if w is not None and tuple(w.dims) == embed.T.shape and np.array_equal(numpy_helper.to_array(w), embed.T):
            gemm = helper.make_node('Gemm', [node.input[0], 'model.embed_tokens.weight'], list(node.output), name=node.name + '_tied', transB=1)
            m.graph.node.remove(node)
            m.graph.node.insert(k, gemm)
            m.graph.initializer.remove(w)
            onnx.save(m, path)
            return
    raise RuntimeError('tied output projection not found in the exported graph')


def store_in_8_bits(path):
    """Replaces every float32 matrix initializer by int8 values and float32 scales, widened by Cast and Mul.

    The weights come from quantize.py's 8-bit form already (one scale per output unit), so this is exact: a matrix a
    MatMul reads is stored [in, out] and gets one scale per column; the embedding (Gather, and the tied Gemm) one per
    row."""
    m = onnx.load(path)
    consumers = {}
    for node in m.graph.node:
        for k, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node.op_type, k))
    widened = []
    for init in list(m.graph.initializer):
        w = numpy_helper.to_array(init)
        if w.ndim != 2 or w.dtype != np.float32:
            continue
        by_column = all(op == 'MatMul' and k == 1 for op, k in consumers.get(init.name, []))
        scale = np.maximum(np.abs(w).max(axis=0 if by_column else 1, keepdims=True), 1e-12) / 127.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        m.graph.initializer.remove(init)
        m.graph.initializer.extend([numpy_helper.from_array(q, init.name + '_int8'),
                                    numpy_helper.from_array(scale.astype(np.float32), init.name + '_scale')])
        widened += [helper.make_node('Cast', [init.name + '_int8'], [init.name + '_wide'], to=onnx.TensorProto.FLOAT),
                    helper.make_node('Mul', [init.name + '_wide', init.name + '_scale'], [init.name])]
    nodes = widened + list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.save(m, path)


def write_training_summary(ck, folder):
    """What the model card quotes about training, taken from the run's own log."""
    args = ck['args']
    tokens_per_step = args['batch'] * args['block']
    rated = [e for e in ck['log'] if e.get('tokens_per_s')]
    summary = {
        'command': 'npm run model:train', 'steps': ck['step'], 'parameters': ck['params'], 'config': ck['config'],
        'hyperparameters': {k: args[k] for k in ('batch', 'block', 'lr', 'warmup', 'seed')},
        'tokens_seen': ck['step'] * tokens_per_step,
        # Each log entry covers 10 steps (held-out evaluations included), so this sums to the wall time.
        'wall_seconds_estimate': round(sum(10 * tokens_per_step / e['tokens_per_s'] for e in rated)),
        'best': ck.get('figures'),
        'trained_on': ck.get('trained_on', 'hardware not recorded'),
        'log': [e for e in ck['log'] if e['step'] % 100 == 0 or any(k.startswith('valid_') for k in e)],
    }
    with open(os.path.join(folder, 'training.json'), 'w') as f:
        json.dump(summary, f, indent=1)


def load(weights_path):
    state, meta = load_quantized(weights_path)
    model = LLaMA(Config(**meta['config']))
    model.load_state_dict(state)
    return model.eval(), meta


def empty_past(cfg, batch=1):
    return [torch.zeros(batch, cfg.n_kv_head, 0, cfg.head_dim) for _ in range(2 * cfg.n_layer)]


def run(step, ids, past):
    """One cached call, as transformers.js makes it: positions continue after the past."""
    past_len = past[0].shape[2]
    input_ids = torch.tensor([ids])
    mask = torch.ones(1, past_len + len(ids), dtype=torch.int64)
    positions = torch.arange(past_len, past_len + len(ids))[None]
    out = step(input_ids, mask, positions, *past)
    return out[0], list(out[1:]), (input_ids, mask, positions)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', default=os.path.join(HERE, '..', 'build', 'best.npz'))
    ap.add_argument('--model-dir', default=MODEL_DIR, help='the model folder (its tokenizer.json must be there)')
    ap.add_argument('--corpus', default=os.path.join(HERE, '..', 'build', 'corpus'),
                    help="its corpus.json is copied ('' copies none)")
    ap.add_argument('--fixture', default=os.path.join(HERE, 'fixtures', 'onnx-logits.json'),
                    help="where the PyTorch logits of the parity test go ('' writes none)")
    args = ap.parse_args()
    model, ck = load(args.weights)
    cfg = model.cfg
    step = CachedStep(model).eval()
    names_in = ['input_ids', 'attention_mask', 'position_ids']
    names_out = ['logits']
    dynamic = {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
               'position_ids': {0: 'batch_size', 1: 'sequence_length'}, 'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for i in range(cfg.n_layer):
        for kind in ('key', 'value'):
            names_in.append(f'past_key_values.{i}.{kind}')
            names_out.append(f'present.{i}.{kind}')
            dynamic[names_in[-1]] = {0: 'batch_size', 2: 'past_sequence_length'}
            dynamic[names_out[-1]] = {0: 'batch_size', 2: 'total_sequence_length'}
    past = [torch.randn(1, cfg.n_kv_head, 2, cfg.head_dim) for _ in range(2 * cfg.n_layer)]
    _, _, example = run(step, [5, 6, 7], past)
    os.makedirs(os.path.join(args.model_dir, 'onnx'), exist_ok=True)
    path = os.path.join(args.model_dir, 'onnx', 'model.onnx')
    with torch.no_grad():
        torch.onnx.export(step, (*example, *past), path, input_names=names_in, output_names=names_out,
                          dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)
    share_tied_embedding(path)
    store_in_8_bits(path)
    onnx.checker.check_model(path)
    if args.corpus:
        shutil.copy(os.path.join(args.corpus, 'corpus.json'), os.path.join(args.model_dir, 'corpus.json'))

    config = {
        'model_type': 'llama', 'architectures': ['LlamaForCausalLM'], 'vocab_size': cfg.vocab_size,
        'hidden_size': cfg.d_model, 'intermediate_size': cfg.d_ff, 'num_hidden_layers': cfg.n_layer,
        'num_attention_heads': cfg.n_head, 'num_key_value_heads': cfg.n_kv_head, 'head_dim': cfg.head_dim,
        'max_position_embeddings': cfg.max_len, 'rms_norm_eps': cfg.norm_eps, 'rope_theta': cfg.rope_theta,
        'hidden_act': 'silu', 'tie_word_embeddings': True, 'bos_token_id': None, 'eos_token_id': 0, 'pad_token_id': 0,
        'torch_dtype': 'float32', 'training_steps': ck['step'], 'parameters': ck['params'],
    }
    with open(os.path.join(args.model_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(args.model_dir, 'generation_config.json'), 'w') as f:
        json.dump({'eos_token_id': 0, 'pad_token_id': 0, 'max_length': cfg.max_len}, f, indent=2)

    write_training_summary(ck, args.model_dir)
    print(f'exported step {ck["step"]} to {path} ({os.path.getsize(path) / 1e6:.2f} MB)')
    if args.fixture:
        write_logits_fixture(step, cfg, ck, args.model_dir, args.fixture)


def write_logits_fixture(step, cfg, ck, model_dir, fixture):
    with open(os.path.join(model_dir, 'tokenizer.json'), encoding='utf-8') as f:
        saved = json.load(f)
    specials = [t['content'] for t in sorted(saved['added_tokens'], key=lambda t: t['id'])]
    tok = Tokenizer([tuple(m.split(' ')) for m in saved['model']['merges']], specials)
    cases = []
    with torch.no_grad():
        for prompt in FIXTURE_PROMPTS:
            ids = tok.encode(prompt)
            split = len(ids) // 2
            full, _, _ = run(step, ids, empty_past(cfg))
            _, present, _ = run(step, ids[:split], empty_past(cfg))
            cached, _, _ = run(step, ids[split:], present)
            # Every 16th vocabulary entry of every position keeps the fixture small and still catches any drift.
            cases.append({'ids': ids, 'split': split, 'stride': 16,
                          'logits': [[round(v, 6) for v in row[::16].tolist()] for row in full[0]],
                          'cachedLogits': [[round(v, 6) for v in row[::16].tolist()] for row in cached[0]]})
    with open(fixture, 'w') as f:
        json.dump({'checkpointStep': ck['step'], 'cases': cases}, f, separators=(',', ':'))
    assert len(specials) <= cfg.vocab_size


if __name__ == '__main__':
    main()
