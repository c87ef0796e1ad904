// Every file of a generated design except the kernel sources: testbench, bridge, build files, design.json,
// config.json and the csim headers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { manifestSchema, type DesignManifest } from '../manifest.ts';
import type { Plan } from '../plan/index.ts';
import { CONFIG_JSON, DESIGN_JSON } from './design.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { designFile, renderDesignTemplate, TEMPLATES_DIR } from './templates.ts';
import { bridgeView, buildFilesView, testbenchView } from './views.ts';
import { listFiles, type FileSet } from './write-dir.ts';
import { renderLinkConfig } from '../build/link.ts';
import { vitisBuildView } from '../build/view.ts';

/** sha256 of the canonical (sorted-key) JSON of a config: design.json's configHash. */
export function configHash(config: Config): string {
  return sha256(canonicalJson(config));
}

/** config.json: the resolved config with sorted keys, 2-space indented. */
export function configFileText(config: Config): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`;
}

/** The csim headers (templates/csim-include/**), keyed by their path inside the design. */
export function csimIncludeFiles(dest: string): FileSet {
  const src = join(TEMPLATES_DIR, 'csim-include');
  const out: FileSet = new Map();
  for (const rel of listFiles(src)) out.set(`${dest}/${rel}`, readFileSync(join(src, rel)));
  return out;
}

/** The non-kernel files of a design for `plan` and its manifest. */
export function designFiles(plan: Plan, manifest: DesignManifest): FileSet {
  manifestSchema.parse(manifest); // an internal contract check: the plan must produce a valid design.json
  const files: FileSet = new Map();
  files.set(DESIGN_JSON, `${JSON.stringify(manifest, null, 2)}\n`);
  files.set(CONFIG_JSON, configFileText(plan.config));
  files.set('tb/testbench.cpp', renderDesignTemplate('testbench.cpp.hbs', testbenchView(plan, manifest)));
  files.set('tb/bridge.cpp', renderDesignTemplate('bridge.cpp.hbs', bridgeView(plan, manifest)));
  files.set('tb/tb_io.h', designFile('tb_io.h'));
  const build = { ...buildFilesView(plan, manifest), ...vitisBuildView(plan) };
  files.set('Makefile', renderDesignTemplate('Makefile.hbs', build));
  files.set('run_hls.tcl', renderDesignTemplate('run_hls.tcl.hbs', build));
  files.set('link.cfg', renderLinkConfig(plan));
  for (const [k, v] of csimIncludeFiles(manifest.sources.csimInclude)) files.set(k, v);
  return files;
}
