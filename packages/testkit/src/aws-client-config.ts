import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Dummy credentials: the emulators accept any and never check them. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export const TEST_REGION = 'us-east-1';

export interface AwsClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestHandler: NodeHttpHandler;
}

/**
 * Options for any AWS SDK v3 client pointed at a local emulator. The explicit
 * `NodeHttpHandler` is what the Kinesis client needs against kinesalite; the other
 * clients work with it too. S3 clients also need `forcePathStyle: true` (bucket names
 * cannot be resolved as subdomains of 127.0.0.1).
 */
export function awsClientConfig(endpoint: string): AwsClientConfig {
  return {
    endpoint,
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
    requestHandler: new NodeHttpHandler(),
  };
}
