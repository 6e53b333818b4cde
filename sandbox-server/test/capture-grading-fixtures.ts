/**
 * Records what a real inner engine answers, for the grader's unit tests
 * (sandbox-server/src/grading/fixtures/*.json, served by FakeInnerEngine).
 * Run once, when the engine's answers or the grader's questions change:
 *
 *   export $(cat /tmp/tags | xargs) DOCKER_HOST=unix:///run/drydock-engine/docker.sock
 *   npx tsx sandbox-server/test/capture-grading-fixtures.ts
 *
 * It starts a sandbox, makes in it one container, image, volume, network and
 * registry manifest for each verdict the tests need, records them through
 * the same InnerEngine the grader uses, and removes the sandbox.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { InnerEngine } from '../src/engine/inner-engine';
import type { InnerEngineRecording, RecordedFile } from './fake-inner-engine';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver } from './support';

const FIXTURES = new URL('../src/grading/fixtures/', import.meta.url);

const SETUP = String.raw`
  mkdir -p /root/site && echo hi > /root/site/index.html
  docker network create appnet >/dev/null
  docker volume create data >/dev/null
  echo 'hello from the volume' > /var/lib/docker/volumes/data/_data/index.html
  mkdir /var/lib/docker/volumes/data/_data/sub
  docker run -d --name web --network appnet -p 9090:80 -v /root/site:/www:ro -v data:/data busybox httpd -f -p 80 -h /www >/dev/null
  docker run --name three busybox sh -c 'exit 3' || true
  docker create --name created busybox true >/dev/null
  docker run --name oom --memory 16m --memory-swap 16m busybox sh -c 'a=$(head -c 100000000 /dev/zero | tr "\0" a); echo filled' || true
  d=$(mktemp -d); cd $d
  printf 'FROM busybox\nLABEL version=1.2\nUSER 65534\nHEALTHCHECK CMD true\n' > Dockerfile && docker build -q -t good:1 . >/dev/null
  printf 'FROM good:1\nHEALTHCHECK NONE\n' > Dockerfile && docker build -q -t healthoff:1 . >/dev/null
  printf 'FROM busybox\nUSER 0:10001\n' > Dockerfile && docker build -q -t rootgroup:1 . >/dev/null
  printf 'FROM busybox\nEXPOSE 8080 53/udp\nHEALTHCHECK --interval=1s CMD true\n' > Dockerfile && docker build -q -t exposer:1 . >/dev/null
  cp /opt/drydock/cross/busybox-amd64 hello && cp /opt/drydock/cross/busybox-arm64 hello-arm64
  printf 'FROM busybox AS build\nRUN echo compiling > /out\nFROM scratch\nCOPY hello /hello\nCOPY --from=build /out /out\nCMD ["/hello"]\n' > Dockerfile && docker build -q -t tiny:1 . >/dev/null
  printf 'FROM busybox\nRUN echo compiling > /out\nCMD ["cat", "/out"]\n' > Dockerfile && docker build -q -t fat:1 . >/dev/null
  printf 'FROM scratch\nCOPY hello-arm64 /hello\n' > Dockerfile && docker buildx build -q --platform linux/arm64 --load -t armtiny:1 . >/dev/null
  docker run -d --name limited --memory 64m --cpus 0.5 --pids-limit 50 --read-only --tmpfs /scratch --user 1000:1000 --cap-drop NET_RAW --security-opt no-new-privileges busybox sleep 600 >/dev/null
  docker run -d --name quota --cpu-period 50000 --cpu-quota 25000 --mount type=tmpfs,destination=/cache --cap-drop ALL --security-opt no-new-privileges=true busybox sleep 600 >/dev/null
  docker run -d --name side --network container:web busybox sleep 600 >/dev/null
  docker run -d --name allports -P exposer:1 sleep 600 >/dev/null
  docker run -d --name sick --health-cmd false --health-interval 1s --health-retries 1 busybox sleep 600 >/dev/null
  docker run -d --name slow --health-cmd true --health-interval 1h --health-start-period 1h busybox sleep 600 >/dev/null
  docker run -d --name rooty --user 0:1000 busybox sleep 600 >/dev/null
  docker run -d --name hostnet --network host busybox sleep 600 >/dev/null
  docker run -d --name nonet --network none busybox sleep 600 >/dev/null
  docker run -d -p 5000:5000 --name registry registry:2 >/dev/null
  for i in $(seq 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.1; done
  printf 'FROM scratch\nARG TARGETARCH\nCOPY hello-$TARGETARCH /bin/busybox\n' > Dockerfile && cp hello hello-amd64
  for arch in amd64 arm64; do docker buildx build -q --platform linux/$arch -t localhost:5000/multi:$arch --push . >/dev/null; done
  docker buildx imagetools create -t localhost:5000/multi:1 localhost:5000/multi:amd64 localhost:5000/multi:arm64 >/dev/null 2>&1
  # The health checks settle: allports healthy, sick unhealthy (slow stays starting for an hour).
  for i in $(seq 100); do [ "$(docker inspect -f '{{.State.Health.Status}}' allports sick | tr '\n' ' ')" = 'healthy unhealthy ' ] && exit 0; sleep 0.2; done
  exit 1
`;

const CONTAINERS = ['web', 'three', 'created', 'oom', 'limited', 'quota', 'side', 'allports', 'sick', 'slow', 'rooty', 'hostnet', 'nonet'];
const IMAGES = ['busybox', 'good:1', 'healthoff:1', 'rootgroup:1', 'exposer:1', 'tiny:1', 'fat:1', 'armtiny:1'];
/** Images whose file lists are recorded (the fromScratch verdicts). */
const LISTED = new Set(['tiny:1', 'fat:1']);
const NETWORKS = ['appnet', 'bridge'];
const VOLUMES = ['data'];
const MANIFESTS = ['localhost:5000/multi:1', 'localhost:5000/multi:amd64', 'localhost:5000/multi:arm64', 'localhost:5000/nothing:1'];
const VOLUME_FILES = ['index.html', 'sub', 'nope.txt'];

async function record(engine: InnerEngine, readFile: (path: string) => Promise<RecordedFile>): Promise<InnerEngineRecording> {
  const recording: InnerEngineRecording = { containers: {}, images: {}, volumes: {}, networks: {}, distributions: {}, files: {} };
  for (const name of CONTAINERS) recording.containers[name] = (await engine.inspectContainer(name)) ?? assert.fail(`no container ${name}`);
  for (const name of IMAGES) {
    const files: string[] = [];
    if (LISTED.has(name)) await engine.findFileInImage(name, (path) => (files.push(path), false));
    recording.images[name] = {
      inspect: (await engine.inspectImage(name)) ?? assert.fail(`no image ${name}`),
      history: await engine.imageHistory(name),
      ...(LISTED.has(name) ? { files } : {}),
    };
  }
  for (const name of VOLUMES) {
    const volume = (await engine.inspectVolume(name)) ?? assert.fail(`no volume ${name}`);
    recording.volumes[name] = volume;
    for (const path of VOLUME_FILES) recording.files[`${volume.Mountpoint}/${path}`] = await readFile(`${volume.Mountpoint}/${path}`);
  }
  for (const name of NETWORKS) recording.networks[name] = (await engine.inspectNetwork(name)) ?? assert.fail(`no network ${name}`);
  for (const name of MANIFESTS) {
    recording.distributions[name] = await engine.distribution(name).catch((error: Error) => ({ error: error.message }));
  }
  return recording;
}

const docker = await requireDocker();
const config = testConfig();
const driver = testDriver(config);
try {
  const sandboxId = await startReadySandbox(driver, config, 'fixture-learner', 'fixtures');
  const setup = await driver.exec(sandboxId, ['bash', '-e', '-s'], { stdin: SETUP, timeoutMs: 300_000 });
  assert.equal(setup.exitCode, 0, `setup failed (${setup.timedOut ? 'timed out' : 'exit'}): ${setup.stdout}\n${setup.stderr}`);
  const engine = await driver.innerEngine(sandboxId);
  const recording = await record(engine, async (path) => {
    const file = await driver.readFile(sandboxId, path, 64 * 1024);
    return file.kind === 'file' ? { kind: 'file', text: file.content.toString('utf8') } : file;
  });
  mkdirSync(FIXTURES, { recursive: true });
  for (const [kind, value] of Object.entries(recording)) writeFileSync(new URL(`${kind}.json`, FIXTURES), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`recorded ${Object.keys(recording.containers).length} containers, ${Object.keys(recording.images).length} images into ${FIXTURES.pathname}`);
} finally {
  assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
}
