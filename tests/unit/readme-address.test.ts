import { describe, expect, it } from 'vitest';
import { readmeAddress } from '../../site/readme-address';

describe('readmeAddress', () => {
  it("points at the repository's README section when GitHub Actions builds the site", () => {
    expect(readmeAddress({ GITHUB_REPOSITORY: 'someone/tagplay', GITHUB_SERVER_URL: 'https://github.com' })).toBe(
      'https://github.com/someone/tagplay#how-it-works',
    );
  });

  it('is null for a local build, or a repository name that is not owner/name', () => {
    expect(readmeAddress({})).toBeNull();
    expect(readmeAddress({ GITHUB_REPOSITORY: 'javascript:alert(1)//x/y' })).toBeNull();
  });
});
