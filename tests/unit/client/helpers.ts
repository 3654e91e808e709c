import { DatabricksApiError, RequestError } from '../../../shared/client/errors';
import type { HttpMethod, PipelineRequest, PipelineResponse } from '../../../shared/client/pipeline';

export function request(method: HttpMethod = 'GET', path = '/api/2.0/thing', extra: Partial<PipelineRequest> = {}): PipelineRequest {
  return {
    method,
    url: new URL(`https://adb-1.azuredatabricks.net${path}`),
    headers: new Headers({ accept: 'application/json' }),
    timeoutMs: 60_000,
    idempotent: method === 'GET' || method === 'PUT' || method === 'DELETE',
    attempt: 1,
    ...extra,
  };
}

export function response(req: PipelineRequest, status: number, body: unknown = {}, headers: Record<string, string> = {}): PipelineResponse {
  return { request: req, status, headers: new Headers(headers), bodyText: typeof body === 'string' ? body : JSON.stringify(body) };
}

export function apiError(status: number, errorCode: string, headers: Record<string, string> = {}, details: unknown[] = [], method: HttpMethod = 'GET'): DatabricksApiError {
  const req = request(method);
  return new DatabricksApiError({
    statusCode: status,
    errorCode,
    message: `${errorCode} happened`,
    details: details as never,
    request: req,
    response: response(req, status, {}, headers),
  });
}

export function networkError(code: ConstructorParameters<typeof RequestError>[0], method: HttpMethod = 'GET'): RequestError {
  return new RequestError(code, 'boom', request(method));
}
