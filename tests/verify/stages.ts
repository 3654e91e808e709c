/**
 * The stages of a task: the distinct calls (method and path) its clean run made to the
 * workspace, with ids generalised so a stage matches the same call on a freshly seeded
 * workspace (where run ids, statement ids and versions may differ).
 */
import type { RecordedRequest } from '../fake/workspace';

export interface Stage {
  method: string;
  /** Readable form, ids as `{id}`. */
  label: string;
  /** Matches the stage's paths (as sent, percent-encoded). */
  path: RegExp;
}

/** A path segment that is an identifier rather than a route word. */
function isId(segment: string): boolean {
  return (
    /^\d+$/.test(segment) ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
    /^[0-9a-f]{16,}$/i.test(segment) ||
    (/\d/.test(segment) && /[A-Za-z]/.test(segment) && segment.length >= 20)
  );
}

/** Files API paths carry the file's own path: every file of one copy is one stage. */
const FILES = /^(\/api\/2\.0\/fs\/(?:files|directories))\/.+$/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function stageOf(method: string, path: string): Stage {
  const files = FILES.exec(path);
  if (files) return { method, label: `${files[1]}/{path}`, path: new RegExp(`^${escapeRegExp(files[1]!)}/.+$`) };
  const segments = path.split('/');
  const label = segments.map((s) => (isId(s) ? '{id}' : s)).join('/');
  const source = segments.map((s) => (isId(s) ? '[^/]+' : escapeRegExp(s))).join('/');
  return { method, label, path: new RegExp(`^${source}$`) };
}

/** The distinct stages of the recorded requests, in the order first seen. */
export function stagesOf(requests: readonly RecordedRequest[]): Stage[] {
  const seen = new Map<string, Stage>();
  for (const r of requests) {
    const stage = stageOf(r.method, r.path);
    const key = `${stage.method} ${stage.label}`;
    if (!seen.has(key)) seen.set(key, stage);
  }
  return [...seen.values()];
}
