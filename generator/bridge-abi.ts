// The csim bridge's entry point, apart from the manifest schema (generator/manifest.ts) so the host's csim backend
// loads without zod.

/**
 * The csim bridge's C ABI (extern "C", compiled with the kernel into a shared library):
 *   int edgemoe_csim_run(void** bundles, int nbundles, const long long* scalars, int nscalars, char* err, int errlen);
 * bundles are in manifest.kernel.args buffer order, scalars in scalar-arg order. Returns 0 on success; otherwise a
 * non-zero code with a NUL-terminated message in err. Every C++ exception is caught inside.
 */
export const BRIDGE_ABI = {
  symbol: 'edgemoe_csim_run',
  prototype: 'int edgemoe_csim_run(void** bundles, int nbundles, const long long* scalars, int nscalars, char* err, int errlen)',
} as const;
