// The local runtime needs free ports too (`lean-ops dev` spawns Redis); one implementation.
export { freePort } from '@lean-ops/local';
