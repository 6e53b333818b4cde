import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEAVE_WINDOW_MS, TerminalKeys, type KeyEventLike } from './terminal-keys';

const key = (k: string, code: string, mods: Partial<KeyEventLike> = {}, type = 'keydown'): KeyEventLike => ({
  type,
  key: k,
  code,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});
const ESC = key('Escape', 'Escape');
const TAB = key('Tab', 'Tab');

function keys(selection = false) {
  let now = 1000;
  const router = new TerminalKeys(() => selection, () => now);
  return { router, later: (ms: number) => (now += ms) };
}

test('Tab alone stays in the terminal (completion); Esc then Tab leaves, Esc then Shift+Tab too', () => {
  const { router, later } = keys();
  assert.equal(router.route(TAB), 'terminal');
  assert.equal(router.route(ESC), 'terminal', 'the Esc still reaches the shell');
  later(300);
  assert.equal(router.route(TAB), 'page');
  assert.equal(router.route(TAB), 'terminal', 'one Esc, one way out');
  router.route(ESC);
  assert.equal(router.route(key('Shift', 'ShiftLeft', { shiftKey: true })), 'terminal');
  assert.equal(router.route(key('Tab', 'Tab', { shiftKey: true })), 'page');
});

test('Esc, then too long a pause or another key, then Tab: the Tab is the shell\'s', () => {
  const { router, later } = keys();
  router.route(ESC);
  later(LEAVE_WINDOW_MS + 1);
  assert.equal(router.route(TAB), 'terminal');
  router.route(ESC);
  router.route(key('x', 'KeyX'));
  assert.equal(router.route(TAB), 'terminal');
});

test('the deck\'s Alt+1…9 and Alt+C are the page\'s, on every event type; other Alt keys are the shell\'s', () => {
  const { router } = keys();
  for (const type of ['keydown', 'keypress', 'keyup']) {
    assert.equal(router.route(key('1', 'Digit1', { altKey: true }, type)), 'page');
    assert.equal(router.route(key('c', 'KeyC', { altKey: true }, type)), 'page');
  }
  assert.equal(router.route(key('0', 'Digit0', { altKey: true })), 'terminal');
  assert.equal(router.route(key('b', 'KeyB', { altKey: true })), 'terminal', 'Alt+B is readline\'s word-back');
});

test('copy and paste: Ctrl+Shift+C copies, Ctrl+Shift+V is the browser\'s paste, Ctrl+C copies only with a selection', () => {
  assert.equal(keys().router.route(key('C', 'KeyC', { ctrlKey: true, shiftKey: true })), 'copy');
  assert.equal(keys().router.route(key('V', 'KeyV', { ctrlKey: true, shiftKey: true })), 'page');
  assert.equal(keys(false).router.route(key('c', 'KeyC', { ctrlKey: true })), 'terminal', 'no selection: ^C');
  assert.equal(keys(true).router.route(key('c', 'KeyC', { ctrlKey: true })), 'copy');
  assert.equal(keys(true).router.route(key('c', 'KeyC', { ctrlKey: true }, 'keyup')), 'page');
});
