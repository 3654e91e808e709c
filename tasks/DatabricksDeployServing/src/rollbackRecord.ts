/**
 * The rollback record: the served entities and traffic an endpoint served before this task's
 * last rollout, kept ON THE ENDPOINT as tags (PATCH /serving-endpoints/{name}/tags, databricks-sdk-py
 * ServingEndpointsAPI.patch), so that restoring it (`trafficMode: rollback`, or the rollback after a cancellation)
 * does not depend on the agent that started the rollout surviving.
 *
 * Encoding. The record is the exact PUT /config body that restores the previous config
 * (`configToUpdate`: every served-entity field the task keeps, including the carried ones such
 * as provisioned concurrency or instance profiles, and the traffic routes), as JSON, compressed
 * (raw deflate) and base64url-encoded, then cut into parts of at most MAX_TAG_VALUE characters:
 *   databricks-mlops-rollback     v1;state=ready;parts=3;sha=…;config=4;at=2026-12-01T23:30:00.000Z
 *   databricks-mlops-rollback-1   <part 1>
 *   …
 * Neither the Databricks docs nor the SDK types (`EndpointTag`: key, optional value) document a tag
 * length or count limit for serving endpoints, so the parts stay at 255 characters (the
 * smallest tag-value limit of the Databricks tagging APIs we know of) and the record at most
 * MAX_PARTS parts. A record that does not fit is never cut: the header says `state=incomplete`
 * (and stale parts are deleted), so a rollback refuses instead of restoring something partial
 * or older. The `sha` (of the encoded payload) ties the parts to their header: parts from
 * another write are detected, never mixed.
 *
 * After a successful rollback the header is rewritten with `state=used` (the parts are kept):
 * running rollback again on an endpoint that already serves the record succeeds without a
 * write; on one that serves something else it fails clearly, instead of restoring a config
 * older than the last rollout.
 *
 * The tag-diff of the `tags` input never deletes tags (gateway.ts planTags), and keys under
 * RECORD_TAG are reserved (the `tags` input refuses them), so neither fights the other.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EndpointConfigUpdate, EndpointTag, ServedEntityOutput } from '../../../shared/api/serving';
import { configFrom, configToUpdate, describeEntity, type ServingConfig } from './servedConfig';

export const RECORD_TAG = 'databricks-mlops-rollback';
const PART_PREFIX = `${RECORD_TAG}-`;
export const MAX_TAG_VALUE = 255;
export const MAX_PARTS = 16;

export type RecordState = 'ready' | 'used' | 'incomplete';

export interface RecordHeader {
  state: RecordState;
  parts: number;
  sha: string;
  /** config_version of the endpoint when the record was taken. */
  configVersion?: number;
  at: string;
}

export type ReadRecord =
  { kind: 'none' } | { kind: 'incomplete'; header: RecordHeader } | { kind: 'corrupt'; reason: string } | { kind: 'ok'; header: RecordHeader; config: ServingConfig };

/** The tags to write (header first) and the stale part keys to delete. */
export interface RecordWrite {
  complete: boolean;
  header: RecordHeader;
  addTags: EndpointTag[];
  deleteTags: string[];
  /** The encoded size, for the log. */
  encodedLength: number;
}

export function isRecordTag(key: string): boolean {
  return key === RECORD_TAG || key.startsWith(PART_PREFIX);
}

/** The record of `previous` (what the endpoint serves now), replacing any record in `current`. */
export function recordWrite(previous: ServingConfig, current: EndpointTag[] | undefined, at: Date, configVersion?: number): RecordWrite {
  const payload = deflateRawSync(Buffer.from(JSON.stringify(configToUpdate(previous)), 'utf8')).toString('base64url');
  const parts: string[] = [];
  for (let i = 0; i < payload.length; i += MAX_TAG_VALUE) parts.push(payload.slice(i, i + MAX_TAG_VALUE));
  const complete = parts.length <= MAX_PARTS;
  const sha = createHash('sha256').update(payload).digest('hex').slice(0, 16);
  const header: RecordHeader = { state: complete ? 'ready' : 'incomplete', parts: complete ? parts.length : 0, sha: complete ? sha : '-', configVersion, at: at.toISOString() };
  const addTags: EndpointTag[] = [{ key: RECORD_TAG, value: formatHeader(header) }];
  if (complete) parts.forEach((value, i) => addTags.push({ key: `${PART_PREFIX}${i + 1}`, value }));
  const keep = new Set(addTags.map((t) => t.key));
  const deleteTags = (current ?? []).map((t) => t.key).filter((k) => isRecordTag(k) && !keep.has(k));
  return { complete, header, addTags, deleteTags, encodedLength: payload.length };
}

export function readRecord(tags: EndpointTag[] | undefined): ReadRecord {
  const byKey = new Map((tags ?? []).map((t) => [t.key, t.value ?? '']));
  const headerText = byKey.get(RECORD_TAG);
  if (headerText === undefined) return { kind: 'none' };
  const header = parseHeader(headerText);
  if (!header) return { kind: 'corrupt', reason: `tag ${RECORD_TAG} is not a record header ('${headerText.slice(0, 80)}')` };
  if (header.state === 'incomplete') return { kind: 'incomplete', header };
  let payload = '';
  for (let i = 1; i <= header.parts; i++) {
    const part = byKey.get(`${PART_PREFIX}${i}`);
    if (part === undefined) return { kind: 'corrupt', reason: `tag ${PART_PREFIX}${i} of ${header.parts} is missing` };
    payload += part;
  }
  if (createHash('sha256').update(payload).digest('hex').slice(0, 16) !== header.sha) return { kind: 'corrupt', reason: 'the parts do not match the header (sha differs)' };
  try {
    const body = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8')) as EndpointConfigUpdate;
    const entities = (body.served_entities ?? []) as ServedEntityOutput[];
    if (entities.length === 0) return { kind: 'corrupt', reason: 'the record has no served entities' };
    return { kind: 'ok', header, config: configFrom(entities, body.traffic_config) };
  } catch (e) {
    return { kind: 'corrupt', reason: `the record cannot be decoded (${(e as Error).message})` };
  }
}

/** The header rewritten as used (after a successful rollback). */
export function usedHeaderTag(header: RecordHeader): EndpointTag {
  return { key: RECORD_TAG, value: formatHeader({ ...header, state: 'used' }) };
}

export function formatHeader(h: RecordHeader): string {
  return `v1;state=${h.state};parts=${h.parts};sha=${h.sha};${h.configVersion !== undefined ? `config=${h.configVersion};` : ''}at=${h.at}`;
}

function parseHeader(text: string): RecordHeader | undefined {
  const [version, ...fields] = text.split(';');
  if (version !== 'v1') return undefined;
  const f = new Map(fields.map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
  const state = f.get('state');
  const parts = Number(f.get('parts'));
  if ((state !== 'ready' && state !== 'used' && state !== 'incomplete') || !Number.isInteger(parts) || parts < 0 || parts > MAX_PARTS) return undefined;
  const config = f.get('config');
  return { state, parts, sha: f.get('sha') ?? '', configVersion: config !== undefined ? Number(config) : undefined, at: f.get('at') ?? '' };
}

/** `a-7 (main.ml.m v7, Small CPU scale to zero) 90%, b-8 (…) 10%`. */
export function describeConfig(config: ServingConfig): string {
  return config.entities.map((e) => describeEntity(e, config.traffic[e.name])).join(', ');
}
