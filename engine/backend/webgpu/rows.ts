// How the threads of a register-blocked kernel's workgroup (matmul_blocked, matmul_blocked_vec4, the
// implicit-GEMM convolutions) share the TM row values they all multiply at each step of the reduction. A
// rows prelude, first in the kernel's source, defines RowLanes (an entry-point argument), ROW_SLOTS,
// row_of_slot and row_value; the kernel loads its ROW_SLOTS slots and reads row i through row_value.
//   uniform   each thread loads all TM values itself (shaders/rows_uniform.wgsl): any adapter
//   subgroup  each lane loads a share and the values go round by shuffles (shaders/rows_subgroup.wgsl):
//             adapters with the subgroups feature; on lavapipe the kernels run 1.6-3.4x faster
//             (bench/results/compare-lavapipe.md)
// Each such kernel comes in both: `name` and `name_subgroup`; the engine picks the second where it can.
import uniformRows from '../../../shaders/rows_uniform.wgsl';
import subgroupRows from '../../../shaders/rows_subgroup.wgsl';

export type RowSharing = 'uniform' | 'subgroup';

let smallestSubgroup = 0; // lanes in the device's smallest subgroup; 0 when it has no subgroups

/** Records the device's smallest subgroup (0: no subgroups feature), when the backend acquires it. */
export function setSubgroupSize(lanes: number): void {
  smallestSubgroup = lanes;
}

export const hasSubgroups = () => smallestSubgroup > 0;

/** Whether a kernel of this sharing can run on the device. */
export const canShare = (sharing: RowSharing) => sharing === 'uniform' || hasSubgroups();

/** The sharing the engine runs: subgroup shuffles where the device has them. */
export const bestSharing = (): RowSharing => (hasSubgroups() ? 'subgroup' : 'uniform');

/** The rows prelude of a kernel whose workgroups of `threads` share `rows` rows. */
export function rowsPrelude(sharing: RowSharing, rows: number, threads: number): string {
  if (sharing === 'uniform') return uniformRows;
  if (!hasSubgroups()) throw new Error('rows: subgroup row sharing needs a device with the subgroups feature, and this one has none');
  const lanes = Math.min(smallestSubgroup, threads);
  return `${subgroupRows}const ROW_LANES: u32 = ${lanes}u;\nconst ROW_SLOTS: u32 = ${Math.ceil(rows / lanes)}u;\n`;
}

/** A kernel variant's name with its sharing: the subgroup one carries the suffix. */
export const sharedName = (name: string, sharing: RowSharing) => (sharing === 'subgroup' ? `${name}_subgroup` : name);

/** The name of the variant of kernel `name` that the engine runs on this device (its sharing: bestSharing). */
export const bestName = (name: string) => sharedName(name, bestSharing());
