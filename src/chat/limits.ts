import { ConfigError } from '../session/config.js';
import type { ChatLimits } from './types.js';
import { MAX_HISTORY, MAX_TEXT_LENGTH } from './wire.js';

/** Each limit: its attribute, the range allowed, and what it counts. */
const RANGES: [keyof ChatLimits, string, number, number, string][] = [
  ['maxMessageLength', 'max-message-length', 1, MAX_TEXT_LENGTH, 'characters'],
  ['maxMessageRate', 'max-message-rate', 1, 1_000, 'messages per 10 seconds'],
  ['maxFileSize', 'max-file-size', 0, Number.MAX_SAFE_INTEGER, 'bytes; 0 switches files off'],
  ['history', 'history', 0, MAX_HISTORY, 'messages'],
];

/** Checks the chat's limit attributes; a bad one becomes an `invalid-config` error naming it. */
export function checkLimits(input: Record<keyof ChatLimits, unknown>): ChatLimits {
  const limits = {} as ChatLimits;
  for (const [key, attribute, min, max, what] of RANGES) {
    const value = input[key];
    const n = typeof value === 'string' ? Number(value.trim() || NaN) : value;
    if (!Number.isInteger(n) || (n as number) < min || (n as number) > max) {
      throw new ConfigError(attribute, `${attribute} must be a whole number from ${min} to ${max} (${what}), not "${String(value)}".`);
    }
    limits[key] = n as number;
  }
  return limits;
}
