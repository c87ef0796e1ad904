// The axlf (xclbin2) container layout: byte offsets and section kinds, as documented for XRT's xclbin.h (little-endian).

export const AXLF_MAGIC = 'xclbin2\0';
/** Offset of the inline axlf_header (after magic, signature length, reserved, key block and unique id). */
export const HEADER_OFFSET = 304;
/** Offset of the first section header (HEADER_OFFSET + sizeof(axlf_header) = 152). */
export const SECTION_TABLE_OFFSET = 456;
export const SECTION_HEADER_BYTES = 40;
/** sizeof(struct axlf) including its one built-in section header: XRT reads this much unconditionally. */
export const AXLF_MIN_BYTES = 496;
/** XRT's own cap on the number of sections. */
export const MAX_SECTIONS = 0x10000;

/** Field offsets inside the axlf_header, relative to HEADER_OFFSET. */
export const HEADER = {
  length: 0,
  timeStamp: 8,
  featureRomTimeStamp: 16,
  versionPatch: 24,
  versionMajor: 26,
  versionMinor: 27,
  mode: 28,
  actionMask: 30,
  romUuid: 32,
  platformVbnv: 48,
  uuid: 112,
  debugBin: 128,
  numSections: 144,
} as const;

/** Field offsets inside one section header. */
export const SECTION = { kind: 0, name: 4, nameBytes: 16, offset: 24, size: 32 } as const;

/** The section kinds this project reads or writes. */
export const SectionKind = {
  BITSTREAM: 0,
  EMBEDDED_METADATA: 2,
  MEM_TOPOLOGY: 6,
  CONNECTIVITY: 7,
  IP_LAYOUT: 8,
  ASK_GROUP_TOPOLOGY: 26,
  ASK_GROUP_CONNECTIVITY: 27,
} as const;

/** ip_data: u32 type, u32 properties, u64 base address, char name[64]. */
export const IP_DATA_BYTES = 80;
export const IP_KERNEL = 1;
/** mem_data: u8 type, u8 used, pad[6], u64 size (KiB), u64 base address, char tag[16]. */
export const MEM_DATA_BYTES = 40;
export const MEM_DDR4 = 1;
/** connection: i32 arg index, i32 ip_layout index, i32 mem_data index. */
export const CONNECTION_BYTES = 12;
/** Arrays in IP_LAYOUT / MEM_TOPOLOGY start 8 bytes in (i32 count + padding to the u64-aligned element). */
export const ARRAY_START_ALIGNED = 8;
/** CONNECTIVITY's array starts right after its i32 count (connection has no 8-byte member). */
export const ARRAY_START_CONNECTIVITY = 4;

/** addressQualifier values in the kernel XML. */
export const ADDRESS_QUALIFIER = { scalar: 0, global: 1, constant: 2, local: 3, stream: 4 } as const;
