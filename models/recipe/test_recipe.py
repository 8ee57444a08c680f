"""Checks of the training script itself, on a tiny configuration (seconds, not minutes):
determinism for a seed, exact resume from a checkpoint, and DistributedDataParallel under torchrun
with two CPU processes on gloo.

    npm run model:test      (needs the encoded corpus: npm run model:corpus, then npm run model:tokenizer)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, '..', 'build', 'corpus')
TINY = ['--d-model', '32', '--d-ff', '64', '--n-layer', '1', '--n-head', '2', '--n-kv-head', '1',
        '--block', '32', '--batch', '2', '--warmup', '2', '--eval-every', '1000']


def train(out, steps, *extra, launcher=(sys.executable,)):
    cmd = [*launcher, os.path.join(HERE, 'train.py'), '--out', out, '--steps', str(steps), *TINY, *extra]
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    return {**torch.load(out), 'stdout': proc.stdout}


def same_weights(a, b):
    return all(torch.equal(a['model'][k], b['model'][k]) for k in a['model'])


def setUpModule():
    needed = ('train.bin', 'valid-story.bin', 'valid-comment.bin', 'valid-comment.txt', 'heldout-sentences.jsonl')
    missing = [f for f in needed if not os.path.exists(os.path.join(CORPUS, f))]
    if missing:
        raise RuntimeError(
            f'missing {", ".join(missing)} in {os.path.normpath(CORPUS)}: these tests train on the encoded corpus. '
            'Build it from TinyStories and GoEmotions (README.md, "The model recipe", says where to get them) with '
            '"npm run model:corpus -- --corpora DIR && npm run model:tokenizer".')


class TrainScript(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_same_seed_same_weights_and_other_seed_differs(self):
        a = train(self.path('a.pt'), 4)
        b = train(self.path('b.pt'), 4)
        c = train(self.path('c.pt'), 4, '--seed', '7')
        self.assertTrue(same_weights(a, b))
        self.assertFalse(same_weights(a, c))

    def test_resume_continues_exactly(self):
        straight = train(self.path('straight.pt'), 6)
        train(self.path('resumed.pt'), 6, '--until', '3')
        resumed = train(self.path('resumed.pt'), 6, '--resume')
        self.assertEqual(resumed['step'], 6)
        self.assertTrue(same_weights(straight, resumed))

    def test_ddp_two_gloo_processes(self):
        # --redirects/--tee 1: Debian's torch 1.13 launcher cannot parse the default "0" under Python 3.11.
        ck = train(self.path('ddp.pt'), 3, '--backend', 'gloo',
                   launcher=('torchrun', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1'))
        self.assertIn('2 process(es)', ck['stdout'])
        self.assertEqual(ck['step'], 3)
        self.assertTrue(all(torch.isfinite(v).all() for v in ck['model'].values()))


class ParityFixture(unittest.TestCase):
    def test_committed_fixture_is_this_corpus_and_tokenizer(self):
        # The committed fixture must be what tokenizer.py --fixture-only writes from this corpus and tokenizer.json.
        sys.path.insert(0, HERE)
        from tokenizer import MODEL_DIR, Tokenizer, fixture_texts
        with open(os.path.join(MODEL_DIR, 'tokenizer.json'), encoding='utf-8') as f:
            tok = Tokenizer([tuple(m.split(' ')) for m in json.load(f)['model']['merges']])
        with open(os.path.join(HERE, 'fixtures', 'tokenizer-ids.json'), encoding='utf-8') as f:
            fixture = json.load(f)
        self.assertEqual([(genre, text, tok.encode(text)) for genre, text in fixture_texts(CORPUS)],
                         [(r['genre'], r['text'], r['ids']) for r in fixture])

if __name__ == '__main__':
    unittest.main()
