#!/usr/bin/env node
/** `ccgate` (the package's bin) and `npm start`: the command line in src/cli/; nothing starts on --help or --version. */
import { runCli } from './cli/index.js';

await runCli(process.argv);
