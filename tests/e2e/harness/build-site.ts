import { resolve } from 'node:path';
import { build } from 'vite';

/** Where the end-to-end tests build the site (ignored by git). */
export const SITE_DIR = resolve(import.meta.dirname, '../artifacts/site');

/** The production build, exactly as `npm run build` makes it, only written elsewhere. */
export async function buildSite(): Promise<void> {
  await build({
    root: resolve(import.meta.dirname, '../../..'),
    logLevel: 'warn',
    build: { outDir: SITE_DIR, emptyOutDir: true },
  });
}
