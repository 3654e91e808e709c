/**
 * Adds `Authorization: Bearer <token>` from a token cycler. Refuses to send a token over
 * plain http. A 401 drops the cached token and the request is sent once more with a new one
 * (a 401 means the request was not processed).
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '../pipeline';
import type { TokenCycler } from '../tokenCycler';
import { message } from '../../runtime/messages';

export const bearerTokenPolicyName = 'bearerTokenPolicy';

export function bearerTokenPolicy(cycler: TokenCycler): PipelinePolicy {
  return {
    name: bearerTokenPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (request.url.protocol !== 'https:') {
        throw new Error(message('BearerTokenNeedsHttps', request.url.protocol.replace(':', ''), request.url.origin));
      }
      request.headers.set('authorization', `Bearer ${(await cycler.getToken(request.signal)).token}`);
      const response = await next(request);
      if (response.status !== 401) return response;
      cycler.invalidate();
      request.headers.set('authorization', `Bearer ${(await cycler.getToken(request.signal)).token}`);
      return next(request);
    },
  };
}
