/* global require, process */
// Runs a task bundle in this process and writes its CPU time (process.cpuUsage) when it exits:
// the runJob benchmark's way to measure the task's own CPU, start-up included.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(process.env.BENCH_CPU_FILE, JSON.stringify(process.cpuUsage())));
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(process.env.BENCH_TASK_ENTRY);
