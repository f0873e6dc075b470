/**
 * Where the scheduler and the Glue jobs exchange documents under the job-results prefix
 * (`<results>/<kind>/`): one definition for the runner that writes and reads them and the
 * stacks that grant each side its part of the prefix.
 */

/** Folder of the batch documents (`<results>/<kind>/<this>/<uuid>.json`) a Glue run reads through `--batch_uri`. */
export const JOB_BATCH_FOLDER = 'requests';
