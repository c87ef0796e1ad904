// Checks that an xclbin's kernel is the one design.json describes: same name, same arguments in the same order,
// pointers where the design has buffers and scalars of the same C type where it has scalars. An argument name may
// carry the `_r` Vitis HLS appends to a name that collides with an HDL keyword (`task` → `task_r`).
import { UserError } from '../../generator/errors.ts';
import type { KernelArg } from '../../generator/manifest.ts';
import { ADDRESS_QUALIFIER } from './format.ts';
import type { XclbinArg, XclbinInfo, XclbinKernel } from './reader.ts';

/** Normalises a C scalar type as v++ may spell it ('unsigned int', 'uint', 'int32_t' …). */
function canonicalScalar(t: string): string {
  const s = t.replace(/\s+/g, ' ').replace(/^const /, '').trim();
  if (s === 'uint' || s === 'unsigned' || s === 'uint32_t' || s === 'unsigned int') return 'unsigned int';
  if (s === 'int32_t' || s === 'signed int' || s === 'int') return 'int';
  return s;
}

/** Whether the xclbin's argument name is the design's, as written or as HLS renames an HDL keyword. */
export function sameArgName(xclbinName: string, designName: string): boolean {
  return xclbinName === designName || xclbinName === `${designName}_r`;
}

function describe(a: XclbinArg): string {
  const kind = a.addressQualifier === ADDRESS_QUALIFIER.global ? 'pointer' : a.addressQualifier === ADDRESS_QUALIFIER.scalar ? 'scalar' : `addressQualifier ${a.addressQualifier}`;
  return `'${a.name}' (${kind}${a.type ? ` ${a.type}` : ''})`;
}

function describeDesign(a: KernelArg): string {
  return a.kind === 'buffer' ? `'${a.name}' (pointer, bundle ${a.bundle})` : `'${a.name}' (scalar ${a.ctype})`;
}

/** Every difference between the xclbin kernel's arguments and the design's, one line each (empty when they match). */
export function argDifferences(k: XclbinKernel, design: readonly KernelArg[]): string[] {
  const diffs: string[] = [];
  const n = Math.max(k.args.length, design.length);
  for (let i = 0; i < n; i++) {
    const x = k.args[i];
    const d = design[i];
    if (!x) {
      diffs.push(`argument ${i}: design.json has ${describeDesign(d!)}, the xclbin has no argument ${i}`);
      continue;
    }
    if (!d) {
      diffs.push(`argument ${i}: the xclbin has ${describe(x)}, design.json has only ${design.length} arguments`);
      continue;
    }
    const problems: string[] = [];
    if (!sameArgName(x.name, d.name)) problems.push('name');
    if (d.kind === 'buffer' && x.addressQualifier !== ADDRESS_QUALIFIER.global) problems.push('pointer vs scalar');
    if (d.kind === 'scalar') {
      if (x.addressQualifier !== ADDRESS_QUALIFIER.scalar) problems.push('pointer vs scalar');
      else if (canonicalScalar(x.type) !== canonicalScalar(d.ctype)) problems.push('scalar type');
    }
    if (problems.length) diffs.push(`argument ${i} (${problems.join(', ')}): design.json has ${describeDesign(d)}, the xclbin has ${describe(x)}`);
  }
  return diffs;
}

/** The xclbin kernel matching the design's kernel; throws a UserError saying exactly what differs. */
export function matchKernel(info: XclbinInfo, kernel: { name: string; args: readonly KernelArg[] }, xclbinName: string): XclbinKernel {
  const k = info.kernels.find((x) => x.name === kernel.name);
  if (!k) {
    const have = info.kernels.map((x) => `'${x.name}'`).join(', ') || 'none';
    throw new UserError(`${xclbinName}: the xclbin has no kernel '${kernel.name}' (design.json's kernel); it has ${have}`);
  }
  const diffs = argDifferences(k, kernel.args);
  if (diffs.length) {
    throw new UserError(`${xclbinName}: kernel '${kernel.name}' does not match design.json:\n  ${diffs.join('\n  ')}`);
  }
  return k;
}
