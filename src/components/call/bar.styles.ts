import type { CSSResult } from 'lit';
import type { CallKit } from './call-kit.js';

let styles: CSSResult | undefined;

/**
 * The control bar's rules: its row, its words or icons, the More panel, Leave, and the fields of
 * Devices. The stage's sheet ends with them (stage.styles.ts), made with the element's lit.
 */
export function barStyles({ css }: Pick<CallKit, 'css'>): CSSResult {
  return (styles ??= css`
    .settings .field {
      flex: 1 1 12em;
      max-width: 18em;
    }
    .settings .check {
      flex-direction: row;
      align-items: center;
      align-self: flex-end;
      min-height: 40px;
      gap: 8px;
    }
    .settings .check input {
      flex: none;
      width: 24px;
      height: 24px;
      min-height: 0;
      margin: 0;
      padding: 0;
      accent-color: var(--_accent);
    }
    .settings .check > span {
      font-size: 1em;
      color: inherit;
    }
    .controls {
      display: flex;
      flex: none;
      flex-wrap: wrap;
      gap: 6px;
      justify-content: center;
    }
    /* The bar keeps to one row: with words where they fit, else icons, else icons and More
       (bar-fit.ts measures which). */
    .controls.words > .control,
    .more-panel > .control {
      padding: 8px 14px;
    }
    .controls.words > .control .text,
    .more-panel > .control .text {
      position: static;
      width: auto;
      height: auto;
      overflow: visible;
      clip-path: none;
    }
    .more-panel {
      display: flex;
      flex: none;
      flex-wrap: wrap;
      gap: 6px;
      justify-content: center;
    }
    .more-panel[hidden] {
      display: none;
    }
    .danger {
      background: var(--rtc-call-danger, #b91c1c);
      color: var(--rtc-call-danger-foreground, #fff);
    }
  `);
}
