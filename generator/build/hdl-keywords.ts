// Reserved words of Verilog, SystemVerilog and VHDL (case-insensitive in VHDL). Vitis HLS renames a kernel argument
// that collides with one by appending `_r` (`task` → `task_r`), so the RTL port, the register map and the xclbin's
// kernel metadata no longer carry the C name: argument names must avoid them.
const WORDS = `
abs access after alias all always always_comb always_ff always_latch and architecture array assert assign assume
attribute automatic before begin bind bins binsof bit block body break buf bufif0 bufif1 buffer bus byte case casex
casez cell chandle class clocking cmos component config configuration const constraint context continue cover
covergroup coverpoint cross deassign default defparam design disable disconnect dist do downto edge else elsif end
endcase endclass endclocking endconfig endfunction endgenerate endgroup endinterface endmodule endpackage
endprimitive endprogram endproperty endsequence endspecify endtable endtask entity enum event exit expect export
extends extern file final first_match for force foreach forever fork forkjoin function generate generic genvar group
guarded highz0 highz1 if iff ifnone ignore_bins illegal_bins impure import in incdir include inertial initial inout
input inside instance int integer interface intersect is join join_any join_none label large liblist library
linkage literal local localparam logic longint loop macromodule map matches medium mod modport module nand negedge
new next nmos nor noshowcancelled not notif0 notif1 null of on open or others out output package packed parameter
pmos port posedge postponed primitive priority procedure process program property protected pull0 pull1 pulldown
pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase randsequence range rcmos real realtime record
ref reg register reject release rem repeat report return rnmos rol ror rpmos rtran rtranif0 rtranif1 scalared select
sequence severity shared shortint shortreal showcancelled signal signed sla sll small solve specify specparam sra srl
static string strong0 strong1 struct subtype super supply0 supply1 table tagged task then this throughout time
timeprecision timeunit to tran tranif0 tranif1 transport tri tri0 tri1 triand trior trireg type typedef union unique
units unsigned until use uwire var variable vectored virtual void wait wait_order wand weak0 weak1 when while wildcard
wire with within wor xnor xor
`;

/** Every reserved word, lower case. */
export const HDL_KEYWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/** Whether `name` collides with an HDL reserved word (VHDL is case-insensitive, so compare in lower case). */
export function isHdlKeyword(name: string): boolean {
  return HDL_KEYWORDS.has(name.toLowerCase());
}
