// The slow path of dist/prerequest.js (see hot-path.ts).
import { handleResponse } from './after-response.js';
import { fetchAndStore } from './fetch-and-store.js';

declare const fingerprint: string;
declare const profile: string;
declare const reusable: boolean;

if (pm.info.eventName === 'test') handleResponse(profile);
else fetchAndStore(fingerprint, profile, reusable);
