/**
 * The inference-log check (verifyInferenceLogMinutes): the smoke request carries a unique
 * `client_request_id` ("recorded in the inference table", go-sdk `QueryEndpointInput`), and the
 * payload table is read through the SQL warehouse until that id appears or the minutes pass.
 * Delivery is best effort and usually within an hour (https://learn.microsoft.com/azure/databricks/ai-gateway/inference-tables), and the table itself is
 * created after the first logged request, so "not found yet" (or no table yet) is a warning, not
 * a failure: the deployment already passed its smoke test.
 */
import { quoteName, runSelect, StatementFailedError } from '../../../shared/api/sql';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { poll, PollTimeoutError } from '../../../shared/client/poll';
import type { TaskContext } from '../../../shared/runtime/task';
import { message } from './messages';

/** Between reads of the payload table (task time): rows arrive in minutes, not seconds. */
const POLL_INTERVAL_MS = 30_000;
/** The documented delivery delay, for messages. */
/** How inference tables deliver rows (a localizable message, looked up at use). */
const deliveryNote = (): string => message('InferenceDeliveryNote');

/** A unique, recognisable id: `ado-smoke-<job>-<attempt>-<time>` (monitoring can exclude `ado-smoke-%`). */
export function smokeRequestId(ctx: Pick<TaskContext, 'variable' | 'clock'>): string {
  const job = ctx.variable('System.JobId') ?? ctx.variable('Build.BuildId') ?? 'local';
  const attempt = ctx.variable('System.JobAttempt') ?? '1';
  return `ado-smoke-${job}-${attempt}-${Date.now().toString(36)}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 128);
}

export interface InferenceLogCheck {
  table: string;
  clientRequestId: string;
  found: boolean;
  waitedSeconds: number;
  message: string;
}

/** Missing table: not created yet (no request logged so far). */
function isMissingTable(e: unknown): boolean {
  return e instanceof StatementFailedError && (e.sqlState === '42P01' || /TABLE_OR_VIEW_NOT_FOUND/.test(`${e.errorCode ?? ''} ${e.serviceMessage ?? ''}`));
}

export async function verifyInferenceLog(
  deps: { client: DatabricksClient; ctx: TaskContext },
  request: { warehouseId: string; table: string; clientRequestId: string; minutes: number },
): Promise<InferenceLogCheck> {
  const { client, ctx } = deps;
  const started = ctx.clock.now();
  const waited = () => Math.round(ctx.clock.since(started) / 1000);
  const statement = `SELECT request_time, status_code FROM ${quoteName(request.table)} WHERE client_request_id = :id LIMIT 1`;
  ctx.log.section(message('CheckingInferenceLog', request.table));
  ctx.log.info(message('WaitingForSmokeRequest', request.minutes, request.clientRequestId, request.table, deliveryNote()));
  try {
    const { result } = await poll<{ found: boolean; status: string }, { time?: string; statusCode?: string }>({
      read: async () => {
        try {
          const rows = await runSelect(client, request.warehouseId, statement, { id: request.clientRequestId }, { clock: ctx.clock, signal: ctx.signal });
          const row = rows.rows[0];
          return row
            ? { found: true, status: 'found', time: String(row.request_time ?? ''), statusCode: String(row.status_code ?? '') }
            : { found: false, status: message('InferenceLogNotThereYet') };
        } catch (e) {
          if (isMissingTable(e)) return { found: false, status: message('InferenceLogNoTableYet') };
          throw e;
        }
      },
      evaluate: (r) => (r.found ? { done: true, result: r as { time?: string; statusCode?: string } } : { done: false, status: r.status }),
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: request.minutes * 60_000,
      initialIntervalMs: POLL_INTERVAL_MS,
      maxIntervalMs: POLL_INTERVAL_MS,
      onStatus: (status) => ctx.log.info(`${request.table}: ${status}`),
      onProgress: (percent, status) => ctx.log.progress(percent, `${request.table}: ${status}`),
      describeTimeout: () => message('InferenceLogNotFoundAfter', request.minutes),
    });
    const minutes = Math.max(1, Math.round(waited() / 60));
    const text = result.statusCode
      ? message('SmokeRequestLoggedStatus', request.table, waited() < 60 ? `${waited()} s` : `${minutes} min`, result.statusCode)
      : message('SmokeRequestLogged', request.table, waited() < 60 ? `${waited()} s` : `${minutes} min`);
    ctx.log.info(text);
    return { table: request.table, clientRequestId: request.clientRequestId, found: true, waitedSeconds: waited(), message: text };
  } catch (e) {
    if (!(e instanceof PollTimeoutError)) throw e;
    const text = message('SmokeRequestNotLogged', request.clientRequestId, request.table, request.minutes, deliveryNote());
    ctx.log.warning(text);
    return { table: request.table, clientRequestId: request.clientRequestId, found: false, waitedSeconds: waited(), message: text };
  }
}
