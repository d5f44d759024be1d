import assert from 'node:assert/strict';
import { runProcess } from '../helpers/process.js';

describe('npm start (the first run on a fresh machine)', function () {
  this.timeout(180_000);

  it('starts the local servers, builds and runs the samples against them (two credential profiles: two tokens), and exits 0', async () => {
    const result = await runProcess('npm', ['start', '--silent'], {
      env: { OAUTH2_CLIENT_SECRET: undefined },
      limitMs: 170_000,
    });
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    assert.match(output, /authorization server\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(
      output,
      /pm-oauth2 run: passed\n\s+environment\s+local .*\n\s+collections\s+3\n\s+requests\s+6\n\s+failures\s+0\n\s+token requests\s+2/,
    );
  });
});
