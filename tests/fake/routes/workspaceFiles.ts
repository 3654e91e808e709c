/**
 * The workspace file tree (Workspace API 2.0): mkdirs, import (RAW files; SOURCE notebooks),
 * export, get-status and delete, with the service's errors: a missing parent folder is 404
 * RESOURCE_DOES_NOT_EXIST, an existing path without `overwrite` is 400 RESOURCE_ALREADY_EXISTS,
 * a missing path is 404 RESOURCE_DOES_NOT_EXIST ("Path (<path>) doesn't exist.").
 */
import { fail, json, type RequestContext } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    workspaceFiles: WorkspaceTree;
  }
}

export interface WorkspaceObject {
  path: string;
  object_type: 'DIRECTORY' | 'FILE' | 'NOTEBOOK';
  object_id: number;
  content?: Buffer;
  language?: string;
  modified_at: number;
}

export class WorkspaceTree {
  readonly objects = new Map<string, WorkspaceObject>();
  private nextId = 4_000_000_000;

  constructor(private readonly now: () => number) {
    for (const root of ['/', '/Shared', '/Users']) this.objects.set(root, this.make(root, 'DIRECTORY'));
  }

  private make(path: string, type: WorkspaceObject['object_type'], content?: Buffer): WorkspaceObject {
    return { path, object_type: type, object_id: this.nextId++, content, modified_at: this.now() };
  }

  /** The text of a file, for tests. */
  text(path: string): string | undefined {
    return this.objects.get(normalize(path))?.content?.toString('utf8');
  }

  mkdirs(path: string): void {
    const parts = normalize(path).split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current += `/${part}`;
      const existing = this.objects.get(current);
      if (existing && existing.object_type !== 'DIRECTORY') fail(400, 'RESOURCE_ALREADY_EXISTS', `Path (${current}) already exists and is not a directory.`);
      if (!existing) this.objects.set(current, this.make(current, 'DIRECTORY'));
    }
  }

  write(path: string, content: Buffer, type: 'FILE' | 'NOTEBOOK', overwrite: boolean): void {
    const p = normalize(path);
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    if (this.objects.get(parent)?.object_type !== 'DIRECTORY') fail(404, 'RESOURCE_DOES_NOT_EXIST', `The parent folder (${parent}) does not exist.`);
    const existing = this.objects.get(p);
    if (existing && !overwrite) fail(400, 'RESOURCE_ALREADY_EXISTS', `Path (${p}) already exists.`);
    if (existing?.object_type === 'DIRECTORY') fail(400, 'RESOURCE_ALREADY_EXISTS', `Path (${p}) is a directory.`);
    this.objects.set(p, { ...this.make(p, type, content), object_id: existing?.object_id ?? this.nextId++ });
  }

  require(path: string): WorkspaceObject {
    const p = normalize(path);
    return this.objects.get(p) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Path (${p}) doesn't exist.`);
  }

  delete(path: string, recursive: boolean): void {
    const object = this.require(path);
    const children = [...this.objects.keys()].filter((k) => k.startsWith(`${object.path}/`));
    if (children.length && !recursive) fail(400, 'DIRECTORY_NOT_EMPTY', `Folder (${object.path}) is not empty.`);
    for (const k of [object.path, ...children]) this.objects.delete(k);
  }
}

/** Workspace paths are absolute; `/Workspace/...` names the same object. */
function normalize(path: string): string {
  if (!path.startsWith('/')) fail(400, 'INVALID_PARAMETER_VALUE', `Path (${path}) must be absolute.`);
  const p = path.replace(/^\/Workspace(?=\/|$)/, '').replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

function body<T>(ctx: RequestContext): T {
  return (ctx.body ?? {}) as T;
}

function requirePath(value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: path');
  return value;
}

export const workspaceFilesRoutes: RouteModule = {
  name: 'workspaceFiles',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('workspaceFiles', () => new WorkspaceTree(() => workspace.now()));
    const tree = (ctx: RequestContext) => ctx.workspace.state.workspaceFiles;
    workspace.route('POST', '/api/2.0/workspace/mkdirs', (ctx) => {
      tree(ctx).mkdirs(requirePath(body<{ path?: string }>(ctx).path));
      return json(200, {});
    });
    workspace.route('POST', '/api/2.0/workspace/import', (ctx) => {
      const b = body<{ path?: string; content?: string; format?: string; overwrite?: boolean; language?: string }>(ctx);
      const path = requirePath(b.path);
      const format = b.format ?? 'SOURCE';
      if (!['RAW', 'SOURCE', 'AUTO'].includes(format)) fail(400, 'INVALID_PARAMETER_VALUE', `Unsupported import format ${format} in this fake.`);
      const content = Buffer.from(b.content ?? '', 'base64');
      if (content.length > 10 * 1024 * 1024) fail(400, 'MAX_NOTEBOOK_SIZE_EXCEEDED', 'The content exceeds 10 MB.');
      const notebook = format === 'SOURCE' || (format === 'AUTO' && /^(--|#|\/\/) Databricks notebook source/.test(content.toString('utf8')));
      if (format === 'SOURCE' && !b.language) fail(400, 'INVALID_PARAMETER_VALUE', 'language is required with format SOURCE.');
      tree(ctx).write(path, content, notebook ? 'NOTEBOOK' : 'FILE', b.overwrite ?? false);
      return json(200, {});
    });
    workspace.route('GET', '/api/2.0/workspace/export', (ctx) => {
      const object = tree(ctx).require(requirePath(ctx.query.get('path')));
      if (object.object_type === 'DIRECTORY') fail(400, 'INVALID_PARAMETER_VALUE', 'Exporting folders is not supported by this fake.');
      return json(200, { content: (object.content ?? Buffer.alloc(0)).toString('base64'), file_type: object.object_type === 'FILE' ? 'sql' : undefined });
    });
    workspace.route('GET', '/api/2.0/workspace/get-status', (ctx) => {
      const o = tree(ctx).require(requirePath(ctx.query.get('path')));
      return json(200, { path: o.path, object_type: o.object_type, object_id: o.object_id, modified_at: o.modified_at, ...(o.content ? { size: o.content.length } : {}) });
    });
    workspace.route('POST', '/api/2.0/workspace/delete', (ctx) => {
      const b = body<{ path?: string; recursive?: boolean }>(ctx);
      tree(ctx).delete(requirePath(b.path), b.recursive ?? false);
      return json(200, {});
    });
  },
};
