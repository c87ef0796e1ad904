// The boards edgemoe builds for: FPGA part, default v++ platform, the memory banks m_axi bundles can be mapped to,
// the width and bandwidth of those ports, and the device's resource capacities (for the estimator's fit check).
//
// Sources (read with the project's search tools; figures, not text, are reproduced):
// - ZCU102: Xilinx/Vitis_Embedded_Platform_Source, Xilinx_Official_Platforms/xilinx_zcu102_base/README.md (2022.1):
//   platform xilinx_zcu102_base_202210_1; PS DDR interfaces for kernels HP0..HP3, HPC0, HPC1 (all to the same PS
//   DDR). v++ [connectivity] sp=<cu>.<port>:HP0 style from public DPU zcu102 link configs. Capacities of the
//   XCZU9EG (2520 DSP, 912 BRAM36, 274,080 LUT, 548,160 FF, no URAM) as in the brief and stanford-ppl/spatial
//   src/spatial/targets/xilinx/ZCU.scala. The PS slave ports are 128 bit (edge-moe.md §1, vivado.tcl). PS DDR4-2133
//   x64 (edge-moe.md §1): 2133 MT/s · 8 B = 17.06 GB/s peak, shared by all ports.
// - U50: AMD UG1120 "U50 Gen3x16 XDMA base_5 Platform": xilinx_u50_gen3x16_xdma_5_202210_1, 8 GB HBM in 32 pseudo
//   channels HBM[0:31] (256 MB each), PLRAM[0:3]. Part xcu50-fsvh2104-2-e. Device totals (public HLS design-space
//   tool tables): 5952 DSP, 1344 BRAM36, 640 URAM, 870,720 LUT, 1,743,360 FF. HBM peak 316 GB/s (U50 data sheet DS965).
// - U280: xilinx_u280_gen3x16_xdma_1_202211_1 (many public Makefiles/scripts, e.g. TAPA/RapidStream flows); HBM[0:31]
//   (8 GB) and DDR[0:1] (2 × 16 GB DDR4). Part xcu280-fsvh2892-2L-e. Device totals: 9024 DSP, 2016 BRAM36, 960 URAM,
//   1,303,680 LUT, 2,607,360 FF. HBM peak 460 GB/s; DDR4-2400 x64 = 19.2 GB/s per bank.
//   SLRs: three of equal size (a third of each total); the HBM controllers sit in SLR0, so the kernel is pinned
//   there. The shell's share of SLR0 as in one public resource model of this platform (≈195.5 BRAM36, 107,629 LUT,
//   136,086 FF, 4 DSP, 0 URAM), rounded up.
// Release names: each Vitis release ships its own embedded base platform (xilinx_zcu102_base_<yyyy><r>0_1, e.g.
// 2022.1 → 202210_1, 2023.1 → 202310_1, Vitis_Embedded_Platform_Source); Alveo platforms are installed separately
// and keep their own name whatever the release.
import type { Platform } from '../config/schema.ts';
import { UserError } from '../errors.ts';

/** Resource capacity (or usage) of a device: DSP slices, BRAM36 tiles, URAM blocks, LUTs, flip-flops. */
export interface ResourceCounts {
  DSP: number;
  BRAM36: number;
  URAM: number;
  LUT: number;
  FF: number;
}

/** One kind of memory a kernel port can be connected to. */
export interface MemoryKind {
  /** v++ bank names in mapping order, e.g. ['HP0', …] or ['HBM[0]', …]. */
  banks: string[];
  /** Bytes one bank holds (a bundle larger than this spans consecutive banks where the memory allows ranges). */
  bankBytes: number;
  /** Whether v++ accepts a range such as HBM[0:3] for one port. */
  ranges: boolean;
  /** Data width of the memory-side port in bits: a wider m_axi bundle is down-sized to this. */
  portBits: number;
  /** Peak bandwidth of one bank / port and of the whole memory, GB/s (1e9 B/s). */
  bankGBs: number;
  totalGBs: number;
}

export interface PlatformInfo {
  id: Platform;
  board: string;
  kind: 'embedded' | 'alveo';
  /** The part the board carries (config.hardware.part should match). */
  part: string;
  /** Default v++ --platform name. */
  vppPlatform: string;
  /** Memory used for the kernel's bundles by default, and any others the board offers. */
  memory: MemoryKind;
  otherMemory: Record<string, MemoryKind>;
  capacity: ResourceCounts;
  /** Multi-die devices: the SLR the kernel goes to (next to its memory), per-SLR capacity and the shell's share there. */
  slr?: { home: string; names: string[]; perSlr: ResourceCounts; shell: ResourceCounts };
  /** Installed platform directory names of this board, e.g. /^xilinx_zcu102_base_\d{6}_\d+$/. */
  namePattern: RegExp;
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}[${i}]`);

export const PLATFORMS: Record<Platform, PlatformInfo> = {
  zcu102: {
    id: 'zcu102',
    board: 'ZCU102 (Zynq UltraScale+ XCZU9EG)',
    kind: 'embedded',
    part: 'xczu9eg-ffvb1156-2-e',
    vppPlatform: 'xilinx_zcu102_base_202210_1',
    memory: { banks: ['HP0', 'HP1', 'HP2', 'HP3', 'HPC0', 'HPC1'], bankBytes: 2 * GB, ranges: false, portBits: 128, bankGBs: 17.064, totalGBs: 17.064 },
    otherMemory: {},
    capacity: { DSP: 2520, BRAM36: 912, URAM: 0, LUT: 274080, FF: 548160 },
    namePattern: /^xilinx_zcu102_base_\d{6}_\d+$/,
  },
  u50: {
    id: 'u50',
    board: 'Alveo U50',
    kind: 'alveo',
    part: 'xcu50-fsvh2104-2-e',
    vppPlatform: 'xilinx_u50_gen3x16_xdma_5_202210_1',
    memory: { banks: range('HBM', 32), bankBytes: 256 * MB, ranges: true, portBits: 256, bankGBs: 316 / 32, totalGBs: 316 },
    otherMemory: {},
    capacity: { DSP: 5952, BRAM36: 1344, URAM: 640, LUT: 870720, FF: 1743360 },
    namePattern: /^xilinx_u50_/,
  },
  u280: {
    id: 'u280',
    board: 'Alveo U280',
    kind: 'alveo',
    part: 'xcu280-fsvh2892-2L-e',
    vppPlatform: 'xilinx_u280_gen3x16_xdma_1_202211_1',
    memory: { banks: range('HBM', 32), bankBytes: 256 * MB, ranges: true, portBits: 256, bankGBs: 460 / 32, totalGBs: 460 },
    otherMemory: { ddr: { banks: range('DDR', 2), bankBytes: 16 * GB, ranges: false, portBits: 512, bankGBs: 19.2, totalGBs: 38.4 } },
    capacity: { DSP: 9024, BRAM36: 2016, URAM: 960, LUT: 1303680, FF: 2607360 },
    slr: {
      home: 'SLR0',
      names: ['SLR0', 'SLR1', 'SLR2'],
      perSlr: { DSP: 3008, BRAM36: 672, URAM: 320, LUT: 434560, FF: 869120 },
      shell: { DSP: 4, BRAM36: 196, URAM: 0, LUT: 107629, FF: 136086 },
    },
    namePattern: /^xilinx_u280_/,
  },
};

/** The database entry of a platform id. */
export function platformInfo(id: Platform): PlatformInfo {
  const p = PLATFORMS[id];
  if (!p) throw new UserError(`hardware.platform: unknown platform '${id}' (known: ${Object.keys(PLATFORMS).join(', ')})`);
  return p;
}

/** The Vitis release ('2023.1') an install path names (…/Vitis/2023.1, …/2024.2/Vitis), or undefined. */
export function releaseOfPath(path: string | undefined): string | undefined {
  const all = [...(path ?? '').matchAll(/(?:^|[^0-9])(20\d\d\.[1-4])(?![0-9])/g)];
  return all.length ? all[all.length - 1]![1] : undefined;
}

/** The default v++ platform name of a board for a Vitis release (embedded base platforms change name every release). */
export function releasePlatformName(p: PlatformInfo, release: string | undefined): string | undefined {
  if (p.kind !== 'embedded') return p.vppPlatform;
  if (!release) return undefined;
  const [y, r] = release.split('.');
  return p.vppPlatform.replace(/_\d{6}_(\d+)$/, `_${y}${r}0_$1`);
}

/** Whether a release (e.g. '2025.2') is at least `min` ('2023.2'). */
export function releaseAtLeast(release: string | undefined, min: string): boolean {
  if (!release) return false;
  const [a, b] = release.split('.').map(Number);
  const [c, d] = min.split('.').map(Number);
  return a! > c! || (a === c && b! >= d!);
}
