import assert from "node:assert/strict";
import { addTask, initProject, tm, tmJson } from "./_in_process.ts";

Deno.test("metrics aggregates completions, estimates and feedback per agent", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "a", ["--estimated-hours", "2"]);
  const b = await addTask(cwd, "b", ["--estimated-hours", "4"]);
  await addTask(cwd, "open");
  await tm(["complete", a, "--actual-hours", "2"], { cwd, env: { TM_AGENT_ID: "alice" } });
  await tm(["complete", b, "--actual-hours", "8"], { cwd, env: { TM_AGENT_ID: "bob" } });
  await tm(["feedback", a, "--quality", "5", "--timeliness", "3"], { cwd });
  const metrics = await tmJson(["metrics"], { cwd });
  const overall = metrics.overall as {
    completed: number;
    estimate_accuracy: { tasks: number; average_ratio: number; within_20_percent: number };
    feedback: { coverage: number; average_quality: number };
  };
  assert.equal(overall.completed, 2);
  assert.deepEqual(overall.estimate_accuracy, {
    tasks: 2,
    average_ratio: 1.5,
    within_20_percent: 0.5,
  });
  assert.equal(overall.feedback.coverage, 0.5);
  assert.equal(overall.feedback.average_quality, 5);
  const agents = (metrics.by_agent as Array<{ agent: string; completed: number }>)
    .map((x) => [x.agent, x.completed]);
  assert.deepEqual(agents, [["alice", 1], ["bob", 1]]);
  const feedback = await tm(["metrics", "--feedback"], { cwd });
  assert.match(feedback.stdout, /^Feedback metrics:\n {2}Average quality: 5\.0\/5\n/);
  assert.match(feedback.stdout, /^ {2}Tasks with feedback: 1\n {2}Completed tasks: 2\n/m);
  assert.match(feedback.stdout, /^ {2}Feedback coverage: 50%$/m);
  assert.doesNotMatch(feedback.stdout, /cycle time/);
});

Deno.test("report renders text, json and csv, and writes --output atomically", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const a = await addTask(cwd, "a", ["--deadline", "2030-01-01"]);
  await addTask(cwd, "b");
  await tm(["complete", a, "--summary", "done"], { cwd });
  const json = await tmJson(["report", "--days", "3"], { cwd });
  const report = json.report as {
    days: number;
    created: number;
    completed: number;
    completion_rate: number;
    feature_adoption: { tasks: number; with_deadline: number; with_summary: number };
  };
  assert.equal(report.days, 3);
  assert.equal(report.created, 2);
  assert.equal(report.completed, 1);
  assert.equal(report.completion_rate, 0.5);
  assert.equal(report.feature_adoption.with_deadline, 1);
  assert.equal(report.feature_adoption.with_summary, 1);
  const csv = await tm(["report", "--format", "csv"], { cwd });
  assert.match(csv.stdout, /^metric,value\n/);
  assert.match(csv.stdout, /^completion_rate,0\.5$/m);
  const written = await tm(["report", "--output", "out/../report.txt"], { cwd });
  assert.equal(written.stdout, "Report written to out/../report.txt\n");
  const text = await Deno.readTextFile(`${cwd}/report.txt`);
  assert.match(text, /^Task Orchestrator Report \(last 7 days/);
  const bad = await tm(["report", "--format", "xml"], { cwd });
  assert.equal(bad.code, 2);
});

Deno.test("critical-path follows the heaviest chain and renders graphviz", async () => {
  await using project = await initProject();
  const cwd = project.dir;
  const empty = await tm(["critical-path"], { cwd });
  assert.equal(empty.stdout, "No open tasks\n");
  const a = await addTask(cwd, "design", ["--estimated-hours", "2"]);
  const b = await addTask(cwd, "build", ["--estimated-hours", "5", "--depends-on", a]);
  await addTask(cwd, "docs", ["--estimated-hours", "1", "--depends-on", a]);
  const c = await addTask(cwd, "ship", ["--estimated-hours", "1", "--depends-on", b]);
  const json = await tmJson(["critical-path"], { cwd });
  assert.equal(json.total_hours, 8);
  assert.deepEqual((json.path as Array<{ id: string }>).map((t) => t.id), [a, b, c]);
  const dot = await tm(["critical-path", "--format", "graphviz"], { cwd });
  assert.match(dot.stdout, /^digraph critical_path \{/);
  assert.ok(dot.stdout.includes(`"${a}" -> "${b}" [color=red, penwidth=2];`), dot.stdout);
  const text = await tm(["critical-path"], { cwd });
  assert.match(text.stdout, /^Critical path: 3 tasks, 8h estimated\n1\. \[/);
});
