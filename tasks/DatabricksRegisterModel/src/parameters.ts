/**
 * Parameters of DatabricksRegisterModel: every input read and validated (docs/INPUTS.md),
 * plus the lineage tags taken from the pipeline's variables.
 */
import { REGISTER_FROM, METRIC_GOALS } from '../../../shared/runtime/choices';
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { optional, required, withDefault } from '../../../shared/runtime/rules/core';
import { aliasRule, artifactPathRule, metricKeyRule, runIdRule, ucNameRule, versionOrLatestRule } from '../../../shared/runtime/rules/databricks';
import { booleanRule, choiceRule, integerRule, nonNegativeNumberRule, patternRule, textRule } from '../../../shared/runtime/rules/generic';
import { commaListRule, type KeyValue, keyValueLinesRule } from '../../../shared/runtime/rules/lists';

export type ModelSource =
  | {
      kind: 'run';
      /** Exactly one of runId / experimentName / modelId. */
      runId?: string;
      experimentName?: string;
      /** Only with experimentName. */
      runFilter?: string;
      /** An MLflow 3 logged model registered directly. */
      modelId?: string;
      artifactPath: string;
    }
  | { kind: 'existingVersion'; version: number | 'latest' };

export interface PromotionGate {
  metric: string;
  goal: (typeof METRIC_GOALS)[number];
  minImprovement: number;
  promoteOnTie: boolean;
  baselineAlias: string;
  failIfNotImproved: boolean;
}

export interface RegisterModelParameters {
  common: CommonParameters;
  /** catalog.schema.model, without backticks. */
  modelName: string;
  source: ModelSource;
  description?: string;
  tags: KeyValue[];
  /** Undefined when compareMetric is not set: every candidate wins. */
  gate?: PromotionGate;
  candidateAliases: string[];
  promoteAliases: string[];
  timeoutMinutes: number;
  /** Files copied at once. */
  copyConcurrency: number;
  /** git_sha, branch, build_id, pipeline_url: those the pipeline's variables provide. */
  lineageTags: KeyValue[];
}

const TAG_KEY = { pattern: /^[A-Za-z0-9_.\-/ ]+$/, rule: 'must be letters, digits, _ . - / or spaces, at most 250 characters', maxLength: 250 };

const inputs = {
  modelName: required(ucNameRule(3, 'catalog.schema.model')),
  registerFrom: withDefault(choiceRule(REGISTER_FROM), 'run'),
  runId: optional(runIdRule()),
  experimentName: optional(textRule()),
  runFilter: optional(textRule()),
  modelId: optional(patternRule(/^m-[A-Za-z0-9]+$/, 'must be an MLflow logged model id: m- followed by letters and digits', 100)),
  artifactPath: withDefault(artifactPathRule(), 'model'),
  modelVersion: withDefault(versionOrLatestRule(), 'latest'),
  description: optional(textRule(5000)),
  tags: withDefault(keyValueLinesRule({ key: TAG_KEY, maxValueLength: 5000 }), ''),
  compareMetric: optional(metricKeyRule()),
  metricGoal: withDefault(choiceRule(METRIC_GOALS), 'maximize'),
  minImprovement: withDefault(nonNegativeNumberRule(), '0'),
  promoteOnTie: withDefault(booleanRule(), 'false'),
  baselineAlias: withDefault(aliasRule(), 'champion'),
  candidateAliases: withDefault(commaListRule(aliasRule(), { uniqueBy: (a) => a }), ''),
  promoteAliases: withDefault(commaListRule(aliasRule(), { uniqueBy: (a) => a }), 'champion'),
  failIfNotImproved: withDefault(booleanRule(), 'false'),
  timeoutMinutes: withDefault(integerRule(1, 720), '20'),
  // No task.json default (the settings file may set it); the default is this one, stated in the help text.
  copyConcurrency: withDefault(integerRule(1, 16), '4'),
};

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RegisterModelParameters {
  const opened = openTaskInputs('DatabricksRegisterModel', taskInputs, vars);
  const { common, values: v } = readTaskInputs(opened, inputs, (when) => [
    when(['registerFrom', 'runId', 'experimentName', 'modelId'], ({ registerFrom, runId, experimentName, modelId }) => {
      if (registerFrom !== 'run') return undefined;
      if (runId === undefined && experimentName === undefined && modelId === undefined) return { input: 'runId', rule: 'registerFrom is run: set runId, experimentName or modelId' };
      if (runId !== undefined && experimentName !== undefined) return { input: 'runId', rule: 'set runId or experimentName, not both' };
      if (modelId !== undefined && (runId !== undefined || experimentName !== undefined)) {
        return { input: 'modelId', rule: 'names the logged model directly: set modelId, or runId/experimentName (+ artifactPath), not both' };
      }
      return undefined;
    }),
    when(['registerFrom', 'runFilter', 'experimentName'], ({ registerFrom, runFilter, experimentName }) =>
      registerFrom === 'run' && runFilter !== undefined && experimentName === undefined
        ? { input: 'runFilter', rule: "applies only with experimentName (it filters that experiment's runs)" }
        : undefined,
    ),
    when(['candidateAliases', 'promoteAliases'], ({ candidateAliases, promoteAliases }) => {
      const both = candidateAliases.find((alias) => promoteAliases.includes(alias));
      return both === undefined
        ? undefined
        : { input: 'candidateAliases', rule: `"${both}" is also in promoteAliases; an alias is either set on every candidate or only on a winner` };
    }),
    when(['compareMetric', 'candidateAliases', 'baselineAlias'], ({ compareMetric, candidateAliases, baselineAlias }) =>
      compareMetric !== undefined && candidateAliases.includes(baselineAlias)
        ? { input: 'candidateAliases', rule: `must not contain the baselineAlias "${baselineAlias}": the candidate would replace the version it is compared with` }
        : undefined,
    ),
  ]);

  const source: ModelSource =
    v.registerFrom === 'run'
      ? { kind: 'run', runId: v.runId, experimentName: v.experimentName, runFilter: v.runFilter, modelId: v.modelId, artifactPath: v.artifactPath }
      : { kind: 'existingVersion', version: v.modelVersion };
  return {
    common,
    modelName: v.modelName,
    source,
    description: v.description,
    tags: v.tags,
    gate:
      v.compareMetric === undefined
        ? undefined
        : {
            metric: v.compareMetric,
            goal: v.metricGoal,
            minImprovement: v.minImprovement,
            promoteOnTie: v.promoteOnTie,
            baselineAlias: v.baselineAlias,
            failIfNotImproved: v.failIfNotImproved,
          },
    candidateAliases: v.candidateAliases,
    promoteAliases: v.promoteAliases,
    timeoutMinutes: v.timeoutMinutes,
    copyConcurrency: v.copyConcurrency,
    lineageTags: lineageTags(vars),
  };
}

/** The build's provenance, added to every registered version. */
export function lineageTags(vars: VariableSource): KeyValue[] {
  const tags: KeyValue[] = [];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined) tags.push({ key, value });
  };
  add('git_sha', vars.get('Build.SourceVersion'));
  add('branch', vars.get('Build.SourceBranch')?.replace(/^refs\/heads\//, ''));
  const buildId = vars.get('Build.BuildId');
  add('build_id', buildId);
  const collection = vars.get('System.CollectionUri');
  const project = vars.get('System.TeamProject');
  if (collection !== undefined && project !== undefined && buildId !== undefined) {
    const base = collection.endsWith('/') ? collection : `${collection}/`;
    add('pipeline_url', `${base}${encodeURIComponent(project)}/_build/results?buildId=${encodeURIComponent(buildId)}`);
  }
  return tags;
}
