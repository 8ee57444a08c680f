import { expect, test } from 'vitest';
import { lastTagOfOpening, streamRuns } from '../../src/ui/stream-runs';

const pieces = (texts: string[]) =>
  texts.map((text, index) => ({ index, text, tag: /^<([a-z]+)>$/.exec(text)?.[1] ?? null }));
const shown = (texts: string[]) =>
  streamRuns(pieces(texts)).map(
    (run) => `${run.opening ? 'opening' : 'plain'}: ${run.tokens.map((t) => t.text).join('|')}`,
  );

test("an opening holds a sentence's tags, the blanks after them and its first word", () => {
  expect(shown(['Once', ' upon', '.', '<angry>', '<rude>', ' ', ' Max', ' was', '.'])).toEqual([
    'plain: Once| upon|.',
    'opening: <angry>|<rude>| | Max',
    'plain:  was|.',
  ]);
  const runs = streamRuns(pieces(['Once', '.', '<angry>', '<rude>', ' Max', '.']));
  expect([...lastTagOfOpening(runs)]).toEqual([2, 3, 4].map((index) => [index, 3]));
});

test('a line break after a tag is shown before it, so the chip starts the line of its sentence', () => {
  expect(shown(['.', '<neutral>', '<sad>', '\n', ' ', '\n\n', 'Max', '.', '<happy>'])).toEqual([
    'plain: .',
    'opening: \n|\n\n|<neutral>|<sad>| |Max',
    'plain: .',
    'opening: <happy>',
  ]);
});

test('a run keeps its key while it grows, and every token is in exactly one run', () => {
  const tokens = pieces(['a', '<happy>', '\n', ' b', '<sad>', 'c', ' d', '<story>', '<happy>', ' e', ' f']);
  const runs = streamRuns(tokens);
  expect(runs.map((run) => run.key)).toEqual([0, 1, 4, 6, 7, 10]);
  expect(runs.flatMap((run) => run.tokens).sort((a, b) => a.index - b.index)).toEqual(tokens);
  expect(streamRuns(tokens.slice(0, 3)).map((run) => run.key)).toEqual([0, 1]);
});
