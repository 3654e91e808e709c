/**
 * Linear back-off, capped: step·n up to the cap (2 s, 4 s, 6 s … 15 s by default), the delays
 * Azure DevOps tasks use between OIDC token requests (microsoft/azure-pipelines-tasks,
 * Tasks/AzureCLIV2 `azCliUtility.ts` `initOIDCToken2`: `min(2000 * n, 15000)` ms). Pure.
 */
export interface LinearBackoffOptions {
  stepMs?: number;
  maxDelayMs?: number;
}

export function linearBackoffDelay(retryNumber: number, options: LinearBackoffOptions = {}): number {
  return Math.min((options.stepMs ?? 2000) * retryNumber, options.maxDelayMs ?? 15_000);
}
