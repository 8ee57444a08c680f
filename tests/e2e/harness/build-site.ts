import { resolve } from 'node:path';
import { build } from 'vite';

const REPO = resolve(import.meta.dirname, '../../..');

/** Where the end-to-end tests build the site (ignored by git). */
export const SITE_DIR = resolve(import.meta.dirname, '../artifacts/site');

/**
 * The production build, exactly as `npm run build` makes it, only written to `outDir`; `unminified`
 * keeps names and adds source maps, so a CPU profile of the page names its functions and source lines.
 */
export async function buildSite(outDir = SITE_DIR, { unminified = false } = {}): Promise<void> {
  await build({
    root: REPO,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, ...(unminified ? { minify: false, sourcemap: true } : {}) },
  });
}
