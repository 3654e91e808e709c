/**
 * Reads a task's inputs with one zod schema per input, then checks the rules that tie inputs
 * together. Every failure becomes an InputError naming the input, where the value came from
 * and the rule; all of them are thrown together as one InputErrors, so nothing is called
 * before every input is known to be valid.
 *
 *   const values = readInputs(source, { canaryPercent: withDefault(integerRule(1, 99), '10'), … },
 *     (when) => [when(['modelVersion', 'modelAlias'], (v) => …)]);
 *
 * The type of `values` is inferred from the schemas.
 */
import type * as z from 'zod';
import { InputError, InputErrors } from './inputError';
import type { InputValue, ProvenancedInputSource } from './inputs';
import { issueHidesValue, type PositionKind } from './rules/core';
import { ruleMessage } from './rules/messages';
import type { Segment, YamlValue } from './yamlDocument';

/** A complete input schema: the raw value (input text or a typed settings-file value; undefined when not set) to its parsed form. */
export type InputSchema = z.ZodType<unknown, YamlValue | undefined>;
export type InputSchemas = Record<string, InputSchema>;
export type InputValues<S extends InputSchemas> = { [K in keyof S]: z.output<S[K]> };

export interface CrossFieldFailure {
  /** The input the message is attached to (its provenance is shown). */
  input: string;
  /** The rule, naming the other inputs involved. */
  rule: string;
}

export interface CrossFieldRule<V> {
  readonly inputs: readonly string[];
  check(values: V): CrossFieldFailure | undefined;
}

/**
 * Declares a cross-field rule over some inputs. It runs only when all of them are valid, so
 * a bad value is reported once, by its own rule.
 */
export type When<V> = <K extends keyof V & string>(inputs: readonly K[], check: (values: Pick<V, K>) => CrossFieldFailure | undefined) => CrossFieldRule<V>;

export function readInputs<S extends InputSchemas>(
  source: ProvenancedInputSource,
  schemas: S,
  crossRules?: (when: When<InputValues<S>>) => CrossFieldRule<InputValues<S>>[],
): InputValues<S> {
  const values: Record<string, unknown> = {};
  const valid = new Set<string>();
  const errors: InputError[] = [];

  for (const [name, schema] of Object.entries(schemas)) {
    const entry = source.lookup(name);
    const result = schema.safeParse(entry?.value, { reportInput: true });
    if (result.success) {
      values[name] = result.data;
      valid.add(name);
    } else {
      errors.push(...result.error.issues.map((issue) => issueToError(name, entry, issue)));
    }
  }

  const typed = values as InputValues<S>;
  const when: When<InputValues<S>> = (inputs, check) => ({ inputs, check });
  for (const crossRule of crossRules?.(when) ?? []) {
    if (!crossRule.inputs.every((name) => valid.has(name))) continue;
    const failure = crossRule.check(typed);
    if (failure) errors.push(crossFieldError(source, failure));
  }

  if (errors.length > 0) throw new InputErrors(errors);
  return typed;
}

export function crossFieldError(source: ProvenancedInputSource, failure: CrossFieldFailure): InputError {
  const entry = source.lookup(failure.input);
  return new InputError({ input: failure.input, rule: failure.rule, source: entry?.source, fromTask: entry !== undefined && !entry.source });
}

function issueToError(input: string, entry: InputValue | undefined, issue: z.core.$ZodIssue): InputError {
  let source = entry?.source;
  let rule = issue.message;
  if (entry !== undefined && typeof entry.value !== 'string') {
    // A typed settings-file value: the issue's path is inside it (a list index, a mapping key), with its own line.
    if (issue.path.length > 0 && entry.locate) source = entry.locate(issue.path.map(toSegment));
  } else {
    // Input text (from the task, or a YAML string): a line or item of it is named by number.
    const position = positionOf(issue.path);
    if (position) rule = ruleMessage(position.kind === 'line' ? 'AtLine' : 'AtItem', position.index, rule);
  }
  const value = issueHidesValue(issue) ? undefined : quotable(issue.input);
  return new InputError({ input, rule, source, fromTask: entry !== undefined && !entry.source, value });
}

function quotable(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function toSegment(key: PropertyKey): Segment {
  return typeof key === 'number' ? key : String(key);
}

function positionOf(path: readonly PropertyKey[]): { kind: PositionKind; index: number } | undefined {
  const [kind, index] = path;
  return (kind === 'line' || kind === 'item') && typeof index === 'number' ? { kind, index } : undefined;
}
