import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { groupFailures } from './verdict-groups';

const failed = (fail: string, found?: string, extra: { details?: string[] } = {}) => ({ passed: false, message: found ? `${fail} — ${found}` : fail, fail, found, ...extra });

describe('groupFailures', () => {
  test('checks that found the same thing are shown once, in the order of the first; others stay single', () => {
    const views = groupFailures([
      failed('An image webserver:1.0 of at most 5 MB is needed.', 'there is no image webserver:1.0'),
      { passed: true, message: 'ok' },
      failed('The Dockerfile …', 'line 1: …', { details: ['line 1: …'] }),
      failed('webserver:1.0 must set a non-root USER.', 'there is no image webserver:1.0'),
      failed('A running container web is needed.', 'there is no container named web'),
      failed('A shell check without a finding.'),
    ]);
    assert.deepEqual(
      views.map((v) => (v.kind === 'shared' ? `shared: ${v.found} (${v.checks.length})` : `single: ${v.check.fail}`)),
      ['shared: there is no image webserver:1.0 (2)', 'single: The Dockerfile …', 'single: A running container web is needed.', 'single: A shell check without a finding.'],
    );
  });
});
