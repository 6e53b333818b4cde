/**
 * The layers of Drydock and which may import which (ARCHITECTURE.md draws
 * them). `npm test` checks every production import against this table
 * (layers.test.ts); test code (tests, e2e/, test/ folders, scripts/) may
 * import anything, and production code may import no test code.
 *
 * A file belongs to the layer with the longest folder that contains it.
 * A layer may import itself, the layers in its `may` list, and the npm
 * packages that no rule below reserves for another layer.
 */
export interface Layer {
  folder: string;
  /** What it is, in the words a newcomer would look for. */
  role: string;
  may: string[];
}

const LIB_BASE = ['lib/config', 'lib/logging', 'lib/lifecycle'];
const SANDBOX_CORE = ['sandbox-server/src/engine', 'sandbox-server/src/config'];

export const LAYERS: Layer[] = [
  { folder: 'protocol', role: 'wire protocol: WebSocket frames, HTTP and SSE bodies, as zod schemas both sides parse', may: [] },
  { folder: 'lib/lifecycle', role: 'disposables: the one way timers, listeners, streams and sockets are released', may: [] },
  { folder: 'lib/config', role: 'the data folder and environment settings', may: ['lib/lifecycle'] },
  { folder: 'lib/logging', role: 'the logger interface', may: ['lib/lifecycle'] },
  { folder: 'lib/image-reference', role: 'the one parser of Docker image references', may: ['lib/lifecycle'] },
  { folder: 'lib/identity', role: 'signed learner identity', may: ['lib/lifecycle'] },
  { folder: 'lib/web-guards', role: 'request guards shared by HTTP and the WebSocket upgrade: hosts, origin, client addresses, rate limits', may: [...LIB_BASE] },
  { folder: 'lib/lesson-format', role: 'the lesson format: schema, parser, lint, renderer, loader and its one cache', may: ['protocol', 'lib/image-reference', ...LIB_BASE] },
  { folder: 'lib/store', role: 'the SQLite store: learners, progress, classes, grades', may: ['protocol', ...LIB_BASE] },
  { folder: 'sandbox-server/src/engine', role: 'the sandbox engine seam: the driver interface, and Docker behind it', may: ['protocol', ...LIB_BASE] },
  { folder: 'sandbox-server/src/config', role: "the sandbox server's settings and capacity", may: ['sandbox-server/src/engine', ...LIB_BASE] },
  { folder: 'sandbox-server/src/terminal', role: "the terminal path: a session's byte stream, flow control, batching, replay", may: ['protocol', ...SANDBOX_CORE, ...LIB_BASE] },
  { folder: 'sandbox-server/src/registry', role: 'the class registry mirror and its per-learner logins', may: ['lib/image-reference', ...SANDBOX_CORE, ...LIB_BASE] },
  { folder: 'sandbox-server/src/sessions', role: 'sessions: create, attach, reap, warm pool, admission', may: ['protocol', 'sandbox-server/src/terminal', 'sandbox-server/src/registry', ...SANDBOX_CORE, ...LIB_BASE] },
  { folder: 'sandbox-server/src/grading', role: 'grading: checks run from outside the learner shell', may: ['protocol', 'lib/lesson-format', 'lib/image-reference', ...SANDBOX_CORE, ...LIB_BASE] },
  {
    folder: 'sandbox-server/src/websocket',
    role: 'the WebSocket edge: upgrade, authentication, one socket per terminal',
    may: ['protocol', 'lib/identity', 'lib/web-guards', 'sandbox-server/src/sessions', 'sandbox-server/src/terminal', ...SANDBOX_CORE, ...LIB_BASE],
  },
  {
    folder: 'sandbox-server/src',
    role: 'the sandbox server assembled (runnable on its own)',
    may: ['protocol', 'lib/identity', 'lib/web-guards', ...LIB_BASE, ...['engine', 'config', 'terminal', 'registry', 'sessions', 'grading', 'websocket'].map((f) => `sandbox-server/src/${f}`)],
  },
  {
    folder: 'platform',
    role: 'composition root: the one-port platform, its HTTP layer, the classroom runtime',
    may: ['protocol', 'lib', 'sandbox-server/src'],
  },
  { folder: 'components', role: 'browser code: React components and their clients', may: ['protocol', 'lib/lifecycle'] },
  { folder: 'app', role: 'Next.js pages (server components)', may: ['components', 'platform/pages', 'lib/lesson-format', 'lib/store', 'protocol', 'lib/lifecycle'] },
];

/** npm packages only one layer may use (its folder, or a folder inside it). */
export const RESERVED_PACKAGES: Record<string, string[]> = {
  dockerode: ['sandbox-server/src/engine'],
  'tar-stream': ['sandbox-server/src/engine'],
  'better-sqlite3': ['lib/store'],
  ws: ['sandbox-server/src/websocket'],
  'next/headers': ['platform/pages', 'app'],
};

/** Layers that run in the browser or in both: no Node built-ins. */
export const NO_NODE_BUILTINS = ['protocol', 'components', 'lib/lifecycle'];

export function isTestCode(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || file.startsWith('e2e/') || file.startsWith('scripts/') || file.includes('/test/');
}

const inside = (file: string, folder: string): boolean => file === folder || file.startsWith(`${folder}/`);

export function layerOf(file: string): Layer | undefined {
  let best: Layer | undefined;
  for (const layer of LAYERS) if (inside(file, layer.folder) && (!best || layer.folder.length > best.folder.length)) best = layer;
  return best;
}

/** Whether `from`'s layer may import `to` (both project files). */
export function mayImport(from: string, to: string): boolean {
  const source = layerOf(from);
  const target = layerOf(to);
  if (!source || !target) return false;
  if (source === target) return true;
  return source.may.some((folder) => inside(to, folder));
}

export function mayUsePackage(from: string, pkg: string): boolean {
  if (pkg.startsWith('node:') && NO_NODE_BUILTINS.some((f) => inside(from, f))) return false;
  const owners = RESERVED_PACKAGES[pkg];
  return !owners || owners.some((folder) => inside(from, folder));
}

export { inside as isInside };
