/**
 * Camera and microphone: asks for both, falls back to audio only and then to receive-only, and
 * says in plain words why, so that a missing or blocked device never keeps anyone out of a call.
 */

export type MediaProblemType =
  | 'media-denied'
  | 'media-missing'
  | 'media-in-use'
  | 'media-constraints'
  | 'insecure-context'
  | 'media-failed';

export interface MediaProblem {
  type: MediaProblemType;
  /** Which device the problem concerns. */
  device: 'camera' | 'microphone' | 'camera and microphone';
  /** A sentence for the visitor: what happened and what they can do. */
  message: string;
  /** A `media-denied` that the page embedding this one causes (its iframe does not allow the device). */
  framed?: boolean;
}

export interface LocalMedia {
  /** The tracks obtained; null when the visitor takes part receive-only. */
  stream: MediaStream | null;
  /** Problems met on the way (empty when everything asked for was granted). */
  problems: MediaProblem[];
}

export interface MediaWish {
  audio: boolean;
  video: boolean;
  /** A particular microphone or camera (`MediaDeviceInfo.deviceId`). */
  audioDevice?: string;
  videoDevice?: string;
  /** A camera by the way it faces (a phone's front camera faces the `user`, its back camera the `environment`), where no particular one is named. */
  videoFacing?: 'user' | 'environment';
  /** Devices picked earlier, asked for where no particular one is: as `ideal`, so that one unplugged since gives way to another. */
  preferred?: { audio?: string; video?: string };
  /**
   * What the visitor does to try again, for each device, ending the messages ("join again", the
   * default; in a call, "press Unmute again").
   */
  again?: (device: MediaProblem['device']) => string;
}

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };

/** Whether this document is inside a frame (a cross-origin parent throws on access). */
function framed(): boolean {
  try {
    return window.top !== window.self;
  } catch {
    return true;
  }
}

/**
 * Whether the page embedding this one keeps the device from it: a frame without
 * `allow="camera; microphone"`. Browsers with a Permissions Policy API say so; elsewhere a
 * frame refused at once (no prompt was shown: under `PROMPTLESS_MS`) is taken as that, and
 * before asking (`quick` false) nothing can be known.
 */
export function blockedByEmbedder(device: MediaProblem['device'], quick = false): boolean {
  if (typeof document === 'undefined' || !framed()) return false;
  type Policy = { allowsFeature(feature: string): boolean };
  const doc = document as Document & { permissionsPolicy?: Policy; featurePolicy?: Policy };
  const policy = doc.permissionsPolicy ?? doc.featurePolicy;
  const features = device === 'camera' ? ['camera'] : device === 'microphone' ? ['microphone'] : ['camera', 'microphone'];
  if (policy?.allowsFeature) return features.some((f) => !policy.allowsFeature(f));
  return quick;
}

/** A refusal faster than this came without a prompt. */
const PROMPTLESS_MS = 150;

/**
 * Maps a getUserMedia failure to a problem a visitor can act on. `quick`: the browser refused
 * without asking (see blockedByEmbedder).
 */
export function describeMediaError(error: unknown, device: MediaProblem['device'], again = 'join again', quick = false): MediaProblem {
  const name = (error as DOMException | undefined)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      if (blockedByEmbedder(device, quick)) {
        return {
          type: 'media-denied',
          device,
          framed: true,
          message: `This call is part of another site, which does not let it use the ${device}. Only that site can change it: it must allow the camera and microphone for the embedded call (allow="camera; microphone" on its iframe).`,
        };
      }
      return {
        type: 'media-denied',
        device,
        message: `Access to the ${device} is blocked. Allow it in the browser's site settings (the icon left of the address) and ${again}.`,
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return { type: 'media-missing', device, message: `No ${device} was found. Plug one in and ${again}.` };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        type: 'media-in-use',
        device,
        message: `The ${device} could not be started; another program may be using it. Close it and ${again}.`,
      };
    case 'OverconstrainedError':
      return { type: 'media-constraints', device, message: `The ${device} cannot provide the requested format.` };
    case 'SecurityError':
      return {
        type: 'insecure-context',
        device,
        message: `The browser does not allow the ${device} on this page; it needs https:// (or http://localhost).`,
      };
    default:
      return { type: 'media-failed', device, message: `The ${device} could not be started (${name || String(error)}).` };
  }
}

/**
 * Gets what the wish asks for, or as much of it as possible. Order of attempts: both devices;
 * then each one alone (so a blocked camera still leaves the microphone); then nothing.
 */
export async function acquireLocalMedia(
  wish: MediaWish,
  getUserMedia: GetUserMedia | undefined = globalThis.navigator?.mediaDevices?.getUserMedia?.bind(navigator.mediaDevices),
): Promise<LocalMedia> {
  if (!wish.audio && !wish.video) return { stream: null, problems: [] };
  const both = wish.audio && wish.video;
  const device: MediaProblem['device'] = both ? 'camera and microphone' : wish.video ? 'camera' : 'microphone';
  if (!getUserMedia || (globalThis.isSecureContext === false)) {
    return {
      stream: null,
      problems: [
        {
          type: 'insecure-context',
          device,
          message: 'This page cannot use a camera or microphone because it is not served over https://.',
        },
      ],
    };
  }
  const { audio: audioPick, video: videoPick } = wish.preferred ?? {};
  const audioConstraints: MediaTrackConstraints | boolean = wish.audioDevice ? { deviceId: { exact: wish.audioDevice } } : audioPick ? { deviceId: { ideal: audioPick } } : true;
  const videoConstraints: MediaTrackConstraints = wish.videoDevice
    ? { ...VIDEO, deviceId: { exact: wish.videoDevice } }
    : wish.videoFacing
      ? { ...VIDEO, facingMode: { exact: wish.videoFacing } }
      : videoPick
      ? { ...VIDEO, deviceId: { ideal: videoPick } }
      : VIDEO;
  const started = performance.now();
  const describe = (error: unknown, which: MediaProblem['device']) => describeMediaError(error, which, wish.again?.(which), performance.now() - started < PROMPTLESS_MS);
  try {
    return {
      stream: await getUserMedia({ audio: wish.audio && audioConstraints, video: wish.video && videoConstraints }),
      problems: [],
    };
  } catch (error) {
    if (!both) return { stream: null, problems: [describe(error, device)] };
    const problems: MediaProblem[] = [];
    // Find out which device is at fault, keeping whichever one works.
    let audio: MediaStream | null = null;
    try {
      audio = await getUserMedia({ audio: audioConstraints, video: false });
    } catch (audioError) {
      problems.push(describe(audioError, 'microphone'));
    }
    let video: MediaStream | null = null;
    try {
      video = await getUserMedia({ audio: false, video: videoConstraints });
    } catch (videoError) {
      problems.push(describe(videoError, 'camera'));
    }
    if (problems.length === 0) problems.push(describe(error, device));
    // Both blocked for the same reason: one message, not two.
    if (problems.length === 2 && problems[0].type === problems[1].type) {
      problems.splice(0, 2, describe(error, device));
    }
    const tracks = [...(audio?.getTracks() ?? []), ...(video?.getTracks() ?? [])];
    return { stream: tracks.length ? new MediaStream(tracks) : null, problems };
  }
}

/** The cameras and microphones the browser reports (labels only once permission was given). */
export async function listDevices(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices?.enumerateDevices()) ?? [];
  } catch {
    return [];
  }
}

/** Stops every track of a stream (the camera light goes off). */
export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
