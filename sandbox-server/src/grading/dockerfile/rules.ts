import { ImageReferenceError, isPinned, parseImageReference, type ImageReference } from '../../../../lib/image-reference/image-reference';
import type { DockerfileRule } from '../../../../lib/lesson-format/schema';
import { isExecForm, isRootUser, parseDockerfile, type ParsedDockerfile, type Stage } from './parse';

/** One broken rule, at the line that breaks it. */
export interface RuleViolation {
  rule: DockerfileRule;
  line: number;
  /** "expected …; found …" in the learner's terms, without the line number. */
  message: string;
}

type RuleCheck = (file: ParsedDockerfile) => RuleViolation[];

const substitute = (text: string, args: ReadonlyMap<string, string>): string =>
  text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, bare?: string) => args.get(braced ?? bare ?? '') ?? whole);

/** The reference, or null when it is none: a base the engine would refuse fails the build by itself, and this rule judges pinning only. */
function referenceOrNull(text: string): ImageReference | null {
  try {
    return parseImageReference(text);
  } catch (error) {
    if (error instanceof ImageReferenceError) return null;
    throw error;
  }
}

const finalStage = (file: ParsedDockerfile): Stage | undefined => file.stages.at(-1);

const words = (args: string): string[] => {
  if (args.startsWith('[')) {
    try {
      const value: unknown = JSON.parse(args);
      if (Array.isArray(value)) return value.map(String);
    } catch {
      /* not JSON: fall through to whitespace splitting */
    }
  }
  return args.split(/\s+/).filter(Boolean);
};

const multiStage: RuleCheck = (file) => {
  const last = finalStage(file);
  if (!last) return [];
  if (file.stages.length < 2) {
    return [{ rule: 'multiStage', line: last.from.line, message: 'expected a multi-stage build (a build stage, then a final stage that copies from it); found a single FROM' }];
  }
  const copiesFromStage = last.instructions.some((i) => i.keyword === 'COPY' && Boolean(i.flags.get('from')));
  return copiesFromStage
    ? []
    : [{ rule: 'multiStage', line: last.from.line, message: `expected the final stage to COPY --from=<an earlier stage>; found ${file.stages.length} stages but the final one copies nothing from them` }];
};

const pinnedBaseTag: RuleCheck = (file) => {
  const args = file.globalArgs;
  const stageNames = new Set<string>();
  const violations: RuleViolation[] = [];
  for (const stage of file.stages) {
    const base = substitute(stage.base, args);
    const known = stageNames.has(base.toLowerCase());
    if (stage.name) stageNames.add(stage.name);
    if (known || base === 'scratch') continue;
    if (base.includes('$')) {
      violations.push({ rule: 'pinnedBaseTag', line: stage.from.line, message: `expected a base image with a pinned tag; found ${stage.base}, whose value has no default in an ARG before the first FROM` });
      continue;
    }
    const reference = referenceOrNull(base);
    if (!reference || isPinned(reference)) continue;
    if (reference.tag === '') violations.push({ rule: 'pinnedBaseTag', line: stage.from.line, message: `expected a pinned tag such as ${base}:1.36; found FROM ${base} with no tag (it means :latest, which changes under you)` });
    else violations.push({ rule: 'pinnedBaseTag', line: stage.from.line, message: `expected a pinned tag; found FROM ${base} (:latest changes under you)` });
  }
  return violations;
};

const nonRootUser: RuleCheck = (file) => {
  const last = finalStage(file);
  if (!last) return [];
  const users = last.instructions.filter((i) => i.keyword === 'USER');
  const user = users.at(-1);
  if (!user) return [{ rule: 'nonRootUser', line: last.from.line, message: 'expected a USER instruction in the final stage; found none, so the container runs as root' }];
  const spec = user.args.split(/\s+/)[0] ?? '';
  return spec !== '' && isRootUser(spec) ? [{ rule: 'nonRootUser', line: user.line, message: `expected the final USER to be an unprivileged user; found USER ${user.args}` }] : [];
};

const REMOTE = /^(https?:\/\/|git@|ssh:\/\/)/i;

const noRemoteAdd: RuleCheck = (file) =>
  file.stages.flatMap((stage) =>
    stage.instructions
      .filter((i) => i.keyword === 'ADD')
      .flatMap((i) => {
        const sources = words(i.args).filter((w) => !w.startsWith('--')).slice(0, -1);
        const remote = sources.find((s) => REMOTE.test(s));
        return remote
          ? [{ rule: 'noRemoteAdd' as const, line: i.line, message: `expected files from the build context (COPY), or a download you verify in a RUN step; found ADD of a remote URL: ${remote}` }]
          : [];
      }),
  );

const execFormCmd: RuleCheck = (file) => {
  const last = finalStage(file);
  if (!last) return [];
  return last.instructions
    .filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && !isExecForm(i.args))
    .map((i) => ({
      rule: 'execFormCmd' as const,
      line: i.line,
      message: `expected exec form, e.g. ${i.keyword} ${JSON.stringify(words(i.args))}; found shell form ${i.keyword} ${i.args} (it runs under /bin/sh -c, so your program is not PID 1 and misses signals)`,
    }));
};

const RULES: Record<DockerfileRule, RuleCheck> = { multiStage, pinnedBaseTag, nonRootUser, noRemoteAdd, execFormCmd };

/** Checks a Dockerfile's text against the given rules; violations in line order. */
export function checkDockerfile(text: string, rules: readonly DockerfileRule[]): RuleViolation[] {
  const file = parseDockerfile(text);
  if (file.stages.length === 0) return [{ rule: rules[0] ?? 'multiStage', line: 1, message: 'expected a Dockerfile; found no FROM instruction' }];
  return rules.flatMap((rule) => RULES[rule](file)).sort((a, b) => a.line - b.line);
}
