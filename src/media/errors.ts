/**
 * Media errors. `code` reuses the core catalogue's names (src/core/errors.ts) so an interface can map a media failure
 * to its wire form with the table it already has, without media/ importing core/.
 */
export class MediaLimitError extends Error {
  readonly code = 'limitExceeded' as const;
  readonly limit: number;

  constructor(limit: number, what = 'RTP streams') {
    super(`A configured limit was reached: at most ${limit} ${what}`);
    this.name = 'MediaLimitError';
    this.limit = limit;
  }
}
