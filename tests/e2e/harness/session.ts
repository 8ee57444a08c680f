import { expect } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, watchOrigin, type BackendUnderTest } from './browser';
import { SITE_DIR } from './build-site';
import { serveStatic, type Mount, type SiteFault } from './static-server';

export interface SessionOptions {
  /** Serve the site cross-origin isolated (COOP and COEP headers). */
  isolated?: boolean;
  /** More Chromium flags. */
  flags?: string[];
  /** Let the page run what its Content-Security-Policy forbids, to test what the page itself does without that guard. */
  bypassCSP?: boolean;
  /**
   * No service worker, as in a browser without one: nothing is kept between visits, so every load meets
   * the server as it is (the fault tests break it on purpose).
   */
  noServiceWorker?: boolean;
  /** More folders served beside the site, e.g. a model folder under `/tagplay/models/mine/`. */
  mounts?: Mount[];
}

/** The built site under `/tagplay/` on the harness's server. */
export interface StaticSite {
  /** The site's address, ending in the base path, e.g. http://127.0.0.1:PORT/tagplay/. */
  url: string;
  /** Breaks the model files from the next request on; null serves them intact again. */
  setFault(fault: SiteFault | null): void;
  /** Serves another build of the site at the same address from the next request on, as a new deploy does. */
  deploy(dir: string): void;
}

/** The built site on its own server and one Chromium on it, with what the tests watch for along the way. */
export interface Session {
  site: StaticSite;
  browser: Browser;
  context: BrowserContext;
  /** Console messages in which the browser reported a Content-Security-Policy violation. */
  cspReports: string[];
  /** Requests that left the site's origin. */
  foreign: string[];
  close(): Promise<void>;
}

export async function startSession(backend: BackendUnderTest, options: SessionOptions = {}): Promise<Session> {
  const server = await serveStatic([{ prefix: '/tagplay/', dir: SITE_DIR }, ...(options.mounts ?? [])], {
    isolated: options.isolated,
  });
  const site: StaticSite = {
    url: `${server.url}tagplay/`,
    setFault: (fault) => server.setFault(fault),
    deploy: (dir) => server.remount('/tagplay/', dir),
  };
  const browser = await launchChromium(backend, options.flags);
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1100 },
    acceptDownloads: true,
    bypassCSP: options.bypassCSP ?? false,
    serviceWorkers: options.noServiceWorker ? 'block' : 'allow',
  });
  const origin = new URL(site.url).origin;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const cspReports: string[] = [];
  const foreign = watchOrigin(context, site.url);
  context.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspReports.push(message.text());
  });
  return {
    site,
    browser,
    context,
    cspReports,
    foreign,
    close: async () => {
      await context.close();
      await browser.close();
      await server.close();
    },
  };
}

/** A file's closing check: no page error, no Content-Security-Policy report, no request to another origin. */
export function expectNothingBroken(session: Session, pageErrors: string[] = []): void {
  expect(pageErrors).toEqual([]);
  expect(session.cspReports).toEqual([]);
  expect(session.foreign).toEqual([]);
}
