// What the walk-through already knows from flags and environment (never asked again), and the
// Inputs a Session needs, with the same hygiene rules as every other command.
import type { CommonFlags } from '../commands/common.js';
import { cleanValue, crossChecks, nonEmpty, type Field, type HygieneIssue } from '../inputs.js';
import { registerSecret } from '../redact.js';
import type { Inputs } from '../session.js';

export interface Raw {
  url?: string;
  key?: string;
  secret?: string;
  /** Where each given value came from, to say so instead of asking. */
  from: Partial<Record<'url' | 'key' | 'secret', string>>;
}

export function rawFromFlags(f: CommonFlags, env: NodeJS.ProcessEnv = process.env): Raw {
  const raw: Raw = { from: {} };
  const pick = (k: 'url' | 'key' | 'secret', pairs: Array<[string | undefined, string]>) => {
    for (const [v, source] of pairs) {
      if (nonEmpty(v) === undefined) continue;
      raw[k] = v;
      raw.from[k] = source;
      return;
    }
  };
  pick('url', [[f.baseUrl, '--base-url'], [env.ESP_BASE_URL, 'ESP_BASE_URL']]);
  pick('key', [[f.consumerKey, '--consumer-key'], [env.ESP_CONSUMER_KEY, 'ESP_CONSUMER_KEY']]);
  pick('secret', [[env.ESP_CONSUMER_SECRET, 'ESP_CONSUMER_SECRET'], [f.consumerSecret, '--consumer-secret']]);
  registerSecret(raw.secret);
  return raw;
}

export function buildInputs(raw: Raw): Inputs {
  const hygiene: HygieneIssue[] = [];
  const clean = (field: Field, v: string | undefined) => {
    if (v === undefined) return '';
    const r = cleanValue(field, v);
    // The URL rules report white space inside the URL themselves; only its ends are hygiene here.
    hygiene.push(...r.issues.filter((i) => field !== 'baseUrl' || !/contains/.test(i.problem)));
    return r.value;
  };
  const inputs: Inputs = {
    baseUrl: clean('baseUrl', raw.url),
    consumerKey: clean('consumerKey', raw.key),
    consumerSecret: clean('consumerSecret', raw.secret),
    hygiene,
  };
  registerSecret(raw.secret);
  registerSecret(inputs.consumerSecret);
  if (inputs.consumerKey && inputs.consumerSecret) hygiene.push(...crossChecks(inputs.consumerKey, inputs.consumerSecret));
  return inputs;
}
