// The TextMate grammar has one source, grammar/cepheus.tmLanguage.json at the repository
// root; the extension ships a copy made here at build time (never edited by hand, not in git).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const from = fileURLToPath(new URL("../../../grammar/cepheus.tmLanguage.json", import.meta.url));
const to = fileURLToPath(new URL("../syntaxes/cepheus.tmLanguage.json", import.meta.url));
const text = readFileSync(from, "utf8");
JSON.parse(text); // a broken grammar fails the build, not the editor
mkdirSync(fileURLToPath(new URL("../syntaxes/", import.meta.url)), { recursive: true });
writeFileSync(to, text);
