import type { BrowserContext } from 'playwright-core';

/** Records every request that leaves the site's origin: the app must fetch nothing from elsewhere. */
export function guardOrigin(context: BrowserContext, siteUrl: string): { check(): void } {
  const origin = new URL(siteUrl).origin;
  const foreign: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'blob:' && url.protocol !== 'data:' && url.origin !== origin) foreign.push(request.url());
  });
  return {
    check() {
      if (foreign.length > 0)
        throw new Error(`requests left the origin, so the figures are not local: ${foreign.join(', ')}`);
    },
  };
}
