import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { countLabelled, requireDocker, sandboxImage } from '../support';
import { attacksInOrder, runAttack } from './attacks';
import { EscapeLab } from './lab';

/**
 * The escape suite against the real hardened engine (the default tier): every
 * attack in escape/attacks.ts, run as root in a sandbox the way a learner
 * would, must be blocked, with its positive controls passing. "n/a" only
 * where this host lacks the thing attacked (the attack checks the host).
 * `npm run escape-report` runs the same attacks in both tiers.
 */
describe('escape suite: the hardened tier blocks every route out of a sandbox (real engine)', () => {
  const serverId = `test-escape-${randomBytes(4).toString('hex')}`;
  let lab: EscapeLab | undefined;

  before(async () => {
    const docker = await requireDocker();
    lab = await EscapeLab.open({ tier: 'userns', docker, image: sandboxImage(), serverId });
  });

  after(async () => {
    const docker = lab?.docker;
    await lab?.close();
    if (!docker) return;
    assert.deepEqual(await countLabelled(docker, `drydock.server=${serverId}`), { containers: 0, networks: 0, volumes: 0 });
    const disks = existsSync('/var/lib/drydock-disks') ? readdirSync('/var/lib/drydock-disks').filter((f) => f.includes(serverId)) : [];
    assert.deepEqual(disks, [], 'the lab left sandbox disks behind');
  });

  for (const attack of attacksInOrder()) {
    test(`${attack.id}: ${attack.route}`, async () => {
      assert.ok(lab, 'the lab did not start');
      const verdict = await runAttack(lab, attack);
      assert.ok(
        verdict.outcome === 'blocked' || verdict.outcome === 'not-applicable',
        `${attack.id}: ${verdict.outcome === 'escaped' ? 'ESCAPED' : verdict.outcome.toUpperCase()}\n${verdict.evidence}`,
      );
    });
  }
});
