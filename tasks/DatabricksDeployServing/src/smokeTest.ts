/**
 * The smoke test: one request to the ready endpoint. A non-2xx answer, or a body that is not a
 * JSON object with a `predictions` array, fails it. The answer is summarised (count, first
 * values, latency), never dumped: predictions can be large and may hold personal data.
 */
import { invokeServingEndpoint } from '../../../shared/api/serving';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, DatabricksApiError, RequestError } from '../../../shared/client/errors';
import type { Clock } from '../../../shared/runtime/clock';

const SHOWN_VALUES = 3;
const SHOWN_CHARS = 200;

export interface SmokeTestResult {
  ok: boolean;
  status?: number;
  predictions?: number;
  latencyMs?: number;
  summary: string;
}

export async function runSmokeTest(client: DatabricksClient, clock: Clock, endpointName: string, payload: unknown, signal?: AbortSignal): Promise<SmokeTestResult> {
  const started = clock.now();
  try {
    const answer = await invokeServingEndpoint(client, endpointName, payload, signal);
    const latencyMs = clock.now() - started;
    const predictions = answer.predictions;
    if (!Array.isArray(predictions)) {
      return { ok: false, status: 200, latencyMs, summary: `the answer has no predictions array (keys: ${Object.keys(answer).slice(0, 10).join(', ') || 'none'})` };
    }
    const first = predictions.slice(0, SHOWN_VALUES).map((p) => JSON.stringify(p)).join(', ');
    const shown = first.length > SHOWN_CHARS ? `${first.slice(0, SHOWN_CHARS)}…` : first;
    const more = predictions.length > SHOWN_VALUES ? ', …' : '';
    return { ok: true, status: 200, predictions: predictions.length, latencyMs, summary: `${predictions.length} prediction(s) in ${latencyMs} ms: [${shown}${more}]` };
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    const latencyMs = clock.now() - started;
    if (e instanceof DatabricksApiError) return { ok: false, status: e.statusCode, latencyMs, summary: `HTTP ${e.statusCode} ${e.errorCode}: ${e.serviceMessage}` };
    if (e instanceof RequestError) {
      const what = e.code === 'PARSE_ERROR' ? 'the answer is not JSON' : `no answer (${e.code})`;
      return { ok: false, latencyMs, summary: what };
    }
    throw e;
  }
}
