/* global require, process */
// Runs a task bundle in this process and writes its CPU time (process.cpuUsage) when it exits:
// the runJob benchmark's way to measure the task's own CPU, start-up included.
const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(process.env.BENCH_CPU_FILE, JSON.stringify(process.cpuUsage())));
require(process.env.BENCH_TASK_ENTRY);
