"""Trains model.LLaMA on the encoded corpus. Plain PyTorch: CPU or CUDA, one process or several under torchrun (DDP).

    /usr/bin/python3 models/recipe/train.py [--steps N] [--resume]          # this machine
    torchrun --nproc_per_node=2 models/recipe/train.py --backend gloo       # several processes

Deterministic for a given seed: batch k is drawn from a generator seeded by (seed, k, rank), so a run
resumed from a checkpoint continues exactly where it stopped. A checkpoint is written every few minutes.
Matrix work runs in bfloat16 under autocast (--dtype bf16) on CUDA and on CPUs with bf16 instructions.
The stories are few and a long run sees each many times, so held-out loss is measured as it goes and the weights
with the best held-out story loss are kept apart (--best, in 8 bits: quantize.py), which is what export.py ships.
"""
import argparse
import contextlib
import json
import math
import os
import platform
import time
from dataclasses import asdict

import numpy as np
import torch
import torch.distributed as dist

from model import Config, LLaMA
from quantize import save_quantized

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, '..', 'build')


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(BUILD, 'corpus'))
    ap.add_argument('--out', default=os.path.join(BUILD, 'ckpt.pt'))
    ap.add_argument('--best', default=os.path.join(BUILD, 'best.npz'), help='the best weights by held-out story loss')
    ap.add_argument('--best-on', default='story', help='the held-out genre whose loss picks the best weights')
    ap.add_argument('--dtype', choices=['bf16', 'fp32'], default='bf16')
    ap.add_argument('--minutes', type=float, default=None, help='stop (with a checkpoint) after this much training time')
    ap.add_argument('--weight-decay', type=float, default=0.1)
    ap.add_argument('--steps', type=int, default=900)
    ap.add_argument('--batch', type=int, default=8, help='sequences per step per process')
    ap.add_argument('--block', type=int, default=384)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1337)
    ap.add_argument('--checkpoint-minutes', type=float, default=5)
    ap.add_argument('--eval-every', type=int, default=500)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--until', type=int, default=None, help='stop (with a checkpoint) after this step; --resume goes on')
    ap.add_argument('--backend', default=None, help='torch.distributed backend under torchrun (default nccl on CUDA, else gloo)')
    for field, default in asdict(Config()).items():
        ap.add_argument('--' + field.replace('_', '-'), type=type(default), default=default)
    return ap.parse_args()


def batch_at(data, step, rank, args, device):
    rng = np.random.default_rng([args.seed, step, rank])
    starts = rng.integers(0, len(data) - args.block - 1, size=args.batch)
    chunk = np.stack([data[s:s + args.block + 1].astype(np.int64) for s in starts])
    t = torch.from_numpy(chunk).to(device)
    return t[:, :-1], t[:, 1:]


@torch.no_grad()
def held_out_loss(model, data, block, device, autocast):
    """Mean nats per token over the whole held-out stream, in non-overlapping windows."""
    model.eval()
    total, count = 0.0, 0
    for s in range(0, len(data) - 1, block):
        x = torch.from_numpy(data[s:s + block].astype(np.int64))[None].to(device)
        y = torch.from_numpy(data[s + 1:s + block + 1].astype(np.int64))[None].to(device)
        x = x[:, :y.shape[1]]
        with autocast():
            _, loss = model(x, y)
        total += loss.item() * y.numel()
        count += y.numel()
    model.train()
    return total / count


def read_held_out(folder):
    """Each genre's held-out tokens and its text's length in bytes (for bits per byte)."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith('valid-') and name.endswith('.bin'):
            genre = name[len('valid-'):-len('.bin')]
            with open(os.path.join(folder, f'valid-{genre}.bytes')) as f:
                out[genre] = (np.fromfile(os.path.join(folder, name), dtype=np.uint16), int(f.read()))
    return out


def main():
    args = parse_args()
    distributed = 'RANK' in os.environ
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group(args.backend or ('nccl' if cuda else 'gloo'))
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    device = f'cuda:{int(os.environ.get("LOCAL_RANK", 0))}' if cuda else 'cpu'
    if cuda:
        torch.cuda.set_device(device)
    else:
        # Debian's torch starts with one thread; share the cores between the processes instead.
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // world))
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(not cuda)
    dtype = torch.bfloat16 if args.dtype == 'bf16' else torch.float32
    # Torch 1.13's CPU autocast refuses any dtype but bfloat16 even when disabled, so float32 runs without it.
    autocast = lambda: (torch.autocast('cuda' if cuda else 'cpu', dtype=dtype) if args.dtype == 'bf16'
                        else contextlib.nullcontext())

    # Where the run trained, for the model card (export.py copies it from the checkpoint).
    trained_on = (f'{world} × {torch.cuda.get_device_name(device)}, torch {torch.__version__}' if cuda
                  else f'{os.cpu_count()} CPU cores ({platform.machine()}), torch {torch.__version__}')

    cfg = Config(**{f: getattr(args, f) for f in asdict(Config())})
    data = np.memmap(os.path.join(args.data, 'train.bin'), dtype=np.uint16, mode='r')
    valid = read_held_out(args.data)
    model = LLaMA(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=args.weight_decay)
    step, log, best = 0, [], None
    if args.resume and os.path.exists(args.out):
        ck = torch.load(args.out, map_location=device)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['optimizer'])
        step, log, best = ck['step'], ck['log'], ck.get('best')
        if rank == 0:
            print(f'resumed at step {step}', flush=True)
    net = torch.nn.parallel.DistributedDataParallel(model) if distributed else model
    n_params = sum(p.numel() for p in model.parameters())
    if rank == 0:
        print(f'{n_params:,} parameters, {len(data):,} training tokens, device {device}, {world} process(es)', flush=True)

    def save():
        if rank != 0:
            return
        tmp = args.out + '.tmp'
        torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict(), 'step': step, 'config': asdict(cfg),
                    'log': log, 'args': vars(args), 'params': n_params, 'best': best, 'trained_on': trained_on}, tmp)
        os.replace(tmp, args.out)

    started = time.time()

    def lr_at(s):
        if s < args.warmup:
            return args.lr * (s + 1) / args.warmup
        progress = (s - args.warmup) / max(1, args.steps - args.warmup)
        if args.minutes is not None:
            # A run bounded by time decays over its time instead (steps per second differ between machines).
            progress = max(progress, (time.time() - started) / (args.minutes * 60))
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))

    def evaluate():
        nonlocal best
        figures = {}
        for g, (v, n_bytes) in valid.items():
            nats = held_out_loss(model, v, args.block, device, autocast)
            figures[f'valid_{g}'] = round(nats, 4)
            figures[f'bpb_{g}'] = round(nats * len(v) / n_bytes / math.log(2), 4)
        key = f'valid_{args.best_on}'
        if rank == 0 and (best is None or figures[key] < best[key]):
            best = {'step': step, **figures}
            save_quantized(model.state_dict(), args.best, {'config': asdict(cfg), 'step': step, 'params': n_params,
                                                          'figures': figures, 'args': vars(args), 'log': log,
                                                          'trained_on': trained_on})
        return figures

    last_save = t0 = time.time()
    tokens_per_step = args.batch * args.block * world
    out_of_time = lambda: args.minutes is not None and time.time() - started > args.minutes * 60
    while step < min(args.steps, args.until or args.steps) and not out_of_time():
        for g in opt.param_groups:
            g['lr'] = lr_at(step)
        x, y = batch_at(data, step, rank, args, device)
        with autocast():
            _, loss = net(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if rank == 0 and (step % 10 == 0 or step == args.steps):
            rate = tokens_per_step * 10 / max(1e-9, time.time() - t0) if step % 10 == 0 else 0
            t0 = time.time()
            entry = {'step': step, 'loss': round(loss.item(), 4), 'tokens_per_s': round(rate)}
            if step % args.eval_every == 0 or step == args.steps:
                entry.update(evaluate())
            log.append(entry)
            eta = (args.steps - step) * tokens_per_step / max(rate, 1) / 60
            print(json.dumps(entry), f'eta {eta:.1f} min', flush=True)
        if time.time() - last_save > args.checkpoint_minutes * 60:
            save()
            last_save = time.time()
    if rank == 0 and (not log or f'valid_{args.best_on}' not in log[-1]):
        log.append({'step': step, **evaluate()})
    save()
    if rank == 0:
        print(json.dumps({'best': best}), flush=True)
    if distributed:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
