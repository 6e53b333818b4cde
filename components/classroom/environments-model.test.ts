import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deleteQuestion, duration, environmentLabel, machinesOf, relativeTime, stateText } from './environments-model';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('environments model', () => {
  test('names: the lesson id, the machine of a lab, course-wide for the shared one', () => {
    assert.equal(environmentLabel('dind:networking'), 'networking');
    assert.equal(environmentLabel('dind:swarm@2'), 'swarm · node2');
    assert.equal(environmentLabel('dind'), 'course-wide');
    // Machine 1 of a lab says so when another machine of it is listed, and not otherwise.
    const lab = ['dind:swarm', 'dind:swarm@2', 'dind:swarm@3', 'dind:swarm-basics'];
    assert.deepEqual(
      lab.map((e) => environmentLabel(e, lab)),
      ['swarm · node1', 'swarm · node2', 'swarm · node3', 'swarm-basics'],
    );
    assert.equal(environmentLabel('not an environment'), 'not an environment', 'shown as it is');
  });

  test('deleting a machine of a lab deletes the lab, and the question says so', () => {
    const all = ['dind', 'dind:swarm', 'dind:swarm@2'];
    assert.equal(machinesOf('dind:swarm@2', all), 2);
    assert.equal(machinesOf('dind', all), 1);
    assert.match(deleteQuestion('dind:swarm@2', all), /^Delete swarm and both its machines\? Its files, images, volumes and shell history are gone for good/);
    assert.match(deleteQuestion('dind:swarm', [...all, 'dind:swarm@3']), /^Delete swarm and all 3 of its machines\? /);
    assert.match(deleteQuestion('dind:networking', ['dind:networking']), /^Delete networking\? /);
    assert.match(deleteQuestion('dind', all), /^Delete course-wide\? /);
  });

  test('relative times, past and future', () => {
    const cases: [number, string][] = [
      [0, 'just now'],
      [-30_000, 'just now'],
      [-50_000, '1 minute ago'],
      [-5 * MINUTE, '5 minutes ago'],
      [-59 * MINUTE, '59 minutes ago'],
      [-90 * MINUTE, '2 hours ago'],
      [-3 * HOUR, '3 hours ago'],
      [-23 * HOUR, '23 hours ago'],
      [-26 * HOUR, 'yesterday'],
      [-3 * DAY, '3 days ago'],
      [30_000, 'in a moment'],
      [5 * HOUR, 'in 5 hours'],
      [7 * DAY, 'in 7 days'],
      [7 * DAY - 3 * HOUR, 'in 7 days'],
      [30 * HOUR, 'tomorrow'],
    ];
    for (const [delta, expected] of cases) assert.equal(relativeTime(NOW + delta, NOW), expected, `${delta} ms`);
  });

  test('durations: how long parked environments are kept', () => {
    assert.equal(duration(7 * DAY), '7 days');
    assert.equal(duration(DAY), '1 day');
    assert.equal(duration(12 * HOUR), '12 hours');
    assert.equal(duration(30 * MINUTE), '30 minutes');
    assert.equal(duration(10_000), 'under a minute');
  });

  test('state: running says when it was last active; parked says since when and when it is removed', () => {
    assert.deepEqual(stateText({ environment: 'dind:networking', state: 'running', since: NOW - 2 * MINUTE }, 7 * DAY, NOW), {
      state: 'Running',
      since: 'active 2 minutes ago',
    });
    assert.deepEqual(stateText({ environment: 'dind:networking', state: 'parked', since: NOW - 3 * HOUR }, 7 * DAY, NOW), {
      state: 'Parked',
      since: 'parked 3 hours ago',
      removal: 'removed in 7 days',
      removedAt: NOW - 3 * HOUR + 7 * DAY,
    });
    // Past its time (the next sweep takes it), and a server clock a little ahead of the browser's.
    assert.equal(stateText({ environment: 'dind', state: 'parked', since: NOW - 8 * DAY }, 7 * DAY, NOW).removal, 'removed soon');
    assert.equal(stateText({ environment: 'dind', state: 'running', since: NOW + 20_000 }, 7 * DAY, NOW).since, 'active just now');
  });
});
