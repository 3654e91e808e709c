/**
 * Output-variable references of a pipeline, checked against the tasks that produce them.
 *
 * The YAML schema cannot see these: `$(register.modelVersion)` is plain text to it. Here every
 * step of one of our tasks is found by its `name:`, and every reference to `<step>.<variable>`
 * (macro, `variables['…']`, `dependencies.<job>.outputs['…']`,
 * `stageDependencies.<stage>.<job>.outputs['…']`) must name an output variable of that task,
 * with the key shape the job kind requires: `<step>.<var>` for a job, `<job>.<step>.<var>`
 * for a runOnce deployment job.
 */
import { parse } from 'yaml';

export type JobKind = 'job' | 'deployment';

export interface PipelineShape {
  /** Step name → task reference (e.g. register → DatabricksRegisterModel@1). */
  steps: Map<string, string>;
  /** Job name → kind. */
  jobs: Map<string, JobKind>;
  /** Step names given to more than one different task. */
  conflicts: string[];
}

export function pipelineShape(text: string): PipelineShape {
  const shape: PipelineShape = { steps: new Map(), jobs: new Map(), conflicts: [] };
  walk(parse(text) as unknown, shape);
  return shape;
}

function walk(node: unknown, shape: PipelineShape): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, shape);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.job === 'string') shape.jobs.set(record.job, 'job');
  if (typeof record.deployment === 'string') shape.jobs.set(record.deployment, 'deployment');
  if (typeof record.task === 'string' && typeof record.name === 'string') {
    const known = shape.steps.get(record.name);
    if (known !== undefined && known !== record.task) shape.conflicts.push(record.name);
    shape.steps.set(record.name, record.task);
  }
  for (const value of Object.values(record)) walk(value, shape);
}

export interface OutputReference {
  text: string;
  step: string;
  variable: string;
  /** The job named by a dependencies/stageDependencies reference. */
  job?: string;
  /** The segment before the step in a three-part key (the deployment job's name). */
  prefix?: string;
}

const MACRO = /\$\(([A-Za-z_][\w]*)\.([A-Za-z_]\w*)\)/g;
const VARIABLES_INDEX = /variables\['([A-Za-z_]\w*)\.([A-Za-z_]\w*)'\]/g;
const DEPENDENCY = /(?:stageDependencies\.[A-Za-z_]\w*|dependencies)\.([A-Za-z_]\w*)\.outputs\['([\w.]+)'\]/g;

export function outputReferences(text: string): OutputReference[] {
  const found: OutputReference[] = [];
  for (const m of text.matchAll(MACRO)) found.push({ text: m[0], step: m[1], variable: m[2] });
  for (const m of text.matchAll(VARIABLES_INDEX)) found.push({ text: m[0], step: m[1], variable: m[2] });
  for (const m of text.matchAll(DEPENDENCY)) {
    const parts = m[2].split('.');
    const variable = parts[parts.length - 1];
    const step = parts[parts.length - 2] ?? '';
    found.push({ text: m[0], job: m[1], step, variable, prefix: parts.length > 2 ? parts.slice(0, -2).join('.') : undefined });
  }
  return found;
}

/**
 * Problems with the references to our tasks' outputs. `outputsOf` gives a task reference's
 * output variable names, or undefined for tasks that are not ours (not checked).
 */
export function referenceProblems(text: string, outputsOf: (taskRef: string) => readonly string[] | undefined): string[] {
  const shape = pipelineShape(text);
  const problems = shape.conflicts.map((name) => `step name "${name}" is used for different tasks`);
  for (const ref of outputReferences(text)) {
    const task = shape.steps.get(ref.step);
    const outputs = task === undefined ? undefined : outputsOf(task);
    if (!outputs) continue;
    if (!outputs.includes(ref.variable)) {
      problems.push(`${ref.text}: ${task} has no output "${ref.variable}" (it has ${outputs.join(', ')})`);
    }
    if (ref.job !== undefined) {
      const kind = shape.jobs.get(ref.job);
      if (kind === undefined) problems.push(`${ref.text}: no job "${ref.job}" in this pipeline`);
      if (kind === 'deployment' && ref.prefix !== ref.job) {
        problems.push(`${ref.text}: outputs of the runOnce deployment job "${ref.job}" are keyed '${ref.job}.${ref.step}.${ref.variable}'`);
      }
      if (kind === 'job' && ref.prefix !== undefined) {
        problems.push(`${ref.text}: outputs of the job "${ref.job}" are keyed '${ref.step}.${ref.variable}'`);
      }
    }
  }
  return problems;
}
