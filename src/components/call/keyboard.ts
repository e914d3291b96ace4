/**
 * `<rtc-call>`'s keyboard shortcuts. They act only while focus is inside the element and not in
 * a text field or a picker, so they never take a key from the page around it, nor a letter from
 * someone typing.
 */

export type ShortcutAction = 'mic' | 'camera' | 'screen' | 'hand' | 'chat' | 'leave';

/** Each action's keys, in `aria-keyshortcuts` form. Leaving takes Shift, so it is never pressed by chance. */
export const SHORTCUTS: Record<ShortcutAction, string> = {
  mic: 'M',
  camera: 'V',
  screen: 'S',
  hand: 'H',
  chat: 'C',
  leave: 'Shift+L',
};

/** Whether a key press is someone typing (or choosing in a picker), not a command. */
function typing(target: EventTarget | undefined): boolean {
  const el = target as HTMLElement | undefined;
  if (!el || !(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'color', 'file', 'image'].includes(el.type);
}

/** The action a key press inside the element asks for, or null. */
export function shortcutOf(e: KeyboardEvent): ShortcutAction | null {
  if (e.defaultPrevented || e.repeat || e.isComposing || e.ctrlKey || e.altKey || e.metaKey) return null;
  if (typing(e.composedPath()[0])) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : '';
  if (e.shiftKey) return key === 'l' ? 'leave' : null;
  return key === 'm' ? 'mic' : key === 'v' ? 'camera' : key === 's' ? 'screen' : key === 'h' ? 'hand' : key === 'c' ? 'chat' : null;
}

/** The call the shortcuts press: `<rtc-call>`'s own public API. */
export interface ShortcutTarget {
  readonly phase: string;
  readonly audioOnly: boolean;
  toggleMicrophone(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreenShare(): Promise<void>;
  toggleHand(): void;
  toggleChat(): void;
  leave(): Promise<void>;
}

/** Does what a key press inside the element asks for, in a call; `screenShare` when the S key may share. */
export function pressShortcut(e: KeyboardEvent, call: ShortcutTarget, screenShare: boolean): void {
  if (call.phase !== 'in-call') return;
  const action = shortcutOf(e);
  if (!action || (action === 'screen' && !screenShare)) return;
  e.preventDefault();
  if (action === 'mic') void call.toggleMicrophone();
  else if (action === 'camera' && !call.audioOnly) void call.toggleCamera();
  else if (action === 'screen') void call.toggleScreenShare();
  else if (action === 'hand') call.toggleHand();
  else if (action === 'chat') call.toggleChat();
  else if (action === 'leave') void call.leave();
}
