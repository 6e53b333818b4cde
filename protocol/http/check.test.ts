import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBody } from './body';
import { CheckResponseSchema, HintRequestSchema, HintResponseSchema, SolutionResponseSchema, passedAfterSolution } from './check';
import { ErrorBodySchema } from './error';

/** A failed verdict as POST …/check sends it: a Dockerfile check with details, two checks sharing a finding, one passed. */
const failedVerdict = {
  exerciseId: 'build-webserver',
  passed: false,
  everPassed: false,
  attempt: 2,
  checks: [
    { passed: true, message: 'ok' },
    { passed: false, message: 'there is no image webserver:1.0 (found: no such image)', fail: 'there is no image webserver:1.0', found: 'no such image', hint: 'run docker build -t webserver:1.0 .' },
    { passed: false, message: 'the Dockerfile breaks 2 rules', fail: 'the Dockerfile breaks 2 rules', details: ['line 1: pin the base image', 'line 4: no ADD of a URL'] },
  ],
  durationMs: 184.5,
};

describe('CheckResponseSchema', () => {
  test('a verdict parses as it is, optional fields left out where the check had none', () => {
    assert.deepEqual(parseBody(CheckResponseSchema, failedVerdict), { ok: true, value: failedVerdict });
    const passed = { ...failedVerdict, passed: true, everPassed: true, attempt: 3, checks: [{ passed: true, message: 'ok' }] };
    assert.deepEqual(parseBody(CheckResponseSchema, passed), { ok: true, value: passed });
  });

  test('a wrong body is refused with the field and what is wrong', () => {
    assert.deepEqual(parseBody(CheckResponseSchema, { ...failedVerdict, attempt: 0 }), { ok: false, error: 'attempt: Too small: expected number to be >=1' });
    assert.deepEqual(parseBody(CheckResponseSchema, { ...failedVerdict, checks: [{ message: 'ok' }] }), {
      ok: false,
      error: 'checks.0.passed: Invalid input: expected boolean, received undefined',
    });
    assert.deepEqual(parseBody(CheckResponseSchema, { ...failedVerdict, checks: [{ passed: false, message: 'x', details: 'one line' }] }), {
      ok: false,
      error: 'checks.0.details: Invalid input: expected array, received string',
    });
  });

  test('a refusal is an ErrorBody, and is not a verdict', () => {
    const refusal = { error: 'too many checks; try again in 2 s' };
    assert.deepEqual(parseBody(ErrorBodySchema, refusal), { ok: true, value: refusal });
    assert.equal(parseBody(CheckResponseSchema, refusal).ok, false);
  });
});

describe('hints and the solution', () => {
  test('a hint request names the hint opened (1-based), nothing else', () => {
    assert.deepEqual(parseBody(HintRequestSchema, { hint: 2 }), { ok: true, value: { hint: 2 } });
    assert.deepEqual(parseBody(HintRequestSchema, { hint: 0 }), { ok: false, error: 'hint: Too small: expected number to be >=1' });
    assert.equal(parseBody(HintRequestSchema, { hint: 1, hintsUsed: 9 }).ok, false);
    assert.deepEqual(parseBody(HintResponseSchema, { exerciseId: 'e', hintsUsed: 2 }), { ok: true, value: { exerciseId: 'e', hintsUsed: 2 } });
  });

  test('a solution comes with its explanation when the lesson gives one', () => {
    const body = { exerciseId: 'e', solution: 'docker run -d nginx\n', explanationHtml: '<p>why</p>', shownAt: 5 };
    assert.deepEqual(parseBody(SolutionResponseSchema, body), { ok: true, value: body });
  });

  test('a pass is marked only when it first came after the first look at the solution', () => {
    assert.equal(passedAfterSolution(10, 5), true);
    assert.equal(passedAfterSolution(5, 5), true, 'the same millisecond: the look came first (it was asked before the check)');
    assert.equal(passedAfterSolution(4, 5), false, 'passed, then looked');
    assert.equal(passedAfterSolution(null, 5), false, 'looked, not passed');
    assert.equal(passedAfterSolution(10, null), false);
  });
});
