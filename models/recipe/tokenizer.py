"""Byte-level BPE trained on the tagged corpus; every tag is one special token.

Writes tokenizer.json / tokenizer_config.json in the format transformers.js loads, the encoded
corpus for training (uint16 .bin files), and the parity fixture: held-out tagged texts with their ids.

    /usr/bin/python3 models/recipe/tokenizer.py [--vocab 4096]
    /usr/bin/python3 models/recipe/tokenizer.py --fixture-only   (the fixture alone, from the shipped tokenizer.json)
"""
import argparse
import collections
import heapq
import json
import os

import numpy as np
import regex

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, '..', 'build')
with open(os.path.join(HERE, '..', 'model.json'), encoding='utf-8') as f:
    MODEL_DIR = os.path.join(HERE, '..', json.load(f)['name'])
# GPT-2's pre-tokenizer, the one transformers.js applies for a ByteLevel pre_tokenizer with use_regex.
PRETOKENIZE = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def specials_of(corpus):
    """The special tokens (end of text, genre, emotion and flag tags) in id order, as tag-corpus.ts wrote them."""
    with open(os.path.join(corpus, 'specials.json')) as f:
        return json.load(f)


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable characters, as the ByteLevel pre-tokenizer uses."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_CHARS = bytes_to_unicode()


def words_of(text, specials):
    """Pre-tokenized words (as byte-level strings) and specials, in order."""
    split = regex.compile('(' + '|'.join(regex.escape(s) for s in specials) + ')')
    for part in split.split(text):
        if not part:
            continue
        if part in specials:
            yield part, True
        else:
            for w in PRETOKENIZE.findall(part):
                yield ''.join(BYTE_CHARS[b] for b in w.encode('utf-8')), False


def train_bpe(text, vocab_size, specials):
    counts = collections.Counter(w for w, special in words_of(text, specials) if not special)
    words = [list(w) for w in counts]
    freqs = list(counts.values())
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pairs[a, b] += freqs[i]
            where[a, b].add(i)
    # A lazy max-heap: stale entries (count changed since pushed) are skipped when popped.
    heap = [(-c, p) for p, c in pairs.items()]
    heapq.heapify(heap)
    merges = []
    n_merges = vocab_size - len(specials) - 256
    while len(merges) < n_merges and heap:
        # Highest count wins; ties go to the smallest pair so training is deterministic.
        neg, best = heapq.heappop(heap)
        if pairs.get(best, 0) != -neg:
            continue
        if -neg < 2:
            break
        merges.append(best)
        touched = set()
        merged = best[0] + best[1]
        for i in list(where[best]):
            w = words[i]
            for a, b in zip(w, w[1:]):
                pairs[a, b] -= freqs[i]
                if pairs[a, b] <= 0:
                    del pairs[a, b]
                where[a, b].discard(i)
            j, out = 0, []
            while j < len(w):
                if j + 1 < len(w) and (w[j], w[j + 1]) == best:
                    out.append(merged)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for a, b in zip(out, out[1:]):
                pairs[a, b] += freqs[i]
                where[a, b].add(i)
                touched.add((a, b))
            touched.update(zip(w, w[1:]))
        del where[best]
        pairs.pop(best, None)
        for p in touched:
            if pairs.get(p, 0) > 0 and p != best:
                heapq.heappush(heap, (-pairs[p], p))
    return merges


class Tokenizer:
    def __init__(self, merges, specials):
        self.specials = specials
        self.vocab = {s: i for i, s in enumerate(specials)}
        for b in range(256):
            self.vocab[BYTE_CHARS[b]] = len(self.vocab)
        for a, b in merges:
            self.vocab[a + b] = len(self.vocab)
        self.merges = merges
        self.ranks = {m: r for r, m in enumerate(merges)}
        self.cache = {}

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            ranked = [(self.ranks.get((a, b), 1 << 30), k) for k, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, k = min(ranked)
            if rank == 1 << 30:
                break
            parts[k:k + 2] = [parts[k] + parts[k + 1]]
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for w, special in words_of(text, self.specials):
            ids.extend([self.vocab[w]] if special else self.bpe(w))
        return ids

    def save(self, folder, max_length):
        added = [{'id': i, 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
                  'normalized': False, 'special': True} for i, s in enumerate(self.specials)]
        tokenizer = {
            'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added, 'normalizer': None,
            'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
            'post_processor': None,
            'decoder': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
            'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                      'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                      'vocab': self.vocab, 'merges': [f'{a} {b}' for a, b in self.merges]},
        }
        with open(os.path.join(folder, 'tokenizer.json'), 'w', encoding='utf-8') as f:
            json.dump(tokenizer, f, ensure_ascii=False)
        config = {'tokenizer_class': 'PreTrainedTokenizerFast', 'eos_token': '<|endoftext|>', 'bos_token': None,
                  'unk_token': None, 'pad_token': '<|endoftext|>', 'add_bos_token': False, 'add_eos_token': False,
                  'clean_up_tokenization_spaces': False, 'model_max_length': max_length}
        with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
            json.dump(config, f, indent=2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vocab', type=int, default=4096)
    ap.add_argument('--max-length', type=int, default=384)
    ap.add_argument('--corpus', default=os.path.join(BUILD, 'corpus'))
    ap.add_argument('--model-dir', default=MODEL_DIR)
    ap.add_argument('--fixture-only', action='store_true', help="rewrite the parity fixture from the model's tokenizer")
    args = ap.parse_args()
    corpus = args.corpus
    if args.fixture_only:
        with open(os.path.join(args.model_dir, 'tokenizer.json'), encoding='utf-8') as f:
            saved = json.load(f)
        specials = [t['content'] for t in sorted(saved['added_tokens'], key=lambda t: t['id'])]
        write_fixture(corpus, Tokenizer([tuple(m.split(' ')) for m in saved['model']['merges']], specials))
        return
    specials = specials_of(corpus)
    with open(os.path.join(corpus, 'train.txt'), encoding='utf-8') as f:
        train = f.read()
    merges = train_bpe(train, args.vocab, specials)
    tok = Tokenizer(merges, specials)
    os.makedirs(args.model_dir, exist_ok=True)
    tok.save(args.model_dir, args.max_length)
    valid = sorted(f[:-4] for f in os.listdir(corpus) if f.startswith('valid-') and f.endswith('.txt'))
    # Documents are joined by '\n' in the text files; the separator is not part of any document.
    for name in ['train'] + valid:
        with open(os.path.join(corpus, name + '.txt'), encoding='utf-8') as f:
            docs = f.read().split('<|endoftext|>\n')
        ids = [i for k, d in enumerate(docs) for i in tok.encode(d if k == len(docs) - 1 else d + '<|endoftext|>')]
        np.array(ids, dtype=np.uint16).tofile(os.path.join(corpus, name + '.bin'))
        print(f'{name}: {len(ids):,} tokens')
    write_fixture(corpus, tok)
    print(f'vocab {len(tok.vocab)}, {len(merges)} merges')


def fixture_texts(corpus, comments=500):
    """(genre, text) of the parity fixture: held-out tagged story sentences, and held-out comments whole, as trained on."""
    with open(os.path.join(corpus, 'heldout-sentences.jsonl'), encoding='utf-8') as f:
        rows = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(corpus, 'valid-comment.txt'), encoding='utf-8') as f:
        docs = f.read().split('<|endoftext|>\n')[:comments]
    return [(r['genre'], r['text']) for r in rows] + [('comment', d.removesuffix('<|endoftext|>') + '<|endoftext|>') for d in docs]


def write_fixture(corpus, tok):
    # The texts are committed with the ids (see fixtures/NOTICE) so the parity test needs no corpora.
    fixture = [{'genre': genre, 'text': text, 'ids': tok.encode(text)} for genre, text in fixture_texts(corpus)]
    os.makedirs(os.path.join(HERE, 'fixtures'), exist_ok=True)
    with open(os.path.join(HERE, 'fixtures', 'tokenizer-ids.json'), 'w', encoding='utf-8') as f:
        json.dump(fixture, f, ensure_ascii=False, separators=(',', ':'))
    print(f'fixture of {len(fixture)} held-out texts')

if __name__ == '__main__':
    main()
