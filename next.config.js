/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native or Node-only modules used by server code; never bundled.
  serverExternalPackages: ['better-sqlite3', 'dockerode', 'ssh2', 'cpu-features'],
};

export default nextConfig;
