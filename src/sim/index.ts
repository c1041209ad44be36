// The built-in PLUS 360 simulator: a real HTTPS server on 127.0.0.1 that behaves like a district's
// eSchoolPLUS PLUS 360 API, with knobs for everything the real server's behaviour leaves unknown.
//
// Order of answers: Date/Server headers and latency on everything; HAC sign-in page at / and
// /HomeAccess/Account/LogOn, IIS 404 page elsewhere outside /plus360api/; IIS 404 for the API when
// not installed; JSON 404 for unknown routes (before auth); then OAuth checks in the order
// parameters, signature method, consumer key, timestamp, nonce, signature, profile active;
// then the subscription; then the records.

import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEMO_KEY, DEMO_SECRET, PRESETS, defaultConfig, typo, type SimConfig } from './config.js';
import { piiValues } from './data.js';
import { createHandler, type SimRequestLog, type SimState } from './server.js';
import { makeCertificate } from './tls.js';

export { DEMO_SECRET, PRESETS, RESOURCES } from './config.js';
export type { Preset, Resource, SimConfig } from './config.js';
export type { SimRequestLog } from './server.js';

export interface RunningSimulator {
  baseUrl: string;
  origin: string;
  vendorKey: string;
  vendorSecret: string;
  caPem: string;
  config: SimConfig;
  setConfig(patch: Partial<SimConfig>): void;
  requests: SimRequestLog[];
  piiValues(): string[];
  close(): Promise<void>;
}

export interface StartOptions {
  preset?: string;
  config?: Partial<SimConfig>;
  port?: number;
  secret?: string;
}

export async function startSimulator(opts: StartOptions = {}): Promise<RunningSimulator> {
  const preset = opts.preset === undefined ? undefined : PRESETS[opts.preset];
  if (opts.preset !== undefined && !preset) {
    throw new Error(`Unknown simulator preset "${opts.preset}". Known presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  const config: SimConfig = structuredClone({
    ...defaultConfig(),
    ...(opts.secret !== undefined ? { consumerSecret: opts.secret } : {}),
    ...preset?.config,
    ...opts.config,
  });
  // Presets that hand the vendor different credentials keep them different from whatever
  // the server was given, so wrong-secret stays wrong with a custom secret too.
  const vendorSecret =
    preset?.vendorSecret === undefined
      ? config.consumerSecret
      : config.consumerSecret === DEMO_SECRET
        ? preset.vendorSecret
        : typo(config.consumerSecret);
  const vendorKey =
    preset?.vendorKey === undefined
      ? config.consumerKey
      : config.consumerKey === DEMO_KEY
        ? preset.vendorKey
        : typo(config.consumerKey);

  const { key, cert } = await makeCertificate();
  const state: SimState = { config, requests: [], nonces: new Map(), timers: new Set() };
  const server = createServer({ key, cert }, createHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    get baseUrl() {
      return `${origin}/plus360api/v1/${state.config.code}/`;
    },
    origin,
    vendorKey,
    vendorSecret,
    caPem: cert,
    config,
    setConfig(patch) {
      Object.assign(config, structuredClone(patch));
    },
    requests: state.requests,
    piiValues: () => piiValues(config),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of state.timers) clearTimeout(t);
        state.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
