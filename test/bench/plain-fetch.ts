// The baseline the bench compares `dob-check --all` with: one signed GET, the whole body as text,
// JSON.parse, count records with a BirthDate. What a straightforward importer would do.
import { randomBytes } from 'node:crypto';
import { request, Agent } from 'undici';
import { sign } from '../../src/oauth/sign.js';

const [url, caFile] = process.argv.slice(2) as [string, string];
const { readFileSync } = await import('node:fs');
const { rootCertificates } = await import('node:tls');
const started = performance.now();
const s = sign({
  method: 'GET',
  url,
  consumerKey: process.env.ESP_CONSUMER_KEY!,
  consumerSecret: process.env.ESP_CONSUMER_SECRET!,
  signatureMethod: 'HMAC-SHA1',
  nonce: randomBytes(12).toString('hex'),
  timestamp: String(Math.floor(Date.now() / 1000)),
});
const dispatcher = new Agent({ connect: { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } });
const res = await request(s.requestUrl, { headers: { authorization: s.authorizationHeader, accept: 'application/json' }, dispatcher });
const text = await res.body.text();
const records = JSON.parse(text) as Array<Record<string, unknown>>;
let withValue = 0;
for (const r of records) if (typeof r.BirthDate === 'string' && r.BirthDate !== '') withValue++;
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ status: res.statusCode, records: records.length, withValue, ms: Math.round(ms), maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
await dispatcher.close();
