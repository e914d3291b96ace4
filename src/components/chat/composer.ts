import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { Strings } from '../../i18n/en.js';

/** What the composer does with what the visitor writes, picks or drops (RtcChat fits). */
export interface ComposerActions {
  /** Sends a message; truthy when it went out (the box is emptied then). */
  send(text: string): unknown;
  sendFile(file: File): void;
  /** Whether files are taken now: joined, and files not switched off. */
  takesFiles(): boolean;
  /** The box changed: it has text (`writing`) or not. */
  typed(writing: boolean): void;
}

/** What the composer shows. */
export interface ComposerView {
  t: Strings;
  joined: boolean;
  /** Whether files can be sent at all (the file button shows). */
  files: boolean;
  /** Who else is writing now, said in a line above the box; empty for no one. */
  writing: string;
}

/**
 * The chat's composer: the message box (Enter sends, Shift+Enter is a new line; a file pasted
 * into it is sent; writing in it is told to the others), the file picker, files dropped anywhere
 * on the element, which is a drop target (`dragging`) while they are over it, and above the box
 * who else is writing.
 */
export class Composer {
  #dragging = false;
  /** What is written and not sent: it outlasts the box (an error panel in its place, then Try again). */
  #draft = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly actions: ComposerActions,
  ) {}

  /** Whether files are being dragged over the element. */
  get dragging(): boolean {
    return this.#dragging;
  }

  /** The element's dragover, dragleave and drop. */
  readonly onDrag = (e: DragEvent): void => {
    const files = this.actions.takesFiles() && !!e.dataTransfer?.types.includes('Files');
    // dragleave fires when moving between children too: only leaving the element counts.
    const dragging = files && (e.type === 'dragover' || (e.type === 'dragleave' && (e.currentTarget as Node).contains(e.relatedTarget as Node)));
    if (dragging !== this.#dragging) {
      this.#dragging = dragging;
      this.host.requestUpdate();
    }
    if (!files) return;
    e.preventDefault();
    if (e.type === 'drop') for (const file of e.dataTransfer!.files) this.actions.sendFile(file);
  };

  render({ t, joined, files, writing }: ComposerView) {
    // No maxlength: the browser would cut a paste short without a word. A message too long is
    // refused on Send, with a notice, and stays in the box to be shortened.
    return html`${writing ? html`<div part="typing">${writing}</div>` : nothing}<form part="composer" @submit=${this.#onSubmit}>
      <textarea
        part="input"
        dir="auto"
        aria-label=${t.message}
        placeholder=${t.writeMessage}
        rows="1"
        .value=${this.#draft}
        @input=${this.#onInput}
        @keydown=${this.#onKeyDown}
        @paste=${this.#onPaste}
      ></textarea>
      ${files
        ? html`<button part="button file-button" type="button" ?disabled=${!joined} @click=${this.#pick}>${t.attach}</button>
            <input type="file" multiple hidden @change=${this.#onPicked} />`
        : nothing}
      <button part="button send-button" class="primary" ?disabled=${!joined}>${t.send}</button>
    </form>`;
  }

  readonly #onInput = (e: Event): void => {
    this.#draft = (e.target as HTMLTextAreaElement).value;
    this.actions.typed(!!this.#draft.trim());
  };

  readonly #onKeyDown = (e: KeyboardEvent): void => {
    // Enter sends, Shift+Enter is a new line; Enter that confirms an IME composition is neither.
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.#submit(e.target as HTMLTextAreaElement);
  };

  readonly #onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).querySelector('textarea');
    this.#submit(input);
    // Pressing Send leaves the writer in the box, to go on typing (or to shorten what was refused).
    input?.focus();
  };

  #submit(input: HTMLTextAreaElement | null): void {
    // Blank lines and spaces around what is written go (a Shift+Enter too many); the first
    // line's indentation stays. An empty box sends nothing and says nothing: only send('') from
    // a script is a mistake.
    const text = input?.value.replace(/^\s*\n/, '').trimEnd();
    if (text && this.actions.send(text)) input!.value = this.#draft = '';
  }

  /** A pasted screenshot or copied file goes as a file; anything that comes with text pastes as text. */
  readonly #onPaste = (e: ClipboardEvent): void => {
    const data = e.clipboardData;
    if (!data?.files.length || data.types.includes('text/plain') || !this.actions.takesFiles()) return;
    e.preventDefault();
    for (const file of data.files) this.actions.sendFile(file);
  };

  readonly #pick = (e: Event): void => {
    (e.currentTarget as HTMLButtonElement).form?.querySelector<HTMLInputElement>('input[type="file"]')?.click();
  };

  readonly #onPicked = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    for (const file of input.files ?? []) this.actions.sendFile(file);
    input.value = '';
  };
}
