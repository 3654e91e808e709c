/**
 * Static headers (User-Agent) and headers computed per attempt (the Azure service-principal
 * management token headers, which carry a token of their own).
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '../pipeline';

export const headersPolicyName = 'headersPolicy';

export type HeadersProvider = (signal?: AbortSignal) => Promise<Record<string, string>>;

export function headersPolicy(options: { userAgent: string; provider?: HeadersProvider }): PipelinePolicy {
  return {
    name: headersPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      request.headers.set('user-agent', options.userAgent);
      if (options.provider) {
        for (const [k, v] of Object.entries(await options.provider(request.signal))) request.headers.set(k, v);
      }
      return next(request);
    },
  };
}
