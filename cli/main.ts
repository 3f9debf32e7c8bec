#!/usr/bin/env node
/** The `kafka-eks` executable: runs the CLI with the process's arguments and sets the exit code. */
import { runCli } from './program';

void runCli(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
