/** A share link that cannot be opened; the message is shown to the user as it is. */
export class ShareLinkError extends Error {
  override readonly name = 'ShareLinkError';
}
