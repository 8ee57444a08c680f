"""A LLaMA-style decoder in one file: RMSNorm, rotary positions, SwiGLU, grouped-query attention, tied embeddings.

`forward` trains on whole sequences; `forward_cached` is the KV-cache step that export.py turns into ONNX.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 4096
    n_layer: int = 4
    n_head: int = 8
    n_kv_head: int = 4
    d_model: int = 256
    d_ff: int = 512
    max_len: int = 384
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    dropout: float = 0.0

    @property
    def head_dim(self):
        return self.d_model // self.n_head


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        hd = cfg.head_dim
        self.q_proj = nn.Linear(cfg.d_model, cfg.n_head * hd, bias=False)
        self.k_proj = nn.Linear(cfg.d_model, cfg.n_kv_head * hd, bias=False)
        self.v_proj = nn.Linear(cfg.d_model, cfg.n_kv_head * hd, bias=False)
        self.o_proj = nn.Linear(cfg.n_head * hd, cfg.d_model, bias=False)

    def _share_kv(self, t):
        """Repeats each key/value head for the query heads that share it (expand + reshape exports to ONNX
        with dynamic lengths; repeat_interleave does not)."""
        B, H, S, D = t.shape
        groups = self.cfg.n_head // self.cfg.n_kv_head
        return t[:, :, None].expand(B, H, groups, S, D).reshape(B, H * groups, S, D)

    def forward(self, x, cos, sin, mask, past=None):
        """x: (B, T, C); cos/sin: (B, 1, T, hd); mask: additive (B, 1, T, S) or None for causal; past: (k, v) or None."""
        B, T, _ = x.shape
        cfg = self.cfg
        q = self.q_proj(x).view(B, T, cfg.n_head, cfg.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(B, T, cfg.n_kv_head, cfg.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(B, T, cfg.n_kv_head, cfg.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        present = (k, v)
        kr, vr = self._share_kv(k), self._share_kv(v)
        if mask is None and hasattr(F, 'scaled_dot_product_attention'):
            y = F.scaled_dot_product_attention(q, kr, vr, is_causal=True)
        else:
            att = (q @ kr.transpose(-2, -1)) / math.sqrt(cfg.head_dim)
            if mask is None:
                causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
                att = att.masked_fill(~causal, float('-inf'))
            else:
                att = att + mask
            y = F.softmax(att, dim=-1) @ vr
        y = y.transpose(1, 2).reshape(B, T, cfg.n_head * cfg.head_dim)
        return self.o_proj(y), present


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.up_proj = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.down_proj = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.mlp = MLP(cfg)
        # Residual dropout: the stories are few, and a long run sees each many times.
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, cos, sin, mask, past=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past)
        x = x + self.drop(a)
        return x + self.drop(self.mlp(self.post_attention_layernorm(x))), present


class LLaMA(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim))
        freqs = torch.outer(torch.arange(cfg.max_len).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer('cos_cached', emb.cos(), persistent=False)
        self.register_buffer('sin_cached', emb.sin(), persistent=False)
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith('o_proj.weight') or name.endswith('down_proj.weight'):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def _logits(self, x):
        # Tied embeddings: the output projection reuses the input embedding matrix. Flattening to 2-D makes
        # ONNX export emit one Gemm(transB=1) on the shared weight instead of a folded, duplicated transpose.
        B, T, C = x.shape
        return F.linear(self.norm(x).reshape(B * T, C), self.embed_tokens.weight).view(B, T, -1)

    def forward(self, idx, targets=None):
        T = idx.shape[1]
        cos = self.cos_cached[:T][None, None]
        sin = self.sin_cached[:T][None, None]
        x = self.embed_tokens(idx)
        for layer in self.layers:
            x, _ = layer(x, cos, sin, None)
        logits = self._logits(x)
        loss = None if targets is None else F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    def forward_cached(self, input_ids, attention_mask, position_ids, past):
        """One step with a KV cache, in the input/output layout of a transformers.js llama decoder."""
        T = input_ids.shape[1]
        S = attention_mask.shape[1]
        cos = self.cos_cached[position_ids].unsqueeze(1)
        sin = self.sin_cached[position_ids].unsqueeze(1)
        # Query i sits at absolute slot S - T + i; it sees keys up to that slot that the attention mask keeps.
        q_slot = torch.arange(T, device=input_ids.device)[:, None] + (S - T)
        k_slot = torch.arange(S, device=input_ids.device)[None, :]
        allowed = (k_slot <= q_slot)[None, None] & (attention_mask[:, None, None, :] > 0)
        mask = torch.zeros(allowed.shape, dtype=torch.float32, device=input_ids.device).masked_fill(~allowed, torch.finfo(torch.float32).min)
        x = self.embed_tokens(input_ids)
        presents = []
        for layer, layer_past in zip(self.layers, past):
            x, present = layer(x, cos, sin, mask, layer_past)
            presents.append(present)
        return self._logits(x), presents
