/**
 * Turns non-2xx answers into DatabricksApiError, parsing the body defensively, and parses 2xx
 * JSON answers (an unparsable one is a RequestError PARSE_ERROR). Placed inside the retry
 * policy so that retries see typed errors.
 */
import { DatabricksApiError, RequestError } from '../errors';
import { parseErrorBody } from '../parseErrorBody';
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '../pipeline';
import { message } from '../../runtime/messages';

export const errorPolicyName = 'errorPolicy';

export function errorPolicy(): PipelinePolicy {
  return {
    name: errorPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const response = await next(request);
      if (response.status >= 200 && response.status < 300) {
        if (response.bodyText !== undefined && (request.headers.get('accept') ?? '').includes('application/json')) {
          response.bodyJson = parseJsonBody(response);
        }
        return response;
      }
      const parsed = parseErrorBody(
        response.status,
        response.headers.get('content-type'),
        response.bodyText ?? '',
        response.headers.get('x-request-id') ?? response.headers.get('x-databricks-request-id') ?? response.headers.get('x-ms-request-id'),
      );
      throw new DatabricksApiError({
        statusCode: response.status,
        errorCode: parsed.errorCode,
        message: parsed.message,
        requestId: parsed.requestId,
        details: parsed.details,
        request,
        response,
      });
    },
  };
}

function parseJsonBody(response: PipelineResponse): unknown {
  const text = response.bodyText ?? '';
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError('PARSE_ERROR', message('AnswerNotJson', response.status), response.request, error);
  }
}
