/**
 * A Dockerfile reader for grading: turns the text a learner wrote into
 * instructions with the line each one starts on, so every rule can say
 * "line 7: …". It follows the parts of the Dockerfile syntax that change
 * what an instruction is — the `escape` parser directive, line continuations,
 * comment lines inside continuations, heredocs — and nothing more; it does not
 * evaluate the build.
 */
export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, CMD… */
  keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  args: string;
  /** 1-based line the instruction starts on. */
  line: number;
}

export interface Stage {
  /** 0-based position among the FROM lines. */
  index: number;
  /** The FROM instruction that opens this stage. */
  from: Instruction;
  /** The image reference as written (before ARG substitution). */
  base: string;
  /** `AS name`, lower-cased, if any. */
  name?: string;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** Instructions before the first FROM (ARG only, in a valid file). */
  preamble: Instruction[];
  stages: Stage[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

/** Reads the `# escape=` directive; directives are only valid before any other line. */
function escapeCharOf(lines: string[]): string {
  for (const line of lines) {
    const match = DIRECTIVE.exec(line.trim());
    if (!match) break;
    if (match[1]?.toLowerCase() === 'escape' && (match[2] === '`' || match[2] === '\\')) return match[2];
  }
  return '\\';
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const escape = escapeCharOf(lines);
  const instructions: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] ?? '';
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const startLine = i + 1;
    let logical = '';
    let current = raw;
    // Join continuation lines; comment and blank lines inside a continuation are dropped (as BuildKit does).
    for (;;) {
      const body = current.replace(/\s+$/, '');
      if (body.endsWith(escape)) {
        logical += `${body.slice(0, -1)} `;
        i++;
        while (i < lines.length && /^\s*(#.*)?$/.test(lines[i] ?? '')) i++;
        if (i >= lines.length) break;
        current = lines[i] ?? '';
        continue;
      }
      logical += body;
      i++;
      break;
    }
    // Heredoc bodies (RUN <<EOF … EOF) belong to the instruction, not to the file's instructions.
    for (const match of logical.matchAll(HEREDOC)) {
      const terminator = match[2] ?? '';
      while (i < lines.length && (lines[i] ?? '').replace(/^\t+/, '') !== terminator) i++;
      i++;
    }
    const keywordMatch = /^\s*([A-Za-z]+)\s*(.*)$/.exec(logical);
    if (!keywordMatch) continue;
    instructions.push({ keyword: (keywordMatch[1] ?? '').toUpperCase(), args: (keywordMatch[2] ?? '').trim(), line: startLine });
  }

  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({
        index: stages.length,
        from: instruction,
        base: words[0] ?? '',
        name: asAt >= 0 ? words[asAt + 1]?.toLowerCase() : undefined,
        instructions: [],
      });
    } else if (stages.length === 0) {
      preamble.push(instruction);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { preamble, stages };
}

/** True when CMD/ENTRYPOINT/RUN arguments are in exec (JSON array) form. */
export function isExecForm(args: string): boolean {
  if (!args.startsWith('[')) return false;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string');
  } catch {
    return false;
  }
}

/**
 * USER (in a Dockerfile, and an image's Config.User) is "user[:group]"; only
 * the user part decides who the process runs as (USER 0:10001 is root). An
 * image with no USER runs as root.
 */
export function isRootUser(user: string): boolean {
  return ['', 'root', '0'].includes(user.split(':')[0]!.trim());
}
