/**
 * The sentences of input validation (rules, input errors, settings-file errors, cross-field
 * rules), declared once in shared/runtime/rules/messages.json and localizable like the tasks'
 * printed messages (shared/runtime/messages.ts: packaging merges this catalog into every task's
 * task.json `messages` and resources.resjson).
 *
 * - `ruleMessage(key, ...args)` formats now, in the agent's culture: for text made while inputs
 *   are read or errors rendered (a check that fails, a cross-field rule, an InputError).
 * - `ruleText(key, ...args)` only records the key and its arguments: for rules built when a
 *   module loads (`integerRule(1, 99)` in a task's input manifest), before the task entry has
 *   said where its strings are (useTaskStrings). `formatRule` formats it when an input breaks
 *   the rule, which is always after that.
 */
import { messageCatalog, type MessageArgument } from '../messages';
import RULES from './messages.json';

export type RuleKey = keyof typeof RULES;

/** A rule sentence not yet formatted: a key of shared/runtime/rules/messages.json and its arguments. */
export interface RuleText {
  readonly key: RuleKey;
  readonly args: readonly MessageArgument[];
}

/** A rule sentence of this catalog, formatted now (`%s` filled in order). */
export const ruleMessage = messageCatalog(RULES);

/** A rule sentence formatted later, by formatRule (when an input breaks the rule). */
export function ruleText(key: RuleKey, ...args: MessageArgument[]): RuleText {
  return { key, args };
}

export function formatRule(text: RuleText): string {
  return ruleMessage(text.key, ...text.args);
}
