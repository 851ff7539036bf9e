// Row sharing by uniform loads, prepended to a register-blocked kernel (engine/backend/webgpu/rows.ts).
// In those kernels every thread of a workgroup multiplies the same TM rows (of A, of W, of dy) into its
// own columns, so each step of the reduction needs TM values that are the same in every thread. Here
// each thread loads all TM of them itself, at the same addresses as its neighbours: the kernel fills
// slot s with row row_of_slot(s) = s, and row_value(i) is slot i. Any adapter runs this; on a SIMD CPU
// (lavapipe) each of these loads costs about what a gather does (bench/results/compare-lavapipe.md).
// shaders/rows_subgroup.wgsl shares the rows with fewer loads where the adapter has subgroups.

struct RowLanes {
  @builtin(local_invocation_index) unused: u32, // an entry point's struct needs a member; this sharing reads none
}

const ROW_SLOTS: u32 = TM;

fn row_of_slot(lanes: RowLanes, slot: u32) -> u32 {
  return slot;
}

fn row_value(slots: ptr<function, array<f32, ROW_SLOTS>>, lanes: RowLanes, i: u32) -> f32 {
  return (*slots)[i];
}
