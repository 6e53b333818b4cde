import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalImageName, familiarName, ImageReferenceError, isPinned, parseImageReference } from './image-reference';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it('reads Docker Hub short names the way the engine does', () => {
    assert.deepEqual(parseImageReference('busybox'), { domain: 'docker.io', path: 'library/busybox', tag: '', digest: '' });
    assert.deepEqual(parseImageReference('me/app:1.2'), { domain: 'docker.io', path: 'me/app', tag: '1.2', digest: '' });
    assert.deepEqual(parseImageReference('docker.io/library/registry:2'), { domain: 'docker.io', path: 'library/registry', tag: '2', digest: '' });
    assert.equal(parseImageReference('index.docker.io/me/app').domain, 'docker.io');
  });
  it('tells a registry host from a repository by a dot, a port or localhost', () => {
    assert.deepEqual(parseImageReference('localhost:5000/tiny:v1'), { domain: 'localhost:5000', path: 'tiny', tag: 'v1', digest: '' });
    assert.deepEqual(parseImageReference('ghcr.io/o/r'), { domain: 'ghcr.io', path: 'o/r', tag: '', digest: '' });
    assert.equal(parseImageReference('169.254.213.1:5000/x:y').domain, '169.254.213.1:5000');
  });
  it('keeps a digest, with or without a tag', () => {
    assert.deepEqual(parseImageReference(`alpine@${digest}`), { domain: 'docker.io', path: 'library/alpine', tag: '', digest });
    assert.equal(parseImageReference(`alpine:3.20@${digest}`).tag, '3.20');
  });
  it('drops quotes a Dockerfile or shell line left around it', () => {
    assert.equal(parseImageReference('"busybox:1.36"').tag, '1.36');
  });
  it('refuses what is not a reference, with the reason', () => {
    for (const bad of ['', 'two words', 'UPPER', 'x:bad tag', 'x@sha256:short', 'a//b']) assert.throws(() => parseImageReference(bad), ImageReferenceError, bad);
  });
});

describe('familiarName and isPinned', () => {
  it('prints the CLI form, adding latest only where no digest pins it', () => {
    assert.equal(familiarName(parseImageReference('busybox')), 'busybox:latest');
    assert.equal(familiarName(parseImageReference('docker.io/library/busybox:1')), 'busybox:1');
    assert.equal(familiarName(parseImageReference('localhost:5000/a/b')), 'localhost:5000/a/b:latest');
    assert.equal(familiarName(parseImageReference(`alpine@${digest}`)), `alpine@${digest}`);
  });
  it('counts a digest or a non-latest tag as pinned', () => {
    assert.equal(isPinned(parseImageReference('busybox')), false);
    assert.equal(isPinned(parseImageReference('busybox:latest')), false);
    assert.equal(isPinned(parseImageReference('busybox:1.36')), true);
    assert.equal(isPinned(parseImageReference(`busybox@${digest}`)), true);
  });
});

describe('canonicalImageName', () => {
  it('adds :latest to an untagged name, and one image has one name however it is spelt', () => {
    assert.equal(canonicalImageName('busybox'), 'busybox:latest');
    assert.equal(canonicalImageName('busybox'), canonicalImageName('busybox:latest'));
    assert.equal(canonicalImageName('library/busybox'), 'busybox:latest');
    assert.equal(canonicalImageName('docker.io/library/busybox'), 'busybox:latest');
    assert.equal(canonicalImageName('registry.example.com/team/app'), 'registry.example.com/team/app:latest');
  });
  it('keeps a tag, and a digest as it is', () => {
    assert.equal(canonicalImageName('busybox:1.36'), 'busybox:1.36');
    assert.equal(canonicalImageName('busybox:latest'), 'busybox:latest');
    assert.equal(canonicalImageName(`busybox@${digest}`), `busybox@${digest}`);
  });
  it('does not take a registry port for a tag', () => {
    assert.equal(canonicalImageName('localhost:5000/x'), 'localhost:5000/x:latest');
    assert.equal(canonicalImageName('localhost:5000/x:v1'), 'localhost:5000/x:v1');
    assert.equal(canonicalImageName('localhost:5000/team/x'), 'localhost:5000/team/x:latest');
  });
  it('drops surrounding quotes', () => {
    assert.equal(canonicalImageName('"busybox"'), 'busybox:latest');
    assert.equal(canonicalImageName("'alpine:3.20'"), 'alpine:3.20');
  });
  it('leaves what is no reference as it is (an image id, a variable), without quotes', () => {
    assert.equal(canonicalImageName(digest), digest);
    assert.equal(canonicalImageName('"$IMAGE"'), '$IMAGE');
    assert.equal(canonicalImageName('Build'), 'Build');
  });
});
