import { loadConfig } from './config';
import { startTokenService } from './server';

/**
 * The token service's entry point: `node dist/main.js` (Docker, Fly) or `tsx src/main.ts`.
 * SIGTERM/SIGINT drain: stop accepting, close every socket with 1001, hang up nothing, flush what
 * can be flushed, exit within DRAIN_GRACE_MS. A per-session instance (`SESSION_ONLY`) tells its
 * parent its port over IPC and exits once its session ended or it sat idle.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const service = await startTokenService(config);
  const port = Number(new URL(service.url).port);
  process.send?.({ type: 'listening', port, url: service.url });

  let stopping = false;
  const stop = (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    service.log.info({ why }, 'stopping');
    // Hard stop if draining overruns its grace period.
    setTimeout(() => process.exit(code), config.DRAIN_GRACE_MS + 1000).unref();
    service.drain().then(
      () => {
        service.log.flush?.();
        setTimeout(() => process.exit(code), 50);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('disconnect', () => stop('parent gone'));

  const sessionId = config.SESSION_ONLY;
  if (sessionId) {
    // The session is marked ended before its hang-up finishes and the end request is answered:
    // stop only once no request is still being answered, or that answer would be cut off.
    let answering = 0;
    service.server.on('request', (_req, res) => {
      answering++;
      res.once('close', () => answering--);
    });
    let idleSince = Date.now();
    setInterval(() => {
      if (service.registry.isEnded(sessionId)) return answering === 0 ? stop('session ended') : undefined;
      if (service.registry.size > 0) idleSince = Date.now();
      else if (Date.now() - idleSince > config.INSTANCE_IDLE_MS) stop('idle');
    }, 250).unref();
  }
}

main().catch((error: unknown) => {
  // Configuration errors name the variable, never its value.
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
