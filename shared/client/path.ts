/**
 * URL paths with every interpolated value URL-encoded: `apiPath\`/api/2.0/serving-endpoints/${name}/config\``.
 * A value that is itself a multi-segment path (Files API) is wrapped with `segments()` so
 * each of its segments is encoded and the slashes between them are kept.
 */
export class PathSegments {
  constructor(readonly parts: readonly string[]) {}
}

/** A multi-segment path value: 'Models/main/ml/churn/8/MLmodel' → encoded segment by segment. */
export function segments(path: string): PathSegments {
  return new PathSegments(path.split('/').filter((p) => p !== ''));
}

export function apiPath(strings: TemplateStringsArray, ...values: Array<string | number | PathSegments>): string {
  let out = strings[0];
  values.forEach((v, i) => {
    out += encodeValue(v) + strings[i + 1];
  });
  return out;
}

function encodeValue(v: string | number | PathSegments): string {
  if (v instanceof PathSegments) return v.parts.map(encodeSegment).join('/');
  const s = String(v);
  if (s === '') throw new Error('An empty value cannot be a URL path segment');
  return encodeSegment(s);
}

function encodeSegment(s: string): string {
  if (s === '.' || s === '..') throw new Error(`'${s}' is not allowed as a URL path segment`);
  return encodeURIComponent(s);
}
