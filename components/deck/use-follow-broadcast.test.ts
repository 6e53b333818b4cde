import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classFromSearch } from './use-follow-broadcast';

test('classFromSearch: a class id from ?class=, nothing else', () => {
  assert.equal(classFromSearch('?class=abcdefghjkmn'), 'abcdefghjkmn');
  assert.equal(classFromSearch('?x=1&class=23456789abcd'), '23456789abcd');
  for (const search of ['', '?class=', '?class=ABCDEFGHJKMN', '?class=abc', '?class=../../x', '?klass=abcdefghjkmn']) assert.equal(classFromSearch(search), null, search);
});
