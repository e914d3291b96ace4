import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { chooseGrid, gridLayout, nearestCorner, nextCorner, pairLayout, speakerLayout, type Corner, type Rect } from '../src/components/call/layout.js';
import { rtcServer } from './env.js';
import { closeAll, joinAll, namesWithVideo, part, pressInBar, uniqueRoom, until, untilEveryoneSeesEveryone, type TestParticipant } from './helpers.js';

const inside = (r: Rect, w: number, h: number) => r.x >= 0 && r.y >= 0 && r.x + r.width <= w && r.y + r.height <= h;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('call layout: the grid choice', () => {
  it('puts four tiles 2 × 2 in a landscape box, not 3 + 1', () => {
    expect(chooseGrid(4, 800, 450)).to.include({ columns: 2, rows: 2 });
    expect(chooseGrid(4, 1280, 720)).to.include({ columns: 2, rows: 2 });
  });

  it('makes the tiles as large as any arrangement could', () => {
    for (const [w, h] of [
      [374, 300],
      [800, 450],
      [400, 540],
      [1920, 1000],
      [320, 200],
    ]) {
      for (let n = 1; n <= 9; n++) {
        const best = chooseGrid(n, w, h);
        for (let columns = 1; columns <= n; columns++) {
          const rows = Math.ceil(n / columns);
          const cw = (w - 8 * (columns - 1)) / columns;
          const ch = (h - 8 * (rows - 1)) / rows;
          const tw = Math.min(cw, ch * (16 / 9));
          const area = tw * Math.min(ch, tw);
          expect(best.width * best.height, `${n} tiles in ${w}×${h}, ${columns} columns`).to.be.at.least(area - 1);
        }
      }
    }
  });

  it('stacks two tiles in a portrait box and puts them side by side in a landscape one', () => {
    expect(chooseGrid(2, 360, 600)).to.include({ columns: 1, rows: 2 });
    expect(chooseGrid(2, 800, 400)).to.include({ columns: 2, rows: 1 });
  });

  it('keeps every tile inside the box, without overlaps, however many and whatever the box', () => {
    for (const [w, h] of [
      [304, 180],
      [374, 250],
      [384, 480],
      [1000, 560],
      [120, 90],
    ]) {
      for (let n = 1; n <= 12; n++) {
        for (const rects of [gridLayout(n, w, h), speakerLayout(n, n - 1, w, h), speakerLayout(n, 0, w, h)]) {
          expect(rects).to.have.length(n);
          for (const r of rects) expect(inside(r, w, h), `${n} tiles in ${w}×${h}: ${JSON.stringify(r)}`).to.equal(true);
          for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(overlap(rects[i], rects[j]), `tiles ${i} and ${j} overlap`).to.equal(false);
        }
      }
    }
  });

  it("floats this page's own camera small in the corner of the other person's tile in a call of two, inside the box whatever its shape", () => {
    for (const [w, h] of [
      [304, 180],
      [374, 250],
      [384, 480],
      [390, 700],
      [1000, 560],
      [120, 90],
    ]) {
      for (const self of [0, 1]) {
        const rects = pairLayout(self, w, h);
        const [own, other] = [rects[self], rects[1 - self]];
        const label = `${w}×${h}, own tile ${self}: ${JSON.stringify(rects)}`;
        expect([own.floating, other.floating], label).to.deep.equal([true, undefined]);
        for (const r of rects) expect(inside(r, w, h), label).to.equal(true);
        expect(inside({ ...own, x: own.x - other.x, y: own.y - other.y }, other.width, other.height), `over the other's tile: ${label}`).to.equal(true);
        expect(own.width * own.height, `small: ${label}`).to.be.at.most((other.width * other.height) / 4);
        expect(other.x + other.width - (own.x + own.width), `at the right: ${label}`).to.be.below(16);
        expect(other.y + other.height - (own.y + own.height), `at the bottom: ${label}`).to.be.below(16);
        expect(own.height > own.width, `upright in an upright box: ${label}`).to.equal(h > w);
        // The other person as large as one tile alone.
        expect(other, label).to.deep.equal(gridLayout(1, w, h)[0]);
      }
    }
  });

  it("puts this page's own floating camera in the corner the visitor chose, and takes a point to its nearest corner", () => {
    for (const [w, h] of [
      [384, 480],
      [1000, 560],
      [120, 90],
    ]) {
      const other = gridLayout(1, w, h)[0];
      for (const corner of ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as Corner[]) {
        const own = pairLayout(1, w, h, 8, corner)[1];
        const label = `${w}×${h}, ${corner}: ${JSON.stringify(own)}`;
        expect(inside({ ...own, x: own.x - other.x, y: own.y - other.y }, other.width, other.height), `over the other's tile: ${label}`).to.equal(true);
        const gaps = { left: own.x - other.x, right: other.x + other.width - own.x - own.width, top: own.y - other.y, bottom: other.y + other.height - own.y - own.height };
        const [vertical, horizontal] = corner.split('-') as ['top' | 'bottom', 'left' | 'right'];
        expect(gaps[vertical], `near the ${vertical}: ${label}`).to.be.below(16);
        expect(gaps[horizontal], `near the ${horizontal}: ${label}`).to.be.below(16);
        expect(nearestCorner(own.x + own.width / 2, own.y + own.height / 2, w, h), `its middle's nearest corner: ${label}`).to.equal(corner);
      }
    }
  });

  it('moves the floating camera round the corners clockwise, and toward the side an arrow key names', () => {
    const round: Corner[] = [];
    let corner: Corner = 'bottom-right';
    for (let i = 0; i < 4; i++) round.push((corner = nextCorner(corner)));
    expect(round).to.deep.equal(['bottom-left', 'top-left', 'top-right', 'bottom-right']);
    expect(nextCorner('bottom-right', 'up')).to.equal('top-right');
    expect(nextCorner('bottom-right', 'left')).to.equal('bottom-left');
    expect(nextCorner('top-left', 'down')).to.equal('bottom-left');
    expect(nextCorner('top-left', 'right')).to.equal('top-right');
    // Already on that side: it stays.
    expect(nextCorner('top-left', 'up')).to.equal('top-left');
    expect(nextCorner('bottom-right', 'right')).to.equal('bottom-right');
  });

  it('shows the main tile of the speaker view larger than the strip', () => {
    const rects = speakerLayout(4, 2, 800, 450);
    const main = rects[2];
    for (const [i, r] of rects.entries()) if (i !== 2) expect(r.width * r.height).to.be.below(main.width * main.height / 4);
    expect(main.width).to.be.above(500);
  });
});

/** Sizes the participant's page and what the element in it is given. */
async function resize(p: TestParticipant, width: number, height: number, fill: boolean): Promise<void> {
  p.frame.style.width = `${width}px`;
  p.frame.style.height = `${height}px`;
  const doc = p.frame.contentDocument!;
  let style = doc.getElementById('fill');
  if (!style) {
    style = doc.createElement('style');
    style.id = 'fill';
    doc.head.append(style);
  }
  // The page gives the element its whole height, or nothing: unsized, it picks its own.
  style.textContent = fill ? 'html, body { height: 100%; margin: 0; }' : '';
  await new Promise((resolve) => p.frame.contentWindow!.requestAnimationFrame(() => setTimeout(resolve, 50)));
  await p.call.updateComplete;
  // The tiles glide to their new places (0.2 s).
  await new Promise((resolve) => setTimeout(resolve, 350));
}

/** Whatever of the call is outside the element's box, and whether the page scrolls sideways. */
function spills(p: TestParticipant): string[] {
  const box = p.call.getBoundingClientRect();
  const problems: string[] = [];
  const pieces = [
    ...part(p.call, 'tile'),
    ...part(p.call, 'controls'),
    ...part(p.call, 'button').filter((b) => !b.closest('[part~="tile-actions"]') || getComputedStyle(b.parentElement!).display !== 'none'),
    ...part(p.call, 'header'),
  ];
  for (const el of pieces) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) {
      problems.push(`${el.getAttribute('part')} at ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)} outside ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  const doc = p.frame.contentDocument!.documentElement;
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  return problems;
}

describe('call layout: four people on a phone, in a box, on a wide screen', () => {
  afterEach(closeAll);

  it('keeps every tile and control inside the element, with nothing scrolling sideways', async function () {
    this.timeout(120_000); // four pages with three videos each, on a shared machine
    const room = `${'a-very-long-room-name-that-goes-on-and-on-'}${uniqueRoom('layout')}`.slice(0, 62);
    const people = await joinAll(room, rtcServer, ['Ada', 'Bob', 'Cy', 'Dee']);
    await untilEveryoneSeesEveryone(people, 60_000);
    const [ada] = people;
    for (const [w, h, fill, label] of [
      [390, 844, false, 'a 390 × 844 phone page, element unsized'],
      [390, 844, true, 'a 390 × 844 phone page, element full height'],
      [400, 600, true, 'a 400 × 600 container'],
      [320, 568, false, 'a 320 px wide page'],
      [1280, 720, true, 'a 1280 × 720 window'],
    ] as const) {
      await resize(ada, w, h, fill);
      await until(() => part(ada.call, 'tile').length === 4, 'not four tiles');
      expect(spills(ada), label).to.deep.equal([]);
      expect(part(ada.call, 'controls')[0].getBoundingClientRect().height, `${label}: controls shown`).to.be.above(40);
      const tiles = part(ada.call, 'tile').map((t) => t.getBoundingClientRect());
      expect(tiles.every((r) => r.width > 60 && r.height > 40), `${label}: tiles too small`).to.equal(true);
      if (fill) expect(Math.round(ada.call.getBoundingClientRect().height), `${label}: fills the height`).to.equal(h);
    }
    // In a landscape box: 2 × 2.
    const tiles = part(ada.call, 'tile').map((t) => t.getBoundingClientRect());
    expect(new Set(tiles.map((r) => Math.round(r.left))).size).to.equal(2);
    expect(new Set(tiles.map((r) => Math.round(r.top))).size).to.equal(2);

    // The long room name is cut short, not the page widened.
    await resize(ada, 390, 844, false);
    const name = part(ada.call, 'room-name')[0];
    expect(name.scrollWidth).to.be.above(name.clientWidth);

    // Pinning a tile makes it the large one; still inside.
    const bob = part(ada.call, 'tile').find((t) => t.textContent?.includes('Bob'))!;
    (bob.querySelector('[part~="pin-button"]') as HTMLElement).click();
    await ada.call.updateComplete;
    expect(bob.matches('[part~="pinned-tile"]')).to.equal(true);
    const areas = part(ada.call, 'tile').map((t) => t.getBoundingClientRect().width * t.getBoundingClientRect().height);
    expect(Math.max(...areas)).to.equal(bob.getBoundingClientRect().width * bob.getBoundingClientRect().height);
    expect(spills(ada), 'pinned').to.deep.equal([]);
    // Every tile, the strip's small ones too, can be pinned; the pinned one says so by its state.
    await resize(ada, 480, 360, true);
    await until(() => part(ada.call, 'tile').some((t) => t.getBoundingClientRect().width <= 150), 'no small tile in a 480 × 360 box');
    const small = part(ada.call, 'tile').filter((t) => t.getBoundingClientRect().width <= 150);
    expect(small.length, 'small tiles in the strip').to.be.above(0);
    for (const tile of part(ada.call, 'tile')) {
      const pin = tile.querySelector<HTMLElement>('[part~="pin-button"]')!;
      expect(pin.getBoundingClientRect().width, `Pin on a tile ${Math.round(tile.getBoundingClientRect().width)} px wide`).to.be.at.least(24);
    }
    const pin = bob.querySelector<HTMLElement>('[part~="pin-button"]')!;
    expect([pin.getAttribute('aria-label'), pin.getAttribute('aria-pressed')]).to.deep.equal(['Pin Bob', 'true']);
  });

  it('has the same height in the lobby as in the call', async () => {
    const room = uniqueRoom('steady');
    const [ada] = await joinAll(room, rtcServer, ['Ada']);
    await resize(ada, 390, 844, false);
    const inCall = ada.call.getBoundingClientRect().height;
    await ada.call.leave();
    await ada.call.updateComplete;
    expect(ada.call.getBoundingClientRect().height).to.equal(inCall);
  });
});

describe('call layout: a phone on its side', () => {
  afterEach(closeAll);

  it('fits a page less than 360 px high that gives it the whole height, in the lobby and in the call', async function () {
    this.timeout(60_000);
    const [ada] = await joinAll(uniqueRoom('landscape'), rtcServer, ['Ada']);
    const join = () => part(ada.call, 'join-button')[0];
    for (const [w, h] of [
      [568, 320],
      [740, 300],
    ] as const) {
      const label = `a ${w} × ${h} page`;
      await resize(ada, w, h, true);
      expect(Math.round(ada.call.getBoundingClientRect().height), `${label}: the element's height`).to.equal(h);
      expect(spills(ada), label).to.deep.equal([]);
      await ada.call.leave();
      await until(() => !!join(), 'no Join button after leaving');
      const r = join().getBoundingClientRect();
      expect(r.bottom, `${label}: the Join button is on the screen`).to.be.at.most(h);
      await ada.call.join();
    }
    // Turned upright again: the element fills the taller page.
    await resize(ada, 320, 568, true);
    expect(Math.round(ada.call.getBoundingClientRect().height)).to.equal(568);
    expect(spills(ada)).to.deep.equal([]);
  });
});

describe('call layout: a tile full screen on a phone', () => {
  afterEach(async () => {
    for (const frame of document.querySelectorAll('iframe')) await frame.contentDocument?.exitFullscreen().catch(() => {});
    closeAll();
  });

  it('shows the whole picture, not a slice of it cut to the upright screen', async function () {
    this.timeout(60_000);
    const [ada, bob] = await joinAll(uniqueRoom('full'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    await resize(ada, 390, 844, true);
    const tile = part(ada.call, 'tile').find((t) => t.textContent?.includes('Bob'))!;
    const button = tile.querySelector<HTMLElement>('[part~="fullscreen-button"]')!;
    const frame = ada.frame.getBoundingClientRect();
    const r = button.getBoundingClientRect();
    // A press, as the browser wants one before it fills the screen.
    await sendMouse({ type: 'click', position: [Math.round(frame.left + r.left + r.width / 2), Math.round(frame.top + r.top + r.height / 2)] });
    await until(() => ada.call.shadowRoot!.fullscreenElement === tile, 'the tile did not fill the screen');
    const video = tile.querySelector('video')!;
    expect(video.videoWidth / video.videoHeight, 'a landscape camera').to.be.above(1);
    expect(getComputedStyle(video).objectFit).to.equal('contain');
  });
});

describe('call layout: a tile’s buttons', () => {
  afterEach(closeAll);

  it('show while the mouse is on the tile or one of them has focus, and Pin while the tile is pinned', async function () {
    this.timeout(60_000);
    const [ada, bob] = await joinAll(uniqueRoom('actions'), rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    const tile = () => part(ada.call, 'tile').find((t) => t.textContent?.includes('Bob'))!;
    const buttons = () => [...tile().querySelectorAll<HTMLElement>('[part~="tile-actions"] button')];
    /** Which of the tile's buttons can be seen, by their parts. */
    const seen = () =>
      buttons()
        .filter((b) => getComputedStyle(b).opacity === '1')
        .map((b) => b.getAttribute('part')!.replace('button ', ''));
    /** A point on the top page, inside Ada's frame. */
    const at = (x: number, y: number): [number, number] => {
      const frame = ada.frame.getBoundingClientRect();
      return [Math.round(frame.left + x), Math.round(frame.top + y)];
    };
    const away = () => {
      const r = ada.call.getBoundingClientRect();
      return at(r.left + 4, r.top + 4);
    };
    const onTile = () => {
      const r = tile().getBoundingClientRect();
      return at(r.left + r.width / 2, r.top + r.height / 2);
    };
    expect(buttons().length, 'the tile has buttons').to.be.above(1);
    // All of them (picture-in-picture comes once the video plays).
    const every = () => seen().length === buttons().length;

    await sendMouse({ type: 'move', position: away() });
    await until(() => seen().length === 0, () => `with the mouse elsewhere, the tile shows ${seen().join(', ')}`);
    await sendMouse({ type: 'move', position: onTile() });
    await until(every, () => `with the mouse on the tile, it shows only ${seen().join(', ')} of its ${buttons().length}`);
    await sendMouse({ type: 'move', position: away() });
    await until(() => seen().length === 0, () => `with the mouse gone again, the tile shows ${seen().join(', ')}`);

    // Focus on one of them (the keyboard's Tab) shows them all.
    buttons()[0].focus();
    await until(every, () => `with focus on Pin, the tile shows only ${seen().join(', ')} of its ${buttons().length}`);
    buttons()[0].blur();

    // Pinned, the tile keeps Pin in view: the way back.
    buttons()[0].click();
    await until(() => tile().matches('[part~="pinned-tile"]'), 'the tile was not pinned');
    await until(() => seen().join() === 'pin-button', () => `pinned, with the mouse elsewhere, the tile shows ${seen().join(', ') || 'nothing'}`);
  });
});

describe('call layout: a call of two', () => {
  afterEach(closeAll);

  it("shows the other person large with this page's own camera small over their tile's corner, which the visitor may hide, and the grid again once a third comes", async function () {
    this.timeout(60_000);
    const room = uniqueRoom('pair');
    const [ada, bob] = await joinAll(room, rtcServer, ['Ada', 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    const own = () => part(ada.call, 'local-tile')[0];
    const bobs = () => part(ada.call, 'tile').find((t) => t.textContent?.includes('Bob'))!;
    const box = (el: Element) => el.getBoundingClientRect();
    const over = (a: DOMRect, b: DOMRect) => a.left >= b.left && a.top >= b.top && a.right <= b.right && a.bottom <= b.bottom;
    /** What the visitor sees at the middle of their own tile: their own tile, not Bob's under it. */
    const onTop = () => {
      const r = box(own());
      return own().contains(ada.call.shadowRoot!.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    };
    await until(() => own().matches('[part~="floating-tile"]') && over(box(own()), box(bobs())) && onTop(), () => `own ${JSON.stringify(box(own()))}, Bob's ${JSON.stringify(box(bobs()))}`);
    const grid = box(part(ada.call, 'grid')[0]);
    expect(box(bobs()).width, "Bob's tile fills the stage's width").to.be.above(grid.width - 1);
    expect(box(own()).width * box(own()).height, 'own tile small').to.be.at.most((box(bobs()).width * box(bobs()).height) / 4);

    // Dragged with the mouse towards the top left, it goes into that corner, and stays there.
    const frame = ada.frame.getBoundingClientRect();
    const onPage = (x: number, y: number): [number, number] => [Math.round(frame.left + x), Math.round(frame.top + y)];
    const start = box(own());
    const bobsBox = box(bobs());
    await sendMouse({ type: 'move', position: onPage(start.left + start.width / 2, start.bottom - 12) });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: onPage(start.left + start.width / 2 - 40, start.bottom - 30) });
    await sendMouse({ type: 'move', position: onPage(bobsBox.left + 40, bobsBox.top + 40) });
    await sendMouse({ type: 'up' });
    const inCorner = () => box(own()).left - box(bobs()).left < 16 && box(own()).top - box(bobs()).top < 16 && over(box(own()), box(bobs()));
    await until(inCorner, () => `own ${JSON.stringify(box(own()))}, Bob's ${JSON.stringify(box(bobs()))}`);
    expect(own().matches('[part~="floating-tile"]'), 'still floating').to.equal(true);

    // Hidden from the visitor's own view, not from the others'; focus goes to the way back, and back again.
    // As a keyboard user presses it: focused, then pressed.
    part(ada.call, 'hide-self-button')[0].focus();
    part(ada.call, 'hide-self-button')[0].click();
    await until(() => part(ada.call, 'local-tile').length === 0, 'the own tile stays');
    const active = () => ada.call.shadowRoot!.activeElement;
    await until(() => active()?.matches('[part~="show-self-button"]') ?? false, () => `focus on ${active()?.getAttribute('part')}`);
    // The way back is where the tile was: the top left corner it was dragged to.
    const back = box(active()!);
    const stage = box(part(ada.call, 'grid')[0]);
    expect([back.left - stage.left < stage.right - back.right, back.top - stage.top < stage.bottom - back.bottom], 'Show self view in the top left').to.deep.equal([true, true]);
    expect(namesWithVideo(bob.call), "Ada's camera at Bob").to.deep.equal(['Ada']);
    (active() as HTMLElement).click();
    await until(() => part(ada.call, 'local-tile').length === 1 && (active()?.matches('[part~="hide-self-button"]') ?? false), 'the own tile is not back, with focus on its Hide button');
    await until(inCorner, () => `back, not in the corner it was dragged to: own ${JSON.stringify(box(own()))}, Bob's ${JSON.stringify(box(bobs()))}`);

    // Moved without dragging, as a keyboard or a single tap does: Move sends it to the next corner
    // clockwise, and with focus on it an arrow key toward that side; focus stays on Move.
    const move = () => part(ada.call, 'move-self-button')[0];
    /** The corner Ada's own tile has come to rest in (within 16 px of both edges), else where it is. */
    const corner = () => {
      const [o, b] = [box(own()), box(bobs())];
      const [top, bottom, left, right] = [o.top - b.top, b.bottom - o.bottom, o.left - b.left, b.right - o.right];
      if (Math.min(top, bottom) >= 16 || Math.min(left, right) >= 16) return `on its way: ${JSON.stringify(o)}`;
      return `${top < bottom ? 'top' : 'bottom'}-${left < right ? 'left' : 'right'}`;
    };
    move().focus();
    move().click();
    await until(() => corner() === 'top-right', () => `after Move: ${corner()}`);
    // What it would cover on Bob's tile moves out of its way: his buttons here, his name at the bottom left.
    const uncovered = (el: Element) => {
      const r = box(el);
      return el.contains(ada.call.shadowRoot!.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    };
    const bobsPart = (name: string) => bobs().querySelector(`[part~="${name}"]`)!;
    await until(() => uncovered(bobsPart('pin-button')), "Bob's Pin under Ada's own tile");
    await sendKeys({ press: 'ArrowDown' });
    await until(() => corner() === 'bottom-right', () => `after the down arrow: ${corner()}`);
    await sendKeys({ press: 'ArrowLeft' });
    await until(() => corner() === 'bottom-left' && over(box(own()), box(bobs())), () => `after the left arrow: ${corner()}`);
    await until(() => uncovered(bobsPart('label')), "Bob's name under Ada's own tile");
    expect(active()?.matches('[part~="move-self-button"]'), 'focus on Move').to.equal(true);

    const [cy] = await joinAll(room, rtcServer, ['Cy']);
    await untilEveryoneSeesEveryone([ada, bob, cy]);
    const overlapping = () => {
      const tiles = part(ada.call, 'tile').map(box);
      return tiles.some((a, i) => tiles.some((b, j) => i < j && overlap({ x: a.left, y: a.top, width: a.width, height: a.height }, { x: b.left, y: b.top, width: b.width, height: b.height })));
    };
    await until(() => part(ada.call, 'tile').length === 3 && !overlapping(), 'three tiles, overlapping');
    expect(part(ada.call, 'tile').some((t) => t.matches('[part~="floating-tile"]')), 'a floating tile among three').to.equal(false);
    cy.close();
    await until(() => part(ada.call, 'tile').length === 2 && over(box(own()), box(bobs())), 'not floating again once Cy left');
  });
});

describe('call layout: a long name', () => {
  afterEach(closeAll);

  /** Where the words "(you)" are drawn, as a box, in `el`'s text. */
  function youIn(el: Element): DOMRect {
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf('(you)');
      if (at < 0) continue;
      const range = el.ownerDocument.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + '(you)'.length);
      return range.getBoundingClientRect();
    }
    throw new Error(`no "(you)" in ${el.textContent}`);
  }

  it('is cut short on the visitor\'s own tile and in the list of people, "(you)" still in view', async function () {
    this.timeout(40_000);
    const long = 'Maximiliane Wolkenstein-Hohenberg von Trauttmansdorff';
    const [ada, bob] = await joinAll(uniqueRoom('long-name'), rtcServer, [long, 'Bob']);
    await untilEveryoneSeesEveryone([ada, bob]);
    const name = part(ada.call, 'local-tile')[0].querySelector('[part~="name"]')!;
    await until(() => name.getBoundingClientRect().width > 0, 'no name on the own tile');
    expect(name.textContent, 'the whole name, for screen readers').to.equal(`${long} (you)`);
    const box = name.getBoundingClientRect();
    const tile = part(ada.call, 'local-tile')[0].getBoundingClientRect();
    const you = youIn(name);
    expect(box.right, "the name cut short within the floating tile's width").to.be.at.most(tile.right);
    expect(you.width, '"(you)" drawn').to.be.above(0);
    expect(you.left >= box.left - 0.5 && you.right <= box.right + 0.5, `"(you)" at ${you.left}–${you.right}, the name's box ${box.left}–${box.right}`).to.equal(true);

    // The list of people: the visitor's own row.
    await pressInBar(ada, 'people-button');
    await until(() => part(ada.call, 'person-name').length === 2, 'the list did not open');
    const row = part(ada.call, 'person-name')[0];
    const rowBox = row.getBoundingClientRect();
    const rowYou = youIn(row);
    expect(rowBox.right, 'the name cut short within the list').to.be.at.most(part(ada.call, 'people')[0].getBoundingClientRect().right);
    expect(rowYou.left >= rowBox.left - 0.5 && rowYou.right <= rowBox.right + 0.5, `"(you)" at ${rowYou.left}–${rowYou.right}, the row's name ${rowBox.left}–${rowBox.right}`).to.equal(true);
  });
});
