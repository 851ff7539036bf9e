// Run names: the folder under runs/ a training run writes, so a name must stay one plain folder name.
// Kept apart from run.ts (which needs a file system) so that browser pages check names the same way.

/** The checkpoint a run writes after every epoch, in its folder; its presence means the run has started. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

const RUN_NAME = /^[A-Za-z0-9_.-]+$/;

/** Throws, naming `context`, unless `name` is letters, digits, '.', '-' and '_' and not just dots ('.', '..'). */
export function checkRunName(name: string, context: string): void {
  if (!RUN_NAME.test(name) || /^\.+$/.test(name)) {
    throw new Error(`${context}: run name "${name}" must use letters, digits, '.', '-' and '_' only, and not be only dots`);
  }
}
