/**
 * Where the tiles of a call go in the box the page gives the element. Pure functions of the
 * box's size and the number of tiles, so that the choice is tested without a browser, and
 * absolute positions, so that the tiles can never spill out of the box, whatever its shape.
 */

/** A tile's place in the stage, in CSS pixels from its top left corner. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Over another tile (pairLayout), not beside it. */
  floating?: boolean;
}

/** A corner of the stage, where this page's own camera floats in a call of two. */
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The corner of a `width` × `height` box nearest to the point (`x`, `y`). */
export function nearestCorner(x: number, y: number, width: number, height: number): Corner {
  return `${y < height / 2 ? 'top' : 'bottom'}-${x < width / 2 ? 'left' : 'right'}`;
}

/** Where an arrow key sends a tile that sits in a corner. */
export type Toward = 'up' | 'down' | 'left' | 'right';

const CLOCKWISE: Corner[] = ['top-left', 'top-right', 'bottom-right', 'bottom-left'];

/** The corner `toward` one side of the stage from `corner` (the same one when it is there already), or without it the next one clockwise. */
export function nextCorner(corner: Corner, toward?: Toward): Corner {
  if (!toward) return CLOCKWISE[(CLOCKWISE.indexOf(corner) + 1) % CLOCKWISE.length];
  const [vertical, horizontal] = corner.split('-');
  if (toward === 'up' || toward === 'down') return `${toward === 'up' ? 'top' : 'bottom'}-${horizontal}` as Corner;
  return `${vertical}-${toward}` as Corner;
}

export interface GridChoice {
  columns: number;
  rows: number;
  /** The size of each tile. */
  width: number;
  height: number;
}

/**
 * The shapes a tile may take. A camera sends 4:3 or 16:9, and a narrow phone in portrait is
 * better served by square tiles (the video is cropped a little at the sides) than by letterbox
 * strips a third of the height.
 */
export const WIDEST = 16 / 9;
export const NARROWEST = 1;

/** The largest tile that fits a cell, between the narrowest and the widest shape. */
function fit(cellWidth: number, cellHeight: number): { width: number; height: number } {
  const width = Math.max(0, Math.min(cellWidth, cellHeight * WIDEST));
  const height = Math.max(0, Math.min(cellHeight, width / NARROWEST));
  return { width, height };
}

/**
 * The arrangement of `count` tiles in columns and rows that makes them largest in a box of
 * `width` × `height` with `gap` between tiles (four tiles in a landscape box: 2 × 2, not 3 + 1).
 * Ties go to fewer columns, which keeps a phone's tiles in one column as long as it costs
 * nothing.
 */
export function chooseGrid(count: number, width: number, height: number, gap = 8): GridChoice {
  let best: GridChoice = { columns: 1, rows: Math.max(1, count), width: 0, height: 0 };
  if (count < 1 || width <= 0 || height <= 0) return best;
  let bestArea = -1;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    // A column more that leaves a row as it was only shrinks the tiles.
    if (columns > 1 && Math.ceil(count / (columns - 1)) === rows) continue;
    const tile = fit((width - gap * (columns - 1)) / columns, (height - gap * (rows - 1)) / rows);
    const area = tile.width * tile.height;
    if (area > bestArea + 0.5) {
      bestArea = area;
      best = { columns, rows, ...tile };
    }
  }
  return best;
}

/** `count` tiles laid out as `chooseGrid` says, each row centred (a short last row too). */
export function gridLayout(count: number, width: number, height: number, gap = 8): Rect[] {
  const { columns, rows, width: w, height: h } = chooseGrid(count, width, height, gap);
  const top = (height - rows * h - (rows - 1) * gap) / 2;
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / columns);
    const inRow = row === rows - 1 ? count - row * columns : columns;
    const left = (width - inRow * w - (inRow - 1) * gap) / 2;
    rects.push({ x: left + (i % columns) * (w + gap), y: top + row * (h + gap), width: w, height: h });
  }
  return rects.map(round);
}

/**
 * One tile large (the active speaker or a pinned one, at index `main`) and the others in a
 * strip: at the right of a landscape box, along the bottom of a portrait one. The strip takes
 * at most a quarter of the box, and its tiles shrink to fit, however many there are.
 */
export function speakerLayout(count: number, main: number, width: number, height: number, gap = 8): Rect[] {
  if (count <= 1) return gridLayout(count, width, height, gap);
  const others = count - 1;
  const side = width > height * 1.2;
  const rects: Rect[] = [];
  let stage: Rect;
  if (side) {
    const stripWidth = Math.min(width * 0.25, 240);
    const column = columnOf(others, stripWidth, height, gap);
    const left = width - stripWidth;
    column.forEach((r) => rects.push({ ...r, x: r.x + left }));
    stage = { x: 0, y: 0, width: width - stripWidth - gap, height };
  } else {
    const stripHeight = Math.min(height * 0.25, 160);
    const row = rowOf(others, width, stripHeight, gap);
    const top = height - stripHeight;
    row.forEach((r) => rects.push({ ...r, y: r.y + top }));
    stage = { x: 0, y: 0, width, height: height - stripHeight - gap };
  }
  const [big] = gridLayout(1, stage.width, stage.height, gap);
  const all = rects.map(round);
  all.splice(Math.min(Math.max(main, 0), others), 0, round({ ...big, x: big.x + stage.x, y: big.y + stage.y }));
  return all;
}

/**
 * A call of two, nothing shared or pinned: the other person fills the box, and this page's own
 * camera floats small in a corner of their tile (`corner`, the bottom right unless the visitor
 * moved it), as Meet, Zoom and FaceTime show it. `self` is the index of this page's tile (0 or
 * 1); its rectangle says `floating`. It is a quarter as wide as the other's tile, from 112 to
 * 240 px (never more than half of it either way), upright in an upright box.
 */
export function pairLayout(self: number, width: number, height: number, gap = 8, corner: Corner = 'bottom-right'): Rect[] {
  const [other] = gridLayout(1, width, height, gap);
  const upright = height > width;
  const shape = upright ? 4 / 3 : 3 / 4;
  const w = Math.min(Math.max(other.width / 4, 112), 240, other.width / 2, other.height / 2 / shape);
  const h = w * shape;
  const inset = gap + 4;
  const x = corner.endsWith('right') ? Math.max(other.x, other.x + other.width - w - inset) : other.x + Math.min(inset, other.width - w);
  const y = corner.startsWith('bottom') ? Math.max(other.y, other.y + other.height - h - inset) : other.y + Math.min(inset, other.height - h);
  const floating = { ...round({ x, y, width: w, height: h }), floating: true };
  return self === 0 ? [floating, other] : [other, floating];
}

/** `count` tiles in one row of a `width` × `height` box, centred. */
function rowOf(count: number, width: number, height: number, gap: number): Rect[] {
  const tile = fit((width - gap * (count - 1)) / count, height);
  const left = (width - count * tile.width - (count - 1) * gap) / 2;
  const top = (height - tile.height) / 2;
  return Array.from({ length: count }, (_, i) => ({ x: left + i * (tile.width + gap), y: top, ...tile }));
}

/** `count` tiles in one column of a `width` × `height` box, centred. */
function columnOf(count: number, width: number, height: number, gap: number): Rect[] {
  const tile = fit(width, (height - gap * (count - 1)) / count);
  const top = (height - count * tile.height - (count - 1) * gap) / 2;
  const left = (width - tile.width) / 2;
  return Array.from({ length: count }, (_, i) => ({ x: left, y: top + i * (tile.height + gap), ...tile }));
}

/** Whole pixels, rounded inwards, so that rounding never pushes a tile past the box. */
function round(r: Rect): Rect {
  const x = Math.ceil(r.x);
  const y = Math.ceil(r.y);
  return { x, y, width: Math.max(0, Math.floor(r.x + r.width) - x), height: Math.max(0, Math.floor(r.y + r.height) - y) };
}
