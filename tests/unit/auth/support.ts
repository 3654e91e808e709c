/**
 * Test plumbing for the auth suites: a real HTTPS transport over undici that trusts the test
 * CA (standing in for shared/client/transport.ts), a setSecret spy that records the order of
 * masking against the fakes' request log, and scoped environment variables.
 */
import { Agent, fetch } from 'undici';
import { createPipeline, throwingSend, type AnsweringSend, type PipelineRequest, type PipelineResponse, type ThrowingSend } from '../../../shared/client/pipeline';
import { errorPolicy } from '../../../shared/client/policies/errorPolicy';
import { nextSequence } from '../../fake/azureHttps';

/**
 * One Agent per CA for the whole run, shared by every transport made here (the fakes close
 * their connections when they stop), instead of a new Agent per call that is never closed.
 */
const agents = new Map<string, Agent>();

function agentFor(ca: string): Agent {
  let agent = agents.get(ca);
  if (!agent) {
    agent = new Agent({ connect: { ca } });
    agents.set(ca, agent);
  }
  return agent;
}

export function undiciSend(ca: string): AnsweringSend & { sent: PipelineRequest[] } {
  const dispatcher = agentFor(ca);
  const sent: PipelineRequest[] = [];
  const send = async (request: PipelineRequest): Promise<PipelineResponse> => {
    sent.push(request);
    const body = typeof request.body === 'function' ? undefined : request.body;
    const res = await fetch(request.url, { method: request.method, headers: headerRecord(request.headers), body, signal: request.signal, dispatcher });
    return { request, status: res.status, headers: new Headers([...res.headers]), bodyText: await res.text() };
  };
  return Object.assign(send, { sent, nonSuccess: 'answers' as const });
}

/** The send with the error policy around it, as production gives resolveWorkspace. */
export function throwingOnError(send: AnsweringSend): ThrowingSend {
  return throwingSend(createPipeline([errorPolicy()], send));
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  return record;
}

export interface SecretSpy {
  setSecret(value: string): void;
  /** Values masked, with their place in the global sequence shared with the fakes. */
  readonly masked: Array<{ value: string; seq: number }>;
  seqOf(value: string): number | undefined;
}

export function secretSpy(): SecretSpy {
  const masked: Array<{ value: string; seq: number }> = [];
  return {
    masked,
    setSecret: (value) => masked.push({ value, seq: nextSequence() }),
    seqOf: (value) => masked.find((m) => m.value === value)?.seq,
  };
}

/** Sets environment variables for the duration of a suite; returns the restore function. */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(values);
  return () => apply(saved);
}
