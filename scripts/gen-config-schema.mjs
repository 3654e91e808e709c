// Writes schemas/databricks-mlops-config.schema.json, the JSON Schema of the settings file
// (configFile) for editors, from the zod schema in shared/runtime/configSchema.ts.
// Run after tsc: node scripts/gen-config-schema.mjs [compiled configSchema.js]
// (default out/shared/runtime/configSchema.js); the build does the same (scripts/gen-inputs.mjs).
// A unit test fails when the committed file differs from a fresh one.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modulePath = path.resolve(root, process.argv[2] ?? 'out/shared/runtime/configSchema.js');
const { configJsonSchema } = createRequire(import.meta.url)(modulePath);

const target = path.join(root, 'schemas', 'databricks-mlops-config.schema.json');
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(root, target)}`);
