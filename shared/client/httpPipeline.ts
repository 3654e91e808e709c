/**
 * The standard pipeline for an authenticated JSON API (Databricks, ARM):
 *   retry → error → headers → bearer token → logging → transport
 * Retry sits outside the bearer policy so every attempt gets a valid token; logging sits next to
 * the transport so every HTTP exchange is logged with its attempt number.
 */
import { createPipeline, throwingSend, type PipelinePolicy, type SendRequest, type ThrowingSend } from './pipeline';
import { retryPolicy } from './policies/retryPolicy';
import { errorPolicy } from './policies/errorPolicy';
import { headersPolicy, type HeadersProvider } from './policies/headersPolicy';
import { bearerTokenPolicy } from './policies/bearerTokenPolicy';
import { loggingPolicy } from './policies/loggingPolicy';
import { asTokenCycler, type TokenSource } from './tokenCycler';
import type { BackoffOptions } from './retryStrategies';
import type { Clock } from '../runtime/clock';
import { USER_AGENT } from '../version';

export interface HttpPipelineOptions {
  clock: Clock;
  transport: SendRequest;
  tokenSource?: TokenSource;
  headers?: HeadersProvider;
  retryBudgetMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  debug?: (line: string) => void;
}

export function createHttpPipeline(options: HttpPipelineOptions): ThrowingSend {
  const debug = options.debug ?? (() => undefined);
  const policies: PipelinePolicy[] = [
    retryPolicy({
      clock: options.clock,
      budgetMs: options.retryBudgetMs,
      backoff: options.backoff,
      random: options.random,
      onRetry: ({ request, error, decision, retryNumber }) =>
        debug(`Retry ${retryNumber} of ${request.method} ${request.url.pathname} in ${decision.delayMs} ms (${decision.reason}, delay from ${decision.source}): ${error.message}`),
    }),
    errorPolicy(),
    headersPolicy({ userAgent: USER_AGENT, provider: options.headers }),
  ];
  if (options.tokenSource) policies.push(bearerTokenPolicy(asTokenCycler(options.tokenSource, { clock: options.clock })));
  policies.push(loggingPolicy({ debug }));
  return throwingSend(createPipeline(policies, options.transport));
}
