import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDockerfile, lintDockerfile } from './dockerfile-lint';

describe('Dockerfile lint in the editor', () => {
  test('an unknown instruction is an error at its offsets and line', () => {
    const text = 'FROM busybox\nRUNN echo hi\n';
    const [problem, ...rest] = lintDockerfile(text);
    assert.deepEqual(rest, []);
    assert.equal(problem?.severity, 'error');
    assert.equal(problem?.line, 2);
    assert.equal(text.slice(problem!.from, problem!.to), 'RUNN');
    assert.match(problem!.message, /Unknown instruction: RUNN/);
  });
  test('a clean Dockerfile has no problems; offsets never pass the end of the text', () => {
    assert.deepEqual(lintDockerfile('FROM busybox\nCMD ["echo", "hi"]\n'), []);
    for (const p of lintDockerfile('FROM')) assert.ok(p.to <= 4 && p.from <= p.to);
  });
  test('which files are Dockerfiles', () => {
    for (const yes of ['/root/Dockerfile', '/root/app/Containerfile', '/root/Dockerfile.dev', '/root/web.Dockerfile', '/root/dockerfile']) assert.ok(isDockerfile(yes), yes);
    for (const no of ['/root/Dockerfile-notes.txt', '/root/app.sh', '/root/Dockerfiles/x']) assert.ok(!isDockerfile(no), no);
  });
});
