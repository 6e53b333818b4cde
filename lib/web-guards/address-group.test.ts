import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressGroup } from './address-group';

describe('addressGroup', () => {
  test('an IPv4 address is its own group', () => {
    assert.equal(addressGroup('198.51.100.7'), '198.51.100.7');
  });

  test('IPv6 addresses group by their /64, however they are written', () => {
    const group = '2001:db8:1:2::/64';
    for (const a of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2:a:b:c:d', '2001:db8:1:2:0:0:0:0', '2001:db8:1:2::9%eth0']) {
      assert.equal(addressGroup(a), group, a);
    }
    assert.notEqual(addressGroup('2001:db8:1:3::1'), group, 'the next /64 is another group');
  });

  test('compressed zeros at the front or in the middle expand to the right groups', () => {
    assert.equal(addressGroup('::1'), '0:0:0:0::/64');
    assert.equal(addressGroup('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressGroup('::ffff:0:1.2.3.4'), '0:0:0:0::/64', 'a dotted quad counts as two groups');
    assert.equal(addressGroup('64:ff9b:1:2:3:4:1.2.3.4'), '64:ff9b:1:2::/64');
  });

  test('what is not an address stays as it is', () => {
    assert.equal(addressGroup('unknown'), 'unknown');
  });
});
