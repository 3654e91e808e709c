/**
 * The shape of the settings file (`configFile`): one YAML file per model.
 *
 *   defaults:            # optional, same shape as an environment block, merged under each
 *   environments:
 *     dev: { workspaceUrl, workspaceResourceId, retryBudgetSeconds,
 *            registry: {…}, serving: {…}, inferenceTable: {…}, monitoring: {…} }
 *     prod: …
 *
 * Keys are the task input names, except the few an input's manifest entry renames. Each key is
 * declared once, in the input manifest entry of the input it sets (`settings`: section, key,
 * YAML kind, values, description; shared/runtime/inputManifest.ts); the build generates the
 * field list the tasks use from them (BLOCK_FIELDS and SECTIONS, in settingsFields.generated.ts:
 * kind, tasks, input, values) and the JSON Schema for editors, with the descriptions
 * (schemas/databricks-mlops-config.schema.json, by scripts/gen-inputs.mjs through
 * shared/build/settingsArtifacts.ts). This schema checks structure and YAML types (a number
 * where a number is due, a list of strings, pick-list values); the value rules (ranges, name
 * shapes, cron, metric rules…) are the task's own and run in Parameters on the values the chosen
 * environment gives, with errors pointing back to the file and path.
 */
import * as z from 'zod';
import { COMPARISON_OPS } from '../monitoring/choices';
import { BLOCK_FIELDS, SECTIONS } from './settingsFields.generated';
import { ruleMessage } from './rules/messages';

export const TASK_NAMES = ['DatabricksRegisterModel', 'DatabricksDeployServing', 'DatabricksCreateMonitor', 'DatabricksRefreshMonitors', 'DatabricksRunJob'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/**
 * The YAML types a field takes (checked here); the task's input rule then reads the value as it
 * is, never as text made from it (shared/runtime/config/layers.ts):
 * - text, version: a string (version also an integer), read like input text;
 * - integer, number, boolean: the YAML number or boolean itself (a quoted "10" is refused here);
 * - commaList, lines: a string, read like input text (split at commas / lines), or a YAML list,
 *   each element one item as it is (a comma inside an element is part of it);
 * - keyValue: a mapping `key: value` (each entry as it is: any key, a value with line breaks),
 *   a list of `key=value` strings, or `key=value` lines;
 * - driftAlerts, thresholds: a string of rule lines, or a list of rule strings and mappings
 *   {metric, op, threshold[, emails]} (emails a comma list or a list);
 * - json: JSON text or a file path, or a mapping (the object itself).
 */
export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'version' | 'commaList' | 'lines' | 'keyValue' | 'driftAlerts' | 'thresholds' | 'json';

/** One key of the settings file, generated from the `settings` of the inputs that declare it. */
export interface FieldSpec {
  kind: FieldKind;
  /** The tasks that read this key (those whose manifest declares it). */
  tasks: readonly TaskName[];
  /** The task input it sets when the file names it differently. */
  input?: string;
  /** Allowed values: of the scalar (pick lists) or of each list element. */
  values?: readonly string[];
  /** Only where the JSON Schema for editors is generated (the build); the tasks' field list has none. */
  description?: string;
}

export const SECTION_NAMES = ['job', 'registry', 'serving', 'inferenceTable', 'monitoring'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** The keys of the file: directly in an environment block, and per section. */
export interface SettingsFields {
  block: Readonly<Record<string, FieldSpec>>;
  sections: Readonly<Record<SectionName, Readonly<Record<string, FieldSpec>>>>;
}

/** Keys directly in an environment block (BLOCK_FIELDS) and per section (SECTIONS), without descriptions. */
export { BLOCK_FIELDS, SECTIONS };

const SECTION_DESCRIPTIONS: Readonly<Record<SectionName, string>> = {
  job: 'Inputs of DatabricksRunJob (the training workflow).',
  registry: 'Inputs of DatabricksRegisterModel.',
  serving: 'Inputs of DatabricksDeployServing (the inference table settings are in inferenceTable).',
  inferenceTable: 'The AI Gateway inference table of the serving endpoint (DatabricksDeployServing).',
  monitoring: 'Inputs of DatabricksCreateMonitor and DatabricksRefreshMonitors.',
};

// ---------------------------------------------------------------------------------------------
// zod schema

const ONE_LINE = /^[^\r\n]*\S[^\r\n]*$/;

function oneOf(values: readonly string[]) {
  return z.enum(values as [string, ...string[]], { error: () => ruleMessage('OneOf', values.join(', ')) });
}

const lineItem = () => z.string({ error: () => ruleMessage('MustBeString') }).regex(ONE_LINE, { error: () => ruleMessage('SettingsListElement') });
const stringOrList = (item: z.ZodType) => z.union([z.string(), z.array(item)], { error: () => ruleMessage('StringOrStringList') });

const scalarValue = z.union([z.string(), z.number(), z.boolean()], { error: () => ruleMessage('SettingsScalar') });

const ruleObject = {
  metric: z.string({ error: () => ruleMessage('MetricName') }).meta({ description: 'Metric, e.g. population_stability_index or ks_test.pvalue.' }),
  op: oneOf(COMPARISON_OPS),
  threshold: z.number({ error: () => ruleMessage('SettingsNumber') }),
};

function valueSchema(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'text':
      return spec.values ? oneOf(spec.values) : z.string({ error: () => ruleMessage('MustBeString') });
    case 'integer':
      return z.int({ error: () => ruleMessage('SettingsInteger') });
    case 'number':
      return z.number({ error: () => ruleMessage('SettingsNumber') });
    case 'boolean':
      return z.boolean({ error: () => ruleMessage('MustBeBoolean') });
    case 'version':
      return z.union([z.int(), z.string()], { error: () => ruleMessage('SettingsVersion') });
    case 'commaList':
      return stringOrList(spec.values ? oneOf(spec.values) : lineItem());
    case 'lines':
      return stringOrList(lineItem());
    case 'keyValue':
      return z.union([z.record(z.string(), scalarValue), z.array(lineItem()), z.string()], {
        error: () => ruleMessage('SettingsKeyValue'),
      });
    case 'driftAlerts':
      return stringOrList(
        z.union([lineItem(), z.strictObject({ ...ruleObject, emails: stringOrList(z.string()) })], {
          error: () => ruleMessage('SettingsAlertElement'),
        }),
      );
    case 'thresholds':
      return stringOrList(z.union([lineItem(), z.strictObject(ruleObject)], { error: () => ruleMessage('SettingsThresholdElement') }));
    case 'json':
      return z.union([z.string(), z.record(z.string(), z.unknown())], { error: () => ruleMessage('JsonTextFileOrMapping') });
  }
}

function objectOf(fields: Readonly<Record<string, FieldSpec>>) {
  return Object.fromEntries(
    Object.entries(fields).map(([key, spec]) => {
      const schema = valueSchema(spec).optional();
      return [key, spec.description === undefined ? schema : schema.meta({ description: spec.description })];
    }),
  );
}

const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+$/;

function buildConfigFileSchema(fields: SettingsFields) {
  const blockSchema = z
    .strictObject(
      {
        ...objectOf(fields.block),
        ...Object.fromEntries(
          SECTION_NAMES.map((name) => [
            name,
            z
              .strictObject(objectOf(fields.sections[name]), { error: () => ruleMessage('SettingsMapping') })
              .optional()
              .meta({ description: SECTION_DESCRIPTIONS[name] }),
          ]),
        ),
      },
      { error: () => ruleMessage('SettingsBlock') },
    )
    .meta({ id: 'environmentBlock', description: 'Settings of one environment, under the task input names.' });

  return z
    .strictObject(
      {
        defaults: blockSchema.optional().meta({ description: 'Settings shared by every environment; an environment overrides them key by key.' }),
        environments: z
          .record(z.string().regex(ENVIRONMENT_NAME, { error: () => ruleMessage('SettingsEnvironmentName') }), blockSchema, {
            error: (issue) => ruleMessage(issue.input === undefined ? 'SettingsEnvironmentsRequired' : 'SettingsEnvironmentsMapping'),
          })
          .refine((environments) => Object.keys(environments).length > 0, { error: () => ruleMessage('SettingsEnvironmentsEmpty') })
          .meta({ description: 'One block per environment (e.g. dev, aut, prod), chosen with the task input environment.', minProperties: 1 }),
      },
      { error: () => ruleMessage('SettingsFile') },
    )
    .meta({
      title: 'Databricks MLOps for Azure Pipelines settings',
      description: 'Settings of the Databricks MLOps tasks for one model, per environment. Values given on a task override the file.',
    });
}

let built: ReturnType<typeof buildConfigFileSchema> | undefined;

/**
 * The schema of the settings file, built on first use: a task without a settings file never
 * needs it, and building its ~70 field schemas at import cost ~12 ms of every task start.
 */
export function configFileSchema(): ReturnType<typeof buildConfigFileSchema> {
  return (built ??= buildConfigFileSchema({ block: BLOCK_FIELDS, sections: SECTIONS }));
}

/**
 * The JSON Schema for editors (draft-07, the version YAML language servers support best), of the
 * given fields: the build passes the ones it generates from the manifests, with their descriptions
 * (shared/build/settingsArtifacts.ts, settingsFields).
 */
export function configJsonSchema(fields: SettingsFields): Record<string, unknown> {
  return z.toJSONSchema(buildConfigFileSchema(fields), {
    target: 'draft-7',
    override: ({ jsonSchema }) => {
      // z.int() adds the safe-integer bounds, which only add noise for an editor.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  }) as Record<string, unknown>;
}
