import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManifestAssertionSchema, ResourceAssertionSchema } from '../../../lib/lesson-format/schema';
import { coverageGaps, type Case } from '../../test/grading-cases';
import { FakeInnerEngine, loadRecording } from '../../test/fake-inner-engine';
import { judgeDockerState } from './docker-state';

/**
 * Volumes (and files in them), networks and registry manifests, each way,
 * on what a real inner engine answered (fixtures/volumes.json, networks.json,
 * files.json, distributions.json).
 */
type Assertion = Parameters<typeof judgeDockerState>[1];
const engine = new FakeInnerEngine(loadRecording(new URL('./fixtures/', import.meta.url)));
const judge = (a: Assertion) => judgeDockerState({ engine, readFile: engine.readFile }, a);

/** [assertion, passes?, what the learner reads either way] */
type Row<A> = [A, boolean, string];
const asCases = <A>(rows: Row<A>[]): Case<A>[] => rows.map(([a, passed, found]) => (passed ? { a, passes: true } : { a, found }));
const [volumeSchema, networkSchema] = ResourceAssertionSchema.options;

describe('volume assertions', () => {
  const cases: Row<Extract<Assertion, { volume: string }>>[] = [
    [{ volume: 'data', exists: true }, true, 'the volume data exists'],
    [{ volume: 'ghost', exists: true }, false, 'there is no volume named ghost'],
    [{ volume: 'ghost', exists: false }, true, 'there is no volume named ghost'],
    [{ volume: 'data', exists: false }, false, 'the volume data exists'],
    [{ volume: 'data', exists: true, file: { path: 'index.html', contains: 'hello' } }, true, 'data:/index.html holds "hello from the volume"'],
    [{ volume: 'data', exists: true, file: { path: 'index.html', equals: 'hello from the volume\n' } }, true, 'data:/index.html holds "hello from the volume"'],
    [{ volume: 'data', exists: true, file: { path: 'index.html', contains: 'bye' } }, false, 'data:/index.html should contain "bye"; it holds "hello from the volume"'],
    [{ volume: 'data', exists: true, file: { path: 'index.html', equals: 'bye' } }, false, 'data:/index.html should hold "bye"; it holds "hello from the volume"'],
    [{ volume: 'data', exists: true, file: { path: 'nope.txt', contains: 'x' } }, false, 'the volume data has no file nope.txt'],
    [{ volume: 'data', exists: true, file: { path: 'sub', contains: 'x' } }, false, 'data:/sub is a directory, not a regular file'],
    [{ volume: 'ghost', exists: true, file: { path: 'index.html', contains: 'hello' } }, false, 'there is no volume named ghost'],
  ];
  for (const [a, passed, found] of cases) {
    test(`${JSON.stringify(a)}: ${passed ? 'passes' : 'fails'}`, async () => assert.deepEqual(await judge(a), { passed, found }));
  }

  test('every volume assertion of the schema has a passing and a failing case', () => {
    assert.deepEqual(coverageGaps(Object.keys(volumeSchema.shape), 'volume', asCases(cases)), []);
    const files = cases.flatMap(([a, passed]) => (a.file ? [[a.file, passed] as const] : []));
    for (const key of ['contains', 'equals']) assert.deepEqual(new Set(files.filter(([f]) => key in f).map(([, passed]) => passed)), new Set([true, false]), key);
  });
});

describe('network assertions', () => {
  const cases: Row<Extract<Assertion, { network: string }>>[] = [
    [{ network: 'appnet', exists: true }, true, 'the network appnet exists'],
    [{ network: 'bridge', exists: true }, true, 'the network bridge exists'],
    [{ network: 'ghost', exists: true }, false, 'the network ghost does not exist'],
    [{ network: 'ghost', exists: false }, true, 'the network ghost does not exist'],
    [{ network: 'appnet', exists: false }, false, 'the network appnet exists'],
  ];
  for (const [a, passed, found] of cases) {
    test(`${JSON.stringify(a)}: ${passed ? 'passes' : 'fails'}`, async () => assert.deepEqual(await judge(a), { passed, found }));
  }

  test('every network assertion of the schema has a passing and a failing case', () => {
    assert.deepEqual(coverageGaps(Object.keys(networkSchema.shape), 'network', asCases(cases)), []);
  });
});

describe('manifest assertions, read from a registry through the inner engine', () => {
  const CASES: Case<Extract<Assertion, { manifest: string }>>[] = [
    { a: { manifest: 'localhost:5000/multi:1', platforms: ['linux/amd64', 'linux/arm64'] }, passes: true },
    { a: { manifest: 'localhost:5000/multi:1', platforms: ['linux/arm64/v8'] }, found: 'localhost:5000/multi:1 should list linux/arm64/v8; it lists linux/amd64, linux/arm64' },
    { a: { manifest: 'localhost:5000/multi:1', platforms: ['linux/s390x'] }, found: 'localhost:5000/multi:1 should list linux/s390x; it lists linux/amd64, linux/arm64' },
    { a: { manifest: 'localhost:5000/multi:amd64', platforms: ['linux/amd64', 'linux/arm64'] }, found: 'localhost:5000/multi:amd64 should be a manifest list for linux/amd64, linux/arm64; it is a single-platform image (linux/amd64)' },
    { a: { manifest: 'localhost:5000/nothing:1', platforms: ['linux/amd64'] }, found: 'could not read localhost:5000/nothing:1 from its registry: manifest unknown: manifest unknown' },
  ];
  for (const c of CASES) {
    test(`${JSON.stringify(c.a)}: ${c.passes ? 'passes' : 'fails'}`, async () => {
      const expected = c.passes ? { passed: true, found: `${c.a.manifest} lists linux/amd64, linux/arm64` } : { passed: false, found: c.found };
      assert.deepEqual(await judge(c.a), expected);
    });
  }

  test('without platforms: the tag only has to be in the registry', async () => {
    assert.deepEqual(await judge({ manifest: 'localhost:5000/multi:arm64' }), { passed: true, found: 'localhost:5000/multi:arm64 is in its registry (one image, linux/arm64)' });
    assert.deepEqual(await judge({ manifest: 'localhost:5000/multi:1' }), { passed: true, found: 'localhost:5000/multi:1 is in its registry (a list: linux/amd64, linux/arm64)' });
    assert.deepEqual(await judge({ manifest: 'localhost:5000/nothing:1' }), { passed: false, found: 'could not read localhost:5000/nothing:1 from its registry: manifest unknown: manifest unknown' });
  });

  test('every manifest assertion of the schema has a passing and a failing case', () => {
    assert.deepEqual(coverageGaps(Object.keys(ManifestAssertionSchema.shape), 'manifest', CASES), []);
  });
});
