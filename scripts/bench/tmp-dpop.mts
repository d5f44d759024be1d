import { readFile } from 'node:fs/promises';
import { buildScript, JWT_SCRIPT_PATH } from '../build-script.js';
import { benchDpop } from './dpop.js';
await buildScript();
const result = await benchDpop(await readFile(JWT_SCRIPT_PATH, 'utf8'), 300, 3);
console.log(JSON.stringify(result, null, 1));
