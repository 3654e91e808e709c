/**
 * Identifiers that go into the gate's SQL text. Values never do (they are named parameters);
 * identifiers cannot be parameters, so each one is checked against a strict pattern and quoted
 * with backticks. Names come from the monitor (metric table names, the model id column) or
 * from the fixed metric list, so a name that fails the check means something unexpected came
 * back from the service: it is refused rather than escaped.
 */

/** A Unity Catalog name part or column name as the gate accepts it. */
const PART = /^[A-Za-z0-9_-]{1,255}$/;

export class UnsafeIdentifierError extends Error {
  override readonly name = 'UnsafeIdentifierError';
}

/** `` `part` `` after checking the part. */
export function quotePart(part: string, what: string): string {
  if (!PART.test(part)) throw new UnsafeIdentifierError(`The ${what} "${part}" is not a plain identifier (letters, digits, _ or -); the gate will not put it into SQL.`);
  return `\`${part}\``;
}

/** `` `catalog`.`schema`.`table` `` from a three-part name (backticks around parts accepted). */
export function quoteTableName(fullName: string): string {
  const parts = fullName.split('.').map((p) => p.replace(/^`(.*)`$/, '$1'));
  if (parts.length !== 3) throw new UnsafeIdentifierError(`The table name "${fullName}" is not a three-part name catalog.schema.table.`);
  return parts.map((p) => quotePart(p, 'table name part')).join('.');
}

/** `` `struct`.`field` `` from a metric column path such as `ks_test.pvalue`. */
export function quoteColumnPath(path: string): string {
  return path
    .split('.')
    .map((p) => quotePart(p, 'metric column'))
    .join('.');
}
