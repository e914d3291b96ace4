import type { Participant } from '../../controllers/room-controller.js';

/** A person's name as the call shows it: with the mark that tells namesakes apart (`Ada #2`). */
export function shownName(p: Participant): string {
  return p.tag ? `${p.name} ${p.tag}` : p.name;
}
