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

/**
 * A shell line as the shell reads it, far enough for this heuristic: split
 * into commands at `&&`, `||`, `;` and `|` outside quotes, each command into
 * words at blanks outside quotes, quotes removed (`-v "$PWD":/src` is one
 * word, `$PWD:/src`), a `#` that starts a word outside quotes ends the line.
 * No expansions, here-documents or subshells.
 */
export function shellCommands(line: string): string[][] {
  const commands: string[][] = [];
  let current: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  const endWord = () => {
    if (word !== null) current.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (current.length > 0) commands.push(current);
    current = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else word = (word ?? '') + c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
      continue;
    }
    if (c === '#' && word === null) break;
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    if (c === ';' || c === '|' || (c === '&' && line[i + 1] === '&')) {
      if (c !== ';' && line[i + 1] === c) i++;
      endCommand();
      continue;
    }
    word = (word ?? '') + c;
  }
  endCommand();
  return commands;
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
  for (const line of joinContinuations(text).split('\n')) {
    for (const tokens of shellCommands(line)) {
      const d = tokens.indexOf('docker');
      if (d >= 0) {
        let rest = tokens.slice(d + 1);
        if (rest[0] === 'container' || rest[0] === 'image') rest = rest.slice(1);
        const verb = rest[0];
        if (verb === 'run' || verb === 'create' || verb === 'pull') {
          const image = imageAfterOptions(rest.slice(1));
          if (image && !image.startsWith('$')) found.push(image);
        }
      }
      const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(tokens.join(' '));
      if (from?.[1] && !from[1].startsWith('$')) found.push(from[1]);
    }
  }
  return found;
}

/** Options of `docker import`/`docker commit` that take a value. */
const IMPORT_COMMIT_VALUE_OPTIONS = new Set(['-c', '--change', '-m', '--message', '-a', '--author', '--platform']);

/** The REPOSITORY[:TAG] of `docker import FILE X` or `docker commit CONTAINER X`: the second word that is no option. */
function importedOrCommitted(tokens: string[]): string | undefined {
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
    for (const tokens of shellCommands(line)) {
      const image = importedOrCommitted(tokens);
      if (image) made.push(image);
    }
    for (const m of line.matchAll(/^FROM\s+(?:--platform=\S+\s+)?\S+\s+AS\s+(\S+)/gim)) made.push(m[1]!);
  }
  return made;
}
