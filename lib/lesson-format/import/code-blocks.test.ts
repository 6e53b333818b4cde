import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { convertCode, looksLikeCommand } from './code-blocks';

const shape = (info: string, code: string) => convertCode(info, code.split('\n')).blocks.map((b) => [b.kind, b.lang, b.lines.join('\n')]);

describe('convertCode', () => {
  test('a transcript: prompts stripped, comments before a command kept with the commands, output to a text block', () => {
    assert.deepEqual(shape('console', '$ docker run -d --name web busybox httpd -f\n0f3a\n# then stop it\n$ docker stop web\nweb'), [
      ['run', 'sh', 'docker run -d --name web busybox httpd -f\n# then stop it\ndocker stop web'],
      ['display', 'text', '0f3a\n\nweb'],
    ]);
  });

  test('a prompt typed inside a container (indented "$ ") is a command too', () => {
    assert.deepEqual(shape('sh', '$ docker run -it --rm busybox sh\n $ echo hi\nhi\n $ exit'), [
      ['run', 'sh', 'docker run -it --rm busybox sh\necho hi\nexit'],
      ['display', 'text', 'hi'],
    ]);
  });

  test('a block without prompts whose lines are all commands (loops, variables and comments included) runs as it is', () => {
    const code = '#!/bin/sh\nNAME=web\nfor i in 1 2; do\n  echo "$i"\ndone\nsudo docker ps\n./run.sh';
    assert.deepEqual(shape('', code), [['run', 'sh', code]]);
  });

  test('Dockerfile lines in a shell fence are shown as a Dockerfile, and said so', () => {
    const result = convertCode('bash', ['FROM busybox', 'RUN echo a && \\', '    echo b', 'CMD ["sh"]']);
    assert.deepEqual(result.blocks.map((b) => [b.kind, b.lang]), [['display', 'dockerfile']]);
    assert.match(result.warning ?? '', /Dockerfile instructions/);
    assert.equal(convertCode('', ['FROM busybox']).warning, undefined);
  });

  test('other languages stay display-only with their language; extra info words are dropped; an exercise fence is not an exercise', () => {
    assert.deepEqual(shape('yaml {1,3}', 'services: {}'), [['display', 'yaml', 'services: {}']]);
    assert.deepEqual(shape('exercise', 'id: x'), [['display', 'text', 'id: x']]);
  });

  test('prose in a shell fence stays display-only (and is reported); in a bare fence it is just text', () => {
    const result = convertCode('sh', ['Usage: docker [OPTIONS] COMMAND', 'A self-sufficient runtime']);
    assert.deepEqual(result.blocks.map((b) => [b.kind, b.lang]), [['display', 'sh']]);
    assert.match(result.warning ?? '', /do not all look like commands/);
    assert.deepEqual(convertCode('', ['Hello from Docker!']), { blocks: [{ kind: 'display', lang: 'text', lines: ['Hello from Docker!'] }] });
  });

  test('an empty block is shown, not run (lint refuses an empty run block)', () => {
    assert.deepEqual(shape('sh', ''), [['display', 'text', '']]);
  });
});

test('looksLikeCommand', () => {
  for (const line of ['docker ps', 'FOO=bar env', 'sudo apt-get update', '# a comment', '/usr/bin/env', 'if [ -f x ]; then']) assert.ok(looksLikeCommand(line), line);
  for (const line of ['CONTAINER ID   IMAGE', 'Hello from Docker!', 'nginx', 'FROM busybox']) assert.ok(!looksLikeCommand(line), line);
});
