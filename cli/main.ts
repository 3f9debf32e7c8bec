#!/usr/bin/env node
/** The `kafka-eks` executable: runs the CLI with the process's arguments and sets the exit code. */
import { runCli } from './program';

// A reader that stops early (`kafka-eks -h | head -3`) closes the pipe, and the next write fails
// with EPIPE. That is no failure of the command: drop the rest of the output and let the command
// finish (a synth in progress completes its swap) with its own exit code. Other stream errors
// still surface.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

void runCli(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
