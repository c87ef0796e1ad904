// Parsing the C++ element types of design.json (ap_fixed / ap_ufixed / ap_int / ap_uint) back into FixedType.
import { OVERFLOW_MODES, QUANT_MODES, type FixedType } from '../config/schema.ts';
import { UserError } from '../errors.ts';

const FIXED = /^ap_(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,\s*(\w+)\s*(?:,\s*(\w+)\s*(?:,\s*(\d+)\s*)?)?)?>$/;
const INT = /^ap_(u?)int<\s*(\d+)\s*>$/;

/** The FixedType a C++ type names, e.g. `ap_fixed<16,2>` → W 16, I 2, AP_TRN, AP_WRAP; ap_int<N> is ap_fixed<N,N>. */
export function parseCppType(ctype: string, where = 'design.json'): FixedType {
  const s = ctype.trim();
  const f = FIXED.exec(s);
  if (f) {
    const q = (f[4] ?? 'AP_TRN') as FixedType['q'];
    const o = (f[5] ?? 'AP_WRAP') as FixedType['o'];
    if (!(QUANT_MODES as readonly string[]).includes(q)) throw new UserError(`${where}: unknown quantization mode '${q}' in type ${ctype}`);
    if (!(OVERFLOW_MODES as readonly string[]).includes(o)) throw new UserError(`${where}: unknown overflow mode '${o}' in type ${ctype}`);
    return { signed: f[1] !== 'u', W: Number(f[2]), I: Number(f[3]), q, o, n: Number(f[6] ?? 0) };
  }
  const i = INT.exec(s);
  if (i) {
    const W = Number(i[2]);
    return { signed: i[1] !== 'u', W, I: W, q: 'AP_TRN', o: 'AP_WRAP', n: 0 };
  }
  throw new UserError(`${where}: unsupported element type '${ctype}' (expected ap_fixed<W,I[,Q,O,N]>, ap_ufixed<…>, ap_int<W> or ap_uint<W>)`);
}
