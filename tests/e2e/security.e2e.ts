import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeShareState } from '../../src/share/codec';
import { servedModelDir } from '../../site/served-paths';
import { defaultShareState } from '../../src/share/defaults';
import type { ShareState } from '../../src/share/state';
import { SITE_DIR } from './harness/build-site';
import { PlaygroundPage } from './harness/playground';
import { startSession, type Session } from './harness/session';

/** The policy of the first Content-Security-Policy meta tag, directive by directive, and where in the page it sits. */
function metaPolicy(html: string): { directives: Map<string, string[]>; at: number } | null {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html);
  if (!match) return null;
  const directives = new Map<string, string[]>();
  for (const part of match[1].split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return { directives, at: match.index };
}

/** Markup that runs script if it is ever parsed as HTML; each sets `window.__pwned`. */
const MARKUP = `<img src=x onerror="window.__pwned='img'"> and <script>window.__pwned='script'</script> <svg onload="window.__pwned='svg'"></svg>`;

describe('security', () => {
  describe('the Content-Security-Policy', () => {
    let session: Session;
    beforeAll(async () => {
      session = await startSession('wasm');
    });
    afterAll(async () => {
      await session?.close();
    });

    it('is in the built page, before any script or style, and forbids inline scripts, eval and other origins', async () => {
      const html = await readFile(resolve(SITE_DIR, 'index.html'), 'utf8');
      const policy = metaPolicy(html);
      expect(policy, 'a Content-Security-Policy meta tag').not.toBeNull();
      const { directives, at } = policy!;
      // A meta policy only governs what comes after it.
      expect(at).toBeLessThan(html.search(/<script|<link rel="stylesheet"|<link rel="modulepreload"/));
      expect(directives.get('default-src')).toEqual(["'none'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('worker-src')).toEqual(["'self'"]);
      expect(directives.get('connect-src')).toEqual(["'self'"]);
      expect(directives.get('style-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('base-uri')).toEqual(["'none'"]);
      for (const values of directives.values()) {
        expect(values).not.toContain("'unsafe-inline'");
        expect(values).not.toContain("'unsafe-eval'");
        expect(values).not.toContain('*');
      }
    });

    it('is enforced: an inline script, a handler attribute, eval, and another origin are refused and reported', async () => {
      const playground = await PlaygroundPage.open(session.context, session.site.url);
      try {
        // The page itself, having loaded the model, broke no rule.
        expect(session.cspReports).toEqual([]);
        // The same server under another name is another origin.
        const elsewhere = session.site.url.replace('127.0.0.1', 'localhost');
        const outcome = await playground.page.evaluate(async (other) => {
          const seen: { directive: string; blocked: string }[] = [];
          document.addEventListener('securitypolicyviolation', (e) =>
            seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
          );
          const w = window as Window & { __pwned?: string };
          const script = document.createElement('script');
          script.textContent = "window.__pwned = 'inline script'";
          document.body.append(script);
          const button = document.createElement('button');
          button.setAttribute('onclick', "window.__pwned = 'handler attribute'");
          document.body.append(button);
          button.click();
          // In a task of the page's own: code evaluated by the test driver itself may eval.
          const evalRefused = await new Promise<boolean>((resolve) =>
            setTimeout(() => {
              try {
                (0, eval)("window.__pwned = 'eval'");
                resolve(false);
              } catch {
                resolve(true);
              }
            }),
          );
          let fetchRefused = false;
          try {
            await fetch(`${other}index.html`);
          } catch {
            fetchRefused = true;
          }
          const foreignScript = document.createElement('script');
          foreignScript.src = `${other}assets/nothing.js`;
          const scriptRefused = new Promise<boolean>((resolve) => {
            foreignScript.onerror = () => resolve(true);
            foreignScript.onload = () => resolve(false);
          });
          document.body.append(foreignScript);
          const refused = await scriptRefused;
          // Reports are events of their own; let them all arrive.
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { pwned: w.__pwned ?? null, evalRefused, fetchRefused, scriptRefused: refused, seen };
        }, elsewhere);
        expect(outcome.pwned).toBeNull();
        expect(outcome.evalRefused).toBe(true);
        expect(outcome.fetchRefused).toBe(true);
        expect(outcome.scriptRefused).toBe(true);
        const directives = outcome.seen.map((v) => v.directive);
        expect(directives).toEqual(
          expect.arrayContaining(['script-src-elem', 'script-src-attr', 'script-src', 'connect-src']),
        );
        expect(outcome.seen.filter((v) => v.directive === 'script-src-elem').map((v) => v.blocked)).toEqual(
          expect.arrayContaining(['inline']),
        );
        expect(
          outcome.seen.some(
            (v) => v.directive === 'connect-src' && v.blocked.startsWith(elsewhere.slice(0, -'tagplay/'.length)),
          ),
        ).toBe(true);
        expect(playground.errors).toEqual([]);
      } finally {
        await playground.page.close();
      }
    });
  });

  // The policy is switched off here, so that what is tested is the page's own rendering: markup must arrive as text, never as HTML.
  describe('markup in prompts, generated text and links, with the policy bypassed', () => {
    let session: Session;
    beforeAll(async () => {
      session = await startSession('wasm', { bypassCSP: true });
    });
    afterAll(async () => {
      await session?.close();
    });

    /** The page holds no element that the markup would have made, and nothing ran (given the time an image takes to fail). */
    async function expectInert(playground: PlaygroundPage) {
      await playground.page.waitForTimeout(1_000);
      expect(
        await playground.page.evaluate(() => (window as Window & { __pwned?: string }).__pwned ?? null),
      ).toBeNull();
      expect(
        await playground.page
          .locator('body img, body script:not([src]), body svg[onload], [onerror], [onload]')
          .count(),
      ).toBe(0);
      expect(playground.errors).toEqual([]);
    }

    it('typed into the prompt, carried into a regeneration, and shown in token details, it stays text', async () => {
      const playground = await PlaygroundPage.open(session.context, session.site.url);
      try {
        // The bypass works: the same markup put in as HTML does run here.
        const control = await playground.page.evaluate(async () => {
          const probe = document.createElement('div');
          probe.innerHTML = `<img src=x onerror="window.__probe = 1">`;
          document.body.append(probe);
          const w = window as Window & { __probe?: number };
          for (let waited = 0; waited < 10_000 && w.__probe === undefined; waited += 100)
            await new Promise((resolve) => setTimeout(resolve, 100));
          probe.remove();
          return w.__probe ?? null;
        });
        expect(control, 'markup parsed as HTML runs when the policy is bypassed').toBe(1);

        const prompt = `<story><happy>Tom wrote ${MARKUP} on the wall. Then he`;
        await playground.setPrompt(prompt);
        await playground.setMaxTokens(12);
        await playground.setPaceStep(9);
        await playground.generate();
        await playground.waitForEnd();
        await expectInert(playground);
        const stream = (await playground.page.getByTestId('stream').textContent()) ?? '';
        expect(stream).toContain(MARKUP);

        // Generated text after the markup goes back into the prompt, and the new run shows both as text again.
        const transcript = await playground.exportTranscript();
        expect(transcript.tokens.length).toBeGreaterThan(0);
        const from = Math.min(3, transcript.tokens.length - 1);
        await playground.page.getByTestId('token').nth(from).hover();
        await playground.page.getByTestId('token-popover').waitFor();
        await playground.page.getByRole('button', { name: 'Regenerate from here' }).click();
        const regenerated =
          prompt +
          transcript.tokens
            .slice(0, from)
            .map((t) => t.text)
            .join('');
        expect(await playground.page.getByTestId('prompt').inputValue()).toBe(regenerated);
        await playground.waitForEnd();
        await expectInert(playground);
        expect((await playground.page.getByTestId('stream').textContent()) ?? '').toContain(MARKUP);
      } finally {
        await playground.page.close();
      }
    });

    it('opened from a share link, in the prompt and in a tag name, it stays text', async () => {
      // Made with the built site's model, so the page replays it.
      const state: ShareState = {
        ...defaultShareState(),
        prompt: `<story><sad>${MARKUP}`,
        maxNewTokens: 8,
        pace: 0,
        model: servedModelDir(),
      };
      const linked = await PlaygroundPage.open(session.context, `${session.site.url}#s=${encodeShareState(state)}`);
      try {
        await linked.waitForEnd();
        await expectInert(linked);
        expect(await linked.page.getByTestId('prompt').inputValue()).toBe(state.prompt);
        expect((await linked.page.getByTestId('stream').textContent()) ?? '').toContain(MARKUP);

        // A link naming a "tag" made of markup is refused, and the message quotes it as text.
        const tag = "img src=x onerror=window.__pwned='tag'";
        const hostile = { ...defaultShareState(), initialPolicy: { [tag]: { mode: 'ban', boost: 0 } } } as ShareState;
        await linked.page.evaluate((hash) => (location.hash = hash), `#s=${encodeShareState(hostile)}`);
        const notice = linked.page.getByTestId('link-notice');
        await expect.poll(() => notice.textContent()).toContain(`<${tag}>`);
        await expectInert(linked);
      } finally {
        await linked.page.close();
      }
    });

    it('fetched nothing from another origin', () => {
      expect(session.foreign).toEqual([]);
    });
  });
});
