import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import between two project files, as paths relative to the project root (posix separators). */
export interface ImportEdge {
  from: string;
  to: string;
  /** The specifier as written, for the error message. */
  specifier: string;
}

/** One import of an npm package (or a node: builtin) by a project file. */
export interface PackageImport {
  from: string;
  pkg: string;
}

const SKIP_DIRS = new Set(['node_modules', '.next', '.git', 'data', 'test-results', 'public', 'lessons']);
const SOURCE = /\.(ts|tsx|mjs)$/;
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.mjs', '/index.ts', '/index.tsx'];

function sourceFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(root, full, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

function resolveProjectFile(root: string, from: string, specifier: string): string | undefined {
  const base = specifier.startsWith('@/') ? specifier.slice(2) : posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = base + suffix;
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every import in the project's TypeScript, found by the compiler's own
 * pre-processor (static imports, re-exports, `import()` and `import type`
 * alike), split into project edges and package imports.
 */
export function readImportGraph(root: string): { files: string[]; edges: ImportEdge[]; packages: PackageImport[]; unresolved: ImportEdge[] } {
  const files = sourceFiles(root).sort();
  const edges: ImportEdge[] = [];
  const packages: PackageImport[] = [];
  const unresolved: ImportEdge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(join(root, from), 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (specifier.startsWith('.') || specifier.startsWith('@/')) {
        const to = resolveProjectFile(root, from, specifier);
        if (to) edges.push({ from, to, specifier });
        else unresolved.push({ from, to: '', specifier });
      } else {
        const parts = specifier.split('/');
        packages.push({ from, pkg: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! });
      }
    }
  }
  return { files, edges, packages, unresolved };
}

export const folderOf = (file: string): string => dirname(file);
