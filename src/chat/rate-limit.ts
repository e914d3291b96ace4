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
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
