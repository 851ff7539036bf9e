enable subgroups;
// Row sharing by subgroup shuffles, prepended to a register-blocked kernel (engine/backend/webgpu/rows.ts)
// in place of shaders/rows_uniform.wgsl: the TM row values a step of the reduction needs, the same in
// every thread, are loaded once per subgroup and handed around in registers. Lane l of a subgroup loads
// slot s = row s * ROW_LANES + l (clamped to the last row), so ROW_LANES lanes together hold all TM rows
// in ROW_SLOTS = ceil(TM / ROW_LANES) loads each; row_value(i) is slot i / ROW_LANES of lane
// i % ROW_LANES. With TM = 16 on 8 lanes, 2 loads and 16 shuffles per thread replace 16 loads.
// ROW_LANES = min(the adapter's smallest subgroup, the workgroup's threads) and ROW_SLOTS are generated
// after this file, so lanes 0 .. ROW_LANES - 1 are always in the subgroup and active: a workgroup of at
// most ROW_LANES threads is one subgroup, and larger ones (powers of two) are whole subgroups.

struct RowLanes {
  @builtin(subgroup_invocation_id) id: u32,
}

fn row_of_slot(lanes: RowLanes, slot: u32) -> u32 {
  return min(slot * ROW_LANES + lanes.id, TM - 1u);
}

fn row_value(slots: ptr<function, array<f32, ROW_SLOTS>>, lanes: RowLanes, i: u32) -> f32 {
  return subgroupShuffle((*slots)[i / ROW_LANES], i % ROW_LANES);
}
