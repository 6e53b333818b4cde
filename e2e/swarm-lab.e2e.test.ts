import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadLesson } from '../lib/lesson-format/loader';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newContext, screenshotPath, terminalText, typeInTerminal, waitForTerminal } from './support/browser';

/**
 * A multi-machine lab in real Chromium against the real platform and engine
 * (swarm-lab: 3 machines): a tab per machine, each its own engine and
 * hostname; the learner makes them a swarm by typing in each tab, runs a
 * service across them, pings over an overlay from node3 to node1, and Check
 * grades state on node1 and on node3. The platform's teardown finds nothing
 * left behind.
 */
const lesson = loadLesson('swarm-lab');
if (!lesson?.ok) throw new Error('swarm-lab must parse');
const slideOf = (exercise: string): number => lesson.lesson.slides.findIndex((s) => s.exercise?.id === exercise) + 1;

describe('a three-machine Swarm lab in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  before(async () => {
    platform = await startPlatformProcess({ env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_SELF_PACED_WARM_MAX: '0' } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes or lab networks left behind');
  });

  const machineTab = (page: Page, n: number) => page.getByRole('tablist', { name: 'Machines' }).getByRole('tab', { name: `node${n}` });
  const onMachine = async (page: Page, n: number): Promise<void> => {
    await machineTab(page, n).click();
    await waitForTerminal(page, new RegExp(`root@node${n}:~#`), 180_000);
  };
  const check = async (page: Page, exercise: string): Promise<void> => {
    // Only the hash changes, so the page (and the machine tab shown) stays; Check grades whatever tab is shown.
    await page.goto(`${platform.url}/lessons/swarm-lab#${slideOf(exercise)}`);
    await page.getByTestId('check-button').click();
    await page.getByTestId('check-result').getByText(/^Passed \(attempt \d+\)\./).waitFor({ timeout: 30_000 });
  };

  test('three machines, one swarm: join in each tab, a service on every node, an overlay pinged across, graded on node1 and node3', { timeout: 15 * 60_000 }, async (t) => {
    const context = await newContext(t, browser, { viewport: { width: 1500, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${platform.url}/lessons/swarm-lab`);
    assert.match(await page.getByTestId('environment-badge').innerText(), /Fresh environment · 3 machines/);
    assert.deepEqual(await page.getByRole('tablist', { name: 'Machines' }).getByRole('tab').allInnerTexts(), ['node1', 'node2', 'node3']);
    await waitForTerminal(page, /root@node1:~#/, 180_000);

    // node1: the manager. The token is printed in two halves, so a wrapped terminal line cannot cut it.
    await typeInTerminal(page, 'docker swarm init --advertise-addr "$(hostname -i)" >/dev/null && t=$(docker swarm join-token -q worker) && echo "A=${t:0:40}" && echo "B=${t:40}"');
    const screen = await waitForTerminal(page, /^B=\S+$/m, 60_000);
    const token = `${/^A=(\S+)$/m.exec(screen)![1]}${/^B=(\S+)$/m.exec(screen)![1]}`;
    assert.match(token, /^SWMTKN-1-/);

    for (const n of [2, 3]) {
      await onMachine(page, n);
      await typeInTerminal(page, `docker swarm join --token ${token} node1:2377`);
      await waitForTerminal(page, /This node joined a swarm as a worker\./, 60_000);
    }
    await check(page, 'swarm-of-three');
    await onMachine(page, 1);

    // A service on every node (at most 2 tasks per node, as the exercise asks), and the terminal's view of which task runs where.
    await typeInTerminal(page, 'docker service create -d --no-resolve-image --name web --endpoint-mode dnsrr --replicas 6 --replicas-max-per-node 2 busybox httpd -f -p 80 >/dev/null && timeout 60 sh -c \'until [ "$(docker service ls --filter name=web --format "{{.Replicas}}" | cut -d" " -f1)" = 6/6 ]; do sleep 1; done\' && echo six-$((3+3))');
    await waitForTerminal(page, /^six-6$/m, 90_000);
    await typeInTerminal(page, 'for n in $(docker node ls --format "{{.Hostname}}"); do echo "== $n $(docker node ps $n --filter desired-state=running -q | wc -l) tasks"; done');
    const view = await waitForTerminal(page, /^== node3 \d+ tasks$/m, 30_000);
    for (const n of [1, 2, 3]) assert.match(view, new RegExp(`^== node${n} [1-9]\\d* tasks$`, 'm'), `node${n} runs some of web`);
    await check(page, 'spread-the-service');

    // An overlay across machines, as the exercise asks: backplane (10.77.0.0/24), api on node2, client on node3 pings it.
    await typeInTerminal(page, 'docker network create -d overlay --attachable --subnet 10.77.0.0/24 backplane >/dev/null && echo net-up');
    await waitForTerminal(page, /^net-up$/m, 60_000);
    await onMachine(page, 2);
    await typeInTerminal(page, 'docker run -d --name api --network backplane busybox httpd -f -p 80 >/dev/null && echo api-up');
    await waitForTerminal(page, /^api-up$/m, 60_000);
    await onMachine(page, 3);
    await typeInTerminal(page, 'docker run -d --name client --network backplane busybox sleep 3600 >/dev/null && docker exec client ping -c 2 -W 3 api');
    await waitForTerminal(page, /2 packets transmitted, 2 packets received/, 60_000);
    await page.screenshot({ path: screenshotPath('swarm-lab-node3') });
    assert.doesNotMatch(await terminalText(page), /root@node1/, 'the node3 tab shows node3 only');
    await check(page, 'overlay-across');
    assert.deepEqual(errors, []);
  });
});
