/**
 * Built by scripts/build.mjs into the banner of every task bundle, so it runs before any module
 * of the task (see nodeVersion.ts). Not imported by the tasks themselves.
 */
import { enforceNodeVersion } from './nodeVersion';

enforceNodeVersion();
