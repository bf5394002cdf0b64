/** The gate file's shape comes from gate.schema.json through ajv; each problem is one line about its field. */
import { describe, expect, it } from 'vitest';
import { gateSchema, schemaIssues } from '../../src/cli/gate-schema.js';
import { EXPECTATIONS } from '../../src/explain/gate.js';

const ok = { name: 'a', model: 'm', expect: 'ok' };

describe('gate schema', () => {
  it('accepts the repository gate file and refuses nothing in a minimal one', async () => {
    const { readFileSync } = await import('node:fs');
    expect(schemaIssues(JSON.parse(readFileSync('gate.json', 'utf8')))).toEqual([]);
    expect(schemaIssues({ checks: [ok] })).toEqual([]);
  });

  it('has the expectations the checker knows', () => {
    const check = (gateSchema().schema as { $defs: { check: { properties: { expect: { enum: string[] } } } } }).$defs.check;
    expect(check.properties.expect.enum).toEqual([...EXPECTATIONS]);
  });

  it('words every keyword as a line about the field, and blames the field that needs another expectation', () => {
    expect(schemaIssues({ checks: [{ ...ok, expect: 'deadlock', property: 'p', requireSteps: true, workers: 65, extra: 1 }] })).toEqual(expect.arrayContaining([
      { path: 'checks[0].extra', message: 'unknown field (known: name, description, model, params, expect, property, requireSteps, fairness, symmetry, compress, workers)' },
      { path: 'checks[0].property', message: 'only applies to expect "invariant" or "liveness"' },
      { path: 'checks[0].requireSteps', message: 'only applies to expect "ok"' },
      { path: 'checks[0].workers', message: 'must be an integer in 1..64, got number 65' },
    ]));
    expect(schemaIssues({ checks: [{ ...ok, expect: 'deadlock', property: 'p', requireSteps: true, workers: 65, extra: 1 }] })).toHaveLength(4);
  });

  it('reports a oneOf once, not each of its branches', () => {
    const issues = schemaIssues({ checks: [{ ...ok, params: { writers: [] } }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'checks[0].params.writers' });
    expect(issues[0].message).toMatch(/^must be one value .*; got an array$/);
  });

  it('says what a missing field is for, from its description', () => {
    expect(schemaIssues({ checks: [{ name: 'a', expect: 'ok' }] })).toEqual([
      { path: 'checks[0].model', message: expect.stringMatching(/^is required: a registered model name/) },
    ]);
  });
});
