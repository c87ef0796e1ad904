// The v++ link configuration of a design: one compute unit, and every m_axi bundle of the kernel connected to a
// memory bank of the platform (PS DDR ports on ZCU102, HBM pseudo-channels on the Alveo cards).
import { UserError } from '../errors.ts';
import { renderDesignTemplate } from '../emit/templates.ts';
import type { Plan } from '../plan/index.ts';
import { platformInfo, type MemoryKind, type PlatformInfo } from './platforms.ts';
import { kernelSlr } from './slr.ts';

/** Where one bundle goes. */
export interface BundleBank {
  /** Bundle = the kernel's pointer argument name. */
  bundle: string;
  bytes: number;
  /** The v++ memory spec: 'HP0', 'HBM[3]' or 'HBM[3:4]'. */
  memory: string;
  /** Individual banks the bundle occupies. */
  banks: string[];
}

/** The compute-unit name of the single kernel instance. */
export function cuName(plan: Plan): string {
  return `${plan.kernelName}_1`;
}

/**
 * Assigns each bundle, in plan order, the next free bank(s) of the platform's memory. A bundle larger than one bank
 * takes a consecutive range where the memory allows ranges (HBM); PS DDR ports all reach the same DDR, so bundles
 * beyond the number of ports share ports round-robin, largest bundles first.
 */
export function assignBanks(plan: Plan, platform: PlatformInfo = platformInfo(plan.config.hardware.platform), memory: MemoryKind = platform.memory): BundleBank[] {
  const out: BundleBank[] = [];
  let next = 0;
  // PS ports: the largest bundles (bulk, non-coherent traffic such as the weights) take the HP ports first; the
  // cache-coherent HPC ports come last in the bank list. Output stays in plan order.
  const hpOrder = platform.kind === 'embedded' ? [...plan.bundles].sort((a, b) => b.bytes - a.bytes) : plan.bundles;
  const bankOf = new Map<string, string>();
  if (platform.kind === 'embedded') hpOrder.forEach((b, i) => bankOf.set(b.name, memory.banks[i % memory.banks.length]!));
  for (const b of plan.bundles) {
    const need = Math.max(1, Math.ceil(b.bytes / memory.bankBytes));
    if (need > 1 && !memory.ranges) {
      throw new UserError(`hardware.bundles.${b.name}: ${b.bytes} bytes exceed one ${platform.board} memory bank (${memory.bankBytes} bytes)`);
    }
    if (platform.kind === 'embedded') {
      const bank = bankOf.get(b.name)!;
      out.push({ bundle: b.name, bytes: b.bytes, memory: bank, banks: [bank] });
      continue;
    }
    if (next + need > memory.banks.length) {
      throw new UserError(`hardware.bundles: the ${plan.bundles.length} bundles need more than the ${memory.banks.length} memory banks of ${platform.board}`);
    }
    const banks = memory.banks.slice(next, next + need);
    const prefix = banks[0]!.replace(/\[\d+\]$/, '');
    const idx = (s: string) => Number(/\[(\d+)\]$/.exec(s)![1]);
    const spec = need === 1 ? banks[0]! : `${prefix}[${idx(banks[0]!)}:${idx(banks[need - 1]!)}]`;
    out.push({ bundle: b.name, bytes: b.bytes, memory: spec, banks });
    next += need;
  }
  return out;
}

/** Template data of link.cfg. */
export function linkView(plan: Plan) {
  const p = platformInfo(plan.config.hardware.platform);
  const mhz = plan.config.hardware.clockMHz;
  return {
    name: plan.name,
    kernel: plan.kernelName,
    cu: cuName(plan),
    board: p.board,
    vppPlatform: p.vppPlatform,
    embedded: p.kind === 'embedded',
    clockMHz: mhz,
    // Embedded platforms: the CU's clock is set here (the default clock id 0 of zcu102_base is 150 MHz).
    freqHz: Math.round(mhz * 1e6),
    slr: kernelSlr(plan),
    multiSlr: p.slr !== undefined,
    connections: assignBanks(plan, p).map((a) => ({ ...a, mib: (a.bytes / 2 ** 20).toFixed(2) })),
  };
}

/** The text of link.cfg for the plan's platform. */
export function renderLinkConfig(plan: Plan): string {
  return renderDesignTemplate('link.cfg.hbs', linkView(plan));
}
