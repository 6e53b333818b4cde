/**
 * What a deck's code block becomes in a Drydock lesson: shell commands a
 * learner can run (```sh run), with a console transcript's output moved to a
 * ```text block of its own, or a display-only block in its language.
 */

/** A block to write into the lesson. `run` blocks are commands; the rest are shown only. */
export interface ConvertedBlock {
  kind: 'run' | 'display';
  lang: string;
  lines: string[];
  /** Output lines taken from a console transcript (a display block that follows a run block). */
  output?: boolean;
}

export interface CodeConversion {
  blocks: ConvertedBlock[];
  /** Why the block was not simply kept as it was, when that needs an author's look. */
  warning?: string;
}

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh', 'shell-session', 'shellsession', 'terminal']);

/** First words of a command line that the importer trusts to be commands. */
const COMMANDS = new Set(
  (
    'docker docker-compose podman nerdctl crictl ctr kubectl helm minikube kind k3d buildah skopeo dockerd containerd runc ' +
    'cd ls cat echo printf curl wget mkdir rm rmdir cp mv touch ln chmod chown grep egrep sed awk find head tail less more wc sort uniq tee xargs cut tr ' +
    'make git go npm npx node python python3 pip pip3 apt apt-get apk yum dnf ps kill pkill top id whoami uname hostname env export unset base64 ' +
    'tar gzip gunzip unzip zip ssh scp sleep time watch ip ifconfig ping nslookup dig nc netstat ss mount umount df du free sudo su sh bash source ' +
    'exit clear true false test which date jq yq openssl systemctl service journalctl vi vim nano pwd set alias read diff stat file tree dd seq ' +
    'basename dirname realpath readlink nohup exec eval wait cat nsenter unshare chroot ulimit useradd adduser groupadd getent lsns mkfifo'
  ).split(' '),
);
const KEYWORDS = /^(for|while|until|if|case|then|else|elif|do|done|fi|esac|function|\{|\}|\(|\))(\s|;|$)/;
const OPENS = /^(for|while|until|if|case)\b/;
const CLOSES = /^(done|fi|esac)\b/;
const DOCKERFILE = /^(FROM|RUN|CMD|LABEL|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL|MAINTAINER)\b/;
const PROMPT = /^\s*\$(?:\s(.*)|)$/;
const HEREDOC = /<<-?\s*['"]?(\w+)['"]?/;

/** Whether a line reads as a shell command: a known command first (after VAR=value and sudo), a path to a program, or shell syntax. */
export function looksLikeCommand(line: string): boolean {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return true;
  if (KEYWORDS.test(text)) return true;
  const words = text.split(/\s+/).filter((w) => !/^[A-Za-z_]\w*=/.test(w));
  const first = words[0] === 'sudo' ? words[1] : words[0];
  if (first === undefined) return /^[A-Za-z_]\w*=/.test(text);
  return COMMANDS.has(first) || /^\.{0,2}\/[\w./-]+$/.test(first);
}

function isDockerfile(lines: string[]): boolean {
  let continued = false;
  let instructions = 0;
  for (const line of lines) {
    const text = line.trim();
    const ok = text === '' || text.startsWith('#') || continued || DOCKERFILE.test(text);
    if (!ok) return false;
    if (DOCKERFILE.test(text) && !continued) instructions++;
    continued = text.endsWith('\\');
  }
  return instructions > 0;
}

/** Lines of a command: its first line, then continuation lines (`\`) and here-document bodies. */
function commandLength(lines: string[], start: number, stripContinuationPrompt: boolean): number {
  let i = start;
  const first = lines[i]!;
  const heredoc = HEREDOC.exec(first)?.[1];
  i++;
  if (heredoc) {
    while (i < lines.length && lines[i]!.trim() !== heredoc) i++;
    return Math.min(i + 1, lines.length) - start;
  }
  let previous = first;
  while (previous.trimEnd().endsWith('\\') && i < lines.length) {
    previous = stripContinuationPrompt ? lines[i]!.replace(/^\s*>\s?/, '') : lines[i]!;
    i++;
  }
  return i - start;
}

const trimBlank = (lines: string[]): string[] => {
  const out = [...lines];
  while (out.length > 0 && out[0]!.trim() === '') out.shift();
  while (out.length > 0 && out.at(-1)!.trim() === '') out.pop();
  return out;
};

/** Output groups, one blank line between the output of different commands. */
function joinGroups(groups: string[][]): string[] {
  return groups.filter((g) => trimBlank(g).length > 0).flatMap((g, i) => (i > 0 ? ['', ...trimBlank(g)] : trimBlank(g)));
}

function run(commands: string[], output: string[][]): ConvertedBlock[] {
  // Trailing spaces after a command are invisible on the slide and mean nothing to the shell.
  const lines = commands.filter((l) => l.trim() !== '').map((l) => l.trimEnd());
  const out = joinGroups(output);
  return [{ kind: 'run', lang: 'sh', lines }, ...(out.length > 0 ? [{ kind: 'display' as const, lang: 'text', lines: out, output: true }] : [])];
}

/** A console transcript: `$ ` lines are commands (with their continuations), `#` lines are comments, the rest is output. */
function fromTranscript(lines: string[]): ConvertedBlock[] {
  const commands: string[] = [];
  const output: string[][] = [];
  let i = 0;
  while (i < lines.length) {
    const prompt = PROMPT.exec(lines[i]!);
    if (prompt) {
      const stripped = [prompt[1] ?? '', ...lines.slice(i + 1)];
      const n = commandLength(stripped, 0, true);
      commands.push(...stripped.slice(0, n).map((l, k) => (k === 0 ? l : l.replace(/^\s*>\s?/, ''))));
      output.push([]);
      i += n;
      continue;
    }
    const text = lines[i]!;
    // A comment before a command belongs to the commands ("# delete the container"); one among output lines is output.
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    if (/^\s*#(?!!)/.test(text) && (next === undefined || PROMPT.test(next) || /^\s*#/.test(next))) commands.push(text.trim());
    else if (output.length > 0) output.at(-1)!.push(text);
    else output.push([text]);
    i++;
  }
  return run(commands, output);
}

/**
 * Splits prompt-less lines into leading commands and what follows. `rest` is
 * the index of the first line that is not a command (lines.length when all are).
 */
function leadingCommands(lines: string[]): number {
  let depth = 0;
  let i = 0;
  while (i < lines.length) {
    const text = lines[i]!.trim();
    const indentedBody = depth > 0 && /^\s/.test(lines[i]!);
    if (!indentedBody && !looksLikeCommand(lines[i]!)) return i;
    if (OPENS.test(text)) depth++;
    if (CLOSES.test(text)) depth = Math.max(0, depth - 1);
    i += commandLength(lines, i, false);
  }
  return lines.length;
}

/** Converts one fenced code block of a deck (its info string and its lines). */
export function convertCode(info: string, body: string[]): CodeConversion {
  const lang = (info.trim().split(/\s+/)[0] ?? '').toLowerCase();
  const lines = trimBlank(body);
  // Drydock reads an ```exercise block as a graded exercise; a deck's never is one.
  const shownLang = lang === 'exercise' ? 'text' : lang;
  if (!SHELL_LANGS.has(lang)) return { blocks: [{ kind: 'display', lang: shownLang, lines }] };
  if (lines.length === 0) return { blocks: [{ kind: 'display', lang: 'text', lines }] };
  if (isDockerfile(lines)) {
    return { blocks: [{ kind: 'display', lang: 'dockerfile', lines }], ...(lang ? { warning: `a \`\`\`${lang} block holds Dockerfile instructions, not commands: shown as a Dockerfile` } : {}) };
  }
  if (lines.some((l) => PROMPT.test(l))) return { blocks: fromTranscript(lines) };
  const commandsEnd = leadingCommands(lines);
  if (commandsEnd === lines.length) return { blocks: run(lines, []) };
  if (commandsEnd > 0 && leadingCommands(lines.slice(commandsEnd)) === 0 && !lines.slice(commandsEnd).some((l) => /^\s*docker\s/.test(l))) {
    return {
      blocks: run(lines.slice(0, commandsEnd), [lines.slice(commandsEnd)]),
      warning: `read as ${commandsEnd === 1 ? 'a command' : `${commandsEnd} command lines`} followed by its output (no "$ " prompts to tell them apart): check the split`,
    };
  }
  const kept = lang === 'console' || lang === '' ? 'text' : lang;
  return {
    blocks: [{ kind: 'display', lang: kept, lines }],
    ...(lang && lang !== 'console' ? { warning: `a \`\`\`${lang} block whose lines do not all look like commands: kept display-only` } : {}),
  };
}
