import type { html, nothing } from 'lit';
import type { repeat } from 'lit/directives/repeat.js';
import type { Knocker } from '../controllers/room-controller.js';
import type { Strings } from '../i18n/en.js';

/** Who asks to be let into the call, and what the buttons do. */
export interface KnockView {
  /** lit, as the element's first load has it (this code is in a chunk loaded later, which must not import it). */
  kit: { html: typeof html; nothing: typeof nothing; repeat: typeof repeat };
  t: Strings;
  /** The people asking to be let in, in the order they knocked. */
  knocking: readonly Knocker[];
  /** Lets someone in (`letIn` true) or turns them away. */
  answer(id: string, letIn: boolean): unknown;
}

/**
 * In a room that knocks, above the stage for the people in the call (or above the messages of a
 * chat whose page has no call in it): a row for each person asking to be let in, with Let in and
 * Turn away (each button names the person for screen readers), and while two or more ask, a
 * first row that lets them all in. Above the stage, not over it, so that it hides no tile and
 * never the control bar.
 */
export function renderKnockRequests({ kit: { html, nothing, repeat }, t, knocking, answer }: KnockView) {
  if (!knocking.length) return nothing;
  // Once a row answered goes, focus goes on to the next Let in (FocusKeeper), else where the element begins.
  return html`<section part="knock-requests" class="knock-requests" aria-label=${t.knockRequests} data-focus-next='[part~="let-in-button"]'>
    ${knocking.length > 1
      ? html`<div part="knock-all" class="knock-request">
          <p>${t.peopleAskToJoin(knocking.length)}</p>
          <button part="button let-everyone-in-button" class="primary" @click=${() => knocking.forEach((k) => answer(k.id, true))}>${t.letEveryoneIn}</button>
        </div>`
      : nothing}
    ${repeat(
      knocking,
      (k) => k.id,
      (k) => {
        const name = k.name || t.guest;
        return html`<div part="knock-request" class="knock-request">
          <p>${t.asksToJoin(name)}</p>
          <span class="knock-buttons">
            <button part="button let-in-button" class="primary" aria-label=${t.letInNamed(name)} @click=${() => answer(k.id, true)}>${t.letIn}</button>
            <button part="button turn-away-button" aria-label=${t.turnAwayNamed(name)} @click=${() => answer(k.id, false)}>${t.turnAway}</button>
          </span>
        </div>`;
      },
    )}
  </section>`;
}
