import type { CSSResult } from 'lit';
import type { CallKit } from './call-kit.js';
import { barStyles } from './bar.styles.js';

let styles: CSSResult | undefined;

/**
 * The stage's own rules: the tiles and what is on them, the card shown while alone, the panels
 * above the bar, and last the bar's own (bar.styles.ts), as one sheet. They come with the in-call
 * chunk, made with the element's lit (the chunk imports none), and the in-call parts add them
 * after the element's own (in-call.ts).
 */
export function stageStyles({ css }: Pick<CallKit, 'css'>): CSSResult {
  return (styles ??= css`
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
    /* This page's own camera over the other person's, in a call of two (pairLayout): rounded by
       clipping (one small video), lifted by a shadow, above the tile it floats on; it can be
       dragged to another corner. */
    [part~='floating-tile'] {
      z-index: 1;
      overflow: hidden;
      border-radius: var(--_radius);
      box-shadow: 0 2px 12px rgb(0 0 0 / 45%);
      cursor: grab;
      touch-action: none;
    }
    [part~='floating-tile']::after {
      box-shadow: none;
    }
    /* What the visitor's own floating tile would cover on the other's moves out of its way: the
       buttons while it floats at the top right, the name at the bottom left. */
    [data-self-corner='top-right'] .tile:not([part~='floating-tile']) .tile-actions {
      right: auto;
      left: 4px;
    }
    [data-self-corner='bottom-left'] .tile:not([part~='floating-tile']) .label {
      left: auto;
      right: 6px;
    }
    /* Dragged to another corner (self-drag.ts): it follows the pointer, then glides into place. */
    .tile.dragging {
      cursor: grabbing;
      transition: none;
    }
    [part~='speaking-tile'][part~='floating-tile']::after {
      box-shadow: inset 0 0 0 3px var(--_accent);
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
    /* Mirrored, as a mirror shows the visitor; a camera facing away (facing.ts) is not. */
    [part~='local-video'] {
      transform: scaleX(-1);
    }
    [part~='local-video'].facing-away {
      transform: none;
    }
    /* A screen is read, not framed: the whole of it, letterboxed; so is a tile looked at full
       screen (cropped to fill, a landscape camera on an upright phone would show a third of its width). */
    [part~='screen-video'],
    .tile:fullscreen video {
      object-fit: contain;
      background: #000;
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
    /* "Ada (you)" (own-name.ts): a long name is cut short, never "(you)". */
    .own-name {
      display: inline-flex;
      max-width: 100%;
      white-space: pre;
    }
    .own-name-cut {
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .mic-off,
    .hand {
      display: inline-flex;
      flex: none;
    }
    .mic-off .icon,
    .hand .icon {
      width: 16px;
      height: 16px;
    }
    /* A raised hand stands out on the label's dark ground, in light and dark themes alike. */
    .hand {
      color: var(--rtc-call-hand-color, #fbbf24);
    }
    /* The hand's place in the order they went up, while two or more are up. */
    .hand-place {
      margin-inline-start: 1px;
      font-size: 0.85em;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    /* Connection quality: on a tile's dark label, quiet while good, a coloured sign when weak or
       bad (the list of people shows good too, in its own colour). */
    .quality {
      display: inline-flex;
      flex: none;
    }
    .label .quality[data-quality='good'] {
      display: none;
    }
    .label .quality[data-quality='weak'] {
      color: var(--rtc-call-quality-weak, #fbbf24);
    }
    .label .quality[data-quality='bad'] {
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
    /* With a mouse, a tile's buttons show while it is pointed at or one of them has focus, as
       on other calls, so that they do not cover the video; Pin stays while the tile is pinned,
       the way back. On touch screens, with nothing to point, they always show. */
    @media (hover: hover) {
      .tile-actions .icon-button:not([aria-pressed='true']) {
        opacity: 0;
        transition: opacity 0.15s;
      }
      .tile:hover .tile-actions .icon-button,
      .tile-actions:focus-within .icon-button {
        opacity: 1;
      }
    }
    /* A small tile keeps only Pin: the way to make it large. */
    @container (max-width: 150px) {
      .tile-actions .icon-button:not([part~='pin-button'], [part~='hide-self-button'], [part~='move-self-button']) {
        display: none;
      }
    }
    /* A card in a tile: the invitation while alone, the sharer's "You are sharing your whole screen". */
    .card {
      display: flex;
      flex-direction: column;
      gap: 8px;
      align-items: center;
      justify-content: center;
      min-height: 100%;
      padding: 12px;
      text-align: center;
    }
    .card h2 {
      margin: 0;
      font-size: 1.1em;
    }
    .card p {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .alone {
      overflow-y: auto;
    }
    .sharing-card {
      /* Above the tile's name, which sits at its foot. */
      padding-bottom: 40px;
    }
    .card-buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      justify-content: center;
    }
    /* A small tile (a strip beside a pinned one) keeps Stop sharing, as an icon; its name says the rest. */
    @container (max-width: 280px) or (max-height: 200px) {
      .sharing-card > :not(.card-buttons),
      [part~='show-screen-button'],
      [part~='stop-sharing-button'] > span {
        display: none;
      }
    }
    /* The way back to the visitor's own tile, in the stage's corner where it floated. */
    .show-self {
      position: absolute;
      right: 12px;
      bottom: 12px;
      z-index: 1;
    }
    .show-self[data-corner^='top'] {
      top: 12px;
      bottom: auto;
    }
    .show-self[data-corner$='left'] {
      right: auto;
      left: 12px;
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
    .play-button {
      position: absolute;
      top: 50%;
      left: 50%;
      z-index: 2;
      transform: translate(-50%, -50%);
    }
    /* Who asks to be let in: rows above the stage (the stage gives up their height, the bar none);
       many scroll. The words wrap above the buttons where the element is narrow. */
    .knock-requests {
      display: flex;
      flex: none;
      flex-direction: column;
      gap: 4px;
      max-height: 40%;
      overflow-y: auto;
    }
    .knock-request {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 8px;
      align-items: center;
      justify-content: flex-end;
      padding: 4px 4px 4px 10px;
      border-radius: var(--_radius);
      background: var(--_notice);
      color: var(--_notice-fg);
    }
    .knock-request p {
      flex: 1 1 12em;
      min-width: 0;
      margin: 0;
      overflow-wrap: anywhere;
    }
    .knock-buttons {
      display: flex;
      flex: none;
      gap: 6px;
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
    .reactions-panel {
      display: flex;
      flex: none;
      flex-wrap: wrap;
      gap: 6px;
      justify-content: center;
    }
    .reactions-panel > .control {
      font-size: 20px;
      line-height: 1;
    }
    /* A tile's reactions rise from above its label and fade, over SHOWN ms (reactions.ts). */
    .reactions {
      position: absolute;
      left: 8px;
      bottom: 40px;
      display: flex;
      gap: 4px;
      font-size: 32px;
      line-height: 1;
      pointer-events: none;
      /* Apart from a bright picture behind. */
      filter: drop-shadow(0 1px 2px rgb(0 0 0 / 60%));
    }
    .reaction {
      animation: rtc-call-rise 4s ease-out forwards;
    }
    @keyframes rtc-call-rise {
      from {
        transform: translateY(12px);
        opacity: 0;
      }
      10% {
        transform: none;
        opacity: 1;
      }
      75% {
        opacity: 1;
      }
      to {
        transform: translateY(-40px);
        opacity: 0;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .reaction {
        animation-name: rtc-call-fade;
      }
    }
    @keyframes rtc-call-fade {
      75% {
        opacity: 1;
      }
      to {
        opacity: 0;
      }
    }
    ${barStyles({ css })}
  `);
}
