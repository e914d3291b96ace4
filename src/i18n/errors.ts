import type { ConfigError, SessionError, SessionErrorFacts } from '../controllers/room-controller.js';
import type { RtcErrorDetail, RtcErrorType } from '../events/error.js';
import type { Device, Strings } from './en.js';

/**
 * What the elements know about a problem, beyond the English message the layer that found it
 * wrote (which the `rtc-error` event carries for developers): enough to say it again in the
 * element's language.
 */
export interface Problem extends SessionErrorFacts {
  type: RtcErrorType | 'empty-message';
  fatal?: boolean;
  /** A configuration problem: the attribute at fault (ConfigError's `field`) and its value. */
  field?: string;
  value?: unknown;
  /** A camera or microphone problem: which device, and whether the embedding page blocks it. */
  device?: Device;
  framed?: boolean;
  /** How a device problem's message ends: what to do to try again (before joining: join again). */
  again?: (t: Strings) => string;
  /** A chunk of code that did not load (LoadError). */
  load?: boolean;
  /** A chat problem of this page's own doing (sending), rather than someone else's. */
  own?: boolean;
  /** A name, file name, size or limit the sentence needs. */
  name?: string;
  size?: number;
  max?: number;
  /** A sentence of the table to show as it is, for problems the element words itself. */
  text?: (t: Strings) => string;
}

/** The chat limits' ranges, as chat/limits.ts checks them (a unit test keeps the two in step). */
export const LIMIT_RANGES: Record<string, [number, number]> = {
  'max-message-length': [1, 10_000],
  'max-message-rate': [1, 1_000],
  'max-file-size': [0, Number.MAX_SAFE_INTEGER],
  history: [0, 500],
};

/** The room name's longest length (session/config.ts MAX_ROOM_LENGTH). */
const MAX_ROOM_LENGTH = 128;

function configText(t: Strings, p: Problem): string {
  const value = typeof p.value === 'string' ? p.value : String(p.value ?? '');
  const range = LIMIT_RANGES[p.field ?? ''];
  if (range) return t.errorRange(p.field!, range[0], range[1], value);
  switch (p.field) {
    case 'room':
      return value.trim() ? t.errorRoom(MAX_ROOM_LENGTH) : t.errorNoRoom;
    case 'server':
      return t.errorServerUrl(value);
    case 'key':
      return t.errorKey(value);
    case 'ice-servers':
      return t.errorIceServers;
    case 'ice-transport-policy':
      return t.errorPolicy(value);
    case 'max-participants':
      return t.errorMaxParticipants(value);
    default:
      return t.errorConfig(p.field ?? '');
  }
}

function mediaText(t: Strings, p: Problem, word: (t: Strings) => (device: Device, again: string) => string): string {
  return word(t)(p.device ?? 'camera and microphone', p.again?.(t) ?? t.joinAgainToTry);
}

/** A problem in the element's language, by its type and what else is known about it. */
export function problemText(t: Strings, p: Problem): string {
  if (p.text) return p.text(t);
  switch (p.type) {
    case 'invalid-config':
      return configText(t, p);
    case 'network':
      return p.load ? t.errorLoad : p.policy ? t.errorConnectPolicy : t.errorNetwork;
    case 'invalid-key':
      return t.errorInvalidKey;
    case 'server-error':
      // Non-fatal: the relay server this page must use cannot be had (RoomController).
      if (p.relay === 'refused') return t.errorRelayRefused;
      if (p.relay === 'none') return t.errorRelayNone;
      return p.fatal === false ? t.errorNoRelay : t.errorServer;
    case 'browser-incompatible':
      return t.errorBrowser;
    case 'room-full':
      return t.errorRoomFull;
    case 'room-unreachable':
      return t.errorRoomUnreachable;
    case 'not-let-in':
      return p.turnedAway ? t.errorTurnedAway : t.errorNotLetIn;
    case 'insecure-context':
      return p.device ? t.mediaInsecure : t.errorInsecure;
    case 'disconnected':
      return p.own ? t.errorNotJoined : t.errorEnded;
    case 'negotiation-failed':
      return t.errorNegotiation;
    case 'protocol':
      return p.versions ? t.errorOtherVersion(...p.versions) : t.errorProtocol;
    case 'duplicate-name':
      return p.name ? t.errorDuplicateName(p.name) : t.errorProtocol;
    case 'media-denied':
      if (p.framed) return t.mediaDeniedFramed(p.device ?? 'camera and microphone');
      return mediaText(t, p, (t) => t.mediaDenied);
    case 'media-missing':
      return mediaText(t, p, (t) => t.mediaMissing);
    case 'media-in-use':
      return mediaText(t, p, (t) => t.mediaInUse);
    case 'media-constraints':
      return mediaText(t, p, (t) => t.mediaConstraints);
    case 'media-failed':
      return mediaText(t, p, (t) => t.mediaFailed);
    case 'media-ended':
      return t.deviceStopped(p.device === 'microphone' ? 'microphone' : 'camera');
    case 'media-paused':
      return t.devicePaused(p.device === 'microphone' ? 'microphone' : 'camera');
    case 'empty-message':
      return t.errorEmpty;
    case 'message-too-long':
      return p.own ? t.errorTooLong(p.max ?? 0) : t.errorTooLongFrom(p.max ?? 0);
    case 'rate-limited':
      return p.own ? t.errorRate(p.max ?? 0) : t.errorRateFrom;
    case 'file-too-large':
      if (!p.own) return t.errorFileTooLargeFrom(p.max ?? 0);
      return p.max ? t.errorFileTooLarge(p.name ?? '', p.size ?? 0, p.max) : t.errorFilesOff;
    case 'file-failed':
      return p.own && p.name !== undefined ? t.errorNobody(p.name) : t.errorFileFailed;
    case 'file-corrupt':
      return t.errorFileCorrupt;
    default:
      return t.errorUnknown;
  }
}

const isConfigError = (err: unknown): err is ConfigError => err instanceof Error && err.name === 'ConfigError';
const isSessionError = (err: unknown): err is SessionError => err instanceof Error && err.name === 'SessionError';

/**
 * A join that failed, as `rtc-error` tells it and as the element says it: a ConfigError (its
 * `field`, and the element's value for it), a chunk of code that did not load (LoadError), or
 * the session's error; anything else is a network problem.
 */
export function failure(el: object, err: unknown): [RtcErrorDetail, Problem] {
  if (isSessionError(err)) {
    // The join is over, whatever the error says of itself.
    const [detail, problem] = sessionProblem(err);
    return [{ ...detail, fatal: true }, { ...problem, fatal: true }];
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isConfigError(err)) {
    const property = err.field.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    return [
      { type: 'invalid-config', message, fatal: true },
      { type: 'invalid-config', fatal: true, field: err.field, value: Reflect.get(el, property) },
    ];
  }
  return [
    { type: 'network', message, fatal: true },
    { type: 'network', fatal: true, load: err instanceof Error && err.name === 'LoadError' },
  ];
}

/** The session's error, as `rtc-error` tells it and as the element says it (its facts name a namesake, for one). */
export function sessionProblem(err: SessionError): [RtcErrorDetail, Problem] {
  return [
    { type: err.type, message: err.message, fatal: err.fatal },
    { ...err.facts, type: err.type, fatal: err.fatal },
  ];
}
