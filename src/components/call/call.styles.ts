import { css } from 'lit';

export const callStyles = css`
  :host {
    --rtc-call-background: #101418;
    --rtc-call-foreground: #f3f5f7;
    --rtc-call-tile-background: #232a31;
    --rtc-call-tile-radius: 10px;
    --rtc-call-gap: 8px;
    --rtc-call-accent: #2563eb;
    --rtc-call-danger: #b91c1c;
    --rtc-call-min-tile-width: 220px;
    display: block;
    box-sizing: border-box;
    min-height: 240px;
    color: var(--rtc-call-foreground);
    background: var(--rtc-call-background);
    border-radius: var(--rtc-call-tile-radius);
    font: 14px/1.4 system-ui, sans-serif;
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
    display: flex;
    flex-direction: column;
    gap: var(--rtc-call-gap);
    height: 100%;
    padding: var(--rtc-call-gap);
  }
  [part~='header'] {
    display: flex;
    gap: 8px;
    align-items: baseline;
    justify-content: space-between;
    min-height: 1.4em;
  }
  .room {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='status'] {
    opacity: 0.8;
  }
  [part~='notice'] {
    display: flex;
    gap: 8px;
    align-items: start;
    padding: 8px 10px;
    border-radius: 6px;
    background: #3f3a1d;
    color: #fff7cc;
  }
  [part~='notice'] p {
    flex: 1;
    margin: 0;
  }
  [part~='error'],
  [part~='lobby'] {
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: 12px;
    align-items: center;
    justify-content: center;
    padding: 24px;
    text-align: center;
  }
  [part~='error'] p {
    max-width: 40ch;
    margin: 0;
  }
  [part~='grid'] {
    display: grid;
    flex: 1;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, var(--rtc-call-min-tile-width)), 1fr));
    gap: var(--rtc-call-gap);
    align-content: center;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~='tile'] {
    position: relative;
    overflow: hidden;
    aspect-ratio: 16 / 9;
    background: var(--rtc-call-tile-background);
    border-radius: var(--rtc-call-tile-radius);
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
  [part~='placeholder'] {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: var(--rtc-call-tile-background);
  }
  .avatar {
    display: grid;
    place-items: center;
    width: 64px;
    height: 64px;
    border-radius: 50%;
    background: #4b5563;
    font-size: 24px;
    font-weight: 600;
  }
  [part~='tile-status'] {
    position: absolute;
    top: 8px;
    right: 8px;
    padding: 2px 8px;
    border-radius: 4px;
    background: #78350f;
    color: #fff;
  }
  .label {
    position: absolute;
    left: 8px;
    bottom: 8px;
    display: flex;
    gap: 6px;
    max-width: calc(100% - 16px);
    padding: 2px 8px;
    border-radius: 4px;
    background: rgb(0 0 0 / 55%);
  }
  [part~='name'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='controls'] {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    justify-content: center;
  }
  button {
    min-width: 44px;
    min-height: 40px;
    padding: 8px 14px;
    border: 0;
    border-radius: 999px;
    background: #374151;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  select {
    max-width: 14em;
    min-height: 40px;
    padding: 6px 10px;
    border: 0;
    border-radius: 999px;
    background: #374151;
    color: inherit;
    font: inherit;
  }
  select:focus-visible {
    outline: 3px solid var(--rtc-call-accent);
    outline-offset: 2px;
  }
  button:hover {
    filter: brightness(1.15);
  }
  button:focus-visible {
    outline: 3px solid var(--rtc-call-accent);
    outline-offset: 2px;
  }
  button[aria-pressed='false'] {
    background: #7f1d1d;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .primary {
    background: var(--rtc-call-accent);
  }
  .danger {
    background: var(--rtc-call-danger);
  }
  .dismiss {
    min-width: 0;
    min-height: 0;
    padding: 0 6px;
    background: transparent;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
