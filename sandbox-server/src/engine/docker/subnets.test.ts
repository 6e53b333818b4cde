import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gatewayOf, SubnetAllocator } from './subnets';

describe('SubnetAllocator', () => {
  test('hands out distinct /28s inside the range, skipping those in use, until none is left', () => {
    const allocator = new SubnetAllocator('10.213.0.0/24');
    const inUse = new Set(['10.213.0.16/28', '10.213.0.240/28']);
    const taken = Array.from({ length: 14 }, () => allocator.take(inUse));
    assert.equal(new Set(taken).size, 14);
    for (const subnet of taken) {
      assert.match(subnet, /^10\.213\.0\.(\d+)\/28$/);
      assert.equal(Number(subnet.split('.')[3]!.split('/')[0]) % 16, 0);
      assert.ok(!inUse.has(subnet));
    }
    assert.throws(() => allocator.take(inUse), /no free \/28 left in 10\.213\.0\.0\/24/);
    allocator.release(taken[0]!);
    assert.equal(allocator.take(inUse), taken[0]);
  });

  test('a range is checked at start', () => {
    assert.throws(() => new SubnetAllocator('10.213.0.0'), /DRYDOCK_SANDBOX_SUBNETS must be an IPv4 range/);
    assert.throws(() => new SubnetAllocator('10.213.0.0/30'), /at most \/28/);
    assert.equal(new SubnetAllocator('10.213.77.9/16').take(new Set()).startsWith('10.213.'), true, 'host bits are ignored');
    assert.equal(gatewayOf('10.213.4.16/28'), '10.213.4.17');
  });
});
