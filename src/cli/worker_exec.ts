/**
 * Running a worker's command: `sh -c CMD` with the task as JSON on stdin and its output
 * read line by line. The process side of `tm worker`, kept out of src/app/.
 *
 * @module
 */

import type { Executor, RunningCommand } from "../app/worker.ts";

const SIGNAL_NUMBERS: Record<string, number> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2 };

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, newline).replace(/\r$/, ""));
      buffered = buffered.slice(newline + 1);
    }
  }
  if (buffered !== "") onLine(buffered);
}

/** An executor that runs `sh -c command` for each task. */
export function shellExecutor(command: string): Executor {
  return ({ task, env }, onLine): RunningCommand => {
    const child = new Deno.Command("sh", {
      args: ["-c", command],
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      // Its own process group, so that stopping the command also stops what it started.
      detached: true,
    }).spawn();
    const input = child.stdin.getWriter();
    // A command that does not read stdin closes it early; that is not an error.
    input.write(new TextEncoder().encode(`${JSON.stringify(task)}\n`))
      .then(() => input.close())
      .catch(() => undefined);
    const reading = Promise.all([readLines(child.stdout, onLine), readLines(child.stderr, onLine)]);
    const exited = child.status.then(async (status) => {
      // A background grandchild may keep the pipes open: wait briefly for the last lines only.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        reading.catch(() => undefined),
        new Promise((resolve) => timer = setTimeout(resolve, 1000)),
      ]);
      clearTimeout(timer);
      return status.signal === null ? status.code : 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
    });
    let done = false;
    exited.then(() => done = true);
    return {
      exited,
      kill(signal) {
        if (done) return;
        try {
          Deno.kill(-child.pid, signal);
        } catch {
          try {
            child.kill(signal);
          } catch {
            // Already gone.
          }
        }
      },
    };
  };
}
