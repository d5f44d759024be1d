import assert from 'node:assert/strict';
import { chooseTokenPath } from '../../src/runner/fast-path/choose-path.js';

describe('where pm-oauth2 run fetches tokens', () => {
  it('in process by default', () => {
    assert.deepEqual(chooseTokenPath({ PATH: '/bin' }, false), { inProcess: true });
  });

  it('through the collections\' script, and so through Newman, when a proxy is set or --in-sandbox asks', () => {
    for (const name of ['HTTPS_PROXY', 'http_proxy', 'ALL_PROXY']) {
      const path = chooseTokenPath({ [name]: 'http://proxy.internal:3128' }, false);
      assert.equal(path.inProcess, false, name);
      assert.match(path.inProcess ? '' : path.why, new RegExp(`^${name} is set`));
    }
    assert.deepEqual(chooseTokenPath({}, true), { inProcess: false, why: '--in-sandbox' });
    assert.deepEqual(chooseTokenPath({ HTTPS_PROXY: '' }, false), { inProcess: true }, 'an empty variable is no proxy');
  });
});
