import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface StoredObject {
  readonly key: string;
  readonly body: string;
  readonly contentType: string | undefined;
}

/** Every object under `prefix`, in key order, with its body as text. */
export async function readObjects(client: S3Client, bucket: string, prefix: string): Promise<StoredObject[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  keys.sort();
  return Promise.all(
    keys.map(async (key) => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { key, body: (await out.Body?.transformToString('utf8')) ?? '', contentType: out.ContentType };
    }),
  );
}
