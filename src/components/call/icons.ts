import { html, type TemplateResult } from 'lit';

/**
 * Icons as inline SVG, drawn with strokes in `currentColor`: an emoji shows as an empty box
 * where no emoji font is installed, and takes no colour from the theme. Each icon is hidden
 * from assistive technology; the button or sign it is in carries the words.
 */
const paths = {
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
  micOff: 'M9 9v3a3 3 0 0 0 5.1 2.1M15 9.3V6a3 3 0 0 0-5.9-.8M5 11a7 7 0 0 0 11.9 5M19 11a7 7 0 0 1-.6 2.8M12 18v3M8 21h8M3 3l18 18',
  cam: 'M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5',
  camOff: 'M15 10.5 21 7v10l-6-3.5M9 7h6v6M3 7h2v10h10M3 3l18 18',
  switchCamera: 'M4 8h3l2-3h6l2 3h3v11H4zM9 13a3 3 0 0 1 5-2.2M14 9v2h-2M15 13a3 3 0 0 1-5 2.2M10 17v-2h2',
  leave: 'M16 17l5-5-5-5M21 12H9M12 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h7',
  pin: 'M9 3h6M10 3v6l-3 4h10l-3-4V3M12 13v8',
  fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
  exitFullscreen: 'M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5',
  pip: 'M3 5h18v14H3zM12 12h7v5h-7z',
  copy: 'M8 8h12v12H8zM4 16V4h12',
  settings: 'M4 7h10M18 7h2M4 17h4M12 17h8M16 5v4M10 15v4',
  grid: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  speaker: 'M3 4h18v11H3zM4 18h4v2H4zM10 18h4v2h-4zM16 18h4v2h-4z',
  close: 'M6 6l12 12M18 6 6 18',
  more: 'M4 12a1 1 0 1 0 2 0a1 1 0 1 0-2 0M11 12a1 1 0 1 0 2 0a1 1 0 1 0-2 0M18 12a1 1 0 1 0 2 0a1 1 0 1 0-2 0',
  sound: 'M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a8 8 0 0 1 0 11',
  soundOff: 'M4 9h4l5-4v14l-5-4H4zM16 9l6 6M22 9l-6 6',
  screen: 'M3 4h18v12H3zM8 20h8M12 16v4M12 7v6M9 10l3-3 3 3',
  screenOff: 'M3 4h18v12H3zM8 20h8M12 16v4M9 8l6 6M15 8l-6 6',
  react: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM8 14a4.5 4.5 0 0 0 8 0M9 9.5v.01M15 9.5v.01',
  eyeOff: 'M3 3l18 18M10.6 6.1A9.7 9.7 0 0 1 12 6c5 0 9 6 9 6a16 16 0 0 1-2.5 3M6.6 6.6C4.3 8.1 3 12 3 12s4 6 9 6a9 9 0 0 0 4.4-1.2M9.9 9.9a3 3 0 0 0 4.2 4.2',
  chat: 'M4 5h16v11H10l-5 4v-4H4zM8 9.5h8M8 12.5h5',
  people: 'M9 11a3.5 3.5 0 1 0 0-7a3.5 3.5 0 1 0 0 7zM2 20a7 7 0 0 1 14 0M16 4.2a3.5 3.5 0 0 1 0 6.6M18 14a7 7 0 0 1 4 6',
  move: 'M12 3v18M3 12h18M9 6l3-3 3 3M9 18l3 3 3-3M6 9l-3 3 3 3M18 9l3 3-3 3',
  hand: 'M8 15V6a2 2 0 0 1 4 0v5M12 11V4a2 2 0 0 1 4 0v7M16 11V6a2 2 0 0 1 4 0v8a7 7 0 0 1-7 7h-1.5a6 6 0 0 1-4.6-2.2L3.7 15.3a1.6 1.6 0 0 1 2.4-2.1L8 15',
} as const;

export type IconName = keyof typeof paths;

export function icon(name: IconName): TemplateResult {
  return html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d=${paths[name]}></path></svg>`;
}

/**
 * Signal bars for connection quality: `level` of the three (1 to 3) drawn full, the rest faint.
 * One template: a `<path>` in a template of its own, put inside the `<svg>`, would be made as an
 * HTML element, which draws nothing.
 */
export function signal(level: 1 | 2 | 3): TemplateResult {
  const bar = (n: number) => (n <= level ? '1' : '0.3');
  return html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"><path d="M5 20v-4" opacity=${bar(1)}></path><path d="M12 20v-9" opacity=${bar(2)}></path><path d="M19 20V5" opacity=${bar(3)}></path></svg>`;
}

/** One letter per word, the first and the last word's ("Ada Lovelace": AL; "Bob": B). */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word = '?') => [...word][0];
  return (words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0])).toUpperCase();
}

/** A placeholder's initials, hidden from assistive technology like the icons (the tile's label names the person). */
export function avatar(name: string): TemplateResult {
  return html`<span part="avatar" class="avatar" aria-hidden="true">${initials(name)}</span>`;
}
