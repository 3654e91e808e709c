// Types of scripts/versioning.mjs for the TypeScript tests.
export interface TaskVersion {
  Major: number;
  Minor: number;
  Patch: number;
}
export const MINOR_STRIDE: number;
export function parseVersion(text: string): [number, number, number];
export function taskVersion(extensionVersion: string, taskMajor: number): TaskVersion;
export function compareTaskVersions(a: TaskVersion, b: TaskVersion): -1 | 0 | 1;
export function releasedVersions(changelog: string): string[];
export function assertMonotonic(version: string, released: string[], taskMajors: number[]): void;
