import { DockerfileParser, From, ModifiableInstruction, type Instruction as AstInstruction } from 'dockerfile-ast';

/**
 * What the Dockerfile rules read from a learner's Dockerfile: instructions
 * with the line each starts on, grouped into build stages, so every rule can
 * say "line 7: …". The parsing is dockerfile-ast's (the parser behind VS
 * Code's Dockerfile support): parser directives (`# escape=`), line
 * continuations with comments inside them, heredocs, flags, FROM's image and
 * stage name, ARG's name and default. This module only shapes its answer for
 * the rules; it does not evaluate the build.
 */
export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, CMD… */
  keyword: string;
  /**
   * Everything after the keyword, flags included, continuations joined with a
   * space; comment lines inside a continuation and heredoc bodies left out.
   */
  args: string;
  /** 1-based line the instruction starts on. */
  line: number;
  /** Flags before the arguments (`COPY --from=build` → from: "build"); a flag without a value is null. */
  flags: ReadonlyMap<string, string | null>;
}

export interface Stage {
  /** 0-based position among the FROM lines. */
  index: number;
  /** The FROM instruction that opens this stage. */
  from: Instruction;
  /** The image reference as written (before ARG substitution); '' when FROM names none. */
  base: string;
  /** `AS name`, lower-cased, if any. */
  name?: string;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** Instructions before the first FROM (ARG only, in a valid file). */
  preamble: Instruction[];
  /** Defaults of the ARGs before the first FROM, the only ones FROM can use (quotes removed). */
  globalArgs: ReadonlyMap<string, string>;
  stages: Stage[];
}

const BLANK_OR_COMMENT = /^\s*(#.*)?$/;

/**
 * The instruction's text after its keyword as one logical line: a line that
 * ends in the escape character continues on the next line that is not blank
 * or a comment (as BuildKit reads it); the first line that does not continue
 * ends it, so the heredoc bodies that follow are not part of it.
 */
function argumentText(lines: readonly string[], instruction: AstInstruction, escape: string): string {
  const start = instruction.getInstructionRange().end;
  const end = instruction.getRange().end;
  const raw = lines.slice(start.line, end.line + 1);
  raw[raw.length - 1] = raw.at(-1)!.slice(0, end.character);
  raw[0] = raw[0]!.slice(start.character);
  let logical = '';
  for (let i = 0; i < raw.length; i++) {
    const body = raw[i]!.replace(/\s+$/, '');
    if (!body.endsWith(escape)) {
      logical += body;
      break;
    }
    logical += `${body.slice(0, -1)} `;
    while (i + 1 < raw.length && BLANK_OR_COMMENT.test(raw[i + 1]!)) i++;
  }
  return logical.trim();
}

function flagsOf(instruction: AstInstruction): Map<string, string | null> {
  if (!(instruction instanceof ModifiableInstruction)) return new Map();
  return new Map(instruction.getFlags().map((flag) => [flag.getName(), flag.getValue()]));
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const source = text.replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const dockerfile = DockerfileParser.parse(source);
  const escape = dockerfile.getEscapeCharacter();
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const node of dockerfile.getInstructions()) {
    const instruction: Instruction = { keyword: node.getKeyword(), args: argumentText(lines, node, escape), line: node.getRange().start.line + 1, flags: flagsOf(node) };
    if (node instanceof From) {
      stages.push({ index: stages.length, from: instruction, base: node.getImage() ?? '', name: node.getBuildStage()?.toLowerCase(), instructions: [] });
    } else if (stages.length === 0) {
      preamble.push(instruction);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  const globalArgs = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    for (const property of arg.getProperties()) {
      const value = property.getValue();
      if (value !== null) globalArgs.set(property.getName(), value);
    }
  }
  return { preamble, globalArgs, stages };
}

/** True when CMD/ENTRYPOINT/RUN arguments are in exec (JSON array) form: the builder's own test, a JSON array of strings. */
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
