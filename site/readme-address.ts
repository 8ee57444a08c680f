/**
 * Where the README's "How it works" is read online, for the page's link to it: the repository's page on GitHub
 * when GitHub Actions builds the site (it names the repository in the environment), else null, and the page
 * names the section without a link. Node-side: the Vite config reads it.
 */
export function readmeAddress(env: Record<string, string | undefined> = process.env): string | null {
  const repository = env.GITHUB_REPOSITORY;
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return null;
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}#how-it-works`;
}
