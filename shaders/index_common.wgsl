// Prepended to every kernel with one invocation per element (or one workgroup per output): the flat index
// of an invocation. A 1-D dispatch of more than 65535 workgroups is spread over x and y
// (engine/backend/webgpu/registry.ts spreadWorkgroups), so workgroup (wid.x, wid.y) is number
// wid.x + wid.y * nwg.x, nwg = @builtin(num_workgroups). Indices past the kernel's size exist in the last
// workgroups; each kernel compares its index with its size and returns.

/** The flat number of workgroup wid of a dispatch spread over x and y. */
fn flat_workgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

/** The flat index of invocation lid.x of workgroup wid, with `workgroup_size` invocations a workgroup. */
fn flat_index(wid: vec3<u32>, nwg: vec3<u32>, lid: vec3<u32>, workgroup_size: u32) -> u32 {
  return flat_workgroup(wid, nwg) * workgroup_size + lid.x;
}
