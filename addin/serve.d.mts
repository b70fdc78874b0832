/** Types of serve.mjs (plain JavaScript so `node addin/serve.mjs` runs without a build step). */
export function devCertificate(): { cert: Buffer; key: Buffer; path?: string };
export function serveAddin(options?: {
  dir?: string;
  port?: number;
  host?: string;
  http?: boolean;
}): Promise<{ url: string; port: number; close: () => Promise<void> }>;
