/** Which way the camera of a stream faces: a phone's front camera the `user`, its back camera the `environment`; a desktop's camera says neither. */
export function facing(stream: MediaStream | null): 'user' | 'environment' | undefined {
  const mode = stream?.getVideoTracks()[0]?.getSettings().facingMode;
  return mode === 'user' || mode === 'environment' ? mode : undefined;
}

/**
 * Whether the camera of a stream faces away from the visitor (a phone's back camera). The
 * picture of a camera that faces the visitor is mirrored, as a mirror would show them; one
 * that faces away is shown as it is, or what it films would read backwards.
 */
export function facesAway(stream: MediaStream | null): boolean {
  return facing(stream) === 'environment';
}
