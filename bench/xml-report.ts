// Parse time of the largest shipped csynth.xml (285 KB, Vitis HLS 2020.2): fast-xml-parser's validator, its parser,
// and the whole reader (validate + parse + element tree); then a ~2.8 MB document made of ten copies of its
// ModuleInformation, as a large design's csynth.xml. Run: npx tsx bench/xml-report.ts
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseXmlDocument } from '../generator/report/xml.ts';

const file = new URL('../test/fixtures/vitis-reports/vitis-hls-2020.2-osqp-undef/hls_project/solution1/syn/report/csynth.xml', import.meta.url);
const text = readFileSync(file, 'utf8');
const time = (what: string, fn: () => void, n = 10) => {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  console.log(`${what.padEnd(34)} ${((performance.now() - t0) / n).toFixed(1)} ms`);
};
console.log(`${(text.length / 1024).toFixed(0)} KiB`);
time('XMLValidator.validate', () => XMLValidator.validate(text));
time('XMLParser.parse (preserveOrder)', () => new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false }).parse(text));
time('XMLParser.parse (object)', () => new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(text));
time('parseXmlDocument (ours, all)', () => parseXmlDocument(text));

const mi = /<ModuleInformation>([\s\S]*)<\/ModuleInformation>/.exec(text)![1]!;
const big = text.replace(mi, mi.repeat(10));
console.log(`${(big.length / 1024 / 1024).toFixed(1)} MiB`);
time('parseXmlDocument (ours, all)', () => parseXmlDocument(big), 3);
