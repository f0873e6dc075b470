/**
 * The stage's physical names: one definition in @lean-ops/core (contracts/stage-names.ts),
 * shared with the CLI, which may not import stacks/.
 */
export {
  APP_NAME,
  type GlueJobKind,
  type LakeLayer,
  type StageNames,
  stageNames,
  WAREHOUSE_PREFIX,
} from '@lean-ops/core';
