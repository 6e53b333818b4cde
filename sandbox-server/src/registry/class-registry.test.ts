import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classSeedImages, hubRepository } from './class-registry';

describe('hubRepository: what an engine asks its Docker Hub mirror for', () => {
  test('official images live in library/, and no tag means latest', () => {
    assert.equal(hubRepository('busybox'), 'library/busybox:latest');
    assert.equal(hubRepository('registry:2'), 'library/registry:2');
    assert.equal(hubRepository('docker.io/library/alpine:3.20'), 'library/alpine:3.20');
    assert.equal(hubRepository('index.docker.io/busybox'), 'library/busybox:latest');
    assert.equal(hubRepository('me/app'), 'me/app:latest');
    assert.equal(hubRepository(' "me/app:1" '), 'me/app:1');
  });

  test('a mirror cannot stand in for other registries or for digests', () => {
    assert.throws(() => hubRepository('ghcr.io/me/app:1'), /lives on ghcr\.io, not Docker Hub/);
    assert.throws(() => hubRepository('localhost:5000/app'), /lives on localhost:5000/);
    assert.throws(() => hubRepository('busybox@sha256:' + '0'.repeat(64)), /pinned by digest/);
    assert.throws(() => hubRepository(''), /not an image name/);
  });

  test('a class seeds each declared image once', () => {
    assert.deepEqual(classSeedImages([{ images: ['busybox', 'registry:2'] }, { images: ['busybox:latest'] }, { images: [] }]), [
      'library/busybox:latest',
      'library/registry:2',
    ]);
  });
});
