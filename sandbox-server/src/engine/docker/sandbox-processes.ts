import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { parentPidOf, statusField } from './proc-files';

/** The sandbox's processes as the host's /proc shows them (engine-identity.ts asks which one holds the socket). */

/** Names and paths come from the learner: shown without control characters. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 120);
}

const listDir = (path: string): string[] => {
  try {
    return readdirSync(path);
  } catch {
    return []; // the process or thread ended meanwhile
  }
};

const readlinkOrNull = (path: string): string | null => {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
};

/** The processes that hold a socket, each with the descriptor its main thread has it at (null if only a thread with its own table has it). */
export function holdersOf(pids: number[], socketInode: number): { pid: number; fd: number | null }[] {
  const target = `socket:[${socketInode}]`;
  const holders: { pid: number; fd: number | null }[] = [];
  for (const pid of pids) {
    let holds = false;
    let fd: number | null = null;
    // Every thread: one that unshared its descriptor table is not listed under /proc/<pid>/fd.
    for (const tid of listDir(`/proc/${pid}/task`)) {
      for (const n of listDir(`/proc/${pid}/task/${tid}/fd`)) {
        if (readlinkOrNull(`/proc/${pid}/task/${tid}/fd/${n}`) !== target) continue;
        holds = true;
        if (tid === String(pid)) fd ??= Number(n);
      }
    }
    if (holds) holders.push({ pid, fd });
  }
  return holders;
}

/** The sandbox's processes as the host sees them, and how the learner would name one. */
export class SandboxView {
  private readonly pidNamespace: string;
  /** How many pid namespaces deep the sandbox is (NSpid entries of its init): its own pids are at this position. */
  private readonly depth: number;

  constructor(private readonly initPid: number) {
    this.pidNamespace = readlinkSync(`/proc/${initPid}/ns/pid`);
    this.depth = nsPids(initPid).length;
  }

  /**
   * Host pids of every process in the sandbox's pid namespace or one nested
   * in it (an inner container's): those descend from a process of the sandbox.
   */
  pids(): number[] {
    const hostNamespace = readlinkSync('/proc/self/ns/pid');
    const memo = new Map<number, boolean>();
    const inside = (pid: number, hops: number): boolean => {
      const known = memo.get(pid);
      if (known !== undefined) return known;
      let result = false;
      const ns = readlinkOrNull(`/proc/${pid}/ns/pid`);
      if (ns === this.pidNamespace) result = true;
      else if (ns && ns !== hostNamespace && hops < 64) {
        try {
          if (nsPids(pid).length > this.depth) {
            const parent = parentPidOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
            result = parent > 1 && inside(parent, hops + 1);
          }
        } catch {
          result = false; // ended meanwhile
        }
      }
      memo.set(pid, result);
      return result;
    };
    return listDir('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => inside(pid, 0));
  }

  /** "pid 57 in the sandbox": what the learner's `ps` shows. */
  where(pid: number): string {
    try {
      const inSandbox = nsPids(pid)[this.depth - 1];
      return inSandbox ? `pid ${inSandbox} in the sandbox` : `pid ${pid} on the host`;
    } catch {
      return `pid ${pid} on the host, ended`;
    }
  }

  /** "perl (pid 57 in the sandbox)". */
  describe(pid: number): string {
    let name = '?';
    try {
      name = printable(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      // ended meanwhile: where() says so
    }
    return `${name} (${this.where(pid)})`;
  }
}

/** A process's pid in each pid namespace from the host's inwards (the NSpid line of its status). */
function nsPids(pid: number): string[] {
  return (statusField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'NSpid') ?? '').split(/\s+/).filter(Boolean);
}
