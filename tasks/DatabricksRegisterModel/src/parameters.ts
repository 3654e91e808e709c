/**
 * Parameters of DatabricksRegisterModel: every input read and validated (docs/INPUTS.md),
 * plus the lineage tags taken from the pipeline's variables.
 */
import type { METRIC_GOALS } from '../../../shared/registry/choices';
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import { directParameters, type ManifestParameters } from '../../../shared/runtime/inputManifest';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import type { KeyValue } from '../../../shared/runtime/rules/lists';
import { INPUTS } from './inputs';
import { ruleMessage } from '../../../shared/runtime/rules/messages';

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

export interface ChampionComparison {
  metric: string;
  goal: (typeof METRIC_GOALS)[number];
  minImprovement: number;
  promoteOnTie: boolean;
  baselineAlias: string;
  failIfNotImproved: boolean;
}

export interface RegisterModelParameters extends ManifestParameters<typeof INPUTS.inputs> {
  common: CommonParameters;
  source: ModelSource;
  /** Undefined when compareMetric is not set: every candidate wins. */
  comparison?: ChampionComparison;
  /** git_sha, branch, build_id, pipeline_url: those the pipeline's variables provide. */
  lineageTags: KeyValue[];
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RegisterModelParameters {
  const opened = openTaskInputs(INPUTS, taskInputs, vars);
  const { common, values: v } = readTaskInputs(opened, (when) => [
    when(['registerFrom', 'runId', 'experimentName', 'modelId'], ({ registerFrom, runId, experimentName, modelId }) => {
      if (registerFrom !== 'run') return undefined;
      if (runId === undefined && experimentName === undefined && modelId === undefined) return { input: 'runId', rule: ruleMessage('RunSourceRequired') };
      if (runId !== undefined && experimentName !== undefined) return { input: 'runId', rule: ruleMessage('RunIdOrExperiment') };
      if (modelId !== undefined && (runId !== undefined || experimentName !== undefined)) {
        return { input: 'modelId', rule: ruleMessage('ModelIdDirect') };
      }
      return undefined;
    }),
    when(['registerFrom', 'runFilter', 'experimentName'], ({ registerFrom, runFilter, experimentName }) =>
      registerFrom === 'run' && runFilter !== undefined && experimentName === undefined ? { input: 'runFilter', rule: ruleMessage('RunFilterNeedsExperiment') } : undefined,
    ),
    when(['candidateAliases', 'promoteAliases'], ({ candidateAliases, promoteAliases }) => {
      const both = candidateAliases.find((alias) => promoteAliases.includes(alias));
      return both === undefined ? undefined : { input: 'candidateAliases', rule: ruleMessage('AliasInBothLists', both) };
    }),
    when(['compareMetric', 'candidateAliases', 'baselineAlias'], ({ compareMetric, candidateAliases, baselineAlias }) =>
      compareMetric !== undefined && candidateAliases.includes(baselineAlias) ? { input: 'candidateAliases', rule: ruleMessage('CandidateHasBaseline', baselineAlias) } : undefined,
    ),
  ]);

  const source: ModelSource =
    v.registerFrom === 'run'
      ? { kind: 'run', runId: v.runId, experimentName: v.experimentName, runFilter: v.runFilter, modelId: v.modelId, artifactPath: v.artifactPath }
      : { kind: 'existingVersion', version: v.modelVersion };
  return {
    common,
    ...directParameters(INPUTS, v),
    source,
    comparison:
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
