import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './helpers.js';
import { sign, parseQuery, splitUrl, percentEncode, type Pair } from '../src/oauth/sign.js';
import type { SignatureMethod } from '../src/types.js';

interface Vector {
  id: string;
  method: string;
  url: string;
  params: Pair[];
  bodyParams: Pair[] | null;
  consumerKey: string;
  consumerSecret: string;
  token: string | null;
  tokenSecret: string | null;
  realm: string | null;
  callback: string | null;
  nonce: string;
  timestamp: string;
  signatureMethod: SignatureMethod;
  expectedBaseString: string;
  expectedSignature: string;
  expectedAuthorizationHeader: string;
}

const localPath = resolve(ROOT, 'test/vectors/oauth1-signing.json');
const sharedPath = resolve(ROOT, '../shared/vectors/oauth1-signing.json');
const vectors: Vector[] = JSON.parse(readFileSync(localPath, 'utf8'));

test('the committed vectors are the shared ones (when shared/ is beside the checkout)', (t) => {
  if (!existsSync(sharedPath)) return t.skip('no ../shared beside this checkout');
  assert.deepEqual(JSON.parse(readFileSync(sharedPath, 'utf8')), vectors);
});

test('vector file has GET and POST cases', () => {
  assert.ok(vectors.length >= 20);
  assert.ok(vectors.some((v) => v.method === 'POST'));
  assert.ok(vectors.some((v) => v.signatureMethod === 'HMAC-SHA256'));
});

for (const v of vectors) {
  test(`signing vector ${v.id}`, () => {
    const out = sign({
      method: v.method,
      url: v.url,
      consumerKey: v.consumerKey,
      consumerSecret: v.consumerSecret,
      signatureMethod: v.signatureMethod,
      nonce: v.nonce,
      timestamp: v.timestamp,
      token: v.token,
      tokenSecret: v.tokenSecret,
      realm: v.realm,
      callback: v.callback,
      bodyPairs: v.bodyParams ?? [],
    });
    assert.equal(out.baseString, v.expectedBaseString);
    assert.equal(out.signature, v.expectedSignature);
    assert.equal(out.authorizationHeader, v.expectedAuthorizationHeader);
    // What is sent carries exactly the pairs that were signed.
    const { query } = splitUrl(out.requestUrl);
    assert.deepEqual(parseQuery(query), v.params);
    assert.ok(!out.authorizationHeader.includes(v.consumerSecret));
  });
}

test('percentEncode leaves only unreserved characters', () => {
  assert.equal(percentEncode("it's (a) *test*!~-._"), 'it%27s%20%28a%29%20%2Atest%2A%21~-._');
  assert.equal(percentEncode('ブ'), '%E3%83%96');
});

test('splitUrl drops default port, fragment and lower-cases the host but keeps the path verbatim', () => {
  assert.deepEqual(splitUrl('HTTPS://HAC.District.ORG:443/Plus360api/v1/A%20b/?x=1#frag'), {
    baseUri: 'https://hac.district.org/Plus360api/v1/A%20b/',
    query: '?x=1',
  });
  assert.equal(splitUrl('https://h.example:8443').baseUri, 'https://h.example:8443/');
});
