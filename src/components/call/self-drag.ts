import { nearestCorner, type Corner } from './layout.js';

/** A press that moves less than this (CSS pixels) is a tap, not a drag: the tile stays. */
const SLOP = 6;

/**
 * Drags this page's own floating tile (a call of two) with a mouse, a finger or a pen, and lets it
 * go into the stage's nearest corner, as FaceTime and Meet's own view move. While dragged the tile
 * follows the pointer (kept inside the stage); let go, it glides from there into `moved(corner)`'s
 * place. A press on one of the tile's buttons is left to the button.
 */
export function dragSelf(e: PointerEvent, moved: (corner: Corner) => void): void {
  const tile = e.currentTarget as HTMLElement;
  const stage = tile.offsetParent as HTMLElement | null;
  if (!e.isPrimary || e.button !== 0 || !stage || (e.target as Element).closest('button')) return;
  const from = { x: e.clientX, y: e.clientY };
  const at = { x: tile.offsetLeft, y: tile.offsetTop };
  // How far it may go either way without leaving the stage.
  const room = { x: [-at.x, stage.clientWidth - tile.offsetWidth - at.x], y: [-at.y, stage.clientHeight - tile.offsetHeight - at.y] };
  const clamp = (v: number, [min, max]: number[]) => Math.min(Math.max(v, min), max);
  let by = { x: 0, y: 0 };
  let dragging = false;
  try {
    tile.setPointerCapture(e.pointerId);
  } catch {
    return; // the pointer is gone already
  }
  const move = (m: PointerEvent) => {
    if (m.pointerId !== e.pointerId) return;
    by = { x: clamp(m.clientX - from.x, room.x), y: clamp(m.clientY - from.y, room.y) };
    if (!dragging && Math.hypot(by.x, by.y) < SLOP) return;
    dragging = true;
    tile.classList.add('dragging');
    tile.style.translate = `${by.x}px ${by.y}px`;
  };
  const end = (u: PointerEvent) => {
    if (u.pointerId !== e.pointerId) return;
    tile.removeEventListener('pointermove', move);
    tile.removeEventListener('pointerup', end);
    tile.removeEventListener('pointercancel', end);
    if (!dragging) return;
    // Where it was let go, without gliding there; then it glides on into its corner.
    const x = at.x + by.x;
    const y = at.y + by.y;
    tile.style.left = `${x}px`;
    tile.style.top = `${y}px`;
    tile.style.translate = '';
    void tile.offsetWidth;
    tile.classList.remove('dragging');
    moved(nearestCorner(x + tile.offsetWidth / 2, y + tile.offsetHeight / 2, stage.clientWidth, stage.clientHeight));
  };
  tile.addEventListener('pointermove', move);
  tile.addEventListener('pointerup', end);
  tile.addEventListener('pointercancel', end);
}
