import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DobCounter, dobScore } from '../src/data/dob.js';

test('date-of-birth labels are recognised whatever the district calls them', () => {
  for (const k of ['BirthDate', 'birthdate', 'DateOfBirth', 'date_of_birth', 'DOB', 'dob', 'StudentDOB', 'Birth Date', 'BIRTH_DT', 'Birthday']) {
    assert.equal(dobScore(k), 2, k);
  }
  for (const k of ['BirthPlace', 'BirthCountry', 'BirthState', 'BirthCertificate', 'Doberman', 'Building', 'Grade']) {
    assert.ok(dobScore(k) < 2, k);
  }
});

test('counts present, empty and absent values; nested fields are found', () => {
  const c = new DobCounter();
  c.add({ Id: 1, Demographics: { BirthDate: '2012-03-04' } });
  c.add({ Id: 2, Demographics: { BirthDate: '' } });
  c.add({ Id: 3, Demographics: { BirthDate: null } });
  c.add({ Id: 4, Demographics: {} });
  assert.deepEqual(c.summary(), { status: 'partial', field: 'Demographics.BirthDate', checked: 4, withValue: 1 });
});

test('absent everywhere is missing with no field; empty everywhere is missing with the field', () => {
  const a = new DobCounter();
  a.add({ Id: 1 });
  assert.deepEqual(a.summary(), { status: 'missing', field: null, checked: 1, withValue: 0 });
  const b = new DobCounter();
  b.add({ DOB: null });
  b.add({ DOB: '  ' });
  assert.deepEqual(b.summary(), { status: 'missing', field: 'DOB', checked: 2, withValue: 0 });
});

test('masked samples keep only the year', () => {
  const c = new DobCounter();
  c.add({ BirthDate: '2011-07-19' });
  c.add({ BirthDate: '07/19/2011' });
  assert.deepEqual(c.maskedSamples(), ['2011-**-**', '**/**/2011']);
});

test('masked values and "no date" sentinels do not count as a date of birth', () => {
  const c = new DobCounter();
  for (const v of ['**/**/****', '0001-01-01T00:00:00', '1900-01-01', 'N/A', '2012-05-06T00:00:00']) c.add({ BirthDate: v });
  assert.deepEqual(c.summary(), { status: 'partial', field: 'BirthDate', checked: 5, withValue: 1 });
});

test('a date of birth wrapped in an object is found and judged by what is inside', () => {
  const c = new DobCounter();
  c.add({ BirthDate: { Value: '2012-03-04' } });
  c.add({ BirthDate: { Value: null } });
  assert.deepEqual(c.summary(), { status: 'partial', field: 'BirthDate', checked: 2, withValue: 1 });
});
