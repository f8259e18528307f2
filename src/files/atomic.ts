/**
 * Atomic file writes: write a temporary file beside the target, flush it, rename it over
 * the target. Readers see the old file or the new one, never half of one.
 *
 * @module
 */

/** Write every byte of `bytes` to `file` (one `write` may take only part of them). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    offset += await file.write(bytes.subarray(offset));
  }
}

/**
 * Write `text` to `path` atomically (temp file + fsync + rename). A replaced file keeps its
 * permission bits (a 0600 file stays 0600); a new one gets `mode`.
 */
export async function writeTextFileAtomic(
  path: string,
  text: string,
  mode = 0o644,
): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  const name = slash < 0 ? path : path.slice(slash + 1);
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  const temp = `${dir}/.${name}.${random}.tmp`;
  const existing = await Deno.stat(path).catch(() => null);
  const keptMode = existing?.isFile && existing.mode !== null ? existing.mode & 0o7777 : mode;
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode: keptMode });
    try {
      await writeAll(file, new TextEncoder().encode(text));
      await file.sync();
    } finally {
      file.close();
    }
    // The umask applies at creation; the kept mode must not depend on it.
    if (existing?.isFile) await Deno.chmod(temp, keptMode);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
