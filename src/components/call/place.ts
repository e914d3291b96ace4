/**
 * Places a tile of the stage at its rectangle through the element's CSSOM style, never its
 * `style` attribute. A page whose Content-Security-Policy allows no inline styles (rtc-server's
 * own pages, and many a careful site) refuses the attribute, which Lit's `styleMap` writes on a
 * tile's first render: that tile would stay where the flow puts it until the next render.
 */
import type { ElementPart, PartInfo } from 'lit/directive.js';
import type { CallKit } from './call-kit.js';
import type { Rect } from './layout.js';

/**
 * The directive `place(rect)`: on a tile's element, puts it at `rect` of the stage (none: where
 * the stylesheet puts it). Made from the first load's lit, which this chunk does not import
 * (call-kit.ts).
 */
export function placeDirective({ Directive, directive, PartType, noChange }: CallKit) {
  class PlaceDirective extends Directive {
    constructor(part: PartInfo) {
      super(part);
      if (part.type !== PartType.ELEMENT) throw new Error('place() goes on an element');
    }

    render(_rect: Rect | undefined): typeof noChange {
      return noChange;
    }

    override update(part: ElementPart, [rect]: [Rect | undefined]): typeof noChange {
      const style = (part.element as HTMLElement).style;
      style.left = rect ? `${rect.x}px` : '';
      style.top = rect ? `${rect.y}px` : '';
      style.width = rect ? `${rect.width}px` : '';
      style.height = rect ? `${rect.height}px` : '';
      return noChange;
    }
  }
  return directive(PlaceDirective);
}

export type Place = ReturnType<typeof placeDirective>;
