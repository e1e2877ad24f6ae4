import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pythonModulesMissing, requireInCI } from './external-tools.ts';

describe('requireInCI', () => {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });

  it('passes an available tool through', () => {
    process.env.CI = 'true';
    assert.equal(requireInCI(undefined), undefined);
  });

  it('skips with the reason outside CI', () => {
    delete process.env.CI;
    assert.equal(requireInCI('kcat not found'), 'kcat not found');
  });

  it('fails in CI, where nothing may be skipped', () => {
    process.env.CI = 'true';
    assert.throws(() => requireInCI('kcat not found'), /CI=true and a test tool is missing: kcat not found/);
  });
});

describe('pythonModulesMissing', () => {
  it('names the Debian package of a module that cannot be imported', () => {
    const reason = pythonModulesMissing(['json', 'no_such_module_here']);
    assert.match(
      reason ?? '',
      /cannot import no_such_module_here: apt-get install -y python3-no-such-module-here/,
    );
  });

  it('is satisfied by standard modules', () => {
    assert.equal(pythonModulesMissing(['json']), undefined);
  });
});
