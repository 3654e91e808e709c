/**
 * Preloaded into a task process (NODE_OPTIONS=--require) to play a Windows agent on Linux: the
 * agent's second cancel step on Windows is CTRL_BREAK, which Node reports as the `SIGBREAK` event
 * and which Linux cannot deliver. This turns a SIGUSR2 sent by the test into that event, so the
 * bundled task's own listeners run exactly as they would on Windows.
 */
process.on('SIGUSR2', () => {
  process.emit('SIGBREAK', 'SIGBREAK');
});
