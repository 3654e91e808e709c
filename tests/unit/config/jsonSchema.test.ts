import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { settingsFields } from '../../../shared/build/settingsArtifacts';
import { configJsonSchema as jsonSchemaOf } from '../../../shared/runtime/configSchema';
import { MANIFESTS } from '../manifests/inputManifests';
import { repoRoot } from '../parameters/support';

const SCHEMA_FILE = path.join('schemas', 'databricks-mlops-config.schema.json');

/** The JSON Schema the build generates (scripts/gen-inputs.mjs): of the manifests' settings keys, with descriptions. */
const configJsonSchema = () => jsonSchemaOf(settingsFields(MANIFESTS).fields);

describe('config JSON Schema', () => {
  const root = repoRoot();

  it('is committed up to date (npm run build writes it from the input manifests and configSchema.ts)', () => {
    const committed = fs.readFileSync(path.join(root, SCHEMA_FILE), 'utf8');
    assert.equal(committed, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

  it('is a draft-07 schema with a title and a description', () => {
    const schema = configJsonSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(typeof schema.title, 'string');
    assert.equal(typeof schema.description, 'string');
  });

  describe('validates like the loader', () => {
    const validate = new Ajv({ allErrors: true }).compile(configJsonSchema());

    for (const template of ['classification.yml', 'regression.yml']) {
      it(`accepts config_templates/${template}`, () => {
        const document: unknown = parse(fs.readFileSync(path.join(root, 'config_templates', template), 'utf8'));
        assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
      });
    }

    for (const [label, document] of [
      ['an unknown key', { environments: { dev: { serving: { canaryPercnt: 5 } } } }],
      ['a string where an integer is due', { environments: { dev: { serving: { canaryPercent: '5' } } } }],
      ['a value outside a pick list', { environments: { dev: { serving: { workloadSize: 'Huge' } } } }],
      ['a bad environment name', { environments: { 'prod eu': {} } }],
      ['no environment', { environments: {} }],
      ['a rule mapping with a bad operator', { environments: { dev: { monitoring: { thresholds: [{ metric: 'js_distance', op: '=', threshold: 1 }] } } } }],
    ] as const) {
      it(`rejects ${label}`, () => {
        assert.equal(validate(document), false);
      });
    }
  });
});
