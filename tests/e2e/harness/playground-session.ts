import { afterAll, beforeAll } from 'vitest';
import type { BackendUnderTest } from './browser';
import { PlaygroundPage } from './playground';
import { startSession, type Session } from './session';

/**
 * A session on `backend` with the playground open in it, for the tests of the `describe` block that calls this:
 * started before them and closed after them. Its fields are set once the block's tests run.
 */
export function playgroundSession(backend: BackendUnderTest): { session: Session; playground: PlaygroundPage } {
  const opened = {} as { session: Session; playground: PlaygroundPage };
  beforeAll(async () => {
    opened.session = await startSession(backend);
    opened.playground = await PlaygroundPage.open(opened.session.context, opened.session.site.url);
  });
  afterAll(async () => {
    await opened.session?.close();
  });
  return opened;
}
