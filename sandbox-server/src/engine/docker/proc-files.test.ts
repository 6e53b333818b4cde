import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execMappings, loaderVariablesIn, parentPidOf, parseUnixListeners, startTimeOf, statDevFromSs, statusField, tcpListeningPorts } from './proc-files';

const NAMES = ['/var/run/docker.sock', '/run/docker.sock'];

describe('reading /proc and ss', () => {
  test('stat: the start time and parent, with a command name that holds spaces and ")"', () => {
    const stat = '31043 (dock) erd x) S 30984 31043 31043 0 -1 4194560 9410 0 0 0 52 31 0 0 20 0 22 0 104455 2519080960 15877 18446744073709551615 1 1 0 0 0 0 0 0 2143420159 0 0 0 17 1 0 0 0 0 0';
    assert.equal(startTimeOf(stat), '104455');
    assert.equal(parentPidOf(stat), 30984);
    assert.throws(() => startTimeOf('12 (x) S 1'), /unreadable/);
  });

  test('status fields', () => {
    const status = 'Name:\tdockerd\nTracerPid:\t0\nNSpid:\t31043\t29\n';
    assert.equal(statusField(status, 'TracerPid'), '0');
    assert.equal(statusField(status, 'NSpid'), '31043\t29');
    assert.equal(statusField(status, 'Missing'), undefined);
  });

  test('environ: the loader variables that load other code, set and not empty', () => {
    assert.deepEqual(loaderVariablesIn('PATH=/usr/bin\0HOME=/root\0'), []);
    assert.deepEqual(loaderVariablesIn('LD_PRELOAD=/tmp/x.so\0LD_BIND_NOW=1\0LD_AUDIT=/a.so\0'), ['LD_PRELOAD', 'LD_AUDIT']);
    assert.deepEqual(loaderVariablesIn('LD_LIBRARY_PATH=\0LD_PRELOAD_X=1\0'), [], 'empty or other names change nothing');
  });

  test('maps: executable mappings only, with kernel, anonymous, deleted and spaced paths', () => {
    const maps = [
      '55b31c225000-55b31d984000 r--p 00000000 00:31 1565486                    /usr/sbin/dockerd',
      '55b31d984000-55b31f85d000 r-xp 0175f000 00:31 1565486                    /usr/sbin/dockerd',
      'c000000000-c004000000 rw-p 00000000 00:00 0 ',
      '7fac68524000-7fac68687000 r-xp 00028000 00:31 1534093                    /usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)',
      '7fac68600000-7fac68601000 r-xp 00000000 00:1f 77                         /tmp/my lib.so',
      '7fac68700000-7fac68701000 rwxp 00000000 00:00 0 ',
      '7fac68810000-7fac68812000 r-xp 00000000 00:00 0                          [vdso]',
      'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
      '',
    ].join('\n');
    assert.deepEqual(execMappings(maps), [
      { range: '55b31d984000-55b31f85d000', inode: 1565486, path: '/usr/sbin/dockerd', deleted: false },
      { range: '7fac68524000-7fac68687000', inode: 1534093, path: '/usr/lib/x86_64-linux-gnu/libc.so.6', deleted: true },
      { range: '7fac68600000-7fac68601000', inode: 77, path: '/tmp/my lib.so', deleted: false },
      { range: '7fac68700000-7fac68701000', inode: 0, path: '', deleted: false },
      { range: '7fac68810000-7fac68812000', inode: 0, path: '[vdso]', deleted: false },
      { range: 'ffffffffff600000-ffffffffff601000', inode: 0, path: '[vsyscall]', deleted: false },
    ]);
  });

  test('ss -xlHe: listeners with the file each is bound to', () => {
    const out = [
      'u_str LISTEN 0      4096                               /var/run/docker.sock 56127 * 0 <-> ino:6 dev:0/58 peers: ',
      'u_str LISTEN 0      4096   /run/docker.sock 60001 * 0 <-> ino:1234 dev:0/65024 peers: 60010 60011',
      'u_str LISTEN 0      4096   /run/docker.sock 60002 * 0 <-> peers:',
      '',
    ].join('\n');
    assert.deepEqual(parseUnixListeners(out, NAMES), [
      { socketInode: 56127, name: '/var/run/docker.sock', file: { dev: 58, ino: 6 } },
      { socketInode: 60001, name: '/run/docker.sock', file: { dev: 65024, ino: 1234 } },
      { socketInode: 60002, name: '/run/docker.sock', file: undefined },
    ]);
    assert.deepEqual(parseUnixListeners('', NAMES), []);
  });

  test('ss: a name the filter should have kept out, or a line of another shape, makes the whole list untrustworthy', () => {
    // A name with a newline prints as a line of its own: the filter keeps such names out, so seeing one means it did not.
    const forged = 'u_str LISTEN 0 4096 /tmp/x\nu_str LISTEN 0 4096 /run/docker.sock 56127 * 0 <-> ino:9 dev:0/58 peers: 77 * 0 <-> peers:';
    assert.throws(() => parseUnixListeners(forged, NAMES), /unexpected line/);
    assert.throws(() => parseUnixListeners('u_str LISTEN 0 4096 /var/run/docker/containerd/containerd.sock 1 * 0 <-> ino:2 dev:0/58 peers:', NAMES), /unexpected line/);
    assert.throws(() => parseUnixListeners('u_str ESTAB 0 0 /run/docker.sock 1 * 2', NAMES), /unexpected line/);
    assert.throws(() => parseUnixListeners('u_str LISTEN 0 4096 /run/docker.sock 56127 /tmp/y 0 <-> ino:9 dev:0/58 peers:', NAMES), /unexpected line/);
  });

  test('ss prints the kernel device number through glibc major()/minor(); stat() numbers it differently', () => {
    // tmpfs 0:58 looks the same either way.
    assert.equal(statDevFromSs(0, 58), 58);
    // Block device 254:0: the kernel's 254 << 20 prints as "0/65024"; stat() says 65024 (254 << 8).
    assert.equal(statDevFromSs(0, 65024), 65024);
    // 8:17 (sda1): the kernel's 0x800011 prints as "0/2065"; stat() says 0x811 (2065) too.
    assert.equal(statDevFromSs(0, 0x811), 0x811);
    // 259:1 (an NVMe partition): kernel 0x10300001 prints as "0/66305"; stat() says 0x10301.
    assert.equal(statDevFromSs(0, 66305), 0x10301);
    // An anonymous device past minor 255 (0:300): kernel 300 → printed 1/44 → stat makedev(0, 300).
    assert.equal(statDevFromSs(1, 44), (300 & 0xff) + (300 >>> 8) * 2 ** 20);
  });
});

describe('tcpListeningPorts', () => {
  test('reads LISTEN sockets of tcp and tcp6, once each, ascending, and skips the rest and the engine’s loopback ephemeral ports', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 100 0 0 10 0',
      '   2: 0100007F:0BB8 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 100 0 0 10 0',
      // containerd's stream server: loopback, ephemeral port (39837): not listed
      '   3: 0100007F:9B9D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1006 1 0000000000000000 100 0 0 10 0',
      // the same port on every address is a server: listed
      '   4: 00000000:9B9E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1007 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1005 1 0000000000000000 100 0 0 10 0',
      '   2: 00000000000000000000000001000000:A000 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1008 1 0000000000000000 100 0 0 10 0',
      'garbage line',
    ].join('\n');
    assert.deepEqual(tcpListeningPorts(`${tcp}\n${tcp6}`), [80, 3000, 9090, 39838]);
    assert.deepEqual(tcpListeningPorts(''), []);
  });
});
