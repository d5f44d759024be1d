/**
 * A fresh `jti` for each client assertion. Servers check uniqueness, not secrecy (they reject a
 * replay), so the time plus 128 bits of Math.random, which the sandbox has, is enough.
 */
export function newJti(now = Date.now(), random: () => number = Math.random): string {
  let bits = '';
  for (let i = 0; i < 4; i++)
    bits += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return `${now.toString(36)}-${bits}`;
}
