#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
// The command has finished: exit once what it printed is flushed, so that a handle a library left
// open (a timer, a keep-alive socket) can never keep a CI job waiting.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
