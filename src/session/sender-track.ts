/**
 * The track each of the pair's senders sends or is about to: `sender.track` changes only once
 * replaceTrack resolves, so a track put back before then (a camera switched and switched back at
 * once; a page's second call of the room leaving just after it took over) would be taken for
 * the one there already, and the track on its way would stay on the sender, a stopped one often.
 */
const meant = new WeakMap<RTCRtpSender, MediaStreamTrack | null>();

/** The track `sender` sends, or will once its last replaceTrack is done. */
export function trackOf(sender: RTCRtpSender): MediaStreamTrack | null {
  return meant.has(sender) ? meant.get(sender)! : sender.track;
}

/** Puts `track` (or none) on `sender` unless it is the one it sends or will. Resolves once it is on. */
export function putTrack(sender: RTCRtpSender, track: MediaStreamTrack | null): Promise<void> {
  if (trackOf(sender) === track) return Promise.resolve();
  meant.set(sender, track);
  return sender.replaceTrack(track).catch(() => {});
}
