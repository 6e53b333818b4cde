import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImageAssertionSchema } from '../../../lib/lesson-format/schema';
import { coverageGaps, type Case } from '../../test/grading-cases';
import { FakeInnerEngine, loadRecording } from '../../test/fake-inner-engine';
import { judgeDockerState } from './docker-state';

/**
 * Every image assertion of the lesson schema, each with a passing and a
 * failing verdict, judged on what a real inner engine answered about images
 * built for the purpose (fixtures/images.json: inspect, history and, for the
 * FROM-scratch verdicts, the files of the exported image).
 */
type ImageAssertion = Extract<Parameters<typeof judgeDockerState>[1], { image: string; container?: never }>;
const recording = loadRecording(new URL('./fixtures/', import.meta.url));
const engine = new FakeInnerEngine(recording);
const megabytes = (image: string) => (recording.images[image]!.inspect.Size / 1e6).toFixed(1);

const CASES: Case<ImageAssertion>[] = [
  { a: { image: 'good:1', nonRootUser: true }, passes: true },
  { a: { image: 'busybox', nonRootUser: true }, found: 'busybox should run as a non-root USER; its user is not set (root)' },
  { a: { image: 'rootgroup:1', nonRootUser: true }, found: 'rootgroup:1 should run as a non-root USER; its user is 0:10001' },

  { a: { image: 'good:1', healthcheck: true }, passes: true },
  { a: { image: 'busybox', healthcheck: true }, found: 'busybox should have a HEALTHCHECK; it has none' },
  { a: { image: 'healthoff:1', healthcheck: true }, found: 'healthoff:1 should have a HEALTHCHECK; it has none' },

  { a: { image: 'good:1', labels: { version: '1.2' } }, passes: true },
  { a: { image: 'good:1', labels: { version: '2' } }, found: 'good:1 should have the label version=2; version is "1.2"' },
  { a: { image: 'busybox', labels: { version: '1.2' } }, found: 'busybox should have the label version=1.2; version is not set' },

  { a: { image: 'tiny:1', maxSizeMB: 10 }, passes: true },
  { a: { image: 'fat:1', maxSizeMB: 0.5 }, found: `fat:1 should be at most 0.5 MB; it is ${megabytes('fat:1')} MB` },

  { a: { image: 'good:1', maxLayers: 1 }, passes: true },
  { a: { image: 'fat:1', maxLayers: 1 }, found: 'fat:1 should have at most 1 layer(s); it has 2' },

  { a: { image: 'tiny:1', fromScratch: true }, passes: true },
  { a: { image: 'fat:1', fromScratch: true }, found: 'fat:1 should be built FROM scratch; it contains /bin/sh from a base operating system' },

  { a: { image: 'tiny:1', historyExcludes: ['compiling'] }, passes: true },
  { a: { image: 'fat:1', historyExcludes: ['gcc|go build'] }, passes: true },
  { a: { image: 'fat:1', historyExcludes: ['compiling'] }, found: 'fat:1 should have no step matching /compiling/ in its history; step 2 of 3 is "RUN echo compiling > /out"' },

  { a: { image: 'armtiny:1', platform: 'linux/arm64' }, passes: true },
  { a: { image: 'good:1', platform: 'linux/amd64' }, passes: true },
  { a: { image: 'good:1', platform: 'linux/arm64' }, found: 'good:1 should be for linux/arm64; it is for linux/amd64' },
  { a: { image: 'armtiny:1', platform: 'linux/arm64/v7' }, found: 'armtiny:1 should be for linux/arm64/v7; it is for linux/arm64' },

  { a: { image: 'exposer:1', exposes: ['8080', '53/udp'] }, passes: true },
  { a: { image: 'exposer:1', exposes: ['9090'] }, found: 'exposer:1 should EXPOSE 9090/tcp; it exposes 53/udp, 8080/tcp' },
  { a: { image: 'busybox', exposes: ['80'] }, found: 'busybox should EXPOSE 80/tcp; it exposes nothing' },
];

const judge = (a: ImageAssertion) => judgeDockerState({ engine, readFile: engine.readFile }, a);

describe('image assertions, on recorded inspect answers', () => {
  for (const c of CASES) {
    const { image, ...asked } = c.a;
    test(`${image} ${JSON.stringify(asked)}: ${c.passes ? 'passes' : 'fails'}`, async () => {
      assert.deepEqual(await judge(c.a), c.passes ? { passed: true, found: `${image} is as expected` } : { passed: false, found: c.found });
    });
  }

  test('fromScratch reads the image only when everything cheaper holds', async () => {
    engine.asked.length = 0;
    assert.deepEqual(await judge({ image: 'fat:1', maxLayers: 1, fromScratch: true }), { passed: false, found: 'fat:1 should have at most 1 layer(s); it has 2' });
    assert.deepEqual(engine.asked, ['image fat:1']);
  });

  test('an image that does not exist', async () => {
    assert.deepEqual(await judge({ image: 'missing:1', healthcheck: true }), { passed: false, found: 'there is no image missing:1' });
  });

  test('every image assertion of the schema has a passing and a failing case', () => {
    assert.deepEqual(coverageGaps(Object.keys(ImageAssertionSchema.shape), 'image', CASES), []);
  });
});
