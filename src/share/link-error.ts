import type { ShareState } from './state';

/** A share link that cannot be opened; the message is shown to the user as it is. */
export class ShareLinkError extends Error {
  override readonly name = 'ShareLinkError';
}

/** A link of version 1, made with the earlier sampler: its settings are readable, its text would not replay. */
export class EarlierSamplerError extends ShareLinkError {
  constructor(readonly settings: ShareState) {
    super(
      "This link was made with an earlier version of tagplay's sampler, so replaying it would write other text " +
        'than it showed: its settings are restored, and Generate writes with them.',
    );
  }
}
