/**
 * scripts/install.sh against a release served from 127.0.0.1: fixture binaries and their
 * SHA256SUMS, as the release workflow publishes them. `uname` is a fixture too, so every
 * platform's choice of binary is checked on this one machine.
 *
 * @module
 */

import assert from "node:assert/strict";
import { capture, type Captured, ROOT } from "./_dist.ts";

const INSTALL = `${ROOT}scripts/install.sh`;

/** A release directory served over HTTP; records the paths asked for. */
interface Release extends AsyncDisposable {
  url: string;
  requests: string[];
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A stand-in for a compiled tm: a script that prints its version and target. */
function fakeBinary(target: string): string {
  return `#!/bin/sh\necho "tm 9.9.9 (fixture ${target})"\n`;
}

/**
 * Serve `files` (name -> content) as release `tag` of the layout GitHub uses:
 * /download/TAG/NAME and /latest/download/NAME.
 */
function serveRelease(tag: string, files: Record<string, string>): Release {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    requests.push(path);
    const match = /^\/(?:latest\/download|download\/([^/]+))\/([^/]+)$/.exec(path);
    const name = match?.[2];
    if (match === null || (match[1] !== undefined && match[1] !== tag) || name === undefined) {
      return new Response("not found", { status: 404 });
    }
    const body = files[name];
    return body === undefined ? new Response("not found", { status: 404 }) : new Response(body);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A release with the four Unix binaries and a correct SHA256SUMS. */
async function goodRelease(tag = "v9.9.9"): Promise<Release> {
  const files: Record<string, string> = {};
  for (const arch of ["x86_64", "aarch64"]) {
    for (const os of ["unknown-linux-gnu", "apple-darwin"]) {
      files[`tm-${arch}-${os}`] = fakeBinary(`${arch}-${os}`);
    }
  }
  const lines = await Promise.all(
    Object.entries(files).map(async ([name, body]) => `${await sha256(body)}  ${name}`),
  );
  files.SHA256SUMS = `${lines.join("\n")}\n`;
  return serveRelease(tag, files);
}

/** A directory holding a `uname` that reports `os` and `arch`. */
async function fakeUname(os: string, arch: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tm-uname-" });
  await Deno.writeTextFile(
    `${dir}/uname`,
    `#!/bin/sh\ncase $1 in -s) echo ${os} ;; -m) echo ${arch} ;; esac\n`,
  );
  await Deno.chmod(`${dir}/uname`, 0o755);
  return dir;
}

async function install(
  args: string[],
  env: Record<string, string>,
  pathFirst?: string,
): Promise<Captured> {
  const path = `${pathFirst ? `${pathFirst}:` : ""}${Deno.env.get("PATH")}`;
  return await capture("sh", [INSTALL, ...args], { env: { ...env, PATH: path } });
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("install.sh downloads this platform's binary, checks it and places it as tm", async () => {
  await using release = await goodRelease();
  const dir = `${await Deno.makeTempDir()}/bin`;
  const result = await install(["--dir", dir], { TM_DOWNLOAD_URL: release.url });
  assert.equal(result.code, 0, result.stderr);
  const arch = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
  const target = Deno.build.os === "darwin" ? `${arch}-apple-darwin` : `${arch}-unknown-linux-gnu`;
  assert.deepEqual(release.requests, [
    `/latest/download/tm-${target}`,
    "/latest/download/SHA256SUMS",
  ]);
  assert.match(result.stdout, new RegExp(`^installed tm 9\\.9\\.9 \\(fixture ${target}\\) as `));
  assert.equal(((await Deno.stat(`${dir}/tm`)).mode ?? 0) & 0o111, 0o111);
  assert.deepEqual(
    (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name),
    ["tm"],
    "no temporary file left",
  );
});

Deno.test("install.sh picks the binary by uname: macOS on arm64, Linux on amd64", async () => {
  await using release = await goodRelease();
  const cases = [
    ["Darwin", "arm64", "aarch64-apple-darwin"],
    ["Linux", "amd64", "x86_64-unknown-linux-gnu"],
    ["Linux", "aarch64", "aarch64-unknown-linux-gnu"],
  ];
  for (const [os, arch, target] of cases) {
    const dir = await Deno.makeTempDir();
    const result = await install(
      ["--dir", dir, "--version", "v9.9.9"],
      { TM_DOWNLOAD_URL: release.url },
      await fakeUname(os!, arch!),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`fixture ${target}\\)`), `${os} ${arch}`);
    assert.ok(release.requests.includes(`/download/v9.9.9/tm-${target}`));
  }
});

Deno.test("install.sh installs nothing when the checksum does not match", async () => {
  await using release = serveRelease("v1.0.0", {
    "tm-x86_64-unknown-linux-gnu": fakeBinary("tampered"),
    SHA256SUMS: `${await sha256(fakeBinary("original"))}  tm-x86_64-unknown-linux-gnu\n`,
  });
  const dir = await Deno.makeTempDir();
  const result = await install(
    ["--dir", dir],
    { TM_DOWNLOAD_URL: release.url },
    await fakeUname("Linux", "x86_64"),
  );
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^tm install: checksum mismatch for tm-x86_64-unknown-linux-gnu/);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing placed, nothing left");
});

Deno.test("install.sh says so in one line for a missing release, an unknown system, no repository", async () => {
  await using release = await goodRelease("v9.9.9");
  const dir = await Deno.makeTempDir();
  const missing = await install(["--dir", dir, "--version", "v0.0.1"], {
    TM_DOWNLOAD_URL: release.url,
  });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr.trimEnd().split("\n").at(-1)!, /^tm install: cannot download /);
  const bsd = await install(
    ["--dir", dir],
    { TM_DOWNLOAD_URL: release.url },
    await fakeUname("FreeBSD", "x86_64"),
  );
  assert.equal(bsd.code, 1);
  assert.match(bsd.stderr, /^tm install: no tm binary for FreeBSD/);
  const noRepo = await install(["--dir", dir], {});
  assert.equal(noRepo.code, 1);
  assert.match(noRepo.stderr, /^tm install: which repository\? set TM_REPO/);
  assert.equal(await exists(`${dir}/tm`), false);
});
