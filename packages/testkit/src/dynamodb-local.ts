// The embedded DynamoDB Local of `lean-ops dev` serves the tests as it is (in memory
// unless `path` is given); its handle has the `TestServer` shape.
export { type DynamoDbLocalOptions as StartDynamoDbLocalOptions, startDynamoDbLocal } from '@lean-ops/local';
