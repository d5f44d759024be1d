#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that stops early (`pm-oauth2 decode - | head -1`) closes the pipe: nothing more is
// wanted, which is not an error.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const code = await main(process.argv.slice(2));
// The command has finished: exit once what it printed is flushed, so that a handle a library left
// open (a timer, a keep-alive socket) can never keep a CI job waiting.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
