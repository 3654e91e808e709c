// The task entry the agent runs (bundled into ../index.js): everything happens in runTask.
import { runTask } from '../../../shared/runtime/task';
import { definition } from './definition';

void runTask(definition);
