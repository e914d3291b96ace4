import { css } from 'lit';

/**
 * What the lobby and the call both draw, in the first load: videos, placeholders and initials
 * (the lobby's preview, the tiles), buttons (the lobby's microphone and camera buttons are the
 * control bar's, the notices have Dismiss), icons, focus rings, and words for screen readers only
 * (the read-outs). The stage's own rules come with its chunk (stage.styles.ts).
 */
export const sharedStyles = css`
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
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
  /* Words for screen readers only: the read-outs, and a control's shown as an icon. */
  .control .text,
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* The lobby's microphone and camera buttons show their words from 640 px; the call's bar, where
     they fit (bar-fit.ts, stage.styles.ts). */
  @container call (min-width: 640px) {
    .preview-bar .control {
      padding: 8px 14px;
    }
    .preview-bar .control .text {
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
    outline: 3px solid var(--_ring);
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
  .notice .icon-button {
    background: transparent;
    color: inherit;
  }
`;
