/**
 * Finds the images a piece of shell or Dockerfile text uses, so the linter can
 * insist that every one is declared in the manifest (and so available offline).
 * A heuristic over common forms — `docker run/create [options] IMAGE`,
 * `docker pull IMAGE`, `FROM IMAGE` — that errs on the side of silence.
 */

/** `docker run`/`create` options that take a value (so the value is not mistaken for the image). */
const VALUE_OPTIONS = new Set([
  '-a', '--attach', '--add-host', '--cap-add', '--cap-drop', '--cgroupns', '--cidfile', '--cpu-period', '--cpu-quota',
  '--cpu-shares', '-c', '--cpus', '--cpuset-cpus', '--device', '--device-cgroup-rule', '--dns', '-e', '--env', '--env-file',
  '--entrypoint', '--expose', '--group-add', '--health-cmd', '--health-interval', '--health-retries', '--health-timeout',
  '-h', '--hostname', '--ipc', '-l', '--label', '--log-driver', '--log-opt', '-m', '--memory', '--memory-swap',
  '--memory-reservation', '--mount', '--name', '--network', '--net', '--network-alias', '--pid', '--pids-limit',
  '--platform', '-p', '--publish', '--pull', '--restart', '--runtime', '--security-opt', '--shm-size', '--stop-signal',
  '--stop-timeout', '--storage-opt', '--sysctl', '--tmpfs', '-u', '--user', '--ulimit', '--userns', '--uts', '-v',
  '--volume', '--volumes-from', '-w', '--workdir', '--ip', '--mac-address', '--oom-score-adj', '--blkio-weight',
]);

/** Splits a command line into words, honouring simple quotes. */
function words(line: string): string[] {
  return line.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
}

function imageAfterOptions(tokens: string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '--') continue;
    if (t.startsWith('-')) {
      if (!t.includes('=') && VALUE_OPTIONS.has(t)) i++;
      continue;
    }
    return t;
  }
  return undefined;
}

/** A trailing backslash continues a command on the next line. */
function joinContinuations(text: string): string {
  return text.replace(/\\\n/g, ' ');
}

/** Images referenced by a shell command text (each `docker run/create/pull` and `FROM` line). */
export function referencedImages(text: string): string[] {
  const found: string[] = [];
  for (const rawLine of joinContinuations(text).split('\n')) {
    const line = rawLine.replace(/#.*$/, '').trim();
    for (const segment of line.split(/&&|\|\||;|\|/)) {
      const tokens = words(segment.trim());
      const d = tokens.indexOf('docker');
      if (d >= 0) {
        let rest = tokens.slice(d + 1);
        if (rest[0] === 'container' || rest[0] === 'image') rest = rest.slice(1);
        const verb = rest[0];
        if (verb === 'run' || verb === 'create' || verb === 'pull') {
          const image = imageAfterOptions(rest.slice(1))?.replace(/^["']|["']$/g, '');
          if (image && !image.startsWith('$')) found.push(image);
        }
      }
      const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(segment.trim());
      if (from?.[1] && !from[1].startsWith('$')) found.push(from[1]);
    }
  }
  return found;
}

/** Options of `docker import`/`docker commit` that take a value. */
const IMPORT_COMMIT_VALUE_OPTIONS = new Set(['-c', '--change', '-m', '--message', '-a', '--author', '--platform']);

/** The REPOSITORY[:TAG] of `docker import FILE X` or `docker commit CONTAINER X`: the second word that is no option. */
function importedOrCommitted(segment: string): string | undefined {
  const tokens = words(segment.trim());
  const d = tokens.indexOf('docker');
  if (d < 0) return undefined;
  let rest = tokens.slice(d + 1);
  if (rest[0] === 'container' || rest[0] === 'image') rest = rest.slice(1);
  if (rest[0] !== 'import' && rest[0] !== 'commit') return undefined;
  const positional: string[] = [];
  for (let i = 1; i < rest.length; i++) {
    const t = rest[i]!;
    if (t.startsWith('-')) {
      if (!t.includes('=') && IMPORT_COMMIT_VALUE_OPTIONS.has(t)) i++;
      continue;
    }
    positional.push(t);
  }
  return positional[1];
}

/** Tags a text builds or tags locally (`docker build -t X`, `docker tag A X`, `docker import F X`, `docker commit C X`, `FROM … AS X` stages). */
export function locallyMadeImages(text: string): string[] {
  const made: string[] = [];
  for (const line of joinContinuations(text).split('\n')) {
    // Only a build or `imagetools create` makes an image with -t (`docker run -t` is a terminal, not a tag).
    if (/\bbuild\b|\bimagetools create\b/.test(line)) for (const m of line.matchAll(/(?:-t|--tag)[ =](\S+)/g)) made.push(m[1]!);
    for (const m of line.matchAll(/docker (?:image )?tag \S+ (\S+)/g)) made.push(m[1]!);
    for (const segment of line.split(/&&|\|\||;|\|/)) {
      const image = importedOrCommitted(segment);
      if (image) made.push(image);
    }
    for (const m of line.matchAll(/^FROM\s+(?:--platform=\S+\s+)?\S+\s+AS\s+(\S+)/gim)) made.push(m[1]!);
  }
  return made;
}
