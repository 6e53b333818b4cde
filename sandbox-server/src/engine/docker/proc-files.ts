/**
 * Pure readers for the kernel's text about processes and sockets: /proc/<pid>/
 * stat, status, maps and environ, and `ss -xlHe`. No I/O here, so each can be
 * unit-tested on captured text. engine-identity.ts does the reading.
 */

/** The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid, it names one process for good. */
export function startTimeOf(stat: string): string {
  // The command name (field 2) is in parentheses and may itself hold spaces or ")".
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field 22 is afterName[19].
  const start = afterName[19];
  if (!start || !/^\d+$/.test(start)) throw new Error('unreadable /proc/<pid>/stat');
  return start;
}

/** The parent pid (field 4 of /proc/<pid>/stat). */
export function parentPidOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** One "Name:\tvalue" line of /proc/<pid>/status. */
export function statusField(status: string, name: string): string | undefined {
  const prefix = `${name}:`;
  const line = status.split('\n').find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

/** Loader variables that make a program load code other than its own and its libraries'. */
const LOADER_VARIABLES = ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT'];

/** Which of the loader variables a process was started with (from /proc/<pid>/environ: NUL-separated NAME=value). */
export function loaderVariablesIn(environ: string): string[] {
  const set = new Set(
    environ
      .split('\0')
      .filter((entry) => entry.slice(entry.indexOf('=') + 1) !== '')
      .map((entry) => entry.slice(0, entry.indexOf('='))),
  );
  return LOADER_VARIABLES.filter((name) => set.has(name));
}

/** A memory mapping a process may run code from. */
export interface ExecMapping {
  /** "start-end" in hex, as /proc/<pid>/map_files names it. */
  range: string;
  /** The mapped file's inode (0 for memory no file backs). */
  inode: number;
  /** The file's path as the process sees it, "[vdso]"-style for the kernel's own, '' for anonymous memory. */
  path: string;
  /** The file was deleted or replaced since it was mapped (its content is still what runs). */
  deleted: boolean;
}

/**
 * The executable mappings of /proc/<pid>/maps. A line is
 * "start-end perms offset dev inode [path]"; the path may hold spaces and
 * ends in " (deleted)" when the file is gone.
 */
export function execMappings(maps: string): ExecMapping[] {
  const found: ExecMapping[] = [];
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+-[0-9a-f]+) (\S{4}) [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ (\d+)\s*(.*)$/.exec(line);
    if (!m || !m[2]!.includes('x')) continue;
    const raw = m[4]!;
    const deleted = raw.endsWith(' (deleted)');
    found.push({ range: m[1]!, inode: Number(m[3]), path: deleted ? raw.slice(0, -' (deleted)'.length) : raw, deleted });
  }
  return found;
}

/** A listening Unix socket as `ss -xlHe` prints it. */
export interface UnixListener {
  /** The socket's own inode (what /proc/<pid>/fd links name). */
  socketInode: number;
  /** The address it was bound to (as given to bind(), which a later rename does not change). */
  name: string;
  /** The file the bind created, as stat() numbers it; absent for an abstract socket. */
  file?: { dev: number; ino: number };
}

/**
 * Parses `ss -xlHe` output made with a filter that lets through only the
 * given names. A bound name is chosen by whoever binds and may hold spaces or
 * newlines that would read as columns or lines of their own; with the filter,
 * no such name is printed, so any line this does not expect (another name,
 * another shape) means the output cannot be trusted, and it throws.
 */
export function parseUnixListeners(output: string, names: readonly string[]): UnixListener[] {
  const listeners: UnixListener[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    // netid state recv-q send-q local-address inode peer-address peer-port details…
    const [netid, state, recvQ, sendQ, name, inode, peer, peerPort, ...details] = line.trim().split(/\s+/);
    const wellFormed = netid === 'u_str' && state === 'LISTEN' && /^\d+$/.test(recvQ ?? '') && /^\d+$/.test(sendQ ?? '') && /^\d+$/.test(inode ?? '') && peer === '*' && peerPort === '0';
    if (!wellFormed || !names.includes(name ?? '')) throw new Error(`unexpected line in the socket list: ${JSON.stringify(line.slice(0, 160))}`);
    const vfs = /(?:^| )ino:(\d+) dev:(\d+)\/(\d+)(?: |$)/.exec(details.join(' '));
    listeners.push({
      socketInode: Number(inode),
      name: name!,
      file: vfs ? { ino: Number(vfs[1]), dev: statDevFromSs(Number(vfs[2]), Number(vfs[3])) } : undefined,
    });
  }
  return listeners;
}

/**
 * ss prints a bound file's device as glibc's major()/minor() of the kernel's
 * own device number, which is encoded differently from stat()'s st_dev
 * (kernel: major << 20 | minor; stat: the glibc makedev layout). Rebuilds the
 * kernel number from what ss printed and returns it the way stat() gives it.
 */
export function statDevFromSs(printedMajor: number, printedMinor: number): number {
  // glibc major(k) = (k >> 8) & 0xfff; minor(k) = (k & 0xff) | ((k >> 12) & ~0xff), for a 32-bit k.
  const kernel = (printedMinor & 0xff) + (printedMajor & 0xfff) * 2 ** 8 + ((printedMinor >>> 8) & 0xfff) * 2 ** 20;
  const major = Math.floor(kernel / 2 ** 20);
  const minor = kernel % 2 ** 20;
  // glibc makedev(major, minor) for majors below 4096 (the kernel's limit).
  return (minor & 0xff) + major * 2 ** 8 + Math.floor(minor / 2 ** 8) * 2 ** 20;
}

/** TCP state LISTEN in /proc/net/tcp's "st" column. */
const TCP_LISTEN = '0A';

/** Linux's default ephemeral range (net.ipv4.ip_local_port_range). */
const EPHEMERAL = { from: 32768, to: 60999 };

/** Whether a /proc/net/tcp{,6} local address (hex, in the kernel's byte order) is loopback: 127/8 or ::1. */
function isLoopbackHex(hexAddress: string): boolean {
  if (hexAddress.length === 8) return hexAddress.slice(6, 8).toUpperCase() === '7F'; // little-endian: the first octet is last
  return hexAddress === '00000000000000000000000001000000';
}

/**
 * The ports in state LISTEN in the text of /proc/<pid>/net/tcp and tcp6
 * (header lines and anything unreadable are skipped), each once, ascending.
 * A line: "sl local_address rem_address st …", the local address as
 * HEXIP:HEXPORT.
 *
 * A loopback-only listener on an ephemeral port is left out: that is the
 * inner engine's own plumbing (containerd's stream server picks one), not a
 * server the learner started. A learner's server there still opens by
 * number; it is only not listed.
 */
export function tcpListeningPorts(text: string): number[] {
  const ports = new Set<number>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== TCP_LISTEN) continue;
    const match = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(fields[1] ?? '');
    if (!match) continue;
    const port = parseInt(match[2]!, 16);
    if (isLoopbackHex(match[1]!) && port >= EPHEMERAL.from && port <= EPHEMERAL.to) continue;
    if (port > 0) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}
