// The slow path of dist/prerequest.js (see hot-path.ts).
import { fetchAndStore } from './fetch-and-store.js';

declare const fingerprint: string;
declare const profile: string;
declare const reusable: boolean;

fetchAndStore(fingerprint, profile, reusable);
