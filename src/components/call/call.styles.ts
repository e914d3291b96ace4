import { css } from 'lit';
import { lobbyStyles } from './lobby.styles.js';

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
    min-height: var(--rtc-call-min-height, 360px);
    overflow: hidden;
    color: var(--_fg);
    background: var(--_bg);
    border-radius: var(--rtc-call-radius, 10px);
    font: var(--rtc-call-font, 14px/1.4 system-ui, sans-serif);
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
  .panel p {
    max-width: 40ch;
    margin: 0;
  }
  .hint {
    margin: 0;
    color: var(--_muted);
  }
`;

/** The call itself: the stage and its tiles, the controls, the notices. */
const stage = css`
  /* The call: a stage whose tiles are placed by layout.ts, and the controls below it. */
  .stage {
    position: relative;
    flex: 1 1 0;
    min-height: 0;
  }
  .grid {
    position: absolute;
    inset: 0;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .tile,
  .alone {
    position: absolute;
    overflow: hidden;
    background: var(--_tile);
    transition:
      left 0.2s,
      top 0.2s,
      width 0.2s,
      height 0.2s;
  }
  .alone {
    border-radius: var(--_radius);
  }
  .tile {
    container-type: size;
  }
  /* A tile is a rectangle with its corners painted over in the element's background. A video
     clipped to a rounded shape is drawn through a mask on every frame, which costs a software
     compositor a tenth of a core with nine videos on screen (docs/benchmarks.md); a rectangle
     and this overlay, drawn once, do not. */
  .tile::after {
    content: '';
    position: absolute;
    inset: 0;
    border-radius: var(--_radius);
    box-shadow: 0 0 0 var(--_radius) var(--_bg);
    pointer-events: none;
  }
  [part~='speaking-tile']::after {
    box-shadow:
      0 0 0 var(--_radius) var(--_bg),
      inset 0 0 0 3px var(--_accent);
  }
  /* Forced colours draw no shadows: the speaker keeps an outline there. */
  @media (forced-colors: active) {
    [part~='speaking-tile'] {
      outline: 3px solid Highlight;
      outline-offset: -3px;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .tile,
    .alone {
      transition: none;
    }
  }
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  [part~='local-video'] {
    transform: scaleX(-1);
  }
  /* A screen is read, not framed: the whole of it, letterboxed. */
  [part~='screen-video'] {
    object-fit: contain;
    background: #000;
  }
  .placeholder {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    background: var(--_tile);
  }
  .avatar {
    display: grid;
    flex: none;
    place-items: center;
    width: 64px;
    height: 64px;
    border-radius: 50%;
    background: var(--_avatar);
    color: var(--rtc-call-avatar-foreground, #fff);
    font-size: 24px;
    font-weight: 600;
  }
  @container (max-height: 120px) {
    .avatar {
      width: 40px;
      height: 40px;
      font-size: 16px;
    }
  }
  .tile-status {
    position: absolute;
    top: 6px;
    left: 6px;
    padding: 2px 8px;
    border-radius: 4px;
    background: var(--rtc-call-status-background, #78350f);
    color: #fff;
  }
  .label {
    position: absolute;
    left: 6px;
    bottom: 6px;
    display: flex;
    gap: 4px;
    align-items: center;
    max-width: calc(100% - 12px);
    padding: 2px 8px;
    border-radius: 4px;
    background: var(--rtc-call-label-background, rgb(0 0 0 / 70%));
    color: var(--rtc-call-label-foreground, #fff);
  }
  .name {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .mic-off {
    display: inline-flex;
    flex: none;
  }
  .mic-off .icon {
    width: 16px;
    height: 16px;
  }
  /* Connection quality: quiet while good, a coloured sign when weak or bad. */
  .quality {
    display: inline-flex;
    flex: none;
  }
  .quality[data-quality='good'] {
    display: none;
  }
  .quality[data-quality='weak'] {
    color: var(--rtc-call-quality-weak, #fbbf24);
  }
  .quality[data-quality='bad'] {
    color: var(--rtc-call-quality-bad, #f87171);
  }
  .quality .icon {
    width: 16px;
    height: 16px;
  }
  .tile-actions {
    position: absolute;
    top: 4px;
    right: 4px;
    display: flex;
    gap: 4px;
  }
  .tile-actions .icon-button {
    background: var(--rtc-call-label-background, rgb(0 0 0 / 70%));
    color: var(--rtc-call-label-foreground, #fff);
  }
  @container (max-width: 150px) {
    .tile-actions {
      display: none;
    }
  }
  .alone-inner {
    display: flex;
    flex-direction: column;
    gap: 8px;
    align-items: center;
    justify-content: center;
    min-height: 100%;
    padding: 12px;
    text-align: center;
  }
  .alone h2 {
    margin: 0;
    font-size: 1.1em;
  }
  .alone p {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .alone {
    overflow-y: auto;
  }
  .muted-notice {
    position: absolute;
    top: 8px;
    left: 50%;
    max-width: calc(100% - 16px);
    margin: 0;
    padding: 6px 12px;
    border-radius: 6px;
    background: var(--_notice);
    color: var(--_notice-fg);
    transform: translateX(-50%);
  }
  .settings {
    display: flex;
    flex: none;
    flex-wrap: wrap;
    gap: 8px;
    justify-content: center;
    max-height: 40%;
    overflow-y: auto;
  }
  .settings .field {
    flex: 1 1 12em;
    max-width: 18em;
  }
  .controls {
    display: flex;
    flex: none;
    flex-wrap: wrap;
    gap: 6px;
    justify-content: center;
  }

  /* Buttons. The controls show their words when the element is wide enough; screen readers
     always have them. */
  button {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    justify-content: center;
    min-width: 44px;
    min-height: 44px;
    padding: 8px 14px;
    border: 0;
    border-radius: var(--rtc-call-button-radius, 999px);
    background: var(--_button);
    color: var(--_button-fg);
    font: inherit;
    cursor: pointer;
  }
  .control {
    position: relative;
    padding: 8px 10px;
  }
  .control .text {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @container call (min-width: 640px) {
    .control {
      padding: 8px 14px;
    }
    .control .text {
      position: static;
      width: auto;
      height: auto;
      overflow: visible;
      clip-path: none;
    }
  }
  .icon-button {
    min-width: 32px;
    min-height: 32px;
    padding: 6px;
  }
  .icon {
    flex: none;
    width: 20px;
    height: 20px;
  }
  button:hover {
    filter: brightness(1.15);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  button[data-off] {
    background: var(--rtc-call-off-background, #991b1b);
    color: var(--rtc-call-off-foreground, #fff);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .primary {
    background: var(--_accent);
    color: var(--rtc-call-accent-foreground, #fff);
  }
  .danger {
    background: var(--rtc-call-danger, #b91c1c);
    color: var(--rtc-call-danger-foreground, #fff);
  }
  .notice .icon-button {
    background: transparent;
    color: inherit;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/** The element's styles, in this order (the cascade is as if they were one sheet). */
export const callStyles = [base, lobbyStyles, stage];
