import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandKeystrokes } from './run-command';

describe('commandKeystrokes', () => {
  test('one line is typed and Enter pressed', () => {
    assert.equal(commandKeystrokes('docker ps'), 'docker ps\r');
  });

  test('each line of a multi-line command gets its own Enter', () => {
    assert.equal(commandKeystrokes('docker pull busybox\ndocker run --rm busybox echo hi\ndocker ps -a'), 'docker pull busybox\rdocker run --rm busybox echo hi\rdocker ps -a\r');
  });

  test('trailing whitespace is trimmed; leading indentation is kept', () => {
    assert.equal(commandKeystrokes('docker ps   \t'), 'docker ps\r');
    assert.equal(commandKeystrokes('for i in 1 2; do  \n  echo $i \ndone'), 'for i in 1 2; do\r  echo $i\rdone\r');
  });

  test('a trailing empty line is dropped', () => {
    assert.equal(commandKeystrokes('docker ps\n'), 'docker ps\r');
    assert.equal(commandKeystrokes('docker ps\n   '), 'docker ps\r', 'a whitespace-only last line counts as empty');
  });

  test('blank lines in the middle are kept (an Enter each)', () => {
    assert.equal(commandKeystrokes('echo a\n\necho b'), 'echo a\r\recho b\r');
    assert.equal(commandKeystrokes('echo a\n  \necho b\n'), 'echo a\r\recho b\r');
  });

  test('a backslash continuation is typed line by line, as a shell expects', () => {
    assert.equal(commandKeystrokes('docker run --rm \\\n  busybox echo hi'), 'docker run --rm \\\r  busybox echo hi\r');
  });

  test('an empty command types nothing', () => {
    assert.equal(commandKeystrokes(''), '');
  });
});
