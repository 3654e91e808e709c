/**
 * Parses a task.json `visibleRule` the way the Azure DevOps task editor does: either `&&` or
 * `||` joins the predicates (never both), and each predicate is `<input> <op> <value>` with a
 * value of letters, digits, dots and spaces (so `x != ''` compares with the empty string).
 * A predicate the editor's grammar cannot read makes the rule invalid here, where the editor
 * would silently hide the input.
 */
export interface VisiblePredicate {
  input: string;
  operator: string;
  value: string;
}

export interface VisibleRule {
  join: '&&' | '||' | null;
  predicates: VisiblePredicate[];
}

const COMPARISON = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(==|=|!=|<=|>=|<|>)\s*([A-Za-z0-9. ]*?)\s*(''|"")?\s*$/;
const TEXT_OPERATOR = /^\s*([A-Za-z][A-Za-z0-9]*)\s+(NotContains|NotEndsWith|NotStartsWith|Contains|EndsWith|StartsWith)\s+([A-Za-z0-9. ]+?)\s*$/;

function parsePredicate(text: string): VisiblePredicate {
  const match = COMPARISON.exec(text) ?? TEXT_OPERATOR.exec(text);
  if (!match) throw new Error(`unreadable visibleRule predicate "${text.trim()}"`);
  return { input: match[1], operator: match[2], value: match[3] };
}

export function parseVisibleRule(rule: string): VisibleRule {
  const hasAnd = rule.includes('&&');
  const hasOr = rule.includes('||');
  if (hasAnd && hasOr) throw new Error(`visibleRule "${rule}" mixes && and || (the editor supports one kind)`);
  const join = hasAnd ? '&&' : hasOr ? '||' : null;
  const parts = join ? rule.split(join) : [rule];
  return { join, predicates: parts.map(parsePredicate) };
}
