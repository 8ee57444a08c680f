import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO = resolve(import.meta.dirname, '../../..');

/** Where the end-to-end tests build the site (ignored by git). */
export const SITE_DIR = resolve(import.meta.dirname, '../artifacts/site');

/**
 * The command that builds the site for deployment: the Pages workflow (`.github/workflows/pages.yml`)
 * runs it too, so the tests test what is published.
 */
export const BUILD_COMMAND = 'npm run build';

/**
 * Runs `BUILD_COMMAND` as it is, only with the output written to `outDir`; `unminified` keeps names and adds
 * source maps, so a CPU profile of the page names its functions and source lines; `model` builds the site
 * around another model folder (`TAGPLAY_MODEL`, see `site/served-paths.ts`); `env` adds to the build's
 * environment (e.g. what GitHub Actions sets).
 */
export async function buildSite(
  outDir = SITE_DIR,
  {
    unminified = false,
    model,
    env: more = {},
  }: { unminified?: boolean; model?: string; env?: Record<string, string> } = {},
): Promise<void> {
  const extra = unminified ? ['--minify', 'false', '--sourcemap'] : [];
  const env = { ...process.env, ...(model ? { TAGPLAY_MODEL: model } : {}), ...more };
  await promisify(execFile)(
    'npm',
    ['run', 'build', '--', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn', ...extra],
    { cwd: REPO, env },
  );
}
