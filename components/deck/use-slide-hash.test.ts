import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { slideForKey, slideFromHash } from './use-slide-hash';

describe('slideFromHash', () => {
  test('#N is the 0-based slide N-1', () => {
    assert.equal(slideFromHash('#1', 5), 0);
    assert.equal(slideFromHash('#3', 5), 2);
    assert.equal(slideFromHash('#5', 5), 4);
  });

  test('without the leading # it is read the same', () => {
    assert.equal(slideFromHash('3', 5), 2);
  });

  test('#0, negative numbers and numbers beyond the count are slide 0', () => {
    assert.equal(slideFromHash('#0', 5), 0);
    assert.equal(slideFromHash('#-2', 5), 0);
    assert.equal(slideFromHash('#6', 5), 0);
    assert.equal(slideFromHash('#1000', 5), 0);
  });

  test('an empty hash or junk is slide 0', () => {
    for (const hash of ['', '#', '#abc', '#NaN', '#Infinity', '# ', '#slide-3']) assert.equal(slideFromHash(hash, 5), 0, hash);
  });

  test('with no slides everything is 0', () => {
    assert.equal(slideFromHash('#1', 0), 0);
  });
});

describe('slideForKey', () => {
  test('ArrowRight and PageDown go forward one slide', () => {
    assert.equal(slideForKey('ArrowRight', 2, 5), 3);
    assert.equal(slideForKey('PageDown', 2, 5), 3);
  });

  test('ArrowLeft and PageUp go back one slide', () => {
    assert.equal(slideForKey('ArrowLeft', 2, 5), 1);
    assert.equal(slideForKey('PageUp', 2, 5), 1);
  });

  test('Home goes to the first slide, End to the last', () => {
    assert.equal(slideForKey('Home', 3, 5), 0);
    assert.equal(slideForKey('End', 1, 5), 4);
  });

  test('other keys are not the deck’s', () => {
    for (const key of ['a', ' ', 'Enter', 'Escape', 'ArrowUp', 'ArrowDown', 'Tab', 'arrowright', 'home']) assert.equal(slideForKey(key, 2, 5), null, key);
  });
});
