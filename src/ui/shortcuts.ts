import type { PolicyChange, Policy } from '../steering/policy';

export type ShortcutAction =
  | { kind: 'generate' }
  | { kind: 'toggle-pause' }
  | { kind: 'step' }
  | { kind: 'stop' }
  | { kind: 'policy'; change: PolicyChange };

/** The shortcuts as the help lists them. */
export const SHORTCUTS: [string, string][] = [
  ['g', 'generate'],
  ['p', 'pause or resume'],
  ['.', 'one token'],
  ['Esc', 'stop'],
  ['1 … 9, 0', 'ban or allow tag 1 … 10'],
  ['Shift + 1 … 0', 'force or allow tag 1 … 10'],
  ['Alt + 1 … 0', 'insert tag 1 … 10 now'],
  ['r', 'reset all tags'],
];

/** Inputs that take no typed text: a key pressed on one is a shortcut. */
const NOT_TYPED = new Set(['radio', 'checkbox', 'range', 'button', 'submit', 'reset', 'color', 'file', 'image']);

/** Text fields take the keys, and selects, which jump between options by letter; buttons, radios and sliders do not. */
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT' ||
    (target instanceof HTMLInputElement && !NOT_TYPED.has(target.type)));

/**
 * Maps a key press to an action; keys typed into fields are left alone. Digits go by physical key, so Shift+1
 * works on any layout.
 */
export function shortcutFor(event: KeyboardEvent, tags: string[], policy: Policy): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey) return null;
  if (event.key === 'Escape') return { kind: 'stop' };
  if (typing(event.target)) return null;
  const digit = /^Digit(\d)$/.exec(event.code)?.[1];
  if (digit !== undefined) {
    const tag = tags[digit === '0' ? 9 : Number(digit) - 1];
    if (!tag) return null;
    if (event.altKey) return { kind: 'policy', change: { kind: 'insert', tag } };
    const mode = event.shiftKey ? 'force' : 'ban';
    return { kind: 'policy', change: { kind: 'mode', tag, mode: policy[tag]?.mode === mode ? 'allow' : mode } };
  }
  if (event.altKey || event.shiftKey) return null;
  switch (event.key) {
    case 'g':
      return { kind: 'generate' };
    case 'p':
      return { kind: 'toggle-pause' };
    case '.':
      return { kind: 'step' };
    case 'r':
      return { kind: 'policy', change: { kind: 'reset' } };
    default:
      return null;
  }
}
