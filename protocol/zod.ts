import { z } from 'zod';

/**
 * zod as protocol/ uses it. In a browser it runs without its JIT: the JIT
 * compiles parsers with `new Function`, which the site's Content-Security-
 * Policy (no 'unsafe-eval') forbids, and even zod's probe for it shows up as
 * a CSP violation. Set here because zod decides when a schema is defined, so
 * this must run before the first one. Servers keep the JIT.
 */
if ('document' in globalThis) z.config({ jitless: true });

export { z };
