/**
 * The scenarios of every task the suite knows. A task without scenarios here is reported as
 * SKIP by each check, so a missing one is visible rather than silently untested.
 */
import type { FuzzSpec, Scenario } from '../types';
import { deployServingFuzz, deployServingScenarios } from './deployServing';
import { createMonitorFuzz, monitoringScenarios, refreshMonitorsFuzz } from './monitoring';
import { registerModelFuzz, registerModelScenarios } from './registerModel';
import { runJobFuzz, runJobScenarios } from './runJob';

export const TASKS = ['DatabricksRegisterModel', 'DatabricksDeployServing', 'DatabricksCreateMonitor', 'DatabricksRefreshMonitors', 'DatabricksRunJob'] as const;

/** Every scenario; the first of each task is its happy path (the fault matrix runs on it). */
export function allScenarios(timeScale: number): Scenario[] {
  return [...registerModelScenarios, ...deployServingScenarios(timeScale), ...monitoringScenarios(timeScale), ...runJobScenarios(timeScale)];
}

export const fuzzSpecs: FuzzSpec[] = [registerModelFuzz, deployServingFuzz, createMonitorFuzz, refreshMonitorsFuzz, runJobFuzz];
