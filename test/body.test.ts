// Body classification and record counting, fed in small chunks so the streaming paths are used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseBody } from '../src/net/body.js';

async function* chunks(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const limits = (maxRecords = Infinity) => ({ maxRecords, maxBytes: 1e9, deadline: Date.now() + 10_000 });

test('bare array: counts records and hands each to the visitor', async () => {
  const seen: unknown[] = [];
  const s = await analyseBody(chunks('[{"a":1,"b":{"c":"x"}},{"a":2},{"a":3}]'), 'application/json', limits(), (r) => seen.push(r));
  assert.equal(s.kind, 'json-array');
  assert.equal(s.records, 3);
  assert.equal(s.complete, true);
  assert.deepEqual(seen[0], { a: 1, b: { c: 'x' } });
  assert.deepEqual(s.fields.sort(), ['a', 'b']);
});

test('wrapper objects, including an empty array before the records and a nested wrapper', async () => {
  const a = await analyseBody(chunks('{"totalCount":2,"data":[{"x":1},{"x":2}]}'), '', limits());
  assert.deepEqual([a.kind, a.records, a.wrapperKey], ['json-wrapper', 2, 'data']);
  const b = await analyseBody(chunks('{"errors":[],"result":{"students":[{"x":1}]}}'), '', limits());
  assert.deepEqual([b.kind, b.records, b.wrapperKey], ['json-wrapper', 1, 'students']);
  const c = await analyseBody(chunks('{"value":[]}'), '', limits());
  assert.equal(c.records, 0);
});

test('stops at the record cap without reading the rest', async () => {
  const big = '[' + Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`).join(',') + ']';
  const s = await analyseBody(chunks(big, 64), '', limits(10));
  assert.equal(s.records, 10);
  assert.equal(s.complete, false);
  assert.equal(s.cappedBy, 'records');
  assert.ok(s.bytes < big.length / 2);
});

test('HTML, XML, text and empty bodies are classified, with the page title', async () => {
  const h = await analyseBody(chunks('<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head></html>'), 'text/html', limits());
  assert.deepEqual([h.kind, h.htmlTitle], ['html', '404 - File or directory not found.']);
  assert.equal((await analyseBody(chunks('<?xml version="1.0"?><Error/>'), 'application/xml', limits())).kind, 'xml');
  assert.equal((await analyseBody(chunks('Bad Request'), 'text/plain', limits())).kind, 'text');
  assert.equal((await analyseBody(chunks(''), '', limits())).kind, 'empty');
  assert.equal((await analyseBody(chunks('   \n '), '', limits())).kind, 'empty');
});

test('truncated and invalid JSON are reported, not thrown', async () => {
  const t = await analyseBody(chunks('[{"a":1},{"a":'), '', limits());
  assert.equal(t.kind, 'invalid-json');
  assert.equal(t.records, 1);
  const i = await analyseBody(chunks('[{"a":1},}'), '', limits());
  assert.equal(i.kind, 'invalid-json');
});

test('a single object is one record', async () => {
  const s = await analyseBody(chunks('{"SchoolId":"001","Name":"x"}'), '', limits());
  assert.deepEqual([s.kind, s.records], ['json-object', 1]);
});

test('a connection failure mid-body is passed on, not mistaken for bad JSON', async () => {
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('[{"a":1},');
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  }
  await assert.rejects(analyseBody(broken(), '', limits()), /socket hang up/);
});

test('an array of strings or numbers in a wrapper is not mistaken for the records', async () => {
  const a = await analyseBody(chunks('{"meta":{"warnings":["x","y"]},"students":[{"id":1},{"id":2}]}'), '', limits());
  assert.deepEqual([a.kind, a.records, a.wrapperKey], ['json-wrapper', 2, 'students']);
  const b = await analyseBody(chunks('{"ids":[1,2,3],"grid":[[1],[2]],"data":{"items":[{"id":1}]}}'), '', limits());
  assert.deepEqual([b.kind, b.records, b.wrapperKey], ['json-wrapper', 1, 'items']);
  const c = await analyseBody(chunks('{"tags":["a"]}'), '', limits());
  assert.deepEqual([c.kind, c.records], ['json-object', 1]);
});
