// `node --import ./recordImports.js …` appends the URL of every module the ES loader resolves to
// the file named by $RECORD_IMPORTS_TO, one per line (the resolve hook sees each import, whoever
// makes it: tsx's own hooks are further down the same chain).
import { register } from 'node:module';
import process from 'node:process';

if (process.env.RECORD_IMPORTS_TO) {
  register('./recordImportsHooks.js', import.meta.url, {
    data: { file: process.env.RECORD_IMPORTS_TO },
  });
}
