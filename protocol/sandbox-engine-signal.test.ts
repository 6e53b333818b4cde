import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ENGINE_SIGNAL_OSC, INNER_ENGINE_START_COMMAND, parseEngineSignal } from './sandbox-engine-signal';

const image = (file: string): string => readFileSync(new URL(`../sandbox-server/images/sandbox/${file}`, import.meta.url), 'utf8');

test('parseEngineSignal knows up and down and nothing else', () => {
  assert.equal(parseEngineSignal('engine=up'), 'up');
  assert.equal(parseEngineSignal('engine=down'), 'down');
  for (const other of ['', 'engine=', 'engine=UP', 'engine=up ', 'engine=down;x', 'cwd=/root']) assert.equal(parseEngineSignal(other), undefined, other);
});

test('the sandbox image writes the same sequence the browser reads, and names the same way back', () => {
  const bashrc = image('bashrc');
  const entrypoint = image('entrypoint.sh');
  // printf '\033]7770;engine=%s\007' in the prompt hook, and engine=down when dockerd exits.
  assert.match(bashrc, new RegExp(String.raw`\\033\]${ENGINE_SIGNAL_OSC};engine=%s\\007`));
  assert.match(entrypoint, new RegExp(String.raw`\\033\]${ENGINE_SIGNAL_OSC};engine=down\\007`));
  assert.ok(entrypoint.includes(INNER_ENGINE_START_COMMAND.replace('/var/log/dockerd.log', '%s')), 'the entrypoint tells the learner the same command');
});
