// Trunk post-build step (called by minify-glue.sh): drops wasm-bindgen's JS classes for
// `wasm-streams` (IntoUnderlyingSource, …Sink, …ByteSource) from the glue when the wasm no
// longer exports them. Leptos links `wasm-streams` through server_fn's `browser` feature, which
// nothing of ours uses; each page's `data-wasm-opt-params` removes the exports from the wasm
// (`--remove-exports=*intounderlying*`, then `-Oz` again to drop the code only they reached).
// Their classes in the glue would only call exports that are gone.
//
// Usage: node drop-stream-glue.mjs <glue.js> <module_bg.wasm>
// Leaves the glue as it is while the wasm still exports them; fails on a glue of another shape
// (a new wasm-bindgen) rather than leave half of a class behind.
import { readFileSync, writeFileSync } from "node:fs";

const [glue, wasm] = process.argv.slice(2);
const exported = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasm)));
if (exported.some((e) => /intounderlying/i.test(e.name))) process.exit(0);

let text = readFileSync(glue, "utf8");
if (!text.includes("IntoUnderlying")) process.exit(0);
let dropped = 0;
const drop = (pattern) => {
  text = text.replace(pattern, () => {
    dropped += 1;
    return "";
  });
};
// `export class X { … }` (its closing brace alone at the line's start) and its dispose line.
drop(/^export class (IntoUnderlying\w+) \{\n[\s\S]*?\n\}\nif \(Symbol\.dispose\) \1\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n/gm);
// `const XFinalization = (typeof FinalizationRegistry === 'undefined') ? … : new …;` (three lines).
drop(/^const IntoUnderlying\w+Finalization = [^\n]*\n[^\n]*\n[^\n]*;\n/gm);
// The enum only the byte source's `type` getter read.
drop(/^const __wbindgen_enum_ReadableStreamType = \["bytes"\];\n/gm);
if (text.includes("IntoUnderlying") || text.includes("__wbindgen_enum_ReadableStreamType") || dropped !== 7) {
  console.error(`drop-stream-glue: ${glue} is not shaped as expected (dropped ${dropped} of 7 parts)`);
  process.exit(1);
}
writeFileSync(glue, text);
