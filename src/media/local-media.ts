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
}

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };

/** Maps a getUserMedia failure to a problem a visitor can act on. */
export function describeMediaError(error: unknown, device: MediaProblem['device']): MediaProblem {
  const name = (error as DOMException | undefined)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return {
        type: 'media-denied',
        device,
        message: `Access to the ${device} is blocked. Allow it in the browser's site settings (the icon left of the address) and join again.`,
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return { type: 'media-missing', device, message: `No ${device} was found. Plug one in and join again.` };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        type: 'media-in-use',
        device,
        message: `The ${device} could not be started; another program may be using it. Close it and join again.`,
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
  const audioConstraints: MediaTrackConstraints | boolean = wish.audioDevice ? { deviceId: { exact: wish.audioDevice } } : true;
  const videoConstraints: MediaTrackConstraints = wish.videoDevice ? { ...VIDEO, deviceId: { exact: wish.videoDevice } } : VIDEO;
  try {
    return {
      stream: await getUserMedia({ audio: wish.audio && audioConstraints, video: wish.video && videoConstraints }),
      problems: [],
    };
  } catch (error) {
    if (!both) return { stream: null, problems: [describeMediaError(error, device)] };
    const problems: MediaProblem[] = [];
    // Find out which device is at fault, keeping whichever one works.
    let audio: MediaStream | null = null;
    try {
      audio = await getUserMedia({ audio: audioConstraints, video: false });
    } catch (audioError) {
      problems.push(describeMediaError(audioError, 'microphone'));
    }
    let video: MediaStream | null = null;
    try {
      video = await getUserMedia({ audio: false, video: videoConstraints });
    } catch (videoError) {
      problems.push(describeMediaError(videoError, 'camera'));
    }
    if (problems.length === 0) problems.push(describeMediaError(error, device));
    // Both blocked for the same reason: one message, not two.
    if (problems.length === 2 && problems[0].type === problems[1].type) {
      problems.splice(0, 2, describeMediaError(error, device));
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
