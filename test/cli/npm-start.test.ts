import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

describe('npm start (the first run on a fresh machine)', function () {
  this.timeout(180_000);

  it('starts the local servers, builds and runs the samples against them (two credential profiles: two tokens), and exits 0', async () => {
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('npm', ['start', '--silent'], { env: { ...process.env, OAUTH2_CLIENT_SECRET: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /authorization server\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(result.output, /pm-oauth2 run: passed\n\s+environment\s+local .*\n\s+collections\s+3\n\s+requests\s+6\n\s+failures\s+0\n\s+token requests\s+2/);
  });
});
