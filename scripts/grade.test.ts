import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpNote } from './grade';

test('npm run grade notes the help a learner took, in brackets, and nothing when none', () => {
  assert.equal(helpNote({ hintsUsed: 0, lastHintAt: null, solutionShownAt: null }), '');
  assert.equal(helpNote({ hintsUsed: 1, lastHintAt: 5, solutionShownAt: null }), '[1 hint]');
  assert.equal(helpNote({ hintsUsed: 2, lastHintAt: 5, solutionShownAt: Date.UTC(2026, 11, 1, 10) }), '[2 hints, solution seen 2026-12-01T10:00:00.000Z]');
});
