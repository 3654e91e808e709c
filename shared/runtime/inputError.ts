/**
 * Errors about task inputs. Every message names the input, where its value came from (the
 * task, or the config file and the path inside it) and the rule it broke, so a pipeline
 * author can fix it without reading code. Parameters collects every failure and throws them
 * together as InputErrors: one run shows all the mistakes, not the first one. The frame
 * ("Input 'x' (from …): …") is localizable like the rules (shared/runtime/rules/messages.json),
 * formatted when the error is made, i.e. while inputs are read.
 */
import { ruleMessage } from './rules/messages';

/** Where a value sits in the config file. `path` is like environments.prod.serving.canaryPercent. */
export interface ConfigLocation {
  file: string;
  /** Path inside the document; empty for errors about the file as a whole (syntax). */
  path: string;
  line?: number;
  column?: number;
}

export interface InputErrorInit {
  input: string;
  rule: string;
  /** Set when the value came from the config file. */
  source?: ConfigLocation;
  /** True when the value was given on the task (the message then says "from the task"). */
  fromTask?: boolean;
  /** The offending text; shown when it is short and on one line. */
  value?: string;
}

const MAX_SHOWN_VALUE = 120;

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly input: string;
  readonly rule: string;
  readonly source?: ConfigLocation;
  readonly value?: string;

  constructor(init: InputErrorInit) {
    super(formatInputError(init));
    this.input = init.input;
    this.rule = init.rule;
    this.source = init.source;
    this.value = init.value;
  }
}

/** Several invalid inputs, reported at once, one per line. */
export class InputErrors extends Error {
  override readonly name = 'InputErrors';
  readonly errors: readonly InputError[];

  constructor(errors: readonly InputError[]) {
    super(errors.length === 1 ? errors[0].message : `${ruleMessage('InputsInvalid', errors.length)}\n${errors.map((e) => `- ${e.message}`).join('\n')}`);
    this.errors = errors;
  }
}

export function describeLocation(location: ConfigLocation): string {
  const text = location.path ? ruleMessage('LocationAtPath', location.file, location.path) : location.file;
  if (location.line === undefined) return text;
  return location.column === undefined ? ruleMessage('LocationLine', text, location.line) : ruleMessage('LocationLineColumn', text, location.line, location.column);
}

function formatInputError(init: InputErrorInit): string {
  const rule = init.rule.replace(/\.$/, '');
  const shown = showValue(init.value);
  const broken = shown === undefined ? rule : ruleMessage('RuleGot', rule, shown);
  const text = init.source
    ? ruleMessage('InputErrorFromFile', init.input, describeLocation(init.source), broken)
    : init.fromTask
      ? ruleMessage('InputErrorFromTask', init.input, broken)
      : ruleMessage('InputErrorPlain', init.input, broken);
  return /[?!]$/.test(text) ? text : `${text}.`;
}

/** Quotes a value for a message; multi-line values are not repeated (the position says where). */
function showValue(value: string | undefined): string | undefined {
  if (value === undefined || /[\r\n]/.test(value)) return undefined;
  const cut = value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}…` : value;
  return JSON.stringify(cut);
}
