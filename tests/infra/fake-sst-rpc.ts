/**
 * A stand-in for the RPC server the `sst` CLI runs during a deploy (env `SST_SERVER`). SST
 * components call it while they are constructed: `sst.aws.Service` asks for the account's
 * bootstrap data (the asset ECR repository its images are pushed to). Without it construction
 * fails with "Invalid URL 'undefined/rpc'".
 *
 * Answers the methods in {@link ANSWERS}; any other method gets SST's "can't find" error, so a
 * new dependency on the CLI shows up as a failing test naming the method.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSstRpc {
  /** `http://127.0.0.1:<port>`, the value of SST_SERVER. */
  readonly url: string;
  /** Methods called so far, in order. */
  readonly calls: readonly string[];
  close(): Promise<void>;
}

function answers(region: string, accountId: string): Record<string, (params: unknown) => unknown> {
  return {
    'Provider.Aws.Bootstrap': () => ({
      asset: `sst-asset-${accountId}`,
      assetEcrRegistryId: accountId,
      assetEcrUrl: `${accountId}.dkr.ecr.${region}.amazonaws.com/sst-asset`,
      state: `sst-state-${accountId}`,
      appsyncHttp: '',
      appsyncRealtime: '',
    }),
  };
}

/** Starts the fake server on a free loopback port. */
export async function startFakeSstRpc(region: string, accountId: string): Promise<FakeSstRpc> {
  const calls: string[] = [];
  const methods = answers(region, accountId);
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const { method, params } = JSON.parse(body) as { method: string; params: unknown[] };
      calls.push(method);
      const answer = methods[method];
      const reply = answer ? { result: answer(params[0]) } : { error: `rpc: can't find method ${method}` };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
