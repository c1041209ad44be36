// The one redaction layer: every byte written to stdout or stderr passes through here, so a
// secret cannot leak through any path (our text, JSON, a library's error message, a trace).
import { percentEncode } from './oauth/sign.js';

const secrets = new Set<string>();
const MASK = '[secret hidden]';

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  for (const v of [value, value.trim(), encodeURIComponent(value), percentEncode(value), JSON.stringify(value).slice(1, -1)]) {
    if (v.length >= 4) secrets.add(v);
  }
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

let installed = false;

/** Wraps process.stdout/stderr.write once per process. */
export function installRedaction(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (secrets.size === 0) return original(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
      return original(redact(text), ...rest);
    }) as typeof stream.write;
  }
}
