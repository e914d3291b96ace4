/**
 * A token bucket per key (a peer id): `limit` events per `window` ms, refilled continuously,
 * so a burst of `limit` passes and then about one per `window / limit` ms. At most `maxKeys`
 * buckets are kept: a new key past that forgets the least recently used one.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    public limit: number,
    private readonly window = 10_000,
    private readonly maxKeys = Infinity,
  ) {}

  /** Takes a token for `key`; false when its bucket is empty. */
  allow(key: string, now = performance.now()): boolean {
    return this.take(key, 0, now) === 0;
  }

  /**
   * Takes a token for `key` only while its bucket then still holds `keep` (left for other
   * uses; at most `limit` − 1 is kept). Returns 0 when it took one, else how long (ms) until
   * it could, if nothing else takes one meanwhile.
   */
  take(key: string, keep: number, now = performance.now()): number {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else {
      bucket = { tokens: this.limit, at: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    // Set again on every use, so the map's order is least recently used first.
    this.buckets.set(key, bucket);
    bucket.tokens = Math.min(this.limit, bucket.tokens + ((now - bucket.at) * this.limit) / this.window);
    bucket.at = now;
    const needed = 1 + Math.max(0, Math.min(keep, this.limit - 1));
    if (bucket.tokens < needed) return Math.max(1, Math.ceil(((needed - bucket.tokens) * this.window) / this.limit));
    bucket.tokens -= 1;
    return 0;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}

/**
 * The tokens of this page's own rate that its files' offers leave to its messages: a quarter,
 * rounded up (5 of the default 20; none at a rate of 1). Files picked past the rate then go
 * at the rate, while messages written meanwhile go at once. It is a margin at the receivers
 * too: offers that reach one closer together than they left (behind file data) still fit its
 * bucket, which follows this one.
 */
export const messageReserve = (rate: number): number => Math.min(rate - 1, Math.ceil(rate / 4));
