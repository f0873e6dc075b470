// Liveness probe of the lean-ops containers: Docker's HEALTHCHECK and the ECS container health
// check run it. The slim Node image has no curl; Node's fetch does the same in one process.
const port = process.env.LEAN_OPS_METRICS_PORT || '9464';

try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
