/**
 * The control API of the fake workspace, for processes that cannot reach the object (the
 * `npm start` demo, benchmarks, a task under test driven from a script). It needs no token and
 * its requests are never recorded.
 *
 *   POST   /__fake/faults     body: a fault rule in JSON (RegExp path as {"regex": "...", "flags": "i"},
 *                             endless times as "Infinity")                         → {"id": n}
 *   GET    /__fake/faults     → {"faults": [counters]}
 *   DELETE /__fake/faults     → {}
 *   GET    /__fake/requests   → {"requests": [recorded requests]}
 *   POST   /__fake/reset      body optional: {"all": true} also resets the store      → {}
 */
import type { IncomingMessage } from 'node:http';
import { parseFaultRule } from './faults';
import type { Reply } from './http';
import { endpointNotFound, error, json, parseJsonBody, readBody } from './http';
import type { FakeWorkspace } from './workspace';

export async function controlReply(workspace: FakeWorkspace, method: string, path: string, req: IncomingMessage): Promise<Reply> {
  const body = parseJsonBody(await readBody(req), req.headers['content-type']);
  if (!body.ok) return body.reply;
  switch (`${method} ${path}`) {
    case 'POST /__fake/faults': {
      try {
        return json(200, { id: workspace.faults.add(parseFaultRule(body.value)).id });
      } catch (e) {
        return error(400, 'INVALID_PARAMETER_VALUE', (e as Error).message);
      }
    }
    case 'GET /__fake/faults':
      // JSON has no Infinity: endless rules show "Infinity", as POST takes them.
      return json(200, { faults: workspace.faults.counters().map((c) => ({ ...c, times: Number.isFinite(c.times) ? c.times : 'Infinity' })) });
    case 'DELETE /__fake/faults':
      workspace.faults.clear();
      return json(200, {});
    case 'GET /__fake/requests':
      return json(200, { requests: workspace.requests });
    case 'POST /__fake/reset':
      if ((body.value as { all?: unknown } | undefined)?.all === true) workspace.resetAll();
      else workspace.reset();
      return json(200, {});
    default:
      return endpointNotFound(method, path);
  }
}
