import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { locallyMadeImages, referencedImages, shellCommands } from './image-references';

describe('referencedImages', () => {
  test('a quoted value glued to more text is one word (-v "$PWD":/src is not an image)', () => {
    assert.deepEqual(referencedImages('docker run --rm -v "$PWD":/src -w /src busybox ls'), ['busybox']);
    assert.deepEqual(referencedImages("docker run --rm -e 'A=1 2' busybox env"), ['busybox']);
  });

  test('&&, ||, ; and | inside quotes do not split the command', () => {
    assert.deepEqual(referencedImages(`docker run --rm busybox sh -c 'false || echo "a; b | c"'`), ['busybox']);
    assert.deepEqual(referencedImages('docker run -d alpine:3 || docker run -d busybox'), ['alpine:3', 'busybox']);
  });

  test('a # inside quotes is no comment; one that starts a word is', () => {
    assert.deepEqual(referencedImages(`docker run --label 'note=#1' busybox # docker run nginx`), ['busybox']);
  });

  test('docker run: the image comes after options with values, never an option value', () => {
    const line = 'docker run -d --rm -p 80:80 --name web -v /data:/data -e KEY=VALUE --memory 64m -w /srv -u 1000 busybox httpd -f -p 8080';
    assert.deepEqual(referencedImages(line), ['busybox']);
  });

  test('each option value on its own is not an image', () => {
    for (const options of ['-p 80:80', '--name x', '-v a:b', '-e K=V', '--memory 64m', '--network host', '-h box', '--entrypoint sh', '--platform linux/arm64']) {
      assert.deepEqual(referencedImages(`docker run ${options} busybox true`), ['busybox'], options);
    }
  });

  test('--flag=value forms take no following word', () => {
    assert.deepEqual(referencedImages('docker run --name=web --memory=64m -p=80:80 --env=A=B alpine:3.20 echo hi'), ['alpine:3.20']);
  });

  test('boolean flags (-it, --rm, -d) are skipped', () => {
    assert.deepEqual(referencedImages('docker run -it --rm -d busybox sh'), ['busybox']);
  });

  test('docker container run, docker create, docker container create, docker pull, docker image pull', () => {
    assert.deepEqual(referencedImages('docker container run --rm busybox echo hi'), ['busybox']);
    assert.deepEqual(referencedImages('docker create --name c1 nginx:1.27'), ['nginx:1.27']);
    assert.deepEqual(referencedImages('docker container create -e A=1 redis'), ['redis']);
    assert.deepEqual(referencedImages('docker pull registry.example.com/team/app:v2'), ['registry.example.com/team/app:v2']);
    assert.deepEqual(referencedImages('docker image pull localhost:5000/tools'), ['localhost:5000/tools']);
  });

  test('other docker commands reference no image', () => {
    assert.deepEqual(referencedImages('docker ps -a\ndocker logs -f web\ndocker exec -it web sh\ndocker stop web\ndocker image ls'), []);
  });

  test('FROM lines, with or without --platform and AS', () => {
    assert.deepEqual(referencedImages('FROM busybox'), ['busybox']);
    assert.deepEqual(referencedImages('FROM --platform=$BUILDPLATFORM golang:1.22 AS build'), ['golang:1.22']);
    assert.deepEqual(referencedImages('FROM alpine:3.20 AS base\nRUN apk add curl\nFROM scratch\nCOPY --from=base /x /x'), ['alpine:3.20', 'scratch']);
  });

  test('a $VAR image is not reported', () => {
    assert.deepEqual(referencedImages('docker run --rm $IMAGE echo hi'), []);
    assert.deepEqual(referencedImages('docker pull ${IMAGE}'), []);
    assert.deepEqual(referencedImages('FROM $BASE'), []);
  });

  test('a quoted $VAR image is not reported either', () => {
    assert.deepEqual(referencedImages('docker run --rm "$IMAGE" echo hi'), []);
    assert.deepEqual(referencedImages('docker pull "${IMAGE}"'), []);
  });

  test('the value of docker run --pull is not an image', () => {
    assert.deepEqual(referencedImages('docker run --pull never --rm busybox true'), ['busybox']);
  });

  test('several commands on one line: &&, ;, ||, |', () => {
    assert.deepEqual(referencedImages('docker pull busybox && docker run --rm alpine echo hi'), ['busybox', 'alpine']);
    assert.deepEqual(referencedImages('docker create --name a redis; docker run -d nginx'), ['redis', 'nginx']);
    assert.deepEqual(referencedImages('docker run --rm busybox true || docker run --rm alpine true'), ['busybox', 'alpine']);
    assert.deepEqual(referencedImages('echo hi | docker run -i --rm busybox cat'), ['busybox']);
  });

  test('one image per line over several lines', () => {
    assert.deepEqual(referencedImages('docker pull busybox\n\ndocker run -d --name w nginx'), ['busybox', 'nginx']);
  });

  test('backslash-continued lines are one command', () => {
    const text = ['docker run -d \\', '  --name web \\', '  -p 8080:80 \\', '  -v /srv:/usr/share/nginx/html:ro \\', '  nginx:1.27 \\', '  nginx -g "daemon off;"'].join('\n');
    assert.deepEqual(referencedImages(text), ['nginx:1.27']);
  });

  test('comments are ignored', () => {
    assert.deepEqual(referencedImages('# docker run alpine\ndocker run busybox # not docker run ubuntu'), ['busybox']);
  });

  test('empty text', () => {
    assert.deepEqual(referencedImages(''), []);
  });
});

describe('locallyMadeImages', () => {
  test('docker build -t / --tag / --tag=', () => {
    assert.deepEqual(locallyMadeImages('docker build -t myapp .'), ['myapp']);
    assert.deepEqual(locallyMadeImages('docker build --tag myapp:v1 .'), ['myapp:v1']);
    assert.deepEqual(locallyMadeImages('docker build --tag=localhost:5000/myapp:v2 .'), ['localhost:5000/myapp:v2']);
    assert.deepEqual(locallyMadeImages('docker buildx build -t a:1 -t b:2 .'), ['a:1', 'b:2']);
  });

  test('docker tag A B and docker image tag A B make B', () => {
    assert.deepEqual(locallyMadeImages('docker tag busybox mybox:1'), ['mybox:1']);
    assert.deepEqual(locallyMadeImages('docker image tag busybox localhost:5000/mybox'), ['localhost:5000/mybox']);
  });

  test('docker import FILE X and docker commit CONTAINER X make X, whatever their options', () => {
    assert.deepEqual(locallyMadeImages('docker import /tmp/fs.tar flat:1'), ['flat:1']);
    assert.deepEqual(locallyMadeImages(`docker image import --change 'CMD ["sh"]' fs.tar flat:2`), ['flat:2']);
    assert.deepEqual(locallyMadeImages("docker commit -m 'hand fix' tinkered tinkered:1"), ['tinkered:1']);
    assert.deepEqual(locallyMadeImages('docker rm -f c; docker container commit --change=CMD=sh c snap'), ['snap']);
    assert.deepEqual(locallyMadeImages('docker import fs.tar\ndocker commit c'), []);
  });

  test('FROM … AS stage names a stage', () => {
    assert.deepEqual(locallyMadeImages('FROM busybox AS build\nRUN true\nFROM build AS test'), ['build', 'test']);
    assert.deepEqual(locallyMadeImages('from busybox as tools'), ['tools']);
  });

  test('FROM --platform=… IMAGE AS stage names a stage too', () => {
    assert.deepEqual(locallyMadeImages('FROM --platform=$BUILDPLATFORM busybox AS build'), ['build']);
  });

  test('nothing built or tagged', () => {
    assert.deepEqual(locallyMadeImages('docker run --rm busybox\nFROM busybox'), []);
  });
});

describe('shellCommands', () => {
  test('splits commands at unquoted operators and words at unquoted blanks, quotes removed', () => {
    assert.deepEqual(shellCommands(`a "b c"d 'e|f' && g || h; i | j\\ k`), [['a', 'b cd', 'e|f'], ['g'], ['h'], ['i'], ['j k']]);
    assert.deepEqual(shellCommands('echo ""'), [['echo', '']]);
  });
});
