import type { CSSResult } from 'lit';
import type { CallKit } from './call-kit.js';

let styles: CSSResult | undefined;

/** The list of the call's people (people-panel.ts), above the control bar while People is open: made with the element's lit, as the stage's rules are. */
export function peopleStyles({ css }: Pick<CallKit, 'css'>): CSSResult {
  return (styles ??= css`
    .people {
      flex: none;
      align-self: center;
      width: min(100%, 26rem);
      max-height: 40%;
      overflow-y: auto;
      border-radius: var(--_radius);
      background: var(--_tile);
      color: var(--_fg);
    }
    .people:focus-visible {
      outline: 3px solid var(--_ring);
      outline-offset: -2px;
    }
    .people-heading {
      margin: 0;
      padding: 8px 12px 4px;
      font-size: 14px;
      font-weight: 600;
    }
    .people-list {
      margin: 0;
      padding: 0 4px 4px;
      list-style: none;
    }
    .person {
      display: flex;
      flex-wrap: wrap;
      gap: 0 8px;
      align-items: center;
      min-height: 40px;
      padding: 2px 8px;
    }
    .person .avatar {
      width: 28px;
      height: 28px;
      font-size: 12px;
    }
    .person-name {
      flex: 1 1 0;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .signs {
      display: flex;
      flex: none;
      gap: 4px;
      align-items: center;
    }
    .sign {
      display: inline-flex;
      align-items: center;
    }
    /* A raised hand's place in the order they went up, as on the tiles. */
    .sign-place {
      margin-inline-start: 1px;
      font-size: 13px;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .sign .icon {
      display: block;
      width: 18px;
      height: 18px;
    }
    /* The connection's bars, good too, in the list's colour (the tile's rules are for its label). */
    .people .quality .icon {
      width: 18px;
      height: 18px;
    }
    /* A connection's figures, on a line of their own under its row, aligned with the name. */
    .connection-details {
      display: grid;
      flex: 1 0 100%;
      grid-template-columns: auto 1fr;
      gap: 2px 12px;
      margin: 0 0 6px;
      padding-inline-start: 36px;
      font-size: 13px;
    }
    .connection-details div {
      display: contents;
    }
    .connection-details dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .reconnecting {
      font-size: 12px;
    }
    .person .icon-button {
      flex: none;
      background: transparent;
      color: inherit;
    }
    .person .icon-button[aria-pressed='true'] {
      background: var(--_accent);
      color: var(--rtc-call-accent-foreground, #fff);
    }
  `);
}
