"""The tiny test model: a two-layer decoder with a tag set of its own, for the tests of "Open a model…".

Writes a synthetic text of short poems (made up here from word lists, no corpus), each sentence opened by <calm> or
<excited> and each poem by the genre tag <poem>; trains a small byte-level BPE on it (tokenizer.py), the decoder for a
few hundred steps (train.py: 2 layers, hidden size 64), and exports it (export.py) with its tag vocabulary into
tests/fixtures/tiny-model/, which is committed, so the tests need no PyTorch. A few minutes on two CPU cores;
deterministic for the same torch.

    npm run model:tiny      (/usr/bin/python3 models/recipe/tiny.py [--out DIR] [--steps N])
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np

from tokenizer import Tokenizer, train_bpe

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, '..', '..')
END = '<|endoftext|>'
SPECIALS = [END, '<poem>', '<calm>', '<excited>']

# The two moods' words barely overlap, so a few hundred steps are enough for the tag to say which words follow.
CALM = {
    'subject': ['the river', 'the old moon', 'a grey heron', 'the low mist', 'the sleeping hill', 'a small boat',
                'the evening', 'the still pond', 'a soft wind', 'the willow'],
    'verb': ['drifts', 'rests', 'waits', 'breathes', 'sleeps', 'lingers', 'settles', 'glides'],
    'where': ['by the reeds', 'under the stars', 'along the shore', 'in the quiet field', 'near the garden wall',
              'beside the lake', 'in the grey light', 'over the valley'],
    'how': ['slowly', 'gently', 'softly', 'quietly', 'without a sound'],
}
EXCITED = {
    'subject': ['the drums', 'a red kite', 'the crowd', 'the wild horses', 'the bright fire', 'a loud bell',
                'the rockets', 'the children', 'the storm', 'a golden flash'],
    'verb': ['races', 'leaps', 'roars', 'bursts', 'spins', 'shouts', 'flies', 'dances'],
    'where': ['across the square', 'into the sky', 'through the streets', 'over the rooftops', 'past the gates',
              'up the mountain', 'around the fair', 'down the road'],
    'how': ['at once', 'so fast', 'again and again', 'with a bang', 'higher and higher'],
}
CRIES = ['Wow!', 'Look!', 'Hurray!', 'Quick!', 'Oh yes!']


def calm_line(rng):
    w = {k: rng.choice(v) for k, v in CALM.items()}
    return f"{w['subject'].capitalize()} {w['verb']} {w['how']} {w['where']}."


def excited_line(rng):
    w = {k: rng.choice(v) for k, v in EXCITED.items()}
    return f"{rng.choice(CRIES)} {w['subject'].capitalize()} {w['verb']} {w['where']} {w['how']}!"


def poems(count, seed):
    """Tagged poems: each opens with <poem>, has four to six lines in runs of one mood, and ends with <|endoftext|>."""
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        mood = rng.choice(['calm', 'excited'])
        lines = []
        for _ in range(rng.randint(4, 6)):
            if rng.random() < 0.3:
                mood = 'excited' if mood == 'calm' else 'calm'
            lines.append(f'<{mood}>' + (calm_line(rng) if mood == 'calm' else excited_line(rng)))
        docs.append('<poem>' + '\n'.join(lines) + END)
    return docs


def encode(tok, docs, folder, name):
    ids = [i for d in docs for i in tok.encode(d)]
    np.array(ids, dtype=np.uint16).tofile(os.path.join(folder, name + '.bin'))
    return len(ids)


def vocabulary():
    """The tiny model's tagplay.json: its mood opens sentences, its one genre documents."""
    return {'groups': [
        {'name': 'mood', 'opens': 'sentence', 'tags': [{'name': 'calm', 'colour': '#0072B2'},
                                                       {'name': 'excited', 'colour': '#D55E00'}]},
        {'name': 'form', 'opens': 'document', 'tags': [{'name': 'poem', 'colour': '#009E73'}]},
    ]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(REPO, 'tests', 'fixtures', 'tiny-model'))
    ap.add_argument('--build', default=os.path.join(REPO, 'models', 'build', 'tiny'))
    ap.add_argument('--steps', type=int, default=400)
    # The poems are about 44 kB of text, made up here; a few hundred steps of 16 × 64 tokens see them several times.
    ap.add_argument('--poems', type=int, default=160)
    ap.add_argument('--vocab', type=int, default=320)
    args = ap.parse_args()
    os.makedirs(args.build, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    docs = poems(args.poems, seed=7)
    held = len(docs) // 10
    train, valid = docs[held:], docs[:held]
    text = '\n'.join(train)
    tok = Tokenizer(train_bpe(text, args.vocab, SPECIALS), SPECIALS)
    tok.save(args.out, 128)
    n_train = encode(tok, train, args.build, 'train')
    encode(tok, valid, args.build, 'valid-poem')
    with open(os.path.join(args.build, 'valid-poem.bytes'), 'w') as f:
        f.write(str(len(''.join(valid).encode('utf-8'))))
    print(f'{len(text.encode("utf-8")):,} bytes of poems, {n_train:,} training tokens, vocabulary {len(tok.vocab)}')

    weights = os.path.join(args.build, 'best.npz')
    subprocess.run([sys.executable, os.path.join(HERE, 'train.py'), '--data', args.build,
                    '--out', os.path.join(args.build, 'ckpt.pt'), '--best', weights, '--best-on', 'poem',
                    '--steps', str(args.steps), '--eval-every', '100', '--batch', '16', '--block', '64',
                    '--lr', '3e-3', '--warmup', '40', '--dtype', 'fp32', '--vocab-size', str(len(tok.vocab)),
                    '--n-layer', '2', '--d-model', '64', '--n-head', '4', '--n-kv-head', '2', '--d-ff', '128',
                    '--max-len', '128', '--checkpoint-minutes', '60'], check=True)
    subprocess.run([sys.executable, os.path.join(HERE, 'export.py'), '--weights', weights, '--model-dir', args.out,
                    '--corpus', '', '--fixture', ''], check=True)
    # The training summary names the shipped model's command and this machine: the README below says how it was made.
    os.remove(os.path.join(args.out, 'training.json'))
    with open(os.path.join(args.out, 'tagplay.json'), 'w') as f:
        json.dump(vocabulary(), f, indent=2)
        f.write('\n')
    with open(os.path.join(args.out, 'README.md'), 'w') as f:
        f.write('# tiny-model\n\nA test fixture, not a useful model: a two-layer decoder (hidden size 64) trained for '
                f'{args.steps} steps on synthetic poems, with the tags `<calm>`, `<excited>` and `<poem>`. Written by '
                '`npm run model:tiny` (`models/recipe/tiny.py`); the end-to-end tests of "Open a model…" load it.\n')
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.out) for f in fs)
    print(f'wrote {os.path.normpath(args.out)} ({size / 1e3:.0f} kB)')
    shutil.rmtree(args.build)


if __name__ == '__main__':
    main()
