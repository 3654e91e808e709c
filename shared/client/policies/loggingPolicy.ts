/**
 * One debug line per attempt: method, path, status, duration, attempt. Never headers, query
 * strings or bodies, which may hold tokens or data.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '../pipeline';

export const loggingPolicyName = 'loggingPolicy';

export function loggingPolicy(options: { debug: (line: string) => void; now?: () => number }): PipelinePolicy {
  const now = options.now ?? Date.now;
  return {
    name: loggingPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const started = now();
      const what = `${request.method} ${request.url.host}${request.url.pathname}`;
      try {
        const response = await next(request);
        options.debug(`${what} → ${response.status} in ${now() - started} ms (attempt ${request.attempt})`);
        return response;
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).name;
        options.debug(`${what} → ${code} in ${now() - started} ms (attempt ${request.attempt})`);
        throw error;
      }
    },
  };
}
