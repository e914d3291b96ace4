import { css } from 'lit';
import { lobbyStyles } from './lobby.styles.js';
import { sharedStyles } from './shared.styles.js';

/**
 * The light theme's colours. Every colour is read through a private `--_x` property whose value
 * is the page's `--rtc-call-x` if set (on the element or any ancestor, `:root` included) and the
 * theme's default otherwise: the public properties are never declared here, so that a page's
 * values inherit into the element instead of being shadowed by ours.
 */
const light = css`
  color-scheme: light;
  --_bg: var(--rtc-call-background, #f8fafc);
  --_fg: var(--rtc-call-foreground, #0f172a);
  --_muted: var(--rtc-call-muted-foreground, #475569);
  --_tile: var(--rtc-call-tile-background, #e2e8f0);
  --_avatar: var(--rtc-call-avatar-background, #64748b);
  --_button: var(--rtc-call-button-background, #e2e8f0);
  --_button-fg: var(--rtc-call-button-foreground, #0f172a);
  --_accent: var(--rtc-call-accent, #1d4ed8);
  --_ring: var(--rtc-call-focus-ring, #1d4ed8);
  --_notice: var(--rtc-call-notice-background, #fef3c7);
  --_notice-fg: var(--rtc-call-notice-foreground, #713f12);
  --_field: var(--rtc-call-field-background, #ffffff);
  --_border: var(--rtc-call-border, #64748b);
`;

/** What the whole element shares: the themes, the host box, panels and hints. */
const base = css`
  :host {
    color-scheme: dark;
    --_bg: var(--rtc-call-background, #101418);
    --_fg: var(--rtc-call-foreground, #f3f5f7);
    --_muted: var(--rtc-call-muted-foreground, #b4bcc6);
    --_tile: var(--rtc-call-tile-background, #232a31);
    --_avatar: var(--rtc-call-avatar-background, #4b5563);
    --_button: var(--rtc-call-button-background, #374151);
    --_button-fg: var(--rtc-call-button-foreground, #f3f5f7);
    --_accent: var(--rtc-call-accent, #2563eb);
    --_ring: var(--rtc-call-focus-ring, #60a5fa);
    --_notice: var(--rtc-call-notice-background, #3f3a1d);
    --_notice-fg: var(--rtc-call-notice-foreground, #fff7cc);
    --_field: var(--rtc-call-field-background, #1f2937);
    --_border: var(--rtc-call-border, #6b7280);
    --_gap: var(--rtc-call-gap, 8px);
    --_radius: var(--rtc-call-tile-radius, 10px);

    /* Fills a box the page sizes; unsized, as wide as its container and 3/4 as tall. The same
       height in the lobby and in the call: nothing inside can make it grow. */
    display: block;
    box-sizing: border-box;
    position: relative;
    /* Both set, so that a definite height never turns into a width through the aspect ratio. */
    width: 100%;
    height: 100%;
    aspect-ratio: var(--rtc-call-aspect-ratio, 4 / 3);
    /* The floor never makes it taller than the screen: a phone on its side has less than 360 px,
       and what the floor pushed below the screen's edge (the controls) could not be reached. */
    min-height: min(var(--rtc-call-min-height, 360px), 100vh);
    overflow: hidden;
    color: var(--_fg);
    background: var(--_bg);
    border-radius: var(--rtc-call-radius, 10px);
    font: var(--rtc-call-font, 14px/1.4 system-ui, sans-serif);
  }
  /* Without the browser's bars: what a phone shows while they are in view. */
  @supports (height: 100svh) {
    :host {
      min-height: min(var(--rtc-call-min-height, 360px), 100svh);
    }
  }
  :host([theme='light']) {
    ${light}
  }
  @media (prefers-color-scheme: light) {
    :host(:not([theme='dark'])) {
      ${light}
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .base {
    container: call / inline-size;
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
    height: 100%;
    padding: var(--_gap);
  }
  .header {
    display: flex;
    flex: none;
    gap: 8px;
    align-items: baseline;
    min-width: 0;
    min-height: 1.4em;
  }
  .room,
  .status {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .room {
    flex: 1 1 auto;
    font-weight: 600;
  }
  .status {
    flex: 0 1 auto;
    color: var(--_muted);
  }
  .notices {
    display: flex;
    flex: none;
    flex-direction: column;
    gap: 4px;
    max-height: 30%;
    overflow-y: auto;
  }
  .notice {
    display: flex;
    gap: 8px;
    align-items: start;
    padding: 6px 6px 6px 10px;
    border-radius: 6px;
    background: var(--_notice);
    color: var(--_notice-fg);
  }
  .notice p {
    flex: 1;
    min-width: 0;
    margin: 0;
    overflow-wrap: anywhere;
  }
  .panel {
    display: flex;
    flex: 1 1 0;
    flex-direction: column;
    gap: 12px;
    align-items: center;
    justify-content: center;
    min-height: 0;
    padding: 16px;
    overflow-y: auto;
    text-align: center;
  }
  .panel p,
  .panel h2,
  .waiting p,
  .waiting h2 {
    max-width: 40ch;
    margin: 0;
  }
  .panel h2,
  .waiting h2 {
    font-size: 1.2em;
  }
  /* Waiting to be let in: beside (or below) the visitor's own camera, as the lobby's form. */
  .waiting {
    align-items: center;
    text-align: center;
  }
  .hint {
    margin: 0;
    color: var(--_muted);
  }
`;

/**
 * The element's styles, in this order (the cascade is as if they were one sheet); the stage's
 * (stage.styles.ts) come last, with its chunk.
 */
export const callStyles = [base, lobbyStyles, sharedStyles];
