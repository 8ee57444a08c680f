import { buildSite } from './build-site';

/** Builds the site once for every end-to-end file. */
export default async function setup(): Promise<void> {
  await buildSite();
}
