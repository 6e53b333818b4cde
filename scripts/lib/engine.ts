import Docker from 'dockerode';

/** Returns null when a Docker Engine answers, else a message saying what is wrong and how to fix it. */
export async function checkDockerEngine(docker = new Docker()): Promise<string | null> {
  try {
    await docker.ping();
    return null;
  } catch (error) {
    const endpoint = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    return [
      `No Docker Engine answers at ${endpoint} (${(error as Error).message}).`,
      'Drydock runs each learner in a container, so it needs a running Docker Engine on this machine:',
      '  Debian/Ubuntu:  sudo apt-get install -y docker.io && sudo systemctl start docker',
      '  no systemd:     sudo dockerd > /var/log/dockerd.log 2>&1 &',
      'If the engine runs but as another user, add yourself to the "docker" group or run as root.',
    ].join('\n');
  }
}
