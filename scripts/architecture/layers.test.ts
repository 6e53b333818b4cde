import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { folderOf, readImportGraph } from './import-graph';
import { isTestCode, layerOf, mayImport, mayUsePackage } from './layers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const graph = readImportGraph(root);
const production = (file: string) => !isTestCode(file);

describe('architecture: the layers hold (scripts/architecture/layers.ts)', () => {
  it('every import resolves to a project file', () => {
    assert.deepEqual(graph.unresolved.map((e) => `${e.from}: '${e.specifier}'`), []);
  });

  it('every production file is in a layer', () => {
    const homeless = graph.files.filter(production).filter((f) => !layerOf(f) && f.includes('/'));
    assert.deepEqual(homeless, []);
  });

  it('production code imports only the layers its layer may, and no test code', () => {
    const wrong = graph.edges
      .filter((e) => production(e.from))
      .filter((e) => isTestCode(e.to) || !mayImport(e.from, e.to))
      .map((e) => `${e.from} (${layerOf(e.from)?.folder}) imports ${e.to} (${isTestCode(e.to) ? 'test code' : layerOf(e.to)?.folder})`);
    assert.deepEqual(wrong, []);
  });

  it('reserved packages and Node built-ins are used only where allowed', () => {
    const wrong = graph.packages.filter((p) => production(p.from) && !mayUsePackage(p.from, p.pkg)).map((p) => `${p.from} imports ${p.pkg}`);
    assert.deepEqual(wrong, []);
  });

  it('no folder imports a folder that imports it back, at any depth', () => {
    const folderEdges = new Map<string, Set<string>>();
    for (const e of graph.edges.filter((x) => production(x.from) && production(x.to))) {
      // Compare the two files' folders at every depth where they differ: a/b/c -> a/d is a/b -> a/d.
      const a = folderOf(e.from).split('/');
      const b = folderOf(e.to).split('/');
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      if (i === a.length && i === b.length) continue; // same folder
      // Where one folder holds the other, the outer folder's own files count as a sibling named ".": a/b/x -> a/y is a/b -> a/.
      const from = i < a.length ? a.slice(0, i + 1).join('/') : `${a.join('/')}/.`;
      const to = i < b.length ? b.slice(0, i + 1).join('/') : `${b.join('/')}/.`;
      (folderEdges.get(from) ?? folderEdges.set(from, new Set()).get(from)!).add(to);
    }
    const cycles: string[] = [];
    for (const [from, tos] of folderEdges) {
      for (const to of tos) {
        if (folderEdges.get(to)?.has(from) && from < to) cycles.push(`${from} <-> ${to}`);
      }
    }
    assert.deepEqual(cycles, []);
  });

  it('the rules catch a wrong import (the check itself works)', () => {
    assert.equal(mayImport('components/deck/Deck.tsx', 'platform/platform.ts'), false);
    assert.equal(mayImport('sandbox-server/src/engine/driver.ts', 'sandbox-server/src/sessions/session-manager.ts'), false);
    assert.equal(mayImport('platform/platform.ts', 'sandbox-server/src/sandbox-service.ts'), true);
    assert.equal(mayUsePackage('platform/classroom/class-runtime.ts', 'dockerode'), false);
    assert.equal(mayUsePackage('components/terminal/TerminalPane.tsx', 'node:fs'), false);
  });
});
