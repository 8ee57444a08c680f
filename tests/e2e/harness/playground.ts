import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import type { Transcript } from '../../../src/transcript/types';

/** Drives the real playground UI the way a person would: its labelled controls, its buttons, its downloads. */
export class PlaygroundPage {
  constructor(readonly page: Page) {}

  /** Errors the page threw and did not catch. */
  readonly errors: string[] = [];

  /** Opens the playground and, unless told not to, waits until its model is loaded. */
  static async open(context: BrowserContext, url: string, { waitForModel = true } = {}): Promise<PlaygroundPage> {
    const page = await context.newPage();
    const playground = new PlaygroundPage(page);
    page.on('pageerror', (error) => {
      playground.errors.push(error.message);
      console.error(`page error: ${error.message}`);
    });
    await page.goto(url);
    if (waitForModel) await playground.waitForModel();
    return playground;
  }

  async waitForModel(timeout = 120_000): Promise<void> {
    await this.badge.and(this.page.locator('[data-backend]')).waitFor({ timeout });
  }

  /** The message that says what went wrong and what to do. */
  get fault() {
    return this.page.getByTestId('fault');
  }

  /** Waits for a fault message of this kind and returns its two sentences. */
  async waitForFault(kind: string, timeout = 120_000): Promise<{ what: string; todo: string }> {
    await this.page.locator(`[data-testid=fault][data-kind="${kind}"]`).waitFor({ timeout });
    return {
      what: (await this.page.getByTestId('fault-what').textContent()) ?? '',
      todo: (await this.page.getByTestId('fault-todo').textContent()) ?? '',
    };
  }

  async setSeed(seed: number): Promise<void> {
    await this.page.getByTestId('seed').fill(String(seed));
    await this.page.getByTestId('seed').dispatchEvent('change');
  }

  /** The generated text as the stream shows it, token by token. */
  async tokenTexts(): Promise<string[]> {
    return this.page.getByTestId('token').evaluateAll((tokens) => tokens.map((t) => t.textContent ?? ''));
  }

  get badge() {
    return this.page.getByTestId('backend-badge');
  }

  async backend(): Promise<string | null> {
    return this.badge.getAttribute('data-backend');
  }

  async setPrompt(prompt: string): Promise<void> {
    await this.page.getByTestId('prompt').fill(prompt);
  }

  async setMaxTokens(count: number): Promise<void> {
    await this.page.getByTestId('max-tokens').fill(String(count));
    await this.page.getByTestId('max-tokens').dispatchEvent('change');
  }

  /** Moves a range input the way dragging does: a value, then `input` and `change`. */
  async setRange(label: string, value: number): Promise<void> {
    await this.page.getByLabel(label).evaluate((element, v) => {
      const input = element as HTMLInputElement;
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  }

  /** Pace slider positions: 1, 2, 4, 8, 12, 20, 30, 60, 120 tokens/s, then as fast as possible. */
  async setPaceStep(step: number): Promise<void> {
    await this.setRange('Pace', step);
  }

  async tokenCount(): Promise<number> {
    return this.page.getByTestId('token').count();
  }

  async waitForTokens(count: number, timeout = 120_000): Promise<void> {
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid=token]').length >= n, count, {
      timeout,
      polling: 50,
    });
  }

  /**
   * Starts a new run one token at a time and stops it, paused, after `count` tokens: a change made then
   * lands at a known token index, so the run is the same every time.
   */
  async stepTo(count: number): Promise<void> {
    const status = this.page.getByTestId('run-status');
    for (let n = 1; n <= count; n++) {
      await this.page.getByTestId('step').click();
      await status.getByText(`Paused, ${n} token${n === 1 ? '' : 's'}`, { exact: true }).waitFor();
    }
  }

  async resume(): Promise<void> {
    await this.page.getByTestId('resume').click();
  }

  async generate(): Promise<void> {
    await this.page.getByTestId('generate').click();
  }

  /** Waits until the run is over and returns how it ended. */
  async waitForEnd(timeout = 180_000): Promise<string> {
    const status = this.page.getByTestId('run-status');
    await this.page.locator('[data-testid=run-status]:not([data-ended=""])').waitFor({ timeout });
    return (await status.getAttribute('data-ended')) ?? '';
  }

  async setMode(tag: string, mode: 'allow' | 'ban' | 'force'): Promise<void> {
    await this.page.getByRole('radio', { name: `${mode} <${tag}>` }).check();
  }

  async insertNow(tag: string): Promise<void> {
    await this.page.getByRole('button', { name: `insert <${tag}> now` }).click();
  }

  async exportTranscript(): Promise<Transcript> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId('export-json').click(),
    ]);
    return JSON.parse(await readFile(await download.path(), 'utf8')) as Transcript;
  }

  /** The tokens' CSV. */
  async exportCsv(): Promise<string> {
    return this.download('export-csv');
  }

  async exportTimelineCsv(): Promise<string> {
    return this.download('export-timeline-csv');
  }

  private async download(testId: string): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(testId).click()]);
    return readFile(await download.path(), 'utf8');
  }

  /**
   * After "Resume": the text the run should go on from (`kept`'s prompt and tokens) and what the prompt
   * box shows; then, once two tokens are in and Stop is pressed, how the run ended and the prompt its
   * transcript records.
   */
  async stopResumed(
    kept: Transcript,
  ): Promise<{ from: string; promptBox: string; ended: string; transcriptPrompt: string }> {
    const from = kept.state.prompt + kept.tokens.map((t) => t.text).join('');
    const promptBox = await this.page.getByTestId('prompt').inputValue();
    await this.waitForTokens(2);
    await this.page.getByTestId('stop').click();
    const ended = await this.waitForEnd();
    return { from, promptBox, ended, transcriptPrompt: (await this.exportTranscript()).state.prompt };
  }

  /** Clicks "Copy link" and reads what it put on the clipboard. */
  async copyShareLink(): Promise<string> {
    await this.page.getByTestId('copy-link').click();
    await this.page.getByText('Link copied.').waitFor();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  async chartPoints(): Promise<number> {
    return Number((await this.page.getByTestId('chart').getAttribute('data-points')) ?? 0);
  }
}
