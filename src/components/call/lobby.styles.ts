import { css } from 'lit';

/** The lobby of <rtc-call> (lobby.ts): preview above the form, side by side when there is room. */
export const lobbyStyles = css`
  /* The lobby: preview above the form, side by side when there is room. */
  .lobby {
    display: flex;
    flex: 1 1 0;
    flex-direction: column;
    gap: var(--_gap);
    min-height: 0;
    overflow-y: auto;
  }
  .preview {
    position: relative;
    flex: 1 1 auto;
    min-height: 150px;
    overflow: hidden;
    border-radius: var(--_radius);
    background: var(--_tile);
  }
  .preview .placeholder {
    flex-direction: column;
    gap: 8px;
    padding: 12px 12px 56px;
    text-align: center;
  }
  .preview .placeholder p {
    margin: 0;
  }
  [part~='preview-video'] {
    position: absolute;
    inset: 0;
    transform: scaleX(-1);
  }
  [part~='preview-video'].facing-away {
    transform: none;
  }
  .preview-bar {
    position: absolute;
    right: 8px;
    bottom: 8px;
    left: 8px;
    display: flex;
    gap: 6px;
    align-items: center;
    justify-content: flex-end;
  }
  .meter {
    flex: 1;
    height: 8px;
    max-width: 200px;
    margin-right: auto;
    overflow: hidden;
    border-radius: 4px;
    background: rgb(0 0 0 / 55%);
  }
  .meter-bar {
    display: block;
    height: 100%;
    background: var(--_accent);
    transform: scaleX(var(--level, 0));
    transform-origin: left;
    transition: transform 90ms linear;
  }
  .form {
    display: flex;
    flex: none;
    flex-direction: column;
    gap: 8px;
  }
  .form .hint {
    font-size: 0.9em;
  }
  /* Beside the pickers, not a second main button. */
  .form [part~='test-speaker-button'] {
    align-self: flex-start;
  }
  /* In a short box the form scrolls; the join button stays in view. */
  .form [part~='join-button'] {
    position: sticky;
    bottom: 0;
    box-shadow: 0 0 0 var(--_gap) var(--_bg);
  }
  @container call (min-width: 560px) {
    .lobby {
      flex-direction: row;
    }
    .preview {
      flex: 3 1 0;
    }
    .form {
      flex: 2 1 0;
      justify-content: center;
      min-width: 0;
    }
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .field > span {
    font-size: 0.9em;
    color: var(--_muted);
  }
  input,
  select {
    width: 100%;
    min-width: 0;
    min-height: 40px;
    padding: 6px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--rtc-call-button-radius, 999px);
    background: var(--_field);
    color: var(--_fg);
    font: inherit;
  }
  /* Safari on a phone zooms the page into a field whose text is under 16px. */
  @media (pointer: coarse) {
    input,
    select {
      font-size: max(16px, 1em);
    }
  }
`;
