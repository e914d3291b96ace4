import { adoptStyles, css, html, nothing, noChange, supportsAdoptingStyleSheets } from 'lit';
import { Directive, directive, PartType } from 'lit/directive.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { lazy, loadSoon } from '../../controllers/lazy.js';
import { AudioLevels } from '../../media/audio-level.js';
import { deviceSelects, toggleButton } from './device-buttons.js';
import { facesAway, facing } from './facing.js';
import { avatar, icon, signal } from './icons.js';
import { shownName } from './shown-name.js';

/** The speaker detection (speaker.ts): a chunk of its own, loaded after the join. */
const loadSpeaker = lazy(() => import('./speaker.js'));

/** The connection-quality judge (media/quality.ts): a chunk of its own, loaded after the join. */
const loadQuality = lazy(() => import('../../media/quality.js'));

/**
 * What the in-call chunk (in-call.ts: the stage, the controls and the parts behind them) takes
 * from the first load, given to it by the element: lit, and what the lobby shares with the call.
 * A chunk that imported them would take them out of the first load along with it (rollup puts a
 * lazy chunk's dependencies in it), leaving the first load to import the chunk; and the loaders
 * of the chunks it asks for later, which keep their tries in the first load's `lazy`.
 */
export interface CallKit {
  html: typeof html;
  css: typeof css;
  adoptStyles: typeof adoptStyles;
  supportsAdoptingStyleSheets: boolean;
  nothing: typeof nothing;
  noChange: typeof noChange;
  Directive: typeof Directive;
  directive: typeof directive;
  PartType: typeof PartType;
  live: typeof live;
  repeat: typeof repeat;
  icon: typeof icon;
  avatar: typeof avatar;
  signal: typeof signal;
  facesAway: typeof facesAway;
  facing: typeof facing;
  shownName: typeof shownName;
  deviceSelects: typeof deviceSelects;
  toggleButton: typeof toggleButton;
  AudioLevels: typeof AudioLevels;
  loadSoon: typeof loadSoon;
  loadSpeaker: typeof loadSpeaker;
  loadQuality: typeof loadQuality;
}

export const callKit: CallKit = { html, css, adoptStyles, supportsAdoptingStyleSheets, nothing, noChange, Directive, directive, PartType, live, repeat, icon, avatar, signal, facesAway, facing, shownName, deviceSelects, toggleButton, AudioLevels, loadSoon, loadSpeaker, loadQuality };

/**
 * The in-call chunk, as nothing of it shows before the call: loaded with the session layer when
 * the visitor points at Join, else on join once the session's has come.
 */
export const loadInCall = lazy(() => import('./in-call.js'));
