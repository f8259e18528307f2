/**
 * Hex digests and random hex: token secrets and ids, token hashes, request fingerprints.
 *
 * @module
 */

/** Bytes as lowercase hex, two characters a byte. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of `text` (UTF-8), as 64 lowercase hex characters. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
  );
}
