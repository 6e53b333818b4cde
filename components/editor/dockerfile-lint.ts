import { validate } from 'dockerfile-utils';

/** One problem of a Dockerfile, as offsets into its text (what CodeMirror's lint and the problem list take). */
export interface DockerfileProblem {
  from: number;
  to: number;
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/**
 * Lints a Dockerfile in the browser with dockerfile-utils (Remy Suen's, the
 * one behind VS Code's Docker language server; built on dockerfile-ast, the
 * parser the grader uses): unknown instructions, missing arguments, bad flags,
 * a first instruction that is not FROM, and the like. No server round trip.
 */
export function lintDockerfile(text: string): DockerfileProblem[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (position: { line: number; character: number }) => Math.min(text.length, (lineStarts[position.line] ?? text.length) + position.character);
  return validate(text).map((d) => {
    const from = offset(d.range.start);
    return {
      from,
      to: Math.max(from, offset(d.range.end)),
      line: d.range.start.line + 1,
      severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
      message: typeof d.message === 'string' ? d.message : d.message.value,
    };
  });
}

/** Whether a path names a Dockerfile (Dockerfile, Containerfile, x.Dockerfile, Dockerfile.dev). */
export function isDockerfile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return /^(dockerfile|containerfile)(\..+)?$/.test(name) || name.endsWith('.dockerfile');
}
