/**
 * A process-wide tap on every request any fake service receives (Entra ID, Azure DevOps, managed
 * identity, ARM, workspace): the cold-start benchmark uses it to time "process start → first
 * request". Listeners get the arrival time from performance.now().
 */
export interface ObservedRequest {
  service: string;
  method: string;
  path: string;
  at: number;
}

type Listener = (request: ObservedRequest) => void;

const listeners = new Set<Listener>();

export function observeRequests(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyRequest(service: string, method: string | undefined, url: string | undefined): void {
  if (listeners.size === 0) return;
  const request: ObservedRequest = { service, method: method ?? 'GET', path: (url ?? '/').split('?')[0], at: performance.now() };
  for (const l of listeners) l(request);
}
