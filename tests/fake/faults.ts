/**
 * Fault injection: rules that make matching requests fail the ways the real service and the
 * network between fail. Rules are checked in the order they were added; a rule matches on
 * method and path, skips its first `offset` matches, then fires `times` times. Latency rules
 * add their delay and let the next rules (and the real handler) proceed; the first other rule
 * that fires decides the outcome.
 */
import * as z from 'zod';
import type { HeaderMap, Reply } from './http';
import { error, json, jettyErrorPage, raw, reasonPhrase } from './http';

export type FaultKind =
  /** answer with `status` (default 503), `body` and `headers` instead of the handler */
  | 'respond'
  /** destroy the connection with a TCP reset, without answering */
  | 'reset'
  /** wait `latencyMs`, then handle normally */
  | 'latency'
  /** run the real handler (its state changes stick), then answer as `respond` would: the lost response */
  | 'afterHandler'
  /** never answer (the client times out) */
  | 'hang'
  /** an HTML error page from a gateway, status default 502 */
  | 'html'
  /** a 2xx (default 200) whose body is not valid JSON */
  | 'malformed';

export interface FaultRule {
  /** Any method when absent. */
  method?: string;
  /** Exact path, a glob where `*` matches any run of characters (`/` included), or a RegExp. */
  path: string | RegExp;
  status?: number;
  /** An object is sent as JSON; a string as is (JSON text for respond/afterHandler, HTML for html). */
  body?: string | object;
  /** Extra response headers, e.g. `{ 'Retry-After': '2' }`. */
  headers?: HeaderMap;
  /** How many times the rule fires (default 1; Infinity allowed). */
  times?: number;
  /** Matches to let through before the rule starts firing (default 0). */
  offset?: number;
  kind?: FaultKind;
  latencyMs?: number;
}

export interface FaultCounter {
  id: number;
  kind: FaultKind;
  method?: string;
  path: string;
  times: number;
  offset: number;
  /** Requests that matched method and path (offset ones included). */
  matched: number;
  fired: number;
}

export interface FaultHandle {
  readonly id: number;
  readonly matched: number;
  readonly fired: number;
  remove(): void;
}

/** What the server does with one request. */
export interface FaultPlan {
  /** Delays to wait, in real milliseconds, before going on. */
  delays: number[];
  /** Answer without running the handler (or not at all). */
  before?: { kind: 'reset' } | { kind: 'hang' } | { kind: 'reply'; reply: Reply };
  /** Run the handler, then send this instead of its reply. */
  after?: Reply;
  /** The kinds of the rules that fired, for the request record. */
  fired: FaultKind[];
}

interface RuleState {
  id: number;
  rule: Required<Pick<FaultRule, 'times' | 'offset' | 'kind'>> & FaultRule;
  test: (path: string) => boolean;
  matched: number;
  fired: number;
}

export class FaultInjector {
  private rules: RuleState[] = [];
  private nextId = 1;

  add(rule: FaultRule): FaultHandle {
    const state: RuleState = {
      id: this.nextId++,
      rule: { ...rule, times: rule.times ?? 1, offset: rule.offset ?? 0, kind: rule.kind ?? 'respond' },
      test: pathTester(rule.path),
      matched: 0,
      fired: 0,
    };
    validate(state.rule);
    this.rules.push(state);
    const remove = () => {
      this.rules = this.rules.filter((r) => r !== state);
    };
    return {
      id: state.id,
      get matched() {
        return state.matched;
      },
      get fired() {
        return state.fired;
      },
      remove,
    };
  }

  clear(): void {
    this.rules = [];
  }

  counters(): FaultCounter[] {
    return this.rules.map((s) => ({
      id: s.id,
      kind: s.rule.kind,
      method: s.rule.method,
      path: String(s.rule.path),
      times: s.rule.times,
      offset: s.rule.offset,
      matched: s.matched,
      fired: s.fired,
    }));
  }

  /**
   * Decides the faults for one request and counts them. `paths` are the forms of the request
   * path a rule may match: as sent and percent-decoded.
   */
  plan(method: string, paths: string[]): FaultPlan {
    const plan: FaultPlan = { delays: [], fired: [] };
    for (const s of this.rules) {
      if (s.rule.method && s.rule.method.toUpperCase() !== method) continue;
      if (!paths.some(s.test)) continue;
      s.matched++;
      if (s.matched <= s.rule.offset || s.fired >= s.rule.times) continue;
      s.fired++;
      plan.fired.push(s.rule.kind);
      const path = paths[0]!;
      switch (s.rule.kind) {
        case 'latency':
          plan.delays.push(s.rule.latencyMs ?? 0);
          continue;
        case 'reset':
        case 'hang':
          plan.before = { kind: s.rule.kind };
          return plan;
        case 'afterHandler':
          plan.after = faultReply(s.rule, path);
          return plan;
        default:
          plan.before = { kind: 'reply', reply: faultReply(s.rule, path) };
          return plan;
      }
    }
    return plan;
  }
}

function validate(rule: RuleState['rule']): void {
  const bad = (why: string) => {
    throw new Error(`Invalid fault rule for ${String(rule.path)}: ${why}`);
  };
  if (!(rule.times === Infinity || (Number.isInteger(rule.times) && rule.times >= 1))) bad('times must be a positive integer or Infinity');
  if (!Number.isInteger(rule.offset) || rule.offset < 0) bad('offset must be a non-negative integer');
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) bad('status must be an HTTP status');
  if (rule.kind === 'latency' && !(typeof rule.latencyMs === 'number' && rule.latencyMs >= 0)) bad('a latency rule needs latencyMs >= 0');
}

function pathTester(path: string | RegExp): (p: string) => boolean {
  if (path instanceof RegExp) {
    const re = new RegExp(path.source, path.flags.replace(/[gy]/g, ''));
    return (p) => re.test(p);
  }
  if (!path.includes('*')) return (p) => p === path;
  const re = new RegExp(`^${path.split('*').map(escapeRegExp).join('.*')}$`);
  return (p) => re.test(p);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The reply a firing rule answers with. */
function faultReply(rule: FaultRule & { kind: FaultKind }, path: string): Reply {
  const headers = rule.headers;
  switch (rule.kind) {
    case 'html': {
      const status = rule.status ?? 502;
      if (typeof rule.body === 'string') return raw(status, rule.body, { 'content-type': 'text/html;charset=utf-8', ...headers });
      const page = jettyErrorPage(status, reasonPhrase(status), path);
      return { ...page, headers: { ...page.headers, ...headers } };
    }
    case 'malformed': {
      const body = typeof rule.body === 'string' ? rule.body : '{"error_code": "TEMPORARILY_UNAVAILABLE", "mess';
      return raw(rule.status ?? 200, body, { 'content-type': 'application/json', ...headers });
    }
    default: {
      const status = rule.status ?? 503;
      if (typeof rule.body === 'string') return raw(status, rule.body, { 'content-type': 'application/json', ...headers });
      if (rule.body !== undefined) return json(status, rule.body, headers);
      const d = defaultError(status);
      return error(status, d.code, d.message, [], headers);
    }
  }
}

/** The error_code and message Databricks typically answers with for a status. */
export function defaultError(status: number): { code: string; message: string } {
  const known: Record<number, { code: string; message: string }> = {
    400: { code: 'BAD_REQUEST', message: 'Bad request.' },
    401: { code: 'UNAUTHENTICATED', message: 'Unauthenticated.' },
    403: { code: 'PERMISSION_DENIED', message: 'Permission denied.' },
    404: { code: 'NOT_FOUND', message: 'Not found.' },
    409: { code: 'RESOURCE_CONFLICT', message: 'The resource was modified concurrently. Please retry.' },
    429: { code: 'REQUEST_LIMIT_EXCEEDED', message: 'The request was rejected because the workspace exceeded the rate limit. Please retry later.' },
    500: { code: 'INTERNAL_ERROR', message: 'There was an internal error handling the request. Please try again later.' },
    501: { code: 'NOT_IMPLEMENTED', message: 'Not implemented.' },
    502: { code: 'BAD_GATEWAY', message: 'Bad gateway.' },
    503: { code: 'TEMPORARILY_UNAVAILABLE', message: 'The service is temporarily unavailable. Please try again later.' },
    504: { code: 'DEADLINE_EXCEEDED', message: 'The request timed out.' },
  };
  return known[status] ?? { code: status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message: reasonPhrase(status) };
}

// ---------------------------------------------------------------------------------------------
// The JSON form of a rule, as POST /__fake/faults takes it

const ruleJson = z.strictObject({
  method: z.string().min(1).optional(),
  path: z.union([z.string().min(1), z.strictObject({ regex: z.string().min(1), flags: z.string().optional() })]),
  status: z.number().int().min(100).max(599).optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  times: z.union([z.number().int().min(1), z.literal('Infinity')]).optional(),
  offset: z.number().int().min(0).optional(),
  kind: z.enum(['respond', 'reset', 'latency', 'afterHandler', 'hang', 'html', 'malformed']).optional(),
  latencyMs: z.number().min(0).optional(),
});

/** A rule from its JSON form (`{"regex": "..."}` for a RegExp path, `"Infinity"` for endless times). */
export function parseFaultRule(value: unknown): FaultRule {
  const parsed = ruleJson.safeParse(value);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  const { path, times, ...rest } = parsed.data;
  return {
    ...rest,
    path: typeof path === 'string' ? path : new RegExp(path.regex, path.flags),
    times: times === 'Infinity' ? Infinity : times,
  };
}
