import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseUrl, suggestedCode } from '../src/checks/url-rules.js';

const KEY = 'OneRoster_ABC_123';

// [input, key, expected finding codes, effective URL (null = nothing sent), api blocked]
const TABLE: Array<[string, string | undefined, string[], string | null, boolean]> = [
  ['https://hac.district.org/plus360api/v1/abc/', KEY, [], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['HTTPS://HAC.District.org/PLUS360API/v1/abc/', KEY, [], 'https://hac.district.org/PLUS360API/v1/abc/', false],
  ['https://hac.district.org/PLUS360API/V1/ABC/', KEY, [], 'https://hac.district.org/PLUS360API/V1/ABC/', false],
  ['https://hac.district.org:443/plus360api/v1/abc/', KEY, [], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['https://hac.district.org:8443/esp/plus360api/v1/abc/', KEY, [], 'https://hac.district.org:8443/esp/plus360api/v1/abc/', false],
  ['http://hac.district.org/plus360api/v1/abc/', KEY, ['URL_NOT_HTTPS'], null, true],
  ['ftp://hac.district.org/plus360api/v1/abc/', KEY, ['URL_BAD_SHAPE'], null, true],
  ['https://hac.district.org/plus360api/v1/abc', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['https://hac.district.org/plus360api/v1/abc/?x=1', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['https://hac.district.org/plus360api/v1/abc/Student', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['https://hac.district.org/plus 360api/v1/abc/', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['hac.district.org/plus360api/v1/abc/', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['https://hac.district.org/', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/', true],
  ['https://hac.district.org/plus360api/', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/', true],
  ['https://hac.district.org/HomeAccess/Account/LogOn', KEY, ['URL_LOGIN_PAGE'], 'https://hac.district.org/HomeAccess/Account/LogOn/', true],
  ['https://esp.district.org/eSchoolPLUS/Account/LogOn?ReturnUrl=%2f', KEY, ['URL_BAD_SHAPE', 'URL_LOGIN_PAGE'], 'https://esp.district.org/eSchoolPLUS/Account/LogOn/', true],
  ['https://esp.district.org/TAC/', KEY, ['URL_LOGIN_PAGE'], 'https://esp.district.org/TAC/', true],
  ['https://hac.district.org/plus360api/v1/xyz/', KEY, ['URL_CODE_MISMATCH'], 'https://hac.district.org/plus360api/v1/xyz/', false],
  ['https://hac.district.org/plus360api/v1/ABC/', KEY, [], 'https://hac.district.org/plus360api/v1/ABC/', false],
  ['https://hac.district.org/plus360api/v1/xyz/', undefined, [], 'https://hac.district.org/plus360api/v1/xyz/', false],
  ['https://user:pw@hac.district.org/plus360api/v1/abc/', KEY, ['URL_BAD_SHAPE'], 'https://hac.district.org/plus360api/v1/abc/', false],
  ['', KEY, ['URL_BAD_SHAPE'], null, true],
  ['https://', KEY, ['URL_BAD_SHAPE'], null, true],
  ['not a url', KEY, ['URL_BAD_SHAPE'], 'https://notaurl/', true],
];

for (const [input, key, codes, effective, blocked] of TABLE) {
  test(`URL rules: ${JSON.stringify(input)}`, () => {
    const a = analyseUrl(input, key);
    assert.deepEqual([...new Set(a.findings.map((f) => f.code))].sort(), [...codes].sort());
    assert.equal(a.effective, effective);
    assert.equal(a.apiBlocked, blocked);
    for (const f of a.findings) assert.ok(f.fix.length > 10);
  });
}

test('a login page finding suggests the API base from the key', () => {
  const a = analyseUrl('https://hac.district.org/HomeAccess/Account/LogOn', KEY);
  assert.match(a.findings[0]!.fix, /https:\/\/hac\.district\.org\/plus360api\/v1\/abc\//);
});

test('code mismatch is a warning, not a failure', () => {
  const a = analyseUrl('https://hac.district.org/plus360api/v1/xyz/', KEY);
  assert.equal(a.findings[0]!.severity, 'warn');
});

test('Arkansas state hosting gets the June 30 note', () => {
  const a = analyseUrl('https://hac.sample.k12.ar.us/plus360api/v1/abc/', KEY);
  assert.ok(a.notes.some((n) => /June 30/.test(n)));
});

test('suggestedCode picks the district token of the key', () => {
  assert.equal(suggestedCode('OneRoster_ABC_123'), 'abc');
  assert.equal(suggestedCode('demo-district-key-7f3a'), 'demo');
  assert.equal(suggestedCode(undefined), 'abc');
});
