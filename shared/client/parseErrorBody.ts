/**
 * Turns any error answer into (error_code, message, details, request id). Databricks answers
 * JSON, but proxies and load balancers answer HTML or `ERROR_CODE: message` text, ARM answers
 * {"error":{"code","message"}}, and Entra misconfiguration yields HTML with a <title>.
 */
import type { ErrorDetail } from './errors';

export interface ParsedError {
  errorCode: string;
  message: string;
  details: ErrorDetail[];
  requestId?: string;
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  499: 'CANCELLED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  502: 'BAD_GATEWAY',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function errorCodeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : status >= 400 ? 'BAD_REQUEST' : 'UNKNOWN');
}

const MAX_MESSAGE = 500;

export function parseErrorBody(status: number, contentType: string | null, body: string, headerRequestId?: string | null): ParsedError {
  const fallbackCode = errorCodeForStatus(status);
  const text = body.trim();
  const json = tryJson(text);
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    const details = Array.isArray(o.details) ? (o.details.filter((d) => d && typeof d === 'object') as ErrorDetail[]) : [];
    const requestInfo = details.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.RequestInfo'));
    const requestId = (typeof requestInfo?.request_id === 'string' ? requestInfo.request_id : undefined) ?? headerRequestId ?? undefined;
    if (typeof o.error_code === 'string' || typeof o.message === 'string') {
      return { errorCode: str(o.error_code) || fallbackCode, message: clip(str(o.message) || str(o.error) || `HTTP ${status}`), details, requestId };
    }
    if (o.error && typeof o.error === 'object') {
      const e = o.error as Record<string, unknown>;
      return { errorCode: str(e.code) || fallbackCode, message: clip(str(e.message) || `HTTP ${status}`), details, requestId };
    }
    if (typeof o.error === 'string') {
      return { errorCode: fallbackCode, message: clip([o.error, o.error_description].filter((x) => typeof x === 'string').join(': ')), details, requestId };
    }
  }
  if (/^\s*</.test(text) || contentType?.includes('html')) {
    return { errorCode: fallbackCode, message: clip(htmlToText(text) || `HTTP ${status}`), details: [], requestId: headerRequestId ?? undefined };
  }
  const codeLine = /^([A-Z][A-Z0-9_]{2,}):\s*([\s\S]*)$/.exec(text);
  if (codeLine) return { errorCode: codeLine[1], message: clip(codeLine[2] || codeLine[1]), details: [], requestId: headerRequestId ?? undefined };
  return { errorCode: fallbackCode, message: clip(text || `HTTP ${status}`), details: [], requestId: headerRequestId ?? undefined };
}

function tryJson(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function htmlToText(html: string): string {
  const pick = /<pre[^>]*>([\s\S]*?)<\/pre>/i.exec(html) ?? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html) ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  const raw = pick ? pick[1] : html;
  return raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function clip(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}
