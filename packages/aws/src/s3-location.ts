import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** An S3 location split into bucket and key (no leading slash; "" for the bucket root). */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

// Bucket names: 3–63 of [a-z0-9.-]. s3a:// and s3n:// are Hadoop's spellings of the same
// location; Iceberg tables written through Hadoop file IO may record them.
const S3_URI = /^s3[an]?:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** `s3://bucket/some/key` → `{ bucket, key }`; null when `uri` is not an S3 URI. */
export function parseS3Uri(uri: string): S3Location | null {
  const match = S3_URI.exec(uri);
  if (match === null) return null;
  return { bucket: match[1] ?? '', key: (match[2] ?? '').replace(/^\/+/, '') };
}

/** The object's bytes. */
export async function readS3Object(s3: S3Client, location: S3Location, signal?: AbortSignal): Promise<Uint8Array> {
  const out = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
    abortSignal: signal,
  });
  return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
}
