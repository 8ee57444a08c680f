import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

/** With `<angry>` forced, the tagger labels some of the 200 tokens' sentences otherwise. */
const SEED = 7;

/**
 * At each of many stream widths, every chip that opens a sentence against the first letter of that sentence: on
 * one line or not, and whether the chip starts a line (a wrap fell just before it).
 */
function chipLines(page: PlaygroundPage['page']) {
  return page.evaluate(() => {
    const stream = document.querySelector<HTMLElement>('[data-testid=stream]')!;
    const tokens = [...stream.querySelectorAll<HTMLElement>('[data-testid=token]')];
    const isTag = (t: HTMLElement) => t.classList.contains('tag');
    const firstLetter = (from: number) => {
      for (const token of tokens.slice(from)) {
        if (isTag(token)) continue;
        const node = token.firstChild;
        const at = node?.nodeType === Node.TEXT_NODE ? node.textContent!.search(/\S/) : -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node!, at);
        range.setEnd(node!, at + 1);
        return range.getBoundingClientRect();
      }
      return null;
    };
    const split: string[] = [];
    let chipsAtLineStart = 0;
    for (let width = 160; width <= 560; width += 4) {
      stream.style.width = `${width}px`;
      const left = stream.getBoundingClientRect().left + parseFloat(getComputedStyle(stream).paddingLeft);
      tokens.forEach((token, i) => {
        if (!isTag(token) || (i > 0 && isTag(tokens[i - 1]))) return;
        const chip = token.querySelector('.chip')!.getBoundingClientRect();
        const letter = firstLetter(i + 1);
        if (!letter) return;
        // A chip after a line break the model wrote starts a line anyway; only a wrap is counted.
        const wrote = token.closest('.opening')?.textContent?.includes('\n') ?? false;
        if (chip.left - left < 8 && !wrote) chipsAtLineStart++;
        const chipMiddle = (chip.top + chip.bottom) / 2;
        if (chipMiddle < letter.top || chipMiddle > letter.bottom) split.push(`token ${i} at ${width} px`);
      });
    }
    stream.style.width = '';
    return { split, chipsAtLineStart };
  });
}

describe('tag chips stay with the sentence they open, on WASM', () => {
  let session: Session;
  let playground: PlaygroundPage;

  beforeAll(async () => {
    session = await startSession('wasm');
    playground = await PlaygroundPage.open(session.context, session.site.url);
    await playground.setSeed(SEED);
    await playground.setMode('angry', 'force');
    await playground.setMaxTokens(200);
    await playground.setPaceStep(10);
    await playground.generate();
    await playground.waitForEnd();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('keeps each chip on the line of its first word, however the text wraps', async () => {
    const { split, chipsAtLineStart } = await chipLines(playground.page);
    expect(split).toEqual([]);
    // The widths did put wraps right before chips, so the check above met the case it is about.
    expect(chipsAtLineStart).toBeGreaterThan(10);
  });

  it("puts the tagger's verdict on the chip of the sentence it judges, on one line", async () => {
    const page = playground.page;
    const badges = await page.getByTestId('disagreement').evaluateAll((elements) =>
      elements.map((badge) => {
        const token = badge.closest<HTMLElement>('[data-testid=token]');
        const opening = badge.closest('.opening');
        return {
          onChip: token?.classList.contains('tag') ?? false,
          title: badge.getAttribute('title') ?? '',
          openedBy: opening?.querySelector('.chip')?.textContent ?? null,
          label: token?.getAttribute('aria-label') ?? '',
          lines: badge.getClientRects().length,
        };
      }),
    );
    expect(badges.length).toBeGreaterThan(0);
    for (const badge of badges) {
      expect(badge.onChip).toBe(true);
      expect(badge.title).toMatch(new RegExp(`^The model tagged this sentence ${badge.openedBy}[ ;]`));
      expect(badge.label).toMatch(/^tag \w+ ≠ tagger: \w+/);
      expect(badge.lines).toBe(1);
    }
  });

  it('hides the chips and the verdicts with "Show tags" off', async () => {
    const page = playground.page;
    await page.getByTestId('show-tags').uncheck();
    expect(await page.getByTestId('stream').innerText()).not.toMatch(/≠|tagger/);
    for (const badge of await page.getByTestId('disagreement').all()) expect(await badge.isVisible()).toBe(false);
    await page.getByTestId('show-tags').check();
    expect(await page.getByTestId('stream').innerText()).toMatch(/≠ tagger/);
  });

  it('broke no rule of the Content-Security-Policy', () => {
    expect(playground.errors).toEqual([]);
    expect(session.cspReports).toEqual([]);
  });
});
