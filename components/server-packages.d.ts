/**
 * The server's npm packages as browser code sees them (components/tsconfig.json
 * maps their names here): nothing to import. An import of one fails to
 * compile, and their types cannot bring Node's types into the browser program
 * (@types/better-sqlite3, dockerode, ws and tar-stream reference them), which
 * would let a Node built-in or a server module compile here unnoticed.
 */
declare const serverPackage: unique symbol;
export { serverPackage as notForTheBrowser };
